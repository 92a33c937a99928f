"""The risk model's contrast sets: labelled chat messages built from emochat's own templates
(inference/data/risk_contrast.toml; the file says why each group is there and how it is labelled).

Each template's {slots} are filled from the file's fillers, a few times per template with a seeded random choice,
and some messages are given a chat-style surface (an opener, lower case, no final stop), so the model learns the
words that matter rather than one spelling. Held-out templates are generated the same way and never trained on:
they measure whether the model learned a distinction or memorised sentences.
"""

from __future__ import annotations

import random
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from inference.types import RISK_LEVELS

CONTRAST_FILE = Path(__file__).resolve().parent.parent / "data" / "risk_contrast.toml"
PARTS = ("templates", "held_out")
# Shares of messages that get each surface change, and that get a lead-in sentence where the group allows one.
OPENER_RATE = 0.2
LOWER_RATE = 0.3
NO_STOP_RATE = 0.3
LEAD_IN_RATE = 0.3


@dataclass(frozen=True)
class Example:
    text: str
    level: str
    subject: str | None  # None: not known, not trained on
    group: str = ""
    accept: tuple[str, ...] = ()  # levels counted correct when measuring


def load(path: Path = CONTRAST_FILE) -> dict:
    spec = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    for group in spec["group"]:
        if group["level"] not in RISK_LEVELS or not set(group["accept"]) <= set(RISK_LEVELS):
            raise ValueError(f"contrast group {group['name']!r}: unknown level")
        if group["subject"] not in ("", "self", "other", "not_literal"):
            raise ValueError(f"contrast group {group['name']!r}: unknown subject {group['subject']!r}")
    return spec


def slots(template: str) -> list[str]:
    """The filler names a template uses: `p` for `{p[name]}`."""
    names = []
    for _, field, _, _ in string.Formatter().parse(template):
        if field:
            name = field.split("[", 1)[0].split(".", 1)[0]
            if name not in names:
                names.append(name)
    return names


def fill(template: str, fillers: Mapping[str, Sequence], rng: random.Random) -> str:
    return template.format(**{name: rng.choice(fillers[name]) for name in slots(template)})


def surface(text: str, openers: Sequence[str], rng: random.Random) -> str:
    """The same message as people type it: sometimes with an opener, in lower case, without the final stop."""
    if openers and rng.random() < OPENER_RATE:
        text = rng.choice(openers) + text[:1].lower() + text[1:]
    if rng.random() < LOWER_RATE:
        text = text.lower()
    if rng.random() < NO_STOP_RATE and text.endswith("."):
        text = text[:-1]
    return text


def generate(spec: Mapping, *, part: str = "templates", variants: int = 8, seed: int = 13) -> list[Example]:
    """Up to `variants` distinct messages per template of `part` ("templates" to train on, "held_out" to measure),
    in file order. A template with few fillers gives fewer."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    rng = random.Random(seed)
    fillers, openers = spec["fillers"], spec["fillers"].get("openers", [])
    groups = {group["name"]: group for group in spec["group"]}
    out: list[Example] = []
    for group in spec["group"]:
        lead_ins = [template for name in group.get("lead_in", ()) for template in groups[name][part]]
        subject = group["subject"] or None
        for template in group[part]:
            seen: set[str] = set()
            # Enough draws to find `variants` distinct messages where the fillers allow it.
            for _ in range(variants * 4):
                if len(seen) >= variants:
                    break
                text = fill(template, fillers, rng)
                if lead_ins and rng.random() < LEAD_IN_RATE:
                    text = fill(rng.choice(lead_ins), fillers, rng) + " " + text
                text = surface(text, openers, rng)
                if text in seen:
                    continue
                seen.add(text)
                out.append(Example(text, group["level"], subject, group["name"], tuple(group["accept"])))
    return out

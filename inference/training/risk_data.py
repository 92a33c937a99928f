"""What the risk model is trained and measured on: the crisis posts with their weak labels, ordinary GoEmotions
comments, extra labelled examples (moderators' outcomes), and ESConv conversations (measured only, never trained
on: research-only data)."""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference import safety_net
from inference.training.contrast import Example
from inference.training.risk_labels import label_post
from inference.modeling.levels import LEVELS, SUBJECTS
from inference.types import risk_rank

POSITIVE = "suicide"  # the crisis data's label for a post from r/SuicideWatch


@dataclass
class Split:
    texts: list[str]
    labels: np.ndarray  # (n,) of 0/1; 1 = posted in r/SuicideWatch


def load_split(data_dir: Path, name: str, *, limit: int | None = None) -> Split:
    """`<name>.csv` with columns text,label (label `suicide` or `non-suicide`)."""
    csv.field_size_limit(sys.maxsize)
    texts, labels = [], []
    with (Path(data_dir) / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["text"] or "")
            labels.append(1.0 if row["label"].strip() == POSITIVE else 0.0)
            if limit is not None and len(texts) >= limit:
                break
    return Split(texts=texts, labels=np.array(labels, dtype=np.float32))


def load_comments(goemotions_dir: Path, name: str) -> list[str]:
    """The texts of GoEmotions `<name>.tsv` (text, label ids, comment id); none when the file is missing."""
    path = Path(goemotions_dir) / f"{name}.tsv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [record[0] for record in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if record]


def chat_negatives(goemotions_dir: Path, count: int, *, seed: int, name: str = "train") -> list[str]:
    """`count` GoEmotions comments of `name`, shuffled with `seed`, that the safety net does not flag: ordinary
    short messages. A comment the net flags ("I want to die") is left out rather than taught as harmless. None when
    the file is missing."""
    comments = load_comments(goemotions_dir, name)
    random.Random(seed).shuffle(comments)
    out: list[str] = []
    for text in comments:
        if len(out) >= count:
            break
        if not safety_net.assess(text).flagged:
            out.append(text)
    return out


def comment_example(text: str) -> Example:
    """A GoEmotions comment the net does not flag: `indicator` where it reads distress, else `none`. Its subject
    is known only where the net saw someone else's risk, or a figure of speech about dying."""
    net = safety_net.assess(text)
    level = "indicator" if net.level == "indicator" else "none"
    subject = None
    if "third_party" in net.categories:
        subject = "other"
    elif safety_net.HYPERBOLE.search(text.lower()):
        subject = "not_literal"
    return Example(text, level, subject, "goemotions")


def crisis_examples(split: Split) -> list[Example]:
    """r/SuicideWatch posts at their weak level (`risk_labels`), r/teenagers posts `none` with no known subject."""
    out = []
    for text, label in zip(split.texts, split.labels):
        if label == 1:
            weak = label_post(text)
            out.append(Example(text, weak.level, weak.subject, "crisis"))
        else:
            out.append(Example(text, "none", None, "crisis"))
    return out


def extra_examples(extra: Sequence[tuple[str, str, str]]) -> list[Example]:
    """Labelled examples from a caller, (text, level, subject); subject "" when not known."""
    out = []
    for text, level, subject in extra:
        if level not in LEVELS or subject not in ("", *SUBJECTS):
            raise ValueError(f"extra example labelled ({level!r}, {subject!r}): need a level of {LEVELS} and a "
                             f"subject of {SUBJECTS} or ''")
        out.append(Example(text, level, subject or None, "extra"))
    return out


def load_esconv(path: Path) -> list[list[str]]:
    """The help-seekers' messages of each ESConv conversation (`speaker == "seeker"`); none when the file is
    missing. Read to measure only: ESConv is licensed for research, never trained or tuned on here."""
    if not Path(path).is_file():
        return []
    conversations = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                turns = json.loads(line)["turns"]
                conversations.append([turn["text"] for turn in turns if turn["speaker"] == "seeker"])
    return conversations


def esconv_rates(conversations: Sequence[Sequence[str]], levels: Sequence[str]) -> dict:
    """Shares of seeker messages at each level, and of conversations with any message flagged (ideation+)."""
    out = rates(list(levels))
    position, flagged_conversations = 0, 0
    for messages in conversations:
        flagged_conversations += any(risk_rank(level) >= risk_rank("ideation")
                                     for level in levels[position:position + len(messages)])
        position += len(messages)
    return {**out, "conversations": len(conversations), "conversations_flagged_count": flagged_conversations,
            "conversations_flagged": round(flagged_conversations / max(1, len(conversations)), 4)}


def limited(count: int, limit: int | None) -> int:
    # A smoke run (`limit`) reads no more of any source than crisis posts.
    return count if limit is None else min(count, limit)


def sample(items: list, count: int, seed: int) -> list:
    if count >= len(items):
        return items
    return random.Random(seed).sample(items, count)


def rates(levels: Sequence[str]) -> dict:
    """How many of these messages land on each level, and at `ideation` or above (`flagged`), as shares."""
    n = max(1, len(levels))
    shares = {level: round(levels.count(level) / n, 4) for level in LEVELS}
    flagged = sum(risk_rank(level) >= risk_rank("ideation") for level in levels)
    return {"messages": len(levels), **shares, "flagged": round(flagged / n, 5), "flagged_count": flagged}

"""Suicide-risk language from emochat's risk model (a LoRA adapter over all-MiniLM-L6-v2, from `train_risk`): the
second layer of crisis detection, behind the rule-based safety net.

A binary model: P(flagged) against the two thresholds in the artifact's `thresholds.json` gives `none`,
`indicator` or `ideation` (the flag, with the category `self_harm`). It never reads `behavior` or `imminent`;
those come from the safety net.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import torch

from inference.loader import BackendError
from inference.modeling.checkpoints import BASE_MODEL, merged_adapter, quiet
from inference.modeling.devices import pick_device
from inference.modeling.encoding import MAX_LENGTH
from inference.modeling.levels import LABELS, flagged_scores, in_order, level_of, thresholds_from
from inference.types import Risk

SETTING = "EMOCHAT_RISK_MODEL"
SOURCE = "model"
# Text with no letter or digit in any script carries nothing to read.
READABLE = re.compile(r"[^\W_]")


def check_model_dir(model_dir: str) -> dict[str, float]:
    """Fail fast, without loading weights, when `model_dir` cannot be emochat's risk model; return its thresholds."""
    path = Path(model_dir)
    if not path.is_dir():
        raise BackendError(f"{SETTING}: {model_dir!r} is not a directory holding a model.")
    if not (path / "adapter_config.json").is_file():
        raise BackendError(f"{SETTING}: {model_dir!r} holds no LoRA adapter (adapter_config.json); "
                           f"`manage.py train_risk` writes one.")
    try:
        thresholds = thresholds_from(json.loads((path / "thresholds.json").read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # e.g. the emotion model's folder: an adapter too, but its thresholds are per emotion label.
        raise BackendError(f"{SETTING}: {model_dir!r} is not a risk classifier: its thresholds.json does not give "
                           f"`indicator` and `ideation` ({type(exc).__name__}).") from exc
    if not in_order(thresholds):
        raise BackendError(f"{SETTING}: {model_dir!r} has thresholds out of order (need 0 <= indicator <= "
                           f"ideation <= 1).")
    return thresholds


def _load(model_dir: Path, device: torch.device):
    quiet()
    model, tokenizer = merged_adapter(model_dir, LABELS)
    return model.to(device).eval(), tokenizer


def _trained_length(model_dir: Path) -> int:
    try:
        return int(json.loads((model_dir / "report.json").read_text())["input"]["max_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return MAX_LENGTH


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return ""


def _earlier(contexts: Sequence[Sequence[str]] | None, i: int) -> list[str]:
    """Text i's readable earlier messages; a missing or short `contexts` means none."""
    if contexts is None or i >= len(contexts) or not contexts[i]:
        return []
    return [message for message in map(_as_text, contexts[i]) if READABLE.search(message)]


class TransformersRiskDetector:
    def __init__(self, model_dir: str, *, device: str = "auto", batch_size: int = 32, max_length: int | None = None):
        """`max_length` None reads at the length the model was trained at (its report.json), as dev was measured."""
        self.thresholds = check_model_dir(model_dir)
        try:
            self.model, self.tokenizer = _load(Path(model_dir), pick_device(device))
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loading failure is a configuration error here
            raise BackendError(f"{SETTING}: {model_dir!r} is not a risk adapter that loads over "
                               f"{BASE_MODEL} ({type(exc).__name__}).") from exc
        self.batch_size = batch_size
        self.max_length = min(max_length or _trained_length(Path(model_dir)), self.tokenizer.model_max_length)
        self.assess(["warming up"])  # the first call pays for lazy initialisation; not a person's message

    def scores(self, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None = None) -> list[float]:
        """P(flagged) per text, read with its context."""
        values = flagged_scores(self.model, self.tokenizer, texts, contexts, batch_size=self.batch_size,
                                max_length=self.max_length)
        return [float(value) for value in values]

    def assess(self, texts: Sequence[str], *, contexts: Sequence[Sequence[str]] | None = None) -> list[Risk]:
        cleaned = [_as_text(text) for text in texts]
        out = [Risk("none", 0.0, (), SOURCE) for _ in cleaned]
        # An unreadable message adds nothing to what its earlier messages already said when they were assessed.
        readable = [i for i, text in enumerate(cleaned) if READABLE.search(text)]
        if readable:
            values = self.scores([cleaned[i] for i in readable], [_earlier(contexts, i) for i in readable])
            for i, value in zip(readable, values):
                out[i] = self.risk_of(value)
        return out

    def risk_of(self, value: float) -> Risk:
        """The reading for P(flagged) = `value`: only `ideation` carries a category; the binary model saw no other."""
        level = level_of(value, self.thresholds)
        return Risk(level, value, ("self_harm",) if level == "ideation" else (), SOURCE)

"""The risk model's reading: two heads over one encoder, cut into a level by the thresholds stored with the model.

The classification head has eight outputs: five logits for the level (`none` … `imminent`, the Columbia-scale
levels of `inference.types`) and three for whose risk it is (`self` the writer, `other` someone else,
`not_literal` nobody: a figure of speech, news, fiction, words of comfort to another). Two heads, not one label per
pair, because "my friend wants to die" and "I want to die" share a level and differ only in whose it is; a model
with one head learned the topic (death) instead of the danger.

Levels are read from cumulative probabilities of the calibrated level distribution (temperature scaling):
P(≥indicator), P(≥ideation), P(≥behavior), P(imminent). Each has its own threshold; the highest level whose
threshold is met wins. A long text is read in windows, and each of the four is its maximum over windows: the worst
window counts, as a person's worst sentence would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from inference.modeling.encoding import MAX_LENGTH, padded, windows
from inference.types import RISK_LEVELS

LEVELS = RISK_LEVELS
SUBJECTS = ("self", "other", "not_literal")
# The head's outputs, in order: levels first, then subjects.
LABELS = (*LEVELS, *SUBJECTS)
# What each threshold cuts: P(level >= indicator), P(>= ideation), P(>= behavior), P(imminent); the thresholds.json
# keys, in this order, with the temperature that calibrates the level logits.
THRESHOLDS = ("indicator", "ideation", "behavior", "imminent")
TEMPERATURE = "temperature"
SCORED = THRESHOLDS.index("ideation")  # the peak the reading's score is


def level_probabilities(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The calibrated level distribution, (..., 5), from the head's outputs (..., 8)."""
    scaled = np.asarray(logits, dtype=np.float64)[..., :len(LEVELS)] / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


def subject_probabilities(logits: np.ndarray) -> np.ndarray:
    """The subject distribution, (..., 3); not calibrated: only its argmax is read."""
    scaled = np.asarray(logits, dtype=np.float64)[..., len(LEVELS):]
    exp = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def at_least(probabilities: np.ndarray) -> np.ndarray:
    """P(level >= indicator), P(>= ideation), P(>= behavior), P(imminent), (..., 4), from a level distribution."""
    tail = np.cumsum(probabilities[..., ::-1], axis=-1)[..., ::-1]
    return np.clip(tail[..., 1:], 0.0, 1.0)


def level_of(peaks: Sequence[float], thresholds: Mapping[str, float]) -> str:
    """The highest level whose cumulative probability reaches its threshold; `none` when none does."""
    for index in reversed(range(len(THRESHOLDS))):
        if peaks[index] >= thresholds[THRESHOLDS[index]]:
            return LEVELS[index + 1]
    return "none"


def thresholds_from(values: Mapping) -> dict[str, float]:
    """The four thresholds and the temperature out of a thresholds.json's content; KeyError, TypeError or
    ValueError when one is missing or not a number (the binary model's file had only `indicator` and `ideation`)."""
    thresholds = {name: float(values[name]) for name in (*THRESHOLDS, TEMPERATURE)}
    if not all(math.isfinite(value) for value in thresholds.values()):
        raise ValueError("thresholds must be finite numbers")
    return thresholds


def in_order(thresholds: Mapping[str, float]) -> bool:
    """Each threshold a probability, `indicator` at most `ideation` (a text flagged is at least an indicator), and a
    positive temperature. `behavior` and `imminent` may sit below `ideation`: they cut smaller probabilities."""
    return (0.0 <= thresholds["indicator"] <= thresholds["ideation"] <= 1.0
            and all(0.0 <= thresholds[name] <= 1.0 for name in ("behavior", "imminent"))
            and thresholds[TEMPERATURE] > 0.0)


@dataclass(frozen=True)
class Reading:
    """What the model read in one text, before thresholds: the four cumulative probabilities, each its maximum over
    the text's windows, and the subject distribution of the window with the highest P(>= ideation)."""

    peaks: np.ndarray  # (4,), in THRESHOLDS order
    subjects: np.ndarray  # (3,), in SUBJECTS order
    windows: int = 1
    # The four cumulative probabilities, each its maximum over the text's passages read on their own
    # (`encoding.passages`); None when they were not read (a text of one sentence, or one not read as danger).
    passages: np.ndarray | None = None

    @property
    def score(self) -> float:
        return float(self.peaks[SCORED])

    @property
    def subject(self) -> str:
        return SUBJECTS[int(np.argmax(self.subjects))]


def read(logits: np.ndarray, temperature: float) -> Reading:
    """One text's reading from its windows' head outputs, (windows, 8)."""
    cumulative = at_least(level_probabilities(logits, temperature))
    worst = int(np.argmax(cumulative[:, SCORED]))
    return Reading(peaks=cumulative.max(axis=0), subjects=subject_probabilities(logits[worst]),
                   windows=int(logits.shape[0]))


def passage_peaks(logits: np.ndarray, temperature: float) -> np.ndarray:
    """The four cumulative probabilities (4,), each its maximum over rows of head outputs (rows, 8)."""
    return at_least(level_probabilities(logits, temperature)).max(axis=0)


def counting_window(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The outputs (8,) of the window with the highest P(>= ideation): the one calibration is fitted on."""
    cumulative = at_least(level_probabilities(logits, temperature))
    return logits[int(np.argmax(cumulative[:, SCORED]))]


@torch.inference_mode()
def window_logits(model, tokenizer, texts: Sequence[str], *, batch_size: int, max_length: int = MAX_LENGTH,
                  progress: Callable[[int], None] = lambda n: None) -> list[np.ndarray]:
    """The head's outputs for every window of every text, (windows, 8) per text, in input order. Windows of all
    texts are batched together by length, so a long text costs its windows and no more; `progress` counts
    windows."""
    rows: list[list[int]] = []
    counts: list[int] = []
    for text in texts:
        spans = windows(tokenizer, text, max_length=max_length)
        rows.extend(spans)
        counts.append(len(spans))
    out = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(rows)), key=lambda j: len(rows[j]))
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        encoded = padded(tokenizer, [rows[j] for j in batch])
        logits = model(**{k: v.to(model.device) for k, v in encoded.items()}).logits
        out[batch] = logits.float().cpu().numpy()
        progress(len(batch))
    return np.split(out, np.cumsum(counts)[:-1]) if counts else []

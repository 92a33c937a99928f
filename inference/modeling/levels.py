"""The risk model's reading: P(flagged), cut by the two thresholds stored with the model into `none`,
`indicator` or `ideation`. The binary model cannot tell behaviour or imminence apart; those levels come from the
rule-based safety net."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from inference.modeling.encoding import MAX_LENGTH, encode, length_batches

LABELS = ("not_flagged", "flagged")
# What the model can read, lowest first.
LEVELS = ("none", "indicator", "ideation")
# The thresholds.json keys, in the order they are stored.
THRESHOLDS = ("indicator", "ideation")


def level_of(score: float, thresholds: Mapping[str, float]) -> str:
    if score >= thresholds["ideation"]:
        return "ideation"
    if score >= thresholds["indicator"]:
        return "indicator"
    return "none"


def thresholds_from(values: Mapping) -> dict[str, float]:
    """The two thresholds out of a thresholds.json's content; KeyError, TypeError or ValueError when it has not
    both as numbers."""
    return {name: float(values[name]) for name in THRESHOLDS}


def in_order(thresholds: Mapping[str, float]) -> bool:
    return 0.0 <= thresholds["indicator"] <= thresholds["ideation"] <= 1.0


def flagged_probability(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits.float(), dim=-1)[:, LABELS.index("flagged")]


@torch.inference_mode()
def flagged_scores(model, tokenizer, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None = None, *,
                   batch_size: int, max_length: int = MAX_LENGTH,
                   progress: Callable[[int], None] = lambda n: None) -> np.ndarray:
    """P(flagged) for each text, read with its earlier messages when `contexts` is given, in input order."""
    out = np.zeros(len(texts), dtype=np.float32)
    for batch in length_batches(texts, batch_size):
        encoded = encode(tokenizer, [texts[i] for i in batch],
                         [contexts[i] for i in batch] if contexts is not None else None, max_length=max_length)
        out[batch] = flagged_probability(model(**{k: v.to(model.device) for k, v in encoded.items()}).logits
                                         ).cpu().numpy()
        progress(len(batch))
    return out

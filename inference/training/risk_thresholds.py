"""How the risk model's calibrated probabilities are cut into levels on crisis dev (thresholds.json), and the
measures used to choose and report the cuts: recall at a threshold, ROC AUC. Numpy only."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from inference.modeling.levels import SCORED, THRESHOLDS, level_of, read

IDEATION_RECALL = 0.95
INDICATOR_RECALL = 0.99
# ... unless that puts more than this share of ordinary comments (GoEmotions dev) at `indicator` or above: the
# assistant asks about suicide when a message reads `indicator`, and everyday chat must not be asked that.
ORDINARY_INDICATOR_SHARE = 0.02
# `behavior` is tuned to find this share of the dev posts the weak labeller marks (means, plan, acts), but never
# asks more than "more likely than not": the marks are weak, and a higher bar would hide real plans.
BEHAVIOR_RECALL = 0.6
BEHAVIOR_CEILING = 0.5
# Crisis dev has a handful of weakly `imminent` posts: too few to tune on. The calibrated "more likely than not".
IMMINENT_THRESHOLD = 0.5


def threshold_for_recall(gold: np.ndarray, scores: np.ndarray, recall: float) -> float:
    """The highest threshold t with recall(score >= t) >= `recall` on these examples: the k-th highest score of a
    flagged example, k = ceil(recall × flagged). Rounded down to 4 places so the stored value keeps that recall."""
    positives = np.sort(scores[gold == 1])[::-1]
    if positives.size == 0:
        return 0.5
    k = min(positives.size, max(1, math.ceil(recall * positives.size - 1e-9)))
    return math.floor(float(positives[k - 1]) * 10_000) / 10_000


def at_threshold(gold: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    predicted = scores >= threshold
    tp = int((predicted & (gold == 1)).sum())
    fp = int((predicted & (gold == 0)).sum())
    fn = int((~predicted & (gold == 1)).sum())
    tn = int((~predicted & (gold == 0)).sum())
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    return {"threshold": threshold, "recall": round(recall, 4), "fpr": round(fp / (fp + tn) if fp + tn else 0.0, 4),
            "precision": round(precision, 4),
            "f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def auc(gold: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count half); numpy only, so training needs no scikit-learn."""
    positives, negatives = scores[gold == 1], scores[gold == 0]
    if positives.size == 0 or negatives.size == 0:
        return float("nan")
    order = np.argsort(np.concatenate([positives, negatives]), kind="mergesort")
    ranks = np.empty(order.size)
    values = np.concatenate([positives, negatives])[order]
    # 1-based ranks, tied values sharing the mean of theirs.
    start = 0
    for end in range(1, values.size + 1):
        if end == values.size or values[end] != values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2
            start = end
    return float((ranks[:positives.size].sum() - positives.size * (positives.size + 1) / 2)
                 / (positives.size * negatives.size))


def peaks_of(logits: Sequence[np.ndarray], temperature: float) -> np.ndarray:
    """(n, 4): each text's cumulative level probabilities, the maximum over its windows."""
    return np.array([read(rows, temperature).peaks for rows in logits]).reshape(len(logits), len(THRESHOLDS))


def levels_of(peaks: np.ndarray, thresholds: dict[str, float]) -> list[str]:
    return [level_of(row, thresholds) for row in peaks]


def tune_thresholds(gold: np.ndarray, marked: np.ndarray, peaks: np.ndarray, temperature: float,
                    ordinary: np.ndarray | None = None) -> dict[str, float]:
    """The thresholds.json content from crisis dev: `gold` 1 for r/SuicideWatch posts, `marked` 1 for those the weak
    labeller marks behavior or above, `peaks` their calibrated cumulative probabilities; `ordinary` the peaks of
    ordinary comments (GoEmotions dev), which bound how low `indicator` may go."""
    ideation = threshold_for_recall(gold, peaks[:, SCORED], IDEATION_RECALL)
    indicator = threshold_for_recall(gold, peaks[:, 0], INDICATOR_RECALL)
    if ordinary is not None and len(ordinary):
        bound = math.ceil(float(np.quantile(ordinary[:, 0], 1 - ORDINARY_INDICATOR_SHARE)) * 10_000) / 10_000
        indicator = max(indicator, bound)
    indicator = min(indicator, ideation)
    behavior = BEHAVIOR_CEILING
    if marked.any():
        behavior = min(BEHAVIOR_CEILING, threshold_for_recall(marked, peaks[:, 2], BEHAVIOR_RECALL))
    return {"indicator": indicator, "ideation": ideation, "behavior": behavior, "imminent": IMMINENT_THRESHOLD,
            "temperature": temperature}

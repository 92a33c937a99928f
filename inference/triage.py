"""One reading of risk from two readers: the rules (inference/safety_net.py) and the trained model.

The rules read every message at once, in the web process; the model reads it on a worker, later or never. Neither
simply wins. The rules keep the last word on what they are sure of, the model decides the rest. Each row below is
tested (tests/inference/test_triage.py) and explained in docs/moderation.md, "How risk is read":

| row | what the rules saw | combined level | subject |
|-----|--------------------|----------------|---------|
| 1 | the model did not read it (no worker yet, a script it cannot read, no model configured) | the rules' | the rules' |
| 2 | a first-person statement ("I want to die") | the higher of the two, the model's only when it reads the writer | self |
| 3 | someone else at risk ("my friend wants to die"), in a brief message | the rules': `indicator`, or `imminent` when that person is in danger now | other |
| 4 | a negation, hyperbole, a joke or comfort to someone else, and no statement, in a brief message | the model's, at most `indicator`, at least the rules' | negation: self, else not literal |
| 5 | nothing they are sure of | the model's, at least the rules' (`indicator` or none) | the model's |
| 6 | (row 5) the model reads someone else or nobody at risk | at most `indicator`, unless the model reads someone else in danger now (`imminent`); `none` in a message that names no danger (`unspoken`): nobody's danger was spoken of | the model's |
| 7 | (row 5) a message that names no death, dying, suicide, self-harm, means or warning sign (`unspoken`), and is of chat length, or has no passage the model reads as danger on its own (the model's `unplaced`), or the model is not sure (its calibrated score under CONFIDENT) | at most `indicator`: the assistant asks rather than escalates, unless the reading is `faint` (below) | the model's |

An `indicator` about the writer is where the assistant asks, in its own words, whether the person is thinking of
ending their life (conversations/chat/screening.py), unless the reading is `faint` (inference/types.py FAINT): an
`indicator` from the model alone, in an `unspoken` message that is brief or that the model reads below `ideation`.
What is asked about is the rules' words of distress, anything said of death or harm, and the model's low-confidence
`ideation` of a longer message (row 7).
"""

from __future__ import annotations

from collections.abc import Sequence

from inference import safety_net
from inference.base import RiskDetector
from inference.types import FAINT, RISK_CATEGORIES, UNPLACED, Risk, risk_rank

SOURCE = "combined"
# Sources of a reading that is not the model's own: the rules standing in for it, or the model declining to read.
NOT_THE_MODEL = ("safety_net", "model_unread")
LOWERING = ("negated", "figurative", "joking", "comfort")
# The model's calibrated score at which it alone, with no word of danger in the message to bear it out, may open a
# case (row 7): nineteen in twenty. Below it the reading is a low-confidence one, and the assistant asks.
CONFIDENT = 0.95


def combined(rules: Risk, model: Risk | None) -> Risk:
    """The one reading of a message, from the rules' reading and the model's (None: not read by a model)."""
    if model is None or model.source in NOT_THE_MODEL:  # row 1
        return rules
    cues = set(rules.cues)
    if "statement" in cues:  # row 2
        level = rules.level
        if model.subject == "self" and risk_rank(model.level) > risk_rank(level):
            level = model.level
        categories = rules.categories if level == rules.level else _pooled(rules.categories, ("self_harm",))
        return _reading(level, max(rules.score, model.score), categories, "self", rules.cues)
    brief = "brief" in cues  # a cue the rules saw covers the whole message only when it is short
    if "third_party" in cues and brief:  # row 3
        return _reading(rules.level, rules.score, rules.categories, "other", rules.cues)
    if cues & set(LOWERING) and brief:  # row 4
        level = max(_at_most(model.level, "indicator"), rules.level, key=risk_rank)
        subject = "self" if "negated" in cues else "not_literal"
        return _reading(level, model.score, ("self_harm",) if subject == "self" else (), subject, rules.cues)
    # rows 5 to 7: the model decides.
    level, subject = model.level, model.subject
    unspoken = "unspoken" in cues
    if subject == "not_literal" or subject == "other" and (unspoken or level != "imminent"):  # row 6
        level = "none" if unspoken else _at_most(level, "indicator")
    if unspoken and (brief or UNPLACED in model.cues or model.score < CONFIDENT):  # row 7
        level = _at_most(level, "indicator")
    faint = (unspoken and level == "indicator" and rules.level == "none"
             and (brief or risk_rank(model.level) < risk_rank("ideation")))
    if risk_rank(rules.level) > risk_rank(level):
        level, subject = rules.level, rules.subject
    categories = _categories(level, subject, rules.categories)
    return _reading(level, max(model.score, rules.score if level == rules.level else 0.0), categories,
                    subject if level != "none" else "", rules.cues + ((FAINT,) if faint else ()))


def _categories(level: str, subject: str, rules_categories: tuple[str, ...]) -> tuple[str, ...]:
    if level == "none":
        return ()
    own = ("third_party",) if subject == "other" else ("self_harm",)
    return _pooled(own, rules_categories)


def _pooled(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    ordered = list(first) + [c for c in second if c not in first]
    return tuple(c for c in ordered if c in RISK_CATEGORIES)


def _at_most(level: str, ceiling: str) -> str:
    return level if risk_rank(level) <= risk_rank(ceiling) else ceiling


def _reading(level: str, score: float, categories: tuple[str, ...], subject: str, cues: tuple[str, ...]) -> Risk:
    return Risk(level=level, score=score, categories=categories if level != "none" else (), source=SOURCE,
                subject=subject if level != "none" else "", cues=cues)


def read(detector: RiskDetector, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None = None) -> list[Risk]:
    """The combined reading of each text, as the chat makes it: the rules read the text with the person's earlier
    messages (`contexts`), the model (`detector`) reads the text alone."""
    contexts = contexts if contexts is not None else [()] * len(texts)
    models = detector.assess(list(texts))
    return [combined(safety_net.assess(text, context), reading)
            for text, context, reading in zip(texts, contexts, models)]

"""Values that cross the boundary between emochat and its models."""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.dialogue.policy import Prepared
from inference.dialogue.state import DialogueState


@dataclass(frozen=True)
class LabelScore:
    label: str
    score: float


@dataclass(frozen=True)
class Emotion:
    """What was read in one message: predicted GoEmotions labels (highest first), their Ekman group and sentiment."""

    labels: tuple[LabelScore, ...]
    group: str
    sentiment: str
    # Why the reading is weak, e.g. "empty" when there was nothing to read.
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "labels": [{"label": item.label, "score": round(item.score, 4)} for item in self.labels],
            "group": self.group,
            "sentiment": self.sentiment,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Emotion:
        return cls(
            labels=tuple(LabelScore(item["label"], float(item["score"])) for item in data["labels"]),
            group=data["group"],
            sentiment=data["sentiment"],
        )


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant" | "moderator"
    text: str


@dataclass(frozen=True)
class ReplyRequest:
    """Everything a reply generator may use: the message, what was read in it, and the recent conversation."""

    text: str
    emotion: Emotion | None
    history: tuple[Turn, ...] = field(default=())
    conversation_id: str = ""
    # The risk categories read in the message: the first that has a crisis script chooses it (self-harm when none).
    risk_categories: tuple[str, ...] = ()
    # Where the conversation is, and what this reply is to do (inference/dialogue). None outside a conversation
    # (a request made by hand): the backend prepares the message as the first of a new conversation.
    dialogue: DialogueState | None = None
    prepared: Prepared | None = None


# Risk levels after the Columbia scale, lowest first; "flagged" means ideation or above.
RISK_LEVELS = ("none", "indicator", "ideation", "behavior", "imminent")
RISK_CATEGORIES = ("self_harm", "harm_to_others", "being_harmed", "third_party")
FLAGGED_AT = "ideation"
# Whose risk a reading is about: the writer, someone else, or nobody (figurative, quoted, news, fiction, comfort
# to another). "" when nothing was read.
RISK_SUBJECTS = ("", "self", "other", "not_literal")


def risk_rank(level: str) -> int:
    return RISK_LEVELS.index(level)


# A model's cue: a text of several sentences that it reads as danger whole, with no passage (a sentence alone or with
# the next) that it reads so on its own (inference/triage.py, row 7).
UNPLACED = "unplaced"
# A combined reading's cue (inference/triage.py): an `indicator` that rests on the model alone, in a message that names
# no danger and is of chat length or that the model reads below `ideation`. Too faint a signal to ask about suicide
# (conversations/chat/screening.py): the model's reading of a short message is not sure enough to put that question
# to someone who wrote "I'm not sure where to start".
FAINT = "faint"


@dataclass(frozen=True)
class Risk:
    """What a risk detector read in a message: a level, how sure it is (0-1), and the categories it saw."""

    level: str = "none"
    score: float = 0.0
    categories: tuple[str, ...] = ()
    source: str = ""  # "safety_net", "model", or "combined"
    subject: str = ""
    # What the rules are sure of (inference/safety_net.py CUES); for a model's reading, at most UNPLACED.
    cues: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in RISK_LEVELS:
            raise ValueError(f"unknown risk level {self.level!r}")
        if self.subject not in RISK_SUBJECTS:
            raise ValueError(f"unknown risk subject {self.subject!r}")
        unknown = set(self.categories) - set(RISK_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown risk categories {sorted(unknown)}")

    @property
    def flagged(self) -> bool:
        return risk_rank(self.level) >= risk_rank(FLAGGED_AT)

    def as_dict(self) -> dict:
        return {"level": self.level, "score": round(self.score, 4), "categories": list(self.categories),
                "subject": self.subject, **({"cues": list(self.cues)} if self.cues else {})}

    @classmethod
    def from_dict(cls, data: dict) -> Risk:
        return cls(level=data["level"], score=float(data["score"]), categories=tuple(data["categories"]),
                   source=data.get("source", ""), subject=data.get("subject", ""),
                   cues=tuple(data.get("cues", ())))


def risk_higher(first: Risk, second: Risk) -> Risk:
    """Two readings of the same message, one after the other: the higher level wins (the higher score on a tie),
    categories are pooled. How the rules and the model are combined into one reading is inference/triage.py."""
    top = max((first, second), key=lambda r: (risk_rank(r.level), r.score))
    categories = tuple(c for c in RISK_CATEGORIES if c in first.categories or c in second.categories)
    return Risk(level=top.level, score=top.score, categories=categories, source=top.source, subject=top.subject,
                cues=top.cues)

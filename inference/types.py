"""Values that cross the boundary between emochat and its models."""

from __future__ import annotations

from dataclasses import dataclass, field


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

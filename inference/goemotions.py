"""The GoEmotions taxonomy (Demszky et al., ACL 2020; "GoEmotions, Google Research", CC BY 4.0):
27 emotions plus neutral, and the paper's Ekman and sentiment groupings."""

from __future__ import annotations

from collections.abc import Sequence

from inference.types import Emotion, LabelScore

LABELS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
    "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
    "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)

EKMAN: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
}

SENTIMENT: dict[str, tuple[str, ...]] = {
    "positive": ("admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love",
                 "optimism", "pride", "relief"),
    "negative": ("anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief",
                 "nervousness", "remorse", "sadness"),
    "ambiguous": ("confusion", "curiosity", "realization", "surprise"),
}

EKMAN_OF = {label: group for group, labels in EKMAN.items() for label in labels} | {"neutral": "neutral"}
SENTIMENT_OF = {label: group for group, labels in SENTIMENT.items() for label in labels} | {"neutral": "neutral"}


# A stance on what was said ("yeah", "that's a good idea", "no, that won't work") rather than a feeling. The paper
# groups approval with joy and disapproval with anger; a chip of joy on "yeah" says more than the person did.
STANCES = ("approval", "disapproval")


def emotion_from_labels(predicted: Sequence[LabelScore], *, flags: tuple[str, ...] = ()) -> Emotion:
    """Order the predicted labels and derive group and sentiment from the strongest one that is a feeling.

    With nothing predicted the reading is neutral, as the paper's annotators marked text with no emotion; so is a
    reading of nothing but a stance (STANCES), whose labels are kept.
    """
    ordered = tuple(sorted(predicted, key=lambda item: item.score, reverse=True))
    if not ordered:
        ordered = (LabelScore("neutral", 1.0),)
    top = next((item.label for item in ordered if item.label not in STANCES), "neutral")
    return Emotion(labels=ordered, group=EKMAN_OF[top], sentiment=SENTIMENT_OF[top], flags=flags)


# Readings that are not an emotion. "not_read": the text is in a language the emotion model cannot read (the page
# says so instead of guessing). "none": no chip at all, e.g. a cheerful reading of a message flagged for risk.
NOT_READ = "not_read"
NO_CHIP = "none"


def not_read() -> Emotion:
    return Emotion(labels=(), group=NOT_READ, sentiment=NOT_READ, flags=(NOT_READ,))


def beside_risk(emotion: Emotion, *, flagged: bool) -> Emotion:
    """The reading a message flagged for risk may show: never a positive one ("I want to kill myself tonight" is
    not joy). Its negative and ambiguous labels when it has some, else no chip."""
    if not flagged or emotion.group in (NOT_READ, NO_CHIP) or emotion.sentiment not in ("positive", "neutral"):
        return emotion
    distress = tuple(item for item in emotion.labels if SENTIMENT_OF.get(item.label) in ("negative", "ambiguous"))
    if distress:
        return emotion_from_labels(distress, flags=emotion.flags)
    return Emotion(labels=(), group=NO_CHIP, sentiment=NO_CHIP, flags=emotion.flags + ("withheld",))

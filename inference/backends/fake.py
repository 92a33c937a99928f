"""Deterministic in-memory backends: the same input always gives the same output, with no model loaded.

They stand in for the real models in development (`make run` with no models configured) and in tests of
everything around the models. Their readings are crude on purpose and must never be mistaken for real ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence

from inference import goemotions, scripts
from inference.goemotions import emotion_from_labels
from inference.types import Emotion, LabelScore, ReplyRequest

KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sadness", ("sad", "unhappy", "down", "cry", "crying", "depressed", "miserable", "lonely", "alone")),
    ("grief", ("grief", "grieving", "passed away", "lost my")),
    ("fear", ("scared", "afraid", "terrified", "fear")),
    ("nervousness", ("anxious", "nervous", "worried", "panic")),
    ("anger", ("angry", "furious", "mad at", "hate")),
    ("annoyance", ("annoyed", "irritated", "fed up")),
    ("joy", ("happy", "glad", "great news", "excited")),
    ("gratitude", ("thank", "thanks", "grateful")),
    ("surprise", ("wow", "surprised", "unexpected")),
    ("confusion", ("confused", "don't understand", "no idea")),
)


class KeywordEmotionClassifier:
    def classify(self, texts: Sequence[str]) -> list[Emotion]:
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> Emotion:
        lowered = text.lower()
        if not re.search(r"\w", lowered):
            return emotion_from_labels((), flags=("empty",))
        if not scripts.latin_readable(text):
            return goemotions.not_read()
        found: dict[str, float] = {}
        for label, words in KEYWORDS:
            hits = sum(1 for word in words if re.search(rf"\b{re.escape(word)}\b", lowered))
            if hits:
                found[label] = min(0.95, 0.6 + 0.15 * hits)
        return emotion_from_labels(tuple(LabelScore(label, score) for label, score in found.items()))


OPENINGS = {
    "sadness": "That sounds really heavy, and I'm glad you told me.",
    "fear": "That sounds frightening, and it makes sense that you feel on edge.",
    "anger": "It sounds like something has really got to you, and that frustration makes sense.",
    "joy": "That's lovely to hear.",
    "surprise": "That sounds like a lot to take in.",
    "disgust": "That sounds really unpleasant to be around.",
    "neutral": "Thank you for telling me.",
}


class TemplateReplyGenerator:
    """Streams a fixed, gentle reply chosen by the emotion group, one word at a time."""

    def __init__(self, delay_ms: int = 0):
        self.delay = delay_ms / 1000

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        group = request.emotion.group if request.emotion else "neutral"
        reply = f"{OPENINGS.get(group, OPENINGS['neutral'])} What feels most important to talk about right now?"
        words = reply.split(" ")
        for index, word in enumerate(words):
            if self.delay:
                time.sleep(self.delay)
            yield word if index == len(words) - 1 else word + " "

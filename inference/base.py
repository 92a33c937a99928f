"""The interfaces emochat's models sit behind. Each has a deterministic fake beside the real backends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from inference.types import Emotion, ReplyRequest, Risk


class EmotionClassifier(Protocol):
    def classify(self, texts: Sequence[str]) -> list[Emotion]:
        """One Emotion per text, in order. Never raises on odd text: empty or unreadable input reads neutral."""


class ReplyGenerator(Protocol):
    def stream(self, request: ReplyRequest) -> Iterator[str]:
        """Yield the reply in small pieces as they are produced; their concatenation is the whole reply."""


class RiskDetector(Protocol):
    def assess(self, texts: Sequence[str], *, contexts: Sequence[Sequence[str]] | None = None) -> list[Risk]:
        """One Risk per text, in order. `contexts[i]`, when given, holds the person's earlier messages (oldest
        first) that text i continues. Never raises on odd text: empty or unreadable input reads `none`."""

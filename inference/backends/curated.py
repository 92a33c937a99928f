"""Replies from emochat's own reviewed library (inference/data/replies.toml); no GPU, no download.

A reply has three parts: an opening that reflects the person's feeling (their own word when they used one,
else the detected emotion's), a body for their situation (found by MiniLM similarity to each situation's
examples, the detected emotion breaking near-ties) or for their emotion group, and an open question. No part
is used twice in a conversation. The choice is deterministic for a given conversation and message, so a retried
reply is the same reply.
"""

from __future__ import annotations

import hashlib
import re
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from inference.loader import BackendError
from inference.modeling.checkpoints import base_model_path
from inference.modeling.devices import pick_device
from inference.types import RISK_CATEGORIES, ReplyRequest

SETTING = "EMOCHAT_REPLY_LIBRARY"
DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "data" / "replies.toml"
GROUPS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
# Cosine similarity (MiniLM) from which a message is taken to be about a situation; measured on the library's
# own examples: paraphrases score 0.5-0.8, unrelated messages below 0.3.
MATCH_AT = 0.42
# A situation that usually comes with the detected emotion gets this much more.
GROUP_BONUS = 0.05
NEGATION = re.compile(r"\b(not|never|no longer|n't|isn't|don't|didn't|wasn't|aren't|ain't)\s+(\w+\s+)?$")


@dataclass(frozen=True)
class Situation:
    name: str
    groups: tuple[str, ...]
    examples: tuple[str, ...]
    bodies: tuple[str, ...]
    questions: tuple[str, ...]
    # Whether the reply opens by reflecting a feeling (not for "hi" or "thank you").
    reflect: bool = True


@dataclass(frozen=True)
class Library:
    openings: dict[str, tuple[str, ...]]
    situations: tuple[Situation, ...]
    general: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # group → (bodies, questions)
    feelings: dict[str, str]
    labels: dict[str, str]
    fallbacks: tuple[str, ...]
    crisis: dict[str, tuple[str, ...]]  # risk category → scripts


@lru_cache(maxsize=4)
def load_library(path: str = str(DEFAULT_LIBRARY)) -> Library:
    """Read and check a reply library; BackendError, naming the setting, when it is missing or incomplete."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BackendError(f"{SETTING}: cannot read a reply library at {path!r} ({type(exc).__name__}).") from exc
    try:
        openings = {group: tuple(o["text"] for o in data["opening"] if o["group"] == group) for group in GROUPS}
        situations = tuple(
            Situation(name=s["name"], groups=tuple(s["groups"]), examples=tuple(s["examples"]),
                      bodies=tuple(s["bodies"]), questions=tuple(s["questions"]), reflect=s.get("reflect", True))
            for s in data["situation"]
        )
        general = {g["group"]: (tuple(g["bodies"]), tuple(g["questions"])) for g in data["general"]}
        library = Library(openings=openings, situations=situations, general=general,
                          feelings=dict(data["feelings"]), labels=dict(data["labels"]),
                          fallbacks=tuple(f["text"] for f in data["fallback"]),
                          crisis={category: tuple(c["text"] for c in data["crisis"] if c["category"] == category)
                                  for category in RISK_CATEGORIES})
    except (KeyError, TypeError) as exc:
        raise BackendError(f"{SETTING}: the reply library at {path!r} lacks {exc}.") from exc
    missing = [g for g in GROUPS if not library.openings[g] or g not in library.general]
    missing += [f"crisis/{c}" for c, scripts in library.crisis.items() if not scripts]
    if missing or not library.fallbacks or any(not (s.examples and s.bodies and s.questions) for s in situations):
        raise BackendError(f"{SETTING}: the reply library at {path!r} is incomplete (groups {missing}).")
    return library


def _seed(request: ReplyRequest, part: str) -> int:
    digest = hashlib.blake2b(f"{request.conversation_id}\x00{request.text}\x00{part}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def _pick(options: Sequence[str], request: ReplyRequest, part: str, said: str) -> str:
    """One of `options` not yet said in this conversation (the least recent when all were), chosen by a
    stable hash so a retried reply is the same."""
    start = _seed(request, part) % len(options)
    rotated = [options[(start + i) % len(options)] for i in range(len(options))]
    fresh = [option for option in rotated if _last_said(option, said) < 0]
    if fresh:
        return fresh[0]
    return min(rotated, key=lambda option: _last_said(option, said))


def _last_said(option: str, said: str) -> int:
    """Where `option` was last said in the conversation (-1: never); an opening matches whatever feeling filled it."""
    fragments = [fragment.strip() for fragment in option.split("{feeling}") if fragment.strip()]
    return min((said.rfind(fragment) for fragment in fragments), default=-1)


def _said(request: ReplyRequest) -> str:
    return "\n".join(turn.text for turn in request.history if turn.role != "user")


def fallback_reply(request: ReplyRequest, library: Library | None = None) -> str:
    """A safe reply for any message: it replaces a generated reply that failed the safety check."""
    library = library or load_library()
    return _pick(library.fallbacks, request, "fallback", _said(request))


def crisis_reply(request: ReplyRequest, categories: Sequence[str], library: Library | None = None) -> str:
    """The crisis script for the most urgent category read (self-harm when none was named)."""
    library = library or load_library()
    category = next((c for c in categories if library.crisis.get(c)), "self_harm")
    return _pick(library.crisis[category], request, "crisis", _said(request))


def feeling_word(text: str, library: Library) -> str | None:
    """The reflection of the first feeling word the person used and did not negate ("not lonely")."""
    lowered = text.lower()
    found: list[tuple[int, int, str]] = []
    for word, phrase in library.feelings.items():
        for match in re.finditer(rf"\b{re.escape(word)}\b", lowered):
            if not NEGATION.search(lowered[max(0, match.start() - 24):match.start()]):
                found.append((match.start(), -len(word), phrase))
    return min(found)[2] if found else None


def feeling_of(text: str, request: ReplyRequest, library: Library) -> str:
    """The person's own feeling word when they used one, else the detected emotion's."""
    if (own := feeling_word(text, library)) is not None:
        return own
    label = request.emotion.labels[0].label if request.emotion and request.emotion.labels else "neutral"
    return library.labels.get(label, library.labels["neutral"])


def pieces_of(text: str) -> list[str]:
    """Word-sized chunks whose concatenation is `text`."""
    return re.findall(r"\S+\s*", text)


class CuratedReplyGenerator:
    reviewed = True  # every sentence of the library passes the safety check (tests/inference/test_reply_safety.py)

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY), device: str = "cpu", pace_ms: int = 0):
        # sentence-transformers brings torch and transformers: imported only when the encoder is built, since the
        # web process imports this module for the crisis script and the fallback (below), which need no model.
        from sentence_transformers import SentenceTransformer

        self.library = load_library(library)
        self.pace = pace_ms / 1000
        self.encoder = SentenceTransformer(base_model_path(), device=str(pick_device(device)))
        examples = [example for s in self.library.situations for example in s.examples]
        self.owner = np.array([i for i, s in enumerate(self.library.situations) for _ in s.examples])
        self.examples = self._embed(examples)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)

    def situation_scores(self, text: str, group: str) -> np.ndarray:
        """Each situation's match to `text`: its closest example's cosine similarity, plus GROUP_BONUS when
        the situation usually comes with the detected emotion group."""
        similarity = self.examples @ self._embed([text])[0]
        best = np.full(len(self.library.situations), -1.0)
        np.maximum.at(best, self.owner, similarity)
        bonus = np.array([GROUP_BONUS if group in s.groups else 0.0 for s in self.library.situations])
        return best + bonus

    def compose(self, request: ReplyRequest) -> str:
        library = self.library
        # "not read" and "no chip" readings carry no emotion to answer.
        group = request.emotion.group if request.emotion and request.emotion.group in library.general else "neutral"
        said = _said(request)
        text = request.text.strip()[:2000]
        scores = self.situation_scores(text, group) if text else np.zeros(len(library.situations))
        best = int(np.argmax(scores))
        feeling = feeling_of(text, request, library)
        if text and scores[best] >= MATCH_AT:
            situation = library.situations[best]
            bodies, questions, reflect = situation.bodies, situation.questions, situation.reflect
            if group == "neutral" and situation.groups:
                # The model read no emotion but the situation carries one ("I passed my test!"): open with it.
                group = situation.groups[0]
                feeling = feeling if feeling_word(text, library) else library.labels.get(group, feeling)
        else:
            (bodies, questions), reflect = library.general[group], True
        parts = []
        if reflect:
            opening = _pick(library.openings[group], request, "opening", said)
            parts.append(opening.replace("{feeling}", feeling))
        parts.append(_pick(bodies, request, "body", said))
        parts.append(_pick(questions, request, "question", said))
        return " ".join(parts)

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        for piece in pieces_of(self.compose(request)):
            if self.pace:
                time.sleep(self.pace)
            yield piece


class CrisisReplyGenerator:
    """The crisis script for the categories read in the message (`request.risk_categories`; self-harm when none
    is named). No model: the web process streams it before it acknowledges the message."""

    reviewed = True

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY)):
        self.library = load_library(library)

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        yield from pieces_of(crisis_reply(request, request.risk_categories, self.library))


class FallbackReplyGenerator:
    """A safe reply for any message, in place of one that failed. No model, so it cannot fail the same way."""

    reviewed = True

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY)):
        self.library = load_library(library)

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        yield from pieces_of(fallback_reply(request, self.library))

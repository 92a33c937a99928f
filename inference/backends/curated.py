"""Replies from emochat's own reviewed library (inference/dialogue/library.py); no GPU, no download.

The dialogue manager (inference/dialogue) says what a reply is to do: a plan of parts ("reflection", "question",
"suggestion", "turn:goodbye"...). This backend says it with the library's entries: the situation's own entries
where the conversation is about one (inference/backends/situations.py), else the emotion group's. No entry is said twice in a
conversation, whatever filled its slots. The choice is deterministic for a given conversation and message, so a
retried reply is the same reply.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator, Sequence

import numpy as np

from inference.backends.situations import SituationReader
from inference.dialogue import manager
from inference.dialogue.language import LANGUAGES
from inference.dialogue.library import DEFAULT_LIBRARY, GROUPS, Library, Situation, load_library
from inference.dialogue.policy import Prepared
from inference.dialogue.state import DialogueState
from inference.modeling.checkpoints import base_model_path
from inference.modeling.devices import pick_device
from inference.types import ReplyRequest

__all__ = ["GROUPS", "load_library", "CuratedReplyGenerator", "CrisisReplyGenerator", "FallbackReplyGenerator",
           "crisis_reply", "fallback_reply", "pieces_of"]

# A feeling named back is not named back again in the next few replies, unless the person names it anew.
REFLECT_AGAIN_AFTER = 3
CJK = re.compile(r"[\u3400-\u9fff]")
# The first turns, where thanking the person for writing and asking what brought them here still fit ("Thanks for
# writing" on the third message, after a greeting and a first answer, greets someone who has been here a while).
EARLY_TURNS = 2
# The emotion groups whose entries suit any hard moment (joy's would not): a long conversation's last resort.
SPARE_GROUPS = ("sadness", "fear", "anger")
# Where one part stands in for another that has nothing left to say.
INSTEAD = {"restatement": "reflection", "suggestion": "affirmation", "information": "affirmation",
           "answer:grounding": "suggestion", "answer:normal": "affirmation"}


def _seed(request: ReplyRequest, part: str) -> int:
    digest = hashlib.blake2b(f"{request.conversation_id}\x00{request.text}\x00{part}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def _rotated(options: Sequence[str], request: ReplyRequest, part: str) -> list[str]:
    """`options` in a stable order of this message's own, so a retried reply picks the same."""
    if not options:
        return []
    start = _seed(request, part) % len(options)
    return [options[(start + i) % len(options)] for i in range(len(options))]


def _history_keys(request: ReplyRequest, slots: dict[str, str] | None = None) -> set[str]:
    """What the assistant said in the turns the request carries (for a request without a dialogue state), with
    this reply's slot values taken out as the dialogue state would have them."""
    return {key for turn in request.history if turn.role != "user"
            for key in manager.said_keys(turn.text, slots or {}) + manager.said_keys(turn.text, {})}


def _unsaid(entry: str, said: set[str]) -> bool:
    return not any(key in said for key in manager.entry_keys(entry))


def fallback_reply(request: ReplyRequest, library: Library | None = None) -> str:
    """A safe reply for any message: it replaces a generated reply that failed the safety check, and answers when
    a long conversation has used every entry its plan could take. Once the fallbacks are said too, the
    affirmations that suit any hard moment; a sentence is said again only when all of those are used."""
    library = library or load_library(language=_language_of(request))
    said = _history_keys(request) | set(request.dialogue.said if request.dialogue else ())
    spare = (library.fallbacks, *(library.general[group].bodies for group in ("neutral", *SPARE_GROUPS)))
    options = [option for pool in spare for option in _rotated(pool, request, "fallback")]
    return next((o for o in options if _unsaid(o, said)), options[0])


def crisis_reply(request: ReplyRequest, categories: Sequence[str], library: Library | None = None) -> str:
    """The crisis script for the most urgent category read (self-harm when none was named), in the message's
    language."""
    library = library or load_library(language=_language_of(request))
    category = next((c for c in categories if library.crisis.get(c)), "self_harm")
    said = _history_keys(request) | set(request.dialogue.said if request.dialogue else ())
    options = _rotated(library.crisis[category], request, "crisis")
    return next((o for o in options if _unsaid(o, said)), options[0])


def _language_of(request: ReplyRequest) -> str:
    if request.prepared is not None:
        return request.prepared.understanding.language
    return manager.language.detect(request.text, tie=request.dialogue.language if request.dialogue else "en")


def _substantive(text: str) -> bool:
    """Whether a message says enough to read a situation from: more than "ok, thanks" (Chinese says as much in a
    third of the characters: 我被裁员了 is five)."""
    return len(text) > (4 if CJK.search(text) else 12)


def pieces_of(text: str) -> list[str]:
    """Word-sized chunks whose concatenation is `text`: words, or a few characters at a time of Chinese."""
    return re.findall(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]{1,3}|[^\s\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+\s*"
                      r"|\s+", text)


class CuratedReplyGenerator:
    reviewed = True  # every sentence of the library passes the safety check (tests/inference/test_reply_safety.py)

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY), device: str = "cpu", pace_ms: int = 0):
        # sentence-transformers brings torch and transformers: imported only when the encoder is built, since the
        # web process imports this module for the crisis script and the fallback (below), which need no model.
        from sentence_transformers import SentenceTransformer

        self.libraries = {language: load_library(library, language) for language in LANGUAGES}
        self.pace = pace_ms / 1000
        self.encoder = SentenceTransformer(base_model_path(), device=str(pick_device(device)))
        self.situations = SituationReader(self.libraries, self._embed)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)

    def prepared(self, request: ReplyRequest) -> tuple[DialogueState, Prepared]:
        state = request.dialogue or DialogueState()
        if request.prepared is not None:
            return state, request.prepared
        return state, manager.prepare(request.text, emotion=request.emotion, state=state,
                                      library_of=self.libraries.__getitem__)

    def compose(self, request: ReplyRequest) -> str:
        state, prepared = self.prepared(request)
        library = self.libraries[prepared.understanding.language]
        # "not read" and "no chip" readings carry no emotion to answer; nor does a short answer ("yeah" reads as
        # joy): the reply follows what was said before it.
        # Nor does a reading without a clear feeling in it (manager.felt): "Absolutely." is no reason for joy.
        emotion = manager.felt(request.emotion)
        readable = emotion and emotion.group in library.general and not prepared.understanding.short
        group = emotion.group if readable else "neutral"
        # A short answer ("ok", "no") is about what the person said last with something in it; a brief follow-up
        # ("I keep replaying it at night") is read together with it, so it stays about the boss who yelled
        # rather than becoming a regret of the person's own.
        recent = [turn.text for turn in reversed(request.history) if turn.role == "user" and _substantive(turn.text)]
        replies = [turn.text for turn in reversed(request.history) if turn.role != "user"]
        earlier = recent[:2]
        if prepared.understanding.short:
            earlier, text = earlier[1:], earlier[0] if earlier else ""
        else:
            text = request.text
        situation = self.situations.about(text, earlier, recent, replies, prepared, group, library,
                                          first=state.turns == 0, known=(*state.people, *state.topics))
        slots = dict(prepared.slots)
        if group == "joy" and situation is not None and situation.groups and "joy" not in situation.groups:
            # Love or a fond memory read in a hard story ("do you think she knew I loved her?" about a grandmother
            # who died) is no good news: the reply stays with the story's own feeling.
            group = "neutral"
            if not prepared.understanding.feelings:
                slots["feeling"] = library.labels.get("neutral", slots["feeling"])
        if group == "neutral" and situation is not None and situation.groups and (
                len(situation.groups) == 1 or not set(situation.groups) & set(manager.HEAVY_GROUPS)):
            # The model read no emotion but the situation carries one ("I passed my test!"): reflect that one. A
            # situation that comes with several hard ones (a quarrel: anger or sadness) is no reason to name one.
            group = situation.groups[0]
            if not prepared.understanding.feelings:
                slots["feeling"] = library.labels.get(group, slots["feeling"])
        writer = _Writer(request, prepared, library, situation, group, slots,
                         said=set(state.said) | _history_keys(request, slots),
                         reflected=state.reflected[-REFLECT_AGAIN_AFTER:], early=state.turns < EARLY_TURNS)
        parts = [text for part in prepared.plan.parts if (text := writer.part(part))]
        joiner = "" if library.language == "zh" else " "
        return joiner.join(parts) or fallback_reply(request, library)

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        for piece in pieces_of(self.compose(request)):
            if self.pace:
                time.sleep(self.pace)
            yield piece


class _Writer:
    """The entries of one reply: each part from the situation's entries, else the emotion group's, never one said
    before in the conversation or earlier in this reply; at most one question."""

    def __init__(self, request: ReplyRequest, prepared: Prepared, library: Library, situation: Situation | None,
                 group: str, slots: dict[str, str], said: set[str], reflected: tuple[str, ...] = (),
                 early: bool = True):
        self.request, self.library, self.situation, self.group = request, library, situation, group
        self.slots, self.said, self.asked = slots, said, False
        self.kind, self.parts = prepared.understanding.kind, prepared.plan.parts
        self.early = early
        self.own_feeling = bool(prepared.understanding.feelings)
        # The feeling was named back lately and the person has not named it since: say something else.
        self.reflected_lately = slots.get("feeling") in reflected and not self.own_feeling

    def part(self, part: str) -> str:
        if part.startswith("turn:"):
            text = self._first([self.library.turns.get(part[5:], ())], part)
        elif part == "question" and self.asked:
            return ""
        elif part == "reflection" and self.situation is not None and not self.situation.reflect:
            return ""
        elif part == "reflection" and self.reflected_lately:
            return "" if "affirmation" in self.parts else self.part("affirmation")
        else:
            text = self._first(self._options(part), part)
            if not text and part in INSTEAD:
                return self.part(INSTEAD[part])
        if text:
            self.said.update(manager.said_keys(text, self.slots))
            self.asked = self.asked or text.rstrip().endswith(("?", "？"))
        return text

    def _options(self, part: str) -> list[Sequence[str]]:
        """The pools to choose from, the most specific first."""
        s, general, neutral = self.situation, self.library.general[self.group], self.library.general["neutral"]
        if part == "reflection":
            pools = [self.library.openings[self.group], self.library.openings["neutral"]]
            left_out = (set() if self.early else self.library.early_openings) | (
                set() if self.own_feeling else self.library.named_openings)
            return [[text for text in pool if text not in left_out] for pool in pools]
        if part == "restatement":
            return [s.restatements if s else (), self.library.restatements]
        if part == "affirmation":
            return [s.bodies if s else (), general.bodies, neutral.bodies, *self._heavy("bodies")]
        if part == "question":
            own = s.questions if s else ()
            if self.kind in ("thanks", "relief"):
                # After thanks or relief ("I feel a bit better now"), whether there is more: not a new question on
                # the topic ("What feels most frightening about this?").
                own = next((x.questions for x in self.library.situations if x.name == "gratitude"), ())
            opening = [general.opening_questions, neutral.opening_questions] if self.early else []
            return [own, general.questions, *opening, neutral.questions, *self._heavy("questions")]
        if part == "suggestion":
            return [s.suggestions if s else (), general.suggestions]
        if part == "information":
            return [s.information if s else (), general.information]
        if part.startswith("answer:"):
            return [self.library.answers.get(part[7:], ())]
        raise ValueError(f"unknown reply part {part!r}")

    def _heavy(self, key: str) -> list[Sequence[str]]:
        """The entries for the heavy feelings, the last resort of a long conversation that has used its own:
        they suit any hard moment, where joy's would not."""
        if self.group == "joy":
            return []
        return [getattr(self.library.general[group], key) for group in SPARE_GROUPS]

    def _first(self, pools: Sequence[Sequence[str]], part: str) -> str:
        """The first entry that can be filled and has not been said: the most specific pool first, each pool in
        this message's stable order. A restatement says back who or what the person named where its pool can: the
        situation's own restatement comes before a general one that names a passing topic ("I moved to a new city
        for work and I don't know anyone" is loneliness, not "your thoughts keep coming back to work")."""
        passes = (self._names_something, lambda text: True) if part == "restatement" else (lambda text: True,)
        for pool in pools:
            for wanted in passes:
                for text in _rotated(pool, self.request, part):
                    if wanted(text) and self._fillable(text, part) and _unsaid(text, self.said):
                        return self._filled(text)
        return ""

    def _names_something(self, text: str) -> bool:
        return "{person}" in text or "{topic}" in text

    def _fillable(self, text: str, part: str) -> bool:
        if part == "restatement" and "{feeling}" in text and not self.own_feeling:
            return False  # a feeling is said back only in the person's own word
        return all(self.slots.get(name) for name in ("person", "topic", "feeling") if "{" + name + "}" in text)

    def _filled(self, text: str) -> str:
        for name, value in self.slots.items():
            text = text.replace("{" + name + "}", value)
        return text


class CrisisReplyGenerator:
    """The crisis script for the categories read in the message (`request.risk_categories`; self-harm when none
    is named), in the message's language. No model: the web process streams it before it acknowledges the
    message."""

    reviewed = True

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY)):
        self.libraries = {language: load_library(library, language) for language in LANGUAGES}

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        library = self.libraries[_language_of(request)]
        yield from pieces_of(crisis_reply(request, request.risk_categories, library))


class FallbackReplyGenerator:
    """A safe reply for any message, in place of one that failed. No model, so it cannot fail the same way."""

    reviewed = True

    def __init__(self, *, library: str = str(DEFAULT_LIBRARY)):
        self.libraries = {language: load_library(library, language) for language in LANGUAGES}

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        yield from pieces_of(fallback_reply(request, self.libraries[_language_of(request)]))

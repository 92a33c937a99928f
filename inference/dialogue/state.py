"""Where a conversation is: its phase, what the person has named, and what the assistant has already said.

The chat keeps one DialogueState per conversation, sealed (it holds the person's words: "your boss", "Max"), and
advances it with each reply it stores. Everything here is plain data; `advanced` is the one way it changes.

Phases, after the stages skilled supporters move through (Hill's helping model, as ESConv describes it): opening
(nothing said yet), exploring (finding out what is going on), understanding (saying back what was heard),
comforting (strong feelings: staying with them), suggesting (once the situation is clear: possible steps), closing
(the person is leaving).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, fields, replace

from inference.dialogue.understanding import Understanding

PHASES = ("opening", "exploring", "understanding", "comforting", "suggesting", "closing")
# How much is remembered: the newest people, topics and feelings named; the strategies of the last replies; and a
# fingerprint of every sentence the assistant has said (so none is said twice, however long the conversation).
KEEP_NAMED = 6
KEEP_STRATEGIES = 12
KEEP_SAID = 600


@dataclass(frozen=True)
class DialogueState:
    language: str = "en"
    phase: str = "opening"
    turns: int = 0  # the person's messages answered
    substantive: int = 0  # of which had something to say (not a short turn)
    people: tuple[str, ...] = ()  # newest last
    topics: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()  # each reply's strategy, newest last
    reflected: tuple[str, ...] = ()  # the feelings the replies named back, newest last
    # Fingerprints of the sentences said, each without the person's words it held (manager.said_keys): an entry
    # of the library is said once, whatever name or feeling filled it.
    said: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict | None) -> DialogueState:
        """The state stored as `as_dict` wrote it; unknown keys are ignored, missing ones take their defaults."""
        if not data:
            return cls()
        known = {f.name: f for f in fields(cls)}
        values = {name: tuple(value) if isinstance(value, list) else value
                  for name, value in data.items() if name in known}
        state = cls(**values)
        return state if state.phase in PHASES else replace(state, phase="exploring")

    @property
    def last_strategy(self) -> str:
        return self.strategies[-1] if self.strategies else ""


def sentence_key(sentence: str) -> str:
    """A short fingerprint of a sentence, the same whatever its case, spacing and final punctuation."""
    normal = unicodedata.normalize("NFKC", sentence).lower()
    normal = re.sub(r"[\W_]+", " ", normal).strip()
    return hashlib.blake2b(normal.encode(), digest_size=6).hexdigest()


def sentences(text: str) -> list[str]:
    """The sentences of a reply, in English or Chinese."""
    return [s.strip() for s in re.findall(r"[^.!?。！？]+[.!?。！？]*", text or "") if s.strip(" .!?。！？")]


def advanced(state: DialogueState, understanding: Understanding, *, phase: str, strategy: str,
             said: tuple[str, ...], reflected: str = "") -> DialogueState:
    """The state after the assistant answered a message (`understanding`) using `strategy`; `said` are the
    fingerprints of the reply's sentences, `reflected` the feeling it named back."""
    new_keys = tuple(dict.fromkeys(key for key in said if key not in state.said))
    return replace(
        state,
        language=understanding.language,
        phase=phase,
        turns=state.turns + 1,
        substantive=state.substantive + (not understanding.short),
        # Someone the person means to turn to ("I guess I could call my sister") is a helper, not what the
        # conversation is about: "what else could I do?" after it is not about "what happened with your sister".
        people=_newest(state.people, () if understanding.kind == "own_step" else understanding.people, KEEP_NAMED),
        topics=_newest(state.topics, understanding.topics, KEEP_NAMED),
        feelings=_newest(state.feelings, understanding.feelings, KEEP_NAMED),
        strategies=(state.strategies + (strategy,))[-KEEP_STRATEGIES:],
        reflected=(state.reflected + ((reflected,) if reflected else ()))[-KEEP_NAMED:],
        said=(state.said + new_keys)[-KEEP_SAID:],
    )


def _newest(old: tuple[str, ...], new: tuple[str, ...], keep: int) -> tuple[str, ...]:
    return (tuple(item for item in old if item not in new) + new)[-keep:]

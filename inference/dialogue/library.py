"""emochat's reviewed reply library, one file per language (docs/replies.md has the schema and review rules):
inference/data/replies.toml (English) and replies.zh.toml (Simplified Chinese, written natively). The setting
EMOCHAT_REPLY_LIBRARY names the English file; each other language's file sits beside it, `<stem>.<lang>.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from inference.dialogue.asks import ANSWERED
from inference.dialogue.language import LANGUAGES
from inference.dialogue.turns import KINDS
from inference.loader import BackendError
from inference.types import RISK_CATEGORIES

SETTING = "EMOCHAT_REPLY_LIBRARY"
DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "data" / "replies.toml"
GROUPS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
SLOTS = ("{person}", "{topic}", "{feeling}")


@dataclass(frozen=True)
class Situation:
    name: str
    groups: tuple[str, ...]
    examples: tuple[str, ...]  # English: matched by MiniLM similarity
    keywords: tuple[str, ...]  # Chinese: matched as substrings
    bodies: tuple[str, ...]  # affirmation
    questions: tuple[str, ...]
    restatements: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    information: tuple[str, ...] = ()
    # Whether a reply about it opens by reflecting a feeling (not for "hi" or "thank you").
    reflect: bool = True


@dataclass(frozen=True)
class General:
    """The entries for an emotion group, when no situation matches."""

    bodies: tuple[str, ...]
    questions: tuple[str, ...]
    suggestions: tuple[str, ...] = ()
    opening_questions: tuple[str, ...] = ()  # only in a conversation's first turns ("What's brought you here?")
    information: tuple[str, ...] = ()  # general facts about living with the feeling, never a diagnosis


@dataclass(frozen=True)
class Library:
    language: str
    openings: dict[str, tuple[str, ...]]
    situations: tuple[Situation, ...]
    general: dict[str, General]
    turns: dict[str, tuple[str, ...]]  # short-turn kind → replies
    restatements: tuple[str, ...]  # for any situation, each with one slot
    feelings: dict[str, str]
    labels: dict[str, str]
    fallbacks: tuple[str, ...]
    crisis: dict[str, tuple[str, ...]]  # risk category → scripts
    # Replies to what a message asks for beyond ideas (asks.ANSWERED): one calm step through panic happening now
    # ("grounding"), or whether a feeling is normal ("normal").
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The openings that greet an arrival ("Thanks for writing."): said only in a conversation's first turns.
    early_openings: frozenset[str] = frozenset()
    # Openings that say the person named the feeling ("Saying you feel {feeling} isn't easy"): only when they did.
    named_openings: frozenset[str] = frozenset()


def library_path(path: str | Path, language: str) -> Path:
    """The file of `language`'s library beside the English one at `path`."""
    path = Path(path)
    return path if language == LANGUAGES[0] else path.with_name(f"{path.stem}.{language}{path.suffix}")


def load_library(path: str = str(DEFAULT_LIBRARY), language: str = "en") -> Library:
    return _load(str(library_path(path, language)), language)


@lru_cache(maxsize=8)
def _load(path: str, language: str) -> Library:
    """Read and check a reply library; BackendError, naming the setting, when it is missing or incomplete."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BackendError(f"{SETTING}: cannot read a reply library at {path!r} ({type(exc).__name__}).") from exc
    try:
        library = _parsed(data, language)
    except (KeyError, TypeError) as exc:
        raise BackendError(f"{SETTING}: the reply library at {path!r} lacks {exc}.") from exc
    missing = [g for g in GROUPS if not library.openings[g] or g not in library.general]
    missing += [f"crisis/{c}" for c, scripts in library.crisis.items() if not scripts]
    missing += [f"situation/{s.name}" for s in library.situations
                if not ((s.examples or s.keywords) and s.bodies and s.questions)]
    missing += [f"answer/{ask}" for ask in ANSWERED if not library.answers.get(ask)]
    if missing or not library.fallbacks:
        raise BackendError(f"{SETTING}: the reply library at {path!r} is incomplete ({missing or 'fallback'}).")
    return library


def _parsed(data: dict, language: str) -> Library:
    def texts(entry: dict, key: str) -> tuple[str, ...]:
        return tuple(entry.get(key, ()))

    return Library(
        language=language,
        openings={group: tuple(o["text"] for o in data["opening"] if o["group"] == group) for group in GROUPS},
        situations=tuple(
            Situation(name=s["name"], groups=tuple(s["groups"]), examples=texts(s, "examples"),
                      keywords=texts(s, "keywords"), bodies=tuple(s["bodies"]), questions=tuple(s["questions"]),
                      restatements=texts(s, "restatements"), suggestions=texts(s, "suggestions"),
                      information=texts(s, "information"), reflect=s.get("reflect", True))
            for s in data["situation"]),
        general={g["group"]: General(tuple(g["bodies"]), tuple(g["questions"]), texts(g, "suggestions"),
                                     texts(g, "opening_questions"), texts(g, "information"))
                 for g in data["general"]},
        turns={kind: tuple(text for t in data.get("turn", ()) if t["kind"] == kind for text in t["texts"])
               for kind in KINDS},
        restatements=tuple(r["text"] for r in data.get("restatement", ())),
        feelings=dict(data["feelings"]),
        labels=dict(data["labels"]),
        fallbacks=tuple(f["text"] for f in data["fallback"]),
        crisis={category: tuple(c["text"] for c in data["crisis"] if c["category"] == category)
                for category in RISK_CATEGORIES},
        answers={ask: tuple(a["text"] for a in data.get("answer", ()) if a["ask"] == ask) for ask in ANSWERED},
        early_openings=frozenset(o["text"] for o in data["opening"] if o.get("early", False)),
        named_openings=frozenset(o["text"] for o in data["opening"] if o.get("named", False)),
    )

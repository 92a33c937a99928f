"""The language of a message, for a reply in that language: English ("en") or Simplified Chinese ("zh").

Lingua reads it, built for the two languages emochat answers in. A message that says nothing in either (emoji,
digits, "…") has no language of its own: the caller's `tie` (the person's interface language, else the language
the conversation was in) decides.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = ("en", "zh")
_CODES = {Language.ENGLISH: "en", Language.CHINESE: "zh"}
# Words people type in any language ("ok" in a Chinese chat is still a Chinese chat): on their own they say
# nothing about the language either.
ANY_LANGUAGE = frozenset({"ok", "okay", "k", "kk", "hi", "hey", "bye", "lol", "hmm", "hm", "emm", "haha", "hahaha",
                          "thx", "xd"})
_ANY_LANGUAGE_WORD = re.compile(r"\b(?:" + "|".join(sorted(ANY_LANGUAGE)) + r")\b", re.IGNORECASE)


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).build()


def detect(text: str, *, tie: str = "en") -> str:
    """"en" or "zh": the language `text` is written in, else `tie`."""
    found = _detector().detect_language_of(_ANY_LANGUAGE_WORD.sub(" ", text or ""))
    if found is None:
        return tie if tie in LANGUAGES else LANGUAGES[0]
    return _CODES[found]

"""The language of a message, for a reply in that language: English ("en") or Simplified Chinese ("zh").

Lingua reads it, built for the two languages emochat answers in. A message that says nothing in either (emoji,
digits, "…") has no language of its own: the caller's `tie` (the person's interface language, else the language
the conversation was in) decides.
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = ("en", "zh")
_CODES = {Language.ENGLISH: "en", Language.CHINESE: "zh"}


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).build()


def detect(text: str, *, tie: str = "en") -> str:
    """"en" or "zh": the language `text` is written in, else `tie`."""
    found = _detector().detect_language_of(text or "")
    if found is None:
        return tie if tie in LANGUAGES else LANGUAGES[0]
    return _CODES[found]

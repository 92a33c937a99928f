"""Which writing system a text is in, so that a model is only asked to read what it can.

emochat's models were trained on English; Chinese text is read by the Chinese rules alone, and a text mostly in
another script gets "not read" rather than a guess. Counting letters by script is exact and needs no model: it
answers "can the English model read this?", not "which language is this?".
"""

from __future__ import annotations

import re

LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LETTER = re.compile(r"[^\W\d_]")
# A text is read as written in a script when at least this share of its letters are in it.
MAJORITY = 0.5


def letters(text: str) -> tuple[int, int, int]:
    """(Latin letters, CJK characters, all letters) in `text`."""
    return len(LATIN.findall(text)), len(CJK.findall(text)), len(LETTER.findall(text))


def mostly_chinese(text: str) -> bool:
    latin, cjk, total = letters(text)
    return total > 0 and cjk / total >= MAJORITY


def latin_readable(text: str) -> bool:
    """Whether an English model can read `text`: most of its letters are Latin. A text with no letters at all
    (digits, emoji) counts as readable: the models read it as the nothing it says."""
    latin, _, total = letters(text)
    return total == 0 or latin / total >= MAJORITY

"""The pseudo-locale "en-xa": every string of emochat's own catalogue, accented and bracketed ("Log in" →
"⟦Ĺöĝ íñ⟧"), so a page rendered in it shows at once any text that does not go through a translation.

The tests write its catalogue from locale/zh_Hans (every msgid emochat translates) before any server starts;
emochat.settings.test lists the language and the folder. The page's own pseudo-locale is in frontend/src/i18n.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CODE = "en-xa"
OPEN, CLOSE = "⟦", "⟧"
ACCENTED = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                         "åƀçðéƒĝĥíĵķĺɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
# What is not words: %(name)s placeholders, HTML tags and entities stay as they are.
_KEEP = re.compile(r"%\([a-z_]+\)s|%s|<[^>]*>|&[a-z]+;")
# An English word left on a page rendered in the pseudo-locale: text that skipped the catalogue.
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def pseudo(text: str) -> str:
    parts, last = [], 0
    for kept in _KEEP.finditer(text):
        parts += [text[last:kept.start()].translate(ACCENTED), kept.group()]
        last = kept.end()
    parts.append(text[last:].translate(ACCENTED))
    return OPEN + "".join(parts) + CLOSE


def write(folder: Path) -> Path:
    """The pseudo-locale's compiled catalogue under `folder` (a LOCALE_PATHS entry); returns the .mo's path."""
    source = polib.pofile(str(SOURCE))
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en_XA",
                          "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for entry in source:
        if entry.obsolete:
            continue
        translated = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural)
        if entry.msgid_plural:
            translated.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
        else:
            translated.msgstr = pseudo(entry.msgid)
        catalogue.append(translated)
    target = folder / "en_XA" / "LC_MESSAGES" / "django.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save_as_mofile(str(target))
    return target

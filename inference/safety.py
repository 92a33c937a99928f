"""The check every generated reply passes before it reaches the person, one sentence at a time.

A generated sentence is held back until it is complete, checked, and only then streamed. The first sentence
that fails ends the reply: the caller replaces it with a safe curated one. The checks are a small blocklist
of what a supportive reply must never contain (self-harm methods and encouragement, diagnoses, medication
advice, contempt), in English and Simplified Chinese. The crisis detector (moderation) adds its reading here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A sentence ends at . ! ? … and the space after it, at their full-width forms, or at a line break.
SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s+|[。！？]+|\n")

_I = re.IGNORECASE
BLOCKLIST: tuple[tuple[str, re.Pattern], ...] = (
    ("self_harm", re.compile(
        r"\b(kill|hurt|harm|cut|burn|starve|hang|drown|poison)(ing)?\s+(yourself|urself|your\s*self)\b"
        r"|\bsuicid|\bself[- ]harm|\boverdos|\blethal\b|\bnoose\b|\bslit\b|\bjump\s+(off|from)\b"
        r"|\bend\s+(it\s+all|your\s+life)\b|\b(take|taking)\s+your\s+(own\s+)?life\b|\bbetter\s+off\s+dead\b", _I)),
    ("diagnosis", re.compile(
        r"\byou\s+(probably\s+|might\s+|may\s+|clearly\s+|definitely\s+)?(have|suffer\s+from|are\s+suffering\s+from)"
        r"\s+(a\s+|an\s+|clinical\s+|severe\s+|major\s+)*(depression|anxiety\s+disorder|ptsd|bipolar|adhd|ocd|bpd"
        r"|schizophrenia|autism|psychosis|\w+\s+disorder|a\s+disorder)\b"
        r"|\byou('re|\s+are)\s+(clinically\s+)?(depressed|bipolar|schizophrenic|psychotic|autistic|mentally\s+ill)\b"
        r"|\bdiagnos", _I)),
    ("medication", re.compile(
        r"\b\d+\s?(mg|milligrams?|ml)\b|\bdos(e|age|ing)\b|\bmedicat|\bmeds\b|\bpills?\b|\btablets?\b"
        r"|\b(ssri|snri|antidepressants?|benzos?|benzodiazepines?|xanax|prozac|zoloft|sertraline|fluoxetine"
        r"|lithium|valium|ambien|melatonin|sleeping\s+pills)\b", _I)),
    ("contempt", re.compile(
        r"\byou('re|\s+are)\s+(worthless|pathetic|a\s+burden|stupid|an\s+idiot|a\s+loser|useless)\b"
        r"|\bnobody\s+(cares|would\s+miss\s+you)\b|\byou\s+deserve\s+(it|this|to\s+suffer)\b"
        r"|\bshut\s+up\b", _I)),
    ("self_harm", re.compile(r"自杀|自殺|自残|自殘|割腕|跳楼|跳樓|安眠药|安眠藥|上吊|轻生|輕生")),
)


class UnsafeReply(Exception):
    """A sentence of a generated reply failed the check. Carries the reason, never the text."""

    def __init__(self, reason: str):
        super().__init__(f"generated reply failed the safety check ({reason})")
        self.reason = reason


def sentence_problem(sentence: str) -> str | None:
    """Why this sentence must not reach the person, or None when it may."""
    for reason, pattern in BLOCKLIST:
        if pattern.search(sentence):
            return reason
    return None


def checked(pieces: Iterable[str]) -> Iterator[str]:
    """Re-yield `pieces` a sentence at a time, each sentence only after it passed; raise UnsafeReply at the
    first that fails. The pieces of a sentence are yielded as they came, so the stream keeps its rhythm."""
    held: list[str] = []
    text = ""
    for piece in pieces:
        held.append(piece)
        text += piece
        end = _last_sentence_end(text)
        if end is None:
            continue
        complete, text = text[:end], text[end:]
        if (reason := sentence_problem(complete)) is not None:
            raise UnsafeReply(reason)
        yield from _release(held, len(complete))
        held = [text] if text else []
    if text:
        if (reason := sentence_problem(text)) is not None:
            raise UnsafeReply(reason)
        yield from held


def _last_sentence_end(text: str) -> int | None:
    last = None
    for match in SENTENCE_END.finditer(text):
        last = match.end()
    return last


def _release(held: list[str], length: int) -> Iterator[str]:
    """The first `length` characters of the held pieces, piece by piece (the last one cut where needed)."""
    for piece in held:
        if length <= 0:
            return
        part = piece[:length]
        length -= len(part)
        if part:
            yield part

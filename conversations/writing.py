"""Text that staff write (a reason for reading a transcript, a note, a message to the person), and a person's reason
for finding a reply unhelpful: what counts as written. Invisible characters (zero-width spaces, joiners, direction
marks) are not writing, and a reason with no letters in it is no reason."""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """`text` without format characters (Unicode category Cf: zero-width spaces and the like), trimmed."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def letters(text: str) -> int:
    """How many letters `text` holds, in any script."""
    return sum(1 for ch in text if unicodedata.category(ch).startswith("L"))

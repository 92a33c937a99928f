"""Sealing a person's words into a column, and opening them again: the one way values are encrypted and read.

A sealed value is AES-GCM ciphertext under its data subject's data key (keys.py, crypto.py), bound to its place
by associated data `emochat:<table>:<column>:<row id>`. The place is part of the value: a table renamed or a
value copied to another row no longer decrypts. Every sealed column is listed once, in SEALED_COLUMNS, and
sealing, reading, rotation, export and retention all go by that list.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db.models import Model

from conversations.models import CaseNote, Dialogue, Message, ReplyFeedback, TranscriptAccess
from conversations.privacy import crypto, keys

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SealedColumn:
    """A column holding values sealed under a data key, beside a `data_key_id` column naming that key."""

    model: type[Model]
    column: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table


MESSAGE_TEXT = SealedColumn(Message, "text_encrypted")
DIALOGUE_STATE = SealedColumn(Dialogue, "state_encrypted")
FEEDBACK_REASON = SealedColumn(ReplyFeedback, "reason_encrypted")
SEALED_COLUMNS = (MESSAGE_TEXT, SealedColumn(TranscriptAccess, "reason_encrypted"),
                  SealedColumn(CaseNote, "text_encrypted"), DIALOGUE_STATE, FEEDBACK_REASON)
_REGISTERED = {(sealed.model, sealed.column) for sealed in SEALED_COLUMNS}


def associated_data(model: type[Model], column: str, row_id: uuid.UUID) -> bytes:
    if (model, column) not in _REGISTERED:
        # A column sealed outside the list would be missed by rotation, export and retention.
        raise LookupError(f"{model._meta.label}.{column} is not a sealed column (SEALED_COLUMNS).")
    return crypto.associated_data(model._meta.db_table, column, row_id)


def seal(text: str, *, model: type[Model], column: str, row_id: uuid.UUID, subject: str) -> tuple[bytes, uuid.UUID]:
    """`text` encrypted under the subject's data key and bound to its row; and that key's id, to store beside it."""
    aad = associated_data(model, column, row_id)  # first: an unlisted column is refused before a key is made
    key = keys.active_key(subject)
    return crypto.encrypt_text(text, aad=aad, key=key), key.id


def unsealed(model: type[Model], column: str, row_id: uuid.UUID, blob: bytes) -> str | None:
    """The text of a sealed value, or None when it cannot be decrypted (altered, moved, or its key destroyed)."""
    try:
        return crypto.decrypt_text(blob, aad=associated_data(model, column, row_id), resolve=keys.key_by_id)
    except crypto.DecryptionError as exc:
        logger.error("%s.%s of %s cannot be decrypted: %s", model._meta.db_table, column, row_id,
                     type(exc).__name__)
        return None


"""The message store: where every message (the person's, the assistant's, a moderator's) is inserted, and what
is kept beside the messages (the dialogue's state, the person's feedback on replies).

A message takes the conversation's next sequence number and is stored sealed under the conversation owner's
data key, bound to its row (privacy/sealing.py). Moderation inserts its moderators' messages through here too.
"""

from __future__ import annotations

import json
import uuid

from django.db import connections, router

from conversations.identity import Owner, subject_for, subject_of_conversation
from conversations.models import Conversation, Dialogue, Message, ReplyFeedback
from conversations.privacy import sealing
from inference.dialogue.state import DialogueState

# Reply ids derive from the message they answer, so a retried reply streams under the same id.
REPLY_NAMESPACE = uuid.UUID("6f1c1a52-3c57-4b0f-9a43-4f2d8c1e7a10")


def next_seq(conversation_id: uuid.UUID) -> int:
    """The conversation's next sequence number. Call inside a transaction."""
    return _advance(conversation_id)[0]


def _advance(conversation_id: uuid.UUID) -> tuple[int, str]:
    """The conversation's next sequence number, and the data subject who owns it now."""
    # The UPDATE takes the conversation's row lock until commit, so numbers are handed out in commit order; its
    # RETURNING reads the number and the owner under that lock in the same round trip (the ORM's update() returns
    # a row count). The owner cannot change before commit: an account adopting the conversation waits for it.
    connection = connections[router.db_for_write(Conversation)]
    fields = [Conversation._meta.get_field(name) for name in ("last_seq", "user", "visitor_id")]
    table, pk = (connection.ops.quote_name(name) for name in (Conversation._meta.db_table, Conversation._meta.pk.column))
    seq, user, visitor = (connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        # RETURNING: PostgreSQL, and SQLite from 3.35.
        cursor.execute(f"UPDATE {table} SET {seq} = {seq} + 1 WHERE {pk} = %s RETURNING {seq}, {user}, {visitor}",
                       [Conversation._meta.pk.get_db_prep_value(conversation_id, connection)])
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist(f"No conversation {conversation_id}.")
    visitor_id = fields[2].to_python(row[2]) if row[2] is not None else None  # SQLite returns the hex text
    return row[0], subject_for(Owner(user_id=row[1], visitor_id=visitor_id))


def message_insert(*, message_id: uuid.UUID, conversation_id: uuid.UUID, role: str, text: str, **fields) -> Message:
    """Insert a message under the next seq, its text sealed under the conversation owner's data key and bound
    to its row. Call inside a transaction."""
    seq, subject = _advance(conversation_id)
    sealed, key_id = sealing.seal(text, model=Message, column="text_encrypted", row_id=message_id, subject=subject)
    return Message.objects.create(
        id=message_id,
        conversation_id=conversation_id,
        seq=seq,
        role=role,
        text_encrypted=sealed,
        data_key_id=key_id,
        **fields,
    )


def reply_id_for(message_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(REPLY_NAMESPACE, str(message_id))


def dialogue_save(*, conversation_id: uuid.UUID, state: DialogueState) -> None:
    """Store where the conversation is, sealed under its owner's data key. Call inside a transaction."""
    sealed, key_id = sealing.seal(json.dumps(state.as_dict(), ensure_ascii=False), model=Dialogue,
                                  column="state_encrypted", row_id=conversation_id,
                                  subject=subject_of_conversation(conversation_id))
    Dialogue.objects.update_or_create(conversation_id=conversation_id,
                                      defaults={"state_encrypted": sealed, "data_key_id": key_id})


def feedback_save(*, message: Message, helpful: bool, reason: str) -> ReplyFeedback:
    """Store the person's feedback on a reply, replacing any before it, its reason sealed under the conversation
    owner's data key and bound to the reply. Call inside a transaction that holds the reply's row lock."""
    sealed, key_id = sealing.seal(reason, model=ReplyFeedback, column="reason_encrypted", row_id=message.id,
                                  subject=subject_of_conversation(message.conversation_id))
    feedback, _ = ReplyFeedback.objects.update_or_create(
        message=message, defaults={"helpful": helpful, "reason_encrypted": sealed, "data_key_id": key_id})
    return feedback

"""Every read of conversations, decrypting through crypto.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q

from conversations import crypto, events
from conversations.identity import Owner
from conversations.models import Conversation, Message
from inference.types import Emotion, Turn

logger = logging.getLogger(__name__)

HISTORY_TURNS = 10


def message_aad(message_id: UUID) -> bytes:
    return crypto.associated_data(Message._meta.db_table, "text_encrypted", message_id)


def message_text(message: Message) -> str | None:
    try:
        return crypto.decrypt_text(message.text_encrypted, aad=message_aad(message.id))
    except crypto.DecryptionError as exc:
        logger.error("message %s cannot be decrypted: %s", message.id, type(exc).__name__)
        return None


def message_payload(message: Message) -> dict:
    return events.message_payload(message, text=message_text(message))


def _owned(owner: Owner):
    if owner.user_id is not None:
        return Conversation.objects.filter(user_id=owner.user_id)
    return Conversation.objects.filter(visitor_id=owner.visitor_id, user__isnull=True)


def conversation_open_for(*, owner: Owner) -> Conversation | None:
    return _owned(owner).filter(status=Conversation.Status.OPEN).first()


def user_messages_since(*, owner: Owner, since: datetime) -> int:
    return Message.objects.filter(
        conversation__in=_owned(owner), role=Message.Role.USER, created_at__gte=since
    ).count()


def replay(*, conversation_id: UUID, after_seq: int) -> list[dict]:
    """Every event with seq > after_seq, in seq order (docs/protocol.md, "Replay")."""
    messages = Message.objects.filter(Q(seq__gt=after_seq) | Q(emotion_seq__gt=after_seq),
                                      conversation_id=conversation_id)
    numbered: list[tuple[int, dict]] = []
    for message in messages.order_by("seq"):
        if message.seq > after_seq:
            payload = message_payload(message)
            if message.role == Message.Role.USER:
                frame = events.message_ack(message=payload)
            elif message.role == Message.Role.ASSISTANT:
                frame = events.reply_end(message=payload)
            else:
                frame = events.message_new(message=payload)
            numbered.append((message.seq, frame))
        if message.emotion_seq is not None and message.emotion_seq > after_seq:
            numbered.append((message.emotion_seq,
                             events.message_emotion(message_id=message.id, seq=message.emotion_seq,
                                                    emotion=message.emotion)))
    return [frame for _, frame in sorted(numbered, key=lambda item: item[0])]


@dataclass(frozen=True)
class ReplyJob:
    """What a worker needs to answer one user message."""

    message_id: UUID
    conversation_id: UUID
    text: str
    emotion: Emotion | None
    history: tuple[Turn, ...]


def reply_job(*, message_id: UUID) -> ReplyJob | None:
    """The job for a user message that still needs a reply, or None (gone, answered, or unreadable)."""
    message = Message.objects.filter(pk=message_id, role=Message.Role.USER, reply__isnull=True).first()
    if message is None:
        return None
    text = message_text(message)
    if text is None:
        return None
    earlier = (Message.objects.filter(conversation_id=message.conversation_id, seq__lt=message.seq)
               .order_by("-seq")[:HISTORY_TURNS])
    history = tuple(Turn(role=m.role, text=t) for m in reversed(earlier) if (t := message_text(m)) is not None)
    return ReplyJob(
        message_id=message.id,
        conversation_id=message.conversation_id,
        text=text,
        emotion=Emotion.from_dict(message.emotion) if message.emotion else None,
        history=history,
    )


def unanswered_message_ids(*, older_than: datetime, limit: int) -> list[UUID]:
    """User messages in open conversations still without a reply, oldest first."""
    return list(
        Message.objects.filter(role=Message.Role.USER, reply__isnull=True, created_at__lt=older_than,
                               conversation__status=Conversation.Status.OPEN)
        .order_by("created_at").values_list("id", flat=True)[:limit]
    )

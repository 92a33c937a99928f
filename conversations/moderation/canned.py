"""Approved replies: texts the moderation leads keep (canned_admin.py) that a moderator inserts into a message to
the person and edits before sending. What is counted is how often each is sent, never by whom or to whom."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from conversations.models import CannedReply

# An id beyond the column's range would make PostgreSQL abort the transaction that stores the message.
LARGEST_ID = 2**63 - 1


def canned_offered(*, language: str) -> list[CannedReply]:
    """The replies offered to moderators: active ones, those in the conversation's `language` first ("en" or "zh",
    as Conversation.language), then the rest, each language by title."""
    elsewhere = models.Case(models.When(language=language, then=models.Value(0)), default=models.Value(1))
    return list(CannedReply.objects.filter(active=True).annotate(elsewhere=elsewhere)
                .order_by("elsewhere", "language", "title").only("id", "title", "language", "text"))


def canned_reply_used(*, reply_id: int | None) -> bool:
    """Count one sending of the approved reply `reply_id`; whether it was counted. Call inside the transaction that
    stores the moderator's message, so that a message rolled back is not counted. An id that names no active reply
    (withdrawn or deleted while the moderator wrote, or forged) is not counted and is no error: the message is what
    matters. One UPDATE with F(): moderators sending the same reply at once each count."""
    if reply_id is None or not 0 < reply_id <= LARGEST_ID:
        return False
    counted = CannedReply.objects.filter(pk=reply_id, active=True).update(uses=models.F("uses") + 1,
                                                                          last_used_at=timezone.now())
    return counted == 1

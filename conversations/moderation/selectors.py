"""Every read of the moderation queue: a case's timeline and notes, who may work it, who may watch it live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth import get_user_model

from conversations import permissions
from conversations.models import Case, CaseEvent, CaseNote, Message, TranscriptAccess
from conversations.privacy import sealing


def case_timeline(*, case_id: UUID) -> list[CaseEvent]:
    """Every change and action on a case, oldest first, with who made it."""
    return list(CaseEvent.objects.filter(case_id=case_id).select_related("actor").order_by("at", "id"))


@dataclass(frozen=True)
class NoteRead:
    at: datetime
    author: str | None
    text: str | None  # None when it cannot be decrypted: the person erased their data


def case_notes(*, case_id: UUID) -> list[NoteRead]:
    return [NoteRead(at=note.at, author=note.author.get_username() if note.author_id else None,
                     text=sealing.unsealed(CaseNote, "text_encrypted", note.id, note.text_encrypted))
            for note in CaseNote.objects.filter(case_id=case_id).select_related("author").order_by("at")]


def case_workers():
    """Who a lead may assign a case to: active users allowed to work the queue."""
    return get_user_model().objects.with_perm(permissions.WORK_CASE).order_by("username")


def case_followable(*, case_id: UUID, reader_id: int) -> UUID | None:
    """The conversation a moderator may watch live for a case, else None. Only while a moderator has joined it
    (the assistant is paused and the case is in progress), and only for a reader whose reading of it was recorded
    since that join: every reading of the person's words is audited."""
    conversation_id = (Case.objects.filter(pk=case_id, status=Case.Status.IN_PROGRESS,
                                           conversation__assistant_paused=True)
                       .values_list("conversation_id", flat=True).first())
    joined_at = (CaseEvent.objects.filter(case_id=case_id, kind="joined").order_by("-at")
                 .values_list("at", flat=True).first())
    if conversation_id is None or joined_at is None:
        return None
    recorded = TranscriptAccess.objects.filter(conversation_id=conversation_id, reader_id=reader_id,
                                               at__gte=joined_at).exists()
    return conversation_id if recorded else None


def message_risks(*, conversation_id: UUID) -> dict[str, dict | None]:
    """Each message's risk reading (labels only), by message id: shown beside a transcript already opened."""
    return {str(message_id): risk for message_id, risk in
            Message.objects.filter(conversation_id=conversation_id).values_list("id", "risk")}


def with_risk(messages_read: list[dict], conversation_id: UUID) -> list[dict]:
    """Messages already opened through an audited reading, each with its risk reading (labels only) beside it."""
    risks = message_risks(conversation_id=conversation_id)
    return [{**message, "risk": risks.get(message["id"])} for message in messages_read]

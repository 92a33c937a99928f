"""Every read of conversations, decrypting through crypto.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from conversations import crypto, events, keys, notice
from conversations.identity import Owner
from conversations.models import Case, CaseEvent, CaseNote, Consent, Conversation, Message, TranscriptAccess
from inference.types import FLAGGED_AT, Emotion, Turn, risk_rank

logger = logging.getLogger(__name__)

HISTORY_TURNS = 10


def sealed_aad(model, column: str, row_id: UUID) -> bytes:
    return crypto.associated_data(model._meta.db_table, column, row_id)


def unsealed(model, column: str, row_id: UUID, blob: bytes) -> str | None:
    """The text of a sealed value, or None when it cannot be decrypted (altered, moved, or its key destroyed)."""
    try:
        return crypto.decrypt_text(blob, aad=sealed_aad(model, column, row_id), resolve=keys.key_by_id)
    except crypto.DecryptionError as exc:
        logger.error("%s.%s of %s cannot be decrypted: %s", model._meta.db_table, column, row_id,
                     type(exc).__name__)
        return None


def message_aad(message_id: UUID) -> bytes:
    return sealed_aad(Message, "text_encrypted", message_id)


def message_text(message: Message) -> str | None:
    return unsealed(Message, "text_encrypted", message.id, message.text_encrypted)


def message_payload(message: Message) -> dict:
    return events.message_payload(message, text=message_text(message))


def _owned(owner: Owner):
    if owner.user_id is not None:
        return Conversation.objects.filter(user_id=owner.user_id)
    return Conversation.objects.filter(visitor_id=owner.visitor_id, user__isnull=True)


def owned_conversations(*, owner: Owner):
    return _owned(owner)


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
    # Whether the risk model has read it (the safety net always has).
    risk_model_read: bool = False
    # A moderator has joined: the assistant stays silent.
    assistant_paused: bool = False
    # A reply exists already (the crisis script, written at once by the web process).
    answered: bool = False


def reply_job(*, message_id: UUID) -> ReplyJob | None:
    """The job for a user message: its emotion and risk still to read, its reply still to write. None when the
    message is gone, unreadable, or fully done (answered, with its emotion and the model's risk reading)."""
    message = Message.objects.select_related("conversation").filter(pk=message_id, role=Message.Role.USER).first()
    if message is None:
        return None
    answered = Message.objects.filter(reply_to=message).exists()
    model_read = bool(message.risk and message.risk.get("model_read"))
    if answered and message.emotion is not None and model_read:
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
        risk_model_read=model_read,
        assistant_paused=message.conversation.assistant_paused,
        answered=answered,
    )


def assistant_turns(*, conversation_id: UUID) -> tuple[Turn, ...]:
    """The assistant's recent replies in a conversation: what the reply library must not repeat."""
    recent = (Message.objects.filter(conversation_id=conversation_id, role=Message.Role.ASSISTANT)
              .order_by("-seq")[:HISTORY_TURNS])
    return tuple(Turn(role=m.role, text=t) for m in reversed(recent) if (t := message_text(m)) is not None)


def conversation_crisis_level(*, conversation_id: UUID) -> str | None:
    """The conversation's risk level when it is flagged (helplines are shown), else None."""
    level = Conversation.objects.filter(pk=conversation_id).values_list("risk_level", flat=True).first()
    return level if level and risk_rank(level) >= risk_rank(FLAGGED_AT) else None


@dataclass(frozen=True)
class MessageRisk:
    level: str
    categories: tuple[str, ...]
    raised: bool  # this message opened or raised its conversation's case


def message_risk(*, message_id: UUID) -> MessageRisk:
    risk = Message.objects.values_list("risk", flat=True).get(pk=message_id) or {}
    return MessageRisk(level=risk.get("level", "none"), categories=tuple(risk.get("categories", ())),
                       raised=bool(risk.get("raised")))


def conversation_paused(*, conversation_id: UUID) -> bool:
    return Conversation.objects.filter(pk=conversation_id, assistant_paused=True).exists()


def unanswered_message_ids(*, older_than: datetime, limit: int) -> list[UUID]:
    """User messages in open conversations still without a reply, oldest first."""
    return list(
        Message.objects.filter(role=Message.Role.USER, reply__isnull=True, created_at__lt=older_than,
                               conversation__assistant_paused=False,
                               conversation__status=Conversation.Status.OPEN)
        .order_by("created_at").values_list("id", flat=True)[:limit]
    )


def consent_current(*, owner: Owner) -> Consent | None:
    """The owner's consent to the current notice, if given and not withdrawn."""
    return Consent.objects.filter(subject=keys.subject_for(owner), notice_version=notice.VERSION,
                                  withdrawn_at__isnull=True).first()


def consent_allows(*, owner: Owner, purpose: str) -> bool:
    consent = consent_current(owner=owner)
    return consent is not None and purpose in consent.purposes


def access_records(*, owner: Owner) -> list[dict]:
    """When, and by which role, staff read any of the owner's conversations; newest first."""
    return [{"at": at.isoformat(), "role": role} for at, role in
            TranscriptAccess.objects.filter(subject=keys.subject_for(owner)).values_list("at", "role")]


def privacy_state(*, owner: Owner) -> dict:
    """GET /privacy/ (docs/privacy.md)."""
    consent = consent_current(owner=owner)
    return {
        "notice": notice.as_dict(),
        "consent": None if consent is None else {
            "version": consent.notice_version, "purposes": consent.purposes, "given_at": consent.given_at.isoformat(),
        },
        "access": access_records(owner=owner),
    }


def export_for(*, owner: Owner) -> dict:
    """Everything kept about the owner, decrypted, as GET /privacy/export returns it."""
    conversations = []
    for conversation in _owned(owner).order_by("created_at").prefetch_related("messages"):
        messages = []
        for message in conversation.messages.all():
            text = message_text(message)
            messages.append({"seq": message.seq, "role": message.role, "text": text or "",
                             "created_at": message.created_at.isoformat(), "emotion": message.emotion,
                             "unreadable": text is None})
        conversations.append({
            "id": str(conversation.id), "status": conversation.status,
            "created_at": conversation.created_at.isoformat(),
            "closed_at": conversation.closed_at.isoformat() if conversation.closed_at else None,
            "messages": messages,
        })
    consents = [{"version": c.notice_version, "purposes": c.purposes, "given_at": c.given_at.isoformat(),
                 "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
                for c in Consent.objects.filter(subject=keys.subject_for(owner))]
    return {"exported_at": timezone.now().isoformat(), "notice_version": notice.VERSION, "consents": consents,
            "conversations": conversations, "access": access_records(owner=owner)}


# --- the moderation queue ----------------------------------------------------------------------------------

WORK_CASE = "conversations.work_case"


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
                     text=unsealed(CaseNote, "text_encrypted", note.id, note.text_encrypted))
            for note in CaseNote.objects.filter(case_id=case_id).select_related("author").order_by("at")]


def case_workers():
    """Who a lead may assign a case to: active users allowed to work the queue."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.with_perm(WORK_CASE).order_by("username")


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

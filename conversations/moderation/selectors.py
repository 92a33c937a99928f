"""Every read of the moderation queue: a case's timeline and notes, who may work it, who may watch it live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Q

from conversations import permissions
from conversations.chat import selectors as chat_selectors
from conversations.identity import Owner
from conversations.models import Case, CaseEvent, CaseNote, Message, TranscriptAccess
from conversations.privacy import sealing
from conversations.privacy import selectors as privacy


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
    # Permissions live in the database (ModelBackend); the sign-in throttle's backend holds none.
    users = get_user_model().objects
    return users.with_perm(permissions.WORK_CASE, backend="django.contrib.auth.backends.ModelBackend").order_by(
        "username")


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


# A moderator's outcome as a label for the risk model: a false alarm is `none`; any other outcome confirms the
# level the case reached.
NOT_AT_RISK = Case.Outcome.NOT_AT_RISK


def outcome_examples() -> Iterator[dict]:
    """Labelled examples from resolved cases whose person agreed to `improve`: each message that was flagged,
    `{"text", "level", "subject"}`, with the level the moderator's outcome confirms (`none` for "not at risk").
    Erased conversations have no messages left to give."""
    cases = (Case.objects.filter(status=Case.Status.RESOLVED, conversation__isnull=False).exclude(outcome="")
             .select_related("conversation"))
    for case in cases:
        conversation = case.conversation
        owner = Owner(user_id=conversation.user_id, visitor_id=conversation.visitor_id)
        if not privacy.consent_allows(owner=owner, purpose="improve"):
            continue
        flagged = Message.objects.filter(conversation=conversation, role=Message.Role.USER,
                                         risk__level__in=["ideation", "behavior", "imminent"])
        for message in flagged:
            text = chat_selectors.message_text(message)
            if text is None:
                continue
            at_risk = case.outcome != NOT_AT_RISK
            yield {"text": text, "level": message.risk["level"] if at_risk else "none",
                   "subject": (message.risk.get("subject") or "self") if at_risk else "", "outcome": case.outcome}


def moderator_allowed(*, user_id: int) -> bool:
    """Whether this user may still hold the moderators' socket, read afresh from the database: a new user object
    caches no permission, so one revoked since the socket opened counts as revoked."""
    return permissions.works_cases(get_user_model().objects.filter(pk=user_id).first())


def moderator_accounts(*, email: str):
    """The accounts an email names, as a username or as an address (case-insensitively): at most one, normally."""
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))

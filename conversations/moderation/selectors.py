"""Every read of the moderation queue: a case's timeline and notes, who may work it, who may watch it live."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from conversations import permissions
from conversations.chat import selectors as chat_selectors
from conversations.identity import Owner
from conversations.models import Case, CaseEvent, CaseNote, Message, TranscriptAccess
from conversations.moderation import rules, shifts
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


@dataclass(frozen=True)
class OnShift:
    """A moderator as the queue's shift panel shows them: labels and counts only."""

    user_id: int
    username: str
    available: bool
    away_reason: str  # "", "chosen" or "idle"
    since: datetime | None
    load: int
    capacity: int
    capacity_set: bool  # a lead chose it (else the default)
    high_risk_run: int
    break_suggested: bool


def team_on_shift(*, user_id: int | None = None) -> list[OnShift]:
    """Everyone who may work the queue (or one of them), available first, with the cases they hold."""
    users = case_workers().filter(is_active=True, is_staff=True)
    if user_id is not None:
        users = users.filter(pk=user_id)
    users = list(users.select_related("shift"))
    loads = Counter(Case.objects.exclude(status=Case.Status.RESOLVED).filter(assignee__in=users)
                    .values_list("assignee_id", flat=True))
    rows = []
    for user in users:
        shift = getattr(user, "shift", None)
        run = shift.high_risk_run if shift else 0
        rows.append(OnShift(
            user_id=user.pk, username=user.get_username(), available=bool(shift and shift.available),
            away_reason=shift.away_reason if shift else "", since=shift.changed_at if shift else None,
            load=loads[user.pk], capacity=shifts.capacity_of(shift), capacity_set=bool(shift and shift.capacity),
            high_risk_run=run, break_suggested=rules.break_suggested(high_risk_run=run,
                                                                     run_cap=settings.EMOCHAT_HIGH_RISK_RUN_CAP)))
    return sorted(rows, key=lambda row: (not row.available, row.username))


def lead_emails() -> list[str]:
    """Where the leads are emailed (a case back in the queue): active leads' addresses."""
    leads = get_user_model().objects.with_perm(permissions.LEAD_CASE, include_superusers=False,
                                               backend="django.contrib.auth.backends.ModelBackend")
    return sorted({address for address in leads.filter(is_active=True).values_list("email", flat=True) if address})


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

"""Every write to the moderation queue: risk readings, cases, their timeline and notes, takeover, and the alert
outbox. Check, then write, then notify after commit (events.py here for the queue's pages, chat/events.py for
the person's); alerts are rows written in the same transaction as the change that calls for them, delivered by
alerts.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import commit, permissions, writing
from conversations.chat import events as chat_events
from conversations.chat import queueing, store
from conversations.chat import selectors as chat_selectors
from conversations.chat.protocol import MAX_TEXT_CHARS
from conversations.identity import subject_of_conversation
from conversations.models import Alert, Case, CaseEvent, CaseNote, Conversation, Message
from conversations.moderation import alerts, canned, events, rules, shifts
from conversations.privacy import sealing
from emochat.observability import metrics
from inference.types import Risk, risk_higher


class CaseError(Exception):
    """A move the case does not allow; `detail` is shown to the moderator."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Recorded:
    risk: Risk  # the message's reading after this one was combined with what it had
    raised_to: str | None  # the conversation's new level, when this reading raised it to flagged heights
    conversation_level: str  # the conversation's risk level after it
    assistant_paused: bool  # a moderator has joined the conversation


def risk_stored(risk: Risk, *, model_read: bool = False, raised: bool = False) -> dict:
    """Message.risk: the reading's labels, where it came from, whether the model has read the message, and
    whether the message opened or raised its conversation's case (then its reply is the crisis script)."""
    return {**risk.as_dict(), "source": risk.source, "model_read": model_read, "raised": raised}


def risk_record(*, message: Message, risk: Risk, model_read: bool = False) -> Recorded:
    """Combine a reading of a user message with what it already had (the higher wins), raise the
    conversation's level, and open or raise its case when the message is flagged. Call inside a transaction;
    the person's sockets and the moderators are told after it commits."""
    previous = message.risk or {}
    stored = Risk.from_dict(previous) if previous else None
    combined = risk_higher(stored, risk) if stored else risk
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    raised_to = None
    if rules.rises(conversation.risk_level, combined.level):
        conversation.risk_level = combined.level
        conversation.save(update_fields=["risk_level"])
    if combined.flagged:
        case, change = _case_for(conversation, combined)
        if change is not None:
            raised_to = combined.level
            chat_events.broadcast_on_commit(conversation.id, chat_events.crisis_raised(level=case.level))
    elif conversation.risk_level != "none":
        _touch_open_case(conversation)
    stored_now = risk_stored(combined, model_read=model_read or bool(previous.get("model_read")),
                             raised=bool(raised_to) or bool(previous.get("raised")))
    if stored_now != previous:  # the safety net's reading is stored with the message: usually nothing changed
        message.risk = stored_now
        message.save(update_fields=["risk"])
    return Recorded(risk=combined, raised_to=raised_to, conversation_level=conversation.risk_level,
                    assistant_paused=conversation.assistant_paused)


def risk_model_record(*, message_id: uuid.UUID, risk: Risk) -> Recorded | None:
    """Record the risk model's reading of a message, once (None when it was already recorded)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.risk and message.risk.get("model_read"):
            return None
        recorded = risk_record(message=message, risk=risk, model_read=True)
    metrics.risk_read(stored_at=message.created_at, reader="model")
    return recorded


# How sure a screening answer is: the person said it of themselves, answering a direct question.
SCREENING_SCORE = 0.95


def risk_screening_record(*, message_id: uuid.UUID, level: str) -> Recorded:
    """Record the level a screening answer sets (conversations/chat/screening.py) as the message's risk."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        recorded = risk_record(message=message, risk=Risk(level=level, score=SCREENING_SCORE,
                                                          categories=("self_harm",), source="screening",
                                                          subject="self"))
    metrics.risk_read(stored_at=message.created_at, reader="screening")
    return recorded


def case_screening_set(*, conversation_id: uuid.UUID, answers: dict[str, str]) -> None:
    """Put a screening's answers on the conversation's unresolved case, when it has one, and on its timeline."""
    case = Case.objects.select_for_update().filter(conversation_id=conversation_id).exclude(
        status=Case.Status.RESOLVED).first()
    if case is None or case.screening == answers:
        return
    case.screening = dict(answers)
    case.save(update_fields=["screening"])
    timeline_add(case, "screened", answers=dict(answers))
    events.moderators_notify_on_commit(events.case_updated(case=case))


def _case_for(conversation: Conversation, risk: Risk) -> tuple[Case, str | None]:
    """The conversation's unresolved case, opened or raised for `risk`; and "opened"/"raised" when it changed."""
    now = timezone.now()
    case = Case.objects.select_for_update().filter(conversation=conversation).exclude(
        status=Case.Status.RESOLVED).first()
    if case is None:
        case = Case(conversation=conversation, level=risk.level, categories=list(risk.categories), opened_at=now,
                    last_message_at=now, acknowledge_by=deadline(risk.level, now),
                    screening=dict((conversation.screening or {}).get("answers", {})))
        reprioritise(case, now)
        case.save()
        timeline_add(case, "opened", level=risk.level, categories=list(risk.categories))
        alerts_write(case, "opened")
        shifts.assign_soon()
        return case, "opened"
    categories = sorted(set(case.categories) | set(risk.categories))
    case.last_message_at = now
    if not rules.rises(case.level, risk.level):
        case.categories = categories
        reprioritise(case, now)
        case.save()
        events.moderators_notify_on_commit(events.case_updated(case=case))
        return case, None
    previous = case.level
    case.level, case.categories = risk.level, categories
    # A rise needs a human again, as fast as the new level asks.
    case.acknowledge_by = min(case.acknowledge_by, deadline(risk.level, now)) \
        if case.status in (Case.Status.OPEN, Case.Status.ESCALATED) else deadline(risk.level, now)
    if case.status == Case.Status.ACKNOWLEDGED:
        case.status, case.acknowledged_at = Case.Status.OPEN, None
    reprioritise(case, now)
    case.save()
    timeline_add(case, "raised", previous=previous, level=risk.level, categories=categories)
    alerts_write(case, "raised")
    return case, "raised"


def _touch_open_case(conversation: Conversation) -> None:
    """A new message in a conversation with a case: it rises in the queue while the person is writing."""
    case = Case.objects.select_for_update().filter(conversation=conversation).exclude(
        status=Case.Status.RESOLVED).first()
    if case is not None:
        now = timezone.now()
        case.last_message_at = now
        reprioritise(case, now)
        case.save(update_fields=["last_message_at", "priority"])
        events.moderators_notify_on_commit(events.case_updated(case=case))


def deadline(level: str, now):
    return rules.acknowledge_by(level=level, now=now, sla=settings.EMOCHAT_CASE_ACK_SLA)


def reprioritise(case: Case, now) -> None:
    case.priority = rules.priority(level=case.level, categories=case.categories, status=case.status,
                                   opened_at=case.opened_at, last_message_at=case.last_message_at, now=now)


def timeline_add(case: Case, kind: str, *, actor=None, **detail) -> None:
    """A line on the case's timeline. One by a moderator on an assigned case also counts as the case being worked
    (the clock that returns a quiet case to the queue, assignment.py): by its assignee, or by a lead who joined it
    and is talking with the person while it stays assigned."""
    event = CaseEvent.objects.create(case=case, kind=kind, actor=actor, detail=detail)
    if actor is not None and case.assignee_id is not None:
        case.assignee_active_at = event.at
        Case.objects.filter(pk=case.pk).update(assignee_active_at=event.at)


def alerts_write(case: Case, reason: str, *, tier: int = 0, emails: list[str] | None = None) -> None:
    """Write the alerts this change calls for (the outbox), and have them sent once the transaction commits.
    Email goes to `emails`, else to the on-call tier's addresses."""
    rows = [Alert(case=case, reason=reason, channel=Alert.Channel.REALTIME, tier=tier)]
    tiers = settings.EMOCHAT_ALERT_EMAILS
    if emails is None and tiers:
        emails = tiers[min(tier, len(tiers) - 1)]
    rows += [Alert(case=case, reason=reason, channel=Alert.Channel.EMAIL, target=address, tier=tier)
             for address in emails or ()]
    if settings.EMOCHAT_ALERT_WEBHOOK_URL:
        rows.append(Alert(case=case, reason=reason, channel=Alert.Channel.WEBHOOK,
                          target=settings.EMOCHAT_ALERT_WEBHOOK_URL, tier=tier))
    Alert.objects.bulk_create(rows)
    commit.on_commit(alerts.alerts_send, [row.id for row in rows])


# --- moderators' actions -----------------------------------------------------------------------------------

def case_claim(*, case_id: uuid.UUID, moderator) -> Case:
    """Take a case: assigned to the moderator and acknowledged."""
    with transaction.atomic():
        case = case_locked(case_id)
        if case.status == Case.Status.RESOLVED:
            raise CaseError(_("This case is resolved."))
        if case.assignee_id and case.assignee_id != moderator.pk and not moderator.has_perm(permissions.LEAD_CASE):
            raise CaseError(_("Another moderator has this case; a moderation lead can reassign it."))
        _given(case, moderator)
        timeline_add(case, "claimed", actor=moderator)
        _acknowledge(case, moderator)
        return case_saved(case)


def case_assign(*, case_id: uuid.UUID, lead, assignee) -> Case:
    with transaction.atomic():
        case = case_locked(case_id)
        if case.status == Case.Status.RESOLVED:
            raise CaseError(_("This case is resolved."))
        if not assignee.has_perm(permissions.WORK_CASE):
            raise CaseError(_("Cases can only go to members of the Moderators group."))
        _given(case, assignee)
        timeline_add(case, "assigned", actor=lead, to=assignee.get_username())
        return case_saved(case)


def case_move(*, case_id: uuid.UUID, moderator, status: str, outcome: str = "") -> Case:
    """Acknowledge, mark in progress, or resolve (with an outcome) a case."""
    with transaction.atomic():
        case = case_locked(case_id)
        if not rules.can_move(case.status, status):
            raise CaseError(_("A case that is %(now)s cannot become %(next)s.") % {
                "now": case.get_status_display(), "next": status.replace("_", " ")})
        if status == Case.Status.RESOLVED:
            if outcome not in Case.Outcome.values:
                raise CaseError(_("Choose an outcome to resolve the case."))
            case.status, case.outcome, case.resolved_at = status, outcome, timezone.now()
            timeline_add(case, "resolved", actor=moderator, outcome=outcome)
            shifts.assign_soon()  # the room it frees
            if case.conversation_id:
                assistant_resume(case.conversation_id, case, moderator)
                Conversation.objects.filter(pk=case.conversation_id).update(risk_level="none")
        elif status == Case.Status.ACKNOWLEDGED:
            _acknowledge(case, moderator)
        else:
            if case.acknowledged_at is None:
                _acknowledge(case, moderator)
            case.status = status
            timeline_add(case, "status", actor=moderator, status=status)
        return case_saved(case)


def _written(text: str, *, what: str) -> str:
    """A moderator's text, trimmed; CaseError when there is none or too much (the person's own limit)."""
    text = writing.visible(text)
    if not text:
        raise CaseError(_("The note is empty.") if what == "note" else _("The message is empty."))
    if len(text) > MAX_TEXT_CHARS:
        raise CaseError(_("A note can be at most %(count)s characters.") % {"count": f"{MAX_TEXT_CHARS:,}"}
                        if what == "note" else
                        _("A message can be at most %(count)s characters.") % {"count": f"{MAX_TEXT_CHARS:,}"})
    return text


def case_note_add(*, case_id: uuid.UUID, moderator, text: str) -> CaseNote:
    text = _written(text, what="note")
    with transaction.atomic():
        case = case_locked(case_id)
        if case.conversation_id is None:
            raise CaseError(_("The person erased their conversation; nothing more can be added to it."))
        note_id = uuid.uuid4()
        sealed, key_id = sealing.seal(text, model=CaseNote, column="text_encrypted", row_id=note_id,
                                      subject=subject_of_conversation(case.conversation_id))
        note = CaseNote.objects.create(id=note_id, case=case, author=moderator, text_encrypted=sealed,
                                       data_key_id=key_id)
        timeline_add(case, "note", actor=moderator)
        return note


def _given(case: Case, moderator) -> None:
    """The case is now this moderator's: their clock starts, and it counts in their run of cases."""
    case.assignee = moderator
    case.assigned_at = case.assignee_active_at = timezone.now()
    shifts.case_taken(user_id=moderator.pk, level=case.level)


def _acknowledge(case: Case, moderator) -> None:
    if case.acknowledged_at is None or case.status in (Case.Status.OPEN, Case.Status.ESCALATED):
        case.acknowledged_at = timezone.now()
        case.status = Case.Status.ACKNOWLEDGED
        timeline_add(case, "acknowledged", actor=moderator)


def case_locked(case_id: uuid.UUID) -> Case:
    """The case, locked after its conversation. Whatever locks both takes the conversation first (risk_record
    does, from the worker), so a moderator joining while the worker records a reading never deadlocks with it."""
    conversation_id = Case.objects.filter(pk=case_id).values_list("conversation_id", flat=True).first()
    if conversation_id is not None:
        list(Conversation.objects.select_for_update().filter(pk=conversation_id).values_list("pk", flat=True))
    return Case.objects.select_for_update().get(pk=case_id)


def case_saved(case: Case) -> Case:
    reprioritise(case, timezone.now())
    case.save()
    events.moderators_notify_on_commit(events.case_updated(case=case))
    return case


# --- human takeover ----------------------------------------------------------------------------------------

def conversation_join(*, case_id: uuid.UUID, moderator) -> Case:
    """The moderator joins the person's conversation: the assistant pauses and the person is told."""
    with transaction.atomic():
        case = case_locked(case_id)
        if case.conversation_id is None or case.status == Case.Status.RESOLVED:
            raise CaseError(_("This conversation can no longer be joined."))
        updated = Conversation.objects.filter(pk=case.conversation_id, assistant_paused=False).update(
            assistant_paused=True)
        if case.assignee_id is None:
            _given(case, moderator)
        if case.acknowledged_at is None or case.status in (Case.Status.OPEN, Case.Status.ESCALATED):
            _acknowledge(case, moderator)
        case.status = Case.Status.IN_PROGRESS
        if updated:
            timeline_add(case, "joined", actor=moderator)
            chat_events.broadcast_on_commit(case.conversation_id, chat_events.support_joined())
        return case_saved(case)


def conversation_hand_back(*, case_id: uuid.UUID, moderator) -> Case:
    with transaction.atomic():
        case = case_locked(case_id)
        if case.conversation_id is None:
            raise CaseError(_("The person erased their conversation."))
        assistant_resume(case.conversation_id, case, moderator)
        return case_saved(case)


def assistant_resume(conversation_id: uuid.UUID, case: Case, moderator) -> None:
    """The assistant answers again; if the person wrote last and the moderator has not answered, it answers that."""
    if Conversation.objects.filter(pk=conversation_id, assistant_paused=True).update(assistant_paused=False):
        timeline_add(case, "handed_back", actor=moderator)
        chat_events.broadcast_on_commit(conversation_id, chat_events.support_left())
        waiting = chat_selectors.awaiting_answer(conversation_id=conversation_id)
        if waiting is not None:
            commit.on_commit(queueing.message_respond_enqueue, waiting)


def moderator_message_send(*, case_id: uuid.UUID, moderator, text: str, canned_reply_id: int | None = None) -> dict:
    """A moderator's message to the person, stored encrypted like theirs; only while they have joined.
    `canned_reply_id`: the approved reply it was written from, counted with the message (canned.py)."""
    text = _written(text, what="message")
    with transaction.atomic():
        case = case_locked(case_id)
        conversation = Conversation.objects.filter(pk=case.conversation_id).first()
        if conversation is None or not conversation.assistant_paused:
            raise CaseError(_("Join the conversation before writing to the person."))
        message = store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation.id,
                                       role=Message.Role.MODERATOR, text=text)
        approved = canned.canned_reply_used(reply_id=canned_reply_id)
        payload = chat_events.message_payload(message, text=text)
        chat_events.broadcast_on_commit(conversation.id, chat_events.message_new(message=payload))
        # Which approved reply it started from, by id (the team's analytics count them; the text stays sealed).
        timeline_add(case, "message", actor=moderator, **({"approved_reply": canned_reply_id} if approved else {}))
        return payload


def cases_conversation_erased(*, conversation_ids: list[uuid.UUID]) -> None:
    """The person erased these conversations: each of their cases records it, and the queue pages are told.
    Call inside the transaction that deletes them, before it does."""
    for case in Case.objects.select_for_update().filter(conversation_id__in=conversation_ids):
        timeline_add(case, "erased", reason="the person erased their conversation")
        case.conversation_id = None  # as the deletion leaves it
        events.moderators_notify_on_commit(events.case_updated(case=case))

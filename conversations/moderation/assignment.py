"""Who has which case: moderators setting themselves available or away, waiting cases given to the
least-loaded available moderator with room (by priority), and a case whose assignee went quiet returned to the
queue, with the leads told. The choices themselves are pure, in rules.py; the writes are here.

Locks: assignment holds the available moderators' shifts, then takes cases with SKIP LOCKED, so it never waits
for a case a moderator or a worker is changing (they take the conversation, then the case, then a shift).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from conversations import permissions
from conversations.models import Case, Shift
from conversations.moderation import events, rules, selectors, services, shifts

UNACKNOWLEDGED = (Case.Status.OPEN, Case.Status.ESCALATED)


def shift_set(*, user, available: bool) -> Shift:
    """A moderator sets themselves available or away. Going away is a break (their high-risk run starts again)
    and hands back the cases they have not yet acknowledged, for others to take: after the shift is saved, so that
    the assignment those returns ask for cannot give a case straight back to them."""
    with transaction.atomic():
        shift, _ = Shift.objects.select_for_update().get_or_create(user=user)
        if shift.available != available:
            shift.available, shift.changed_at = available, timezone.now()
            shift.away_reason = "" if available else Shift.Away.CHOSEN
            if not available:
                shift.high_risk_run = 0
            shift.save()
        if available:
            shifts.assign_soon()
    if not available:
        for case_id in Case.objects.filter(assignee=user, status__in=UNACKNOWLEDGED).values_list("id", flat=True):
            case_return(case_id=case_id, reason="away")
    return shift


def cases_assign_waiting() -> int:
    """Give each case nobody has, highest priority first, to the least-loaded available moderator with room
    (rules.assignee_pick); each is told on their queue page. Returns how many were assigned."""
    now = timezone.now()
    given = 0
    with transaction.atomic():
        seats = _seats()
        if not seats:
            return 0
        waiting = (Case.objects.select_for_update(skip_locked=True).filter(assignee__isnull=True)
                   .exclude(status=Case.Status.RESOLVED).order_by("-priority", "opened_at"))
        for case in waiting[:100]:
            seat = rules.assignee_pick(list(seats.values()), level=case.level,
                                       run_cap=settings.EMOCHAT_HIGH_RISK_RUN_CAP)
            if seat is None:
                break
            shift = Shift.objects.select_related("user").get(pk=seat.user_id)
            case.assignee = shift.user
            case.assigned_at = case.assignee_active_at = now
            services.timeline_add(case, "assigned", to=shift.user.get_username(), load=seat.load + 1,
                                  capacity=seat.capacity)
            shifts.case_taken(user_id=seat.user_id, level=case.level)
            shift.refresh_from_db(fields=["high_risk_run", "last_assigned_at"])
            seats[seat.user_id] = rules.Seat(user_id=seat.user_id, load=seat.load + 1, capacity=seat.capacity,
                                             high_risk_run=shift.high_risk_run,
                                             last_assigned_at=shift.last_assigned_at)
            services.case_saved(case)
            events.assignee_notify_on_commit(seat.user_id, case)
            given += 1
    return given


def _seats() -> dict[int, rules.Seat]:
    """The available moderators still allowed to work cases, locked, with their load."""
    shift_rows = [shift for shift in Shift.objects.select_for_update(of=("self",)).select_related("user")
                  .filter(available=True, user__is_active=True, user__is_staff=True).order_by("pk")
                  if shift.user.has_perm(permissions.WORK_CASE)]
    loads = Counter(Case.objects.exclude(status=Case.Status.RESOLVED)
                    .filter(assignee_id__in=[shift.pk for shift in shift_rows])
                    .values_list("assignee_id", flat=True))
    return {shift.pk: rules.Seat(user_id=shift.pk, load=loads[shift.pk], capacity=shifts.capacity_of(shift),
                                 high_risk_run=shift.high_risk_run, last_assigned_at=shift.last_assigned_at)
            for shift in shift_rows}


def cases_return_idle() -> int:
    """Return every case whose assignee left it too long (rules.idle) to the queue. Returns how many."""
    now = timezone.now()
    idle_after = timedelta(seconds=settings.EMOCHAT_ASSIGNEE_IDLE_SECONDS)
    cutoff = now - idle_after
    # rules.idle in SQL, so the sweep locks only the cases it will return (and checks each again, locked).
    unacknowledged = Q(status__in=UNACKNOWLEDGED) & (
        Q(assignee_active_at__lte=cutoff) | Q(assignee_active_at__isnull=True, opened_at__lte=cutoff))
    waiting_on_them = Q(status=Case.Status.IN_PROGRESS, conversation__assistant_paused=True,
                        last_message_at__lte=cutoff, last_message_at__gt=F("assignee_active_at"))
    candidates = (Case.objects.filter(assignee__isnull=False).filter(unacknowledged | waiting_on_them)
                  .values_list("id", flat=True))
    return sum(case_return(case_id=case_id, reason="idle", now=now, idle_after=idle_after)
               for case_id in candidates[:500])


def case_return(*, case_id: uuid.UUID, reason: str, now=None, idle_after: timedelta | None = None) -> bool:
    """Take a case from its assignee and put it back in the queue: "away" (they set themselves away before
    acknowledging it) or "idle" (rules.idle; they are set away and the leads are told). A conversation they had
    joined goes back to the assistant, so the person is answered meanwhile; the case needs acknowledging again."""
    now = now or timezone.now()
    with transaction.atomic():
        case = services.case_locked(case_id)
        conversation = case.conversation
        joined = bool(conversation and conversation.assistant_paused)
        if case.assignee_id is None or case.status == Case.Status.RESOLVED:
            return False
        if reason == "idle" and not rules.idle(status=case.status, joined=joined,
                                               assignee_active_at=case.assignee_active_at or case.opened_at,
                                               last_message_at=case.last_message_at, now=now,
                                               idle_after=idle_after):
            return False
        moderator = case.assignee
        quiet_since = case.assignee_active_at
        case.assignee, case.assigned_at, case.assignee_active_at = None, None, None
        if case.status not in UNACKNOWLEDGED:
            case.status, case.acknowledged_at = Case.Status.OPEN, None
            case.acknowledge_by = services.deadline(case.level, now)
        if joined:
            services.assistant_resume(conversation.id, case, None)
        detail = {"moderator": moderator.get_username(), "reason": reason}
        if reason == "idle":
            detail["quiet_for"] = f"{int((now - (quiet_since or case.opened_at)).total_seconds()) // 60} min"
            Shift.objects.filter(user=moderator).update(available=False, changed_at=now,
                                                        away_reason=Shift.Away.IDLE)
        services.timeline_add(case, "returned", **detail)
        if reason == "idle":
            services.alerts_write(case, "returned", emails=selectors.lead_emails())
        services.case_saved(case)
        shifts.assign_soon()
    return True

"""Moderators' shifts, the small writes that cases.py and assignment.py share: a case taken (which feeds the
high-risk run), a lead's capacity for someone, and asking for the waiting cases to be assigned."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from conversations import dispatch
from conversations.models import Shift
from conversations.moderation import rules

# The task that returns quiet cases and assigns the waiting ones (moderation/tasks.py), queued by name.
ASSIGN_TASK = "conversations.tasks.cases_assign"
MAX_CAPACITY = 20


def assign_soon() -> None:
    """Once the transaction commits, have the waiting cases assigned (beat also runs it every few seconds)."""
    dispatch.enqueue_on_commit(ASSIGN_TASK)


def capacity_of(shift: Shift | None) -> int:
    return shift.capacity if shift is not None and shift.capacity else settings.EMOCHAT_MODERATOR_CAPACITY


def case_taken(*, user_id: int, level: str) -> None:
    """A moderator took a case (assigned, claimed or given by a lead): a high-risk one lengthens their run, any
    other ends it."""
    Shift.objects.get_or_create(user_id=user_id)
    run = F("high_risk_run") + 1 if level in rules.HIGH_RISK else 0
    Shift.objects.filter(user_id=user_id).update(high_risk_run=run, last_assigned_at=timezone.now())


class CapacityError(ValueError):
    """A capacity outside 1…MAX_CAPACITY."""


def capacity_set(*, user_id: int, capacity: int | None) -> Shift:
    """A lead sets how many cases someone holds at once (None: the default); more room may assign cases now."""
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise CapacityError(capacity)
    shift, _ = Shift.objects.get_or_create(user_id=user_id)
    shift.capacity = capacity
    shift.save(update_fields=["capacity"])
    assign_soon()
    return shift

"""The moderation queue's Celery tasks: delivering alerts and the SLA clock. Names are fixed; beat schedules
them and services queue them by name (dispatch.py)."""

from __future__ import annotations

import logging
from uuid import UUID

from celery import shared_task

from conversations.moderation import alerts, assignment, sla

logger = logging.getLogger(__name__)


@shared_task(name="conversations.tasks.alert_deliver")
def alert_deliver(alert_id: str) -> bool:
    return alerts.alert_deliver(UUID(alert_id))


@shared_task(name="conversations.tasks.alerts_retry")
def alerts_retry() -> int:
    """Every few seconds, from beat: send the alerts that are due again (or were never handed to a worker)."""
    due = alerts.alerts_due()
    for alert_id in due:
        alerts.alert_deliver(alert_id)
    return len(due)


@shared_task(name="conversations.tasks.cases_escalate")
def cases_escalate() -> int:
    """Every few seconds, from beat: escalate cases nobody acknowledged within their SLA; re-rank the queue."""
    escalated = sla.cases_escalate_overdue()
    if escalated:
        logger.warning("escalated %d unacknowledged cases", escalated)
    return escalated


@shared_task(name="conversations.tasks.cases_assign")
def cases_assign() -> int:
    """When a case opens or room frees, and every few seconds from beat: return the cases whose assignee went
    quiet, then give the waiting ones to available moderators with room."""
    returned = assignment.cases_return_idle()
    if returned:
        logger.warning("returned %d cases to the queue: their moderators went quiet", returned)
    return assignment.cases_assign_waiting()

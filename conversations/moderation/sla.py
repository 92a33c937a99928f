"""The moderation queue's clock, run every few seconds from beat (tasks.py): cases not acknowledged by their
deadline escalate to the next on-call tier, and the queue is re-ranked as cases wait."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conversations.models import Case
from conversations.moderation import services


def cases_escalate_overdue() -> int:
    """Escalate every case not acknowledged by its deadline to the next on-call tier, with alerts and a line in
    its timeline; the next deadline is one SLA later. Re-rank the rest. Returns how many escalated."""
    now = timezone.now()
    escalated = 0
    overdue = Case.objects.filter(status__in=[Case.Status.OPEN, Case.Status.ESCALATED], acknowledge_by__lte=now)
    for case_id in overdue.values_list("id", flat=True)[:500]:
        with transaction.atomic():
            case = services.case_locked(case_id)
            if case.status not in (Case.Status.OPEN, Case.Status.ESCALATED) or case.acknowledge_by > now:
                continue
            case.status = Case.Status.ESCALATED
            case.escalation_tier += 1
            case.acknowledge_by = services.deadline(case.level, now)
            sla_s = settings.EMOCHAT_CASE_ACK_SLA.get(case.level)
            services.timeline_add(case, "escalated", tier=case.escalation_tier,
                                  reason=f"not acknowledged within {sla_s} s")
            services.alerts_write(case, "escalated", tier=case.escalation_tier)
            services.reprioritise(case, now)
            case.save()
            escalated += 1
    for case in Case.objects.exclude(status=Case.Status.RESOLVED).only(
            "level", "categories", "status", "opened_at", "last_message_at", "priority")[:2000]:
        before = case.priority
        services.reprioritise(case, now)
        if case.priority != before:
            Case.objects.filter(pk=case.pk).update(priority=case.priority)
    return escalated



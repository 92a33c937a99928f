"""Pure rules of the moderation queue: a case's priority, its SLA deadline, and which moves are allowed.

No database here: cases.py (the writes) and the queue page call these with plain values, and tests read them
as a table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from inference.types import risk_rank

# Levels dominate: any imminent case outranks any behavior case, and so on (what follows adds up to under 200).
LEVEL_WEIGHT = {"none": 0, "indicator": 200, "ideation": 400, "behavior": 600, "imminent": 800}
# Violence against the person or by them adds urgency within a level.
CATEGORY_WEIGHT = {"being_harmed": 20, "harm_to_others": 20, "self_harm": 0, "third_party": -10}
STATUS_WEIGHT = {"escalated": 60, "open": 40, "acknowledged": 10, "in_progress": 0, "resolved": -1000}
# Waiting unacknowledged adds a point a minute (capped below a level's weight), so old cases rise.
WAIT_CAP = 90
# A person still writing (a message in the last few minutes) is someone a moderator can reach now.
ACTIVE_WITHIN = timedelta(minutes=5)
ACTIVE_WEIGHT = 15

# The moves a moderator may make, from each status.
MOVES: dict[str, tuple[str, ...]] = {
    "open": ("acknowledged", "in_progress", "resolved"),
    "escalated": ("acknowledged", "in_progress", "resolved"),
    "acknowledged": ("in_progress", "resolved"),
    "in_progress": ("resolved",),  # worked on already: acknowledging it again means nothing
    "resolved": (),
}


def priority(*, level: str, categories: list[str] | tuple[str, ...], status: str, opened_at: datetime,
             last_message_at: datetime, now: datetime) -> int:
    """The case's place in the queue: higher first. Recomputed when the case changes and by the SLA sweep."""
    score = LEVEL_WEIGHT[level] + STATUS_WEIGHT[status]
    score += max((CATEGORY_WEIGHT.get(category, 0) for category in categories), default=0)
    if status in ("open", "escalated"):
        score += min(WAIT_CAP, int((now - opened_at).total_seconds() // 60))
    if now - last_message_at <= ACTIVE_WITHIN:
        score += ACTIVE_WEIGHT
    return score


def acknowledge_by(*, level: str, now: datetime, sla: dict[str, int]) -> datetime:
    """When a case at `level` must be acknowledged; levels below the flag use the ideation SLA."""
    return now + timedelta(seconds=sla.get(level, sla["ideation"]))


def sla_state(*, status: str, acknowledge_by: datetime, acknowledged_at: datetime | None, escalation_tier: int,
              now: datetime) -> str:
    """Where the case stands against its SLA: "met" (acknowledged, or resolved), "overdue" (not acknowledged,
    and its deadline passed: now, or before an escalation moved it on), or "due"."""
    if acknowledged_at is not None or status not in ("open", "escalated"):
        return "met"
    return "overdue" if escalation_tier > 0 or acknowledge_by <= now else "due"


def can_claim(*, status: str, assignee_id: int | None, user_id: int, lead: bool) -> bool:
    """Whether the case page offers "Claim" (nobody has it) or "Take over" (a lead, from someone else)."""
    if status == "resolved" or assignee_id == user_id:
        return False
    return assignee_id is None or lead


def can_move(current: str, target: str) -> bool:
    return target in MOVES.get(current, ())


def rises(current: str, new: str) -> bool:
    return risk_rank(new) > risk_rank(current)

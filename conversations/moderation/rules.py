"""Pure rules of the moderation queue: a case's priority, its SLA deadline, and which moves are allowed.

No database here: cases.py (the writes) and the queue page call these with plain values, and tests read them
as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


# --- assignment ------------------------------------------------------------------------------------------------

# The levels that count towards a moderator's run of high-risk cases (and a suggested break).
HIGH_RISK = ("behavior", "imminent")


@dataclass(frozen=True)
class Seat:
    """An available moderator as assignment sees them."""

    user_id: int
    load: int  # unresolved cases they hold
    capacity: int
    high_risk_run: int
    last_assigned_at: datetime | None


def assignee_pick(seats: list[Seat], *, level: str, run_cap: int) -> Seat | None:
    """Who gets a case at `level`: the least-loaded moderator with room, the one waiting longest for a case on a
    tie. A high-risk case skips whoever has reached `run_cap` high-risk cases in a row while anyone else has
    room; when nobody else has, it goes to them all the same: a person in danger is never left waiting for a
    rest to end. None when nobody has room."""
    with_room = [seat for seat in seats if seat.load < seat.capacity]
    if level in HIGH_RISK:
        rested = [seat for seat in with_room if seat.high_risk_run < run_cap]
        with_room = rested or with_room
    if not with_room:
        return None
    never = datetime.min.replace(tzinfo=UTC)
    return min(with_room, key=lambda seat: (seat.load, seat.last_assigned_at or never, seat.user_id))


def break_suggested(*, high_risk_run: int, run_cap: int) -> bool:
    return high_risk_run >= run_cap


def idle(*, status: str, joined: bool, assignee_active_at: datetime, last_message_at: datetime,
         now: datetime, idle_after: timedelta) -> bool:
    """Whether a case's assignee has left it too long: a case not yet acknowledged, since they were given it or
    last acted on it; a conversation they joined (the assistant waits for them), since the person's message they
    have not answered. An acknowledged case they have not joined is the assistant's to answer meanwhile, and stays
    theirs."""
    if status in ("open", "escalated"):
        return now - assignee_active_at >= idle_after
    if joined and status == "in_progress":
        return last_message_at > assignee_active_at and now - last_message_at >= idle_after
    return False

"""Every read of the team's analytics page (analytics/admin.py): aggregates over a range of days, and nothing else.

Counts, shares and durations only. No message text (it is sealed and never opened here), no reason given with
feedback, no id of a person or a conversation leaves these functions: each returns numbers keyed by a day, a label
(role, emotion group, level, outcome, strategy, backend…) or a tier.

A range is whole days in the viewer's time zone, first and last included: a message written at 23:30 in Paris
counts for that evening in Paris. docs/moderation.md ("Analytics") says how each figure is computed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate

from conversations.models import Case, CaseEvent, Conversation, Message
from conversations.mood.selectors import GROUPS

# The longest range the page computes at once, in days: a year, a leap one included.
MAX_DAYS = 366
ROLES = tuple(Message.Role.values)  # user, assistant, moderator
SCREENING_STATUSES = ("asking", "done", "stopped")  # conversations/chat/screening.py
PERCENTILES = (50, 90, 99)
# The team's events the page counts (team()), in its order.
TEAM_EVENTS = ("assigned", "lead_assigned", "claimed", "returned_idle", "returned_away", "messages",
               "approved_messages")
# How a case stands against its SLA, in the order the page lists them.
SLA_STATES = ("within", "late", "overdue", "due", "resolved_unacknowledged")


@dataclass(frozen=True)
class Period:
    """Whole days `start`..`end` (both included) in `zone`."""

    start: date
    end: date
    zone: tzinfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The first moment after the range (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range((self.end - self.start).days + 1)]

    def within(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})


@dataclass(frozen=True)
class FeedbackRate:
    strategy: str  # "" for scripted texts
    backend: str  # "" for scripted texts and replies stored before backends were recorded
    replies: int
    helpful: int
    not_helpful: int

    @property
    def rated(self) -> int:
        return self.helpful + self.not_helpful


@dataclass(frozen=True)
class Acknowledgement:
    """Cases opened in the range, by how they stand against their SLA, and how long acknowledging took."""

    states: dict[str, int]
    median_minutes: float | None


@dataclass(frozen=True)
class Escalations:
    events: int
    cases: int
    by_tier: dict[int, int]


@dataclass(frozen=True)
class ReplyTimes:
    """Seconds from a person's message to the assistant's first message after it, in the same conversation."""

    answered: int
    unanswered: int
    percentiles: dict[int, float | None]


def percentile(ordered: Sequence[float], pct: float) -> float | None:
    """The `pct`th percentile of sorted values, interpolated linearly (PostgreSQL's percentile_cont)."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def messages_per_day(*, period: Period) -> dict[date, dict[str, int]]:
    """Every day of the range (days without messages included) → messages stored that day, by role."""
    days: dict[date, dict[str, int]] = {day: dict.fromkeys(ROLES, 0) for day in period.days}
    rows = (Message.objects.filter(period.within("created_at"))
            .annotate(day=TruncDate("created_at", tzinfo=period.zone))
            .values("day", "role").annotate(n=Count("pk")).order_by())
    for row in rows:
        if row["day"] in days and row["role"] in ROLES:
            days[row["day"]][row["role"]] += row["n"]
    return days


def emotions_per_day(*, period: Period) -> dict[date, dict[str, int]]:
    """Every day of the range → the people's messages read as each emotion group (and neutral) that day. Messages
    not read yet, or read as no emotion, are left out, as on the person's mood page."""
    days: dict[date, dict[str, int]] = {day: dict.fromkeys(GROUPS, 0) for day in period.days}
    rows = (Message.objects.filter(period.within("created_at"), role=Message.Role.USER, emotion__group__in=GROUPS)
            .annotate(day=TruncDate("created_at", tzinfo=period.zone), group=KT("emotion__group"))
            .values("day", "group").annotate(n=Count("pk")).order_by())
    for row in rows:
        if row["day"] in days:
            days[row["day"]][row["group"]] += row["n"]
    return days


def cases_by_level_and_outcome(*, period: Period) -> dict[tuple[str, str], int]:
    """(level, outcome) → cases opened in the range; the outcome is "" while a case is unresolved."""
    rows = (Case.objects.filter(period.within("opened_at")).values("level", "outcome")
            .annotate(n=Count("pk")).order_by("level", "outcome"))
    return {(row["level"], row["outcome"]): row["n"] for row in rows}


def _sla_state(*, status: str, acknowledged_at, acknowledge_by, tier: int, now: datetime) -> str:
    # An escalation moves the deadline on (moderation/services.py), so a case escalated even once missed its SLA.
    if acknowledged_at is not None:
        return "within" if tier == 0 and acknowledged_at <= acknowledge_by else "late"
    if status == Case.Status.RESOLVED:
        return "resolved_unacknowledged"
    return "overdue" if tier > 0 or acknowledge_by <= now else "due"


def acknowledgement(*, period: Period, now: datetime) -> Acknowledgement:
    """Cases opened in the range against their SLA (`Case.acknowledge_by`), and the median time to acknowledge."""
    states: Counter[str] = Counter()
    minutes: list[float] = []
    rows = Case.objects.filter(period.within("opened_at")).values_list(
        "status", "opened_at", "acknowledged_at", "acknowledge_by", "escalation_tier")
    for status, opened_at, acknowledged_at, acknowledge_by, tier in rows.iterator():
        states[_sla_state(status=status, acknowledged_at=acknowledged_at, acknowledge_by=acknowledge_by, tier=tier,
                          now=now)] += 1
        if acknowledged_at is not None:
            minutes.append(max(0.0, (acknowledged_at - opened_at).total_seconds() / 60))
    return Acknowledgement(states={state: states[state] for state in SLA_STATES},
                           median_minutes=percentile(sorted(minutes), 50))


def escalations(*, period: Period) -> Escalations:
    """Escalations that happened in the range (the SLA sweep's "escalated" events), by the tier reached."""
    events = CaseEvent.objects.filter(period.within("at"), kind="escalated")
    by_tier: Counter[int] = Counter()
    for tier, n in events.annotate(tier=KT("detail__tier")).values("tier").annotate(n=Count("pk")).order_by() \
            .values_list("tier", "n"):
        by_tier[int(tier or 0)] += n
    return Escalations(events=sum(by_tier.values()), cases=events.order_by().values("case").distinct().count(),
                       by_tier=dict(sorted(by_tier.items())))


def team(*, period: Period) -> dict[str, int]:
    """The team's events in the range: cases given by assignment (no actor) or by a lead, claimed, returned to the
    queue because they went quiet or their moderator went away; moderators' messages, and those from an approved
    reply (moderation/assignment.py, services.py)."""
    counts = CaseEvent.objects.filter(period.within("at")).aggregate(
        assigned=Count("pk", filter=Q(kind="assigned", actor__isnull=True)),
        lead_assigned=Count("pk", filter=Q(kind="assigned", actor__isnull=False)),
        claimed=Count("pk", filter=Q(kind="claimed")),
        returned_idle=Count("pk", filter=Q(kind="returned", detail__reason="idle")),
        returned_away=Count("pk", filter=Q(kind="returned", detail__reason="away")),
        messages=Count("pk", filter=Q(kind="message")),
        approved_messages=Count("pk", filter=Q(kind="message", detail__has_key="approved_reply")))
    return {key: counts[key] for key in TEAM_EVENTS}


def screening_outcomes(*, period: Period) -> dict[str, int]:
    """Conversations started in the range in which the assistant screened, by where the screening stands:
    asking (a question is open), done (every question answered), stopped (the person moved on)."""
    rows = (Conversation.objects.filter(period.within("created_at"), screening__isnull=False)
            .annotate(state=KT("screening__status")).values("state").annotate(n=Count("pk")).order_by())
    counts = {row["state"]: row["n"] for row in rows if row["state"]}
    return {**dict.fromkeys(SCREENING_STATUSES, 0), **counts}


def reply_feedback(*, period: Period) -> list[FeedbackRate]:
    """The assistant's replies stored in the range, by strategy and backend: how many, and how many of them the
    person marked helpful or not helpful (the choice as it stands now)."""
    rows = (Message.objects.filter(period.within("created_at"), role=Message.Role.ASSISTANT)
            .values("strategy", "backend")
            .annotate(replies=Count("pk"), helpful=Count("pk", filter=Q(feedback__helpful=True)),
                      not_helpful=Count("pk", filter=Q(feedback__helpful=False)))
            .order_by("strategy", "backend"))
    return [FeedbackRate(strategy=row["strategy"], backend=row["backend"], replies=row["replies"],
                         helpful=row["helpful"], not_helpful=row["not_helpful"]) for row in rows]


def first_reply_times(*, period: Period) -> ReplyTimes:
    """For each person's message stored in the range, the time until the assistant's first message after it in
    the same conversation (by sequence number); p50/p90/p99 in seconds, and how many had none."""
    first_reply = (Message.objects.filter(conversation=OuterRef("conversation"), seq__gt=OuterRef("seq"),
                                          role=Message.Role.ASSISTANT).order_by("seq").values("created_at")[:1])
    rows = (Message.objects.filter(period.within("created_at"), role=Message.Role.USER)
            .annotate(replied_at=Subquery(first_reply)).values_list("created_at", "replied_at"))
    delays, unanswered = [], 0
    for created_at, replied_at in rows.iterator():
        if replied_at is None:
            unanswered += 1
        else:
            delays.append(max(0.0, (replied_at - created_at).total_seconds()))
    delays.sort()
    return ReplyTimes(answered=len(delays), unanswered=unanswered,
                      percentiles={pct: percentile(delays, pct) for pct in PERCENTILES})


@dataclass(frozen=True)
class Report:
    """Every figure of the page for one range."""

    period: Period
    messages: dict[date, dict[str, int]]
    emotions: dict[date, dict[str, int]]
    cases: dict[tuple[str, str], int]
    acknowledgement: Acknowledgement
    escalations: Escalations
    team: dict[str, int]  # TEAM_EVENTS
    screening: dict[str, int]
    feedback: list[FeedbackRate]
    reply_times: ReplyTimes

    @property
    def emotion_totals(self) -> dict[str, int]:
        return _totals(self.emotions.values(), GROUPS)

    @property
    def message_totals(self) -> dict[str, int]:
        return _totals(self.messages.values(), ROLES)


def _totals(days: Iterable[dict[str, int]], keys: Sequence[str]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for counts in days:
        for key, n in counts.items():
            totals[key] += n
    return {key: totals[key] for key in keys}


def analytics_report(*, period: Period, now: datetime) -> Report:
    return Report(period=period, messages=messages_per_day(period=period), emotions=emotions_per_day(period=period),
                  cases=cases_by_level_and_outcome(period=period),
                  acknowledgement=acknowledgement(period=period, now=now), escalations=escalations(period=period),
                  team=team(period=period),
                  screening=screening_outcomes(period=period), feedback=reply_feedback(period=period),
                  reply_times=first_reply_times(period=period))

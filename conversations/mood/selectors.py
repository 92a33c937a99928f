"""Every read of the person's mood page: their emotions day by day over a range, their most frequent feelings,
their check-ins, and the week in plain words (summary.py).

Only the owner's own messages count, and only what the emotion model read in them: the labels stored beside each
message (`Message.emotion`), never its words, which stay sealed. Days are the person's own, in the time zone their
browser names, so a message written at 23:30 counts for the evening it was written in.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from uuid import UUID

from django.db.models import Count
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from conversations.chat import selectors as chat
from conversations.identity import Owner, subject_for
from conversations.models import Conversation, Message, MoodCheckIn
from conversations.mood import summary

# The ranges the page offers, in days; the first of them is also "the week" of the summary.
RANGES = (7, 30, 90)
DEFAULT_RANGE = 30
WEEK = 7
# The Ekman groups (inference/goemotions.py EKMAN) and neutral, in the order the page shows them. Readings that
# are not an emotion ("not_read", "none": inference/goemotions.py) are left out of every count.
GROUPS = ("joy", "sadness", "fear", "anger", "surprise", "disgust", "neutral")
SENTIMENTS = ("positive", "negative", "ambiguous", "neutral")
TOP_FEELINGS = 5


@dataclass(frozen=True)
class MoodDay:
    """One day of the range: what was read in the person's messages that day, and their check-ins."""

    day: date
    groups: dict[str, int] = field(default_factory=dict)
    sentiments: dict[str, int] = field(default_factory=dict)
    checkins: tuple[int, ...] = ()

    @property
    def messages(self) -> int:
        return sum(self.groups.values())

    @property
    def balance(self) -> float | None:
        """From -1 (every message read as heavy) to 1 (every one light); None on a day without readings."""
        if not self.messages:
            return None
        return (self.sentiments.get("positive", 0) - self.sentiments.get("negative", 0)) / self.messages

    def as_dict(self) -> dict:
        balance = self.balance
        return {"date": self.day.isoformat(), "messages": self.messages,
                "groups": {group: self.groups.get(group, 0) for group in GROUPS},
                "sentiment": {sentiment: self.sentiments.get(sentiment, 0) for sentiment in SENTIMENTS},
                "balance": None if balance is None else round(balance, 3), "checkins": list(self.checkins)}


def zone_named(name: str | None) -> tzinfo:
    """The time zone a browser names (`Intl...timeZone`, e.g. "Europe/Paris"), or the server's when it names
    none or one this server does not know."""
    if name and len(name) <= 64:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_default_timezone()


def today_in(zone: tzinfo, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone).date()


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _readings(owner: Owner, *, since: datetime, until: datetime):
    """The owner's messages with an emotion reading, written in [since, until)."""
    return (Message.objects.filter(conversation__in=chat.owned_conversations(owner=owner), role=Message.Role.USER,
                                   created_at__gte=since, created_at__lt=until)
            # On the JSON path, not the annotation: SQLite (`make run`) cannot compare an annotated key with IN.
            .filter(emotion__group__in=GROUPS)
            .annotate(group=KT("emotion__group"), sentiment=KT("emotion__sentiment")))


def _checkins(owner: Owner, *, since: datetime, until: datetime):
    return MoodCheckIn.objects.filter(subject=subject_for(owner), created_at__gte=since, created_at__lt=until)


def mood_days(*, owner: Owner, days: int, zone: tzinfo, today: date) -> list[MoodDay]:
    """Every day of the `days` ending `today`, oldest first, days without anything included (as empty)."""
    first = today - timedelta(days=days - 1)
    since, until = _start_of(first, zone), _start_of(today + timedelta(days=1), zone)
    groups: dict[date, dict[str, int]] = defaultdict(dict)
    sentiments: dict[date, Counter] = defaultdict(Counter)
    rows = (_readings(owner, since=since, until=until).annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day", "group", "sentiment").annotate(n=Count("pk")).order_by())
    for row in rows:
        groups[row["day"]][row["group"]] = groups[row["day"]].get(row["group"], 0) + row["n"]
        if row["sentiment"] in SENTIMENTS:
            sentiments[row["day"]][row["sentiment"]] += row["n"]
    checkins: dict[date, list[int]] = defaultdict(list)
    for day, value in (_checkins(owner, since=since, until=until).annotate(day=TruncDate("created_at", tzinfo=zone))
                       .order_by("created_at").values_list("day", "value")):
        checkins[day].append(value)
    return [MoodDay(day=day, groups=groups.get(day, {}), sentiments=dict(sentiments.get(day, {})),
                    checkins=tuple(checkins.get(day, ())))
            for day in (first + timedelta(days=offset) for offset in range(days))]


def mood_feelings(*, owner: Owner, since: datetime, until: datetime,
                  limit: int = TOP_FEELINGS) -> list[tuple[str, int]]:
    """The feelings read most often as the strongest in the owner's messages, with how often; most frequent first,
    then by name. Neutral is not a feeling, so it is left out."""
    rows = (_readings(owner, since=since, until=until)
            .filter(emotion__labels__0__label__isnull=False).exclude(emotion__labels__0__label="neutral")
            .annotate(top=KT("emotion__labels__0__label")).values("top")
            .annotate(n=Count("pk")).order_by("-n", "top")[:limit])
    return [(row["top"], row["n"]) for row in rows]


def mood_week(*, owner: Owner, since: datetime, until: datetime) -> summary.Week:
    counts = Counter(dict(_readings(owner, since=since, until=until).values("sentiment").annotate(n=Count("pk"))
                          .order_by().values_list("sentiment", "n")))
    return summary.Week(
        readings=sum(counts.values()), positive=counts["positive"], negative=counts["negative"],
        feelings=tuple(mood_feelings(owner=owner, since=since, until=until)),
        checkins=tuple(_checkins(owner, since=since, until=until).order_by("created_at")
                       .values_list("value", flat=True)),
    )


def mood_summary(*, owner: Owner, zone: tzinfo, today: date) -> list[str]:
    """The week ending `today` in plain words, compared with the week before (summary.py)."""
    this_start = _start_of(today - timedelta(days=WEEK - 1), zone)
    last_start = _start_of(today - timedelta(days=2 * WEEK - 1), zone)
    until = _start_of(today + timedelta(days=1), zone)
    return summary.week_summary(mood_week(owner=owner, since=this_start, until=until),
                                mood_week(owner=owner, since=last_start, until=this_start))


def mood_data(*, owner: Owner, days: int, zone: tzinfo, now: datetime | None = None) -> dict:
    """GET /mood/data: the range's days, its most frequent feelings, and the summary of the week."""
    today = today_in(zone, now=now)
    series = mood_days(owner=owner, days=days, zone=zone, today=today)
    since, until = _start_of(series[0].day, zone), _start_of(today + timedelta(days=1), zone)
    return {
        "days": days,
        "timezone": str(zone),
        "groups": list(GROUPS),
        "series": [day.as_dict() for day in series],
        "feelings": [{"label": label, "count": count}
                     for label, count in mood_feelings(owner=owner, since=since, until=until)],
        "summary": mood_summary(owner=owner, zone=zone, today=today),
        "checkin_choices": checkin_choices(),
    }


def checkin_due(*, owner: Owner, conversation_id: UUID) -> bool:
    """Whether the page may ask how the person feels: the conversation is theirs, open, has nothing in it yet and
    no check-in. Asked once; a conversation already under way is never interrupted with it."""
    conversation = (chat.owned_conversations(owner=owner)
                    .filter(pk=conversation_id, status=Conversation.Status.OPEN).first())
    return (conversation is not None and chat.conversation_is_empty(conversation_id=conversation.id)
            and not MoodCheckIn.objects.filter(conversation=conversation).exists())


def checkin_choices() -> list[dict]:
    """The answers a check-in may give, lowest first: a value and the words shown with it."""
    return [{"value": value, "label": label} for value, label in MoodCheckIn.Value.choices]


def checkin_payload(checkin: MoodCheckIn) -> dict:
    return {"value": checkin.value, "label": checkin.get_value_display(),
            "conversation_id": str(checkin.conversation_id), "created_at": checkin.created_at.isoformat()}


def checkins_export(*, owner: Owner) -> list[dict]:
    """Every check-in of the owner's, oldest first, as their export holds them."""
    return [checkin_payload(checkin)
            for checkin in MoodCheckIn.objects.filter(subject=subject_for(owner)).order_by("created_at")]

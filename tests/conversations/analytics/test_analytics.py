"""The team's analytics page (conversations/analytics/): every aggregate over a small known data set built through
the real services, who may see it (moderation leads and superusers), the range form's refusals, and the CSV.
Real PostgreSQL and Redis; the Django test client and the real admin."""

from __future__ import annotations

import csv
import importlib
import io
import uuid
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from conversations.analytics import selectors
from conversations.chat import services
from conversations.identity import Owner
from conversations.models import CannedReply, Case, CaseEvent, Conversation, Message
from conversations.moderation import assignment, sla
from conversations.moderation import services as moderation
from inference.goemotions import emotion_from_labels
from inference.types import LabelScore
from tests.conversations.conftest import consent
from tests.conversations.moderation.test_admin import case_at, staff

pytestmark = pytest.mark.django_db

PAGE = "/admin/conversations/analytics/"
SECRET = "my words about my sister that nobody else may read"
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")
# The range: three days well before today, so nothing the services stamp with "now" falls in it.
FIRST = timezone.now().date() - timedelta(days=12)
D1, D2 = FIRST + timedelta(days=1), FIRST + timedelta(days=2)
LAST = D2


@pytest.fixture(autouse=True)
def setting_up(settings):
    # A flush by an earlier transactional test removes the groups the migration made.
    groups_migration.groups_grant(apps)
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 1000


def at(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=UTC)


def person() -> tuple[Owner, Conversation]:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner, services.conversation_open(owner=owner)


def said(owner: Owner, conversation: Conversation, when: datetime, *, feeling: str | None = None) -> uuid.UUID:
    sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=SECRET)
    message_id = uuid.UUID(sent.message["id"])
    if feeling:
        services.message_emotion_set(message_id=message_id,
                                     emotion=emotion_from_labels((LabelScore(feeling, 0.9),)))
    Message.objects.filter(pk=message_id).update(created_at=when)
    return message_id


def replied(conversation: Conversation, to: uuid.UUID, when: datetime, *, strategy: str) -> uuid.UUID:
    services.reply_create(reply_to_id=to, conversation_id=conversation.id, text="That sounds hard.",
                          strategy=strategy, backend="curated")
    reply = Message.objects.get(reply_to_id=to)
    Message.objects.filter(pk=reply.pk).update(created_at=when)
    return reply.pk


def stamp(case: Case, **times) -> None:
    Case.objects.filter(pk=case.pk).update(**times)


@pytest.fixture
def lead(django_user_model):
    return staff(django_user_model, "Moderation leads")


@pytest.fixture
def known(lead):
    """Two conversations in the range, one message the day before it, and five cases opened in it."""
    _, lead_user = lead
    owner_a, a = person()
    u1 = said(owner_a, a, at(D1, 10, 0), feeling="sadness")  # "sadness" → sadness
    r1 = replied(a, u1, at(D1, 10, 0, 4), strategy="reflection")
    u2 = said(owner_a, a, at(D1, 10, 1), feeling="nervousness")  # → fear
    r2 = replied(a, u2, at(D1, 10, 1, 10), strategy="question")
    services.reply_feedback_set(owner=owner_a, message_id=r1, helpful=True)
    services.reply_feedback_set(owner=owner_a, message_id=r2, helpful=False, reason=SECRET)
    owner_b, b = person()
    u3 = said(owner_b, b, at(D2, 9, 0), feeling="grief")  # → sadness
    replied(b, u3, at(D2, 9, 0, 30), strategy="reflection")
    said(owner_b, b, at(D2, 9, 5))  # not read yet, and no reply
    said(owner_b, b, at(FIRST - timedelta(days=1), 9, 0), feeling="joy")  # the day before the range
    Conversation.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=at(D1, 9, 0))
    Conversation.objects.filter(pk=a.pk).update(screening={"status": "done", "step": "preparation"})
    Conversation.objects.filter(pk=b.pk).update(screening={"status": "stopped", "step": "thoughts"})

    # Never acknowledged: the SLA sweep escalates it (to tier 1), in the range.
    overdue = case_at("imminent")
    stamp(overdue, opened_at=at(D2, 8, 0), acknowledge_by=timezone.now() - timedelta(minutes=1))
    assert sla.cases_escalate_overdue() == 1
    CaseEvent.objects.filter(case=overdue, kind="escalated").update(at=at(D2, 8, 2))
    # Acknowledged after 5 minutes, within its 15, then resolved.
    within = case_at("ideation")
    moderation.case_claim(case_id=within.pk, moderator=lead_user)
    moderation.case_move(case_id=within.pk, moderator=lead_user, status="resolved", outcome="supported")
    stamp(within, opened_at=at(D1, 12, 0), acknowledge_by=at(D1, 12, 15), acknowledged_at=at(D1, 12, 5))
    # Acknowledged after 20 minutes, its deadline 5 minutes after opening.
    late = case_at("behavior")
    moderation.case_claim(case_id=late.pk, moderator=lead_user)
    stamp(late, opened_at=at(D1, 13, 0), acknowledge_by=at(D1, 13, 5), acknowledged_at=at(D1, 13, 20))
    # Resolved as a false alarm without being acknowledged.
    false_alarm = case_at("ideation")
    moderation.case_move(case_id=false_alarm.pk, moderator=lead_user, status="resolved", outcome="not_at_risk")
    stamp(false_alarm, opened_at=at(D2, 10, 0), acknowledge_by=at(D2, 10, 15))
    # Still within its deadline.
    due = case_at("ideation")
    stamp(due, opened_at=at(D2, 11, 0), acknowledge_by=timezone.now() + timedelta(hours=1))
    case_at("imminent")  # opened today: outside the range
    return a, b


def report() -> selectors.Report:
    period = selectors.Period(start=FIRST, end=LAST, zone=zoneinfo.ZoneInfo("UTC"))
    return selectors.analytics_report(period=period, now=timezone.now())


# --- the figures -------------------------------------------------------------------------------------------

def test_messages_and_emotions_per_day_count_only_the_range(known):
    figures = report()

    assert list(figures.messages) == [FIRST, D1, D2]
    assert figures.messages[FIRST] == {"user": 0, "assistant": 0, "moderator": 0}
    assert figures.messages[D1] == {"user": 2, "assistant": 2, "moderator": 0}
    assert figures.messages[D2] == {"user": 2, "assistant": 1, "moderator": 0}
    assert figures.emotions[D1] == {"joy": 0, "sadness": 1, "fear": 1, "anger": 0, "surprise": 0, "disgust": 0,
                                    "neutral": 0}
    assert figures.emotions[D2]["sadness"] == 1 and sum(figures.emotions[D2].values()) == 1
    assert figures.emotion_totals == {"joy": 0, "sadness": 2, "fear": 1, "anger": 0, "surprise": 0, "disgust": 0,
                                      "neutral": 0}


def test_cases_by_level_and_outcome_and_against_their_sla(known):
    figures = report()

    assert figures.cases == {("behavior", ""): 1, ("ideation", ""): 1, ("ideation", "not_at_risk"): 1,
                             ("ideation", "supported"): 1, ("imminent", ""): 1}
    assert figures.acknowledgement.states == {"within": 1, "late": 1, "overdue": 1, "due": 1,
                                              "resolved_unacknowledged": 1}
    assert figures.acknowledgement.median_minutes == 12.5
    assert figures.escalations == selectors.Escalations(events=1, cases=1, by_tier={1: 1})


def test_screening_feedback_and_time_to_first_reply(known):
    figures = report()

    assert figures.screening == {"asking": 0, "done": 1, "stopped": 1}
    assert figures.feedback == [
        selectors.FeedbackRate(strategy="question", backend="curated", replies=1, helpful=0, not_helpful=1),
        selectors.FeedbackRate(strategy="reflection", backend="curated", replies=2, helpful=1, not_helpful=0),
    ]
    # 4, 10 and 30 seconds; one message not answered.
    times = figures.reply_times
    assert (times.answered, times.unanswered) == (3, 1)
    assert times.percentiles[50] == pytest.approx(10.0)
    assert times.percentiles[90] == pytest.approx(26.0)
    assert times.percentiles[99] == pytest.approx(29.6)


def test_days_are_the_viewers_own():
    owner, conversation = person()
    said(owner, conversation, at(D1, 23, 30))
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")  # 08:30 the next morning

    in_utc = selectors.messages_per_day(period=selectors.Period(start=D1, end=D2, zone=zoneinfo.ZoneInfo("UTC")))
    in_tokyo = selectors.messages_per_day(period=selectors.Period(start=D1, end=D2, zone=tokyo))

    assert (in_utc[D1]["user"], in_utc[D2]["user"]) == (1, 0)
    assert (in_tokyo[D1]["user"], in_tokyo[D2]["user"]) == (0, 1)


def test_the_teams_events_in_the_range(lead, django_user_model, no_workers):
    _, lead_user = lead
    _, member = staff(django_user_model, "Moderators")
    assignment.shift_set(user=member, available=True)
    given = case_at("ideation")
    assert assignment.cases_assign_waiting() == 1  # given by assignment…
    assignment.shift_set(user=member, available=False)  # …and back when she goes away before acknowledging it
    claimed = case_at("behavior")
    moderation.case_claim(case_id=claimed.pk, moderator=lead_user)
    quiet = case_at("ideation")
    moderation.case_assign(case_id=quiet.pk, lead=lead_user, assignee=member)
    stamp(quiet, assignee_active_at=timezone.now() - timedelta(hours=1))
    assert assignment.cases_return_idle() == 1
    moderation.conversation_join(case_id=claimed.pk, moderator=lead_user)
    reply = CannedReply.objects.create(title="Safe now?", language="en", text="Are you safe right now?")
    moderation.moderator_message_send(case_id=claimed.pk, moderator=lead_user, text="Are you safe right now?",
                                      canned_reply_id=reply.pk)
    moderation.moderator_message_send(case_id=claimed.pk, moderator=lead_user, text="I'm here.")
    CaseEvent.objects.update(at=at(D1, 12, 0))
    assert given.pk != claimed.pk

    assert report().team == {"assigned": 1, "lead_assigned": 1, "claimed": 1, "returned_idle": 1,
                             "returned_away": 1, "messages": 2, "approved_messages": 1}
    CaseEvent.objects.update(at=at(FIRST - timedelta(days=1), 12, 0))  # the day before the range
    assert set(report().team.values()) == {0}


def test_an_empty_range_has_zeros_and_no_percentiles():
    figures = report()

    assert figures.message_totals == {"user": 0, "assistant": 0, "moderator": 0}
    assert figures.acknowledgement.median_minutes is None
    assert figures.reply_times.percentiles == {50: None, 90: None, 99: None}
    assert figures.escalations == selectors.Escalations(events=0, cases=0, by_tier={})


# --- the page ----------------------------------------------------------------------------------------------

def test_only_moderation_leads_and_superusers_see_the_page(django_user_model, lead):
    moderator, _ = staff(django_user_model, "Moderators")
    outsider, _ = staff(django_user_model)
    superuser = Client()
    superuser.force_login(django_user_model.objects.create_superuser("root", password="pw"))

    assert moderator.get(PAGE).status_code == 403
    assert outsider.get(PAGE).status_code == 403
    assert moderator.get(PAGE, {"start": FIRST, "end": LAST, "format": "csv"}).status_code == 403
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert lead[0].get(PAGE).status_code == 200
    assert superuser.get(PAGE).status_code == 200
    # Leads find it in the admin's menu; moderators do not.
    assert PAGE in lead[0].get("/admin/").content.decode()
    assert PAGE not in moderator.get("/admin/").content.decode()


def test_the_page_shows_the_last_30_days_by_default_with_a_table_for_every_figure(lead):
    client, _ = lead
    response = client.get(PAGE)

    assert response.status_code == 200
    today = timezone.now().date()
    form = response.context["form"]
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (today - timedelta(days=29), today)
    html = response.content.decode()
    for table in ("messages", "emotions", "cases", "acknowledgement", "escalations", "team", "screening",
                  "feedback", "reply-times"):
        assert f'data-testid="table-{table}"' in html, table
        assert f'<caption id="analytics-{table}-caption">' in html, table
    assert '<th scope="col">' in html and '<th scope="row">' in html
    assert '<script id="analytics-data" type="application/json">' in html
    assert 'data-chart="messages"' in html and 'data-chart="emotions"' in html


def test_the_page_shows_the_figures_of_the_range_and_no_words(known, lead):
    client, _ = lead
    response = client.get(PAGE, {"start": FIRST.isoformat(), "end": LAST.isoformat(), "tz": "UTC"})

    assert response.status_code == 200
    tables = response.context["tables"]
    assert tables["messages"].foot == ["All days", "4", "3", "0", "7"]
    assert ["Acknowledged late", "1"] in tables["acknowledgement"].rows
    assert ["Median time to acknowledge (minutes)", "12.5"] in tables["acknowledgement"].rows
    assert ["reflection", "curated", "2", "1", "0", "50%", "100%"] in tables["feedback"].rows
    assert ["50th percentile (seconds)", "10.0"] in tables["reply_times"].rows
    assert response.context["chart"]["messages"]["user"] == [0, 2, 2]
    html = response.content.decode()
    assert SECRET not in html
    assert all(str(c.pk) not in html for c in known)


@pytest.mark.parametrize(("start", "end", "says"), [
    ("2026-05-10", "2026-05-01", "The last day comes before the first"),
    ("2026-02-30", "2026-03-01", "Enter the first day as a date"),
    ("yesterday", "", "Enter the first day as a date"),
    ("2025-01-01", "2026-01-02", "Choose at most 366 days at a time."),
])
def test_a_bad_range_is_explained_on_the_page(lead, start, end, says):
    client, _ = lead
    for query in ({"start": start, "end": end}, {"start": start, "end": end, "format": "csv"}):
        response = client.get(PAGE, query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert says in response.content.decode()
        assert response.context["report"] is None


def test_a_year_of_366_days_is_allowed(lead):
    client, _ = lead
    response = client.get(PAGE, {"start": "2024-01-01", "end": "2024-12-31"})
    assert response.status_code == 200 and response.context["report"] is not None


# --- the CSV -----------------------------------------------------------------------------------------------

def test_the_csv_holds_the_same_figures_as_section_key_value_rows(known, lead):
    client, _ = lead
    response = client.get(PAGE, {"start": FIRST.isoformat(), "end": LAST.isoformat(), "tz": "UTC",
                                 "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (f'attachment; filename="emochat-analytics-{FIRST.isoformat()}-'
                                               f'{LAST.isoformat()}.csv"')
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["section", "key", "value"]
    assert all(len(row) == 3 for row in rows)
    values = {(section, key): value for section, key, value in rows[1:]}
    assert values[("range", "start")] == FIRST.isoformat() and values[("range", "time_zone")] == "UTC"
    assert values[("messages_per_day", f"{D1.isoformat()}/user")] == "2"
    assert values[("messages_per_day", f"{D2.isoformat()}/assistant")] == "1"
    assert values[("emotions_per_day", f"{D1.isoformat()}/fear")] == "1"
    assert values[("emotions_total", "sadness")] == "2"
    assert values[("cases", "ideation/supported")] == "1"
    assert values[("cases", "imminent/unresolved")] == "1"
    assert values[("acknowledgement", "within")] == "1"
    assert values[("acknowledgement", "overdue")] == "1"
    assert values[("acknowledgement", "median_minutes")] == "12.5"
    assert values[("escalations", "events")] == "1" and values[("escalations", "tier_1")] == "1"
    assert values[("screening", "done")] == "1" and values[("screening", "stopped")] == "1"
    assert values[("reply_feedback", "question/curated/not_helpful")] == "1"
    assert values[("reply_feedback", "reflection/curated/replies")] == "2"
    assert values[("first_reply", "unanswered")] == "1"
    assert values[("first_reply", "p90_seconds")] == "26.0"
    # No words, no ids of people, conversations or cases.
    assert SECRET not in body
    ids = [str(c.pk) for c in known] + [str(v) for v in Conversation.objects.values_list("visitor_id", flat=True)]
    ids += [str(pk) for pk in Case.objects.values_list("pk", flat=True)]
    assert not any(identifier in body for identifier in ids)

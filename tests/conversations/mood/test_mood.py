"""The person's mood page (conversations/mood/): their emotions day by day from the readings stored with their
messages, their most frequent feelings, the check-in at the start of a conversation, and that no one else can see
any of it; check-ins go with the export, the erasure and retention. Real PostgreSQL and Redis, the real views."""

from __future__ import annotations

import json
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations.chat import services
from conversations.identity import VISITOR_KEY, Owner
from conversations.models import Conversation, Message, MoodCheckIn
from conversations.mood import selectors
from conversations.mood import services as mood
from conversations.privacy import selectors as privacy_selectors
from conversations.privacy import services as privacy
from inference.goemotions import emotion_from_labels, not_read
from inference.types import LabelScore
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quiet(settings):
    """The tests write many messages a minute, and no worker answers them (nothing is committed)."""
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 1000


def person() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner


def said(owner: Owner, *labels: str, at: datetime, text: str = "some words") -> uuid.UUID:
    """The person wrote a message at `at`, and the emotion model read `labels` in it, strongest first."""
    conversation = services.conversation_open(owner=owner)
    sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    message_id = uuid.UUID(sent.message["id"])
    reading = emotion_from_labels(tuple(LabelScore(label, 0.9 - 0.1 * rank) for rank, label in enumerate(labels)))
    services.message_emotion_set(message_id=message_id, emotion=reading)
    Message.objects.filter(pk=message_id).update(created_at=at)
    return message_id


def checked_in(owner: Owner, value: int, *, at: datetime) -> MoodCheckIn:
    conversation = services.conversation_open(owner=owner)
    checkin = mood.checkin_create(owner=owner, conversation_id=conversation.id, value=value)
    MoodCheckIn.objects.filter(pk=checkin.pk).update(created_at=at)
    # The person left it there: the next check-in is for the next conversation.
    Conversation.objects.filter(pk=conversation.id).update(status=Conversation.Status.CLOSED, closed_at=at)
    return checkin


def day(data: dict, days_ago: int) -> dict:
    return data["series"][-1 - days_ago]


# Aggregation by day.

def test_each_day_counts_the_groups_and_sentiment_read_in_the_persons_messages():
    owner = person()
    said(owner, "sadness", at=NOW - timedelta(days=2))
    said(owner, "grief", "sadness", at=NOW - timedelta(days=2, hours=1))
    said(owner, "joy", at=NOW - timedelta(days=2, hours=2))
    said(owner, "nervousness", at=NOW)
    said(owner, "neutral", at=NOW - timedelta(minutes=5))

    data = selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW)

    assert data["days"] == 7 and len(data["series"]) == 7
    assert [d["date"] for d in data["series"]] == [f"2026-11-{n}" for n in range(14, 21)]
    two_days_ago = day(data, 2)
    assert two_days_ago["messages"] == 3
    assert two_days_ago["groups"] == {"joy": 1, "sadness": 2, "fear": 0, "anger": 0, "surprise": 0, "disgust": 0,
                                      "neutral": 0}
    assert two_days_ago["sentiment"] == {"positive": 1, "negative": 2, "ambiguous": 0, "neutral": 0}
    assert two_days_ago["balance"] == pytest.approx(-1 / 3, abs=0.001)
    today = day(data, 0)
    assert (today["messages"], today["groups"]["fear"], today["groups"]["neutral"]) == (2, 1, 1)
    assert today["balance"] == -0.5
    # A day without messages is there, empty, so the chart's days are continuous.
    assert day(data, 1) == {"date": "2026-11-19", "messages": 0, "groups": dict.fromkeys(selectors.GROUPS, 0),
                            "sentiment": dict.fromkeys(selectors.SENTIMENTS, 0), "balance": None, "checkins": []}


def test_the_range_leaves_out_what_is_older_and_each_range_has_its_days():
    owner = person()
    said(owner, "sadness", at=NOW - timedelta(days=6))
    said(owner, "anger", at=NOW - timedelta(days=7))
    said(owner, "joy", at=NOW - timedelta(days=89))
    said(owner, "fear", at=NOW - timedelta(days=90))

    totals = {days: sum(d["messages"] for d in selectors.mood_data(owner=owner, days=days, zone=UTC, now=NOW)["series"])
              for days in selectors.RANGES}

    assert totals == {7: 1, 30: 2, 90: 3}
    assert len(selectors.mood_data(owner=owner, days=90, zone=UTC, now=NOW)["series"]) == 90


def test_readings_that_are_not_an_emotion_and_other_roles_are_not_counted():
    owner = person()
    message_id = said(owner, "sadness", at=NOW)
    unread = said(owner, "joy", at=NOW, text="你好")
    Message.objects.filter(pk=unread).update(emotion=not_read().as_dict())
    withheld = said(owner, "joy", at=NOW)
    Message.objects.filter(pk=withheld).update(emotion={"labels": [], "group": "none", "sentiment": "none"})
    said(owner, "anger", at=NOW)
    # The assistant's reply carries no reading of the person's; one given it anyway is not theirs.
    services.reply_create(reply_to_id=message_id, conversation_id=Message.objects.get(pk=message_id).conversation_id,
                          text="That sounds hard.")
    Message.objects.filter(role="assistant").update(emotion={"labels": [{"label": "joy", "score": 0.9}],
                                                             "group": "joy", "sentiment": "positive"},
                                                    created_at=NOW)

    today = day(selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW), 0)

    assert (today["messages"], today["groups"]["sadness"], today["groups"]["anger"], today["groups"]["joy"]) == (
        2, 1, 1, 0)


def test_days_are_the_persons_own_in_their_time_zone():
    owner = person()
    # 20:00 in Los Angeles on the 18th is 04:00 on the 19th in UTC.
    said(owner, "joy", at=datetime(2026, 11, 19, 4, 0, tzinfo=UTC))
    los_angeles = zoneinfo.ZoneInfo("America/Los_Angeles")

    there = selectors.mood_data(owner=owner, days=7, zone=los_angeles, now=NOW)
    in_utc = selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW)

    assert [d["date"] for d in there["series"] if d["messages"]] == ["2026-11-18"]
    assert [d["date"] for d in in_utc["series"] if d["messages"]] == ["2026-11-19"]
    assert there["timezone"] == "America/Los_Angeles"


@pytest.mark.parametrize(("name", "expected"), [
    ("Europe/Paris", "Europe/Paris"), ("Not/AZone", "UTC"), ("../../etc/passwd", "UTC"), ("", "UTC"), (None, "UTC"),
    ("x" * 65, "UTC"),
])
def test_a_time_zone_the_server_does_not_know_falls_back_to_its_own(name, expected):
    assert str(selectors.zone_named(name)) == expected


def test_the_most_frequent_feelings_are_the_strongest_labels_without_neutral():
    owner = person()
    for labels in (("sadness", "fear"), ("sadness",), ("sadness",), ("nervousness", "sadness"), ("nervousness",),
                   ("joy",), ("neutral",), ("neutral",), ("neutral",), ("neutral",)):
        said(owner, *labels, at=NOW - timedelta(days=1))

    data = selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW)

    assert data["feelings"] == [{"label": "sadness", "count": 3}, {"label": "nervousness", "count": 2},
                                {"label": "joy", "count": 1}]


def test_check_ins_show_on_their_day_in_order():
    owner = person()
    checked_in(owner, 2, at=NOW - timedelta(days=3, hours=2))
    checked_in(owner, 4, at=NOW - timedelta(days=3))

    data = selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW)

    assert day(data, 3)["checkins"] == [2, 4] and day(data, 3)["messages"] == 0
    assert data["checkin_choices"][0] == {"value": 1, "label": "Really low"} and len(data["checkin_choices"]) == 5


def test_the_summary_compares_this_week_with_the_one_before():
    owner = person()
    for hours in range(3):
        said(owner, "joy", at=NOW - timedelta(days=9, hours=hours))
        said(owner, "sadness", at=NOW - timedelta(days=1, hours=hours))
    said(owner, "grief", at=NOW - timedelta(days=2))

    summary = selectors.mood_data(owner=owner, days=30, zone=UTC, now=NOW)["summary"]

    assert summary == ["This week, the feelings that came up most were sadness and grief.",
                       "Your days felt a little heavier than the week before, so be gentle with yourself."]


def test_a_new_person_has_empty_days_and_a_kind_word():
    data = selectors.mood_data(owner=person(), days=30, zone=UTC, now=NOW)

    assert all(d["messages"] == 0 and d["checkins"] == [] for d in data["series"]) and data["feelings"] == []
    assert data["summary"] == ["Nothing from this week yet, and that's okay. Whenever you feel like talking, what "
                               "comes up will gather here."]


# Only the person.

def test_only_the_owners_own_messages_and_check_ins_count():
    owner, other = person(), person()
    said(owner, "sadness", at=NOW)
    said(other, "joy", at=NOW)
    said(other, "joy", at=NOW)
    checked_in(other, 5, at=NOW)

    today = day(selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW), 0)

    assert (today["messages"], today["groups"]["joy"], today["checkins"]) == (1, 0, [])


def test_an_account_and_an_anonymous_visitor_with_the_same_id_do_not_mix(django_user_model):
    user = django_user_model.objects.create_user(username="someone", password="a long passphrase 123")
    member = Owner(user_id=user.pk)
    consent(member)
    visitor = person()
    said(member, "anger", at=NOW)

    assert day(selectors.mood_data(owner=visitor, days=7, zone=UTC, now=NOW), 0)["messages"] == 0
    assert day(selectors.mood_data(owner=member, days=7, zone=UTC, now=NOW), 0)["groups"]["anger"] == 1


@pytest.fixture
def browser() -> Client:
    """A visitor's browser that opened the chat page and accepted the notice."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/").status_code == 200
    consent(visitor(client))
    return client


def visitor(client: Client) -> Owner:
    return Owner(visitor_id=uuid.UUID(client.session[VISITOR_KEY]))


def post(client: Client, path: str, body) -> tuple[int, dict]:
    response = client.post(path, data=json.dumps(body) if not isinstance(body, bytes) else body,
                           content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return response.status_code, response.json()


def test_the_data_answers_only_the_sessions_owner_and_is_never_cached(browser):
    owner = visitor(browser)
    said(owner, "sadness", at=timezone.now())
    said(person(), "joy", at=timezone.now())

    response = browser.get("/mood/data?days=7&tz=Europe/Paris")
    data = response.json()

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert data["timezone"] == "Europe/Paris" and data["days"] == 7
    assert sum(d["messages"] for d in data["series"]) == 1 and data["feelings"] == [{"label": "sadness", "count": 1}]
    assert browser.get("/mood/data").json()["days"] == 30


@pytest.mark.parametrize("days", ["1", "31", "abc", "-7", "7.0"])
def test_a_range_that_is_not_offered_is_refused(browser, days):
    response = browser.get(f"/mood/data?days={days}")

    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_without_a_session_there_is_no_mood_to_see():
    client = Client()

    assert client.get("/mood/data").status_code == 403
    assert client.get(f"/mood/checkin/due?conversation_id={uuid.uuid4()}").status_code == 403
    assert client.post("/mood/checkin", data="{}", content_type="application/json").status_code == 403
    # The page itself opens, and says what to do; it makes no session.
    page = client.get("/mood/")
    assert page.status_code == 200 and b'id="mood-main"' in page.content and "sessionid" not in client.cookies


# The check-in.

def test_a_check_in_is_recorded_once_for_an_empty_open_conversation_and_is_then_no_longer_due(browser):
    owner = visitor(browser)
    conversation = services.conversation_open(owner=owner)
    due = browser.get(f"/mood/checkin/due?conversation_id={conversation.id}").json()
    assert due["due"] is True and [c["label"] for c in due["choices"]] == [
        "Really low", "Low", "Okay", "Good", "Great"]

    status, body = post(browser, "/mood/checkin", {"conversation_id": str(conversation.id), "value": 3})

    assert status == 201 and (body["checkin"]["value"], body["checkin"]["label"]) == (3, "Okay")
    stored = MoodCheckIn.objects.get()
    assert (stored.subject, stored.conversation_id, stored.value) == (f"visitor:{owner.visitor_id}", conversation.id, 3)
    assert browser.get(f"/mood/checkin/due?conversation_id={conversation.id}").json()["due"] is False
    status, body = post(browser, "/mood/checkin", {"conversation_id": str(conversation.id), "value": 4})
    assert (status, body["error"]["code"]) == (409, "already")
    assert list(MoodCheckIn.objects.values_list("value", flat=True)) == [3]


def test_a_conversation_under_way_is_never_asked():
    owner = person()
    said(owner, "sadness", at=NOW)
    conversation = services.conversation_open(owner=owner)

    assert selectors.checkin_due(owner=owner, conversation_id=conversation.id) is False


@pytest.mark.parametrize("value", [0, 6, -1, 3.0, True, "3", None, [3]],
                         ids=["zero", "six", "negative", "float", "bool", "string", "null", "list"])
def test_a_check_in_is_one_of_the_five_values_only(browser, value):
    conversation = services.conversation_open(owner=visitor(browser))

    status, body = post(browser, "/mood/checkin", {"conversation_id": str(conversation.id), "value": value})

    assert (status, body["error"]["code"]) == (400, "invalid")
    assert not MoodCheckIn.objects.exists()


@pytest.mark.parametrize("body", [b"not json", {"value": 3}, {"conversation_id": "nope", "value": 3},
                                  {"conversation_id": str(uuid.UUID(int=1))}, [1, 2]],
                         ids=["not-json", "no-conversation", "bad-id", "no-value", "not-an-object"])
def test_a_malformed_check_in_is_refused(browser, body):
    status, answer = post(browser, "/mood/checkin", body)

    assert (status, answer["error"]["code"]) == (400, "invalid")


def test_a_check_in_for_someone_elses_or_a_closed_conversation_is_not_found(browser):
    others = services.conversation_open(owner=person())
    said(visitor(browser), "joy", at=NOW)
    mine = services.conversation_open(owner=visitor(browser))
    services.conversation_restart(owner=visitor(browser), conversation_id=mine.id)

    for conversation_id in (others.id, mine.id, uuid.uuid4()):
        status, body = post(browser, "/mood/checkin", {"conversation_id": str(conversation_id), "value": 2})

        assert (status, body["error"]["code"]) == (404, "not_found")
        assert browser.get(f"/mood/checkin/due?conversation_id={conversation_id}").json()["due"] is False
    assert not MoodCheckIn.objects.exists()


def test_without_consent_nothing_is_recorded():
    owner = Owner(visitor_id=uuid.uuid4())
    conversation = services.conversation_open(owner=owner)

    with pytest.raises(mood.CheckInError) as refused:
        mood.checkin_create(owner=owner, conversation_id=conversation.id, value=3)

    assert refused.value.code == "consent_required" and not MoodCheckIn.objects.exists()


def test_a_check_in_needs_the_csrf_token(browser):
    conversation = services.conversation_open(owner=visitor(browser))

    response = browser.post("/mood/checkin", data=json.dumps({"conversation_id": str(conversation.id), "value": 3}),
                            content_type="application/json")

    assert response.status_code == 403 and not MoodCheckIn.objects.exists()


# Export, erasure, retention.

def test_the_export_holds_the_check_ins_and_each_messages_emotion():
    owner, other = person(), person()
    said(owner, "sadness", at=NOW)
    checkin = checked_in(owner, 2, at=NOW)
    checked_in(other, 5, at=NOW)

    export = privacy_selectors.export_for(owner=owner)

    assert export["checkins"] == [{"value": 2, "label": "Low", "conversation_id": str(checkin.conversation_id),
                                   "created_at": NOW.isoformat()}]
    emotions = [m["emotion"] for c in export["conversations"] for m in c["messages"] if m["role"] == "user"]
    assert [(e["group"], e["sentiment"], e["labels"][0]["label"]) for e in emotions] == [
        ("sadness", "negative", "sadness")]


def test_erasure_removes_the_persons_check_ins_and_nobody_elses():
    owner, other = person(), person()
    said(owner, "sadness", at=NOW)
    checked_in(owner, 1, at=NOW)
    checked_in(owner, 2, at=NOW)
    kept = checked_in(other, 4, at=NOW)

    privacy.subject_erase(owner=owner)

    assert list(MoodCheckIn.objects.values_list("pk", flat=True)) == [kept.pk]
    assert selectors.checkins_export(owner=owner) == []
    assert all(d["messages"] == 0 for d in selectors.mood_data(owner=owner, days=7, zone=UTC, now=NOW)["series"])


def test_retention_removes_check_ins_as_old_as_the_messages_it_removes(settings):
    owner = person()
    old = checked_in(owner, 1, at=timezone.now() - timedelta(days=settings.EMOCHAT_RETENTION_DAYS + 1))
    recent = checked_in(owner, 4, at=timezone.now() - timedelta(days=1))

    purged = privacy.retention_purge()

    assert purged.checkins == 1
    assert list(MoodCheckIn.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not MoodCheckIn.objects.filter(pk=old.pk).exists()

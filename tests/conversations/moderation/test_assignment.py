"""Assignment: capacity, the least-loaded available moderator by priority, the high-risk run and its break, and
a case whose assignee went quiet returning to the queue with the leads told."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta, timezone

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone as django_timezone

from conversations.models import Alert, Case, CaseEvent, Conversation, Shift
from conversations.moderation import assignment, rules, shifts
from conversations.moderation import services as moderation
from tests.conversations.conftest import case_at

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")


def seat(user_id, load=0, capacity=1, run=0, last_min=None):
    return rules.Seat(user_id=user_id, load=load, capacity=capacity, high_risk_run=run,
                      last_assigned_at=None if last_min is None else NOW - timedelta(minutes=last_min))


@pytest.mark.parametrize(("seats", "level", "chosen"), [
    ([seat(1, load=1, capacity=3), seat(2, load=0, capacity=3)], "ideation", 2),  # least loaded
    ([seat(1, load=1, capacity=1), seat(2, load=2, capacity=3)], "ideation", 2),  # 1 has no room
    ([seat(1, last_min=1), seat(2, last_min=30)], "ideation", 2),  # a tie: the one waiting longest for a case
    ([seat(1, last_min=5), seat(2)], "ideation", 2),  # never given one waits longest of all
    ([seat(1, run=3), seat(2, load=1, capacity=2, run=0)], "imminent", 2),  # 1 is due a break
    ([seat(1, run=3), seat(2, load=1, capacity=1)], "imminent", 1),  # nobody else has room: never left waiting
    ([seat(1, run=3), seat(2, load=1, capacity=2)], "ideation", 1),  # the run counts for high-risk cases only
    ([seat(1, load=1), seat(2, load=1)], "imminent", None),  # nobody has room
    ([], "imminent", None),
])
def test_who_a_case_goes_to(seats, level, chosen):
    picked = rules.assignee_pick(seats, level=level, run_cap=3)
    assert (picked.user_id if picked else None) == chosen


@pytest.mark.parametrize(("status", "joined", "active_min", "message_min", "quiet"), [
    ("open", False, 11, 60, True),  # given 11 minutes ago, not acknowledged
    ("escalated", False, 9, 60, False),
    ("in_progress", True, 30, 12, True),  # joined: the person's message has waited 12 minutes for them
    ("in_progress", True, 5, 12, False),  # they wrote after it
    ("in_progress", True, 30, 3, False),  # the person wrote 3 minutes ago: not yet
    ("acknowledged", False, 120, 1, False),  # not joined: the assistant answers meanwhile
    ("in_progress", False, 120, 1, False),
])
def test_when_an_assignee_has_left_a_case_too_long(status, joined, active_min, message_min, quiet):
    assert rules.idle(status=status, joined=joined, assignee_active_at=NOW - timedelta(minutes=active_min),
                      last_message_at=NOW - timedelta(minutes=message_min), now=NOW,
                      idle_after=timedelta(minutes=10)) is quiet


# --- against PostgreSQL -------------------------------------------------------------------------------------

@pytest.fixture
def team(transactional_db, no_workers, django_user_model):
    groups_migration.groups_grant(apps)  # the flush between transactional tests removes the migration's groups
    members = {}
    for name in ("ana", "bo"):
        members[name] = django_user_model.objects.create_user(name, password="x" * 16, email=f"{name}@example.org")
        members[name].groups.add(Group.objects.get(name="Moderators"))
    lead = django_user_model.objects.create_user("lee", password="x" * 16, email="lee@example.org")
    lead.groups.add(Group.objects.get(name="Moderation leads"))
    members["lee"] = lead
    return members


def assignees() -> dict[str, str | None]:
    return {str(case.id): case.assignee.username if case.assignee else None
            for case in Case.objects.select_related("assignee")}


def test_two_moderators_with_room_for_one_each_share_two_cases_and_the_third_waits(team):
    for name in ("ana", "bo"):
        shifts.capacity_set(user_id=team[name].pk, capacity=1)
        assignment.shift_set(user=team[name], available=True)
    first, second, third = case_at("imminent"), case_at("behavior"), case_at("ideation")

    assert assignment.cases_assign_waiting() == 2
    given = assignees()
    assert {given[str(first.id)], given[str(second.id)]} == {"ana", "bo"}  # the two most urgent
    assert given[str(third.id)] is None
    event = CaseEvent.objects.get(case=first, kind="assigned")
    assert event.actor is None and event.detail["load"] == 1 and event.detail["capacity"] == 1
    first.refresh_from_db()
    assert first.status == "open" and first.acknowledged_at is None  # given, not yet acknowledged: the SLA runs
    assert first.assigned_at is not None and first.assignee_active_at == first.assigned_at

    # Resolving frees room: the waiting case goes to whoever resolved.
    holder = team[given[str(second.id)]]
    moderation.case_move(case_id=second.pk, moderator=holder, status="resolved", outcome="supported")
    assert assignment.cases_assign_waiting() == 1
    assert assignees()[str(third.id)] == holder.username


def test_nobody_available_nothing_assigned_and_away_hands_back_what_was_not_acknowledged(team):
    case = case_at("behavior")
    assert assignment.cases_assign_waiting() == 0  # everyone is away until they say otherwise
    assignment.shift_set(user=team["ana"], available=True)
    assert assignment.cases_assign_waiting() == 1
    kept = case_at("ideation")
    assignment.cases_assign_waiting()
    moderation.case_move(case_id=kept.pk, moderator=team["ana"], status="acknowledged")

    assignment.shift_set(user=team["ana"], available=False)
    given = assignees()
    assert given[str(case.id)] is None  # not acknowledged: back in the queue
    assert given[str(kept.id)] == "ana"  # acknowledged: still hers
    returned = CaseEvent.objects.get(case=case, kind="returned")
    assert returned.detail == {"moderator": "ana", "reason": "away"}
    assert not Alert.objects.filter(case=case, reason="returned").exists()  # her choice: nobody is paged
    shift = Shift.objects.get(user=team["ana"])
    assert not shift.available and shift.away_reason == "chosen"


def test_a_long_run_of_high_risk_cases_suggests_a_break_and_sends_the_next_one_elsewhere(team, settings):
    settings.EMOCHAT_HIGH_RISK_RUN_CAP = 2
    shifts.capacity_set(user_id=team["ana"].pk, capacity=5)
    shifts.capacity_set(user_id=team["bo"].pk, capacity=5)
    assignment.shift_set(user=team["ana"], available=True)
    for _ in range(2):
        case_at("imminent")
        assignment.cases_assign_waiting()
    assert Shift.objects.get(user=team["ana"]).high_risk_run == 2
    assert rules.break_suggested(high_risk_run=2, run_cap=2)

    assignment.shift_set(user=team["bo"], available=True)
    Case.objects.filter(assignee=team["ana"]).update(status="resolved", resolved_at=django_timezone.now())
    third = case_at("behavior")
    assignment.cases_assign_waiting()
    assert assignees()[str(third.id)] == "bo"  # ana has less load now, but she is due a break

    assignment.shift_set(user=team["ana"], available=False)  # the break
    assignment.shift_set(user=team["ana"], available=True)
    assert Shift.objects.get(user=team["ana"]).high_risk_run == 0


def test_a_case_whose_moderator_went_quiet_returns_the_leads_are_told_and_the_next_moderator_gets_it(team):
    assignment.shift_set(user=team["ana"], available=True)
    case = case_at("behavior")
    assignment.cases_assign_waiting()
    moderation.conversation_join(case_id=case.pk, moderator=team["ana"])
    assert Conversation.objects.get(pk=case.conversation_id).assistant_paused

    # The person writes; ana does not answer for eleven minutes.
    long_ago = django_timezone.now() - timedelta(minutes=11)
    Case.objects.filter(pk=case.pk).update(assignee_active_at=long_ago - timedelta(minutes=1),
                                           last_message_at=long_ago)
    assignment.shift_set(user=team["bo"], available=True)
    assert assignment.cases_return_idle() == 1

    case.refresh_from_db()
    assert case.assignee is None and case.status == "open" and case.acknowledged_at is None
    assert case.acknowledge_by > django_timezone.now()  # a fresh deadline for the next human
    assert not Conversation.objects.get(pk=case.conversation_id).assistant_paused  # the assistant answers
    returned = CaseEvent.objects.get(case=case, kind="returned")
    assert returned.detail["moderator"] == "ana" and returned.detail["reason"] == "idle"
    assert CaseEvent.objects.filter(case=case, kind="handed_back", actor=None).exists()
    emails = Alert.objects.filter(case=case, reason="returned", channel="email")
    assert sorted(emails.values_list("target", flat=True)) == ["lee@example.org"]  # the leads, not ana
    assert Alert.objects.filter(case=case, reason="returned", channel="realtime").exists()
    shift = Shift.objects.get(user=team["ana"])
    assert not shift.available and shift.away_reason == "idle"  # not given it straight back

    assert assignment.cases_assign_waiting() == 1
    assert assignees()[str(case.id)] == "bo"


def test_an_assignee_who_acts_keeps_the_case(team):
    assignment.shift_set(user=team["ana"], available=True)
    case = case_at("ideation")
    assignment.cases_assign_waiting()
    Case.objects.filter(pk=case.pk).update(assignee_active_at=django_timezone.now() - timedelta(minutes=30))
    moderation.case_note_add(case_id=case.pk, moderator=team["ana"], text="Checking in on them shortly.")
    case.refresh_from_db()
    assert django_timezone.now() - case.assignee_active_at < timedelta(seconds=30)
    assert assignment.cases_return_idle() == 0
    assert assignees()[str(case.id)] == "ana"


def test_a_moderator_who_lost_the_permission_is_not_given_cases(team):
    assignment.shift_set(user=team["ana"], available=True)
    team["ana"].groups.clear()
    case_at("imminent")
    assert assignment.cases_assign_waiting() == 0


def test_claiming_counts_in_the_run_and_a_lead_sets_capacity_within_bounds(team):
    case = case_at("imminent")
    moderation.case_claim(case_id=case.pk, moderator=team["bo"])
    shift = Shift.objects.get(user=team["bo"])
    assert shift.high_risk_run == 1 and shift.last_assigned_at is not None
    with pytest.raises(shifts.CapacityError):
        shifts.capacity_set(user_id=team["bo"].pk, capacity=0)
    assert shifts.capacity_of(shifts.capacity_set(user_id=team["bo"].pk, capacity=None)) == 3


# --- the queue page's shift panel -----------------------------------------------------------------------------

QUEUE = "/admin/conversations/case/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_moderator_sets_themselves_available_and_sees_their_load_but_not_the_team(team):
    client = signed_in(team["ana"])
    page = client.get(QUEUE).content.decode()
    assert "You are away: no new cases come to you" in page and "0 of 3 cases" in page
    assert 'data-testid="team"' not in page

    page = client.post(f"{QUEUE}shift/", {"available": "1"}, follow=True).content.decode()
    assert "You are available for new cases" in page
    assert Shift.objects.get(user=team["ana"]).available
    assert client.get(f"{QUEUE}shift/").status_code == 405
    assert client.post(f"{QUEUE}team/{team['bo'].pk}/capacity/", {"capacity": "5"}).status_code == 403
    assert not Shift.objects.filter(user=team["bo"], capacity=5).exists()


def test_a_lead_sees_the_team_sets_a_capacity_and_sees_a_break_suggested(team, settings):
    settings.EMOCHAT_HIGH_RISK_RUN_CAP = 1
    case = case_at("imminent")
    moderation.case_claim(case_id=case.pk, moderator=team["bo"])
    client = signed_in(team["lee"])

    page = client.post(f"{QUEUE}team/{team['bo'].pk}/capacity/", {"capacity": "2"}, follow=True).content.decode()
    assert "Bo now holds up to 2 cases at once." in page
    assert Shift.objects.get(user=team["bo"]).capacity == 2
    row = page[page.index('data-user="bo"'):]
    row = row[:row.index("</tr>")]
    assert "<td>1</td>" in row and 'value="2"' in row and "break suggested" in row

    for bad in ("0", "21", "two"):
        client.post(f"{QUEUE}team/{team['bo'].pk}/capacity/", {"capacity": bad})
        assert Shift.objects.get(user=team["bo"]).capacity == 2
    assert "Bo now holds up to 3 cases" in client.post(f"{QUEUE}team/{team['bo'].pk}/capacity/", {"capacity": ""},
                                                       follow=True).content.decode()

    mine = signed_in(team["bo"]).get(QUEUE).content.decode()
    assert "You have taken 1 high-risk case in a row." in mine


def test_a_lead_talking_with_the_person_keeps_the_assigned_case_from_going_quiet(team):
    assignment.shift_set(user=team["ana"], available=True)
    case = case_at("behavior")
    assignment.cases_assign_waiting()
    moderation.conversation_join(case_id=case.pk, moderator=team["lee"])  # ana keeps it; the lead talks
    long_ago = django_timezone.now() - timedelta(minutes=20)
    Case.objects.filter(pk=case.pk).update(assignee_active_at=long_ago, last_message_at=long_ago)
    moderation.moderator_message_send(case_id=case.pk, moderator=team["lee"], text="I'm here with you.")
    Case.objects.filter(pk=case.pk).update(last_message_at=django_timezone.now() - timedelta(minutes=15))
    assert assignment.cases_return_idle() == 0  # the person's last message was answered after it
    assert assignees()[str(case.id)] == "ana"

"""Fair assignment as moderators live it, in Chromium at 1280 px against real Daphne and Celery: two moderators
with room for one case each receive one of two people at risk each; a case left quiet goes back to the queue and
on to the next moderator, and the lead sees why."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import Alert, Case, CaseEvent
from conversations.moderation import assignment, shifts
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import in_db, open_chat, send

pytestmark = pytest.mark.processes

PASSWORD = "a moderator's password"
QUEUE = "/admin/conversations/case/"
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 800}
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")


def team(*, capacity: int | None = None) -> None:
    groups_migration.groups_grant(apps)  # the flush between transactional tests removes the migration's groups
    for name, group in (("ana", "Moderators"), ("bo", "Moderators"), ("lee", "Moderation leads")):
        user = get_user_model().objects.create_user(name, email=f"{name}@example.org", password=PASSWORD)
        user.groups.add(Group.objects.get(name=group))
        if capacity is not None and group == "Moderators":
            shifts.capacity_set(user_id=user.pk, capacity=capacity)


def desk(page: Page, server: str, name: str, *, available: bool = True) -> Page:
    """A moderator's queue page in a browser of their own, signed in, available when asked."""
    staff = page.context.browser.new_context(base_url=server, viewport=DESK).new_page()
    staff.goto(f"/admin/login/?next={QUEUE}")
    staff.get_by_label("Username").fill(name)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_label("Password").press("Enter")
    staff.wait_for_url(f"**{QUEUE}")
    expect(staff.locator("#live-status")).not_to_have_text("Connecting…")
    if available:
        staff.get_by_role("button", name="Be available").click()
        expect(staff.get_by_test_id("shift-state")).to_have_attribute("data-available", "true")
    return staff


def person_at_risk(page: Page, server: str | None = None) -> None:
    person = page if server is None else page.context.browser.new_context(base_url=server,
                                                                         viewport=PHONE).new_page()
    open_chat(person)
    send(person, "I want to kill myself")
    expect(person.get_by_test_id("crisis-card")).to_be_visible()


def assignees() -> list[str | None]:
    return sorted(Case.objects.values_list("assignee__username", flat=True), key=str)


def test_two_moderators_with_room_for_one_case_each_receive_one_of_two_people_at_risk(page: Page, server: str):
    in_db(lambda: team(capacity=1))
    desks = {name: desk(page, server, name) for name in ("ana", "bo")}
    for staff in desks.values():
        expect(staff.get_by_test_id("shift-load")).to_have_text("0 of 1 case")

    person_at_risk(page)
    person_at_risk(page, server)

    for name, staff in desks.items():
        # Each queue page learns of its own case live: the row names them and the shift panel counts it.
        expect(staff.get_by_test_id("shift-load")).to_have_text("1 of 1 case", timeout=20_000)
        expect(staff.locator("#result_list tbody tr").filter(has_text=name)).to_have_count(1)
    assert in_db(assignees) == ["ana", "bo"]
    events = in_db(lambda: list(CaseEvent.objects.filter(kind="assigned").values_list("actor", "detail")))
    assert [(actor, detail["load"], detail["capacity"]) for actor, detail in events] == [(None, 1, 1)] * 2


def test_a_case_left_quiet_goes_to_the_next_moderator_and_the_lead_sees_why(page: Page, server: str):
    in_db(team)
    ana = desk(page, server, "ana")
    person_at_risk(page)
    expect(ana.get_by_test_id("shift-load")).to_have_text("1 of 3 cases", timeout=20_000)
    bo = desk(page, server, "bo")
    lead = desk(page, server, "lee", available=False)
    expect(lead.get_by_test_id("team-row")).to_have_count(3)

    def ten_quiet_minutes() -> int:
        Case.objects.update(assignee_active_at=timezone.now() - timedelta(minutes=11))
        return assignment.cases_return_idle()  # the clock beat runs every ten seconds

    assert in_db(ten_quiet_minutes) == 1
    expect(bo.get_by_test_id("shift-load")).to_have_text("1 of 3 cases", timeout=20_000)
    expect(bo.locator("#result_list tbody tr").filter(has_text="bo")).to_have_count(1)
    assert in_db(assignees) == ["bo"]

    # Ana is set away, and told why; the lead's team table says the same.
    expect(ana.get_by_test_id("shift-state")).to_have_attribute("data-available", "false")
    expect(ana.locator(".shift-idle")).to_contain_text("went back to the queue")
    expect(lead.locator("[data-testid=team-row][data-user=ana]")).to_contain_text("away: a case went quiet with them")
    expect(lead.locator("[data-testid=team-row][data-user=bo]")).to_contain_text("available")
    emailed = in_db(lambda: list(Alert.objects.filter(reason="returned", channel="email")
                                 .values_list("target", flat=True)))
    assert emailed == ["lee@example.org"]
    assert_no_axe_violations(lead, "the queue with the team's shifts, for a lead")

    lead.locator("#result_list tbody tr a").first.click()
    timeline = lead.locator(".case-timeline")
    expect(timeline).to_contain_text("returned")
    expect(timeline).to_contain_text("reason: idle; moderator: ana; quiet for: 11 min")

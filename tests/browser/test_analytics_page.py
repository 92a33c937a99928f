"""The team's analytics page as a moderation lead uses it in Chromium at 1280×800: a person chats, the lead signs
in through the admin's login, chooses a range, sees the tables and a chart drawn under the page's
Content-Security-Policy, downloads the CSV, and is told plainly when the range is reversed. axe finds nothing."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import ASSISTANT, USER, in_db, open_chat, send

pytestmark = pytest.mark.processes

DESKTOP = {"width": 1280, "height": 800}
LEAD_PASSWORD = "a lead's long password"
PAGE = "/admin/conversations/analytics/"
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")


def lead_create() -> None:
    # The migration made the groups, but the flush between transactional tests removes them.
    groups_migration.groups_grant(apps)
    user = get_user_model().objects.create_user("lead", password=LEAD_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderation leads"))


def test_a_lead_reads_the_analytics_of_a_range_downloads_its_csv_and_axe_finds_nothing(page: Page):
    page.set_viewport_size(DESKTOP)
    open_chat(page)
    send(page, "I feel so sad tonight")
    expect(page.locator(USER).last.get_by_test_id("emotion-chip")).to_be_visible(timeout=15_000)
    expect(page.locator(ASSISTANT).last).to_have_attribute("data-streaming", "false", timeout=15_000)

    in_db(lead_create)
    origin = page.evaluate("location.origin")
    context = page.context.browser.new_context(base_url=origin, viewport=DESKTOP, accept_downloads=True)
    try:
        staff = context.new_page()
        blocked: list[str] = []
        staff.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
        staff.goto(f"/admin/login/?next={PAGE}")
        staff.get_by_label("Username").fill("lead")
        staff.get_by_label("Password").fill(LEAD_PASSWORD)
        staff.get_by_label("Password").press("Enter")
        staff.wait_for_url(f"**{PAGE}")
        expect(staff.get_by_role("heading", name="Analytics")).to_be_visible()

        today = timezone.now().date()
        first = today - timedelta(days=6)
        staff.get_by_label("From", exact=True).fill(first.isoformat())
        staff.get_by_label("To", exact=True).fill(today.isoformat())
        staff.get_by_test_id("analytics-show").click()
        staff.wait_for_url(f"**start={first.isoformat()}**")

        messages = staff.get_by_test_id("table-messages")
        expect(messages.locator("caption")).to_have_text("Messages per day, by who wrote them")
        expect(messages.locator("tbody tr")).to_have_count(7)
        expect(messages.locator("tfoot td").first).not_to_have_text("0")  # the person's message is counted
        for table in ("emotions", "cases", "acknowledgement", "escalations", "screening", "feedback", "reply-times"):
            expect(staff.get_by_test_id(f"table-{table}")).to_be_visible()
        chart = staff.get_by_test_id("chart-messages")
        expect(chart).to_have_attribute("data-drawn", "true")
        expect(chart.locator("canvas")).to_have_count(1)
        assert chart.locator("canvas").bounding_box()["width"] > 200
        expect(staff.get_by_test_id("chart-emotions").locator("canvas")).to_have_count(1)
        assert blocked == []
        assert_no_axe_violations(staff, "the analytics page with a range")

        with staff.expect_download() as info:
            staff.get_by_test_id("analytics-csv").click()
        download = info.value
        assert download.suggested_filename == f"emochat-analytics-{first.isoformat()}-{today.isoformat()}.csv"
        with open(download.path(), encoding="utf-8") as body:
            assert body.readline().strip() == "section,key,value"
            assert body.readline().strip() == f"range,start,{first.isoformat()}"

        staff.get_by_label("From", exact=True).fill(today.isoformat())
        staff.get_by_label("To", exact=True).fill(first.isoformat())
        staff.get_by_test_id("analytics-show").click()
        expect(staff.get_by_test_id("analytics-error")).to_contain_text("The last day comes before the first")
        expect(staff.get_by_test_id("table-messages")).to_have_count(0)
        assert_no_axe_violations(staff, "the analytics page with a reversed range")
    finally:
        context.close()

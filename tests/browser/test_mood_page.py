"""The "My mood" page and the check-in at the start of a conversation, as a person uses them in Chromium, on a
phone and on a desktop, against a real Daphne, worker, PostgreSQL and Redis."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conversations.models import MoodCheckIn
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import USER, in_db, open_chat, send, visitor_id

pytestmark = pytest.mark.processes

VIEWPORTS = pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                                    ids=["phone", "desktop"])
# What the fake emotion model reads in each (inference/backends/fake.py): its group.
SAID = [("I feel so sad and lonely today", "sadness"), ("I'm nervous about my exam", "fear"),
        ("I was happy and glad to see my friend", "joy")]


def watch_csp(page: Page) -> list[str]:
    """Collects anything the page's Content-Security-Policy blocks: the chart must draw under it."""
    blocked: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    return blocked


def fits_width(page: Page) -> bool:
    """Nothing makes the page scroll sideways (the table scrolls inside its own region)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_mood(page: Page) -> None:
    page.get_by_test_id("mood-link").click()
    expect(page).to_have_url(re.compile(r"/mood/"))
    expect(page.get_by_test_id("mood-status")).to_be_empty()


@VIEWPORTS
def test_the_feelings_of_a_chat_show_on_the_mood_page_as_a_chart_a_table_and_a_list(page: Page, viewport):
    page.set_viewport_size(viewport)
    blocked = watch_csp(page)
    open_chat(page)
    for text, _ in SAID:
        send(page, text)
        expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    chips = page.locator(f"{USER} [data-testid=emotion-chip]")
    expect(chips).to_have_count(len(SAID), timeout=20_000)
    assert [chip.get_attribute("data-group") for chip in chips.all()] == [group for _, group in SAID]

    open_mood(page)

    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", name="My mood")).to_be_visible()
    chart = page.get_by_test_id("mood-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    assert chart.locator("canvas").bounding_box()["width"] > 200
    expect(page.get_by_test_id("range-30")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("mood-summary")).to_contain_text("This week, the feelings that came up most were")
    feelings = page.get_by_test_id("mood-feelings").locator("li")
    expect(feelings).to_have_count(3)
    labels = feelings.evaluate_all("items => items.map(item => item.dataset.label)")
    assert sorted(labels) == ["joy", "nervousness", "sadness"]

    # The same numbers as a table, behind its toggle.
    toggle = page.get_by_test_id("mood-table-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("mood-table")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    table = page.get_by_test_id("mood-table")
    expect(table.locator("caption")).to_contain_text("Feelings read in your messages, by day")
    expect(table.locator("thead th[scope=col]")).to_have_count(11)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.locator("th[scope=row]")).to_have_count(1)
    for column, count in (("messages", "3"), ("sadness", "1"), ("fear", "1"), ("joy", "1"), ("anger", "0"),
                          ("neutral", "0")):
        expect(row.locator(f"td[data-column={column}]")).to_have_text(count)
    expect(row.locator("td[data-column=leaning]")).to_have_text("Heavier")
    assert_no_axe_violations(page, "the mood page with a day of feelings, its table open")
    page.emulate_media(color_scheme="dark")
    assert_no_axe_violations(page, "the mood page with a day of feelings, its table open")
    page.emulate_media(color_scheme="light")

    # Another range, by keyboard.
    page.get_by_test_id("range-7").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("range-7")).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"days=7"))
    expect(page.get_by_test_id("mood-table").locator("tbody tr")).to_have_count(1)
    assert fits_width(page)
    assert blocked == []

    page.get_by_test_id("back-to-chat").click()
    expect(page.locator(USER)).to_have_count(len(SAID))


@VIEWPORTS
def test_a_check_in_tapped_as_a_conversation_starts_shows_on_the_mood_page(page: Page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/mood/")
    # Before the chat was ever opened there is nothing to show, and the page says where to start.
    expect(page.get_by_test_id("mood-empty")).to_contain_text("Open the chat first")
    assert_no_axe_violations(page, "the mood page without a session")
    open_chat(page)
    checkin = page.get_by_test_id("checkin")
    expect(checkin).to_be_visible()
    expect(checkin.get_by_role("heading", name="How are you feeling right now?")).to_be_visible()
    expect(checkin.locator(".checkin-choice")).to_have_count(5)
    assert_no_axe_violations(page, "the chat with the check-in before a first message")
    # It asks; it does not take the person's place: the composer keeps the focus it had.
    expect(page.get_by_label("Your message")).to_be_enabled()

    page.get_by_test_id("checkin-4").click()

    expect(checkin).to_be_hidden()
    expect(page.get_by_test_id("checkin-thanks")).to_contain_text("Thank you")
    visitor = visitor_id(page)
    assert in_db(lambda: list(MoodCheckIn.objects.filter(subject=f"visitor:{visitor}")
                              .values_list("value", flat=True))) == [4]
    # Answered once: not asked again in this conversation, after a reload either.
    page.reload()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    page.wait_for_timeout(500)
    expect(checkin).to_be_hidden()

    open_mood(page)
    expect(page.get_by_test_id("mood-empty")).to_be_hidden()
    expect(page.get_by_test_id("mood-summary")).to_contain_text("When you checked in, you said you felt good.")
    page.get_by_test_id("mood-table-toggle").click()
    rows = page.get_by_test_id("mood-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td[data-column=checkin]")).to_have_text("Good")
    expect(rows.first.locator("td[data-column=messages]")).to_have_text("0")
    assert fits_width(page)


def test_not_now_hides_the_check_in_for_that_conversation_and_a_first_message_ends_it(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_chat(page)
    checkin = page.get_by_test_id("checkin")
    expect(checkin).to_be_visible()

    page.get_by_test_id("checkin-skip").click()

    expect(checkin).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    page.wait_for_timeout(500)
    expect(checkin).to_be_hidden()

    # Someone else, on another browser, writes instead of answering: the row goes, unanswered, and stays gone.
    context = page.context.browser.new_context(base_url=page.evaluate("location.origin"),
                                               viewport={"width": 390, "height": 844})
    try:
        other = context.new_page()
        open_chat(other)
        expect(other.get_by_test_id("checkin")).to_be_visible()
        send(other, "I'd rather just talk")
        expect(other.get_by_test_id("checkin")).to_be_hidden()
        expect(other.locator(USER).last).to_have_attribute("data-status", "sent")
        other.reload()
        expect(other.locator(USER)).to_have_count(1)
        other.wait_for_timeout(500)
        expect(other.get_by_test_id("checkin")).to_be_hidden()
    finally:
        context.close()
    assert in_db(lambda: MoodCheckIn.objects.count()) == 0


def test_the_check_in_is_one_tab_stop_and_answered_from_the_keyboard(page: Page):
    open_chat(page)
    expect(page.get_by_test_id("checkin")).to_be_visible()
    page.get_by_test_id("checkin-1").focus()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "messages"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "checkin-1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.testid") == "checkin-3"
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("checkin")).to_be_hidden()
    # Focus was in the row it took away: it goes to the message box, not to the top of the page.
    expect(page.get_by_label("Your message")).to_be_focused()
    assert in_db(lambda: list(MoodCheckIn.objects.values_list("value", flat=True))) == [3]

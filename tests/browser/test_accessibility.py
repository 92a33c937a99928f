"""WCAG 2.2 AA in Chromium: axe finds nothing in any state of the chat page or the moderators' queue, at phone
and desktop width, in light and dark; the helplines and the privacy panel work from the keyboard alone and give
the focus back; reduced motion stops what moves.

A page still to come is covered by driving it into each of its states and calling `assert_no_axe_violations`
(tests/browser/accessibility.py) there, in the test below or one like it.
"""

from __future__ import annotations

import importlib
import os

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect, sync_playwright

from conversations.models import Case
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.conftest import CHROMIUM_FLAGS
from tests.browser.pages import ASSISTANT, USER, accept_notice, in_db, open_chat, send, wait_ready

pytestmark = pytest.mark.processes

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
MODERATOR_PASSWORD = "a moderator's password"
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")


def focused(page: Page) -> str | None:
    """The focused element's test id, or its name (the message box has only a name)."""
    return page.evaluate("(e => e && (e.dataset.testid || e.name))(document.activeElement)")


def tab_to(page: Page, name: str, *, back: bool = False, limit: int = 40) -> None:
    """Presses Tab (or Shift+Tab) until the element is focused: it is reachable from the keyboard."""
    for _ in range(limit):
        if focused(page) == name:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    assert focused(page) == name, f"{name} is not reachable by {'Shift+Tab' if back else 'Tab'}"


def moderator_create() -> None:
    # The migration made the groups, but the flush between transactional tests removes them.
    groups_migration.groups_grant(apps)
    user = get_user_model().objects.create_user("moderator", password=MODERATOR_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))


def check_the_persons_page(page: Page) -> None:
    """The chat in each state a person can bring it to, the case a crisis opens left for the moderators."""
    page.goto("/")
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    assert_no_axe_violations(page, "the privacy notice, before consent")

    accept_notice(page)
    wait_ready(page)
    send(page, "I feel so sad tonight")
    expect(page.locator(USER).last.get_by_test_id("emotion-chip")).to_be_visible(timeout=15_000)
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    expect(reply.get_by_test_id("feedback-helpful")).to_be_visible()
    assert_no_axe_violations(page, "a conversation with a reply, its emotion chip and feedback buttons")

    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("privacy-panel")).to_be_visible()
    assert_no_axe_violations(page, "the privacy panel")
    page.get_by_test_id("erase").click()
    expect(page.get_by_test_id("erase-confirm")).to_be_visible()
    assert_no_axe_violations(page, "the erase confirmation")
    page.get_by_test_id("erase-cancel").click()
    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("privacy-panel")).to_be_hidden()

    send(page, "I want to kill myself")
    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(2, timeout=15_000)
    assert_no_axe_violations(page, f"the crisis card, {card.get_attribute('data-state')}")
    if card.get_attribute("data-state") == "compact":
        card.get_by_test_id("crisis-toggle").click()
        expect(card).to_have_attribute("data-state", "expanded")
        assert_no_axe_violations(page, "the crisis card, expanded")


def check_the_moderators_pages(page: Page, *, viewport: dict, scheme: str) -> None:
    """The queue and the case page, signed in as a moderator in a browser of their own."""
    in_db(moderator_create)
    case_id = in_db(lambda: Case.objects.get().id)
    origin = page.evaluate("location.origin")
    context = page.context.browser.new_context(base_url=origin, viewport=viewport, color_scheme=scheme)
    try:
        staff = context.new_page()
        staff.goto("/admin/login/?next=/admin/conversations/case/")
        staff.get_by_label("Username").fill("moderator")
        staff.get_by_label("Password").fill(MODERATOR_PASSWORD)
        staff.get_by_label("Password").press("Enter")
        staff.wait_for_url("**/admin/conversations/case/")
        expect(staff.locator("#result_list tbody tr")).to_have_count(1)
        assert_no_axe_violations(staff, "the moderation queue")
        staff.goto(f"/admin/conversations/case/{case_id}/change/")
        expect(staff.locator(".case-summary")).to_be_visible()
        assert_no_axe_violations(staff, "a case")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_axe_finds_no_violation_on_the_chat_or_the_moderators_pages(page: Page, viewport: dict, scheme: str):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(viewport)

    check_the_persons_page(page)
    check_the_moderators_pages(page, viewport=viewport, scheme=scheme)


def test_the_helplines_and_the_privacy_panel_work_from_the_keyboard_and_give_the_focus_back(page: Page):
    open_chat(page)
    expect(page.get_by_label("Your message")).to_be_focused()
    card = page.get_by_test_id("crisis-card")

    # "Get help now", before anything is written: the card opens with the focus on its title, and closing it
    # gives the focus back to the button that opened it.
    tab_to(page, "get-help", back=True)
    page.keyboard.press("Enter")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("crisis-title")).to_be_focused()
    tab_to(page, "crisis-close")
    page.keyboard.press("Enter")
    expect(card).to_be_hidden()
    expect(page.get_by_test_id("get-help")).to_be_focused()

    # The privacy panel: Escape closes it and the focus returns to the button that opened it.
    tab_to(page, "privacy-open")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("privacy-panel").get_by_role("heading", name="Your privacy")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("privacy-panel")).to_be_hidden()
    expect(page.get_by_test_id("privacy-open")).to_be_focused()

    # A risk: the card appears without taking the focus; it expands from the keyboard, its country and calls
    # come next in the Tab order, and Escape makes it compact again with the focus on the control that expands it.
    tab_to(page, "text")
    page.keyboard.type("I want to kill myself")
    page.keyboard.press("Enter")
    expect(card).to_have_attribute("data-state", "compact")
    expect(page.get_by_label("Your message")).to_be_focused()
    toggle = card.get_by_test_id("crisis-toggle")
    tab_to(page, "crisis-toggle", back=True)
    page.keyboard.press("Enter")
    expect(card).to_have_attribute("data-state", "expanded")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_be_focused()
    tab_to(page, "crisis-country")
    tab_to(page, "resource-call")
    # Esc twice within a second is the quick exit, whatever the first one closed: a person is slower than this.
    page.wait_for_timeout(1_100)
    page.keyboard.press("Escape")
    expect(card).to_have_attribute("data-state", "compact")
    expect(toggle).to_be_focused()


# Records, in the page, each change of the words the first reply shows (as test_chat_page.py does).
RECORD_REPLY = """() => {
  const list = document.querySelector("[data-testid=messages]");
  const samples = (window.replySamples = []);
  new MutationObserver(() => {
    const reply = list.querySelector("[data-testid=message][data-role=assistant] .text");
    if (reply) samples.push({ t: performance.now(), words: reply.textContent.split(/\\s+/).filter(Boolean).length });
  }).observe(list, { childList: true, subtree: true, characterData: true });
}"""

MOVING = """() => [...document.querySelectorAll("*")].filter((element) => {
  const style = getComputedStyle(element);
  const seconds = (value) => Math.max(...value.split(",").map((part) => parseFloat(part) || 0));
  return style.animationName !== "none" || seconds(style.transitionDuration) > 0;
}).map((element) => element.className || element.tagName)"""


@pytest.mark.parametrize("server", ["0"], indirect=True)  # the whole reply reaches the page at once
def test_reduced_motion_stops_the_typing_indicator_and_shows_replies_as_they_arrive(page: Page):
    page.emulate_media(reduced_motion="no-preference")
    open_chat(page)
    typing = page.get_by_test_id("typing")
    assert typing.evaluate("element => getComputedStyle(element).animationName") == "breathe"

    page.emulate_media(reduced_motion="reduce")
    page.reload()
    wait_ready(page)
    assert typing.evaluate("element => getComputedStyle(element).animationName") == "none"
    assert page.evaluate(MOVING) == [], "something still moves"
    page.evaluate(RECORD_REPLY)
    send(page, "I feel so sad tonight")

    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    assert page.evaluate(MOVING) == [], "something still moves"
    samples = [sample for sample in page.evaluate("window.replySamples") if sample["words"] > 0]
    total = samples[-1]["words"]
    # Written out at the page's pace, a reply takes 70 ms a word; shown as it arrives, a small part of that.
    assert samples[-1]["t"] - samples[0]["t"] < (total - 1) * 35, f"written out word by word: {samples}"


def test_a_violation_fails_with_the_rule_its_impact_where_and_how_to_fix_it():
    # No server: a page written here, with an unnamed button and grey on grey.
    html = ('<html lang="en"><title>t</title><main><h1>t</h1><button id="mute"></button>'
            '<p id="faint" style="color:#aaa;background:#bbb">faint</p></main></html>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("EMOCHAT_CHROMIUM", "/usr/bin/chromium"),
                                             args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport=VIEWPORTS["phone"], color_scheme="dark")
            page.set_content(html)
            with pytest.raises(AssertionError) as failure:
                assert_no_axe_violations(page, "a test page")
        finally:
            browser.close()

    message = str(failure.value)
    assert message.startswith("2 accessibility violation(s) on a test page at 390×844, dark:")
    assert "- button-name (critical): Buttons must have discernible text" in message
    assert "at #mute" in message and "at #faint" in message
    assert "- color-contrast (serious)" in message and "Fix any of the following" in message

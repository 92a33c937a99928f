"""Past conversations in Chromium: "New conversation" asks first, the list shows what was written before, and a
person goes back to a conversation and carries on in it, on a phone and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.models import Conversation
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import ASSISTANT, USER, in_db, open_chat, send, wait_ready

pytestmark = pytest.mark.processes

FIRST = "I keep worrying about the exam on Friday"


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_a_past_conversation_is_reopened_from_the_list_and_written_in(page: Page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_chat(page)
    send(page, FIRST)
    expect(page.locator(ASSISTANT).last).to_have_attribute("data-streaming", "false", timeout=15_000)
    new = page.get_by_test_id("new-conversation")
    confirm = page.get_by_test_id("new-confirm")

    # Asked first; Cancel keeps the conversation.
    new.click()
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Start a new conversation? This one stays in Past conversations.")
    assert_no_axe_violations(page, "asked before a new conversation")
    page.get_by_test_id("new-confirm-cancel").click()
    expect(confirm).to_be_hidden()
    expect(new).to_be_focused()
    expect(page.locator(USER)).to_have_count(1)
    assert in_db(lambda: Conversation.objects.filter(status="open").count()) == 1

    new.click()
    page.get_by_test_id("new-confirm-start").click()
    expect(page.locator(USER)).to_have_count(0)
    expect(confirm).to_be_hidden()
    wait_ready(page)
    send(page, "Something else today")
    expect(page.locator(USER)).to_have_count(1)
    # Its reply in first: one landing later would make this conversation the latest again after the reopening.
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(1, timeout=15_000)

    # The list: the current conversation marked, the first one titled by its first words.
    opener = page.get_by_test_id("history-open")
    opener.click()
    panel = page.get_by_test_id("history-panel")
    expect(panel).to_be_visible()
    expect(opener).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("heading", name="Past conversations")).to_be_focused()
    items = panel.get_by_test_id("history-item")
    expect(items).to_have_count(2)
    expect(items.first).to_have_attribute("aria-current", "true")
    expect(items.nth(1)).to_contain_text("I keep worrying about the exam on Friday")
    expect(items.nth(1)).not_to_have_attribute("aria-current", "true")
    assert fits_width(page)
    assert_no_axe_violations(page, "past conversations")

    # Escape closes it and gives the focus back; from the keyboard it opens again.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()
    page.keyboard.press("Enter")
    expect(items).to_have_count(2)

    items.nth(1).click()
    expect(panel).to_be_hidden()
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).first).to_contain_text(FIRST)
    expect(page.locator(ASSISTANT)).to_have_count(1)
    wait_ready(page)
    send(page, "Back to this one")
    expect(page.locator(USER)).to_have_count(2)
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    assert fits_width(page)

    # A reload comes back to the reopened conversation, and the list says so.
    page.reload()
    expect(page.locator(USER)).to_have_count(2)
    opener.click()
    expect(items.first).to_have_attribute("aria-current", "true")
    expect(items.first).to_contain_text(FIRST)


def test_a_first_visit_has_no_past_conversations(page: Page):
    open_chat(page)
    page.get_by_test_id("history-open").click()
    expect(page.get_by_test_id("history-item")).to_have_count(1)
    expect(page.get_by_test_id("history-item")).to_contain_text("Nothing written yet")

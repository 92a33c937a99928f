"""The chat page as a person uses it, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.models import Message
from tests.browser.pages import ASSISTANT, USER, in_db, open_chat, send, wait_ready

pytestmark = pytest.mark.processes


def stored_roles() -> list[str]:
    return in_db(lambda: list(Message.objects.order_by("seq").values_list("role", flat=True)))


def test_a_message_is_acknowledged_gets_an_emotion_chip_and_a_streamed_reply(page: Page):
    open_chat(page)
    send(page, "I feel so sad tonight")

    mine = page.locator(USER).last
    expect(mine).to_have_attribute("data-status", "sent")
    # The worker's first reading of the run may meet a cold machine (a fresh checkout reads every file once).
    expect(mine.get_by_test_id("emotion-chip")).to_have_attribute("data-group", "sadness", timeout=15_000)
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "true")
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    expect(reply.locator(".text")).to_contain_text("What feels most important")
    expect(page.get_by_test_id("typing")).to_be_hidden()


def test_messages_written_offline_are_delivered_once_when_back(page: Page):
    open_chat(page)
    page.context.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    send(page, "writing this on the train")
    send(page, "and this one too")
    expect(page.locator(USER)).to_have_count(2)
    expect(page.locator(f'{USER}[data-status=sending]')).to_have_count(2)

    page.context.set_offline(False)

    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(page.locator(f'{USER}[data-status=sent]')).to_have_count(2)
    expect(page.locator(ASSISTANT)).to_have_count(2, timeout=20_000)
    expect(page.locator(f'{ASSISTANT}[data-streaming=false]')).to_have_count(2, timeout=20_000)
    assert sorted(stored_roles()) == [
        "assistant", "assistant", "user", "user"]


def test_markup_in_a_message_is_shown_as_text(page: Page):
    attack = "<img src=x onerror=alert(1)>"
    open_chat(page)
    send(page, attack)

    mine = page.locator(USER).last
    expect(mine).to_have_attribute("data-status", "sent")
    expect(mine.locator(".text")).to_have_text(attack)
    assert page.locator("[data-testid=messages] img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_history_is_there_after_a_reload(page: Page):
    open_chat(page)
    send(page, "remember this please")
    expect(page.locator(f'{ASSISTANT}[data-streaming=false]')).to_have_count(1, timeout=15_000)

    page.reload()

    wait_ready(page)
    expect(page.get_by_test_id("privacy-notice")).to_be_hidden()
    expect(page.locator(USER).locator(".text")).to_have_text(["remember this please"])
    expect(page.locator(ASSISTANT)).to_have_count(1)
    expect(page.locator(USER).get_by_test_id("emotion-chip")).to_have_count(1)


def test_the_chat_works_from_the_keyboard_alone(page: Page):
    page.goto("/")
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "consent-accept":
            break
    assert page.evaluate("document.activeElement.dataset.testid") == "consent-accept", \
        "the notice's button is not reachable by Tab"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("privacy-notice")).to_be_hidden()
    assert page.evaluate("document.activeElement.name") == "text", "agreeing does not lead to the message box"

    # A later visit, from the top of the page.
    page.reload()
    wait_ready(page)
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "text":
            break
    assert page.evaluate("document.activeElement.name") == "text", "the message box is not reachable by Tab"

    page.keyboard.type("typed without a mouse")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("on two lines")
    page.keyboard.press("Enter")

    expect(page.locator(USER).last.locator(".text")).to_have_text("typed without a mouse\non two lines")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    expect(page.get_by_test_id("messages")).to_have_attribute("aria-live", "polite")

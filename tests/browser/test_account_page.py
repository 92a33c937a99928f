"""The optional account in Chromium: a visitor who chatted anonymously signs up from the privacy panel, keeps
their conversation, and finds it in a second browser (another device) after logging in there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.models import Conversation, DataKey
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import ASSISTANT, USER, in_db, open_chat, send, wait_ready, visitor_id

pytestmark = pytest.mark.processes

WRITTEN = "I keep worrying about the exam on Friday"
PASSWORD = "a quiet harbour at dusk"


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_signs_up_from_the_privacy_panel_and_finds_the_conversation_on_another_device(page: Page):
    open_chat(page)
    send(page, WRITTEN)
    expect(page.locator(ASSISTANT).last).to_have_attribute("data-streaming", "false", timeout=15_000)
    visitor = visitor_id(page)

    # Offered in the privacy panel only, never as a prompt.
    expect(page.get_by_test_id("account-offer")).to_be_hidden()
    page.get_by_test_id("privacy-open").click()
    offer = page.get_by_test_id("account-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Keep your conversations on other devices: create an account, or log in.")
    expect(page.get_by_test_id("account-signed-in")).to_be_hidden()
    page.get_by_test_id("account-signup").click()

    # The sign-up page: a refused password is said beside its field, the rest is kept.
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    assert fits_width(page)
    assert_no_axe_violations(page, "the sign-up page")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    assert_no_axe_violations(page, "the sign-up page with errors")
    expect(page.get_by_label("Email")).to_have_value("sam@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()

    # Back in the chat, signed in: the same conversation, no notice to agree to again.
    wait_ready(page)
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).first).to_contain_text(WRITTEN)
    expect(page.get_by_test_id("privacy-notice")).to_be_hidden()
    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("account-signed-in")).to_contain_text("Signed in as sam@example.org.")
    expect(page.get_by_test_id("account-offer")).to_be_hidden()
    assert_no_axe_violations(page, "the privacy panel, signed in")
    owner = in_db(lambda: Conversation.objects.values_list("user__username", "visitor_id").get())
    assert owner == ("sam@example.org", None)
    assert in_db(lambda: list(DataKey.objects.values_list("subject", flat=True).distinct())) == [
        in_db(lambda: f"user:{Conversation.objects.get().user_id}")]
    assert in_db(lambda: DataKey.objects.filter(subject=f"visitor:{visitor}").exists()) is False

    # Another device: log in, and the conversation is there, its history and in Past conversations.
    base = "/".join(page.url.split("/", 3)[:3])
    other = page.context.browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
    try:
        second = other.new_page()
        second.goto("/account/login")
        assert_no_axe_violations(second, "the log-in page")
        second.get_by_label("Email").fill("Sam@Example.org")
        second.get_by_label("Password").fill(PASSWORD)
        second.get_by_test_id("login-submit").click()
        wait_ready(second)
        expect(second.locator(USER)).to_have_count(1)
        expect(second.locator(USER).first).to_contain_text(WRITTEN)
        expect(second.locator(ASSISTANT)).to_have_count(1)
        second.get_by_test_id("history-open").click()
        items = second.get_by_test_id("history-item")
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text(WRITTEN)
        expect(items.first).to_have_attribute("aria-current", "true")

        # Logging out there starts a fresh anonymous chat, with the notice first, and the account's words gone.
        second.keyboard.press("Escape")
        second.get_by_test_id("privacy-open").click()
        second.get_by_test_id("account-logout").click()
        expect(second.get_by_test_id("privacy-notice")).to_be_visible()
        expect(second.locator(USER)).to_have_count(0)
    finally:
        other.close()

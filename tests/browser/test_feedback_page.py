"""Feedback on a reply, as a person gives it in Chromium: helpful, then not helpful with a reason, kept across a
reload; a choice the server did not get says so and can be sent again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.chat import selectors
from conversations.models import ReplyFeedback
from tests.browser.pages import ASSISTANT, in_db, open_chat, send, wait_ready

pytestmark = pytest.mark.processes

REASON = "I wanted ideas, not questions"


def stored_feedback() -> list[tuple[bool, str]]:
    return in_db(lambda: [(f.helpful, selectors.feedback_payload(f)["reason"]) for f in ReplyFeedback.objects.all()])


def test_a_reply_is_marked_helpful_then_not_helpful_with_a_reason_and_the_choice_survives_a_reload(page: Page):
    open_chat(page)
    send(page, "I feel so sad tonight")
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    helpful, not_helpful = reply.get_by_test_id("feedback-helpful"), reply.get_by_test_id("feedback-not-helpful")
    status = reply.get_by_test_id("feedback-status")
    # Thumb-sized on a phone (the page is 390 px wide).
    assert all(button.bounding_box()["height"] >= 44 for button in (helpful, not_helpful))
    beside = not_helpful.bounding_box()

    # The server cannot be reached: the choice stays, and says it was not saved.
    page.route("**/replies/*/feedback", lambda route: route.abort())
    helpful.click()
    expect(reply.get_by_test_id("feedback-error")).to_contain_text("wasn't saved")
    expect(helpful).to_have_attribute("aria-pressed", "true")
    assert stored_feedback() == []
    page.unroute("**/replies/*/feedback")
    reply.get_by_role("button", name="Try again").click()
    expect(status).to_have_text("Thank you")
    expect(reply.get_by_test_id("feedback-error")).to_be_hidden()
    assert not_helpful.bounding_box() == beside, "choosing moved the controls"
    assert stored_feedback() == [(True, "")]

    # From the keyboard: the other toggle, then a reason.
    not_helpful.focus()
    page.keyboard.press("Enter")
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    reason = reply.get_by_label("What would have helped more? (optional)")
    expect(reason).to_be_visible()
    reason.fill(REASON)
    reason.press("Enter")
    expect(reply.get_by_test_id("feedback-reason")).to_be_hidden()
    expect(status).to_have_text("Thank you")
    assert page.evaluate("document.activeElement.dataset.testid") == "feedback-not-helpful"
    assert stored_feedback() == [(False, REASON)]

    page.reload()

    wait_ready(page)
    reply = page.locator(ASSISTANT).last
    expect(reply.get_by_test_id("feedback-not-helpful")).to_have_attribute("aria-pressed", "true")
    expect(reply.get_by_test_id("feedback-helpful")).to_have_attribute("aria-pressed", "false")
    expect(reply.get_by_test_id("feedback-status")).to_have_text("")

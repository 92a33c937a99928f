"""Triage as a person meets it, in Chromium: the assistant asks before escalating, a helper gets guidance, and an
erasure while at risk leaves the helplines in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.chat import screening
from conversations.models import Case, CaseEvent
from tests.browser.pages import ASSISTANT, USER, assert_fully_visible, in_db, open_chat, send, visitor_id

pytestmark = pytest.mark.processes
PHONE = {"width": 390, "height": 844}
EN = screening.texts()["en"]


def reply_number(page: Page, n: int) -> str:
    """The text of the n-th assistant reply (1-based), once it has finished streaming."""
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(n, timeout=20_000)
    return page.locator(ASSISTANT).nth(n - 1).locator(".text").inner_text()


def test_on_a_phone_the_assistant_asks_and_a_yes_brings_the_helplines(page: Page):
    page.set_viewport_size(PHONE)
    open_chat(page)

    send(page, "I'm not going to hurt myself, I just feel hopeless")
    asked = reply_number(page, 1)
    assert asked.endswith(tuple(EN["ask"]["thoughts"])), "the question closes an ordinary reply"
    assert asked.count("?") == 1
    expect(page.get_by_test_id("crisis-card")).to_be_hidden()
    assert in_db(lambda: Case.objects.count()) == 0

    send(page, "yes, sometimes")
    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-level", "ideation")
    answered = reply_number(page, 2)
    assert answered.endswith(tuple(EN["ask"]["method"])) and "Are you safe" not in answered
    conversation = page.get_by_test_id("messages")
    assert_fully_visible(page, page.locator(ASSISTANT).last, within=conversation)
    expect(page.get_by_label("Your message")).to_be_in_viewport(ratio=1)

    send(page, "no")
    assert reply_number(page, 3).endswith(tuple(EN["ask"]["intent"]))
    person = visitor_id(page)
    case = in_db(lambda: Case.objects.get(conversation__visitor_id=person))
    assert case.screening == {"thoughts": "yes", "method": "no"}
    assert in_db(lambda: CaseEvent.objects.filter(case=case, kind="screened").count()) >= 1


def test_someone_worried_about_a_friend_gets_guidance_not_a_crisis_script(page: Page):
    open_chat(page)

    send(page, "My friend told me she wants to die. How can I help her?")

    reply = reply_number(page, 1)
    assert reply in EN["helper"]
    assert "Are you safe" not in reply
    expect(page.get_by_test_id("crisis-card")).to_be_hidden()
    assert in_db(lambda: Case.objects.count()) == 0


def test_a_message_in_chinese_shows_not_read_rather_than_a_guessed_emotion(page: Page):
    open_chat(page)

    send(page, "我不想死，只是很累")

    chip = page.locator(USER).last.get_by_test_id("emotion-chip")
    expect(chip).to_have_text("not read", timeout=20_000)
    expect(chip).to_have_attribute("aria-label", "Emotion not read: this language cannot be read yet")


def test_erasing_everything_while_at_risk_keeps_the_helplines_in_view(page: Page):
    open_chat(page)
    send(page, "I want to kill myself")
    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    reply_number(page, 1)

    page.get_by_test_id("privacy-open").click()
    page.get_by_test_id("erase").click()
    page.get_by_test_id("erase-confirm").click()

    expect(page.get_by_test_id("notice")).to_have_text("Everything you wrote here has been deleted.")
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect(card).to_be_visible()
    expect(card.get_by_test_id("crisis-primary")).to_have_attribute("href", "tel:988")
    case = in_db(lambda: Case.objects.get())
    assert case.conversation_id is None
    assert in_db(lambda: CaseEvent.objects.filter(case=case, kind="erased").exists())

"""What a person at risk sees, in Chromium: helplines for their country at once, the crisis script, and a
member of the support team joining them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from conversations.chat import helplines
from conversations.models import Case
from conversations.moderation import services as moderation
from inference.backends.curated import load_library
from tests.browser.pages import ASSISTANT, USER, assert_fully_visible, in_db, open_chat, send, visitor_id

pytestmark = pytest.mark.processes
MODERATOR = '[data-testid=message][data-role=moderator]'
PHONE = {"width": 390, "height": 844}


def test_a_person_at_risk_sees_helplines_for_their_country_and_the_crisis_script(page: Page):
    open_chat(page)
    send(page, "I want to kill myself")

    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-level", "ideation")
    expect(card).to_have_attribute("data-country", "US")  # Chromium's language here is en-US
    first = card.get_by_test_id("crisis-resource").first
    expect(first).to_contain_text("988 Suicide & Crisis Lifeline")
    expect(first.get_by_test_id("resource-call")).to_have_attribute("href", "tel:988")
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    assert reply.locator(".text").inner_text() in load_library().crisis["self_harm"]
    expect(page.get_by_label("Your message")).to_be_enabled()

    card.get_by_test_id("crisis-toggle").click()  # the card appears compact; the selector is in the full list
    card.get_by_test_id("crisis-country").select_option("GB")
    expect(card.get_by_test_id("crisis-resource").first).to_contain_text("Samaritans")
    page.reload()
    expect(page.get_by_test_id("crisis-card")).to_have_attribute("data-country", "GB")
    expect(page.get_by_test_id("crisis-card").get_by_test_id("crisis-resource").first).to_contain_text("Samaritans")
    assert in_db(lambda: Case.objects.get().level) == "ideation"


def test_help_is_one_tap_away_before_anything_is_written(page: Page):
    open_chat(page)

    page.get_by_test_id("get-help").click()

    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("crisis-resource")).not_to_have_count(0)
    assert in_db(lambda: Case.objects.count()) == 0, "asking for help is not a case"


def test_a_moderator_joins_writes_and_hands_back(page: Page):
    open_chat(page)
    send(page, "I have a plan to kill myself")
    expect(page.get_by_test_id("crisis-card")).to_have_attribute("data-level", "behavior")
    expect(page.locator(ASSISTANT)).to_have_count(1, timeout=15_000)
    person = visitor_id(page)

    def join_and_write():
        moderator = get_user_model().objects.create_user("moderator", password="x" * 16)
        case = Case.objects.get(conversation__visitor_id=person)
        moderation.conversation_join(case_id=case.id, moderator=moderator)
        moderation.moderator_message_send(case_id=case.id, moderator=moderator,
                                          text="Hi, I'm Sam from the support team.")
        return case.id, moderator

    case_id, moderator = in_db(join_and_write)

    expect(page.get_by_test_id("support-indicator")).to_be_visible()
    expect(page.locator("[data-testid=conversation-event][data-kind='support.joined']")).to_be_visible()
    expect(page.locator(MODERATOR).last).to_contain_text("Hi, I'm Sam from the support team.")
    expect(page.locator(MODERATOR).last).to_contain_text("Support team")
    send(page, "thank you")
    page.wait_for_timeout(1500)
    expect(page.locator(ASSISTANT)).to_have_count(1)  # the assistant stays silent while they are there

    in_db(lambda: moderation.conversation_hand_back(case_id=case_id, moderator=moderator))

    expect(page.get_by_test_id("support-indicator")).to_be_hidden()
    expect(page.locator("[data-testid=conversation-event][data-kind='support.left']")).to_be_visible()
    # "thank you", written while they were there, is answered by the assistant after the hand-back.
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(2, timeout=20_000)


def test_on_a_phone_the_helplines_leave_the_conversation_in_view(page: Page):
    page.set_viewport_size(PHONE)
    open_chat(page)
    send(page, "I want to kill myself")

    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-state", "compact")
    toggle = card.get_by_test_id("crisis-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(card.get_by_test_id("crisis-title")).to_have_text("You don't have to face this alone")
    expect(card.get_by_test_id("crisis-primary")).to_have_attribute("href", "tel:988")
    expect(card.get_by_test_id("crisis-primary")).to_be_in_viewport(ratio=1)
    expect(card.get_by_test_id("crisis-body")).to_be_hidden()
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    composer = page.get_by_label("Your message")
    expect(composer).to_be_focused()  # the card appeared without taking the focus from the composer

    conversation = page.get_by_test_id("messages")
    assert conversation.bounding_box()["height"] >= PHONE["height"] / 2
    assert_fully_visible(page, reply, within=conversation)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(card).to_have_attribute("data-state", "expanded")
    names = [line["name"] for line in helplines.resources("US", level="ideation")]
    shown = card.get_by_test_id("crisis-resource")
    expect(shown).to_have_count(len(names))
    for position, name in enumerate(names):
        expect(shown.nth(position)).to_contain_text(name)
    expect(composer).to_be_in_viewport(ratio=1)

    send(page, "I'm at home")
    expect(page.locator(USER).last).to_contain_text("I'm at home")
    expect(page.locator(ASSISTANT)).to_have_count(2, timeout=15_000)
    later = page.locator(ASSISTANT).last
    expect(later).to_have_attribute("data-streaming", "false", timeout=15_000)
    expect(later).to_be_in_viewport()
    box, region = later.bounding_box(), conversation.bounding_box()
    assert box["y"] + box["height"] <= region["y"] + region["height"] + 1, "the newest message ends in view"

    toggle.click()
    expect(card).to_have_attribute("data-state", "compact")
    expect(toggle).to_be_focused()
    assert_fully_visible(page, later, within=conversation)

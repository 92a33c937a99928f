"""The privacy notice and panel as a person uses them, in Chromium, against the real privacy API."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import Consent, Conversation, Message
from tests.browser.pages import (
    ASSISTANT,
    USER,
    accept_notice,
    assert_fully_visible,
    in_db,
    open_chat,
    send,
    visitor_id,
    wait_ready,
)

pytestmark = pytest.mark.processes

ERASED = "Everything you wrote here has been deleted."
NO_ACCESS = "No one on our team has read your conversations."
UNREADABLE = "This message can't be decrypted."


def consents(visitor: uuid.UUID) -> list[Consent]:
    return in_db(lambda: list(Consent.objects.filter(subject=f"visitor:{visitor}").order_by("given_at")))


def open_panel(page: Page) -> None:
    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("privacy-panel")).to_be_visible()


def close_panel(page: Page) -> None:
    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("privacy-panel")).to_be_hidden()


def send_and_wait_for_reply(page: Page, text: str) -> None:
    send(page, text)
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(1, timeout=15_000)


def expect_composer_closed(page: Page) -> None:
    expect(page.get_by_label("Your message")).to_be_disabled()
    expect(page.get_by_role("button", name="Send")).to_be_disabled()


def on_top(page: Page, locator) -> bool:
    """Nothing covers the middle of the element: a tap there reaches it."""
    return locator.evaluate("""element => {
        const box = element.getBoundingClientRect();
        const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return hit === element || element.contains(hit) || (hit !== null && hit.control === element);
    }""")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_the_notice_shows_what_is_asked_and_the_button_together_without_scrolling(page: Page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/")
    notice = page.get_by_test_id("privacy-notice")
    expect(notice).to_be_visible()

    # Both purposes, the optional box and the button, readable and reachable where the notice first opens.
    choices = [notice.locator(".purposes .required"), page.get_by_test_id("consent-improve"),
               page.locator("label[for=consent-improve]"), page.get_by_test_id("consent-accept")]
    for choice in choices:
        assert_fully_visible(page, choice, within=notice)
        assert on_top(page, choice), "covered by something else"
    # The first thing said does not promise what the second takes back.
    first = notice.locator(".card-body p").first.inner_text()
    assert "only you" not in first.lower()

    page.get_by_test_id("consent-improve").check()
    page.get_by_test_id("consent-accept").click()
    expect(notice).to_be_hidden()
    assert [c.purposes for c in consents(visitor_id(page))] == [["support", "improve"]]


def test_the_notice_comes_first_and_agreeing_records_support_only(page: Page):
    page.goto("/")

    notice = page.get_by_test_id("privacy-notice")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("heading")).not_to_have_text("")
    expect(notice.locator(".card-body p").first).not_to_have_text("")
    expect(page.get_by_test_id("consent-improve")).not_to_be_checked()
    expect_composer_closed(page)
    visitor = visitor_id(page)
    assert consents(visitor) == []

    version = page.request.get("/privacy/").json()["notice"]["version"]
    page.get_by_test_id("consent-accept").click()

    expect(notice).to_be_hidden()
    wait_ready(page)
    expect(page.get_by_label("Your message")).to_be_focused()
    [consent] = consents(visitor)
    assert consent.purposes == ["support"]
    assert consent.notice_version == version
    assert consent.withdrawn_at is None

    send(page, "now I can write")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    assert in_db(lambda: Message.objects.filter(role="user", conversation__visitor_id=visitor).count()) == 1


def test_the_optional_purpose_is_given_only_when_ticked_and_changed_in_the_panel(page: Page):
    page.goto("/")
    page.get_by_test_id("consent-improve").check()
    accept_notice(page)
    visitor = visitor_id(page)
    assert [c.purposes for c in consents(visitor)] == [["support", "improve"]]

    open_panel(page)
    improve = page.get_by_test_id("privacy-improve")
    expect(improve).to_be_checked()
    improve.uncheck()
    expect(improve).to_be_enabled()  # disabled while the change is saved

    current = [c for c in consents(visitor) if c.withdrawn_at is None]
    assert [c.purposes for c in current] == [["support"]]
    # 390px wide: nothing sticks out sideways with the panel open.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_download_my_data_gives_json_with_what_was_written(page: Page):
    open_chat(page)
    send(page, "a sentence to take home")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")

    open_panel(page)
    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    download = info.value

    assert download.suggested_filename.startswith("emochat-export-")
    with open(download.path(), encoding="utf-8") as file:
        data = json.load(file)
    texts = [m["text"] for m in data["conversations"][0]["messages"] if m["role"] == "user"]
    assert texts == ["a sentence to take home"]
    assert [c["purposes"] for c in data["consents"]] == [["support"]]


def test_delete_everything_asks_first_then_erases_the_rows_and_starts_over(page: Page):
    open_chat(page)
    send_and_wait_for_reply(page, "something I want gone")
    visitor = visitor_id(page)
    conversation_ids = in_db(lambda: list(Conversation.objects.filter(visitor_id=visitor).values_list("id", flat=True)))
    assert conversation_ids

    open_panel(page)
    page.get_by_test_id("erase").click()
    confirm = page.get_by_test_id("erase-confirm")
    expect(confirm).to_be_visible()
    expect(page.get_by_test_id("privacy-panel")).to_contain_text("cannot be undone")
    expect(page.get_by_test_id("erase-cancel")).to_be_focused()
    page.get_by_test_id("erase-cancel").click()
    expect(confirm).to_be_hidden()
    assert in_db(lambda: Message.objects.filter(conversation_id__in=conversation_ids).count()) == 2

    page.get_by_test_id("erase").click()
    confirm.click()

    expect(page.get_by_test_id("notice")).to_have_text(ERASED)
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    expect(page.get_by_test_id("privacy-panel")).to_be_hidden()
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect_composer_closed(page)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    assert page.evaluate("sessionStorage.getItem('emochat.outbox.v1')") is None
    assert in_db(lambda: Conversation.objects.filter(visitor_id=visitor).count()) == 0
    assert in_db(lambda: Message.objects.filter(conversation_id__in=conversation_ids).count()) == 0
    assert consents(visitor) == []
    fresh = visitor_id(page)
    assert fresh != visitor, "the erasure did not replace the session"

    # A fresh start works like a first visit.
    accept_notice(page)
    wait_ready(page)
    send(page, "starting over")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    expect(page.locator(USER)).to_have_count(1)
    assert in_db(lambda: Message.objects.filter(role="user", conversation__visitor_id=fresh).count()) == 1


def test_an_erasure_in_another_tab_resets_this_one(page: Page):
    open_chat(page)
    send_and_wait_for_reply(page, "written in the first tab")
    other = page.context.new_page()
    other.goto("/")
    wait_ready(other)
    expect(other.locator(USER)).to_have_count(1)

    open_panel(other)
    other.get_by_test_id("erase").click()
    other.get_by_test_id("erase-confirm").click()
    expect(other.get_by_test_id("notice")).to_have_text(ERASED)

    expect(page.get_by_test_id("notice")).to_have_text(ERASED)
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    expect_composer_closed(page)
    # Reconnected with the new session, not stuck on the closed socket.
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    accept_notice(page)
    wait_ready(page)


def test_withdrawing_consent_shows_the_notice_again_and_closes_the_composer(page: Page):
    open_chat(page)
    visitor = visitor_id(page)

    open_panel(page)
    page.get_by_test_id("consent-withdraw").click()

    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    expect(page.get_by_test_id("privacy-panel")).to_be_hidden()
    expect_composer_closed(page)
    [consent] = consents(visitor)
    assert consent.withdrawn_at is not None

    page.reload()
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    expect_composer_closed(page)


def test_a_message_refused_for_want_of_consent_is_kept_and_sent_after_agreeing(page: Page):
    open_chat(page)
    visitor = visitor_id(page)
    # Consent ends behind the page's back (withdrawn from another tab, or the notice changed).
    in_db(lambda: Consent.objects.filter(subject=f"visitor:{visitor}").update(withdrawn_at=timezone.now()))

    send(page, "please keep this one")

    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    mine = page.locator(USER).last
    expect(mine).to_have_attribute("data-status", "sending")
    expect(mine.locator(".text")).to_have_text("please keep this one")
    expect(mine).to_contain_text("waiting for you to agree")
    assert in_db(lambda: Message.objects.filter(role="user").count()) == 0

    accept_notice(page)

    expect(mine).to_have_attribute("data-status", "sent")
    expect(page.locator(USER)).to_have_count(1)
    assert in_db(lambda: Message.objects.filter(role="user", conversation__visitor_id=visitor).count()) == 1


def test_a_transcript_reading_appears_in_the_access_log(page: Page):
    open_chat(page)
    send(page, "is anyone reading this?")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    visitor = visitor_id(page)

    open_panel(page)
    expect(page.get_by_test_id("privacy-panel").get_by_role("heading", name="Your privacy")).to_be_focused()
    access_log = page.get_by_test_id("access-log")
    expect(access_log).to_have_text(NO_ACCESS)
    close_panel(page)

    def read_transcript():
        from conversations.privacy import services as privacy

        moderator = User.objects.create_user("mod", password="x", is_staff=True)
        moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        # The group's permissions go with the database flush between tests: the one reading needs, given here.
        moderator.user_permissions.add(Permission.objects.get(codename="read_transcript"))
        conversation = Conversation.objects.get(visitor_id=visitor)
        return privacy.transcript_open(staff=moderator, conversation_id=conversation.id,
                                       reason="Checking a safety flag raised on this conversation")

    transcript = in_db(read_transcript)
    assert [m["text"] for m in transcript] == ["is anyone reading this?"]

    open_panel(page)
    expect(access_log.locator("li")).to_have_count(1)
    expect(access_log.locator("li")).to_contain_text("Read by a moderator · ")
    expect(access_log).not_to_contain_text(NO_ACCESS)


def test_a_message_that_cannot_be_decrypted_says_so(page: Page):
    open_chat(page)
    send_and_wait_for_reply(page, "this will be damaged")

    def corrupt():
        # Flip every bit of the last byte (part of the GCM tag): the ciphertext no longer authenticates.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE conversations_message SET text_encrypted = set_byte(text_encrypted, "
                "length(text_encrypted) - 1, get_byte(text_encrypted, length(text_encrypted) - 1) # 255) "
                "WHERE role = 'user'"
            )
            return cursor.rowcount

    assert in_db(corrupt) == 1
    page.reload()
    wait_ready(page)

    mine = page.locator(USER)
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-unreadable", "true")
    expect(mine.locator(".text.unreadable")).to_have_text(UNREADABLE)
    reply = page.locator(ASSISTANT)
    expect(reply).not_to_have_attribute("data-unreadable", "true")
    expect(reply.locator(".text")).not_to_have_text(UNREADABLE)
    expect(reply.locator(".text")).not_to_have_text("")

"""An approved reply as a moderator uses it, in Chromium at 1280 px: picked on the case page, inserted into the
message box, edited, and sent; the person reads the edited words, and the reply's use is counted."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from conversations.models import CannedReply, Case
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.pages import ASSISTANT, in_db, open_chat, send, visitor_id

pytestmark = pytest.mark.processes

MODERATOR = '[data-testid=message][data-role=moderator]'
PASSWORD = "a moderator's password"
HELLO = "Hi, I'm one of the people on the support team. I'm here with you now."
groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")


def the_team(person: uuid.UUID) -> tuple[uuid.UUID, int]:
    """A lead who wrote two approved replies, a moderator on shift, and the person's case."""
    groups_migration.groups_grant(apps)  # the flush between transactional tests removes the migrations' rows
    CannedReply.objects.all().delete()  # …unless this test runs first: then the starter set is still there
    users = get_user_model().objects
    lead = users.create_user("lead", password=PASSWORD, is_staff=True)
    lead.groups.add(Group.objects.get(name="Moderation leads"))
    moderator = users.create_user("night-shift", password=PASSWORD, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    hello = CannedReply.objects.create(title="Introduce yourself", language="en", text=HELLO, created_by=lead)
    CannedReply.objects.create(title="自我介绍", language="zh", text="你好，我是支持团队的一员，现在我在这里陪着你。",
                               created_by=lead)
    return Case.objects.get(conversation__visitor_id=person).pk, hello.pk


def test_a_moderator_inserts_an_approved_reply_edits_it_and_the_person_reads_their_words(page: Page, server: str):
    open_chat(page)
    send(page, "I have a plan to kill myself")
    expect(page.get_by_test_id("crisis-card")).to_have_attribute("data-level", "behavior")
    expect(page.locator(ASSISTANT)).to_have_count(1, timeout=15_000)
    person = visitor_id(page)
    case_id, hello_id = in_db(lambda: the_team(person))

    desk = page.context.browser.new_context(base_url=server, viewport={"width": 1280, "height": 800})
    try:
        moderator = desk.new_page()
        case_page = f"/admin/conversations/case/{case_id}/change/"
        moderator.goto(f"/admin/login/?next={case_page}")
        moderator.get_by_label("Username").fill("night-shift")
        moderator.get_by_label("Password").fill(PASSWORD)
        moderator.get_by_label("Password").press("Enter")
        moderator.wait_for_url(f"**{case_page}")
        moderator.get_by_role("button", name="Join the conversation").click()
        expect(moderator.locator("#live-status")).to_have_text(
            "Live: you see what the person writes as they write it.")

        picker = moderator.get_by_label("Approved replies")
        expect(picker.locator("optgroup").first).to_have_attribute("label", "English")
        assert_no_axe_violations(moderator, "a joined case with the approved replies' picker")
        picker.select_option(label="Introduce yourself")
        moderator.get_by_role("button", name="Insert").click()

        draft = moderator.get_by_label("Write to the person")
        expect(draft).to_have_value(HELLO)
        expect(draft).to_be_focused()
        expect(moderator.locator("#canned-chosen")).to_have_value(str(hello_id))
        for _ in "now.":
            moderator.keyboard.press("Backspace")  # the caret is at the end of the inserted text
        moderator.keyboard.type("tonight.")
        edited = HELLO.replace("now.", "tonight.")
        expect(draft).to_have_value(edited)
        moderator.get_by_role("button", name="Send").click()

        expect(page.locator(MODERATOR).last).to_contain_text(edited)
        expect(moderator.locator("#live-messages [data-role=moderator]").last).to_contain_text(edited)
        expect(draft).to_have_value("")
        expect(moderator.locator("#canned-chosen")).to_have_value("")
    finally:
        desk.close()

    hello = in_db(lambda: CannedReply.objects.get(pk=hello_id))
    assert (hello.uses, hello.last_used_at is not None) == (1, True)

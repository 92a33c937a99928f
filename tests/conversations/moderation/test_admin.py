"""The moderation queue as moderators use it: the admin's queue and case pages, their actions (each through
moderation/services.py, each written to the case's timeline), the moderation socket, and a moderator joining a person's
conversation live. Real PostgreSQL and Redis; the Django test client and the real ASGI application."""

from __future__ import annotations

import importlib
import re
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client

from conversations.chat import services
from conversations.identity import Owner
from conversations.models import Case, CaseNote, Conversation, Message, TranscriptAccess
from conversations.moderation import selectors as moderation_selectors
from conversations.moderation import services as moderation
from conversations.privacy import sealing
from conversations.privacy import selectors as privacy_selectors
from conversations.privacy import services as privacy
from emochat.asgi import application
from inference.types import Emotion, LabelScore
from tests.conversations.chat.test_consumers import connect, frames_until
from tests.conversations.conftest import case_at, chat_socket, consent, visitor_session

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("conversations.migrations.0004_moderation_groups")
QUEUE = "/admin/conversations/case/"
SECRET = "I want to die, nobody would notice"


@pytest.fixture(autouse=True)
def moderation_groups(transactional_db, no_workers):
    # The migration made them, but a flush between transactional tests removes them.
    groups_migration.groups_grant(apps)


def staff(django_user_model, *groups: str) -> tuple[Client, object]:
    user = django_user_model.objects.create_user(f"staff-{uuid.uuid4().hex[:6]}", password="pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def moderator(django_user_model):
    return staff(django_user_model, "Moderators")


@pytest.fixture
def lead(django_user_model):
    return staff(django_user_model, "Moderation leads")


@pytest.fixture
def outsider(django_user_model):
    """Staff, but in neither moderation group."""
    return staff(django_user_model)


def flagged_case(owner: Owner | None = None, text: str = SECRET) -> Case:
    """A person writes something the safety net flags, which opens a case at once (no worker needed)."""
    owner = owner or Owner(visitor_id=uuid.uuid4())
    if owner.user_id is None and not privacy_selectors.consent_current(owner=owner):
        consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    return Case.objects.get(conversation=conversation)


def act(client: Client, case: Case, action: str, **data):
    return client.post(f"{QUEUE}{case.pk}/act/{action}/", data, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def timeline(case: Case) -> list[str]:
    return [event.kind for event in moderation_selectors.case_timeline(case_id=case.pk)]


async def moderation_socket(client: Client) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if "sessionid" in client.cookies:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/moderation/", headers=headers)


# --- who may ----------------------------------------------------------------------------------------------

# The groups' permissions are checked against docs/moderation.md's table in test_team.py.

ACTIONS = {"claim": {}, "acknowledge": {}, "progress": {}, "resolve": {"outcome": "supported"},
           "assign": {"assignee": "1"}, "note": {"text": "a note"}, "join": {}, "hand-back": {},
           "message": {"text": "hello"}}


def test_staff_outside_the_moderation_groups_get_403_everywhere_and_anonymous_are_sent_to_log_in(outsider):
    client, _ = outsider
    case = flagged_case()
    before = (case.status, case.assignee_id, timeline(case))
    transcript = f"/admin/conversations/conversation/{case.conversation_id}/transcript/"
    pages = [QUEUE, f"{QUEUE}{case.pk}/change/", transcript]

    for url in pages:
        assert client.get(url).status_code == 403, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/"), url
    for action, data in ACTIONS.items():
        url = f"{QUEUE}{case.pk}/act/{action}/"
        assert client.post(url, data).status_code == 403, action
        anonymous = Client().post(url, data)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/"), action
    assert client.post(transcript, {"reason": "I am curious about this one"}).status_code == 403

    case.refresh_from_db()
    assert (case.status, case.assignee_id, timeline(case)) == before
    assert not TranscriptAccess.objects.exists() and not CaseNote.objects.exists()
    assert not Conversation.objects.get(pk=case.conversation_id).assistant_paused


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
async def test_the_moderation_socket_refuses_anyone_but_moderators(who, outsider):
    client = Client() if who == "anonymous" else outsider[0]
    socket = await moderation_socket(client)
    try:
        connected, _ = await socket.connect()
        assert connected
        error = await socket.receive_json_from()
        closed = await socket.receive_output()
    finally:
        await socket.disconnect()

    assert (error["type"], error["code"]) == ("error", "forbidden")
    assert closed == {"type": "websocket.close", "code": 4403}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ('{"type": "case.follow", "case_id": "not-a-uuid"}', "invalid"),
        ('{"type": "dance"}', "invalid"),
        ("{not json", "invalid"),
        ('{"type": "typing", "case_id": "%s", "state": "yes"}' % uuid.uuid4(), "invalid"),
        ('{"type": "typing", "case_id": "%s", "state": true}' % uuid.uuid4(), "forbidden"),
        ('{"type": "case.follow", "case_id": "%s"}' % uuid.uuid4(), "forbidden"),
    ],
    ids=["bad-case-id", "unknown-type", "malformed", "typing-not-bool", "typing-unfollowed", "follow-unknown-case"],
)
async def test_the_moderation_socket_answers_bad_or_unallowed_frames_with_an_error(moderator, frame, code):
    socket = await moderation_socket(moderator[0])
    try:
        assert (await socket.connect())[0]
        await socket.send_to(text_data=frame)
        error = await socket.receive_json_from()
        still_open = await socket.receive_nothing(timeout=0.2)
    finally:
        await socket.disconnect()

    assert (error["type"], error["code"]) == ("error", code) and error["detail"]
    assert still_open


# --- the queue --------------------------------------------------------------------------------------------

def test_the_queue_lists_unresolved_cases_by_priority_without_a_word_anyone_wrote(moderator):
    client, user = moderator
    ideation = case_at("ideation", text="first secret sentence")
    imminent = case_at("imminent", text="second secret sentence")
    behavior = case_at("behavior", text="third secret sentence")
    resolved = case_at("behavior", ("harm_to_others",), text="fourth secret sentence")
    moderation.case_move(case_id=resolved.pk, moderator=user, status="resolved", outcome="not_at_risk")

    queue = client.get(QUEUE)
    listed = re.findall(rf"{QUEUE}([0-9a-f-]{{36}})/change/", queue.content.decode())
    history = client.get(QUEUE, {"status": "resolved"})

    assert queue.status_code == 200
    assert list(dict.fromkeys(listed)) == [str(imminent.pk), str(behavior.pk), str(ideation.pk)]
    for page in (queue, history):
        assert b"secret sentence" not in page.content
    assert str(resolved.pk) in history.content.decode() and str(imminent.pk) not in history.content.decode()
    assert b'title="Risk level: imminent"' in queue.content and b"self harm" in queue.content
    assert b"moderation.js" in queue.content


def test_an_overdue_case_says_so_in_the_queue_in_words_even_after_escalations_moved_its_deadline(moderator):
    client, _ = moderator
    late = case_at("imminent")
    Case.objects.filter(pk=late.pk).update(acknowledge_by=late.opened_at)
    escalated = case_at("ideation")
    # Six escalations: each moved the deadline one SLA on, so it lies ahead; the SLA was still missed.
    Case.objects.filter(pk=escalated.pk).update(status="escalated", escalation_tier=6,
                                                acknowledge_by=escalated.opened_at + timedelta(minutes=15))
    due = case_at("behavior")

    rows = _queue_rows(client.get(QUEUE).content.decode())

    assert "⚠ OVERDUE" in rows[str(late.pk)] and "not yet escalated" in rows[str(late.pk)]
    assert "⚠ OVERDUE" in rows[str(escalated.pk)] and "escalated 6 times" in rows[str(escalated.pk)]
    assert 'data-sla="due"' in rows[str(due.pk)] and "OVERDUE" not in rows[str(due.pk)]


def test_a_queue_row_names_the_case_where_the_person_is_and_the_screening(moderator):
    client, _ = moderator
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner, language="zh", country="CN")
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=SECRET)
    case = Case.objects.get(conversation=conversation)
    Case.objects.filter(pk=case.pk).update(screening={"thoughts": "yes", "method": "no", "intent": "no"})

    row = _queue_rows(client.get(QUEUE).content.decode())[str(case.pk)]

    assert str(case.pk)[:8] in row and "zh · CN" in row and "ago" in row
    assert "thoughts without method, no intent" in row and "self harm" in row


def _queue_rows(html: str) -> dict[str, str]:
    """Each row of the queue's table by its case's id."""
    return {match.group(2): match.group(0) for match in
            re.finditer(rf"<tr[^>]*>((?:(?!</tr>).)*?{QUEUE}([0-9a-f-]{{36}})/change/.*?)</tr>", html, re.S)}


def test_the_case_page_offers_only_what_the_cases_state_allows(moderator, lead):
    client, user = moderator
    lead_client, _ = lead
    case = flagged_case()
    fresh = client.get(f"{QUEUE}{case.pk}/change/").content.decode()

    act(client, case, "claim")
    act(client, case, "progress")
    mine = client.get(f"{QUEUE}{case.pk}/change/").content.decode()
    theirs = lead_client.get(f"{QUEUE}{case.pk}/change/").content.decode()

    assert all(f'value="{name}"' in fresh for name in ("Claim", "Acknowledge", "Mark in progress", "Resolve"))
    assert not any(f'value="{name}"' in mine for name in ("Claim", "Take over", "Acknowledge", "Mark in progress"))
    assert 'value="Resolve"' in mine
    assert 'value="Take over"' in theirs and 'value="Claim"' not in theirs


# --- the case page and its actions ------------------------------------------------------------------------

def test_claim_progress_and_resolve_move_the_case_and_write_its_timeline(moderator):
    client, user = moderator
    case = flagged_case()

    claimed = act(client, case, "claim")
    act(client, case, "progress")
    no_outcome = act(client, case, "resolve")
    resolved = act(client, case, "resolve", outcome="referred")

    case.refresh_from_db()
    assert claimed.status_code == 200 and "You have the case." in page_messages(claimed)
    assert "Choose an outcome to resolve the case." in page_messages(no_outcome)
    assert (case.status, case.outcome, case.assignee_id) == ("resolved", "referred", user.pk)
    assert timeline(case) == ["opened", "claimed", "acknowledged", "status", "resolved"]
    assert [e.actor_id for e in moderation_selectors.case_timeline(case_id=case.pk)][1:] == [user.pk] * 4
    page = resolved.content.decode()
    assert "claimed" in page and "outcome: referred" in page and user.username in page
    assert SECRET not in page


def test_acknowledging_stops_the_sla_clock_and_a_refused_move_is_shown_as_an_error(moderator):
    client, _ = moderator
    case = flagged_case()

    act(client, case, "acknowledge")
    again = act(client, case, "acknowledge")

    case.refresh_from_db()
    assert case.status == "acknowledged" and case.acknowledged_at is not None
    assert any("cannot become acknowledged" in m for m in page_messages(again))
    assert timeline(case) == ["opened", "acknowledged"]


def test_only_leads_assign_and_only_to_moderators(moderator, lead, outsider):
    moderator_client, moderator_user = moderator
    lead_client, _ = lead
    case = flagged_case()

    assert moderator_client.post(f"{QUEUE}{case.pk}/act/assign/", {"assignee": moderator_user.pk}).status_code == 403
    to_outsider = act(lead_client, case, "assign", assignee=outsider[1].pk)
    assigned = act(lead_client, case, "assign", assignee=moderator_user.pk)

    case.refresh_from_db()
    assert "Choose a member of the Moderators group." in page_messages(to_outsider)
    assert case.assignee_id == moderator_user.pk
    assert f"Assigned to {moderator_user.username}." in page_messages(assigned)
    assert moderation_selectors.case_timeline(case_id=case.pk)[-1].detail == {"to": moderator_user.username}
    assert b"Assign to" in assigned.content
    assert b"Assign to" not in moderator_client.get(f"{QUEUE}{case.pk}/change/").content


def test_notes_are_sealed_shown_to_moderators_and_unreadable_once_the_person_erases(moderator):
    client, _ = moderator
    case = flagged_case()

    act(client, case, "note", text="Called the helpline with them")
    empty = act(client, case, "note", text="   ")
    page = client.get(f"{QUEUE}{case.pk}/change/").content.decode()
    note = CaseNote.objects.get()
    conversation = Conversation.objects.get(pk=case.conversation_id)
    privacy.subject_erase(owner=Owner(visitor_id=conversation.visitor_id))
    after = client.get(f"{QUEUE}{case.pk}/change/").content.decode()

    assert "The note is empty." in page_messages(empty)
    assert "Called the helpline with them" in page
    assert b"helpline" not in bytes(note.text_encrypted)
    assert "(unreadable: the person erased their data)" in after and "Called the helpline" not in after
    assert "erased by the person" in after
    assert timeline(case) == ["opened", "note", "erased"]  # the erasure is on the record, by no one on staff


def test_the_transcript_shows_each_messages_emotion_group_and_risk_level(moderator):
    client, _ = moderator
    case = flagged_case()
    message = Message.objects.get(conversation_id=case.conversation_id, role="user")
    services.message_emotion_set(message_id=message.id, emotion=Emotion(
        labels=(LabelScore("sadness", 0.9),), group="sadness", sentiment="negative"))

    read = client.post(f"/admin/conversations/conversation/{case.conversation_id}/transcript/",
                       {"reason": "Reviewing the flag on this case"}).content.decode()

    assert SECRET in read
    assert "· sadness" in read and f"risk: {message.risk['level']}" in read


# --- joining the conversation, live ----------------------------------------------------------------------

async def test_a_new_case_reaches_the_queue_pages_with_an_alert(moderator):
    socket = await moderation_socket(moderator[0])
    try:
        connected, _ = await socket.connect()
        assert connected
        case = await sync_to_async(flagged_case)()
        frame = (await frames_until(socket, lambda f: f["type"] == "case.updated" and "alert" in f, timeout=5))[-1]
    finally:
        await socket.disconnect()

    assert frame["type"] == "case.updated" and frame["alert"] == "opened"
    assert frame["case"]["id"] == str(case.pk) and frame["case"]["level"] == case.level
    assert "I want to die" not in str(frame)


async def test_a_moderator_joins_talks_with_the_person_live_and_hands_back(moderator):
    client, user = moderator
    session_key = await sync_to_async(visitor_session)()
    async with chat_socket(session_key) as person:
        hello = await connect(person)
        conversation = await Conversation.objects.aget(pk=hello["conversation_id"])
        case = await sync_to_async(flagged_case)(Owner(visitor_id=conversation.visitor_id))
        socket = await moderation_socket(client)
        try:
            assert (await socket.connect())[0]
            # Given: nobody has joined yet, so the conversation cannot be watched.
            await socket.send_json_to({"type": "case.follow", "case_id": str(case.pk)})
            refused = await frames_until(socket, lambda f: f["type"] == "error")

            # When: the moderator joins from the case page.
            joined = await sync_to_async(act)(client, case, "join")
            told = await frames_until(person, lambda f: f["type"] == "support.joined")
            await socket.send_json_to({"type": "case.follow", "case_id": str(case.pk)})
            following = await frames_until(socket, lambda f: f["type"] in ("case.following", "error"))

            # The person writes and types; the moderator sees it.
            await person.send_json_to({"type": "message.send", "client_id": str(uuid.uuid4()), "text": "are you real?"})
            seen = await frames_until(socket, lambda f: f["type"] == "message.ack")
            await person.send_json_to({"type": "typing", "state": True})
            person_typing = await frames_until(socket, lambda f: f["type"] == "typing" and f["role"] == "user")

            # The moderator types and writes; the person sees it.
            await socket.send_json_to({"type": "typing", "case_id": str(case.pk), "state": True})
            moderator_typing = await frames_until(person, lambda f: f["type"] == "typing" and f["role"] == "moderator")
            sent = await sync_to_async(client.post)(f"{QUEUE}{case.pk}/act/message/", {"text": "Yes, I'm Sam."},
                                                    HTTP_ACCEPT="application/json")
            to_person = await frames_until(person, lambda f: f["type"] == "message.new")

            # Then the moderator hands back.
            await sync_to_async(act)(client, case, "hand-back")
            left = await frames_until(person, lambda f: f["type"] == "support.left")
            socket_left = await frames_until(socket, lambda f: f["type"] == "support.left")
        finally:
            await socket.disconnect()

    assert refused[-1]["code"] == "forbidden"
    assert joined.status_code == 200 and SECRET in joined.content.decode()
    access = await TranscriptAccess.objects.aget()
    assert (access.reader_id, access.role, access.conversation_id) == (user.pk, "moderator", conversation.id)
    assert await sync_to_async(sealing.unsealed)(TranscriptAccess, "reason_encrypted", access.id,
                                                 access.reason_encrypted) == \
        f"Joined the conversation to support the person (case {str(case.pk)[:8]})"
    assert told[-1] == {"type": "support.joined"}
    assert following[-1] == {"type": "case.following", "case_id": str(case.pk)}
    assert seen[-1]["message"]["text"] == "are you real?" and seen[-1]["message"]["role"] == "user"
    assert person_typing[-1] == {"type": "typing", "role": "user", "state": True}
    assert moderator_typing[-1] == {"type": "typing", "role": "moderator", "state": True}
    assert sent.json() == {"ok": True}
    assert (to_person[-1]["message"]["role"], to_person[-1]["message"]["text"]) == ("moderator", "Yes, I'm Sam.")
    assert left[-1] == {"type": "support.left"} and socket_left[-1] == {"type": "support.left"}
    await case.arefresh_from_db()
    conversation = await Conversation.objects.aget(pk=conversation.pk)
    assert not conversation.assistant_paused and case.status == "in_progress"
    assert await sync_to_async(timeline)(case) == ["opened", "acknowledged", "joined", "message", "handed_back"]


def test_joining_needs_the_permission_to_read_the_conversation(django_user_model):
    # Works cases, but may not read transcripts: no Join button, and a forged Join neither pauses nor shows.
    client, user = staff(django_user_model)
    user.user_permissions.add(Permission.objects.get(codename="work_case"),
                              Permission.objects.get(codename="view_case"))
    case = flagged_case()

    page = client.get(f"{QUEUE}{case.pk}/change/")
    forged = client.post(f"{QUEUE}{case.pk}/act/join/")

    assert page.status_code == 200 and b"Join the conversation" not in page.content
    assert forged.status_code == 403 and SECRET.encode() not in forged.content
    assert not Conversation.objects.get(pk=case.conversation_id).assistant_paused
    assert not TranscriptAccess.objects.exists()


def test_joining_pauses_the_assistant_and_only_a_recorded_reader_may_watch(moderator, django_user_model):
    client, user = moderator
    other, other_user = staff(django_user_model, "Moderators")
    case = flagged_case()

    joined = act(client, case, "join")

    assert Conversation.objects.get(pk=case.conversation_id).assistant_paused
    assert b"Write to the person" in joined.content and SECRET.encode() in joined.content
    assert moderation_selectors.case_followable(case_id=case.pk, reader_id=user.pk) == case.conversation_id
    assert moderation_selectors.case_followable(case_id=case.pk, reader_id=other_user.pk) is None
    # A reload shows no words until the moderator asks again, which is recorded again.
    reloaded = client.get(f"{QUEUE}{case.pk}/change/")
    assert SECRET.encode() not in reloaded.content and b"Show the conversation so far" in reloaded.content
    assert TranscriptAccess.objects.count() == 1


def test_a_moderator_whose_browser_is_chinese_works_the_queue_in_chinese(moderator):
    client, _ = moderator
    case = flagged_case()

    queue = client.get("/admin/conversations/case/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    page = client.get(f"/admin/conversations/case/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    refused = client.post(f"{QUEUE}{case.pk}/act/resolve/", {}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert '<html lang="zh-hans"' in queue and "开启声音和通知" in queue and "等待时间" in queue
    assert all(words in page for words in ("认领", "请选择…", "时间线", "添加备注", f"个案 {str(case.pk)[:8]}"))
    assert "请选择一个结果来解决这个个案。" in page_messages(refused)

"""What a person can do about their data (consent, export, erasure, seeing who read it) and what staff must do
to read it (docs/privacy.md). Through the real HTTP views, the real socket consumer, PostgreSQL and Redis."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conversations import identity
from conversations.chat import selectors, services, store
from conversations.identity import VISITOR_KEY, Owner
from conversations.models import Consent, Conversation, DataKey, Message, TranscriptAccess
from conversations.privacy import keys, notice, sealing
from conversations.privacy import services as privacy
from inference.dialogue.state import DialogueState
from tests.conversations.chat.test_consumers import connect, send_frame, stored_messages
from tests.conversations.conftest import chat_socket, consent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser() -> Client:
    """A visitor's browser that opened the chat page: a session, a visitor id, a CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/").status_code == 200
    return client


def visitor(client: Client) -> Owner:
    return Owner(visitor_id=uuid.UUID(client.session[VISITOR_KEY]))


def post(client: Client, path: str, body) -> tuple[int, dict]:
    response = client.post(path, data=json.dumps(body) if not isinstance(body, bytes) else body,
                           content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return response.status_code, response.json()


def test_before_consent_the_notice_is_offered_and_nothing_is_recorded(browser):
    state = browser.get("/privacy/").json()

    assert state["consent"] is None and state["access"] == []
    assert state["notice"]["version"] == notice.VERSION and state["notice"]["paragraphs"]
    assert [(p["id"], p["required"]) for p in state["notice"]["purposes"]] == [("support", True), ("improve", False)]
    assert not Consent.objects.exists()


def test_consent_is_recorded_with_version_purposes_and_time_and_can_change_and_be_withdrawn(browser):
    status, state = post(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]})
    assert status == 200 and state["consent"]["purposes"] == ["support"]

    status, state = post(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["improve", "support"]})
    assert status == 200 and state["consent"]["purposes"] == ["support", "improve"]
    status, state = post(browser, "/privacy/consent/withdraw", {})

    assert status == 200 and state["consent"] is None
    history = list(Consent.objects.order_by("given_at").values_list("notice_version", "purposes", "withdrawn_at"))
    assert [(v, p) for v, p, _ in history] == [(notice.VERSION, ["support"]), (notice.VERSION, ["support", "improve"])]
    assert all(withdrawn is not None for *_, withdrawn in history)
    assert {c.subject for c in Consent.objects.all()} == {identity.subject_for(visitor(browser))}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "invalid"),
        ({"version": notice.VERSION}, 400, "invalid"),
        ({"version": notice.VERSION, "purposes": ["improve"]}, 400, "invalid"),
        ({"version": notice.VERSION, "purposes": ["support", "marketing"]}, 400, "invalid"),
        ({"version": "2020-01-01", "purposes": ["support"]}, 409, "notice_changed"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "invalid"),
        (b"\xff\xfe{}", 400, "invalid"),
    ],
    ids=["not-json", "no-purposes", "support-missing", "unknown-purpose", "old-notice", "nested-too-deep", "not-utf8"],
)
def test_bad_consent_requests_get_a_clear_error_and_record_nothing(browser, body, status, code):
    got_status, got = post(browser, "/privacy/consent", body)

    assert (got_status, got["error"]["code"]) == (status, code)
    assert got["error"]["detail"]
    assert not Consent.objects.exists()


def test_an_erasure_request_nested_too_deeply_is_a_clear_error_and_erases_nothing(browser):
    got_status, got = post(browser, "/privacy/erase", b'{"confirm": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")

    assert (got_status, got["error"]["code"]) == (400, "confirmation_required")
    assert browser.get("/privacy/").status_code == 200


def test_posts_without_the_csrf_token_are_refused(browser):
    response = browser.post("/privacy/erase", data=json.dumps({"confirm": True}), content_type="application/json")

    assert response.status_code == 403


def test_without_a_session_the_privacy_api_is_forbidden():
    assert Client().get("/privacy/").status_code == 403


async def test_a_message_without_consent_is_refused_and_not_stored(no_workers):
    from tests.conversations.conftest import visitor_session

    session_key = await sync_to_async(visitor_session)(consented=False)
    async with chat_socket(session_key) as socket:
        await connect(socket)
        frame = send_frame("hello?")
        await socket.send_json_to(frame)
        error = await socket.receive_json_from()

    assert (error["type"], error["code"], error["client_id"]) == ("error", "consent_required", frame["client_id"])
    assert await stored_messages() == []


def test_export_holds_everything_decrypted(browser, no_workers):
    post(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]})
    owner = visitor(browser)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                            text="Ünïcode and a secret 🌧")
    with transaction.atomic():
        store.dialogue_save(conversation_id=conversation.id, state=DialogueState(
            phase="exploring", people=("your sister",), strategies=("question",), said=("a1b2c3d4e5f6",)))

    response = browser.get("/privacy/export")
    export = json.loads(response.content)

    assert response["Content-Disposition"].startswith('attachment; filename="emochat-export-')
    assert response["Cache-Control"] == "no-store"
    assert [m["text"] for m in export["conversations"][0]["messages"]] == ["Ünïcode and a secret 🌧"]
    assert export["conversations"][0]["messages"][0]["unreadable"] is False
    assert export["conversations"][0]["dialogue"] == {"language": "en", "phase": "exploring", "people": ["your sister"],
                                                      "topics": [], "feelings": [], "strategies": ["question"]}
    assert export["consents"][0]["purposes"] == ["support"] and export["notice_version"] == notice.VERSION


async def test_erasing_shreds_the_keys_deletes_everything_tells_every_socket_and_starts_a_new_session(no_workers):
    browser = await sync_to_async(Client)(enforce_csrf_checks=True)
    await sync_to_async(browser.get)("/")
    await sync_to_async(post)(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]})
    old_session = browser.cookies["sessionid"].value
    owner = await sync_to_async(visitor)(browser)
    async with chat_socket(old_session) as socket, chat_socket(old_session) as other_tab:
        hello = await connect(socket)
        await connect(other_tab)
        await socket.send_json_to(send_frame("delete me later"))
        await socket.receive_json_from()  # the ack
        await other_tab.receive_json_from()  # the other tab sees it too

        status, body = await sync_to_async(post)(browser, "/privacy/erase", {"confirm": True})
        told = [await socket.receive_json_from(), await other_tab.receive_json_from()]
        closed = [await socket.receive_output(), await other_tab.receive_output()]

    assert (status, body) == (200, {"erased": {"conversations": 1, "messages": 1}})
    assert told == [{"type": "privacy.erased"}] * 2
    assert [c["code"] for c in closed] == [4410, 4410]
    subject = identity.subject_for(owner)
    assert not await DataKey.objects.filter(subject=subject).aexists()
    assert not await Conversation.objects.filter(pk=hello["conversation_id"]).aexists()
    assert await stored_messages() == []
    assert not await Consent.objects.filter(subject=subject).aexists()
    assert browser.cookies["sessionid"].value != old_session
    new_owner = await sync_to_async(visitor)(browser)
    assert new_owner.visitor_id != owner.visitor_id


def test_erasing_needs_an_explicit_confirmation(browser, no_workers):
    post(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]})

    status, body = post(browser, "/privacy/erase", {"confirm": "yes"})

    assert (status, body["error"]["code"]) == (400, "confirmation_required")
    assert Consent.objects.exists()


def test_deleting_an_account_destroys_its_data_keys_first(django_user_model, no_workers):
    user = django_user_model.objects.create_user("member")
    owner = Owner(user_id=user.pk)
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="mine")
    assert DataKey.objects.filter(subject=identity.subject_for(owner)).exists()

    user.delete()

    assert not DataKey.objects.filter(subject=identity.subject_for(owner)).exists()
    assert not Message.objects.exists()


@pytest.fixture
def conversation_with_a_message(browser, no_workers) -> tuple[Client, Conversation]:
    post(browser, "/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]})
    owner = visitor(browser)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                            text="I have not slept in three days")
    return browser, conversation


def staff_client(django_user_model, *, group: str | None, can_read: bool) -> tuple[Client, object]:
    user = django_user_model.objects.create_user(f"staff-{uuid.uuid4().hex[:6]}", password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if can_read:
        user.user_permissions.add(Permission.objects.get(codename="read_transcript"))
    client = Client()
    client.force_login(user)
    return client, user


def test_staff_read_a_transcript_only_after_giving_a_reason_and_the_person_sees_it(
    conversation_with_a_message, django_user_model
):
    browser, conversation = conversation_with_a_message
    staff, user = staff_client(django_user_model, group="Moderators", can_read=True)
    url = f"/admin/conversations/conversation/{conversation.id}/transcript/"

    form = staff.get(url)
    no_reason = staff.post(url, {"reason": "   short "})
    assert form.status_code == 200 and no_reason.status_code == 200
    assert b"three days" not in form.content and b"three days" not in no_reason.content
    assert not TranscriptAccess.objects.exists()
    listing = staff.get("/admin/conversations/conversation/")
    assert listing.status_code == 200 and b"three days" not in listing.content

    read = staff.post(url, {"reason": "Safety review after an automatic flag"})

    assert b"I have not slept in three days" in read.content
    record = TranscriptAccess.objects.get()
    assert (record.reader_id, record.role, record.conversation_id) == (user.pk, "moderator", conversation.id)
    assert sealing.unsealed(TranscriptAccess, "reason_encrypted", record.id,
                              record.reason_encrypted) == "Safety review after an automatic flag"
    assert b"Safety review" not in bytes(record.reason_encrypted)
    access = browser.get("/privacy/").json()["access"]
    assert [a["role"] for a in access] == ["moderator"]


def test_readings_close_together_are_one_visit_in_the_persons_list(conversation_with_a_message, django_user_model):
    browser, conversation = conversation_with_a_message
    _, first = staff_client(django_user_model, group="Moderators", can_read=True)
    _, second = staff_client(django_user_model, group="Moderators", can_read=True)
    reason = "Safety review after an automatic flag"
    for reader in (first, first, second, first):  # join, "show so far", another moderator, back two hours later
        privacy.transcript_open(staff=reader, conversation_id=conversation.id, reason=reason)
    records = list(TranscriptAccess.objects.order_by("at"))
    TranscriptAccess.objects.filter(pk=records[1].pk).update(at=records[0].at + timedelta(minutes=4))
    TranscriptAccess.objects.filter(pk=records[2].pk).update(at=records[0].at + timedelta(minutes=6))
    TranscriptAccess.objects.filter(pk=records[3].pk).update(at=records[0].at + timedelta(hours=2))

    access = browser.get("/privacy/").json()["access"]

    assert [(a["role"], a["times"]) for a in access] == [("moderator", 1), ("moderator", 1), ("moderator", 2)]
    assert access[2]["at"] == records[0].at.isoformat()
    assert access[2]["last_at"] == (records[0].at + timedelta(minutes=4)).isoformat()
    assert TranscriptAccess.objects.count() == 4  # the staff's audit keeps every reading


@pytest.mark.parametrize("reason", ["\u200b" * 12, "1234567890", ". . . . . . . .", "\u200b\u200bok\u200b\u200b\u200b"])
def test_a_reason_without_words_is_no_reason(conversation_with_a_message, django_user_model, reason):
    _, conversation = conversation_with_a_message
    staff, user = staff_client(django_user_model, group="Moderators", can_read=True)

    with pytest.raises(privacy.PrivacyError, match="in words"):
        privacy.transcript_open(staff=user, conversation_id=conversation.id, reason=reason)
    read = staff.post(f"/admin/conversations/conversation/{conversation.id}/transcript/", {"reason": reason})

    assert b"three days" not in read.content
    assert not TranscriptAccess.objects.exists()


def test_the_reading_service_itself_refuses_staff_without_the_permission(conversation_with_a_message,
                                                                          django_user_model):
    _, conversation = conversation_with_a_message
    _, user = staff_client(django_user_model, group=None, can_read=False)

    with pytest.raises(privacy.PrivacyError, match="read_transcript"):
        privacy.transcript_open(staff=user, conversation_id=conversation.id, reason="Safety review after a flag")
    assert not TranscriptAccess.objects.exists()


def test_staff_without_the_permission_cannot_open_a_transcript(conversation_with_a_message, django_user_model):
    _, conversation = conversation_with_a_message
    staff, _ = staff_client(django_user_model, group=None, can_read=False)
    url = f"/admin/conversations/conversation/{conversation.id}/transcript/"

    assert staff.get(url).status_code == 403
    assert staff.post(url, {"reason": "I am curious about this one"}).status_code == 403
    assert Client().get(url).status_code == 302  # to the admin login
    assert not TranscriptAccess.objects.exists()


def test_retention_deletes_old_messages_and_empty_closed_conversations_and_unused_retired_keys(settings, no_workers):
    settings.EMOCHAT_RETENTION_DAYS = 30
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 100
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    old_conversation = services.conversation_open(owner=owner)
    old = services.message_submit(owner=owner, conversation_id=old_conversation.id, client_id=uuid.uuid4(),
                                  text="long ago")
    services.reply_create(reply_to_id=uuid.UUID(old.message["id"]),
                          conversation_id=old_conversation.id, text="a reply long ago")
    services.conversation_restart(owner=owner, conversation_id=old_conversation.id)
    recent_conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=recent_conversation.id, client_id=uuid.uuid4(),
                            text="today")
    long_ago = timezone.now() - timedelta(days=31)
    Message.objects.filter(conversation=old_conversation).update(created_at=long_ago)
    Conversation.objects.filter(pk=old_conversation.pk).update(created_at=long_ago)
    keys.key_replace(identity.subject_for(owner))
    DataKey.objects.filter(state="retired").update(retired_at=long_ago)

    purged = privacy.retention_purge()

    assert (purged.messages, purged.conversations) == (2, 1)
    assert [selectors.message_text(m) for m in Message.objects.all()] == ["today"]
    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent_conversation.pk]
    # The retired key still seals "today", so it stays; nothing else was retired.
    assert purged.retired_keys == 0 and DataKey.objects.filter(state="retired").count() == 1


def test_retired_keys_are_deleted_only_when_unused_and_past_every_cache(settings, no_workers):
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="hi")
    call_command("rotate_keys", "--reencrypt", stdout=io.StringIO())
    retired = DataKey.objects.get(state="retired")

    assert privacy.retired_keys_purge() == 0  # retired just now: another process may still hold it
    assert privacy.retired_keys_purge(now=timezone.now() + timedelta(hours=1)) == 1
    assert not DataKey.objects.filter(pk=retired.pk).exists()
    assert selectors.message_text(Message.objects.get()) == "hi"

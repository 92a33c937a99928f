"""Feedback on replies (docs/protocol.md, "Feedback on replies"): the person marks each of the assistant's replies
helpful or not, with an optional reason, and may change or take it back. It is kept with the reply (the reason
sealed), comes back with the conversation's history, goes with the export and the erasure, and the team sees counts
by strategy and backend. Real PostgreSQL and Redis; the real HTTP views, socket and admin."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from conversations import admission, dispatch, identity
from conversations.chat import replies, selectors, services
from conversations.identity import VISITOR_KEY, Owner
from conversations.models import Conversation, Message, ReplyFeedback
from conversations.privacy import keys, sealing
from conversations.privacy import selectors as privacy_selectors
from conversations.privacy import services as privacy
from tests.conversations.chat.test_consumers import connect, frames_until
from tests.conversations.conftest import chat_socket, consent

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "It told me to talk to my sister, but I said she is the problem"


@pytest.fixture(autouse=True)
def quiet(no_workers, settings):
    """Replies are written by the tests themselves; no worker is needed, and none answers."""
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 1000


def person() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner


def exchange(owner: Owner, text: str = "I can't sleep again", *, reply: str = "That sounds exhausting.",
             strategy: str = "reflection", backend: str = "curated") -> tuple[uuid.UUID, uuid.UUID]:
    """The person writes, the assistant replies: the ids of both messages."""
    conversation = services.conversation_open(owner=owner)
    sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    message_id = uuid.UUID(sent.message["id"])
    services.reply_create(reply_to_id=message_id, conversation_id=conversation.id, text=reply, strategy=strategy,
                          backend=backend)
    return message_id, Message.objects.get(reply_to_id=message_id).pk


def raw_feedback(reply_id: uuid.UUID) -> tuple[bool, bytes, uuid.UUID]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT helpful, reason_encrypted, data_key_id FROM conversations_replyfeedback "
                       "WHERE message_id = %s", [reply_id])
        helpful, sealed, key_id = cursor.fetchone()
    return helpful, bytes(sealed), key_id


# The service.

def test_a_reply_is_marked_helpful_then_changed_to_not_helpful_with_a_reason_in_the_same_row():
    owner = person()
    _, reply_id = exchange(owner)

    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=True)
    first = ReplyFeedback.objects.get()
    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason=f"  {REASON}\u200b ")

    feedback = ReplyFeedback.objects.get()
    assert (first.helpful, feedback.helpful) == (True, False)
    assert feedback.pk == reply_id and feedback.updated_at >= first.updated_at
    assert selectors.feedback_payload(feedback) == {"helpful": False, "reason": REASON,
                                                    "updated_at": feedback.updated_at.isoformat()}


def test_the_reason_is_ciphertext_in_the_database_under_the_person_s_key_bound_to_the_reply():
    owner = person()
    _, reply_id = exchange(owner)
    _, other_reply = exchange(owner, "still awake", reply="What keeps you up?")

    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason=REASON)

    helpful, sealed, key_id = raw_feedback(reply_id)
    assert helpful is False
    assert REASON.encode() not in sealed and b"sister" not in sealed and len(sealed) > len(REASON)
    assert key_id == keys.active_key(identity.subject_for(owner)).id
    # Bound to its row: the same bytes under another reply do not open.
    assert sealing.unsealed(ReplyFeedback, "reason_encrypted", reply_id, sealed) == REASON
    assert sealing.unsealed(ReplyFeedback, "reason_encrypted", other_reply, sealed) is None


def test_someone_else_s_reply_is_not_found_and_nothing_is_stored():
    owner, stranger = person(), person()
    _, reply_id = exchange(owner)

    with pytest.raises(services.FeedbackError) as refused:
        services.reply_feedback_set(owner=stranger, message_id=reply_id, helpful=False, reason="rubbish")
    with pytest.raises(services.FeedbackError) as missing:
        services.reply_feedback_set(owner=owner, message_id=uuid.uuid4(), helpful=True)

    assert refused.value.code == missing.value.code == "not_found"
    assert not ReplyFeedback.objects.exists()


def test_only_the_assistant_s_replies_take_feedback():
    owner = person()
    message_id, _ = exchange(owner)

    with pytest.raises(services.FeedbackError) as refused:
        services.reply_feedback_set(owner=owner, message_id=message_id, helpful=True)

    assert refused.value.code == "not_a_reply"
    assert not ReplyFeedback.objects.exists()


def test_a_reason_is_500_visible_characters_at_most():
    owner = person()
    _, reply_id = exchange(owner)

    # Invisible characters are not writing: 500 letters padded with zero-width spaces are 500.
    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason="a\u200b" * 500)
    with pytest.raises(services.FeedbackError) as refused:
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason="b" * 501)

    assert refused.value.code == "too_long"
    assert selectors.reply_feedback(Message.objects.get(pk=reply_id))["reason"] == "a" * 500


def test_feedback_can_be_taken_back():
    owner = person()
    _, reply_id = exchange(owner)
    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=True)

    assert services.reply_feedback_clear(owner=owner, message_id=reply_id) is True
    assert services.reply_feedback_clear(owner=owner, message_id=reply_id) is False
    assert not ReplyFeedback.objects.exists()


def test_without_consent_no_feedback_is_kept():
    owner = person()
    _, reply_id = exchange(owner)
    privacy.consent_withdraw(owner=owner)

    with pytest.raises(services.FeedbackError) as refused:
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason=REASON)

    assert refused.value.code == "consent_required"
    assert not ReplyFeedback.objects.exists()


def test_changes_of_feedback_are_limited_per_person(monkeypatch):
    owner = person()
    _, reply_id = exchange(owner)
    monkeypatch.setattr(admission, "FEEDBACK_PER_MINUTE", 3)
    for helpful in (True, False, True):
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=helpful)

    with pytest.raises(services.FeedbackError) as refused:
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False)

    assert refused.value.code == "rate_limited"
    assert ReplyFeedback.objects.get().helpful is True


# History, export, erasure, retention, rotation.

def test_the_history_a_page_loads_carries_each_reply_s_feedback():
    owner = person()
    _, liked = exchange(owner, "first", reply="one")
    _, disliked = exchange(owner, "second", reply="two")
    _, unmarked = exchange(owner, "third", reply="three")
    services.reply_feedback_set(owner=owner, message_id=liked, helpful=True)
    services.reply_feedback_set(owner=owner, message_id=disliked, helpful=False, reason=REASON)

    conversation_id = services.conversation_open(owner=owner).id
    frames = {f["message"]["id"]: f["message"] for f in selectors.replay(conversation_id=conversation_id, after_seq=0)
              if f["type"] in ("message.ack", "reply.end")}

    assert frames[str(liked)]["feedback"]["helpful"] is True and frames[str(liked)]["feedback"]["reason"] == ""
    assert frames[str(disliked)]["feedback"]["helpful"] is False
    assert frames[str(disliked)]["feedback"]["reason"] == REASON
    assert frames[str(unmarked)]["feedback"] is None
    assert all("feedback" not in m for m in frames.values() if m["role"] == "user")


async def test_a_page_that_reconnects_and_resumes_sees_the_feedback_it_gave(session_key):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to({"type": "message.send", "client_id": str(uuid.uuid4()), "text": "hello there"})
        ack = (await frames_until(socket, lambda f: f["type"] == "message.ack"))[-1]

    @database_sync_to_async
    def reply_and_mark() -> uuid.UUID:
        message = Message.objects.select_related("conversation").get(pk=ack["message"]["id"])
        services.reply_create(reply_to_id=message.pk, conversation_id=message.conversation_id, text="Hello.",
                              strategy="question", backend="fake")
        reply = Message.objects.get(reply_to=message)
        owner = Owner(visitor_id=message.conversation.visitor_id)
        services.reply_feedback_set(owner=owner, message_id=reply.pk, helpful=False, reason="too short")
        return reply.pk

    reply_id = await reply_and_mark()
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to({"type": "resume", "after_seq": 0})
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end")

    end = frames[-1]["message"]
    assert end["id"] == str(reply_id)
    assert (end["feedback"]["helpful"], end["feedback"]["reason"]) == (False, "too short")


def test_the_export_holds_each_reply_s_feedback_with_its_reason_decrypted():
    owner = person()
    _, liked = exchange(owner, "first", reply="one")
    _, disliked = exchange(owner, "second", reply="two")
    exchange(owner, "third", reply="three")
    services.reply_feedback_set(owner=owner, message_id=liked, helpful=True)
    services.reply_feedback_set(owner=owner, message_id=disliked, helpful=False, reason=REASON)

    messages = privacy_selectors.export_for(owner=owner)["conversations"][0]["messages"]

    replies_exported = [m for m in messages if m["role"] == "assistant"]
    assert [(m["text"], m["feedback"] and (m["feedback"]["helpful"], m["feedback"]["reason"]))
            for m in replies_exported] == [("one", (True, "")), ("two", (False, REASON)), ("three", None)]
    assert all("feedback" not in m for m in messages if m["role"] == "user")


def test_erasure_removes_the_feedback_and_leaves_other_people_s():
    owner, other = person(), person()
    _, reply_id = exchange(owner)
    _, other_reply = exchange(other)
    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason=REASON)
    services.reply_feedback_set(owner=other, message_id=other_reply, helpful=True)
    _, sealed, _ = raw_feedback(reply_id)

    privacy.subject_erase(owner=owner)

    assert list(ReplyFeedback.objects.values_list("pk", flat=True)) == [other_reply]
    # A copy kept elsewhere (a backup) is unreadable: the key went first.
    assert sealing.unsealed(ReplyFeedback, "reason_encrypted", reply_id, sealed) is None


def test_retention_deletes_feedback_with_its_old_reply(settings):
    settings.EMOCHAT_RETENTION_DAYS = 30
    owner = person()
    _, old_reply = exchange(owner, "long ago", reply="old")
    services.reply_feedback_set(owner=owner, message_id=old_reply, helpful=True)
    conversation = Conversation.objects.get()
    services.conversation_restart(owner=owner, conversation_id=conversation.id)
    _, recent_reply = exchange(owner, "today", reply="new")
    services.reply_feedback_set(owner=owner, message_id=recent_reply, helpful=False, reason="meh")
    long_ago = timezone.now() - timedelta(days=31)
    Message.objects.filter(conversation=conversation).update(created_at=long_ago)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=long_ago)

    purged = privacy.retention_purge()

    assert (purged.messages, purged.conversations) == (2, 1)
    assert list(ReplyFeedback.objects.values_list("pk", flat=True)) == [recent_reply]


def test_key_rotation_reseals_the_reason_which_still_reads():
    owner = person()
    _, reply_id = exchange(owner)
    services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=False, reason=REASON)
    _, before, old_key = raw_feedback(reply_id)

    call_command("rotate_keys", "--reencrypt", stdout=io.StringIO())

    _, after, new_key = raw_feedback(reply_id)
    assert new_key != old_key and after != before
    assert selectors.reply_feedback(Message.objects.get(pk=reply_id))["reason"] == REASON


# The team's counts.

def test_counts_are_by_strategy_and_backend_and_hold_no_reason():
    owner = person()
    marks = [("reflection", "curated", True), ("reflection", "curated", False), ("reflection", "openai", True),
             ("question", "curated", False), ("", "", True)]
    for index, (strategy, backend, helpful) in enumerate(marks):
        _, reply_id = exchange(owner, f"message {index}", reply=f"reply {index}", strategy=strategy, backend=backend)
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=helpful, reason=REASON)
    exchange(owner, "unmarked", strategy="question", backend="openai")

    counts = selectors.feedback_counts()

    assert [(c.strategy, c.backend, c.helpful, c.not_helpful) for c in counts] == [
        ("", "", 1, 0), ("question", "curated", 0, 1), ("reflection", "curated", 1, 1), ("reflection", "openai", 1, 0)]


def test_a_reply_records_the_backend_that_wrote_it_and_the_library_when_it_replaced_it(monkeypatch):
    owner = person()
    conversation = services.conversation_open(owner=owner)

    def answered(text: str) -> Message:
        sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                                       text=text)
        dispatch.run_here("conversations.tasks.message_respond", sent.message["id"])
        return Message.objects.get(reply_to_id=sent.message["id"])

    generated = answered("I had a long day at work")

    def down(request):
        raise ConnectionError("the endpoint is down")

    monkeypatch.setattr(replies, "reply_pieces", down)
    replaced = answered("and my boss shouted at me")

    assert (generated.backend, replaced.backend) == ("fake", "curated")
    assert generated.strategy and replaced.strategy


# Over HTTP, as the page asks.

@pytest.fixture
def browser() -> Client:
    """A visitor's browser that opened the chat page and agreed to the notice."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/").status_code == 200
    consent(Owner(visitor_id=uuid.UUID(client.session[VISITOR_KEY])))
    return client


def owner_of(client: Client) -> Owner:
    return Owner(visitor_id=uuid.UUID(client.session[VISITOR_KEY]))


def post(client: Client, reply_id, body, *, csrf: bool = True) -> tuple[int, dict]:
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value} if csrf else {}
    response = client.post(f"/replies/{reply_id}/feedback", data=body if isinstance(body, bytes) else json.dumps(body),
                           content_type="application/json", **headers)
    return response.status_code, (response.json() if response["Content-Type"] == "application/json" else {})


def test_the_page_sets_changes_and_takes_back_feedback(browser):
    _, reply_id = exchange(owner_of(browser))

    helpful = post(browser, reply_id, {"helpful": True})
    changed = post(browser, reply_id, {"helpful": False, "reason": REASON})
    stored = ReplyFeedback.objects.get()
    cleared = post(browser, reply_id, {"helpful": None})

    assert helpful[0] == 200 and helpful[1]["feedback"]["helpful"] is True
    assert changed == (200, {"feedback": {"helpful": False, "reason": REASON,
                                          "updated_at": stored.updated_at.isoformat()}})
    assert cleared == (200, {"feedback": None})
    assert not ReplyFeedback.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "invalid"),
        ({}, 400, "invalid"),
        ({"helpful": "yes"}, 400, "invalid"),
        ({"helpful": False, "reason": 42}, 400, "invalid"),
        ({"helpful": False, "reason": "x" * 501}, 400, "too_long"),
        (b'{"helpful": false, "reason": "bad \\ud800 surrogate"}', 400, "invalid"),
    ],
    ids=["not-json", "no-choice", "choice-not-bool", "reason-not-text", "reason-too-long", "lone-surrogate"],
)
def test_bad_feedback_requests_get_a_clear_error_and_store_nothing(browser, body, status, code):
    _, reply_id = exchange(owner_of(browser))

    got_status, got = post(browser, reply_id, body)

    assert (got_status, got["error"]["code"]) == (status, code) and got["error"]["detail"]
    assert not ReplyFeedback.objects.exists()


def test_feedback_on_what_is_not_one_s_own_reply_is_refused(browser):
    message_id, _ = exchange(owner_of(browser))
    _, strangers_reply = exchange(person())

    assert post(browser, strangers_reply, {"helpful": False})[1]["error"]["code"] == "not_found"
    assert post(browser, strangers_reply, {"helpful": None})[0] == 404
    assert post(browser, message_id, {"helpful": True})[1]["error"]["code"] == "not_a_reply"
    assert not ReplyFeedback.objects.exists()


def test_feedback_needs_a_session_and_the_csrf_token(browser):
    _, reply_id = exchange(owner_of(browser))

    assert post(browser, reply_id, {"helpful": True}, csrf=False)[0] == 403
    assert Client().post(f"/replies/{reply_id}/feedback", data="{}", content_type="application/json").status_code == 403
    assert browser.get(f"/replies/{reply_id}/feedback").status_code == 405
    assert not ReplyFeedback.objects.exists()


# The team's page in the admin.

def test_the_admin_shows_counts_and_never_a_reason(django_user_model):
    owner = person()
    for index, helpful in enumerate((True, False, False)):
        _, reply_id = exchange(owner, f"message {index}", reply=f"reply {index}")
        services.reply_feedback_set(owner=owner, message_id=reply_id, helpful=helpful, reason=REASON)
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("admin"))
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    outsider = Client()
    outsider.force_login(staff)

    page = admin.get("/admin/conversations/replyfeedback/")
    index = admin.get("/admin/").content.decode()

    html = page.content.decode()
    assert page.status_code == 200
    assert '<tr data-strategy="reflection" data-backend="curated">' in html
    assert "<td>1</td>" in html and "<td>2</td>" in html and "33%" in html
    assert "sister" not in html and REASON not in html
    assert "/admin/conversations/replyfeedback/" in index
    assert admin.get(f"/admin/conversations/replyfeedback/{reply_id}/change/").status_code == 404
    assert outsider.get("/admin/conversations/replyfeedback/").status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_replyfeedback"))
    assert outsider.get("/admin/conversations/replyfeedback/").status_code == 200
    # The reasons are in the transcript, read after giving a reason for reading it.
    transcript = admin.post(f"/admin/conversations/conversation/{Conversation.objects.get().pk}/transcript/",
                            {"reason": "Reviewing replies people found unhelpful"}).content.decode()
    assert REASON in transcript and "The person found this helpful" in transcript

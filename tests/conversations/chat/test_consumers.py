"""The chat socket, frame by frame (docs/protocol.md), in-process against real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from conversations import identity
from conversations.chat import events, protocol, store, throttle
from conversations.models import Conversation, Message
from conversations.privacy import sealing
from tests.conversations.conftest import chat_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(socket) -> dict:
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return hello


async def frames_until(socket, predicate, timeout: float = 10) -> list[dict]:
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = await socket.receive_json_from(timeout=timeout)
            frames.append(frame)
            if predicate(frame):
                return frames


def send_frame(text: str = "I feel so sad and lonely today", client_id: str | None = None) -> dict:
    return {"type": "message.send", "client_id": client_id or str(uuid.uuid4()), "text": text}


@database_sync_to_async
def stored_messages() -> list[Message]:
    return list(Message.objects.order_by("conversation_id", "seq"))


async def test_connect_says_hello_with_a_fresh_conversation(session_key):
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)

    conversation = await Conversation.objects.aget(pk=hello["conversation_id"])
    assert hello["last_seq"] == 0
    assert conversation.status == "open"


async def test_socket_without_a_session_is_told_forbidden_and_closed(transactional_db):
    async with chat_socket(None) as socket:
        connected, _ = await socket.connect()
        assert connected
        error = await socket.receive_json_from()
        closed = await socket.receive_output()

    assert error["type"] == "error" and error["code"] == "forbidden"
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_socket_from_a_foreign_origin_is_refused(session_key):
    async with chat_socket(session_key, origin="https://evil.example") as socket:
        connected, _ = await socket.connect()

    assert not connected


async def test_message_is_acked_then_emotion_then_streamed_reply(session_key, in_process_tasks):
    frame = send_frame("I feel so sad and lonely today")
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(frame)
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end")

    kinds = [f["type"] for f in frames]
    assert kinds[0] == "message.ack"
    ack = frames[0]
    assert ack["client_id"] == frame["client_id"]
    assert ack["message"]["role"] == "user"
    assert ack["message"]["seq"] == 1
    assert ack["message"]["text"] == frame["text"]
    assert ack["message"]["client_id"] == frame["client_id"]
    assert ack["message"]["emotion"] is None

    emotion = next(f for f in frames if f["type"] == "message.emotion")
    assert emotion["message_id"] == ack["message"]["id"]
    assert emotion["seq"] == 2
    assert emotion["group"] == "sadness"
    assert emotion["sentiment"] == "negative"
    assert emotion["labels"][0]["label"] == "sadness"

    start = next(f for f in frames if f["type"] == "reply.start")
    deltas = [f for f in frames if f["type"] == "reply.delta"]
    end = frames[-1]
    assert start["reply_to"] == ack["message"]["id"]
    assert len(deltas) > 3
    assert {d["message_id"] for d in deltas} == {start["message_id"]}
    assert end["message"]["id"] == start["message_id"]
    assert end["message"]["role"] == "assistant"
    assert end["message"]["seq"] == 3
    assert end["message"]["reply_to"] == ack["message"]["id"]
    assert end["message"]["text"] == "".join(d["text"] for d in deltas)
    assert {"type": "typing", "role": "assistant", "state": True} in frames
    assert kinds.index("message.emotion") < kinds.index("reply.start") < kinds.index("reply.delta")


async def test_resending_a_client_id_gets_the_same_ack_and_stores_nothing_new(session_key, no_workers):
    frame = send_frame("first try")
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(frame)
        first = await socket.receive_json_from()
        await socket.send_json_to({**frame, "text": "a different text under the same id"})
        second = await socket.receive_json_from()

    assert first == second
    assert len(await stored_messages()) == 1


async def test_resume_replays_every_event_after_the_given_seq_in_order(session_key, in_process_tasks):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("I am so happy, great news"))
        await frames_until(socket, lambda f: f["type"] == "reply.end")

    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
        await socket.send_json_to({"type": "resume", "after_seq": 0})
        everything = [await socket.receive_json_from() for _ in range(3)]
        await socket.send_json_to({"type": "resume", "after_seq": 2})
        tail = await socket.receive_json_from()
        assert await socket.receive_nothing(timeout=0.3)

    assert hello["last_seq"] == 3
    assert [f["type"] for f in everything] == ["message.ack", "message.emotion", "reply.end"]
    assert everything[0]["message"]["text"] == "I am so happy, great news"
    assert everything[0]["message"]["emotion"]["group"] == "joy"
    assert everything[1]["seq"] == 2
    assert tail == everything[2]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid"),
        ("[1, 2]", "invalid"),
        ('{"type": "dance"}', "invalid"),
        ('{"type": "message.send", "client_id": "not-a-uuid", "text": "hi"}', "invalid"),
        ('{"type": "message.send", "client_id": "%s", "text": ""}', "invalid"),
        ('{"type": "message.send", "client_id": "%s", "text": "   \\n "}', "invalid"),
        ('{"type": "message.send", "client_id": "%s", "text": 42}', "invalid"),
        ('{"type": "message.send", "client_id": "%s", "text": "bad \\ud800 surrogate"}', "invalid"),
        ('{"type": "message.send", "client_id": "%s", "text": "' + "x" * 4001 + '"}', "too_long"),
        ('{"type": "resume", "after_seq": -1}', "invalid"),
        ('{"type": "resume", "after_seq": "3"}', "invalid"),
        ('{"type": "typing", "state": "yes"}', "invalid"),
    ],
    ids=["malformed-json", "not-an-object", "unknown-type", "bad-client-id", "empty-text", "blank-text",
         "text-not-a-string", "lone-surrogate", "too-long", "negative-seq", "seq-not-a-number", "typing-not-bool"],
)
async def test_bad_input_gets_a_clear_error_stores_nothing_and_keeps_the_socket(session_key, no_workers, raw, code):
    client_id = str(uuid.uuid4())
    raw = raw.replace("%s", client_id)
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_to(text_data=raw)
        error = await socket.receive_json_from()
        await socket.send_json_to(send_frame("still here"))
        ack = await socket.receive_json_from()

    assert error["type"] == "error"
    assert error["code"] == code
    assert error["detail"]
    if '"client_id": "' + client_id in raw:
        assert error["client_id"] == client_id
    assert ack["type"] == "message.ack"
    assert [m.id for m in await stored_messages()] == [uuid.UUID(ack["message"]["id"])]


async def test_binary_frame_that_is_not_utf8_is_invalid(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_to(bytes_data=b"\xff\xfe{")
        error = await socket.receive_json_from()

    assert error["code"] == "invalid"
    assert await stored_messages() == []


async def test_a_text_of_exactly_4000_characters_is_accepted(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("é" * 4000))
        ack = await socket.receive_json_from()

    assert ack["type"] == "message.ack"
    assert ack["message"]["text"] == "é" * 4000


async def test_more_than_20_messages_a_minute_is_rate_limited(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        for n in range(20):
            await socket.send_json_to(send_frame(f"message {n}"))
            assert (await socket.receive_json_from())["type"] == "message.ack"
        limited = send_frame("one too many")
        await socket.send_json_to(limited)
        error = await socket.receive_json_from()

    assert error["code"] == "rate_limited"
    assert error["client_id"] == limited["client_id"]
    assert len(await stored_messages()) == 20


async def test_naming_another_conversation_is_forbidden_and_closes(session_key, other_session_key, no_workers):
    async with chat_socket(other_session_key) as theirs:
        their_hello = await connect(theirs)
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to({**send_frame("hi"), "conversation_id": their_hello["conversation_id"]})
        error = await socket.receive_json_from()
        closed = await socket.receive_output()

    assert error["code"] == "forbidden"
    assert closed == {"type": "websocket.close", "code": 4403}
    assert await stored_messages() == []


async def test_events_never_reach_another_visitors_socket(session_key, other_session_key, in_process_tasks):
    async with chat_socket(session_key) as mine, chat_socket(other_session_key) as theirs:
        mine_hello, their_hello = await connect(mine), await connect(theirs)
        await mine.send_json_to(send_frame("I feel anxious"))
        await frames_until(mine, lambda f: f["type"] == "reply.end")

        assert mine_hello["conversation_id"] != their_hello["conversation_id"]
        assert await theirs.receive_nothing(timeout=0.5)


async def test_two_tabs_share_the_conversation_and_both_follow_a_new_one(session_key, no_workers):
    async with chat_socket(session_key) as tab1, chat_socket(session_key) as tab2:
        first = await connect(tab1)
        assert (await connect(tab2))["conversation_id"] == first["conversation_id"]
        await tab1.send_json_to(send_frame("something to close"))
        await frames_until(tab1, lambda f: f["type"] == "message.ack")

        await tab1.send_json_to({"type": "conversation.new"})
        hello1 = await frames_until(tab1, lambda f: f["type"] == "hello")
        hello2 = await frames_until(tab2, lambda f: f["type"] == "hello")
        hello1, hello2 = hello1[-1], hello2[-1]

    assert hello1["type"] == hello2["type"] == "hello"
    assert hello1["conversation_id"] == hello2["conversation_id"] != first["conversation_id"]
    assert hello1["last_seq"] == 0
    old = await Conversation.objects.aget(pk=first["conversation_id"])
    assert old.status == "closed" and old.closed_at is not None


async def test_an_event_of_a_conversation_the_socket_has_left_is_not_shown_in_the_new_one(session_key, no_workers):
    """A reply still streaming for the conversation the person just left may already be queued for their socket:
    it must not appear in the conversation they moved to."""
    async with chat_socket(session_key) as socket:
        first = await connect(socket)
        await socket.send_json_to(send_frame("something to leave"))
        await frames_until(socket, lambda f: f["type"] == "message.ack")
        await socket.send_json_to({"type": "conversation.new"})
        hello = (await frames_until(socket, lambda f: f["type"] == "hello"))[-1]
        message = {"id": str(uuid.uuid4()), "seq": 2, "role": "assistant", "text": "a late reply",
                   "created_at": "", "client_id": None, "reply_to": None, "emotion": None}
        layer = get_channel_layer()

        # Delivered to the socket (its new group), stamped with the conversation it left.
        await layer.group_send(events.group_name(hello["conversation_id"]),
                               events.envelope(first["conversation_id"], events.reply_end(message=message)))
        assert await socket.receive_nothing(timeout=0.3)
        await layer.group_send(events.group_name(hello["conversation_id"]),
                               events.envelope(hello["conversation_id"], events.typing(role="assistant", state=True)))
        arrived = await socket.receive_json_from()

    assert arrived["type"] == "typing", "events of the conversation it is in still arrive"


async def test_a_message_sent_in_one_tab_is_acked_once_in_each_tab(session_key, no_workers):
    sent = send_frame("hello from the first tab")
    async with chat_socket(session_key) as tab1, chat_socket(session_key) as tab2:
        await connect(tab1)
        await connect(tab2)
        await tab1.send_json_to(sent)
        mine, theirs = await tab1.receive_json_from(timeout=5), await tab2.receive_json_from(timeout=5)
        assert await tab1.receive_nothing(timeout=0.5)  # the group's copy of its own ack is not sent again
        assert await tab2.receive_nothing(timeout=0.1)

    assert mine == theirs
    assert mine["type"] == "message.ack" and mine["client_id"] == sent["client_id"]


async def test_the_other_tab_gets_a_crisis_message_and_its_scripted_reply_in_order(session_key, no_workers):
    async with chat_socket(session_key) as tab1, chat_socket(session_key) as tab2:
        await connect(tab1)
        await connect(tab2)
        await tab1.send_json_to(send_frame("I want to end my life tonight"))
        await frames_until(tab1, lambda f: f["type"] == "reply.end")
        frames = await frames_until(tab2, lambda f: f["type"] == "reply.end")
        assert await tab2.receive_nothing(timeout=0.5)

    numbered = [(f["type"], f["message"]["seq"]) for f in frames if f["type"] in ("message.ack", "reply.end")]
    assert numbered == [("message.ack", 1), ("reply.end", 2)]
    assert "crisis.resources" in [f["type"] for f in frames]


async def test_own_typing_is_not_echoed(session_key, no_workers):
    async with chat_socket(session_key) as tab1, chat_socket(session_key) as tab2:
        await connect(tab1)
        await connect(tab2)
        await tab1.send_json_to({"type": "typing", "state": True})

        assert await tab2.receive_nothing(timeout=0.5)


async def test_no_reply_in_time_tells_the_person_and_keeps_the_message(session_key, no_workers, settings):
    settings.EMOCHAT_REPLY_TIMEOUT = 1
    frame = send_frame("is anyone there?")
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(frame)
        ack = await socket.receive_json_from()
        error = await socket.receive_json_from(timeout=5)

    assert ack["type"] == "message.ack"
    assert error["code"] == "unavailable"
    assert error["client_id"] == frame["client_id"]
    assert [m.client_id for m in await stored_messages()] == [uuid.UUID(frame["client_id"])]


async def test_a_page_that_reconnects_is_told_when_the_reply_it_waits_for_is_late(session_key, no_workers,
                                                                                    settings):
    settings.EMOCHAT_REPLY_TIMEOUT = 2
    frame = send_frame("is anyone there?")
    async with chat_socket(session_key) as dropped:
        await connect(dropped)
        await dropped.send_json_to(frame)
        assert (await dropped.receive_json_from())["type"] == "message.ack"
    # The connection dropped before the reply's time was up; the page comes back on a new socket.
    async with chat_socket(session_key) as back:
        await connect(back)
        error = await back.receive_json_from(timeout=5)

    assert (error["type"], error["code"], error["client_id"]) == ("error", "unavailable", frame["client_id"])


async def test_a_page_that_reconnects_to_an_answered_conversation_is_told_nothing(session_key, in_process_tasks,
                                                                                  settings):
    settings.EMOCHAT_REPLY_TIMEOUT = 1
    async with chat_socket(session_key) as first:
        await connect(first)
        await first.send_json_to(send_frame("hello there"))
        await frames_until(first, lambda f: f["type"] == "reply.end")
    async with chat_socket(session_key) as back:
        await connect(back)

        assert await back.receive_nothing(timeout=2)


async def test_frames_are_json_objects_with_a_type(session_key, in_process_tasks):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("thanks, that helped"))
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end")

    for frame in frames:
        assert json.loads(json.dumps(frame)) == frame
        assert isinstance(frame["type"], str)


async def test_an_event_that_overtakes_an_earlier_one_is_held_until_it_arrives(session_key):
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
        group = events.group_name(hello["conversation_id"])
        message = {"id": str(uuid.uuid4()), "seq": 1, "role": "user", "text": "x", "created_at": "",
                   "client_id": None, "reply_to": None, "emotion": None}
        emotion = events.message_emotion(message_id=message["id"], seq=2,
                                         emotion={"labels": [], "group": "neutral", "sentiment": "neutral"})
        layer = get_channel_layer()
        await layer.group_send(group, {"type": events.CHAT_EVENT, "event": emotion})
        assert await socket.receive_nothing(timeout=0.3)
        await layer.group_send(group, {"type": events.CHAT_EVENT, "event": events.message_ack(message=message)})
        first, second = await socket.receive_json_from(), await socket.receive_json_from()
        await layer.group_send(group, {"type": events.CHAT_EVENT, "event": emotion})  # a duplicate
        assert await socket.receive_nothing(timeout=0.3)

    assert (first["type"], second["type"]) == ("message.ack", "message.emotion")


@database_sync_to_async
def store_silently(conversation_id: str) -> Message:
    """A message and its emotion, stored as seq 1 and 2 with no broadcast (as if the channel layer had blipped)."""
    message_id = uuid.uuid4()
    Conversation.objects.filter(pk=conversation_id).update(last_seq=2)
    sealed, key_id = sealing.seal("lost in transit", model=Message, column="text_encrypted", row_id=message_id,
                                  subject=identity.subject_of_conversation(uuid.UUID(conversation_id)))
    return Message.objects.create(
        id=message_id, conversation_id=conversation_id, seq=1, role="user", text_encrypted=sealed,
        data_key_id=key_id, emotion={"labels": [], "group": "neutral", "sentiment": "neutral"}, emotion_seq=2,
    )


async def test_a_gap_that_does_not_fill_itself_is_read_from_the_database(session_key):
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
        message = await store_silently(hello["conversation_id"])
        emotion = events.message_emotion(message_id=message.id, seq=2, emotion=message.emotion)
        await get_channel_layer().group_send(events.group_name(hello["conversation_id"]),
                                             {"type": events.CHAT_EVENT, "event": emotion})
        frames = [await socket.receive_json_from(timeout=5), await socket.receive_json_from(timeout=5)]
        assert await socket.receive_nothing(timeout=0.5)

    assert [f["type"] for f in frames] == ["message.ack", "message.emotion"]
    assert frames[0]["message"]["text"] == "lost in transit"
    assert frames[1]["seq"] == 2


async def test_a_logged_in_users_conversation_belongs_to_their_account(member_session_key):
    session_key, user_id = member_session_key
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)

    conversation = await Conversation.objects.aget(pk=hello["conversation_id"])
    assert conversation.user_id == user_id
    assert conversation.visitor_id is None


@database_sync_to_async
def store_moderator_message(conversation_id: str, text: str) -> dict:
    with transaction.atomic():
        message = store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation_id,
                                       role="moderator", text=text)
        payload = events.message_payload(message, text=text)
        events.broadcast_on_commit(conversation_id, events.message_new(message=payload))
        events.broadcast_on_commit(conversation_id, events.typing(role="moderator", state=False))
    return payload


async def test_messages_and_typing_from_someone_else_arrive_live_and_on_replay(session_key):
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
        await get_channel_layer().group_send(
            events.group_name(hello["conversation_id"]),
            {"type": events.CHAT_EVENT, "event": events.typing(role="moderator", state=True)},
        )
        typing_on = await socket.receive_json_from()
        stored = await store_moderator_message(hello["conversation_id"], "Hi, I'm Sam from the support team.")
        live = await socket.receive_json_from()
        typing_off = await socket.receive_json_from()
        await socket.send_json_to({"type": "resume", "after_seq": 0})
        replayed = await socket.receive_json_from()

    assert typing_on == {"type": "typing", "role": "moderator", "state": True}
    assert live == {"type": "message.new", "message": stored}
    assert live["message"]["role"] == "moderator" and live["message"]["seq"] == 1
    assert typing_off["state"] is False
    assert replayed == live


async def test_socket_from_the_same_host_on_another_port_is_refused(session_key):
    async with chat_socket(session_key, origin="http://localhost:3000", host="localhost:8000") as socket:
        connected, _ = await socket.connect()

    assert not connected


async def test_a_new_conversation_from_an_empty_one_keeps_it(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        first = await connect(socket)
        await socket.send_json_to({"type": "conversation.new"})
        hello = await socket.receive_json_from()

    assert hello["type"] == "hello" and hello["conversation_id"] == first["conversation_id"]
    assert await Conversation.objects.acount() == 1


async def test_new_conversations_are_limited_per_hour_and_the_current_one_stays(session_key, no_workers, settings):
    settings.EMOCHAT_CONVERSATIONS_PER_HOUR = 3
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
        for _ in range(2):  # the first conversation and two more make three this hour
            await socket.send_json_to(send_frame("a few words"))
            await frames_until(socket, lambda f: f["type"] == "message.ack")
            await socket.send_json_to({"type": "conversation.new"})
            hello = (await frames_until(socket, lambda f: f["type"] == "hello"))[-1]
        await socket.send_json_to(send_frame("and a few more"))
        await frames_until(socket, lambda f: f["type"] == "message.ack")

        await socket.send_json_to({"type": "conversation.new"})
        refused = await frames_until(socket, lambda f: f["type"] in ("error", "hello"))

    assert refused[-1]["type"] == "error" and refused[-1]["code"] == "rate_limited"
    assert await Conversation.objects.acount() == 3
    assert (await Conversation.objects.aget(pk=hello["conversation_id"])).status == "open"


async def test_a_flood_of_frames_is_refused_then_the_socket_is_closed(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        for _ in range(throttle.FRAME_RATES["typing"].amount + throttle.FRAMES_REFUSED_BEFORE_CLOSE + 2):
            await socket.send_json_to({"type": "typing", "state": True})
        frames = []
        while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
            frames.append(json.loads(output["text"]))

    assert output["code"] == protocol.CLOSE_TOO_MUCH
    assert frames and {(f["type"], f["code"]) for f in frames} == {("error", "rate_limited")}


async def test_resumes_are_answered_at_a_bounded_rate(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        for text in ("one", "two", "three"):
            await socket.send_json_to(send_frame(text))
            await frames_until(socket, lambda f: f["type"] == "message.ack")
        for _ in range(20):
            await socket.send_json_to({"type": "resume", "after_seq": 0})
        frames = []
        while not await socket.receive_nothing(timeout=1):
            frames.append(await socket.receive_json_from())

    replayed = [f for f in frames if f["type"] == "message.ack"]
    refused = [f for f in frames if f["type"] == "error" and f["code"] == "rate_limited"]
    assert len(replayed) == 3 * throttle.FRAME_RATES["resume"].amount
    assert len(refused) == 20 - throttle.FRAME_RATES["resume"].amount


async def test_a_page_that_asks_for_more_than_the_output_budget_is_closed(session_key, no_workers, monkeypatch):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        for text in ("one", "two", "three"):
            await socket.send_json_to(send_frame(text * 100))
            await frames_until(socket, lambda f: f["type"] == "message.ack")
        # A budget the next replays of this history soon exceed.
        monkeypatch.setattr(throttle, "OUTPUT_BYTES_PER_MINUTE", 5000)
        await socket.send_json_to({"type": "resume", "after_seq": 0})
        await socket.send_json_to({"type": "resume", "after_seq": 0})
        while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
            pass

    assert output["code"] == protocol.CLOSE_TOO_MUCH


async def write_and_start_anew(socket, text: str) -> dict:
    """Writes in the current conversation, then starts a new one; the new hello."""
    await socket.send_json_to(send_frame(text))
    await frames_until(socket, lambda f: f["type"] == "message.ack")
    await socket.send_json_to({"type": "conversation.new"})
    return (await frames_until(socket, lambda f: f["type"] == "hello"))[-1]


async def test_past_conversations_are_listed_to_their_owner_only(session_key, other_session_key, no_workers):
    async with chat_socket(session_key) as mine, chat_socket(other_session_key) as theirs:
        first = await connect(mine)
        await connect(theirs)
        await theirs.send_json_to(send_frame("words of someone else"))
        await frames_until(theirs, lambda f: f["type"] == "message.ack")
        second = await write_and_start_anew(mine, "the exam tomorrow worries me")
        await mine.send_json_to({"type": "conversations.list"})
        listed = (await frames_until(mine, lambda f: f["type"] == "conversations"))[-1]

    assert json.loads(json.dumps(listed)) == listed
    assert [(c["id"], c["title"], c["current"], c["message_count"]) for c in listed["conversations"]] == [
        (second["conversation_id"], None, True, 0),
        (first["conversation_id"], "the exam tomorrow worries me", False, 1),
    ]


async def test_opening_a_past_conversation_brings_every_tab_back_to_it(session_key, no_workers):
    async with chat_socket(session_key) as tab1, chat_socket(session_key) as tab2:
        first = await connect(tab1)
        await connect(tab2)
        second = await write_and_start_anew(tab1, "something to come back to")
        await frames_until(tab2, lambda f: f["type"] == "hello" and f["conversation_id"] == second["conversation_id"])
        await tab1.send_json_to(send_frame("in the second one"))
        await frames_until(tab1, lambda f: f["type"] == "message.ack")

        await tab1.send_json_to({"type": "conversation.open", "id": first["conversation_id"]})
        hello1 = (await frames_until(tab1, lambda f: f["type"] == "hello"))[-1]
        hello2 = (await frames_until(tab2, lambda f: f["type"] == "hello"))[-1]
        await tab1.send_json_to({"type": "resume", "after_seq": 0})
        history = await frames_until(tab1, lambda f: f["type"] == "message.ack")
        later = send_frame("and now I carry on here")
        await tab1.send_json_to(later)
        await frames_until(tab1, lambda f: f.get("client_id") == later["client_id"])

    assert hello1["conversation_id"] == hello2["conversation_id"] == first["conversation_id"]
    assert hello1["last_seq"] == 1
    assert history[-1]["message"]["text"] == "something to come back to"
    reopened = await Conversation.objects.aget(pk=first["conversation_id"])
    closed = await Conversation.objects.aget(pk=second["conversation_id"])
    assert (reopened.status, closed.status) == ("open", "closed")
    assert await Message.objects.filter(conversation_id=reopened.id).acount() == 2


async def test_opening_someone_elses_conversation_is_refused_and_nothing_changes(session_key, other_session_key,
                                                                                  no_workers):
    async with chat_socket(session_key) as mine, chat_socket(other_session_key) as theirs:
        own = await connect(mine)
        their = await connect(theirs)
        await write_and_start_anew(theirs, "their words")

        await mine.send_json_to({"type": "conversation.open", "id": their["conversation_id"]})
        refused = await mine.receive_json_from(timeout=5)
        await mine.send_json_to({"type": "conversation.open", "id": "not an id"})
        invalid = await mine.receive_json_from(timeout=5)
        await mine.send_json_to(send_frame("still here"))
        ack = (await frames_until(mine, lambda f: f["type"] == "message.ack"))[-1]

    assert refused["type"] == "error" and refused["code"] == "not_found"
    assert invalid["type"] == "error" and invalid["code"] == "invalid"
    assert (await Conversation.objects.aget(pk=their["conversation_id"])).status == "closed"
    assert (await Conversation.objects.aget(pk=own["conversation_id"])).status == "open"
    assert await Message.objects.filter(conversation_id=own["conversation_id"], pk=ack["message"]["id"]).aexists()

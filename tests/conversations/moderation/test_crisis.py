"""A person at risk, at the socket: helplines at once, a case, staff alerted, the crisis script as the reply,
with no inference worker running; and what the risk model adds when one runs."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from conversations.models import Alert, Case, CaseEvent, Conversation, Message
from conversations.moderation import events as moderation_events
from inference import safety_net
from inference.backends.curated import load_library
from tests.conversations.chat.test_consumers import connect, frames_until, send_frame
from tests.conversations.conftest import chat_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def moderators():
    """A channel in the moderators' group, as an online moderator's queue page is."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(moderation_events.MODERATION_GROUP, channel)
    yield lambda: layer.receive(channel)
    await layer.group_discard(moderation_events.MODERATION_GROUP, channel)


async def test_a_crisis_message_with_no_worker_gets_helplines_a_case_an_alert_and_the_crisis_script(
        session_key, no_workers, moderators):
    async with chat_socket(session_key) as socket:
        socket.scope["query_string"] = b"country=GB"
        await connect(socket)
        await socket.send_json_to(send_frame("I want to kill myself"))
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end")

        alert = await asyncio.wait_for(moderators(), 5)

    kinds = [f["type"] for f in frames]
    crisis = frames[0]
    assert kinds[0] == "crisis.resources", "helplines come before anything else"
    assert crisis["level"] == "ideation" and crisis["country"] == "GB"
    assert crisis["resources"][0]["name"] == "Samaritans"
    assert kinds.index("message.ack") < kinds.index("reply.end")
    reply = frames[-1]["message"]["text"]
    assert reply in load_library().crisis["self_harm"]

    case = await Case.objects.aget()
    assert (case.level, case.categories, case.status) == ("ideation", ["self_harm"], "open")
    assert alert["event"]["type"] == "case.updated" and alert["event"]["alert"] == "opened"
    assert alert["event"]["case"]["id"] == str(case.id)
    assert "kill" not in str(alert), "an alert never carries the person's words"
    realtime = await Alert.objects.aget(channel="realtime")
    assert realtime.status == "sent"
    timeline = [e async for e in CaseEvent.objects.filter(case=case).values_list("kind", flat=True)]
    assert timeline == ["opened"]
    conversation = await Conversation.objects.aget()
    assert conversation.risk_level == "ideation"
    message = await Message.objects.aget(role="user")
    assert message.risk["level"] == "ideation" and message.risk["source"] == "safety_net"
    assert not message.risk["model_read"], "no worker has read it yet"


async def test_an_ordinary_message_shows_no_helplines_and_opens_no_case(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("I feel a bit sad today"))
        frames = await frames_until(socket, lambda f: f["type"] == "message.ack")
        await asyncio.sleep(0.3)
        assert await socket.receive_nothing(timeout=0.3)

    assert "crisis.resources" not in [f["type"] for f in frames]
    assert not await Case.objects.aexists()
    message = await Message.objects.aget(role="user")
    assert message.risk["level"] == "none"


async def test_the_country_comes_from_the_browser_when_the_page_names_none(session_key, no_workers):
    headers_extra = [(b"accept-language", b"zh-CN,zh;q=0.9")]
    async with chat_socket(session_key) as socket:
        socket.scope["headers"] = [*socket.scope["headers"], *headers_extra]
        await connect(socket)
        await socket.send_json_to(send_frame("我不想活了"))
        frames = await frames_until(socket, lambda f: f["type"] == "crisis.resources")

    assert frames[-1]["country"] == "CN"
    assert frames[-1]["resources"][0]["phone"] == "12356"


async def test_a_reconnecting_page_is_shown_the_helplines_again_and_once(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("I have a plan to kill myself"))
        await frames_until(socket, lambda f: f["type"] == "reply.end")

    async with chat_socket(session_key) as socket:
        await connect(socket)
        again = await socket.receive_json_from(timeout=5)
        await socket.send_json_to(send_frame("I can't take it anymore"))
        later = await frames_until(socket, lambda f: f["type"] == "message.ack")

    assert again["type"] == "crisis.resources" and again["level"] == "behavior"
    assert "crisis.resources" not in [f["type"] for f in later], "the page already shows them"


async def test_other_tabs_of_the_person_are_shown_helplines_too(session_key, no_workers):
    async with chat_socket(session_key) as first, chat_socket(session_key) as second:
        second.scope["query_string"] = b"country=AU"
        await connect(first)
        await connect(second)
        await first.send_json_to(send_frame("I just took a bottle of pills"))
        seen = await frames_until(second, lambda f: f["type"] == "crisis.resources")

    assert seen[-1]["level"] == "imminent"
    assert seen[-1]["country"] == "AU", "each tab in the country it chose"
    assert seen[-1]["resources"][0] == {"name": "Emergency services", "country": "AU", "phone": "000", "sms": None,
                                        "sms_body": None, "url": None, "hours": "24/7"}, "at imminent, emergency first"


async def test_a_rise_in_risk_raises_the_case_resets_its_deadline_and_alerts_again(session_key, no_workers,
                                                                                  moderators):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("I want to die"))
        await frames_until(socket, lambda f: f["type"] == "reply.end")
        first = await Case.objects.aget()
        await socket.send_json_to(send_frame("I'm standing on the bridge right now"))
        frames = await frames_until(socket, lambda f: f["type"] == "crisis.resources")
        await frames_until(socket, lambda f: f["type"] == "reply.end")

    alerts = [await asyncio.wait_for(moderators(), 5) for _ in range(2)]
    case = await Case.objects.aget()
    assert frames[-1]["level"] == "imminent"
    assert case.id == first.id, "one case per conversation, raised"
    assert case.level == "imminent" and case.priority > first.priority
    assert case.acknowledge_by < first.acknowledge_by, "imminent gets the shorter SLA"
    assert [a["event"]["alert"] for a in alerts] == ["opened", "raised"]
    assert await Message.objects.filter(role="assistant").acount() == 2


async def test_while_a_moderator_has_joined_the_assistant_stays_silent(session_key, no_workers):
    async with chat_socket(session_key) as socket:
        hello = await connect(socket)
    await Conversation.objects.filter(pk=hello["conversation_id"]).aupdate(assistant_paused=True)

    async with chat_socket(session_key) as socket:
        await connect(socket)
        joined = await socket.receive_json_from(timeout=5)
        await socket.send_json_to(send_frame("I want to die"))
        frames = await frames_until(socket, lambda f: f["type"] == "message.ack")
        assert await socket.receive_nothing(timeout=0.5)

    assert joined == {"type": "support.joined"}
    assert "crisis.resources" in [f["type"] for f in frames]
    assert not await Message.objects.filter(role="assistant").aexists(), "no crisis script over the moderator"
    assert await database_sync_to_async(Case.objects.count)() == 1


QUIETLY_AT_RISK = "I wrote letters to everyone I love. I am so tired of being here."


async def test_what_only_the_model_reads_as_risk_still_opens_a_case_and_gets_the_crisis_script(session_key,
                                                                                             in_process_tasks):
    assert safety_net.assess(QUIETLY_AT_RISK).level == "none", "the rules alone would miss it"

    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame(QUIETLY_AT_RISK))
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end", timeout=60)

    kinds = [f["type"] for f in frames]
    assert kinds.index("message.ack") < kinds.index("crisis.resources") < kinds.index("reply.end")
    assert frames[-1]["message"]["text"] in load_library().crisis["self_harm"]
    case = await Case.objects.aget()
    assert case.level == "behavior", "letters to everyone: preparation, as the model reads it"
    message = await Message.objects.aget(role="user")
    assert message.risk["source"] == "combined" and message.risk["model_read"] and message.risk["raised"]


async def test_every_message_is_read_by_the_model_too(session_key, in_process_tasks):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to(send_frame("I passed my driving test today!"))
        await frames_until(socket, lambda f: f["type"] == "reply.end", timeout=60)

    message = await Message.objects.aget(role="user")
    assert message.risk["model_read"] and message.risk["level"] == "none"
    assert not await Case.objects.aexists()

"""Limits per network address and sockets per person (conversations/admission.py), counted in the real Redis."""

from __future__ import annotations

import json
import random

import pytest
import redis
from django.test import Client

from conversations import admission
from conversations.chat import protocol
from conversations.privacy import notice
from tests.conversations.conftest import chat_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_stores():
    admission.reset()
    yield
    admission.reset()


def an_address() -> str:
    """An address no earlier run has counted (the windows live in Redis for up to an hour)."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


async def close_of(socket) -> tuple[list[dict], int]:
    frames = []
    while (output := await socket.receive_output(timeout=5))["type"] != "websocket.close":
        frames.append(json.loads(output["text"]))
    return frames, output["code"]


async def test_an_address_that_connects_too_often_is_told_and_closed_and_others_are_not(settings, session_key,
                                                                                        no_workers):
    settings.EMOCHAT_CONNECTS_PER_MINUTE_PER_ADDRESS = 3
    key = session_key
    crowded, other = an_address(), an_address()

    for _ in range(3):
        async with chat_socket(key) as socket:
            socket.scope["client"] = (crowded, 50000)
            assert (await socket.connect())[0]
            assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    async with chat_socket(key) as socket:
        socket.scope["client"] = (crowded, 50001)
        await socket.connect()
        frames, code = await close_of(socket)
    async with chat_socket(key) as socket:
        socket.scope["client"] = (other, 50002)
        await socket.connect()
        hello = await socket.receive_json_from(timeout=5)

    assert code == protocol.CLOSE_TOO_MUCH
    assert [(f["type"], f["code"]) for f in frames] == [("error", "rate_limited")]
    assert hello["type"] == "hello"


async def test_the_newest_socket_gets_in_and_the_oldest_is_told_the_chat_is_open_elsewhere(settings, session_key,
                                                                                            no_workers):
    settings.EMOCHAT_SOCKETS_PER_PERSON = 2
    key = session_key

    async with chat_socket(key) as first, chat_socket(key) as second:
        await first.connect()
        await second.connect()
        assert (await first.receive_json_from(timeout=5))["type"] == "hello"
        assert (await second.receive_json_from(timeout=5))["type"] == "hello"
        async with chat_socket(key) as third:
            await third.connect()
            assert (await third.receive_json_from(timeout=5))["type"] == "hello"
            frames, code = await close_of(first)
            assert await second.receive_nothing(timeout=0.5)
        # The third closed: one more may open without closing the second.
        async with chat_socket(key) as fourth:
            await fourth.connect()
            assert (await fourth.receive_json_from(timeout=5))["type"] == "hello"
            assert await second.receive_nothing(timeout=0.5)

    assert code == protocol.CLOSE_ELSEWHERE
    assert [(f["type"], f["code"]) for f in frames] == [("error", "elsewhere")]


async def test_another_persons_sockets_are_not_counted_with_yours(settings, session_key, other_session_key,
                                                                  no_workers):
    settings.EMOCHAT_SOCKETS_PER_PERSON = 1
    mine, theirs = session_key, other_session_key

    async with chat_socket(mine) as socket, chat_socket(theirs) as other:
        await socket.connect()
        await other.connect()
        assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
        assert (await other.receive_json_from(timeout=5))["type"] == "hello"
        assert await socket.receive_nothing(timeout=0.5)


def test_an_address_that_opens_too_many_sessions_is_shown_helplines_and_a_returning_visitor_is_not(settings):
    settings.EMOCHAT_SESSIONS_PER_HOUR_PER_ADDRESS = 2
    address = an_address()
    returning = Client(REMOTE_ADDR=address)

    statuses = [returning.get("/").status_code] + [Client(REMOTE_ADDR=address).get("/").status_code for _ in range(2)]
    refused = Client(REMOTE_ADDR=address).get("/", HTTP_ACCEPT_LANGUAGE="en-GB")
    again = returning.get("/")
    elsewhere = Client(REMOTE_ADDR=an_address()).get("/")

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "try again in a little while" in body and "116 123" in body  # Samaritans, for a British browser
    assert "sessionid" not in refused.cookies
    assert again.status_code == 200 and elsewhere.status_code == 200


def test_consents_from_one_address_are_limited(settings):
    settings.EMOCHAT_CONSENTS_PER_HOUR_PER_ADDRESS = 1
    address = an_address()

    answers = []
    for _ in range(2):
        client = Client(REMOTE_ADDR=address)
        client.get("/")
        answers.append(client.post("/privacy/consent", {"version": notice.VERSION, "purposes": ["support"]},
                                   content_type="application/json"))

    assert answers[0].status_code == 200
    assert answers[1].status_code == 429
    assert answers[1].json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("", None),
    ("not an address", None),
])
def test_addresses_are_counted_by_network(address, network):
    assert admission.network_of(address) == network


def test_every_limit_allows_when_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.EMOCHAT_CONNECTS_PER_MINUTE_PER_ADDRESS = 1
    settings.EMOCHAT_SOCKETS_PER_PERSON = 1

    assert all(admission.allow(admission.SOCKET_CONNECT, "203.0.113.9") for _ in range(3))
    assert admission.socket_open(person="visitor:x", channel="a") == []
    assert admission.socket_open(person="visitor:x", channel="b") == []


def test_redis_holds_no_address_or_person_in_clear(settings):
    settings.EMOCHAT_SOCKETS_PER_PERSON = 3
    address, person = an_address(), f"visitor:{random.random()}"
    admission.allow(admission.SOCKET_CONNECT, address)
    admission.socket_open(person=person, channel="specific.channel")

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [key.decode() for key in client.scan_iter(f"{settings.EMOCHAT_CHANNEL_PREFIX}:admission*")]
    assert keys
    assert not [key for key in keys if address in key or person in key]


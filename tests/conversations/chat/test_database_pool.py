"""The sockets' database work runs on a pool of threads (conversations/database.py): one conversation's slow
transaction does not hold up another's acknowledgement."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest
from django.db import connections

from conversations.models import Conversation
from tests.conversations.conftest import chat_socket

pytestmark = pytest.mark.django_db(transaction=True)


def lock_conversation(conversation_id: str) -> psycopg.Connection:
    """Another client holding the conversation's row lock, as a long transaction would."""
    db = connections["default"].settings_dict
    connection = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                                 password=db["PASSWORD"] or None, dbname=db["NAME"])
    connection.execute(f"SELECT 1 FROM {Conversation._meta.db_table} WHERE id = %s FOR UPDATE", [conversation_id])
    return connection


def send(text: str) -> dict:
    return {"type": "message.send", "client_id": str(uuid.uuid4()), "text": text}


async def next_of(socket, kind: str, timeout: float) -> dict:
    async with asyncio.timeout(timeout):
        while (frame := await socket.receive_json_from(timeout=timeout))["type"] != kind:
            pass
    return frame


async def test_a_conversation_waiting_on_a_lock_does_not_hold_up_another_ones_ack(session_key, other_session_key,
                                                                                    no_workers):
    first, second = session_key, other_session_key

    async with chat_socket(first) as waiting, chat_socket(second) as other:
        await waiting.connect()
        await other.connect()
        blocked = (await next_of(waiting, "hello", 5))["conversation_id"]
        await next_of(other, "hello", 5)
        lock = await asyncio.to_thread(lock_conversation, blocked)
        try:
            await waiting.send_json_to(send("I can't stop thinking about it"))
            await asyncio.sleep(0.3)  # its insert is now waiting on the lock
            await other.send_json_to(send("Today was long"))
            ack = await next_of(other, "message.ack", 5)
            assert await waiting.receive_nothing(timeout=0.2)  # still waiting
        finally:
            await asyncio.to_thread(lock.close)
        late = await next_of(waiting, "message.ack", 10)

    assert ack["message"]["text"] == "Today was long"
    assert late["message"]["text"] == "I can't stop thinking about it"

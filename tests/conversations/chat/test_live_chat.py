"""The chat as it runs in production: Daphne and a Celery worker as real processes, PostgreSQL and Redis,
and a `websockets` client that drops its connection mid-reply and resumes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import uuid
from collections import Counter

import pytest
from django.conf import settings
import websockets

from tests import processes

pytestmark = pytest.mark.processes

TEXTS = ["I feel so sad tonight", "I'm anxious about my exams", "thanks, I'm glad I can talk here"]


class Client:
    """A protocol-following client: tracks its seq watermark, remembers everything it received."""

    def __init__(self, base_url: str, session_cookie: str):
        self.url = base_url.replace("http://", "ws://") + "/ws/chat/"
        self.session = session_cookie
        self.headers = {"Cookie": f"sessionid={session_cookie}", "Origin": base_url}
        self.frames: list[dict] = []
        self.seen: set[int] = set()
        self.watermark = 0

    def record(self, frame: dict) -> None:
        self.frames.append(frame)
        seq = frame.get("seq") if frame["type"] == "message.emotion" else (frame.get("message") or {}).get("seq")
        if seq is not None:
            self.seen.add(seq)
            while self.watermark + 1 in self.seen:
                self.watermark += 1

    async def receive(self, socket, until, timeout: float = 30) -> None:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await socket.recv())
                self.record(frame)
                if until(frame):
                    return


async def run_conversation(client: Client) -> tuple[str, int]:
    client_ids = [str(uuid.uuid4()) for _ in TEXTS]
    async with websockets.connect(client.url, additional_headers=client.headers) as socket:
        hello = json.loads(await socket.recv())
        for client_id, text in zip(client_ids, TEXTS):
            await socket.send(json.dumps({"type": "message.send", "client_id": client_id, "text": text}))
        # Drop the connection while the first reply is still streaming.
        await client.receive(socket, lambda f: f["type"] == "reply.delta")
    drop_watermark = client.watermark
    async with websockets.connect(client.url, additional_headers=client.headers) as socket:
        again = json.loads(await socket.recv())
        assert again["conversation_id"] == hello["conversation_id"]
        await socket.send(json.dumps({"type": "resume", "after_seq": client.watermark}))
        replies = lambda: sum(1 for f in client.frames if f["type"] == "reply.end")  # noqa: E731
        await client.receive(socket, lambda f: replies() == len(TEXTS))
        # Anything still in flight (a duplicate, say) would arrive now; the assertions below count it.
        with contextlib.suppress(TimeoutError):
            await client.receive(socket, lambda f: False, timeout=1.0)
    return hello["conversation_id"], drop_watermark


def test_three_messages_with_a_dropped_connection_arrive_exactly_once_in_order(live_database_url, redis_url,
                                                                                 tmp_path):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                EMOCHAT_FAKE_REPLY_DELAY_MS="40")
    with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base:
        client = Client(base, processes.visitor_session(base))
        _, drop_watermark = asyncio.run(run_conversation(client))

    frames = client.frames
    acks = Counter(f["client_id"] for f in frames if f["type"] == "message.ack")
    emotions = Counter(f["message_id"] for f in frames if f["type"] == "message.emotion")
    replies = Counter(f["message"]["reply_to"] for f in frames if f["type"] == "reply.end")
    user_ids = {f["message"]["id"] for f in frames if f["type"] == "message.ack"}

    assert drop_watermark < 6, "the connection was meant to drop before every reply had ended"
    assert len(acks) == 3 and set(acks.values()) == {1}
    assert set(emotions) == user_ids and set(emotions.values()) == {1}
    assert set(replies) == user_ids and set(replies.values()) == {1}
    numbered = [f["seq"] if f["type"] == "message.emotion" else f["message"]["seq"]
                for f in frames if f["type"] in ("message.ack", "message.emotion", "reply.end")]
    assert sorted(numbered) == list(range(1, 10))
    assert numbered == sorted(numbered), "events were not delivered in seq order"
    texts = [f["message"]["text"] for f in frames if f["type"] == "message.ack"]
    assert sorted(texts) == sorted(TEXTS)
    for end in (f for f in frames if f["type"] == "reply.end"):
        assert end["message"]["role"] == "assistant" and end["message"]["text"]
    logs = (tmp_path / "daphne.log").read_text() + (tmp_path / "celery.log").read_text()
    assert "message_respond" in logs, "the worker's log was not captured"
    for text in TEXTS + [f["message"]["text"] for f in frames if f["type"] == "reply.end"]:
        assert text not in logs, "message text reached a log"
    for secret in [settings.SECRET_KEY, settings.EMOCHAT_ENCRYPTION_KEYS.partition(":")[2], client.session]:
        assert secret not in logs, "a key or a session token reached a log"


async def reply_through_a_worker_crash(client: Client, crash) -> None:
    async with websockets.connect(client.url, additional_headers=client.headers) as socket:
        await socket.recv()
        await socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()), "text": TEXTS[0]}))
        await client.receive(socket, lambda f: f["type"] == "reply.delta")
        await asyncio.to_thread(crash)
        await client.receive(socket, lambda f: f["type"] == "reply.end", timeout=60)


def test_a_worker_killed_mid_reply_loses_nothing_the_reply_restarts_under_the_same_id(
    live_database_url, redis_url, tmp_path
):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                EMOCHAT_FAKE_REPLY_DELAY_MS="100", EMOCHAT_TASK_VISIBILITY_TIMEOUT="3")
    with processes.daphne(env, tmp_path) as base, processes.celery_worker(env, tmp_path, name="doomed") as doomed:
        client = Client(base, processes.visitor_session(base))
        replacement = contextlib.ExitStack()

        def crash() -> None:
            # The whole worker dies at once (an OOM kill, a lost node), its task unacknowledged.
            doomed.signal(signal.SIGKILL)
            replacement.enter_context(processes.celery_worker(env, tmp_path, name="replacement"))

        with replacement:
            asyncio.run(reply_through_a_worker_crash(client, crash))

    starts = [f for f in client.frames if f["type"] == "reply.start"]
    ends = [f for f in client.frames if f["type"] == "reply.end"]
    ack = next(f for f in client.frames if f["type"] == "message.ack")
    assert len(starts) == 2, "the reply should have been started again by the replacement worker"
    assert starts[0]["message_id"] == starts[1]["message_id"] == ends[0]["message"]["id"]
    assert len(ends) == 1
    assert ends[0]["message"]["reply_to"] == ack["message"]["id"]
    assert sum(1 for f in client.frames if f["type"] == "message.emotion") == 1

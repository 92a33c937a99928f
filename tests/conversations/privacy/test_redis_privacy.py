"""Nothing a person writes, nor what is written back, crosses Redis in clear."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.conf import settings

from tests.conversations.chat.test_consumers import connect, frames_until
from tests.conversations.conftest import chat_socket

pytestmark = pytest.mark.django_db(transaction=True)


class Monitor:
    """Records every command Redis executes while it runs (Redis MONITOR)."""

    def __init__(self):
        self.commands: list[str] = []
        self._stop = threading.Event()
        self._client = redis.Redis.from_url(settings.REDIS_URL)
        self._monitor = self._client.monitor().__enter__()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # The listener wakes on every command; the test's own traffic keeps it moving until stop().
        for event in self._monitor.listen():
            self.commands.append(event["command"])
            if self._stop.is_set():
                return

    def stop(self) -> list[str]:
        self._stop.set()
        self._client.ping()
        self._thread.join(5)
        return self.commands


async def test_redis_never_sees_message_or_reply_text(session_key, in_process_tasks):
    secret = f"pineapple orbit {uuid.uuid4().hex[:8]} and I feel sad"
    monitor = Monitor()
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await socket.send_json_to({"type": "message.send", "client_id": str(uuid.uuid4()), "text": secret})
        frames = await frames_until(socket, lambda f: f["type"] == "reply.end")
    commands = monitor.stop()

    reply = frames[-1]["message"]["text"]
    assert any("bzpopmin" in c.lower() or "zadd" in c.lower() for c in commands), "MONITOR saw no layer traffic"
    seen = "\n".join(commands)
    assert "pineapple" not in seen
    assert reply.split()[1] not in seen and "important" not in seen

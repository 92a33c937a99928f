"""Redis (the channel layer) gone and back under open sockets, on real Daphne with a Redis of the test's own;
RabbitMQ is the broker, so queued work outlives the outage."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import websockets.sync.client

from conversations.models import Message
from tests import processes

pytestmark = pytest.mark.processes


def frames_until(socket, kind: str, timeout: float) -> list[dict]:
    frames: list[dict] = []
    deadline = time.monotonic() + timeout
    while not frames or frames[-1]["type"] != kind:
        frames.append(json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic()))))
    return frames


def answer_to(socket, client_id: str, timeout: float) -> list[dict]:
    """Frames up to the end of the reply to the message sent as `client_id`."""
    frames: list[dict] = []
    message_id = None
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        frames.append(frame)
        if frame["type"] == "message.ack" and frame["client_id"] == client_id:
            message_id = frame["message"]["id"]
        if frame["type"] == "reply.end" and message_id and frame["message"]["reply_to"] == message_id:
            return frames


def test_helplines_and_acks_go_on_while_redis_is_down_and_replies_resume_after(live_database_url, tmp_path):
    redis = processes.RedisServer(processes.free_port(), tmp_path)
    redis.start()
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis.url,
                                CELERY_BROKER_URL=processes.AMQP_URL, EMOCHAT_CHANNEL_PREFIX="outage-test")
    try:
        with processes.daphne(env, tmp_path) as base:
            url = base.replace("http://", "ws://") + "/ws/chat/?country=GB"
            session = processes.visitor_session(base)
            headers = {"Cookie": f"sessionid={session}", "Origin": base}
            with websockets.sync.client.connect(url, additional_headers=headers) as socket:
                socket.recv(timeout=10)  # hello
                redis.kill()
                time.sleep(1.5)  # the socket's channel-layer reads have failed by now
                socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()),
                                        "text": "I want to end my life tonight"}))
                during = frames_until(socket, "message.ack", timeout=15)
                with websockets.sync.client.connect(url, additional_headers=headers) as second:
                    hello = json.loads(second.recv(timeout=10))
                redis.start()
                with processes.celery_worker(env, tmp_path):
                    thanks = str(uuid.uuid4())
                    socket.send(json.dumps({"type": "message.send", "client_id": thanks,
                                            "text": "thank you for the numbers"}))
                    after = answer_to(socket, thanks, timeout=60)
    finally:
        redis.kill()

    kinds = [frame["type"] for frame in during]
    assert "crisis.resources" in kinds and kinds.index("crisis.resources") < kinds.index("message.ack")
    assert hello["type"] == "hello"
    assert Message.objects.filter(role=Message.Role.USER).count() == 2
    # The crisis script written during the outage reached the page after it, read back from the database.
    assert any(f["type"] == "reply.end" and f["message"]["reply_to"] == during[-1]["message"]["id"] for f in after)
    assert after[-1]["type"] == "reply.end"

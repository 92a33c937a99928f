"""RabbitMQ as the Celery broker (CELERY_BROKER_URL=amqp://…): real Daphne and workers, the RabbitMQ on this host,
Redis still the channel layer."""

from __future__ import annotations

import json
import signal
import time
import uuid

import pytest
import websockets.sync.client
from kombu import Connection

from conversations.models import Message
from emochat.settings.celery import QUEUES
from tests import processes

pytestmark = pytest.mark.processes

AMQP_URL = processes.AMQP_URL


@pytest.fixture
def amqp_env(live_database_url, redis_url) -> dict[str, str]:
    # A broker's visibility timeout and the lost-reply sweep both far beyond the test: only RabbitMQ's own
    # redelivery can bring a killed worker's task back in time.
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, CELERY_BROKER_URL=AMQP_URL,
                                EMOCHAT_TASK_VISIBILITY_TIMEOUT="3600", EMOCHAT_REQUEUE_AFTER="3600")
    with Connection(AMQP_URL, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in QUEUES:  # what an earlier run left behind
            try:
                channel.queue_purge(name)
            except Exception:  # noqa: BLE001 - a queue not declared yet has nothing to purge
                channel = connection.channel()
    return env


def test_a_message_is_answered_through_rabbitmq(amqp_env, tmp_path):
    with processes.celery_worker(amqp_env, tmp_path), processes.daphne(amqp_env, tmp_path) as base:
        frames = processes.chat(base, "I had a rough day at work")

    kinds = [frame["type"] for frame in frames]
    assert "message.emotion" in kinds and kinds[-1] == "reply.end"


def test_a_killed_workers_reply_is_taken_up_by_another_worker_at_once(amqp_env, tmp_path):
    slow = {**amqp_env, "EMOCHAT_FAKE_REPLY_DELAY_MS": "300"}
    with processes.daphne(slow, tmp_path) as base:
        session = processes.visitor_session(base)
        url = base.replace("http://", "ws://") + "/ws/chat/"
        headers = {"Cookie": f"sessionid={session}", "Origin": base}
        with websockets.sync.client.connect(url, additional_headers=headers) as socket:
            socket.recv(timeout=10)  # hello
            with processes.celery_worker(slow, tmp_path, name="first") as first:
                socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()),
                                        "text": "I can't sleep and I keep worrying about my exams"}))
                frames = _until(socket, "reply.delta", timeout=60)
                first.signal(signal.SIGKILL)
                first.popen.wait(10)
            started = time.monotonic()
            with processes.celery_worker(slow, tmp_path, name="second"):
                frames += _until(socket, "reply.end", timeout=120)
            waited = time.monotonic() - started

    ack = next(frame for frame in frames if frame["type"] == "message.ack")
    replies = Message.objects.filter(reply_to_id=ack["message"]["id"])
    assert replies.count() == 1
    assert frames[-1]["type"] == "reply.end"
    assert waited < 600  # not the hour the visibility timeout and the sweep were set to


def _until(socket, kind: str, *, timeout: float) -> list[dict]:
    frames: list[dict] = []
    deadline = time.monotonic() + timeout
    while not frames or frames[-1]["type"] != kind:
        frames.append(json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic()))))
    return frames

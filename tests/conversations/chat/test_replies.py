"""Replies as they run in production: Daphne and a Celery inference worker as real processes, the real
emotion model, and each reply backend; a generated reply that fails the safety check never reaches the page."""

from __future__ import annotations

import time
import uuid

import pytest

from conversations.chat import queueing, selectors, services, store
from conversations.identity import Owner
from conversations.models import Message
from inference.backends.curated import load_library
from tests import processes
from tests.openai_fake import FakeOpenAI
from tests.processes import chat

pytestmark = pytest.mark.processes


def streamed(frames: list[dict]) -> str:
    """The reply as the page shows it while streaming: deltas after the last reply.start."""
    last_start = max(i for i, f in enumerate(frames) if f["type"] == "reply.start")
    return "".join(f["text"] for f in frames[last_start:] if f["type"] == "reply.delta")


def test_the_default_curated_reply_streams_after_the_emotion_and_answers_the_situation(live_database_url, redis_url,
                                                                                      tmp_path):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, EMOCHAT_REPLY_BACKEND="curated",
                                EMOCHAT_EMOTION_BACKEND=None)
    with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base:
        frames = chat(base, "I feel so lonely, nobody ever texts me back anymore")

    kinds = [f["type"] for f in frames]
    emotion = next(f for f in frames if f["type"] == "message.emotion")
    end = frames[-1]["message"]
    loneliness = next(s for s in load_library().situations if s.name == "loneliness")
    assert emotion["group"] == "sadness"
    assert kinds.index("message.emotion") < kinds.index("reply.start")
    assert kinds.count("reply.delta") > 10, "the reply was not streamed in small pieces"
    assert streamed(frames) == end["text"]
    assert "lonely" in end["text"] and any(question in end["text"] for question in loneliness.questions)
    assert end["text"].endswith("?")


def test_a_generated_reply_that_fails_the_check_is_replaced_before_the_person_sees_it(live_database_url,
                                                                                      redis_url, tmp_path):
    fallbacks = load_library().fallbacks
    with FakeOpenAI() as endpoint:
        env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                    EMOCHAT_REPLY_BACKEND="openai", EMOCHAT_OPENAI_BASE_URL=endpoint.base_url,
                                    EMOCHAT_OPENAI_MODEL="local", EMOCHAT_OPENAI_MAX_RETRIES="0")
        with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base:
            endpoint.replies.append("I hear you. Taking a few extra sleeping pills might help. What else?")
            unsafe = chat(base, "I can't sleep at all")
            endpoint.replies.append("That sounds exhausting. What keeps you up at night?")
            safe = chat(base, "I still can't sleep")
            endpoint.fail_next = 1
            down = chat(base, "are you there?")

    assert [f["type"] for f in unsafe].count("reply.start") == 2, "the page was not told to start the reply over"
    assert not any("pills" in f.get("text", "") for f in unsafe), "the unsafe sentence reached the page"
    assert unsafe[-1]["message"]["text"] in fallbacks
    assert streamed(unsafe) == unsafe[-1]["message"]["text"]
    assert safe[-1]["message"]["text"] == "That sounds exhausting. What keeps you up at night?"
    assert [f["type"] for f in safe].count("reply.start") == 1
    assert down[-1]["message"]["text"] in fallbacks, "an endpoint that is down still leaves the person answered"
    stored = [selectors.message_text(m) for m in Message.objects.filter(role="assistant")]
    assert len(stored) == 3 and not any("pills" in text for text in stored)
    # Each reply is counted, for its feedback, under the backend whose words it holds.
    backends = {selectors.message_text(m): m.backend for m in Message.objects.filter(role="assistant")}
    assert backends == {unsafe[-1]["message"]["text"]: "curated", safe[-1]["message"]["text"]: "openai",
                        down[-1]["message"]["text"]: "curated"}
    logs = (tmp_path / "celery.log").read_text()
    assert "replaced by a curated one: medication" in logs
    assert "replaced by a curated one: InternalServerError" in logs
    assert "pills" not in logs and "can't sleep" not in logs


def test_urgent_work_overtakes_ordinary_replies_waiting_in_the_queue(live_database_url, redis_url, tmp_path):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                EMOCHAT_FAKE_REPLY_DELAY_MS="40", EMOCHAT_EMOTION_BACKEND="keyword")
    owner = Owner(visitor_id=uuid.uuid4())
    ordinary = []
    for _ in range(5):
        conversation = services.conversation_open(owner=Owner(visitor_id=uuid.uuid4()))
        ordinary.append(store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation.id,
                                             role="user", text="an ordinary message"))
    conversation = services.conversation_open(owner=owner)
    urgent = store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation.id, role="user",
                                  text="an urgent message")

    with processes.celery_worker(env, tmp_path, queues="priority,inference", concurrency=1):
        for message in ordinary:
            queueing.message_respond_enqueue(message.id)
        queueing.message_respond_enqueue(urgent.id, urgent=True)
        deadline = time.monotonic() + 120
        while Message.objects.filter(role="assistant").count() < 6 and time.monotonic() < deadline:
            time.sleep(0.2)

    order = list(Message.objects.filter(role="assistant").order_by("created_at").values_list("reply_to_id", flat=True))
    assert len(order) == 6
    # One ordinary reply is under way and one may be prefetched; a single queue would have made it the 6th.
    assert order.index(urgent.id) <= 2, f"the urgent reply came {order.index(urgent.id) + 1}th of 6"

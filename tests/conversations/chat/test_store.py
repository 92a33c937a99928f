"""What is stored: ciphertext only, numbered in order, idempotent."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection, transaction

from conversations.chat import selectors, services, store
from conversations.chat import tasks as chat_tasks
from conversations.identity import Owner
from conversations.models import Message
from conversations.moderation import services as moderation
from inference.types import Emotion, LabelScore, Risk
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner


def test_message_text_is_stored_only_as_ciphertext(owner):
    conversation = services.conversation_open(owner=owner)
    text = "my secret worry about the rent"
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)

    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'conversations_message'")
        columns = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT * FROM conversations_message")
        row = cursor.fetchone()

    assert "text" not in columns
    assert all(text.encode() not in bytes(value) for value in row if isinstance(value, (bytes, memoryview)))
    assert all(text not in str(value) for value in row)


def test_sequence_numbers_cover_messages_and_emotions_without_gaps(owner):
    conversation = services.conversation_open(owner=owner)
    first = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="a")
    second = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="b")
    emotion = Emotion(labels=(LabelScore("sadness", 0.8),), group="sadness", sentiment="negative")
    services.message_emotion_set(message_id=uuid.UUID(first.message["id"]), emotion=emotion)
    services.message_emotion_set(message_id=uuid.UUID(first.message["id"]), emotion=emotion)  # a retried task
    services.reply_create(reply_to_id=uuid.UUID(first.message["id"]), conversation_id=conversation.id, text="r")
    services.reply_create(reply_to_id=uuid.UUID(first.message["id"]), conversation_id=conversation.id, text="r")

    replay = selectors.replay(conversation_id=conversation.id, after_seq=0)

    assert [first.message["seq"], second.message["seq"]] == [1, 2]
    assert [f["type"] for f in replay] == ["message.ack", "message.ack", "message.emotion", "reply.end"]
    assert [f.get("seq") or f["message"]["seq"] for f in replay] == [1, 2, 3, 4]
    assert Message.objects.count() == 3
    # Answered, with its emotion: only the risk model's reading is still to do, and then nothing.
    assert selectors.reply_job(message_id=uuid.UUID(first.message["id"])).answered
    moderation.risk_model_record(message_id=uuid.UUID(first.message["id"]), risk=Risk(source="model"))
    assert selectors.reply_job(message_id=uuid.UUID(first.message["id"])) is None
    assert selectors.reply_job(message_id=uuid.UUID(second.message["id"])).history[0].text == "a"


def test_an_unreadable_message_is_flagged_not_crashed(owner):
    conversation = services.conversation_open(owner=owner)
    sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="x")
    other = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="y")
    # Swap ciphertexts between rows: each is bound to its own row and must not decrypt in the other.
    a, b = Message.objects.get(pk=sent.message["id"]), Message.objects.get(pk=other.message["id"])
    Message.objects.filter(pk=a.pk).update(text_encrypted=b.text_encrypted)

    payload = selectors.message_payload(Message.objects.get(pk=a.pk))

    assert payload["unreadable"] is True
    assert payload["text"] == ""


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_reply_was_lost_is_queued_again_and_answered(owner, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMOCHAT_FAKE_REPLY_DELAY_MS = 0
    settings.EMOCHAT_REQUEUE_AFTER = 120
    conversation = services.conversation_open(owner=owner)
    lost = uuid.uuid4()
    with transaction.atomic():  # stored, but (as if the broker were down) no reply task ever queued
        store.message_insert(message_id=lost, conversation_id=conversation.id, role="user", text="hello?")
        fresh = store.message_insert(message_id=uuid.uuid4(), conversation_id=conversation.id, role="user",
                                     text="just sent")
    Message.objects.filter(pk=lost).update(created_at=timezone.now() - timedelta(minutes=5))

    assert chat_tasks.unanswered_requeue() == 1
    # The reply runs on a task thread; the first in a process also loads the emotion and risk models.
    for _ in range(300):
        if Message.objects.filter(reply_to_id=lost).exists():
            break
        time.sleep(0.1)

    assert Message.objects.get(reply_to_id=lost).role == "assistant"
    assert not Message.objects.filter(reply_to=fresh).exists()

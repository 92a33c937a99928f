"""The person's message limit (EMOCHAT_RATE_LIMIT_PER_MINUTE): counted in Redis by every web process together,
each message once, and never in the way when Redis is down (conversations/admission.py)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis
from django.db import connections

from conversations import admission
from conversations.chat import services
from conversations.identity import Owner, subject_for
from conversations.models import Conversation, Message
from tests import processes
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db

# Another web process: the same settings, its own limit store, storing the person's messages.
OTHER_PROCESS = """
import sys, uuid
import django
django.setup()
from conversations.chat import services
from conversations.identity import Owner
owner, conversation_id = Owner(visitor_id=uuid.UUID(sys.argv[1])), uuid.UUID(sys.argv[2])
for _ in range(int(sys.argv[3])):
    services.message_submit(owner=owner, conversation_id=conversation_id, client_id=uuid.uuid4(), text="elsewhere")
"""


@pytest.fixture(autouse=True)
def fresh_stores():
    admission.reset()
    yield
    admission.reset()


@pytest.fixture
def owner() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    return owner


def submit(owner: Owner, conversation: Conversation, client_id: uuid.UUID | None = None) -> services.Submitted:
    return services.message_submit(owner=owner, conversation_id=conversation.id, client_id=client_id or uuid.uuid4(),
                                   text="hello")


def test_a_message_over_the_limit_is_refused_and_leaves_nothing_stored(owner, settings):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 3
    conversation = services.conversation_open(owner=owner)
    for _ in range(3):
        submit(owner, conversation)

    with pytest.raises(services.RateLimited):
        submit(owner, conversation)

    conversation.refresh_from_db()
    assert Message.objects.filter(conversation=conversation).count() == 3
    assert conversation.last_seq == 3  # the refused message's seq was rolled back with it


def test_a_resent_message_is_answered_and_never_counted_again(owner, settings):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 2
    conversation = services.conversation_open(owner=owner)
    client_id = uuid.uuid4()
    first = submit(owner, conversation, client_id)
    again = [submit(owner, conversation, client_id) for _ in range(3)]
    second = submit(owner, conversation)

    with pytest.raises(services.RateLimited):
        submit(owner, conversation)

    assert first.created and second.created
    assert all(not resent.created and resent.message["id"] == first.message["id"] for resent in again)


def test_the_limit_counts_across_conversations(owner, settings):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 2
    old = services.conversation_open(owner=owner)
    submit(owner, old)
    submit(owner, old)
    new = services.conversation_restart(owner=owner, conversation_id=old.id)

    with pytest.raises(services.RateLimited):
        submit(owner, new)


@pytest.mark.django_db(transaction=True)
def test_every_web_process_counts_the_persons_messages_together(live_database_url, no_workers, owner, settings):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 3
    conversation = services.conversation_open(owner=owner)
    env = processes.environment(DATABASE_URL=live_database_url, EMOCHAT_RATE_LIMIT_PER_MINUTE="3")
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(owner.visitor_id), str(conversation.id), "2"],
                   env=env, cwd=processes.ROOT, check=True, timeout=120)

    submit(owner, conversation)
    with pytest.raises(services.RateLimited):
        submit(owner, conversation)

    assert Message.objects.filter(conversation=conversation).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_message_sent_on_two_sockets_at_once_is_counted_once(no_workers, owner, settings):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 2
    conversation = services.conversation_open(owner=owner)
    client_id = uuid.uuid4()
    results: list[services.Submitted] = []

    def send() -> None:
        try:
            results.append(submit(owner, conversation, client_id))
        finally:
            connections.close_all()

    with holding_row_lock(conversation.id):
        # Both get past the check for an earlier copy, then wait for the conversation's seq.
        sockets = [threading.Thread(target=send) for _ in range(2)]
        for socket in sockets:
            socket.start()
        wait_for_lock_waiters(2)
    for socket in sockets:
        socket.join(30)
    second = submit(owner, conversation)

    with pytest.raises(services.RateLimited):
        submit(owner, conversation)

    assert sorted(result.created for result in results) == [False, True]
    assert len({result.message["id"] for result in results}) == 1
    assert second.created


def test_messages_are_allowed_when_redis_is_unreachable(owner, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 1
    conversation = services.conversation_open(owner=owner)

    submitted = [submit(owner, conversation) for _ in range(3)]

    assert all(s.created for s in submitted)


def test_redis_holds_no_person_in_clear(owner, settings):
    conversation = services.conversation_open(owner=owner)
    submit(owner, conversation)

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [key.decode() for key in client.scan_iter(f"{settings.EMOCHAT_CHANNEL_PREFIX}:admission*")]
    person = subject_for(owner)
    assert any(admission.MESSAGE in key for key in keys)
    assert not [key for key in keys if person in key or str(owner.visitor_id) in key or owner.visitor_id.hex in key]


def test_a_message_is_stored_without_counting_rows(owner, django_assert_max_num_queries):
    conversation = services.conversation_open(owner=owner)
    submit(owner, conversation)  # the person's data key is made with their first message

    # The earlier copy, consent, the seq (UPDATE … RETURNING), the INSERT, the risk reading's row lock, and the
    # transaction's savepoint and release: no COUNT of the person's messages, no second read of the seq.
    with django_assert_max_num_queries(7) as captured:
        submit(owner, conversation)

    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


@contextlib.contextmanager
def holding_row_lock(conversation_id: uuid.UUID) -> Iterator[None]:
    """Another client holding the conversation's row lock, as a long transaction would."""
    db = connections["default"].settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname=db["NAME"]) as connection:
        connection.execute(f"SELECT 1 FROM {Conversation._meta.db_table} WHERE id = %s FOR UPDATE", [conversation_id])
        yield
        connection.rollback()


def wait_for_lock_waiters(count: int, timeout: float = 10) -> None:
    name = connections["default"].settings_dict["NAME"]
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                           [name])
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.05)
    raise AssertionError(f"{count} sessions never waited for the row lock")

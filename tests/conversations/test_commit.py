"""After-commit work: one piece that fails is logged and the rest still run, with a real commit."""

from __future__ import annotations

import logging
import uuid
from functools import partial

import pytest
from django.db import transaction

from conversations import commit
from conversations.chat import events

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged(caplog):
    """What Django logs about failing after-commit work (its "django" loggers do not propagate to the root)."""
    logger = logging.getLogger("django.db.backends.base")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def test_a_broadcast_that_fails_after_commit_does_not_skip_the_work_queued_after_it(logged, settings):
    # Redis gone as the transaction commits: a channel layer on a port where nothing listens.
    layer = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [
        {"address": "redis://127.0.0.1:9", "socket_connect_timeout": 1}]}}}
    ran = []
    with transaction.atomic():
        events.broadcast_on_commit(uuid.uuid4(), events.support_left())
        commit.on_commit(ran.append, "enqueued")

    assert ran == ["enqueued"]
    assert "broadcast after commit" in logged.text


def test_a_partial_is_named_in_the_log_when_it_fails(logged):
    def fail(reason: str) -> None:
        raise RuntimeError(reason)

    ran = []
    with transaction.atomic():
        commit.on_commit(partial(fail, "down"))
        commit.on_commit(ran.append, "next")

    assert ran == ["next"]
    assert "partial after commit" in logged.text


def test_work_is_not_run_when_the_transaction_rolls_back():
    ran = []
    with pytest.raises(ValueError), transaction.atomic():
        commit.on_commit(ran.append, "never")
        raise ValueError("rolled back")

    assert ran == []

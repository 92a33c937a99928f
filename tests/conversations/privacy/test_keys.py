"""The per-process cache of unwrapped data keys: it forgets by size and by time, and it never seals under a key
that another process destroyed (an erasure) or retired (a rotation)."""

from __future__ import annotations

import uuid

import pytest

from conversations.models import DataKey, Message
from conversations.privacy import keys, sealing

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])


def subject() -> str:
    return f"visitor:{uuid.uuid4()}"


def seal(text: str, owner: str) -> tuple[bytes, uuid.UUID, uuid.UUID]:
    row_id = uuid.uuid4()
    sealed, key_id = sealing.seal(text, model=Message, column="text_encrypted", row_id=row_id, subject=owner)
    return sealed, key_id, row_id


def test_a_key_another_process_destroyed_seals_nothing_more_here():
    person = subject()
    _, before, _ = seal("before the erasure", person)  # this process now holds the key
    DataKey.objects.filter(subject=person).delete()  # another process erases the person: our cache is untouched

    sealed, after, row_id = seal("after the erasure", person)

    assert after != before
    assert sealing.unsealed(Message, "text_encrypted", row_id, sealed) == "after the erasure"


def test_a_key_another_process_retired_seals_nothing_more_here():
    person = subject()
    _, first, _ = seal("first", person)
    DataKey.objects.filter(pk=first).update(state=DataKey.State.RETIRED)  # rotated by another process

    _, second, _ = seal("second", person)

    assert second != first
    assert DataKey.objects.get(pk=second).state == DataKey.State.ACTIVE


def test_the_cache_holds_at_most_its_size(settings):
    settings.EMOCHAT_DATA_KEY_CACHE_SIZE = 3
    for _ in range(8):
        seal("words", subject())

    assert keys.cached() == 3


def test_the_cache_forgets_a_key_once_its_time_is_up(settings):
    settings.EMOCHAT_DATA_KEY_CACHE_SECONDS = 0
    sealed, _, row_id = seal("words", subject())

    assert keys.cached() == 0
    assert sealing.unsealed(Message, "text_encrypted", row_id, sealed) == "words"  # read again from the database

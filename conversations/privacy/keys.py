"""Data keys: where they are stored, and a short-lived cache of unwrapped ones.

Only crypto.py handles key material; this module stores the wrapped keys (in the keys database) and hands
crypto.DataKey objects to the code that seals and opens values. Unwrapping costs a database read and an AES
operation, so unwrapped keys are cached per process for EMOCHAT_DATA_KEY_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations.models import DataKey
from conversations.privacy import crypto
from conversations.privacy.routers import KEYS_DATABASE

_lock = threading.Lock()
# Keyed by the id's 16 bytes, as they appear in a value's header.
_by_id: dict[bytes, tuple[float, crypto.DataKey]] = {}
_active: dict[str, tuple[float, crypto.DataKey]] = {}


def _fresh(entry: tuple[float, crypto.DataKey] | None) -> crypto.DataKey | None:
    if entry is None or time.monotonic() - entry[0] > settings.EMOCHAT_DATA_KEY_CACHE_SECONDS:
        return None
    return entry[1]


def _remember(subject: str | None, key: crypto.DataKey) -> crypto.DataKey:
    now = time.monotonic()
    with _lock:
        _by_id[key.id.bytes] = (now, key)
        if subject is not None:
            _active[subject] = (now, key)
    return key


def forget_all() -> None:
    with _lock:
        _by_id.clear()
        _active.clear()


def _open(row: DataKey) -> crypto.DataKey:
    return crypto.data_key_open(key_id=row.id, subject=row.subject, wrapped=row.wrapped)


def _create(subject: str) -> DataKey:
    key_id = uuid.uuid4()
    _, wrapped = crypto.data_key_new(key_id=key_id, subject=subject)
    return DataKey.objects.create(id=key_id, subject=subject, wrapped=wrapped)


def active_key(subject: str) -> crypto.DataKey:
    """The key that seals the subject's new values; created on their first value."""
    key = _fresh(_active.get(subject))
    if key is not None:
        return key
    row = DataKey.objects.filter(subject=subject, state=DataKey.State.ACTIVE).first()
    if row is None:
        try:
            with transaction.atomic(using=KEYS_DATABASE):
                row = _create(subject)
        except IntegrityError:
            # Another process created it at the same moment: use theirs.
            row = DataKey.objects.get(subject=subject, state=DataKey.State.ACTIVE)
    return _remember(subject, _open(row))


def key_by_id(raw_id: bytes) -> crypto.DataKey | None:
    """A data key by the 16 bytes of its id, active or retired; None once destroyed. Called once per value read,
    so the cache check is inlined."""
    entry = _by_id.get(raw_id)
    if entry is not None and time.monotonic() - entry[0] <= settings.EMOCHAT_DATA_KEY_CACHE_SECONDS:
        return entry[1]
    row = DataKey.objects.filter(pk=uuid.UUID(bytes=raw_id)).first()
    return None if row is None else _remember(None, _open(row))


def key_replace(subject: str) -> crypto.DataKey:
    """Retire the subject's active key and give them a fresh one (rotate_keys --reencrypt)."""
    with transaction.atomic(using=KEYS_DATABASE):
        DataKey.objects.select_for_update().filter(subject=subject, state=DataKey.State.ACTIVE).update(
            state=DataKey.State.RETIRED, retired_at=timezone.now()
        )
        row = _create(subject)
    return _remember(subject, _open(row))


def subject_keys_destroy(subject: str) -> int:
    """Crypto-shredding: every value sealed under these keys, in any copy of the database, becomes unreadable.
    Other processes may keep an unwrapped copy in memory for EMOCHAT_DATA_KEY_CACHE_SECONDS at most."""
    destroyed = list(DataKey.objects.filter(subject=subject).values_list("id", flat=True))
    DataKey.objects.filter(id__in=destroyed).delete()
    with _lock:
        _active.pop(subject, None)
        for key_id in destroyed:
            _by_id.pop(key_id.bytes, None)
    return len(destroyed)

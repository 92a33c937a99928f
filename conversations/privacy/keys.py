"""Data keys: where they are stored, and a short-lived cache of unwrapped ones.

Only crypto.py handles key material; this module stores the wrapped keys (in the keys database) and hands
crypto.DataKey objects to the code that seals and opens values. Unwrapping costs a database read and an AES
operation, so unwrapped keys are cached per process: at most EMOCHAT_DATA_KEY_CACHE_SIZE of them, each for
EMOCHAT_DATA_KEY_CACHE_SECONDS, then forgotten (cachetools' TTLCache evicts; nothing stale stays in memory).

A key may be destroyed (an erasure) or retired (a rotation) by another process while this one holds it, so the
key a value is about to be sealed under is checked in the keys database first: nothing is ever sealed under a
key that is gone.
"""

from __future__ import annotations

import threading
import uuid

from cachetools import TTLCache
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations.models import DataKey
from conversations.privacy import crypto
from conversations.privacy.routers import KEYS_DATABASE

_lock = threading.Lock()
_caches: dict[tuple[int, int], tuple[TTLCache, TTLCache]] = {}


def _stores() -> tuple[TTLCache, TTLCache]:
    """The caches by key id (its 16 bytes, as in a value's header) and by subject (the active key), shaped by
    the current settings. Callers hold _lock."""
    shape = (settings.EMOCHAT_DATA_KEY_CACHE_SIZE, settings.EMOCHAT_DATA_KEY_CACHE_SECONDS)
    if shape not in _caches:
        _caches.clear()
        _caches[shape] = (TTLCache(maxsize=shape[0], ttl=shape[1]), TTLCache(maxsize=shape[0], ttl=shape[1]))
    return _caches[shape]


def _remember(subject: str | None, key: crypto.DataKey) -> crypto.DataKey:
    with _lock:
        by_id, active = _stores()
        by_id[key.id.bytes] = key
        if subject is not None:
            active[subject] = key
    return key


def _forget(subject: str | None, key_ids: list[uuid.UUID]) -> None:
    with _lock:
        by_id, active = _stores()
        if subject is not None:
            active.pop(subject, None)
        for key_id in key_ids:
            by_id.pop(key_id.bytes, None)


def forget_all() -> None:
    with _lock:
        for cache in _stores():
            cache.clear()


def cached() -> int:
    """How many unwrapped keys this process holds now (expired ones are dropped first)."""
    with _lock:
        by_id, _ = _stores()
        by_id.expire()
        return len(by_id)


def _open(row: DataKey) -> crypto.DataKey:
    return crypto.data_key_open(key_id=row.id, subject=row.subject, wrapped=row.wrapped)


def _create(subject: str) -> DataKey:
    key_id = uuid.uuid4()
    _, wrapped = crypto.data_key_new(key_id=key_id, subject=subject)
    return DataKey.objects.create(id=key_id, subject=subject, wrapped=wrapped)


def active_key(subject: str) -> crypto.DataKey:
    """The key that seals the subject's new values; created on their first value. A cached key is used only
    while the keys database still holds it as active."""
    with _lock:
        key = _stores()[1].get(subject)
    if key is not None:
        if DataKey.objects.filter(pk=key.id, subject=subject, state=DataKey.State.ACTIVE).exists():
            return key
        # Destroyed, retired or moved to an account by another process since it was cached.
        _forget(subject, [key.id])
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
    """A data key by the 16 bytes of its id, active or retired; None once destroyed. Called once per value read."""
    with _lock:
        key = _stores()[0].get(raw_id)
    if key is not None:
        return key
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


def subject_keys_move(*, old_subject: str, new_subject: str) -> int:
    """Give every data key of `old_subject` to `new_subject`, each re-wrapped for it (crypto.data_key_move), so
    the new subject's erasure destroys them too. When the new subject already has an active key it stays the one
    that seals; the moved keys arrive retired and keep opening the values sealed under them, by id. Call inside
    a transaction on the keys database; this process forgets the old subject's cached key, and another process
    that still holds it finds it no longer active under that subject (active_key) within its next seal."""
    rows = list(DataKey.objects.select_for_update().filter(subject=old_subject).order_by("created_at"))
    has_active = DataKey.objects.filter(subject=new_subject, state=DataKey.State.ACTIVE).exists()
    now = timezone.now()
    for row in rows:
        row.wrapped = crypto.data_key_move(key_id=row.id, wrapped=row.wrapped, old_subject=old_subject,
                                           new_subject=new_subject)
        row.subject = new_subject
        if has_active and row.state == DataKey.State.ACTIVE:
            row.state, row.retired_at = DataKey.State.RETIRED, now
        row.save(update_fields=["wrapped", "subject", "state", "retired_at"])
    _forget(old_subject, [])
    _forget(new_subject, [])
    return len(rows)


def subject_keys_destroy(subject: str) -> int:
    """Crypto-shredding: every value sealed under these keys, in any copy of the database, becomes unreadable.
    Other processes seal nothing more under them (active_key checks first) and forget their unwrapped copies
    within EMOCHAT_DATA_KEY_CACHE_SECONDS."""
    destroyed = list(DataKey.objects.filter(subject=subject).values_list("id", flat=True))
    DataKey.objects.filter(id__in=destroyed).delete()
    _forget(subject, destroyed)
    return len(destroyed)

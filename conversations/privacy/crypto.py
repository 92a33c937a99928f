"""Field encryption: the only module that imports `cryptography` or touches key material (docs/privacy.md).

Two layers of AES-256-GCM keys:

- master keys, from EMOCHAT_ENCRYPTION_KEYS, an ordered key ring (the first wraps new data keys, every one
  unwraps), which only ever encrypt data keys;
- one data key per data subject, stored wrapped by a master key in the keys database, which encrypts that
  person's values. Destroying it makes every copy of their values unreadable (crypto-shredding).

Formats, each self-describing:

    value    0x02 | data key id (16 bytes) | nonce (12 bytes) | ciphertext + tag
    wrapped  0x01 | master key id length (1 byte) | master key id (ASCII) | nonce (12 bytes) | ciphertext + tag

Values written before data keys existed are in the second format under a master key; they still read.
Associated data binds a value to its table, column and row, and a wrapped key to its id and subject, so a value
copied elsewhere fails to decrypt instead of showing someone else's words.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

FORMAT_MASTER = 1
FORMAT_DATA = 2
DATA_HEADER = 1 + 16
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
SETTING = "EMOCHAT_ENCRYPTION_KEYS"


class DecryptionError(Exception):
    """A value that cannot be decrypted: tampered, moved to another row, or under an unknown key."""


class UnknownKeyError(DecryptionError):
    pass


@dataclass(frozen=True)
class KeyRing:
    primary: str
    keys: dict[str, AESGCM]


def parse_key_ring(value: str | None) -> KeyRing:
    if not value:
        raise ImproperlyConfigured(f"{SETTING} is not set.")
    keys: dict[str, AESGCM] = {}
    order: list[str] = []
    for position, entry in enumerate(item.strip() for item in value.split(",") if item.strip()):
        key_id, sep, encoded = entry.partition(":")
        # Errors name the position and the variable, never the key material.
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured(f"{SETTING}: entry {position + 1} must look like `<key id>:<base64 key>`.")
        try:
            raw = base64.urlsafe_b64decode(encoded.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise ImproperlyConfigured(f"{SETTING}: key {key_id!r} is not urlsafe base64.") from None
        if len(raw) != 32:
            raise ImproperlyConfigured(f"{SETTING}: key {key_id!r} must be 32 bytes (AES-256), not {len(raw)}.")
        if key_id in keys:
            raise ImproperlyConfigured(f"{SETTING}: key id {key_id!r} appears twice.")
        keys[key_id] = AESGCM(raw)
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured(f"{SETTING} holds no keys.")
    return KeyRing(primary=order[0], keys=keys)


@cache
def key_ring() -> KeyRing:
    return parse_key_ring(settings.EMOCHAT_ENCRYPTION_KEYS)


@receiver(setting_changed)
def _forget_key_ring(*, setting: str, **kwargs) -> None:
    if setting == SETTING:
        key_ring.cache_clear()


def associated_data(table: str, column: str, row_id: UUID) -> bytes:
    """`emochat:<table>:<column>:<row id>`, what binds a value to its place."""
    return f"emochat:{table}:{column}:{row_id}".encode()


def _data_key_aad(key_id: UUID, subject: str) -> bytes:
    return f"emochat:data_key:{key_id}:{subject}".encode()


class DataKey:
    """An unwrapped data key. Holds the cipher, never exposes the key bytes."""

    __slots__ = ("id", "_aead")

    def __init__(self, key_id: UUID, aead: AESGCM):
        self.id = key_id
        self._aead = aead

    def __repr__(self) -> str:
        return f"DataKey({self.id})"


def _seal_under_master(plaintext: bytes, *, aad: bytes) -> bytes:
    ring = key_ring()
    key_id = ring.primary.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.primary].encrypt(nonce, plaintext, aad)
    return bytes([FORMAT_MASTER, len(key_id)]) + key_id + nonce + sealed


def _open_under_master(blob: bytes, *, aad: bytes) -> bytes:
    id_end = 2 + blob[1]
    if len(blob) < id_end + NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the value is truncated")
    key_id = blob[2:id_end].decode("ascii", errors="replace")
    key = key_ring().keys.get(key_id)
    if key is None:
        raise UnknownKeyError(f"no master key with id {key_id!r} in {SETTING}")
    nonce, sealed = blob[id_end:id_end + NONCE_BYTES], blob[id_end + NONCE_BYTES:]
    try:
        return key.decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise DecryptionError("the value was altered or belongs elsewhere") from None


def master_key_id(wrapped: bytes) -> str:
    """The id of the master key a data key is wrapped under."""
    wrapped = bytes(wrapped)
    if len(wrapped) < 2 or wrapped[0] != FORMAT_MASTER:
        raise DecryptionError("unknown wrapped-key format")
    return wrapped[2:2 + wrapped[1]].decode("ascii", errors="replace")


def data_key_new(*, key_id: UUID, subject: str) -> tuple[DataKey, bytes]:
    """A fresh random data key, and its wrapped form (under the newest master key) to store."""
    raw = AESGCM.generate_key(bit_length=256)
    return DataKey(key_id, AESGCM(raw)), _seal_under_master(raw, aad=_data_key_aad(key_id, subject))


def data_key_open(*, key_id: UUID, subject: str, wrapped: bytes) -> DataKey:
    wrapped = bytes(wrapped)
    if len(wrapped) < 2 or wrapped[0] != FORMAT_MASTER:
        raise DecryptionError("unknown wrapped-key format")
    return DataKey(key_id, AESGCM(_open_under_master(wrapped, aad=_data_key_aad(key_id, subject))))


def data_key_rewrap(*, key_id: UUID, subject: str, wrapped: bytes) -> bytes | None:
    """The data key wrapped under the newest master key, or None when it already is."""
    if master_key_id(wrapped) == key_ring().primary:
        return None
    aad = _data_key_aad(key_id, subject)
    return _seal_under_master(_open_under_master(bytes(wrapped), aad=aad), aad=aad)


def data_key_move(*, key_id: UUID, wrapped: bytes, old_subject: str, new_subject: str) -> bytes:
    """The data key wrapped anew for another data subject (an account adopting a visitor's conversations), under
    the newest master key. The wrapping binds the subject, so the old subject's wrapping opens nothing once the
    row says the new one; values need nothing: they name their key by id, not by subject."""
    raw = _open_under_master(_wrapped_bytes(wrapped), aad=_data_key_aad(key_id, old_subject))
    return _seal_under_master(raw, aad=_data_key_aad(key_id, new_subject))


def _wrapped_bytes(wrapped: bytes) -> bytes:
    wrapped = bytes(wrapped)
    if len(wrapped) < 2 or wrapped[0] != FORMAT_MASTER:
        raise DecryptionError("unknown wrapped-key format")
    return wrapped


def encrypt_text(text: str, *, aad: bytes, key: DataKey) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return bytes([FORMAT_DATA]) + key.id.bytes + nonce + key._aead.encrypt(nonce, text.encode("utf-8"), aad)


def encrypt_text_under_master(text: str, *, aad: bytes) -> bytes:
    """How values were written before data keys existed. Kept for the upgrade path and its tests."""
    return _seal_under_master(text.encode("utf-8"), aad=aad)


def decrypt_text(blob: bytes, *, aad: bytes, resolve: Callable[[bytes], DataKey | None]) -> str:
    """Decrypt a value. `resolve` finds a data key by its 16-byte id (None when it does not exist: destroyed, or
    from another installation); it takes the raw id because reading a page of messages calls it per row."""
    blob = bytes(blob)
    if blob[:1] == b"\x02":
        if len(blob) < DATA_HEADER + NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("the value is truncated")
        key = resolve(blob[1:DATA_HEADER])
        if key is None:
            key_id = UUID(bytes=blob[1:DATA_HEADER])
            raise UnknownKeyError(f"no data key {key_id}: destroyed, or not this installation's")
        try:
            plaintext = key._aead.decrypt(blob[DATA_HEADER:DATA_HEADER + NONCE_BYTES],
                                          blob[DATA_HEADER + NONCE_BYTES:], aad)
        except InvalidTag:
            raise DecryptionError("the value was altered or belongs elsewhere") from None
    elif blob[:1] == b"\x01" and len(blob) >= 2:
        plaintext = _open_under_master(blob, aad=aad)
    else:
        raise DecryptionError("unknown ciphertext format")
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("the value is not text") from None


def webhook_signature(secret: str, *, timestamp: str, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the webhook's secret (docs/moderation.md
    shows a receiver checking it). Binding the timestamp lets a receiver refuse replays of old requests."""
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"

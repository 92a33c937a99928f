"""Field encryption: the only module that imports `cryptography` or touches keys.

Values are encrypted with AES-256-GCM under a key ring from EMOCHAT_ENCRYPTION_KEYS (the first key encrypts,
every key decrypts, so keys can be rotated). A ciphertext describes itself:

    version (1 byte, 0x01) | key id length (1 byte) | key id (ASCII) | nonce (12 bytes) | ciphertext + tag

and is bound to where it is stored by associated data (table, column, row id): a value copied to another row
or column fails to decrypt instead of showing someone else's words.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from functools import cache
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

FORMAT_V1 = 1
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
    return f"emochat:{table}:{column}:{row_id}".encode()


def encrypt_text(text: str, *, aad: bytes) -> bytes:
    ring = key_ring()
    key_id = ring.primary.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.primary].encrypt(nonce, text.encode("utf-8"), aad)
    return bytes([FORMAT_V1, len(key_id)]) + key_id + nonce + sealed


def decrypt_text(blob: bytes, *, aad: bytes) -> str:
    blob = bytes(blob)
    if len(blob) < 2 or blob[0] != FORMAT_V1:
        raise DecryptionError("unknown ciphertext format")
    id_end = 2 + blob[1]
    if len(blob) < id_end + NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the value is truncated")
    key_id = blob[2:id_end].decode("ascii", errors="replace")
    key = key_ring().keys.get(key_id)
    if key is None:
        raise UnknownKeyError(f"no key with id {key_id!r} in {SETTING}")
    nonce, sealed = blob[id_end:id_end + NONCE_BYTES], blob[id_end + NONCE_BYTES:]
    try:
        return key.decrypt(nonce, sealed, aad).decode("utf-8")
    except InvalidTag:
        raise DecryptionError("the value was altered or belongs to another row") from None

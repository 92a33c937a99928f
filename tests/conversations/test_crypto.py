"""conversations/crypto.py: AES-256-GCM values that describe their key and are bound to their row."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from conversations import crypto

ROOT = Path(__file__).resolve().parents[2]


def ring(*ids: str) -> str:
    return ",".join(f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}" for key_id in ids)


@pytest.fixture
def keys(settings):
    settings.EMOCHAT_ENCRYPTION_KEYS = ring("k2", "k1")
    return settings


def aad(row=None, column="text_encrypted"):
    return crypto.associated_data("conversations_message", column, row or uuid.UUID(int=1))


def test_round_trip_and_self_describing_format(keys):
    blob = crypto.encrypt_text("I can't sleep again", aad=aad())

    assert blob[0] == crypto.FORMAT_V1
    assert blob[2:2 + blob[1]] == b"k2"
    assert b"sleep" not in blob
    assert crypto.decrypt_text(blob, aad=aad()) == "I can't sleep again"


def test_same_text_encrypts_differently_each_time(keys):
    assert crypto.encrypt_text("same", aad=aad()) != crypto.encrypt_text("same", aad=aad())


def test_a_value_moved_to_another_row_or_column_does_not_decrypt(keys):
    blob = crypto.encrypt_text("mine", aad=aad(uuid.UUID(int=1)))

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, aad=aad(uuid.UUID(int=2)))
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, aad=aad(uuid.UUID(int=1), column="note_encrypted"))


@pytest.mark.parametrize("position", [-1, -20, 20])
def test_one_flipped_byte_is_an_error_not_garbage(keys, position):
    blob = bytearray(crypto.encrypt_text("a message of some length", aad=aad()))
    blob[position] ^= 0x01

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(bytes(blob), aad=aad())


@pytest.mark.parametrize("keep", [0, 1, 3, 10, 30])
def test_a_truncated_value_is_an_error_not_a_crash(keys, keep):
    blob = crypto.encrypt_text("cut short", aad=aad())

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob[:keep], aad=aad())


@pytest.mark.parametrize("position", [0, 1])
def test_a_damaged_header_is_an_error_not_a_crash(keys, position):
    blob = bytearray(crypto.encrypt_text("header", aad=aad()))
    blob[position] ^= 0x40

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(bytes(blob), aad=aad())


def test_older_keys_still_decrypt_and_unknown_keys_say_so(settings):
    settings.EMOCHAT_ENCRYPTION_KEYS = old = ring("old")
    blob = crypto.encrypt_text("from before the rotation", aad=aad())

    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new") + "," + old
    assert crypto.decrypt_text(blob, aad=aad()) == "from before the rotation"

    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new")
    with pytest.raises(crypto.UnknownKeyError, match="'old'"):
        crypto.decrypt_text(blob, aad=aad())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "not set"),
        ("nocolon", "entry 1"),
        ("k1:not base64!!", "not urlsafe base64"),
        ("k1:" + base64.urlsafe_b64encode(b"short").decode(), "32 bytes"),
        (ring("k1") + "," + ring("k1"), "appears twice"),
    ],
)
def test_malformed_key_rings_are_refused_with_the_variable_named(value, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        crypto.parse_key_ring(value)
    assert "EMOCHAT_ENCRYPTION_KEYS" in str(caught.value)


def test_key_material_never_appears_in_an_error():
    secret = base64.urlsafe_b64encode(os.urandom(31)).decode()
    with pytest.raises(ImproperlyConfigured) as caught:
        crypto.parse_key_ring(f"k1:{secret}")
    assert secret not in str(caught.value)


def test_only_the_crypto_module_imports_cryptography():
    offenders = []
    for path in ROOT.glob("**/*.py"):
        if any(part in {".venv", "node_modules", "tests"} for part in path.parts):
            continue
        source = path.read_text()
        if ("import cryptography" in source or "from cryptography" in source) and path != ROOT / "conversations/crypto.py":
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

"""conversations/crypto.py: AES-256-GCM values that describe their key and are bound to their row."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from conversations.privacy import crypto

ROOT = Path(__file__).resolve().parents[3]


def ring(*ids: str) -> str:
    return ",".join(f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}" for key_id in ids)


@pytest.fixture
def keys(settings):
    settings.EMOCHAT_ENCRYPTION_KEYS = ring("k2", "k1")
    return settings


def aad(row=None, column="text_encrypted"):
    return crypto.associated_data("conversations_message", column, row or uuid.UUID(int=1))


@pytest.fixture
def data_key(keys):
    """A data key, and a resolver that knows only it (as the keys database would)."""
    key, wrapped = crypto.data_key_new(key_id=uuid.uuid4(), subject="visitor:1")
    return key, wrapped, {key.id.bytes: key}.get


def test_round_trip_and_self_describing_format(data_key):
    key, _, resolve = data_key
    blob = crypto.encrypt_text("I can't sleep again", aad=aad(), key=key)

    assert blob[0] == crypto.FORMAT_DATA
    assert uuid.UUID(bytes=blob[1:17]) == key.id
    assert b"sleep" not in blob
    assert crypto.decrypt_text(blob, aad=aad(), resolve=resolve) == "I can't sleep again"


def test_a_data_key_is_stored_only_wrapped_under_the_newest_master_key(data_key):
    key, wrapped, _ = data_key

    assert crypto.master_key_id(wrapped) == "k2"
    opened = crypto.data_key_open(key_id=key.id, subject="visitor:1", wrapped=wrapped)
    blob = crypto.encrypt_text("sealed with the original", aad=aad(), key=key)
    assert crypto.decrypt_text(blob, aad=aad(), resolve={key.id.bytes: opened}.get) == "sealed with the original"
    assert "visitor" not in repr(key) and len(repr(key)) < 60  # no key bytes in a repr


def test_a_wrapped_key_is_bound_to_its_id_and_subject(data_key):
    key, wrapped, _ = data_key

    with pytest.raises(crypto.DecryptionError):
        crypto.data_key_open(key_id=key.id, subject="visitor:2", wrapped=wrapped)
    with pytest.raises(crypto.DecryptionError):
        crypto.data_key_open(key_id=uuid.uuid4(), subject="visitor:1", wrapped=wrapped)


def test_rewrapping_moves_a_data_key_to_the_newest_master_key(settings, data_key):
    key, wrapped, _ = data_key
    blob = crypto.encrypt_text("still mine", aad=aad(), key=key)
    settings.EMOCHAT_ENCRYPTION_KEYS = ring("k3") + "," + settings.EMOCHAT_ENCRYPTION_KEYS

    rewrapped = crypto.data_key_rewrap(key_id=key.id, subject="visitor:1", wrapped=wrapped)

    assert crypto.master_key_id(rewrapped) == "k3"
    assert crypto.data_key_rewrap(key_id=key.id, subject="visitor:1", wrapped=rewrapped) is None
    settings.EMOCHAT_ENCRYPTION_KEYS = settings.EMOCHAT_ENCRYPTION_KEYS.split(",")[0]  # only k3 left
    opened = crypto.data_key_open(key_id=key.id, subject="visitor:1", wrapped=rewrapped)
    assert crypto.decrypt_text(blob, aad=aad(), resolve={key.id.bytes: opened}.get) == "still mine"


def test_moving_a_data_key_to_another_subject_rebinds_its_wrapping(data_key):
    key, wrapped, _ = data_key
    blob = crypto.encrypt_text("written before signing up", aad=aad(), key=key)

    moved = crypto.data_key_move(key_id=key.id, wrapped=wrapped, old_subject="visitor:1", new_subject="user:7")

    with pytest.raises(crypto.DecryptionError):
        crypto.data_key_open(key_id=key.id, subject="visitor:1", wrapped=moved)
    opened = crypto.data_key_open(key_id=key.id, subject="user:7", wrapped=moved)
    assert crypto.decrypt_text(blob, aad=aad(), resolve={key.id.bytes: opened}.get) == "written before signing up"
    with pytest.raises(crypto.DecryptionError):  # only the subject it was wrapped for can move it
        crypto.data_key_move(key_id=key.id, wrapped=wrapped, old_subject="visitor:2", new_subject="user:7")


def test_same_text_encrypts_differently_each_time(data_key):
    key, _, _ = data_key
    assert crypto.encrypt_text("same", aad=aad(), key=key) != crypto.encrypt_text("same", aad=aad(), key=key)


def test_a_value_moved_to_another_row_or_column_does_not_decrypt(data_key):
    key, _, resolve = data_key
    blob = crypto.encrypt_text("mine", aad=aad(uuid.UUID(int=1)), key=key)

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, aad=aad(uuid.UUID(int=2)), resolve=resolve)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, aad=aad(uuid.UUID(int=1), column="note_encrypted"), resolve=resolve)


@pytest.mark.parametrize("position", [-1, -20, 20])
def test_one_flipped_byte_is_an_error_not_garbage(data_key, position):
    key, _, resolve = data_key
    blob = bytearray(crypto.encrypt_text("a message of some length", aad=aad(), key=key))
    blob[position] ^= 0x01

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(bytes(blob), aad=aad(), resolve=resolve)


@pytest.mark.parametrize("keep", [0, 1, 3, 17, 30, 44])
def test_a_truncated_value_is_an_error_not_a_crash(data_key, keep):
    key, _, resolve = data_key
    blob = crypto.encrypt_text("cut short", aad=aad(), key=key)

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob[:keep], aad=aad(), resolve=resolve)


@pytest.mark.parametrize("position", [0, 1, 16])
def test_a_damaged_header_is_an_error_not_a_crash(data_key, position):
    key, _, resolve = data_key
    blob = bytearray(crypto.encrypt_text("header", aad=aad(), key=key))
    blob[position] ^= 0x40

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(bytes(blob), aad=aad(), resolve=resolve)


def test_a_destroyed_data_key_makes_its_values_unreadable(data_key):
    key, _, _ = data_key
    blob = crypto.encrypt_text("forget me", aad=aad(), key=key)

    with pytest.raises(crypto.UnknownKeyError, match=str(key.id)):
        crypto.decrypt_text(blob, aad=aad(), resolve={}.get)


def test_values_from_before_data_keys_still_decrypt_and_unknown_master_keys_say_so(settings):
    settings.EMOCHAT_ENCRYPTION_KEYS = old = ring("old")
    blob = crypto.encrypt_text_under_master("from before the rotation", aad=aad())
    assert blob[0] == crypto.FORMAT_MASTER

    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new") + "," + old
    assert crypto.decrypt_text(blob, aad=aad(), resolve={}.get) == "from before the rotation"

    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new")
    with pytest.raises(crypto.UnknownKeyError, match="'old'"):
        crypto.decrypt_text(blob, aad=aad(), resolve={}.get)


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
        imports = "import cryptography" in source or "from cryptography" in source
        if imports and path != ROOT / "conversations/privacy/crypto.py":
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

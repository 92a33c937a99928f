"""What someone holding the database, a dump of it or a backup can read: nothing, and after erasure, not even
with the keys (docs/privacy.md). Real PostgreSQL, real pg_dump, a real `rotate_keys` process killed halfway."""

from __future__ import annotations

import base64
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from conversations import identity
from conversations.chat import selectors, services
from conversations.identity import Owner
from conversations.models import DataKey, Message, TranscriptAccess
from conversations.privacy import crypto, keys, notice, sealing
from conversations.privacy import services as privacy
from tests import processes

pytestmark = pytest.mark.django_db(transaction=True)


def ring(*ids: str) -> str:
    return ",".join(f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}" for key_id in ids)


def person() -> Owner:
    owner = Owner(visitor_id=uuid.uuid4())
    privacy.consent_give(owner=owner, version=notice.VERSION, purposes=["support"])
    return owner


def say(owner: Owner, text: str) -> uuid.UUID:
    conversation = services.conversation_open(owner=owner)
    sent = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    return uuid.UUID(sent.message["id"])


def stored_texts() -> dict[uuid.UUID, str | None]:
    return {m.id: selectors.message_text(m) for m in Message.objects.all()}


def pg_dump(alias: str) -> bytes:
    db = connections[alias].settings_dict
    return subprocess.run(
        ["pg_dump", "--no-owner", "-h", db["HOST"], "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]],
        capture_output=True, check=True, timeout=60,
    ).stdout


def readable_in(dump: bytes, text: str) -> bool:
    # bytea columns appear hex-encoded in a plain dump: a value stored in clear would show either way.
    return text.encode() in dump or text.encode().hex().encode() in dump


@pytest.fixture
def many_messages(settings, no_workers):
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 10_000


def test_raw_rows_and_full_dumps_hold_no_plaintext_of_any_message(no_workers, django_user_model):
    owner = person()
    texts = ["I haven't told anyone about the debt", "my sister doesn't know I'm here"]
    ids = [say(owner, text) for text in texts]
    services.reply_create(reply_to_id=ids[0], conversation_id=Message.objects.get(pk=ids[0]).conversation_id,
                          text="That sounds like a heavy thing to carry alone")
    staff = django_user_model.objects.create_superuser("mod")
    privacy.transcript_open(staff=staff, conversation_id=Message.objects.get(pk=ids[0]).conversation_id,
                            reason="Reviewing the debt conversation after a report")
    everything = [*texts, "That sounds like a heavy thing to carry alone", "Reviewing the debt conversation"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM conversations_message")
        rows = cursor.fetchall()
    dump, key_dump = pg_dump("default"), pg_dump("keys")

    assert len(rows) == 3
    for text in everything:
        assert not any(text.encode() in (value.encode() if isinstance(value, str) else bytes(value))
                       for row in rows for value in row if isinstance(value, (str, bytes, memoryview)))
        assert not readable_in(dump, text) and not readable_in(key_dump, text)
    # The dumps do hold the rows (so the searches above could have found something); the data keys are only
    # in the keys database's dump.
    assert str(ids[0]).encode() in dump and b"conversations_datakey" not in dump
    assert b"conversations_datakey" in key_dump and identity.subject_for(owner).encode() in key_dump


def test_swapped_or_altered_ciphertexts_are_errors_shown_as_unreadable(no_workers):
    owner = person()
    first, second = say(owner, "first"), say(owner, "second")
    a, b = Message.objects.get(pk=first), Message.objects.get(pk=second)
    flipped = bytearray(b.text_encrypted)
    flipped[-5] ^= 0x01
    Message.objects.filter(pk=first).update(text_encrypted=b.text_encrypted)
    Message.objects.filter(pk=second).update(text_encrypted=bytes(flipped))

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(b.text_encrypted, aad=sealing.associated_data(Message, "text_encrypted", a.id),
                            resolve=keys.key_by_id)
    assert stored_texts() == {first: None, second: None}
    assert selectors.message_payload(Message.objects.get(pk=first))["unreadable"] is True


def test_each_person_has_their_own_data_key_stored_only_in_the_keys_database(no_workers):
    one, two = person(), person()
    say(one, "one"), say(two, "two")

    subjects = dict(DataKey.objects.values_list("subject", "id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        default_tables = {row[0] for row in cursor.fetchall()}

    assert set(subjects) == {identity.subject_for(one), identity.subject_for(two)}
    assert set(Message.objects.values_list("data_key_id", flat=True)) == set(subjects.values())
    assert "conversations_datakey" not in default_tables


def test_rotating_master_keys_and_reencrypting_while_messages_are_sent_leaves_everything_readable(
    many_messages, settings
):
    people = [person() for _ in range(8)]
    sent: dict[uuid.UUID, str] = {}
    # Enough to re-encrypt that the rotation overlaps a good number of new messages.
    for n in range(300):
        text = f"before rotation {n}"
        sent[say(people[n % 8], text)] = text
    old_keys = set(DataKey.objects.values_list("id", flat=True))
    stop, failures = threading.Event(), []

    def keep_chatting() -> None:
        n = 0
        try:
            while not stop.is_set():
                text = f"during rotation {n}"
                sent[say(people[n % 8] if n % 3 else person(), text)] = text
                n += 1
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()  # this thread's own sessions, so the test databases can be flushed

    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new") + "," + settings.EMOCHAT_ENCRYPTION_KEYS
    chatter = threading.Thread(target=keep_chatting)
    chatter.start()
    try:
        time.sleep(0.2)
        call_command("rotate_keys", "--reencrypt", "--batch-size", "25", stdout=io.StringIO())
    finally:
        stop.set()
        chatter.join(30)
    during = sum(1 for text in sent.values() if text.startswith("during"))

    # Only the newest master key is left: everything must still open.
    settings.EMOCHAT_ENCRYPTION_KEYS = settings.EMOCHAT_ENCRYPTION_KEYS.split(",")[0]
    keys.forget_all()
    assert failures == []
    assert during > 10
    assert stored_texts() == sent
    assert {crypto.master_key_id(w) for w in DataKey.objects.values_list("wrapped", flat=True)} == {"new"}
    before = Message.objects.filter(id__in=[i for i, t in sent.items() if t.startswith("before")])
    assert not before.filter(data_key_id__in=old_keys).exists()


def test_values_from_before_data_keys_are_moved_to_data_keys_by_reencrypt(no_workers):
    owner = person()
    message_id = say(owner, "written long ago")
    Message.objects.filter(pk=message_id).update(
        data_key_id=None,
        text_encrypted=crypto.encrypt_text_under_master(
            "written long ago", aad=sealing.associated_data(Message, "text_encrypted", message_id)),
    )
    assert selectors.message_text(Message.objects.get(pk=message_id)) == "written long ago"

    call_command("rotate_keys", "--reencrypt", stdout=io.StringIO())

    message = Message.objects.get(pk=message_id)
    blob = bytes(message.text_encrypted)
    assert blob[0] == crypto.FORMAT_DATA and uuid.UUID(bytes=blob[1:17]) == message.data_key_id
    assert selectors.message_text(message) == "written long ago"


def test_a_dry_run_reports_and_changes_nothing(no_workers, settings, capsys):
    say(person(), "hello")
    before = list(DataKey.objects.values_list("id", "wrapped"))
    messages_before = list(Message.objects.values_list("id", "text_encrypted"))
    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new") + "," + settings.EMOCHAT_ENCRYPTION_KEYS

    call_command("rotate_keys", "--reencrypt", "--dry-run")

    out = capsys.readouterr().out
    assert "Data keys to re-wrap: 1." in out and "Values to re-encrypt: 1." in out and "Dry run" in out
    after = list(DataKey.objects.values_list("id", "wrapped"))
    assert [(i, bytes(w)) for i, w in after] == [(i, bytes(w)) for i, w in before]
    assert [(i, bytes(t)) for i, t in Message.objects.values_list("id", "text_encrypted")] == [
        (i, bytes(t)) for i, t in messages_before]


def test_rotate_keys_killed_halfway_loses_nothing_and_a_rerun_finishes(live_database_url, many_messages, settings,
                                                                       tmp_path):
    people = [person() for _ in range(20)]
    sent = {}
    for n in range(400):
        sent[say(people[n % 20], f"message {n}")] = f"message {n}"
    original_keys = set(DataKey.objects.values_list("id", flat=True))
    settings.EMOCHAT_ENCRYPTION_KEYS = ring("new") + "," + settings.EMOCHAT_ENCRYPTION_KEYS
    env = processes.environment(DATABASE_URL=live_database_url,
                                EMOCHAT_ENCRYPTION_KEYS=settings.EMOCHAT_ENCRYPTION_KEYS)
    argv = [sys.executable, "manage.py", "rotate_keys", "--reencrypt", "--batch-size", "1"]

    first = processes.Process("rotate-killed", argv, env, tmp_path)
    moved = 0
    deadline = time.monotonic() + 60
    while moved < 20 and time.monotonic() < deadline and first.alive():
        moved = Message.objects.exclude(data_key_id__in=original_keys).count()
        time.sleep(0.01)
    first.signal(signal.SIGKILL)
    first.popen.wait(10)
    halfway = Message.objects.exclude(data_key_id__in=original_keys).count()
    keys.forget_all()
    assert stored_texts() == sent  # nothing lost at the moment of the kill
    second = processes.Process("rotate-again", argv, env, tmp_path)
    assert second.popen.wait(120) == 0, second.log()

    keys.forget_all()
    assert 0 < halfway < len(sent), first.log()
    assert "Resumed and finished" in second.log()
    assert stored_texts() == sent
    assert not Message.objects.filter(data_key_id__in=original_keys).exists()
    active = set(DataKey.objects.filter(state="active").values_list("id", flat=True))
    assert set(Message.objects.values_list("data_key_id", flat=True)) <= active
    assert len(active) == len(people)


def test_an_erased_visitor_is_unreadable_even_from_a_dump_taken_before(no_workers, tmp_path, django_user_model):
    erased, kept = person(), person()
    erased_id = say(erased, "please forget everything I said")
    kept_id = say(kept, "I am staying")
    staff = django_user_model.objects.create_superuser("mod")
    conversation = selectors.conversation_open_for(owner=erased)
    privacy.transcript_open(staff=staff, conversation_id=conversation.id, reason="Checking in after a report")
    dump = tmp_path / "before.sql"
    dump.write_bytes(pg_dump("default"))

    erased_result = privacy.subject_erase(owner=erased)

    assert (erased_result.conversations, erased_result.messages, erased_result.keys) == (1, 1, 1)
    assert not DataKey.objects.filter(subject=identity.subject_for(erased)).exists()
    assert not Message.objects.filter(conversation_id=conversation.id).exists()
    # The dump still holds both rows; the erased person's can no longer be opened with any key that exists.
    assert restore(dump) == {erased_id: None, kept_id: "I am staying"}
    access = TranscriptAccess.objects.get()
    assert sealing.unsealed(TranscriptAccess, "reason_encrypted", access.id, access.reason_encrypted) is None


def restore(dump: Path) -> dict[uuid.UUID, str | None]:
    """Load a dump into a scratch database and read every message in it with today's keys."""
    db = connections["default"].settings_dict
    name = f"{db['NAME']}_restore"
    conninfo = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], autocommit=True)
    with psycopg.connect(dbname="postgres", **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", db["HOST"], "-p", str(db["PORT"] or 5432),
                        "-U", db["USER"], "-d", name, "-f", str(dump)], check=True, capture_output=True, timeout=60)
        with psycopg.connect(dbname=name, **conninfo) as restored:
            rows = restored.execute("SELECT id, text_encrypted FROM conversations_message").fetchall()
    finally:
        with psycopg.connect(dbname="postgres", **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    keys.forget_all()
    return {row_id: sealing.unsealed(Message, "text_encrypted", row_id, blob) for row_id, blob in rows}

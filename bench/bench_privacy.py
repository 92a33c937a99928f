"""Field encryption's cost, side by side with plaintext in the same run, on PostgreSQL (docs/privacy.md).

- save: 10,000 messages, one transaction each (as the chat stores them), into `conversations_message` with the
  text sealed under the person's data key, against the same rows into a plaintext table of the same shape.
  Also with bulk_create (500 a statement), where the database's share is smallest. Its ratio is mostly not
  encryption: Django inserts text columns in bulk with one array per column (UNNEST) but cannot for a bytea
  column (BinaryField has a per-value placeholder), and falls back to one parameter per value.
- read: the same 10,000 rows fetched and turned into text (decrypted) against the plaintext table.
- rotate: `rotate_keys --reencrypt` over 10,000 messages of 100 people, in messages per second.

Goals, from Rails' Active Record Encryption performance tests, tightened: save ≤ 1.2×, read ≤ 1.1×.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

from django.core.management import call_command
from django.db import connection, connections, models, transaction
from django.test.utils import setup_databases, teardown_databases

from bench.figures import Figure
from conversations import identity
from conversations.chat import selectors
from conversations.identity import Owner
from conversations.models import Conversation, DataKey, Message
from conversations.privacy import keys, sealing

N = 10_000
PEOPLE = 100
ROUNDS = 3
READ_ROUNDS = 15  # a read of 10k takes ~0.2 s and varies more on a shared machine: take the median of many
WORDS = ("I keep thinking about what happened at work today and I can't sleep, my chest feels tight and I "
         "don't know who to tell about it because everyone seems so busy with their own lives ")


class PlainMessage(models.Model):
    """The reference: conversations_message with its text in clear and no data key column (PLAIN_TABLE_SQL)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField()
    role = models.CharField(max_length=16)
    text = models.TextField()
    client_id = models.UUIDField(null=True)
    reply_to = models.OneToOneField("self", null=True, on_delete=models.CASCADE, related_name="+")
    emotion = models.JSONField(null=True)
    emotion_seq = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "conversations"
        db_table = "bench_plain_message"
        managed = False


# The same table, indexes and constraints as conversations_message, so the figures differ by encryption only.
PLAIN_TABLE_SQL = """
CREATE TABLE bench_plain_message (LIKE conversations_message INCLUDING ALL);
ALTER TABLE bench_plain_message DROP COLUMN text_encrypted, DROP COLUMN data_key_id, ADD COLUMN text text NOT NULL;
ALTER TABLE bench_plain_message ADD FOREIGN KEY (conversation_id) REFERENCES conversations_conversation (id)
    DEFERRABLE INITIALLY DEFERRED;
"""


def texts() -> list[str]:
    # Message lengths from 40 to 400 characters, like the chat's.
    return [(WORDS * 3)[: 40 + (n * 37) % 361] for n in range(N)]


def _save_encrypted(conversation: Conversation, bodies: list[str]) -> float:
    subject = identity.subject_of(conversation)
    started = time.perf_counter()
    for seq, text in enumerate(bodies, 1):
        message_id = uuid.uuid4()
        sealed, key_id = sealing.seal(text, model=Message, column="text_encrypted", row_id=message_id,
                                      subject=subject)
        Message.objects.create(id=message_id, conversation=conversation, seq=seq, role="user",
                               text_encrypted=sealed, data_key_id=key_id)
    return time.perf_counter() - started


def _save_plain(conversation: Conversation, bodies: list[str]) -> float:
    started = time.perf_counter()
    for seq, text in enumerate(bodies, 1):
        PlainMessage.objects.create(id=uuid.uuid4(), conversation=conversation, seq=seq, role="user", text=text)
    return time.perf_counter() - started


def _bulk_encrypted(conversation: Conversation, bodies: list[str]) -> float:
    subject = identity.subject_of(conversation)
    started = time.perf_counter()
    rows = []
    for seq, text in enumerate(bodies, 1):
        message_id = uuid.uuid4()
        sealed, key_id = sealing.seal(text, model=Message, column="text_encrypted", row_id=message_id,
                                      subject=subject)
        rows.append(Message(id=message_id, conversation=conversation, seq=seq, role="user", text_encrypted=sealed,
                            data_key_id=key_id))
    with transaction.atomic():
        Message.objects.bulk_create(rows, batch_size=500)
    return time.perf_counter() - started


def _bulk_plain(conversation: Conversation, bodies: list[str]) -> float:
    started = time.perf_counter()
    rows = [PlainMessage(id=uuid.uuid4(), conversation=conversation, seq=seq, role="user", text=text)
            for seq, text in enumerate(bodies, 1)]
    with transaction.atomic():
        PlainMessage.objects.bulk_create(rows, batch_size=500)
    return time.perf_counter() - started


def _read_encrypted(conversation: Conversation) -> float:
    started = time.perf_counter()
    read = [selectors.message_text(m) for m in Message.objects.filter(conversation=conversation)]
    elapsed = time.perf_counter() - started
    assert len(read) == N and None not in read
    return elapsed


def _read_plain(conversation: Conversation) -> float:
    started = time.perf_counter()
    read = [m.text for m in PlainMessage.objects.filter(conversation=conversation)]
    elapsed = time.perf_counter() - started
    assert len(read) == N
    return elapsed


def _fresh_conversation() -> Conversation:
    return Conversation.objects.create(visitor_id=uuid.uuid4())


def _clear() -> None:
    Message.objects.all().delete()
    PlainMessage.objects.all().delete()
    Conversation.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE conversations_message")
        cursor.execute("VACUUM ANALYZE bench_plain_message")


def _ratio(encrypted, plain, bodies) -> tuple[float, float, float]:
    """Median seconds of each over ROUNDS, alternating which goes first; and their ratio."""
    enc, ref = [], []
    for round_ in range(ROUNDS):
        pair = [(enc, encrypted), (ref, plain)]
        for times, fn in (pair if round_ % 2 == 0 else reversed(pair)):
            times.append(fn(_fresh_conversation(), bodies))
        _clear()
    return statistics.median(enc), statistics.median(ref), statistics.median(enc) / statistics.median(ref)


def _read_ratio(bodies) -> tuple[float, float, float]:
    encrypted_conversation, plain_conversation = _fresh_conversation(), _fresh_conversation()
    _bulk_encrypted(encrypted_conversation, bodies)
    _bulk_plain(plain_conversation, bodies)
    _read_encrypted(encrypted_conversation)  # warm both, as a running server would be
    _read_plain(plain_conversation)
    enc, ref = [], []
    for round_ in range(READ_ROUNDS):
        if round_ % 2 == 0:
            enc.append(_read_encrypted(encrypted_conversation))
            ref.append(_read_plain(plain_conversation))
        else:
            ref.append(_read_plain(plain_conversation))
            enc.append(_read_encrypted(encrypted_conversation))
    _clear()
    return statistics.median(enc), statistics.median(ref), statistics.median(enc) / statistics.median(ref)


def _rotation_rate(bodies) -> float:
    per_person = N // PEOPLE
    for person in range(PEOPLE):
        _bulk_encrypted(Conversation.objects.create(visitor_id=uuid.uuid4()),
                        bodies[person * per_person:(person + 1) * per_person])
    with open(os.devnull, "w") as quiet:
        started = time.perf_counter()
        call_command("rotate_keys", "--reencrypt", stdout=quiet)
        elapsed = time.perf_counter() - started
    active = list(DataKey.objects.filter(state="active").values_list("id", flat=True))
    assert not Message.objects.exclude(data_key_id__in=active).exists()
    return N / elapsed


def run() -> list[Figure]:
    for alias in ("default", "keys"):
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{alias}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    try:
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_TABLE_SQL)
        bodies = texts()
        keys.active_key(identity.subject_for(Owner(visitor_id=uuid.uuid4())))  # warm the key path
        save_enc, save_ref, save = _ratio(_save_encrypted, _save_plain, bodies)
        bulk_enc, bulk_ref, bulk = _ratio(_bulk_encrypted, _bulk_plain, bodies)
        read_enc, read_ref, read = _read_ratio(bodies)
        rate = _rotation_rate(bodies)
    finally:
        connections.close_all()
        teardown_databases(state, verbosity=0)
    return [
        Figure("save 10k, one transaction each: encrypted", save_enc, "s"),
        Figure("save 10k, one transaction each: plaintext", save_ref, "s"),
        Figure("save ratio encrypted/plaintext", save, "×", goal="≤ 1.2"),
        Figure("bulk save 10k: encrypted", bulk_enc, "s"),
        Figure("bulk save 10k: plaintext", bulk_ref, "s"),
        Figure("bulk save ratio encrypted/plaintext", bulk, "×"),
        Figure("read 10k: encrypted", read_enc, "s"),
        Figure("read 10k: plaintext", read_ref, "s"),
        Figure("read ratio encrypted/plaintext", read, "×", goal="≤ 1.1"),
        Figure("rotate_keys --reencrypt throughput", rate, "messages/s"),
    ]

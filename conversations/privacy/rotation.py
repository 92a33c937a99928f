"""Key rotation, online and resumable (`manage.py rotate_keys`, docs/privacy.md).

- rewrap: every data key not wrapped under the newest master key is re-wrapped. Touches only the keys database.
- reencrypt: every data subject gets a fresh data key and every value is re-sealed under it, batch by batch,
  each batch one short transaction holding its rows' locks, so the chat keeps writing meanwhile. A run is
  recorded; a run killed halfway is resumed by the next, which skips the subjects it already renewed.

No value is ever lost: a row is rewritten only with the new ciphertext of a successful decryption, in the
transaction that locks it, and an old key is deleted only once no value uses it (services.retired_keys_purge).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from conversations.identity import subject_of
from conversations.models import DataKey, KeyRotation, Message
from conversations.privacy import crypto, keys, sealing, services
from conversations.privacy.routers import KEYS_DATABASE
from conversations.privacy.sealing import SEALED_COLUMNS, SealedColumn

Progress = Callable[[int], None]


ID_CHUNK = 1000


@dataclass
class Plan:
    keys_to_rewrap: int
    subjects_to_renew: int
    values_to_reencrypt: int
    resuming: bool


@dataclass
class Summary:
    rewrapped: int = 0
    renewed: int = 0
    reencrypted: int = 0
    unreadable: int = 0
    retired_deleted: int = 0
    resumed: bool = False
    notes: list[str] = field(default_factory=list)


def _unfinished_run() -> KeyRotation | None:
    return KeyRotation.objects.filter(finished_at__isnull=True).order_by("started_at").first()


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _keys_to_rewrap() -> int:
    primary = crypto.key_ring().primary
    return sum(1 for wrapped in DataKey.objects.values_list("wrapped", flat=True).iterator()
               if crypto.master_key_id(wrapped) != primary)


def _subjects_to_renew(run: KeyRotation | None) -> list[str]:
    active = DataKey.objects.filter(state=DataKey.State.ACTIVE)
    if run is not None:
        active = active.filter(created_at__lt=run.started_at)
    return list(active.order_by("subject").values_list("subject", flat=True))


def _retired_subjects() -> dict:
    return dict(DataKey.objects.filter(state=DataKey.State.RETIRED).values_list("id", "subject"))


def _values_to_reencrypt(retired: dict, *, renewing: list[str]) -> int:
    renewing_keys = list(DataKey.objects.filter(subject__in=renewing, state=DataKey.State.ACTIVE)
                         .values_list("id", flat=True))
    total = Message.objects.filter(data_key_id__isnull=True).count()
    for sealed in SEALED_COLUMNS:
        for chunk in _chunks([*retired, *renewing_keys], ID_CHUNK):
            total += sealed.model.objects.filter(data_key_id__in=chunk).count()
    return total


def plan(*, reencrypt: bool) -> Plan:
    run = _unfinished_run() if reencrypt else None
    renewing = _subjects_to_renew(run) if reencrypt else []
    return Plan(
        keys_to_rewrap=_keys_to_rewrap(),
        subjects_to_renew=len(renewing),
        values_to_reencrypt=_values_to_reencrypt(_retired_subjects(), renewing=renewing) if reencrypt else 0,
        resuming=run is not None,
    )


def rewrap(*, batch_size: int, progress: Progress) -> int:
    """Re-wrap every data key under the newest master key."""
    done, cursor = 0, None
    while True:
        with transaction.atomic(using=KEYS_DATABASE):
            batch = DataKey.objects.select_for_update().order_by("id")
            if cursor is not None:
                batch = batch.filter(id__gt=cursor)
            rows = list(batch[:batch_size])
            if not rows:
                return done
            changed = []
            for row in rows:
                wrapped = crypto.data_key_rewrap(key_id=row.id, subject=row.subject, wrapped=row.wrapped)
                if wrapped is not None:
                    row.wrapped = wrapped
                    changed.append(row)
            DataKey.objects.bulk_update(changed, ["wrapped"])
            done += len(changed)
            cursor = rows[-1].id
        progress(len(rows))


def _reseal_batch(sealed: SealedColumn, rows: list, subject_of_row: Callable, summary: Summary) -> None:
    changed = []
    for row in rows:
        text = sealing.unsealed(sealed.model, sealed.column, row.pk, getattr(row, sealed.column))
        if text is None:
            summary.unreadable += 1  # left exactly as it was
            continue
        blob, key_id = sealing.seal(text, model=sealed.model, column=sealed.column, row_id=row.pk,
                                    subject=subject_of_row(row))
        setattr(row, sealed.column, blob)
        row.data_key_id = key_id
        changed.append(row)
    sealed.model.objects.bulk_update(changed, [sealed.column, "data_key_id"])
    summary.reencrypted += len(changed)


def _sweep(sealed: SealedColumn, rows_query, subject_of_row: Callable, *, batch_size: int, progress: Progress,
           summary: Summary) -> None:
    cursor = None
    while True:
        with transaction.atomic():
            query = rows_query.order_by("pk")
            if cursor is not None:
                query = query.filter(pk__gt=cursor)
            rows = list(query[:batch_size])
            if not rows:
                return
            _reseal_batch(sealed, rows, subject_of_row, summary)
            cursor = rows[-1].pk
        progress(len(rows))


def reencrypt(*, batch_size: int, progress: Progress) -> Summary:
    """Give every subject a fresh data key and re-seal all values under it (also values from before data keys)."""
    summary = Summary()
    run = _unfinished_run()
    summary.resumed = run is not None
    run = run or KeyRotation.objects.create()
    for subject in _subjects_to_renew(run):
        keys.key_replace(subject)
        summary.renewed += 1
    retired = _retired_subjects()
    for sealed in SEALED_COLUMNS:
        for chunk in _chunks(list(retired), ID_CHUNK):
            rows = sealed.model.objects.select_for_update().filter(data_key_id__in=chunk).only(
                "pk", sealed.column, "data_key_id")
            _sweep(sealed, rows, lambda row: retired[row.data_key_id], batch_size=batch_size, progress=progress,
                   summary=summary)
    # Values written before data keys: sealed under a master key, owned by their conversation's subject.
    legacy = (Message.objects.select_for_update(of=("self",)).filter(data_key_id__isnull=True)
              .select_related("conversation").only("pk", "text_encrypted", "data_key_id", "conversation__user_id",
                                                   "conversation__visitor_id"))
    _sweep(sealing.MESSAGE_TEXT, legacy, lambda row: subject_of(row.conversation), batch_size=batch_size,
           progress=progress, summary=summary)
    summary.retired_deleted = services.retired_keys_purge()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    if summary.unreadable:
        summary.notes.append(f"{summary.unreadable} values could not be decrypted and were left as they are.")
    if DataKey.objects.filter(state=DataKey.State.RETIRED).exists():
        summary.notes.append("Retired data keys are kept until every process's key cache has expired and no value "
                             "uses them; the daily housekeeping task (or the next run) deletes them.")
    return summary

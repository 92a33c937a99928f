"""Every privacy write: consent, erasure (crypto-shredding), audited transcript access, retention.

Reads are in selectors.py; values are sealed and opened by sealing.py; the contract is docs/privacy.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from conversations import permissions, writing
from conversations.chat import events as chat_events
from conversations.chat import selectors as chat
from conversations.identity import Owner, subject_for, subject_of
from conversations.models import Consent, Conversation, DataKey, Message, TranscriptAccess
from conversations.moderation import services as moderation
from conversations.mood import services as mood
from conversations.privacy import keys, notice, sealing
from conversations.privacy.routers import KEYS_DATABASE  # noqa: F401  callers' transactions on the keys database

PURGE_BATCH = 1000
MIN_REASON_LENGTH = 10
MIN_REASON_LETTERS = 5  # "..........", "1234567890" or ten zero-width spaces are not a reason


class PrivacyError(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def consent_give(*, owner: Owner, version: str, purposes: list[str]) -> Consent:
    """Record agreement to the current notice for `purposes` (it must include every required purpose). A change
    of purposes withdraws the previous answer and records a new one, so the history stays complete."""
    if version != notice.VERSION:
        raise PrivacyError("notice_changed", "The privacy notice has changed: read it again before agreeing.")
    chosen = set(purposes)
    if not chosen <= notice.PURPOSE_IDS:
        raise PrivacyError("invalid", f"Unknown purpose; the purposes are {sorted(notice.PURPOSE_IDS)}.")
    if not notice.REQUIRED <= chosen:
        raise PrivacyError("invalid", "The chat needs the purpose 'support' to store and answer messages.")
    subject = subject_for(owner)
    with transaction.atomic():
        Consent.objects.select_for_update().filter(subject=subject, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        return Consent.objects.create(subject=subject, notice_version=version,
                                      purposes=[p["id"] for p in notice.PURPOSES if p["id"] in chosen])


def consent_withdraw(*, owner: Owner) -> int:
    """Stop new messages; what was written stays until the person erases it or retention removes it."""
    return Consent.objects.filter(subject=subject_for(owner), withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


@dataclass(frozen=True)
class Erased:
    conversations: int
    messages: int
    keys: int


def subject_erase(*, owner: Owner) -> Erased:
    """Crypto-shred a person: destroy their data keys first, so every copy of their words (old backups too) is
    unreadable from that moment even if what follows fails; then delete their rows and close their sockets."""
    subject = subject_for(owner)
    destroyed = keys.subject_keys_destroy(subject)
    conversation_ids = list(chat.owned_conversations(owner=owner).values_list("id", flat=True))
    with transaction.atomic():
        messages = Message.objects.filter(conversation_id__in=conversation_ids).count()
        # The cases stay, accountable, without the conversation: their timelines say why it is gone.
        moderation.cases_conversation_erased(conversation_ids=conversation_ids)
        mood.checkins_erase(owner=owner)
        Conversation.objects.filter(id__in=conversation_ids).delete()
        Consent.objects.filter(subject=subject).delete()
        for conversation_id in conversation_ids:
            chat_events.broadcast_on_commit(conversation_id, chat_events.privacy_erased())
    return Erased(conversations=len(conversation_ids), messages=messages, keys=destroyed)


def subject_keys_move(*, old: Owner, new: Owner) -> int:
    """Give every data key of `old` to `new`, re-wrapped for it, so erasing `new` destroys them too; how many.
    Call inside a transaction on the keys database (conversations/accounts/services.py says in which order)."""
    return keys.subject_keys_move(old_subject=subject_for(old), new_subject=subject_for(new))


def subject_records_move(*, old: Owner, new: Owner) -> tuple[int, int]:
    """Give `old`'s consents and the record of staff reading their conversations to `new`: the history stays
    whole, and the person still sees who read what they wrote. How many of each."""
    consents = Consent.objects.filter(subject=subject_for(old)).update(subject=subject_for(new))
    accesses = TranscriptAccess.objects.filter(subject=subject_for(old)).update(subject=subject_for(new))
    return consents, accesses


def user_keys_destroy(sender, instance, **kwargs) -> None:
    """pre_delete of an account: shred before the cascade deletes the rows."""
    keys.subject_keys_destroy(subject_for(Owner(user_id=instance.pk)))


def transcript_open(*, staff, conversation_id: uuid.UUID, reason: str) -> list[dict]:
    """The decrypted transcript, for staff who gave a reason; the reading is recorded first, so there is no
    reading without a record."""
    if not staff.has_perm(permissions.READ_TRANSCRIPT):
        raise PrivacyError("forbidden", "Reading a conversation needs the read_transcript permission.")
    reason = writing.visible(reason)
    if len(reason) < MIN_REASON_LENGTH or writing.letters(reason) < MIN_REASON_LETTERS:
        raise PrivacyError("reason_required", gettext("Give a reason of at least %(count)d characters, in words.")
                           % {"count": MIN_REASON_LENGTH})
    conversation = Conversation.objects.get(pk=conversation_id)
    subject = subject_of(conversation)
    record_id = uuid.uuid4()
    sealed, key_id = sealing.seal(reason, model=TranscriptAccess, column="reason_encrypted", row_id=record_id,
                                  subject=subject)
    TranscriptAccess.objects.create(id=record_id, conversation_id=conversation.id, subject=subject, reader=staff,
                                    role=permissions.reader_role(staff), reason_encrypted=sealed, data_key_id=key_id)
    messages = conversation.messages.select_related("feedback").order_by("seq")
    return [chat.message_payload(message) for message in messages]


@dataclass(frozen=True)
class Purged:
    messages: int
    conversations: int
    retired_keys: int
    checkins: int = 0


def retention_purge(*, now=None) -> Purged:
    """Delete messages and mood check-ins older than EMOCHAT_RETENTION_DAYS, closed conversations left empty, and
    retired data keys no value uses any more. In batches, so a large backlog never holds long locks."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EMOCHAT_RETENTION_DAYS)
    messages = 0
    while batch := list(Message.objects.filter(created_at__lt=cutoff).values_list("id", flat=True)[:PURGE_BATCH]):
        # A reply points at the message it answers; delete both in the same statement.
        messages += Message.objects.filter(id__in=batch).delete()[1].get(Message._meta.label, 0)
    empty = Conversation.objects.filter(created_at__lt=cutoff, messages__isnull=True).exclude(
        status=Conversation.Status.OPEN
    )
    conversations = empty.delete()[1].get(Conversation._meta.label, 0)
    checkins = mood.checkins_purge(before=cutoff)
    return Purged(messages=messages, conversations=conversations, retired_keys=retired_keys_purge(now=now),
                  checkins=checkins)


def retired_keys_purge(*, now=None) -> int:
    """Delete retired data keys that no value uses. Only keys retired longer than every process's key cache
    ago: until then a process may still seal a new value under one (keys.py)."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.EMOCHAT_DATA_KEY_CACHE_SECONDS * 2 + 60)
    candidates = list(DataKey.objects.filter(state=DataKey.State.RETIRED, retired_at__lt=now - grace)
                      .values_list("id", flat=True))
    in_use = set()
    for sealed in sealing.SEALED_COLUMNS:
        in_use |= set(sealed.model.objects.filter(data_key_id__in=candidates).values_list("data_key_id", flat=True))
    unused = [key_id for key_id in candidates if key_id not in in_use]
    return DataKey.objects.filter(id__in=unused).delete()[0]

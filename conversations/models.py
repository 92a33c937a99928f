"""Conversations, their messages, and what privacy needs: data keys, consent, transcript access.

Every value that carries a person's words exists here only as AES-GCM ciphertext under that person's data key
(crypto.py, keys.py). Data keys are stored in the keys database (routers.py), never next to the values.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The owner: a logged-in account, or else the pseudonymous visitor id kept in an anonymous session.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="conversations")
    visitor_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # The last sequence number handed out; message_create and emotion readings take the next one.
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(visitor_id__isnull=False),
                                   name="conversation_has_owner"),
            # One open conversation per owner; `conversation.new` closes it before opening the next.
            models.UniqueConstraint(fields=["user"], condition=Q(status="open", user__isnull=False),
                                    name="one_open_conversation_per_user"),
            models.UniqueConstraint(fields=["visitor_id"], condition=Q(status="open", user__isnull=True),
                                    name="one_open_conversation_per_visitor"),
        ]
        permissions = [("read_transcript", "Can read decrypted transcripts (each reading is audited)")]

    def __str__(self) -> str:
        return f"Conversation {self.id}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"
        MODERATOR = "moderator"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    role = models.CharField(max_length=16, choices=Role.choices)
    # AES-256-GCM, bound to (table, column, id). There is no plaintext column, and there never was.
    text_encrypted = models.BinaryField()
    # The data key under which text_encrypted is sealed (also in its header), so rotation and erasure find
    # rows by key; null for values written before data keys, under a master key.
    data_key_id = models.UUIDField(null=True, blank=True, db_index=True)
    client_id = models.UUIDField(null=True, blank=True)
    reply_to = models.OneToOneField("self", null=True, blank=True, on_delete=models.CASCADE, related_name="reply")
    # Structured labels only (GoEmotions names, Ekman group, sentiment), stored plain to sort and chart.
    emotion = models.JSONField(null=True, blank=True)
    emotion_seq = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(fields=["conversation", "client_id"], condition=Q(client_id__isnull=False),
                                    name="message_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role} message {self.seq} of {self.conversation_id}"


class DataKey(models.Model):
    """A data subject's data key, wrapped by a master key. Stored in the keys database only."""

    class State(models.TextChoices):
        ACTIVE = "active"  # seals new values
        RETIRED = "retired"  # replaced by rotation; opens old values until they are re-encrypted

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # "user:<pk>" or "visitor:<uuid>": pseudonymous, and bound into the wrapping's associated data.
    subject = models.CharField(max_length=64, db_index=True)
    wrapped = models.BinaryField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject"], condition=Q(state="active"), name="one_active_data_key"),
        ]

    def __str__(self) -> str:
        return f"data key {self.id} ({self.state})"


class KeyRotation(models.Model):
    """One run of `rotate_keys --reencrypt`; an unfinished one is resumed by the next run."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)


class Consent(models.Model):
    """A person's answer to one version of the privacy notice. Withdrawn, not deleted, until they erase."""

    subject = models.CharField(max_length=64, db_index=True)
    notice_version = models.CharField(max_length=32)
    purposes = models.JSONField(default=list)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent to notice {self.notice_version}"


class TranscriptAccess(models.Model):
    """Staff opened a decrypted transcript. Kept after the conversation is erased (accountability), but the
    reason, sealed under the person's data key, is then unreadable with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation_id = models.UUIDField(db_index=True)
    subject = models.CharField(max_length=64, db_index=True)
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=32)
    reason_encrypted = models.BinaryField()
    data_key_id = models.UUIDField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "transcript accesses"

    def __str__(self) -> str:
        return f"{self.role} read {self.conversation_id} at {self.at:%Y-%m-%d %H:%M}"

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
    # The highest risk read in the conversation so far (inference.types.RISK_LEVELS): it only goes up, until a
    # moderator resolves the case.
    risk_level = models.CharField(max_length=16, default="none")
    # While a moderator has joined, the assistant does not reply.
    assistant_paused = models.BooleanField(default=False)

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
    # The risk read in a user message: {"level", "score", "categories", "source"}; labels only, never text.
    # The safety net's reading is stored with the message; the model's, when higher, replaces it.
    risk = models.JSONField(null=True, blank=True)
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


class Case(models.Model):
    """A conversation at risk, in the moderation queue. One open case per conversation; a later message at a
    higher level raises it rather than opening another."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACKNOWLEDGED = "acknowledged"
        IN_PROGRESS = "in_progress", "in progress"
        ESCALATED = "escalated"
        RESOLVED = "resolved"

    class Outcome(models.TextChoices):
        SUPPORTED = "supported", "supported in the chat"
        REFERRED = "referred", "referred to a helpline or service"
        EMERGENCY = "emergency", "emergency services contacted"
        NO_RESPONSE = "no_response", "the person stopped responding"
        NOT_AT_RISK = "not_at_risk", "not at risk (false alarm)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Kept (without its conversation) when the person erases everything: staff actions stay accountable.
    conversation = models.ForeignKey(Conversation, null=True, on_delete=models.SET_NULL, related_name="cases")
    level = models.CharField(max_length=16)
    categories = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    # Higher first; recomputed whenever the case changes (moderation.priority).
    priority = models.IntegerField(default=0, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases")
    opened_at = models.DateTimeField(default=timezone.now)
    # The SLA: the case must be acknowledged by then, or it escalates to the next on-call tier.
    acknowledge_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalation_tier = models.PositiveSmallIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["conversation"], condition=~Q(status="resolved"),
                                    name="one_unresolved_case_per_conversation"),
        ]
        permissions = [
            ("work_case", "Can work the moderation queue: claim, acknowledge, resolve, join conversations"),
            ("lead_case", "Can assign cases to others and reopen them"),
        ]

    def __str__(self) -> str:
        return f"{self.level} case {str(self.id)[:8]} ({self.status})"


class CaseEvent(models.Model):
    """The timeline of a case: every change and every action, by whom. Structured, never free text."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S}"


class CaseNote(models.Model):
    """A moderator's note on a case, sealed under the person's data key: erasing them erases it too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text_encrypted = models.BinaryField()
    data_key_id = models.UUIDField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]


class Alert(models.Model):
    """The outbox: an alert to staff, written in the transaction that opened, raised or escalated a case, then
    delivered at least once. Its id is the idempotency key receivers de-duplicate by."""

    class Channel(models.TextChoices):
        REALTIME = "realtime"  # the queue pages of moderators online
        EMAIL = "email"
        WEBHOOK = "webhook"

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"  # gave up after the last attempt

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(max_length=16)  # "opened", "raised", "escalated"
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # An email address, or the webhook's URL; empty for realtime.
    target = models.CharField(max_length=500, blank=True)
    tier = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=64, blank=True)  # the kind of failure only
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="alert_due")]

    def __str__(self) -> str:
        return f"{self.channel} alert ({self.reason}, {self.status})"

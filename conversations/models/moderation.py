"""The moderation queue: cases, their timeline and notes, and the alert outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models.chat import Conversation


class Case(models.Model):
    """A conversation at risk, in the moderation queue. One open case per conversation; a later message at a
    higher level raises it rather than opening another."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("in progress")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        SUPPORTED = "supported", _("supported in the chat")
        REFERRED = "referred", _("referred to a helpline or service")
        EMERGENCY = "emergency", _("emergency services contacted")
        NO_RESPONSE = "no_response", _("the person stopped responding")
        NOT_AT_RISK = "not_at_risk", _("not at risk (false alarm)")

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
    assigned_at = models.DateTimeField(null=True, blank=True)
    # The last action on the case by its assignee or another moderator since it was assigned (or the assignment):
    # past EMOCHAT_ASSIGNEE_IDLE_SECONDS without one, the case returns to the queue (moderation/assignment.py).
    assignee_active_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    # The SLA: the case must be acknowledged by then, or it escalates to the next on-call tier.
    acknowledge_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalation_tier = models.PositiveSmallIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    # The screening's answers, by step (thoughts, method, intent, plan, preparation → yes / no / unclear): what the
    # moderator reads first. Labels only; kept with the case when the person erases the conversation.
    screening = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("case"), _("cases")
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


class Shift(models.Model):
    """A moderator on the team: available for new cases or away, how many they take at once, and their run of
    high-risk cases since their last break (moderation/assignment.py)."""

    class Away(models.TextChoices):
        CHOSEN = "chosen", _("set themselves away")
        IDLE = "idle", _("a case went quiet with them")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="shift")
    available = models.BooleanField(default=False)
    # When they last became available or away, and why away.
    changed_at = models.DateTimeField(default=timezone.now)
    away_reason = models.CharField(max_length=8, choices=Away.choices, blank=True)
    # Cases at once; empty for EMOCHAT_MODERATOR_CAPACITY.
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    # Behavior and imminent cases given in a row since their last break or a lower-level case: at
    # EMOCHAT_HIGH_RISK_RUN_CAP a break is suggested, and others get the next high-risk case while anyone can.
    high_risk_run = models.PositiveSmallIntegerField(default=0)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("shift"), _("shifts")

    def __str__(self) -> str:
        return f"{self.user_id} ({'available' if self.available else 'away'})"


class CannedReply(models.Model):
    """An approved reply, kept by the moderation leads, that a moderator inserts and edits before sending. Staff's
    own words, in clear; how often it is sent is counted."""

    title = models.CharField(_("title"), max_length=80)
    # The conversation's language it is written for ("en" or "zh", as Conversation.language).
    language = models.CharField(_("language"), max_length=8, choices=[("en", "English"), ("zh", "简体中文")])
    text = models.TextField(_("text"), max_length=4000)
    active = models.BooleanField(_("offered to moderators"), default=True)
    uses = models.PositiveIntegerField(_("times sent"), default=0)
    last_used_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("approved reply"), _("approved replies")
        ordering = ["language", "title"]

    def __str__(self) -> str:
        return self.title


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

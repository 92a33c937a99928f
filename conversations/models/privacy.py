"""What privacy needs: data keys (stored in the keys database, never next to the values), key rotation runs,
consent, and the record of staff reading transcripts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        verbose_name, verbose_name_plural = _("transcript access"), _("transcript accesses")

    def __str__(self) -> str:
        return f"{self.role} read {self.conversation_id} at {self.at:%Y-%m-%d %H:%M}"

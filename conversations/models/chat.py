"""The chat: conversations and their messages.

Every value that carries a person's words exists here only as AES-GCM ciphertext under that person's data key
(conversations/privacy/). Table names come from the app label (`conversations_<model>`) and must never change:
each sealed value is bound to its table and column (privacy/sealing.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    # The assistant's questions about suicide and the person's answers (conversations/chat/screening.py State):
    # labels, step names and message ids only; the answers' words are the person's messages, sealed.
    screening = models.JSONField(null=True, blank=True)
    # The language of the page it was started from ("en" or "zh", conversations/languages.py): a reply to a
    # message with no language of its own ("ok", "😢") is written in it until the person writes in one.
    language = models.CharField(max_length=8, default="en")
    # The country whose helplines the page showed when it started (conversations/chat/helplines.py): the
    # person's choice or their browser's language, never a location. Shown to moderators in the queue.
    country = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        verbose_name, verbose_name_plural = _("conversation"), _("conversations")
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
    # The support strategy of an assistant reply (inference/dialogue/policy.py STRATEGIES); "" for scripted texts
    # (the crisis script, the screening's questions) and for user and moderator messages.
    strategy = models.CharField(max_length=24, blank=True, default="")
    # The reply backend whose words an assistant reply holds (a name of settings.REPLY_BACKENDS: the configured
    # generator, or "curated" when the reviewed library answered or replaced a failed reply); "" for scripted
    # texts, for user and moderator messages, and for replies stored before backends were recorded.
    backend = models.CharField(max_length=24, blank=True, default="")
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


class Dialogue(models.Model):
    """Where a conversation is (inference/dialogue/state.py): its phase, the strategies used, the fingerprints of
    what the assistant said, and the people, topics and feelings the person named, so it is sealed as their words
    are. Updated with each reply, in the reply's transaction."""

    conversation = models.OneToOneField(Conversation, primary_key=True, on_delete=models.CASCADE,
                                        related_name="dialogue")
    # The state as JSON, AES-256-GCM under the conversation owner's data key, bound to (table, column, id).
    state_encrypted = models.BinaryField()
    data_key_id = models.UUIDField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Dialogue of {self.conversation_id}"


class ReplyFeedback(models.Model):
    """What the person thought of one assistant reply: helpful or not, and, if they gave one, why. One row per
    reply, replaced when they change their mind, gone with the reply. The reason is their words, so it is sealed
    as their messages are; the choice is a label, stored plain so the team can count it by strategy and backend."""

    message = models.OneToOneField(Message, primary_key=True, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    # AES-256-GCM under the conversation owner's data key, bound to (table, column, message id); "" sealed too,
    # so every row is rotated and shredded alike.
    reason_encrypted = models.BinaryField()
    data_key_id = models.UUIDField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback on replies")
        verbose_name_plural = _("feedback on replies")

    def __str__(self) -> str:
        return f"{'helpful' if self.helpful else 'not helpful'}: reply {self.message_id}"

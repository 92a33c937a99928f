"""The person's own view of their mood: the check-ins they tap at the start of a conversation.

A check-in is one of five fixed, labelled answers and nothing else: no free text, so there is nothing to seal.
It belongs to its data subject (as consent does) and to the conversation it opened, and goes with either.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MoodCheckIn(models.Model):
    class Value(models.IntegerChoices):
        # The words the page shows beside each face (frontend/src/checkin.ts CHECKIN_CHOICES), lowest first.
        REALLY_LOW = 1, _("Really low")
        LOW = 2, _("Low")
        OKAY = 3, _("Okay")
        GOOD = 4, _("Good")
        GREAT = 5, _("Great")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # "user:<pk>" or "visitor:<uuid>" (identity.subject_for): whose mood page shows it, and whose erasure removes it.
    subject = models.CharField(max_length=64, db_index=True)
    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE,
                                     related_name="checkins")
    value = models.PositiveSmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "mood check-in"
        constraints = [
            # Asked once, at the start of a conversation: a second answer is refused, never stored beside the first.
            models.UniqueConstraint(fields=["conversation"], name="one_checkin_per_conversation"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="checkin_value_in_range"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.get_value_display()} in {self.conversation_id}"

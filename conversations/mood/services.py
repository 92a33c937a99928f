"""Every write of the person's mood page: the check-in they tap at the start of a conversation, and what goes
when they erase their data or retention removes it. Reads are in selectors.py."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction

from conversations.chat import selectors as chat
from conversations.identity import Owner, subject_for
from conversations.models import Conversation, MoodCheckIn
from conversations.privacy import selectors as privacy


class CheckInError(Exception):
    """A check-in refused; `code` is what the page is told."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def checkin_create(*, owner: Owner, conversation_id: UUID, value: int) -> MoodCheckIn:
    """Record how the owner said they feel as `conversation_id` starts: one of the five labelled values, once per
    conversation. Only while they consent to what they share being kept, as their messages are."""
    if type(value) is not int or value not in MoodCheckIn.Value.values:  # not True, not 3.0
        raise CheckInError("invalid", f"A check-in is one of {MoodCheckIn.Value.values}.")
    if not privacy.consent_allows(owner=owner, purpose="support"):
        raise CheckInError("consent_required", "Please read and accept the privacy notice first.")
    conversation = (chat.owned_conversations(owner=owner)
                    .filter(pk=conversation_id, status=Conversation.Status.OPEN).first())
    if conversation is None:
        raise CheckInError("not_found", "This conversation is not open any more.")
    try:
        with transaction.atomic():
            return MoodCheckIn.objects.create(subject=subject_for(owner), conversation=conversation, value=value)
    except IntegrityError:
        # Two taps (or two tabs) at once: the first answer stands.
        raise CheckInError("already", "You have already said how you feel in this conversation.") from None


def checkins_move(*, old: Owner, new: Owner) -> int:
    """Give the check-ins of one owner to another (an account adopting a visitor's conversations); how many."""
    return MoodCheckIn.objects.filter(subject=subject_for(old)).update(subject=subject_for(new))


def checkins_erase(*, owner: Owner) -> int:
    """Delete every check-in of the owner's (their erasure); how many there were."""
    return MoodCheckIn.objects.filter(subject=subject_for(owner)).delete()[0]


def checkins_purge(*, before: datetime) -> int:
    """Delete check-ins older than `before` (retention keeps them no longer than messages); how many."""
    return MoodCheckIn.objects.filter(created_at__lt=before).delete()[0]

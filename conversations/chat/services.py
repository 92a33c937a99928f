"""Every write to conversations. Check, then write, then notify after commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from conversations import crypto, events, keys, selectors
from conversations.identity import Owner
from conversations.models import Conversation, Message
from inference import safety_net
from inference.backends import curated
from inference.types import FLAGGED_AT, Emotion, ReplyRequest, risk_rank

RATE_LIMIT_WINDOW = timedelta(minutes=1)
# Reply ids derive from the message they answer, so a retried reply streams under the same id.
REPLY_NAMESPACE = uuid.UUID("6f1c1a52-3c57-4b0f-9a43-4f2d8c1e7a10")


class RateLimited(Exception):
    pass


class ConsentRequired(Exception):
    """The person has not agreed to the current privacy notice (or withdrew): nothing is stored."""


def seal(text: str, *, model, column: str, row_id: uuid.UUID, subject: str) -> tuple[bytes, uuid.UUID]:
    """`text` encrypted under the subject's data key and bound to its row; and that key's id, to store beside it."""
    key = keys.active_key(subject)
    return crypto.encrypt_text(text, aad=selectors.sealed_aad(model, column, row_id), key=key), key.id


def conversation_open(*, owner: Owner) -> Conversation:
    """The owner's open conversation, started if there is none."""
    conversation = selectors.conversation_open_for(owner=owner)
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                user_id=owner.user_id, visitor_id=None if owner.user_id else owner.visitor_id
            )
    except IntegrityError:
        # Another socket of the same owner started one at the same moment: use theirs.
        return selectors.conversation_open_for(owner=owner)


def conversation_restart(*, owner: Owner, conversation_id: uuid.UUID) -> Conversation:
    """Close the owner's current conversation and start a fresh one; every socket of the old one follows."""
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation_id, status=Conversation.Status.OPEN).update(
            status=Conversation.Status.CLOSED, closed_at=timezone.now()
        )
    conversation = conversation_open(owner=owner)
    events.broadcast_on_commit(conversation_id, events.hello(conversation_id=conversation.id, last_seq=0))
    return conversation


def _next_seq(conversation_id: uuid.UUID) -> int:
    # The UPDATE takes the conversation's row lock until commit, so numbers are handed out in commit order.
    Conversation.objects.filter(pk=conversation_id).update(last_seq=F("last_seq") + 1)
    return Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation_id)


def _message_store(*, message_id: uuid.UUID, conversation_id: uuid.UUID, role: str, text: str, **fields) -> Message:
    """Insert a message under the next seq, its text sealed under the conversation owner's data key and bound
    to its row. Call inside a transaction."""
    sealed, key_id = seal(text, model=Message, column="text_encrypted", row_id=message_id,
                          subject=keys.subject_of_conversation(conversation_id))
    return Message.objects.create(
        id=message_id,
        conversation_id=conversation_id,
        seq=_next_seq(conversation_id),
        role=role,
        text_encrypted=sealed,
        data_key_id=key_id,
        **fields,
    )


@dataclass(frozen=True)
class Submitted:
    message: dict  # MESSAGE, as acknowledged
    created: bool
    awaiting_reply: bool
    # The conversation's risk level after this message, when it is flagged: the page shows helplines at once.
    crisis_level: str | None = None


def message_submit(*, owner: Owner, conversation_id: uuid.UUID, client_id: uuid.UUID, text: str) -> Submitted:
    """Store a person's message (idempotent by client_id) and queue its reply once committed."""
    existing = Message.objects.filter(conversation_id=conversation_id, client_id=client_id).first()
    if existing is not None:
        return _resubmitted(existing)
    if not selectors.consent_allows(owner=owner, purpose="support"):
        raise ConsentRequired
    since = timezone.now() - RATE_LIMIT_WINDOW
    if selectors.user_messages_since(owner=owner, since=since) >= settings.EMOCHAT_RATE_LIMIT_PER_MINUTE:
        raise RateLimited
    message_id = uuid.uuid4()
    # The safety net reads every message here, before the ack, with no worker involved (inference/safety_net.py).
    risk = safety_net.assess(text)
    try:
        with transaction.atomic():
            from conversations import cases, tasks  # both import services

            message = _message_store(message_id=message_id, conversation_id=conversation_id, role=Message.Role.USER,
                                     text=text, client_id=client_id, risk=cases.risk_stored(risk))
            payload = events.message_payload(message, text=text)
            # The person's other tabs (and, later, a moderator) see the message too.
            events.broadcast_on_commit(conversation_id, events.message_ack(message=payload))
            recorded = cases.risk_record(message=message, risk=risk)
            if recorded.raised_to and not recorded.assistant_paused:
                _crisis_reply(message, text=text, categories=recorded.risk.categories)
            transaction.on_commit(partial(tasks.message_respond_enqueue, message.id, urgent=risk.level != "none"),
                                  robust=True)
    except IntegrityError:
        # The same client_id arrived on another socket at the same moment.
        return _resubmitted(Message.objects.get(conversation_id=conversation_id, client_id=client_id))
    return Submitted(message=payload, created=True,
                     awaiting_reply=not (recorded.raised_to or recorded.assistant_paused),
                     crisis_level=_flagged_level(recorded.conversation_level))


def _crisis_reply(message: Message, *, text: str, categories: tuple[str, ...]) -> None:
    """Answer at once with the crisis script: it needs no model, so it reaches the person even when every
    inference worker is down. The worker still reads the message's emotion and risk when it can."""
    request = ReplyRequest(text=text, emotion=None, conversation_id=str(message.conversation_id),
                           history=selectors.assistant_turns(conversation_id=message.conversation_id))
    reply_create(reply_to_id=message.id, conversation_id=message.conversation_id,
                 text=curated.crisis_reply(request, categories, curated.load_library(settings.EMOCHAT_REPLY_LIBRARY)))


def _flagged_level(level: str) -> str | None:
    return level if risk_rank(level) >= risk_rank(FLAGGED_AT) else None


def _resubmitted(message: Message) -> Submitted:
    awaiting = not Message.objects.filter(reply_to=message).exists()
    level = Conversation.objects.values_list("risk_level", flat=True).get(pk=message.conversation_id)
    return Submitted(message=selectors.message_payload(message), created=False, awaiting_reply=awaiting,
                     crisis_level=_flagged_level(level))


def message_emotion_set(*, message_id: uuid.UUID, emotion: Emotion) -> None:
    """Record what was read in a message (once) and announce it."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.emotion is not None:
            return
        message.emotion = emotion.as_dict()
        message.emotion_seq = _next_seq(message.conversation_id)
        message.save(update_fields=["emotion", "emotion_seq"])
        events.broadcast_on_commit(
            message.conversation_id,
            events.message_emotion(message_id=message.id, seq=message.emotion_seq, emotion=emotion),
        )


def reply_id_for(message_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(REPLY_NAMESPACE, str(message_id))


def reply_create(*, reply_to_id: uuid.UUID, conversation_id: uuid.UUID, text: str) -> None:
    """Store the assistant's reply to a message (once) and announce it."""
    reply_id = reply_id_for(reply_to_id)
    with transaction.atomic():
        if Message.objects.filter(pk=reply_id).exists():
            return
        message = _message_store(message_id=reply_id, conversation_id=conversation_id, role=Message.Role.ASSISTANT,
                                 text=text, reply_to_id=reply_to_id)
        events.broadcast_on_commit(conversation_id, events.reply_end(message=events.message_payload(message, text=text)))
        events.broadcast_on_commit(conversation_id, events.typing(role="assistant", state=False))

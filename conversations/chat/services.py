"""Every write to the chat: conversations, the person's messages, emotion readings, replies, and the person's
feedback on replies. Check, then write, then notify after commit; work for the workers is queued by name after
commit (queueing.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from conversations import admission, commit, writing
from conversations.chat import events, queueing, screening, selectors, store
from conversations.identity import Owner, subject_for
from conversations.models import Conversation, Message, ReplyFeedback
from conversations.moderation import services as moderation
from conversations.privacy import selectors as privacy
from emochat.observability import metrics
from inference import handles, safety_net
from inference.dialogue import manager
from inference.dialogue.state import DialogueState
from inference.types import FLAGGED_AT, Emotion, ReplyRequest, risk_rank

class RateLimited(Exception):
    pass


class ConsentRequired(Exception):
    """The person has not agreed to the current privacy notice (or withdrew): nothing is stored."""


def conversation_open(*, owner: Owner, language: str = "en", country: str = "") -> Conversation:
    """The owner's open conversation, started if there is none (in `language`, for `country`: Conversation)."""
    conversation = selectors.conversation_open_for(owner=owner)
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                user_id=owner.user_id, visitor_id=None if owner.user_id else owner.visitor_id, language=language,
                country=country,
            )
    except IntegrityError:
        # Another socket of the same owner started one at the same moment: use theirs.
        return selectors.conversation_open_for(owner=owner)


def conversation_restart(*, owner: Owner, conversation_id: uuid.UUID, language: str = "en",
                         country: str = "") -> Conversation:
    """Close the owner's current conversation and start a fresh one; every socket of the old one follows. A
    conversation with nothing in it yet is already fresh: it stays. RateLimited after
    EMOCHAT_CONVERSATIONS_PER_HOUR new ones in an hour (each is a row kept for the retention period)."""
    if selectors.conversation_is_empty(conversation_id=conversation_id):
        current = selectors.conversation_open_for(owner=owner)
        if current is not None and current.id == conversation_id:
            return current
    since = timezone.now() - timedelta(hours=1)
    if selectors.conversations_started_since(owner=owner, since=since) >= settings.EMOCHAT_CONVERSATIONS_PER_HOUR:
        raise RateLimited
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation_id, status=Conversation.Status.OPEN).update(
            status=Conversation.Status.CLOSED, closed_at=timezone.now()
        )
    conversation = conversation_open(owner=owner, language=language, country=country)
    events.broadcast_on_commit(conversation_id, events.hello(conversation_id=conversation.id, last_seq=0))
    return conversation


class ConversationNotFound(Exception):
    """No such conversation among the owner's: someone else's is answered the same way."""


def conversation_reopen(*, owner: Owner, conversation_id: uuid.UUID) -> Conversation:
    """Go back to one of the owner's past conversations: the open one is closed and the chosen one opened again,
    in one transaction, so the owner never has two open (or none) and every socket of the closed one follows.
    Reopening the open one changes nothing. ConversationNotFound for an id that is not the owner's."""
    with transaction.atomic():
        # Both rows locked, in one order: two tabs reopening different conversations at once go one after the
        # other, and a socket starting a conversation meanwhile sees the current one still open.
        rows = list(selectors.owned_conversations(owner=owner).select_for_update()
                    .filter(Q(pk=conversation_id) | Q(status=Conversation.Status.OPEN)).order_by("pk"))
        chosen = next((row for row in rows if row.pk == conversation_id), None)
        if chosen is None:
            raise ConversationNotFound
        if chosen.status == Conversation.Status.OPEN:
            return chosen
        for current in rows:
            if current.status == Conversation.Status.OPEN:
                current.status, current.closed_at = Conversation.Status.CLOSED, timezone.now()
                current.save(update_fields=["status", "closed_at"])
                events.broadcast_on_commit(current.id, events.hello(conversation_id=chosen.id,
                                                                    last_seq=chosen.last_seq))
        chosen.status, chosen.closed_at = Conversation.Status.OPEN, None
        chosen.save(update_fields=["status", "closed_at"])
    return chosen


def conversations_adopt(*, visitor_id: uuid.UUID, user_id: int) -> int:
    """Give a visitor's conversations to an account (conversations/accounts/services.py visitor_adopt); how many.
    The account keeps one open conversation: its own when it has one, and the visitor's open one is closed, still
    in Past conversations. Call inside a transaction. The rows are locked, visitor's first, so a message being
    stored in one of them finishes under the owner it began with (store.message_insert) before the move."""
    mine = Conversation.objects.select_for_update().filter(visitor_id=visitor_id, user__isnull=True)
    moved = list(mine.order_by("pk").values_list("pk", flat=True))
    if Conversation.objects.filter(user_id=user_id, status=Conversation.Status.OPEN).exists():
        mine.filter(status=Conversation.Status.OPEN).update(status=Conversation.Status.CLOSED,
                                                            closed_at=timezone.now())
    Conversation.objects.filter(pk__in=moved).update(user_id=user_id, visitor_id=None)
    return len(moved)


@dataclass(frozen=True)
class Submitted:
    message: dict  # MESSAGE, as acknowledged
    created: bool
    awaiting_reply: bool
    # The conversation's risk level after this message, when it is flagged: the page shows helplines at once.
    crisis_level: str | None = None


def message_submit(*, owner: Owner, conversation_id: uuid.UUID, client_id: uuid.UUID, text: str,
                   announce: bool = True) -> Submitted:
    """Store a person's message (idempotent by client_id) and queue its reply once committed. RateLimited over
    EMOCHAT_RATE_LIMIT_PER_MINUTE messages a minute from the person, counted in Redis (admission.py).
    `announce` False: the caller sends the ack to the conversation's other sockets itself, once this returns (the
    chat socket does, from its event loop, rather than holding a database thread for the channel layer)."""
    existing = Message.objects.filter(conversation_id=conversation_id, client_id=client_id).first()
    if existing is not None:
        return _resubmitted(existing)
    if not privacy.consent_allows(owner=owner, purpose="support"):
        raise ConsentRequired
    message_id = uuid.uuid4()
    # The safety net reads every message here, before the ack, with no worker involved (inference/safety_net.py).
    risk = safety_net.assess(text)
    try:
        with transaction.atomic():
            message = store.message_insert(message_id=message_id, conversation_id=conversation_id,
                                           role=Message.Role.USER, text=text, client_id=client_id,
                                           risk=moderation.risk_stored(risk))
            # Counted only once the row holds its client_id: the same message resent on another socket at this
            # moment waits on the insert above and fails it, so it is never counted twice. Refused, the insert
            # and its seq roll back.
            if not admission.message_allow(person=subject_for(owner)):
                raise RateLimited
            payload = events.message_payload(message, text=text)
            if announce:
                # The person's other tabs (and, later, a moderator) see the message too.
                events.broadcast_on_commit(conversation_id, events.message_ack(message=payload))
            recorded = moderation.risk_record(message=message, risk=risk)
            if recorded.raised_to and not recorded.assistant_paused:
                _crisis_reply(message, text=text, categories=recorded.risk.categories)
            urgent = risk.level != "none"
            commit.on_commit(queueing.message_respond_enqueue, message.id, urgent=urgent)
    except IntegrityError:
        # The same client_id arrived on another socket at the same moment.
        return _resubmitted(Message.objects.get(conversation_id=conversation_id, client_id=client_id))
    return Submitted(message=payload, created=True,
                     awaiting_reply=not (recorded.raised_to or recorded.assistant_paused),
                     crisis_level=_flagged_level(recorded.conversation_level))


def _crisis_reply(message: Message, *, text: str, categories: tuple[str, ...]) -> None:
    """Answer at once with the crisis script: it needs no model, so it reaches the person even when every
    inference worker is down. The worker still reads the message's emotion and risk when it can."""
    state = selectors.dialogue_state(conversation_id=message.conversation_id)
    prepared = manager.prepare(text, emotion=None, state=state, library_of=handles.reply_library)
    request = ReplyRequest(text=text, emotion=None, conversation_id=str(message.conversation_id),
                           history=selectors.assistant_turns(conversation_id=message.conversation_id),
                           risk_categories=categories, dialogue=state, prepared=prepared)
    script = "".join(handles.crisis_generator().stream(request))
    scripted = replace(prepared, plan=replace(prepared.plan, strategy=""))  # a script, not the plan's reply
    reply_create(reply_to_id=message.id, conversation_id=message.conversation_id, text=script,
                 dialogue=manager.after(state, scripted, script))


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
        message.emotion_seq = store.next_seq(message.conversation_id)
        message.save(update_fields=["emotion", "emotion_seq"])
        metrics.emotion_read(stored_at=message.created_at)
        events.broadcast_on_commit(
            message.conversation_id,
            events.message_emotion(message_id=message.id, seq=message.emotion_seq, emotion=emotion),
        )


def reply_create(*, reply_to_id: uuid.UUID, conversation_id: uuid.UUID, text: str, strategy: str = "",
                 backend: str = "", dialogue: DialogueState | None = None) -> None:
    """Store the assistant's reply to a message (once), with its strategy, the backend that wrote it and the
    conversation's state after it, and announce it."""
    reply_id = store.reply_id_for(reply_to_id)
    with transaction.atomic():
        if Message.objects.filter(pk=reply_id).exists():
            return
        message = store.message_insert(message_id=reply_id, conversation_id=conversation_id,
                                       role=Message.Role.ASSISTANT, text=text, reply_to_id=reply_to_id,
                                       strategy=strategy, backend=backend)
        if dialogue is not None:
            store.dialogue_save(conversation_id=conversation_id, state=dialogue)
        events.broadcast_on_commit(conversation_id, events.reply_end(message=events.message_payload(message, text=text)))
        events.broadcast_on_commit(conversation_id, events.typing(role="assistant", state=False))


FEEDBACK_REASON_MAX = 500


class FeedbackError(Exception):
    """Feedback on a reply refused; `code` is what the page is told (docs/protocol.md, "Feedback on replies")."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def reply_feedback_set(*, owner: Owner, message_id: uuid.UUID, helpful: bool, reason: str = "") -> ReplyFeedback:
    """Record whether the owner found one of the assistant's replies in their conversations helpful, and why if
    they say, in place of what they said of it before. The reason is their words: stored sealed, and only while
    they consent to their words being kept."""
    reason = _feedback_reason(reason)
    if not privacy.consent_allows(owner=owner, purpose="support"):
        raise FeedbackError("consent_required", "Please read and accept the privacy notice first.")
    if not admission.feedback_allow(person=subject_for(owner)):
        raise FeedbackError("rate_limited", "That's a lot of changes at once. Please wait a moment.")
    with transaction.atomic():
        return store.feedback_save(message=_reply_locked(owner, message_id), helpful=helpful, reason=reason)


def reply_feedback_clear(*, owner: Owner, message_id: uuid.UUID) -> bool:
    """Take back the owner's feedback on a reply; whether there was any."""
    if not admission.feedback_allow(person=subject_for(owner)):
        raise FeedbackError("rate_limited", "That's a lot of changes at once. Please wait a moment.")
    with transaction.atomic():
        return ReplyFeedback.objects.filter(message=_reply_locked(owner, message_id)).delete()[0] > 0


def _feedback_reason(reason: str) -> str:
    try:
        reason.encode("utf-8")
    except UnicodeEncodeError:
        # JSON escapes can smuggle lone surrogates, which are not text and cannot be sealed.
        raise FeedbackError("invalid", "The reason is not valid text.") from None
    reason = writing.visible(reason)
    if len(reason) > FEEDBACK_REASON_MAX:
        raise FeedbackError("too_long", f"A reason can be up to {FEEDBACK_REASON_MAX} characters.")
    return reason


def _reply_locked(owner: Owner, message_id: uuid.UUID) -> Message:
    """The assistant's reply `message_id` in one of the owner's conversations, its row locked until commit, so
    two changes of mind arriving together are applied one after the other. Someone else's reply is answered as
    one that does not exist: a stranger learns nothing of which ids are in use."""
    message = (Message.objects.select_for_update()
               .filter(pk=message_id, conversation__in=selectors.owned_conversations(owner=owner)).first())
    if message is None:
        raise FeedbackError("not_found", "There is no such reply in your conversations.")
    if message.role != Message.Role.ASSISTANT:
        raise FeedbackError("not_a_reply", "Feedback is for the assistant's replies only.")
    return message


def screening_turn(*, job: selectors.ReplyJob, can_reply: bool) -> screening.Turn | None:
    """Take the screening's turn on a user message (conversations/chat/screening.py): read it as the answer to the
    question asked last, or start asking when its reading calls for it. An answer that sets a level is recorded
    as the message's risk (which may open the case), and the answers go on the case. `can_reply` False (the
    message already has an answer, or a moderator is there): answers are still read, but no question is asked,
    and a screening under way stops. None when the screening has nothing to add to the reply."""
    message_id = str(job.message_id)
    if not _screening_concerns(job, message_id):
        return None  # most messages: no lock taken
    heard = frozenset(selectors.dialogue_state(conversation_id=job.conversation_id).said)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=job.conversation_id)
        state = screening.State.from_dict(conversation.screening)
        if state is not None and state.last_message_id == message_id:
            return screening.repeated(state)  # the task ran again: the same turn
        if state is not None and state.status == screening.ASKING and job.seq > state.started_seq:
            state, turn = screening.answered(state, text=job.text, seq=job.seq, message_id=message_id, said=heard)
            if turn.level is not None:
                moderation.risk_screening_record(message_id=job.message_id, level=turn.level)
            moderation.case_screening_set(conversation_id=conversation.id, answers=state.answers)
        else:
            risk = selectors.message_risk(message_id=job.message_id)
            flagged = risk_rank(conversation.risk_level) >= risk_rank(FLAGGED_AT)
            if not can_reply or flagged or not screening.due(state, level=risk.level, subject=risk.subject,
                                                             score=risk.score, seq=job.seq, cues=risk.cues):
                return None
            state, turn = screening.start(seq=job.seq, message_id=message_id,
                                          language=screening.language_of(job.text), said=heard)
        if not can_reply and state.status == screening.ASKING:
            state = replace(state, status=screening.STOPPED, ended_seq=job.seq)
        conversation.screening = state.as_dict()
        conversation.save(update_fields=["screening"])
    return turn if can_reply else None


def _screening_concerns(job: selectors.ReplyJob, message_id: str) -> bool:
    """Whether the screening may have something to do with this message (read without a lock; screening_turn
    decides under one)."""
    row = Conversation.objects.values("screening", "risk_level").get(pk=job.conversation_id)
    state = screening.State.from_dict(row["screening"])
    if state is not None and (state.last_message_id == message_id or state.status == screening.ASKING):
        return True
    risk = selectors.message_risk(message_id=job.message_id)
    return risk_rank(row["risk_level"]) < risk_rank(FLAGGED_AT) and screening.due(
        state, level=risk.level, subject=risk.subject, score=risk.score, seq=job.seq, cues=risk.cues)

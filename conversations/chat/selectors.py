"""Every read of the chat: conversations, messages (opened through privacy/sealing.py), replay, reply jobs, and
the person's feedback on replies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from collections import Counter

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from conversations.chat import events
from conversations.identity import Owner
from conversations.models import Conversation, Dialogue, Message, ReplyFeedback
from conversations.privacy import sealing
from inference.dialogue.state import DialogueState
from inference.types import FLAGGED_AT, Emotion, Turn, risk_rank

HISTORY_TURNS = 10


def message_text(message: Message) -> str | None:
    """The message's words, or None when they cannot be decrypted (its owner's key was destroyed)."""
    return sealing.unsealed(Message, "text_encrypted", message.id, message.text_encrypted)


def dialogue_state(*, conversation_id: UUID) -> DialogueState:
    """Where the conversation is; a new state in the conversation's language when nothing was stored, or it can
    no longer be read."""
    dialogue = Dialogue.objects.filter(pk=conversation_id).first()
    text = dialogue and sealing.unsealed(Dialogue, "state_encrypted", dialogue.pk, dialogue.state_encrypted)
    if text:
        return DialogueState.from_dict(json.loads(text))
    # Nothing said yet: the page's language answers a first message that has none of its own.
    language = Conversation.objects.filter(pk=conversation_id).values_list("language", flat=True).first()
    return DialogueState(language=language or "en")


def message_payload(message: Message) -> dict:
    """MESSAGE, with the feedback on it when it is a reply. Select (or prefetch) `feedback` with many replies."""
    return events.message_payload(message, text=message_text(message), feedback=reply_feedback(message))


def feedback_payload(feedback: ReplyFeedback) -> dict:
    """FEEDBACK, its reason opened."""
    reason = sealing.unsealed(ReplyFeedback, "reason_encrypted", feedback.pk, feedback.reason_encrypted)
    return events.feedback_payload(helpful=feedback.helpful, reason=reason, updated_at=feedback.updated_at)


def reply_feedback(message: Message) -> dict | None:
    """The person's feedback on an assistant reply, as FEEDBACK; None when they gave none (or it is no reply)."""
    if message.role != Message.Role.ASSISTANT:
        return None
    try:
        feedback = message.feedback
    except ReplyFeedback.DoesNotExist:
        return None
    return feedback_payload(feedback)


def _owned(owner: Owner):
    if owner.user_id is not None:
        return Conversation.objects.filter(user_id=owner.user_id)
    return Conversation.objects.filter(visitor_id=owner.visitor_id, user__isnull=True)


def owned_conversations(*, owner: Owner):
    return _owned(owner)


def conversation_open_for(*, owner: Owner) -> Conversation | None:
    return _owned(owner).filter(status=Conversation.Status.OPEN).first()


def conversations_started_since(*, owner: Owner, since: datetime) -> int:
    return _owned(owner).filter(created_at__gte=since).count()


# A title is the start of what the person first wrote: enough words to recognise the conversation by.
TITLE_WORDS = 8
TITLE_CHARS = 60
CONVERSATION_LIST_LIMIT = 50
# Readings that are not an emotion (docs/protocol.md, `message.emotion`): never a conversation's mood.
NOT_A_MOOD = frozenset({"not_read", "none"})


@dataclass(frozen=True)
class ConversationSummary:
    """One of the owner's conversations as their list of past conversations shows it. `title` is the person's
    own words: it goes to them alone and is never logged or stored."""

    id: UUID
    created_at: datetime
    last_activity_at: datetime
    title: str | None  # None: nothing written yet, or the first message can no longer be decrypted
    message_count: int
    mood: str | None  # the Ekman group read most often in the person's messages; None when none was read
    open: bool


def conversation_list(*, owner: Owner, limit: int = CONVERSATION_LIST_LIMIT) -> list[ConversationSummary]:
    """The owner's conversations, the most recently active first. A closed conversation with nothing in it is
    left out (there is nothing to go back to); the open one is always in, so the page can mark it."""
    rows = list(
        _owned(owner)
        .annotate(message_count=Count("messages"),
                  last_activity=Coalesce(Max("messages__created_at"), "created_at"))
        .filter(Q(status=Conversation.Status.OPEN) | Q(message_count__gt=0))
        .order_by("-last_activity", "-created_at")[:limit]
    )
    ids = [row.id for row in rows]
    firsts = (Message.objects.filter(conversation_id__in=ids, role=Message.Role.USER)
              .order_by("conversation_id", "seq").distinct("conversation_id"))
    titles = {message.conversation_id: _title(message_text(message)) for message in firsts}
    moods = _moods(ids)
    return [ConversationSummary(id=row.id, created_at=row.created_at, last_activity_at=row.last_activity,
                                title=titles.get(row.id), message_count=row.message_count, mood=moods.get(row.id),
                                open=row.status == Conversation.Status.OPEN) for row in rows]


def _title(text: str | None) -> str | None:
    words = text.split() if text else []
    if not words:
        return None
    title = " ".join(words[:TITLE_WORDS])
    if len(title) > TITLE_CHARS:
        title = title[:TITLE_CHARS].rstrip()
    return title if title == " ".join(words) else f"{title}…"


def _moods(conversation_ids: list[UUID]) -> dict[UUID, str]:
    """Each conversation's most frequent emotion group in the person's messages; a tie goes to the group read
    most recently, which is closer to how the conversation ended."""
    readings = (Message.objects.filter(conversation_id__in=conversation_ids, role=Message.Role.USER,
                                       emotion__isnull=False)
                .order_by("conversation_id", "seq").values_list("conversation_id", "seq", "emotion"))
    counts: dict[UUID, Counter] = {}
    latest: dict[tuple[UUID, str], int] = {}
    for conversation_id, seq, emotion in readings:
        group = emotion.get("group") if isinstance(emotion, dict) else None
        if not isinstance(group, str) or group in NOT_A_MOOD:
            continue
        counts.setdefault(conversation_id, Counter())[group] += 1
        latest[(conversation_id, group)] = seq
    return {conversation_id: max(groups, key=lambda group: (groups[group], latest[(conversation_id, group)]))
            for conversation_id, groups in counts.items()}


def conversation_is_empty(*, conversation_id: UUID) -> bool:
    return not Message.objects.filter(conversation_id=conversation_id).exists()


def replay(*, conversation_id: UUID, after_seq: int) -> list[dict]:
    """Every event with seq > after_seq, in seq order (docs/protocol.md, "Replay")."""
    messages = (Message.objects.select_related("feedback")
                .filter(Q(seq__gt=after_seq) | Q(emotion_seq__gt=after_seq), conversation_id=conversation_id))
    numbered: list[tuple[int, dict]] = []
    for message in messages.order_by("seq"):
        if message.seq > after_seq:
            payload = message_payload(message)
            if message.role == Message.Role.USER:
                frame = events.message_ack(message=payload)
            elif message.role == Message.Role.ASSISTANT:
                frame = events.reply_end(message=payload)
            else:
                frame = events.message_new(message=payload)
            numbered.append((message.seq, frame))
        if message.emotion_seq is not None and message.emotion_seq > after_seq:
            numbered.append((message.emotion_seq,
                             events.message_emotion(message_id=message.id, seq=message.emotion_seq,
                                                    emotion=message.emotion)))
    return [frame for _, frame in sorted(numbered, key=lambda item: item[0])]


@dataclass(frozen=True)
class ReplyJob:
    """What a worker needs to answer one user message."""

    message_id: UUID
    conversation_id: UUID
    text: str
    emotion: Emotion | None
    history: tuple[Turn, ...]
    # Whether the risk model has read it (the safety net always has).
    risk_model_read: bool = False
    # A moderator has joined: the assistant stays silent.
    assistant_paused: bool = False
    # It has an answer: a reply (the crisis script, written at once by the web process), or a moderator's words.
    answered: bool = False
    seq: int = 0
    stored_at: datetime | None = None  # when the message was stored: the reply's latency is counted from it


def reply_job(*, message_id: UUID) -> ReplyJob | None:
    """The job for a user message: its emotion and risk still to read, its reply still to write. None when the
    message is gone, unreadable, or fully done (answered, with its emotion and the model's risk reading)."""
    message = Message.objects.select_related("conversation").filter(pk=message_id, role=Message.Role.USER).first()
    if message is None:
        return None
    answered = Message.objects.filter(
        Q(reply_to=message) | _moderator_after(message.conversation_id, message.seq)).exists()
    model_read = bool(message.risk and message.risk.get("model_read"))
    if answered and message.emotion is not None and model_read:
        return None
    text = message_text(message)
    if text is None:
        return None
    earlier = (Message.objects.filter(conversation_id=message.conversation_id, seq__lt=message.seq)
               .order_by("-seq")[:HISTORY_TURNS])
    history = tuple(Turn(role=m.role, text=t) for m in reversed(earlier) if (t := message_text(m)) is not None)
    return ReplyJob(
        message_id=message.id,
        conversation_id=message.conversation_id,
        text=text,
        emotion=Emotion.from_dict(message.emotion) if message.emotion else None,
        history=history,
        risk_model_read=model_read,
        assistant_paused=message.conversation.assistant_paused,
        answered=answered,
        seq=message.seq,
        stored_at=message.created_at,
    )


def assistant_turns(*, conversation_id: UUID) -> tuple[Turn, ...]:
    """The assistant's recent replies in a conversation: what the reply library must not repeat."""
    recent = (Message.objects.filter(conversation_id=conversation_id, role=Message.Role.ASSISTANT)
              .order_by("-seq")[:HISTORY_TURNS])
    return tuple(Turn(role=m.role, text=t) for m in reversed(recent) if (t := message_text(m)) is not None)


def conversation_crisis_level(*, conversation_id: UUID) -> str | None:
    """The conversation's risk level when it is flagged (helplines are shown), else None."""
    level = Conversation.objects.filter(pk=conversation_id).values_list("risk_level", flat=True).first()
    return level if level and risk_rank(level) >= risk_rank(FLAGGED_AT) else None


@dataclass(frozen=True)
class MessageRisk:
    level: str
    categories: tuple[str, ...]
    raised: bool  # this message opened or raised its conversation's case
    subject: str = ""  # whose risk: "self", "other", "not_literal" (inference.types.RISK_SUBJECTS)
    score: float = 0.0
    cues: tuple[str, ...] = ()  # the reading's cues (inference.types.Risk.cues)

    @property
    def flagged(self) -> bool:
        return risk_rank(self.level) >= risk_rank(FLAGGED_AT)


def message_risk(*, message_id: UUID) -> MessageRisk:
    risk = Message.objects.values_list("risk", flat=True).get(pk=message_id) or {}
    return MessageRisk(level=risk.get("level", "none"), categories=tuple(risk.get("categories", ())),
                       raised=bool(risk.get("raised")), subject=risk.get("subject", ""),
                       score=float(risk.get("score", 0.0)), cues=tuple(risk.get("cues", ())))


def conversation_paused(*, conversation_id: UUID) -> bool:
    return Conversation.objects.filter(pk=conversation_id, assistant_paused=True).exists()


def unanswered_message_ids(*, older_than: datetime, limit: int) -> list[UUID]:
    """User messages in open conversations still without an answer (a reply, or a moderator's message after
    them), oldest first."""
    answered_by_moderator = Exists(Message.objects.filter(_moderator_after(OuterRef("conversation_id"),
                                                                           OuterRef("seq"))))
    return list(
        Message.objects.filter(role=Message.Role.USER, reply__isnull=True, created_at__lt=older_than,
                               conversation__assistant_paused=False,
                               conversation__status=Conversation.Status.OPEN)
        .exclude(answered_by_moderator)
        .order_by("created_at").values_list("id", flat=True)[:limit]
    )


def awaiting_answer(*, conversation_id: UUID) -> UUID | None:
    """The conversation's newest message when it is the person's and nothing has answered it: what the page
    shows as waiting for a reply."""
    newest = (Message.objects.filter(conversation_id=conversation_id).order_by("-seq")
              .values_list("id", "role").first())
    if newest is None or newest[1] != Message.Role.USER or Message.objects.filter(reply_to_id=newest[0]).exists():
        return None
    return newest[0]


@dataclass(frozen=True)
class Pending:
    """The person's newest message, waiting for the assistant's reply."""

    message_id: str
    client_id: str
    waited: float  # seconds since it was stored


def reply_pending(*, conversation_id: UUID) -> Pending | None:
    """What a (re)connecting page is still waiting for: the newest message when it is the person's, unanswered,
    and the assistant is answering (not paused while a moderator has joined)."""
    message_id = awaiting_answer(conversation_id=conversation_id)
    if message_id is None or conversation_paused(conversation_id=conversation_id):
        return None
    client_id, created_at = Message.objects.values_list("client_id", "created_at").get(pk=message_id)
    return Pending(message_id=str(message_id), client_id=str(client_id),
                   waited=(timezone.now() - created_at).total_seconds())


def _moderator_after(conversation_id, seq) -> Q:
    # A moderator who wrote after a message has answered it, whether or not they quoted it.
    return Q(conversation_id=conversation_id, role=Message.Role.MODERATOR, seq__gt=seq)


@dataclass(frozen=True)
class FeedbackCount:
    """How many replies of one strategy, written by one backend, people found helpful or not."""

    strategy: str  # "" for scripted texts (the crisis script, the screening's questions)
    backend: str  # "" for scripted texts and for replies stored before backends were recorded
    helpful: int
    not_helpful: int


def feedback_counts() -> list[FeedbackCount]:
    """The team's view of the feedback on replies: counts only, by strategy and backend; never a reason."""
    rows = (ReplyFeedback.objects.values("message__strategy", "message__backend")
            .annotate(helpful_count=Count("pk", filter=Q(helpful=True)),
                      not_helpful_count=Count("pk", filter=Q(helpful=False)))
            .order_by("message__strategy", "message__backend"))
    return [FeedbackCount(strategy=row["message__strategy"], backend=row["message__backend"],
                          helpful=row["helpful_count"], not_helpful=row["not_helpful_count"]) for row in rows]

"""Replaying whole conversations through the chat's own pipeline, without sockets (`manage.py replay`).

Each message is stored and answered exactly as in the chat: the rules read it before it is stored, the worker's
task reads its risk (rules with context and model together), runs the screening, reads its emotion and writes the
reply, with the system's own earlier replies as history. Each conversation runs inside one transaction that is
rolled back at its end, so nothing of it is kept, nothing is sent (alerts and tasks are queued on commit only),
and the database is as it was.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from conversations import dispatch
from conversations.chat import protocol, queueing, screening, selectors, services, store
from conversations.identity import Owner
from conversations.models import Case, Conversation, Message
from conversations.privacy import selectors as privacy_selectors
from conversations.privacy import services as privacy
from inference import loader
from inference.types import FLAGGED_AT, risk_rank


class BadConversation(ValueError):
    """An input line that cannot be replayed; the message says why, never what the person wrote."""


@dataclass(frozen=True)
class Script:
    """One input line: the person's messages, in order."""

    id: str
    messages: list[str]
    lang: str | None = None


def parsed(data: object) -> Script:
    """The conversation in one decoded input line, or BadConversation."""
    if not isinstance(data, dict):
        raise BadConversation("a line must be a JSON object")
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadConversation('"messages" must be a non-empty list of strings')
    for i, message in enumerate(messages):
        if not isinstance(message, str) or not message.strip():
            raise BadConversation(f'"messages"[{i}] must be a non-empty string')
        if len(message) > protocol.MAX_TEXT_CHARS:
            raise BadConversation(f'"messages"[{i}] is longer than {protocol.MAX_TEXT_CHARS} characters')
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise BadConversation('"lang" must be a string')
    return Script(id=str(data.get("id", "")), messages=messages, lang=lang)


class _Rollback(Exception):
    pass


def conversation_replay(conversation: Script) -> list[dict]:
    """One output row per message, in order (docs/moderation.md, "Replaying conversations")."""
    rows: list[dict] = []
    try:
        with transaction.atomic():
            owner = Owner(visitor_id=uuid.uuid4())
            privacy.consent_give(owner=owner, version=privacy_selectors.notice_version(), purposes=["support"])
            opened = services.conversation_open(owner=owner)
            for turn, text in enumerate(conversation.messages):
                cases_before = _case_state(opened.id)
                submitted = services.message_submit(owner=owner, conversation_id=opened.id,
                                                    client_id=uuid.uuid4(), text=text)
                message_id = submitted.message["id"]
                dispatch.run_here(queueing.RESPOND_TASK, message_id)
                rows.append(_row(conversation.id, turn, uuid.UUID(message_id), cases_before))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def _case_state(conversation_id: uuid.UUID) -> tuple[int, str | None]:
    case = Case.objects.filter(conversation_id=conversation_id).order_by("-opened_at").first()
    return (Case.objects.filter(conversation_id=conversation_id).count(), case.level if case else None)


def _row(conversation_id: str, turn: int, message_id: uuid.UUID, cases_before: tuple[int, str | None]) -> dict:
    message = Message.objects.select_related("conversation").get(pk=message_id)
    conversation: Conversation = message.conversation
    reply = Message.objects.filter(pk=store.reply_id_for(message_id)).first()
    count, level = _case_state(conversation.id)
    case = "opened" if count > cases_before[0] else ("raised" if level != cases_before[1] else None)
    risk = message.risk or {}
    return {
        "id": conversation_id,
        "turn": turn,
        "emotion": message.emotion,
        "risk": {key: risk.get(key) for key in ("level", "score", "categories", "subject")},
        "crisis": risk_rank(conversation.risk_level) >= risk_rank(FLAGGED_AT),
        "case": case,
        "screening": _screening(conversation, str(message_id)),
        "reply": selectors.message_text(reply) if reply is not None else None,
        "strategy": reply.strategy if reply is not None else None,
    }


def _screening(conversation: Conversation, message_id: str) -> dict | None:
    """What the screening did on this message: asked, read an answer, or stopped; None when it did nothing."""
    state = screening.State.from_dict(conversation.screening)
    if state is None or state.last_message_id != message_id:
        return None
    return {"turn": state.last_turn.get("kind"), "status": state.status, "step": state.step,
            "answers": dict(state.answers)}


def unhurried() -> None:
    """Set this process up to replay as fast as the models allow: no rate limit, no reading pace, no channel
    layer to send to, and no line per task in the log."""
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # a line per task would bury the bar
    settings.EMOCHAT_RATE_LIMIT_PER_MINUTE = 10**9
    settings.EMOCHAT_FAKE_REPLY_DELAY_MS = 0
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.REPLY_BACKEND_OPTIONS = {
        path: {**options, "pace_ms": 0} if "pace_ms" in options else options
        for path, options in settings.REPLY_BACKEND_OPTIONS.items()
    }
    loader.reset()

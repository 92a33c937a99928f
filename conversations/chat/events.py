"""Every frame the chat's sockets receive, and the conversation groups they go to. Built here and nowhere else
(the moderators' queue frames are built in moderation/events.py).

Frames that come from workers go through the channel layer to the group `conversation.<id>`, wrapped as
`{"type": "chat.event", "event": <frame>}`; each socket's consumer forwards them. Broadcasts of stored data are
sent only after the transaction that stored it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from conversations import commit
from inference.types import Emotion

CHAT_EVENT = "chat.event"


def group_name(conversation_id: UUID | str) -> str:
    return f"conversation.{UUID(str(conversation_id)).hex}"


def message_payload(message, *, text: str | None, feedback: dict | None = None) -> dict:
    """MESSAGE (docs/protocol.md). `text` is None when the stored value cannot be decrypted. An assistant reply
    carries the person's FEEDBACK on it (`feedback`, from feedback_payload), or null: a page that loads or
    resumes the conversation shows what it was given."""
    payload = {
        "id": str(message.id),
        "seq": message.seq,
        "role": message.role,
        "text": text if text is not None else "",
        "created_at": message.created_at.isoformat(),
        "client_id": str(message.client_id) if message.client_id else None,
        "reply_to": str(message.reply_to_id) if message.reply_to_id else None,
        "emotion": message.emotion,
    }
    if message.role == "assistant":
        payload["feedback"] = feedback
    if text is None:
        payload["unreadable"] = True
    return payload


def feedback_payload(*, helpful: bool, reason: str | None, updated_at: datetime) -> dict:
    """FEEDBACK (docs/protocol.md): what the person said of a reply. `reason` is None when it cannot be
    decrypted."""
    payload = {"helpful": helpful, "reason": reason if reason is not None else "", "updated_at": updated_at.isoformat()}
    if reason is None:
        payload["unreadable"] = True
    return payload


def hello(*, conversation_id: UUID, last_seq: int) -> dict:
    return {"type": "hello", "conversation_id": str(conversation_id), "last_seq": last_seq}


def conversations(*, summaries: Iterable) -> dict:
    """The answer to `conversations.list`: the owner's conversations (chat/selectors.py ConversationSummary), the
    most recently active first. Sent to the asking socket only: titles are the person's words."""
    return {"type": "conversations", "conversations": [
        {"id": str(summary.id), "created_at": summary.created_at.isoformat(),
         "last_activity_at": summary.last_activity_at.isoformat(), "title": summary.title,
         "message_count": summary.message_count, "mood": summary.mood, "current": summary.open}
        for summary in summaries
    ]}


def message_ack(*, message: dict) -> dict:
    return {"type": "message.ack", "client_id": message["client_id"], "message": message}


def message_emotion(*, message_id: UUID, seq: int, emotion: Emotion | dict) -> dict:
    reading = emotion.as_dict() if isinstance(emotion, Emotion) else emotion
    return {"type": "message.emotion", "message_id": str(message_id), "seq": seq, **reading}


def reply_start(*, message_id: UUID, reply_to: UUID) -> dict:
    return {"type": "reply.start", "message_id": str(message_id), "reply_to": str(reply_to)}


def reply_delta(*, message_id: UUID, text: str) -> dict:
    return {"type": "reply.delta", "message_id": str(message_id), "text": text}


def reply_end(*, message: dict) -> dict:
    return {"type": "reply.end", "message": message}


def message_new(*, message: dict) -> dict:
    return {"type": "message.new", "message": message}


def typing(*, role: str, state: bool) -> dict:
    return {"type": "typing", "role": role, "state": state}


def privacy_erased() -> dict:
    """The person erased everything: every socket resets its page and is closed (docs/privacy.md)."""
    return {"type": "privacy.erased"}


def crisis_raised(*, level: str) -> dict:
    """To the conversation's sockets: the person may be at risk. Each socket answers its page with
    crisis_resources for the country that page chose, so this carries the level only."""
    return {"type": "crisis.raised", "level": level}


def crisis_resources(*, level: str, country: str, resources: list[dict]) -> dict:
    return {"type": "crisis.resources", "level": level, "country": country, "resources": resources}


def support_joined() -> dict:
    """A member of the support team joined the conversation; the assistant is paused."""
    return {"type": "support.joined"}


def support_left() -> dict:
    return {"type": "support.left"}


def error(*, code: str, detail: str, client_id: str | None = None) -> dict:
    frame = {"type": "error", "code": code, "detail": detail}
    if client_id is not None:
        frame["client_id"] = client_id
    return frame


def envelope(conversation_id: UUID | str, frame: dict) -> dict:
    """A frame for the conversation's group, stamped with the conversation: a socket that has since moved to
    another one (a new or a reopened conversation) may still find it queued, and drops it (consumers.py)."""
    return {"type": CHAT_EVENT, "conversation_id": str(conversation_id), "event": frame}


def broadcast(conversation_id: UUID | str, frame: dict) -> None:
    """Send a frame to every socket of the conversation (from sync code: tasks, services)."""
    async_to_sync(get_channel_layer().group_send)(group_name(conversation_id), envelope(conversation_id, frame))


def broadcast_all(conversation_id: UUID | str, frames: Iterable[dict]) -> None:
    """Send frames to the conversation in order, each as soon as `frames` yields it, all over one
    channel-layer connection: a streamed reply is dozens of frames, and each broadcast() opens its own."""

    async def send_all() -> None:
        layer, group = get_channel_layer(), group_name(conversation_id)
        for frame in frames:
            await layer.group_send(group, envelope(conversation_id, frame))

    async_to_sync(send_all)()


def broadcast_on_commit(conversation_id: UUID | str, frame: dict) -> None:
    commit.on_commit(broadcast, conversation_id, frame)


async def announce(conversation_id: UUID | str, frame: dict) -> None:
    """broadcast() from the event loop (a socket's consumer), after the transaction that stored the frame's data
    has committed."""
    await get_channel_layer().group_send(group_name(conversation_id), envelope(conversation_id, frame))

"""Parsing and validating the chat socket's client frames (docs/protocol.md). Pure functions: no database, no I/O.

The moderators' socket parses its own frames (moderation/protocol.py) with `decode` and ProtocolError from here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

MAX_TEXT_CHARS = 4000
# WebSocket close codes (docs/protocol.md): no session or not yours; the person erased everything; the socket
# asked for or was sent too much (chat/throttle.py), or its address connected too often (admission.py); the person
# opened the chat in more places than allowed and this is the oldest.
CLOSE_FORBIDDEN = 4403
CLOSE_ELSEWHERE = 4409
CLOSE_ERASED = 4410
CLOSE_TOO_MUCH = 4429


class ProtocolError(Exception):
    def __init__(self, code: str, detail: str, client_id: str | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.client_id = client_id


@dataclass(frozen=True)
class Send:
    client_id: UUID
    text: str


@dataclass(frozen=True)
class Resume:
    after_seq: int


@dataclass(frozen=True)
class Typing:
    state: bool


@dataclass(frozen=True)
class NewConversation:
    pass


@dataclass(frozen=True)
class ListConversations:
    pass


@dataclass(frozen=True)
class OpenConversation:
    """Go back to a past conversation. Its id travels as `id`: `conversation_id` on any frame names the socket's
    own conversation, and a different one there is refused as someone else's."""

    conversation_id: UUID


Frame = Send | Resume | Typing | NewConversation | ListConversations | OpenConversation


def decode(raw: str | bytes | None) -> dict:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("invalid", "Frames must be valid UTF-8 JSON.") from None
    try:
        data = json.loads(raw) if raw is not None else None
    except (json.JSONDecodeError, RecursionError):
        raise ProtocolError("invalid", "The frame is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid", "A frame must be a JSON object with a type.")
    return data


def parse(data: dict) -> Frame:
    kind = data.get("type")
    raw_client_id = data.get("client_id")
    echo = raw_client_id if isinstance(raw_client_id, str) and len(raw_client_id) <= 64 else None
    if kind == "message.send":
        return Send(client_id=_client_id(raw_client_id, echo), text=_text(data.get("text"), echo))
    if kind == "resume":
        after = data.get("after_seq")
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ProtocolError("invalid", "after_seq must be a whole number, 0 or more.")
        return Resume(after_seq=after)
    if kind == "typing":
        if not isinstance(data.get("state"), bool):
            raise ProtocolError("invalid", "typing needs state true or false.")
        return Typing(state=data["state"])
    if kind == "conversation.new":
        return NewConversation()
    if kind == "conversations.list":
        return ListConversations()
    if kind == "conversation.open":
        return OpenConversation(conversation_id=_uuid(data.get("id"), "id must be a conversation's id."))
    raise ProtocolError("invalid", "Unknown frame type.", echo)


def _client_id(value: object, echo: str | None) -> UUID:
    return _uuid(value, "client_id must be a UUID.", echo)


def _uuid(value: object, detail: str, echo: str | None = None) -> UUID:
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise ProtocolError("invalid", detail, echo)


def _text(value: object, echo: str | None) -> str:
    if not isinstance(value, str):
        raise ProtocolError("invalid", "text must be a string.", echo)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON escapes can smuggle lone surrogates, which are not text and cannot be stored.
        raise ProtocolError("invalid", "text is not valid UTF-8.", echo) from None
    if not value.strip():
        raise ProtocolError("invalid", "The message is empty.", echo)
    if len(value) > MAX_TEXT_CHARS:
        raise ProtocolError("too_long", f"Messages can be up to {MAX_TEXT_CHARS} characters.", echo)
    return value

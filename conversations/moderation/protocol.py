"""Parsing and validating the moderators' socket's frames (docs/moderation.md). Pure: no database, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from conversations.chat.protocol import ProtocolError


@dataclass(frozen=True)
class CaseFollow:
    case_id: UUID


@dataclass(frozen=True)
class CaseTyping:
    case_id: UUID
    state: bool


ModerationFrame = CaseFollow | CaseTyping


def parse(data: dict) -> ModerationFrame:
    kind = data.get("type")
    if kind not in ("case.follow", "typing"):
        raise ProtocolError("invalid", "Unknown frame type.")
    raw = data.get("case_id")
    try:
        case_id = UUID(raw) if isinstance(raw, str) else None
    except ValueError:
        case_id = None
    if case_id is None:
        raise ProtocolError("invalid", "case_id must be a UUID.")
    if kind == "case.follow":
        return CaseFollow(case_id=case_id)
    if not isinstance(data.get("state"), bool):
        raise ProtocolError("invalid", "typing needs state true or false.")
    return CaseTyping(case_id=case_id, state=data["state"])

"""Every frame the moderators' pages receive on /ws/moderation/, and the group they listen on. Built here and
nowhere else; a case is shown by its labels, times and people, never by a word the person wrote."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from conversations import commit
from conversations.chat import screening

# Moderators' queue pages listen on this group.
MODERATION_GROUP = "moderation"
MODERATION_EVENT = "moderation.event"
# Each staff member's moderation sockets also listen on a group of their own, so that a change to their access
# reaches exactly their sockets, which then check it again (conversations/moderation/team.py).
STAFF_ACCESS_EVENT = "staff.revoked"


def staff_group(user_id: int) -> str:
    return f"staff.{user_id}"


def case_payload(case) -> dict:
    """A case as the queue shows it: labels, times and people; never a word the person wrote."""
    return {
        "id": str(case.id),
        "conversation_id": str(case.conversation_id) if case.conversation_id else None,
        "level": case.level,
        "categories": list(case.categories),
        "status": case.status,
        "priority": case.priority,
        "assignee": case.assignee.get_username() if case.assignee_id else None,
        "opened_at": case.opened_at.isoformat(),
        "acknowledge_by": case.acknowledge_by.isoformat(),
        "escalation_tier": case.escalation_tier,
        "screening": screening.summary(case.screening or {}),
    }


def case_updated(*, case, alert: str | None = None) -> dict:
    """To the queue pages: a case opened or changed. `alert` ("opened", "raised", "escalated", "returned"; to its
    new assignee alone, "assigned") asks the page to notify the moderator (sound and notification) rather than
    update quietly."""
    frame = {"type": "case.updated", "case": case_payload(case)}
    if alert:
        frame["alert"] = alert
    return frame


def case_following(*, case_id: UUID | str) -> dict:
    """To one moderator's socket: it now receives the case's conversation live (its `chat.event` frames)."""
    return {"type": "case.following", "case_id": str(case_id)}


def moderators_notify(frame: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(MODERATION_GROUP, {"type": MODERATION_EVENT, "event": frame})


def moderators_notify_on_commit(frame: dict) -> None:
    commit.on_commit(moderators_notify, frame)


def assignee_notify(user_id: int, frame: dict) -> None:
    """To one moderator's queue pages only (their own group)."""
    async_to_sync(get_channel_layer().group_send)(staff_group(user_id), {"type": MODERATION_EVENT, "event": frame})


def assignee_notify_on_commit(user_id: int, case) -> None:
    """A case was given to this moderator: their pages alert them ("assigned"), whatever its level."""
    commit.on_commit(assignee_notify, user_id, case_updated(case=case, alert="assigned"))


def staff_access_changed(user_ids: Iterable[int]) -> None:
    """Ask these users' moderation sockets to check their access again. The frame says only that something
    changed: the socket reads the user afresh and decides, so a stale or repeated frame closes nothing wrongly."""
    send = async_to_sync(get_channel_layer().group_send)
    for user_id in sorted(set(user_ids)):
        send(staff_group(user_id), {"type": STAFF_ACCESS_EVENT})


def staff_access_changed_on_commit(user_ids: Iterable[int]) -> None:
    commit.on_commit(staff_access_changed, list(user_ids))

"""Who owns a conversation: a logged-in account, or an anonymous visitor known by a pseudonymous id in their
session. The id, not the session key, names the visitor, so it survives session key rotation.

An owner is also a data subject: `user:<pk>` or `visitor:<uuid>`, the name their data keys and consent are kept
under (docs/privacy.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

from conversations.models import Conversation

VISITOR_KEY = "emochat_visitor_id"


@dataclass(frozen=True)
class Owner:
    user_id: int | None = None
    visitor_id: uuid.UUID | None = None


def visitor_known(session: SessionBase) -> bool:
    return VISITOR_KEY in session


def visitor_id_ensure(session: SessionBase) -> uuid.UUID:
    if VISITOR_KEY not in session:
        session[VISITOR_KEY] = str(uuid.uuid4())
    return uuid.UUID(session[VISITOR_KEY])


def owner_from_scope(scope: dict) -> Owner | None:
    """The owner of a WebSocket connection, or None if it came without a session. Touches the session store:
    call from sync code."""
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return Owner(user_id=user.pk)
    session = scope.get("session")
    if session is None or session.session_key is None or VISITOR_KEY not in session:
        return None
    return Owner(visitor_id=uuid.UUID(session[VISITOR_KEY]))


def owner_from_request(request) -> Owner | None:
    """The owner of an HTTP request (the privacy API), or None if it came without a visitor session."""
    if request.user.is_authenticated:
        return Owner(user_id=request.user.pk)
    visitor_id = request.session.get(VISITOR_KEY)
    return Owner(visitor_id=uuid.UUID(visitor_id)) if visitor_id else None


def subject_for(owner: Owner) -> str:
    return f"user:{owner.user_id}" if owner.user_id is not None else f"visitor:{owner.visitor_id}"


def subject_of(conversation: Conversation) -> str:
    return subject_for(Owner(user_id=conversation.user_id, visitor_id=conversation.visitor_id))


def subject_of_conversation(conversation_id: uuid.UUID) -> str:
    """Whose data key seals a value of the conversation now. Read afresh, never remembered: a visitor's
    conversations pass to the account they sign up for (conversations/accounts/services.py), and a value sealed
    under the visitor's name after that would escape the account's erasure."""
    return subject_of(Conversation.objects.only("user_id", "visitor_id").get(pk=conversation_id))

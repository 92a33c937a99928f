"""Ids bound to every log line written while handling one message: `conversation_id` and `message_id`.

Bound with structlog's contextvars, so they follow a coroutine, the thread `database_sync_to_async` runs it in,
and a Celery task's thread, and appear in every line logged meanwhile, whichever logger wrote it (the formatter
merges them: emochat/observability/logs.py). Only ids can be bound: a value that is not a UUID or a whole number is
refused, so a message's text can never reach a log line this way.

This module imports nothing of the project's.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from uuid import UUID

import structlog

ID_KEYS = ("conversation_id", "message_id")
Tokens = Mapping[str, contextvars.Token]


def id_value(value: object) -> str:
    """`value` as it is logged: a UUID's canonical form, or a whole number; anything else raises ValueError."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        if value.isdigit():
            return value
        try:
            return str(UUID(value))
        except ValueError:
            pass
    raise ValueError("only ids (UUIDs or whole numbers) may be bound to log lines")


def bind_ids(*, conversation_id: UUID | str | int | None = None,
             message_id: UUID | str | int | None = None) -> Tokens:
    """Bind the ids given (None leaves a key as it is) until `unbind_ids(tokens)`; returns those tokens."""
    given = {"conversation_id": conversation_id, "message_id": message_id}
    return structlog.contextvars.bind_contextvars(
        **{key: id_value(value) for key, value in given.items() if value is not None}
    )


def unbind_ids(tokens: Tokens) -> None:
    """Restore what the keys held before `bind_ids` returned `tokens`."""
    try:
        structlog.contextvars.reset_contextvars(**tokens)
    except ValueError:
        # The tokens were made in another context (a task's end signalled from another thread): drop the keys.
        structlog.contextvars.unbind_contextvars(*tokens)


@contextmanager
def ids_bound(*, conversation_id: UUID | str | int | None = None,
              message_id: UUID | str | int | None = None) -> Iterator[None]:
    """`with ids_bound(conversation_id=..., message_id=...):` binds the ids for the block."""
    tokens = bind_ids(conversation_id=conversation_id, message_id=message_id)
    try:
        yield
    finally:
        unbind_ids(tokens)

"""Work that runs once a transaction commits, each piece on its own: one that fails is logged and the rest still
run (Django's `robust` on_commit). Every module schedules its after-commit work here rather than handing Django a
`functools.partial`: Django logs a failing hook by its `__qualname__`, which a partial lacks, and the
AttributeError that follows skips every hook after it (the task's enqueue among them, so a message would be
stored but never answered)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def on_commit(func: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Call `func(*args, **kwargs)` once the current transaction commits (at once outside one)."""

    def hook() -> None:
        func(*args, **kwargs)

    hook.__qualname__ = f"{getattr(func, '__qualname__', type(func).__qualname__)} after commit"
    transaction.on_commit(hook, robust=True)

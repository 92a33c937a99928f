"""Database work for the sockets, on a pool of threads.

Channels' `database_sync_to_async` runs every call of a process on one thread, so one socket's transaction waits
behind every other socket's: a web process acknowledged no more messages a second than one thread could commit.
Calls made through `in_pool` run on EMOCHAT_DATABASE_THREADS threads instead, each with its own connection (kept
open for DATABASE_CONN_MAX_AGE seconds), and closed or recycled around each call as Channels does. The services
they call are safe to run side by side: several web processes already do.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync
from django.conf import settings

_pool = ThreadPoolExecutor(max_workers=settings.EMOCHAT_DATABASE_THREADS, thread_name_prefix="emochat-db")


def in_pool(func: Callable) -> DatabaseSyncToAsync:
    """`func` as a coroutine function that runs on the pool (like `database_sync_to_async`, on many threads)."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=_pool)

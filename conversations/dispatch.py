"""Work for the Celery workers, queued by task name once the transaction that calls for it commits (Zulip's
`queue_event_on_commit`). Nothing imports a tasks module: services name the task, and the names are fixed
(`name=` on each task), so queue routes and beat's schedule keep working wherever a task's code lives.

With no broker (the embedded default, CELERY_TASK_ALWAYS_EAGER) the same tasks run on two threads of this
process, so a socket is acknowledged at once and answered moments later; a thread of its own stands in for
Celery beat's housekeeping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from django.conf import settings
from django.db import close_old_connections

from conversations import commit

logger = logging.getLogger(__name__)

_in_process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emochat-task")
_registry_lock = threading.Lock()


def in_process() -> bool:
    """Whether tasks run in this process (no broker configured)."""
    return settings.CELERY_TASK_ALWAYS_EAGER


def enqueue(name: str, *args: str, queue: str | None = None) -> None:
    """Queue the task `name` with `args` (ids, never text); `queue` overrides its route."""
    if in_process():
        _in_process.submit(_run, name, args)
        return
    current_app.send_task(name, args=list(args), **({"queue": queue} if queue else {}))


def enqueue_on_commit(name: str, *args: str, queue: str | None = None) -> None:
    commit.on_commit(enqueue, name, *args, queue=queue)


def run_here(name: str, *args: str) -> None:
    """Run the task `name` now, in this thread, raising what it raises (replaying conversations without a worker)."""
    _task(name).apply(args=list(args), throw=True)


def _task(name: str):
    app = current_app
    with _registry_lock:
        if name not in app.tasks:
            # Tasks register when their modules are imported: the worker imports them at start, this process
            # only the first time it runs one (celery.py lists the packages).
            app.loader.import_default_modules()
    return app.tasks[name]


def _run(name: str, args: tuple[str, ...]) -> None:
    try:
        _task(name).apply(args=list(args), throw=False)
    finally:
        close_old_connections()


def background_start(*, warm: Callable[[], None], every: tuple[str, ...], interval_s: float = 10.0) -> None:
    """Embedded mode: run `warm` (loading the models) on a task thread while the server starts, so the first
    person's message does not wait for it; and run the tasks named in `every` on a thread of their own, every
    `interval_s`, as beat would."""
    _in_process.submit(_warm, warm)

    def loop() -> None:
        while True:
            time.sleep(interval_s)
            try:
                for name in every:
                    _task(name)()
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                logger.warning("housekeeping failed (%s)", type(exc).__name__)
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="emochat-housekeeping", daemon=True).start()


def _warm(warm: Callable[[], None]) -> None:
    try:
        warm()
    except Exception as exc:  # noqa: BLE001 - the first message will meet (and report) the same failure
        logger.warning("models did not load at start (%s); the first message will try again", type(exc).__name__)

"""Celery's side of observability: every task counted and timed by name and outcome, its ids bound to the lines it
logs, and each worker's own metrics served over HTTP. emochat/celery.py connects these to Celery's signals.

A worker's metrics server (EMOCHAT_WORKER_METRICS_PORT) runs in the worker's main process:
- solo, threads, gevent or eventlet pools run tasks in that process, which serves its own registry;
- the prefork pool runs them in child processes, so it needs PROMETHEUS_MULTIPROC_DIR: every process writes its
  values to files there and the main process serves their sum (prometheus_client's multiprocess mode). Without
  it a prefork worker serves nothing, and says so, rather than serve the empty registry of a process that runs
  no task.
Several workers on one host each take the first free port from EMOCHAT_WORKER_METRICS_PORT upward.

Task arguments are ids (conversations/dispatch.py): a task's `conversation_id` and `message_id` parameters are
bound to its log lines, with the task's name and id.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import structlog
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

from emochat.observability import context, metrics

logger = logging.getLogger(__name__)

PORTS_TRIED = 16

# task id -> (when it started, the context tokens to reset when it ends)
_running: dict[str, tuple[float, context.Tokens]] = {}
_running_lock = threading.Lock()


def _task_ids(task: Any, args: Any, kwargs: Any) -> dict[str, str]:
    """The ids among a task's arguments, by parameter name."""
    try:
        arguments = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {})).arguments
    except (TypeError, ValueError):
        return {}
    found = {}
    for key in context.ID_KEYS:
        if key in arguments:
            try:
                found[key] = context.id_value(arguments[key])
            except ValueError:
                continue
    return found


def task_started(sender: Any = None, task_id: str | None = None, task: Any = None, args: Any = None,
                 kwargs: Any = None, **_: Any) -> None:
    """task_prerun: note the start, bind the task's name, id and ids to what it logs."""
    if task is None or task_id is None:
        return
    tokens = dict(structlog.contextvars.bind_contextvars(task=task.name, task_id=task_id))
    tokens.update(context.bind_ids(**_task_ids(task, args, kwargs)))
    with _running_lock:
        _running[task_id] = (time.perf_counter(), tokens)


def task_ended(sender: Any = None, task_id: str | None = None, task: Any = None, state: str | None = None,
               **_: Any) -> None:
    """task_postrun: count the task by outcome (its final state: success, failure, retry, …) and time it."""
    if task is None or task_id is None:
        return
    with _running_lock:
        started, tokens = _running.pop(task_id, (None, {}))
    seconds = time.perf_counter() - started if started is not None else None
    metrics.task_finished(task=task.name, outcome=(state or "").lower(), seconds=seconds)
    context.unbind_ids(tokens)


def task_failed(sender: Any = None, exception: BaseException | None = None, **_: Any) -> None:
    """task_failure: count the exception's type (never its message: it may quote what it was given)."""
    if sender is not None:
        metrics.task_failed(task=sender.name, exception=exception)


def _empty(directory: str) -> None:
    """Values left by an earlier run would be added to this one's."""
    for path in Path(directory).glob("*.db"):
        path.unlink(missing_ok=True)


def metrics_serve(*, port: int, address: str, prefork: bool, multiproc_dir: str | None):
    """Serve this worker's metrics on the first free port from `port` (0: off); returns the server, or None."""
    if not port:
        return None
    registry: CollectorRegistry = REGISTRY
    if multiproc_dir:
        _empty(multiproc_dir)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiproc_dir)
    elif prefork:
        logger.warning("worker metrics are off: a prefork worker needs PROMETHEUS_MULTIPROC_DIR "
                       "(docs/observability.md), or run it with --pool threads or solo")
        return None
    for candidate in range(port, port + PORTS_TRIED):
        try:
            server, _ = start_http_server(candidate, addr=address, registry=registry)
        except OSError:
            continue
        logger.info("worker metrics served on %s:%d", address, candidate)
        return server
    logger.error("worker metrics are off: ports %d-%d are all taken", port, port + PORTS_TRIED - 1)
    return None


def process_exited(multiproc_dir: str | None) -> None:
    """worker_process_shutdown (a prefork child): its live gauges stop counting."""
    if multiproc_dir:
        multiprocess.mark_process_dead(os.getpid(), path=multiproc_dir)

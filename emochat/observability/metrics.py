"""emochat's Prometheus metrics, and one small function per thing worth counting or timing.

Every metric is defined here, once, so its name, help text, labels and buckets are reviewed in one place (the
list with what each means: docs/observability.md). Call the functions rather than the metric objects: they keep
label values to small fixed sets, so a client that sends odd frame types or close codes cannot make the number of
series grow. Labels are never derived from what a person wrote, and never carry an id.

This module imports nothing of the project's (only the standard library and prometheus_client), so any process
may load it before Django is set up.

Under Celery's prefork pool every process writes its values to files in PROMETHEUS_MULTIPROC_DIR and the
worker's main process serves their sum (emochat/observability/workers.py); prometheus_client decides that when it
is imported, from the environment. Gauges say how their values from several processes combine.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# `_created` series double the series count and no panel or alert uses them.
disable_created_metrics()

NAMESPACE = "emochat"
OTHER = "other"

# Frame types a chat socket may send (conversations/chat/protocol.py); anything else is counted as "other".
FRAME_TYPES = frozenset({"message.send", "typing", "resume", "conversation.new"})
# Which socket: the path's second segment (/ws/chat/, /ws/moderation/).
SOCKETS = frozenset({"chat", "moderation"})
ALERT_CHANNELS = frozenset({"realtime", "email", "webhook"})
RISK_READERS = frozenset({"rules", "model", "screening"})
REPLY_OUTCOMES = frozenset({"generated", "fallback"})
TASK_OUTCOMES = frozenset({"success", "failure", "retry", "rejected", "ignored", "revoked"})

_MODEL_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)

MESSAGES_RECEIVED = Counter(
    "chat_messages_received", "Messages people sent (message.send frames acted on: not refused by the throttle).",
    namespace=NAMESPACE,
)
ACKS_SENT = Counter(
    "chat_acks_sent", "Acknowledgements sent for stored messages; kind=resend answers a message sent again.",
    ["kind"], namespace=NAMESPACE,
)
ACK_SECONDS = Histogram(
    "chat_ack_seconds", "From a message.send frame arriving to its acknowledgement going out (web process).",
    namespace=NAMESPACE, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
THROTTLE_REFUSALS = Counter(
    "chat_throttle_refusals", "Frames a chat socket sent over their rate, refused and not acted on, by frame type.",
    ["frame"], namespace=NAMESPACE,
)
SOCKETS_OPEN = Gauge(
    "sockets_open", "WebSocket connections accepted and not yet closed, by socket.",
    ["socket"], namespace=NAMESPACE, multiprocess_mode="livesum",
)
SOCKET_CLOSES = Counter(
    "socket_closes", "Accepted WebSocket connections that ended, by socket, close code and which side closed.",
    ["socket", "code", "by"], namespace=NAMESPACE,
)
SOCKETS_DENIED = Counter(
    "sockets_denied", "WebSocket connections closed before they were accepted (origin refused), by socket.",
    ["socket"], namespace=NAMESPACE,
)
EMOTION_SECONDS = Histogram(
    "emotion_latency_seconds", "From a message being stored to its emotion reading being saved.",
    namespace=NAMESPACE, buckets=_MODEL_SECONDS,
)
RISK_SECONDS = Histogram(
    "risk_latency_seconds", "From a message being stored to a risk reading of it being saved, by reader.",
    ["reader"], namespace=NAMESPACE, buckets=_MODEL_SECONDS,
)
REPLY_FIRST_CHUNK_SECONDS = Histogram(
    "reply_first_chunk_seconds", "From a message being stored to the first piece of its reply being sent.",
    namespace=NAMESPACE, buckets=_MODEL_SECONDS,
)
REPLY_SECONDS = Histogram(
    "reply_duration_seconds", "From a reply's first piece to its last, by outcome (generated, or a fallback).",
    ["outcome"], namespace=NAMESPACE, buckets=(0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0),
)
EMOTION_BATCH_SIZE = Histogram(
    "emotion_batch_size", "Messages read together in one run of the emotion model (inference/batching.py).",
    namespace=NAMESPACE, buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
ALERT_DELIVERY_SECONDS = Histogram(
    "alert_delivery_seconds", "From an alert being written to its receiver taking it, by channel.",
    ["channel"], namespace=NAMESPACE, buckets=(0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0),
)
ALERT_FAILURES = Counter(
    "alert_failures", "Failed alert deliveries, by channel; outcome=retry will be tried again, given_up will not.",
    ["channel", "outcome"], namespace=NAMESPACE,
)
TASKS = Counter(
    "celery_tasks", "Celery tasks that ended, by task name and outcome.",
    ["task", "outcome"], namespace=NAMESPACE,
)
TASK_SECONDS = Histogram(
    "celery_task_duration_seconds", "How long Celery tasks ran, by task name and outcome.",
    ["task", "outcome"], namespace=NAMESPACE,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
)
TASK_FAILURES = Counter(
    "celery_task_failures", "Celery tasks that raised, by task name and exception type.",
    ["task", "exception"], namespace=NAMESPACE,
)


def _one_of(value: str, allowed: frozenset[str]) -> str:
    return value if value in allowed else OTHER


def seconds_since(stored_at: datetime) -> float:
    """Seconds from an aware timestamp (a row's `created_at`) to now; never negative (clocks of two hosts)."""
    if stored_at.tzinfo is None:
        stored_at = stored_at.replace(tzinfo=timezone.utc)
    return max(0.0, (datetime.now(timezone.utc) - stored_at).total_seconds())


def close_code(code: object, *, by: str) -> str:
    """A close code as a label: the standard codes (1000-1015) and the codes emochat's server sends (4000-4999);
    a code a client chose outside the standard ones is "other"."""
    if isinstance(code, int) and not isinstance(code, bool):
        if 1000 <= code <= 1015 or (by == "server" and 4000 <= code <= 4999):
            return str(code)
    return OTHER


# The chat socket (conversations/chat/consumers.py).

def message_received() -> float:
    """Count a message.send frame acted on; returns the moment it arrived, for `ack_sent`."""
    MESSAGES_RECEIVED.inc()
    return time.perf_counter()


def ack_sent(*, received_at: float, resend: bool = False) -> None:
    """Count an acknowledgement and time it from `received_at` (what `message_received` returned)."""
    ACKS_SENT.labels(kind="resend" if resend else "new").inc()
    ACK_SECONDS.observe(max(0.0, time.perf_counter() - received_at))


def throttle_refused(frame_type: object) -> None:
    THROTTLE_REFUSALS.labels(frame=_one_of(frame_type, FRAME_TYPES) if isinstance(frame_type, str) else OTHER).inc()


# WebSocket connections (emochat/observability/sockets.py).

def socket_opened(socket: str) -> None:
    SOCKETS_OPEN.labels(socket=_one_of(socket, SOCKETS)).inc()


def socket_gone(socket: str) -> None:
    SOCKETS_OPEN.labels(socket=_one_of(socket, SOCKETS)).dec()


def socket_closed(socket: str, *, code: object, by: str) -> None:
    """`by`: "server" (emochat closed it), "client", or "error" (the connection ended without a close)."""
    SOCKET_CLOSES.labels(socket=_one_of(socket, SOCKETS), code=close_code(code, by=by),
                         by=_one_of(by, frozenset({"server", "client", "error"}))).inc()


def socket_denied(socket: str) -> None:
    SOCKETS_DENIED.labels(socket=_one_of(socket, SOCKETS)).inc()


# Readings and replies (the workers; in the embedded default, the web process).

def emotion_read(*, stored_at: datetime) -> None:
    EMOTION_SECONDS.observe(seconds_since(stored_at))


def risk_read(*, stored_at: datetime, reader: str = "model") -> None:
    """`reader`: "rules" (the safety net, before the ack), "model" (the priority lane) or "screening"."""
    RISK_SECONDS.labels(reader=_one_of(reader, RISK_READERS)).observe(seconds_since(stored_at))


def reply_first_chunk(*, stored_at: datetime) -> float:
    """Time the reply's first piece from its message being stored; returns now, for `reply_finished`."""
    REPLY_FIRST_CHUNK_SECONDS.observe(seconds_since(stored_at))
    return time.perf_counter()


def reply_finished(*, started_at: float, outcome: str = "generated") -> None:
    """`started_at`: what `reply_first_chunk` returned; `outcome`: "generated", or "fallback" when the reply was
    replaced by a curated one."""
    REPLY_SECONDS.labels(outcome=_one_of(outcome, REPLY_OUTCOMES)).observe(max(0.0, time.perf_counter() - started_at))


class ReplyTimer:
    """One streamed reply's timing, for a loop that sends its pieces: `piece()` for each piece (only the first is
    timed, from the message being stored), `fell_back()` when it starts over as a curated reply, `finished()`
    once it has ended (a reply that sent no piece records nothing)."""

    def __init__(self, *, stored_at: datetime):
        self.stored_at = stored_at
        self.started_at: float | None = None
        self.outcome = "generated"

    def piece(self) -> None:
        if self.started_at is None:
            self.started_at = reply_first_chunk(stored_at=self.stored_at)

    def fell_back(self) -> None:
        self.outcome = "fallback"

    def finished(self) -> None:
        if self.started_at is not None:
            reply_finished(started_at=self.started_at, outcome=self.outcome)


def emotion_batch(size: int) -> None:
    """One run of the emotion model over `size` messages."""
    EMOTION_BATCH_SIZE.observe(size)


# Staff alerts (conversations/moderation/alerts.py).

def alert_delivered(*, channel: str, created_at: datetime) -> None:
    ALERT_DELIVERY_SECONDS.labels(channel=_one_of(channel, ALERT_CHANNELS)).observe(seconds_since(created_at))


def alert_failed(*, channel: str, given_up: bool) -> None:
    ALERT_FAILURES.labels(channel=_one_of(channel, ALERT_CHANNELS), outcome="given_up" if given_up else "retry").inc()


# Celery tasks (emochat/observability/workers.py, through Celery's signals).

def task_finished(*, task: str, outcome: str, seconds: float | None) -> None:
    outcome = _one_of(outcome, TASK_OUTCOMES)
    TASKS.labels(task=task, outcome=outcome).inc()
    if seconds is not None:
        TASK_SECONDS.labels(task=task, outcome=outcome).observe(max(0.0, seconds))


def task_failed(*, task: str, exception: BaseException | None) -> None:
    TASK_FAILURES.labels(task=task, exception=type(exception).__name__ if exception is not None else OTHER).inc()

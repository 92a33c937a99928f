"""Metrics read when Prometheus scrapes the web process, from where the truth is kept: open moderation cases from
the database, the length of each Celery queue from the broker.

Each collector reports whether its read worked (`emochat_collector_up`), so a panel that goes flat because the
database or the broker did not answer is told apart from one that is flat because nothing happened. The web
process serves them (emochat/observability/exposition.py); workers do not, so each value is reported once per web
process (the dashboard takes the maximum across them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from celery import Celery
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from conversations.models import Case
from inference.types import RISK_LEVELS

logger = logging.getLogger(__name__)

UP = "emochat_collector_up"
UP_HELP = "Whether a metric read at scrape time could be read (1) or not (0), by collector."
CASES = "emochat_moderation_cases_open"
CASES_HELP = "Moderation cases not yet resolved, by risk level and status (from the database, at scrape time)."
QUEUE = "emochat_celery_queue_length"
QUEUE_HELP = "Tasks waiting in each Celery queue (from the broker, at scrape time)."
# A case opens for a message read at one of these levels ("none" never opens one).
CASE_LEVELS = tuple(level for level in RISK_LEVELS if level != "none")
OPEN_STATUSES = tuple(status for status in Case.Status.values if status != Case.Status.RESOLVED)
# Broker transports whose queues can be measured: Redis lists, and AMQP queues by a passive declare.
REDIS_DRIVERS = frozenset({"redis"})
AMQP_DRIVERS = frozenset({"amqp"})

CaseCounts = dict[tuple[str, str], int]


def open_cases() -> CaseCounts:
    """How many unresolved cases there are, by (level, status)."""
    rows = (Case.objects.exclude(status=Case.Status.RESOLVED).order_by().values("level", "status")
            .annotate(count=Count("pk")).values_list("level", "status", "count"))
    return {(level, status): count for level, status, count in rows}


def _up(name: str, ok: bool) -> GaugeMetricFamily:
    family = GaugeMetricFamily(UP, UP_HELP, labels=["collector"])
    family.add_metric([name], 1.0 if ok else 0.0)
    return family


class CasesCollector(Collector):
    """emochat_moderation_cases_open{level, status}: every known level and open status, zeros included, so a
    level's line on a panel drops to 0 rather than vanishing."""

    name = "moderation_cases"

    def __init__(self, count: Callable[[], CaseCounts] = open_cases):
        self._count = count

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(CASES, CASES_HELP, labels=["level", "status"])]

    def collect(self) -> Iterator[Metric]:
        try:
            counts = self._count()
        except Exception as exc:  # noqa: BLE001 - a scrape reports the failure rather than failing whole
            logger.warning("open cases could not be counted (%s)", type(exc).__name__)
            yield _up(self.name, False)
            return
        family = GaugeMetricFamily(CASES, CASES_HELP, labels=["level", "status"])
        levels = [*CASE_LEVELS, *sorted({level for level, _ in counts} - set(CASE_LEVELS))]
        for level in levels:
            for status in OPEN_STATUSES:
                family.add_metric([level, status], float(counts.get((level, status), 0)))
        yield family
        yield _up(self.name, True)


def queue_names(app: Celery) -> list[str]:
    """The queues emochat's tasks go to: the default queue, every queue declared, and every queue a route names."""
    names = {app.conf.task_default_queue, *(queue.name for queue in app.conf.task_queues or ())}
    for route in (app.conf.task_routes or {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return sorted(names)


def _redis_lengths(connection, queues: list[str]) -> dict[str, int]:
    # kombu keeps a Redis queue as one list per priority step (`name`, then `name\x06\x163`, …); a queue's length
    # is their sum. The channel names the keys (and adds any global key prefix itself).
    channel = connection.default_channel
    steps = list(channel.priority_steps)
    with channel.client.pipeline() as pipe:
        for queue in queues:
            for step in steps:
                pipe.llen(channel._q_for_pri(queue, step))
        sizes = pipe.execute()
    return {queue: sum(sizes[index * len(steps):(index + 1) * len(steps)]) for index, queue in enumerate(queues)}


def _amqp_lengths(connection, queues: list[str]) -> dict[str, int]:
    lengths = {}
    for queue in queues:
        channel = connection.channel()
        try:
            lengths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
        except connection.channel_errors:
            lengths[queue] = 0  # not declared yet: nothing was ever sent to it
        finally:
            try:
                channel.close()
            except Exception:  # noqa: BLE001 - a passive declare of a missing queue closes the channel itself
                pass
    return lengths


def queue_lengths(app: Celery, timeout_s: float = 3.0) -> dict[str, int] | None:
    """Each queue's length, or None when the broker's transport cannot be measured (the in-process default)."""
    with app.connection_for_read() as connection:
        driver = connection.transport.driver_type
        if driver not in REDIS_DRIVERS | AMQP_DRIVERS:
            return None
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout_s)
        queues = queue_names(app)
        return _redis_lengths(connection, queues) if driver in REDIS_DRIVERS else _amqp_lengths(connection, queues)


class QueueCollector(Collector):
    """emochat_celery_queue_length{queue}, measured on the broker at each scrape."""

    name = "celery_queues"

    def __init__(self, app: Celery, *, eager: Callable[[], bool] = lambda: False):
        self._app = app
        self._eager = eager

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(QUEUE, QUEUE_HELP, labels=["queue"])]

    def collect(self) -> Iterator[Metric]:
        if self._eager():
            return  # no broker: tasks run in this process
        try:
            lengths = queue_lengths(self._app)
        except Exception as exc:  # noqa: BLE001 - the broker is down: say so, and serve the other metrics
            logger.warning("queue lengths could not be read (%s)", type(exc).__name__)
            yield _up(self.name, False)
            return
        if lengths is None:
            return
        family = GaugeMetricFamily(QUEUE, QUEUE_HELP, labels=["queue"])
        for queue, length in sorted(lengths.items()):
            family.add_metric([queue], float(length))
        yield family
        yield _up(self.name, True)

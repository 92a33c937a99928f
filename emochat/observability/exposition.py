"""/metrics: the web process's metrics in Prometheus's text format, for allowed scrapers only.

A request is served when it comes from an address in EMOCHAT_METRICS_ALLOWED_CIDRS (loopback and private ranges
by default: a scraper inside the cluster) or carries `Authorization: Bearer <EMOCHAT_METRICS_TOKEN>`, compared in
constant time. Anyone else gets the ordinary 404, so the page does not even show that it exists.

What is read at scrape time is read off the event loop: the database on Django's thread for database work, the
broker on a thread of its own, so a broker that does not answer cannot hold up anyone's messages.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Iterator

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from emochat.celery import app as celery_app
from emochat.observability.collectors import CasesCollector, QueueCollector

CASES = CasesCollector()
QUEUES = QueueCollector(celery_app, eager=lambda: settings.CELERY_TASK_ALWAYS_EAGER)


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == network.version and ip in network for network in settings.EMOCHAT_METRICS_ALLOWED_CIDRS)


def _token_presented(request: HttpRequest) -> bool:
    token = settings.EMOCHAT_METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer" or not presented:
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def allowed(request: HttpRequest) -> bool:
    return _token_presented(request) or _address_allowed(request.META.get("REMOTE_ADDR") or "")


def process_registry() -> CollectorRegistry:
    """This process's metrics; with PROMETHEUS_MULTIPROC_DIR set, the sum of every process writing there."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
        return registry
    return REGISTRY


class Families:
    """What one scrape serves: the process's metrics and those read for it, families of one name merged."""

    def __init__(self, registry: CollectorRegistry, read: Iterable[Metric]):
        self._registry = registry
        self._read = list(read)

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for family in [*self._registry.collect(), *self._read]:
            if family.name in merged:
                merged[family.name].samples.extend(family.samples)
            else:
                merged[family.name] = family
        return iter(merged.values())


@never_cache
@require_GET
async def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404
    cases = await database_sync_to_async(lambda: list(CASES.collect()))()
    # Not thread-sensitive: a slow broker must not hold up the thread Django's database calls share.
    queues = await sync_to_async(lambda: list(QUEUES.collect()), thread_sensitive=False)()
    body = generate_latest(Families(process_registry(), [*cases, *queues]))
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)

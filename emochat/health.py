"""Liveness and readiness probes.

/healthz answers as long as the process serves requests. /readyz checks, concurrently and each within a
short timeout, that the database, the channel layer and the Celery broker answer, and names what failed.
Errors are reported by kind only: connection strings can carry passwords.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from emochat.celery import app as celery_app

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 3.0


async def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


async def _check_database() -> dict:
    return await database_sync_to_async(_database)()


async def _check_channel_layer() -> dict:
    layer = get_channel_layer()
    if isinstance(layer, RedisChannelLayer):
        # Each Redis of the layer answers a PING. Never a receive: channels-redis serves every process-local
        # channel behind one lock that each open socket holds for up to 5 s, longer than the probe may wait, so
        # a receive here made the web process look unready whenever anyone was chatting.
        for index in range(layer.ring_size):
            await layer.connection(index).ping()
        return {"backend": type(layer).__name__}
    channel = await layer.new_channel("readyz.")
    await layer.send(channel, {"type": "readyz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "readyz.ping":
        raise RuntimeError("the channel layer returned a different message")
    return {"backend": type(layer).__name__}


def _broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "in-process"}
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT_S)
        return {"transport": conn.transport_cls}


async def _check_broker() -> dict:
    # Not thread-sensitive: a slow broker must not hold up the thread Django's ORM calls share.
    return await sync_to_async(_broker, thread_sensitive=False)()


CHECKS: dict[str, Callable[[], Awaitable[dict]]] = {
    "database": _check_database,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


async def _run(name: str, check: Callable[[], Awaitable[dict]]) -> dict:
    try:
        detail = await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_TIMEOUT_S:g}s"}
    except Exception as exc:  # noqa: BLE001 - a probe reports every failure rather than raising
        logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        return {"ok": False, "error": f"unreachable ({type(exc).__name__})"}
    return {"ok": True, **detail}


@never_cache
@require_GET
async def readyz(request: HttpRequest) -> JsonResponse:
    results = await asyncio.gather(*(_run(name, check) for name, check in CHECKS.items()))
    checks = dict(zip(CHECKS, results))
    failed = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "unavailable" if failed else "ready", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)

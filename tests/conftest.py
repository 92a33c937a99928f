"""Shared fixtures. The suite runs against real PostgreSQL, Redis and RabbitMQ (the optional broker); if one is
missing it stops at once with a message that says which one and how to start it, instead of skipping tests."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from channels.layers import channel_layers
from django.conf import settings
from django.utils import translation
from kombu import Connection

from tests import processes, pseudo_locale

START_HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
    "RabbitMQ": "rabbitmq-server -detached",
}
AMQP_URL = processes.AMQP_URL


def _missing_services() -> list[str]:
    import psycopg

    missing = []
    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
            dbname="postgres", connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        missing.append(f"PostgreSQL at {db['HOST']}:{db['PORT'] or 5432} ({type(exc).__name__}); "
                       f"start it with: {START_HINTS['PostgreSQL']}")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        missing.append(f"Redis at {settings.REDIS_URL} ({type(exc).__name__}); start it with: {START_HINTS['Redis']}")
    try:
        with Connection(AMQP_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - kombu raises the transport's own errors
        missing.append(f"RabbitMQ at {AMQP_URL.split('@')[-1]} ({type(exc).__name__}); start it with: "
                       f"{START_HINTS['RabbitMQ']} (or set EMOCHAT_TEST_AMQP_URL)")
    return missing


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = _missing_services()
    if missing:
        pytest.exit("The test suite needs real services that are not reachable:\n  " + "\n  ".join(missing),
                    returncode=3)
    # Before any server starts: the pages can then be rendered in the pseudo-locale (tests/test_i18n.py).
    pseudo_locale.write(settings.LOCALE_PATHS[-1])


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Data keys live in a database of their own, and nearly every write reaches it: a test that may use the
    # database may use both.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DB_FIXTURES & set(item.fixturenames):
            continue
        kwargs = {**(marker.kwargs if marker else {}), "databases": "__all__"}
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture
def live_database_url(transactional_db) -> Iterator[str]:
    """A URL for the test database that other processes (Daphne, Celery) can use; data is committed."""
    yield processes.database_url()
    # Those processes have exited, but PostgreSQL can take a moment to end their sessions; the test database
    # cannot be flushed or dropped while they last.
    from django.db import connection, connections

    names = [connections[alias].settings_dict["NAME"] for alias in settings.DATABASES]
    connections["keys"].close()  # this process's own session there would count too
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = ANY(%s) "
                           "AND pid <> pg_backend_pid()", [names])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """Each test gets a channel layer of its own. channels_redis binds its locks to the event loop that first
    used them, and every async test runs in a loop of its own: a layer left from another test (a consumer of it
    still waiting to receive when that test's loop ended) fails in this one with "bound to a different event
    loop"."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in English: a request the test client makes leaves its language (LocaleMiddleware)
    active on the thread after it."""
    yield
    translation.deactivate()


@pytest.fixture
def redis_url() -> str:
    return settings.REDIS_URL



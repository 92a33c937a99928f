"""Prometheus metrics: /metrics for allowed scrapers only, values read from PostgreSQL and Redis at scrape time,
Celery tasks and WebSocket connections counted, each worker's own server, and a dashboard that asks only for
metrics emochat exports (emochat/observability/, docker/grafana/emochat.json)."""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
import sys
import textwrap
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
from celery import Celery
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from kombu import Connection
from kombu import Queue as KombuQueue
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from conversations.chat import services
from conversations.identity import Owner
from conversations.models import Case
from conversations.moderation import services as moderation
from emochat import env
from emochat.asgi import application
from emochat.celery import app as celery_app
from emochat.observability import metrics, workers
from emochat.observability.collectors import QueueCollector
from tests.conversations.conftest import chat_socket, consent, visitor_session
from tests.processes import AMQP_URL, ROOT, free_port

DASHBOARD = ROOT / "docker" / "grafana" / "emochat.json"
OUTSIDE = "203.0.113.7"  # TEST-NET-3: never a private address


def scrape(client, **extra) -> dict[str, object]:
    """A scrape through Django's test client. Tests that scrape use `transactional_db`: the view reads the
    database through Channels' database_sync_to_async, which closes a connection held in a test's transaction."""
    response = client.get("/metrics", HTTP_HOST="localhost", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def value(families: dict, family: str, **labels: str) -> float | None:
    for sample in families[family].samples:
        if sample.labels == labels and not sample.name.endswith(("_bucket", "_created")):
            return sample.value
    return None


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# Who may scrape.

def test_metrics_are_served_to_a_private_address_in_the_text_format(client, transactional_db):
    families = scrape(client, REMOTE_ADDR="10.1.2.3")

    for name in ("emochat_chat_messages_received", "emochat_chat_ack_seconds", "emochat_sockets_open",
                 "emochat_emotion_latency_seconds", "emochat_celery_tasks", "emochat_moderation_cases_open",
                 "emochat_celery_queue_length"):
        assert name in families, name
    assert families["emochat_chat_ack_seconds"].type == "histogram"


@pytest.mark.parametrize("authorization",
                         [None, "Bearer wrong-token-0123456789", "Basic c2NyYXBlcjpzZWNyZXQ=", "Bearer"])
def test_an_outside_address_without_the_token_gets_a_404(client, settings, authorization):
    settings.EMOCHAT_METRICS_TOKEN = "scrape-token-0123456789abcdef"
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR=OUTSIDE, **extra)

    assert response.status_code == 404
    assert b"emochat_" not in response.content


def test_an_outside_address_with_the_token_is_served(client, settings, transactional_db):
    settings.EMOCHAT_METRICS_TOKEN = "scrape-token-0123456789abcdef"

    families = scrape(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-token-0123456789abcdef")

    assert "emochat_chat_acks_sent" in families


def test_no_token_configured_means_no_bearer_gets_in(client, settings):
    settings.EMOCHAT_METRICS_TOKEN = None

    response = client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 404


def test_the_allowed_ranges_are_configurable_and_replace_the_default(client, settings, transactional_db):
    settings.EMOCHAT_METRICS_ALLOWED_CIDRS = [ipaddress.ip_network("203.0.113.0/24")]

    assert client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR=OUTSIDE).status_code == 200
    assert client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_an_ipv4_address_seen_through_ipv6_is_judged_as_ipv4(client, transactional_db):
    assert client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR="::ffff:192.168.1.20").status_code == 200
    assert client.get("/metrics", HTTP_HOST="localhost", REMOTE_ADDR=f"::ffff:{OUTSIDE}").status_code == 404


def test_the_ranges_setting_fails_fast_naming_the_variable_never_the_value(monkeypatch):
    monkeypatch.setenv("EMOCHAT_METRICS_ALLOWED_CIDRS", "10.0.0.0/8,not-an-address-s3cret")
    with pytest.raises(ImproperlyConfigured) as raised:
        env.networks("EMOCHAT_METRICS_ALLOWED_CIDRS", [])
    assert "EMOCHAT_METRICS_ALLOWED_CIDRS" in str(raised.value) and "s3cret" not in str(raised.value)

    monkeypatch.setenv("EMOCHAT_METRICS_ALLOWED_CIDRS", "none")
    assert env.networks("EMOCHAT_METRICS_ALLOWED_CIDRS", ["127.0.0.0/8"]) == []


# Read at scrape time.

def crisis(text: str) -> Case:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    return Case.objects.get(conversation=conversation)


def test_open_cases_by_level_are_counted_from_the_database(client, transactional_db, queues, django_user_model):
    before = scrape(client)
    assert value(before, "emochat_moderation_cases_open", level="ideation", status="open") == 0
    assert value(before, "emochat_collector_up", collector="moderation_cases") == 1

    ideation = crisis("I want to kill myself")
    crisis("I want to die")
    crisis("I have a plan to kill myself")
    moderator = django_user_model.objects.create_user("moderator", password="x" * 16)
    moderation.case_move(case_id=ideation.id, moderator=moderator, status="resolved", outcome="supported")

    after = scrape(client)
    counted = {(s.labels["level"], s.labels["status"]): s.value
               for s in after["emochat_moderation_cases_open"].samples if s.value}
    expected = {}
    for level, status in Case.objects.exclude(status="resolved").values_list("level", "status"):
        expected[(level, status)] = expected.get((level, status), 0) + 1
    assert counted == expected
    assert sum(counted.values()) == 2
    assert value(after, "emochat_moderation_cases_open", level="behavior", status="open") == 1


@pytest.fixture
def queues():
    """The broker's queue lists, empty before and after (a stored message queues its tasks on commit)."""
    connection = redis.Redis.from_url(celery_app.conf.broker_url)
    keys = ["inference", "inference\x06\x163", "priority", "default"]
    connection.delete(*keys)
    yield connection
    connection.delete(*keys)


def test_queue_lengths_are_read_from_the_redis_lists_celery_uses(client, transactional_db, queues):
    queues.rpush("inference", "a", "b")
    queues.rpush("inference\x06\x163", "c")  # kombu's list for priority step 3 of the same queue
    queues.rpush("priority", "d")

    families = scrape(client)

    assert value(families, "emochat_celery_queue_length", queue="inference") == 3
    assert value(families, "emochat_celery_queue_length", queue="priority") == 1
    assert value(families, "emochat_celery_queue_length", queue="default") == 0
    assert value(families, "emochat_collector_up", collector="celery_queues") == 1



def test_queue_lengths_are_read_from_rabbitmq_by_a_passive_declare():
    name = f"emochat-metrics-test-{uuid.uuid4().hex[:8]}"
    app = Celery(broker=AMQP_URL)
    app.conf.task_default_queue = name
    app.conf.task_routes = {"tests.never": {"queue": f"{name}-never-declared"}}
    app.conf.broker_connection_timeout = 2
    # RabbitMQ is one of the suite's services, like PostgreSQL and Redis (tests/test_rabbitmq.py).
    with Connection(AMQP_URL, connect_timeout=5) as connection:
        queue = KombuQueue(name, routing_key=name, auto_delete=False)
        producer = connection.Producer()
        producer.publish({"n": 1}, routing_key=name, declare=[queue], retry=True)
        producer.publish({"n": 2}, routing_key=name, declare=[queue], retry=True)
        try:
            families = {f.name: f for f in QueueCollector(app).collect()}
        finally:
            queue(connection.default_channel).delete()

    lengths = {s.labels["queue"]: s.value for s in families["emochat_celery_queue_length"].samples}
    assert lengths == {name: 2.0, f"{name}-never-declared": 0.0}
    assert families["emochat_collector_up"].samples[0].value == 1


def test_a_broker_that_does_not_answer_is_reported_not_raised():
    unreachable = Celery(broker=f"redis://127.0.0.1:{free_port()}/0")
    unreachable.conf.broker_connection_timeout = 1

    families = list(QueueCollector(unreachable).collect())

    assert [(f.name, [s.value for s in f.samples]) for f in families] == [("emochat_collector_up", [0.0])]


# Recorded as things happen.

def test_the_helpers_record_and_keep_labels_to_known_values(client, transactional_db):
    acks = sample("emochat_chat_acks_sent_total", kind="new")
    received_count = sample("emochat_chat_ack_seconds_count")
    odd = sample("emochat_chat_throttle_refusals_total", frame="other")

    received = metrics.message_received()
    metrics.ack_sent(received_at=received)
    metrics.throttle_refused("drop table;" * 10)
    metrics.alert_failed(channel="webhook", given_up=True)

    families = scrape(client)
    assert value(families, "emochat_chat_acks_sent", kind="new") == acks + 1
    assert sample("emochat_chat_ack_seconds_count") == received_count + 1
    assert value(families, "emochat_chat_throttle_refusals", frame="other") == odd + 1
    assert value(families, "emochat_alert_failures", channel="webhook", outcome="given_up") >= 1
    assert metrics.close_code(4429, by="server") == "4429" and metrics.close_code(4429, by="client") == "other"


def test_a_reply_is_timed_from_its_message_to_its_first_piece_once_then_to_its_end():
    first = sample("emochat_reply_first_chunk_seconds_count")
    late = sample("emochat_reply_first_chunk_seconds_bucket", le="10.0")
    fallbacks = sample("emochat_reply_duration_seconds_count", outcome="fallback")
    stored_at = datetime.now(timezone.utc) - timedelta(seconds=12)

    timer = metrics.ReplyTimer(stored_at=stored_at)
    for _ in range(3):
        timer.piece()
    timer.fell_back()
    timer.piece()
    timer.finished()
    metrics.ReplyTimer(stored_at=stored_at).finished()  # no piece sent: nothing recorded

    assert sample("emochat_reply_first_chunk_seconds_count") == first + 1
    assert sample("emochat_reply_first_chunk_seconds_bucket", le="10.0") == late  # it took 12 s
    assert sample("emochat_reply_duration_seconds_count", outcome="fallback") == fallbacks + 1


def test_the_emotion_batcher_reports_through_the_configured_observer(settings):
    before = sample("emochat_emotion_batch_size_count")

    import_string(settings.EMOCHAT_EMOTION_BATCH_OBSERVER)(3)

    assert sample("emochat_emotion_batch_size_count") == before + 1
    assert sample("emochat_emotion_batch_size_bucket", le="4.0") >= 1


@celery_app.task(name="tests.observability.succeed")
def succeed(message_id: str) -> str:
    return message_id


@celery_app.task(name="tests.observability.fail")
def fail(message_id: str) -> None:
    raise ValueError("it failed")


def test_celery_tasks_are_counted_by_name_and_outcome():
    ok = sample("emochat_celery_tasks_total", task="tests.observability.succeed", outcome="success")
    failed = sample("emochat_celery_tasks_total", task="tests.observability.fail", outcome="failure")
    by_type = sample("emochat_celery_task_failures_total", task="tests.observability.fail", exception="ValueError")

    succeed.apply(args=[str(uuid.uuid4())])
    fail.apply(args=[str(uuid.uuid4())], throw=False)

    assert sample("emochat_celery_tasks_total", task="tests.observability.succeed", outcome="success") == ok + 1
    assert sample("emochat_celery_tasks_total", task="tests.observability.fail", outcome="failure") == failed + 1
    assert sample("emochat_celery_task_failures_total", task="tests.observability.fail",
                  exception="ValueError") == by_type + 1
    assert sample("emochat_celery_task_duration_seconds_count", task="tests.observability.succeed",
                  outcome="success") >= 1


@pytest.mark.django_db(transaction=True)
async def test_sockets_are_counted_open_then_closed_by_code():
    opened = sample("emochat_sockets_open", socket="chat")
    closes = sample("emochat_socket_closes_total", socket="chat", code="4403", by="server")
    denied = sample("emochat_sockets_denied_total", socket="chat")
    app = application  # emochat's own: its socket routes are counted (emochat/asgi.py)

    # No session: the chat accepts the socket, then closes it as forbidden.
    communicator = WebsocketCommunicator(app, "/ws/chat/", headers=[(b"origin", b"http://localhost"),
                                                                     (b"host", b"localhost")])
    connected, _ = await communicator.connect()
    assert connected
    while (await communicator.receive_output())["type"] != "websocket.close":
        pass
    await communicator.disconnect()

    elsewhere = WebsocketCommunicator(app, "/ws/chat/", headers=[(b"origin", b"https://evil.example"),
                                                                 (b"host", b"localhost")])
    connected, _ = await elsewhere.connect()
    assert not connected
    await elsewhere.disconnect()

    assert sample("emochat_socket_closes_total", socket="chat", code="4403", by="server") == closes + 1
    assert sample("emochat_sockets_denied_total", socket="chat") == denied + 1
    assert sample("emochat_sockets_open", socket="chat") == opened


# A worker's own server.

def test_a_worker_serves_its_metrics_and_the_next_worker_takes_the_next_port():
    port = free_port()
    first = workers.metrics_serve(port=port, address="127.0.0.1", prefork=False, multiproc_dir=None)
    second = workers.metrics_serve(port=port, address="127.0.0.1", prefork=False, multiproc_dir=None)
    try:
        assert first.server_address[1] == port and second.server_address[1] == port + 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port + 1}/metrics", timeout=5) as response:
            body = response.read().decode()
        assert "emochat_celery_tasks_total" in body or "# TYPE emochat_celery_tasks_total counter" in body
    finally:
        for server in (first, second):
            server.shutdown()
            server.server_close()


def test_a_prefork_worker_without_a_multiprocess_directory_serves_nothing():
    assert workers.metrics_serve(port=free_port(), address="127.0.0.1", prefork=True, multiproc_dir=None) is None


PREFORK = textwrap.dedent("""
    import os, sys, urllib.request
    from emochat.observability import metrics, workers
    server = workers.metrics_serve(port=int(sys.argv[1]), address="127.0.0.1", prefork=True,
                                   multiproc_dir=os.environ["PROMETHEUS_MULTIPROC_DIR"])
    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            metrics.task_finished(task="tests.child", outcome="success", seconds=0.1)
            metrics.socket_opened("chat")
            workers.process_exited(os.environ["PROMETHEUS_MULTIPROC_DIR"])
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode())
    server.shutdown()
""")


def test_a_prefork_worker_serves_the_sum_of_its_processes(tmp_path):
    port = free_port()
    environment = {"PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
                   "DJANGO_SETTINGS_MODULE": "emochat.settings.test"}
    (tmp_path / "counter_999999.db").write_bytes(b"")  # left by an earlier run: emptied at start

    result = subprocess.run([sys.executable, "-c", PREFORK, str(port)], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    families = {f.name: f for f in text_string_to_metric_families(result.stdout)}
    tasks = [s for s in families["emochat_celery_tasks"].samples if s.labels.get("task") == "tests.child"]
    assert [s.value for s in tasks] == [2.0]
    # Live gauges count living processes only: both children have exited.
    sockets = families.get("emochat_sockets_open")
    assert sockets is None or all(s.value == 0 for s in sockets.samples)


# The dashboard.

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or",
                "unless", "inf", "nan", "le"}


def promql_metric_names(expr: str) -> set[str]:
    """The metric names an expression selects: not functions, keywords, label names or label values."""
    expr = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges ([5m], [$__rate_interval])
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w$.])([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?", expr):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in PROMQL_WORDS:
            continue
        names.add(word)
    return names


def exported_sample_names(families: dict) -> set[str]:
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"], "summary": ["", "_count", "_sum"]}
    return {family.name + suffix for family in families.values() for suffix in suffixes.get(family.type, [""])}


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def test_the_name_parser_finds_metric_names_and_only_them():
    assert promql_metric_names(
        'histogram_quantile(0.99, sum by (le, queue) (rate(emochat_x_bucket{le!="+Inf", a="b c"}[$__rate_interval])))'
        ' / on (instance) group_left max without (status) (emochat_y) > bool 0'
    ) == {"emochat_x_bucket", "emochat_y"}


def test_every_dashboard_query_asks_only_for_metrics_emochat_exports(client, transactional_db):
    exported = exported_sample_names(scrape(client))
    exprs = dashboard_exprs()
    used = set().union(*(promql_metric_names(expr) for expr in exprs))

    assert exprs and used
    assert used <= exported, sorted(used - exported)
    assert promql_metric_names("rate(emochat_acks_total[5m])") - exported == {"emochat_acks_total"}
    for needed in ("emochat_chat_acks_sent_total", "emochat_chat_ack_seconds_bucket", "emochat_celery_queue_length",
                   "emochat_sockets_open", "emochat_moderation_cases_open", "emochat_alert_failures_total",
                   "emochat_celery_tasks_total", "emochat_emotion_latency_seconds_bucket",
                   "emochat_risk_latency_seconds_bucket", "emochat_reply_first_chunk_seconds_bucket"):
        assert needed in used, needed


# Recorded where it happens: one message through the real socket, stored, read and answered in this process.

@pytest.fixture
def visitor(transactional_db) -> str:
    return visitor_session()


@pytest.mark.django_db(transaction=True)
async def test_a_message_is_counted_from_its_ack_to_its_reply(settings, visitor):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMOCHAT_FAKE_REPLY_DELAY_MS = 0
    before = {name: sample(name) for name in ("emochat_chat_messages_received_total", "emochat_chat_ack_seconds_count",
                                             "emochat_emotion_latency_seconds_count",
                                             "emochat_reply_first_chunk_seconds_count")}
    acks = sample("emochat_chat_acks_sent_total", kind="new")

    async with chat_socket(visitor) as socket:
        await socket.connect()
        while (await socket.receive_json_from(timeout=5))["type"] != "hello":
            pass
        await socket.send_json_to({"type": "message.send", "client_id": str(uuid.uuid4()), "text": "I feel tired"})
        while (await socket.receive_json_from(timeout=20))["type"] != "reply.end":
            pass

    assert sample("emochat_chat_acks_sent_total", kind="new") == acks + 1
    for name, value in before.items():
        assert sample(name) == value + 1, name

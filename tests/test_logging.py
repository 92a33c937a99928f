"""Logs: one JSON object per line from every logger, secrets redacted in every field, ids bound to what is logged
while handling a message (emochat/observability/logs.py and context.py)."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import structlog
from django.conf import settings

from emochat.celery import app as celery_app
from emochat.observability import context, logs
from emochat.redaction import REDACTED, RedactSecrets
from tests import processes
from tests.processes import ROOT
from tests.test_settings import production_env

LOGGER = "emochat.test_logging"


@pytest.fixture
def lines():
    """What LOGGER writes, through a handler made as settings.LOGGING makes the console one, as JSON: parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield read
    finally:
        logger.removeHandler(handler)


def test_standard_and_structlog_lines_are_json_objects_with_the_same_fields(lines):
    logging.getLogger(LOGGER).warning("alert %s failed (%s)", "a1", "ConnectTimeout")
    structlog.get_logger(LOGGER).info("reply replaced", reason="medication", attempts=2)

    first, second = lines()
    assert first["event"] == "alert a1 failed (ConnectTimeout)"
    assert (first["level"], first["logger"]) == ("warning", LOGGER)
    assert second["event"] == "reply replaced"
    assert (second["level"], second["logger"], second["reason"], second["attempts"]) == ("info", LOGGER,
                                                                                         "medication", 2)
    assert all(line["timestamp"].endswith("Z") for line in (first, second))


def test_secrets_and_words_are_redacted_in_messages_fields_and_tracebacks(lines):
    master = settings.EMOCHAT_ENCRYPTION_KEYS.split(",")[0].partition(":")[2]
    frame = {"type": "message.send", "client_id": "c1", "text": "I want to disappear, don't tell anyone"}
    std = logging.getLogger(LOGGER)
    log = structlog.get_logger(LOGGER)

    std.info("settings loaded with %s", settings.SECRET_KEY)
    std.warning("bad frame %r", frame)
    std.info("Authorization: Bearer sk-live.abc123_XYZ")
    log.info("frame", frame=frame, text="my own words", cookie="sessionid=abcdef123456",
             detail={"key": master, "nested": [f"Bearer sk-live.abc123_XYZ {settings.EMOCHAT_CHANNEL_LAYER_KEYS[0]}"]})
    try:
        raise ValueError(f"could not use {master} for {json.dumps(frame)}")
    except ValueError:
        std.exception("failed")
        log.exception("failed again", client_id="c1")

    written = lines()
    output = json.dumps(written)
    for secret in [settings.SECRET_KEY, master, settings.EMOCHAT_CHANNEL_LAYER_KEYS[0], "disappear", "my own words",
                   "abcdef123456", "sk-live.abc123_XYZ"]:
        assert secret not in output
    assert written[3]["text"] == REDACTED and written[3]["frame"]["text"] == REDACTED
    assert written[3]["frame"]["client_id"] == "c1"  # what is not secret survives
    assert "ValueError" in written[4]["exception"] and REDACTED in written[4]["exception"]
    assert "ValueError" in written[5]["exception"] and written[5]["client_id"] == "c1"


def test_bound_ids_appear_on_every_line_until_unbound(lines):
    conversation_id, message_id = uuid.uuid4(), uuid.uuid4()

    with context.ids_bound(conversation_id=conversation_id, message_id=str(message_id)):
        logging.getLogger(LOGGER).info("emotion read")
        structlog.get_logger(LOGGER).info("reply sent")
    logging.getLogger(LOGGER).info("after")

    inside_std, inside_structlog, after = lines()
    for line in (inside_std, inside_structlog):
        assert (line["conversation_id"], line["message_id"]) == (str(conversation_id), str(message_id))
    assert "conversation_id" not in after and "message_id" not in after


@pytest.mark.parametrize("value", ["I want to disappear", "", "12ab", 3.5, True, None])
def test_only_ids_can_be_bound(value):
    with pytest.raises(ValueError):
        context.id_value(value)


@celery_app.task(name="tests.observability.logged")
def logged(conversation_id: str, message_id: str) -> None:
    logging.getLogger(LOGGER).info("working")


def test_a_task_logs_with_its_ids_and_name_bound(lines):
    conversation_id, message_id = str(uuid.uuid4()), str(uuid.uuid4())

    logged.apply(args=[conversation_id], kwargs={"message_id": message_id})
    logging.getLogger(LOGGER).info("after the task")

    working, after = lines()
    assert (working["conversation_id"], working["message_id"]) == (conversation_id, message_id)
    assert working["task"] == "tests.observability.logged" and working["task_id"]
    assert not {"conversation_id", "message_id", "task", "task_id"} & set(after)


EMIT = """
import logging, django, structlog
django.setup()
from emochat.observability import context
from django.conf import settings
print(settings.EMOCHAT_LOG_FORMAT, flush=True)
with context.ids_bound(message_id="{message_id}"):
    logging.getLogger("django.request").warning("Not Found: /nowhere")
    logging.getLogger("celery.worker.strategy").info("Task received")
    logging.getLogger("emochat.custom").info("with secret %s", settings.SECRET_KEY)
    structlog.get_logger("conversations.chat").info("ack sent", seq=4)
"""


def test_with_json_configured_every_logger_writes_json_lines(tmp_path):
    message_id = str(uuid.uuid4())
    environment = {**production_env(DJANGO_SETTINGS_MODULE="emochat.settings.test"), "EMOCHAT_LOG_FORMAT": "json"}

    result = subprocess.run([sys.executable, "-c", EMIT.format(message_id=message_id)], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "json"
    written = [json.loads(line) for line in result.stderr.splitlines()]
    assert {line["logger"] for line in written} >= {"django.request", "celery.worker.strategy", "emochat.custom",
                                                   "conversations.chat"}
    assert all(line["message_id"] == message_id for line in written if line["logger"] != "axes.apps")
    assert environment["DJANGO_SECRET_KEY"] not in result.stderr


@pytest.mark.parametrize(("module", "expected"), [("emochat.settings.production", "json"),
                                                  ("emochat.settings.local", "plain")])
def test_production_logs_json_by_default_and_local_plain(module, expected):
    environment = production_env(DJANGO_SETTINGS_MODULE=module)
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.EMOCHAT_LOG_FORMAT, settings.LOGGING['formatters']['structured']['log_format'])")

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected, expected]


def test_daphne_and_http_clients_stay_quiet():
    loggers = settings.LOGGING["loggers"]
    assert loggers["daphne"]["level"] == "WARNING" and not loggers["daphne"]["propagate"]
    assert loggers["httpx"]["level"] == loggers["httpx2"]["level"] == "WARNING"
    assert settings.LOGGING_CONFIG == "emochat.observability.logs.configure"


@pytest.mark.processes
def test_a_real_worker_logs_json_with_the_task_bound_and_serves_its_task_counts(live_database_url, tmp_path):
    port = processes.free_port()
    env = processes.environment(DATABASE_URL=live_database_url, EMOCHAT_LOG_FORMAT="json",
                                EMOCHAT_WORKER_METRICS_PORT=str(port))
    with processes.celery_worker(env, tmp_path, queues="default", name="json-worker") as worker:
        sent = celery_app.send_task("conversations.tasks.alert_deliver", args=[str(uuid.uuid4())], queue="default")
        deadline, body = time.monotonic() + 30, ""
        while 'task="conversations.tasks.alert_deliver"' not in body and time.monotonic() < deadline:
            time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                body = response.read().decode()
        log = worker.log()

    assert 'emochat_celery_tasks_total{outcome="success",task="conversations.tasks.alert_deliver"} 1.0' in body
    written = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "celery.apps.worker" and line["event"].endswith("ready.") for line in written)
    traced = [line for line in written if line["logger"] == "celery.app.trace"]
    assert traced and all((line["task"], line["task_id"]) == ("conversations.tasks.alert_deliver", sent.id)
                          for line in traced)

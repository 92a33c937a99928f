"""Crisis handling as it runs in production, with every inference worker stopped: real Daphne, a real Celery
worker for the default queue alone, and a webhook receiver standing in for the staff's chat tool."""

from __future__ import annotations

import time

import pytest

from conversations.models import Alert, Case
from inference.backends.curated import load_library
from tests import processes
from tests.receivers import WebhookReceiver

pytestmark = pytest.mark.processes


def test_with_no_inference_worker_a_crisis_message_still_gets_helplines_a_case_and_an_alert(live_database_url,
                                                                                         redis_url, tmp_path):
    with WebhookReceiver() as webhook:
        env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                    EMOCHAT_ALERT_WEBHOOK_URL=webhook.url, EMOCHAT_ALERT_WEBHOOK_SECRET="s" * 32)
        with processes.celery_worker(env, tmp_path, queues="default", name="default"), \
                processes.daphne(env, tmp_path) as base:
            frames = processes.chat(base, "I don't want to be alive anymore", query="country=IE", timeout=20)
            deadline = time.monotonic() + 20
            while not webhook.accepted() and time.monotonic() < deadline:
                time.sleep(0.1)

    kinds = [f["type"] for f in frames]
    assert kinds[:3] == ["hello", "crisis.resources", "message.ack"]
    assert frames[1]["country"] == "IE" and frames[1]["resources"][0]["name"] == "Samaritans Ireland"
    assert frames[-1]["message"]["text"] in load_library().crisis["self_harm"]
    case = Case.objects.get()
    assert (case.level, case.status) == ("ideation", "open")
    assert webhook.accepted()[0]["json"]["emochat"]["case"]["id"] == str(case.id)
    assert set(Alert.objects.values_list("channel", "status")) == {("realtime", "sent"), ("webhook", "sent")}
    logs = (tmp_path / "daphne.log").read_text() + (tmp_path / "default.log").read_text()
    assert "alive" not in logs

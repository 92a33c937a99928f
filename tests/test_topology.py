"""emochat as operators run it: real Daphne and Celery processes against PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
import websockets.sync.client

from tests import processes

pytestmark = pytest.mark.processes


def test_production_topology_is_ready(live_database_url, redis_url, tmp_path):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url)

    with processes.celery_worker(env, tmp_path) as worker, processes.daphne(env, tmp_path) as base:
        response = httpx.get(f"{base}/readyz", timeout=10)
        page = httpx.get(f"{base}/", timeout=10)

    assert worker.hostname.endswith("@localhost")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["vendor"] == "postgresql"
    assert body["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["checks"]["broker"] == {"ok": True, "transport": "redis"}
    assert page.status_code == 200


def test_readyz_stays_ready_while_people_are_connected(live_database_url, redis_url, tmp_path):
    # An open chat socket waits on the channel layer's receive; the probe must not queue behind it.
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url)

    with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base:
        url = base.replace("http://", "ws://") + "/ws/chat/"
        headers = {"Cookie": f"sessionid={processes.visitor_session(base)}", "Origin": base}
        with websockets.sync.client.connect(url, additional_headers=headers, open_timeout=10) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "hello"
            statuses = [httpx.get(f"{base}/readyz", timeout=10).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 200]


def test_readyz_names_channel_layer_and_broker_when_redis_is_unreachable(live_database_url, tmp_path):
    nobody_listens = f"redis://127.0.0.1:{processes.free_port()}/0"
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=nobody_listens)

    with processes.daphne(env, tmp_path) as base:
        response = httpx.get(f"{base}/readyz", timeout=15)

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert sorted(body["failed"]) == ["broker", "channel_layer"]
    assert body["checks"]["database"]["ok"] is True
    assert "unreachable" in body["checks"]["broker"]["error"] or "no answer" in body["checks"]["broker"]["error"]


def test_serve_runs_daphne_both_worker_queues_and_beat_and_ctrl_c_stops_them_all(live_database_url, redis_url, tmp_path):
    port = processes.free_port()
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, PORT=str(port))
    serve = processes.Process("serve", [sys.executable, "manage.py", "serve"], env, tmp_path)
    try:
        processes.wait_for_http(serve, f"http://127.0.0.1:{port}/readyz")
        hostname = processes.worker_hostname_suffix()
        processes.wait_for_workers(serve, {f"inference@{hostname}", f"priority@{hostname}", f"default@{hostname}"})

        serve.signal(signal.SIGINT)
        serve.popen.wait(30)
    finally:
        serve.stop()

    log = serve.log()
    assert "received SIGINT" in log
    for name in ("web", "inference", "priority", "default", "beat"):
        assert f"stopped: {name}" in log, log[-3000:]
    assert serve.popen.returncode == 0


def test_serve_restarts_a_worker_that_dies_on_its_own_and_the_web_tier_stays_up(live_database_url, redis_url,
                                                                                 tmp_path):
    port = processes.free_port()
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, PORT=str(port))
    serve = processes.Process("serve", [sys.executable, "manage.py", "serve"], env, tmp_path)
    control = [sys.executable, "-m", "supervisor.supervisorctl", "--configuration",
               str(processes.ROOT / ".data" / f"supervisor-{port}" / "supervisord.conf")]
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_for_http(serve, f"{base}/readyz")
        inference = f"inference@{processes.worker_hostname_suffix()}"
        processes.wait_for_workers(serve, {inference})
        killed = int(subprocess.check_output([*control, "pid", "inference"], text=True))
        web = int(subprocess.check_output([*control, "pid", "web"], text=True))
        os.kill(killed, signal.SIGKILL)

        statuses, restarted = [], 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and restarted in (0, killed):
            statuses.append(httpx.get(f"{base}/healthz", timeout=5).status_code)
            restarted = int(subprocess.check_output([*control, "pid", "inference"], text=True))
            time.sleep(0.2)
        processes.wait_for_workers(serve, {inference})
        frames = processes.chat(base, "I feel a bit low today")
        web_after = int(subprocess.check_output([*control, "pid", "web"], text=True))
    finally:
        serve.stop()

    assert restarted not in (0, killed), serve.log()[-3000:]
    assert statuses and set(statuses) == {200}
    assert web_after == web  # the web tier never went down
    assert frames[-1]["type"] == "reply.end"


def test_serve_without_redis_runs_the_embedded_default(tmp_path):
    port = processes.free_port()
    env = processes.environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'emochat.sqlite3'}",
        EMOCHAT_KEYS_DATABASE_URL=f"sqlite:///{tmp_path / 'keys.sqlite3'}", REDIS_URL=None, PORT=str(port),
        DJANGO_SETTINGS_MODULE="emochat.settings.local",
    )
    for database in ("default", "keys"):
        migrate = processes.Process(f"migrate-{database}", [sys.executable, "manage.py", "migrate", "--noinput",
                                                            "--database", database], env, tmp_path)
        assert migrate.popen.wait(120) == 0, migrate.log()
    serve = processes.Process("serve", [sys.executable, "manage.py", "serve"], env, tmp_path)
    try:
        processes.wait_for_http(serve, f"http://127.0.0.1:{port}/healthz")
        response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        frames = chat_once(f"ws://127.0.0.1:{port}/ws/chat/", processes.visitor_session(f"http://127.0.0.1:{port}"))
    finally:
        serve.stop()

    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"] == {
        "database": {"ok": True, "vendor": "sqlite"},
        "channel_layer": {"ok": True, "backend": "InMemoryChannelLayer"},
        "broker": {"ok": True, "mode": "in-process"},
    }
    assert page.status_code == 200
    assert "embedded" in serve.log()
    kinds = [frame["type"] for frame in frames]
    assert kinds[:2] == ["hello", "message.ack"]
    assert "message.emotion" in kinds and "reply.start" in kinds and kinds[-1] == "reply.end"


def chat_once(url: str, session: str) -> list[dict]:
    """Send one message and collect every frame up to its reply's end."""
    frames = []
    headers = {"Cookie": f"sessionid={session}", "Origin": url.replace("ws://", "http://").split("/ws/")[0]}
    with websockets.sync.client.connect(url, additional_headers=headers, open_timeout=10) as socket:
        frames.append(json.loads(socket.recv(timeout=10)))
        socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()), "text": "I feel sad"}))
        while frames[-1]["type"] != "reply.end":
            frames.append(json.loads(socket.recv(timeout=15)))
    return frames

"""Real Daphne and Celery processes for integration tests.

Each helper is a context manager that starts the process, waits until it answers, and on exit stops it and
its children. Output goes to a log file that is printed if the process fails to come up.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import websockets.sync.client
from celery import Celery
from django.db import connections

from emochat.management.commands.serve import processes as serve_processes

ROOT = Path(__file__).resolve().parent.parent
# RabbitMQ, for the tests of emochat on it as the Celery broker.
AMQP_URL = os.environ.get("EMOCHAT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(alias: str = "default") -> str:
    db = connections[alias].settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**overrides: str | None) -> dict[str, str]:
    """The test process's environment with overrides; a value of None removes the variable."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "emochat.settings.test", "PYTHONUNBUFFERED": "1",
           "EMOCHAT_KEYS_DATABASE_URL": database_url("keys")}
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


class Process:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.hostname = ""
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        # A new session, so that stop() reaches every child (supervisord's, Celery's pool) with one signal.
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def fail(self, why: str) -> None:
        raise AssertionError(f"{self.name}: {why}\n--- {self.name} log ---\n{self.log()[-6000:]}")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)

    def stop(self, timeout: float = 15.0) -> int:
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()
        return self.popen.returncode


def visitor_session(base_url: str) -> str:
    """Open the chat page as a new visitor and accept the privacy notice, as a person does before their first
    message; returns the session cookie."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.get("/").raise_for_status()
        notice = client.get("/privacy/").json()["notice"]
        client.post("/privacy/consent", json={"version": notice["version"], "purposes": ["support"]},
                    headers={"X-CSRFToken": client.cookies["csrftoken"]}).raise_for_status()
        return client.cookies["sessionid"]


def chat(base: str, text: str, *, session: str | None = None, until: str = "reply.end", timeout: float = 60,
         query: str = "") -> list[dict]:
    """Send one message as a visitor over a real WebSocket; return every frame up to the first of type `until`."""
    session = session or visitor_session(base)
    url = base.replace("http://", "ws://") + "/ws/chat/" + (f"?{query}" if query else "")
    headers = {"Cookie": f"sessionid={session}", "Origin": base}  # the page's own origin, port included
    frames = []
    with websockets.sync.client.connect(url, additional_headers=headers) as socket:
        frames.append(json.loads(socket.recv(timeout=10)))
        socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()), "text": text}))
        deadline = time.monotonic() + timeout
        while frames[-1]["type"] != until:
            frames.append(json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic()))))
    return frames


def wait_for_http(process: Process, url: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            process.fail(f"exited with {process.popen.returncode} before answering {url}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    process.fail(f"did not answer {url} within {timeout:g}s")


def wait_for_workers(process: Process, hostnames: set[str], timeout: float = START_TIMEOUT_S, *,
                     broker_url: str | None = None) -> None:
    """Wait until every worker in `hostnames` answers a ping over the test's broker, or `broker_url`'s."""
    from emochat.celery import app

    # Broadcasts go out through an app's own producer pool: another broker needs an app of its own.
    probe = app if broker_url is None else Celery("probe", broker=broker_url)
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while time.monotonic() < deadline:
        if not process.alive():
            process.fail(f"exited with {process.popen.returncode} before its workers answered")
        for reply in probe.control.ping(timeout=1.0) or []:
            seen.update(reply)
        if hostnames <= seen:
            return
    process.fail(f"workers {sorted(hostnames - seen)} did not answer a ping within {timeout:g}s")


@contextlib.contextmanager
def daphne(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """Daphne serving emochat; yields its base URL once /healthz answers."""
    port = free_port()
    argv = [sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port), "emochat.asgi:application"]
    process = Process("daphne", argv, env, log_dir)
    try:
        wait_for_http(process, f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_dir: Path, *, queues: str = "priority,inference,default",
                  name: str = "celery", concurrency: int = 2) -> Iterator[Process]:
    """A Celery worker on threads, as `serve` runs inference, consuming `queues`; yields it once it answers a
    ping (its name in `.hostname`)."""
    hostname = f"test-{os.getpid()}-{free_port()}@localhost"
    argv = [sys.executable, "-m", "celery", "--app", "emochat", "worker", "--queues", queues,
            "--pool", "threads", "--concurrency", str(concurrency),
            "--hostname", hostname, "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    process = Process(name, argv, env, log_dir)
    process.hostname = hostname
    try:
        wait_for_workers(process, {hostname}, broker_url=env.get("CELERY_BROKER_URL"))
        yield process
    finally:
        process.stop()


def worker_hostname_suffix() -> str:
    """What Celery's `%h` expands to in `serve`'s worker names."""
    return socket.gethostname()


class RedisServer:
    """A Redis server of a test's own, which it may kill and start again on the same port (empty: no persistence)."""

    def __init__(self, port: int, log_dir: Path):
        self.port, self.log = port, (log_dir / "redis.log").open("ab")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=self.log, stderr=self.log)
        time.sleep(0.5)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)


@contextlib.contextmanager
def web_server(env: dict[str, str], log_dir: Path, *, port: int | None = None,
               name: str = "web") -> Iterator[tuple[str, Process]]:
    """The web process exactly as `serve` (and so the deployments) run it: emochat/webserver.py, which closes its
    sockets with 1012 when stopped. Yields its base URL and the process once /healthz answers; `port` reuses a
    port, as a restarted server does."""
    port = port or free_port()
    argv = serve_processes(host="127.0.0.1", port=port, inference_concurrency=1)["web"]
    process = Process(name, argv, env, log_dir)
    try:
        wait_for_http(process, f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.stop()

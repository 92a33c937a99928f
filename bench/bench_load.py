"""Load on the production topology (real Daphne, Celery workers, PostgreSQL, Redis), side by side with a bare
`websockets` echo server driven by the same client in the same run:

- closed loop: CLIENTS sockets each sending its next message as soon as the last is acknowledged, for SECONDS;
  acked messages/s against the echo's round trips/s [≥ 1/10], ack p50/p99;
- people chatting: PEOPLE sockets each writing a message every 3 s; ack p99, emotion p95 [≤ 150 ms] and first
  reply piece p95 [≤ 300 ms], counted from sending.

Sessions speak the real protocol, consent included. The per-person and per-socket message limits are raised for
the run (they would measure themselves, not the server).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import websockets.asyncio.client
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

from bench.figures import Figure
from tests import processes

CLIENTS = 20
SECONDS = 15.0
PEOPLE = 20
PEOPLE_SECONDS = 30.0
EVERY_S = 3.0
ECHO = """
import asyncio, sys
from websockets.asyncio.server import serve
async def echo(socket):
    async for frame in socket:
        await socket.send(frame)
async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1])):
        await asyncio.Future()
asyncio.run(main())
"""


async def _closed_loop(url: str, headers: list[dict | None], seconds: float, *, echo: bool) -> list[float]:
    """Each client sends, waits for its answer (the echo, or the ack), sends again; the latencies, in seconds."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client(extra: dict | None) -> None:
        async with websockets.asyncio.client.connect(url, additional_headers=extra, max_queue=None) as socket:
            if not echo:
                await socket.recv()  # hello
            while time.monotonic() < deadline:
                client_id = str(uuid.uuid4())
                started = time.perf_counter()
                await socket.send(json.dumps({"type": "message.send", "client_id": client_id, "text": "hello"}))
                while True:
                    frame = json.loads(await socket.recv())
                    if echo or (frame["type"] == "message.ack" and frame["message"]["client_id"] == client_id):
                        break
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(client(extra) for extra in headers))
    return latencies


async def _people(base: str, sessions: list[str]) -> dict[str, list[float]]:
    """Each person writes every EVERY_S seconds; seconds from sending to the ack, the emotion, the first piece."""
    found: dict[str, list[float]] = {"ack": [], "emotion": [], "reply": []}
    url = base.replace("http://", "ws://") + "/ws/chat/"

    async def person(session: str, offset: float) -> None:
        headers = {"Cookie": f"sessionid={session}", "Origin": base}
        async with websockets.asyncio.client.connect(url, additional_headers=headers) as socket:
            await socket.recv()
            await asyncio.sleep(offset)
            sent: dict[str, float] = {}
            replies: dict[str, str] = {}
            ends = time.monotonic() + PEOPLE_SECONDS
            next_at = time.monotonic()
            while time.monotonic() < ends + 10:
                if time.monotonic() >= next_at and time.monotonic() < ends:
                    client_id = str(uuid.uuid4())
                    sent[client_id] = time.perf_counter()
                    await socket.send(json.dumps({"type": "message.send", "client_id": client_id,
                                                  "text": "I've been feeling tired and a bit lonely lately"}))
                    next_at += EVERY_S
                try:
                    frame = json.loads(await asyncio.wait_for(socket.recv(), 0.2))
                except TimeoutError:
                    continue
                now = time.perf_counter()
                if frame["type"] == "message.ack":
                    message = frame["message"]
                    sent[message["id"]] = sent.get(message["client_id"], now)
                    found["ack"].append(now - sent[message["id"]])
                elif frame["type"] == "message.emotion" and frame["message_id"] in sent:
                    found["emotion"].append(now - sent[frame["message_id"]])
                elif frame["type"] == "reply.start" and frame["reply_to"] in sent:
                    replies[frame["message_id"]] = frame["reply_to"]
                elif frame["type"] == "reply.delta" and frame["message_id"] in replies:
                    found["reply"].append(now - sent[replies.pop(frame["message_id"])])

    await asyncio.gather(*(person(s, i * EVERY_S / len(sessions)) for i, s in enumerate(sessions)))
    return found


def _echo_rate() -> tuple[float, list[float]]:
    port = processes.free_port()
    server = subprocess.Popen([sys.executable, "-c", ECHO, str(port)])
    try:
        time.sleep(1.0)
        latencies = asyncio.run(_closed_loop(f"ws://127.0.0.1:{port}/", [None] * CLIENTS, SECONDS, echo=True))
    finally:
        server.terminate()
        server.wait(10)
    return len(latencies) / SECONDS, latencies


def _cpu_seconds(port: int) -> float:
    """CPU time used so far by the process serving `port` (Linux /proc)."""
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"daphne" in b" ".join(argv) and str(port).encode() in argv:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            continue
    raise LookupError(f"no Daphne serving port {port}")


def _ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def _emochat(echo_rate: float) -> list[Figure]:
    env = processes.environment(
        DATABASE_URL=processes.database_url("default"), EMOCHAT_KEYS_DATABASE_URL=processes.database_url("keys"),
        EMOCHAT_RATE_LIMIT_PER_MINUTE="1000000", EMOCHAT_SOCKET_MESSAGES_PER_MINUTE="1000000",
        EMOCHAT_REPLY_BACKEND="curated",
    )
    with tempfile.TemporaryDirectory() as logs:
        log_dir = Path(logs)
        with processes.daphne(env, log_dir) as base, \
                processes.celery_worker(env, log_dir, queues="priority,inference", name="inference", concurrency=4), \
                processes.celery_worker(env, log_dir, queues="default", name="default"):
            sessions = [processes.visitor_session(base) for _ in range(CLIENTS + PEOPLE)]
            url = base.replace("http://", "ws://") + "/ws/chat/"
            headers = [{"Cookie": f"sessionid={s}", "Origin": base} for s in sessions[:CLIENTS]]
            # People first: the closed loop leaves the workers a backlog of replies to work through.
            people = asyncio.run(_people(base, sessions[CLIENTS:]))
            port = int(base.rsplit(":", 1)[1])
            cpu = _cpu_seconds(port)
            acks = asyncio.run(_closed_loop(url, headers, SECONDS, echo=False))
            cpu = _cpu_seconds(port) - cpu
    rate = len(acks) / SECONDS
    return [
        Figure(f"closed loop, {CLIENTS} clients: acked messages/s", rate, "msg/s"),
        Figure("acked messages/s ÷ echo round trips/s", rate / echo_rate, "×", goal="≥ 0.1"),
        Figure("closed loop: ack p50", statistics.median(acks) * 1000, "ms"),
        Figure("closed loop: ack p99", _ms(acks, 99), "ms"),
        Figure("closed loop: web process CPU per ack", cpu / max(1, len(acks)) * 1000, "ms", goal="≪ 1"),
        Figure(f"{PEOPLE} people chatting: ack p99", _ms(people["ack"], 99), "ms", goal="≤ 15"),
        Figure(f"{PEOPLE} people chatting: emotion p95", _ms(people["emotion"], 95), "ms", goal="≤ 150"),
        Figure(f"{PEOPLE} people chatting: first reply piece p95", _ms(people["reply"], 95), "ms", goal="≤ 300"),
        Figure(f"{PEOPLE} people chatting: replies started", len(people["reply"]), "", goal=f"= {len(people['ack'])}"),
    ]


def run() -> list[Figure]:
    echo_rate, echo_latencies = _echo_rate()
    figures = [Figure(f"echo server, {CLIENTS} clients: round trips/s", echo_rate, "rt/s"),
               Figure("echo: round trip p50", statistics.median(echo_latencies) * 1000, "ms")]
    for alias in ("default", "keys"):
        # Named after the configured database, so runs against different databases never share one.
        db = connections[alias].settings_dict
        db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    try:
        figures += _emochat(echo_rate)
    finally:
        for alias in ("default", "keys"):
            connections[alias].close()
        teardown_databases(state, verbosity=0)
    return figures

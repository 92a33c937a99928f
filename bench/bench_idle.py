"""Idle sockets: SOCKETS consented chat sockets held open on one web process for IDLE_S seconds, on Daphne and on
uvicorn side by side in this run: the server's CPU over the idle time [≤ 5% of a core] and its memory per socket.

People are PEOPLE sessions with SOCKETS / PEOPLE tabs each (the per-person socket limit is raised for the run);
the client sends no pings, as a browser does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import websockets.asyncio.client
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

from bench.figures import Figure
from tests import processes
from tests.conversations.conftest import visitor_session

SOCKETS = 2000
PEOPLE = 200
IDLE_S = 30.0
SERVERS = {
    "daphne": ["-m", "daphne", "--bind", "127.0.0.1", "--port", "{port}", "emochat.asgi:application"],
    "uvicorn": ["-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--ws", "websockets",
                "--log-level", "warning", "emochat.asgi:application"],
}


def _proc(pid: int) -> tuple[float, int]:
    """CPU seconds used so far and resident memory in KiB of process `pid` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return cpu, rss


async def _hold(base: str, sessions: list[str], pid: int) -> tuple[float, float]:
    """Open every socket, then sit idle: the server's share of a core while idle, and KiB per socket."""
    url = base.replace("http://", "ws://") + "/ws/chat/"
    sockets = []
    async with contextlib.AsyncExitStack() as stack:
        _, rss_before = _proc(pid)

        async def open_one(session: str) -> None:
            socket = await stack.enter_async_context(websockets.asyncio.client.connect(
                url, additional_headers={"Cookie": f"sessionid={session}", "Origin": base}, ping_interval=None,
                open_timeout=60))
            await socket.recv()  # hello
            sockets.append(socket)

        tabs = SOCKETS // len(sessions)
        for start in range(0, SOCKETS, 100):
            await asyncio.gather(*(open_one(sessions[(start + i) // tabs]) for i in range(100)))
        await asyncio.sleep(3)  # connects settle
        cpu_before, _ = _proc(pid)
        started = time.monotonic()
        await asyncio.sleep(IDLE_S)
        cpu_after, rss_after = _proc(pid)
        share = (cpu_after - cpu_before) / (time.monotonic() - started) * 100
    return share, (rss_after - rss_before) / len(sockets)


def _measure(kind: str, sessions: list[str], env: dict, log_dir: Path) -> list[Figure]:
    port = processes.free_port()
    argv = [sys.executable, *(part.format(port=port) for part in SERVERS[kind])]
    server = processes.Process(kind, argv, env, log_dir)
    try:
        processes.wait_for_http(server, f"http://127.0.0.1:{port}/healthz")
        share, kib = asyncio.run(_hold(f"http://127.0.0.1:{port}", sessions, server.popen.pid))
    finally:
        server.stop()
    return [Figure(f"{kind}: {SOCKETS} idle sockets, CPU", share, "% of a core", goal="≤ 5"),
            Figure(f"{kind}: memory per idle socket", kib, "KiB")]


def run() -> list[Figure]:
    for alias in ("default", "keys"):
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{alias}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    try:
        sessions = [visitor_session() for _ in range(PEOPLE)]
        env = processes.environment(
            DATABASE_URL=processes.database_url("default"), EMOCHAT_KEYS_DATABASE_URL=processes.database_url("keys"),
            EMOCHAT_SOCKETS_PER_PERSON=str(SOCKETS // PEOPLE), DATABASE_CONN_MAX_AGE="300",
        )
        figures = []
        with tempfile.TemporaryDirectory() as logs:
            for kind in SERVERS:
                figures += _measure(kind, sessions, env, Path(logs))
    finally:
        for alias in ("default", "keys"):
            connections[alias].close()
        teardown_databases(state, verbosity=0)
    return figures

"""Crisis detection: how well it reads risk, and how fast a person at risk gets help and a moderator hears.

- how well risk is read is bench_triage.py's;
- the safety net's cost per message (p50/p99 over the dev posts and GoEmotions test comments) [well under 1 ms];
- a crisis message, end to end over real Daphne: from sending it to the page receiving helplines, and to an
  online moderator's queue page receiving the realtime alert (the case is committed before that alert is
  sent), p50/p99 [p99 ≤ 2 s]; once with no worker at all and once with an inference and a default worker
  running and reading each message, side by side in this run.
"""

from __future__ import annotations

import asyncio
import csv
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import websockets.asyncio.client
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

from bench.figures import Figure
from conversations.moderation import events as moderation_events
from inference import safety_net
from inference.training.emotion import load_split
from tests import processes

CRISIS_MESSAGES = 40
PHRASES = ("I want to die", "I don't want to live anymore", "I have a plan to kill myself", "I wish I was dead",
           "I'm going to end it tonight", "I've been cutting myself again", "我不想活了", "I feel suicidal")


def dev_split() -> tuple[list[str], np.ndarray]:
    with (Path(settings.EMOCHAT_DATA_DIR) / "crisis" / "dev.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([r["label"] == "suicide" for r in rows])


def net_cost() -> list[Figure]:
    texts = dev_split()[0] + load_split(Path(settings.EMOCHAT_DATA_DIR) / "goemotions", "test").texts[:2000]
    costs = []
    for text in texts:
        started = time.perf_counter()
        safety_net.assess(text)
        costs.append((time.perf_counter() - started) * 1e6)
    return [Figure("safety net per message: p50", statistics.median(costs), "µs", goal="≪ 1000"),
            Figure("safety net per message: p99", float(np.percentile(costs, 99)), "µs")]


async def _crisis_latencies(base: str, sessions: list[str]) -> tuple[list[float], list[float]]:
    """For each session, one crisis message: seconds to the helplines frame, and to the moderators' alert."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(moderation_events.MODERATION_GROUP, channel)
    to_help, to_alert = [], []
    try:
        for i, session in enumerate(sessions):
            url = base.replace("http://", "ws://") + "/ws/chat/?country=GB"
            headers = {"Cookie": f"sessionid={session}", "Origin": base}
            async with websockets.asyncio.client.connect(url, additional_headers=headers) as socket:
                await socket.recv()  # hello
                started = time.perf_counter()
                await socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()),
                                              "text": PHRASES[i % len(PHRASES)]}))
                alert = asyncio.ensure_future(_next_alert(layer, channel))
                while json.loads(await asyncio.wait_for(socket.recv(), 30))["type"] != "crisis.resources":
                    pass
                to_help.append(time.perf_counter() - started)
                await asyncio.wait_for(alert, 30)
                to_alert.append(time.perf_counter() - started)
    finally:
        await layer.group_discard(moderation_events.MODERATION_GROUP, channel)
    return to_help, to_alert


async def _next_alert(layer, channel: str) -> None:
    while not (await layer.receive(channel))["event"].get("alert"):
        pass


def end_to_end(with_workers: bool) -> list[Figure]:
    env = processes.environment(
        DATABASE_URL=processes.database_url("default"), EMOCHAT_KEYS_DATABASE_URL=processes.database_url("keys"),
    )
    label = "with workers" if with_workers else "no workers"
    with tempfile.TemporaryDirectory() as logs:
        log_dir = Path(logs)
        with processes.daphne(env, log_dir) as base:
            sessions = [processes.visitor_session(base) for _ in range(CRISIS_MESSAGES)]
            if with_workers:
                with processes.celery_worker(env, log_dir, queues="priority,inference", name="inference"), \
                        processes.celery_worker(env, log_dir, queues="default", name="default"):
                    to_help, to_alert = asyncio.run(_crisis_latencies(base, sessions))
            else:
                to_help, to_alert = asyncio.run(_crisis_latencies(base, sessions))
    return [
        Figure(f"crisis → helplines on the page, {label}: p50", statistics.median(to_help) * 1000, "ms"),
        Figure(f"crisis → helplines on the page, {label}: p99", float(np.percentile(to_help, 99)) * 1000, "ms",
               goal="≤ 2000"),
        Figure(f"crisis → case + realtime alert, {label}: p50", statistics.median(to_alert) * 1000, "ms"),
        Figure(f"crisis → case + realtime alert, {label}: p99", float(np.percentile(to_alert, 99)) * 1000, "ms",
               goal="≤ 2000"),
    ]


def run() -> list[Figure]:
    figures = net_cost()
    for alias in ("default", "keys"):
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{alias}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    try:
        figures += end_to_end(with_workers=False)
        figures += end_to_end(with_workers=True)
    finally:
        for alias in ("default", "keys"):
            connections[alias].close()
        teardown_databases(state, verbosity=0)
    return figures

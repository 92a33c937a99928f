"""`make chaos`: people chatting while the inference worker is killed, Redis restarts and sockets drop.

For each broker (Redis, then RabbitMQ), on real Daphne, Celery workers, beat, PostgreSQL, a Redis of its own
(so it can be restarted) and the RabbitMQ on this host:

- CLIENTS people each send MESSAGES messages, one every PACE_S seconds, as the page does: a message stays in the
  outbox until acknowledged, is sent again under the same client_id after a reconnect, and a reconnect resumes
  from the last sequence number seen;
- meanwhile the inference worker is SIGKILLed every KILL_EVERY_S seconds (and started again, as supervisord
  does), Redis is killed and restarted once, and a tenth of the sockets are dropped at random;
- then a quiet minute. Pass: every message stored exactly once, every one answered (exactly one reply, stored)
  with its emotion within WAIT_S after the chaos ends, no reply streamed to a socket twice.

Then a Redis-down period (the channel layer and the Redis broker gone for REDIS_DOWN_S): a crisis message on an
open socket still gets its helplines and its ack, and is stored.

    python -m bench.chaos [--clients 200] [--messages 20] [--brokers redis,rabbitmq]

Prints the counts and writes bench/results/chaos.json. Exit status 1 when a run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django
import websockets.asyncio.client

django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from kombu import Connection  # noqa: E402

from conversations.models import Message  # noqa: E402
from emochat.settings.celery import QUEUES  # noqa: E402
from tests import processes  # noqa: E402

PACE_S = 3.0
KILL_EVERY_S = 15.0
WAIT_S = 60.0
REDIS_DOWN_S = 30.0
DROP_SHARE = 0.1
RESULTS = Path(__file__).resolve().parent / "results"


class Person:
    """One page: an outbox, the last seq seen, and what it was streamed."""

    def __init__(self, base: str, session: str, messages: int):
        self.url = base.replace("http://", "ws://") + "/ws/chat/"
        self.headers = {"Cookie": f"sessionid={session}", "Origin": base}
        self.to_send = [str(uuid.uuid4()) for _ in range(messages)]
        self.outbox: dict[str, str] = {}
        self.last_seq = 0
        self.ends = collections.Counter()  # reply.end frames per message answered
        self.crisis_shown = False
        self.socket = None
        self.reconnects = 0

    async def run(self, pace: float, stop: asyncio.Event) -> None:
        sender = asyncio.create_task(self._send_all(pace))
        while not stop.is_set():
            try:
                async with websockets.asyncio.client.connect(self.url, additional_headers=self.headers,
                                                             open_timeout=10) as socket:
                    self.socket = socket
                    await self._on_open(socket)
                    async for raw in socket:
                        self._on_frame(json.loads(raw))
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                pass
            self.socket = None
            if not stop.is_set():
                self.reconnects += 1
                await asyncio.sleep(random.uniform(0.5, 2.0))
        sender.cancel()

    async def _on_open(self, socket) -> None:
        hello = json.loads(await socket.recv())
        if hello["type"] != "hello":
            raise websockets.exceptions.WebSocketException(hello.get("code", hello["type"]))
        await socket.send(json.dumps({"type": "resume", "after_seq": self.last_seq}))
        for client_id, text in list(self.outbox.items()):
            await socket.send(json.dumps({"type": "message.send", "client_id": client_id, "text": text}))

    async def _send_all(self, pace: float) -> None:
        await asyncio.sleep(random.uniform(0, pace))
        for n, client_id in enumerate(self.to_send):
            text = f"Message {n}: I've been feeling stretched thin at work and I'm not sleeping well"
            self.outbox[client_id] = text
            await self.send(client_id, text)
            await asyncio.sleep(pace)

    async def send(self, client_id: str, text: str) -> None:
        if self.socket is not None:
            try:
                await self.socket.send(json.dumps({"type": "message.send", "client_id": client_id, "text": text}))
            except websockets.exceptions.WebSocketException:
                pass  # sent again after the reconnect

    def _on_frame(self, frame: dict) -> None:
        message = frame.get("message") or {}
        seq = frame.get("seq") or message.get("seq")
        if isinstance(seq, int):
            self.last_seq = max(self.last_seq, seq)
        if frame["type"] == "message.ack":
            self.outbox.pop(frame["client_id"], None)
        elif frame["type"] == "reply.end":
            self.ends[message.get("reply_to")] += 1
        elif frame["type"] == "crisis.resources":
            self.crisis_shown = True

    async def drop(self) -> None:
        if self.socket is not None:
            await self.socket.close()


def _worker(env: dict, log_dir: Path, name: str, queues: str, concurrency: int):
    argv = [sys.executable, "-m", "celery", "--app", "emochat", "worker", "--queues", queues, "--pool", "threads",
            "--concurrency", str(concurrency), "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@localhost",
            "--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    return processes.Process(name, argv, env, log_dir)


async def _chaos(people: list[Person], kill_worker, restart_redis, seconds: float) -> dict:
    kills, started = 0, time.monotonic()
    dropped = random.sample(people, max(1, int(len(people) * DROP_SHARE)))
    drop_at = sorted((random.uniform(0, seconds), person) for person in dropped)
    redis_at = seconds / 2
    restarted = False
    next_kill = KILL_EVERY_S
    while (elapsed := time.monotonic() - started) < seconds:
        while drop_at and drop_at[0][0] <= elapsed:
            await drop_at.pop(0)[1].drop()
        if elapsed >= next_kill:
            await asyncio.to_thread(kill_worker)
            kills += 1
            next_kill += KILL_EVERY_S
        if not restarted and elapsed >= redis_at:
            await asyncio.to_thread(restart_redis)
            restarted = True
        await asyncio.sleep(0.2)
    return {"worker_kills": kills, "redis_restarts": int(restarted), "sockets_dropped": len(dropped)}


def _counts(people: list[Person]) -> dict:
    expected = {client_id for person in people for client_id in person.to_send}
    users = Message.objects.filter(role=Message.Role.USER, client_id__in=expected)
    stored = collections.Counter(str(c) for c in users.values_list("client_id", flat=True))
    streamed_twice = sum(1 for person in people for n in person.ends.values() if n > 1)
    counts = {
        "messages": len(expected),
        "stored_once": sum(1 for c in expected if stored[c] == 1),
        "stored_twice_or_more": sum(1 for c in expected if stored[c] > 1),
        "answered": users.filter(reply__isnull=False).count(),
        "with_emotion": users.filter(emotion__isnull=False).count(),
        "replies_streamed_twice": streamed_twice,
        "never_acked": sum(len(person.outbox) for person in people),
        "reconnects": sum(person.reconnects for person in people),
    }
    connections.close_all()  # this thread's: the run's database is dropped at the end
    return counts


async def _until_answered(people: list[Person], seconds: float) -> tuple[dict, float]:
    started = time.monotonic()
    while True:
        counts = await asyncio.to_thread(_counts, people)
        waited = time.monotonic() - started
        done = counts["answered"] == counts["with_emotion"] == counts["messages"] and not counts["never_acked"]
        if done or waited >= seconds:
            return counts, waited
        await asyncio.sleep(2)


def one_run(broker: str, clients: int, messages: int, log_dir: Path) -> dict:
    redis = processes.RedisServer(processes.free_port(), log_dir)
    redis.start()
    broker_url = redis.url if broker == "redis" else processes.AMQP_URL
    env = processes.environment(
        DATABASE_URL=processes.database_url("default"), EMOCHAT_KEYS_DATABASE_URL=processes.database_url("keys"),
        REDIS_URL=redis.url, CELERY_BROKER_URL=broker_url, EMOCHAT_REPLY_BACKEND="curated",
        EMOCHAT_CHANNEL_PREFIX=f"chaos-{broker}", DATABASE_CONN_MAX_AGE="300",
    )
    if broker == "rabbitmq":
        _purge(broker_url)
    beat = processes.Process(f"beat-{broker}", [sys.executable, "-m", "celery", "--app", "emochat", "beat",
                                                "--schedule", str(log_dir / f"beat-{broker}"), "--loglevel",
                                                "WARNING"], env, log_dir)
    default = _worker(env, log_dir, f"default-{broker}", "default", 2)
    state = {"inference": _worker(env, log_dir, f"inference-{broker}", "priority,inference", 4)}

    def kill_worker() -> None:
        state["inference"].signal(9)
        state["inference"].popen.wait(10)
        state["inference"] = _worker(env, log_dir, f"inference-{broker}", "priority,inference", 4)

    def restart_redis() -> None:
        redis.kill()
        time.sleep(1)
        redis.start()

    try:
        with processes.daphne(env, log_dir) as base:
            people = [Person(base, processes.visitor_session(base), messages) for _ in range(clients)]
            stop = asyncio.Event()

            async def main() -> dict:
                talking = [asyncio.create_task(p.run(PACE_S, stop)) for p in people]
                sending_s = messages * PACE_S + PACE_S
                chaos = await _chaos(people, kill_worker, restart_redis, sending_s)
                counts, waited = await _until_answered(people, WAIT_S)
                down = await _redis_down(people[0], redis)
                stop.set()
                for person in people:
                    await person.drop()
                await asyncio.gather(*talking, return_exceptions=True)
                return {**chaos, **counts, "seconds_to_all_answered": round(waited, 1), "redis_down": down}

            result = asyncio.run(main())
    finally:
        for process in (state["inference"], default, beat):
            process.stop()
        redis.kill()
    result["passed"] = (result["stored_once"] == result["messages"] == result["answered"] == result["with_emotion"]
                        and not result["replies_streamed_twice"] and not result["never_acked"]
                        and result["redis_down"]["helplines"] and result["redis_down"]["acked"])
    return {"broker": broker, "clients": clients, "messages_each": messages, **result}


async def _redis_down(person: Person, redis: processes.RedisServer) -> dict:
    """Redis gone for REDIS_DOWN_S: a crisis message on an open socket still gets helplines and its ack."""
    for _ in range(50):
        if person.socket is not None:
            break
        await asyncio.sleep(0.2)
    await asyncio.to_thread(redis.kill)
    try:
        await asyncio.sleep(1)
        person.crisis_shown = False
        client_id = str(uuid.uuid4())
        person.outbox[client_id] = "I want to die, I can't do this anymore"
        await person.send(client_id, person.outbox[client_id])
        await asyncio.sleep(REDIS_DOWN_S - 1)
        return {"helplines": person.crisis_shown, "acked": client_id not in person.outbox}
    finally:
        await asyncio.to_thread(redis.start)


def _purge(url: str) -> None:
    with Connection(url, connect_timeout=5) as connection:
        for name in QUEUES:
            try:
                connection.channel().queue_purge(name)
            except Exception:  # noqa: BLE001 - a queue not declared yet holds nothing
                pass


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--brokers", default="redis,rabbitmq")
    args = parser.parse_args(argv)
    for alias in ("default", "keys"):
        connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = f"chaos_{alias}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    runs = []
    try:
        with tempfile.TemporaryDirectory() as logs:
            for broker in args.brokers.split(","):
                runs.append(one_run(broker, args.clients, args.messages, Path(logs)))
                print(json.dumps(runs[-1], indent=2), flush=True)
    finally:
        for alias in ("default", "keys"):
            connections[alias].close()
        teardown_databases(state, verbosity=0)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chaos.json").write_text(json.dumps(runs, indent=2) + "\n")
    print(f"{'broker':<10} {'stored once':>12} {'answered':>9} {'emotion':>8} {'dup':>4} {'to answer':>10}  pass")
    for run in runs:
        print(f"{run['broker']:<10} {run['stored_once']:>5}/{run['messages']:<6} {run['answered']:>9} "
              f"{run['with_emotion']:>8} {run['replies_streamed_twice']:>4} {run['seconds_to_all_answered']:>9}s  "
              f"{run['passed']}")
    return 0 if all(run["passed"] for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

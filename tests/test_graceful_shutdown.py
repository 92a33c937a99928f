"""Stopping emochat's processes mid-reply, as supervisord, Docker and Kubernetes stop them (SIGTERM): what a person
sent is kept, the reply being written reaches them exactly once, and the page carries on by itself."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import websockets.sync.client
import yaml
from websockets.exceptions import ConnectionClosed

from conversations.models import Message
from emochat.management.commands import serve
from emochat.webserver import CLOSE_SERVICE_RESTART
from tests import processes
from tests.test_rabbitmq import amqp_env  # noqa: F401 - a fixture

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parent.parent
TEXT = "I can't sleep and I keep worrying about my exams"
# A reply of some five seconds, so that it is mid-way when the process is stopped. The broker hands an
# unacknowledged task back only after an hour, and the lost-reply sweep waits as long: only the stopping worker
# itself can see the reply through, by finishing it or by handing it back.
SLOW_REPLY = {"EMOCHAT_FAKE_REPLY_DELAY_MS": "300", "EMOCHAT_TASK_VISIBILITY_TIMEOUT": "3600",
              "EMOCHAT_REQUEUE_AFTER": "3600"}


@contextlib.contextmanager
def chat_socket(base: str, session: str) -> Iterator[websockets.sync.client.ClientConnection]:
    """A chat socket that keeps reading while the test waits on processes (no limit on frames held): its keepalive
    pings are answered by pongs it must read, or it closes itself (1011)."""
    url = base.replace("http://", "ws://") + "/ws/chat/"
    with websockets.sync.client.connect(url, additional_headers={"Cookie": f"sessionid={session}", "Origin": base},
                                        open_timeout=10, max_queue=None) as socket:
        yield socket


def send(socket) -> list[dict]:
    """The hello, then one message sent and everything up to its first reply.delta: the reply is being written."""
    frames = [json.loads(socket.recv(timeout=10))]
    socket.send(json.dumps({"type": "message.send", "client_id": str(uuid.uuid4()), "text": TEXT}))
    return frames + until(socket, lambda frame: frame["type"] == "reply.delta", timeout=60)


def until(socket, done: Callable[[dict], bool], *, timeout: float) -> list[dict]:
    frames: list[dict] = []
    deadline = time.monotonic() + timeout
    while not frames or not done(frames[-1]):
        frames.append(json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic()))))
    return frames


def linger(socket, seconds: float) -> list[dict]:
    """Whatever else arrives within `seconds`: a duplicate would."""
    frames: list[dict] = []
    with contextlib.suppress(TimeoutError):
        frames += until(socket, lambda frame: False, timeout=seconds)
    return frames


def until_closed(socket, *, timeout: float) -> tuple[list[dict], ConnectionClosed]:
    frames: list[dict] = []
    try:
        frames += until(socket, lambda frame: False, timeout=timeout)
    except ConnectionClosed as closed:
        return frames, closed
    raise AssertionError("the socket was not closed")


def watermark(frames: list[dict]) -> int:
    """The highest seq up to which every numbered event has arrived, as the page keeps it."""
    seen = {frame["seq"] for frame in frames if frame["type"] == "message.emotion"}
    seen |= {frame["message"]["seq"] for frame in frames if frame["type"] in ("message.ack", "reply.end")}
    mark = next(frame["last_seq"] for frame in frames if frame["type"] == "hello")
    while mark + 1 in seen:
        mark += 1
    return mark


def replies_to(frames: list[dict], message_id: str) -> list[dict]:
    return [frame for frame in frames if frame["type"] == "reply.end" and frame["message"]["reply_to"] == message_id]


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_env(request, live_database_url, redis_url) -> dict[str, str]:
    """The environment of processes on either broker; RabbitMQ's queues emptied of what an earlier run left."""
    if request.param == "rabbitmq":
        return {**request.getfixturevalue("amqp_env"), **SLOW_REPLY}
    return processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, **SLOW_REPLY)


def test_a_worker_stopped_mid_reply_sees_it_through_and_it_is_stored_once(broker_env, tmp_path):
    env = broker_env
    with processes.daphne(env, tmp_path) as base, chat_socket(base, processes.visitor_session(base)) as socket:
        with processes.celery_worker(env, tmp_path, name="stopped") as stopped:
            frames = send(socket)
            stopped.signal(signal.SIGTERM)
            stopped.popen.wait(serve.STOP_WAIT_S)  # within what supervisord gives it before killing it
        # Whatever it handed back, a worker that stays takes up.
        with processes.celery_worker(env, tmp_path, name="second"):
            frames += until(socket, lambda frame: frame["type"] == "reply.end", timeout=60)
            frames += linger(socket, 2.0)

    ack = next(frame for frame in frames if frame["type"] == "message.ack")
    [end] = replies_to(frames, ack["message"]["id"])
    starts = [frame for frame in frames if frame["type"] == "reply.start"]
    assert stopped.popen.returncode == 0, stopped.log()[-3000:]
    assert "Warm shutdown" in stopped.log()
    # Finished by the stopping worker (one start), or handed back and written again under the same id (two).
    assert 1 <= len(starts) <= 2 and {start["message_id"] for start in starts} == {end["message"]["id"]}
    assert [str(reply.id) for reply in Message.objects.filter(reply_to_id=ack["message"]["id"])] == [
        end["message"]["id"]]


def test_the_web_server_stopped_mid_reply_closes_with_1012_and_the_page_resumes_on_its_successor(
    live_database_url, redis_url, tmp_path
):
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, **SLOW_REPLY)
    port = processes.free_port()
    with processes.celery_worker(env, tmp_path):
        with processes.web_server(env, tmp_path, port=port, name="stopped") as (base, stopped):
            session = processes.visitor_session(base)
            with chat_socket(base, session) as socket:
                frames = send(socket)
                asked = time.monotonic()
                stopped.signal(signal.SIGTERM)
                more, closed = until_closed(socket, timeout=serve.APPLICATION_CLOSE_TIMEOUT_S + 5)
                frames += more
            stopped.popen.wait(serve.APPLICATION_CLOSE_TIMEOUT_S + 5)
            took = time.monotonic() - asked
        ack = next(frame for frame in frames if frame["type"] == "message.ack")
        stored = Message.objects.filter(id=ack["message"]["id"], client_id=ack["client_id"]).count()

        with processes.web_server(env, tmp_path, port=port, name="successor") as (base, _):
            with chat_socket(base, session) as socket:
                resumed = [json.loads(socket.recv(timeout=10))]
                socket.send(json.dumps({"type": "resume", "after_seq": watermark(frames)}))
                resumed += until(socket, lambda frame: bool(replies_to([frame], ack["message"]["id"])), timeout=60)
                resumed += linger(socket, 2.0)

    # The page saw a close frame, not a dropped connection (1006), and the server stopped by itself, in time.
    assert closed.rcvd is not None, f"no close frame: the connection was dropped ({closed})"
    assert closed.rcvd.code == CLOSE_SERVICE_RESTART
    assert stopped.popen.returncode == 0 and took < serve.APPLICATION_CLOSE_TIMEOUT_S, stopped.log()[-3000:]
    # Every application instance finished on its own: the consumer ran its disconnect, none was cancelled.
    assert re.search(r"1 sockets? closed with 1012, 0 applications? cancelled", stopped.log()), stopped.log()[-3000:]
    assert stored == 1
    assert not replies_to(frames, ack["message"]["id"]), "the reply had ended before the server was stopped"
    assert resumed[0]["type"] == "hello" and resumed[0]["conversation_id"] == frames[0]["conversation_id"]
    [end] = replies_to(resumed, ack["message"]["id"])
    assert [str(reply.id) for reply in Message.objects.filter(reply_to_id=ack["message"]["id"])] == [
        end["message"]["id"]]


def _web_command(command: list[str] | str) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def _close_timeout(argv: list[str]) -> int:
    assert argv[:3] == ["python", "-m", "emochat.webserver"] or argv[1:3] == ["-m", "emochat.webserver"], argv
    return int(argv[argv.index("--application-close-timeout") + 1])


def test_every_web_process_stops_gracefully_within_the_time_it_is_given(tmp_path):
    handshake_s = 2  # the close handshake: autobahn waits a second for the page's answer
    supervised = serve.supervisor_config({"web": serve.processes(host="127.0.0.1", port=8000,
                                                                 inference_concurrency=1)["web"]},
                                         directory=tmp_path)
    web = re.search(r"\[program:web\]\ncommand=(.*)\n(?s:.*?)stopwaitsecs=(\d+)", supervised)
    assert _close_timeout(shlex.split(web[1])) + handshake_s < int(web[2])

    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())["services"]["web"]
    grace = int(compose["stop_grace_period"].removesuffix("s"))
    assert _close_timeout(_web_command(compose["command"])) + handshake_s < grace

    dockerfile = (ROOT / "docker" / "Dockerfile").read_text().replace("\\\n", " ")
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, flags=re.MULTILINE)
    assert _close_timeout(json.loads(cmd)) == _close_timeout(_web_command(compose["command"]))

    [deployment] = [doc for doc in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "web.yaml").read_text())
                    if doc["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    pre_stop_s = int(pre_stop[1]) if pre_stop[0] == "sleep" else 0
    assert pre_stop_s + _close_timeout(container["command"]) + handshake_s < pod["terminationGracePeriodSeconds"]

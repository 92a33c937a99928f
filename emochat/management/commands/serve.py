"""`python manage.py serve`: run emochat in the topology its configuration calls for.

With REDIS_URL set, this is the production topology on one host: Daphne (as emochat/webserver.py runs it),
Celery workers for the `inference`, `priority` and `default` queues, and Celery beat for housekeeping, under
supervisord. Each process is restarted on its own when it dies (a crashed inference worker never takes the web
tier down); Ctrl-C stops them all, each given time to finish what it holds: the web server closes its sockets with
1012 so that pages reconnect and resume. `supervisorctl -c <the config it prints>` shows and restarts them.

Without REDIS_URL, the embedded default: one Daphne process with an in-process channel layer and tasks run
in-process, which needs no server installed.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from emochat import env

# Seconds the web server gives its applications on SIGTERM, once it has closed every socket with 1012 "service
# restart" (emochat/webserver.py): consumers run their disconnect, HTTP requests in flight finish. The deployment
# files pass the same value, and give the process longer than this to stop.
APPLICATION_CLOSE_TIMEOUT_S = 10
# Seconds a process is given to finish on SIGTERM before it is killed: the web server needs the timeout above and
# a close handshake (a second at most); a Celery worker's warm shutdown finishes the reply it is streaming (and a
# task it could not finish goes back to the queue: late acknowledgement).
STOP_WAIT_S = 30


def processes(*, host: str, port: int, inference_concurrency: int) -> dict[str, list[str]]:
    python = sys.executable
    web = [python, "-m", "emochat.webserver", "--bind", host, "--port", str(port), "--proxy-headers",
           "--application-close-timeout", str(APPLICATION_CLOSE_TIMEOUT_S), "emochat.asgi:application"]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"web": web}
    worker = [python, "-m", "celery", "--app", "emochat", "worker", "--loglevel", settings.LOG_LEVEL]
    return {
        "web": web,
        # Models load once per process, and replies stream concurrently on its threads, their emotion
        # readings batched together: one such process per GPU (or a few on CPU) is the unit of scale.
        # It takes crisis-related work first; the priority worker is there for when it is full.
        "inference": [*worker, "--queues", f"{settings.PRIORITY_QUEUE},inference", "--pool", "threads",
                      "--concurrency", str(inference_concurrency), "--hostname", "inference@%h"],
        "priority": [*worker, "--queues", settings.PRIORITY_QUEUE, "--pool", "threads", "--concurrency", "2",
                     "--hostname", "priority@%h"],
        "default": [*worker, "--queues", "default", "--concurrency", "2", "--hostname", "default@%h"],
        # Exactly one beat per deployment: it schedules housekeeping such as re-queueing lost replies.
        "beat": [python, "-m", "celery", "--app", "emochat", "beat", "--loglevel", settings.LOG_LEVEL,
                 "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")],
    }


def supervisor_config(commands: dict[str, list[str]], *, directory: Path) -> str:
    """A supervisord configuration running `commands`, logging to this terminal, controllable over a socket in
    `directory`."""
    sections = [
        "[supervisord]\nnodaemon=true\nlogfile=/dev/stdout\nlogfile_maxbytes=0\nloglevel=info\n"
        f"pidfile={directory / 'supervisord.pid'}\n",
        f"[unix_http_server]\nfile={directory / 'supervisor.sock'}\nchmod=0700\n",
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        f"[supervisorctl]\nserverurl=unix://{directory / 'supervisor.sock'}\n",
    ]
    for name, argv in commands.items():
        sections.append(
            # supervisord expands %(name)s in its values: Celery's %h must reach Celery as written.
            f"[program:{name}]\ncommand={shlex.join(argv).replace('%', '%%')}\ndirectory={settings.BASE_DIR}\n"
            # Restarted whenever it exits; a process that keeps failing within its first seconds is retried
            # with a growing delay, then given up on (supervisorctl start brings it back).
            "autorestart=true\nstartsecs=3\nstartretries=10\n"
            # TERM to the process alone (a Celery worker then stops its own pool, warm); KILL to all of it.
            f"stopsignal=TERM\nstopwaitsecs={STOP_WAIT_S}\nstopasgroup=false\nkillasgroup=true\n"
            "redirect_stderr=true\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
        )
    return "\n".join(sections)


class Command(BaseCommand):
    help = "Serve emochat: Daphne, plus Celery workers under supervisord when REDIS_URL is set."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.string("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env.integer("PORT", 8000, minimum=1))
        parser.add_argument("--inference-concurrency", type=int, default=4,
                            help="replies one inference worker streams at once (threads sharing its models)")

    def handle(self, *args, host: str, port: int, inference_concurrency: int, **options):
        settings.DATA_DIR.mkdir(exist_ok=True)
        commands = processes(host=host, port=port, inference_concurrency=inference_concurrency)
        if len(commands) == 1:
            self.stdout.write(f"emochat: embedded (in-process channel layer and tasks) on http://{host}:{port}/")
            self.stdout.flush()
            os.execv(commands["web"][0], commands["web"])
        directory = settings.DATA_DIR / f"supervisor-{port}"
        directory.mkdir(exist_ok=True)
        config = directory / "supervisord.conf"
        config.write_text(supervisor_config(commands, directory=directory))
        self.stdout.write(f"emochat: Daphne + Celery workers on http://{host}:{port}/  (Ctrl-C stops everything)\n"
                          f"emochat: supervisorctl -c {config} status")
        self.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "supervisor.supervisord", "--configuration", str(config)])

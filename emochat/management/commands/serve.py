"""`python manage.py serve`: run emochat in the topology its configuration calls for.

With REDIS_URL set, this is the production topology: Daphne, Celery workers for the `inference`,
`priority` and `default` queues, and Celery beat for housekeeping, all supervised by honcho so that Ctrl-C (or one process dying) stops
them all. Without it, the embedded default: one Daphne process with an in-process channel layer and
tasks run in-process, which needs no server installed.
"""

from __future__ import annotations

import os
import shlex
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from honcho.manager import Manager

from emochat import env


def processes(*, host: str, port: int, inference_concurrency: int) -> dict[str, list[str]]:
    python = sys.executable
    web = [python, "-m", "daphne", "--bind", host, "--port", str(port), "--proxy-headers", "emochat.asgi:application"]
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


class Command(BaseCommand):
    help = "Serve emochat: Daphne, plus Celery workers when REDIS_URL is set. Ctrl-C stops everything."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.string("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env.integer("PORT", 8000, minimum=1))
        parser.add_argument("--inference-concurrency", type=int, default=4,
                            help="replies one inference worker streams at once (threads sharing its models)")

    def handle(self, *args, host: str, port: int, inference_concurrency: int, **options):
        settings.DATA_DIR.mkdir(exist_ok=True)
        commands = processes(host=host, port=port, inference_concurrency=inference_concurrency)
        topology = "embedded (in-process channel layer and tasks)" if len(commands) == 1 else "Daphne + Celery workers"
        self.stdout.write(f"emochat: {topology} on http://{host}:{port}/  (Ctrl-C stops everything)")
        manager = Manager()
        for name, argv in commands.items():
            manager.add_process(name, shlex.join(argv), env=os.environ.copy())
        manager.loop()
        sys.exit(manager.returncode)

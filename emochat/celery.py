import logging
import os

from celery import Celery
from celery.signals import (
    celeryd_after_setup,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)
from django.conf import settings

from emochat.observability import logs, workers
from inference import handles
from inference.loader import BackendError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emochat.settings.local")

app = Celery("emochat")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each domain keeps its tasks beside its services; services queue them by name (conversations/dispatch.py).
app.autodiscover_tasks(["conversations.chat", "conversations.moderation", "conversations.privacy"])

MODEL_QUEUES = {"inference", "priority"}
_serves_models = False


@celeryd_after_setup.connect
def _note_queues(sender, instance, **kwargs) -> None:
    global _serves_models
    _serves_models = bool(MODEL_QUEUES & set(instance.app.amqp.queues.consume_from))
    if not _serves_models:
        return  # other workers never load models
    try:
        handles.models_check()
        # A worker on threads (the way to run inference: one model per process, replies in flight
        # concurrently, emotion readings batched across them) loads its models here, before it takes a task.
        # A prefork worker loads them in each child (below): CUDA cannot cross a fork.
        if not instance.pool_cls.__module__.endswith("prefork"):
            handles.models_load()
    except BackendError as exc:
        # Stop here, naming the setting, rather than start a worker that fails every message.
        logging.getLogger("emochat.celery").critical("cannot start an inference worker: %s", exc)
        raise SystemExit(1) from exc


@worker_process_init.connect
def _load_models(**kwargs) -> None:
    if _serves_models:
        handles.models_load()


@setup_logging.connect
def _logging(**kwargs) -> None:
    # Celery leaves logging to emochat's LOGGING (JSON lines in production), like every other process.
    logs.configure(settings.LOGGING)


# Every task counted and timed by name and outcome; its ids bound to what it logs (emochat/observability/workers.py).
task_prerun.connect(workers.task_started)
task_postrun.connect(workers.task_ended)
task_failure.connect(workers.task_failed)


@celeryd_after_setup.connect
def _serve_metrics(sender, instance, **kwargs) -> None:
    workers.metrics_serve(port=settings.EMOCHAT_WORKER_METRICS_PORT, address=settings.EMOCHAT_WORKER_METRICS_ADDR,
                          prefork=instance.pool_cls.__module__.endswith("prefork"),
                          multiproc_dir=settings.PROMETHEUS_MULTIPROC_DIR)


@worker_process_shutdown.connect
def _process_exited(**kwargs) -> None:
    workers.process_exited(settings.PROMETHEUS_MULTIPROC_DIR)

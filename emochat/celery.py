import logging
import os

from celery import Celery
from celery.signals import celeryd_after_setup, worker_process_init

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

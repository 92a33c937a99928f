import logging
import os

from celery import Celery
from celery.signals import celeryd_after_setup, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emochat.settings.local")

app = Celery("emochat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_serves_inference = False


@celeryd_after_setup.connect
def _note_queues(sender, instance, **kwargs) -> None:
    global _serves_inference
    _serves_inference = "inference" in instance.app.amqp.queues.consume_from
    if _serves_inference:
        from conversations.tasks import models_check
        from inference.loader import BackendError

        try:
            models_check()
        except BackendError as exc:
            # Stop here, naming the setting, rather than start a worker that fails every message.
            logging.getLogger("emochat.celery").critical("cannot start an inference worker: %s", exc)
            raise SystemExit(1) from exc


@worker_process_init.connect
def _load_models(**kwargs) -> None:
    # Each pool process of an inference worker loads and warms its models before its first task, so the first
    # person's message is not the one that waits for them. Other workers never load them.
    if _serves_inference:
        from conversations.tasks import emotion_classifier

        emotion_classifier()

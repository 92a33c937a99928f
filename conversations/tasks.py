"""Celery tasks. They only orchestrate: ids in, selector → backend → service → event.

Task arguments are ids, never text. Tasks are idempotent because they are acknowledged late: a worker that
dies mid-task has its task delivered again.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from conversations import events, privacy, selectors, services
from inference import loader
from inference.types import ReplyRequest

logger = logging.getLogger(__name__)

REQUEUE_BATCH = 200

# Without a broker (the embedded default) tasks run on these threads, so the socket is acknowledged at once.
_in_process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emochat-task")


def emotion_classifier():
    path = settings.EMOTION_BACKENDS.get(settings.EMOCHAT_EMOTION_BACKEND, settings.EMOCHAT_EMOTION_BACKEND)
    return loader.build("EMOCHAT_EMOTION_BACKEND", path, **settings.EMOTION_BACKEND_OPTIONS.get(path, {}))


def models_check() -> None:
    """Raise loader.BackendError, naming the setting, when a configured model cannot load (no weights loaded)."""
    path = settings.EMOTION_BACKENDS.get(settings.EMOCHAT_EMOTION_BACKEND, settings.EMOCHAT_EMOTION_BACKEND)
    if path == settings.EMOTION_BACKENDS["transformers"]:
        from inference.backends.transformers_emotion import check_model_dir

        check_model_dir(settings.EMOCHAT_EMOTION_MODEL)


def reply_generator():
    path = settings.REPLY_BACKENDS[settings.EMOCHAT_REPLY_BACKEND]
    options = {"delay_ms": settings.EMOCHAT_FAKE_REPLY_DELAY_MS} if settings.EMOCHAT_REPLY_BACKEND == "fake" else {}
    return loader.build("EMOCHAT_REPLY_BACKEND", path, **options)


@shared_task(autoretry_for=(Exception,), retry_backoff=2, retry_backoff_max=30, retry_jitter=True, max_retries=5)
def message_respond(message_id: str) -> None:
    job = selectors.reply_job(message_id=UUID(message_id))
    if job is None:
        return
    emotion = job.emotion
    if emotion is None:
        emotion = emotion_classifier().classify([job.text])[0]
        services.message_emotion_set(message_id=job.message_id, emotion=emotion)
    reply_id = services.reply_id_for(job.message_id)
    request = ReplyRequest(text=job.text, emotion=emotion, history=job.history, conversation_id=str(job.conversation_id))
    pieces: list[str] = []

    def stream():
        yield events.typing(role="assistant", state=True)
        yield events.reply_start(message_id=reply_id, reply_to=job.message_id)
        for piece in reply_generator().stream(request):
            pieces.append(piece)
            yield events.reply_delta(message_id=reply_id, text=piece)

    events.broadcast_all(job.conversation_id, stream())
    services.reply_create(reply_to_id=job.message_id, conversation_id=job.conversation_id, text="".join(pieces))


@shared_task
def unanswered_requeue() -> int:
    """Queue again the replies that were lost before a worker took them (the broker was down when the message
    was stored, or Redis restarted with tasks in it). A reply task is idempotent, so one queued twice is safe."""
    older_than = timezone.now() - timedelta(seconds=settings.EMOCHAT_REQUEUE_AFTER)
    message_ids = selectors.unanswered_message_ids(older_than=older_than, limit=REQUEUE_BATCH)
    for message_id in message_ids:
        message_respond_enqueue(message_id)
    if message_ids:
        logger.warning("re-queued %d unanswered messages", len(message_ids))
    return len(message_ids)


@shared_task
def retention_purge() -> dict:
    """Daily: delete what is older than EMOCHAT_RETENTION_DAYS, and retired data keys nothing uses."""
    purged = privacy.retention_purge()
    logger.info("retention: deleted %d messages, %d conversations, %d retired data keys",
                purged.messages, purged.conversations, purged.retired_keys)
    return {"messages": purged.messages, "conversations": purged.conversations, "retired_keys": purged.retired_keys}


def message_respond_enqueue(message_id: UUID) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _in_process.submit(_run_in_process, str(message_id))
    else:
        message_respond.apply_async(args=[str(message_id)])


def _run_in_process(message_id: str) -> None:
    try:
        message_respond.apply(args=[message_id], throw=False)
    finally:
        close_old_connections()

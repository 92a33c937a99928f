"""Celery tasks. They only orchestrate: ids in, selector → backend → service → event.

Task arguments are ids, never text. Tasks are idempotent because they are acknowledged late: a worker that
dies mid-task has its task delivered again.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from conversations import alerts, cases, events, privacy, selectors, services
from conversations.models import Alert
from inference import loader, safety
from inference.backends import curated
from inference.types import ReplyRequest

logger = logging.getLogger(__name__)

REQUEUE_BATCH = 200

# Without a broker (the embedded default) tasks run on these threads, so the socket is acknowledged at once.
_in_process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emochat-task")


def _backend(setting: str, name: str, backends: dict, options: dict):
    path = backends.get(name, name)
    return loader.build(setting, path, **options.get(path, {}))


def emotion_classifier():
    """The configured classifier; in a worker, behind the batcher that pools concurrent messages."""
    classifier = _backend("EMOCHAT_EMOTION_BACKEND", settings.EMOCHAT_EMOTION_BACKEND, settings.EMOTION_BACKENDS,
                          settings.EMOTION_BACKEND_OPTIONS)
    if not settings.EMOCHAT_EMOTION_BATCH_WAIT_MS:
        return classifier
    return loader.build("EMOCHAT_EMOTION_BATCH_SIZE", "inference.batching.BatchingEmotionClassifier",
                        classifier=classifier, max_size=settings.EMOCHAT_EMOTION_BATCH_SIZE,
                        max_wait_s=settings.EMOCHAT_EMOTION_BATCH_WAIT_MS / 1000)


def reply_generator():
    options = settings.REPLY_BACKEND_OPTIONS
    if settings.EMOCHAT_REPLY_BACKEND == "fake":  # read at call time, so a test can change the pace
        options = {settings.REPLY_BACKENDS["fake"]: {"delay_ms": settings.EMOCHAT_FAKE_REPLY_DELAY_MS}}
    return _backend("EMOCHAT_REPLY_BACKEND", settings.EMOCHAT_REPLY_BACKEND, settings.REPLY_BACKENDS, options)


def risk_detector():
    return _backend("EMOCHAT_RISK_BACKEND", settings.EMOCHAT_RISK_BACKEND, settings.RISK_BACKENDS,
                    settings.RISK_BACKEND_OPTIONS)


def curated_generator():
    """The reviewed library, for people at risk whatever EMOCHAT_REPLY_BACKEND says."""
    return _backend("EMOCHAT_REPLY_LIBRARY", "curated", settings.REPLY_BACKENDS, settings.REPLY_BACKEND_OPTIONS)


def models_check() -> None:
    """Raise loader.BackendError, naming the setting, when a configured model cannot load (no weights loaded)."""
    path = settings.EMOTION_BACKENDS.get(settings.EMOCHAT_EMOTION_BACKEND, settings.EMOCHAT_EMOTION_BACKEND)
    if path == settings.EMOTION_BACKENDS["transformers"]:
        from inference.backends.transformers_emotion import check_model_dir

        check_model_dir(settings.EMOCHAT_EMOTION_MODEL)
    curated.load_library(settings.EMOCHAT_REPLY_LIBRARY)  # the fallback for every backend


def models_load() -> None:
    """Load and warm every model this process serves, before the first person's message needs them."""
    emotion_classifier().classify(["warming up"])
    risk_detector().assess(["warming up"])
    reply_generator()
    curated_generator()  # for people at risk, whatever the configured generator


@shared_task(autoretry_for=(Exception,), retry_backoff=2, retry_backoff_max=30, retry_jitter=True, max_retries=5)
def message_respond(message_id: str) -> None:
    """Read a user message's emotion and risk, then stream the assistant's reply to it."""
    job = selectors.reply_job(message_id=UUID(message_id))
    if job is None:
        return
    emotion = job.emotion
    if emotion is None:
        emotion = emotion_classifier().classify([job.text])[0]
        services.message_emotion_set(message_id=job.message_id, emotion=emotion)
    _risk_read(job)
    if job.answered or job.assistant_paused:
        return
    request = ReplyRequest(text=job.text, emotion=emotion, history=job.history,
                           conversation_id=str(job.conversation_id))
    # Read again: the priority lane's task may have recorded the model's reading since the job was read.
    risk = selectors.message_risk(message_id=job.message_id)
    if risk.raised:
        # The model saw what the safety net did not: the crisis script, as the web process would have sent.
        script = curated.crisis_reply(request, risk.categories, _library())
        _reply_stream(job, request, lambda: iter(curated.pieces_of(script)))
    elif selectors.conversation_crisis_level(conversation_id=job.conversation_id):
        # Someone at risk gets replies from the reviewed library only, never generated ones.
        _reply_stream(job, request, lambda: curated_generator().stream(request))
    else:
        _reply_stream(job, request, lambda: reply_pieces(request))


@shared_task(autoretry_for=(Exception,), retry_backoff=1, retry_backoff_max=10, max_retries=5)
def message_risk_assess(message_id: str) -> None:
    """The model's reading of a message's risk, on the priority lane, so it never waits behind replies."""
    job = selectors.reply_job(message_id=UUID(message_id))
    if job is not None:
        _risk_read(job)


def _risk_read(job: selectors.ReplyJob) -> None:
    """Have the risk model read the message with the person's recent messages (once: message_respond and
    message_risk_assess both ask, whichever runs first reads), and record it."""
    if job.risk_model_read:
        return
    context = [turn.text for turn in job.history if turn.role == "user"][-4:]
    risk = risk_detector().assess([job.text], contexts=[context])[0]
    recorded = cases.risk_model_record(message_id=job.message_id, risk=risk)
    if recorded is not None and recorded.raised_to:
        logger.warning("message %s raised its conversation to %s (risk model)", job.message_id, recorded.raised_to)


def _reply_stream(job: selectors.ReplyJob, request: ReplyRequest, pieces) -> None:
    """Stream a reply to every socket of the conversation, then store it. If the pieces fail part-way (a model
    or endpoint error, or a generated sentence failing the safety check) the reply starts over, curated."""
    reply_id = services.reply_id_for(job.message_id)
    sent: list[str] = []

    def stream():
        yield events.typing(role="assistant", state=True)
        yield events.reply_start(message_id=reply_id, reply_to=job.message_id)
        try:
            for piece in pieces():
                sent.append(piece)
                yield events.reply_delta(message_id=reply_id, text=piece)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the person gets a safe reply
            logger.warning("reply %s replaced by a curated one: %s", reply_id, _why(exc))
            sent.clear()
            # A second reply.start tells the page to start the reply over (docs/protocol.md).
            yield events.reply_start(message_id=reply_id, reply_to=job.message_id)
            for piece in curated.pieces_of(curated.fallback_reply(request, _library())):
                sent.append(piece)
                yield events.reply_delta(message_id=reply_id, text=piece)

    events.broadcast_all(job.conversation_id, stream())
    services.reply_create(reply_to_id=job.message_id, conversation_id=job.conversation_id, text="".join(sent))


def reply_pieces(request: ReplyRequest):
    """The configured generator's reply; a generated one is released only sentence by sentence, each checked."""
    generator = reply_generator()
    pieces = generator.stream(request)
    return pieces if getattr(generator, "reviewed", False) else safety.checked(pieces)


def _library():
    return curated.load_library(settings.EMOCHAT_REPLY_LIBRARY)


def _why(exc: Exception) -> str:
    # The reason only: an exception from a model or an endpoint may quote the text it was given.
    return exc.reason if isinstance(exc, safety.UnsafeReply) else type(exc).__name__


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


def message_respond_enqueue(message_id: UUID, *, urgent: bool = False) -> None:
    """Queue the model's risk reading of a message on the priority lane, and its reply; an urgent reply (the
    safety net read some risk) goes on the priority lane too."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _in_process.submit(_run_in_process, str(message_id))
        return
    message_risk_assess.apply_async(args=[str(message_id)], queue=settings.PRIORITY_QUEUE)
    if urgent:
        message_respond.apply_async(args=[str(message_id)], queue=settings.PRIORITY_QUEUE)
    else:
        message_respond.apply_async(args=[str(message_id)])


@shared_task
def alert_deliver(alert_id: str) -> bool:
    return alerts.alert_deliver(UUID(alert_id))


@shared_task
def alerts_retry() -> int:
    """Every few seconds, from beat: send the alerts that are due again (or were never handed to a worker)."""
    due = alerts.alerts_due()
    for alert_id in due:
        alerts.alert_deliver(alert_id)
    return len(due)


@shared_task
def cases_escalate() -> int:
    """Every few seconds, from beat: escalate cases nobody acknowledged within their SLA; re-rank the queue."""
    escalated = cases.cases_escalate_overdue()
    if escalated:
        logger.warning("escalated %d unacknowledged cases", escalated)
    return escalated


def alerts_send(alert_ids: list[UUID]) -> None:
    """Right after a case changes: realtime alerts from this process at once (the queue pages of moderators
    online learn of the case whatever the workers are doing); email and webhook on the default queue. What
    fails here is picked up by alerts_retry."""
    channels = dict(Alert.objects.filter(pk__in=alert_ids).values_list("id", "channel"))
    for alert_id in alert_ids:
        if channels.get(alert_id) == Alert.Channel.REALTIME:
            alerts.alert_deliver(alert_id)
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            _in_process.submit(_deliver_in_process, alert_id)
        else:
            try:
                alert_deliver.delay(str(alert_id))
            except Exception as exc:  # noqa: BLE001 - broker down: the outbox row waits for alerts_retry
                logger.warning("alert %s not queued (%s); the retry sweep will send it", alert_id, type(exc).__name__)


def _deliver_in_process(alert_id: UUID) -> None:
    try:
        alerts.alert_deliver(alert_id)
    finally:
        close_old_connections()


def housekeeping_in_background(interval_s: float = 10.0) -> None:
    """Embedded mode has no Celery beat: escalate overdue cases and retry due alerts on a thread of its own."""

    def loop() -> None:
        while True:
            time.sleep(interval_s)
            try:
                cases_escalate()
                alerts_retry()
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                logger.warning("housekeeping failed (%s)", type(exc).__name__)
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="emochat-housekeeping", daemon=True).start()


def models_warm_in_background() -> None:
    """Embedded mode: load the models on a task thread while the server starts, so the first person's
    message does not wait for them."""
    _in_process.submit(_warm)


def _warm() -> None:
    try:
        models_load()
    except Exception as exc:  # noqa: BLE001 - the first message will meet (and report) the same failure
        logger.warning("models did not load at start (%s); the first message will try again", type(exc).__name__)


def _run_in_process(message_id: str) -> None:
    try:
        message_respond.apply(args=[message_id], throw=False)
    finally:
        close_old_connections()

"""The chat's Celery tasks. They only orchestrate: ids in, selector → backend → service → event.

Task arguments are ids, never text. Tasks are idempotent because they are acknowledged late: a worker that
dies mid-task has its task delivered again. Names are fixed: settings route and schedule them by name, and
services queue them by name (dispatch.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from conversations.chat import queueing, replies, selectors, services
from conversations.moderation import services as moderation
from inference import goemotions, handles, triage
from inference.types import ReplyRequest

logger = logging.getLogger(__name__)

REQUEUE_BATCH = 200


@shared_task(name="conversations.tasks.message_respond", autoretry_for=(Exception,), retry_backoff=2,
             retry_backoff_max=30, retry_jitter=True, max_retries=5)
def message_respond(message_id: str) -> None:
    """Read a user message's emotion and risk, then stream the assistant's reply to it."""
    job = selectors.reply_job(message_id=UUID(message_id))
    if job is None:
        return
    _risk_read(job)
    turn = services.screening_turn(job=job, can_reply=not (job.answered or job.assistant_paused))
    emotion = job.emotion
    if emotion is None:
        # Read after the risk (and a screening answer): a message read as distress or risk never shows a cheerful
        # chip.
        distress = selectors.message_risk(message_id=job.message_id).level != "none"
        emotion = goemotions.beside_risk(handles.emotion_classifier().classify([job.text])[0], flagged=distress)
        services.message_emotion_set(message_id=job.message_id, emotion=emotion)
    if job.answered or job.assistant_paused:
        return
    replies.reply_send(job, ReplyRequest(text=job.text, emotion=emotion, history=job.history,
                                         conversation_id=str(job.conversation_id)), turn)


@shared_task(name="conversations.tasks.message_risk_assess", autoretry_for=(Exception,), retry_backoff=1,
             retry_backoff_max=10, max_retries=5)
def message_risk_assess(message_id: str) -> None:
    """The model's reading of a message's risk, on the priority lane, so it never waits behind replies."""
    job = selectors.reply_job(message_id=UUID(message_id))
    if job is not None:
        _risk_read(job)


def _risk_read(job: selectors.ReplyJob) -> None:
    """Read the message's risk as the rules and the model read it together (inference/triage.py), the rules with
    the person's recent messages; once: message_respond and message_risk_assess both ask, whichever runs first
    reads. Record it."""
    if job.risk_model_read:
        return
    context = [turn.text for turn in job.history if turn.role == "user"][-4:]
    risk = triage.read(handles.risk_detector(), [job.text], [context])[0]
    recorded = moderation.risk_model_record(message_id=job.message_id, risk=risk)
    if recorded is not None and recorded.raised_to:
        logger.warning("message %s raised its conversation to %s (risk model)", job.message_id, recorded.raised_to)


@shared_task(name="conversations.tasks.unanswered_requeue")
def unanswered_requeue() -> int:
    """Queue again the replies that were lost before a worker took them (the broker was down when the message
    was stored, or Redis restarted with tasks in it). A reply task is idempotent, so one queued twice is safe."""
    older_than = timezone.now() - timedelta(seconds=settings.EMOCHAT_REQUEUE_AFTER)
    message_ids = selectors.unanswered_message_ids(older_than=older_than, limit=REQUEUE_BATCH)
    for message_id in message_ids:
        queueing.message_respond_enqueue(message_id)
    if message_ids:
        logger.warning("re-queued %d unanswered messages", len(message_ids))
    return len(message_ids)

"""Delivering the alert outbox (models.Alert): realtime to the queue pages of moderators online, email, and a
Slack-compatible webhook signed with HMAC-SHA256. At least once: an alert is marked sent only after its
receiver took it, retried with backoff until it is, and carries its id as an idempotency key so a receiver can
drop a repeat. Alerts say which case needs whom, how urgently and where; never a word the person wrote.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import timedelta

import httpx2 as httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conversations import dispatch
from conversations.models import Alert, Case
from emochat.observability import metrics
from conversations.moderation import events
from conversations.privacy import crypto

logger = logging.getLogger(__name__)
BACKOFF_FIRST_S = 5
BACKOFF_MAX_S = 300
# The task that delivers one alert (moderation/tasks.py), queued by name.
DELIVER_TASK = "conversations.tasks.alert_deliver"
LEVEL_WORDS = {"imminent": "Imminent risk", "behavior": "High risk", "ideation": "Risk", "indicator": "Distress"}
REASON_WORDS = {"opened": "new case", "raised": "risk rose", "escalated": "escalated: not acknowledged in time",
                "returned": "back in the queue: its moderator went quiet"}


class DeliveryFailed(Exception):
    """The receiver did not take the alert; `kind` says how, for the log and the admin (never a body)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def alert_deliver(alert_id: uuid.UUID) -> bool:
    """Send one pending alert. True when it is sent (now or before); False when it failed and waits for a
    retry or was given up. The row stays locked while sending, so two workers never send it at once."""
    with transaction.atomic():
        alert = (Alert.objects.select_for_update(skip_locked=True, of=("self",))
                 .select_related("case", "case__assignee").filter(pk=alert_id).first())
        if alert is None or alert.status == Alert.Status.SENT:
            return alert is not None
        if alert.status == Alert.Status.FAILED:
            return False
        alert.attempts += 1
        try:
            _send(alert)
        except DeliveryFailed as exc:
            _failed(alert, exc.kind)
            return False
        alert.status, alert.sent_at, alert.last_error = Alert.Status.SENT, timezone.now(), ""
        alert.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        metrics.alert_delivered(channel=alert.channel, created_at=alert.created_at)
        logger.info("alert %s sent (%s, case %s, %s)", alert.id, alert.channel, alert.case_id, alert.reason)
        return True


def alerts_send(alert_ids: list[uuid.UUID]) -> None:
    """Right after a case changes: realtime alerts from this process at once (the queue pages of moderators
    online learn of the case whatever the workers are doing); email and webhook on the default queue. What
    fails here is picked up by the alerts_retry task."""
    channels = dict(Alert.objects.filter(pk__in=alert_ids).values_list("id", "channel"))
    for alert_id in alert_ids:
        if channels.get(alert_id) == Alert.Channel.REALTIME:
            alert_deliver(alert_id)
            continue
        try:
            dispatch.enqueue(DELIVER_TASK, str(alert_id))
        except Exception as exc:  # noqa: BLE001 - broker down: the outbox row waits for alerts_retry
            logger.warning("alert %s not queued (%s); the retry sweep will send it", alert_id, type(exc).__name__)


def alerts_due(*, limit: int = 100) -> list[uuid.UUID]:
    return list(Alert.objects.filter(status=Alert.Status.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("id", flat=True)[:limit])


def _failed(alert: Alert, kind: str) -> None:
    alert.last_error = kind
    if alert.attempts >= settings.EMOCHAT_ALERT_MAX_ATTEMPTS:
        alert.status = Alert.Status.FAILED
        logger.error("alert %s (%s, case %s) given up after %d attempts: %s", alert.id, alert.channel,
                     alert.case_id, alert.attempts, kind)
    else:
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (alert.attempts - 1))
        alert.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        logger.warning("alert %s (%s, case %s) failed (%s); retry %d in %d s", alert.id, alert.channel,
                       alert.case_id, kind, alert.attempts + 1, delay)
    alert.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    metrics.alert_failed(channel=alert.channel, given_up=alert.status == Alert.Status.FAILED)


def _send(alert: Alert) -> None:
    if alert.channel == Alert.Channel.REALTIME:
        try:
            events.moderators_notify(events.case_updated(case=alert.case, alert=alert.reason))
        except Exception as exc:  # noqa: BLE001 - the channel layer is down: retried like any other failure
            raise DeliveryFailed(type(exc).__name__) from exc
    elif alert.channel == Alert.Channel.EMAIL:
        _send_email(alert)
    else:
        _send_webhook(alert)


def case_url(case: Case) -> str:
    return settings.EMOCHAT_SITE_URL + reverse("admin:conversations_case_change", args=[case.pk])


def summary(alert: Alert) -> str:
    case = alert.case
    categories = ", ".join(c.replace("_", " ") for c in case.categories) or "unspecified"
    tier = f" (on-call tier {alert.tier})" if alert.tier else ""
    return (f"{LEVEL_WORDS.get(case.level, case.level)}: {REASON_WORDS.get(alert.reason, alert.reason)}{tier}. "
            f"Case {str(case.id)[:8]}, {categories}. Acknowledge by {case.acknowledge_by:%H:%M:%S %Z}.")


def _send_email(alert: Alert) -> None:
    case = alert.case
    body = (f"{summary(alert)}\n\nOpen the case: {case_url(case)}\n\n"
            "This alert carries no words of the conversation; read them in the case, where each reading is "
            "recorded.\n")
    subject = f"[emochat] {LEVEL_WORDS.get(case.level, case.level)}: {REASON_WORDS.get(alert.reason, alert.reason)}"
    message = EmailMessage(subject=subject, body=body, to=[alert.target],
                           headers={"X-Emochat-Alert-Id": str(alert.id), "X-Emochat-Case-Id": str(case.id)})
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike: retried
        raise DeliveryFailed(type(exc).__name__) from exc


def webhook_body(alert: Alert) -> dict:
    """Slack-compatible (`text` and `blocks`), with the case's labels for other receivers beside them."""
    case = alert.case
    text = f"{summary(alert)} <{case_url(case)}|Open the case>"
    return {
        "text": text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        "emochat": {"alert_id": str(alert.id), "reason": alert.reason, "tier": alert.tier,
                    "case": events.case_payload(case), "url": case_url(case)},
    }


def _send_webhook(alert: Alert) -> None:
    body = json.dumps(webhook_body(alert), separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(alert.id),
               "X-Emochat-Timestamp": timestamp}
    if settings.EMOCHAT_ALERT_WEBHOOK_SECRET:
        headers["X-Emochat-Signature"] = crypto.webhook_signature(settings.EMOCHAT_ALERT_WEBHOOK_SECRET,
                                                                  timestamp=timestamp, body=body)
    try:
        response = httpx.post(alert.target, content=body, headers=headers, timeout=settings.EMOCHAT_ALERT_TIMEOUT)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(type(exc).__name__) from exc
    if not response.is_success:
        raise DeliveryFailed(f"HTTP {response.status_code}")

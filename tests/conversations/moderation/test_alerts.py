"""Staff alerts from the outbox: a webhook that fails is retried until it takes the alert, signed and
idempotent; email reaches each tier; a case nobody acknowledges escalates on time."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.chat import services
from conversations.identity import Owner
from conversations.models import Alert, Case, CaseEvent
from conversations.moderation import alerts
from conversations.moderation import services as moderation
from conversations.moderation import tasks
from tests.conversations.conftest import consent
from tests.receivers import SMTPReceiver, WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "a webhook secret shared with the receiver"


def crisis_case(text: str = "I want to die") -> Case:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    return Case.objects.get(conversation=conversation)


def make_due(alert: Alert) -> None:
    Alert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def webhook(settings, no_workers):
    with WebhookReceiver() as receiver:
        settings.EMOCHAT_ALERT_WEBHOOK_URL = receiver.url
        settings.EMOCHAT_ALERT_WEBHOOK_SECRET = SECRET
        yield receiver


@pytest.fixture
def smtp(settings, no_workers):
    with SMTPReceiver() as receiver:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", receiver.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMOCHAT_ALERT_EMAILS = [["mods@example.org", "lead@example.org"], ["oncall@example.org"],
                                         ["director@example.org"]]
        yield receiver


def test_a_failing_webhook_is_retried_with_backoff_until_it_takes_the_alert(webhook):
    webhook.fail_next = 2
    case = crisis_case()
    alert = Alert.objects.get(case=case, channel="webhook")

    assert alerts.alert_deliver(alert.id) is False
    alert.refresh_from_db()
    assert (alert.status, alert.attempts, alert.last_error) == ("pending", 1, "HTTP 500")
    assert alert.next_attempt_at > timezone.now() + timedelta(seconds=3), "backs off before trying again"
    assert tasks.alerts_retry() == 0, "not due yet"

    make_due(alert)
    assert tasks.alerts_retry() == 1
    make_due(alert)
    assert tasks.alerts_retry() == 1
    alert.refresh_from_db()
    assert (alert.status, alert.attempts, alert.last_error) == ("sent", 3, "")
    assert [r["status"] for r in webhook.requests] == [500, 500, 200]
    assert {r["headers"]["Idempotency-Key"] for r in webhook.requests} == {str(alert.id)}
    assert alerts.alert_deliver(alert.id) is True and len(webhook.requests) == 3, "sent once it is sent"


def test_the_webhook_is_slack_compatible_signed_and_carries_no_words(webhook):
    case = crisis_case("I'm going to kill myself tonight")
    alerts.alert_deliver(Alert.objects.get(case=case, channel="webhook").id)

    request = webhook.accepted()[0]
    headers = request["headers"]
    expected = hmac.new(SECRET.encode(), headers["X-Emochat-Timestamp"].encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    assert headers["X-Emochat-Signature"] == f"v1={expected}"
    assert request["json"]["text"].startswith("Imminent risk: new case.")
    assert request["json"]["blocks"][0]["type"] == "section"
    assert request["json"]["emochat"]["case"]["id"] == str(case.id)
    assert "tonight" not in request["body"].decode() and "kill" not in request["body"].decode()


def test_an_alert_that_never_gets_through_is_given_up_and_logged_without_its_url(webhook, settings, caplog):
    settings.EMOCHAT_ALERT_MAX_ATTEMPTS = 2
    webhook.fail_next = 5
    alert = Alert.objects.get(case=crisis_case(), channel="webhook")

    alerts.alert_deliver(alert.id)
    make_due(alert)
    tasks.alerts_retry()

    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == ("failed", 2)
    assert "given up after 2 attempts: HTTP 500" in caplog.text
    assert webhook.url not in caplog.text


def test_email_reaches_the_first_tier_with_a_link_and_no_words(smtp):
    case = crisis_case("I wish I was dead")
    for alert in Alert.objects.filter(case=case, channel="email"):
        assert alerts.alert_deliver(alert.id)

    assert sorted(address for m in smtp.messages for address in m["to"]) == ["lead@example.org", "mods@example.org"]
    mail = smtp.messages[0]["data"]
    assert "Subject: [emochat] Risk: new case" in mail
    assert f"/admin/conversations/case/{case.id}/change/" in mail
    assert "X-Emochat-Alert-Id:" in mail
    assert "dead" not in mail.lower()


def test_an_unacknowledged_case_escalates_tier_by_tier_and_says_so_in_its_timeline(smtp):
    case = crisis_case("I just took a bottle of pills")
    assert case.level == "imminent"
    assert (case.acknowledge_by - case.opened_at).total_seconds() == pytest.approx(120, abs=1)

    assert tasks.cases_escalate() == 0, "not overdue yet"
    Case.objects.filter(pk=case.pk).update(acknowledge_by=timezone.now() - timedelta(seconds=1))
    assert tasks.cases_escalate() == 1
    case.refresh_from_db()
    assert (case.status, case.escalation_tier) == ("escalated", 1)
    assert case.acknowledge_by > timezone.now() + timedelta(seconds=100)
    escalation = CaseEvent.objects.get(case=case, kind="escalated")
    assert escalation.detail == {"tier": 1, "reason": "not acknowledged within 120 s"}
    tier_one = Alert.objects.filter(case=case, reason="escalated", tier=1)
    assert {(a.channel, a.target) for a in tier_one} == {("realtime", ""), ("email", "oncall@example.org")}

    Case.objects.filter(pk=case.pk).update(acknowledge_by=timezone.now() - timedelta(seconds=1))
    tasks.cases_escalate()
    case.refresh_from_db()
    assert case.escalation_tier == 2
    assert Alert.objects.filter(case=case, tier=2, channel="email").get().target == "director@example.org"
    tasks.alerts_retry()
    assert "oncall@example.org" in {a for m in smtp.messages for a in m["to"]}


def test_an_acknowledged_case_does_not_escalate(django_user_model, no_workers):
    moderator = django_user_model.objects.create_user("mod", password="x" * 12)
    case = crisis_case()
    moderation.case_claim(case_id=case.id, moderator=moderator)
    Case.objects.filter(pk=case.pk).update(acknowledge_by=timezone.now() - timedelta(seconds=1))

    assert tasks.cases_escalate() == 0
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == ("acknowledged", moderator.pk)


def test_the_outbox_is_written_with_the_case_or_not_at_all(webhook, smtp):
    case = crisis_case()

    written = {(a.channel, a.reason) for a in Alert.objects.filter(case=case)}
    assert written == {("realtime", "opened"), ("webhook", "opened"), ("email", "opened")}
    assert json.loads(json.dumps([str(a.id) for a in Alert.objects.all()])), "ids are the idempotency keys"

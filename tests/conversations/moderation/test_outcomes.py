"""Moderators' outcomes become labels for the risk model, only from people who agreed to `improve`."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import call_command

from conversations.chat import services as chat
from conversations.identity import Owner
from conversations.models import Case
from tests.conversations.conftest import consent

pytestmark = pytest.mark.django_db


def flagged_conversation(text: str, *purposes: str, outcome: str) -> None:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner, *purposes)
    conversation = chat.conversation_open(owner=owner)
    chat.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text="hello there")
    chat.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(), text=text)
    Case.objects.filter(conversation=conversation).update(status=Case.Status.RESOLVED, outcome=outcome)


def test_export_outcomes_labels_flagged_messages_of_consenting_people_only(tmp_path):
    flagged_conversation("I want to kill myself", "improve", outcome=Case.Outcome.SUPPORTED)
    flagged_conversation("I have a plan to kill myself", "improve", outcome=Case.Outcome.NOT_AT_RISK)
    flagged_conversation("I want to die", outcome=Case.Outcome.REFERRED)  # support only: not for training
    out = tmp_path / "outcomes.jsonl"

    call_command("export_outcomes", "--out", str(out), stdout=io.StringIO())

    rows = sorted((json.loads(line) for line in out.read_text().splitlines()), key=lambda r: r["text"])
    assert rows == [
        {"text": "I have a plan to kill myself", "level": "none", "subject": "", "outcome": "not_at_risk"},
        {"text": "I want to kill myself", "level": "ideation", "subject": "self", "outcome": "supported"},
    ]
    assert out.stat().st_mode & 0o077 == 0, "the file holds people's words: readable by its owner only"

"""The moderation queue's rules and writes: priority, moves, notes through key rotation and erasure."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone as django_timezone

from conversations.chat import selectors as chat_selectors
from conversations.chat import services
from conversations.identity import Owner
from conversations.models import Case, CaseNote, Conversation, Message
from conversations.moderation import rules
from conversations.moderation import selectors as moderation_selectors
from conversations.moderation import services as moderation
from conversations.privacy import services as privacy
from tests.conversations.conftest import consent

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def rank(level, categories=(), status="open", waited_min=0, last_message_min=60):
    return rules.priority(level=level, categories=list(categories), status=status,
                          opened_at=NOW - timedelta(minutes=waited_min),
                          last_message_at=NOW - timedelta(minutes=last_message_min), now=NOW)


def test_priority_puts_level_first_then_violence_waiting_and_a_person_still_writing():
    assert rank("imminent") > rank("behavior", ["being_harmed"], waited_min=500, last_message_min=0)
    assert rank("ideation", ["being_harmed"]) > rank("ideation", ["self_harm"])
    assert rank("ideation", waited_min=30) > rank("ideation", waited_min=5)
    assert rank("ideation", last_message_min=1) > rank("ideation", last_message_min=30)
    assert rank("ideation", status="escalated") > rank("ideation", status="open") > rank("ideation", status="acknowledged")
    assert rank("ideation", ["third_party"]) < rank("ideation", ["self_harm"])


@pytest.mark.parametrize(("current", "target", "allowed"), [
    ("open", "acknowledged", True), ("escalated", "in_progress", True), ("acknowledged", "resolved", True),
    ("resolved", "open", False), ("resolved", "acknowledged", False), ("acknowledged", "acknowledged", False),
    ("in_progress", "acknowledged", False), ("in_progress", "resolved", True),
])
def test_the_moves_a_case_allows(current, target, allowed):
    assert rules.can_move(current, target) is allowed



@pytest.mark.parametrize(("status", "due_in", "acknowledged", "tier", "state"), [
    ("open", 60, False, 0, "due"),
    ("open", -1, False, 0, "overdue"),  # past its deadline, before the sweep escalates it
    ("escalated", 600, False, 6, "overdue"),  # escalated: the deadline moved on, the SLA was still missed
    ("acknowledged", -600, True, 0, "met"),
    ("in_progress", -600, True, 2, "met"),
    ("resolved", -600, False, 0, "met"),
])
def test_the_sla_state_a_queue_row_shows(status, due_in, acknowledged, tier, state):
    assert rules.sla_state(status=status, acknowledge_by=NOW + timedelta(seconds=due_in),
                           acknowledged_at=NOW if acknowledged else None, escalation_tier=tier, now=NOW) == state


@pytest.fixture
def case(transactional_db, no_workers) -> Case:
    owner = Owner(visitor_id=uuid.uuid4())
    consent(owner)
    conversation = services.conversation_open(owner=owner)
    services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                            text="I want to kill myself")
    return Case.objects.get(conversation=conversation)


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("moderator", password="x" * 16)


def test_resolving_needs_an_outcome_and_hands_the_conversation_back(case, moderator):
    moderation.conversation_join(case_id=case.id, moderator=moderator)
    with pytest.raises(moderation.CaseError, match="outcome"):
        moderation.case_move(case_id=case.id, moderator=moderator, status="resolved")

    moderation.case_move(case_id=case.id, moderator=moderator, status="resolved", outcome="referred")

    case.refresh_from_db()
    conversation = Conversation.objects.get(pk=case.conversation_id)
    assert (case.status, case.outcome) == ("resolved", "referred")
    assert not conversation.assistant_paused and conversation.risk_level == "none"
    assert [e.kind for e in moderation_selectors.case_timeline(case_id=case.id)] == [
        "opened", "acknowledged", "joined", "resolved", "handed_back"]
    with pytest.raises(moderation.CaseError):
        moderation.case_move(case_id=case.id, moderator=moderator, status="acknowledged")


def test_a_new_crisis_after_a_resolved_case_opens_a_new_one(case, moderator):
    moderation.case_move(case_id=case.id, moderator=moderator, status="resolved", outcome="supported")
    owner = Owner(visitor_id=Conversation.objects.get(pk=case.conversation_id).visitor_id)

    services.message_submit(owner=owner, conversation_id=case.conversation_id, client_id=uuid.uuid4(),
                            text="I have a plan to kill myself")

    assert list(Case.objects.filter(conversation_id=case.conversation_id).values_list("status", "level")
                .order_by("opened_at")) == [("resolved", "ideation"), ("open", "behavior")]


def test_notes_are_sealed_rotate_with_the_keys_and_die_with_an_erasure(case, moderator):
    moderation.case_note_add(case_id=case.id, moderator=moderator, text="Spoke with them; they are with a friend.")
    note = CaseNote.objects.get()
    assert b"friend" not in bytes(note.text_encrypted)
    before = note.data_key_id

    call_command("rotate_keys", "--reencrypt", stdout=StringIO())

    note.refresh_from_db()
    assert note.data_key_id != before
    notes = moderation_selectors.case_notes(case_id=case.id)
    assert [n.text for n in notes] == ["Spoke with them; they are with a friend."]

    owner = Owner(visitor_id=Conversation.objects.get(pk=case.conversation_id).visitor_id)
    privacy.subject_erase(owner=owner)

    case.refresh_from_db()
    assert case.conversation_id is None, "the case stays, accountable, without the conversation"
    assert moderation_selectors.case_notes(case_id=case.id)[0].text is None


def person_writes(case: Case, text: str) -> Message:
    conversation = Conversation.objects.get(pk=case.conversation_id)
    sent = services.message_submit(owner=Owner(visitor_id=conversation.visitor_id), conversation_id=conversation.id,
                                   client_id=uuid.uuid4(), text=text)
    return Message.objects.get(pk=sent.message["id"])


def test_what_the_person_wrote_after_the_moderator_last_spoke_is_answered_once_they_hand_back(case, moderator,
                                                                                              settings):
    moderation.conversation_join(case_id=case.id, moderator=moderator)
    waiting = person_writes(case, "are you still there?")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # from here the reply tasks run on this process's threads
    settings.EMOCHAT_FAKE_REPLY_DELAY_MS = 0

    moderation.conversation_hand_back(case_id=case.id, moderator=moderator)

    # The reply runs on a task thread; the first in a process also loads the emotion and risk models.
    for _ in range(600):
        if Message.objects.filter(reply_to=waiting).exists():
            break
        time.sleep(0.1)
    assert Message.objects.get(reply_to=waiting).role == "assistant"
    assert chat_selectors.awaiting_answer(conversation_id=case.conversation_id) is None


def test_what_a_moderator_answered_is_never_answered_again_by_the_assistant(case, moderator):
    moderation.conversation_join(case_id=case.id, moderator=moderator)
    answered = person_writes(case, "thank you for being here")
    moderation.moderator_message_send(case_id=case.id, moderator=moderator, text="I'm glad I can be here with you.")

    moderation.conversation_hand_back(case_id=case.id, moderator=moderator)

    assert chat_selectors.awaiting_answer(conversation_id=case.conversation_id) is None
    assert chat_selectors.reply_job(message_id=answered.id).answered
    later = django_timezone.now() + timedelta(hours=1)
    assert answered.id not in chat_selectors.unanswered_message_ids(older_than=later, limit=100)
    assert not Message.objects.filter(reply_to=answered).exists()


def test_an_erasure_is_recorded_in_the_case_s_timeline(case, moderator):
    moderation.case_claim(case_id=case.id, moderator=moderator)
    owner = Owner(visitor_id=Conversation.objects.get(pk=case.conversation_id).visitor_id)

    privacy.subject_erase(owner=owner)

    case.refresh_from_db()
    timeline = moderation_selectors.case_timeline(case_id=case.id)
    assert case.conversation_id is None and case.status == "acknowledged"
    assert [event.kind for event in timeline][-1] == "erased"
    assert timeline[-1].actor is None and timeline[-1].detail == {"reason": "the person erased their conversation"}

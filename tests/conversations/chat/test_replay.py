"""`manage.py replay`: whole conversations through the chat's pipeline, one line per message, nothing kept."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from conversations import dispatch
from conversations.chat import queueing, screening, selectors, services
from conversations.identity import Owner
from conversations.models import Alert, Case, Consent, Conversation, Dialogue, Message
from conversations.privacy import selectors as privacy_selectors
from conversations.privacy import services as privacy
from inference import loader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rules_only(settings):
    settings.EMOCHAT_RISK_BACKEND = "safety_net"
    settings.EMOCHAT_EMOTION_BACKEND = "keyword"
    loader.reset()
    yield
    loader.reset()


def replay(tmp_path, *lines: str) -> tuple[list[dict], str, str | None]:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n")
    stderr = io.StringIO()
    error = None
    try:
        call_command("replay", "--in", str(source), "--out", str(out), stderr=stderr, stdout=io.StringIO())
    except CommandError as exc:
        error = str(exc)
    return [json.loads(line) for line in out.read_text().splitlines()], stderr.getvalue(), error


def test_each_message_is_answered_in_turn_as_the_chat_would_and_nothing_is_kept(tmp_path, rules_only):
    rows, _, error = replay(tmp_path, json.dumps({"id": "c1", "messages": [
        "hi", "I feel hopeless about everything", "yes, sometimes"]}), json.dumps({"id": "c2", "messages": [
            "I want to kill myself tonight"]}))

    assert error is None
    assert [(r["id"], r["turn"]) for r in rows] == [("c1", 0), ("c1", 1), ("c1", 2), ("c2", 0)]
    hello, hopeless, yes, tonight = rows
    assert set(hello) == {"id", "turn", "emotion", "risk", "crisis", "case", "screening", "reply", "strategy"}
    assert (hello["risk"]["level"], hello["crisis"], hello["case"], hello["screening"]) == ("none", False, None,
                                                                                            None)
    assert hopeless["risk"]["level"] == "indicator" and not hopeless["crisis"]
    assert hopeless["screening"]["turn"] == "ask" and hopeless["reply"].endswith(
        tuple(screening.texts()["en"]["ask"]["thoughts"]))
    assert (yes["risk"]["level"], yes["crisis"], yes["case"]) == ("ideation", True, "opened")
    assert yes["screening"]["answers"] == {"thoughts": "yes"}
    assert (tonight["risk"]["level"], tonight["risk"]["subject"], tonight["case"]) == ("imminent", "self", "opened")
    assert tonight["reply"], "the crisis script answers"
    assert all(row["reply"] for row in rows)
    # The welcome asks what is going on (a question); scripted texts have no strategy.
    assert [row["strategy"] for row in rows] == ["question", "question", "", ""], "scripted texts have no strategy"
    for model in (Conversation, Message, Case, Alert, Consent, Dialogue):
        assert not model.objects.exists(), f"replay kept {model.__name__} rows"


def test_the_conversation_keeps_its_state_sealed_and_each_reply_its_strategy(rules_only, settings):
    settings.EMOCHAT_REPLY_BACKEND = "curated"
    owner = Owner(visitor_id=uuid.uuid4())
    privacy.consent_give(owner=owner, version=privacy_selectors.notice_version(), purposes=["support"])
    conversation = services.conversation_open(owner=owner)
    for text in ["hi", "my boss yelled at me in front of everyone", "ok", "bye"]:
        submitted = services.message_submit(owner=owner, conversation_id=conversation.id, client_id=uuid.uuid4(),
                                            text=text)
        dispatch.run_here(queueing.RESPOND_TASK, submitted.message["id"])

    replies = list(Message.objects.filter(role=Message.Role.ASSISTANT).order_by("seq"))
    state = selectors.dialogue_state(conversation_id=conversation.id)
    goodbye = selectors.message_text(replies[-1])
    assert len(replies) == 4 and [r.strategy for r in replies][::3] == ["question", "other"]  # welcome, goodbye
    assert "?" not in goodbye and "hello" not in goodbye.lower(), "a goodbye is closed"
    assert (state.turns, state.phase, state.people) == (4, "closing", ("your boss",))
    assert b"boss" not in bytes(Dialogue.objects.get().state_encrypted), "the state is sealed"


def test_a_bad_line_is_named_and_the_rest_still_run(tmp_path, rules_only):
    rows, stderr, error = replay(tmp_path, "{not json", json.dumps({"id": "ok", "messages": ["hello"]}),
                                 json.dumps({"id": "empty", "messages": []}),
                                 json.dumps({"id": "long", "messages": ["x" * 5000]}))

    assert [row["id"] for row in rows] == ["ok"]
    assert "line 1: not JSON" in stderr
    assert 'line 3: "messages" must be a non-empty list of strings' in stderr
    assert "line 4: \"messages\"[0] is longer than 4000 characters" in stderr
    assert error and "3 of 4 lines could not be replayed" in error

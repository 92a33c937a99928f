"""`manage.py replay`: whole conversations through the chat's pipeline, one line per message, nothing kept."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conversations.chat import screening
from conversations.models import Alert, Case, Consent, Conversation, Message
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
    for model in (Conversation, Message, Case, Alert, Consent):
        assert not model.objects.exists(), f"replay kept {model.__name__} rows"


def test_a_bad_line_is_named_and_the_rest_still_run(tmp_path, rules_only):
    rows, stderr, error = replay(tmp_path, "{not json", json.dumps({"id": "ok", "messages": ["hello"]}),
                                 json.dumps({"id": "empty", "messages": []}),
                                 json.dumps({"id": "long", "messages": ["x" * 5000]}))

    assert [row["id"] for row in rows] == ["ok"]
    assert "line 1: not JSON" in stderr
    assert 'line 3: "messages" must be a non-empty list of strings' in stderr
    assert "line 4: \"messages\"[0] is longer than 4000 characters" in stderr
    assert error and "3 of 4 lines could not be replayed" in error

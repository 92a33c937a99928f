"""Asking before escalating: the screening exchange at the socket (the reply carries the question, the answer sets
the level, the case holds the answers), the helper path, and the policy's pieces on their own."""

from __future__ import annotations

import pytest

from conversations.chat import screening
from conversations.models import Case, CaseEvent, Conversation, Message
from conversations.moderation import events as moderation_events
from inference import loader
from inference.dialogue.state import sentence_key, sentences
from tests.conversations.chat.test_consumers import connect, frames_until, send_frame
from tests.conversations.conftest import chat_socket

ASK_THOUGHTS = screening.texts()["en"]["ask"]["thoughts"]


@pytest.fixture
def rules_only(settings):
    """The rules alone read risk (a worker without the model): each reading below is the rules' own."""
    settings.EMOCHAT_RISK_BACKEND = "safety_net"
    settings.EMOCHAT_EMOTION_BACKEND = "keyword"
    settings.EMOCHAT_REPLY_BACKEND = "curated"
    settings.EMOCHAT_CURATED_REPLY_PACE_MS = 0
    loader.reset()
    yield
    loader.reset()


async def say(socket, text: str) -> tuple[list[dict], str]:
    await socket.send_json_to(send_frame(text))
    frames = await frames_until(socket, lambda f: f["type"] == "reply.end", timeout=60)
    return frames, frames[-1]["message"]["text"]


@pytest.mark.django_db(transaction=True)
async def test_distress_gets_an_ordinary_reply_that_asks_and_a_yes_opens_a_case_with_the_answers(
        session_key, in_process_tasks, rules_only):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        first, asked = await say(socket, "I feel hopeless about everything lately")
        second, after_yes = await say(socket, "yes, sometimes")
        _, after_method = await say(socket, "no")
        _, after_intent = await say(socket, "no, I don't think so")
        _, after_plan = await say(socket, "no")
        _, closing = await say(socket, "no")

    assert not any(f["type"] == "crisis.resources" for f in first), "indicator: no helplines card"
    assert any(asked.endswith(question) for question in ASK_THOUGHTS), "the ordinary reply carries the question"
    assert asked.count("?") == 1, "one question a turn"
    assert len(asked) > len(max(ASK_THOUGHTS, key=len)) + 20, "the question comes inside an ordinary reply"
    assert any(f["type"] == "crisis.resources" for f in second), "a yes shows the helplines"
    assert "Are you safe" not in after_yes and "?" in after_yes
    assert after_method.endswith(tuple(screening.texts()["en"]["ask"]["intent"]))
    assert after_intent.endswith(tuple(screening.texts()["en"]["ask"]["plan"]))
    assert after_plan.endswith(tuple(screening.texts()["en"]["ask"]["preparation"]))
    assert closing in screening.texts()["en"]["done_yes"]

    case = await Case.objects.aget()
    assert case.level == "ideation"
    assert case.screening == {"thoughts": "yes", "method": "no", "intent": "no", "plan": "no", "preparation": "no"}
    payload = moderation_events.case_payload(case)
    assert payload["screening"] == ("screened: thoughts without method, no intent, no plan, "
                                    "no recent preparation")
    assert await CaseEvent.objects.filter(case=case, kind="screened").aexists()
    conversation = await Conversation.objects.aget()
    assert conversation.screening["status"] == "done"
    assert "yes" not in str(conversation.screening["answer_ids"]), "the answers' words are never stored beside them"
    answer = await Message.objects.aget(seq=4)  # the "yes"
    assert (answer.risk["level"], answer.risk["source"]) == ("ideation", "screening")


@pytest.mark.django_db(transaction=True)
async def test_a_no_ends_the_screening_without_a_case_and_it_is_not_asked_again(session_key, in_process_tasks,
                                                                                rules_only):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        _, asked = await say(socket, "I feel hopeless")
        _, after_no = await say(socket, "no, nothing like that")
        _, later = await say(socket, "I feel hopeless again today")

    assert asked.endswith(tuple(ASK_THOUGHTS))
    assert after_no in screening.texts()["en"]["done_no"]
    assert not any(later.endswith(question) for question in ASK_THOUGHTS), "one screening per conversation"
    assert not await Case.objects.aexists()
    assert (await Conversation.objects.aget()).screening["answers"] == {"thoughts": "no"}


@pytest.mark.django_db(transaction=True)
async def test_talking_about_something_else_stops_the_screening(session_key, in_process_tasks, rules_only):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        await say(socket, "I feel hopeless")
        _, reply = await say(socket, "Actually my boss yelled at me again today and I keep replaying it at home")

    assert reply not in screening.texts()["en"]["done_no"] and "ending your life" not in reply
    conversation = await Conversation.objects.aget()
    assert conversation.screening["status"] == "stopped"
    assert not await Case.objects.aexists()


@pytest.mark.django_db(transaction=True)
async def test_someone_worried_about_another_person_gets_guidance_and_is_not_asked_if_they_are_safe(
        session_key, in_process_tasks, rules_only):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        frames, reply = await say(socket, "My friend told me she wants to die. How can I help her?")

    assert reply in screening.texts()["en"]["helper"]
    assert "Are you safe" not in reply
    assert not any(f["type"] == "crisis.resources" for f in frames)
    assert not await Case.objects.aexists(), "no case: the friend is not in danger now"


@pytest.mark.django_db(transaction=True)
async def test_a_chinese_message_is_asked_in_chinese(session_key, in_process_tasks, rules_only):
    async with chat_socket(session_key) as socket:
        await connect(socket)
        frames, asked = await say(socket, "我好绝望，什么都做不好")
        _, after_no = await say(socket, "没有")

    assert asked.endswith(tuple(screening.texts()["zh"]["ask"]["thoughts"]))
    assert not any(ch.isascii() and ch.isalpha() for ch in asked), "no English in the reply to Chinese"
    assert after_no in screening.texts()["zh"]["done_no"]
    emotion = next(f for f in frames if f["type"] == "message.emotion")
    assert emotion["group"] == "not_read"


@pytest.mark.parametrize(("text", "answer"), [
    ("yes", "yes"), ("Yeah, sometimes", "yes"), ("maybe", "yes"), ("I have", "yes"), ("kind of", "yes"),
    ("no", "no"), ("nope, not really", "no"), ("I haven't", "no"), ("no, I'd never do that", "no"),
    ("I'm not sure", "unclear"), ("no idea", "unclear"), ("I have a lot going on at work and my boss hates me",
                                                           "unclear"),
    ("有时候会", "yes"), ("嗯", "yes"), ("没有", "no"), ("不知道", "unclear"),
    # Fillers first, a "no" that goes on to say yes, agreement words only as the whole answer.
    ("Honestly? Yes.", "yes"), ("um, no", "no"), ("well... sometimes", "yes"), ("not always", "yes"),
    ("no, but sometimes I wish I wasn't here", "yes"), ("not really, but I have thought about it", "yes"),
    ("no but I'm really tired", "no"), ("no, but I have a lot going on", "no"), ("not anymore", "no"),
    ("right", "yes"), ("right now I'm at work, can we talk later", "unclear"), ("I think so", "yes"),
    ("没错", "yes"), ("没有，但是有时候会想", "yes"), ("不过有时候会", "yes"), ("不会", "no"),
    # "I don't" is a no only as the answer itself.
    ("I don't", "no"), ("I don't think so", "no"), ("I'm not suicidal, just tired", "no"), ("I haven't, no", "no"),
    ("I don't really know anymore, nothing makes me happy these days", "unclear"),
    ("I don't know what to think", "unclear"), ("I'm not sleeping and work is awful", "unclear"),
    # A yes to the reply's other words, not to the question.
    ("yes that would help i suppose", "unclear"), ("yeah, I'll try that tonight", "unclear"),
    ("yes thank you", "unclear"),
    ("Yeah, tell me about it, it can be a headache", "unclear"), ("yes ok", "unclear"),
    ("yes, it's been on my mind a lot", "yes"), ("yeah that's right", "yes"),
])
def test_answers_are_read_as_yes_no_or_unclear(text, answer):
    assert screening.answer_of(text) == answer


@pytest.mark.parametrize(("answers", "summary"), [
    ({}, ""),
    ({"thoughts": "no"}, "screened: no thoughts of suicide"),
    ({"thoughts": "unclear"}, "screened: no clear answer about thoughts of suicide"),
    ({"thoughts": "yes", "method": "yes", "intent": "no", "plan": "no"},
     "screened: thoughts with method, no intent, no plan (stopped before preparation)"),
    ({"thoughts": "yes", "method": "yes", "intent": "yes", "plan": "yes", "preparation": "yes"},
     "screened: thoughts with method, intent, plan, recent preparation or attempt"),
])
def test_the_moderator_reads_a_summary_of_the_answers(answers, summary):
    assert screening.summary(answers) == summary


def test_a_screening_is_due_on_clear_distress_about_the_writer_only_and_again_only_long_after():
    done = screening.State(status=screening.DONE, ended_seq=10)

    assert screening.due(None, level="indicator", subject="self", score=0.5, seq=3)
    assert not screening.due(None, level="indicator", subject="self", score=0.1, seq=3), "a faint signal"
    assert not screening.due(None, level="indicator", subject="other", score=0.5, seq=3)
    assert not screening.due(None, level="indicator", subject="self", score=0.5, seq=3, cues=("brief", "faint")), \
        "the model alone, in a message naming no danger"
    assert screening.due(None, level="indicator", subject="self", score=0.5, seq=3, cues=("brief", "unspoken"))
    assert not screening.due(None, level="ideation", subject="self", score=0.9, seq=3)
    assert not screening.due(done, level="indicator", subject="self", score=0.5, seq=12)
    assert screening.due(done, level="indicator", subject="self", score=0.5,
                         seq=10 + screening.AGAIN_AFTER_MESSAGES)


def test_every_text_exists_in_both_languages_and_each_question_is_one_question():
    for language in ("en", "zh"):
        words = screening.texts()[language]
        for key in ("yes", "no", "done_no", "done_unclear", "done_yes", "helper"):
            assert len(words[key]) >= 2, (language, key)
        for step in screening.STEPS:
            for question in words["ask"][step]:
                assert question.rstrip().endswith(("?", "？")), (language, step)
                assert question.count("?") + question.count("？") == 1, (language, step)


def test_an_unclear_answer_is_not_taken_for_a_no_and_a_question_of_ones_own_ends_the_asking():
    asking = screening.State(step="thoughts", language="en")

    unsure_state, unsure = screening.answered(asking, text="I don't know", seq=5, message_id="m2")
    moved_state, moved = screening.answered(asking, text="what should I do?", seq=5, message_id="m3")

    assert unsure_state.status == screening.DONE and unsure.text in screening.texts()["en"]["done_unclear"]
    assert moved_state.status == screening.STOPPED and moved.kind == "stopped", "the ordinary reply answers it"
    _, zh = screening.answered(screening.State(language="zh"), text="我该怎么办？", seq=5, message_id="m4")
    assert zh.kind == "stopped"


def test_the_screening_does_not_say_again_what_the_conversation_has_heard():
    _, first = screening.start(seq=3, message_id="m1", language="en")
    heard = frozenset(sentence_key(s) for s in sentences(first.text))
    _, again = screening.start(seq=40, message_id="m1", language="en", said=heard)

    assert again.text != first.text and again.text in screening.texts()["en"]["ask"]["thoughts"]
    asking = screening.State(step="method", answers={"thoughts": "yes"})
    _, ack = screening.answered(asking, text="no", seq=5, message_id="m2")
    _, other = screening.answered(asking, text="no", seq=5, message_id="m2",
                                  said=frozenset(sentence_key(s) for s in sentences(ack.text)))
    assert not set(sentences(ack.text)) & set(sentences(other.text))

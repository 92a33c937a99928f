"""Every reply backend against one contract, then what each does on its own: the curated library's choices,
the local model's streaming, the OpenAI-compatible endpoint's retries and failures."""

from __future__ import annotations

import re
import threading
import time

import pytest

from inference.backends.curated import CuratedReplyGenerator, fallback_reply, load_library
from inference.backends.fake import TemplateReplyGenerator
from inference.backends.openai_reply import OpenAIReplyGenerator, ReplyInterrupted
from inference.backends.transformers_reply import TransformersReplyGenerator
from inference.goemotions import emotion_from_labels
from inference.loader import BackendError
from inference.prompts import chat_messages
from inference.dialogue import manager
from inference.dialogue.state import DialogueState
from inference.types import LabelScore, ReplyRequest, Turn
from tests.openai_fake import FakeOpenAI
from tests.tiny_models import tiny_chat_model

SAD = emotion_from_labels((LabelScore("sadness", 0.8),))
ODD = ["", "   ", "\x00\x01\x02", "😀" * 50, "我今天很难过，没有人理解我", "word " * 3000]


@pytest.fixture(scope="module")
def curated():
    return CuratedReplyGenerator()


@pytest.fixture(scope="module")
def tiny_chat_dir(tmp_path_factory):
    return tiny_chat_model(tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="module")
def fake_openai():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(params=["curated", "transformers", "openai", "fake"])
def generator(request, curated, tiny_chat_dir, fake_openai):
    fake_openai.replies.clear()
    fake_openai.fail_next, fake_openai.hang_s, fake_openai.break_after = 0, 0.0, None
    return {
        "curated": lambda: curated,
        "transformers": lambda: TransformersReplyGenerator(model_dir=str(tiny_chat_dir), device="cpu",
                                                           max_new_tokens=24),
        "openai": lambda: OpenAIReplyGenerator(base_url=fake_openai.base_url, model="any", timeout_s=5),
        "fake": lambda: TemplateReplyGenerator(),
    }[request.param]()


class TestEveryReplyBackend:
    def test_streams_several_non_empty_pieces(self, generator):
        pieces = list(generator.stream(ReplyRequest(text="I feel so alone lately", emotion=SAD,
                                                    conversation_id="c1")))

        assert len(pieces) > 1
        assert all(isinstance(piece, str) and piece for piece in pieces)
        assert "".join(pieces).strip()

    def test_uses_the_conversation_so_far(self, generator):
        history = (Turn("user", "hi"), Turn("assistant", "Hello, I'm here."), Turn("user", "work is a lot"))
        reply = "".join(generator.stream(ReplyRequest(text="and I can't sleep", emotion=SAD, history=history,
                                                      conversation_id="c2")))

        assert reply.strip()

    @pytest.mark.parametrize("text", ODD, ids=["empty", "blank", "binary", "emoji", "chinese", "huge"])
    def test_odd_text_still_gets_a_reply(self, generator, text):
        reply = "".join(generator.stream(ReplyRequest(text=text, emotion=None, conversation_id="c3")))

        assert reply.strip()


class TestCuratedReplies:
    def test_a_reply_reflects_the_persons_own_feeling_word_and_asks_an_open_question(self, curated):
        reply = curated.compose(ReplyRequest(text="I'm so overwhelmed lately", emotion=SAD, conversation_id="c"))

        assert "overwhelmed" in reply
        assert reply.rstrip().endswith("?")

    def test_a_negated_feeling_word_is_not_reflected(self, curated):
        reply = curated.compose(ReplyRequest(text="I'm not lonely, I just miss my dog", emotion=SAD,
                                             conversation_id="c"))

        assert "lonely" not in reply

    @pytest.mark.parametrize(("text", "situation"), [
        ("nobody ever texts me back and my weekends are empty", "loneliness"),
        ("my manager keeps piling on deadlines and I'm working every night", "work_stress"),
        ("my grandmother passed away last week", "grief"),
        ("I lie awake until 4am every night", "sleep"),
        ("finals are next week and I haven't studied enough", "exams"),
        ("she broke up with me yesterday", "breakup"),
        ("I got the job!!", "good_news"),
        ("my cat died this morning", "pet_loss"),
        ("I got laid off today after six years there", "job_loss"),
    ])
    def test_the_reply_speaks_to_the_situation_the_message_is_about(self, curated, text, situation):
        own = next(s for s in load_library().situations if s.name == situation)
        entries = (*own.bodies, *own.questions, *own.restatements, *own.suggestions, *own.information)

        reply = curated.compose(ReplyRequest(text=text, emotion=None, conversation_id="c"))

        assert any(entry in reply for entry in entries if "{" not in entry), reply

    def test_no_sentence_is_repeated_within_a_conversation(self, curated):
        history: list[Turn] = []
        said = []
        for _ in range(4):
            request = ReplyRequest(text="I feel so alone, nobody talks to me", emotion=SAD,
                                   history=tuple(history), conversation_id="same")
            reply = curated.compose(request)
            said += [sentence.strip() for sentence in re.findall(r"[^.?!]+[.?!]", reply)]
            history += [Turn("user", request.text), Turn("assistant", reply)]

        assert len(said) == len(set(said)), said

    def test_a_brief_follow_up_stays_with_the_situation_before_it(self, curated):
        # Alone, "I keep replaying it at night" reads as a regret of the person's own; after the boss who yelled,
        # it is still about work.
        regret = next(s for s in load_library().situations if s.name == "guilt_regret")
        first = "my boss yelled at me in front of everyone on Monday and I can't stop thinking about it"
        request = ReplyRequest(text="I keep replaying it at night", emotion=None, conversation_id="follow",
                               history=(Turn("user", first), Turn("assistant", "That sounds hard.")))

        reply = curated.compose(request)
        unsure = curated.compose(ReplyRequest(text="I don't know", emotion=None, conversation_id="follow", history=(
            *request.history, Turn("user", request.text), Turn("assistant", reply))))

        for said in (reply, unsure):
            assert not any(entry.split("{")[0] in said for entry in (*regret.bodies, *regret.questions,
                                                                    *regret.suggestions)), said

    def test_a_message_naming_its_own_subject_is_read_on_its_own(self, curated):
        # Brief, and in Chinese (no spaces), but about the mother: not the work named before it.
        work = next(s for s in load_library(language="zh").situations if s.name == "work_stress")
        request = ReplyRequest(text="我妈妈总是打电话催我结婚，我很烦", emotion=None, conversation_id="mother",
                               history=(Turn("user", "我最近压力特别大，工作一直加班"), Turn("assistant", "辛苦了。")))

        reply = curated.compose(request)
        unsure = curated.compose(ReplyRequest(text="不知道", emotion=None, conversation_id="mother", history=(
            *request.history, Turn("user", request.text), Turn("assistant", reply))))

        for said in (reply, unsure):
            assert not any(entry in said for entry in (*work.bodies, *work.questions, *work.suggestions)), said

    def test_the_same_message_gets_the_same_reply_when_retried(self, curated):
        request = ReplyRequest(text="exams are killing me", emotion=SAD, conversation_id="retry")

        assert curated.compose(request) == curated.compose(request)

    @pytest.mark.parametrize("reading", [LabelScore("approval", 0.8), LabelScore("joy", 0.2)])
    def test_a_stance_or_a_faint_reading_is_not_answered_as_a_feeling(self, curated, reading):
        # "Absolutely." reads as approval, which is joy's group: the hard news after it is no reason for joy.
        library = load_library()
        joyful = (*library.openings["joy"], *library.general["joy"].bodies, *library.general["joy"].questions)
        for turn in range(6):
            reply = curated.compose(ReplyRequest(text="Absolutely. This has put me in a tight spot, honestly",
                                                 emotion=emotion_from_labels((reading,)), conversation_id=f"s{turn}"))

            assert not any(entry.split("{")[0] in reply for entry in joyful), reply

    def test_not_knowing_what_to_do_is_not_answered_as_surprise(self, curated):
        """GoEmotions reads "I don't know what to do anymore" as confusion, in surprise's group: no reply about
        something unexpected."""
        library = load_library()
        surprised = (*library.openings["surprise"], *library.general["surprise"].bodies,
                     *library.general["surprise"].questions, *library.general["surprise"].information)
        for turn in range(6):
            reply = curated.compose(ReplyRequest(text="I don't know what to do anymore, everything is a mess",
                                                 emotion=emotion_from_labels((LabelScore("confusion", 0.78),)),
                                                 conversation_id=f"lost{turn}"))

            assert not any(entry.split("{")[0] in reply for entry in surprised), reply

    def test_a_feeling_is_not_guessed_from_a_situation_that_comes_with_several_hard_ones(self, curated):
        """Chinese is not read by the emotion model: a quarrel with one's wife may be anger or sadness, so neither
        is named."""
        zh = load_library(language="zh")
        history = (Turn("user", "我上个月被裁员了"), Turn("assistant", "…"), Turn("user", "我老婆说我没用，我们又吵架了"),
                   Turn("assistant", "…"))
        for turn in range(6):
            reply = curated.compose(ReplyRequest(text="我不知道该怎么办了", emotion=None, history=history,
                                                 conversation_id=f"quarrel{turn}"))
            assert "生气" not in reply and zh.labels["anger"] not in reply, reply

    @pytest.mark.parametrize(("text", "group", "situation"), [
        ("I'm scared", "fear", None), ("I feel sad", "sadness", None), ("I'm so stressed", "fear", None),
        ("I'm so lonely", "sadness", "loneliness"), ("I'm anxious", "fear", "anxiety_panic"),
    ])
    def test_a_bare_feeling_names_a_situation_only_on_a_close_match(self, curated, text, group, situation):
        found = curated.situations.of(text, group, load_library(), first=False)

        assert (found.name if found else None) == situation

    def test_a_follow_up_that_names_nothing_new_stays_with_the_conversations_situation(self, curated):
        """"I just froze and said nothing", two messages after the boss who yelled: the reply is about work, not a
        blank (neither it nor it with the message before it names a situation)."""
        work = next(s for s in load_library().situations if s.name == "work_stress")
        history = (Turn("user", "my boss yelled at me in front of everyone again"), Turn("assistant", "…"),
                   Turn("user", "it has been like this for months now"), Turn("assistant", "…"))
        state = DialogueState(turns=2, substantive=2, people=("your boss",), topics=("work",),
                              strategies=("question", "restatement"))
        request = ReplyRequest(text="I just froze and said nothing", emotion=None, history=history,
                               conversation_id="froze", dialogue=state)

        reply = curated.compose(request)

        entries = (*work.bodies, *work.questions, *work.restatements)
        assert any(entry.split("{")[0] in reply for entry in entries), reply

    def test_someone_worried_about_a_friend_is_answered_as_a_helper(self, curated):
        helping = next(s for s in load_library().situations if s.name == "worried_about_someone")
        history = (Turn("user", "my best friend has been really down for weeks and I'm worried about her"),
                   Turn("assistant", "…"))
        state = DialogueState(turns=2, substantive=2, people=("your best friend",), strategies=("question", "question"))
        request = ReplyRequest(text="how do I even bring it up with her?", emotion=None, history=history,
                               conversation_id="helper", dialogue=state)

        reply = curated.compose(request)

        assert any(entry in reply for entry in helping.suggestions), reply

    def test_a_request_for_ideas_that_names_its_own_situation_is_about_it(self, curated):
        """"should I talk to HR?" after a word about sleep: ideas about work, not about sleep or nothing at all."""
        work = next(s for s in load_library().situations if s.name == "work_stress")
        history = (Turn("user", "my manager criticises everything I do"), Turn("assistant", "…"),
                   Turn("user", "I barely sleep anymore"), Turn("assistant", "…"))
        state = DialogueState(turns=6, substantive=6, people=("your manager",), strategies=("question", "suggestion"))
        request = ReplyRequest(text="should I talk to HR?", emotion=None, history=history, conversation_id="hr",
                               dialogue=state)

        reply = curated.compose(request)

        assert any(entry in reply for entry in work.suggestions), reply

    def test_a_feeling_the_person_did_not_name_is_never_said_to_be_theirs(self, curated):
        """"he was 14. I had him since I was a kid" reads as sadness; "Saying you feel sad isn't easy" would put
        words in the person's mouth."""
        library = load_library()
        assert library.named_openings and library.named_openings < set(library.openings["sadness"]) | set(
            library.openings["neutral"]) | set().union(*library.openings.values())
        named = {text.split("{")[0] for text in library.named_openings}
        for turn in range(12):
            reply = curated.compose(ReplyRequest(text="he was 14. I had him since I was a kid", emotion=SAD,
                                                 conversation_id=f"unnamed{turn}"))
            assert not any(reply.startswith(start) for start in named), reply
        said = [curated.compose(ReplyRequest(text="I feel so sad and empty", emotion=SAD, conversation_id=f"n{turn}"))
                for turn in range(30)]
        assert any(reply.startswith(start) for reply in said for start in named), "named: any opening may say so"

    def test_relief_is_followed_by_a_gentle_question_not_one_on_the_topic(self, curated):
        library = load_library()
        gentle = next(s for s in library.situations if s.name == "gratitude").questions
        history = (Turn("user", "I've been really anxious about my exams, they start next week"), Turn("assistant", "…"))
        state = DialogueState(turns=5, substantive=4, topics=("your exams",), strategies=("question", "suggestion"))

        reply = curated.compose(ReplyRequest(text="I feel a bit better now", emotion=None, history=history,
                                             conversation_id="relief", dialogue=state))

        assert any(reply.startswith(entry) for entry in library.turns["relief"]), reply
        assert any(question in reply for question in gentle), reply

    def test_a_mother_in_hospital_is_a_worry_about_health_not_a_family_quarrel(self, curated):
        found = curated.situations.of("我妈妈也住院了，我每天下班还要去医院", "neutral", load_library(language="zh"),
                                     first=False)

        assert found is not None and found.name == "health_worry"

    def test_a_planned_fact_is_a_fact_when_no_situation_matched(self, curated):
        state = DialogueState(turns=5, substantive=5, strategies=("affirmation", "suggestion", "suggestion"))
        low = emotion_from_labels((LabelScore("sadness", 0.45),))  # felt, not strong enough to stay with
        prepared = manager.prepare("nothing much has changed since then", emotion=low, state=state,
                                   library_of=lambda language: load_library(language=language))
        assert prepared.plan.strategy == "information"
        assert curated.situations.of("nothing much has changed since then", "sadness", load_library(), first=False) is None

        reply = curated.compose(ReplyRequest(text="nothing much has changed since then", emotion=low,
                                             conversation_id="i", dialogue=state, prepared=prepared))

        assert any(fact in reply for fact in load_library().general["sadness"].information), reply

    def test_a_greeting_is_welcomed_without_a_reflected_feeling(self, curated):
        reply = curated.compose(ReplyRequest(text="hi, is anyone there?", emotion=None, conversation_id="g"))

        assert reply in load_library().turns["greeting"]

    @pytest.mark.parametrize(("messages", "language"), [
        (["my boss yelled at me in front of everyone", "it's been going on for months", "what should I do?",
          "how are you?"], "en"),
        (["我的老板总是当着大家的面骂我", "每天都很难受", "我该怎么办？", "你呢？"], "zh"),
    ], ids=["english", "chinese"])
    def test_asked_for_ideas_it_offers_one_and_asked_about_itself_it_answers_honestly(self, curated, messages,
                                                                                       language):
        library = load_library(language=language)
        state, history, replies = DialogueState(), [], []
        for text in messages:
            request = ReplyRequest(text=text, emotion=SAD, history=tuple(history), conversation_id="asked",
                                   dialogue=state)
            state_before, prepared = curated.prepared(request)
            reply = curated.compose(ReplyRequest(text=text, emotion=SAD, history=tuple(history),
                                                 conversation_id="asked", dialogue=state, prepared=prepared))
            state = manager.after(state_before, prepared, reply)
            history += [Turn("user", text), Turn("assistant", reply)]
            replies.append(reply)

        suggestions = {*(x for s in library.situations for x in s.suggestions),
                       *(x for g in library.general.values() for x in g.suggestions)}
        assert any(entry in replies[2] for entry in suggestions), replies[2]
        assert any(entry in replies[3] for entry in library.turns["about_me"]), replies[3]
        assert replies[3].rstrip().endswith(("?", "？")), "then it turns back to the person"

    @pytest.mark.parametrize(("messages", "language"), [
        (["I lost my job last week and I can't stop thinking about it",
          "I've sent forty applications and heard nothing back", "my family always depended on me",
          "what should I do?"],
         "en"),
        (["我上个月被裁员了", "投了很多简历都没有回音，找不到工作", "家里人都靠我，爸妈也总吵架", "我该怎么办？"], "zh"),
    ], ids=["english", "chinese"])
    def test_ideas_asked_for_are_about_the_conversation_not_only_its_last_message(self, curated, messages, language):
        """Two messages about losing a job, one about the family, then "what should I do?": ideas for the job loss."""
        own = next(s for s in load_library(language=language).situations if s.name == "job_loss")
        history = []
        for text in messages[:-1]:
            history += [Turn("user", text), Turn("assistant", "…")]

        reply = curated.compose(ReplyRequest(text=messages[-1], emotion=SAD, history=tuple(history),
                                             conversation_id="ideas"))

        assert any(entry in reply for entry in own.suggestions), reply

    @pytest.mark.parametrize(("messages", "language"), [
        (["I lost my job last week and I can't stop thinking about it", "my wife doesn't say it but she's worried",
          "I tried that already and it didn't help"], "en"),
        (["我上个月被裁员了", "这些天我一直在想这件事", "我试过了，没什么用"], "zh"),
    ], ids=["english", "chinese"])
    def test_an_idea_offered_on_a_message_that_names_nothing_is_about_the_conversation(self, curated, messages,
                                                                                        language):
        library = load_library(language=language)
        own = next(s for s in library.situations if s.name == "job_loss")
        history = []
        for text in messages[:-1]:
            history += [Turn("user", text), Turn("assistant", "…")]
        state = DialogueState(turns=6, substantive=6, strategies=("question", "affirmation", "suggestion"),
                              language=language)
        low = emotion_from_labels((LabelScore("sadness", 0.45),))  # felt, not strong enough to stay with
        request = ReplyRequest(text=messages[-1], emotion=low, history=tuple(history), conversation_id="built-on",
                               dialogue=state)
        _, prepared = curated.prepared(request)
        assert prepared.plan.strategy == "suggestion"

        reply = curated.compose(ReplyRequest(text=messages[-1], emotion=low, history=tuple(history),
                                             conversation_id="built-on", dialogue=state, prepared=prepared))

        assert any(entry in reply for entry in own.suggestions), reply

    @pytest.mark.parametrize("language", ["en", "zh"])
    def test_an_opening_that_greets_an_arrival_is_said_only_in_the_first_turns(self, curated, language):
        library = load_library(language=language)
        assert library.early_openings
        early = neutral = 0
        for n in range(40):
            for turns, first in ((0, True), (6, False)):
                # Later, a reply built on a suggestion opens with a reflection (policy.py).
                state = DialogueState(turns=turns, substantive=turns, language=language,
                                      strategies=("question", "suggestion")[:turns])
                text = f"things have been hard {n}" if language == "en" else f"最近的日子很难熬{n}"
                request = ReplyRequest(text=text, emotion=None, conversation_id=f"early-{n}", dialogue=state)
                _, prepared = curated.prepared(request)
                reply = curated.compose(ReplyRequest(text=text, emotion=None, conversation_id=f"early-{n}",
                                                     dialogue=state, prepared=prepared))
                said = any(opening.split("{")[0] in reply for opening in library.early_openings)
                if first:
                    early += said
                else:
                    assert not said, reply
                    neutral += any(o.split("{")[0] in reply for o in library.openings["neutral"])
        assert early, "the first turn may greet an arrival"
        assert neutral, "later turns still reflect with the other openings"

    def test_a_missing_library_fails_naming_the_setting(self, tmp_path):
        with pytest.raises(BackendError, match="EMOCHAT_REPLY_LIBRARY"):
            load_library(str(tmp_path / "nothing.toml"))
        (tmp_path / "partial.toml").write_text('[[opening]]\ngroup = "joy"\ntext = "Glad you feel {feeling}."\n')
        with pytest.raises(BackendError, match="EMOCHAT_REPLY_LIBRARY"):
            load_library(str(tmp_path / "partial.toml"))

    def test_the_fallback_is_never_the_one_just_used(self):
        first = fallback_reply(ReplyRequest(text="x", emotion=None, conversation_id="f"))
        second = fallback_reply(ReplyRequest(text="x", emotion=None, conversation_id="f",
                                             history=(Turn("assistant", first),)))

        assert first != second

    def test_a_fallback_says_nothing_said_before_even_when_every_fallback_has_been_said(self):
        library = load_library()
        said = tuple(key for text in library.fallbacks for key in manager.entry_keys(text))
        request = ReplyRequest(text="x", emotion=None, conversation_id="long", dialogue=DialogueState(said=said))

        reply = fallback_reply(request)

        assert reply not in library.fallbacks
        assert not set(manager.entry_keys(reply)) & set(said)


class TestLocalModelReplies:
    def test_a_reader_that_stops_early_stops_the_generation(self, tiny_chat_dir):
        generator = TransformersReplyGenerator(model_dir=str(tiny_chat_dir), device="cpu", max_new_tokens=4000)
        stream = generator.stream(ReplyRequest(text="i feel hard", emotion=None))
        next(stream)
        stream.close()

        assert not [t for t in threading.enumerate() if t.name == "emochat-generate" and t.is_alive()]

    def test_a_long_conversation_is_cut_from_its_oldest_turns_to_fit_the_model(self, tiny_chat_dir):
        generator = TransformersReplyGenerator(model_dir=str(tiny_chat_dir), device="cpu", max_new_tokens=8)
        history = tuple(Turn("user" if i % 2 == 0 else "assistant", "tell me more about it " * 10)
                        for i in range(30))

        prompt = generator._prompt(ReplyRequest(text="how are you", emotion=None, history=history))

        assert prompt["input_ids"].shape[1] <= generator.max_prompt
        assert "".join(generator.stream(ReplyRequest(text="how are you", emotion=None, history=history)))

    def test_a_bad_model_path_fails_naming_the_setting(self, tmp_path):
        with pytest.raises(BackendError, match="EMOCHAT_GENERATOR_MODEL"):
            TransformersReplyGenerator(model_dir=str(tmp_path / "missing"))
        with pytest.raises(BackendError, match="EMOCHAT_GENERATOR_MODEL"):
            TransformersReplyGenerator(model_dir=str(tmp_path))  # a directory with no model in it
        with pytest.raises(BackendError, match="EMOCHAT_GENERATOR_MODEL"):
            TransformersReplyGenerator(model_dir=None)

    def test_a_model_without_a_chat_template_is_refused(self, tmp_path, tiny_chat_dir):
        import shutil
        import json

        copy = tmp_path / "no-template"
        shutil.copytree(tiny_chat_dir, copy)
        (copy / "chat_template.jinja").unlink(missing_ok=True)
        config = json.loads((copy / "tokenizer_config.json").read_text())
        config.pop("chat_template", None)
        (copy / "tokenizer_config.json").write_text(json.dumps(config))

        with pytest.raises(BackendError, match="chat template"):
            TransformersReplyGenerator(model_dir=str(copy), device="cpu")


class TestEndpointReplies:
    def test_the_endpoint_gets_the_system_prompt_the_history_and_the_key(self, fake_openai):
        fake_openai.replies.append("Thank you for telling me. What happened?")
        generator = OpenAIReplyGenerator(base_url=fake_openai.base_url, model="my-model", api_key="sk-test-123")
        request = ReplyRequest(text="I'm so sad", emotion=SAD, history=(Turn("user", "hi"), Turn("assistant", "Hello.")))

        reply = "".join(generator.stream(request))

        sent = fake_openai.requests[-1]
        assert reply == "Thank you for telling me. What happened?"
        assert sent["authorization"] == "Bearer sk-test-123"
        assert sent["body"]["model"] == "my-model"
        assert sent["body"]["messages"] == chat_messages(request)
        assert "sadness" in sent["body"]["messages"][0]["content"]
        assert [m["role"] for m in sent["body"]["messages"]] == ["system", "user", "assistant", "user"]

    @pytest.mark.parametrize(("text", "asked"), [("my heart is racing and I can't breathe", "panicking"),
                                                 ("is it normal to feel angry?", "never a bare yes")])
    def test_the_endpoint_is_told_what_the_message_asks_for(self, fake_openai, curated, text, asked):
        fake_openai.replies.append("I'm here with you.")
        generator = OpenAIReplyGenerator(base_url=fake_openai.base_url, model="my-model")
        prepared = manager.prepare(text, emotion=SAD, state=DialogueState(turns=3, substantive=3),
                                   library_of=curated.libraries.__getitem__)

        "".join(generator.stream(ReplyRequest(text=text, emotion=SAD, prepared=prepared)))

        assert asked in fake_openai.requests[-1]["body"]["messages"][0]["content"]

    def test_an_overloaded_endpoint_is_retried(self, fake_openai):
        fake_openai.fail_next = 2
        before = len(fake_openai.requests)
        generator = OpenAIReplyGenerator(base_url=fake_openai.base_url, model="m", max_retries=2)

        reply = "".join(generator.stream(ReplyRequest(text="hello", emotion=None)))

        assert reply
        assert len(fake_openai.requests) - before == 3

    def test_an_endpoint_that_breaks_off_mid_reply_raises(self, fake_openai):
        fake_openai.break_after = 3
        generator = OpenAIReplyGenerator(base_url=fake_openai.base_url, model="m")
        try:
            with pytest.raises(ReplyInterrupted):
                list(generator.stream(ReplyRequest(text="hello", emotion=None)))
        finally:
            fake_openai.break_after = None

    def test_a_silent_endpoint_times_out(self, fake_openai):
        import openai

        fake_openai.hang_s = 3
        generator = OpenAIReplyGenerator(base_url=fake_openai.base_url, model="m", timeout_s=1, max_retries=0)
        started = time.monotonic()
        try:
            with pytest.raises(openai.APITimeoutError) as caught:
                list(generator.stream(ReplyRequest(text="a secret message", emotion=None)))
        finally:
            fake_openai.hang_s = 0
        assert time.monotonic() - started < 3, "the timeout, not the server, ended the wait"
        assert "secret" not in str(caught.value)

    def test_missing_configuration_fails_naming_the_settings(self):
        with pytest.raises(BackendError, match="EMOCHAT_OPENAI_BASE_URL and EMOCHAT_OPENAI_MODEL"):
            OpenAIReplyGenerator(base_url=None, model="m", api_key="sk-never-shown")

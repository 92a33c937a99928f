"""The dialogue manager's parts, read without a model: what a message is, where the conversation is, which
strategy the reply uses."""

from __future__ import annotations

import pytest

from inference.dialogue import language, manager, policy
from inference.dialogue.state import DialogueState, sentence_key
from inference.dialogue.understanding import Understanding, kind_of, people_of, topics_of, understand

FEELINGS = {"lonely": "lonely", "overwhelmed": "overwhelmed", "feeling down": "down", "down": "down",
            "孤独": "孤独", "累": "很累"}


class TestLanguage:
    @pytest.mark.parametrize(("text", "expected"), [
        ("bye", "en"), ("I can't sleep again", "en"), ("我最近压力好大", "zh"), ("嗯嗯", "zh"), ("hi 你好", "zh"),
    ])
    def test_each_message_is_read_in_its_own_language(self, text, expected):
        assert language.detect(text, tie="en") == expected
        assert language.detect(text, tie="zh") == expected

    @pytest.mark.parametrize("text", ["😊", "123", "...", ""])
    def test_a_message_in_no_language_takes_the_tie(self, text):
        assert language.detect(text, tie="zh") == "zh"
        assert language.detect(text, tie="en") == "en"


class TestShortTurns:
    @pytest.mark.parametrize(("text", "kind"), [
        ("bye", "goodbye"), ("Thanks, bye!", "goodbye"), ("ok goodnight", "goodbye"), ("I have to go now", "goodbye"),
        ("talk to you later", "goodbye"), ("thank you so much", "thanks"), ("thanks for listening", "thanks"),
        ("ok", "ok"), ("hmm", "ok"), ("makes sense", "ok"), ("yes", "yes"), ("yeah", "yes"), ("no", "no"),
        ("not really", "no"), ("I don't know", "unsure"), ("idk", "unsure"), ("😔😔", "emoji"), (":(", "emoji"),
        ("are you a bot?", "bot"), ("Am I talking to a real person or an AI?", "bot"),
        ("is someone real there?", "human"), ("can I talk to a real person", "human"),
        ("hi", "greeting"), ("hello, is anyone there?", "greeting"),
        ("Thank you again. I'm going to wrap up the conversation. I'll be okay.", "goodbye"),
        ("thanks so much for listening, have a good night!", "goodbye"), ("ok I have to go now, thanks", "goodbye"),
        ("谢谢你陪我聊了这么久，今天就聊到这吧", "goodbye"),
        ("再见", "goodbye"), ("谢谢你", "thanks"), ("好的", "ok"), ("不知道", "unsure"), ("你是机器人吗", "bot"),
        ("有真人吗", "human"), ("你好", "greeting"),
        # Closings and thanks with a little more, as people write them at the end of a conversation.
        ("have a good night", "goodbye"), ("You too!", "goodbye"), ("No, that's all.", "goodbye"),
        ("have a great day also", "goodbye"), ("你也是", "goodbye"), ("没有了，谢谢", "goodbye"),
        ("Thank you very much for talking with me", "thanks"),
        ("Thank you for caring about me. I needed that very much.", "thanks"),
        ("Thank you for some ideas. I really do appreciate it.", "thanks"),
        ("Thank you, that helps. I will try talking to her tomorrow.", "thanks"),
        ("I think i am okay! Thank you again for all of your help", "thanks"),
        ("谢谢你，我感觉好多了", "thanks"), ("Thank you for listening. It actually helped to say it.", "thanks"),
    ])
    def test_a_short_message_is_read_as_what_it_is(self, text, kind):
        spoken = language.detect(text, tie="en")

        assert kind_of(text, language=spoken, first=True) == kind

    def test_hello_after_the_first_turn_is_not_a_new_welcome(self):
        assert kind_of("hi", language="en", first=False) == "greeting_again"
        assert kind_of("你好", language="zh", first=False) == "greeting_again"

    @pytest.mark.parametrize("text", [
        "hi, I've been feeling awful since my dad moved out and I don't know who to talk to",
        "thanks for asking, work has been crazy and I'm not sleeping",
        "no, it's more that my sister never calls me back anymore",
        "I'm on the train, bad signal",
        "我最近工作压力特别大，每天都加班到很晚",
        "I need to go to the doctor tomorrow and I'm scared of what they'll say",
        "I have to take care of my mom every evening and I'm exhausted",
        # Thanks with something heavier after it is a message with something to say.
        "Thanks. My mom died last week and I can't stop crying",
        "Thank you, but I'm still scared of what he will do",
        "Thanks. Can I ask you something?",
        "谢谢你，可是我还是很难过，睡不着",
        "take care of yourself too",
        "That's all I can think about lately",
    ])
    def test_a_message_with_something_to_say_is_not_a_short_turn(self, text):
        assert kind_of(text, language=language.detect(text), first=True) == ""


class TestWhatThePersonNamed:
    @pytest.mark.parametrize(("text", "people"), [
        ("my boss yelled at me in front of everyone", ("your boss",)),
        ("My dog Max died this morning", ("Max",)),
        ("we had a cat named Bo", ("Bo",)),
        ("my sister and my mom keep fighting", ("your sister", "your mom")),
        ("My sister, Anna, moved away", ("Anna",)),
        ("I miss my grandma. She passed in May", ("your grandma",)),
        ("我妈妈总是催我结婚", ("你妈妈",)),
        ("我的老板又骂我了", ("你的老板",)),
    ])
    def test_people_are_said_back_as_the_reply_would_say_them(self, text, people):
        assert people_of(text, language.detect(text)) == people

    def test_topics_and_feelings_in_the_persons_words(self):
        seen = understand("I'm so overwhelmed with work and my exams, and not lonely at all", language="en",
                          feelings=FEELINGS, first=True)

        assert seen.topics == ("your exams", "work")
        assert seen.feelings == ("overwhelmed",), "a negated feeling is not reflected"
        assert topics_of("我最近考试压力很大", "zh") == ("考试",)
        assert understand("最近好累，也很孤独", language="zh", feelings=FEELINGS, first=True).feelings == ("很累", "孤独")


def state(**kwargs) -> DialogueState:
    return DialogueState(**kwargs)


def plan(text: str, at: DialogueState, *, strong: bool = False) -> policy.Plan:
    seen = understand(text, language=language.detect(text, tie=at.language), feelings=FEELINGS, first=at.turns == 0)
    return policy.choose(at, seen, strong=strong)


class TestPolicy:
    def test_a_goodbye_is_answered_with_a_close_and_no_question_at_any_point(self):
        for at in (state(), state(turns=3, substantive=3, phase="exploring"), state(turns=11, substantive=9)):
            chosen = plan("bye", at)
            assert chosen.parts == ("turn:goodbye",) and chosen.phase == "closing"

    def test_a_greeting_is_a_welcome_only_on_the_first_turn(self):
        assert plan("hi", state()).parts == ("turn:greeting",)
        assert plan("hi", state()).strategy == "question"  # the welcome asks what is going on
        later = plan("hello", state(turns=4, substantive=3, phase="exploring"))
        assert later.parts == ("turn:greeting_again",) and later.phase == "exploring"
        assert plan("ok", state(turns=10, substantive=8, phase="suggesting")).parts[0] == "turn:ok"

    def test_the_first_message_is_explored_before_anything_is_suggested(self):
        first = plan("my boss yelled at me in front of everyone", state())
        assert first.strategy == "question" and first.parts == ("restatement", "question")
        assert plan("everything is just hard lately", state()).parts == ("reflection", "question")
        for heard in range(policy.SUGGEST_AFTER):
            assert plan("it keeps happening", state(turns=heard, substantive=heard)).strategy != "suggestion"

    def test_strong_feelings_are_stayed_with(self):
        chosen = plan("I can't stop crying", state(turns=2, substantive=2, strategies=("question", "question")),
                      strong=True)
        assert chosen.strategy == "affirmation" and chosen.phase == "comforting"

    def test_once_the_situation_is_heard_steps_are_offered_and_no_strategy_runs_three_times(self):
        at = state(turns=4, substantive=4, strategies=("question", "restatement", "question", "affirmation"))
        chosen = plan("I just don't know how to handle work anymore", at)
        assert chosen.strategy == "suggestion" and chosen.phase == "suggesting"
        history = []
        for turn in range(12):
            chosen = plan("it's the same every day, I feel stuck", state(turns=4 + turn, substantive=4 + turn,
                                                                         strategies=tuple(history)))
            history.append(chosen.strategy)
        assert all(len(set(history[i:i + 3])) > 1 for i in range(len(history) - 2)), history

    def test_thanks_and_questions_about_the_bot_are_answered_then_the_door_stays_open(self):
        assert plan("thank you", state(turns=3, substantive=3)).parts == ("turn:thanks", "question")
        assert plan("are you a bot?", state(turns=1, substantive=1)).parts == ("turn:bot", "question")


class TestState:
    def test_the_state_survives_storage_and_records_the_turn(self):
        at = DialogueState()
        seen = Understanding(language="en", people=("your boss",), topics=("work",), feelings=("angry",))
        prepared = policy.Prepared(seen, policy.Plan("question", ("reflection", "question"), "exploring"),
                                   {"person": "your boss", "topic": "work", "feeling": "angry"})

        after = manager.after(at, prepared, "It sounds like you feel angry. What happened at work?")

        assert DialogueState.from_dict(after.as_dict()) == after
        assert (after.turns, after.substantive, after.phase, after.strategies) == (1, 1, "exploring", ("question",))
        assert after.people == ("your boss",) and after.topics == ("work",)
        assert manager.entry_keys("It sounds like you feel {feeling}.")[0] in after.said, "an entry, whatever filled it"
        assert DialogueState.from_dict({"phase": "nonsense", "turns": 2}).phase == "exploring"
        assert DialogueState.from_dict(None) == DialogueState()

    def test_a_sentence_is_known_whatever_its_case_and_final_stop(self):
        assert sentence_key("I'm here with you.") == sentence_key("i'm here with you") != sentence_key("I'm here.")

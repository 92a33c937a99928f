"""The dialogue manager's parts, read without a model: what a message is, where the conversation is, which
strategy the reply uses."""

from __future__ import annotations

import pytest

from inference.dialogue import language, manager, policy
from inference.dialogue.library import load_library
from inference.dialogue.asks import ABOUT_ME, SUGGESTION
from inference.dialogue.state import DialogueState, sentence_key
from inference.dialogue.turns import kind_of
from inference.dialogue.understanding import Understanding, people_of, topics_of, understand
from inference.types import Emotion, LabelScore

FEELINGS = {"lonely": "lonely", "overwhelmed": "overwhelmed", "feeling down": "down", "down": "down",
            "孤独": "孤独", "累": "很累"}


class TestLanguage:
    @pytest.mark.parametrize(("text", "expected"), [
        ("bye then", "en"), ("I can't sleep again", "en"), ("我最近压力好大", "zh"), ("嗯嗯", "zh"), ("hi 你好", "zh"),
        ("ok 我还是睡不着", "zh"), ("ok, I still can't sleep", "en"),
    ])
    def test_each_message_is_read_in_its_own_language(self, text, expected):
        assert language.detect(text, tie="en") == expected
        assert language.detect(text, tie="zh") == expected

    # "ok", "bye" and "lol" are typed in Chinese chats too: on their own they are no language either.
    @pytest.mark.parametrize("text", ["😊", "123", "...", "", "ok", "Bye!", "hmm ok", "lol 😂"])
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
        # Going to sleep as the last words is leaving; sleep as a trouble, or a plan with more after it, is not.
        ("thanks. I think I'll try to sleep now", "goodbye"), ("ok I'm going to try and get some rest", "goodbye"),
        ("I can't sleep", ""), ("I will sleep on it and decide tomorrow", ""),
        # A goodbye spoken of is no goodbye: grief often says it.
        ("I didn't get to say goodbye. I was at uni", ""), ("I never got to say goodbye to her", ""),
        ("there was no proper goodbye", ""), ("我没来得及跟外婆说再见", ""), ("ok I will say bye now", "goodbye"),
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


    def test_a_feeling_said_of_someone_else_is_not_the_persons(self):
        assert understand("my mom is so down and I feel lonely", language="en", feelings=FEELINGS,
                          first=True).feelings == ("lonely",)
        assert understand("everyone will be overwhelmed", language="en", feelings=FEELINGS, first=True).feelings == ()
        assert understand("他们都很孤独，我也很累", language="zh", feelings=FEELINGS, first=True).feelings == ("很累",)

    def test_the_feeling_read_is_not_said_back_when_the_message_gives_it_to_someone_else(self):
        library = load_library()
        emotion = Emotion(labels=(LabelScore("disappointment", 0.7),), group="sadness", sentiment="negative")
        text = "I keep thinking I'm going to fail and everyone will be disappointed"
        slots = manager.slot_values(seen(text), emotion, library, text=text)
        assert slots["feeling"] == library.labels["neutral"]
        own = "I'm so disappointed in myself"
        assert manager.slot_values(seen(own), emotion, library, text=own)["feeling"] == "disappointed"

    @pytest.mark.parametrize(("text", "health"), [
        ("my mom is in hospital so I can't focus", False), ("my dad is sick again", False),
        ("I've been sick for weeks", True), ("my health is getting worse", True), ("I was in the hospital", True),
    ])
    def test_health_is_the_persons_own_only_when_they_say_so(self, text, health):
        assert ("your health" in topics_of(text, "en")) is health


@pytest.mark.parametrize(("text", "language", "people"), [
    ("should I tell my mum?", "en", ()), ("how do I tell my dad about it?", "en", ()),
    ("要不要告诉我妈妈？我该怎么办", "zh", ()),
    # Someone the request is about stays: "what should I do about my boss?".
    ("what should I do about my boss?", "en", ("your boss",)),
    ("my mum hit me, what should I do?", "en", ("your mum",)),
])
def test_someone_to_turn_to_in_a_request_for_ideas_is_not_what_it_is_about(text, language, people):
    assert understand(text, language=language, feelings=FEELINGS, first=False).people == people


def seen(text: str, *, first: bool = False) -> Understanding:
    return understand(text, language=language.detect(text, tie="en"), feelings=FEELINGS, first=first)


class TestWhatIsAskedOfTheAssistant:
    @pytest.mark.parametrize("text", [
        "any suggestions?", "what should I do?", "do you have any advice?", "how do I deal with this?",
        "what can I do about it?", "I don't know, what should I do?", "Any other ideas?", "some advice please",
        "I'm still in school so what can I do.", "thanks, do you have any more ideas", "What would you do in my place?",
        "could you give me some tips on sleeping?", "I'd love to hear some suggestions", "I need some advice",
        "is there anything I can do to feel better?", "My boss yelled at me again today, what should I do?",
        "What suggestions do you have for improving it?", "what other distractions can you recommend?",
        "我该怎么办？", "怎么办啊", "工作压力好大，我该怎么做？", "你有什么建议吗", "有没有什么办法能让我睡得好一点",
        "能给我一些建议吗", "如果是你，你会怎么做？", "那我以后怎么办呢", "你好，我该怎么说？",
        # A question about a step, or about where to find help, asks for ideas too.
        "Should I call her directly?", "What can I tell them?", "How can I show them I care?",
        "Where would I find a local support group?", "Is there any particular resource you could point me to?",
        "Do you have any craft ideas?", "Shall I try this?",
    ])
    def test_a_request_for_ideas_is_recognised(self, text):
        assert SUGGESTION in seen(text).asks
        assert seen(text).kind == ""

    @pytest.mark.parametrize("text", [
        # Reported, known or thanked for: not a request to the assistant.
        "my mum keeps asking what I should do with my life", "I don't know what to do", "That's good advice",
        "Thanks for the advice", "some advice she gave me was bad", "what would I do without her",
        "my therapist gave me some tips last year", "I never know how to deal with people like him",
        "我妈总问我以后怎么办", "我真的不知道该怎么办了", "他没有什么办法", "有办法了！", "谢谢你的建议",
        "I wonder if I should call her", "I don't know what I should say",
        # "Should I…" about a danger is no request for ideas: it is read for risk, not answered with a step.
        "should I just give up?", "should I even be alive", "should I just disappear",
    ])
    def test_the_same_words_said_rather_than_asked_are_not_a_request(self, text):
        assert SUGGESTION not in seen(text).asks

    @pytest.mark.parametrize("text", [
        "how are you?", "how about you?", "what about you?", "have you ever felt like this?",
        "how long did it take you?", "do you have kids?", "I'm good, how about you?", "Yes how about you?",
        "It is treating me pretty well. How about you?", "are you married?", "hi, how are you doing today?",
        "你好吗", "你呢？", "我还好，你呢？", "你有过这种感觉吗", "你有孩子吗",
    ])
    def test_a_question_about_the_assistant_is_its_own_short_turn(self, text):
        understood = seen(text)

        assert understood.kind == "about_me" and ABOUT_ME in understood.asks

    def test_a_question_about_the_assistant_inside_a_longer_message_leaves_it_something_to_say(self):
        understood = seen("I've been so low since the breakup, I can't sleep. Have you ever felt like this?")

        assert understood.kind == "" and understood.asks == (ABOUT_ME,)
        assert seen("how did you get through it?").asks == (SUGGESTION, ABOUT_ME), "asks for ideas too"

    @pytest.mark.parametrize("text", [
        "how are you supposed to sleep with that noise", "she always asks how are you and I just lie",
        "do you think I'm overreacting?", "everyone left but you", "I have two kids and no time",
        "我朋友问我最近怎么样", "你说得对",
    ])
    def test_a_question_that_is_not_about_the_assistant_is_not_taken_for_one(self, text):
        assert ABOUT_ME not in seen(text).asks and seen(text).kind != "about_me"

    @pytest.mark.parametrize("text", ["hi how are you", "Hi. How are you?", "how are you doing today?", "你好吗"])
    def test_how_are_you_on_the_first_turn_is_a_greeting(self, text):
        assert seen(text, first=True).kind == "greeting"
        assert seen(text, first=False).kind == "about_me"

    def test_a_long_first_message_that_opens_with_how_are_you_is_answered_for_what_it_says(self):
        understood = seen("hi how are you? my boss yelled at me in front of everyone today", first=True)

        assert understood.kind == "" and understood.asks == ()

    @pytest.mark.parametrize(("text", "kind"), [
        ("are you a bot? how are you?", "bot"), ("how are you? is someone real there?", "human"),
        ("thanks for the advice", "thanks"), ("Thanks, bye!", "goodbye"), ("are you there?", "greeting_again"),
        ("hi again", "greeting_again"), ("你好", "greeting_again"), ("你是机器人吗？你好吗", "bot"),
    ])
    def test_the_other_short_turns_keep_their_precedence(self, text, kind):
        assert seen(text).kind == kind

    @pytest.mark.parametrize(("text", "own"), [
        ("I guess I could call my sister", True), ("maybe I'll talk to my mom about it", True),
        ("I think I'll try to go for a walk", True), ("I should see a doctor about it", True),
        ("我可以给姐姐打个电话", True), ("也许我会找朋友聊聊", True),
        # A question, a barrier, a refusal, or words of danger: not a step to affirm.
        ("I could call my sister?", False), ("I could tell my mom but she would just yell at me", False),
        ("I can't talk to anyone", False), ("I could never tell my mom", False),
        ("I could take all my pills", False), ("I'll call my sister one last time", False), ("我可以去跳楼", False),
        ("I'll tell them they're better off without me", False),
        ("maybe I could make a little photo album of him", True), ("I could write in my journal tonight", True),
        ("I could make a plan to disappear", False),
        ("I could try the climbing gym near me", True), ("maybe I'll go to the library tomorrow", True),
        ("I could try the pills", False), ("I might go for a walk and not come back", False),
        ("maybe I'll try going for a long drive and never coming back", False),
    ])
    def test_a_step_the_person_proposes_is_their_own_step(self, text, own):
        assert (seen(text).kind == "own_step") is own

    @pytest.mark.parametrize(("text", "kind"), [
        ("I feel a bit better now", "relief"), ("It really helps", "relief"), ("I think I'm okay now", "relief"),
        ("I feel a little calmer now", "relief"), ("好多了", "relief"), ("a bit better", "relief"),
        ("feeling a little calmer now", "relief"), ("a bit better but my hands are still shaking", ""),
        ("that's a good idea", "accepts"), ("I will try that", "accepts"), ("yeah that makes sense", "accepts"),
        ("I'll think about it", "accepts"), ("sure, will try", "accepts"), ("这个主意不错，我试试", "accepts"),
        # Thanks stays thanks; a "but", a question, a holiday wish alone or a word of danger is no good news.
        ("thanks, that helps. I'll call her tonight", "thanks"), ("I will try that but I doubt it will work", ""),
        ("that's a good idea?", ""), ("Merry christmas!", ""), ("I'll go to the bridge tonight", ""),
        ("I feel better now that I've decided to end it", ""),
        ("thanks for everything. I'll write a letter to my family", ""),
        # Calm after a decision is a warning sign: never taken as good news (the risk reading decides what follows).
        ("I feel better now that I've made up my mind", ""), ("thanks, I finally feel at peace", ""),
    ])
    def test_good_news_without_thanks_is_taken_as_good_news(self, text, kind):
        assert seen(text).kind == kind


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

    @pytest.mark.parametrize("text", ["my heart is racing and I can't breathe properly",
                                      "I think I'm having a panic attack", "I'm shaking and I can't stop",
                                      "心跳好快，喘不过气来"])
    def test_panic_as_the_person_writes_is_met_with_grounding_at_any_point(self, text):
        for at in (state(), state(turns=2, substantive=2), state(turns=9, substantive=8)):
            chosen = plan(text, at)
            assert (chosen.strategy, chosen.parts) == ("suggestion", ("answer:grounding",)), at

    @pytest.mark.parametrize("text", ["I had a panic attack yesterday", "my heart raced all through the exam",
                                      "I couldn't breathe when he left", "我昨天惊恐发作了"])
    def test_panic_told_of_afterwards_is_explored_as_usual(self, text):
        assert "answer:grounding" not in plan(text, state()).parts

    @pytest.mark.parametrize("text", ["is it normal to feel angry?", "am I overreacting?",
                                      "is it weird that I still miss him?",
                                      "does anyone else feel like this after a move?",
                                      "我这样难过是不是正常的？", "我是不是太敏感了"])
    def test_whether_a_feeling_is_normal_is_answered_plainly_then_a_question(self, text):
        chosen = plan(text, state(turns=5, substantive=5, strategies=("question", "affirmation")))
        assert (chosen.strategy, chosen.parts) == ("affirmation", ("answer:normal", "question"))

    @pytest.mark.parametrize("text", ["is it normal to want to die?", "is it normal to want to hurt myself",
                                      "我想死，这正常吗"])
    def test_whether_wanting_to_die_is_normal_is_never_answered_as_common(self, text):
        assert "answer:normal" not in plan(text, state(turns=5, substantive=5)).parts

    def test_the_persons_own_step_is_affirmed_then_the_conversation_goes_on(self):
        chosen = plan("I guess I could call my sister", state(turns=6, substantive=5, phase="comforting"))

        assert (chosen.strategy, chosen.parts, chosen.phase) == ("affirmation", ("turn:own_step", "question"),
                                                                 "comforting")

    def test_good_news_is_taken_then_the_door_stays_open(self):
        # "that's a good idea" after a suggestion was answered with another suggestion and "feeling scared".
        chosen = plan("that's a good idea", state(turns=8, substantive=6, phase="suggesting",
                                                  strategies=("suggestion",)))
        assert (chosen.strategy, chosen.parts, chosen.phase) == ("other", ("turn:accepts", "question"), "suggesting")
        assert plan("I feel a bit better now", state(turns=9, substantive=7)).parts == ("turn:relief", "question")

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
        heard = policy.SUGGEST_AFTER
        at = state(turns=heard, substantive=heard, strategies=("question", "restatement", "question", "affirmation"))
        chosen = plan("it's the same at work every day", at)
        assert chosen.strategy == "suggestion" and chosen.phase == "suggesting"
        history = []
        for turn in range(12):
            chosen = plan("it's the same every day, I feel stuck", state(turns=heard + turn, substantive=heard + turn,
                                                                         strategies=tuple(history)))
            history.append(chosen.strategy)
        assert all(len(set(history[i:i + 3])) > 1 for i in range(len(history) - 2)), history

    def test_a_step_the_person_answers_is_built_on_with_one_more_idea_then_the_conversation_moves_on(self):
        after_one = state(turns=6, substantive=6, strategies=("question", "affirmation", "suggestion"))
        assert plan("I tried that already and it didn't help", after_one).parts == ("reflection", "suggestion")
        after_two = state(turns=7, substantive=7, strategies=("question", "affirmation", "suggestion", "suggestion"))
        assert plan("maybe, I don't know", after_two).strategy != "suggestion"
        # A fact at most once in INFORMATION_EVERY replies.
        told = ("information", "affirmation", "suggestion", "suggestion")
        assert plan("it's still hard", state(turns=8, substantive=8, strategies=told)).strategy != "information"

    def test_thanks_and_questions_about_the_bot_are_answered_then_the_door_stays_open(self):
        assert plan("thank you", state(turns=3, substantive=3)).parts == ("turn:thanks", "question")
        assert plan("are you a bot?", state(turns=1, substantive=1)).parts == ("turn:bot", "question")


class TestAnsweringWhatIsAsked:
    @pytest.mark.parametrize("at", [
        state(), state(turns=1, substantive=1, strategies=("question",), phase="exploring"),
        state(turns=3, substantive=3, strategies=("reflection", "affirmation"), phase="comforting"),
        state(turns=9, substantive=8, strategies=("affirmation", "information"), phase="suggesting"),
    ], ids=["first", "exploring", "comforting", "suggesting"])
    def test_asked_for_ideas_a_suggestion_is_offered_whatever_the_phase(self, at):
        for strong in (False, True):
            chosen = plan("what should I do?", at, strong=strong)
            assert chosen.strategy == "suggestion" and chosen.parts[-1] == "suggestion", (at, chosen)

    def test_the_suggestion_comes_after_saying_back_what_was_named_when_something_was(self):
        named = state(turns=2, substantive=2, people=("your boss",), strategies=("question", "question"))
        assert plan("any suggestions?", named).parts == ("restatement", "suggestion")
        assert plan("any suggestions?", state(turns=2, substantive=2)).parts == ("affirmation", "suggestion")
        assert plan("my sister never listens, any advice?", state()).parts == ("restatement", "suggestion")

    def test_asked_again_right_after_a_suggestion_another_idea_follows_an_affirmation(self):
        after = state(turns=5, substantive=5, strategies=("question", "affirmation", "suggestion"))

        chosen = plan("any other ideas?", after)

        assert chosen.strategy == "suggestion" and chosen.parts == ("affirmation", "suggestion")
        assert plan("你还有别的办法吗？", after).parts == ("affirmation", "suggestion")

    def test_asked_about_itself_the_assistant_answers_honestly_then_turns_back(self):
        for at in (state(turns=1, substantive=1, strategies=("question",), phase="exploring"),
                   state(turns=6, substantive=6, strategies=("affirmation", "suggestion"), phase="suggesting")):
            for text in ("how are you?", "do you have kids?", "你呢？"):
                chosen = plan(text, at)
                # Stored as the move it makes for the person: its question.
                assert chosen.parts == ("turn:about_me", "question") and chosen.strategy == "question", (text, chosen)
                assert chosen.phase == at.phase

    def test_a_question_about_it_inside_more_is_answered_before_the_move_for_the_rest(self):
        chosen = plan("I've been so low since the breakup. Have you ever felt like this?", state())
        assert chosen.parts[0] == "turn:about_me" and chosen.parts[-1] == "question" and len(chosen.parts) == 3
        coping = plan("how did you get through it?", state(turns=3, substantive=3, strategies=("question",)))
        assert coping.parts == ("turn:about_me", "suggestion") and coping.strategy == "suggestion"

    def test_hello_how_are_you_first_is_still_welcomed(self):
        assert plan("hi how are you", state()).parts == ("turn:greeting",)
        assert plan("hi how are you", state(turns=3, substantive=2)).parts == ("turn:about_me", "question")


def converse(messages: list[str]) -> list[policy.Prepared]:
    """The manager's plans over a conversation, as the chat makes them (the reply text stands in for a real one)."""
    at, prepared = DialogueState(), []
    for text in messages:
        made = manager.prepare(text, emotion=None, state=at, library_of=lambda lang: load_library(language=lang))
        at = manager.after(at, made, f"A reply to turn {len(prepared)}.")
        prepared.append(made)
    return prepared


class TestAConversation:
    def test_ideas_are_given_when_asked_and_how_are_you_gets_an_honest_answer(self):
        turns = converse(["hi how are you", "not great", "my boss yelled at me in front of everyone",
                          "it's been going on for months", "what should I do?", "any other ideas?", "how are you?",
                          "bye"])

        assert [t.plan.strategy for t in turns] == ["question", "question", "restatement", "affirmation",
                                                    "suggestion", "suggestion", "question", "other"]
        assert turns[0].plan.parts == ("turn:greeting",)
        assert turns[4].plan.parts == ("restatement", "suggestion")
        assert turns[4].slots["person"] == "your boss", "the request is about what was said before it"
        assert turns[5].plan.parts == ("affirmation", "suggestion"), "asked again: another idea"
        assert turns[6].plan.parts == ("turn:about_me", "question")

    def test_a_request_for_ideas_after_an_unasked_suggestion_still_gets_one(self):
        """"ok" took a suggestion of the phase's own; "what should I do?" right after it asks for one."""
        turns = converse(["I lost my job last week", "my manager called me in and said it was over",
                          "I feel like a failure", "I keep going over that meeting", "I haven't told my family yet",
                          "ok", "what should I do?"])

        assert turns[5].plan.strategy == "suggestion" and turns[6].plan.parts == ("affirmation", "suggestion")

    def test_someone_the_person_means_to_turn_to_is_not_what_the_ideas_are_about(self):
        turns = converse(["my boss keeps yelling at me", "I guess I could call my sister", "what else could I do?"])

        assert turns[2].slots["person"] == "your boss"

    def test_the_same_in_chinese(self):
        turns = converse(["你好", "我的老板总是当着大家的面骂我", "每天都很难受", "我该怎么办？", "你呢？"])

        assert turns[3].plan.parts == ("restatement", "suggestion") and turns[3].slots["person"] == "你的老板"
        assert turns[4].plan.parts == ("turn:about_me", "question") and turns[4].understanding.kind == "about_me"


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

    def test_an_entry_whose_own_words_are_a_slots_value_is_known_as_said(self):
        """The topic is "work", and the entry says "before the work even begins": it must not be said again."""
        entry = "Dreading the start of each workday is exhausting in itself, before the work even begins."
        seen = Understanding(language="en", topics=("work",))
        prepared = policy.Prepared(seen, policy.Plan("affirmation", ("reflection", "affirmation"), "comforting"),
                                   {"person": "", "topic": "work", "feeling": ""})

        after = manager.after(DialogueState(), prepared, entry)

        assert set(manager.entry_keys(entry)) <= set(after.said)
        assert DialogueState.from_dict(None) == DialogueState()

    def test_an_entry_said_with_a_feeling_of_the_librarys_choosing_is_known_as_that_entry(self):
        """The person named no feeling and the reply reflected the one the situation carries ("proud"), not the
        slot's value: the sentence is still recorded as its entry, so it is not said again ten turns later."""
        seen = Understanding(language="en", topics=("the exam",))
        prepared = policy.Prepared(seen, policy.Plan("reflection", ("reflection",), "exploring"),
                                   {"person": "", "topic": "the exam", "feeling": "calm"},
                                   feeling_words=("calm", "proud", "sad"))

        after = manager.after(DialogueState(), prepared, "It sounds like you feel proud. Tell me about the exam.")

        assert manager.entry_keys("It sounds like you feel {feeling}.")[0] in after.said
        assert after.reflected == ("proud",)

    def test_a_sentence_is_known_whatever_its_case_and_final_stop(self):
        assert sentence_key("I'm here with you.") == sentence_key("i'm here with you") != sentence_key("I'm here.")

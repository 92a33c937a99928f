"""Replies over whole conversations, as the chat makes them: the dialogue manager prepares each message, the
curated library answers, the state advances. The failures people met in the context-blind replies are here."""

from __future__ import annotations

import re

import pytest

from inference.backends.curated import CuratedReplyGenerator
from inference.dialogue import manager
from inference.dialogue.state import DialogueState, sentence_key, sentences
from inference.goemotions import emotion_from_labels
from inference.types import LabelScore, ReplyRequest, Turn

SAD = emotion_from_labels((LabelScore("sadness", 0.8),))
NEUTRAL = emotion_from_labels((LabelScore("neutral", 0.9),))
# A reply that greets: "Hi there", "Hello, and welcome", "Welcome to..." ("you're welcome" is not one).
WELCOME = re.compile(r"^\W*(?:hi|hello|hey|welcome)\b|\band welcome\b", re.I)
WELCOME_ZH = re.compile(r"^\W*(?:你好|您好|嗨)|欢迎你来|欢迎来到")

# Forty turns of an English conversation, written for this test: a hard week at work, a sister, sleep, a
# breakup, a few short answers, thanks and a goodbye.
ENGLISH = [
    "hi", "I've had a really bad week", "my boss yelled at me in front of everyone on Monday",
    "I felt so humiliated, I went to the bathroom and cried", "yeah", "it's not the first time he's done it",
    "I don't know", "I keep thinking I should just quit", "but I need the money for rent", "ok",
    "my sister says I'm overreacting", "that hurt more than the boss honestly", "no",
    "I haven't been sleeping, I lie awake replaying it", "maybe 4 hours a night", "I'm so tired all the time",
    "and my girlfriend broke up with me last month too", "I still miss her", "everything is piling up",
    "I feel like a failure", "thanks", "I guess I could talk to HR", "I'm scared they won't believe me",
    "it's just my word against his", "hmm", "my friend Sam said she'd come with me", "that would help I think",
    "I'm worried about money if it goes badly", "yes", "I don't want to lose this job",
    "I used to love this job", "I'm not sure what I want anymore", "ok", "are you a bot?",
    "that's fine, it still helps to write it down", "I think I'll sleep on it", "thank you for listening",
    "I feel a little lighter", "ok", "bye",
]
# Forty turns in Chinese, written for this test: exam pressure, parents, a roommate, sleep, a cat.
CHINESE = [
    "你好", "最近压力好大", "我在准备考研，每天学到很晚", "我妈妈总是打电话问我复习得怎么样", "嗯", "她说考不上就别回家了",
    "不知道", "我觉得自己好没用", "室友每天都在打游戏，很吵", "好的", "我晚上睡不着，一直在想考试的事", "大概只睡四五个小时",
    "白天也很累，看书看不进去", "是的", "我爸爸倒是不怎么说什么", "但我知道他也很失望", "没有", "有时候觉得特别孤独",
    "身边的朋友都工作了", "只有我还在考", "谢谢", "我养了一只猫叫团团", "它是我唯一的安慰", "嗯嗯", "可能我需要休息一下",
    "但是时间不够", "我怕停下来就更落后了", "不知道", "也许可以和妈妈好好谈一次", "她其实也是担心我", "好", "你是机器人吗",
    "没关系，能说出来也挺好的", "我想明天出去走走", "好的", "谢谢你听我说这么多", "感觉好一点了", "嗯", "我去睡了", "再见",
]


@pytest.fixture(scope="module")
def curated():
    return CuratedReplyGenerator()


def converse(curated: CuratedReplyGenerator, messages: list[str], emotion=SAD, conversation: str = "c"):
    """The replies to `messages`, one conversation, and the strategies the replies used."""
    state, history, replies, strategies = DialogueState(), [], [], []
    for text in messages:
        prepared = manager.prepare(text, emotion=emotion, state=state, library_of=curated.libraries.__getitem__)
        request = ReplyRequest(text=text, emotion=emotion, history=tuple(history[-20:]),
                               conversation_id=conversation, dialogue=state, prepared=prepared)
        reply = curated.compose(request)
        state = manager.after(state, prepared, reply)
        history += [Turn("user", text), Turn("assistant", reply)]
        replies.append(reply)
        strategies.append(prepared.plan.strategy)
    return replies, strategies


@pytest.mark.parametrize("messages", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_forty_turns_and_no_sentence_is_said_twice(curated, messages):
    assert len(messages) == 40
    replies, _ = converse(curated, messages)

    said = [sentence_key(s) for reply in replies for s in sentences(reply)]
    repeated = [s for reply in replies for s in sentences(reply) if said.count(sentence_key(s)) > 1]
    assert repeated == []
    assert all(reply.strip() for reply in replies)


@pytest.mark.parametrize("messages", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_no_greeting_after_the_first_turn_and_goodbye_is_a_close(curated, messages):
    replies, _ = converse(curated, messages)

    if messages is ENGLISH:
        assert not any(WELCOME.search(reply) for reply in replies[1:]), "a greeting after the first turn"
    else:
        assert not any(WELCOME_ZH.search(reply) for reply in replies[1:])
    assert not replies[-1].rstrip().endswith(("?", "？")), "a goodbye is closed, not questioned"


def test_a_first_message_that_says_hello_and_more_is_no_reason_to_welcome_again(curated):
    """A first message read as the greeting situation: the welcome is not what the conversation is about."""
    replies, _ = converse(curated, ["Hi, I was wondering if I could talk about how things have been lately",
                                    "it's been a rough few months", "I don't really know where to start",
                                    "things just feel heavy", "ok"], emotion=NEUTRAL)

    assert not any(WELCOME.search(reply) for reply in replies[1:]), replies


@pytest.mark.parametrize("late", ["bye", "ok"])
def test_a_short_message_late_in_a_conversation_is_never_answered_with_a_welcome(curated, late):
    replies, strategies = converse(curated, ENGLISH[1:11] + [late])

    assert not WELCOME.search(replies[-1]), replies[-1]
    if late == "bye":
        assert "?" not in replies[-1]


def test_every_chinese_message_gets_a_chinese_reply(curated):
    replies, _ = converse(curated, CHINESE)

    english = [(i, r) for i, r in enumerate(replies) if re.search(r"[A-Za-z]{2,}", r.replace("Max", ""))]
    assert english == []


def test_the_persons_own_words_come_back(curated):
    boss, _ = converse(curated, ["my boss yelled at me in front of everyone"], conversation="boss")
    dog, _ = converse(curated, ["My dog Max died yesterday, he was 14"], conversation="dog")

    assert "your boss" in boss[0]
    assert "Max" in dog[0]
    assert not re.search(r"\bcall|\btext|\bseeing their things", dog[0]), "a dog does not call"


def test_the_assistant_says_what_it_is_when_asked(curated):
    replies, strategies = converse(curated, ["I've been so lonely since I moved", "are you a bot?"])

    assert re.search(r"\b(?:automated|not a (?:person|human)|AI)\b", replies[1], re.I)
    assert strategies[1] == "other"


def test_a_feeling_is_not_reflected_that_was_not_there(curated):
    replies, _ = converse(curated, ENGLISH[:20])
    frightened = [r for r, m in zip(replies, ENGLISH[:20]) if re.search(r"\bscared|\bafraid|\bfrightened", r)]

    assert frightened == []
    assert sum("I'm glad" in r for r in replies) <= 4, "the same warmth in every reply rings hollow"


def test_an_everyday_aside_is_not_read_as_a_hardship(curated):
    replies, _ = converse(curated, ["I'm on the train, bad signal"], emotion=NEUTRAL)

    assert not re.search(r"bull(?:y|ied)|courage", replies[0]), replies[0]


def test_the_strategies_move_from_exploring_to_suggesting(curated):
    _, strategies = converse(curated, ENGLISH)

    substantive = [s for s in strategies if s != "other"]
    assert substantive[0] == "question"
    assert "suggestion" not in substantive[:3]
    assert {"question", "affirmation", "suggestion"} <= set(substantive)


def test_a_short_answer_follows_what_was_said_before_not_its_own_emotion(curated):
    joy = emotion_from_labels((LabelScore("joy", 0.9),))
    state, history = DialogueState(), []
    for text, emotion in (("I felt so humiliated today", SAD), ("it was awful", SAD), ("everyone saw it", SAD),
                          ("yeah", joy)):
        prepared = manager.prepare(text, emotion=emotion, state=state, library_of=curated.libraries.__getitem__)
        reply = curated.compose(ReplyRequest(text=text, emotion=emotion, history=tuple(history), conversation_id="y",
                                             dialogue=state, prepared=prepared))
        state = manager.after(state, prepared, reply)
        history += [Turn("user", text), Turn("assistant", reply)]

    joy_entries = curated.libraries["en"].general["joy"]
    joyful = [*joy_entries.bodies, *joy_entries.questions, *joy_entries.suggestions]
    assert not any(entry in reply for entry in joyful), reply


@pytest.mark.parametrize("messages", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_what_brought_the_person_here_is_asked_only_at_the_start(curated, messages):
    replies, _ = converse(curated, messages)
    library = curated.libraries["zh" if messages is CHINESE else "en"]
    opening = [q for general in library.general.values() for q in general.opening_questions]

    assert opening and not [r for r in replies[4:] if any(q in r for q in opening)]


def _entries(curated: CuratedReplyGenerator, name: str, language: str = "en") -> list[str]:
    """A situation's entries that have no slots: any of them in a reply says the reply is about it."""
    situation = next(s for s in curated.libraries[language].situations if s.name == name)
    return [e for e in (*situation.bodies, *situation.questions, *situation.suggestions, *situation.information)]


def _about(reply: str, entries: list[str]) -> bool:
    return any(entry in reply for entry in entries)


def test_a_story_stays_with_its_situation_through_its_details(curated):
    """A death told plainly, then details that on their own read loosely as regret or family trouble: the replies
    stay with the grief, and a laugh in it is not answered as amusement."""
    messages = ["my grandpa died on Saturday", "he taught me to fish when I was little",
                "I keep replaying the last time we talked", "he always told me to wear a coat lol",
                "I miss him so much"]
    amused = emotion_from_labels((LabelScore("amusement", 0.8),))
    state, history, replies = DialogueState(), [], []
    for text in messages:
        emotion = amused if "lol" in text else SAD
        prepared = manager.prepare(text, emotion=emotion, state=state, library_of=curated.libraries.__getitem__)
        reply = curated.compose(ReplyRequest(text=text, emotion=emotion, history=tuple(history[-10:]),
                                             conversation_id="grandpa", dialogue=state, prepared=prepared))
        state = manager.after(state, prepared, reply)
        history += [Turn("user", text), Turn("assistant", reply)]
        replies.append(reply)

    regret = _entries(curated, "guilt_regret")
    assert not [r for r in replies if _about(r, regret)]
    assert _about(replies[3], _entries(curated, "grief")) and _about(replies[4], _entries(curated, "grief"))
    assert "amused" not in replies[3]


@pytest.mark.parametrize(("text", "name", "not_name"), [
    ("I failed my biology exam this morning", "setback", "exams"),
    ("I just found out my girlfriend cheated on me", "betrayal", "breakup"),
    ("I want to tell my parents I'm gay but I'm so scared", "identity", "health_worry"),
])
def test_what_happened_is_told_apart_from_what_it_looks_like(curated, text, name, not_name):
    [reply], _ = converse(curated, [text], conversation=name)
    situation = next(s for s in curated.libraries["en"].situations if s.name == name)
    restated = [r.split("{")[0] for r in situation.restatements]

    assert _about(reply, _entries(curated, name)) or any(part and part in reply for part in restated), reply
    assert not _about(reply, _entries(curated, not_name)), reply


@pytest.mark.parametrize(("messages", "language"), [
    (["hi", "my heart is racing and I can't breathe properly"], "en"),
    (["你好", "心跳好快，喘不过气来"], "zh"),
])
def test_panic_as_the_person_writes_gets_one_calm_step_not_a_question_about_it(curated, messages, language):
    replies, strategies = converse(curated, messages)

    assert replies[1] in curated.libraries[language].answers["grounding"]
    assert strategies[1] == "suggestion"


def test_a_goodbye_spoken_of_in_grief_is_not_answered_as_leaving(curated):
    replies, strategies = converse(curated, ["my nan died last month", "I never got to say goodbye to her"])

    assert strategies[1] != "other" and not replies[1].startswith(tuple(curated.libraries["en"].turns["goodbye"]))


def test_good_news_is_a_moment_not_a_story_to_stay_in(curated):
    """A baby born (good news) and then "I barely sleep", "I feel like a bad mom": nothing to celebrate there."""
    replies, _ = converse(curated, ["I had a baby two months ago", "everyone says I should be happy but I feel empty",
                                    "I barely sleep", "I feel like a bad mom"], emotion=NEUTRAL)
    good_news = _entries(curated, "good_news")

    assert not [reply for reply in replies[1:] if _about(reply, good_news)], replies

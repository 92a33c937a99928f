"""The combined reading, row by row of its decision table (inference/triage.py, docs/moderation.md), with the
rules' real readings of real sentences and the model's readings as the model would give them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.conf import settings

from inference import goemotions, safety_net, triage
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.backends.transformers_risk import TransformersRiskDetector
from conversations.chat import screening
from inference.types import FAINT, UNPLACED, Risk


def model(level: str, subject: str = "self", score: float | None = None) -> Risk:
    scores = {"none": 0.01, "indicator": 0.2, "ideation": 0.7, "behavior": 0.9, "imminent": 0.97}
    return Risk(level=level, score=scores[level] if score is None else score, source="model",
                subject=subject if level != "none" else "")


def read(text: str, reading: Risk | None) -> Risk:
    return triage.combined(safety_net.assess(text), reading)


@pytest.mark.parametrize("reading", [None, Risk(source="model_unread"), Risk(level="ideation", score=0.9,
                                                                               source="safety_net")])
def test_row_1_without_the_models_reading_the_rules_reading_stands(reading):
    rules = safety_net.assess("I want to die")

    assert triage.combined(rules, reading) == rules
    assert triage.combined(safety_net.assess("我不想死，只是很累"), reading).level == "none"


def test_row_2_a_first_person_statement_is_never_lowered_by_the_model():
    combined = read("I want to end my life", model("none"))

    assert (combined.level, combined.subject, combined.categories) == ("ideation", "self", ("self_harm",))
    assert combined.source == "combined"


def test_row_2_the_model_may_raise_a_statement_when_it_reads_the_writer():
    assert read("I want to die, I have the rope in my car", model("behavior")).level == "behavior"
    assert read("I want to die", model("imminent", subject="other")).level == "ideation"


def test_row_3_someone_else_at_risk_is_the_rules_reading_whatever_the_model_says():
    helper = read("My friend told me she wants to die. How can I help her?", model("ideation", subject="self"))
    danger = read("my friend just took a bottle of pills and won't answer", model("indicator"))

    assert (helper.level, helper.subject, helper.categories) == ("indicator", "other", ("third_party",))
    assert not helper.flagged
    assert (danger.level, danger.subject, danger.flagged) == ("imminent", "other", True)


@pytest.mark.parametrize(("text", "subject"), [
    ("I would never kill myself, but I'm exhausted", "self"),
    ("this exam is killing me, I have three more tomorrow", "not_literal"),
    ("I'll kill myself if I fail this lol", "not_literal"),
    ("please don't kill yourself, you matter to me", "not_literal"),
])
def test_row_4_cues_the_rules_are_sure_of_cap_the_model_at_indicator(text, subject):
    combined = read(text, model("ideation"))

    assert combined.level == "indicator"
    assert combined.subject == subject
    assert read(text, model("none")).level == "none"


def test_row_4_keeps_the_rules_own_distress_reading():
    combined = read("I'm not going to hurt myself, I just feel hopeless", model("none"))

    assert (combined.level, combined.subject) == ("indicator", "self")


def test_row_5_with_no_sure_cue_the_model_decides_at_least_at_the_rules_level():
    assert read("I just feel so alone. Nobody ever texts me first", model("indicator")).level == "indicator"
    assert read("I just feel so alone. Nobody ever texts me first", model("none")).level == "none"
    assert read("I keep thinking everyone would be happier if I just disappeared", model("ideation")).flagged
    long_post = " ".join(["Every day is the same and it keeps getting heavier."] * 6)
    assert read(long_post, model("ideation", score=0.97)).flagged, "a post names no danger; the model is sure of it"
    hopeless = read("I feel hopeless", model("none"))
    assert (hopeless.level, hopeless.subject, hopeless.categories) == ("indicator", "self", ("self_harm",))


def test_row_7_the_model_alone_on_a_chat_message_that_names_no_danger_asks_rather_than_escalates():
    short = read("nobody ever texts me first and the nights are so long", model("ideation", score=0.99))

    assert (short.level, short.subject, "unspoken" in short.cues) == ("indicator", "self", True)
    assert read("I live alone and it gets quiet", model("behavior")).level == "indicator"
    assert read("I live alone and I keep thinking about ending it", model("ideation")).flagged


def test_row_7_a_long_message_with_no_passage_of_danger_asks_rather_than_escalates():
    """Long and sad, no sentence the model reads as danger on its own (its `unplaced` cue), no words of danger."""
    long_sad = " ".join(["Work has been so heavy lately and I cry on the way home most evenings."] * 5)
    unplaced = Risk(level="ideation", score=0.8, categories=("self_harm",), source="model", subject="self",
                    cues=(UNPLACED,))

    assert read(long_sad, unplaced).level == "indicator"
    assert read(long_sad, model("ideation", score=0.97)).flagged, "a passage read as danger, and sure: it stands"
    named = long_sad + " Some nights I think everyone would be better off without me."
    assert read(named, replace(unplaced, level="behavior")).level == "behavior", "the words of danger: it stands"


def test_row_7_a_long_message_the_model_is_not_sure_of_asks_rather_than_escalates():
    """No words of danger, and a low-confidence reading (calibrated P(ideation or above) under CONFIDENT): a long
    account of a hard month is a reason to ask, not to open a case. With a word of danger the model's reading
    stands at any confidence."""
    long_sad = " ".join(["Work has been so heavy lately and I cry on the way home most evenings."] * 5)

    assert read(long_sad, model("ideation", score=triage.CONFIDENT - 0.01)).level == "indicator"
    assert read(long_sad, model("ideation", score=triage.CONFIDENT)).level == "ideation"
    assert read(long_sad + " I don't know how much longer I can take this.", model("ideation", score=0.7)).flagged


@pytest.mark.parametrize("text", [
    "I'm going to do it. I'm tired of crying every day",
    "goodbye everyone, thanks for trying",
    "it will be easier for them when I'm gone",
    "I keep thinking about jumping",
    "would shooting myself hurt",
    "I took 900 mg last time, is more enough?",
    "this world is not for me",
    "I cut my wrists again",
    "I can't take life anymore. It's over, I'm done.",
    "What's the point. I'm alone and a burden.",
    "there is no way out of this for me anymore",
    "I don't know how to survive this. It's gonna end soon",
    "I'm at my breaking point",
])
def test_row_7_does_not_hold_back_the_ways_people_name_dying_without_the_word(text):
    reading = read(text, model("ideation"))

    assert "unspoken" not in reading.cues and reading.flagged


def test_row_6_the_model_reading_someone_else_or_nobody_flags_only_danger_now():
    assert read("she keeps saying there's no point going on", model("ideation", subject="other")).level == \
        "indicator"
    assert read("the article was about a rise in suicides", model("ideation", subject="not_literal")).level == \
        "indicator"
    now = read("my sister is on the roof of her building", model("imminent", subject="other"))
    assert (now.level, now.categories) == ("imminent", ("third_party",))


@pytest.mark.parametrize("text", ["my brother lives two hours away and never calls",
                                  "she texted me that she doesn't want to see me anymore"])
@pytest.mark.parametrize("level", ["indicator", "ideation", "imminent"])
def test_row_6_someone_else_in_a_message_that_names_no_danger_is_nobody_at_risk(text, level):
    """Nobody's death or harm was spoken of: no guidance on asking a brother about suicide (the helper path)."""
    combined = read(text, model(level, subject="other", score=0.97))

    assert (combined.level, combined.subject, combined.categories) == ("none", "", ())


@pytest.mark.parametrize(("text", "reading", "faint"), [
    # The model alone, in a chat message that names no danger: too faint to ask about suicide.
    ("I'm doing fine at the moment", model("indicator", score=0.39), True),
    ("I'm alone at home again tonight", model("ideation", score=0.98), True),
    # A longer message the model reads as ideation it is not sure of (row 7): asked about.
    (" ".join(["Work has been so heavy lately and I cry on the way home most evenings."] * 5),
     model("ideation", score=0.9), False),
    # ...but not one it reads only as indicator.
    (" ".join(["Work has been so heavy lately and I cry on the way home most evenings."] * 5),
     model("indicator", score=0.4), True),
    # The rules' own words of distress, or words of danger: asked about.
    ("I feel hopeless about everything lately", model("indicator", score=0.4), False),
    ("I'm not going to hurt myself, I just feel hopeless", model("none"), False),
    ("sometimes I think about not waking up", model("indicator", score=0.4), False),
])
def test_an_indicator_from_the_model_alone_in_a_message_naming_no_danger_is_faint(text, reading, faint):
    combined = read(text, reading)

    assert combined.level == "indicator"
    assert (FAINT in combined.cues) is faint


@pytest.mark.parametrize("text", ["I want to die", "my friend is suicidal", "this exam is killing me",
                                  "I feel hopeless", "hello", "我想死"])
@pytest.mark.parametrize("level", ["none", "indicator", "ideation", "behavior", "imminent"])
def test_the_combined_reading_is_never_below_the_rules_reading(text, level):
    """The rules' reading is acted on at once (the card, the case); the model's arrival never takes it back."""
    rules = safety_net.assess(text)

    assert triage.combined(rules, model(level)).level in _at_or_above(rules.level)


def _at_or_above(level: str) -> tuple[str, ...]:
    levels = ("none", "indicator", "ideation", "behavior", "imminent")
    return levels[levels.index(level):]


@pytest.fixture(scope="module")
def detector():
    return TransformersRiskDetector(settings.EMOCHAT_RISK_MODEL, device="cpu")


@pytest.fixture(scope="module")
def emotion():
    return TransformersEmotionClassifier(settings.EMOCHAT_EMOTION_MODEL, device="cpu")


class TestTheShippedModelWithTheRules:
    """The messages that showed the problem, read as the chat reads them: the rules and the shipped model."""

    @pytest.mark.parametrize("text", [
        "I just feel so alone. Nobody ever texts me first",
        "I would never kill myself, but I'm exhausted",
        "I can't find a job no matter how many applications I send",
        "Doing fine, thanks. And you?",
        "ok thanks, bye",
        "this week is killing me, three deadlines and no sleep",
        "我不想死，只是很累",
    ])
    def test_sadness_and_everyday_chat_are_not_danger(self, detector, text):
        assert not triage.read(detector, [text])[0].flagged

    @pytest.mark.parametrize("text", [
        "I'm not sure where to start honestly",
        "I'm doing fine at the moment, thanks",
        "I'm so tired. I work all day and then drive to the hospital every evening",
        "my brother lives two hours away and never calls",
    ])
    def test_everyday_chat_is_never_asked_about_suicide_nor_answered_as_a_helper(self, detector, text):
        reading = triage.read(detector, [text])[0]

        assert reading.subject != "other"
        assert not screening.due(None, level=reading.level, subject=reading.subject, score=reading.score, seq=1,
                                 cues=reading.cues)

    def test_someone_helping_a_friend_is_read_as_the_friends_risk_not_theirs(self, detector):
        reading = triage.read(detector, ["My friend told me she wants to die. How can I help her?"])[0]

        assert (reading.subject, reading.categories, reading.flagged) == ("other", ("third_party",), False)

    @pytest.mark.parametrize(("text", "at_least"), [
        ("I have pills saved up", "behavior"),
        ("I want to kill myself tonight", "imminent"),
        ("I have the pills ready and I wrote the notes, tonight is the night", "imminent"),
        ("I want to end my life", "ideation"),
        ("nobody would notice if I disappeared", "indicator"),
    ])
    def test_plain_statements_of_danger_read_at_their_level(self, detector, text, at_least):
        assert triage.read(detector, [text])[0].level in _at_or_above(at_least)

    def test_ok_bye_after_a_flagged_message_is_not_read_as_new_danger(self, detector):
        assert triage.read(detector, ["ok thanks, bye"], [["I want to die"]])[0].level == "none"

    @pytest.mark.parametrize("text", ["I want to kill myself tonight", "I want to end my life",
                                      "I have the pills ready and I wrote the notes, tonight is the night"])
    def test_a_flagged_message_never_shows_a_cheerful_chip(self, detector, emotion, text):
        risk = triage.read(detector, [text])[0]
        shown = goemotions.beside_risk(emotion.classify([text])[0], flagged=risk.flagged)

        assert risk.flagged and shown.group != "joy" and shown.sentiment != "positive"

"""The crisis safety net reads who is at risk and whether the words are meant, in English and Chinese."""

from __future__ import annotations

import pytest

from inference.safety_net import SafetyNetRiskDetector, assess


def level(text: str, context: tuple[str, ...] = ()) -> str:
    return assess(text, context).level


@pytest.mark.parametrize(("text", "expected"), [
    ("I want to die", "ideation"),
    ("honestly I just want to kill myself", "ideation"),
    ("I wish I was dead", "ideation"),
    ("I don't want to live anymore", "ideation"),
    ("I've been thinking about ending my life", "ideation"),
    ("I feel suicidal", "ideation"),
    ("everyone would be better off without me", "ideation"),
    ("I think about suicide every day", "ideation"),
    ("I have a plan to kill myself", "behavior"),
    ("I bought a rope to hang myself", "behavior"),
    ("I've been cutting myself again", "behavior"),
    ("I wrote my suicide note", "behavior"),
    ("I tried to kill myself last year", "behavior"),
    ("I know exactly how I'd do it", "behavior"),
    ("I've been giving away all my things", "behavior"),
    ("I just want the pain to stop forever", "ideation"),
    ("I just took a bottle of pills", "imminent"),
    ("I just OD'd", "imminent"),
    ("Just OD'd. Bye.", "imminent"),
    ("I overdosed an hour ago", "imminent"),
    ("I OD'd two years ago", "behavior"),
    ("I'm going to kill myself tonight", "imminent"),
    ("I'm standing on the bridge", "imminent"),
    ("This is goodbye. By the time you read this I'll be gone", "imminent"),
    ("I feel hopeless", "indicator"),
    ("I can't take it anymore", "indicator"),
    ("I can't hold on much longer", "indicator"),
    ("I hate myself", "indicator"),
    ("I've lost all hope", "indicator"),
    ("I am tired, a burden to everyone around me", "indicator"),
    # Chat drops the "I": a clause that starts with the wish is the writer's.
    ("want to die.", "ideation"),
    ("back home now. still just want to die", "ideation"),
    ("wanna die", "ideation"),
    ("this place makes me want to blow my brains out", "ideation"),
    ("I keep wanting to shoot myself", "ideation"),
    ("I feel like killing myself", "ideation"),
    ("so depressed, feeling like ending it all", "ideation"),
])
def test_explicit_first_person_statements_read_at_their_level(text, expected):
    reading = assess(text)

    assert reading.level == expected
    assert reading.categories[0] == "self_harm"
    assert reading.source == "safety_net"


@pytest.mark.parametrize("text", [
    "I don't want to die",
    "I would never kill myself",
    "I'm not suicidal, just tired",
    "I'm not going to hurt myself",
    "I no longer want to kill myself",
    "I don't feel like killing myself, just tired",
])
def test_negated_statements_are_not_risk(text):
    assert level(text) == "none"


def test_a_hope_is_no_denial_of_what_it_fears():
    reading = assess("I hope this loneliness doesn't drive me to suicide")
    assert "negated" not in reading.cues and "unspoken" not in reading.cues
    assert "negated" in assess("I hope so, but I would never kill myself").cues


@pytest.mark.parametrize("text", ["Need to end it with him before the holidays", "want to go die my hair blue?",
                                  "I don't want to be a burden on my friends", "we hang out after work"])
def test_what_only_looks_like_a_dropped_i_or_a_burden_is_not_risk(text):
    assert level(text) == "none"


def test_a_laugh_makes_a_joke_only_of_what_it_laughs_at():
    """"haha" about the heroin later does not make "still want to die" a joke; "kms. lol" is one."""
    serious = assess("At the ward again. still want to die. mum brought cake haha")
    assert serious.level == "ideation" and "joking" not in serious.cues
    assert assess("kms. lol").level == "indicator" and "joking" in assess("kms. lol").cues


def test_a_sentence_run_into_the_next_is_read_as_two():
    assert "unspoken" not in assess("What's the pointI am alone and so tired").cues


@pytest.mark.parametrize("text", [
    "I overdosed on coffee before the exam",
    "I didn't OD, I just slept badly",
])
def test_what_people_overdo_that_is_not_a_drug_is_not_an_overdose(text):
    assert level(text) == "none"


def test_a_negation_does_not_reach_past_a_new_clause_of_the_writer():
    """"no longer suffering should I die" is no negation of dying: the model reads the rest."""
    assert "negated" not in assess("they should be happy that I'm no longer suffering should I die").cues
    assert "negated" in assess("I'm not going to end my life").cues


@pytest.mark.parametrize(("text", "expected"), [
    ("I want to unalive myself", "ideation"),
    ("anyone else think about unaliving myself every day?", "ideation"),
    ("I keep thinking about sucide", "ideation"),
    ("been thinking about sewerslide a lot", "ideation"),
    ("I want to kill myslef", "ideation"),
    ("trying to joke so I forget about killing thymself", "ideation"),
    ("does anyone else think about ending my life like this", "ideation"),
    ("the thought of taking my own life scares me", "ideation"),
    ("I'm not thinking about killing myself, just tired", "none"),
    ("the villain got unalived in the last episode", "none"),
])
def test_how_people_spell_it_and_thoughts_said_without_the_i_read_as_the_plain_words(text, expected):
    assert level(text) == expected


@pytest.mark.parametrize(("text", "spoken"), [
    ("I can't do this anymore", True),
    ("what's the point", True),
    ("will it ever end", True),
    ("will it ever endthis sadness", True),
    ("soon I'll be gone", True),
    ("will it ever end up working?", False),
    ("I have lost all hope", True),
    ("It's over, I'm done.", True),
    ("I'm sorry, everyone.", True),
    ("I'm done with my exams, finally", False),
    ("my job is boring and I'm stuck", False),
    ("my aunt tried to end her own life", True),
    ("she says there's no point going on", True),
    ("everyone will forget me soon enough", True),
    ("nobody will remember me", True),
    ("I keep picturing my own funeral", True),
    ("I'm so tired of fighting", True),
    ("ten more days till I don't have to fight", True),
    ("I'm tired of fighting with my brother about chores", False),
    ("at least we don't have to fight about money now", False),
    ("a reason not to kill yourself", True),
    ("I'm going for a drive and I'm not coming back", True),
])
def test_warning_signs_said_without_the_words_name_danger(text, spoken):
    assert ("unspoken" not in assess(text).cues) is spoken


def test_a_long_message_is_unspoken_when_it_names_no_danger_whatever_its_length():
    long_sad = " ".join(["Work has been so heavy lately and I cry on the way home most evenings."] * 5)
    long_risky = long_sad + " Sometimes I think I'd be better off dead."

    assert {"unspoken"} <= set(assess(long_sad).cues) and "brief" not in assess(long_sad).cues
    assert "unspoken" not in assess(long_risky).cues


@pytest.mark.parametrize("text", [
    "please don't kill yourself, I'm here for you",
    "you should never hurt yourself",
    "I read an article about suicide rates in teens",
    "the news said a man killed himself on the tracks",
    "this exam is killing me",
    "I could die of embarrassment",
    "I'm dying to see that movie",
    "kill me now, this lecture is so boring",
    "what a lovely day, I passed my driving test",
    "I just want this headache to stop",
    "I gave away my old bike to my cousin",
])
def test_comfort_news_and_hyperbole_are_not_risk(text):
    assert level(text) == "none"


def test_a_threat_made_with_a_laugh_is_noticed_but_not_read_as_intent():
    assert level("I'm going to kill myself if I fail this exam lol") == "indicator"


@pytest.mark.parametrize(("text", "expected"), [
    ("my sister said she wants to die", "indicator"),
    ("my friend is suicidal and I don't know what to do", "indicator"),
    ("my friend just took a bottle of pills and won't answer", "imminent"),
    ("my friend just OD'd", "imminent"),
    ("he's going to kill himself tonight", "imminent"),
    ("我朋友说想死", "indicator"),
    # A negation before the other person is the writer's own ("I didn't see"), not a denial of the other's wish.
    ("I didn't see any signs that she wanted to end things", "indicator"),
    ("my brother wanted to end his own life last year", "indicator"),
])
def test_someone_else_at_risk_is_the_third_party_category(text, expected):
    reading = assess(text)

    assert reading.level == expected
    assert reading.categories == ("third_party",)


@pytest.mark.parametrize(("text", "category"), [
    ("my dad hits me when he's drunk", "being_harmed"),
    ("I'm being abused at home", "being_harmed"),
    ("I want to kill him", "harm_to_others"),
])
def test_violence_against_the_person_or_by_them_is_flagged_in_its_category(text, category):
    reading = assess(text)

    assert reading.flagged
    assert category in reading.categories


@pytest.mark.parametrize(("text", "expected"), [
    ("我想死", "ideation"),
    ("我不想活了", "ideation"),
    ("活着没意思", "ideation"),
    ("我写好了遗书", "behavior"),
    ("我一直在割腕", "behavior"),
    ("我今晚就要自杀", "imminent"),
    ("我已经吃了一整瓶安眠药", "imminent"),
    ("我好绝望", "indicator"),
    # Holding on no longer, being alive as tiring: words of distress, asked about rather than escalated.
    ("感觉自己快撑不住了", "indicator"),
    ("活着好累", "indicator"),
    ("我真的好累，不想再撑了", "indicator"),
    ("工作太多了，好忙", "none"),
    ("我不想死", "none"),
    ("今天天气很好", "none"),
])
def test_simplified_chinese(text, expected):
    assert level(text) == expected


def test_a_message_with_several_statements_reads_at_its_highest():
    reading = assess("I'm fine at school. But I have a plan to kill myself. My dad hits me.")

    assert reading.level == "behavior"
    assert reading.categories == ("self_harm", "being_harmed")


def test_distress_after_an_earlier_flagged_message_stays_flagged():
    assert level("I can't take it anymore") == "indicator"
    assert level("I can't take it anymore", ("hi", "I want to die")) == "ideation"
    assert level("I can't take it anymore", ("hi", "exams are hard")) == "indicator"


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "😀" * 500, "word " * 3000, "死" * 4000])
def test_odd_input_never_raises(text):
    assert assess(text).level in ("none", "indicator", "ideation")


def test_curly_apostrophes_from_phones_read_like_straight_ones():
    assert level("I don\u2019t want to live anymore") == "ideation"
    assert level("I don\u2019t want to die") == "none"


def test_the_detector_interface_reads_each_text_with_its_context():
    readings = SafetyNetRiskDetector().assess(["I can't take it anymore", "I can't take it anymore"],
                                              contexts=[("I want to die",), ()])

    assert [r.level for r in readings] == ["ideation", "indicator"]

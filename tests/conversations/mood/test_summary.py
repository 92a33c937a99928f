"""The week in plain words at the top of the mood page (conversations/mood/summary.py): a few shapes of week,
and the words it must never use. Pure: no database."""

from __future__ import annotations

import itertools
import re

import pytest

from conversations.models import MoodCheckIn
from conversations.mood.summary import CHECKIN_WORDS, MAX_SENTENCES, Week, week_summary

HEAVY = Week(readings=6, positive=1, negative=5, feelings=(("sadness", 3), ("nervousness", 2), ("grief", 1)))
LIGHT = Week(readings=6, positive=5, negative=1, feelings=(("joy", 3), ("gratitude", 2)))
EVEN = Week(readings=6, positive=3, negative=3, feelings=(("joy", 3), ("sadness", 3)))
NOTHING = Week()

# Words of diagnosis, treatment and judgement: the summary describes words on days, never a person.
CLINICAL = re.compile(r"diagnos|depress|disorder|symptom|clinical|patholog|illness|anxiety|bipolar|ptsd|trauma"
                      r"|therap|medic|treatment|patient|condition|abnormal|severe|score|risk", re.IGNORECASE)


def test_a_heavier_week_than_the_last_names_its_feelings_and_is_gentle():
    assert week_summary(HEAVY, LIGHT) == [
        "This week, the feelings that came up most were sadness and nervousness.",
        "Your days felt a little heavier than the week before, so be gentle with yourself.",
    ]


def test_a_lighter_week_than_the_last_says_so():
    assert week_summary(LIGHT, HEAVY) == [
        "This week, the feelings that came up most were joy and gratitude.",
        "Your days leaned a little lighter than the week before.",
    ]


def test_a_week_like_the_last_says_it_was_much_the_same():
    summary = week_summary(EVEN, Week(readings=4, positive=2, negative=2))

    assert summary[1] == "Overall, it felt much like the week before."


@pytest.mark.parametrize(("week", "sentence"), [
    (HEAVY, "Overall, your days leaned towards the heavier side, so be gentle with yourself."),
    (LIGHT, "Overall, your days leaned towards the lighter side."),
    (EVEN, "Overall, it was a mix of lighter and heavier moments."),
], ids=["heavy", "light", "mixed"])
def test_without_enough_from_the_week_before_the_week_is_described_on_its_own(week, sentence):
    assert week_summary(week, Week(readings=2, positive=0, negative=2))[1] == sentence


def test_one_feeling_and_none_are_worded_as_such():
    assert week_summary(Week(readings=3, negative=3, feelings=(("grief", 3),)), NOTHING)[0] == (
        "This week, the feeling that came up most was grief.")
    assert week_summary(Week(readings=3), NOTHING)[0] == "This week, no one feeling stood out in what you wrote."


def test_with_nothing_this_week_it_says_so_kindly_and_nothing_else():
    assert week_summary(NOTHING, HEAVY) == [
        "Nothing from this week yet, and that's okay. Whenever you feel like talking, what comes up will gather here."
    ]


def test_with_too_few_messages_it_sees_no_pattern_and_does_not_compare():
    summary = week_summary(Week(readings=2, negative=2, feelings=(("sadness", 2),)), LIGHT)

    assert summary == ["There's only a little from this week so far, too little to see a pattern, and that's okay."]


def test_check_ins_are_said_back_in_the_persons_own_answer():
    assert week_summary(Week(checkins=(2,)), NOTHING) == [
        "When you checked in, you said you felt low.",
        "There's nothing from your messages this week to say more, and that's okay.",
    ]
    # The most frequent answer; on a tie, the latest.
    assert week_summary(Week(checkins=(1, 3, 3, 4)), NOTHING)[0] == (
        "You checked in 4 times, and most often said you felt okay.")
    assert week_summary(Week(checkins=(2, 4)), NOTHING)[0] == (
        "You checked in 2 times, and most often said you felt good.")


def test_a_full_week_with_check_ins_is_three_sentences_at_most():
    summary = week_summary(Week(readings=6, positive=1, negative=5, feelings=HEAVY.feelings, checkins=(3,)), LIGHT)

    assert len(summary) == MAX_SENTENCES
    assert summary[2] == "When you checked in, you said you felt okay."


def test_no_shape_of_week_uses_clinical_words_or_says_more_than_three_sentences():
    weeks = [HEAVY, LIGHT, EVEN, NOTHING, Week(readings=1, negative=1), Week(readings=3),
             Week(readings=9, negative=9, feelings=(("grief", 5), ("remorse", 4)), checkins=(1, 1))]
    for this_week, last_week in itertools.product(weeks, repeat=2):
        summary = week_summary(this_week, last_week)

        assert 1 <= len(summary) <= MAX_SENTENCES
        assert all(sentence.endswith(".") and not CLINICAL.search(sentence) for sentence in summary), summary


def test_the_check_in_words_are_the_answers_labels():
    assert CHECKIN_WORDS == {value: label.lower() for value, label in MoodCheckIn.Value.choices}

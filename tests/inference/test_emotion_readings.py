"""Readings that are not an emotion: a language the model cannot read, and no cheerful chip beside risk."""

from __future__ import annotations

from inference import goemotions
from inference.types import LabelScore


def reading(*labels: tuple[str, float]):
    return goemotions.emotion_from_labels(tuple(LabelScore(label, score) for label, score in labels))


def test_a_flagged_message_never_shows_a_positive_reading():
    joy_and_sadness = reading(("joy", 0.6), ("sadness", 0.4))
    only_joy = reading(("joy", 0.8), ("optimism", 0.5))

    shown = goemotions.beside_risk(joy_and_sadness, flagged=True)
    assert (shown.group, shown.sentiment, [item.label for item in shown.labels]) == ("sadness", "negative",
                                                                                      ["sadness"])
    hidden = goemotions.beside_risk(only_joy, flagged=True)
    assert (hidden.group, hidden.labels) == (goemotions.NO_CHIP, ())
    assert goemotions.beside_risk(reading(("neutral", 0.9)), flagged=True).group == goemotions.NO_CHIP


def test_a_stance_is_no_feeling_the_chip_shows():
    yes = reading(("approval", 0.8))
    no = reading(("disapproval", 0.7), ("neutral", 0.3))
    yes_and_thanks = reading(("approval", 0.8), ("gratitude", 0.5))

    assert (yes.group, yes.sentiment, yes.labels[0].label) == ("neutral", "neutral", "approval")
    assert (no.group, no.sentiment) == ("neutral", "neutral")
    assert (yes_and_thanks.group, yes_and_thanks.sentiment) == ("joy", "positive")


def test_an_unflagged_or_already_negative_reading_is_left_as_read():
    joy = reading(("joy", 0.8))
    fear = reading(("fear", 0.7), ("relief", 0.2))

    assert goemotions.beside_risk(joy, flagged=False) == joy
    assert goemotions.beside_risk(fear, flagged=True) == fear


def test_not_read_survives_beside_risk_and_round_trips():
    unread = goemotions.not_read()

    assert goemotions.beside_risk(unread, flagged=True) == unread
    assert unread.as_dict() == {"labels": [], "group": "not_read", "sentiment": "not_read"}

"""The few plain sentences at the top of the person's mood page about their week. Pure: no database here;
selectors.py counts a week into a `Week` and calls `week_summary`.

It is written for the person, about what they wrote, and reads like a friend noticing, not a report: which
feelings came up most, whether the days leaned lighter or heavier than the week before, what they said when they
checked in. It never names a condition, never scores the person and never advises treatment; the emotion model
reads words, not people, and the page says so. With too little to go on it says that, kindly, and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

# Fewer readings than this in a week are too few to say which way it leaned.
MIN_READINGS = 3
# How far (on the -1..1 balance of lighter and heavier messages) one week must be from the other, or from even,
# before the summary calls it lighter or heavier; closer than this it is "much the same" or "a mix".
LEAN = 0.2
MAX_SENTENCES = 3
# The words beside each check-in value (models/mood.py MoodCheckIn.Value), as they sit inside a sentence.
CHECKIN_WORDS = {1: pgettext_lazy("felt", "really low"), 2: pgettext_lazy("felt", "low"),
                 3: pgettext_lazy("felt", "okay"), 4: pgettext_lazy("felt", "good"), 5: pgettext_lazy("felt", "great")}
# The feelings the emotion model reads (inference.goemotions.LABELS but "neutral"), as they sit in a sentence.
FEELINGS = {
    "admiration": pgettext_lazy("feeling", "admiration"), "amusement": pgettext_lazy("feeling", "amusement"),
    "anger": pgettext_lazy("feeling", "anger"), "annoyance": pgettext_lazy("feeling", "annoyance"),
    "approval": pgettext_lazy("feeling", "approval"), "caring": pgettext_lazy("feeling", "caring"),
    "confusion": pgettext_lazy("feeling", "confusion"), "curiosity": pgettext_lazy("feeling", "curiosity"),
    "desire": pgettext_lazy("feeling", "desire"), "disappointment": pgettext_lazy("feeling", "disappointment"),
    "disapproval": pgettext_lazy("feeling", "disapproval"), "disgust": pgettext_lazy("feeling", "disgust"),
    "embarrassment": pgettext_lazy("feeling", "embarrassment"), "excitement": pgettext_lazy("feeling", "excitement"),
    "fear": pgettext_lazy("feeling", "fear"), "gratitude": pgettext_lazy("feeling", "gratitude"),
    "grief": pgettext_lazy("feeling", "grief"), "joy": pgettext_lazy("feeling", "joy"),
    "love": pgettext_lazy("feeling", "love"), "nervousness": pgettext_lazy("feeling", "nervousness"),
    "optimism": pgettext_lazy("feeling", "optimism"), "pride": pgettext_lazy("feeling", "pride"),
    "realization": pgettext_lazy("feeling", "realization"), "relief": pgettext_lazy("feeling", "relief"),
    "remorse": pgettext_lazy("feeling", "remorse"), "sadness": pgettext_lazy("feeling", "sadness"),
    "surprise": pgettext_lazy("feeling", "surprise"),
}


def feeling_name(label: str) -> str:
    """A feeling's name in the active language."""
    return str(FEELINGS.get(label, label))


@dataclass(frozen=True)
class Week:
    """What seven days of the person's messages and check-ins add up to."""

    readings: int = 0  # their messages with an emotion reading
    positive: int = 0  # of those, read as positive
    negative: int = 0  # of those, read as negative
    # The strongest feeling read in each message, most frequent first; "neutral" is not a feeling and is left out.
    feelings: tuple[tuple[str, int], ...] = ()
    checkins: tuple[int, ...] = ()  # check-in values, oldest first

    @property
    def enough(self) -> bool:
        return self.readings >= MIN_READINGS

    @property
    def balance(self) -> float | None:
        """From -1 (every message read as heavy) to 1 (every one light); None with no readings."""
        return (self.positive - self.negative) / self.readings if self.readings else None


def week_summary(this_week: Week, last_week: Week) -> list[str]:
    """One to three sentences about `this_week`, compared with `last_week` where both have enough in them."""
    sentences: list[str] = []
    if this_week.enough:
        sentences.append(_feelings_sentence(this_week))
        sentences.append(_lean_sentence(this_week, last_week))
    if this_week.checkins:
        sentences.append(_checkin_sentence(this_week.checkins))
    if not this_week.enough:
        sentences.append(_too_little_sentence(this_week))
    return sentences[:MAX_SENTENCES]


def _feelings_sentence(week: Week) -> str:
    names = [feeling_name(label) for label, _count in week.feelings[:2]]
    if not names:
        return _("This week, no one feeling stood out in what you wrote.")
    if len(names) == 1:
        return _("This week, the feeling that came up most was %(feeling)s.") % {"feeling": names[0]}
    return _("This week, the feelings that came up most were %(first)s and %(second)s.") % {
        "first": names[0], "second": names[1]}


def _lean_sentence(this_week: Week, last_week: Week) -> str:
    balance = this_week.balance or 0.0
    if last_week.enough:
        change = balance - (last_week.balance or 0.0)
        if change >= LEAN:
            return _("Your days leaned a little lighter than the week before.")
        if change <= -LEAN:
            return _("Your days felt a little heavier than the week before, so be gentle with yourself.")
        return _("Overall, it felt much like the week before.")
    if balance >= LEAN:
        return _("Overall, your days leaned towards the lighter side.")
    if balance <= -LEAN:
        return _("Overall, your days leaned towards the heavier side, so be gentle with yourself.")
    return _("Overall, it was a mix of lighter and heavier moments.")


def _checkin_sentence(checkins: tuple[int, ...]) -> str:
    if len(checkins) == 1:
        return _("When you checked in, you said you felt %(felt)s.") % {"felt": CHECKIN_WORDS[checkins[0]]}
    # The most frequent answer; between equally frequent ones, the latest.
    latest_first = checkins[::-1]
    most = max(latest_first, key=latest_first.count)
    return ngettext("You checked in %(count)d time, and most often said you felt %(felt)s.",
                    "You checked in %(count)d times, and most often said you felt %(felt)s.",
                    len(checkins)) % {"count": len(checkins), "felt": CHECKIN_WORDS[most]}


def _too_little_sentence(week: Week) -> str:
    if week.readings == 0 and not week.checkins:
        return _("Nothing from this week yet, and that's okay. Whenever you feel like talking, what comes up will "
                 "gather here.")
    if week.readings == 0:
        return _("There's nothing from your messages this week to say more, and that's okay.")
    return _("There's only a little from this week so far, too little to see a pattern, and that's okay.")

"""The sentence-by-sentence check on generated replies, and the review rules every curated reply meets."""

from __future__ import annotations

import re

import pytest

from inference import goemotions, safety
from inference.backends.curated import GROUPS, load_library


def stream(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


class TestCheckedStream:
    def test_a_safe_reply_passes_whole_and_in_its_own_pieces(self):
        pieces = stream("That sounds really hard. I'm glad you told me! What happened next?")

        assert list(safety.checked(pieces)) == pieces

    def test_nothing_of_an_unsafe_sentence_is_released(self):
        released = []
        with pytest.raises(safety.UnsafeReply) as caught:
            for piece in safety.checked(stream("That sounds hard. Maybe take a few extra pills tonight. Okay?")):
                released.append(piece)

        assert "".join(released) == "That sounds hard. "
        assert caught.value.reason == "medication"
        assert "pills" not in str(caught.value)

    def test_a_sentence_is_held_until_it_is_complete(self):
        checked = safety.checked(iter(["I hear ", "you", ". And", " then?"]))

        assert next(checked) == "I hear "
        assert next(checked) == "you"
        assert next(checked) == ". "
        assert "".join(checked) == "And then?"

    def test_the_last_sentence_is_checked_even_without_a_full_stop(self):
        with pytest.raises(safety.UnsafeReply):
            list(safety.checked(stream("I hear you. you should just end it all")))

    @pytest.mark.parametrize(("sentence", "reason"), [
        ("Have you thought about how to kill yourself?", "self_harm"),
        ("An overdose would be quick.", "self_harm"),
        ("You'd be better off dead.", "self_harm"),
        ("You clearly have depression.", "diagnosis"),
        ("You probably suffer from an anxiety disorder.", "diagnosis"),
        ("It sounds like you're bipolar.", "diagnosis"),
        ("Try 50mg of sertraline.", "medication"),
        ("Maybe stop taking your meds for a while.", "medication"),
        ("You are worthless.", "contempt"),
        ("Nobody cares about that.", "contempt"),
        ("你可以试试安眠药。", "self_harm"),
    ])
    def test_what_a_reply_must_never_say(self, sentence, reason):
        assert safety.sentence_problem(sentence) == reason

    @pytest.mark.parametrize("sentence", [
        "That sounds exhausting, and it makes sense that you feel worn down.",
        "What would feel most helpful to talk about right now?",
        "It takes courage to say that out loud.",
        "我在这里听你说。",
    ])
    def test_ordinary_kind_sentences_pass(self, sentence):
        assert safety.sentence_problem(sentence) is None


@pytest.fixture(scope="module")
def library():
    return load_library()


class TestCuratedLibraryReview:
    """The library is sent without the check above, so every sentence in it must pass it here."""

    def parts(self, library):
        yield from ((f"opening/{group}", text) for group, texts in library.openings.items() for text in texts)
        for situation in library.situations:
            yield from ((f"{situation.name}/body", text) for text in situation.bodies)
            yield from ((f"{situation.name}/question", text) for text in situation.questions)
        for group, (bodies, questions) in library.general.items():
            yield from ((f"general/{group}/body", text) for text in bodies)
            yield from ((f"general/{group}/question", text) for text in questions)
        yield from (("fallback", text) for text in library.fallbacks)
        yield from ((f"crisis/{category}", text) for category, texts in library.crisis.items() for text in texts)

    def test_every_sentence_passes_the_safety_check(self, library):
        failing = [(where, text) for where, text in self.parts(library) if safety.sentence_problem(text)]
        assert failing == []

    def test_no_part_tells_the_person_what_to_do_or_minimises(self, library):
        banned = re.compile(r"\b(should|must|at least|calm down|everything will be|others have it worse)\b", re.I)
        assert [(where, text) for where, text in self.parts(library) if banned.search(text)] == []

    def test_parts_are_short_plain_and_well_formed(self, library):
        for where, text in self.parts(library):
            assert len(text.split()) <= 40, where
            assert "\u2019" not in text and "\u201c" not in text, where
            assert text == text.strip() and text[-1] in ".?!", where
            if where.endswith("question"):
                assert text.endswith("?"), where

    def test_every_opening_reflects_one_feeling(self, library):
        for group in GROUPS:
            assert len(library.openings[group]) >= 3, group
            for text in library.openings[group]:
                assert text.count("{feeling}") == 1, text

    def test_every_label_and_group_is_covered(self, library):
        assert set(library.labels) == set(goemotions.LABELS)
        assert set(library.general) == set(GROUPS)
        names = {s.name for s in library.situations}
        assert {"loneliness", "work_stress", "grief", "family_conflict", "sleep", "exams", "breakup",
                "good_news", "greeting"} <= names

    def test_each_situation_has_alternatives_so_a_conversation_need_not_repeat(self, library):
        for situation in library.situations:
            assert len(situation.bodies) >= 4 and len(situation.questions) >= 4, situation.name
            assert len(set(situation.bodies)) == len(situation.bodies), situation.name

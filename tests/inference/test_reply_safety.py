"""The sentence-by-sentence check on generated replies, and the review rules every curated reply meets."""

from __future__ import annotations

import re

import pytest

from inference import goemotions, safety
from inference.dialogue.language import LANGUAGES
from inference.dialogue.library import GROUPS, load_library
from inference.dialogue.turns import KINDS


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


@pytest.fixture(scope="module", params=LANGUAGES)
def library(request):
    return load_library(language=request.param)


class TestCuratedLibraryReview:
    """The library is sent without the check above, so every sentence in it, in each language, must pass it here
    (docs/replies.md, "The review rules")."""

    def parts(self, library):
        yield from ((f"opening/{group}", text) for group, texts in library.openings.items() for text in texts)
        for situation in library.situations:
            for key in ("bodies", "questions", "restatements", "suggestions", "information"):
                yield from ((f"{situation.name}/{key}", text) for text in getattr(situation, key))
        for group, general in library.general.items():
            for key in ("bodies", "questions", "suggestions", "opening_questions", "information"):
                yield from ((f"general/{group}/{key}", text) for text in getattr(general, key))
        yield from ((f"turn/{kind}", text) for kind, texts in library.turns.items() for text in texts)
        yield from (("restatement", text) for text in library.restatements)
        yield from (("fallback", text) for text in library.fallbacks)
        yield from ((f"answer/{ask}", text) for ask, texts in library.answers.items() for text in texts)
        yield from ((f"crisis/{category}", text) for category, texts in library.crisis.items() for text in texts)

    def test_every_sentence_passes_the_safety_check(self, library):
        failing = [(where, text) for where, text in self.parts(library)
                   if safety.sentence_problem(_example_filled(text))]
        assert failing == []

    def test_no_part_tells_the_person_what_to_do_or_minimises(self, library):
        banned = re.compile(r"\b(should|must|at least|calm down|everything will be|others have it worse)\b"
                            r"|你应该|你必须|至少|想开点|别想太多|比你惨", re.I)
        assert [(where, text) for where, text in self.parts(library) if banned.search(text)] == []

    def test_parts_are_short_plain_and_well_formed(self, library):
        chinese = library.language == "zh"
        for where, text in self.parts(library):
            if chinese:
                assert len(text) <= 80 and text[-1] in "。？！", where
                assert not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", text)), (where, text)
            else:
                assert len(text.split()) <= 40, where
                assert "\u2019" not in text and "\u201c" not in text, where
                assert text == text.strip() and text[-1] in ".?!", where
            if where.endswith("questions"):
                assert text.endswith(("?", "？")), where

    def test_slots_are_only_the_known_ones_and_each_entry_has_at_most_one(self, library):
        for where, text in self.parts(library):
            slots = re.findall(r"\{(\w+)\}", text)
            if where.startswith("opening/"):
                assert slots == ["feeling"], where
            else:
                assert len(slots) <= 1 and set(slots) <= {"person", "topic", "feeling"}, (where, text)

    def test_every_opening_reflects_one_feeling(self, library):
        for group in GROUPS:
            assert len(library.openings[group]) >= 3, group
            for text in library.openings[group]:
                assert text.count("{feeling}") == 1, text

    def test_every_label_group_situation_and_short_turn_is_covered(self, library):
        assert set(library.labels) == set(goemotions.LABELS)
        assert set(library.general) == set(GROUPS)
        names = {s.name for s in library.situations}
        assert {"loneliness", "work_stress", "grief", "pet_loss", "family_conflict", "sleep", "exams", "breakup",
                "good_news", "greeting"} <= names
        assert names == {s.name for s in load_library(language="en").situations}, "the same situations in each"
        assert all(len(library.turns[kind]) >= 5 for kind in KINDS), "every short turn has alternatives"
        assert not any(re.search(r"[?？]", text) for text in library.turns["goodbye"]), "a goodbye asks nothing"

    def test_each_situation_has_alternatives_so_a_conversation_need_not_repeat(self, library):
        for situation in library.situations:
            assert len(situation.bodies) >= 4 and len(situation.questions) >= 4, situation.name
            assert len(set(situation.bodies)) == len(situation.bodies), situation.name
            if situation.reflect:
                assert len(situation.suggestions) >= 3 and situation.restatements, situation.name
            assert situation.examples if library.language == "en" else situation.keywords, situation.name

    def test_no_sentence_is_in_the_library_twice(self, library):
        texts = [text for _, text in self.parts(library)]
        assert sorted({t for t in texts if texts.count(t) > 1}) == []


def _example_filled(text: str) -> str:
    return text.replace("{person}", "your sister").replace("{topic}", "work").replace("{feeling}", "low")

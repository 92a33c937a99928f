"""What training and the backends share (inference/modeling): the device, the base model with its adapters, what
the risk model reads (a message alone, long ones in windows), and how its two heads are cut into a level."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer

from inference.backends.transformers_risk import TransformersRiskDetector
from inference.loader import BackendError
from inference.modeling import encoding, levels
from inference.modeling.checkpoints import base_model_path, merged_adapter
from inference.modeling.devices import pick_device
from tests.inference.test_risk_model import ARTIFACT, SUICIDAL

THRESHOLDS = {"indicator": 0.2, "ideation": 0.5, "behavior": 0.4, "imminent": 0.5, "temperature": 1.0}


def test_auto_runs_on_cuda_only_where_torch_sees_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)

    assert pick_device("auto") == torch.device("cpu")
    assert pick_device("cpu") == torch.device("cpu")
    with pytest.raises(BackendError, match="EMOCHAT_DEVICE is cuda"):
        pick_device("cuda")


def test_the_head_reads_five_levels_then_three_subjects():
    assert levels.LABELS == ("none", "indicator", "ideation", "behavior", "imminent", "self", "other", "not_literal")


def test_cumulative_probabilities_are_the_tail_sums_of_the_level_distribution():
    probabilities = np.array([[0.1, 0.2, 0.3, 0.25, 0.15], [1.0, 0.0, 0.0, 0.0, 0.0]])

    assert levels.at_least(probabilities) == pytest.approx(np.array([[0.9, 0.7, 0.4, 0.15], [0.0, 0.0, 0.0, 0.0]]))


def test_the_temperature_softens_the_level_distribution_and_keeps_its_order():
    logits = np.array([2.0, 0.0, -1.0, -2.0, -3.0, 5.0, 0.0, 0.0])

    sharp, soft = levels.level_probabilities(logits, 1.0), levels.level_probabilities(logits, 3.0)

    assert sharp.sum() == pytest.approx(1.0) and soft.sum() == pytest.approx(1.0)
    assert soft[0] < sharp[0] and list(np.argsort(soft)) == list(np.argsort(sharp))
    assert levels.subject_probabilities(logits).argmax() == 0  # the subject outputs are not scaled or mixed in


@pytest.mark.parametrize(("peaks", "level"), [
    ((0.1, 0.0, 0.0, 0.0), "none"),
    ((0.2, 0.1, 0.0, 0.0), "indicator"),
    ((0.9, 0.5, 0.3, 0.1), "ideation"),
    ((0.9, 0.45, 0.4, 0.1), "behavior"),  # each level is read from its own probability and threshold
    ((1.0, 0.9, 0.8, 0.5), "imminent"),
])
def test_the_highest_level_whose_probability_reaches_its_threshold_wins(peaks, level):
    assert levels.level_of(peaks, THRESHOLDS) == level


def test_a_long_text_reads_as_its_worst_window():
    calm = [6.0, 0.0, -4.0, -6.0, -6.0, 0.0, 0.0, 3.0]
    risky = [-3.0, 0.0, 3.0, 1.0, -2.0, 4.0, 0.0, 0.0]

    reading = levels.read(np.array([calm, risky, calm]), temperature=1.0)

    alone = levels.read(np.array([risky]), temperature=1.0)
    assert reading.peaks.tolist() == pytest.approx(alone.peaks.tolist())
    assert reading.subject == "self" and reading.windows == 3
    assert reading.score == pytest.approx(alone.score) and reading.score > 0.9


@pytest.mark.parametrize(("values", "usable"), [
    ({**THRESHOLDS, "indicator": "0.1", "other": 1}, True),
    ({**THRESHOLDS, "indicator": 0.5, "ideation": 0.5}, True),
    ({**THRESHOLDS, "behavior": 0.1, "imminent": 0.2}, True),  # below ideation is allowed: smaller probabilities
    ({**THRESHOLDS, "indicator": 0.6, "ideation": 0.5}, False),
    ({**THRESHOLDS, "indicator": -0.1}, False),
    ({**THRESHOLDS, "imminent": 1.5}, False),
    ({**THRESHOLDS, "temperature": 0.0}, False),
])
def test_thresholds_are_read_as_numbers_and_must_be_in_order(values, usable):
    thresholds = levels.thresholds_from(values)

    assert list(thresholds) == [*levels.THRESHOLDS, "temperature"]
    assert all(isinstance(value, float) for value in thresholds.values())
    assert levels.in_order(thresholds) is usable


@pytest.mark.parametrize("values", [
    {"indicator": 0.0098, "ideation": 0.3511},  # the binary model's file
    {"admiration": 0.3},
    {**THRESHOLDS, "behavior": "x"},
    {**THRESHOLDS, "temperature": float("nan")},
])
def test_thresholds_that_are_not_the_risk_models_fail(values):
    with pytest.raises((KeyError, ValueError)):
        levels.thresholds_from(values)


def test_length_batches_cover_every_text_once_shortest_first():
    texts = ["ccc", "a", "eeeee", "bb", "dddd"]

    batches = list(encoding.length_batches(texts, 2))

    assert batches == [[1, 3], [0, 4], [2]]
    assert list(encoding.length_batches([], 2)) == []


def test_the_merged_adapter_is_what_the_risk_backend_reads():
    model, loaded_tokenizer = merged_adapter(ARTIFACT, levels.LABELS)
    detector = TransformersRiskDetector(str(ARTIFACT), device="cpu")

    logits = levels.window_logits(model.eval(), loaded_tokenizer, [SUICIDAL[0], "ok"], batch_size=8)

    assert model.config.id2label == dict(enumerate(levels.LABELS))
    temperature = detector.thresholds["temperature"]
    assert [levels.read(rows, temperature).score for rows in logits] == pytest.approx(
        [reading.score for reading in detector.readings([SUICIDAL[0], "ok"])], abs=1e-6)
    assert not hasattr(model, "peft_config"), "the adapter is merged into the base weights"


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(base_model_path())


class TestInput:
    """What the model reads: `[CLS] message [SEP]`; in training a long one cut to head and tail, in the backend a
    long one read in overlapping windows."""

    def ids(self, tokenizer, text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    def test_a_message_is_read_alone_between_cls_and_sep(self, tokenizer):
        encoded = encoding.encode(tokenizer, ["and now this", "hi"], max_length=64)

        row = encoded["input_ids"][0].tolist()
        assert row == [tokenizer.cls_token_id, *self.ids(tokenizer, "and now this"), tokenizer.sep_token_id]
        assert encoded["attention_mask"][1].tolist() == [1, 1, 1, 0, 0]
        assert encoded["token_type_ids"].sum() == 0

    def test_training_keeps_a_long_messages_head_and_tail(self, tokenizer):
        text = "start " + "middle " * 500 + "the very end"
        ids = self.ids(tokenizer, text)

        row = encoding.encode(tokenizer, [text], max_length=64)["input_ids"][0].tolist()

        head = int(62 * encoding.HEAD_SHARE)
        assert len(row) == 64 and row[1:-1] == ids[:head] + ids[-(62 - head):]

    def test_a_short_message_is_one_window(self, tokenizer):
        assert encoding.windows(tokenizer, "I feel fine today", max_length=64) == [
            self.ids(tokenizer, "I feel fine today")]

    def test_a_long_message_is_read_in_windows_that_overlap_by_half_and_cover_it_all(self, tokenizer):
        text = " ".join(f"word{n}" for n in range(300))
        ids = self.ids(tokenizer, text)

        spans = encoding.windows(tokenizer, text, max_length=66)

        assert all(len(span) == 64 for span in spans)
        assert spans[0] == ids[:64] and spans[-1] == ids[-64:]
        assert spans[1] == ids[32:96]  # each starts half a window after the last

    def test_windows_cover_every_token(self):
        ids = list(range(1000))

        spans = encoding.spans(ids, 64)

        assert {token for span in spans for token in span} == set(ids)
        assert [span[0] for span in spans[:3]] == [0, 32, 64] and spans[-1][-1] == 999

    def test_a_sentence_shorter_than_half_a_window_is_whole_in_some_window(self):
        ids = list(range(1000))
        for start in range(0, 1000 - 30, 7):
            sentence = ids[start:start + 30]
            assert any(sentence == span[i:i + 30] for span in encoding.spans(ids, 64) for i in range(35))


def test_passages_are_each_sentence_alone_and_with_the_next():
    text = "Work was awful today.I cried on the bus!\nNobody noticed. Why would they?"

    assert encoding.passages(text) == [
        "Work was awful today.", "I cried on the bus!", "Nobody noticed.", "Why would they?",
        "Work was awful today. I cried on the bus!", "I cried on the bus! Nobody noticed.",
        "Nobody noticed. Why would they?"]
    assert encoding.passages("just one sentence here.") == []
    assert encoding.passages("Short. " * (encoding.MAX_SENTENCES + 1)) == [], "too many: the windows' reading stands"


def test_passage_peaks_are_the_highest_of_each_probability_over_the_passages():
    calm = [6.0, 0.0, -4.0, -6.0, -6.0, 0.0, 0.0, 3.0]
    risky = [-3.0, 0.0, 3.0, 1.0, -2.0, 4.0, 0.0, 0.0]

    peaks = levels.passage_peaks(np.array([calm, risky]), temperature=1.0)

    assert peaks.tolist() == pytest.approx(levels.read(np.array([risky]), temperature=1.0).peaks.tolist())


class TestPassagesOfTheShippedModel:
    @pytest.fixture(scope="class")
    def shipped(self) -> TransformersRiskDetector:
        return TransformersRiskDetector(str(ARTIFACT), device="cpu")

    def test_a_text_of_several_sentences_read_as_danger_is_read_by_passages_too(self, shipped):
        text = "I had a long day at work and the bus was late again. I want to kill myself tonight."

        [whole] = shipped.readings([text])
        [reading] = shipped.assess([text])

        assert whole.passages is not None and whole.passages[levels.SCORED] >= whole.score - 0.2
        assert reading.flagged and reading.cues == ()
        [one] = shipped.readings(["I want to kill myself tonight."])
        assert one.passages is None, "one sentence: its whole is its only passage"

    @pytest.mark.parametrize(("passage_ideation", "cues"), [(0.05, ("unplaced",)), (0.99, ())])
    def test_danger_read_whole_and_in_no_passage_is_unplaced(self, shipped, passage_ideation, cues):
        whole = np.array([0.99, 0.95, 0.1, 0.01])
        passages = np.array([0.99, passage_ideation, 0.01, 0.0])
        reading = levels.Reading(peaks=whole, subjects=np.array([0.9, 0.05, 0.05]), windows=1, passages=passages)

        risk = shipped.risk_of(reading)

        assert (risk.level, risk.cues) == ("ideation", cues)
        assert shipped.risk_of(levels.Reading(peaks=whole, subjects=reading.subjects)).cues == ()

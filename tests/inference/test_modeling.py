"""What training and the backends share (inference/modeling): the device, the base model with its adapters, what
the risk model reads, and the levels its probability is cut into."""

from __future__ import annotations

import math

import pytest
import torch
from transformers import AutoTokenizer

from inference.backends.transformers_risk import TransformersRiskDetector
from inference.loader import BackendError
from inference.modeling import encoding, levels
from inference.modeling.checkpoints import base_model_path, merged_adapter
from inference.modeling.devices import pick_device
from tests.inference.test_risk_model import ARTIFACT, SUICIDAL


def test_auto_runs_on_cuda_only_where_torch_sees_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)

    assert pick_device("auto") == torch.device("cpu")
    assert pick_device("cpu") == torch.device("cpu")
    with pytest.raises(BackendError, match="EMOCHAT_DEVICE is cuda"):
        pick_device("cuda")


def test_a_level_starts_at_its_threshold():
    thresholds = {"indicator": 0.2, "ideation": 0.6}

    assert [levels.level_of(score, thresholds) for score in (0.0, 0.19, 0.2, 0.59, 0.6, 1.0)] == [
        "none", "none", "indicator", "indicator", "ideation", "ideation"]


@pytest.mark.parametrize(("values", "usable"), [
    ({"indicator": "0.1", "ideation": 0.5, "other": 1}, True),
    ({"indicator": 0.5, "ideation": 0.5}, True),
    ({"indicator": 0.6, "ideation": 0.5}, False),
    ({"indicator": -0.1, "ideation": 0.5}, False),
    ({"indicator": 0.1, "ideation": 1.5}, False),
])
def test_thresholds_are_read_as_numbers_and_must_be_in_order(values, usable):
    thresholds = levels.thresholds_from(values)

    assert list(thresholds) == ["indicator", "ideation"]
    assert all(isinstance(value, float) for value in thresholds.values())
    assert levels.in_order(thresholds) is usable


@pytest.mark.parametrize("values", [{"indicator": 0.1}, {"admiration": 0.3}, {"indicator": "x", "ideation": 1}])
def test_thresholds_that_are_not_the_risk_models_fail(values):
    with pytest.raises((KeyError, ValueError)):
        levels.thresholds_from(values)


def test_the_flagged_probability_is_the_softmax_of_the_flagged_column():
    logits = torch.tensor([[0.0, 0.0], [2.0, -1.0], [-3.0, 4.0]], dtype=torch.float16)

    probability = levels.flagged_probability(logits)

    assert probability.dtype == torch.float32
    assert probability.tolist() == pytest.approx([0.5, 1 / (1 + math.exp(3)), 1 / (1 + math.exp(-7))], abs=1e-6)


def test_length_batches_cover_every_text_once_shortest_first():
    texts = ["ccc", "a", "eeeee", "bb", "dddd"]

    batches = list(encoding.length_batches(texts, 2))

    assert batches == [[1, 3], [0, 4], [2]]
    assert list(encoding.length_batches([], 2)) == []


def test_the_merged_adapter_is_what_the_risk_backend_reads():
    model, loaded_tokenizer = merged_adapter(ARTIFACT, levels.LABELS)
    detector = TransformersRiskDetector(str(ARTIFACT), device="cpu")

    scores = levels.flagged_scores(model.eval(), loaded_tokenizer, [SUICIDAL[0], "ok"], batch_size=8)

    assert model.config.id2label == {0: "not_flagged", 1: "flagged"}
    assert scores.tolist() == pytest.approx(detector.scores([SUICIDAL[0], "ok"]), abs=1e-6)
    assert not hasattr(model, "peft_config"), "the adapter is merged into the base weights"


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(base_model_path())


class TestInput:
    """What the model reads: `[CLS] older [SEP] newer [SEP] current [SEP]`, the oldest cut first."""

    def ids(self, tokenizer, text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    def test_context_comes_first_and_the_current_message_last(self, tokenizer):
        cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id

        encoded = encoding.encode(tokenizer, ["and now this"], [["first thing", "second thing"]], max_length=64)

        row = encoded["input_ids"][0].tolist()
        assert row == [cls, *self.ids(tokenizer, "first thing"), sep, *self.ids(tokenizer, "second thing"), sep,
                       *self.ids(tokenizer, "and now this"), sep]
        assert encoded["attention_mask"][0].tolist() == [1] * len(row)
        assert row != encoding.encode(tokenizer, ["and now this"], max_length=64)["input_ids"][0].tolist()

    def test_only_the_last_few_earlier_messages_are_read(self, tokenizer):
        earlier = [f"message number {n}" for n in range(10)]

        row = encoding.encode(tokenizer, ["now"], [earlier], max_length=128)["input_ids"][0].tolist()

        assert row.count(tokenizer.sep_token_id) == encoding.CONTEXT_MESSAGES + 1
        assert tokenizer.decode(row[1:]).startswith(f"message number {10 - encoding.CONTEXT_MESSAGES}")

    def test_too_much_context_is_cut_from_the_oldest_end(self, tokenizer):
        current = self.ids(tokenizer, "this is what I say now")
        latest = self.ids(tokenizer, "one two three four five six seven eight nine ten")

        row = encoding.encode(tokenizer, ["this is what I say now"], [["an old message", "one two three four five six "
                                                                   "seven eight nine ten"]], max_length=16)
        row = row["input_ids"][0].tolist()

        assert len(row) == 16
        assert row[-len(current) - 1:-1] == current  # the current message whole
        kept = row[1:-len(current) - 2]
        assert kept == latest[-len(kept):]  # the newest earlier message's end; the old one is gone

    def test_a_long_message_keeps_its_head_and_tail_and_drops_the_context(self, tokenizer):
        text = "start " + "middle " * 500 + "the very end"
        ids = self.ids(tokenizer, text)

        row = encoding.encode(tokenizer, [text], [["earlier"]], max_length=64)["input_ids"][0].tolist()

        head = int(62 * encoding.HEAD_SHARE)
        assert len(row) == 64 and row[1:-1] == ids[:head] + ids[-(62 - head):]
        assert tokenizer.sep_token_id not in row[:-1]

"""The real emotion model: emochat's MiniLM + LoRA artifact, any GoEmotions checkpoint, `predict`, and
`train_emotion` (a short run on a small folder in GoEmotions' format)."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
import torch
from django.conf import settings
from django.core.management import CommandError, call_command
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from inference import goemotions
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.loader import BackendError
from inference.modeling.checkpoints import base_model_path
from tests import processes
from tests.inference.test_backends import EmotionClassifierContract


@pytest.fixture(scope="session")
def shipped() -> TransformersEmotionClassifier:
    return TransformersEmotionClassifier(settings.EMOCHAT_EMOTION_ARTIFACT, device="cpu")


class TestShippedEmotionModel(EmotionClassifierContract):
    @pytest.fixture(autouse=True)
    def _model(self, shipped):
        self.model = shipped

    def make(self):
        return self.model

    @pytest.mark.parametrize(
        ("text", "group", "label"),
        [
            ("I feel so sad and lonely tonight", "sadness", "sadness"),
            ("Thank you so much, that really helped", "joy", "gratitude"),
            ("I'm terrified about the surgery tomorrow", "fear", "fear"),
            ("Why would anyone do that? I don't get it", "surprise", "confusion"),
        ],
    )
    def test_reads_plain_feelings(self, text, group, label):
        [reading] = self.make().classify([text])

        assert reading.group == group
        assert label in [item.label for item in reading.labels]

    @pytest.mark.parametrize("text", ["yeah", "I agree", "ok sure, I'll try that", "no, I don't think that would work"])
    def test_a_stance_shows_no_feeling_the_person_did_not_name(self, text):
        [reading] = self.make().classify([text])

        assert reading.group == "neutral" and reading.sentiment == "neutral"

    def test_scores_cover_all_28_labels_in_order(self):
        [(reading, scores)] = self.make().classify_scored(["what a lovely surprise"])

        assert scores.shape == (28,)
        assert reading.labels[0].score == pytest.approx(scores[goemotions.LABELS.index(reading.labels[0].label)])


def tiny_checkpoint(path: Path, labels: list[str]) -> Path:
    """A 2-layer BERT with random weights, labelled as given: the loading code runs for real on it."""
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=len(labels), id2label=dict(enumerate(labels)),
                        label2id={label: i for i, label in enumerate(labels)})
    BertForSequenceClassification(config).save_pretrained(path)
    AutoTokenizer.from_pretrained(base_model_path()).save_pretrained(path)
    return path


def test_any_goemotions_checkpoint_loads_whatever_its_label_order(tmp_path):
    labels = list(reversed(goemotions.LABELS))
    model_dir = tiny_checkpoint(tmp_path / "roberta-like", labels)
    (model_dir / "thresholds.json").write_text(json.dumps({label: 0.0 for label in goemotions.LABELS}))

    classifier = TransformersEmotionClassifier(str(model_dir), device="cpu")
    [(reading, scores)] = classifier.classify_scored(["anything at all"])

    # With every threshold at 0 every label is predicted; its score must be the checkpoint's own column.
    with torch.no_grad():
        raw = classifier.model(**classifier.tokenizer(["anything at all"], return_tensors="pt")).logits.sigmoid()[0]
    assert len(reading.labels) == 28
    assert scores[goemotions.LABELS.index("admiration")] == pytest.approx(float(raw[labels.index("admiration")]))


@pytest.mark.parametrize("kind", ["missing", "not-a-model", "other-labels"])
def test_a_model_that_is_not_a_goemotions_classifier_fails_at_start_naming_the_setting(tmp_path, kind):
    model_dir = tmp_path / kind
    if kind == "not-a-model":
        model_dir.mkdir()
        (model_dir / "config.json").write_text("{}")
    elif kind == "other-labels":
        tiny_checkpoint(model_dir, ["positive", "negative"])

    with pytest.raises(BackendError, match="EMOCHAT_EMOTION_MODEL"):
        TransformersEmotionClassifier(str(model_dir), device="cpu")


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_predict_writes_one_line_per_row_in_order(tmp_path, settings, shipped):
    settings.EMOCHAT_EMOTION_MODEL = settings.EMOCHAT_EMOTION_ARTIFACT
    texts = ["I feel so sad and lonely tonight", "", "Thank you so much,\nthat really helped", "ok"] * 70
    source = write_csv(tmp_path / "in.csv", [{"id": str(i), "message": text} for i, text in enumerate(texts)])

    call_command("predict", "emotion", "--in", str(source), "--text-column", "message", "--out",
                 str(tmp_path / "out.jsonl"), stdout=io.StringIO())

    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == len(texts)
    assert [line["group"] for line in lines[:4]] == ["sadness", "neutral", "joy", lines[3]["group"]]
    assert lines[1]["labels"] == [{"label": "neutral", "score": 1.0}] and lines[1]["flags"] == ["empty"]
    for line in lines:
        assert list(line["scores"]) == list(goemotions.LABELS)
        assert [item["score"] for item in line["labels"]] == sorted((i["score"] for i in line["labels"]),
                                                                     reverse=True)
    assert lines[4:8] == lines[:4]


def test_predict_names_the_missing_column(tmp_path):
    source = write_csv(tmp_path / "in.csv", [{"id": "1", "body": "hello"}])

    with pytest.raises(CommandError, match=r"no column 'text'.*id, body"):
        call_command("predict", "emotion", "--in", str(source), "--out", str(tmp_path / "out.jsonl"))


def goemotions_files(path: Path) -> Path:
    """A small data folder in GoEmotions' format (text, label ids, comment id), so the run is short and does not
    depend on where the real data lives; the shipped model's quality is what the tests above check."""
    rows = [("I feel so sad and alone", "25"), ("thank you so much!", "15"), ("this is hilarious lol", "1"),
            ("why would you do that?", "6,7"), ("ok", "27"), ("I'm scared of tomorrow", "14")]
    (path / "goemotions").mkdir(parents=True)
    (path / "goemotions" / "labels.txt").write_text("\n".join(goemotions.LABELS) + "\n")
    for split, copies in (("train", 16), ("dev", 4), ("test", 4)):
        lines = [f"{text}\t{labels}\tc{n}" for n in range(copies) for text, labels in rows]
        (path / "goemotions" / f"{split}.tsv").write_text("\n".join(lines) + "\n")
    return path


def test_train_emotion_writes_a_loadable_model_a_report_and_a_chart(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(goemotions_files(tmp_path / "data"))
    out = tmp_path / "model"

    call_command("train_emotion", "--epochs", "1", "--out", str(out), stdout=io.StringIO())

    report = json.loads((out / "report.json").read_text())
    assert report["train_examples"] == 96 and len(report["epochs"]) == 1
    assert set(report["test"]) >= {"macro_f1", "ekman_macro_f1", "sentiment_macro_f1", "per_label_f1"}
    assert set(json.loads((out / "thresholds.json").read_text())) == set(goemotions.LABELS)
    assert (out / "per_label_f1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "adapter_model.safetensors").stat().st_size < 5_000_000
    assert "Per-label F1" in (out / "README.md").read_text()
    [reading] = TransformersEmotionClassifier(str(out), device="cpu").classify(["I am so happy"])
    assert reading.labels


def test_train_emotion_says_where_the_data_should_be(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(tmp_path)

    with pytest.raises(CommandError, match="EMOCHAT_DATA_DIR"):
        call_command("train_emotion", "--out", str(tmp_path / "model"))


@pytest.mark.processes
def test_an_inference_worker_with_a_bad_model_path_stops_at_start_naming_the_setting(tmp_path, redis_url):
    env = processes.environment(REDIS_URL=redis_url, EMOCHAT_EMOTION_BACKEND="transformers",
                                EMOCHAT_EMOTION_MODEL=str(tmp_path / "no-such-model"))
    argv = [sys.executable, "-m", "celery", "--app", "emochat", "worker", "--queues", "inference",
            "--concurrency", "1", "--without-gossip", "--without-mingle"]
    worker = processes.Process("bad-model-worker", argv, env, tmp_path)
    try:
        returncode = worker.popen.wait(60)
    finally:
        worker.stop()

    assert returncode != 0
    assert "EMOCHAT_EMOTION_MODEL" in worker.log() and "no-such-model" in worker.log()

"""The trained risk model: emochat's MiniLM + LoRA artifact behind RiskDetector, the input it reads (the message
with its context), `predict risk`, and `train_risk` (a short run on a small folder in the crisis data's format)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from inference.backends.transformers_risk import TransformersRiskDetector
from inference.loader import BackendError
from inference.modeling import encoding
from inference.training import risk
from inference.types import Risk
from tests.processes import ROOT, environment

ARTIFACT = Path(django_settings.BASE_DIR) / "inference" / "models" / "risk-minilm"
ODD_TEXTS = ["", "   ", "\x00\x01\x02\x7f", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "😀" * 50, "这是一个测试，我很好",
             "я не хочу больше жить", "word " * 10_000, "I feel so sad"]

SUICIDAL = [
    "I want to kill myself. I can't do this anymore and nobody would even notice if I was gone.",
    "I've been planning how to end my life. I'm so tired of everything and I just want it to stop.",
    "Every night I lie awake wishing I was dead. I don't see any reason to keep living.",
]
BENIGN = [
    "just got my driving license today, so hyped to finally drive to school lol",
    "what's the best pizza topping? pineapple gang rise up",
    "My cat knocked my phone off the table again and now the screen is cracked, typical Monday",
]


@pytest.fixture(scope="session")
def shipped() -> TransformersRiskDetector:
    return TransformersRiskDetector(str(ARTIFACT), device="cpu")


def test_the_setting_defaults_to_the_shipped_model():
    assert Path(django_settings.EMOCHAT_RISK_MODEL) == ARTIFACT


def test_the_shipped_model_reads_at_the_length_it_was_trained_and_measured_at(shipped):
    report = json.loads((ARTIFACT / "report.json").read_text())

    assert shipped.max_length == report["options"]["max_length"] == report["input"]["max_length"] == encoding.MAX_LENGTH


def test_the_shipped_artifact_is_small_and_carries_its_thresholds_and_report():
    thresholds = json.loads((ARTIFACT / "thresholds.json").read_text())
    report = json.loads((ARTIFACT / "report.json").read_text())

    assert 0 < thresholds["indicator"] < thresholds["ideation"] < 1
    assert report["thresholds"] == thresholds
    assert report["train_examples"] == 4000 and report["dev"]["examples"] == 500
    assert report["dev"]["ideation"]["recall"] >= risk.IDEATION_RECALL
    assert report["dev"]["indicator"]["recall"] >= risk.INDICATOR_RECALL
    assert sum(path.stat().st_size for path in ARTIFACT.iterdir()) < 5_000_000


class TestShippedRiskModel:
    def test_flags_clearly_suicidal_first_person_text(self, shipped):
        readings = shipped.assess(SUICIDAL)

        for reading in readings:
            assert reading.level == "ideation" and reading.flagged
            assert reading.categories == ("self_harm",) and reading.source == "model"
            assert reading.score >= shipped.thresholds["ideation"]

    def test_does_not_flag_clearly_benign_text(self, shipped):
        readings = shipped.assess(BENIGN)

        for reading in readings:
            assert reading.level == "none" and not reading.flagged
            assert reading.categories == () and reading.source == "model"
            assert reading.score < shipped.thresholds["indicator"]

    def test_odd_input_never_raises_and_reads_one_risk_per_text_in_order(self, shipped):
        readings = shipped.assess(ODD_TEXTS)

        assert len(readings) == len(ODD_TEXTS)
        for reading in readings:
            assert isinstance(reading, Risk) and reading.source == "model"
            assert reading.level in ("none", "indicator", "ideation")
            assert 0.0 <= reading.score <= 1.0
        # Nothing to read: exactly `none`, not a guess.
        assert readings[0] == readings[1] == readings[2] == Risk("none", 0.0, (), "model")
        assert readings[4] == Risk("none", 0.0, (), "model")  # emoji only
        assert readings[3].score > 0.0 and readings[5].score > 0.0  # decoded bytes and Chinese are read

    def test_a_batch_reads_as_each_text_alone(self, shipped):
        texts = [*SUICIDAL, *BENIGN, "ok"]

        together = [reading.score for reading in shipped.assess(texts)]
        alone = [shipped.assess([text])[0].score for text in texts]

        assert together == pytest.approx(alone, abs=1e-4)

    def test_context_is_read_with_the_message(self, shipped):
        message = "yeah. I guess that's it then."

        [alone] = shipped.assess([message])
        [after_despair] = shipped.assess([message], contexts=[SUICIDAL[:2]])
        [after_small_talk] = shipped.assess([message], contexts=[BENIGN[:2]])

        assert after_despair.score > alone.score
        assert after_despair.score > after_small_talk.score
        assert after_despair.flagged

    def test_unreadable_context_and_missing_contexts_change_nothing(self, shipped):
        [alone] = shipped.assess([SUICIDAL[0]])
        [with_nothing] = shipped.assess([SUICIDAL[0]], contexts=[["", "  ", "😀"]])

        assert with_nothing.score == pytest.approx(alone.score, abs=1e-5)


def test_thresholds_give_the_recall_asked_for_at_the_highest_cut():
    gold = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    scores = np.array([0.99, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.05, 0.45, 0.3, 0.2, 0.1])

    assert risk.threshold_for_recall(gold, scores, 0.9) == 0.4  # 9 of 10 flagged at or above 0.4
    assert risk.threshold_for_recall(gold, scores, 0.95) == 0.05  # 9.5 rounds up to all 10
    figures = risk.at_threshold(gold, scores, 0.4)
    assert (figures["recall"], figures["fpr"], figures["tp"], figures["fp"]) == (0.9, 0.25, 9, 1)
    assert risk.auc(gold, scores) == pytest.approx(1 - 5 / 40)  # 5 of 40 pairs out of order
    assert risk.auc(np.array([1, 0]), np.array([0.5, 0.5])) == 0.5


@pytest.mark.parametrize("kind", ["missing", "empty", "emotion-model", "bad-thresholds"])
def test_a_model_that_is_not_a_risk_classifier_fails_at_start_naming_the_setting(tmp_path, kind):
    model_dir = tmp_path / kind
    if kind == "empty":
        model_dir.mkdir()
    elif kind == "emotion-model":
        model_dir = Path(django_settings.EMOCHAT_EMOTION_ARTIFACT)
    elif kind == "bad-thresholds":
        model_dir.mkdir()
        (model_dir / "adapter_config.json").write_text((ARTIFACT / "adapter_config.json").read_text())
        (model_dir / "thresholds.json").write_text(json.dumps({"indicator": 0.9, "ideation": 0.2}))

    with pytest.raises(BackendError, match="EMOCHAT_RISK_MODEL") as caught:
        TransformersRiskDetector(str(model_dir), device="cpu")
    assert str(model_dir) in str(caught.value)


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_predict_risk_writes_one_line_per_row_in_order(tmp_path, settings, shipped):
    settings.EMOCHAT_RISK_MODEL = str(ARTIFACT)
    texts = [SUICIDAL[0], "", BENIGN[0], "ok,\nfine", SUICIDAL[1]] * 60  # more rows than one batch
    source = write_csv(tmp_path / "in.csv", [{"id": str(i), "message": text} for i, text in enumerate(texts)])

    call_command("predict", "risk", "--in", str(source), "--text-column", "message", "--out",
                 str(tmp_path / "out.jsonl"), stdout=io.StringIO())

    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == len(texts)
    assert lines[:5] == [reading.as_dict() for reading in shipped.assess(texts[:5])]
    assert [line["level"] for line in lines[:5]] == ["ideation", "none", "none", lines[3]["level"], "ideation"]
    assert lines[0]["categories"] == ["self_harm"] and lines[1] == {"level": "none", "score": 0.0, "categories": []}
    for start in range(5, len(lines), 5):
        assert [line["level"] for line in lines[start:start + 5]] == [line["level"] for line in lines[:5]]
        assert [line["score"] for line in lines[start:start + 5]] == pytest.approx(
            [line["score"] for line in lines[:5]], abs=1e-3)


def test_predict_risk_names_the_setting_when_the_model_is_missing(tmp_path, settings):
    settings.EMOCHAT_RISK_MODEL = str(tmp_path / "no-such-model")
    source = write_csv(tmp_path / "in.csv", [{"text": "hello"}])

    with pytest.raises(CommandError, match="EMOCHAT_RISK_MODEL"):
        call_command("predict", "risk", "--in", str(source), "--out", str(tmp_path / "out.jsonl"))


def crisis_files(path: Path) -> Path:
    """A small data folder in the crisis data's format, so the run takes seconds and does not depend on where the
    real data lives; the shipped model's quality is what the tests above check."""
    rows = [(SUICIDAL[0], "suicide"), (BENIGN[0], "non-suicide"), (SUICIDAL[2], "suicide"),
            (BENIGN[1], "non-suicide")]
    (path / "crisis").mkdir(parents=True)
    for split, copies in (("train", 6), ("dev", 3)):
        write_csv(path / "crisis" / f"{split}.csv", [{"text": text, "label": label} for _ in range(copies)
                                                     for text, label in rows])
    return path


def test_train_risk_writes_a_loadable_model_and_its_report(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(crisis_files(tmp_path / "data"))
    out = tmp_path / "model"
    stdout = io.StringIO()

    call_command("train_risk", "--epochs", "2", "--limit", "20", "--max-length", "48", "--out", str(out),
                 stdout=stdout)

    report = json.loads((out / "report.json").read_text())
    thresholds = json.loads((out / "thresholds.json").read_text())
    assert report["train_examples"] == 20 and report["dev"]["examples"] == 12 and len(report["epochs"]) == 2
    assert report["thresholds"] == thresholds and set(thresholds) == {"indicator", "ideation"}
    assert thresholds["indicator"] <= thresholds["ideation"]
    assert report["dev"]["ideation"]["recall"] >= risk.IDEATION_RECALL
    assert sum(report["dev"]["levels"][level]["suicide"] for level in ("none", "indicator", "ideation")) == 6
    assert set(report["dev"]) >= {"auc", "ideation", "indicator", "levels"}
    assert (out / "adapter_model.safetensors").stat().st_size < 5_000_000
    assert "train_risk --epochs 2" in (out / "README.md").read_text()
    assert "epoch 2: loss" in stdout.getvalue() and "dev AUC" in stdout.getvalue()
    detector = TransformersRiskDetector(str(out), device="cpu")
    [reading] = detector.assess([SUICIDAL[1]])
    assert detector.max_length == 48  # reads at the length it was trained at
    assert reading.source == "model" and 0.0 < reading.score < 1.0


ORDINARY = ["that game last night was something else", "thanks, you made my day", "I'm fine, just tired",
            "can't wait for the weekend", "my cat keeps stealing my socks"]


def goemotions_files(path: Path) -> Path:
    """A tiny GoEmotions folder (text, label ids, comment id) beside crisis/: ordinary comments and one the safety net
    flags, which must not be taught as harmless."""
    (path / "goemotions").mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        lines = [f"{text}\t27\tc{i}" for i, text in enumerate([*ORDINARY, SUICIDAL[0]])]
        (path / "goemotions" / f"{split}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_chat_negatives_are_ordinary_comments_the_safety_net_does_not_flag(tmp_path):
    folder = goemotions_files(tmp_path) / "goemotions"

    everything = risk.chat_negatives(folder, 100, seed=13)

    assert sorted(everything) == sorted(ORDINARY)  # the flagged comment is left out
    assert risk.chat_negatives(folder, 3, seed=13) == everything[:3] == risk.chat_negatives(folder, 3, seed=13)
    assert risk.chat_negatives(tmp_path / "missing", 100, seed=13) == []


def test_train_risk_adds_chat_negatives_and_measures_ordinary_messages(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(goemotions_files(crisis_files(tmp_path / "data")))
    out = tmp_path / "model"
    stdout = io.StringIO()

    call_command("train_risk", "--epochs", "1", "--limit", "20", "--max-length", "48", "--out", str(out),
                 stdout=stdout)

    report = json.loads((out / "report.json").read_text())
    assert report["train_examples"] == 20 and report["chat_negatives"] == len(ORDINARY)
    assert report["options"]["chat_negatives"] == risk.Options().chat_negatives
    ordinary = report["ordinary"]
    assert ordinary["messages"] == len(ORDINARY) + 1
    assert sum(ordinary[level] for level in ("none", "indicator", "ideation")) == pytest.approx(1.0)
    assert "ordinary messages" in stdout.getvalue()
    card = (out / "README.md").read_text()
    assert "## Ordinary short messages" in card and f"Of the first {len(ORDINARY) + 1} GoEmotions dev comments" in card


def test_train_risk_says_where_the_data_should_be(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(tmp_path)

    with pytest.raises(CommandError, match="EMOCHAT_DATA_DIR"):
        call_command("train_risk", "--out", str(tmp_path / "model"))


def test_training_code_imports_without_django_settings():
    code = "import inference.training.risk; import sys; sys.exit('django.conf' in sys.modules and 'settings touched')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment(DJANGO_SETTINGS_MODULE=None),
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr

"""The trained risk model: emochat's MiniLM + LoRA artifact behind RiskDetector (level and whose risk, a message
read alone, long ones in windows), `predict risk`, the training pieces (weak labels, contrast sets, calibration,
thresholds) and `train_risk` (a short run on a small folder in the crisis data's format)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from safetensors.torch import save_file
from tqdm import tqdm

from inference.backends.transformers_risk import TransformersRiskDetector
from inference.loader import BackendError
from inference.modeling import encoding
from inference.modeling.levels import LEVELS
from inference.training import calibration, contrast, risk, risk_data, risk_thresholds
from inference.training.risk_labels import label_post
from inference.types import Risk, risk_rank
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
HARMLESS_WORDS = ("We walked to the market on Saturday and bought apples, bread and cheese for the picnic. "
                  "The weather was mild and the park was full of families with dogs. ")


def at_least(reading: Risk, level: str) -> bool:
    return risk_rank(reading.level) >= risk_rank(level)


@pytest.fixture(scope="session")
def shipped() -> TransformersRiskDetector:
    return TransformersRiskDetector(str(ARTIFACT), device="cpu")


def test_the_setting_defaults_to_the_shipped_model():
    assert Path(django_settings.EMOCHAT_RISK_MODEL) == ARTIFACT


def test_the_shipped_model_reads_windows_of_the_length_it_was_trained_and_measured_at(shipped):
    report = json.loads((ARTIFACT / "report.json").read_text())

    assert shipped.max_length == report["options"]["max_length"] == report["input"]["max_length"] == encoding.MAX_LENGTH


def test_the_shipped_artifact_is_small_and_carries_its_thresholds_report_and_card():
    thresholds = json.loads((ARTIFACT / "thresholds.json").read_text())
    report = json.loads((ARTIFACT / "report.json").read_text())
    card = (ARTIFACT / "README.md").read_text()

    assert set(thresholds) == {"indicator", "ideation", "behavior", "imminent", "temperature"}
    assert 0 < thresholds["indicator"] <= thresholds["ideation"] < 1 and thresholds["temperature"] > 0
    assert report["thresholds"] == thresholds
    assert report["train_examples"] == 4000 and report["dev"]["examples"] == 500
    assert report["dev"]["ideation"]["recall"] >= risk_thresholds.IDEATION_RECALL
    assert report["ordinary"]["test"]["messages"] > 5000  # the whole GoEmotions test split
    assert set(report["targets"]) == set(risk.TARGETS)
    assert (ARTIFACT / "reliability.png").read_bytes()[:4] == b"\x89PNG" and "(reliability.png)" in card
    assert "measure only, never to train" in card and "CC BY-NC 4.0" in card
    assert sum(path.stat().st_size for path in ARTIFACT.iterdir()) < 5_000_000


class TestShippedRiskModel:
    def test_flags_clearly_suicidal_first_person_text_as_the_writers(self, shipped):
        readings = shipped.assess(SUICIDAL)

        for reading in readings:
            assert reading.flagged and reading.subject == "self"
            assert reading.categories == ("self_harm",) and reading.source == "model"
            assert reading.score >= shipped.thresholds["ideation"]

    def test_does_not_flag_clearly_benign_text(self, shipped):
        readings = shipped.assess(BENIGN)

        for reading in readings:
            assert reading == Risk("none", reading.score, (), "model", "")
            assert reading.score < shipped.thresholds["ideation"]

    @pytest.mark.parametrize("text", [
        "I would never kill myself, but I'm exhausted",
        "I just feel so alone. Nobody ever texts me first",
        "I can't seem to find a job",
        "this exam is killing me",
    ])
    def test_sadness_negation_and_figures_of_speech_are_not_danger(self, shipped, text):
        [reading] = shipped.assess([text])

        assert not reading.flagged and reading.categories == ()

    def test_small_talk_reads_nothing(self, shipped):
        [reading] = shipped.assess(["Doing okay. How about yourself?"])

        assert reading.level == "none" and reading.subject == ""

    def test_someone_elses_risk_is_read_as_theirs(self, shipped):
        [reading] = shipped.assess(["My friend told me she wants to die. How can I help her?"])

        assert reading.subject == "other"
        assert reading.categories == (("third_party",) if reading.flagged else ())

    @pytest.mark.parametrize("text", ["I want to kill myself tonight", "I have pills saved up"])
    def test_plans_means_and_now_read_behavior_or_above(self, shipped, text):
        [reading] = shipped.assess([text])

        assert at_least(reading, "behavior") and reading.subject == "self" and reading.categories == ("self_harm",)

    def test_chinese_is_left_to_the_chinese_rules(self, shipped):
        [reading] = shipped.assess(["我不想活了，今晚就结束这一切"])

        assert reading == Risk("none", 0.0, (), "model_unread")

    def test_a_risky_sentence_after_600_harmless_words_is_still_read(self, shipped):
        harmless = HARMLESS_WORDS * 20  # ~600 words, far more than one window
        risky = harmless + "I have the pills ready and I wrote the notes, tonight is the night."

        [before, after] = shipped.assess([harmless, risky])

        assert len(shipped.tokenizer(risky)["input_ids"]) > 4 * shipped.max_length
        assert not before.flagged
        assert at_least(after, "ideation") and after.subject == "self"

    def test_odd_input_never_raises_and_reads_one_risk_per_text_in_order(self, shipped):
        readings = shipped.assess(ODD_TEXTS)

        assert len(readings) == len(ODD_TEXTS)
        for reading in readings:
            assert isinstance(reading, Risk) and 0.0 <= reading.score <= 1.0
        # Nothing to read: exactly `none`, not a guess.
        assert readings[0] == readings[1] == readings[2] == readings[4] == Risk("none", 0.0, (), "model")
        assert readings[5] == readings[6] == Risk("none", 0.0, (), "model_unread")  # Chinese, Russian
        assert readings[3].source == readings[7].source == readings[8].source == "model"

    def test_a_batch_reads_as_each_text_alone(self, shipped):
        texts = [*SUICIDAL, *BENIGN, "ok", HARMLESS_WORDS * 10]

        together = [reading.score for reading in shipped.assess(texts)]
        alone = [shipped.assess([text])[0].score for text in texts]

        assert together == pytest.approx(alone, abs=1e-4)

    def test_the_message_is_read_alone_whatever_came_before(self, shipped):
        message = "yeah. I guess that's it then."

        [alone] = shipped.assess([message])
        [after_despair] = shipped.assess([message], contexts=[SUICIDAL[:2]])

        assert after_despair == alone


def test_thresholds_give_the_recall_asked_for_at_the_highest_cut():
    gold = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    scores = np.array([0.99, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.05, 0.45, 0.3, 0.2, 0.1])

    assert risk_thresholds.threshold_for_recall(gold, scores, 0.9) == 0.4  # 9 of 10 flagged at or above 0.4
    assert risk_thresholds.threshold_for_recall(gold, scores, 0.95) == 0.05  # 9.5 rounds up to all 10
    figures = risk_thresholds.at_threshold(gold, scores, 0.4)
    assert (figures["recall"], figures["fpr"], figures["tp"], figures["fp"]) == (0.9, 0.25, 9, 1)
    assert risk_thresholds.auc(gold, scores) == pytest.approx(1 - 5 / 40)  # 5 of 40 pairs out of order
    assert risk_thresholds.auc(np.array([1, 0]), np.array([0.5, 0.5])) == 0.5


def test_the_four_thresholds_are_tuned_on_dev_within_their_bounds():
    gold = np.array([1] * 10 + [0] * 10)
    marked = np.array([1] * 5 + [0] * 15)
    peaks = np.zeros((20, 4))
    peaks[:10, 0] = np.linspace(0.5, 0.99, 10)
    peaks[:10, 1] = np.linspace(0.6, 0.9, 10)
    peaks[:5, 2] = [0.45, 0.4, 0.35, 0.3, 0.1]
    ordinary = np.zeros((100, 4))
    ordinary[:, 0] = np.linspace(0.0, 0.9, 100)

    thresholds = risk_thresholds.tune_thresholds(gold, marked, peaks, 1.7, ordinary)
    without_ordinary = risk_thresholds.tune_thresholds(gold, marked, peaks, 1.7)
    peaks[:5, 2] += 0.5
    sure_of_behaviour = risk_thresholds.tune_thresholds(gold, marked, peaks, 1.7)

    assert thresholds["ideation"] == 0.6  # recall 0.95 of 10 posts: all of them
    assert without_ordinary["indicator"] == 0.5  # recall 0.99: all of them
    assert thresholds["indicator"] == 0.6  # raised for the ordinary comments (to ~0.86), held at ideation
    assert thresholds["behavior"] == 0.35  # recall 0.6 of the 5 marked posts
    assert sure_of_behaviour["behavior"] == risk_thresholds.BEHAVIOR_CEILING
    assert thresholds["imminent"] == risk_thresholds.IMMINENT_THRESHOLD and thresholds["temperature"] == 1.7


@pytest.mark.parametrize("kind", ["missing", "empty", "emotion-model", "bad-thresholds", "binary-model", "wrong-head"])
def test_a_model_that_is_not_a_risk_classifier_fails_at_start_naming_the_setting(tmp_path, kind):
    model_dir = tmp_path / kind
    if kind == "emotion-model":
        model_dir = Path(django_settings.EMOCHAT_EMOTION_ARTIFACT)
    elif kind != "missing":
        model_dir.mkdir()
    if kind in ("bad-thresholds", "binary-model", "wrong-head"):
        (model_dir / "adapter_config.json").write_text((ARTIFACT / "adapter_config.json").read_text())
        thresholds = json.loads((ARTIFACT / "thresholds.json").read_text())
        if kind == "bad-thresholds":
            thresholds = {**thresholds, "indicator": 0.9, "ideation": 0.2}
        elif kind == "binary-model":
            thresholds = {"indicator": 0.0098, "ideation": 0.3511}
        (model_dir / "thresholds.json").write_text(json.dumps(thresholds))
    if kind == "wrong-head":
        save_file({"base_model.model.classifier.weight": torch.zeros(2, 384)},
                  str(model_dir / "adapter_model.safetensors"))
    expected = {"binary-model": "old binary risk model", "wrong-head": "head of 2 outputs",
                "bad-thresholds": "out of order"}.get(kind, "EMOCHAT_RISK_MODEL")

    with pytest.raises(BackendError, match="EMOCHAT_RISK_MODEL") as caught:
        TransformersRiskDetector(str(model_dir), device="cpu")
    assert str(model_dir) in str(caught.value) and expected in str(caught.value)


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_predict_risk_model_only_writes_the_models_reading_one_line_per_row_in_order(tmp_path, settings, shipped):
    settings.EMOCHAT_RISK_MODEL = str(ARTIFACT)
    texts = [SUICIDAL[0], "", BENIGN[0], "ok,\nfine", SUICIDAL[1]] * 60  # more rows than one batch
    source = write_csv(tmp_path / "in.csv", [{"id": str(i), "message": text} for i, text in enumerate(texts)])

    call_command("predict", "risk", "--model-only", "--in", str(source), "--text-column", "message", "--out",
                 str(tmp_path / "out.jsonl"), stdout=io.StringIO())

    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == len(texts)
    assert lines[:5] == [reading.as_dict() for reading in shipped.assess(texts[:5])]
    assert lines[0]["categories"] == ["self_harm"] and lines[0]["subject"] == "self"
    assert lines[1] == {"level": "none", "score": 0.0, "categories": [], "subject": ""}
    assert lines[2]["level"] == "none"
    for start in range(5, len(lines), 5):
        assert [line["level"] for line in lines[start:start + 5]] == [line["level"] for line in lines[:5]]
        assert [line["score"] for line in lines[start:start + 5]] == pytest.approx(
            [line["score"] for line in lines[:5]], abs=1e-3)


def test_predict_risk_names_the_setting_when_the_model_is_missing(tmp_path, settings):
    settings.EMOCHAT_RISK_MODEL = str(tmp_path / "no-such-model")
    source = write_csv(tmp_path / "in.csv", [{"text": "hello"}])

    with pytest.raises(CommandError, match="EMOCHAT_RISK_MODEL"):
        call_command("predict", "risk", "--in", str(source), "--out", str(tmp_path / "out.jsonl"))


class TestWeakLabels:
    @pytest.mark.parametrize(("text", "level", "reason"), [
        ("I can't stop crying and I want to die. Nobody cares about me.", "ideation", ""),
        ("I bought a rope last week. I don't see the point anymore.", "behavior", "means"),
        ("I've been saving up my sleeping pills for a month.", "behavior", "means"),
        ("I've set a date and I feel calm about it.", "behavior", "plan"),
        ("I wrote goodbye letters to my parents yesterday.", "behavior", "goodbye"),
        ("I've been cutting myself every night since school started.", "behavior", "self_harm"),
        ("I tried to kill myself two years ago and I feel like that again.", "behavior", "attempt"),
        ("I'm going to kill myself tonight. I'm done.", "imminent", "now"),
        ("I just took a whole bottle of pills.", "imminent", "now"),
        ("I have never tried to kill myself but I think about it.", "ideation", ""),
        ("If I don't have a plan by May I'll just keep going.", "ideation", ""),
    ])
    def test_a_suicidewatch_post_is_ideation_unless_the_writer_states_behaviour_or_now(self, text, level, reason):
        label = label_post(text)

        assert (label.level, label.reason) == (level, reason) and label.subject == "self"

    def test_a_post_only_about_someone_else_has_no_known_subject(self):
        label = label_post("My brother said he wants to kill himself and I don't know how to help him.")

        assert label.level == "ideation" and label.subject is None


@pytest.fixture(scope="module")
def spec() -> dict:
    return contrast.load()


class TestContrastSets:
    def test_every_group_has_templates_to_train_on_and_held_out_ones(self, spec):
        for group in spec["group"]:
            assert group["templates"] and group["held_out"], group["name"]
            assert group["level"] in group["accept"], group["name"]

    def test_held_out_templates_are_never_trained_on(self, spec):
        trained = {e.text.lower().rstrip(".") for e in contrast.generate(spec, part="templates", variants=10)}
        held_out = {e.text.lower().rstrip(".") for e in contrast.generate(spec, part="held_out", variants=10)}

        assert trained and held_out and not trained & held_out

    def test_generation_is_seeded_and_fills_every_slot_with_agreeing_pronouns(self, spec):
        first = contrast.generate(spec, variants=4, seed=3)

        assert first == contrast.generate(spec, variants=4, seed=3) != contrast.generate(spec, variants=4, seed=4)
        assert not any("{" in e.text or "}" in e.text for e in first)
        for example in first:
            words = set(re.findall(r"[a-z]+", example.text.lower()))
            if example.group.startswith("other_") and "sister" in words:
                assert not words & {"he", "him", "his", "himself"}, example.text
            if example.group.startswith("other_") and "brother" in words:
                assert not words & {"she", "her", "herself"}, example.text
        assert {e.level for e in first} == set(LEVELS)
        assert {e.subject for e in first} == {"self", "other", "not_literal", None}

    def test_a_template_gives_at_most_the_variants_asked_for_all_distinct(self, spec):
        group = {"name": "g", "level": "none", "subject": "", "accept": ["none"], "templates": ["a {x}."],
                 "held_out": ["b"]}
        small = {"fillers": {"x": ["one", "two", "three"], "openers": []}, "group": [group]}

        examples = contrast.generate(small, variants=50)

        assert len(examples) == len({e.text for e in examples}) <= 3 * 4  # fillers × (stop, case) surfaces
        assert all(e.subject is None and e.accept == ("none",) for e in examples)

    def test_an_unknown_level_is_refused(self, tmp_path):
        path = tmp_path / "bad.toml"
        path.write_text('[fillers]\n[[group]]\nname = "x"\nlevel = "panic"\nsubject = ""\naccept = []\n'
                        'templates = ["a"]\nheld_out = ["b"]\n')

        with pytest.raises(ValueError, match="unknown level"):
            contrast.load(path)


class TestCalibration:
    def test_the_fitted_temperature_undoes_an_overconfident_scale(self):
        rng = np.random.default_rng(0)
        honest = rng.normal(size=(4000, 5))
        labels = np.array([rng.choice(5, p=np.exp(row) / np.exp(row).sum()) for row in honest])
        overconfident = np.concatenate([honest * 3.0, np.zeros((4000, 3))], axis=1)

        temperature = calibration.fit_temperature(overconfident, labels)

        assert temperature == pytest.approx(3.0, rel=0.1)
        assert calibration.nll(overconfident, labels, temperature) < calibration.nll(overconfident, labels, 1.0)
        assert calibration.fit_temperature(overconfident[:0], labels[:0]) == 1.0

    def test_reliability_bins_count_predictions_and_how_often_they_came_true(self):
        predicted = np.array([0.05, 0.05, 0.95, 0.95, 0.95, 0.95])
        happened = np.array([0, 0, 1, 1, 1, 0])

        rows = calibration.reliability(predicted, happened)

        assert [(row["low"], row["count"], row["observed"]) for row in rows] == [(0.0, 2, 0.0), (0.9, 4, 0.75)]
        assert calibration.expected_calibration_error(predicted, happened) == pytest.approx(
            (2 * 0.05 + 4 * 0.2) / 6, abs=1e-4)

    def test_the_reliability_diagram_is_a_png(self, tmp_path):
        rows = calibration.reliability(np.array([0.1, 0.8]), np.array([0, 1]))

        path = calibration.draw_reliability(tmp_path / "r.png", {"raw": rows, "calibrated": rows}, title="t")

        assert path.read_bytes()[:4] == b"\x89PNG"


def test_the_subject_loss_counts_only_where_the_subject_is_known():
    logits = torch.tensor([[2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0], [0.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, 0.0]])
    weights = torch.ones(5)
    level_only = torch.nn.functional.cross_entropy(logits[:, :5], torch.tensor([0, 2]))

    unknown = risk.risk_loss(logits, torch.tensor([[0, -1], [2, -1]]), weights)
    known = risk.risk_loss(logits, torch.tensor([[0, -1], [2, 0]]), weights)

    assert unknown.item() == pytest.approx(level_only.item())
    assert known.item() == pytest.approx(level_only.item() + torch.nn.functional.cross_entropy(
        logits[1:, 5:], torch.tensor([0])).item())


def test_rare_levels_weigh_more_but_not_in_full_proportion():
    weights = risk.class_weights(["none"] * 80 + ["ideation"] * 15 + ["imminent"] * 5, 0.5)

    assert weights[LEVELS.index("none")] < weights[LEVELS.index("ideation")] < weights[LEVELS.index("imminent")]
    assert weights[LEVELS.index("indicator")] == 1.0  # absent: unweighted
    assert weights[LEVELS.index("imminent")] / weights[LEVELS.index("none")] == pytest.approx(4.0)


def test_extra_examples_must_be_labelled_with_known_levels_and_subjects():
    [example] = risk_data.extra_examples([("I'm okay now", "none", "")])

    assert (example.level, example.subject, example.group) == ("none", None, "extra")
    with pytest.raises(ValueError, match="level"):
        risk_data.extra_examples([("text", "panic", "self")])
    with pytest.raises(ValueError, match="subject"):
        risk_data.extra_examples([("text", "none", "everyone")])


def test_esconv_rates_count_messages_and_conversations_flagged():
    conversations = [["hi", "I want to die"], ["hello"], ["a", "b", "c"]]
    levels = ["none", "ideation", "indicator", "none", "behavior", "none"]

    rates = risk_data.esconv_rates(conversations, levels)

    assert (rates["messages"], rates["flagged_count"], rates["conversations_flagged_count"]) == (6, 2, 2)
    assert rates["conversations_flagged"] == pytest.approx(2 / 3, abs=1e-4)


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

    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text(json.dumps({"text": "I want to end it all", "level": "ideation", "subject": "self"}) + "\n"
                        + json.dumps({"text": "work is killing me", "level": "none", "subject": ""}) + "\n")

    call_command("train_risk", "--epochs", "2", "--limit", "20", "--max-length", "48", "--out", str(out),
                 "--with-outcomes", str(outcomes), stdout=stdout)

    report = json.loads((out / "report.json").read_text())
    assert report["extra_examples"] == 2, "the moderators' outcomes were trained on"
    thresholds = json.loads((out / "thresholds.json").read_text())
    assert report["train_examples"] == 20 and report["dev"]["examples"] == 12 and len(report["epochs"]) == 2
    assert report["contrast_examples"] == 20 and sum(g["examples"] for g in report["contrast"].values()) == 20
    assert report["thresholds"] == thresholds
    assert set(thresholds) == {"indicator", "ideation", "behavior", "imminent", "temperature"}
    assert thresholds["indicator"] <= thresholds["ideation"]
    assert report["dev"]["ideation"]["recall"] >= risk_thresholds.IDEATION_RECALL
    assert sum(report["dev"]["levels"][level]["suicide"] for level in LEVELS) == 6
    assert report["calibration"]["examples"] == 12 + 20 and report["esconv"] == {}
    assert (out / "adapter_model.safetensors").stat().st_size < 5_000_000
    assert (out / "reliability.png").is_file()
    assert "train_risk --epochs 2" in (out / "README.md").read_text()
    assert "epoch 2: loss" in stdout.getvalue() and "dev AUC" in stdout.getvalue()
    detector = TransformersRiskDetector(str(out), device="cpu")
    [reading] = detector.assess([SUICIDAL[1]])
    assert detector.max_length == 48  # reads at the length it was trained at
    assert reading.source == "model" and 0.0 < reading.score < 1.0


ORDINARY = ["that game last night was something else", "thanks, you made my day", "I'm fine, just tired",
            "can't wait for the weekend", "my cat keeps stealing my socks"]


def goemotions_files(path: Path) -> Path:
    """A tiny GoEmotions folder (text, label ids, comment id) beside crisis/: ordinary comments, one the safety net
    reads as distress and one it flags, which must not be taught as harmless."""
    (path / "goemotions").mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        lines = [f"{text}\t27\tc{i}" for i, text in enumerate([*ORDINARY, "I feel so empty", SUICIDAL[0]])]
        (path / "goemotions" / f"{split}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_chat_negatives_are_ordinary_comments_the_safety_net_does_not_flag(tmp_path):
    folder = goemotions_files(tmp_path) / "goemotions"

    everything = risk_data.chat_negatives(folder, 100, seed=13)

    assert sorted(everything) == sorted([*ORDINARY, "I feel so empty"])  # the flagged comment is left out
    assert risk_data.chat_negatives(folder, 3, seed=13) == everything[:3] == risk_data.chat_negatives(folder, 3, seed=13)
    assert risk_data.chat_negatives(tmp_path / "missing", 100, seed=13) == []
    assert risk_data.comment_example("I feel so empty").level == "indicator"
    assert risk_data.comment_example("I'm fine, just tired").level == "none"
    assert risk_data.comment_example("I could die of embarrassment").subject == "not_literal"


def test_training_reads_comments_and_extra_examples_and_measures_goemotions_test(tmp_path):
    data = goemotions_files(crisis_files(tmp_path / "data"))
    extra = [("I'm okay now, thanks for asking", "none", "self"), ("she is on the roof right now", "imminent", "other")]
    lines = []

    report = risk.train(data / "crisis", tmp_path / "model", risk.Options(epochs=1, limit=20, max_length=48),
                        bar=lambda **kw: tqdm(**kw, disable=True), log=lines.append, extra=extra)

    assert report.train_examples == 20 and report.chat_negatives == len(ORDINARY) + 1 and report.extra_examples == 2
    assert report.label_counts["levels"]["indicator"] >= 1 and report.label_counts["levels"]["imminent"] >= 1
    assert report.ordinary["test"]["messages"] == len(ORDINARY) + 2
    assert sum(report.ordinary["test"][level] for level in LEVELS) == pytest.approx(1.0)
    assert any(line.startswith("GoEmotions test") for line in lines)
    assert "ESConv was not beside the data" in (tmp_path / "model" / "README.md").read_text()


def test_train_risk_names_a_bad_outcomes_line(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(crisis_files(tmp_path / "data"))
    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text(json.dumps({"text": "fine", "level": "none"}) + "\n" + "{broken\n")

    with pytest.raises(CommandError, match="line 2 is not an outcome"):
        call_command("train_risk", "--limit", "5", "--out", str(tmp_path / "model"), "--with-outcomes",
                     str(outcomes))


def test_train_risk_says_where_the_data_should_be(tmp_path, settings):
    settings.EMOCHAT_DATA_DIR = str(tmp_path)

    with pytest.raises(CommandError, match="EMOCHAT_DATA_DIR"):
        call_command("train_risk", "--out", str(tmp_path / "model"))


def test_training_code_imports_without_django_settings():
    code = "import inference.training.risk; import sys; sys.exit('django.conf' in sys.modules and 'settings touched')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment(DJANGO_SETTINGS_MODULE=None),
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr


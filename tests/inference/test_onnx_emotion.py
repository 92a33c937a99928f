"""The ONNX emotion backend: built from a checkpoint, it reads as the PyTorch backend reads (fp32: the same scores;
int8: nearly always the same labels), handles odd text the same way, caches its file by content, and is what the
settings choose on a CPU."""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from django.test import override_settings
from transformers import BertConfig, BertForSequenceClassification

from emochat.settings import inference as inference_settings
from inference import goemotions, handles, loader
from inference.backends import onnx_emotion
from inference.backends.onnx_emotion import OnnxEmotionClassifier, auto_emotion_classifier
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.loader import BackendError
from inference.modeling import onnx_export
from tests.inference.test_backends import ODD_TEXTS, EmotionClassifierContract
from tests.inference.test_emotion_model import tiny_checkpoint

TEXTS = ["I feel so sad and lonely tonight", "thank you so much", "why would anyone do that?", "ok",
         "I'm terrified about the surgery tomorrow and I can't sleep at all, my heart keeps racing", "hello " * 300,
         "what a lovely surprise", "this is hilarious lol", "I hate this", "we won the game!!"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A 2-layer BERT with random weights, its labels in reverse GoEmotions order (so columns must be mapped),
    thresholds in the middle of its scores (so labels come and go)."""
    torch.manual_seed(0)
    model_dir = tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "emotion", list(reversed(goemotions.LABELS)))
    # Weights drawn ten times wider than BERT's: at its usual 0.02 a random model reads every text alike (scores
    # within 1e-4 of each other), and any rounding would move labels; a trained model's scores follow the text.
    config = BertConfig.from_pretrained(model_dir)
    config.initializer_range = 0.2
    BertForSequenceClassification(config).save_pretrained(model_dir)
    scores = TransformersEmotionClassifier(str(model_dir), device="cpu").scores(TEXTS)
    middle = np.median(scores, axis=0)
    (model_dir / "thresholds.json").write_text(json.dumps(dict(zip(goemotions.LABELS, middle.tolist()))))
    return model_dir


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def pytorch(tiny) -> TransformersEmotionClassifier:
    return TransformersEmotionClassifier(str(tiny), device="cpu")


@pytest.fixture(scope="module")
def fp32(tiny, cache) -> OnnxEmotionClassifier:
    return OnnxEmotionClassifier(str(tiny), cache_dir=str(cache), precision="fp32", threads=1)


@pytest.fixture(scope="module")
def int8(tiny, cache) -> OnnxEmotionClassifier:
    return OnnxEmotionClassifier(str(tiny), cache_dir=str(cache), threads=1)


class TestOnnxEmotionClassifier(EmotionClassifierContract):
    @pytest.fixture(autouse=True)
    def _model(self, int8):
        self.model = int8

    def make(self):
        return self.model


def test_fp32_scores_are_pytorchs(pytorch, fp32):
    np.testing.assert_allclose(fp32.scores(TEXTS), pytorch.scores(TEXTS), atol=1e-4)


def test_fp32_reads_odd_text_as_pytorch_does(pytorch, fp32):
    def labels(classifier):
        return [(reading.group, [item.label for item in reading.labels], reading.flags)
                for reading in classifier.classify(ODD_TEXTS + TEXTS)]

    assert labels(fp32) == labels(pytorch)
    [(reading, scores)] = fp32.classify_scored(["\x00\x01"])
    assert scores is None and "empty" in reading.flags


def test_int8_scores_are_close_and_its_labels_mostly_pytorchs(pytorch, fp32, int8):
    expected, scores = pytorch.scores(TEXTS), int8.scores(TEXTS)
    same = (expected >= pytorch.thresholds) == (scores >= int8.thresholds)

    assert np.abs(scores - expected).max() < 0.1
    assert same.mean() >= 0.9, f"int8 gives another label in {1 - same.mean():.0%} of (text, label) pairs"
    assert np.abs(scores - fp32.scores(TEXTS)).max() > 1e-3, "the int8 file is not quantized"


def test_int8_is_a_quarter_of_fp32_and_names_its_labels(fp32, int8):
    assert int8.path.stat().st_size < 0.35 * fp32.path.stat().st_size
    assert int8.path.name.endswith(".int8.onnx") and fp32.path.name.endswith(".fp32.onnx")
    assert [goemotions.LABELS[j] for j in np.argsort(int8.columns)] == list(reversed(goemotions.LABELS))


def test_the_file_is_built_once_and_again_for_a_changed_model(tiny, cache, int8, tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("built again")

    with monkeypatch.context() as patched:
        patched.setattr(onnx_export, "build", fail)
        assert OnnxEmotionClassifier(str(tiny), cache_dir=str(cache), threads=1).path == int8.path

    changed = tmp_path / "changed"
    changed.mkdir()
    for path in tiny.iterdir():
        (changed / path.name).write_bytes(path.read_bytes())
    (changed / "config.json").write_text((tiny / "config.json").read_text().replace("}", ', "note": 1}', 1))
    assert onnx_export.artifact_path(changed, cache) != int8.path


def test_a_model_that_is_not_a_goemotions_classifier_fails_naming_the_setting(tmp_path):
    with pytest.raises(BackendError, match="EMOCHAT_EMOTION_MODEL"):
        OnnxEmotionClassifier(str(tmp_path / "no-such-model"), cache_dir=str(tmp_path))


def test_a_cache_that_cannot_be_written_or_read_fails_naming_the_setting(tiny, int8, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(BackendError, match="EMOCHAT_ONNX_CACHE_DIR"):
        OnnxEmotionClassifier(str(tiny), cache_dir=str(not_a_folder))

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / int8.path.name).write_bytes(b"not a model")
    with pytest.raises(BackendError, match="EMOCHAT_ONNX_CACHE_DIR.*delete it"):
        OnnxEmotionClassifier(str(tiny), cache_dir=str(broken))


def test_without_onnxruntime_the_onnx_backend_says_so(tiny, cache, monkeypatch):
    monkeypatch.setattr(onnx_emotion, "onnxruntime", None)

    with pytest.raises(BackendError, match="EMOCHAT_EMOTION_BACKEND.*onnxruntime"):
        OnnxEmotionClassifier(str(tiny), cache_dir=str(cache))


class Recorded:
    """Stands in for the PyTorch backend where building it would need CUDA."""

    def __init__(self, model_dir, **options):
        self.options = options


def test_auto_serves_onnx_on_the_cpu_and_pytorch_on_cuda_or_without_onnxruntime(tiny, cache, monkeypatch):
    assert isinstance(auto_emotion_classifier(str(tiny), device="cpu", cache_dir=str(cache), threads=1),
                      OnnxEmotionClassifier)

    monkeypatch.setattr(onnx_emotion, "TransformersEmotionClassifier", Recorded)
    monkeypatch.setattr(onnx_emotion, "pick_device", lambda device: torch.device("cuda"))
    on_cuda = auto_emotion_classifier(str(tiny), device="auto", cache_dir=str(cache))
    assert isinstance(on_cuda, Recorded) and on_cuda.options == {"device": "auto"}

    monkeypatch.setattr(onnx_emotion, "pick_device", lambda device: torch.device("cpu"))
    monkeypatch.setattr(onnx_emotion, "onnxruntime", None)
    assert isinstance(auto_emotion_classifier(str(tiny), device="cpu", cache_dir=str(cache)), Recorded)


def test_auto_serves_pytorch_and_says_why_where_the_onnx_file_cannot_be_built(tiny, tmp_path, caplog):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")

    with caplog.at_level(logging.WARNING, logger=onnx_emotion.__name__):
        classifier = auto_emotion_classifier(str(tiny), device="cpu", cache_dir=str(not_a_folder))

    assert isinstance(classifier, TransformersEmotionClassifier)
    assert "EMOCHAT_ONNX_CACHE_DIR" in caplog.text


def test_the_settings_select_the_onnx_backend(tiny, cache, settings):
    onnx_path = settings.EMOTION_BACKENDS["onnx"]
    assert set(settings.EMOTION_BACKEND_OPTIONS[onnx_path]) == {"model_dir", "cache_dir", "threads"}
    loader.reset()
    try:
        with override_settings(EMOCHAT_EMOTION_BACKEND="onnx", EMOCHAT_EMOTION_BATCH_WAIT_MS=0,
                               EMOTION_BACKEND_OPTIONS={onnx_path: {"model_dir": str(tiny), "cache_dir": str(cache),
                                                                    "threads": 1}}):
            assert isinstance(handles.emotion_classifier(), OnnxEmotionClassifier)
    finally:
        loader.reset()


def test_the_default_backend_is_auto(monkeypatch):
    monkeypatch.delenv("EMOCHAT_EMOTION_BACKEND", raising=False)
    try:
        defaults = importlib.reload(inference_settings)
        assert defaults.EMOCHAT_EMOTION_BACKEND == "auto"
        assert defaults.EMOTION_BACKENDS["auto"] == "inference.backends.onnx_emotion.auto_emotion_classifier"
        assert set(defaults.EMOTION_BACKEND_OPTIONS[defaults.EMOTION_BACKENDS["auto"]]) == {
            "model_dir", "device", "cache_dir", "threads"}
    finally:
        monkeypatch.undo()
        importlib.reload(inference_settings)

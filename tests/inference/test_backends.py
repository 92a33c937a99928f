"""The same contract for every backend of each interface (inference/base.py)."""

from __future__ import annotations

import pytest

from inference import goemotions, loader
from inference.backends.fake import KeywordEmotionClassifier, TemplateReplyGenerator
from inference.types import Emotion, ReplyRequest

ODD_TEXTS = ["", "   ", "\x00\x01\x02", "😀" * 50, "这是一个测试", "word " * 3000, "I feel so sad"]


class EmotionClassifierContract:
    def make(self):
        raise NotImplementedError

    def test_one_reading_per_text_in_order(self):
        readings = self.make().classify(ODD_TEXTS)

        assert len(readings) == len(ODD_TEXTS)
        for text, reading in zip(ODD_TEXTS, readings):
            assert isinstance(reading, Emotion)
            if text == "这是一个测试":
                assert reading == goemotions.not_read(), "a language the model cannot read is not guessed at"
                continue
            assert reading.labels, "at least one label (neutral when nothing is read)"
            assert all(item.label in goemotions.LABELS for item in reading.labels)
            assert [item.score for item in reading.labels] == sorted((i.score for i in reading.labels), reverse=True)
            assert reading.group in (*goemotions.EKMAN, "neutral")
            assert reading.sentiment in ("positive", "negative", "ambiguous", "neutral")

    def test_empty_text_reads_neutral_with_a_flag(self):
        [reading] = self.make().classify(["  "])

        assert reading.group == "neutral"
        assert "empty" in reading.flags


class ReplyGeneratorContract:
    def make(self):
        raise NotImplementedError

    def test_streams_several_non_empty_pieces(self):
        pieces = list(self.make().stream(ReplyRequest(text="I feel alone", emotion=None)))

        assert len(pieces) > 1
        assert all(isinstance(piece, str) and piece for piece in pieces)
        assert "".join(pieces).strip()


class TestKeywordEmotionClassifier(EmotionClassifierContract):
    def make(self):
        return KeywordEmotionClassifier()

    def test_reads_the_obvious(self):
        [sad, happy] = self.make().classify(["I feel so sad", "I'm so happy"])
        assert (sad.group, sad.sentiment) == ("sadness", "negative")
        assert (happy.group, happy.sentiment) == ("joy", "positive")


class TestTemplateReplyGenerator(ReplyGeneratorContract):
    def make(self):
        return TemplateReplyGenerator()


def test_groupings_cover_every_label_once():
    grouped = [label for labels in goemotions.EKMAN.values() for label in labels]
    assert sorted(grouped + ["neutral"]) == sorted(goemotions.LABELS)
    assert set(goemotions.SENTIMENT_OF) == set(goemotions.LABELS)


def test_loader_builds_once_and_names_the_setting_on_a_bad_path():
    loader.reset()
    first = loader.build("EMOCHAT_X", "inference.backends.fake.KeywordEmotionClassifier")
    assert loader.build("EMOCHAT_X", "inference.backends.fake.KeywordEmotionClassifier") is first
    with pytest.raises(loader.BackendError, match="EMOCHAT_X"):
        loader.build("EMOCHAT_X", "inference.backends.nothing.Here")


def test_inference_imports_without_django_settings():
    import subprocess
    import sys

    from tests.processes import ROOT, environment

    code = "import inference.base, inference.loader, inference.goemotions, inference.backends.fake; import sys; " \
           "sys.exit('django.conf' in sys.modules and 'settings touched')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment(DJANGO_SETTINGS_MODULE=None),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

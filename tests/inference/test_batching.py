"""Dynamic batching: concurrent messages are read together, each caller gets its own reading."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from inference.backends.fake import KeywordEmotionClassifier
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.batching import BatchingEmotionClassifier

TEXTS = [f"message {i}: I feel {word}" for i, word in
         enumerate(["sad", "happy", "scared", "angry", "grateful", "confused", "lonely", "fine"] * 5)]


class Recording:
    """The keyword classifier, taking `seconds` per batch like a model would, noting each batch's size."""

    def __init__(self, seconds: float = 0.0, fail: bool = False):
        self.inner = KeywordEmotionClassifier()
        self.seconds = seconds
        self.fail = fail
        self.sizes: list[int] = []

    def classify(self, texts):
        self.sizes.append(len(texts))
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("the model is gone")
        return self.inner.classify(texts)


def read_concurrently(classifier, texts, threads=16):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda text: classifier.classify([text])[0], texts))


def test_concurrent_messages_are_read_together_and_each_gets_its_own_reading():
    model = Recording(seconds=0.03)
    batcher = BatchingEmotionClassifier(model, max_size=8, max_wait_s=0.01)

    readings = read_concurrently(batcher, TEXTS)

    assert readings == KeywordEmotionClassifier().classify(TEXTS)
    assert sum(model.sizes) == len(TEXTS)
    assert max(model.sizes) == 8, "no batch filled up although 16 messages were waiting"
    assert len(model.sizes) <= len(TEXTS) // 2


def test_a_lone_message_is_read_on_its_own_without_waiting_for_company():
    model = Recording()
    batcher = BatchingEmotionClassifier(model, max_size=32, max_wait_s=0.005)

    [reading] = batcher.classify(["I feel so sad"])

    assert reading.group == "sadness"
    assert model.sizes == [1]


def test_a_failing_model_fails_every_waiting_caller_and_the_batcher_goes_on():
    model = Recording(seconds=0.02, fail=True)
    batcher = BatchingEmotionClassifier(model, max_size=8, max_wait_s=0.01)

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(batcher.classify, [text]) for text in TEXTS[:4]]
    for future in futures:
        with pytest.raises(RuntimeError, match="the model is gone"):
            future.result()
    model.fail = False
    assert batcher.classify(["I feel happy"])[0].group == "joy"


def test_the_real_model_reads_the_same_batched_as_alone():
    model = TransformersEmotionClassifier(settings.EMOCHAT_EMOTION_MODEL, device="cpu")
    batcher = BatchingEmotionClassifier(model, max_size=16, max_wait_s=0.01)

    batched = read_concurrently(batcher, TEXTS[:16], threads=16)
    alone = [model.classify([text])[0] for text in TEXTS[:16]]

    assert [r.group for r in batched] == [r.group for r in alone]
    for b, a in zip(batched, alone):
        assert [x.label for x in b.labels] == [x.label for x in a.labels]
        assert [x.score for x in b.labels] == pytest.approx([x.score for x in a.labels], abs=1e-3)

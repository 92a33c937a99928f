"""The emotion model emochat ships, on GoEmotions test and on this machine's CPU (issue goals in brackets):

- macro-F1 over the 28 labels [≥ 0.46, the paper's BERT-base; aim 0.50], the Ekman groups [≥ 0.60], sentiment;
- one message at a time: p50 [≤ 15 ms] and p95 latency;
- batched throughput against one-at-a-time throughput, side by side in this run [≥ 3×];
- dynamic batching: the same messages sent one each by 32 concurrent callers through the worker's batcher.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from django.conf import settings

from bench.figures import Figure
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.batching import BatchingEmotionClassifier
from inference.training.emotion import load_split, metrics, predict_labels

LATENCY_SAMPLES = 300
BATCH = 64


def run() -> list[Figure]:
    classifier = TransformersEmotionClassifier(settings.EMOCHAT_EMOTION_ARTIFACT, device="cpu")
    test = load_split(Path(settings.EMOCHAT_DATA_DIR) / "goemotions", "test")
    scores = classifier.scores(test.texts)
    report = metrics(test.labels, predict_labels(scores, classifier.thresholds))

    sample = test.texts[:LATENCY_SAMPLES]
    latencies = []
    for text in sample:
        started = time.perf_counter()
        classifier.classify([text])
        latencies.append((time.perf_counter() - started) * 1000)
    single_rate = len(sample) / (sum(latencies) / 1000)
    started = time.perf_counter()
    for start in range(0, len(sample), BATCH):
        classifier.classify(sample[start:start + BATCH])
    batched_rate = len(sample) / (time.perf_counter() - started)
    batcher = BatchingEmotionClassifier(classifier, max_size=settings.EMOCHAT_EMOTION_BATCH_SIZE,
                                        max_wait_s=settings.EMOCHAT_EMOTION_BATCH_WAIT_MS / 1000)
    with ThreadPoolExecutor(32) as senders:
        started = time.perf_counter()
        list(senders.map(lambda text: batcher.classify([text]), sample))
        dynamic_rate = len(sample) / (time.perf_counter() - started)

    return [
        Figure("GoEmotions test macro-F1, 28 labels", report["macro_f1"], "", goal="≥ 0.46"),
        Figure("GoEmotions test macro-F1, Ekman", report["ekman_macro_f1"], "", goal="≥ 0.60"),
        Figure("GoEmotions test macro-F1, sentiment", report["sentiment_macro_f1"], ""),
        Figure("one message: p50 latency", statistics.median(latencies), "ms", goal="≤ 15"),
        Figure("one message: p95 latency", float(np.percentile(latencies, 95)), "ms"),
        Figure("one at a time: throughput", single_rate, "msg/s"),
        Figure(f"batched ({BATCH}): throughput", batched_rate, "msg/s"),
        Figure("batched / one-at-a-time", batched_rate / single_rate, "×", goal="≥ 3"),
        Figure("dynamic batching, 32 senders: throughput", dynamic_rate, "msg/s"),
        Figure("dynamic batching / one-at-a-time", dynamic_rate / single_rate, "×"),
        Figure("dynamic batching: mean batch size", statistics.mean(batcher.batches), ""),
    ]

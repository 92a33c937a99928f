"""The emotion model emochat ships, on GoEmotions test and on this machine's CPU, served by PyTorch and by ONNX
Runtime (int8) side by side in one run, with the same threads (issue goals in brackets):

- macro-F1 over the 28 labels [≥ 0.46, the paper's BERT-base; aim 0.50], the Ekman groups [≥ 0.60], sentiment;
  ONNX int8 against PyTorch [within ±0.005], and how often the two give the same labels;
- one message at a time: p50 [≤ 15 ms] and p95 latency;
- batched throughput against one-at-a-time throughput [PyTorch: ≥ 3×; int8 reads one message in about the time
  PyTorch spends per message in a batch, so batching has less to win there];
- dynamic batching: the same messages sent one each by 32 concurrent callers through the worker's batcher.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from django.conf import settings

from bench.figures import Figure
from inference.backends.onnx_emotion import OnnxEmotionClassifier
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.batching import BatchingEmotionClassifier
from inference.modeling.emotion import ThresholdedEmotionClassifier
from inference.training.emotion import Split, load_split, metrics, predict_labels

LATENCY_SAMPLES = 300
BATCH = 64


def measure(classifier: ThresholdedEmotionClassifier, test: Split) -> dict:
    """Quality on the whole test split, speed on its first LATENCY_SAMPLES messages."""
    predicted = predict_labels(classifier.scores(test.texts), classifier.thresholds)
    sample = test.texts[:LATENCY_SAMPLES]
    latencies = []
    for text in sample:
        started = time.perf_counter()
        classifier.classify([text])
        latencies.append((time.perf_counter() - started) * 1000)
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
    return {"predicted": predicted, "report": metrics(test.labels, predicted), "latencies": latencies,
            "single_rate": len(sample) / (sum(latencies) / 1000), "batched_rate": batched_rate,
            "dynamic_rate": dynamic_rate, "mean_batch": statistics.mean(batcher.batches)}


def figures(name: str, result: dict, *, batching_goal: str | None = None) -> list[Figure]:
    report = result["report"]
    return [
        Figure(f"{name}: macro-F1, 28 labels", report["macro_f1"], "", goal="≥ 0.46"),
        Figure(f"{name}: macro-F1, Ekman", report["ekman_macro_f1"], "", goal="≥ 0.60"),
        Figure(f"{name}: macro-F1, sentiment", report["sentiment_macro_f1"], ""),
        Figure(f"{name}: one message, p50 latency", statistics.median(result["latencies"]), "ms", goal="≤ 15"),
        Figure(f"{name}: one message, p95 latency", float(np.percentile(result["latencies"], 95)), "ms"),
        Figure(f"{name}: one at a time, throughput", result["single_rate"], "msg/s"),
        Figure(f"{name}: batched ({BATCH}), throughput", result["batched_rate"], "msg/s"),
        Figure(f"{name}: batched / one-at-a-time", result["batched_rate"] / result["single_rate"], "×",
               goal=batching_goal),
        Figure(f"{name}: dynamic batching, 32 senders", result["dynamic_rate"], "msg/s"),
        Figure(f"{name}: dynamic batching, mean batch", result["mean_batch"], ""),
    ]


def run() -> list[Figure]:
    test = load_split(Path(settings.EMOCHAT_DATA_DIR) / "goemotions", "test")
    model_dir = settings.EMOCHAT_EMOTION_ARTIFACT
    # The same threads for both runtimes (torch's default: one per physical core), so the ratios compare runtimes.
    threads = torch.get_num_threads()
    pytorch = measure(TransformersEmotionClassifier(model_dir, device="cpu"), test)
    onnx = measure(OnnxEmotionClassifier(model_dir, cache_dir=settings.EMOCHAT_ONNX_CACHE_DIR, threads=threads), test)
    same = float((pytorch["predicted"] == onnx["predicted"]).all(axis=1).mean())
    return [
        *figures("PyTorch", pytorch, batching_goal="≥ 3"),
        *figures("ONNX int8", onnx),
        Figure("ONNX int8 − PyTorch: macro-F1, 28 labels",
               onnx["report"]["macro_f1"] - pytorch["report"]["macro_f1"], "", goal="within ±0.005"),
        Figure("ONNX int8 and PyTorch: same labels", 100 * same, "% of test"),
        Figure("ONNX int8 speed-up: p50 latency",
               statistics.median(pytorch["latencies"]) / statistics.median(onnx["latencies"]), "×", goal="> 1"),
        Figure("ONNX int8 speed-up: batched throughput", onnx["batched_rate"] / pytorch["batched_rate"], "×"),
        Figure("threads per call, both runtimes", threads, ""),
    ]

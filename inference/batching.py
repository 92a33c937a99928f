"""Dynamic batching of emotion readings across the messages an inference worker handles at the same time.

An inference worker runs its tasks on threads (one model per process, many replies in flight). Each task asks
for one reading; a single batcher thread gathers the requests that arrive together and runs the model once
for all of them: a batch is run when it holds `max_size` texts, or `max_wait_s` after its first text arrived,
so a lone message waits at most that long.

(celery-batches does this at the broker level, but it supports Celery below 5.7 only, and its batches are
capped by the prefetch limit, which emochat keeps at one task per slot so a busy worker does not hoard
messages.)
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from inference.base import EmotionClassifier
from inference.types import Emotion


class BatchingEmotionClassifier:
    """An EmotionClassifier that pools concurrent `classify` calls into batches for the one underneath."""

    def __init__(self, classifier: EmotionClassifier, *, max_size: int = 32, max_wait_s: float = 0.005,
                 observe: Callable[[int], None] | None = None):
        self.classifier = classifier
        self.observe = observe  # told the size of each batch run (the workers' metrics)
        self.max_size = max_size
        self.max_wait = max_wait_s
        self.requests: queue.SimpleQueue[tuple[str, Future]] = queue.SimpleQueue()
        self.batches: list[int] = []  # sizes of the batches run, most recent last (bounded)
        threading.Thread(target=self._run, name="emochat-emotion-batcher", daemon=True).start()

    def classify(self, texts: Sequence[str]) -> list[Emotion]:
        futures = []
        for text in texts:
            future: Future = Future()
            self.requests.put((text, future))
            futures.append(future)
        return [future.result() for future in futures]

    def _run(self) -> None:
        while True:
            batch = [self.requests.get()]
            deadline = time.monotonic() + self.max_wait
            while len(batch) < self.max_size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.requests.get(timeout=remaining))
                except queue.Empty:
                    break
            self._classify(batch)

    def _classify(self, batch: list[tuple[str, Future]]) -> None:
        self.batches = [*self.batches[-999:], len(batch)]
        if self.observe is not None:
            self.observe(len(batch))
        try:
            readings = self.classifier.classify([text for text, _ in batch])
        except Exception as exc:  # noqa: BLE001 - every waiting caller gets the failure
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), reading in zip(batch, readings):
            future.set_result(reading)

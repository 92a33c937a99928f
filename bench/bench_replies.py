"""Replies, per backend, as the person experiences them: time to the first chunk they can see and chunks per
second after it. Generated replies are measured through the sentence-by-sentence safety check, which holds
each sentence back until it is complete, as the worker sends them.

- curated: the library choice (MiniLM similarity); measured without the reading pace, which is a setting;
- transformers: a 2-layer GPT-2 built from a config (no real chat model can be loaded here): it measures the
  streaming machinery, not a language model's speed; set EMOCHAT_GENERATOR_MODEL to measure a real one;
- openai: a local fake OpenAI-compatible server streaming a 17-word reply with no delay: the client and
  transport overhead, not a model's; set EMOCHAT_OPENAI_BASE_URL and EMOCHAT_OPENAI_MODEL to measure a real one.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings

from bench.figures import Figure
from inference import safety
from inference.backends.curated import CuratedReplyGenerator
from inference.backends.openai_reply import OpenAIReplyGenerator
from inference.backends.transformers_reply import TransformersReplyGenerator
from inference.goemotions import emotion_from_labels
from inference.training.emotion import load_split
from inference.types import LabelScore, ReplyRequest

SAMPLES = 40
SAD = emotion_from_labels((LabelScore("sadness", 0.8),))


def measure(generator, texts: list[str], *, checked: bool) -> tuple[list[float], list[float]]:
    """Time to first chunk (ms) and chunks/s after it, per reply."""
    firsts, rates = [], []
    for i, text in enumerate(texts):
        request = ReplyRequest(text=text, emotion=SAD, conversation_id=f"bench-{i}")
        started = time.perf_counter()
        stream = generator.stream(request)
        stream = safety.checked(stream) if checked else stream
        chunks, first = 0, None
        for _ in stream:
            chunks += 1
            if first is None:
                first = time.perf_counter()
        done = time.perf_counter()
        firsts.append((first - started) * 1000)
        if chunks > 1 and done > first:
            rates.append((chunks - 1) / (done - first))
    return firsts, rates


def figures(name: str, firsts: list[float], rates: list[float]) -> list[Figure]:
    return [
        Figure(f"{name}: first chunk p50", statistics.median(firsts), "ms"),
        Figure(f"{name}: first chunk p95", float(np.percentile(firsts, 95)), "ms"),
        Figure(f"{name}: chunks/s after the first", statistics.median(rates) if rates else 0.0, "/s"),
    ]


def run() -> list[Figure]:
    from tests.openai_fake import FakeOpenAI
    from tests.tiny_models import tiny_chat_model

    texts = load_split(Path(settings.EMOCHAT_DATA_DIR) / "goemotions", "test").texts[:SAMPLES]
    out = []

    curated = CuratedReplyGenerator(library=settings.EMOCHAT_REPLY_LIBRARY, device="cpu", pace_ms=0)
    out += figures("curated", *measure(curated, texts, checked=False))
    pace = settings.EMOCHAT_CURATED_REPLY_PACE_MS
    out.append(Figure("curated: reading pace (setting)", 1000 / pace if pace else 0.0, "/s"))

    with tempfile.TemporaryDirectory() as directory:
        model_dir = settings.EMOCHAT_GENERATOR_MODEL or str(tiny_chat_model(Path(directory)))
        label = "transformers" if settings.EMOCHAT_GENERATOR_MODEL else "transformers (tiny GPT-2)"
        local = TransformersReplyGenerator(model_dir=model_dir, device=settings.EMOCHAT_DEVICE, max_new_tokens=64,
                                           temperature=0.7)
        out += figures(label, *measure(local, texts[:10], checked=True))

    if settings.EMOCHAT_OPENAI_BASE_URL:
        endpoint = OpenAIReplyGenerator(base_url=settings.EMOCHAT_OPENAI_BASE_URL, model=settings.EMOCHAT_OPENAI_MODEL,
                                        api_key=settings.EMOCHAT_OPENAI_API_KEY)
        out += figures("openai", *measure(endpoint, texts[:10], checked=True))
    else:
        with FakeOpenAI() as server:
            endpoint = OpenAIReplyGenerator(base_url=server.base_url, model="fake")
            out += figures("openai (local fake server)", *measure(endpoint, texts, checked=True))
    return out

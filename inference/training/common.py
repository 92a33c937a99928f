"""What training emochat's models shares: batching for training and storing an adapter small."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path


def training_batches(texts: Sequence[str], batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """Index batches, shuffled, then sorted by length within windows of 50 batches, so each batch pads little
    without every batch being alike."""
    order = list(range(len(texts)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: len(texts[i]))
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    yield from batches


def adapter_to_half(path: Path) -> None:
    """Rewrite a safetensors file in fp16: it halves the adapter on disk, and is cast back to the model's dtype
    when loaded."""
    from safetensors.torch import load_file, save_file

    tensors = {name: tensor.half() for name, tensor in load_file(path).items()}
    save_file(tensors, path, metadata={"format": "pt"})

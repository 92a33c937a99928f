"""The training loop emochat's models share: AdamW over the adapter's trainable weights with a linear warmup,
gradients clipped at 1.0, batches of texts of a length, one progress bar per epoch, and the model's own evaluation
after each epoch. What differs by model comes in as functions: how a batch is read (`inputs`), what is measured
after an epoch (`after_epoch`) and, for a model whose loss is not the one transformers computes, the loss (`loss`).
With the same seed, a run gives the same adapter."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol, TypeVar

import numpy as np
import torch


T = TypeVar("T")


class Hyperparameters(Protocol):
    """The options the loop reads (each trainer's Options has them)."""

    epochs: int
    batch_size: int
    learning_rate: float
    warmup: float
    seed: int


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch: call before anything draws from them (a fresh adapter's weights do)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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


def fit(model, texts: Sequence[str], labels: torch.Tensor, options: Hyperparameters, *,
        inputs: Callable[[list[int], random.Random], Mapping[str, torch.Tensor]],
        after_epoch: Callable[[int, float], T], bar: Callable[..., object],
        loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None) -> T | None:
    """Train `model` on `texts` and their `labels`; return what the last `after_epoch` returned (None when no
    epoch ran). `inputs(batch, rng)` gives the model's inputs for a batch of indices (`rng` is the one that shuffles
    the batches, so a run is reproducible from the seed alone); `after_epoch(epoch, mean training loss)` runs after
    each epoch; `bar(total=, desc=, unit=)` returns a progress bar (tqdm's interface). `loss(logits, labels)`, when
    given, replaces the model's own loss: the model is then called without labels (a head with several outputs per
    example, such as the risk model's level and subject, is not a loss transformers knows)."""
    # transformers takes seconds to import: only a training run pays for it.
    from transformers import get_linear_schedule_with_warmup

    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=options.learning_rate, weight_decay=0.01)
    steps = options.epochs * -(-len(texts) // options.batch_size)
    schedule = get_linear_schedule_with_warmup(optimizer, int(steps * options.warmup), steps)
    rng = random.Random(options.seed)
    measured = None
    for epoch in range(1, options.epochs + 1):
        model.train()
        losses = []
        with bar(total=len(texts), desc=f"epoch {epoch}/{options.epochs}", unit="ex") as progress:
            for batch in training_batches(texts, options.batch_size, rng):
                if loss is None:
                    value = model(**inputs(batch, rng), labels=labels[batch]).loss
                else:
                    value = loss(model(**inputs(batch, rng)).logits, labels[batch])
                value.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                losses.append(value.item())
                progress.update(len(batch))
                progress.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}")
        measured = after_epoch(epoch, float(np.mean(losses)))
    return measured

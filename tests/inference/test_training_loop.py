"""The training loop both trainers share (inference/training/loop.py), on a model small enough to train in
milliseconds: what it feeds the model, what it reports, and that a seed gives the same weights every time."""

from __future__ import annotations

import random
from contextlib import nullcontext
from dataclasses import dataclass
from types import SimpleNamespace

import torch

from inference.training.loop import fit, seed_everything, training_batches

TEXTS = [f"text {'x' * n}" for n in range(23)]


@dataclass
class Options:
    epochs: int = 2
    batch_size: int = 4
    learning_rate: float = 0.05
    warmup: float = 0.1
    seed: int = 13


class Linear(torch.nn.Module):
    """A classifier over one number per text (its length), with a loss, as a transformers model returns one."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(1, 2)
        self.frozen = torch.nn.Parameter(torch.ones(1), requires_grad=False)

    def forward(self, lengths: torch.Tensor, labels: torch.Tensor):
        return SimpleNamespace(loss=torch.nn.functional.cross_entropy(self.layer(lengths), labels))


class Bar(nullcontext):
    def __init__(self, **kwargs):
        super().__init__(self)
        self.kwargs, self.done = kwargs, 0

    def update(self, n: int) -> None:
        self.done += n

    def set_postfix(self, **kwargs) -> None:
        pass


def train(options: Options, seen: list | None = None) -> tuple[Linear, list, list[Bar]]:
    seed_everything(options.seed)
    model = Linear()
    labels = torch.tensor([n % 2 for n in range(len(TEXTS))])
    epochs, bars = [], []

    def inputs(batch: list[int], rng: random.Random) -> dict:
        if seen is not None:
            seen.append(list(batch))
        return {"lengths": torch.tensor([[len(TEXTS[i]) / 30] for i in batch])}

    def after_epoch(epoch: int, loss: float) -> str:
        epochs.append((epoch, loss))
        return f"measured {epoch}"

    def bar(**kwargs) -> Bar:
        bars.append(Bar(**kwargs))
        return bars[-1]

    last = fit(model, TEXTS, labels, options, inputs=inputs, after_epoch=after_epoch, bar=bar)
    return model, [*epochs, last], bars


def test_the_same_seed_trains_the_same_weights_and_another_seed_does_not():
    first, second, other = train(Options())[0], train(Options())[0], train(Options(seed=14))[0]

    assert torch.equal(first.layer.weight, second.layer.weight) and torch.equal(first.layer.bias, second.layer.bias)
    assert not torch.equal(first.layer.weight, other.layer.weight)


def test_every_epoch_reads_every_text_once_in_batches_and_is_measured_after():
    seen: list[list[int]] = []

    model, measured, bars = train(Options(epochs=3), seen)

    per_epoch = len(seen) // 3
    for epoch in range(3):
        batches = seen[epoch * per_epoch:(epoch + 1) * per_epoch]
        assert sorted(i for batch in batches for i in batch) == list(range(len(TEXTS)))
        assert all(1 <= len(batch) <= 4 for batch in batches)
    assert seen[:per_epoch] != seen[per_epoch:2 * per_epoch], "each epoch is shuffled anew"
    assert [epoch for epoch, _ in measured[:-1]] == [1, 2, 3] and all(loss > 0 for _, loss in measured[:-1])
    assert measured[-1] == "measured 3", "fit returns what the last epoch measured"
    assert [(bar.kwargs["desc"], bar.done) for bar in bars] == [(f"epoch {n}/3", len(TEXTS)) for n in (1, 2, 3)]
    assert torch.equal(model.frozen, torch.ones(1)), "only trainable weights are stepped"


def test_no_epoch_trains_nothing_and_measures_nothing():
    model, measured, bars = train(Options(epochs=0))

    assert measured == [None] and bars == []


def test_batches_pad_little_without_being_alike():
    texts = ["x" * (n * 7 % 50) for n in range(400)]

    batches = list(training_batches(texts, 8, random.Random(1)))

    assert sorted(i for batch in batches for i in batch) == list(range(400))
    assert all(len(texts[b[0]]) <= len(texts[b[-1]]) for b in batches), "sorted by length within a batch"
    assert batches == list(training_batches(texts, 8, random.Random(1)))
    assert batches != list(training_batches(texts, 8, random.Random(2)))

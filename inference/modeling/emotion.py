"""What every runtime of the emotion model shares: which checkpoints are GoEmotions classifiers, how texts are
tokenised, and how 28 sigmoid scores become a reading (a threshold per label, `neutral` when none passes).

The PyTorch backend and the ONNX backend differ only in what computes the logits (`scores`); everything before
(the tokenizer, its room) and after (label order, thresholds, text with nothing to read) is here, so the two read
the same text the same way.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from inference import goemotions, scripts
from inference.loader import BackendError
from inference.modeling.checkpoints import base_model_path, merged_adapter, quiet
from inference.types import Emotion, LabelScore

SETTING = "EMOCHAT_EMOTION_MODEL"
# Text with no letter or digit in any script carries nothing to read.
READABLE = re.compile(r"[^\W_]")


def is_adapter(model_dir: Path | str) -> bool:
    """emochat's own model (a LoRA adapter over all-MiniLM-L6-v2), rather than a whole checkpoint."""
    return (Path(model_dir) / "adapter_config.json").exists()


def check_model_dir(model_dir: str) -> None:
    """Fail fast, without loading weights, when `model_dir` cannot be a GoEmotions classifier."""
    path = Path(model_dir)
    if not path.is_dir():
        raise BackendError(f"{SETTING}: {model_dir!r} is not a directory holding a model.")
    if is_adapter(path):
        return  # emochat's own adapter: its labels are fixed by train_emotion
    # transformers takes seconds to import: only a process that serves this model pays for it.
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable config is a configuration error here
        raise BackendError(f"{SETTING}: {model_dir!r} holds no readable model config ({type(exc).__name__}).") from exc
    missing = set(goemotions.LABELS) - set((config.id2label or {}).values())
    if missing:
        raise BackendError(f"{SETTING}: {model_dir!r} is not a GoEmotions classifier: its labels lack "
                           f"{sorted(missing)[:5]}.")


def load_classifier(model_dir: Path | str):
    """The PyTorch model (on the CPU, in eval mode) and its tokenizer; the adapter merged into the base weights."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer  # slow to import (see above)

    quiet()
    if is_adapter(model_dir):
        model, tokenizer = merged_adapter(model_dir, goemotions.LABELS, multi_label=True)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(model_dir)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return model.eval(), tokenizer


def load_tokenizer(model_dir: Path | str):
    """The tokenizer `load_classifier` would give, without loading the weights."""
    from transformers import AutoTokenizer  # slow to import (see above)

    quiet()
    return AutoTokenizer.from_pretrained(base_model_path() if is_adapter(model_dir) else model_dir)


def tokenize(tokenizer, texts: Sequence[str], *, max_length: int, tensors: str) -> dict:
    """A padded batch, each text cut at `max_length` tokens; `tensors` is "pt" (torch) or "np" (numpy)."""
    return tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors=tensors)


class ThresholdedEmotionClassifier(ABC):
    """An EmotionClassifier over a model that gives a sigmoid score per label; subclasses compute `scores`.

    Subclasses call `configure` once they know the model's label order and tokenizer."""

    columns: np.ndarray
    thresholds: np.ndarray
    batch_size: int
    max_length: int

    def configure(self, model_dir: Path | str, names: Sequence[str], tokenizer, *, batch_size: int,
                  max_length: int) -> None:
        """Label columns from the model's `names`, thresholds from `thresholds.json` beside it (0.5 each without),
        the batch size, and the room: `max_length` or the tokenizer's limit, whichever is smaller."""
        names = list(names)
        # The model's columns, in goemotions.LABELS order, whatever order the checkpoint uses.
        self.columns = np.array([names.index(label) for label in goemotions.LABELS])
        path = Path(model_dir) / "thresholds.json"
        values = json.loads(path.read_text()) if path.exists() else {}
        self.thresholds = np.array([float(values.get(label, 0.5)) for label in goemotions.LABELS])
        self.batch_size = batch_size
        self.max_length = min(max_length, tokenizer.model_max_length)

    @abstractmethod
    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Sigmoid scores (n, 28) in goemotions.LABELS order."""

    def classify(self, texts: Sequence[str]) -> list[Emotion]:
        return [emotion for emotion, _ in self.classify_scored(texts)]

    def classify_scored(self, texts: Sequence[str]) -> list[tuple[Emotion, np.ndarray | None]]:
        """Each text's reading with all 28 scores (None for text with nothing to read)."""
        cleaned = [text if isinstance(text, str) else "" for text in texts]
        readable = [i for i, text in enumerate(cleaned) if READABLE.search(text)]
        out: list[tuple[Emotion, np.ndarray | None]] = [
            (goemotions.emotion_from_labels((), flags=("empty",)), None) for _ in cleaned
        ]
        # A text mostly in a script the English model cannot read gets "not read", never a guess.
        unread = {i for i in readable if not scripts.latin_readable(cleaned[i])}
        for i in unread:
            out[i] = (goemotions.not_read(), None)
        readable = [i for i in readable if i not in unread]
        if readable:
            for i, row in zip(readable, self.scores([cleaned[i] for i in readable])):
                above = np.flatnonzero(row >= self.thresholds)
                labels = tuple(LabelScore(goemotions.LABELS[j], float(row[j])) for j in above)
                out[i] = (goemotions.emotion_from_labels(labels), row)
        return out

"""GoEmotions labels from a transformers sequence-classification model: a sigmoid per label, a threshold per
label. Loads either emochat's own model (a LoRA adapter over all-MiniLM-L6-v2, from `train_emotion`) or any
local Hugging Face checkpoint whose `id2label` names the 28 GoEmotions labels, in any order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from inference import goemotions, scripts
from inference.loader import BackendError
from inference.modeling.checkpoints import merged_adapter, quiet
from inference.modeling.devices import pick_device
from inference.modeling.encoding import length_batches
from inference.types import Emotion, LabelScore

SETTING = "EMOCHAT_EMOTION_MODEL"
# Text with no letter or digit in any script carries nothing to read.
READABLE = re.compile(r"[^\W_]")


def _load(model_dir: Path, device: torch.device):
    # transformers takes seconds to import: only a process that serves this model pays for it.
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    quiet()
    if (model_dir / "adapter_config.json").exists():
        model, tokenizer = merged_adapter(model_dir, goemotions.LABELS, multi_label=True)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(model_dir)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return model.to(device).eval(), tokenizer


def check_model_dir(model_dir: str) -> None:
    """Fail fast, without loading weights, when `model_dir` cannot be a GoEmotions classifier."""
    path = Path(model_dir)
    if not path.is_dir():
        raise BackendError(f"{SETTING}: {model_dir!r} is not a directory holding a model.")
    if (path / "adapter_config.json").exists():
        return  # emochat's own adapter: its labels are fixed by train_emotion
    from transformers import AutoConfig  # slow to import; see _load

    try:
        config = AutoConfig.from_pretrained(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable config is a configuration error here
        raise BackendError(f"{SETTING}: {model_dir!r} holds no readable model config ({type(exc).__name__}).") from exc
    missing = set(goemotions.LABELS) - set((config.id2label or {}).values())
    if missing:
        raise BackendError(f"{SETTING}: {model_dir!r} is not a GoEmotions classifier: its labels lack "
                           f"{sorted(missing)[:5]}.")


class TransformersEmotionClassifier:
    def __init__(self, model_dir: str, *, device: str = "auto", batch_size: int = 32, max_length: int = 128):
        check_model_dir(model_dir)
        path = Path(model_dir)
        try:
            self.model, self.tokenizer = _load(path, pick_device(device))
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loading failure is a configuration error here
            raise BackendError(f"{SETTING}: {model_dir!r} is not a sequence-classification model that loads "
                               f"({type(exc).__name__}).") from exc
        names = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        # The model's columns, in goemotions.LABELS order, whatever order the checkpoint uses.
        self.columns = np.array([names.index(label) for label in goemotions.LABELS])
        thresholds = path / "thresholds.json"
        values = json.loads(thresholds.read_text()) if thresholds.exists() else {}
        self.thresholds = np.array([float(values.get(label, 0.5)) for label in goemotions.LABELS])
        self.batch_size = batch_size
        self.max_length = min(max_length, self.tokenizer.model_max_length)
        self.classify(["warming up"])  # the first call pays for lazy initialisation; not a person's message

    @torch.inference_mode()
    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Sigmoid scores (n, 28) in goemotions.LABELS order. Longer texts are truncated to the model's limit.
        Batches are cut from the texts sorted by length, so a batch pads to a similar length, not the longest."""
        out = np.zeros((len(texts), len(goemotions.LABELS)), dtype=np.float32)
        for batch in length_batches(texts, self.batch_size):
            encoded = self.tokenizer([texts[i] for i in batch], padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt").to(self.model.device)
            logits = self.model(**encoded).logits.float()
            out[batch] = torch.sigmoid(logits).cpu().numpy()[:, self.columns]
        return out

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

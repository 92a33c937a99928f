"""GoEmotions labels from a transformers sequence-classification model: a sigmoid per label, a threshold per
label. Loads either emochat's own model (a LoRA adapter over all-MiniLM-L6-v2, from `train_emotion`) or any
local Hugging Face checkpoint whose `id2label` names the 28 GoEmotions labels, in any order. How scores become a
reading is shared with the ONNX backend (`inference.modeling.emotion`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from inference import goemotions
from inference.loader import BackendError
from inference.modeling.devices import pick_device
from inference.modeling.emotion import SETTING, ThresholdedEmotionClassifier, check_model_dir, load_classifier, tokenize
from inference.modeling.encoding import length_batches

__all__ = ["TransformersEmotionClassifier", "check_model_dir"]


class TransformersEmotionClassifier(ThresholdedEmotionClassifier):
    def __init__(self, model_dir: str, *, device: str = "auto", batch_size: int = 32, max_length: int = 128):
        check_model_dir(model_dir)
        target = pick_device(device)
        try:
            model, self.tokenizer = load_classifier(model_dir)
            self.model = model.to(target)
        except Exception as exc:  # noqa: BLE001 - any loading failure is a configuration error here
            raise BackendError(f"{SETTING}: {model_dir!r} is not a sequence-classification model that loads "
                               f"({type(exc).__name__}).") from exc
        config = self.model.config
        self.configure(model_dir, [config.id2label[i] for i in range(config.num_labels)], self.tokenizer,
                       batch_size=batch_size, max_length=max_length)
        self.classify(["warming up"])  # the first call pays for lazy initialisation; not a person's message

    @torch.inference_mode()
    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Sigmoid scores (n, 28) in goemotions.LABELS order. Longer texts are truncated to the model's limit.
        Batches are cut from the texts sorted by length, so a batch pads to a similar length, not the longest."""
        out = np.zeros((len(texts), len(goemotions.LABELS)), dtype=np.float32)
        for batch in length_batches(texts, self.batch_size):
            encoded = tokenize(self.tokenizer, [texts[i] for i in batch], max_length=self.max_length,
                               tensors="pt").to(self.model.device)
            logits = self.model(**encoded).logits.float()
            out[batch] = torch.sigmoid(logits).cpu().numpy()[:, self.columns]
        return out

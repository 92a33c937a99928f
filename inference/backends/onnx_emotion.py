"""The emotion model on ONNX Runtime, for workers without a GPU: the same model, tokenizer, labels and thresholds as
the PyTorch backend (`inference.modeling.emotion`), an int8 graph built from the checkpoint
(`inference.modeling.onnx_export`). On GoEmotions test its macro-F1 is within 0.005 of PyTorch's; on a 2-core CPU
it reads one message about three times as fast, and batches 1.6 to 2.8 times as fast (`make bench`, bench_emotion).

`auto_emotion_classifier` is the default backend: ONNX where the models run on the CPU and onnxruntime is
installed, PyTorch where they run on CUDA (a GPU runs the fp32 model faster than a CPU runs int8).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from inference import goemotions
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.loader import BackendError
from inference.modeling import onnx_export
from inference.modeling.devices import pick_device
from inference.modeling.emotion import ThresholdedEmotionClassifier, check_model_dir, load_tokenizer, tokenize
from inference.modeling.encoding import length_batches

try:
    import onnxruntime
except ImportError:  # an optional dependency: the `auto` backend then serves PyTorch
    onnxruntime = None

logger = logging.getLogger(__name__)

BACKEND_SETTING = "EMOCHAT_EMOTION_BACKEND"
CACHE_SETTING = "EMOCHAT_ONNX_CACHE_DIR"


class OnnxEmotionClassifier(ThresholdedEmotionClassifier):
    """`threads`: ONNX Runtime's threads within one call (0: its default, one per physical core)."""

    def __init__(self, model_dir: str, *, cache_dir: str, precision: str = "int8", threads: int = 0,
                 batch_size: int = 32, max_length: int = 128):
        if onnxruntime is None:
            raise BackendError(f"{BACKEND_SETTING}: the onnx backend needs onnxruntime, which is not installed.")
        check_model_dir(model_dir)
        path = _artifact(model_dir, cache_dir, precision)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            names = json.loads(self.session.get_modelmeta().custom_metadata_map[onnx_export.LABELS_KEY])
        except Exception as exc:  # noqa: BLE001 - a broken cached file is a configuration error here
            raise BackendError(f"{CACHE_SETTING}: {str(path)!r} is not a readable emotion model "
                               f"({type(exc).__name__}); delete it to rebuild it.") from exc
        self.path = path
        self.inputs = [item.name for item in self.session.get_inputs()]
        self.tokenizer = load_tokenizer(model_dir)
        self.configure(model_dir, names, self.tokenizer, batch_size=batch_size, max_length=max_length)
        self.classify(["warming up"])  # the first call pays for lazy initialisation; not a person's message

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Sigmoid scores (n, 28) in goemotions.LABELS order, batched as the PyTorch backend batches them."""
        out = np.zeros((len(texts), len(goemotions.LABELS)), dtype=np.float32)
        for batch in length_batches(texts, self.batch_size):
            encoded = tokenize(self.tokenizer, [texts[i] for i in batch], max_length=self.max_length, tensors="np")
            [logits] = self.session.run(None, {name: encoded[name].astype(np.int64) for name in self.inputs})
            out[batch] = (1.0 / (1.0 + np.exp(-logits.astype(np.float32))))[:, self.columns]
        return out


def _artifact(model_dir: str, cache_dir: str, precision: str) -> Path:
    """The cached ONNX file, built from the checkpoint when it is not there yet (about ten seconds on a CPU)."""
    try:
        return onnx_export.ensure(model_dir, cache_dir, precision)
    except ValueError as exc:
        raise BackendError(f"{BACKEND_SETTING}: {exc}") from exc
    except OSError as exc:
        raise BackendError(f"{CACHE_SETTING}: cannot write the ONNX model to {cache_dir!r} "
                           f"({type(exc).__name__}); build it with `python manage.py emotion_export_onnx`, or make "
                           f"the folder writable.") from exc
    except Exception as exc:  # noqa: BLE001 - an export that fails is a configuration error here
        raise BackendError(f"EMOCHAT_EMOTION_MODEL: {model_dir!r} could not be exported to ONNX "
                           f"({type(exc).__name__}).") from exc


def auto_emotion_classifier(model_dir: str, *, device: str = "auto", cache_dir: str, threads: int = 0,
                            **options) -> ThresholdedEmotionClassifier:
    """ONNX (int8) where the models run on the CPU and onnxruntime is installed, else PyTorch. Where the ONNX file
    can be neither found nor built (a read-only cache folder), PyTorch too, and the log says why."""
    check_model_dir(model_dir)
    if onnxruntime is not None and pick_device(device).type == "cpu":
        try:
            return OnnxEmotionClassifier(model_dir, cache_dir=cache_dir, threads=threads, **options)
        except BackendError as exc:
            logger.warning("emotion model: serving PyTorch, not ONNX: %s", exc)
    return TransformersEmotionClassifier(model_dir, device=device, **options)

"""The emotion model as an ONNX graph for ONNX Runtime on the CPU: int8 by default, built from the checkpoint.

The file is never committed: it is derived from the checkpoint emochat ships (a 1.7 MB adapter over the base
weights), so it is built, by `python manage.py emotion_export_onnx` ahead of time or by the ONNX backend the first
time a worker loads it, into a cache folder (EMOCHAT_ONNX_CACHE_DIR). Its name carries a hash of all it is built
from: the checkpoint's files (and, for emochat's adapter, the base model's), the recipe below and the versions of
the libraries that write it. A retrained model or an upgraded exporter gets a file of its own, never a stale one.

How it is built:
- `torch.onnx.export` (the torch.export-based exporter) of the model `inference.modeling.emotion` loads, with the
  batch and sequence dimensions dynamic; the logits are the output, the label order is stored in the file's
  metadata (`labels`), so a runtime needs no config to read it;
- int8: onnxruntime's dynamic quantization of that graph. Weights are int8 per output channel (per tensor moved
  labels more often for no gain in speed); activations are quantized at run time, per batch. `reduce_range` (7-bit
  weights): on CPUs without VNNI the int8 kernels add pairs of products in 16 bits, which 8-bit weights can
  overflow; with 7 bits the result is the same on every x86 CPU, at no measurable cost on GoEmotions.

A file is written to a temporary name and renamed into place, so workers that build at the same time each read a
whole file (the last rename wins; the files are the same).

onnx and onnxruntime are imported where they are used: the ONNX backend imports this module, and where onnxruntime
is not installed it must still import, to say so (or, as `auto`, serve PyTorch instead).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch

from inference.modeling.checkpoints import base_model_path
from inference.modeling.emotion import is_adapter, load_classifier, tokenize

PRECISIONS = ("int8", "fp32")
LABELS_KEY = "labels"
# Part of every file's hash: change it when the way a file is built changes.
RECIPE = "torch.export; int8: dynamic, QInt8 weights per channel, reduce_range; v1"
# Two texts of different lengths: a batch of one or a single length would be fixed into the graph.
EXAMPLE = ["an example to trace the model with", "a shorter one"]


def fingerprint(model_dir: Path | str, precision: str) -> str:
    """A hash of what the file for `model_dir` at `precision` is built from."""
    import onnxruntime
    import transformers  # slow to import (see inference.modeling.checkpoints)

    digest = hashlib.sha256()
    digest.update(f"{RECIPE}|{precision}|{torch.__version__}|{transformers.__version__}|"
                  f"{onnxruntime.__version__}".encode())
    folders = [Path(model_dir)] + ([Path(base_model_path())] if is_adapter(model_dir) else [])
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".onnx"):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def artifact_path(model_dir: Path | str, cache_dir: Path | str, precision: str = "int8") -> Path:
    """Where the file for `model_dir` at `precision` is (or will be) in `cache_dir`."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    name = Path(model_dir).resolve().name or "model"
    return Path(cache_dir) / f"{name}-{fingerprint(model_dir, precision)[:16]}.{precision}.onnx"


def ensure(model_dir: Path | str, cache_dir: Path | str, precision: str = "int8", *, force: bool = False) -> Path:
    """The file for `model_dir` at `precision`, built into `cache_dir` first if it is not there (or `force`)."""
    path = artifact_path(model_dir, cache_dir, precision)
    if force or not path.is_file():
        build(model_dir, path, precision)
    return path


def build(model_dir: Path | str, out: Path, precision: str = "int8") -> Path:
    """Export the model in `model_dir` to `out` (ONNX, at `precision`)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.parent.mkdir(parents=True, exist_ok=True)
    with _quietly(), tempfile.TemporaryDirectory(dir=out.parent, prefix=".building-") as scratch:
        fp32 = Path(scratch) / "fp32.onnx"
        labels = export_fp32(model_dir, fp32)
        result = fp32
        if precision == "int8":
            result = Path(scratch) / "int8.onnx"
            quantize_dynamic(fp32, result, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
        graph = onnx.load(result)
        onnx.helper.set_model_props(graph, {LABELS_KEY: json.dumps(labels)})
        onnx.save(graph, result)
        os.replace(result, out)
    return out


def export_fp32(model_dir: Path | str, out: Path) -> list[str]:
    """The model in `model_dir` as an fp32 ONNX graph at `out`, its logits in the checkpoint's own label order;
    returns that order."""
    model, tokenizer = load_classifier(model_dir)
    inputs = dict(tokenize(tokenizer, EXAMPLE, max_length=64, tensors="pt"))
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    torch.onnx.export(model, (), str(out), kwargs=inputs, dynamo=True, external_data=False, verbose=False,
                      output_names=["logits"], dynamic_shapes={name: {0: batch, 1: sequence} for name in inputs})
    return [model.config.id2label[i] for i in range(model.config.num_labels)]


class _FromOnnxRuntime(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or "onnxruntime" not in record.pathname


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """Errors only, while a file is built: the exporter and the quantizer log every pass at INFO (the quantizer
    to the root logger) and warn of their own deprecations, a hundred and fifty lines that say nothing about the
    model."""
    loggers = [logging.getLogger(name) for name in ("onnx_ir", "onnxscript", "torch.onnx")]
    levels = [each.level for each in loggers]
    root_filter = _FromOnnxRuntime()
    logging.getLogger().addFilter(root_filter)
    try:
        for each in loggers:
            each.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.getLogger().removeFilter(root_filter)
        for each, level in zip(loggers, levels):
            each.setLevel(level)

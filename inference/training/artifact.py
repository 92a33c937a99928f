"""What a training run writes: the adapter (with the head and pooler) in fp16, its thresholds, its report and a
model card."""

from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file, save_file


def save(model, out_dir: Path, *, thresholds: dict, report: dict, card: str) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    adapter_to_half(out_dir / "adapter_model.safetensors")
    (out_dir / "thresholds.json").write_text(json.dumps(thresholds, indent=2) + "\n")
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / "README.md").write_text(card)  # replaces peft's template
    return out_dir


def adapter_to_half(path: Path) -> None:
    """Rewrite a safetensors file in fp16: it halves the adapter on disk, and is cast back to the model's dtype
    when loaded."""
    tensors = {name: tensor.half() for name, tensor in load_file(path).items()}
    save_file(tensors, path, metadata={"format": "pt"})

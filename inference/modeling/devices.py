"""Which device a model runs on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inference.loader import BackendError

if TYPE_CHECKING:
    import torch


def pick_device(device: str) -> torch.device:
    """`auto` (CUDA when torch sees it, else the CPU), `cpu` or `cuda`; BackendError when `cuda` is asked for and
    there is none, rather than a worker that fails every message."""
    # torch is imported here, not with the module: the curated library imports this module, and the web process
    # imports the library for crisis scripts without ever running a model.
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise BackendError("EMOCHAT_DEVICE is cuda, but torch sees no CUDA device on this worker.")
    return torch.device(device)

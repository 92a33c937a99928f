"""Builds each configured backend once per process and keeps it: models load at worker start, not per message."""

from __future__ import annotations

import importlib
import threading
from typing import Any

_built: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}
_lock = threading.Lock()


class BackendError(Exception):
    """A backend path that cannot be imported or built; the message names the setting to fix."""


def build(setting: str, dotted_path: str, **options: Any) -> Any:
    key = (dotted_path, tuple(sorted(options.items())))
    with _lock:
        if key not in _built:
            _built[key] = _construct(setting, dotted_path, options)
        return _built[key]


def _construct(setting: str, dotted_path: str, options: dict[str, Any]) -> Any:
    module_path, _, name = dotted_path.rpartition(".")
    try:
        backend_class = getattr(importlib.import_module(module_path), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise BackendError(f"{setting}: cannot import {dotted_path!r} ({type(exc).__name__}).") from exc
    return backend_class(**options)


def reset() -> None:
    """Forget built backends (tests that change settings)."""
    with _lock:
        _built.clear()

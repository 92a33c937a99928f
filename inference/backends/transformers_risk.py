"""Suicide-risk language from emochat's risk model (a LoRA adapter over all-MiniLM-L6-v2, from `train_risk`): the
second layer of crisis detection, behind the rule-based safety net.

Two heads: the level (`none` … `imminent`) and whose risk it is (`self`, `other`, `not_literal`). How they are cut
into a reading lives in `inference.modeling.levels`; what `assess` returns for each text:

- `level`: the highest level whose calibrated cumulative probability, at its worst window, reaches its threshold
  in the artifact's `thresholds.json`;
- `score`: calibrated P(level >= ideation), the maximum over the text's windows;
- `subject`: the subject head's choice when the level is above `none`, else "";
- `categories`: `self_harm` when flagged about the writer, `third_party` when flagged about someone else, none
  otherwise (a flagged `not_literal` reading is left to the rules);
- `source`: `model`, or `model_unread` for a text that is not mostly in Latin letters (Chinese is the Chinese
  rules' to read: an English encoder cannot read it, and a guess would look like a reading);
- `cues`: `unplaced` when a text of several sentences reads `ideation` or above whole but none of its passages
  (each sentence alone and with the next) does on its own: long, sad, and no sentence
  that says danger. The combined reading asks rather than escalates there unless the rules see the words of
  danger (inference/triage.py, row 7).

The model reads each message alone: `contexts` is accepted for the RiskDetector interface and ignored. Read with
its earlier messages, everyday support chat after a sad line read as ideation; the safety net reads context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from inference.loader import BackendError
from inference.modeling.checkpoints import BASE_MODEL, merged_adapter, quiet
from inference.modeling.devices import pick_device
from inference.modeling.encoding import MAX_LENGTH, passages
from inference.modeling.levels import (LABELS, Reading, in_order, level_of, passage_peaks, read, thresholds_from,
                                       window_logits)
from inference.scripts import latin_readable
from inference.types import UNPLACED, Risk, risk_rank

SETTING = "EMOCHAT_RISK_MODEL"
SOURCE = "model"
UNREAD = "model_unread"
# Text with no letter or digit in any script carries nothing to read.
READABLE = re.compile(r"[^\W_]")
# The classification head in the saved adapter: (outputs, hidden).
HEAD = "model.classifier.weight"


def check_model_dir(model_dir: str) -> dict[str, float]:
    """Fail fast, without loading the model, when `model_dir` cannot be emochat's two-headed risk model; return its
    thresholds (with the temperature)."""
    path = Path(model_dir)
    if not path.is_dir():
        raise BackendError(f"{SETTING}: {model_dir!r} is not a directory holding a model.")
    if not (path / "adapter_config.json").is_file():
        raise BackendError(f"{SETTING}: {model_dir!r} holds no LoRA adapter (adapter_config.json); "
                           f"`manage.py train_risk` writes one.")
    try:
        stored = json.loads((path / "thresholds.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackendError(f"{SETTING}: {model_dir!r} has no readable thresholds.json ({type(exc).__name__}).") from exc
    if isinstance(stored, dict) and set(stored) == {"indicator", "ideation"}:
        raise BackendError(f"{SETTING}: {model_dir!r} is the old binary risk model (thresholds `indicator` and "
                           f"`ideation` only); retrain it with `manage.py train_risk`.")
    try:
        thresholds = thresholds_from(stored)
    except (ValueError, KeyError, TypeError) as exc:
        # e.g. the emotion model's folder: an adapter too, but its thresholds are per emotion label.
        raise BackendError(f"{SETTING}: {model_dir!r} is not a risk classifier: its thresholds.json does not give "
                           f"`indicator`, `ideation`, `behavior`, `imminent` and `temperature` "
                           f"({type(exc).__name__}).") from exc
    if not in_order(thresholds):
        raise BackendError(f"{SETTING}: {model_dir!r} has thresholds out of order (need 0 <= indicator <= ideation "
                           f"<= 1, behavior and imminent in [0, 1], temperature > 0).")
    outputs = _head_outputs(path / "adapter_model.safetensors")
    if outputs is not None and outputs != len(LABELS):
        raise BackendError(f"{SETTING}: {model_dir!r} has a head of {outputs} outputs, not the {len(LABELS)} of the "
                           f"level and subject heads.")
    return thresholds


def _head_outputs(weights: Path) -> int | None:
    """The classification head's output count, read from the safetensors header alone; None when it is not there
    (the loader then says what is wrong)."""
    from safetensors import safe_open

    try:
        with safe_open(str(weights), framework="pt") as handle:
            names = [name for name in handle.keys() if name.endswith(HEAD)]
            return int(handle.get_slice(names[0]).get_shape()[0]) if names else None
    except Exception:  # noqa: BLE001 - a missing or unreadable file is the loader's to report
        return None


def _load(model_dir: Path, device: torch.device):
    quiet()
    model, tokenizer = merged_adapter(model_dir, LABELS)
    return model.to(device).eval(), tokenizer


def _trained_length(model_dir: Path) -> int:
    try:
        return int(json.loads((model_dir / "report.json").read_text())["input"]["max_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return MAX_LENGTH


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return ""


class TransformersRiskDetector:
    def __init__(self, model_dir: str, *, device: str = "auto", batch_size: int = 32, max_length: int | None = None):
        """`max_length` None reads windows of the length the model was trained at (its report.json), as dev was
        measured."""
        self.thresholds = check_model_dir(model_dir)
        try:
            self.model, self.tokenizer = _load(Path(model_dir), pick_device(device))
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loading failure is a configuration error here
            raise BackendError(f"{SETTING}: {model_dir!r} is not a risk adapter that loads over "
                               f"{BASE_MODEL} ({type(exc).__name__}).") from exc
        self.batch_size = batch_size
        self.max_length = min(max_length or _trained_length(Path(model_dir)), self.tokenizer.model_max_length)
        self.assess(["warming up"])  # the first call pays for lazy initialisation; not a person's message

    def readings(self, texts: Sequence[str]) -> list[Reading]:
        """What the model reads in each text, before thresholds, in input order. A text of several sentences that
        reads as danger is also read by passages (`Reading.passages`)."""
        temperature = self.thresholds["temperature"]
        logits = window_logits(self.model, self.tokenizer, list(texts), batch_size=self.batch_size,
                               max_length=self.max_length)
        out = [read(rows, temperature) for rows in logits]
        asked = [(i, parts) for i, reading in enumerate(out) if self._danger(reading.peaks)
                 for parts in [passages(texts[i])] if parts]
        if asked:
            flat = [part for _, parts in asked for part in parts]
            rows = window_logits(self.model, self.tokenizer, flat, batch_size=self.batch_size,
                                 max_length=self.max_length)
            start = 0
            for i, parts in asked:
                found = np.concatenate(rows[start:start + len(parts)])
                out[i] = replace(out[i], passages=passage_peaks(found, temperature))
                start += len(parts)
        return out

    def assess(self, texts: Sequence[str], *, contexts: Sequence[Sequence[str]] | None = None) -> list[Risk]:
        """One Risk per text, in order. `contexts` is ignored: the model reads each message alone (module
        docstring)."""
        cleaned = [_as_text(text) for text in texts]
        out = [Risk("none", 0.0, (), SOURCE) for _ in cleaned]
        readable = []
        for i, text in enumerate(cleaned):
            if not READABLE.search(text):
                continue  # nothing to read: exactly `none`, read
            if latin_readable(text):
                readable.append(i)
            else:
                out[i] = Risk("none", 0.0, (), UNREAD)
        if readable:
            for i, reading in zip(readable, self.readings([cleaned[i] for i in readable])):
                out[i] = self.risk_of(reading)
        return out

    def _danger(self, peaks: np.ndarray) -> bool:
        return risk_rank(level_of(peaks, self.thresholds)) >= risk_rank("ideation")

    def risk_of(self, reading: Reading) -> Risk:
        level = level_of(reading.peaks, self.thresholds)
        subject = reading.subject if level != "none" else ""
        categories: tuple[str, ...] = ()
        cues: tuple[str, ...] = ()
        if risk_rank(level) >= risk_rank("ideation"):
            categories = {"self": ("self_harm",), "other": ("third_party",)}.get(subject, ())
            if reading.passages is not None and not self._danger(reading.passages):
                cues = (UNPLACED,)
        return Risk(level, reading.score, categories, SOURCE, subject, cues)

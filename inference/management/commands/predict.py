"""`python manage.py predict {emotion,risk} --in FILE.csv --text-column text --out FILE.jsonl`

One JSON line per input row, in input order:
- emotion: `{"labels": [{"label", "score"}...], "scores": {28 labels}, "group", "sentiment"}` — `labels` are those
  above their thresholds (`neutral` when none is), highest first.
- risk: `{"level", "score", "categories", "subject"}`, the combined reading the chat makes (the rules and the
  risk model, EMOCHAT_RISK_MODEL, together: inference/triage.py), each row read on its own; `cues` when the rules
  were sure of something. `--model-only`: the model's own reading. Texts of any length are read whole (in windows).
Rows are read, scored and written in batches, so a file of any size streams through.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference import goemotions, loader, triage
from inference.backends.transformers_emotion import TransformersEmotionClassifier
from inference.backends.transformers_risk import TransformersRiskDetector

BATCH = 256


def emotion_rows(classifier: TransformersEmotionClassifier, texts: list[str]) -> list[dict]:
    rows = []
    for reading, scores in classifier.classify_scored(texts):
        row = reading.as_dict()
        row["scores"] = {label: round(float(scores[j]), 4) if scores is not None else 0.0
                         for j, label in enumerate(goemotions.LABELS)}
        if reading.flags:
            row["flags"] = list(reading.flags)
        rows.append(row)
    return rows


def risk_rows(detector: TransformersRiskDetector, texts: list[str], *, model_only: bool = False) -> list[dict]:
    readings = detector.assess(texts) if model_only else triage.read(detector, texts)
    return [reading.as_dict() for reading in readings]


def build(task: str, *, model_only: bool = False) -> Callable[[list[str]], list[dict]]:
    """The task's model, loaded once, as a function from a batch of texts to their output rows."""
    if task == "risk":
        detector = TransformersRiskDetector(settings.EMOCHAT_RISK_MODEL, device=settings.EMOCHAT_DEVICE)
        return lambda texts: risk_rows(detector, texts, model_only=model_only)
    classifier = TransformersEmotionClassifier(settings.EMOCHAT_EMOTION_MODEL, device=settings.EMOCHAT_DEVICE)
    return lambda texts: emotion_rows(classifier, texts)


class Command(BaseCommand):
    help = "Run a model over a CSV file and write one JSON line per row (input order)."

    def add_arguments(self, parser):
        parser.add_argument("task", choices=["emotion", "risk"], help="which model")
        parser.add_argument("--in", dest="source", type=Path, required=True, help="a CSV file with a header row")
        parser.add_argument("--text-column", default="text", help="the column holding the text (default: text)")
        parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
        parser.add_argument("--model-only", action="store_true",
                            help="risk: the model's own reading, without the rules (default: the combined reading)")

    def handle(self, *args, task: str, source: Path, text_column: str, out: Path, model_only: bool, **options):
        if not source.is_file():
            raise CommandError(f"--in: no such file {source}")
        csv.field_size_limit(sys.maxsize)
        with source.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or text_column not in reader.fieldnames:
                raise CommandError(f"--text-column: {source} has no column {text_column!r} "
                                   f"(its columns: {', '.join(reader.fieldnames or []) or 'none'}).")
            total = sum(1 for _ in reader)
        try:
            rows_of = build(task, model_only=model_only)
        except loader.BackendError as exc:
            raise CommandError(str(exc)) from exc
        written = 0
        with source.open(newline="", encoding="utf-8", errors="replace") as handle, \
                out.open("w", encoding="utf-8") as sink, \
                tqdm(total=total, unit="row", desc=f"predict {task}", disable=None) as progress:
            rows = (row.get(text_column) or "" for row in csv.DictReader(handle))
            while batch := list(islice(rows, BATCH)):
                for row in rows_of(batch):
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += len(batch)
                progress.update(len(batch))
        self.stdout.write(f"Wrote {written} lines to {out}")

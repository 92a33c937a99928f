"""`python manage.py emotion_export_onnx`: build the ONNX emotion model the `onnx` (and, on a CPU, `auto`) backend
serves, from EMOCHAT_EMOTION_MODEL into EMOCHAT_ONNX_CACHE_DIR (inference/modeling/onnx_export.py).

A worker builds the file itself when it is missing; run this where the worker cannot write the cache folder (a
container image: at build time), or to pay the ten seconds before the first worker starts. It does nothing when the
file for this model and recipe is already there, unless `--force`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inference.loader import BackendError
from inference.modeling import onnx_export
from inference.modeling.emotion import check_model_dir


class Command(BaseCommand):
    help = "Export the emotion model to ONNX (int8 by default) into the cache folder the onnx backend reads."

    def add_arguments(self, parser):
        parser.add_argument("--model", default=settings.EMOCHAT_EMOTION_MODEL,
                            help="the model to export (default: EMOCHAT_EMOTION_MODEL)")
        parser.add_argument("--cache-dir", default=settings.EMOCHAT_ONNX_CACHE_DIR,
                            help="where to write it (default: EMOCHAT_ONNX_CACHE_DIR)")
        parser.add_argument("--precision", choices=onnx_export.PRECISIONS, default="int8")
        parser.add_argument("--force", action="store_true", help="build it again even if it is there")

    def handle(self, *args, model: str, cache_dir: str, precision: str, force: bool, **options):
        try:
            check_model_dir(model)
        except BackendError as exc:
            raise CommandError(str(exc)) from exc
        existing = onnx_export.artifact_path(model, cache_dir, precision)
        if existing.is_file() and not force:
            self.stdout.write(f"Up to date: {existing}")
            return
        path = onnx_export.ensure(model, cache_dir, precision, force=True)
        self.stdout.write(f"Wrote {path} ({Path(path).stat().st_size / 1e6:.1f} MB)")

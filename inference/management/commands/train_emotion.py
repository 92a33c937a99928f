"""`python manage.py train_emotion`: reproduce the default emotion model (inference/training/emotion.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference.training import emotion


class Command(BaseCommand):
    help = ("Fine-tune all-MiniLM-L6-v2 with a LoRA adapter on GoEmotions train, tune per-label thresholds on dev, "
            "report on test; writes the adapter, thresholds, report.json and per_label_f1.png.")

    def add_arguments(self, parser):
        defaults = emotion.Options()
        parser.add_argument("--out", type=Path, default=Path(settings.EMOCHAT_EMOTION_ARTIFACT),
                            help="where to write the model (default: the one emochat ships)")
        parser.add_argument("--epochs", type=int, default=defaults.epochs)
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
        parser.add_argument("--max-length", type=int, default=defaults.max_length)
        parser.add_argument("--lora-r", type=int, default=defaults.lora_r)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--limit", type=int, default=None, help="use only the first N examples of each split")

    def handle(self, *args, out: Path, limit: int | None, **options):
        data_dir = Path(settings.EMOCHAT_DATA_DIR) / "goemotions"
        if not (data_dir / "train.tsv").exists():
            raise CommandError(f"No GoEmotions data in {data_dir}: set EMOCHAT_DATA_DIR to the folder that holds "
                               f"goemotions/train.tsv, dev.tsv, test.tsv and labels.txt.")
        chosen = emotion.Options(epochs=options["epochs"], batch_size=options["batch_size"],
                                 learning_rate=options["learning_rate"], max_length=options["max_length"],
                                 lora_r=options["lora_r"], lora_alpha=2 * options["lora_r"], seed=options["seed"],
                                 limit=limit)
        report = emotion.train(data_dir, out, chosen, bar=lambda **kw: tqdm(**kw, disable=None))
        for row in report.epochs:
            self.stdout.write(f"epoch {row['epoch']}: loss {row['train_loss']:.4f}, dev macro-F1 "
                              f"{row['dev_macro_f1_at_0.5']:.3f} at 0.5, {row['dev_macro_f1_tuned']:.3f} tuned")
        self.stdout.write(f"test: macro-F1 {report.test['macro_f1']:.3f}, Ekman {report.test['ekman_macro_f1']:.3f}, "
                          f"sentiment {report.test['sentiment_macro_f1']:.3f} ({report.seconds:.0f} s)")
        self.stdout.write(f"Wrote {out}")

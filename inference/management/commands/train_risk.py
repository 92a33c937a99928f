"""`python manage.py train_risk`: reproduce the default risk model (inference/training/risk.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference.training import risk


class Command(BaseCommand):
    help = ("Fine-tune all-MiniLM-L6-v2 with a LoRA adapter to flag suicide-risk language (crisis train), tune the "
            "`ideation` and `indicator` thresholds on crisis dev; writes the adapter, thresholds.json, report.json "
            "and README.md.")

    def add_arguments(self, parser):
        defaults = risk.Options()
        # The model emochat ships (not EMOCHAT_RISK_MODEL, which may name an operator's copy); --out elsewhere to try
        # a variant without replacing it.
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "inference" / "models" /
                            "risk-minilm", help="where to write the model (default: the one emochat ships)")
        parser.add_argument("--epochs", type=int, default=defaults.epochs)
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
        parser.add_argument("--max-length", type=int, default=defaults.max_length)
        parser.add_argument("--lora-r", type=int, default=defaults.lora_r)
        parser.add_argument("--context-rate", type=float, default=defaults.context_rate,
                            help="share of training batches read after one or two unrelated harmless messages")
        parser.add_argument("--chat-negatives", type=int, default=defaults.chat_negatives,
                            help="GoEmotions train comments (EMOCHAT_DATA_DIR/goemotions) that the safety net does "
                                 "not flag, trained on as not flagged (0: none)")
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--limit", type=int, default=None, help="use only the first N examples of each split")

    def handle(self, *args, out: Path, limit: int | None, **options):
        data_dir = Path(settings.EMOCHAT_DATA_DIR) / "crisis"
        if not (data_dir / "train.csv").is_file() or not (data_dir / "dev.csv").is_file():
            raise CommandError(f"No crisis data in {data_dir}: set EMOCHAT_DATA_DIR to the folder that holds "
                               f"crisis/train.csv and crisis/dev.csv.")
        chosen = risk.Options(epochs=options["epochs"], batch_size=options["batch_size"],
                              learning_rate=options["learning_rate"], max_length=options["max_length"],
                              lora_r=options["lora_r"], lora_alpha=2 * options["lora_r"],
                              context_rate=options["context_rate"], chat_negatives=options["chat_negatives"],
                              seed=options["seed"], limit=limit)
        report = risk.train(data_dir, out, chosen, bar=lambda **kw: tqdm(**kw, disable=None),
                            log=lambda line: self.stdout.write(line))
        dev = report.dev
        for name in ("ideation", "indicator"):
            figures = dev[name]
            self.stdout.write(f"{name} >= {figures['threshold']:.4f}: recall {figures['recall']:.3f}, FPR "
                              f"{figures['fpr']:.3f}, precision {figures['precision']:.3f}, F1 {figures['f1']:.3f}")
        self.stdout.write(f"dev AUC {dev['auc']:.4f} ({report.seconds:.0f} s)")
        if report.ordinary:
            self.stdout.write(f"ordinary messages: {report.ordinary['ideation']:.1%} ideation, "
                              f"{report.ordinary['indicator']:.1%} indicator")
        self.stdout.write(f"Wrote {out}")

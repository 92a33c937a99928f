"""`python manage.py train_risk`: reproduce the default risk model (inference/training/risk.py)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inference.training import risk


class Command(BaseCommand):
    help = ("Fine-tune all-MiniLM-L6-v2 with a LoRA adapter to read risk level and whose risk (crisis train with weak "
            "labels, GoEmotions train, emochat's contrast sets), calibrate it and tune its thresholds on crisis dev, "
            "measure it; writes the adapter, thresholds.json, report.json, README.md and reliability.png.")

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
        parser.add_argument("--chat-negatives", type=int, default=defaults.chat_negatives,
                            help="GoEmotions train comments (EMOCHAT_DATA_DIR/goemotions) that the safety net does "
                                 "not flag, trained on as none or indicator (0: none)")
        parser.add_argument("--contrast-variants", type=int, default=defaults.contrast_variants,
                            help="messages generated per contrast template (inference/data/risk_contrast.toml)")
        parser.add_argument("--class-weight-power", type=float, default=defaults.class_weight_power,
                            help="level classes weighted by (mean count / class count) ** this (0: unweighted)")
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--limit", type=int, default=None, help="use only the first N examples of each source")
        parser.add_argument("--with-outcomes", type=Path, default=None, metavar="OUTCOMES.jsonl",
                            help="also train on moderators' outcomes, as `manage.py export_outcomes` writes them")

    def handle(self, *args, out: Path, limit: int | None, with_outcomes: Path | None, **options):
        data_dir = Path(settings.EMOCHAT_DATA_DIR) / "crisis"
        if not (data_dir / "train.csv").is_file() or not (data_dir / "dev.csv").is_file():
            raise CommandError(f"No crisis data in {data_dir}: set EMOCHAT_DATA_DIR to the folder that holds "
                               f"crisis/train.csv and crisis/dev.csv.")
        chosen = risk.Options(epochs=options["epochs"], batch_size=options["batch_size"],
                              learning_rate=options["learning_rate"], max_length=options["max_length"],
                              lora_r=options["lora_r"], lora_alpha=2 * options["lora_r"],
                              chat_negatives=options["chat_negatives"], contrast_variants=options["contrast_variants"],
                              class_weight_power=options["class_weight_power"], seed=options["seed"], limit=limit)
        extra = outcomes(with_outcomes) if with_outcomes is not None else []
        try:
            report = risk.train(data_dir, out, chosen, bar=lambda **kw: tqdm(**kw, disable=None),
                                log=lambda line: self.stdout.write(line), extra=extra)
        except ValueError as exc:  # an outcome labelled with a level or subject the model does not know
            raise CommandError(f"--with-outcomes: {exc}") from exc
        dev = report.dev
        for name in ("ideation", "indicator"):
            figures = dev[name]
            self.stdout.write(f"{name} >= {figures['threshold']:.4f}: recall {figures['recall']:.3f}, FPR "
                              f"{figures['fpr']:.3f}, precision {figures['precision']:.3f}, F1 {figures['f1']:.3f}")
        self.stdout.write(f"dev AUC {dev['auc']:.4f} ({report.seconds:.0f} s)")
        for name, target in report.targets.items():
            if target["value"] is not None:
                self.stdout.write(f"{name}: {target['value']:.4f} (target {target['target']:g}: "
                                  f"{'holds' if target['holds'] else 'MISSED'})")
        self.stdout.write(f"Wrote {out}")


def outcomes(path: Path) -> list[tuple[str, str, str]]:
    """(text, level, subject) from an export_outcomes file; a bad line is an error that names it."""
    if not path.is_file():
        raise CommandError(f"--with-outcomes: no such file {path}")
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append((str(row["text"]), str(row["level"]), str(row.get("subject") or "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"--with-outcomes: line {number} is not an outcome ({type(exc).__name__})") from exc
    return examples

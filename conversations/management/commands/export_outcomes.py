"""`python manage.py export_outcomes --out OUTCOMES.jsonl`: moderators' outcomes as labels for the risk model.

One line per flagged message of each resolved case whose person agreed to the `improve` purpose:
`{"text", "level", "subject", "outcome"}`, with `none` where the moderator found the person not at risk. The file
holds people's words in clear: keep it where the training runs, and delete it after. `train_risk --with-outcomes
OUTCOMES.jsonl` trains on it (the model's code never reads the database).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from conversations.moderation import selectors


class Command(BaseCommand):
    help = "Write moderators' outcomes on flagged messages (people who agreed to `improve` only) as JSONL labels."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")

    def handle(self, *args, out: Path, **options):
        written = 0
        with out.open("w", encoding="utf-8") as sink:
            for example in selectors.outcome_examples():
                sink.write(json.dumps(example, ensure_ascii=False) + "\n")
                written += 1
        out.chmod(0o600)
        self.stdout.write(f"Wrote {written} labelled messages to {out}")

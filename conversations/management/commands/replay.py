"""`python manage.py replay --in CONVERSATIONS.jsonl --out RESULTS.jsonl`: whole conversations through the chat's
pipeline, without sockets (conversations/chat/replay.py).

Input, one JSON object a line: `{"id": "...", "messages": ["first user message", ...], "lang": "en"}` (`lang`
optional). Output, one line per message: `{"id", "turn", "emotion", "risk": {"level", "score", "categories",
"subject"}, "crisis", "case": "opened" | "raised" | null, "screening", "reply", "strategy"}`. A bad line gets an
error naming it on stderr and the rest still run; the command then exits with an error. Nothing is kept: each
conversation is rolled back, and no alert or task leaves the process.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from conversations.chat import replay
from inference import loader


class Command(BaseCommand):
    help = "Replay whole conversations through the chat's pipeline (emotion, risk, screening, reply); one JSON line " \
           "per message."

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="source", type=Path, required=True, help="JSONL: one conversation a line")
        parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")

    def handle(self, *args, source: Path, out: Path, **options):
        if not source.is_file():
            raise CommandError(f"--in: no such file {source}")
        replay.unhurried()
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
        bad = 0
        with out.open("w", encoding="utf-8") as sink, \
                tqdm(total=len(lines), unit="conversation", desc="replay", disable=None) as progress:
            for number, line in enumerate(lines, start=1):
                progress.update(1)
                if not line.strip():
                    continue
                try:
                    script = replay.parsed(json.loads(line))
                except (ValueError, replay.BadConversation) as exc:
                    bad += 1
                    self.stderr.write(f"line {number}: {_why(exc)}; skipped")
                    continue
                try:
                    rows = replay.conversation_replay(script)
                except loader.BackendError as exc:
                    raise CommandError(str(exc)) from exc
                for row in rows:
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        if bad:
            raise CommandError(f"{bad} of {len(lines)} lines could not be replayed (see above); the rest are in {out}")
        self.stdout.write(f"Wrote {out}")


def _why(exc: Exception) -> str:
    # json's message names the position, never the text; ours never quotes it.
    return str(exc) if isinstance(exc, replay.BadConversation) else f"not JSON ({exc.msg})"

"""Replaying real conversations through the chat's pipeline for the benchmarks (conversations/chat/replay.py):
the throwaway databases it needs, and the corpora read as scripts aligned with what the human supporter did."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

from conversations.chat import replay

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Exchange:
    """One message of the person's and what the human supporter did next (nothing when the person wrote again)."""

    text: str
    human_reply: str = ""
    human_strategy: str = ""


@contextmanager
def databases() -> Iterator[None]:
    """Fresh bench databases with the curated replies the chat answers with by default, torn down after."""
    settings.EMOCHAT_REPLY_BACKEND = "curated"  # what the chat answers with by default, not the tests' fake
    replay.unhurried()
    for alias in ("default", "keys"):
        # Named after the configured database, so runs against different databases never share one.
        database = connections[alias].settings_dict
        database.setdefault("TEST", {})["NAME"] = f"bench_{database['NAME']}"
    state = setup_databases(verbosity=0, interactive=False, aliases={"default", "keys"})
    RESULTS.mkdir(exist_ok=True)
    try:
        yield
    finally:
        for alias in ("default", "keys"):
            connections[alias].close()
        teardown_databases(state, verbosity=0)


def conversations(name: str, *, limit: int | None = None) -> list[tuple[str, list[Exchange]]]:
    """The conversations of a corpus under EMOCHAT_DATA_DIR ("esconv" dev, or "smile" sample), each as its id and
    the person's messages with the supporter's next turns (consecutive supporter turns joined)."""
    data = Path(settings.EMOCHAT_DATA_DIR)
    path, speaker_key, person = ((data / "esconv" / "dev.jsonl", "speaker", "seeker") if name == "esconv"
                                 else (data / "smile" / "sample.jsonl", "role", "client"))
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            exchanges: list[Exchange] = []
            for turn in record["turns"]:
                text = turn["text"].strip()
                if not text:
                    continue
                if turn[speaker_key] == person:
                    exchanges.append(Exchange(text))
                elif exchanges:
                    last = exchanges[-1]
                    exchanges[-1] = Exchange(last.text, f"{last.human_reply} {text}".strip(),
                                             last.human_strategy or turn.get("strategy", ""))
            if exchanges:
                out.append((str(record["id"]), exchanges))
            if limit is not None and len(out) >= limit:
                break
    return out


def script(conversation_id: str, exchanges: list[Exchange]) -> replay.Script:
    return replay.Script(id=conversation_id, messages=[exchange.text for exchange in exchanges])

"""`make bench`: run every bench/bench_*.py, write bench/results/<name>.json, print one table.

A benchmark module defines `run() -> list[Figure]`. Each figure is measured side by side with its reference
in the same run, so the ratio means something on whatever machine produced it.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

import django

RESULTS = Path(__file__).resolve().parent / "results"


def main(selected: list[str]) -> int:
    django.setup()
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    if not names:
        print("No benchmarks yet.")
        return 0
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        figures = module.run()
        report = {
            "benchmark": name,
            "machine": {"python": platform.python_version(), "processor": platform.machine()},
            "seconds": round(time.perf_counter() - started, 2),
            "figures": [figure.as_dict() for figure in figures],
        }
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
        rows.extend((name, figure) for figure in figures)
    print(f"{'benchmark':<22} {'figure':<44} {'value':>14}  {'goal':<14}")
    for name, figure in rows:
        print(f"{name:<22} {figure.name:<44} {figure.formatted():>14}  {figure.goal or '':<14}")
    print(f"\nJSON written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

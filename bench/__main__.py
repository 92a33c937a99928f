"""`make bench`: run every bench/bench_*.py, write bench/results/<name>.json, print one table.

A benchmark module defines `run() -> list[Figure]`. Each figure is measured side by side with its reference
in the same run, so the ratio means something on whatever machine produced it. Each module runs in a fresh
interpreter: one that loads torch leaves threads and a large heap behind that would slow the next one.
"""

from __future__ import annotations

import importlib
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import Figure

RESULTS = Path(__file__).resolve().parent / "results"


def run_one(name: str) -> int:
    """Run one benchmark module in this interpreter and write its JSON."""
    import django

    django.setup()
    module = importlib.import_module(f"bench.{name}")
    started = time.perf_counter()
    figures = module.run()
    report = {
        "benchmark": name,
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
        "seconds": round(time.perf_counter() - started, 2),
        "figures": [figure.as_dict() for figure in figures],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


def main(selected: list[str]) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    if not names:
        print("No benchmarks match.")
        return 0
    failed = [name for name in names if subprocess.run([sys.executable, "-m", "bench", "--one", name]).returncode]
    print(f"{'benchmark':<22} {'figure':<44} {'value':>14}  {'goal':<14}")
    for name in names:
        if name in failed:
            print(f"{name:<22} FAILED (see above)")
            continue
        for figure in (Figure(**f) for f in json.loads((RESULTS / f"{name}.json").read_text())["figures"]):
            print(f"{name:<22} {figure.name:<44} {figure.formatted():>14}  {figure.goal or '':<14}")
    print(f"\nJSON written to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.exit(run_one(sys.argv[2]))
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""What a single write costs on a large store, for two checkouts of sanctrack side by side
(issue 16: the checks before a write commits, and the checkpoint after it).

    python bench/write_check_bench.py STORE.db --before /path/to/old/checkout [--runs 7]

STORE.db is a store made by `bench/generate.py` then `sanctrack import` (200,000 events: ~375 MB).
Each side works on its own copy of it. Timed, whole processes, interleaved (before, after, before,
...) so drifts in load hit both: `add event` (a new event each run), an `import` of a one-record
file, and `show ID` (a lookup, for the cost of opening). The load average is printed with each
figure: on a busy machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="write-check-"))
    sides = {"before": args.before.resolve(), "after": HERE}
    stores = {}
    for side in sides:
        stores[side] = work / f"{side}.db"
        shutil.copyfile(args.store, stores[side])
    one = work / "one.json"
    sample = None

    def run(side: str, *argv: str) -> float:
        env = dict(os.environ, PYTHONPATH=str(sides[side]), NO_COLOR="1", SANCTRACK_TODAY="2026-07-01")
        env.pop("SANCTRACK_DB", None)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "sanctrack", "--db", str(stores[side]), *argv],
                              cwd=sides[side], env=env, capture_output=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{side} {argv[0]} failed: {done.stderr.decode()}")
        return elapsed

    import sqlite3

    sample = sqlite3.connect(args.store).execute("SELECT id FROM events ORDER BY rowid LIMIT 1").fetchone()[0]
    times: dict[tuple[str, str], list[float]] = {}
    for n in range(args.runs):
        one.write_text(json.dumps([{"type": "event", "date": "2024-05-01", "authority": f"Bench import {n}",
                                    "jurisdiction": "US", "targets": [f"Bench import target {n}"]}]))
        for side in sides:
            cases = {
                "add event": ["add", "event", "--date", "2024-05-01", "--authority", f"Bench {n}",
                              "--jurisdiction", "US", "--target", f"Bench target {n}"],
                "import 1 record": ["import", str(one)],
                "show": ["show", sample, "--format", "json"],
            }
            for name, argv in cases.items():
                times.setdefault((name, side), []).append(run(side, *argv))
    load = os.getloadavg()
    for name in ("add event", "import 1 record", "show"):
        row = [f"{name:16s}"]
        for side in sides:
            values = times[(name, side)]
            row.append(f"{side} median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})")
        print("  ".join(row))
    print(f"runs per figure: {args.runs}; load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

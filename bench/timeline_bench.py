#!/usr/bin/env python3
"""Benchmark of `sanctrack timeline`: the timeline of the hotspot entity (named in 1,000 of 200,000
events) as JSON, a whole process, against the bare python + sqlite3 floor measured in the same run.

    python bench/timeline_bench.py [--data /tmp/bench.jsonl] [--db /tmp/bench-store.db] [--runs 15]

The store is imported from the generated data (bench/README.md) once, into `--db`, and reused by
later runs (an import of 200,000 events takes about a minute); delete it to rebuild it. The package
is byte-compiled first (this machine sets PYTHONDONTWRITEBYTECODE). Figures: the medians of
`--runs` runs each, interleaved with the floor after one untimed round.

Exit status: 0 the figure passes (<= 6x the floor), 1 it fails, 2 it could not be measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import (CommandFailed, bench_env, ensure_store, floor_query_process,  # noqa: E402
                    report, sanctrack, time_interleaved)

LIMIT_RATIO = 6.0
HOTSPOT = "Hotspot Industrial Holdings"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "bench.jsonl"))
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "bench-store.db"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    env = bench_env()
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(REPO, "sanctrack")],
                   check=True)  # fmt: skip
    try:
        ensure_store(args.db, args.data, env)
        argv = sanctrack(args.db, "timeline", HOTSPOT, "--format", "json")
        check = subprocess.run(argv, env=env, cwd=REPO, capture_output=True)
        if check.returncode != 0:
            raise CommandFailed(argv, check.returncode, check.stdout, check.stderr)
        items = json.loads(check.stdout)
        events = sum(1 for i in items if i["type"] == "event")
        responses = len(items) - events
        named = sum(1 for i in items if i["type"] == "event" and i.get("named_as"))
        print(f"store {args.db}: timeline of {HOTSPOT!r}: {len(items)} items, {events} events "
              f"({named} naming it, {events - named} counter-measures), {responses} responses, "
              f"{len(check.stdout) / 1e6:.1f} MB of JSON")  # fmt: skip
        times = time_interleaved(
            {"floor": floor_query_process(args.db), "timeline": argv},
            runs=args.runs, env=env, cwd=REPO,
        )  # fmt: skip
    except CommandFailed as err:
        sys.stderr.write(f"could not measure: {err}\n{err.stderr.decode(errors='replace') if isinstance(err.stderr, bytes) else err.stderr}\n")
        return 2
    floor = times["floor"]["median"]
    value = times["timeline"]["median"]
    verdict = report(
        "timeline (hotspot entity, json)", value, floor, LIMIT_RATIO,
        note=f"medians of {args.runs}, interleaved",
    )  # fmt: skip
    print(f"floor runs (ms): {' '.join(f'{t * 1000:.0f}' for t in times['floor']['runs'])}")
    print(f"timeline runs (ms): {' '.join(f'{t * 1000:.0f}' for t in times['timeline']['runs'])}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())

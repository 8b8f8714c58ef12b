#!/usr/bin/env python3
"""The first import of a full list against its floor, paired: N runs of each, interleaved
(floor, sanctrack, floor, …), wall and CPU time (user + system of the child), medians, and the peak
RSS of one untimed run of each. Default: the real July 2021 OFAC SDN set (day 0 of
bench/year_generator.py), imported as `sanctrack import DIR --published 2021-07-01`; the floor is
`bench/floor_list_import.py DIR DB` (the same reader, one bare table, one FTS5 index). For an
OFAC legacy CSV set the plainest floor is timed too, `bench/floor_plain_csv.py DIR DB` (the csv
module, one bare table per file, one FTS5 index: the issue's "plain parse-and-insert"), and the
import's ratio to it printed beside the first; and that floor with the names' screening keys
indexed instead of the names (`--keys`: the least a first import that `check` screens against
can cost), with its own ratio to the plain floor.

    python bench/first_import_bench.py [--runs 5] [--dir DIR] [--published DATE] [--other CHECKOUT]

With --other (another checkout of sanctrack, such as main's), its import is timed too, in the same
interleaved rounds (floor, sanctrack, other, …), so that the two are compared under the same load.
Every side runs with its bytecode written and read, as installed (common.bench_env); the untimed
runs that measure the peak RSS write it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import bench_env, peak_rss  # noqa: E402
from year_bench import REPO, line, run, sanctrack  # noqa: E402

FULL = os.path.join(os.path.dirname(REPO), "shared", "data", "ofac_sdn_csv_full_2021")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default=FULL if os.path.isdir(FULL) else "/work/shared/data/ofac_sdn_csv_full_2021")
    parser.add_argument("--published", help="default: 2021-07-01 for the default set, else none")
    parser.add_argument("--other", help="another checkout of sanctrack, timed in the same rounds")
    args = parser.parse_args()
    env = bench_env()
    work = tempfile.mkdtemp(prefix="sanctrack-first-")
    db = os.path.join(work, "store.db")

    def fresh() -> str:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        return db

    floor = [sys.executable, os.path.join(HERE, "floor_list_import.py"), args.dir]
    published = args.published
    if published is None and os.path.abspath(args.dir) == os.path.abspath(FULL):
        published = "2021-07-01"
    mine = sanctrack(db, "import", args.dir, *(["--published", published] if published else []))
    # (argv, environment, working folder: `python -m sanctrack` imports the one found there first)
    sides = {"floor": (floor + [db], env, REPO), "sanctrack": (mine, env, REPO)}
    if os.path.isdir(args.dir) and "sdn.csv" in (name.lower() for name in os.listdir(args.dir)):
        plain = [sys.executable, os.path.join(HERE, "floor_plain_csv.py"), args.dir, db]
        sides["plain"] = (plain, env, REPO)
        sides["keys"] = (plain + ["--keys"], env, REPO)
    if args.other:
        other = os.path.abspath(args.other)
        sides["other"] = (mine, dict(env, PYTHONPATH=other), other)
    rss = {}
    for name, (argv, side_env, cwd) in sides.items():
        fresh()
        rss[name], _ = peak_rss(argv, env=side_env, cwd=cwd)
    times = {name: ([], []) for name in sides}
    for _ in range(args.runs):
        for name, (argv, side_env, cwd) in sides.items():
            fresh()
            wall, cpu, _ = run(argv, side_env, cwd)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    fresh()
    os.rmdir(work)
    medians = {k: (statistics.median(w), statistics.median(c)) for k, (w, c) in times.items()}
    line(f"first import, median of {args.runs}", medians["sanctrack"], medians["floor"], 2.0)
    if args.other:
        line(f"  the other checkout ({os.path.basename(other)})", medians["other"], medians["floor"], 2.0)
    if "plain" in medians:
        line("  against the plain csv floor", medians["sanctrack"], medians["plain"], 2.0)
        line("  the plain floor with screening keys", medians["keys"], medians["plain"], 2.0)
        line("  against that floor", medians["sanctrack"], medians["keys"], 2.0)
    print(f"peak RSS {rss['sanctrack']:.1f} MiB (floor {rss['floor']:.1f} MiB; limit 250)"
          + (f"; plain floor {rss['plain']:.1f} MiB" if "plain" in rss else "")
          + (f"; the other checkout {rss['other']:.1f} MiB" if args.other else ""))
    for name in sides:
        if name not in ("floor", "plain", "keys"):
            ratios = (m / f for m, f in zip(times[name][1], times["floor"][1]))
            print(f"{name} cpu ratios run by run: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

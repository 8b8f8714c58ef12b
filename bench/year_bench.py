#!/usr/bin/env python3
"""A year of daily SDN snapshots in one store: import, size and lookup figures, each against a
floor measured in the same run (bench/README.md, "A year of daily snapshots").

    python bench/year_bench.py [--days 365] [--seed 1] [--parse-every 15] [--runs 7] [--workdir DIR]
    python bench/year_bench.py --real DIR   # DIR/YYYY-MM-DD/sdn.csv ...: real files of those days

Day 0 is the real July 2021 SDN set (bench/year_generator.py); each later day is written, imported
with `sanctrack import DAY --published DATE` and deleted. Figures (whole processes; wall time and
CPU time, user + system, of the child: on a shared machine the CPU time is the steadier one):

  first import      sanctrack import of day 0   vs  floor_list_import.py DAY DB (parse + insert),
                                                    and vs  floor_plain_csv.py DAY DB (csv module)
  daily import      each day's import           vs  floor_list_import.py DAY --parse-only
                                                    and vs  floor_plain_csv.py DAY --parse-only
                                                    (timed on every --parse-every'th day, paired)
  store size        the year's store            vs  the day-0 store + the versions added since, at
                                                    the day-0 store's bytes per listing
  check, search, show, timeline, diff of two days: medians of --runs, interleaved with the floor
                    (a bare python opening the store), on the year's store and on the day-0 store
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import bench_env, floor_query_process, peak_rss  # noqa: E402
from year_generator import Year, write_day  # noqa: E402


def run(argv, env=None, cwd=REPO) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the child, the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"failed: {' '.join(argv)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def sanctrack(db, *args):
    return [sys.executable, "-m", "sanctrack", "--db", db, *args]


def size(db: str) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return os.path.getsize(db)


def count(db: str, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def interleaved(commands: dict, runs: int, env) -> dict:
    for argv in commands.values():
        run(argv, env)  # warm-up
    times = {name: ([], []) for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu, _ = run(argv, env)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    return {name: (statistics.median(w), statistics.median(c)) for name, (w, c) in times.items()}


def line(label: str, value: tuple, floor: tuple, limit: float | None = None) -> None:
    ratio_wall, ratio_cpu = value[0] / floor[0], value[1] / floor[1]
    verdict = "" if limit is None else ("PASS" if ratio_cpu <= limit else "FAIL")
    print(f"{label:<40} {value[0]:7.3f}s wall {value[1]:7.3f}s cpu | floor {floor[0]:6.3f}s / "
          f"{floor[1]:6.3f}s | {ratio_wall:5.2f}x wall {ratio_cpu:5.2f}x cpu"
          f"{'' if limit is None else f' (limit {limit}x) {verdict}'}", flush=True)


def generated_days(year: Year, work: str):
    """(date, folder) of each generated day, written to one folder in turn (a year on disk would
    be ~1.3 GB)."""
    folder = os.path.join(work, "day")
    for date, files in year.days():
        shutil.rmtree(folder, ignore_errors=True)
        write_day(folder, files)
        yield date, folder


def real_days(root: str):
    """(date, folder) of each DIR/YYYY-MM-DD folder, oldest first."""
    for name in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, name)):
            yield name, os.path.join(root, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parse-every", type=int, default=15)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir")
    parser.add_argument("--real", metavar="DIR",
                        help="real days instead of generated ones: DIR/YYYY-MM-DD/ each holds a day's "
                        "files (sdn.csv, and add.csv, alt.csv, sdn_comments.csv when published), "
                        "imported in date order; --days and --seed are then unused")  # fmt: skip
    args = parser.parse_args()
    env = bench_env()
    work = args.workdir or tempfile.mkdtemp(prefix="sanctrack-year-")
    os.makedirs(work, exist_ok=True)
    db, one, floor_db = (os.path.join(work, n) for n in ("year.db", "one.db", "floor.db"))
    for path in (db, one, floor_db):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    year = None if args.real else Year(args.seed, days=args.days)
    dates = []
    daily, floors = [], []
    for index, (date, folder) in enumerate(real_days(args.real) if args.real else generated_days(year, work)):
        dates.append(date)
        argv = sanctrack(db, "import", folder, "--source", "ofac-sdn", "--published", date, "--json")
        if index == 0:
            rss_floor, _ = peak_rss([sys.executable, os.path.join(HERE, "floor_list_import.py"), folder, floor_db], env=env, cwd=REPO)
            os.remove(floor_db)
            wall_floor, cpu_floor, _ = run([sys.executable, os.path.join(HERE, "floor_list_import.py"), folder, floor_db], env)
            rss, proc = peak_rss(argv, env=env, cwd=REPO)  # the real first import, with its peak
            shutil.copy(db, one)
            # a second, timed first import into a scratch store, right after the floor's
            scratch = os.path.join(work, "scratch.db")
            wall, cpu, _ = run(sanctrack(scratch, "import", folder, "--published", date), env)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(scratch + suffix):
                    os.remove(scratch + suffix)
            listings = count(one, "SELECT count(*) FROM listings")
            line(f"first import ({listings:,} listings)", (wall, cpu), (wall_floor, cpu_floor), 2.0)
            # The plainest floor too: the csv module and bare tables, none of the reader's work.
            plain = [sys.executable, os.path.join(HERE, "floor_plain_csv.py"), folder, floor_db]
            wall_plain, cpu_plain, _ = run(plain, env)
            os.remove(floor_db)
            line("  against the plain csv floor", (wall, cpu), (wall_plain, cpu_plain), 2.0)
            print(f"{'first import peak RSS':<40} {rss:7.1f} MiB (floor {rss_floor:.1f} MiB; limit 250)")
            continue
        wall, cpu, proc = run(argv, env)
        summary = json.loads(proc.stdout)["snapshots"][0]
        if summary.get("unchanged"):
            # A file identical to the day before (a day with no change: the generator makes
            # some) is that snapshot; the day has none of its own to look up or diff.
            dates.pop()
        daily.append((wall, cpu, summary["added"], summary["removed"], summary["changed"]))
        if index % args.parse_every == 0 or index == 1:
            fw, fc, _ = run([sys.executable, os.path.join(HERE, "floor_list_import.py"), folder, "--parse-only"], env)
            pw, pc, _ = run([sys.executable, os.path.join(HERE, "floor_plain_csv.py"), folder, "--parse-only"], env)
            floors.append(((wall, cpu), (fw, fc), date, summary, (pw, pc)))
            line(f"daily import {date} (+{summary['added']} -{summary['removed']} ~{summary['changed']})",
                 (wall, cpu), (fw, fc), 2.0)
            line("  against the csv module's parse", (wall, cpu), (pw, pc), 2.0)
    shutil.rmtree(os.path.join(work, "day"), ignore_errors=True)
    worst = max(f[0][1] / f[1][1] for f in floors)
    median_ratio = statistics.median(f[0][1] / f[1][1] for f in floors)
    plain_ratios = [f[0][1] / f[4][1] for f in floors]
    print(f"daily imports: {len(daily)}; median {statistics.median(d[0] for d in daily):.3f}s wall "
          f"{statistics.median(d[1] for d in daily):.3f}s cpu; paired cpu ratio to the parse: median "
          f"{median_ratio:.2f}x, worst {worst:.2f}x over {len(floors)} paired days; to the csv module's "
          f"parse: median {statistics.median(plain_ratios):.2f}x, worst {max(plain_ratios):.2f}x")
    if year is not None:
        print(f"generator: {year.stats}; batch days {sorted(year.batch_days)}")
    else:
        print(f"real days: {dates[0]} to {dates[-1]}: added {sum(d[2] for d in daily)}, removed "
              f"{sum(d[3] for d in daily)}, changed {sum(d[4] for d in daily)} after the first")

    # -- size ---------------------------------------------------------------------------------
    size_year, size_one = size(db), size(one)
    versions_year = count(db, "SELECT count(*) FROM listings")
    versions_one = count(one, "SELECT count(*) FROM listings")
    spans = count(db, "SELECT count(*) FROM listing_spans")
    reference = size_one + (versions_year - versions_one) * size_one / versions_one
    print(f"store: year {size_year / 2**20:.1f} MiB ({versions_year} versions, {spans} spans, "
          f"{count(db, 'SELECT count(*) FROM snapshots')} snapshots); day 0 alone {size_one / 2**20:.1f} MiB "
          f"({versions_one}); reference (day 0 + changed listings) {reference / 2**20:.1f} MiB; "
          f"ratio {size_year / reference:.2f}x (limit 1.5x)")

    # -- lookups ----------------------------------------------------------------------------------
    conn = sqlite3.connect(db)
    entity = conn.execute(
        "SELECT entity_id FROM listings WHERE source = 'ofac-sdn' AND list_id = '306'"
    ).fetchone()[0]
    conn.close()
    pairs = [(dates[1], dates[-1]), (dates[len(dates) // 3], dates[2 * len(dates) // 3]), (dates[-2], dates[-1])]
    lookups = {
        "check": ("check", "Banco Nacional de Cuba", "--json"),
        "check --as-of": ("check", "Banco Nacional de Cuba", "--as-of", dates[len(dates) // 2], "--json"),
        "search": ("search", "Banco Nacional", "--json"),
        "show listing": ("show", f"ofac-sdn/{dates[len(dates) // 2]}/306", "--json"),
        "timeline (entity)": ("timeline", entity, "--format", "json"),
        # issue 18: the list history of the jurisdiction, every snapshot pair (streamed)
        "timeline (jurisdiction US)": ("timeline", "US", "--jurisdiction", "--json"),
    }
    for label, store in (("year", db), ("day 0", one)):
        commands = {"floor": floor_query_process(store)}
        for name, argv in lookups.items():
            if store == one and name in ("check --as-of", "show listing"):
                argv = tuple(a.replace(dates[len(dates) // 2], dates[0]) for a in argv)
            commands[name] = sanctrack(store, *argv)
        if store == db:
            for a, b in pairs:
                commands[f"diff {a} {b}"] = sanctrack(store, "diff", f"ofac-sdn/{a}", f"ofac-sdn/{b}", "--json")
        results = interleaved(commands, args.runs, env)
        for name, value in results.items():
            if name == "floor":
                continue
            limit = 6.0 if name == "timeline (entity)" else (None if name.startswith(("diff", "timeline")) else 5.0)
            line(f"{label}: {name}", value, results["floor"], limit)
            if name.startswith("diff"):
                print(f"{'':<40} (limit < 1 s: {'PASS' if value[0] < 1.0 else 'FAIL'} by wall time)")
    print(f"work dir: {work}")


if __name__ == "__main__":
    main()

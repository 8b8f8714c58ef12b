"""Issue 18 benchmark: timelines over a store holding the full 2021 OFAC SDN set (../shared/data)
as K weekly snapshots. Each later snapshot is the same file with the last `step` rows left out
(a synthetic shrink, so every snapshot differs: bench data, no fact claimed). Measures, whole
process, median of N runs interleaved with the bare floor (a python that opens the DB):
  timeline of one listed entity (--json), and of the jurisdiction US (--json).

    .venv/bin/python bench/list_history_bench.py [--snapshots 12] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FULL = REPO.parent / "shared" / "data" / "ofac_sdn_csv_full_2021"
if not FULL.exists():
    FULL = Path("/work/shared/data/ofac_sdn_csv_full_2021")


def run(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--step", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    db = work / "store.db"
    env = {k: v for k, v in os.environ.items() if k != "SANCTRACK_DB"} | {"NO_COLOR": "1"}
    py = sys.executable
    lines = (FULL / "sdn.csv").read_text(encoding="latin-1").splitlines(keepends=True)
    day = datetime.date(2021, 1, 4)
    started = time.perf_counter()
    for k in range(args.snapshots):
        folder = work / f"s{k}"
        folder.mkdir()
        for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
            shutil.copy(FULL / name, folder / name)
        kept = lines[: len(lines) - (args.snapshots - 1 - k) * args.step]  # grows week by week
        (folder / "sdn.csv").write_text("".join(kept), encoding="latin-1")
        published = (day + datetime.timedelta(weeks=k)).isoformat()
        subprocess.run([py, "-m", "sanctrack", "--db", str(db), "import", str(folder), "--source",
                        "ofac-sdn", "--published", published], env=env, cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    print(f"store: {args.snapshots} snapshots of ~{len(lines):,} SDN rows, built in {time.perf_counter() - started:.0f} s")
    import csv

    name = next(csv.reader([lines[100]]))[1]  # the whole name ("LAST, First"), as the list writes it
    floor = [py, "-c", f"import sqlite3; c=sqlite3.connect({str(db)!r}); c.execute('select 1 from sqlite_master limit 1').fetchall()"]
    entity = [py, "-m", "sanctrack", "--db", str(db), "timeline", name, "--entity", "--json"]
    juris = [py, "-m", "sanctrack", "--db", str(db), "timeline", "US", "--json"]
    times: dict[str, list[float]] = {"floor": [], "entity": [], "jurisdiction": []}
    for argv in (floor, entity, juris):
        run(argv, env)  # warm-up
    for _ in range(args.runs):
        times["floor"].append(run(floor, env))
        times["entity"].append(run(entity, env))
        times["jurisdiction"].append(run(juris, env))
    medians = {k: statistics.median(v) for k, v in times.items()}
    print(f"entity: {name!r}")
    for k, v in medians.items():
        print(f"{k:13s} median {v * 1000:7.1f} ms  ({v / medians['floor']:.1f}x the floor)")
    shutil.rmtree(work)
    return 0 if medians["entity"] <= 6 * medians["floor"] else 1


if __name__ == "__main__":
    sys.exit(main())

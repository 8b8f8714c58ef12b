#!/usr/bin/env python3
"""Same answers from both storages: build one store with another checkout of sanctrack (one that
stores a copy of every listing per snapshot, schema 6) and one with this checkout, from the same
generated days, and compare what every command that reads a snapshot answers.

    python bench/compare_storage.py OLD_CHECKOUT [--days 8] [--seed 1] [--workdir DIR]

Compared, as JSON: each import's summary; `diff` of every pair of snapshots; `show` of sample
listings in every snapshot; `check` of sample names as of every day; `search`; `show` of the
sample entities (their listings in every snapshot). Prints the first differences and exits 1 if
there are any.
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

from common import bench_env  # noqa: E402
from year_generator import Year, write_day  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix="sanctrack-compare-")
    env = bench_env()
    sides = {"old": (os.path.abspath(args.old), os.path.join(work, "old.db")),
             "new": (REPO, os.path.join(work, "new.db"))}  # fmt: skip

    def cli(side: str, *argv: str) -> object:
        root, db = sides[side]
        proc = subprocess.run(
            [sys.executable, "-m", "sanctrack", "--db", db, *argv], cwd=root, capture_output=True,
            env=dict(env, PYTHONPATH=root),
        )
        if proc.returncode == 2:  # a listing absent from a snapshot: the message is the answer
            return {"exit": 2, "stderr": proc.stderr.decode()}
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{side}: {' '.join(argv)}: {proc.stderr.decode()}")
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    differences = []
    # Entity ids are hashes of the name an entity was first created under; which name that is
    # may differ between the two (the schema-6 code picks among equal candidates in set order,
    # which changes from run to run): entities are compared by the smallest list id they hold.
    labels: dict[str, dict[str, str]] = {"old": {}, "new": {}}

    def canonical(side: str, value):
        if isinstance(value, str) and value.startswith("en-"):
            return labels[side].get(value, value)
        if isinstance(value, list):
            return [canonical(side, v) for v in value]
        if isinstance(value, dict):
            return {k: canonical(side, v) for k, v in value.items()}
        return value

    def compare(*argv: str, new_argv: tuple | None = None) -> None:
        old, new = cli("old", *argv), cli("new", *(new_argv or argv))
        old, new = canonical("old", old), canonical("new", new)
        if old != new:
            differences.append((argv, old, new))

    def label_entities() -> None:
        import sqlite3

        for side, (_, db) in sides.items():
            conn = sqlite3.connect(db)
            labels[side] = {
                entity: f"entity-of-{list_id}"
                for entity, list_id in conn.execute(
                    "SELECT entity_id, min(CAST(list_id AS INTEGER)) FROM listings GROUP BY entity_id"
                )
            }
            conn.close()

    dates = []
    for date, files in Year(args.seed, days=args.days).days():
        folder = os.path.join(work, date)
        write_day(folder, files)
        dates.append(date)
        compare("import", folder, "--published", date, "--json")
    label_entities()
    # sample listings: two held throughout, and some the days added, ended and amended
    change = cli("new", "diff", f"ofac-sdn/{dates[0]}", f"ofac-sdn/{dates[-1]}", "--json")
    samples = ["306", "36"] + [
        item["source_id"] for part in ("only_left", "only_right", "changed") for item in change[part][:3]
    ]
    for a in dates:
        for b in dates:
            if a < b:
                compare("diff", f"ofac-sdn/{a}", f"ofac-sdn/{b}", "--json")
        for list_id in samples:
            compare("show", f"ofac-sdn/{a}/{list_id}", "--json")
        for name in ("Banco Nacional de Cuba", "AEROCARIBBEAN AIRLINES", "Mohammad Shawqi Islambouli"):
            compare("check", name, "--as-of", a, "--json")
    for query in ("Banco Nacional", "Cuba", "Islambouli"):
        compare("search", query, "--json")
    by_label = {label: entity for entity, label in labels["old"].items()}
    for name in ("Banco Nacional de Cuba", "Islambouli"):
        for match in (cli("new", "check", name, "--json") or {}).get("matches", []):
            entity = match["entity_id"]
            old_entity = by_label.get(labels["new"].get(entity), entity)
            compare("show", old_entity, "--json", new_argv=("show", entity, "--json"))
    print(f"{len(dates)} days; {len(differences)} differences")
    for argv, old, new in differences[:5]:
        print("  ", " ".join(argv))
        print("     old:", json.dumps(old)[:400])
        print("     new:", json.dumps(new)[:400])
    raise SystemExit(1 if differences else 0)


if __name__ == "__main__":
    main()

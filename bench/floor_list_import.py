#!/usr/bin/env python3
"""The floor of a list import: what parsing a list's files costs, and landing them in SQLite.

    python bench/floor_list_import.py DIR_OR_FILE DB      # parse with sanctrack's reader, insert
    python bench/floor_list_import.py DIR_OR_FILE --parse-only

The files are read by the same reader `sanctrack import` uses (so the floor holds the same parsed
values), and each entry is inserted into one bare table (its fields, lists as JSON text) with ONE
FTS5 index over name, aliases and programs, in ONE transaction, default pragmas: no digests, no
entity resolution, no change log, no snapshot logic. `--parse-only` stops after the parse (the
floor of a daily import, which writes next to nothing).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    from pathlib import Path

    from sanctrack.importers import importer_for

    path = Path(sys.argv[1])
    importer = importer_for(path)
    read = importer.read(path)
    if sys.argv[2] == "--parse-only":
        print(sum(1 for _ in read.listings))
        return
    conn = sqlite3.connect(sys.argv[2], isolation_level=None)
    conn.execute(
        "CREATE TABLE listings (list_id TEXT, name TEXT, aliases TEXT, kind TEXT, programs TEXT, "
        "countries TEXT, listed_on TEXT, birth_dates TEXT, identifiers TEXT, addresses TEXT, "
        "remarks TEXT, raw TEXT)"
    )
    conn.execute("CREATE VIRTUAL TABLE listings_fts USING fts5 (name, aliases, programs, content='')")
    conn.execute("BEGIN")
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    rows = 0
    for l in read.listings:
        cur = conn.execute(
            "INSERT INTO listings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (l.list_id, l.name, dumps(l.aliases), l.kind, dumps(l.programs), dumps(l.countries),
             l.listed_on, dumps(l.birth_dates), dumps(l.identifiers), dumps(l.addresses), l.remarks,
             dumps(l.raw)),
        )
        conn.execute(
            "INSERT INTO listings_fts (rowid, name, aliases, programs) VALUES (?, ?, ?, ?)",
            (cur.lastrowid, l.name, dumps(l.aliases), dumps(l.programs)),
        )
        rows += 1
    conn.execute("COMMIT")
    print(rows)


if __name__ == "__main__":
    main()

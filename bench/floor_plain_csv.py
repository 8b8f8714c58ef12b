#!/usr/bin/env python3
"""The plainest floor of an OFAC legacy CSV import: the issue's "plain script that parses the same
files and inserts them into bare SQLite tables" (0.47 s against 4.57 s when the issue was filed).

    python bench/floor_plain_csv.py DIR DB
    python bench/floor_plain_csv.py DIR --parse-only     # the csv module's parse alone

Each CSV of the set (sdn.csv, add.csv, alt.csv, sdn_comments.csv; the names case-insensitive)
is read with the csv module (latin-1, which reads any byte) and its rows inserted as they are into
one bare table per file, with one FTS5 index over the entries' and aliases' names, in one
transaction. Nothing is cleaned, joined, checked, hashed or keyed: it is what any import has to
pay at the least, not what a list import does (`floor_list_import.py` is that floor with
sanctrack's own reader).
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys

FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
NAME_COLUMN = {"sdn.csv": 1, "alt.csv": 3}  # SDN_Name, alt_name


def main() -> None:
    folder, db = sys.argv[1], sys.argv[2]
    present = {name.lower(): os.path.join(folder, name) for name in os.listdir(folder)}
    if db == "--parse-only":
        rows = 0
        for name in FILES:
            if name in present:
                with open(present[name], encoding="latin-1", newline="") as stream:
                    rows += sum(1 for row in csv.reader(stream) if row)
        print(rows)
        return
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE names_fts USING fts5 (name, content='')")
    conn.execute("BEGIN")
    rows = 0
    for index, name in enumerate(FILES):
        if name not in present:
            continue
        with open(present[name], encoding="latin-1", newline="") as stream:
            table = [row for row in csv.reader(stream) if row]
        width = max(len(row) for row in table)
        columns = ", ".join(f"c{i}" for i in range(width))
        conn.execute(f"CREATE TABLE t{index} ({columns})")
        conn.executemany(
            f"INSERT INTO t{index} VALUES ({', '.join('?' * width)})",
            (row + [None] * (width - len(row)) for row in table),
        )
        if name in NAME_COLUMN:
            conn.execute(f"INSERT INTO names_fts (name) SELECT c{NAME_COLUMN[name]} FROM t{index}")
        rows += len(table)
    conn.execute("COMMIT")
    print(rows)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The plainest floor of an OFAC legacy CSV import: the issue's "plain script that parses the same
files and inserts them into bare SQLite tables" (0.47 s against 4.57 s when the issue was filed).

    python bench/floor_plain_csv.py DIR DB
    python bench/floor_plain_csv.py DIR --parse-only     # the csv module's parse alone
    python bench/floor_plain_csv.py DIR DB --keys        # and the names' screening keys

Each CSV of the set (sdn.csv, add.csv, alt.csv, sdn_comments.csv; the names case-insensitive)
is read with the csv module (latin-1, which reads any byte) and its rows inserted as they are into
one bare table per file, with one FTS5 index over the entries' and aliases' names, in one
transaction. Nothing is cleaned, joined, checked, hashed or keyed: it is what any import has to
pay at the least, not what a list import does (`floor_list_import.py` is that floor with
sanctrack's own reader).

With `--keys`, the FTS5 index holds each name's screening keys instead (sanctrack's
`screening.index_keys`, the words of all names made at once by `index_words`, and the store's
tokenizer): what `check` finds candidates by (a lookup reads no list whole, issue 14), so the
least that a first import `check` can screen against costs.
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
    keyed = "--keys" in sys.argv[3:]
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
    if keyed:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        from sanctrack.names import ascii_forms
        from sanctrack.screening import index_keys, index_words
        from sanctrack.store.schema import FTS_TOKENIZE

        conn.execute(f"CREATE VIRTUAL TABLE names_fts USING fts5 (keys, content='', tokenize='{FTS_TOKENIZE}')")
    else:
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
        if name in NAME_COLUMN and keyed:
            names = [row[NAME_COLUMN[name]] for row in table if len(row) > NAME_COLUMN[name]]
            index_words(word for text in names if text.isascii() for word in ascii_forms(text)[0])
            conn.executemany("INSERT INTO names_fts (keys) VALUES (?)", ((index_keys(n),) for n in names))
        elif name in NAME_COLUMN:
            conn.execute(f"INSERT INTO names_fts (name) SELECT c{NAME_COLUMN[name]} FROM t{index}")
        rows += len(table)
    conn.execute("COMMIT")
    print(rows)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The floor that `sanctrack import` is compared against.

    python bench/floor_import.py FILE.jsonl DB

Standard library only (json, sqlite3, plus hashlib for the ids of records that carry none).  It
reads sanctrack's own JSONL (docs/FORMAT.md) and stores it in bare SQLite tables -- events, targets,
responses; plain columns, lists as JSON text -- plus ONE contentless FTS5 index over the text columns
of events, targets and responses, all in ONE transaction, then commits.  No validation, no entity
resolution, no change log: this is what the same data costs to land in SQLite with nothing on top.
It prints the elapsed seconds (measured inside the process; the benchmark runner times the whole
process from outside, interpreter start-up included, for both this script and sanctrack).

FTS rowids encode their source so hits map back without a content table:
``rowid = table_rowid * 4 + {0: event, 1: target, 2: response}``.
"""

import hashlib
import json
import os
import sqlite3
import sys
import time

SCHEMA = """
CREATE TABLE events (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, date TEXT, authority TEXT, jurisdiction TEXT,
    action TEXT, program TEXT, legal_basis TEXT, reason TEXT, summary TEXT, sources TEXT, tags TEXT,
    in_response_to TEXT);
CREATE TABLE targets (
    rowid INTEGER PRIMARY KEY, event_rowid INTEGER NOT NULL, position INTEGER, name TEXT,
    aliases TEXT, kind TEXT, country TEXT);
CREATE TABLE responses (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, event_id TEXT NOT NULL, date TEXT, actor TEXT,
    speaker TEXT, country TEXT, kind TEXT, stance TEXT, quote TEXT, summary TEXT, sources TEXT,
    tags TEXT, counter_event_id TEXT);
CREATE INDEX targets_event ON targets(event_rowid);
CREATE INDEX responses_event ON responses(event_id);
CREATE VIRTUAL TABLE fts USING fts5(title, body, content='');
"""

BATCH = 5000


def jtext(v):
    return json.dumps(v, ensure_ascii=False) if v else None


def derived_id(prefix, *parts):
    return prefix + "-" + hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def main(argv):
    if len(argv) != 3:
        print("usage: floor_import.py FILE.jsonl DB", file=sys.stderr)
        return 2
    src, db = argv[1], argv[2]
    t0 = time.perf_counter()
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db, isolation_level=None)
    con.executescript(SCHEMA)
    con.execute("BEGIN")
    ev_rows, tg_rows, rs_rows, fts_rows = [], [], [], []
    ev_rowid = tg_rowid = rs_rowid = 0
    n_ev = n_rs = 0

    def flush():
        con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", ev_rows)
        con.executemany("INSERT INTO targets VALUES (?,?,?,?,?,?,?)", tg_rows)
        con.executemany("INSERT INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rs_rows)
        con.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", fts_rows)
        ev_rows.clear(); tg_rows.clear(); rs_rows.clear(); fts_rows.clear()

    with open(src, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            g = r.get
            if r["type"] == "event":
                ev_rowid += 1
                n_ev += 1
                targets = g("targets") or []
                eid = g("id") or derived_id("ev", g("date"), g("authority"),
                                             *sorted((t.get("name") or "").casefold() for t in targets))
                tags = g("tags")
                ev_rows.append((ev_rowid, eid, g("date"), g("authority"), g("jurisdiction"),
                                g("action") or "designation", g("program"), g("legal_basis"),
                                g("reason"), g("summary"), jtext(g("sources")), jtext(tags),
                                g("in_response_to")))
                fts_rows.append((ev_rowid * 4, g("authority"),
                                 " ".join(x for x in (g("program"), g("legal_basis"), g("reason"),
                                                      g("summary"), " ".join(tags or ())) if x)))
                for pos, t in enumerate(targets):
                    tg_rowid += 1
                    aliases = t.get("aliases") or []
                    tg_rows.append((tg_rowid, ev_rowid, pos, t.get("name"), jtext(aliases),
                                    t.get("kind"), t.get("country")))
                    fts_rows.append((tg_rowid * 4 + 1, t.get("name"), " ".join(aliases)))
            else:
                rs_rowid += 1
                n_rs += 1
                rid = g("id") or derived_id("rs", g("event_id"), g("date"), g("actor"), g("speaker"),
                                            g("kind"), g("quote"))
                tags = g("tags")
                rs_rows.append((rs_rowid, rid, g("event_id"), g("date"), g("actor"), g("speaker"),
                                g("country"), g("kind") or "statement", g("stance"), g("quote"),
                                g("summary"), jtext(g("sources")), jtext(tags), g("counter_event_id")))
                fts_rows.append((rs_rowid * 4 + 2, " ".join(x for x in (g("actor"), g("speaker")) if x),
                                 " ".join(x for x in (g("quote"), g("summary"), " ".join(tags or ())) if x)))
            if len(fts_rows) >= BATCH:
                flush()
    flush()
    con.execute("COMMIT")
    con.close()
    el = time.perf_counter() - t0
    print(f"floor_import: {n_ev} events, {tg_rowid} targets, {n_rs} responses in {el:.3f} s")
    print(f"{el:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

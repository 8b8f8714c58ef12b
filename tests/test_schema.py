"""The schema (sanctrack/store/schema.py): a new store, one brought up from an old schema and
the empty view of a store not created yet are the same; full-text search is set up as sqlite-utils
and Datasette expect it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import OFAC_EVENT
from sanctrack.store import Store, schema

# A store of schema 1 as sanctrack wrote it (its full-text set-up by sqlite-utils 4's
# `enable_fts(create_triggers=True)`), frozen here: the migrations must bring it to today's schema.
SCHEMA_1 = """
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    undoes INTEGER REFERENCES changes(id),
    undone_by INTEGER REFERENCES changes(id)
);
CREATE TABLE change_rows (
    change_id INTEGER NOT NULL REFERENCES changes(id),
    seq INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key TEXT NOT NULL,
    old TEXT,
    new TEXT,
    PRIMARY KEY (change_id, seq)
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    authority TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    action TEXT NOT NULL,
    program TEXT,
    legal_basis TEXT,
    reason TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    in_response_to TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX events_date ON events (date_start);
CREATE INDEX events_jurisdiction ON events (jurisdiction, date_start);
CREATE INDEX events_in_response_to ON events (in_response_to) WHERE in_response_to IS NOT NULL;
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT,
    country TEXT,
    change_id INTEGER NOT NULL
);
CREATE TABLE entity_names (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    change_id INTEGER NOT NULL,
    PRIMARY KEY (entity_id, key, name)
);
CREATE INDEX entity_names_key ON entity_names (key);
CREATE TABLE targets (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    country TEXT,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX targets_entity ON targets (entity_id);
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    actor TEXT NOT NULL,
    speaker TEXT,
    country TEXT,
    kind TEXT NOT NULL,
    stance TEXT,
    quote TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    counter_event_id TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX responses_event ON responses (event_id, date_start);
CREATE INDEX responses_counter_event ON responses (counter_event_id)
    WHERE counter_event_id IS NOT NULL;
CREATE VIRTUAL TABLE "events_fts" USING FTS5 (
    "authority", "program", "legal_basis", "reason", "summary", "tags",
    tokenize='unicode61 remove_diacritics 2',
    content="events"
);
CREATE TRIGGER "events_ai" AFTER INSERT ON "events" BEGIN
  INSERT INTO "events_fts" (rowid, "authority", "program", "legal_basis", "reason", "summary", "tags") VALUES (new.rowid, new."authority", new."program", new."legal_basis", new."reason", new."summary", new."tags");
END;
CREATE TRIGGER "events_ad" AFTER DELETE ON "events" BEGIN
  INSERT INTO "events_fts" ("events_fts", rowid, "authority", "program", "legal_basis", "reason", "summary", "tags") VALUES('delete', old.rowid, old."authority", old."program", old."legal_basis", old."reason", old."summary", old."tags");
END;
CREATE TRIGGER "events_au" AFTER UPDATE ON "events" BEGIN
  INSERT INTO "events_fts" ("events_fts", rowid, "authority", "program", "legal_basis", "reason", "summary", "tags") VALUES('delete', old.rowid, old."authority", old."program", old."legal_basis", old."reason", old."summary", old."tags");
  INSERT INTO "events_fts" (rowid, "authority", "program", "legal_basis", "reason", "summary", "tags") VALUES (new.rowid, new."authority", new."program", new."legal_basis", new."reason", new."summary", new."tags");
END;
CREATE VIRTUAL TABLE "targets_fts" USING FTS5 (
    "name", "aliases",
    tokenize='unicode61 remove_diacritics 2',
    content="targets"
);
CREATE TRIGGER "targets_ai" AFTER INSERT ON "targets" BEGIN
  INSERT INTO "targets_fts" (rowid, "name", "aliases") VALUES (new.rowid, new."name", new."aliases");
END;
CREATE TRIGGER "targets_ad" AFTER DELETE ON "targets" BEGIN
  INSERT INTO "targets_fts" ("targets_fts", rowid, "name", "aliases") VALUES('delete', old.rowid, old."name", old."aliases");
END;
CREATE TRIGGER "targets_au" AFTER UPDATE ON "targets" BEGIN
  INSERT INTO "targets_fts" ("targets_fts", rowid, "name", "aliases") VALUES('delete', old.rowid, old."name", old."aliases");
  INSERT INTO "targets_fts" (rowid, "name", "aliases") VALUES (new.rowid, new."name", new."aliases");
END;
CREATE VIRTUAL TABLE "responses_fts" USING FTS5 (
    "actor", "speaker", "quote", "summary", "tags",
    tokenize='unicode61 remove_diacritics 2',
    content="responses"
);
CREATE TRIGGER "responses_ai" AFTER INSERT ON "responses" BEGIN
  INSERT INTO "responses_fts" (rowid, "actor", "speaker", "quote", "summary", "tags") VALUES (new.rowid, new."actor", new."speaker", new."quote", new."summary", new."tags");
END;
CREATE TRIGGER "responses_ad" AFTER DELETE ON "responses" BEGIN
  INSERT INTO "responses_fts" ("responses_fts", rowid, "actor", "speaker", "quote", "summary", "tags") VALUES('delete', old.rowid, old."actor", old."speaker", old."quote", old."summary", old."tags");
END;
CREATE TRIGGER "responses_au" AFTER UPDATE ON "responses" BEGIN
  INSERT INTO "responses_fts" ("responses_fts", rowid, "actor", "speaker", "quote", "summary", "tags") VALUES('delete', old.rowid, old."actor", old."speaker", old."quote", old."summary", old."tags");
  INSERT INTO "responses_fts" (rowid, "actor", "speaker", "quote", "summary", "tags") VALUES (new.rowid, new."actor", new."speaker", new."quote", new."summary", new."tags");
END;
"""


def store_at_schema(path: Path, version: int) -> Path:
    """A store at `version`: schema 1 as it was, then the migrations up to `version`."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    schema.execute_script(conn, SCHEMA_1)
    for step in range(1, version):
        schema.MIGRATIONS[step](conn)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()
    return path


def schema_of(conn: sqlite3.Connection) -> dict:
    """Every table, index, trigger and view with its SQL (whitespace aside), each table's columns
    and indexes, and the store's identity."""
    found = {}
    for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
        found[(kind, name)] = (table, sql and re.sub(r"\s+", " ", sql).strip())
        if kind == "table":
            found[("columns", name)] = conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
            found[("indexes", name)] = sorted(conn.execute(f'PRAGMA index_list("{name}")').fetchall())
    for pragma in ("application_id", "user_version"):
        found[("pragma", pragma)] = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
    return found


def test_a_new_store_and_one_migrated_from_schema_1_are_identical(tmp_path, cli):
    new, old = tmp_path / "new.db", store_at_schema(tmp_path / "old.db", 1)
    for path in (new, old):
        cli("--db", str(path), *OFAC_EVENT)  # the first write creates one and migrates the other
    new_schema = schema_of(sqlite3.connect(new))
    assert new_schema[("pragma", "user_version")] == schema.SCHEMA_VERSION
    assert schema_of(sqlite3.connect(old)) == new_schema
    placeholder = Store.open(tmp_path / "not-yet.db")
    assert not placeholder.on_disk
    view = schema_of(placeholder.conn)
    view.update({key: new_schema[key] for key in view if key[0] == "pragma"})
    assert view == new_schema


def test_the_lag_view_follows_the_lag_rule(cli, db):
    from sanctrack.rules import LAG_DAYS_SQL

    cli(*OFAC_EVENT)
    [(sql,)] = sqlite3.connect(db).execute(
        "SELECT sql FROM sqlite_master WHERE name = 'responses_with_lag'"
    ).fetchall()
    assert LAG_DAYS_SQL.format(event="e", later="r") in sql


def test_lookups_refuse_a_store_not_created_yet_and_search_an_empty_one(tmp_path, cli):
    """A mistyped --db is never answered as a real "not found": exit 3, no file made. A store
    that exists but holds nothing that matches is searched (exit 1)."""
    missing, existing = tmp_path / "typo" / "new.db", tmp_path / "old.db"
    cli("--db", str(existing), *OFAC_EVENT)
    for argv in (["search", "foo"], ["search", "foo", "--json"], ["check", "foo"], ["show", "ev-1"],
                 ["timeline"]):
        refused = cli("--db", str(missing), *argv, code=3)
        assert refused.stderr.startswith(f"Error: no store at {missing}\nHint: "), argv
        assert refused.stdout == ""
    for argv in (["search", "foo"], ["search", "foo", "--json"], ["check", "foo"]):
        cli("--db", str(existing), *argv, code=1)
    assert not missing.exists() and not missing.parent.exists()


def test_full_text_search_is_set_up_as_sqlite_utils_sets_it_up(cli, db):
    cli(*OFAC_EVENT)
    conn = sqlite3.connect(db)
    names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    for table in schema.FTS_COLUMNS:
        assert {f"{table}_fts", f"{table}_ai", f"{table}_ad", f"{table}_au"} <= names
        [(sql,)] = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (f"{table}_fts",))
        assert f'content="{table}"' in sql and "USING FTS5" in sql
    sqlite_utils = pytest.importorskip("sqlite_utils")
    found = sqlite_utils.Database(db)
    assert {table: found[table].detect_fts() for table in schema.FTS_COLUMNS} == {
        table: f"{table}_fts" for table in schema.FTS_COLUMNS
    }
    assert [row["name"] for row in found["targets"].search("yongxin")] == [
        "Integrity Technology Group, Incorporated"
    ]


def lists_as_schema_6(conn: sqlite3.Connection) -> None:
    """Turn the lists of a store back into schema 6's form: a copy of every listing in each
    snapshot that holds it (expanded from the versions and their spans), as schema 6 stored them."""
    from sanctrack.store.lists import SNAPSHOT_KEY_SQL

    copies = conn.execute(
        "SELECT s.id, l.list_id, l.name, l.aliases, l.kind, l.programs, l.countries, l.listed_on, "
        "l.birth_dates, l.identifiers, l.addresses, l.remarks, l.raw, l.digest, l.entity_id, "
        "s.change_id FROM snapshots s JOIN listing_spans sp ON sp.source = s.source "
        f"AND sp.since <= {SNAPSHOT_KEY_SQL} AND (sp.until IS NULL OR sp.until > {SNAPSHOT_KEY_SQL}) "
        "JOIN listings l ON l.id = sp.listing ORDER BY s.rowid, l.id"
    ).fetchall()
    for trigger in ("listings_ai", "listings_ad", "listings_au", "listings_immutable", "listing_spans_fixed"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE listings_fts")
    conn.execute("DROP TABLE listing_sources")  # schema 9's, gone with the versions it names
    conn.execute("DROP TABLE listing_spans")
    conn.execute("DROP TABLE listings")
    v6 = schema.LISTS_V2[schema.LISTS_V2.index("CREATE TABLE listings") :]
    v6 = v6.replace(
        "CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots\n"
        "BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END;\n", ""
    )
    schema.execute_script(conn, v6 + schema.full_text("listings"))
    conn.executemany(
        "INSERT INTO listings (snapshot_id, list_id, name, aliases, kind, programs, countries, "
        "listed_on, birth_dates, identifiers, addresses, remarks, raw, digest, entity_id, change_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        copies,
    )

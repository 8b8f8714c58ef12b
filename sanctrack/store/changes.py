"""The change log: every write to the store is one *change*, a row of `changes`, with the rows it
inserted marked by their `change_id` column and the rows it updated or deleted kept, old values
as JSON, in `change_rows`. `undo` applies the inverse as a new change (`revert`).

Every change is one transaction begun with `BEGIN IMMEDIATE` (parallel writers then wait on the
busy timeout instead of failing on a read-to-write upgrade), and recomputes the sanction periods
of the entities it touched before it commits.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from ..dates import utc_timestamp
from .encoding import encode_row, encode_sequence, encode_values
from .periods import refresh_sanction_periods
from .schema import FTS_COLUMNS, FTS_TRIGGERS, STALE_ON_INSERT

# Tables whose rows carry `change_id`, the change that inserted them; undo deletes those rows.
RECORD_TABLES = (
    "events", "targets", "responses", "entities", "entity_names", "snapshots", "listings",
    "listing_spans", "listing_sources",
)  # fmt: skip
PRIMARY_KEYS = {
    "snapshots": ("id",),
    "listings": ("id",),
    "listing_spans": ("listing", "since"),
    "listing_sources": ("listing", "fingerprint"),
    "events": ("id",),
    "targets": ("event_id", "position"),
    "responses": ("id",),
    "entities": ("id",),
    "entity_names": ("entity_id", "key", "name"),
}


@dataclass
class Change:
    id: int
    at: str
    user: str | None
    command: str
    summary: str
    undoes: int | None
    undone_by: int | None


def _user() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (e.g. a container without passwd)
        return None


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...], unless_present: bool, change_id: int | None = None) -> str:
    """The INSERT of `columns`; with `change_id`, also of that change id, written as a number."""
    verb = "INSERT OR IGNORE" if unless_present else "INSERT"
    marks = ", ".join("?" for _ in columns)
    if change_id is not None:
        columns, marks = (*columns, "change_id"), f"{marks}, {int(change_id)}"
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})"


# FTS5 gathers the terms of the rows inserted in memory and writes them out as a new segment of
# its index each time they pass its "hashsize" (1 MiB by default), segments it then merges: with
# 16 MiB, the 200,000 events of the bench file index in 1.8 s of CPU instead of 2.5 s (the import's
# peak memory, in the index builds before, is not reached: +15 MiB on ~210).
FTS_BULK_HASH_BYTES = 16 * 1024 * 1024
FTS_DEFAULT_HASH_BYTES = 1024 * 1024


@contextmanager
def _fts_hash_size(conn: sqlite3.Connection, fts: str, size: int) -> Iterator[None]:
    """FTS5's "hashsize" of the index `fts` set to `size` for the block, then back to its default,
    and its row in the index's config table taken out again, as the store's schema made it."""
    conn.execute(f"INSERT INTO [{fts}] ([{fts}], rank) VALUES ('hashsize', ?)", (size,))
    try:
        yield
    finally:
        if conn.in_transaction:  # (after a full disk SQLite has rolled back the setting too)
            conn.execute(f"INSERT INTO [{fts}] ([{fts}], rank) VALUES ('hashsize', ?)", (FTS_DEFAULT_HASH_BYTES,))
            conn.execute(f"DELETE FROM [{fts}_config] WHERE k = 'hashsize'")


def _return_freed_memory() -> None:
    """Give the memory the C library holds freed back to the system (glibc's malloc_trim), where
    there is such a call. SQLite frees what the full-text indexing gathered (`FTS_BULK_HASH_BYTES`
    and its sorting), but the C library keeps it: the sanction periods computed next reached
    240 MiB of the 200,000-event import, 231 MiB with this (its peak: 234 MiB, in an index build)."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # no glibc (musl has no malloc_trim)
        pass


def rollback(conn: sqlite3.Connection) -> None:
    """Roll the current transaction back, if there still is one: after a full disk or an I/O
    error SQLite has rolled it back itself, and a ROLLBACK would then fail with "no transaction
    is active", hiding the error that matters."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the error being raised says more than this one


class ChangeLog:
    """The writes of one connection, each logged as part of the current change, and the history
    of changes."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._change_id: int | None = None
        self._seq = 0
        self._bulk = False

    @contextmanager
    def change(self, command: str, summary: str) -> Iterator[int]:
        """One write transaction, logged as one change; yields the change id."""
        if self._change_id is not None:
            raise RuntimeError("changes do not nest")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cur = self.conn.execute(
                "INSERT INTO changes (at, user, command, summary) VALUES (?, ?, ?, ?)",
                (utc_timestamp(), _user(), command, summary),
            )
            self._change_id = cur.lastrowid
            self._seq = 0
            yield self._change_id
            refresh_sanction_periods(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            rollback(self.conn)
            raise
        finally:
            self._change_id = None

    @contextmanager
    def bulk(self, defer_indexes: tuple[str, ...] = ()) -> Iterator[None]:
        """Within a change: insert many rows and index their text once, at the end.

        FTS5 fed row by row through triggers costs ten times one INSERT … SELECT of the same rows
        (measured: 3.4 s against 0.3 s for 57,000 rows), so the triggers are dropped for the
        duration and put back before the change commits; readers never see them missing. The
        triggers marking stale sanction periods on every insert go too: the entities of the new
        targets are marked at once at the end (a target is inserted with its event, so its new
        targets name every entity new events touch). Updates and deletes keep their triggers.

        `defer_indexes` (secondary indexes the bulk's own writes never read through) are dropped
        too, when their tables are empty, and built once at the end from the sorted rows: an
        index fed row by row in random key order costs more than one sort of its keys.
        """
        assert self._change_id is not None, "bulk() runs inside a change"
        dropped = [f"{table}_{suffix}" for table in FTS_COLUMNS for suffix in FTS_TRIGGERS]
        dropped += STALE_ON_INSERT
        triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            "(SELECT value FROM json_each(?))",
            (json.dumps(dropped),),
        ).fetchall()
        for name, _ in triggers:
            self.conn.execute(f"DROP TRIGGER [{name}]")
        deferred = self.conn.execute(
            "SELECT m.name, m.sql FROM sqlite_master m WHERE m.type = 'index' AND m.sql IS NOT NULL "
            "AND m.name IN (SELECT value FROM json_each(?)) ORDER BY m.name",
            (json.dumps(list(defer_indexes)),),
        ).fetchall()
        tables = {name: table for name, table in self.conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")}  # fmt: skip
        deferred = [
            (name, sql) for name, sql in deferred
            if self.conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM [{tables[name]}])").fetchone()[0]
        ]
        for name, _ in deferred:
            self.conn.execute(f"DROP INDEX [{name}]")
        self._bulk = True
        try:
            yield
            for _, sql in deferred:
                self.conn.execute(sql)
            deferred = []
            for table, columns in FTS_COLUMNS.items():
                listed = ", ".join(f"[{c}]" for c in columns)
                with _fts_hash_size(self.conn, f"{table}_fts", FTS_BULK_HASH_BYTES):
                    self.conn.execute(
                        f"INSERT INTO [{table}_fts] (rowid, {listed}) "
                        f"SELECT rowid, {listed} FROM [{table}] WHERE change_id = ?",
                        (self._change_id,),
                    )
            self.conn.execute(
                "INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets "
                "WHERE change_id = ?",
                (self._change_id,),
            )
            _return_freed_memory()
        finally:
            self._bulk = False
            # Put back within the transaction; if SQLite has rolled it back already (a full disk),
            # the drops were rolled back too and the triggers are still there.
            if self.conn.in_transaction:
                for _, sql in triggers:
                    self.conn.execute(sql)
                for _, sql in deferred:  # an error left them dropped: the rollback restores them
                    self.conn.execute(sql)

    def set_change_summary(self, summary: str) -> None:
        self.conn.execute("UPDATE changes SET summary = ? WHERE id = ?", (summary, self._change_id))

    def _log(self, table: str, op: str, key: dict, old: dict | None, new: dict | None) -> None:
        self._seq += 1
        self.conn.execute(
            "INSERT INTO change_rows (change_id, seq, tbl, op, key, old, new) VALUES (?,?,?,?,?,?,?)",
            (
                self._change_id,
                self._seq,
                table,
                op,
                json.dumps(key, ensure_ascii=False),
                None if old is None else json.dumps(old, ensure_ascii=False),
                None if new is None else json.dumps(new, ensure_ascii=False),
            ),
        )

    def insert(self, table: str, row: dict, *, unless_present: bool = False) -> bool:
        """Insert a row marked with the current change (undo deletes it by that mark).

        With `unless_present`, a row whose key is taken is left alone; returns whether it was new.
        """
        row = dict(row, change_id=self._change_id)
        sql = _insert_sql(table, tuple(row), unless_present)
        return self.conn.execute(sql, encode_row(row)).rowcount == 1

    def insert_many(
        self, table: str, columns: tuple[str, ...], rows: Iterable[tuple], *, unless_present: bool = False,
        encoded: bool = False,
    ) -> int:  # fmt: skip
        """Insert many new rows (values in the order of `columns`) marked with the current change,
        in one statement (`executemany`); with `unless_present`, rows whose key is taken are
        left alone. Returns how many rows were inserted. `encoded`: the rows hold their values
        as stored already (lists as JSON text, `encoding.encode_value`), and go in as they are."""
        change_id = self._change_id
        if encoded:
            # The change id (an integer of the store's own) is written into the statement, so
            # that the rows need no copy with it at their end.
            sql = _insert_sql(table, columns, unless_present, change_id)
            return self.conn.executemany(sql, rows).rowcount
        sql = _insert_sql(table, (*columns, "change_id"), unless_present)
        return self.conn.executemany(sql, [(*encode_sequence(row), change_id) for row in rows]).rowcount

    def _where_key(self, table: str, key: dict) -> tuple[str, list]:
        columns = PRIMARY_KEYS[table]
        return " AND ".join(f"{c} = ?" for c in columns), [key[c] for c in columns]

    def _row_by_key(self, table: str, key: dict) -> dict | None:
        where, params = self._where_key(table, key)
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def update(self, table: str, key: dict, values: dict) -> None:
        """Update one row, logging its old values (unless this change inserted it)."""
        if self._bulk and set(values) & set(FTS_COLUMNS.get(table, ())):
            raise RuntimeError(f"bulk(): an update of indexed text in {table} would not be indexed")
        old = self._row_by_key(table, key)
        if old is None:
            raise KeyError((table, key))
        values = encode_values(values)
        if old["change_id"] != self._change_id:
            self._log(table, "update", key, old, dict(old, **values))
        where, params = self._where_key(table, key)
        sets = ", ".join(f"{c} = ?" for c in values)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", list(values.values()) + params)

    def delete(self, table: str, key: dict) -> None:
        """Delete one row, logging its old values (unless this change inserted it)."""
        old = self._row_by_key(table, key)
        if old is None:
            return
        if old["change_id"] != self._change_id:
            self._log(table, "delete", key, old, None)
        where, params = self._where_key(table, key)
        if self._bulk and table in FTS_COLUMNS and old["change_id"] != self._change_id:
            # Its delete trigger is set aside for the bulk: take the row out of the index here (a
            # row this change inserted is indexed only at the end, if it is still there).
            columns = FTS_COLUMNS[table]
            listed = ", ".join(f"[{c}]" for c in columns)
            self.conn.execute(
                f"INSERT INTO [{table}_fts] ([{table}_fts], rowid, {listed}) "
                f"SELECT 'delete', rowid, {listed} FROM {table} WHERE {where}",
                params,
            )
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)

    # -- history -------------------------------------------------------------------------------

    def last_undoable_change(self) -> Change | None:
        """The latest change not undone and not an undo (other than the change being made)."""
        row = self.conn.execute(
            "SELECT id, at, user, command, summary, undoes, undone_by FROM changes "
            "WHERE undoes IS NULL AND undone_by IS NULL AND id IS NOT ? ORDER BY id DESC LIMIT 1",
            (self._change_id,),
        ).fetchone()
        return Change(*row) if row else None

    def change_by_id(self, change_id: int) -> Change | None:
        row = self.conn.execute(
            "SELECT id, at, user, command, summary, undoes, undone_by FROM changes WHERE id = ?",
            (change_id,),
        ).fetchone()
        return Change(*row) if row else None

    def later_dependents(self, change: Change) -> list[int]:
        """Later changes, still in force, that touched the rows `change` wrote or that hold rows
        pointing at records it inserted: reverting `change` alone would undo their work or leave
        their rows pointing nowhere."""
        found: set[int] = set()
        touched = {(t, k) for t, k in self.conn.execute(
            "SELECT tbl, key FROM change_rows WHERE change_id = ?", (change.id,))}  # fmt: skip
        for table in RECORD_TABLES:
            columns = PRIMARY_KEYS[table]
            for row in self.conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE change_id = ?", (change.id,)
            ):
                touched.add((table, json.dumps(dict(zip(columns, row)), ensure_ascii=False)))
        later = self.conn.execute(
            "SELECT id FROM changes WHERE id > ? AND undone_by IS NULL AND undoes IS NULL",
            (change.id,),
        ).fetchall()
        for (later_id,) in later:
            for table, key in self.conn.execute(
                "SELECT tbl, key FROM change_rows WHERE change_id = ?", (later_id,)
            ):
                if (table, key) in touched:
                    found.add(later_id)
                    break
        # Rows of later changes that point at events or entities this change inserted.
        pointers = (
            ("responses", "event_id", "events"), ("responses", "counter_event_id", "events"),
            ("events", "in_response_to", "events"), ("targets", "entity_id", "entities"),
            ("listings", "entity_id", "entities"), ("entity_names", "entity_id", "entities"),
            ("listing_sources", "listing", "listings"),
        )  # fmt: skip
        for table, column, target in pointers:
            for (later_id,) in self.conn.execute(
                f"SELECT DISTINCT r.change_id FROM {table} r JOIN {target} t ON t.id = r.{column} "
                f"WHERE t.change_id = ? AND r.change_id > ?",
                (change.id, change.id),
            ):
                found.add(later_id)
        return sorted(found)

    def changes(self, limit: int | None = None) -> list[Change]:
        rows = self.conn.execute(
            "SELECT id, at, user, command, summary, undoes, undone_by FROM changes "
            "ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [Change(*row) for row in rows]

    def change_rows(self, change_id: int) -> list[dict]:
        """What a change replaced or removed: table, operation, key, old and new values."""
        rows = self.conn.execute(
            "SELECT tbl, op, key, old, new FROM change_rows WHERE change_id = ? ORDER BY seq",
            (change_id,),
        ).fetchall()
        return [
            {"table": t, "op": op, "key": json.loads(k), "old": json.loads(o) if o else None,
             "new": json.loads(n) if n else None}
            for t, op, k, o, n in rows
        ]  # fmt: skip

    def revert(self, change: Change) -> None:
        """Inside the current change, apply the inverse of `change` and mark it undone."""
        # Rows the change inserted go first; rows it updated or deleted get their old values back,
        # latest first, so a row touched twice ends as it was before the change.
        for table in reversed(RECORD_TABLES):
            cur = self.conn.execute(f"SELECT * FROM {table} WHERE change_id = ?", (change.id,))
            columns = [d[0] for d in cur.description]
            for values in cur.fetchall():
                row = dict(zip(columns, values))
                key = {c: row[c] for c in PRIMARY_KEYS[table]}
                self._log(table, "delete", key, row, None)
                where, params = self._where_key(table, key)
                self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        logged = self.conn.execute(
            "SELECT tbl, op, key, old FROM change_rows WHERE change_id = ? ORDER BY seq DESC",
            (change.id,),
        ).fetchall()
        for table, op, key_json, old_json in logged:
            key, old = json.loads(key_json), json.loads(old_json)
            current = self._row_by_key(table, key)
            if current is not None:
                where, params = self._where_key(table, key)
                self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)
            self._log(table, "update" if current else "insert", key, current, old)
            columns = ", ".join(old)
            marks = ", ".join("?" for _ in old)
            self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(old.values()))
        self.conn.execute(
            "UPDATE changes SET undone_by = ? WHERE id = ?", (self._change_id, change.id)
        )
        self.conn.execute("UPDATE changes SET undoes = ? WHERE id = ?", (change.id, self._change_id))

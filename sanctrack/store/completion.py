"""The store's read-only queries for shell completion, over a connection opened read-only (a Tab
never migrates, writes or waits on a store). Part of the store: the only code that speaks SQL."""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote

ID_QUERIES = {
    "ev-": "SELECT e.id, e.date || ' ' || e.jurisdiction || ' ' || e.action || ': ' || "
    "coalesce((SELECT group_concat(name, ', ') FROM targets t WHERE t.event_id = e.id), '') "
    "FROM events e WHERE e.id >= ? AND e.id < ? ORDER BY e.id LIMIT ?",
    "rs-": "SELECT id, date || ' ' || actor || ' (' || kind || ')' FROM responses "
    "WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
    "en-": "SELECT id, name || coalesce(' (' || kind || ')', '') FROM entities "
    "WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
}


def open_read_only(path: str | os.PathLike) -> sqlite3.Connection | None:
    """A read-only connection to the store at `path`, or None when there is no file to read."""
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if not os.path.isfile(path):
        return None
    try:
        return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[tuple]:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.Error:  # not a sanctrack store, damaged, or locked: no candidates
        return []


def ids_from(conn: sqlite3.Connection, prefix: str, start: str, limit: int) -> list[tuple[str, str]]:
    """(id, description) of records of one kind (`ev-`, `rs-`, `en-`) from `start` on."""
    return _rows(conn, ID_QUERIES[prefix], (start, start + "\U0010ffff", limit))


def names_from(conn: sqlite3.Connection, key_prefix: str, limit: int) -> list[tuple[str, str, str | None]]:
    """(name, entity id, entity kind) of entity names whose key starts with `key_prefix` (a name
    key, see names.normalize_name), by key: a range on the key's index, at most `limit` rows."""
    return _rows(
        conn,
        "SELECT n.name, n.entity_id, e.kind FROM entity_names n JOIN entities e ON e.id = n.entity_id "
        "WHERE n.key >= ? AND n.key < ? ORDER BY n.key, n.name LIMIT ?",
        (key_prefix, key_prefix + "\U0010ffff", limit),
    )


def jurisdiction_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(_rows(conn, "SELECT jurisdiction, count(*) FROM events GROUP BY jurisdiction"))


def country_codes(conn: sqlite3.Connection) -> list[str]:
    return [
        code
        for (code,) in _rows(
            conn,
            "SELECT country FROM targets WHERE country IS NOT NULL UNION "
            "SELECT country FROM responses WHERE country IS NOT NULL UNION "
            "SELECT jurisdiction FROM events",
        )
    ]


def snapshot_rows(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(id, source, listings) of every snapshot, oldest first within each source."""
    return _rows(conn, "SELECT id, source, listings FROM snapshots ORDER BY source, published, rowid")


def undoable_changes(conn: sqlite3.Connection, limit: int = 50) -> list[tuple[int, str]]:
    """(id, summary) of the latest changes not undone and not undos, newest first."""
    return _rows(
        conn,
        "SELECT id, summary FROM changes WHERE undoes IS NULL AND undone_by IS NULL "
        "ORDER BY id DESC LIMIT ?",
        (limit,),
    )

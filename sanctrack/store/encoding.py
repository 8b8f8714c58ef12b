"""How the store's rows meet Python values: lists and objects are stored as JSON text (one C
encoder made once) and decoded when rows are read. Shared by the store's modules."""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable

from ..jsontext import json_text

# Columns holding JSON lists (or, for `raw`, an object), decoded when rows are read.
JSON_COLUMNS = {
    "sources", "tags", "aliases", "programs", "countries", "birth_dates", "identifiers",
    "addresses", "raw",
}  # fmt: skip


def encode_value(value: Any) -> Any:
    """A value as stored: lists and dicts as JSON text, anything else as it is."""
    if isinstance(value, list):
        return json_text(value) if value else "[]"
    if isinstance(value, dict):
        return json_text(value)
    return value


_SCALARS = frozenset((str, int, float, type(None), bytes))


def encode_row(row: dict) -> list:
    """The values of `row`, in its order, as stored."""
    # Most values are scalars: one set lookup of their type spares two isinstance calls each.
    return [v if v.__class__ in _SCALARS else encode_value(v) for v in row.values()]


def encode_sequence(values) -> tuple:
    """`values` (a row as a tuple) as stored."""
    return tuple(v if v.__class__ in _SCALARS else encode_value(v) for v in values)


def encode_values(row: dict) -> dict:
    return {k: encode_value(v) for k, v in row.items()}


def decode(row: dict) -> dict:
    """`row` with its JSON columns decoded, in place."""
    for column in JSON_COLUMNS & row.keys():
        if isinstance(row[column], str):
            row[column] = json.loads(row[column])
    return row


def decoded_rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict]:
    """The rows of a query as dicts, JSON columns decoded."""
    cur = conn.execute(sql, tuple(params))
    columns = [d[0] for d in cur.description]
    return [decode(dict(zip(columns, row))) for row in cur.fetchall()]


def first_row(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> dict | None:
    """The first row of a query as for `decoded_rows`, or None."""
    rows = decoded_rows(conn, sql, params)
    return rows[0] if rows else None

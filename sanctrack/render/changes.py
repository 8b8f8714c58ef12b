"""Changes in human terms: what `edit` changed and what `log -v` shows, each as `field: old → new`.

`edit` reports its changes as `{field, old, new}` (with `target` for a field of one target); the
change log keeps rows of the store (`{table, op, key, old, new}`, old and new being whole rows).
Both are told here in the same words, without the store's bookkeeping columns (`date_start`,
`date_end`, `change_id`) and with lists as text (`a; b`, or `(none)`), never as `"[]"`.
Only plain strings come out: every format escapes them as it escapes any data.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

NONE = "(none)"
ARROW = "→"
# Columns of the store that only restate another (a date's first and last day) or keep the books.
HIDDEN_COLUMNS = frozenset({"date_start", "date_end", "change_id", "match_keys", "digest", "raw"})
# Names of a record's fields in a few words, where the column name is not plain enough.
FIELD_NAMES = {"entity_id": "entity", "event_id": "event", "counter_event_id": "counter event"}


def value_text(value: Any) -> str:
    """A field's value in words: lists joined with `; `, nothing as `(none)`."""
    if isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}":
        try:  # a list column as the store keeps it (JSON text)
            value = json.loads(value)
        except ValueError:
            pass
    if value is None or value == "" or value == [] or value == {}:
        return NONE
    if isinstance(value, list):
        return "; ".join(_item_text(item) for item in value)
    if isinstance(value, dict):
        return _item_text(value)
    return str(value)


def _item_text(item: Any) -> str:
    if isinstance(item, dict) and "name" in item:  # a target
        extra = [", ".join(item.get("aliases") or []), item.get("kind"), item.get("country")]
        described = ", ".join(x for x in extra if x)
        return f"{item['name']} ({described})" if described else str(item["name"])
    if isinstance(item, dict):
        return ", ".join(f"{k}={v}" for k, v in item.items())
    return str(item)


def field_name(field: str, target: str | None = None) -> str:
    name = FIELD_NAMES.get(field, field)
    return f"{name} of {target}" if target else name


def change_text(change: dict) -> str:
    """One change of `edit` (`{field, old, new[, target]}`) as `field: old → new`."""
    old, new = value_text(change["old"]), value_text(change["new"])
    return f"{field_name(change['field'], change.get('target'))}: {old} {ARROW} {new}"


# -- the change log ------------------------------------------------------------------------------


# The key field naming the record a logged row belongs to, per table.
RECORD_KEYS = {"events": "id", "responses": "id", "entities": "id", "snapshots": "id",
               "targets": "event_id", "entity_names": "entity_id"}  # fmt: skip


def _record_of(table: str, key: dict) -> str:
    """The record a logged row belongs to, as a user names it."""
    if table == "listings":
        return f"{key.get('snapshot_id')}/{key.get('list_id')}"
    return str(key.get(RECORD_KEYS.get(table, ""), table))


# A logged row in a few words, per table: from its key and its values (old, or new for an insert).
WHAT = {
    "targets": "target {position} ({name})", "entity_names": "name {name}",
    "events": "event ({date}, {authority})", "responses": "response ({date}, {actor})",
    "entities": "entity ({name})", "listings": "listing ({name})", "snapshots": "snapshot {id}",
}  # fmt: skip


def _what(table: str, key: dict, row: dict | None) -> str:
    """A logged row in a few words: `target 2 (Name)`, `name X`, `event (2025-01-03, OFAC)`."""
    fields = {"name": "?", **(row or {}), **key}
    try:
        return WHAT[table].format(**fields)
    except (KeyError, IndexError, ValueError):
        return table


def logged_row_lines(table: str, op: str, key: dict, old: dict | None, new: dict | None) -> Iterator[str]:
    """A row of the change log as lines of `field: old → new` (an update: one line per field that
    differs) or `removed …` / `added …` (a row deleted or put back whole)."""
    if op == "update" and old is not None and new is not None:
        prefix = f"{_what(table, key, old)} " if table not in ("events", "responses") else ""
        for column in old:
            if column in HIDDEN_COLUMNS or column not in new or old[column] == new[column]:
                continue
            if value_text(old[column]) == value_text(new[column]):
                continue
            name = FIELD_NAMES.get(column, column)
            yield f"{prefix}{name}: {value_text(old[column])} {ARROW} {value_text(new[column])}"
    elif op == "delete":
        yield f"removed {_what(table, key, old)}"
    else:  # a row an undo put back
        yield f"added {_what(table, key, new)}"


def log_rows(changes: Iterable[dict]) -> Iterator[dict]:
    """`log -v` rows: per change, one row per thing it changed (`change`, `command`, `record`,
    `what`), in the order the change made them; an entity's names removed or put back together
    are one row."""
    for change in changes:
        seen_names: set[tuple] = set()
        any_row = False
        for row in change["rows"]:
            table, op, key = row["table"], row["op"], row["key"] or {}
            if table == "entity_names":  # one name has several keys: say it once
                mark = (op, key.get("entity_id"), key.get("name"))
                if mark in seen_names:
                    continue
                seen_names.add(mark)
            for what in logged_row_lines(table, op, key, row["old"], row["new"]):
                any_row = True
                yield {"change": change["id"], "command": change["command"],
                       "record": _record_of(table, key), "what": what}  # fmt: skip
        if not any_row:  # an add or an import: what it added is in its summary
            yield {"change": change["id"], "command": change["command"], "record": "",
                   "what": change["summary"]}  # fmt: skip

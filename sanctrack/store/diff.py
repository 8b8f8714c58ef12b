"""The queries of `sanctrack diff`.

A diff reads whole views at once (a jurisdiction's sanctions on a day, a snapshot's listings), so
every method here fetches in bulk: one query per view, never one per item. Sets of ids or keys are
passed as one JSON array and unpacked by `json_each`, which has no limit on their number.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from .encoding import decode
from .lists import SNAPSHOT_KEY_SQL, ListQueries

# What a snapshot's listings need for matching and for the fast path (equal digests: no change).
_LIGHT_COLUMNS = "l.list_id, l.name, l.entity_id, l.kind, l.programs, l.digest"
# What field-level changes compare.
_FULL_COLUMNS = (
    "l.list_id, l.name, l.aliases, l.kind, l.programs, l.countries, l.listed_on, l.birth_dates, "
    "l.identifiers, l.addresses, l.remarks, l.raw, l.digest, l.entity_id"
)


class DiffQueries:
    """SQL for `sanctrack diff` over one connection (`Store.diff`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def begin(self) -> None:
        """Prepare the connection for reads scattered over the whole file (a jurisdiction's events
        lie everywhere in the events table): map it into memory, so pages already in the OS cache
        cost no system call and no copy."""
        self.conn.execute("PRAGMA mmap_size = 1073741824")

    # -- what exists -----------------------------------------------------------------------------

    def has_jurisdiction(self, code: str) -> bool:
        """True when an event of jurisdiction `code` is recorded."""
        return (
            self.conn.execute("SELECT 1 FROM events WHERE jurisdiction = ? LIMIT 1", (code,)).fetchone()
            is not None
        )

    def event_jurisdictions(self) -> list[str]:
        """The jurisdictions of the recorded events, by code."""
        return [row[0] for row in self.conn.execute("SELECT DISTINCT jurisdiction FROM events ORDER BY 1")]

    # -- jurisdiction views ------------------------------------------------------------------------

    def sanctions_in_force(self, as_of: str) -> list[tuple]:
        """The sanctions of every jurisdiction in force on `as_of` by the recorded events, from
        the store's sanction periods: one tuple per (entity, jurisdiction, authority, program)
        (entity_id, program or "", since, since_start, event_id, jurisdiction), by entity, each
        entity's earliest first. `since` is None where it equals since_start (a string less a
        row). (One jurisdiction: `entity_states`, a row per entity.)"""
        return self.conn.execute(
            "SELECT entity_id, program, NULLIF(since, since_start), since_start, event_id, "
            "jurisdiction FROM sanction_periods "
            "WHERE since_start <= ? AND (until_start IS NULL OR until_start > ?) "
            "ORDER BY entity_id, since_start, event_id",
            (as_of, as_of),
        ).fetchall()

    def entity_states(self, jurisdiction: str, as_of: str) -> list[tuple]:
        """The entities under sanctions of `jurisdiction` on `as_of` by the recorded events, one
        row each from the store's sanction states (store/periods.py), in no set order:
        (entity_id, since, since_start, event_id, programs as a JSON array)."""
        return self.conn.execute(
            "SELECT entity_id, since, since_start, event_id, programs FROM sanction_states "
            "WHERE jurisdiction = ? AND until > ? AND valid_from <= ?",
            (jurisdiction, as_of, as_of),
        ).fetchall()

    def held_listings(self, snapshot_id: str, source: str) -> list[dict]:
        """The listings of one snapshot, each with its source, `first_seen` (the publication
        date of the first snapshot of `source` of the run that holds its list id up to this one),
        `first_seen_in` (that snapshot's id) and `gone` (the publication date of the snapshot it
        was gone from before that run, None if never: `ListQueries.runs`)."""
        lists = ListQueries(self.conn)
        names = ["list_id", "name", "aliases", "kind", "programs", "listed_on", "entity_id"]
        rows = [
            decode({"snapshot_id": snapshot_id, **dict(zip(names, row)), "source": source})
            for row in lists.held_rows(snapshot_id, ", ".join(f"l.{c}" for c in names))
        ]
        snapshots = {
            key: (published, sid)
            for sid, published, key in self.conn.execute(
                f"SELECT s.id, s.published, {SNAPSHOT_KEY_SQL} FROM snapshots s WHERE s.source = ?",
                (source,),
            )
        }
        at = next(key for key, (_, sid) in snapshots.items() if sid == snapshot_id)
        runs = lists.runs(source, [row["list_id"] for row in rows], at)
        for row in rows:
            start, gone = runs[row["list_id"]]
            row["first_seen"], row["first_seen_in"] = snapshots[start]
            row["gone"] = snapshots[gone][0] if gone else None
        return rows

    def entity_names(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """entity id -> name, for at least the entities asked for; no ids: of every entity. Many
        ids (a jurisdiction's thousands) are found by reading the whole table once, which costs
        less than as many lookups."""
        ids = entity_ids if isinstance(entity_ids, (set, dict)) else set(entity_ids)
        if not ids or len(ids) > 2000:
            return dict(self.conn.execute("SELECT id, name FROM entities"))
        return dict(
            self.conn.execute(
                "SELECT id, name FROM entities WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(ids)),),
            )
        )

    # -- list views ------------------------------------------------------------------------------

    def listing_rows(self, snapshot_id: str) -> list[tuple]:
        """(list_id, name, entity_id, kind, programs as JSON, digest) of a snapshot's listings,
        in list order."""
        return ListQueries(self.conn).held_rows(snapshot_id, _LIGHT_COLUMNS)

    def listings(self, snapshot_id: str, list_ids: Iterable[str]) -> dict[str, dict]:
        """list_id -> the listing whole (lists decoded), for the listings whose fields differ."""
        names = [c.strip()[2:] for c in _FULL_COLUMNS.split(",")]
        return {
            row[0]: decode(dict(zip(names, row)))
            for row in ListQueries(self.conn).held_rows(snapshot_id, _FULL_COLUMNS, list_ids)
        }

    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, list[tuple[str, str | None]]]:
        """name key -> [(entity id, kind)] of the entities having a name under it, oldest first:
        how a list read from a file (whose listings are in no snapshot) meets the store."""
        found: dict[str, list[tuple[str, str | None]]] = {}
        for key, entity_id, kind in self.conn.execute(
            "SELECT n.key, e.id, e.kind FROM entity_names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.key IN (SELECT value FROM json_each(?)) ORDER BY e.rowid",
            (json.dumps(list(keys)),),
        ):
            holders = found.setdefault(key, [])
            if (entity_id, kind) not in holders:
                holders.append((entity_id, kind))
        return found

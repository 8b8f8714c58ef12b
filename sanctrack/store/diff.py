"""The queries of `sanctrack diff`.

A diff reads whole views at once (a jurisdiction's sanctions on a day, a snapshot's listings), so
every method here fetches in bulk: one query per view, never one per item. Sets of ids or keys are
passed as one JSON array and unpacked by `json_each`, which has no limit on their number.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from .encoding import decoded_rows

# What a snapshot's listings need for matching and for the fast path (equal digests: no change).
_LIGHT_COLUMNS = "list_id, name, entity_id, kind, programs, digest"
# What field-level changes compare.
_FULL_COLUMNS = (
    "list_id, name, aliases, kind, programs, countries, listed_on, birth_dates, identifiers, "
    "addresses, remarks, digest, entity_id"
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

    def sanctions_in_force(self, jurisdiction: str | None, as_of: str) -> list[tuple]:
        """The sanctions of `jurisdiction` (None: of any) in force on `as_of` by the recorded
        events, from the store's sanction periods: one tuple per (entity, authority, program)
        (entity_id, program or "", since, since_start, event_id, jurisdiction), by entity, each
        entity's earliest first (the order of the covering index it is read from: no sorting). `since` is None where
        it equals since_start, `jurisdiction` None when one was asked for: each text column costs
        a string per row, and a jurisdiction has tens of thousands."""
        where = "since_start <= ? AND (until_start IS NULL OR until_start > ?)"
        params: list = [as_of, as_of]
        code = "jurisdiction"
        if jurisdiction is not None:
            where = "jurisdiction = ? AND " + where
            params.insert(0, jurisdiction)
            code = "NULL"
        return self.conn.execute(
            "SELECT entity_id, program, NULLIF(since, since_start), since_start, event_id, "
            f"{code} FROM sanction_periods WHERE {where} ORDER BY entity_id, since_start, event_id",
            params,
        ).fetchall()

    def held_listings(self, snapshot_id: str, source: str) -> list[dict]:
        """The listings of one snapshot, each with its source, `first_seen` (the publication
        date of the first snapshot of `source` that held its list id) and `first_seen_in` (that
        snapshot's id)."""
        rows = decoded_rows(
            self.conn,
            "SELECT l.snapshot_id, l.list_id, l.name, l.aliases, l.kind, l.programs, l.listed_on, "
            "l.entity_id, ? AS source, (SELECT min(s.published || ' ' || s.id) FROM listings x "
            "JOIN snapshots s ON s.id = x.snapshot_id WHERE x.list_id = l.list_id AND s.source = ?) "
            "AS first_seen FROM listings l WHERE l.snapshot_id = ?",
            (source, source, snapshot_id),
        )
        for row in rows:  # one subquery gives both: ISO days sort as text, and hold no space
            row["first_seen"], _, row["first_seen_in"] = row["first_seen"].partition(" ")
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
        return self.conn.execute(
            f"SELECT {_LIGHT_COLUMNS} FROM listings WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)
        ).fetchall()

    def listings(self, snapshot_id: str, list_ids: Iterable[str]) -> dict[str, dict]:
        """list_id -> the listing whole (lists decoded), for the listings whose fields differ."""
        ids = json.dumps(list(list_ids))
        rows = decoded_rows(
            self.conn,
            f"SELECT {_FULL_COLUMNS} FROM listings WHERE snapshot_id = ? "
            "AND list_id IN (SELECT value FROM json_each(?))",
            (snapshot_id, ids),
        )
        return {row["list_id"]: row for row in rows}

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

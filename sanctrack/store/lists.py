"""The queries of official lists' snapshots and their listings, for `import` of lists, `sources`,
and the listings seen by show, search and check. Snapshots are immutable: triggers refuse any
rewrite of one."""

from __future__ import annotations

import sqlite3
from typing import Iterable

from .encoding import decode, decoded_rows, first_row


class ListQueries:
    """SQL for snapshots and listings over one connection (`Store.lists`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def snapshot_with_hash(self, source: str, file_hash: str) -> dict | None:
        return first_row(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? AND file_hash = ?", (source, file_hash)
        )

    def snapshot(self, snapshot_id: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM snapshots WHERE id = ?", (snapshot_id,))

    def snapshots(self, source: str | None = None) -> list[dict]:
        """Snapshots oldest first (by publication date, then import order)."""
        if source is None:
            return decoded_rows(self.conn, "SELECT * FROM snapshots ORDER BY source, published, rowid")
        return decoded_rows(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? ORDER BY published, rowid", (source,)
        )

    def snapshot_before(self, source: str, published: str) -> dict | None:
        """The latest snapshot of `source` published on or before `published`."""
        return first_row(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? AND published <= ? "
            "ORDER BY published DESC, rowid DESC LIMIT 1",
            (source, published),
        )

    def first_seen(self, source: str, list_id: str) -> dict | None:
        """The first snapshot of `source` (by publication date) that holds `list_id`."""
        return first_row(
            self.conn,
            "SELECT s.* FROM snapshots s JOIN listings l ON l.snapshot_id = s.id "
            "WHERE s.source = ? AND l.list_id = ? ORDER BY s.published, s.rowid LIMIT 1",
            (source, list_id),
        )

    def listing_entities(self, snapshot_id: str) -> dict[str, str]:
        """list_id -> entity_id of every listing of a snapshot."""
        return dict(
            self.conn.execute(
                "SELECT list_id, entity_id FROM listings WHERE snapshot_id = ?", (snapshot_id,)
            ).fetchall()
        )

    def listing_digests(self, snapshot_id: str) -> dict[str, str]:
        """list_id -> digest of every listing of a snapshot (for the designations, delistings and
        amendments between two snapshots)."""
        return dict(
            self.conn.execute(
                "SELECT list_id, digest FROM listings WHERE snapshot_id = ?", (snapshot_id,)
            ).fetchall()
        )

    def listings_of(self, snapshot_id: str) -> Iterable[dict]:
        cur = self.conn.execute(
            "SELECT * FROM listings WHERE snapshot_id = ? ORDER BY rowid", (snapshot_id,)
        )
        columns = [d[0] for d in cur.description]
        for row in cur:
            yield decode(dict(zip(columns, row)))

    def listing(self, snapshot_id: str, list_id: str) -> dict | None:
        return first_row(
            self.conn,
            "SELECT * FROM listings WHERE snapshot_id = ? AND list_id = ?", (snapshot_id, list_id)
        )

    def listings_of_entities(self, entity_ids: list[str]) -> list[dict]:
        """Every listing (in any snapshot) linked to the entities, with its snapshot's source and
        publication date, oldest snapshot first."""
        if not entity_ids:
            return []
        marks = ", ".join("?" for _ in entity_ids)
        return decoded_rows(
            self.conn,
            "SELECT l.snapshot_id, l.list_id, l.name, l.aliases, l.kind, l.programs, l.countries, "
            "l.listed_on, l.entity_id, s.source, s.published FROM listings l "
            f"JOIN snapshots s ON s.id = l.snapshot_id WHERE l.entity_id IN ({marks}) "
            "ORDER BY s.source, s.published, s.rowid",
            entity_ids,
        )

    def entity_listing_keys(self, entity_id: str) -> list[tuple[str, str]]:
        return self.conn.execute(
            "SELECT snapshot_id, list_id FROM listings WHERE entity_id = ?", (entity_id,)
        ).fetchall()

    def latest_snapshot_ids(self) -> dict[str, str]:
        """source -> id of its most recently published snapshot."""
        rows = self.conn.execute(
            "SELECT source, id FROM snapshots ORDER BY source, published, rowid"
        ).fetchall()
        return dict(rows)

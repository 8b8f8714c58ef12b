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

    # -- list history (issue 18): how listings came, changed and went, snapshot after snapshot ----
    # The timeline, `show` and `lag` read listings' history only through these methods, so that
    # the way snapshots are stored can change beneath them.

    def listing_keys_of_entities(self, entity_ids: list[str]) -> list[tuple[str, str]]:
        """(source, list_id) of every listing, in any snapshot, linked to one of the entities."""
        if not entity_ids:
            return []
        marks = ", ".join("?" for _ in entity_ids)
        return self.conn.execute(
            "SELECT DISTINCT s.source, l.list_id FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
            f"WHERE l.entity_id IN ({marks}) ORDER BY s.source, l.list_id",
            entity_ids,
        ).fetchall()

    def listing_versions(self, source: str, list_ids: list[str]) -> list[dict]:
        """Every stored version of the listings `list_ids` of `source`: the listing's fields with
        `snapshot_id`, `published` and `digest`, by list id, then oldest snapshot first."""
        found: list[dict] = []
        for start in range(0, len(list_ids), 500):
            chunk = list_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            found += decoded_rows(
                self.conn,
                "SELECT l.*, s.published, s.source FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
                f"WHERE s.source = ? AND l.list_id IN ({marks}) ORDER BY l.list_id, s.published, s.rowid",
                [source, *chunk],
            )
        return found

    def program_spellings(self, text: str) -> list[str]:
        """The spellings, in any stored listing, of the program named `text` (case and spacing
        aside), for a timeline of a program that only lists carry."""
        import json

        wanted = " ".join(text.casefold().split())
        pattern = "%" + "".join("\\" + c if c in "%_\\" else c for c in " ".join(text.split())) + "%"
        found: set[str] = set()
        for (programs,) in self.conn.execute(
            "SELECT DISTINCT programs FROM listings WHERE programs LIKE ? ESCAPE '\\'", (pattern,)
        ):
            for program in json.loads(programs or "[]"):
                if isinstance(program, str) and " ".join(program.casefold().split()) == wanted:
                    found.add(program)
        return sorted(found)

    def snapshot_changes(self, old_id: str | None, new_id: str) -> Iterable[tuple[str, dict, dict | None]]:
        """What changed from snapshot `old_id` to `new_id` (of one source; None: the first
        snapshot, where every listing is new): (`added`, listing, None), (`removed`, old
        listing, None) and (`changed`, new listing, old listing), each a whole listing."""
        if old_id is None:
            for row in self.listings_of(new_id):
                yield "added", row, None
            return
        cur = self.conn.execute(
            "SELECT n.* FROM listings n WHERE n.snapshot_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM listings o WHERE o.snapshot_id = ? AND o.list_id = n.list_id) ORDER BY n.rowid",
            (new_id, old_id),
        )
        for row in _decoded(cur):
            yield "added", row, None
        cur = self.conn.execute(
            "SELECT o.* FROM listings o WHERE o.snapshot_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM listings n WHERE n.snapshot_id = ? AND n.list_id = o.list_id) ORDER BY o.rowid",
            (old_id, new_id),
        )
        for row in _decoded(cur):
            yield "removed", row, None
        cur = self.conn.execute(
            "SELECT n.list_id FROM listings n JOIN listings o ON o.snapshot_id = ? AND o.list_id = n.list_id "
            "WHERE n.snapshot_id = ? AND o.digest <> n.digest ORDER BY n.rowid",
            (old_id, new_id),
        )
        for (list_id,) in cur.fetchall():
            new, old = self.listing(new_id, list_id), self.listing(old_id, list_id)
            if new is not None and old is not None:
                yield "changed", new, old

    def snapshot_change_counts(self, old_id: str | None, new_id: str) -> dict[str, int]:
        """How many listings `snapshot_changes` would give of each kind, without reading them."""
        if old_id is None:
            (count,) = self.conn.execute(
                "SELECT count(*) FROM listings WHERE snapshot_id = ?", (new_id,)
            ).fetchone()
            return {"added": count, "removed": 0, "changed": 0}
        added, removed, changed = self.conn.execute(
            "SELECT (SELECT count(*) FROM listings n WHERE n.snapshot_id = :new AND NOT EXISTS "
            " (SELECT 1 FROM listings o WHERE o.snapshot_id = :old AND o.list_id = n.list_id)), "
            "(SELECT count(*) FROM listings o WHERE o.snapshot_id = :old AND NOT EXISTS "
            " (SELECT 1 FROM listings n WHERE n.snapshot_id = :new AND n.list_id = o.list_id)), "
            "(SELECT count(*) FROM listings n JOIN listings o ON o.snapshot_id = :old "
            " AND o.list_id = n.list_id WHERE n.snapshot_id = :new AND o.digest <> n.digest)",
            {"old": old_id, "new": new_id},
        ).fetchone()
        return {"added": added, "removed": removed, "changed": changed}


def _decoded(cur: sqlite3.Cursor) -> Iterable[dict]:
    columns = [d[0] for d in cur.description]
    for row in cur:
        yield decode(dict(zip(columns, row)))

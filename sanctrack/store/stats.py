"""The queries of `sanctrack stats`: counts of what the store holds, read in bulk (one query per
count, grouped by SQLite), and the dates a median response lag is computed from."""

from __future__ import annotations

import sqlite3
from typing import Iterator


class StatsQueries:
    """SQL for `sanctrack stats` over one connection (`Store.stats`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def totals(self) -> dict[str, int]:
        """How many events, responses, entities and snapshots the store holds."""
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM responses), "
            "(SELECT count(*) FROM entities), (SELECT count(*) FROM snapshots)"
        ).fetchone()
        return dict(zip(("events", "responses", "entities", "snapshots"), row))

    def events_by_jurisdiction_year(self) -> list[tuple[str, str, int, int]]:
        """(jurisdiction, year, events, entities named by them) for each jurisdiction and year
        of an event's (start of its) date."""
        return self.conn.execute(
            "SELECT e.jurisdiction, substr(e.date_start, 1, 4) AS year, count(DISTINCT e.id), "
            "count(DISTINCT t.entity_id) FROM events e LEFT JOIN targets t ON t.event_id = e.id "
            "GROUP BY e.jurisdiction, year ORDER BY e.jurisdiction, year"
        ).fetchall()

    def response_dates(self) -> Iterator[tuple[str, str, str, str, str]]:
        """(jurisdiction, year, event's date_start, response's date_start, response's date_end)
        of every response, by the jurisdiction and year of the event it answers."""
        return self.conn.execute(
            "SELECT e.jurisdiction, substr(e.date_start, 1, 4), e.date_start, r.date_start, r.date_end "
            "FROM responses r JOIN events e ON e.id = r.event_id"
        )

    def snapshots_by_source(self) -> list[tuple[str, int, str, str, int]]:
        """(source, snapshots, first published, last published, listings of the latest) for each
        official list's source in the store."""
        return self.conn.execute(
            "SELECT s.source, count(*), min(s.published), max(s.published), "
            "(SELECT l.listings FROM snapshots l WHERE l.source = s.source "
            " ORDER BY l.published DESC, l.rowid DESC LIMIT 1) "
            "FROM snapshots s GROUP BY s.source ORDER BY s.source"
        ).fetchall()

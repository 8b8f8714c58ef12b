"""The queries of `search` and `check`: full-text matches of records, targets and listings,
entities by name, and the sanction events of entities.

User text never reaches FTS5 as query syntax: `fts_match` quotes every word (a stray quote, `AND`,
`NEAR(`, `*`, `-x`, `a:b` are all plain words) and only the prefix star is ours.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

from .encoding import decoded_rows


def fts_match(text: str) -> str | None:
    """An FTS5 query matching every word of `text` as a prefix, or None if it holds no word."""
    words = [w for w in text.replace("\x00", " ").split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


# The columns a hit is made of: JSON lists stay undecoded and unread.
EVENT_HIT = "e.id, e.date, e.date_start, e.authority, e.jurisdiction, e.action, e.program, e.reason, e.summary"
RESPONSE_HIT = (
    "r.id, r.event_id, r.date, r.date_start, r.actor, r.speaker, r.kind, r.stance, r.quote, r.summary"
)


# The names of the screening index that match a query (?) best by bm25, at most ? of them.
_BEST_NAMES = (
    "SELECT rowid, bm25(entity_names_fts) AS rank FROM entity_names_fts "
    "WHERE entity_names_fts MATCH ? ORDER BY rank LIMIT ?"
)


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


class SearchQueries:
    """SQL for `search` and `check` over one connection (`Store.search`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn


    def target_entities(self, match: str, limit: int) -> list[tuple[str, str, float]]:
        """(entity_id, target name, bm25) of targets whose name or aliases match, best first."""
        # bm25() cannot be aggregated directly: rank the matching rows first, then group them.
        return self.conn.execute(
            "SELECT entity_id, name, min(rank) AS best FROM ("
            "  SELECT t.entity_id, t.name, bm25(targets_fts) AS rank FROM targets_fts"
            "  JOIN targets t ON t.rowid = targets_fts.rowid WHERE targets_fts MATCH ?"
            "  ORDER BY rank LIMIT ?"
            ") GROUP BY entity_id ORDER BY best LIMIT ?",
            (match, limit * 20, limit),
        ).fetchall()

    def listing_entities(self, match: str, limit: int) -> list[tuple[str, str, float]]:
        """(entity_id, listing name, bm25) of listings in any snapshot whose names match."""
        return self.conn.execute(
            "SELECT entity_id, name, min(rank) AS best FROM ("
            "  SELECT l.entity_id, l.name, bm25(listings_fts) AS rank FROM listings_fts"
            "  JOIN listings l ON l.rowid = listings_fts.rowid WHERE listings_fts MATCH ?"
            "  ORDER BY rank LIMIT ?"
            ") GROUP BY entity_id ORDER BY best LIMIT ?",
            (match, limit * 20, limit),
        ).fetchall()

    def entities_with_name_containing(self, text: str, limit: int) -> list[tuple[str, str]]:
        """(entity_id, name) whose name contains `text` anywhere: for scripts without spaces
        between words (Chinese, Japanese), where a part of a name is no word prefix."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.conn.execute(
            "SELECT entity_id, min(name) FROM entity_names WHERE name LIKE ? ESCAPE '\\' "
            "GROUP BY entity_id LIMIT ?",
            (pattern, limit),
        ).fetchall()

    def entities_by_ids(self, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(ids)
        if not ids:
            return {}
        rows = decoded_rows(self.conn, f"SELECT * FROM entities WHERE id IN ({_marks(ids)})", ids)
        names: dict[str, list[str]] = {}
        for entity_id, name in self.conn.execute(
            f"SELECT entity_id, name FROM entity_names WHERE entity_id IN ({_marks(ids)}) "
            "ORDER BY rowid",
            ids,
        ):
            if name not in names.setdefault(entity_id, []):
                names[entity_id].append(name)
        return {row["id"]: dict(row, names=names.get(row["id"], [])) for row in rows}

    def events(self, match: str, where: str, params: list, limit: int) -> list[dict]:
        """Events whose own text matches, with bm25 `rank` and a `snippet` of the best column."""
        return decoded_rows(
            self.conn,
            f"SELECT {EVENT_HIT}, bm25(events_fts) AS rank, "
            "snippet(events_fts, -1, '', '', '…', 12) AS snippet FROM events_fts "
            f"JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH ? "
            f"{('AND ' + where) if where else ''} ORDER BY rank LIMIT ?",
            [match, *params, limit],
        )

    def responses(self, match: str, where: str, params: list, limit: int) -> list[dict]:
        return decoded_rows(
            self.conn,
            f"SELECT {RESPONSE_HIT}, bm25(responses_fts) AS rank, "
            "snippet(responses_fts, -1, '', '', '…', 12) AS snippet FROM responses_fts "
            "JOIN responses r ON r.rowid = responses_fts.rowid JOIN events e ON e.id = r.event_id "
            f"WHERE responses_fts MATCH ? {('AND ' + where) if where else ''} ORDER BY rank LIMIT ?",
            [match, *params, limit],
        )

    def listings(self, match: str, limit: int) -> list[dict]:
        """Listings of the latest snapshot of each source whose names or programs match."""
        # The versions the latest snapshot of their source holds: their spans are still open.
        return decoded_rows(
            self.conn,
            "SELECT (SELECT id FROM snapshots x WHERE x.source = l.source "
            "ORDER BY x.published DESC, x.rowid DESC LIMIT 1) AS snapshot_id, l.list_id, l.name, "
            "l.aliases, l.kind, l.programs, l.listed_on, l.entity_id, l.source, "
            "(SELECT max(published) FROM snapshots y WHERE y.source = l.source) AS published, "
            "bm25(listings_fts) AS rank FROM listings_fts "
            "JOIN listings l ON l.rowid = listings_fts.rowid "
            "WHERE listings_fts MATCH ? AND EXISTS (SELECT 1 FROM listing_spans sp "
            "WHERE sp.listing = l.id AND sp.until IS NULL) ORDER BY rank LIMIT ?",
            (match, limit),
        )

    def latest_events(self, where: str, params: list, limit: int) -> tuple[list[dict], int]:
        """Events matching a filter, newest first (at most `limit`), and how many match in all."""
        clause = f"WHERE {where}" if where else ""
        rows = decoded_rows(
            self.conn,
            f"SELECT {EVENT_HIT} FROM events e {clause} ORDER BY e.date_start DESC, e.id LIMIT ?",
            [*params, limit],
        )
        total = self.conn.execute(f"SELECT count(*) FROM events e {clause}", params).fetchone()[0]
        return rows, total

    def latest_responses(self, where: str, params: list, limit: int) -> tuple[list[dict], int]:
        """Responses matching a filter (on them and their event), newest first, and their count."""
        clause = f"WHERE {where}" if where else ""
        rows = decoded_rows(
            self.conn,
            f"SELECT {RESPONSE_HIT} FROM responses r JOIN events e ON e.id = r.event_id {clause} "
            "ORDER BY r.date_start DESC, r.id LIMIT ?",
            [*params, limit],
        )
        total = self.conn.execute(
            f"SELECT count(*) FROM responses r JOIN events e ON e.id = r.event_id {clause}", params
        ).fetchone()[0]
        return rows, total

    def events_naming(self, entity_ids: list[str], where: str, params: list, limit: int) -> list[dict]:
        """Events with a target linked to one of `entity_ids`, with that target as `named_as`."""
        if not entity_ids:
            return []
        return decoded_rows(
            self.conn,
            f"SELECT {EVENT_HIT}, t.entity_id AS named_entity, t.name AS named_as FROM targets t "
            "JOIN events e ON e.id = t.event_id "
            f"WHERE t.entity_id IN ({_marks(entity_ids)}) {('AND ' + where) if where else ''} "
            "GROUP BY e.id ORDER BY e.date_start, e.id LIMIT ?",
            [*entity_ids, *params, limit],
        )

    def responses_to_events(self, event_ids: list[str], where: str, params: list, limit: int) -> list[dict]:
        found: list[dict] = []
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            found += decoded_rows(
                self.conn,
                f"SELECT {RESPONSE_HIT} FROM responses r JOIN events e ON e.id = r.event_id "
                f"WHERE r.event_id IN ({_marks(chunk)}) {('AND ' + where) if where else ''} "
                "ORDER BY r.date_start, r.id LIMIT ?",
                [*chunk, *params, limit],
            )
        return found[:limit]

    def sanction_periods(self, entity_ids: list[str]) -> list[list]:
        """The periods of every sanction of `entity_ids`, for `check`: lists in `rules.PERIOD`'s
        order, read from `sanction_periods` (kept current on every write), with the name the
        imposing event gave the entity (its first target naming it). A hundred rows for an
        entity named in a thousand events, where recomputing them read every event."""
        if not entity_ids:
            return []
        return [
            list(row)
            for row in self.conn.execute(
                "SELECT p.entity_id, p.jurisdiction, p.authority, p.program, p.since, p.since_start, "
                "p.event_id, (SELECT t.name FROM targets t WHERE t.event_id = p.event_id "
                "AND t.entity_id = p.entity_id ORDER BY t.position LIMIT 1), p.until, p.until_start, "
                f"p.ended_by FROM sanction_periods p WHERE p.entity_id IN ({_marks(entity_ids)})",
                entity_ids,
            )
        ]

    def screening_candidates(self, keys: list[str], limit: int) -> list[tuple[str, str, str | None]]:
        """(entity_id, name, kind) of the names sharing screening keys (`screening.index_keys`)
        with a query, the best `limit` names first: bm25 ranks a name by how many keys it shares
        and how rare they are."""
        if not keys:
            return []
        match = " OR ".join('"' + key.replace('"', '""') + '"' for key in keys)
        return self.conn.execute(
            f"SELECT n.entity_id, n.name, e.kind FROM ({_BEST_NAMES}) f "
            "JOIN entity_names n ON n.rowid = f.rowid JOIN entities e ON e.id = n.entity_id "
            "GROUP BY n.entity_id, n.name ORDER BY min(f.rank)",
            (match, limit),
        ).fetchall()

    def entities_by_screening_words(self, words: list[str], limit: int) -> list[tuple[str, float]]:
        """(entity_id, bm25) of names having a word that starts with each of `words` (canonical
        words, `screening.match_tokens`), best first."""
        if not words:
            return []
        match = " ".join('"w' + word.replace('"', '""') + '"*' for word in words)
        return self.conn.execute(
            f"SELECT n.entity_id, min(f.rank) FROM ({_BEST_NAMES}) f "
            "JOIN entity_names n ON n.rowid = f.rowid GROUP BY n.entity_id ORDER BY min(f.rank)",
            (match, limit),
        ).fetchall()

    def screening_key_counts(self, keys: list[str]) -> dict[str, int]:
        """How many names carry each of `keys` (FTS5's vocabulary of the screening index)."""
        found: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(
                self.conn.execute(
                    f"SELECT term, doc FROM entity_names_vocab WHERE term IN ({_marks(chunk)})", chunk
                ).fetchall()
            )
        return found

    def screening_index(self) -> "ScreeningIndex":
        """The screening index read whole into memory, for a batch (`ScreeningIndex`)."""
        return ScreeningIndex(
            self.conn.execute(
                "SELECT n.rowid, n.entity_id, n.name, e.kind, e.id IS NOT NULL, n.match_keys "
                "FROM entity_names n LEFT JOIN entities e ON e.id = n.entity_id ORDER BY n.rowid"
            )
        )

    def all_screening_key_counts(self) -> dict[str, int]:
        """How many names carry each key of the screening index, every key (for a batch)."""
        return dict(self.conn.execute("SELECT term, doc FROM entity_names_vocab"))

    def name_count(self) -> int:
        """About how many names are on record (the largest rowid: no count of every row)."""
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM entity_names").fetchone()[0]


class ScreeningIndex:
    """The screening index (`entity_names_fts`) held in memory by a batch: `candidates` gives what
    `SearchQueries.screening_candidates` gives, in the same order, without a query per name (the
    FTS5 query with its bm25 ranking costs ~2.5 ms a name on the SDN list).

    The ranking is FTS5's own bm25 (fts5_aux.c): per key of the query, in the query's order,
    idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)) with k1 1.2, b 0.75, D a name's number
    of keys, avgdl their mean over all names, idf log((N - n + 0.5) / (n + 0.5)) (1e-6 when not
    positive) for n of the N names carrying the key; the same operations in the same order, so the
    same floating-point ranks. Ties keep the order SQLite gives them: names by rowid (as FTS5
    visits them), entities by (entity_id, name) (as GROUP BY hands them on)."""

    def __init__(self, rows):
        # rowids per key; a key a name carries more than once (rare) is in `repeated` too
        self.postings: dict[str, list[int]] = {}
        self.repeated: dict[tuple[str, int], int] = {}
        self.names: dict[int, tuple[str, str, str | None, bool]] = {}
        self.size: dict[int, int] = {}
        tokens = 0
        for rowid, entity_id, name, kind, has_entity, match_keys in rows:
            keys = match_keys.split()
            self.names[rowid] = (entity_id, name, kind, bool(has_entity))
            self.size[rowid] = len(keys)
            tokens += len(keys)
            if len(set(keys)) == len(keys):
                for key in keys:
                    self.postings.setdefault(key, []).append(rowid)
                continue
            counted: dict[str, int] = {}
            for key in keys:
                counted[key] = counted.get(key, 0) + 1
            for key, f in counted.items():
                self.postings.setdefault(key, []).append(rowid)
                if f > 1:
                    self.repeated[key, rowid] = f
        self.rows = len(self.names)
        self.avgdl = tokens / self.rows if self.rows else 0.0
        # the part of bm25 a name carrying a key once adds, but for the key's idf
        k1, b = 1.2, 0.75
        self.once = {rowid: (1 * (k1 + 1.0)) / (1 + k1 * (1 - b + b * n / self.avgdl)) for rowid, n in self.size.items()}

    def key_counts(self) -> dict[str, int]:
        """How many names carry each key (the `doc` of FTS5's vocabulary)."""
        return {key: len(found) for key, found in self.postings.items()}

    def candidates(self, keys: list[str], limit: int) -> list[tuple[str, str, str | None]]:
        if not keys or not self.rows:
            return []
        import math

        k1, b, n_rows, avgdl, size = 1.2, 0.75, self.rows, self.avgdl, self.size
        repeated, once = self.repeated, self.once
        scores: dict[int, float] = {}
        for key in keys:
            key = key.lower()
            found = self.postings.get(key)
            if not found:
                continue
            hits = len(found)
            idf = math.log((n_rows - hits + 0.5) / (hits + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            if not repeated:
                for rowid in found:
                    scores[rowid] = scores.get(rowid, 0.0) + idf * once[rowid]
                continue
            for rowid in found:
                f = repeated.get((key, rowid), 1)
                scores[rowid] = scores.get(rowid, 0.0) + idf * (
                    (f * (k1 + 1.0)) / (f + k1 * (1 - b + b * size[rowid] / avgdl))
                )
        import heapq

        best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
        grouped: dict[tuple[str, str], tuple[float, str | None]] = {}
        for rowid, value in best:
            entity_id, name, kind, has_entity = self.names[rowid]
            if not has_entity:
                continue
            rank = -value
            if (entity_id, name) not in grouped or rank < grouped[entity_id, name][0]:
                grouped[entity_id, name] = (rank, kind)
        # GROUP BY hands the groups to ORDER BY in (entity_id, name) order; ties stay so.
        ordered = sorted(sorted(grouped.items()), key=lambda item: item[1][0])
        return [(entity_id, name, kind) for (entity_id, name), (_, kind) in ordered]

"""The queries of `sanctrack timeline`.

A timeline's *subject* reaches this module as a pair (kind, value), as `timeline.Subject` holds it:

| kind | value | the subject's events |
|---|---|---|
| `all` | None | every event |
| `entity` | an `en-` id | the events naming the entity in one of their targets |
| `jurisdiction` | a code (`GB`) | the events of that jurisdiction |
| `program` | the stored spellings of the program (a tuple) | the events under one of them |
| `tag` | the stored spellings of the tag (a tuple) | the events carrying one of them |

Programs and tags are found through the events' full-text index (`events_fts`, kept by triggers) and
checked exactly, so neither needs an index of its own; text FTS5 cannot read as a phrase is
searched by a plain scan.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Iterator

from .encoding import decoded_rows

# Ids per `IN (…)` list: well under SQLite's limit on bound parameters.
CHUNK = 500

SKELETON_COLUMNS = "e.id, e.date, e.date_start, e.date_end, e.in_response_to"
EVENT_COLUMNS = (
    "e.id, e.date, e.date_start, e.date_end, e.authority, e.jurisdiction, e.action, e.program, "
    "e.legal_basis, e.reason, e.summary, e.sources, e.tags, e.in_response_to"
)
RESPONSE_COLUMNS = (
    "r.id, r.event_id, r.date, r.date_start, r.date_end, r.actor, r.speaker, r.country, r.kind, "
    "r.stance, r.quote, r.summary, r.sources, r.tags, r.counter_event_id"
)
# For JSON output the store writes each record's JSON itself (SQLite's json_object, in C), with
# only the columns the timeline computes with beside it: the fields, their order and their names
# are those of `timeline._event_item` and `timeline._response_item`, which tests compare.
EVENT_KEY_COLUMNS = "e.id, e.date, e.date_start, e.date_end, e.jurisdiction, e.action, e.in_response_to"
EVENT_JSON = (
    "json_object('type', 'event', 'id', e.id, 'date', e.date, 'authority', e.authority, "
    "'jurisdiction', e.jurisdiction, 'action', e.action, 'program', e.program, "
    "'legal_basis', e.legal_basis, 'targets', (SELECT json_group_array(json_object("
    "'name', o.name, 'aliases', json(coalesce(o.aliases, '[]')), 'kind', o.kind, "
    "'country', o.country, 'entity_id', o.entity_id)) FROM "
    "(SELECT * FROM targets WHERE event_id = e.id ORDER BY position) o), "
    "'reason', e.reason, 'summary', e.summary, 'sources', json(coalesce(e.sources, '[]')), "
    "'tags', json(coalesce(e.tags, '[]')), 'in_response_to', e.in_response_to) AS json"
)
RESPONSE_KEY_COLUMNS = "r.id, r.event_id, r.date, r.date_start, r.date_end, r.stance, r.counter_event_id"
RESPONSE_JSON = (
    "json_object('type', 'response', 'id', r.id, 'event_id', r.event_id, 'date', r.date, "
    "'actor', r.actor, 'speaker', r.speaker, 'country', r.country, 'kind', r.kind, "
    "'stance', r.stance, 'quote', r.quote, 'summary', r.summary, "
    "'sources', json(coalesce(r.sources, '[]')), 'tags', json(coalesce(r.tags, '[]')), "
    "'counter_event_id', r.counter_event_id) AS json"
)
_LIST_DECODER = json.JSONDecoder()


def _event_columns(encoded: bool) -> str:
    return f"{EVENT_KEY_COLUMNS}, {EVENT_JSON}" if encoded else EVENT_COLUMNS


def _response_columns(encoded: bool) -> str:
    return f"{RESPONSE_KEY_COLUMNS}, {RESPONSE_JSON}" if encoded else RESPONSE_COLUMNS


def _json_list(text: str | None, _seen: dict[str, list] = {}) -> list:  # noqa: B006 (a cache)
    """A stored JSON list, decoded. Tags, aliases and sources recur across events, so decodings
    are kept (the lists are only read: a timeline never changes them)."""
    if not text or text == "[]":
        return []
    found = _seen.get(text)
    if found is None:
        if len(_seen) > 20000:
            _seen.clear()
        found = _seen[text] = _LIST_DECODER.raw_decode(text)[0]
    return found


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def _fts_phrase(column: str, text: str) -> str:
    """An FTS5 query for `text` as one phrase in `column` (quotes doubled: any text is inert)."""
    return f'{column} : "{text.replace(chr(34), chr(34) * 2)}"'


class TimelineQueries:
    """SQL for `sanctrack timeline` over one connection (`Store.timeline`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        # (kind, value) -> the SQL selecting the subject's events: a timeline asks more than once.
        self._subject_sql: dict[tuple[str, Any], tuple[str, list]] = {}

    # -- what a subject may be -------------------------------------------------------------------

    def _events_matching_text(self, column: str, text: str, extra: str, params: list) -> list:
        """Rows of events whose `column` holds `text` as a phrase, narrowed by `extra` SQL."""
        try:
            return self.conn.execute(
                f"SELECT {extra} FROM events e WHERE e.rowid IN "
                "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
                [_fts_phrase(column, text), *params],
            ).fetchall()
        except sqlite3.OperationalError:
            pass  # text FTS5 cannot read as a phrase: fall back to the scan below
        return self.conn.execute(f"SELECT {extra} FROM events e", params).fetchall()

    def program_spellings(self, text: str) -> list[str]:
        """The stored spellings of the program named `text` (case and spacing aside)."""
        wanted = " ".join(text.casefold().split())
        rows = self._events_matching_text("program", text, "DISTINCT e.program", [])
        return sorted(
            {p for (p,) in rows if p is not None and " ".join(p.casefold().split()) == wanted}
        )

    def tag_spellings(self, text: str) -> list[str]:
        """The stored spellings of the tag `text` (case aside)."""
        wanted = text.strip().casefold()
        rows = self._events_matching_text("tags", text, "DISTINCT e.tags", [])
        found: set[str] = set()
        for (tags,) in rows:
            for tag in json.loads(tags or "[]"):
                if tag.casefold() == wanted:
                    found.add(tag)
        return sorted(found)

    def jurisdiction_exists(self, code: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM events WHERE jurisdiction = ? LIMIT 1", (code,))
            .fetchone()
            is not None
        )

    def entities_for_keys(self, keys: Iterable[str]) -> list[dict]:
        """Entities (id, name, kind) having a name under one of the name keys, oldest first."""
        keys = sorted(set(keys))
        if not keys:
            return []
        return decoded_rows(
            self.conn,
            "SELECT id, name, kind, country FROM entities WHERE id IN "
            f"(SELECT entity_id FROM entity_names WHERE key IN ({_marks(keys)})) ORDER BY rowid",
            keys,
        )

    def entities_for_key_prefix(self, prefix: str, limit: int = 50) -> list[dict]:
        """Entities with a name key that starts with `prefix` (itself a name key), by their name."""
        if not prefix:
            return []
        rows = self.conn.execute(
            "SELECT n.entity_id, n.key, e.name FROM entity_names n "
            "JOIN entities e ON e.id = n.entity_id WHERE n.key >= ? AND n.key < ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit * 20),
        ).fetchall()
        found: dict[str, dict] = {}
        for entity_id, _key, name in rows:
            found.setdefault(entity_id, {"id": entity_id, "name": name})
        return list(found.values())[:limit]

    def entity_names(self, entity_id: str) -> list[str]:
        names: list[str] = []
        for (name,) in self.conn.execute(
            "SELECT name FROM entity_names WHERE entity_id = ? ORDER BY rowid", (entity_id,)
        ):
            if name not in names:
                names.append(name)
        return names

    def entity_ids_with_prefix(self, prefix: str, limit: int = 20) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM entities WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                (prefix, prefix + "\U0010ffff", limit),
            )
        ]

    # -- hints for a subject that matches nothing ---------------------------------------------

    def names_with_words(self, stems: list[str], per_stem: int = 400) -> list[tuple[str, str]]:
        """(entity id, name) of names having a word that starts with one of `stems` (name keys),
        at most `per_stem` for each, so that a common word does not crowd out a rare one."""
        found: dict[tuple[str, str], None] = {}
        for stem in stems:
            escaped = stem.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            for row in self.conn.execute(
                "SELECT DISTINCT entity_id, name FROM entity_names "
                "WHERE key LIKE ? ESCAPE '\\' OR key LIKE ? ESCAPE '\\' LIMIT ?",
                (escaped + "%", "% " + escaped + "%", per_stem),
            ):
                found[row] = None
        return list(found)

    def jurisdictions(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT jurisdiction FROM events")]

    def programs_and_tags(self, limit: int = 5000) -> tuple[list[str], list[str]]:
        programs = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT program FROM events WHERE program IS NOT NULL LIMIT ?", (limit,)
            )
        ]
        tags = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT j.value FROM events e, json_each(e.tags) j "
                "WHERE e.tags != '[]' LIMIT ?",
                (limit,),
            )
        ]
        return programs, tags

    def has_events(self) -> bool:
        return self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None

    # -- the subject's events and their chains ---------------------------------------------------

    def _subject_ids_sql(self, kind: str, value: Any) -> tuple[str, list]:
        """SQL selecting the ids of the subject's events, with its params ("" for every event)."""
        if (kind, value) not in self._subject_sql:
            self._subject_sql[(kind, value)] = self._subject_ids_sql_uncached(kind, value)
        return self._subject_sql[(kind, value)]

    def _subject_ids_sql_uncached(self, kind: str, value: Any) -> tuple[str, list]:
        if kind == "all":
            return "", []
        if kind == "entity":
            return "SELECT event_id FROM targets WHERE entity_id = ?", [value]
        if kind == "jurisdiction":
            return "SELECT id FROM events WHERE jurisdiction = ?", [value]
        spellings = list(value)
        if kind == "program":
            where, params, column = f"e.program IN ({_marks(spellings)})", spellings, "program"
        elif kind == "tag":
            where = (
                f"EXISTS (SELECT 1 FROM json_each(e.tags) j WHERE j.value IN ({_marks(spellings)}))"
            )
            params, column = spellings, "tags"
        else:
            raise ValueError(f"unknown subject kind {kind!r}")
        phrases = " OR ".join(_fts_phrase(column, w) for w in spellings)
        try:
            self.conn.execute(
                "SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT 0", (phrases,)
            ).fetchall()
            return (
                "SELECT e.id FROM events e WHERE e.rowid IN (SELECT rowid FROM events_fts "
                f"WHERE events_fts MATCH ?) AND {where}",
                [phrases, *params],
            )
        except sqlite3.OperationalError:
            pass  # a spelling FTS5 cannot read as a phrase: scan
        return f"SELECT e.id FROM events e WHERE {where}", params

    def skeleton(self, kind: str, value: Any) -> list[tuple]:
        """(id, date, date_start, date_end, in_response_to) of the subject's events, in date order."""
        if kind == "all":
            sql, params = f"SELECT {SKELETON_COLUMNS} FROM events e", []
        elif kind == "jurisdiction":
            sql, params = f"SELECT {SKELETON_COLUMNS} FROM events e WHERE e.jurisdiction = ?", [value]
        else:
            ids_sql, params = self._subject_ids_sql(kind, value)
            sql = f"SELECT {SKELETON_COLUMNS} FROM events e WHERE e.id IN ({ids_sql})"
        return self.conn.execute(sql + " ORDER BY e.date_start, e.id", params).fetchall()

    def skeleton_for_ids(self, ids: Iterable[str]) -> list[tuple]:
        rows: list[tuple] = []
        for chunk in _chunks(ids):
            rows += self.conn.execute(
                f"SELECT {SKELETON_COLUMNS} FROM events e WHERE e.id IN ({_marks(chunk)})", chunk
            ).fetchall()
        return rows

    def counter_events(self, ids: Iterable[str] | None = None) -> list[tuple]:
        """Skeleton rows of the events answering (`in_response_to`) one of `ids`, or all such
        events when `ids` is None (a scan of the few events that answer another)."""
        if ids is None:
            return self.conn.execute(
                f"SELECT {SKELETON_COLUMNS} FROM events e WHERE e.in_response_to IS NOT NULL"
            ).fetchall()
        rows: list[tuple] = []
        for chunk in _chunks(ids):
            rows += self.conn.execute(
                f"SELECT {SKELETON_COLUMNS} FROM events e "
                f"WHERE e.in_response_to IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
        return rows

    def carriers(
        self, ids: Iterable[str] | None = None, answering: bool = True
    ) -> list[tuple]:
        """(response id, event id, counter event id) of the responses that carry out a counter-
        measure (`counter_event_id`) which is one of `ids` and, if `answering`, of those that
        answer one of `ids` with a counter-measure; of every such response when `ids` is None."""
        columns = "r.id, r.event_id, r.counter_event_id"
        if ids is None:
            return self.conn.execute(
                f"SELECT {columns} FROM responses r WHERE r.counter_event_id IS NOT NULL"
            ).fetchall()
        rows: list[tuple] = []
        for chunk in _chunks(ids):
            rows += self.conn.execute(
                f"SELECT {columns} FROM responses r WHERE r.counter_event_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
            if answering:
                rows += self.conn.execute(
                    f"SELECT {columns} FROM responses r WHERE r.event_id IN ({_marks(chunk)}) "
                    "AND r.counter_event_id IS NOT NULL",
                    chunk,
                ).fetchall()
        return list(dict.fromkeys(rows))

    def matching_events(self, ids: Iterable[str], action: str | None, stance: str | None) -> set[str]:
        """Those of the events `ids` whose action is `action` and which drew a response of
        `stance` (each condition only when given)."""
        where, params = [], []
        if action is not None:
            where.append("e.action = ?")
            params.append(action)
        if stance is not None:
            where.append("EXISTS (SELECT 1 FROM responses r WHERE r.event_id = e.id AND r.stance = ?)")
            params.append(stance)
        condition = " AND ".join(where) or "1"
        found: set[str] = set()
        for chunk in _chunks(ids):
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT e.id FROM events e WHERE e.id IN ({_marks(chunk)}) AND {condition}",
                    [*chunk, *params],
                )
            )
        return found

    def responses_in_window(
        self, ids: Iterable[str] | None, since: str | None, until: str | None, stance: str | None = None
    ) -> list[tuple]:
        """(id, event_id, date, date_start, date_end) of responses dated in the window (inclusive
        ISO days, partial dates overlapping it) that answer one of `ids` (any event if None); of
        `stance` only, when given."""
        window, window_params = [], []
        if stance is not None:
            window.append("r.stance = ?")
            window_params.append(stance)
        if since:
            window.append("r.date_end >= ?")
            window_params.append(since)
        if until:
            window.append("r.date_start <= ?")
            window_params.append(until)
        dated = " AND ".join(window) or "1"
        columns = "r.id, r.event_id, r.date, r.date_start, r.date_end"
        if ids is None:
            return self.conn.execute(
                f"SELECT {columns} FROM responses r WHERE {dated}", window_params
            ).fetchall()
        rows: list[tuple] = []
        for chunk in _chunks(ids):
            rows += self.conn.execute(
                f"SELECT {columns} FROM responses r WHERE r.event_id IN ({_marks(chunk)}) "
                f"AND {dated}",
                [*chunk, *window_params],
            ).fetchall()
        return rows

    # -- whole records ------------------------------------------------------------------------

    def _records(self, sql: str, params: list) -> list[dict]:
        """Rows as dicts, JSON list columns decoded (a quicker `decoded_rows` for many rows)."""
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        lists = [name for name in names if name in ("sources", "tags", "aliases")]
        rows = [dict(zip(names, values)) for values in cur]
        for name in lists:
            for row in rows:
                row[name] = _json_list(row[name])
        return rows

    def subject_events(self, kind: str, value: Any, encoded: bool = False) -> list[dict]:
        """The subject's events whole, in date order (for subjects of a few thousand events); for
        an entity, each with `named_as`, the names its targets give the entity. `encoded`: the
        columns the timeline computes with and `json`, the record as JSON (see EVENT_JSON)."""
        columns = _event_columns(encoded)
        if kind == "entity":  # a join is quicker than `IN (SELECT …)`; an event may name it twice
            rows = self._records(
                f"SELECT {columns}, t.name AS named, t.position AS named_at "
                "FROM targets t JOIN events e ON e.id = t.event_id WHERE t.entity_id = ?",
                [value],
            )
            # Sorted here rather than by SQLite, which would copy every row (JSON and all) to sort.
            rows.sort(key=lambda row: (row["date_start"], row["id"], row["named_at"]))
            merged: dict[str, dict] = {}
            for row in rows:
                name = row.pop("named")
                del row["named_at"]
                held = merged.get(row["id"])
                if held is None:
                    row["named_as"] = [name]
                    merged[row["id"]] = row
                elif name not in held["named_as"]:
                    held["named_as"].append(name)
            return list(merged.values())
        ids_sql, params = self._subject_ids_sql(kind, value)
        return self._records(
            f"SELECT {columns} FROM events e WHERE e.id IN ({ids_sql}) ORDER BY e.date_start, e.id",
            params,
        )

    def events(self, ids: Iterable[str], encoded: bool = False) -> dict[str, dict]:
        found: dict[str, dict] = {}
        columns = _event_columns(encoded)
        for chunk in _chunks(ids):
            for row in self._records(
                f"SELECT {columns} FROM events e WHERE e.id IN ({_marks(chunk)})", chunk
            ):
                found[row["id"]] = row
        return found

    def targets(self, event_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Each event's targets, in order: {name, aliases, kind, country, entity_id}."""
        found: dict[str, list[dict]] = {}
        for chunk in _chunks(event_ids):
            for event_id, name, aliases, kind, country, entity_id in self.conn.execute(
                "SELECT event_id, name, aliases, kind, country, entity_id FROM targets "
                f"WHERE event_id IN ({_marks(chunk)}) ORDER BY event_id, position",
                chunk,
            ):
                found.setdefault(event_id, []).append(
                    {
                        "name": name,
                        "aliases": _json_list(aliases),
                        "kind": kind,
                        "country": country,
                        "entity_id": entity_id,
                    }
                )
        return found

    def responses_to(self, event_ids: Iterable[str], encoded: bool = False) -> list[dict]:
        """Whole responses to the events, each event's in date order (`encoded`: as for events)."""
        rows: list[dict] = []
        columns = _response_columns(encoded)
        for chunk in _chunks(event_ids):
            rows += self._records(
                f"SELECT {columns} FROM responses r WHERE r.event_id IN ({_marks(chunk)}) "
                "ORDER BY r.event_id, r.date_start, r.id",
                chunk,
            )
        return rows

    def responses(self, ids: Iterable[str], encoded: bool = False) -> dict[str, dict]:
        found: dict[str, dict] = {}
        columns = _response_columns(encoded)
        for chunk in _chunks(ids):
            for row in self._records(
                f"SELECT {columns} FROM responses r WHERE r.id IN ({_marks(chunk)})", chunk
            ):
                found[row["id"]] = row
        return found

    def event_dates(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """{event id: (date, date_start)}."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(ids):
            for event_id, date, start in self.conn.execute(
                f"SELECT id, date, date_start FROM events WHERE id IN ({_marks(chunk)})", chunk
            ):
                found[event_id] = (date, start)
        return found

    def first_designations(self, entity_ids: Iterable[str]) -> dict[str, list[tuple]]:
        """For each entity: (jurisdiction, date_start, event id, date) of the first designation of
        it by each jurisdiction (earliest start of period, then lowest id)."""
        found: dict[str, list[tuple]] = {}
        for chunk in _chunks(entity_ids):
            for entity_id in chunk:
                found.setdefault(entity_id, [])
            # min() of "date_start + id" (date_start is always ten characters) picks the first;
            # SQLite takes the bare column `e.date` from the row holding that minimum.
            for entity_id, jurisdiction, first, date in self.conn.execute(
                "SELECT t.entity_id, e.jurisdiction, min(e.date_start || e.id), e.date "
                "FROM targets t JOIN events e ON e.id = t.event_id "
                f"WHERE t.entity_id IN ({_marks(chunk)}) AND e.action = 'designation' "
                "GROUP BY t.entity_id, e.jurisdiction",
                chunk,
            ):
                found[entity_id].append((jurisdiction, first[:10], first[10:], date))
        return found

    def designations_in(self, jurisdictions: list[str]) -> list[dict]:
        """The designations recorded by these jurisdictions (id, date, date_start, date_end,
        authority, jurisdiction, action), in date order: the events of the lag report."""
        if not jurisdictions:
            return []
        return self._records(
            "SELECT e.id, e.date, e.date_start, e.date_end, e.authority, e.jurisdiction, e.action "
            f"FROM events e WHERE e.action = 'designation' AND e.jurisdiction IN ({_marks(jurisdictions)}) "
            "ORDER BY e.date_start, e.id",
            list(jurisdictions),
        )

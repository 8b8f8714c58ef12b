"""The store: one SQLite file, and the only package of sanctrack that speaks SQL. `Store` opens
it (refusing foreign, damaged or too-new files), creates it on the first write, brings an old one
up to date, and holds what reads and writes it:

- writes, each part of one logged change (`change`, `bulk`, `insert`, `update`, `delete`; the
  history and undo are `Store.log`, store/changes.py);
- reads of whole records (events, responses, entities) and of records matching a `RecordFilter`;
- one query object per feature over the same connection: `lists`, `search`, `timeline`, `diff`.

Reads run on a stdlib `sqlite3` connection, so that a lookup pays for nothing else.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import StoreError, UnknownIdError
from . import schema
from .changes import ChangeLog
from .diff import DiffQueries
from .encoding import decode, decoded_rows, first_row
from .lists import ListQueries
from .search import SearchQueries
from .timeline import TimelineQueries

BUSY_TIMEOUT_SECONDS = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"


def default_path() -> Path:
    """`$SANCTRACK_DB`, else `sanctrack.db` in the user's data directory."""
    env = os.environ.get("SANCTRACK_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("sanctrack", appauthor=False)) / "sanctrack.db"


def _check_file(path: Path) -> bool:
    """Refuse a file that is not a whole SQLite database; True when there is a database to open.

    The header is read before any connection exists, so no second descriptor is ever opened and
    closed on a database this process holds (that would drop SQLite's POSIX locks).
    """
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a sanctrack store", hint="give --db a file path")
    try:
        with open(path, "rb") as f:
            header = f.read(100)
            size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        return False
    except OSError as err:
        raise StoreError(f"cannot read the store {path}: {err.strerror}") from None
    if size == 0:
        return False
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise StoreError(
            f"{path} is not a sanctrack store (not an SQLite database)",
            hint="point --db or $SANCTRACK_DB at a sanctrack store, or at a new file",
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_size_valid = header[92:96] == header[24:28]
    # While another process has the store open (its -wal file exists), a checkpoint may be
    # writing page 1 ahead of the pages it counts: the raw size then proves nothing.
    in_use = os.path.exists(f"{path}-wal")
    if header_size_valid and pages and not in_use and size < pages * page_size:
        raise StoreError(
            f"the store {path} is damaged: it is truncated ({size} of {pages * page_size} bytes)",
            hint="restore it from a backup; sanctrack will not write to it",
        )
    return True


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        # 64 MiB of page cache: large imports keep their index pages in memory; lookups touch few.
        conn.execute("PRAGMA cache_size = -65536")
        return conn
    except sqlite3.Error as err:
        raise StoreError(f"cannot open the store {path}: {err}") from None


class Store:
    """An open sanctrack store. Use `Store.open(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, on_disk: bool = True):
        self.path = path
        self.on_disk = on_disk
        self._attach(conn)

    def _attach(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.log = ChangeLog(conn)
        self.lists = ListQueries(conn)
        self.search = SearchQueries(conn)
        self.timeline = TimelineQueries(conn)
        self.diff = DiffQueries(conn)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None) -> "Store":
        """Open the store at `path` (default: `default_path()`).

        A store that does not exist yet reads as empty and is created by its first write, so a
        command refused for a bad value leaves no file behind. A foreign, damaged or too-new file
        is refused with StoreError before anything is written.
        """
        path = Path(path) if path is not None else default_path()
        if not _check_file(path):
            conn = sqlite3.connect(":memory:", isolation_level=None)
            schema.create(conn)
            return cls(conn, path, on_disk=False)
        store = cls(_connect(path), path)
        store._check_identity()
        if store._version() < schema.SCHEMA_VERSION:
            store._upgrade()
        return store

    def _create_on_disk(self) -> None:
        """Swap the empty in-memory view for the real file, created and set up now."""
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the store folder {self.path.parent}: {err.strerror}")
        _check_file(self.path)  # another process may have created it meanwhile
        conn = _connect(self.path)
        self.conn.close()
        self._attach(conn)
        self.on_disk = True
        self._check_identity()
        self._upgrade()

    def _version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_identity(self) -> None:
        try:
            app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self._version()
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise StoreError(
                f"the store {self.path} is damaged or not a database ({err})",
                hint="restore it from a backup; sanctrack will not write to it",
            ) from None
        if app_id == 0 and tables == 0:
            return  # a new or empty file: ours to set up
        if app_id != schema.APPLICATION_ID:
            self.conn.close()
            raise StoreError(
                f"{self.path} is an SQLite database of another program, not a sanctrack store",
                hint="point --db or $SANCTRACK_DB at a sanctrack store, or at a new file",
            )
        if version > schema.SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(
                f"the store {self.path} was written by a newer sanctrack "
                f"(schema {version}; this one knows up to {schema.SCHEMA_VERSION})",
                hint="upgrade sanctrack (pip install -U sanctrack) to use this store",
            )

    def _upgrade(self) -> None:
        """Bring the store to schema.SCHEMA_VERSION, each migration in its own transaction."""
        if self._version() >= schema.SCHEMA_VERSION:
            return
        self._enable_wal()
        while True:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-read under the lock: a parallel process may have migrated meanwhile.
                version = self._version()
                if version >= schema.SCHEMA_VERSION:
                    self.conn.execute("COMMIT")
                    return
                if version == 0:
                    schema.create(self.conn)
                    version = schema.SCHEMA_VERSION
                else:
                    schema.MIGRATIONS[version](self.conn)
                    version += 1
                self.conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {version}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _enable_wal(self) -> None:
        """WAL lets readers go on during a write. Switching takes a lock for which SQLite does not
        wait (processes creating one store together see 'database is locked' at once), so retry."""
        import time

        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        self.conn.close()

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def change(self, command: str, summary: str) -> Iterator[int]:
        """One write transaction, logged as one change; yields the change id. The first write to a
        store not created yet creates it."""
        if not self.on_disk:
            self._create_on_disk()
        with self.log.change(command, summary) as change_id:
            yield change_id

    def bulk(self):
        """Within a change: insert many rows and index their text once, at the end
        (`ChangeLog.bulk`)."""
        return self.log.bulk()

    def insert(self, table: str, row: dict, *, unless_present: bool = False) -> bool:
        """Insert a row as part of the current change; with `unless_present`, a row whose key is
        taken is left alone. Returns whether it was new."""
        return self.log.insert(table, row, unless_present=unless_present)

    def insert_many(self, table: str, columns: tuple[str, ...], rows, *, unless_present: bool = False) -> None:
        """Insert many new rows (tuples in the order of `columns`) as part of the current change."""
        self.log.insert_many(table, columns, rows, unless_present=unless_present)

    def update(self, table: str, key: dict, values: dict) -> None:
        self.log.update(table, key, values)

    def delete(self, table: str, key: dict) -> None:
        self.log.delete(table, key)

    # -- reading -------------------------------------------------------------------------------

    def event(self, event_id: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM events WHERE id = ?", (event_id,))

    def targets(self, event_id: str) -> list[dict]:
        return decoded_rows(
            self.conn,
            "SELECT * FROM targets WHERE event_id = ? ORDER BY position", (event_id,)
        )

    def response(self, response_id: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM responses WHERE id = ?", (response_id,))

    def responses_to(self, event_id: str) -> list[dict]:
        return decoded_rows(
            self.conn,
            "SELECT * FROM responses WHERE event_id = ? ORDER BY date_start, id", (event_id,)
        )

    def events_in_response_to(self, event_id: str) -> list[dict]:
        return decoded_rows(
            self.conn,
            "SELECT * FROM events WHERE in_response_to = ? ORDER BY date_start, id", (event_id,)
        )

    def entity(self, entity_id: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM entities WHERE id = ?", (entity_id,))

    def entity_names(self, entity_id: str) -> list[dict]:
        return decoded_rows(
            self.conn,
            "SELECT name, key FROM entity_names WHERE entity_id = ? ORDER BY rowid", (entity_id,)
        )

    def entity_ids_for_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """Map each entity id having a name under one of `keys` to its kind."""
        keys = list(keys)
        if not keys:
            return {}
        marks = ", ".join("?" for _ in keys)
        rows = self.conn.execute(
            f"SELECT DISTINCT e.id, e.kind FROM entity_names n JOIN entities e ON e.id = n.entity_id "
            f"WHERE n.key IN ({marks}) ORDER BY e.rowid",
            keys,
        ).fetchall()
        return dict(rows)

    def entity_holders(self, keys: list[str]) -> list[tuple[str, str, str | None, int]]:
        """(key, entity id, kind, entity rowid) of every name under one of `keys`, in one query
        (the keys passed as one JSON array), oldest entity first."""
        return self.conn.execute(
            "SELECT DISTINCT n.key, e.id, e.kind, e.rowid FROM entity_names n "
            "JOIN entities e ON e.id = n.entity_id WHERE n.key IN (SELECT value FROM json_each(?)) "
            "ORDER BY e.rowid",
            (json.dumps(keys),),
        ).fetchall()

    def entity_targets(self, entity_id: str) -> list[dict]:
        """The targets naming an entity, with their event's date, authority and action."""
        return decoded_rows(
            self.conn,
            "SELECT t.event_id, t.name, t.aliases, t.kind, t.country, e.date, e.date_start, "
            "e.authority, e.jurisdiction, e.action, e.program FROM targets t "
            "JOIN events e ON e.id = t.event_id WHERE t.entity_id = ? ORDER BY e.date_start, e.id",
            (entity_id,),
        )

    def entity_has_targets(self, entity_id: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM targets WHERE entity_id = ? LIMIT 1", (entity_id,)
            ).fetchone()
            is not None
        )

    def ids_with_prefix(self, prefix: str, limit: int = 20) -> list[str]:
        """Record ids (events, responses, entities) starting with `prefix`, for id resolution."""
        tables = {"ev-": ("events",), "rs-": ("responses",), "en-": ("entities",)}.get(
            prefix[:3], ("events", "responses", "entities")
        )
        # A range scan on the primary key, rather than LIKE, so '%' and '_' in user text are inert.
        high = prefix + "\U0010ffff"
        found: list[str] = []
        for table in tables:
            found += [
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM {table} WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                    (prefix, high, limit),
                )
            ]
        return found

    def responses_without_event(self, change_id: int, limit: int = 1) -> list[tuple[str, str]]:
        """Responses added by a change whose event does not exist (checked once an import ends)."""
        return self.conn.execute(
            "SELECT r.id, r.event_id FROM responses r LEFT JOIN events e ON e.id = r.event_id "
            "WHERE r.change_id = ? AND e.id IS NULL LIMIT ?",
            (change_id, limit),
        ).fetchall()

    def dangling_event_links(self, change_id: int) -> list[tuple[str, str, str]]:
        """(record id, field, missing id) for links of a change's records to absent events."""
        return self.conn.execute(
            "SELECT e.id, 'in_response_to', e.in_response_to FROM events e "
            "WHERE e.change_id = ? AND e.in_response_to IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM events x WHERE x.id = e.in_response_to) "
            "UNION ALL SELECT r.id, 'counter_event_id', r.counter_event_id FROM responses r "
            "WHERE r.change_id = ? AND r.counter_event_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM events x WHERE x.id = r.counter_event_id) LIMIT 1",
            (change_id, change_id),
        ).fetchall()

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def iter_records(self, filters: "RecordFilter") -> Iterator[tuple[str, dict]]:
        """Events then responses matching `filters`, as ('event' | 'response', row), in date order."""
        if filters.wants("event"):
            where, params = filters.event_sql()
            cur = self.conn.execute(
                f"SELECT * FROM events e {where} ORDER BY e.date_start, e.id", params
            )
            columns = [d[0] for d in cur.description]
            for row in cur:
                yield "event", decode(dict(zip(columns, row)))
        if filters.wants("response"):
            where, params = filters.response_sql()
            cur = self.conn.execute(
                f"SELECT r.* FROM responses r JOIN events e ON e.id = r.event_id {where} "
                "ORDER BY r.date_start, r.id",
                params,
            )
            columns = [d[0] for d in cur.description]
            for row in cur:
                yield "response", decode(dict(zip(columns, row)))

    def targets_for_events(self, event_ids: list[str]) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in decoded_rows(
                self.conn,
                f"SELECT * FROM targets WHERE event_id IN ({marks}) ORDER BY event_id, position",
                chunk,
            ):
                found.setdefault(row["event_id"], []).append(row)
        return found


@dataclass
class RecordFilter:
    """Filters shared by export and search: each None means 'any'."""

    type: str | None = None
    jurisdiction: str | None = None
    authority: str | None = None
    program: str | None = None
    action: str | None = None
    stance: str | None = None
    since: str | None = None  # ISO day, inclusive
    until: str | None = None  # ISO day, inclusive

    def wants(self, record_type: str) -> bool:
        if self.type is not None and self.type != record_type:
            return False
        if record_type == "event" and self.stance is not None:
            return False
        return True

    def _event_clauses(self) -> tuple[list[str], list]:
        clauses, params = [], []
        if self.jurisdiction:
            clauses.append("e.jurisdiction = ?")
            params.append(self.jurisdiction)
        if self.authority:
            clauses.append("e.authority LIKE ? ESCAPE '\\'")
            params.append("%" + _like_escape(self.authority) + "%")
        if self.program:
            clauses.append("e.program LIKE ? ESCAPE '\\'")
            params.append(_like_escape(self.program))
        if self.action:
            clauses.append("e.action = ?")
            params.append(self.action)
        return clauses, params

    @staticmethod
    def _dates(alias: str, since: str | None, until: str | None) -> tuple[list[str], list]:
        clauses, params = [], []
        if since:
            clauses.append(f"{alias}.date_end >= ?")
            params.append(since)
        if until:
            clauses.append(f"{alias}.date_start <= ?")
            params.append(until)
        return clauses, params

    def event_clause(self) -> tuple[str, list]:
        """The filter on events aliased `e`, without WHERE ('' when there is none)."""
        clauses, params = self._event_clauses()
        more, more_params = self._dates("e", self.since, self.until)
        return " AND ".join(clauses + more), params + more_params

    def response_clause(self) -> tuple[str, list]:
        """The filter on responses aliased `r` joined to their events aliased `e`."""
        clauses, params = self._event_clauses()
        if self.stance:
            clauses.append("r.stance = ?")
            params.append(self.stance)
        more, more_params = self._dates("r", self.since, self.until)
        return " AND ".join(clauses + more), params + more_params

    def event_sql(self) -> tuple[str, list]:
        clause, params = self.event_clause()
        return ("WHERE " + clause) if clause else "", params

    def response_sql(self) -> tuple[str, list]:
        clause, params = self.response_clause()
        return ("WHERE " + clause) if clause else "", params

    def narrows_records(self) -> bool:
        """True when a filter other than --type applies (entities then do not show as hits)."""
        return any(
            (self.jurisdiction, self.authority, self.program, self.action, self.stance,
             self.since, self.until)
        )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_id(store: Store, text: str, table: str | None = None) -> str:
    """The full id a user's id or unambiguous prefix names; UnknownIdError otherwise."""
    text = text.strip()
    if not text:
        raise UnknownIdError("an empty id names no record")
    candidates = store.ids_with_prefix(text)
    if table is not None:
        prefix = {"events": "ev-", "responses": "rs-", "entities": "en-"}[table]
        candidates = [c for c in candidates if c.startswith(prefix)]
    if text in candidates:
        return text
    if len(candidates) == 1:
        return candidates[0]
    kind = {"events": "event", "responses": "response", "entities": "entity"}.get(table, "record")
    if not candidates:
        raise UnknownIdError(f"no {kind} has the id {text!r}")
    shown = ", ".join(candidates[:10]) + (", …" if len(candidates) > 10 else "")
    raise UnknownIdError(f"the id {text!r} is ambiguous: it could be {shown}", hint="type more of it")

"""The store: one SQLite file, and the only module of sanctrack that speaks SQL.

Reads run on a stdlib `sqlite3` connection, so that a lookup pays for nothing else; `sqlite_utils`
is imported only when a store is created or migrated, where it owns the full-text set-up.

Every write is one transaction begun with `BEGIN IMMEDIATE` (parallel writers then wait on the busy
timeout instead of failing on a read-to-write upgrade), and every write is one *change*: a row of
`changes`, with the rows it inserted marked by their `change_id` column and the rows it updated or
deleted kept, old values as JSON, in `change_rows`. `undo` applies the inverse as a new change.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import StoreError, UnknownIdError
from ..rules import ACTIONS
from .diff import DiffQueries
from .lists import ListQueries
from .search import SearchQueries
from .timeline import TimelineQueries

# 'SNCT': marks the file as sanctrack's so another program's database is never written to.
APPLICATION_ID = 0x534E4354
SCHEMA_VERSION = 5
BUSY_TIMEOUT_SECONDS = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"

# Tables whose rows carry `change_id`, the change that inserted them; undo deletes those rows.
RECORD_TABLES = ("events", "targets", "responses", "entities", "entity_names", "snapshots", "listings")
# Triggers that mark the entities whose sanction periods a write may change (schema 5). `bulk()`
# drops the two fired by every inserted row and marks the entities of its new targets at once.
STALE_ON_INSERT = ("stale_periods_on_event_insert", "stale_periods_on_target_insert")
PRIMARY_KEYS = {
    "snapshots": ("id",),
    "listings": ("snapshot_id", "list_id"),
    "events": ("id",),
    "targets": ("event_id", "position"),
    "responses": ("id",),
    "entities": ("id",),
    "entity_names": ("entity_id", "key", "name"),
}
# Columns holding JSON lists, decoded when rows are read.
JSON_COLUMNS = {
    "sources", "tags", "aliases", "programs", "countries", "birth_dates", "identifiers",
    "addresses", "raw",
}  # fmt: skip

SCHEMA_V1 = """
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    undoes INTEGER REFERENCES changes(id),
    undone_by INTEGER REFERENCES changes(id)
);
CREATE TABLE change_rows (
    change_id INTEGER NOT NULL REFERENCES changes(id),
    seq INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key TEXT NOT NULL,
    old TEXT,
    new TEXT,
    PRIMARY KEY (change_id, seq)
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    authority TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    action TEXT NOT NULL,
    program TEXT,
    legal_basis TEXT,
    reason TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    in_response_to TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX events_date ON events (date_start);
CREATE INDEX events_jurisdiction ON events (jurisdiction, date_start);
CREATE INDEX events_in_response_to ON events (in_response_to) WHERE in_response_to IS NOT NULL;
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT,
    country TEXT,
    change_id INTEGER NOT NULL
);
CREATE TABLE entity_names (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    change_id INTEGER NOT NULL,
    PRIMARY KEY (entity_id, key, name)
);
CREATE INDEX entity_names_key ON entity_names (key);
CREATE TABLE targets (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    country TEXT,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX targets_entity ON targets (entity_id);
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    actor TEXT NOT NULL,
    speaker TEXT,
    country TEXT,
    kind TEXT NOT NULL,
    stance TEXT,
    quote TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    counter_event_id TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX responses_event ON responses (event_id, date_start);
CREATE INDEX responses_counter_event ON responses (counter_event_id)
    WHERE counter_event_id IS NOT NULL;
"""

# Full-text indexes kept in step by triggers (sqlite-utils' `enable_fts(create_triggers=True)`), so
# Datasette and sqlite-utils find them as `<table>_fts`. remove_diacritics 2 folds accents.
FTS_COLUMNS = {
    "events": ["authority", "program", "legal_basis", "reason", "summary", "tags"],
    "targets": ["name", "aliases"],
    "responses": ["actor", "speaker", "quote", "summary", "tags"],
    "listings": ["name", "aliases", "programs"],
}
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.executescript(SCHEMA_V1)  # inside the migration's transaction, unlike conn.executescript
    for table in ("events", "targets", "responses"):
        db[table].enable_fts(FTS_COLUMNS[table], create_triggers=True, tokenize=FTS_TOKENIZE)


SCHEMA_V2 = """
CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    format TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    listings INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    change_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX snapshots_content ON snapshots (source, file_hash);
CREATE INDEX snapshots_source ON snapshots (source, published);
CREATE TABLE listings (
    snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
    list_id TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    programs TEXT NOT NULL DEFAULT '[]',
    countries TEXT NOT NULL DEFAULT '[]',
    listed_on TEXT,
    birth_dates TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    addresses TEXT NOT NULL DEFAULT '[]',
    remarks TEXT,
    raw TEXT NOT NULL DEFAULT '{}',
    digest TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, list_id)
);
CREATE INDEX listings_entity ON listings (entity_id);
CREATE INDEX listings_list_id ON listings (list_id);
CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END;
CREATE TRIGGER listings_immutable BEFORE UPDATE OF snapshot_id, list_id, name, aliases, kind,
    programs, countries, listed_on, birth_dates, identifiers, addresses, remarks, raw, digest
    ON listings
BEGIN SELECT RAISE(ABORT, 'a listing of a snapshot is never rewritten'); END;
"""


def _migrate_to_v2(conn: sqlite3.Connection) -> None:
    """Official lists: immutable snapshots and their listings (only entity links may change)."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.executescript(SCHEMA_V2)
    db["listings"].enable_fts(
        FTS_COLUMNS["listings"], create_triggers=True, tokenize=FTS_TOKENIZE
    )


SCHEMA_V3 = """
DROP INDEX targets_entity;
CREATE INDEX targets_entity ON targets (entity_id, event_id, name);
"""


def _migrate_to_v3(conn: sqlite3.Connection) -> None:
    """A covering index of targets by entity (search, check, timeline read an entity's events
    through it). A covering index of events by id as well halved check's lookup of 1,000 events
    (12 ms against 23-37 ms) but cost the 200,000-event import about a tenth of its time, which
    its 2x budget could not spare: left out."""
    import sqlite_utils

    sqlite_utils.Database(conn).executescript(SCHEMA_V3)


SCHEMA_V4 = """
CREATE VIEW IF NOT EXISTS events_with_targets AS
SELECT
    e.rowid AS event_rowid,
    e.id, e.date, e.date_start, e.date_end, e.authority, e.jurisdiction, e.action, e.program,
    e.legal_basis,
    (SELECT group_concat(label, ' | ') FROM (
        SELECT t.name || CASE WHEN t.aliases <> '[]' THEN ' (aka ' || (
            SELECT group_concat(a.value, '; ') FROM json_each(t.aliases) AS a
        ) || ')' ELSE '' END AS label
        FROM targets AS t WHERE t.event_id = e.id ORDER BY t.position
    )) AS targets,
    (SELECT group_concat(entity_id, ' ') FROM (
        SELECT t.entity_id FROM targets AS t WHERE t.event_id = e.id ORDER BY t.position
    )) AS entity_ids,
    (SELECT count(*) FROM responses AS r WHERE r.event_id = e.id) AS responses,
    e.reason, e.summary, e.sources, e.tags, e.in_response_to
FROM events AS e;

CREATE VIEW IF NOT EXISTS responses_with_lag AS
SELECT
    r.rowid AS response_rowid,
    r.id, r.event_id, e.date AS event_date, r.date,
    CASE
        WHEN r.date_start < e.date_start AND r.date_end >= e.date_start THEN 0
        ELSE CAST(julianday(r.date_start) - julianday(e.date_start) AS INTEGER)
    END AS lag_days,
    r.date_start, e.jurisdiction AS event_jurisdiction, e.authority AS event_authority,
    r.actor, r.speaker, r.country, r.kind, r.stance, r.quote, r.summary, r.sources, r.tags,
    r.counter_event_id
FROM responses AS r
JOIN events AS e ON e.id = r.event_id;
"""


def _migrate_to_v4(conn: sqlite3.Connection) -> None:
    """Readable views for Datasette and sqlite-utils: events with their targets, responses with
    their lag (the same rule as core.lag_days for partial dates)."""
    import sqlite_utils

    sqlite_utils.Database(conn).executescript(SCHEMA_V4)


# What `diff` reads of a jurisdiction on a day, in the order it wants (see store/diff.py).
SANCTION_PERIODS_INDEX = (
    "CREATE INDEX sanction_periods_in_force ON sanction_periods "
    "(jurisdiction, entity_id, since_start, event_id, until_start, since)"
)
SCHEMA_V5 = f"""
CREATE TABLE sanction_periods (
    entity_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    authority TEXT NOT NULL,
    program TEXT NOT NULL,
    since TEXT NOT NULL,
    since_start TEXT NOT NULL,
    event_id TEXT NOT NULL,
    until TEXT,
    until_start TEXT,
    ended_by TEXT,
    PRIMARY KEY (entity_id, jurisdiction, authority, program, since_start, event_id)
) WITHOUT ROWID;
{SANCTION_PERIODS_INDEX};
CREATE TABLE sanction_periods_stale (entity_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER stale_periods_on_event_insert AFTER INSERT ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets WHERE event_id = NEW.id;
END;
CREATE TRIGGER stale_periods_on_event_update
    AFTER UPDATE OF id, date, date_start, authority, jurisdiction, action, program ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale
        SELECT entity_id FROM targets WHERE event_id IN (OLD.id, NEW.id);
END;
CREATE TRIGGER stale_periods_on_event_delete AFTER DELETE ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets WHERE event_id = OLD.id;
END;
CREATE TRIGGER stale_periods_on_target_insert AFTER INSERT ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (NEW.entity_id);
END;
CREATE TRIGGER stale_periods_on_target_update AFTER UPDATE OF event_id, entity_id ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (OLD.entity_id);
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (NEW.entity_id);
END;
CREATE TRIGGER stale_periods_on_target_delete AFTER DELETE ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (OLD.entity_id);
END;
"""


def _migrate_to_v5(conn: sqlite3.Connection) -> None:
    """Every period of every sanction (sanctions.py), kept in step with the events on each write:
    a jurisdiction's sanctions on a day become one indexed read instead of a join of all its events
    with their targets (US in the 200,000-event store: 114,162 rows in force read in 0.25 s, where
    its 130,000 event x target rows took 1.3-1.5 s to read and 0.8 s more to walk in Python).

    Derived data, never logged or undone itself: triggers on events and targets mark the entities
    a write touches (`sanction_periods_stale`), and each change recomputes their periods before it
    commits (`refresh_sanction_periods`)."""
    import sqlite_utils

    sqlite_utils.Database(conn).executescript(SCHEMA_V5)
    refresh_sanction_periods(conn, everything=True)


_SANCTION_ACTIONS_SQL = f"({', '.join(repr(action) for action in ACTIONS)})"
# A sanction's key (sanctions.py) over targets `t` and events `e`.
_SANCTION_KEY_SQL = "t.entity_id, e.jurisdiction, e.authority, coalesce(e.program, '')"


def sanction_event_rows(
    conn: sqlite3.Connection, where: str, params: Iterable[Any] = (), named: bool = True
) -> sqlite3.Cursor:
    """The designations, renewals, amendments and delistings of the targets matching `where` (on
    `t`, the targets, and `e`, the events), one row per target, as tuples in
    `sanctions.EVENT_ROW`'s order, sorted as `sanctions.periods` reads them: by sanction key, then
    date_start and id. `date` is None where it equals date_start (as most do: one string less per
    row); `named_as` is None unless `named`. A cursor: the whole store can stream through."""
    return conn.execute(
        "SELECT e.date_start, e.id, t.entity_id, NULLIF(e.date, e.date_start), e.authority, "
        f"e.program, e.action, e.jurisdiction, {'t.name' if named else 'NULL'} "
        "FROM targets t JOIN events e ON e.id = t.event_id "
        f"WHERE e.action IN {_SANCTION_ACTIONS_SQL} AND ({where}) "
        f"ORDER BY {_SANCTION_KEY_SQL}, e.date_start, e.id",
        tuple(params),
    )


def refresh_sanction_periods(conn: sqlite3.Connection, everything: bool = False) -> None:
    """Recompute the sanction periods of the entities marked stale (of every entity with
    `everything`, or when most are marked). Runs inside the caller's transaction."""
    if not everything:
        stale = conn.execute("SELECT count(*) FROM sanction_periods_stale").fetchone()[0]
        if not stale:
            return
        # Past a quarter of the entities (an import), one pass over every event costs less than
        # the lookups of theirs. (Not for a few: the tests of small stores take the usual path.)
        everything = stale > 1000 and stale * 4 > conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    if everything:
        cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
        # SQLite's sorter holds as much as the page cache before it spills to a temporary file:
        # grouping every event of a 200,000-event import took 50 MiB more at the peak of the
        # import with the 64 MiB cache, 4 s and 35 MiB with an 8 MiB one.
        conn.execute("PRAGMA cache_size = -8192")
        # And it may sort with a helper thread on a second core (0.5 s of 5.5 s).
        threads = conn.execute("PRAGMA threads").fetchone()[0]
        conn.execute("PRAGMA threads = 2")
        try:
            _refresh_every_sanction_period(conn)
        finally:
            conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            conn.execute(f"PRAGMA threads = {int(threads)}")
        return
    conn.execute(
        "DELETE FROM sanction_periods WHERE entity_id IN (SELECT entity_id FROM sanction_periods_stale)"
    )
    _compute_sanction_periods(conn, "t.entity_id IN (SELECT entity_id FROM sanction_periods_stale)")
    conn.execute("DELETE FROM sanction_periods_stale")


def _refresh_every_sanction_period(conn: sqlite3.Connection) -> None:
    # The rows come in the table's key order; the index is built once, from them, at the end.
    conn.execute("DROP INDEX sanction_periods_in_force")
    conn.execute("DELETE FROM sanction_periods")
    # Every event in the order of the table (one pass) rather than a lookup per target.
    _compute_sanction_periods(conn, "1", "events e CROSS JOIN targets t ON t.event_id = e.id")
    conn.execute(SANCTION_PERIODS_INDEX)
    conn.execute("DELETE FROM sanction_periods_stale")


def _compute_sanction_periods(
    conn: sqlite3.Connection, scope: str, joined: str = "targets t JOIN events e ON e.id = t.event_id"
) -> None:
    """Insert the periods of the targets matching `scope` (on `t` and `e`), read through `joined`."""
    from ..rules import ENDING, periods

    # A sanction never delisted (nine keys in ten) has one period, from its first imposing event:
    # sanctions.py's rule reduced to a GROUP BY, which SQLite runs over a whole store in about half
    # the time the rows would take through Python (2.8 s against 5.2 s for 200,000 events). The
    # minimum of date_start, id and date joined is the first event, by date then id; the tests
    # hold the result equal to `periods`.
    conn.execute(
        "INSERT INTO sanction_periods (entity_id, jurisdiction, authority, program, since, "
        "since_start, event_id) SELECT entity_id, jurisdiction, authority, program, "
        "substr(first, instr(first, char(31)) + 1), substr(first, 1, 10), "
        "substr(first, 11, instr(first, char(31)) - 11) FROM ("
        "SELECT t.entity_id, e.jurisdiction, e.authority, "
        "coalesce(e.program, '') AS program, min(e.date_start || e.id || char(31) || e.date) AS first "
        f"FROM {joined} WHERE e.action IN {_SANCTION_ACTIONS_SQL} AND {scope} "
        f"GROUP BY {_SANCTION_KEY_SQL} HAVING sum(e.action = '{ENDING}') = 0)"
    )
    # The keys with a delisting, through `periods`, streamed (never the whole store in memory),
    # read through the targets of their entities.
    conn.execute(
        "CREATE TEMP TABLE delisted_keys AS SELECT DISTINCT t.entity_id, e.jurisdiction, "
        f"e.authority, coalesce(e.program, '') AS program FROM {joined} "
        f"WHERE e.action = '{ENDING}' AND {scope}"
    )
    try:
        rows = sanction_event_rows(
            conn,
            "t.entity_id IN (SELECT entity_id FROM temp.delisted_keys) "
            f"AND ({_SANCTION_KEY_SQL}) IN (SELECT * FROM temp.delisted_keys)",
            named=False,
        )
        conn.executemany(
            "INSERT INTO sanction_periods (entity_id, jurisdiction, authority, program, since, "
            "since_start, event_id, until, until_start, ended_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*period[:7], *period[8:]) for period in periods(rows)),
        )
    finally:
        conn.execute("DROP TABLE temp.delisted_keys")


# Forward migrations, in order: MIGRATIONS[n] takes a store at user_version n to n + 1.
MIGRATIONS = [_migrate_to_v1, _migrate_to_v2, _migrate_to_v3, _migrate_to_v4, _migrate_to_v5]
assert len(MIGRATIONS) == SCHEMA_VERSION


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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _user() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (e.g. a container without passwd)
        return None


@dataclass
class Change:
    id: int
    at: str
    user: str | None
    command: str
    summary: str
    undoes: int | None
    undone_by: int | None


class Store(ListQueries, SearchQueries, TimelineQueries, DiffQueries):
    """An open sanctrack store. Use `Store.open(path)`.

    Feature queries live in mixins beside this module (store/timeline.py, …), so each feature's
    SQL stays in one place and the store remains the only code that speaks SQL.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.on_disk = True
        self._change_id: int | None = None
        self._seq = 0
        self._bulk = False

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
            conn.executescript(SCHEMA_V1 + SCHEMA_V2 + SCHEMA_V3 + SCHEMA_V4 + SCHEMA_V5)
            store = cls(conn, path)
            store.on_disk = False
            return store
        store = cls(_connect(path), path)
        store._check_identity()
        if store._version() < SCHEMA_VERSION:
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
        self.conn = conn
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
        if app_id != APPLICATION_ID:
            self.conn.close()
            raise StoreError(
                f"{self.path} is an SQLite database of another program, not a sanctrack store",
                hint="point --db or $SANCTRACK_DB at a sanctrack store, or at a new file",
            )
        if version > SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(
                f"the store {self.path} was written by a newer sanctrack "
                f"(schema {version}; this one knows up to {SCHEMA_VERSION})",
                hint="upgrade sanctrack (pip install -U sanctrack) to use this store",
            )

    def _upgrade(self) -> None:
        """Bring the store to SCHEMA_VERSION, each migration in its own transaction."""
        if self._version() >= SCHEMA_VERSION:
            return
        self._enable_wal()
        while True:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-read under the lock: a parallel process may have migrated meanwhile.
                version = self._version()
                if version >= SCHEMA_VERSION:
                    self.conn.execute("COMMIT")
                    return
                MIGRATIONS[version](self.conn)
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
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
        """One write transaction, logged as one change; yields the change id."""
        if not self.on_disk:
            self._create_on_disk()
        if self._change_id is not None:
            raise RuntimeError("changes do not nest")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cur = self.conn.execute(
                "INSERT INTO changes (at, user, command, summary) VALUES (?, ?, ?, ?)",
                (_now(), _user(), command, summary),
            )
            self._change_id = cur.lastrowid
            self._seq = 0
            yield self._change_id
            refresh_sanction_periods(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._change_id = None

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Within a change: insert many rows and index their text once, at the end.

        FTS5 fed row by row through triggers costs ten times one INSERT … SELECT of the same rows
        (measured: 3.4 s against 0.3 s for 57,000 rows), so the triggers are dropped for the
        duration and put back before the change commits; readers never see them missing. The
        triggers marking stale sanction periods on every insert go too: the entities of the new
        targets are marked at once at the end (a target is inserted with its event, so its new
        targets name every entity new events touch). Updates and deletes keep their triggers.
        """
        assert self._change_id is not None, "bulk() runs inside a change"
        dropped = [f"{table}_{suffix}" for table in FTS_COLUMNS for suffix in ("ai", "ad", "au")]
        dropped += STALE_ON_INSERT
        triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            "(SELECT value FROM json_each(?))",
            (json.dumps(dropped),),
        ).fetchall()
        for name, _ in triggers:
            self.conn.execute(f"DROP TRIGGER [{name}]")
        self._bulk = True
        try:
            yield
            for table, columns in FTS_COLUMNS.items():
                listed = ", ".join(f"[{c}]" for c in columns)
                self.conn.execute(
                    f"INSERT INTO [{table}_fts] (rowid, {listed}) "
                    f"SELECT rowid, {listed} FROM [{table}] WHERE change_id = ?",
                    (self._change_id,),
                )
            self.conn.execute(
                "INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets "
                "WHERE change_id = ?",
                (self._change_id,),
            )
        finally:
            self._bulk = False
            for _, sql in triggers:
                self.conn.execute(sql)

    def set_change_summary(self, summary: str) -> None:
        self.conn.execute("UPDATE changes SET summary = ? WHERE id = ?", (summary, self._change_id))

    def _log(self, table: str, op: str, key: dict, old: dict | None, new: dict | None) -> None:
        self._seq += 1
        self.conn.execute(
            "INSERT INTO change_rows (change_id, seq, tbl, op, key, old, new) VALUES (?,?,?,?,?,?,?)",
            (
                self._change_id,
                self._seq,
                table,
                op,
                json.dumps(key, ensure_ascii=False),
                None if old is None else json.dumps(old, ensure_ascii=False),
                None if new is None else json.dumps(new, ensure_ascii=False),
            ),
        )

    def insert(self, table: str, row: dict, *, unless_present: bool = False) -> bool:
        """Insert a row marked with the current change (undo deletes it by that mark).

        With `unless_present`, a row whose key is taken is left alone; returns whether it was new.
        """
        row = dict(row, change_id=self._change_id)
        sql = _insert_sql(table, tuple(row), unless_present)
        return self.conn.execute(sql, _encode(row)).rowcount == 1

    def _where_key(self, table: str, key: dict) -> tuple[str, list]:
        columns = PRIMARY_KEYS[table]
        return " AND ".join(f"{c} = ?" for c in columns), [key[c] for c in columns]

    def _row_by_key(self, table: str, key: dict) -> dict | None:
        where, params = self._where_key(table, key)
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def update(self, table: str, key: dict, values: dict) -> None:
        """Update one row, logging its old values (unless this change inserted it)."""
        if self._bulk and set(values) & set(FTS_COLUMNS.get(table, ())):
            raise RuntimeError(f"bulk(): an update of indexed text in {table} would not be indexed")
        old = self._row_by_key(table, key)
        if old is None:
            raise KeyError((table, key))
        values = _encode_dict(values)
        if old["change_id"] != self._change_id:
            self._log(table, "update", key, old, dict(old, **values))
        where, params = self._where_key(table, key)
        sets = ", ".join(f"{c} = ?" for c in values)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", list(values.values()) + params)

    def delete(self, table: str, key: dict) -> None:
        """Delete one row, logging its old values (unless this change inserted it)."""
        if self._bulk and table in FTS_COLUMNS:
            raise RuntimeError(f"bulk(): a delete from {table} would stay in its text index")
        old = self._row_by_key(table, key)
        if old is None:
            return
        if old["change_id"] != self._change_id:
            self._log(table, "delete", key, old, None)
        where, params = self._where_key(table, key)
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)

    # -- change history ------------------------------------------------------------------------

    def last_undoable_change(self) -> Change | None:
        row = self.conn.execute(
            "SELECT id, at, user, command, summary, undoes, undone_by FROM changes "
            "WHERE undoes IS NULL AND undone_by IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return Change(*row) if row else None

    def changes(self, limit: int | None = None) -> list[Change]:
        rows = self.conn.execute(
            "SELECT id, at, user, command, summary, undoes, undone_by FROM changes "
            "ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [Change(*row) for row in rows]

    def change_rows(self, change_id: int) -> list[dict]:
        """What a change replaced or removed: table, operation, key, old and new values."""
        rows = self.conn.execute(
            "SELECT tbl, op, key, old, new FROM change_rows WHERE change_id = ? ORDER BY seq",
            (change_id,),
        ).fetchall()
        return [
            {"table": t, "op": op, "key": json.loads(k), "old": json.loads(o) if o else None,
             "new": json.loads(n) if n else None}
            for t, op, k, o, n in rows
        ]  # fmt: skip

    def revert(self, change: Change) -> None:
        """Inside the current change, apply the inverse of `change` and mark it undone."""
        # Rows the change inserted go first; rows it updated or deleted get their old values back,
        # latest first, so a row touched twice ends as it was before the change.
        for table in reversed(RECORD_TABLES):
            cur = self.conn.execute(f"SELECT * FROM {table} WHERE change_id = ?", (change.id,))
            columns = [d[0] for d in cur.description]
            for values in cur.fetchall():
                row = dict(zip(columns, values))
                key = {c: row[c] for c in PRIMARY_KEYS[table]}
                self._log(table, "delete", key, row, None)
                where, params = self._where_key(table, key)
                self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        logged = self.conn.execute(
            "SELECT tbl, op, key, old FROM change_rows WHERE change_id = ? ORDER BY seq DESC",
            (change.id,),
        ).fetchall()
        for table, op, key_json, old_json in logged:
            key, old = json.loads(key_json), json.loads(old_json)
            current = self._row_by_key(table, key)
            if current is not None:
                where, params = self._where_key(table, key)
                self.conn.execute(f"DELETE FROM {table} WHERE {where}", params)
            self._log(table, "update" if current else "insert", key, current, old)
            columns = ", ".join(old)
            marks = ", ".join("?" for _ in old)
            self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(old.values()))
        self.conn.execute(
            "UPDATE changes SET undone_by = ? WHERE id = ?", (self._change_id, change.id)
        )
        self.conn.execute("UPDATE changes SET undoes = ? WHERE id = ?", (change.id, self._change_id))

    # -- reading -------------------------------------------------------------------------------

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        cur = self.conn.execute(sql, tuple(params))
        columns = [d[0] for d in cur.description]
        return [_decode(dict(zip(columns, row))) for row in cur.fetchall()]

    def event(self, event_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM events WHERE id = ?", (event_id,))
        return rows[0] if rows else None

    def targets(self, event_id: str) -> list[dict]:
        return self._rows(
            "SELECT * FROM targets WHERE event_id = ? ORDER BY position", (event_id,)
        )

    def response(self, response_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM responses WHERE id = ?", (response_id,))
        return rows[0] if rows else None

    def responses_to(self, event_id: str) -> list[dict]:
        return self._rows(
            "SELECT * FROM responses WHERE event_id = ? ORDER BY date_start, id", (event_id,)
        )

    def events_in_response_to(self, event_id: str) -> list[dict]:
        return self._rows(
            "SELECT * FROM events WHERE in_response_to = ? ORDER BY date_start, id", (event_id,)
        )

    def entity(self, entity_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM entities WHERE id = ?", (entity_id,))
        return rows[0] if rows else None

    def entity_names(self, entity_id: str) -> list[dict]:
        return self._rows(
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

    def entity_targets(self, entity_id: str) -> list[dict]:
        """The targets naming an entity, with their event's date, authority and action."""
        return self._rows(
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
                yield "event", _decode(dict(zip(columns, row)))
        if filters.wants("response"):
            where, params = filters.response_sql()
            cur = self.conn.execute(
                f"SELECT r.* FROM responses r JOIN events e ON e.id = r.event_id {where} "
                "ORDER BY r.date_start, r.id",
                params,
            )
            columns = [d[0] for d in cur.description]
            for row in cur:
                yield "response", _decode(dict(zip(columns, row)))

    def targets_for_events(self, event_ids: list[str]) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self._rows(
                f"SELECT * FROM targets WHERE event_id IN ({marks}) ORDER BY event_id, position",
                chunk,
            ):
                found.setdefault(row["event_id"], []).append(row)
        return found


@dataclass
class RecordFilter:
    """Filters shared by export (and, later, search): each None means 'any'."""

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


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...], unless_present: bool) -> str:
    verb = "INSERT OR IGNORE" if unless_present else "INSERT"
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _json_encoder():
    """`json.dumps(value, ensure_ascii=False)`, the same text, from one C encoder made once: dumps
    with an argument builds a JSONEncoder and its C encoder at every call, 4.8 us against 1.1 us
    for a list of two strings, and an import of 200,000 events encodes half a million lists."""
    from json import encoder

    if encoder.c_make_encoder is None or encoder.c_encode_basestring is None:  # no C accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    # (markers, default, encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan)
    make = encoder.c_make_encoder(None, json.JSONEncoder().default, encoder.c_encode_basestring,
                                  None, ": ", ", ", False, False, True)  # fmt: skip
    return lambda value: "".join(make(value, 0))


_json_text = _json_encoder()


def _encode_value(value):
    if isinstance(value, list):
        return _json_text(value) if value else "[]"
    if isinstance(value, dict):
        return _json_text(value)
    return value


_SCALARS = frozenset((str, int, float, type(None), bytes))


def _encode(row: dict) -> list:
    # Most values are scalars: one set lookup of their type spares two isinstance calls each.
    return [v if v.__class__ in _SCALARS else _encode_value(v) for v in row.values()]


def _encode_dict(row: dict) -> dict:
    return {k: _encode_value(v) for k, v in row.items()}


def _decode(row: dict) -> dict:
    for column in JSON_COLUMNS & row.keys():
        if isinstance(row[column], str):
            row[column] = json.loads(row[column])
    return row


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

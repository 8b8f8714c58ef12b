"""The store: one SQLite file, and the only package of sanctrack that speaks SQL. `Store` opens
it (refusing foreign, damaged or too-new files), creates it on the first write, brings an old one
up to date, and holds what reads and writes it:

- writes, each part of one logged change (`change`, `bulk`, `insert`, `update`, `delete`; the
  history and undo are `Store.log`, store/changes.py);
- reads of whole records (events, responses, entities) and of records matching a `RecordFilter`;
- one query object per feature over the same connection: `lists`, `search`, `timeline`, `diff`,
  `stats`.

Reads run on a stdlib `sqlite3` connection, so that a lookup pays for nothing else.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import StoreError, UnknownIdError
from ..paths import file_kind
from . import schema
from .encoding import decode, decoded_rows, first_row
from .lists import SNAPSHOT_KEY_SQL, ListQueries
from .search import SearchQueries

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
    # While another process has the store open (its -wal file exists), a checkpoint may be
    # writing page 1 ahead of the pages it counts, and may end (removing -wal) while this reads:
    # the -wal file is looked for before and after the header is read.
    wal_before = os.path.exists(f"{path}-wal")
    # Opened without blocking (a FIFO would block `open` until a writer comes: forever) and
    # looked at before anything is read: only a regular file can be a store, and SQLite must not
    # be let near a device (`--db /dev/null` would create /dev/null-journal beside it).
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return False
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder, not a sanctrack store", hint="give --db a file path") from None
    except OSError as err:
        raise StoreError(f"cannot read the store {path}: {err.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(f"{path} is a folder, not a sanctrack store", hint="give --db a file path")
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(
                f"{path} is {file_kind(info.st_mode)}, not a sanctrack store",
                hint="point --db or $SANCTRACK_DB at a sanctrack store, or at a new file",
            )
        header = os.pread(fd, 100, 0)
        size = info.st_size
    finally:
        os.close(fd)
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
    in_use = wal_before or os.path.exists(f"{path}-wal")
    if header_size_valid and pages and not in_use and size < pages * page_size:
        raise StoreError(
            f"the store {path} is damaged: it is truncated ({size} of {pages * page_size} bytes)",
            hint="restore it from a backup; sanctrack will not write to it",
        )
    if in_use:
        _check_wal(path)
    return True


def _check_wal(path: Path) -> None:
    """Refuse a store whose -wal holds commits SQLite would silently drop (store/wal.py). It is
    read before any connection exists, so nothing has yet replayed the log or written over it."""
    import time

    from .wal import lost_commits

    checked: dict = {}  # how far the log chains: read again, only the frames after that
    loss = lost_commits(f"{path}-wal", checked)
    # A frame another process is writing at this moment reads as damaged: read again, for up to
    # 2 s (a writer descheduled between a frame's header and its page on a loaded machine), a
    # wait paid only when the log looks damaged.
    for pause in (0.05, 0.15, 0.3, 0.5, 1.0):
        if loss is None:
            return
        time.sleep(pause)
        loss = lost_commits(f"{path}-wal", checked)
    if loss is not None:
        raise StoreError(
            loss.describe(path),
            hint=f"restore the store and its -wal from a backup, keeping {path}-wal as it is until"
            " then; or go on without "
            + ("those commits" if loss.proven else "that change (a power loss while sanctrack wrote)")
            + ": sanctrack verify --drop-unreadable-wal (keeps a copy of the -wal)",
        )


def drop_unreadable_wal(path: Path) -> Path | None:
    """Go on without the commits of the store's -wal that cannot be read: keep a copy of the -wal
    beside the store, let SQLite read the log as far as it can and copy that into the store file,
    emptying the log. The path of the copy, or None when the -wal held nothing unreadable."""
    import shutil

    from ..dates import utc_timestamp
    from .wal import lost_commits

    if lost_commits(f"{path}-wal") is None:
        return None
    kept = Path(f"{path}-wal.unreadable-{utc_timestamp().replace(':', '')}")
    try:
        shutil.copyfile(f"{path}-wal", kept)
    except OSError as err:
        raise StoreError(f"cannot keep a copy of {path}-wal: {err.strerror}; nothing was changed") from None
    conn, read_only = _connect(path)
    try:
        if read_only:
            raise error_of(_readonly_error(), path)
        busy, _log, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as err:
        raise error_of(err, path) from None
    finally:
        conn.close()
    if busy:
        raise StoreError(
            f"the store {path} is in use by another process; its -wal was not emptied",
            hint="run the command again when the other processes have finished",
        )
    return kept


def _schema_objects() -> set[tuple[str, str]]:
    """(type, name) of every object the schema of this code creates (FTS5's shadow tables too)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.create(conn)
        return set(conn.execute("SELECT type, name FROM sqlite_master"))
    finally:
        conn.close()


# SQLite's primary result codes that name the cause of a failed read or write.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26


def _code(err: sqlite3.Error) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection to the store and whether it is read-only. A store in a folder or file that
    cannot be written to (a WAL store needs to create its -shm file beside it for reading too) is
    opened read-only, so that lookups still work; as `immutable` when no other process has it
    open (no -wal file), since SQLite could not read it at all otherwise; never while a -journal
    is beside it (a first import writing it, or killed while it did): `immutable` would read
    pages of that unfinished write that only a writer can roll back."""
    from urllib.parse import quote

    uri = "file:" + quote(str(Path(path).absolute()))
    attempts = ((str(path), False), (uri + "?mode=ro", True), (uri + "?mode=ro&immutable=1", True))
    for number, (target, read_only) in enumerate(attempts):
        if number == 2 and any(os.path.exists(f"{path}{log}") for log in ("-wal", "-journal")):
            break  # `immutable` only for a store no process has open (see above)
        try:
            conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, uri=read_only
            )
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the store {path}: {err}") from None
        try:
            # 32 MiB of page cache: large imports keep most index pages in memory. With 64 MiB the
            # 200,000-event import peaked at 252 MiB (limit 250), with 32 MiB at 218 MiB; its time
            # in one run each: 47.1 s and 49.8 s (not told apart from noise in one run).
            conn.execute("PRAGMA cache_size = -32768")
            conn.execute("PRAGMA schema_version").fetchone()  # the first read of the file
            return conn, read_only
        except sqlite3.Error as err:
            conn.close()
            if _code(err) not in (SQLITE_READONLY, SQLITE_CANTOPEN):
                raise StoreError(f"cannot open the store {path}: {err}") from None
            last = err
    raise StoreError(f"cannot open the store {path}: {last}") from None


def _no_room(path) -> bool:
    """Whether a failed write is explained by a file size limit (`ulimit -f`: the write fails with
    EFBIG) or by a disk with almost no free space left (ENOSPC)."""
    import resource
    import shutil

    if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
        return True
    try:
        folder = Path(path).absolute().parent if path is not None else Path.cwd()
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def _readonly_error() -> sqlite3.Error:
    err = sqlite3.OperationalError("attempt to write a readonly database")
    err.sqlite_errorcode = SQLITE_READONLY
    return err


def error_of(err: sqlite3.Error, path) -> StoreError:
    """The StoreError that says what really went wrong with the store: damage (the only case
    where restoring a backup is the advice), a full disk, a read-only file or folder, a lock held
    too long by another process, or another failure of the disk."""
    code = _code(err)
    if code == SQLITE_IOERR and _no_room(path):
        code = SQLITE_FULL  # SQLite says "disk I/O error" when a write fails for want of room
    path = "" if path is None else f" {path}"
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreError(
            f"the store{path} is damaged ({err})",
            hint="run 'sanctrack verify' to see the problems; restore the store from a backup",
        )
    if code == SQLITE_FULL:
        return StoreError(
            f"the disk holding the store{path} is full (or a file size limit was reached);"
            " nothing was written, the store is as it was",
            hint="free some space and run the command again",
        )
    if code == SQLITE_READONLY:
        return StoreError(
            f"the store{path} is read-only (the file or its folder cannot be written to);"
            " nothing was written",
            hint="lookups (show, search, check, timeline) still work; to record, make the file"
            " and its folder writable, or copy the store somewhere writable",
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreError(
            f"the store{path} is busy: another process has held it for more than"
            f" {BUSY_TIMEOUT_SECONDS:.0f} s; nothing was written",
            hint=f"run the command again when that process has finished (fuser{path or ' STORE'} shows"
            " which processes have it open)",
        )
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return StoreError(
            f"the store{path} could not be read or written ({err}); nothing was written",
            hint="check the disk and the permissions of the store and its folder",
        )
    return StoreError(f"the store{path} cannot be used: {err}")


# Query families imported on first use: attribute -> (module of this package, class).
_LAZY_FAMILIES = {
    "log": ("changes", "ChangeLog"),
    "timeline": ("timeline", "TimelineQueries"),
    "diff": ("diff", "DiffQueries"),
    "stats": ("stats", "StatsQueries"),
}


_SNAPSHOT_COUNT_WORDS = "snapshot {0} counts other listings than it holds ({1})"


class Store:
    """An open sanctrack store. Use `Store.open(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, on_disk: bool = True, read_only: bool = False):
        self.path = path
        self.on_disk = on_disk
        self.read_only = read_only
        self.changes_made: list[int] = []  # the ids of the changes committed through this Store
        self._attach(conn)

    def _attach(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lists = ListQueries(conn)
        self.search = SearchQueries(conn)
        self._queries: dict[str, object] = {}

    # The query families a lookup does not use are imported when first asked for: `check` and
    # `search` do not pay for the modules of `timeline`, `diff` and `stats`, nor for the change
    # log that only writes use (start-up, issue 14).
    def _family(self, name: str):
        found = self._queries.get(name)
        if found is None:
            import importlib

            module_name, class_name = _LAZY_FAMILIES[name]
            module = importlib.import_module(f".{module_name}", __package__)
            found = self._queries[name] = getattr(module, class_name)(self.conn)
        return found

    @property
    def log(self):
        return self._family("log")

    @property
    def timeline(self):
        return self._family("timeline")

    @property
    def diff(self):
        return self._family("diff")

    @property
    def stats(self):
        return self._family("stats")

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
        conn, read_only = _connect(path)
        store = cls(conn, path, read_only=read_only)
        store._check_identity()
        if store._version() < schema.SCHEMA_VERSION:
            store._upgrade()
        return store

    def _create_on_disk(self, write_ahead_log: bool = True) -> None:
        """Swap the empty in-memory view for the real file, created and set up now; without
        `write_ahead_log`, left in SQLite's rollback-journal mode for the caller to switch."""
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the store folder {self.path.parent}: {err.strerror}")
        _check_file(self.path)  # another process may have created it meanwhile
        conn, read_only = _connect(self.path)
        if read_only:
            conn.close()
            raise error_of(_readonly_error(), self.path)
        self.conn.close()
        self._attach(conn)
        self.on_disk = True
        self._check_identity()
        self._upgrade(write_ahead_log)

    def _version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_identity(self) -> None:
        # One read transaction, so the three reads see one state of the file: read one by one,
        # another process creating the store could commit its schema between them, and its tables
        # without its application id read as another program's database (a parallel first write
        # failed so, once in many runs of test_parallel_writers_wait_and_all_land under load).
        try:
            self.conn.execute("BEGIN")
            try:
                app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
                version = self._version()
                tables = self.conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
            finally:
                self.conn.execute("COMMIT")
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

    def _upgrade(self, write_ahead_log: bool = True) -> None:
        """Bring the store to schema.SCHEMA_VERSION, each migration in its own transaction."""
        if self._version() >= schema.SCHEMA_VERSION:
            return
        if write_ahead_log:
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
                from .changes import rollback

                rollback(self.conn)
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

    def _switch_to_wal(self) -> None:
        """`_enable_wal` for a store that works in either mode: when another process holds it
        for longer than the busy timeout, the store stays as it is and the next write tries again."""
        try:
            self._enable_wal()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.conn.close()

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def change(self, command: str, summary: str) -> Iterator[int]:
        """One write transaction, logged as one change; yields the change id. The first write to a
        store not created yet creates it. A store that failed its last `verify` is not written to;
        the pages a change touches are checked as SQLite loads them, an import's new rows before it
        commits (sanctrack/verify.py); the commit is then copied into the store file."""
        from ..verify import check_before_commit, damaged_while_writing, refuse_writes_after_failure

        refuse_writes_after_failure(self.path)
        if self.read_only:
            raise error_of(_readonly_error(), self.path)
        # An import that creates the store writes it in SQLite's rollback-journal mode and
        # switches it to WAL when it commits. In WAL mode each page went to the -wal, was read back
        # from there once evicted and was copied into the file at the checkpoint: one import of
        # the 200,000-event file took 34.6 s so, 30.1 s without (system time 5.6 s, 2.3 s). A new
        # store has no earlier state for a reader to go on reading; one that looks meanwhile
        # waits for the commit (busy timeout) or reads the empty schema.
        switch_to_wal = False
        if not self.on_disk:
            switch_to_wal = command == "import"
            self._create_on_disk(write_ahead_log=not switch_to_wal)
        elif self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            # A first import that failed, was killed, or could not switch (busy) left it so.
            self._switch_to_wal()
        # Every page the write reads or changes has its cells checked as SQLite loads it (cell
        # offsets and sizes within the page): a damaged page met on the way is SQLITE_CORRUPT and
        # the change is rolled back. The cost is that of the pages the write touches.
        self.conn.execute("PRAGMA cell_size_check = ON")
        try:
            with self.log.change(command, summary) as change_id:
                before = self.last_rowids() if command == "import" else None
                yield change_id
                if before is not None:
                    check_before_commit(self, before, change_id)
        except sqlite3.Error as err:
            if _code(err) == SQLITE_CORRUPT:
                raise damaged_while_writing(self.path, err) from err
            raise error_of(err, self.path) from err
        self.changes_made.append(change_id)  # committed: `undo CHANGE_ID` names it
        if switch_to_wal:
            self._switch_to_wal()
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the commit just made from the -wal into the store file and empty the -wal, so that
        a finished command's change never lives only in the log (where damage to one byte would
        drop it, store/wal.py). It never waits: while another process reads an older snapshot or
        writes, SQLite copies what it can and the rest stays safely in the log until later."""
        try:
            self.conn.execute("PRAGMA busy_timeout = 0")
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        except sqlite3.Error:
            pass  # the commit is whole in the log; only its copy into the file waits

    def bulk(self, defer_indexes: tuple[str, ...] = ()):
        """Within a change: insert many rows and index their text once, at the end; the
        secondary indexes `defer_indexes` of tables still empty are built once, at the end, too
        (`ChangeLog.bulk`)."""
        return self.log.bulk(defer_indexes)

    def insert(self, table: str, row: dict, *, unless_present: bool = False) -> bool:
        """Insert a row as part of the current change; with `unless_present`, a row whose key is
        taken is left alone. Returns whether it was new."""
        return self.log.insert(table, row, unless_present=unless_present)

    def insert_many(self, table: str, columns: tuple[str, ...], rows, *, unless_present: bool = False,
                    encoded: bool = False) -> int:  # fmt: skip
        """Insert many new rows (tuples in the order of `columns`) as part of the current change;
        returns how many were inserted (with `unless_present`, rows whose key is taken are not).
        `encoded`: the rows hold their values as stored already (lists as JSON text)."""
        return self.log.insert_many(table, columns, rows, unless_present=unless_present, encoded=encoded)

    def existing_ids(self, table: str, ids: list[str]) -> set[str]:
        """Those of `ids` that are the id of a row of `table` (events, responses, entities), in
        one query (the ids passed as one JSON array)."""
        assert table in ("events", "responses", "entities"), table
        return {row[0] for row in self.conn.execute(
            f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )}  # fmt: skip

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

    def responses_with_counter_event(self, event_id: str) -> list[str]:
        """The ids of responses whose counter-event is `event_id`."""
        return [row[0] for row in self.conn.execute(
            "SELECT id FROM responses WHERE counter_event_id = ? ORDER BY date_start, id", (event_id,)
        )]  # fmt: skip

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

    def events_dated(self, date: str, date_start: str) -> list[dict]:
        """The events dated exactly `date` (an ISO date of any precision; `date_start` its first
        day, for the index), for an import's response that names its event by date."""
        return decoded_rows(
            self.conn,
            "SELECT * FROM events WHERE date_start = ? AND date = ? ORDER BY id",
            (date_start, date),
        )

    def oddly_dated(self, change_id: int, today: str, limit: int = 3) -> tuple[int, list[tuple]]:
        """Records a change added that are dated after `today` (ISO day) or, for a response,
        before its event (rules.LAG_DAYS_SQL below 0): how many, and the first `limit` as (id,
        date, event id, event date, lag), the event fields None for an event."""
        from ..rules import LAG_DAYS_SQL

        lag = LAG_DAYS_SQL.format(event="e", later="r")
        sql = (
            "SELECT id, date, NULL, NULL, NULL FROM events WHERE change_id = ? AND date_start > ? "
            f"UNION ALL SELECT r.id, r.date, e.id, e.date, {lag} FROM responses r "
            f"JOIN events e ON e.id = r.event_id WHERE r.change_id = ? AND (r.date_start > ? OR {lag} < 0)"
        )
        params = (change_id, today, change_id, today)
        count = self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        first = self.conn.execute(f"{sql} LIMIT ?", (*params, limit)).fetchall() if count else []
        return count, first

    # -- verifying (sanctrack/verify.py) ----------------------------------------------------------

    def integrity_problems(self, full: bool, limit: int = 100) -> list[str]:
        """SQLite's own check of every page: `integrity_check` (indexes against their tables too)
        when `full`, else `quick_check` (pages and records only, linear in the file's size)."""
        pragma = "integrity_check" if full else "quick_check"
        rows = self.conn.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
        # SQLite may pack several problems into one row, after a "*** in database main ***".
        lines = [line for row in rows for line in str(row[0]).splitlines()]
        return [line for line in lines if line != "ok" and not line.startswith("*** ")][:limit]

    def full_text_problems(self) -> list[str]:
        """FTS5's integrity-check of each full-text index against its table. It is a write
        statement to SQLite (it changes nothing), so it runs in a transaction rolled back."""
        problems = []
        for table in schema.FTS_COLUMNS:
            fts = f"{table}_fts"
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)')
            except sqlite3.DatabaseError as err:
                if "readonly" in str(err) or "read-only" in str(err):
                    raise
                problems.append(f"the full-text index of {table} does not match the table ({err})")
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
        return problems

    # (what must exist, the query of the rows that break the link, the words of a problem)
    LINKS = (
        ("responses", "SELECT r.id, r.event_id FROM responses r WHERE NOT EXISTS "
         "(SELECT 1 FROM events e WHERE e.id = r.event_id)", "response {0} answers event {1}, which does not exist"),
        ("events", "SELECT e.id, e.in_response_to FROM events e WHERE e.in_response_to IS NOT NULL "
         "AND NOT EXISTS (SELECT 1 FROM events x WHERE x.id = e.in_response_to)",
         "event {0} is in response to event {1}, which does not exist"),
        ("responses", "SELECT r.id, r.counter_event_id FROM responses r WHERE r.counter_event_id IS NOT NULL "
         "AND NOT EXISTS (SELECT 1 FROM events x WHERE x.id = r.counter_event_id)",
         "response {0} has counter-event {1}, which does not exist"),
        ("targets", "SELECT t.event_id, t.position FROM targets t WHERE NOT EXISTS "
         "(SELECT 1 FROM events e WHERE e.id = t.event_id)", "a target ({1}) of event {0}, which does not exist"),
        ("targets", "SELECT t.event_id, t.entity_id FROM targets t WHERE NOT EXISTS "
         "(SELECT 1 FROM entities n WHERE n.id = t.entity_id)", "a target of event {0} names entity {1}, which does not exist"),
        ("events", "SELECT e.id, '' FROM events e WHERE NOT EXISTS "
         "(SELECT 1 FROM targets t WHERE t.event_id = e.id)", "event {0} has no target"),
        ("entity_names", "SELECT n.entity_id, n.name FROM entity_names n WHERE NOT EXISTS "
         "(SELECT 1 FROM entities e WHERE e.id = n.entity_id)", "the name {1!r} belongs to entity {0}, which does not exist"),
        ("listing_spans", "SELECT sp.source, sp.listing FROM listing_spans sp WHERE NOT EXISTS "
         "(SELECT 1 FROM listings l WHERE l.id = sp.listing)", "a span of {0} holds listing version {1}, which does not exist"),
        ("listing_spans", "SELECT sp.listing, sp.since FROM listing_spans sp WHERE NOT EXISTS "
         "(SELECT 1 FROM snapshots s WHERE s.rowid = CAST(substr(sp.since, instr(sp.since, '#') + 1) AS INTEGER) "
         "AND s.source = sp.source)", "listing version {0} is held since snapshot {1}, which does not exist"),
        ("listing_sources", "SELECT f.fingerprint, f.listing FROM listing_sources f WHERE NOT EXISTS "
         "(SELECT 1 FROM listings l WHERE l.id = f.listing)", "the fingerprint {0} is of listing version {1}, which does not exist"),
        ("listings", "SELECT l.list_id, l.entity_id FROM listings l WHERE NOT EXISTS "
         "(SELECT 1 FROM entities e WHERE e.id = l.entity_id)", "listing {0} names entity {1}, which does not exist"),
        # What each snapshot holds, counted for every snapshot at once: the spans begun minus
        # those ended at or before its key (one pass over the spans, not one a snapshot).
        ("snapshots", "WITH marks(source, key, d) AS (SELECT source, since, 1 FROM listing_spans "
         "UNION ALL SELECT source, until, -1 FROM listing_spans WHERE until IS NOT NULL "
         "UNION ALL SELECT s.source, " + SNAPSHOT_KEY_SQL + ", 0 FROM snapshots s), "
         "steps AS (SELECT source, key, sum(d) AS d FROM marks GROUP BY source, key), "
         "held AS (SELECT source, key, sum(d) OVER (PARTITION BY source ORDER BY key) AS n FROM steps) "
         "SELECT s.id, s.listings || ' ≠ ' || h.n FROM snapshots s JOIN held h ON h.source = s.source "
         "AND h.key = " + SNAPSHOT_KEY_SQL + " WHERE h.n != s.listings",
         _SNAPSHOT_COUNT_WORDS),
    )  # fmt: skip

    LINK_ALIASES = {"responses": "r", "events": "e", "targets": "t", "entity_names": "n",
                    "listing_spans": "sp", "listing_sources": "f", "listings": "l", "snapshots": "s"}  # fmt: skip

    def link_problems(self, limit: int = 100, after: dict[str, int | None] | None = None,
                      change_id: int | None = None) -> list[str]:
        """Links between records that lead nowhere (each query uses the tables' indexes); with
        `after` (`last_rowids()` taken when change `change_id` began), only those of the rows the
        change inserted: a range of rowids, so the cost is that of the new rows, not of the
        tables (a table without rowids is read for the change's rows)."""
        problems: list[str] = []
        for table, query, words in self.LINKS:
            params: tuple = (limit,)
            if after is not None and table == "snapshots":
                problems += self._new_snapshot_problems(after["snapshots"], query, limit)
                continue
            if after is not None:
                # Each query ends in the WHERE of the rows it checks, named by this alias.
                alias = self.LINK_ALIASES[table]
                assert f" FROM {table} {alias} " in query, (table, alias)
                if after.get(table) is None:
                    query, params = f"{query} AND {alias}.change_id = ?", (change_id, limit)
                elif after[table] == 0:
                    # The table was empty: every row is the change's. Without the rowid range
                    # SQLite checks through the covering indexes of the keys, not the rows (the
                    # first 200,000-event import: 1.26 s of checks before commit became 0.46 s).
                    pass
                else:
                    query, params = f"{query} AND {alias}.rowid > ?", (after[table], limit)
            for row in self.conn.execute(f"{query} LIMIT ?", params):
                problems.append(words.format(*row))
        return problems[:limit]

    def _new_snapshot_problems(self, after: int, counts_sql: str, limit: int) -> list[str]:
        """The snapshots a change added (rowids past `after`) against the spans that hold them.
        One placed last among its source's is counted through the index of spans (the versions
        it holds, not the history); one placed before others ended and restarted spans that
        later snapshots hold, so every snapshot of its source is counted (`counts_sql`)."""
        problems: list[str] = []
        added = self.conn.execute(
            f"SELECT s.id, s.source, s.listings, {SNAPSHOT_KEY_SQL}, EXISTS (SELECT 1 FROM snapshots x "
            "WHERE x.source = s.source AND (x.published > s.published OR x.published = s.published "
            "AND x.rowid > s.rowid)) FROM snapshots s WHERE s.rowid > ?",
            (after,),
        ).fetchall()  # fmt: skip
        for snapshot_id, source, listings, key, placed_before in added:
            if placed_before:
                rows = self.conn.execute(f"{counts_sql} AND s.source = ? LIMIT ?", (source, limit))
                problems += [_SNAPSHOT_COUNT_WORDS.format(*row) for row in rows]
                continue
            held = self.lists.held_count(source, key)
            if held != listings:
                problems.append(_SNAPSHOT_COUNT_WORDS.format(snapshot_id, f"{listings} ≠ {held}"))
        return problems

    def last_rowids(self) -> dict[str, int | None]:
        """The largest rowid of each table holding records (new rows are inserted after it);
        None for a table without rowids."""
        without = {row[1] for row in self.conn.execute("PRAGMA main.table_list") if row[4]}
        tables = sorted({table for table, _query, _words in self.LINKS})
        return {
            table: None if table in without
            else self.conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
            for table in tables
        }  # fmt: skip

    def schema_problems(self) -> list[str]:
        """The identity and version of the store, and every table, index, view and trigger of the
        schema in its place."""
        problems = []
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != schema.APPLICATION_ID:
            problems.append(f"application id {app_id:#x}, not sanctrack's ({schema.APPLICATION_ID:#x})")
        version = self._version()
        if version != schema.SCHEMA_VERSION:
            problems.append(f"schema version {version}, not {schema.SCHEMA_VERSION}")
        expected = _schema_objects()
        present = set(self.conn.execute("SELECT type, name FROM sqlite_master"))
        for kind, name in sorted(expected - present):
            if (kind, name) in expected and not name.startswith("sqlite_"):
                problems.append(f"the {kind} {name} is missing")
        return problems

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

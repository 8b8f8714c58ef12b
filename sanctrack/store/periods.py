"""The store's sanction periods (`sanction_periods`, see rules.py): the designations,
renewals, amendments and delistings read in the order `rules.periods` wants, and the periods of
the entities a write touched recomputed before its change commits. Derived data, never logged."""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable

from ..rules import periods
from ..vocabulary import ENDING_ACTION, SANCTION_ACTIONS

_SANCTION_ACTIONS_SQL = f"({', '.join(repr(action) for action in SANCTION_ACTIONS)})"
# A sanction's key (rules.py) over targets `t` and events `e`.
_SANCTION_KEY_SQL = "t.entity_id, e.jurisdiction, e.authority, coalesce(e.program, '')"


def sanction_event_rows(
    conn: sqlite3.Connection, where: str, params: Iterable[Any] = (), named: bool = True
) -> sqlite3.Cursor:
    """The designations, renewals, amendments and delistings of the targets matching `where` (on
    `t`, the targets, and `e`, the events), one row per target, as tuples in
    `rules.EVENT_ROW`'s order, sorted as `rules.periods` reads them: by sanction key, then
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
    [index] = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'sanction_periods_in_force'"
    ).fetchone()
    conn.execute("DROP INDEX sanction_periods_in_force")
    conn.execute("DELETE FROM sanction_periods")
    # Every event in the order of the table (one pass) rather than a lookup per target.
    _compute_sanction_periods(conn, "1", "events e CROSS JOIN targets t ON t.event_id = e.id")
    conn.execute(index)
    conn.execute("DELETE FROM sanction_periods_stale")


def _compute_sanction_periods(
    conn: sqlite3.Connection, scope: str, joined: str = "targets t JOIN events e ON e.id = t.event_id"
) -> None:
    """Insert the periods of the targets matching `scope` (on `t` and `e`), read through `joined`."""
    # A sanction never delisted (nine keys in ten) has one period, from its first imposing event:
    # rules.py's rule reduced to a GROUP BY, which SQLite runs over a whole store in about half
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
        f"GROUP BY {_SANCTION_KEY_SQL} HAVING sum(e.action = '{ENDING_ACTION}') = 0)"
    )
    # The keys with a delisting, through `periods`, streamed (never the whole store in memory),
    # read through the targets of their entities.
    conn.execute(
        "CREATE TEMP TABLE delisted_keys AS SELECT DISTINCT t.entity_id, e.jurisdiction, "
        f"e.authority, coalesce(e.program, '') AS program FROM {joined} "
        f"WHERE e.action = '{ENDING_ACTION}' AND {scope}"
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

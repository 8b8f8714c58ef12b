"""The store's sanction periods (`sanction_periods`, see rules.py): the designations,
renewals, amendments and delistings read in the order `rules.periods` wants, and the periods of
the entities a write touched recomputed before its change commits. Derived data, never logged.

From the periods, the store keeps each entity's *state* per jurisdiction (`sanction_states`): what
a jurisdiction view of `diff` shows of the entity (`since`, the act it counts from, the programs
in force), for each stretch of days over which that does not change. A view on a day reads one row
per entity under sanctions on that day, where the periods are one row per sanction (US in the
200,000-event store: 51,020 rows against 114,162). Recomputed with the periods, from them.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from itertools import groupby, islice
from operator import itemgetter
from typing import Any, Iterable, Iterator

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


# `until` of a state that holds on every day from `valid_from` on: after every ISO date.
OPEN = "~"
# A state row, in the order of the table's columns.
STATE = ("jurisdiction", "until", "entity_id", "valid_from", "since", "since_start", "event_id", "programs")
# States written at a time by the recomputation of every state (`refresh_states`).
_STATE_BATCH = 10_000
# What the states are computed from: periods in the order `states` wants. Of every entity, in the
# order of the covering index `sanction_periods_in_force` (no sort: sorting 270,000 periods by
# entity first took 0.95 s of CPU); of a few, through the table's key and a small sort.
_STATE_SOURCE_SQL = (
    "SELECT entity_id, jurisdiction, program, since, since_start, event_id, until_start "
    "FROM sanction_periods WHERE {scope} ORDER BY {order}, since_start, event_id"
)


@contextmanager
def _index_built_after(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """The index `name` dropped while the block rewrites its table, and built once at the end
    from the rows in place (an error leaves it to the caller's rollback, which restores it)."""
    [index] = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).fetchone()
    conn.execute(f"DROP INDEX [{name}]")
    yield
    conn.execute(index)


def states(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The states of the sanctions the periods `rows` state, as rows of STATE.

    `rows`: (entity_id, jurisdiction, program, since, since_start, event_id, until_start) per
    period, those of an entity in a jurisdiction together, sorted by since_start, event_id. A period is in force on day D
    when since_start <= D < until_start (no until_start: on every day from since_start), as
    `check` and `diff` read it. Between two consecutive days on which a period of the entity in the
    jurisdiction starts or ends, the same periods are in force: one state, from the first of those
    days (`valid_from`) up to, not including, the next (`until`, OPEN after the last). A state
    shows the earliest period in force (by since_start, then event id): its `since` and
    `since_start` and `event_id`; and the programs in force in that order, each once ("" is none),
    as a JSON array. Days on which nothing is in force have no state; two consecutive stretches
    with the same state are one."""
    encoded: dict[tuple, str] = {}  # programs -> JSON: combinations repeat (17,000 in 270,000)

    def programs_json(programs: Iterable[str]) -> str:
        key = tuple(dict.fromkeys(p for p in programs if p))
        found = encoded.get(key)
        if found is None:
            found = encoded[key] = json.dumps(list(key), ensure_ascii=False)
        return found

    for (entity_id, jurisdiction), group in groupby(rows, key=itemgetter(0, 1)):
        periods_ = list(group)
        if len(periods_) == 1:  # most sanctions: one period, one state
            _, _, program, since, since_start, event_id, until_start = periods_[0]
            if until_start is not None and until_start <= since_start:
                continue  # ended the day it began: in force on no day
            found = encoded.get(program)
            if found is None:
                found = encoded[program] = programs_json([program])
            yield (jurisdiction, until_start or OPEN, entity_id, since_start, since or since_start,
                   since_start, event_id, found)  # fmt: skip
            continue
        days = sorted({p[4] for p in periods_} | {p[6] for p in periods_ if p[6] is not None})
        held: list | None = None  # the state being extended: [valid_from, until, content]
        for n, day in enumerate(days):
            until = days[n + 1] if n + 1 < len(days) else OPEN
            in_force = [p for p in periods_ if p[4] <= day and (p[6] is None or p[6] > day)]
            if not in_force:
                if held is not None:
                    yield (jurisdiction, held[1], entity_id, held[0], *held[2])
                    held = None
                continue
            _, _, _, since, since_start, event_id, _ = in_force[0]
            content = (since or since_start, since_start, event_id, programs_json(p[2] for p in in_force))
            if held is not None and held[2] == content:
                held[1] = until
                continue
            if held is not None:
                yield (jurisdiction, held[1], entity_id, held[0], *held[2])
            held = [day, until, content]
        if held is not None:
            yield (jurisdiction, held[1], entity_id, held[0], *held[2])


def recomputed_states(conn: sqlite3.Connection, scope: str | None = None) -> Iterator[tuple]:
    """The states of the entities matching `scope` (on sanction_periods; None: every entity)
    computed from their periods: what `sanction_states` must hold for them."""
    if scope is None:
        sql = _STATE_SOURCE_SQL.format(scope="1", order="jurisdiction, entity_id")
    else:
        sql = _STATE_SOURCE_SQL.format(scope=scope, order="entity_id, jurisdiction")
    return states(conn.execute(sql))


def refresh_states(conn: sqlite3.Connection, everything: bool = True) -> None:
    """Recompute the states of the entities marked stale (every entity's with `everything`)
    from their periods, which are current."""
    insert = f"INSERT INTO sanction_states ({', '.join(STATE)}) VALUES ({', '.join('?' * len(STATE))})"
    if everything:
        with _index_built_after(conn, "sanction_states_entity"):
            _refresh_every_state(conn, insert)
        return
    stale = "entity_id IN (SELECT entity_id FROM sanction_periods_stale)"
    conn.execute(f"DELETE FROM sanction_states WHERE {stale}")
    conn.executemany(insert, list(recomputed_states(conn, stale)))


def _refresh_every_state(conn: sqlite3.Connection, insert: str) -> None:
    """Every state recomputed, into the table emptied (its entity index set aside)."""
    conn.execute("DELETE FROM sanction_states")
    # Inserted in the table's key order (1.43 s -> 0.94 s of CPU for the 266,811 states of the
    # 200,000-event store, against in the order they are computed). They come by jurisdiction
    # and entity, and an open state (`until` OPEN, after every date) is the last of its entity:
    # the open states (181,752 of those 266,811) come in the table's key order and are
    # appended as they come. The others are sorted by SQLite from a scratch table, then put
    # before the open ones of their jurisdiction: 2.87 -> 2.47 s of CPU for those states.
    # (Sorted in Python, the states were all held at once, 88 MiB at the peak of that import;
    # here a batch of them at a time.)
    columns = ", ".join(STATE)
    conn.execute(f"CREATE TEMP TABLE states_unsorted AS SELECT {columns} FROM sanction_states WHERE 0")
    try:
        computed = recomputed_states(conn)
        while batch := list(islice(computed, _STATE_BATCH)):
            conn.executemany(insert, [state for state in batch if state[1] == OPEN])
            conn.executemany(
                f"INSERT INTO states_unsorted VALUES ({', '.join('?' * len(STATE))})",
                [state for state in batch if state[1] != OPEN],
            )
        conn.execute(
            f"INSERT INTO sanction_states ({columns}) SELECT {columns} FROM states_unsorted "
            "ORDER BY jurisdiction, until, entity_id, valid_from"
        )
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.states_unsorted")


def sanction_state_problems(conn: sqlite3.Connection, limit: int = 100) -> list[str]:
    """`verify`: each entity and jurisdiction whose rows in `sanction_states` differ from the
    states recomputed from its periods (which `diff` would then misreport)."""
    stored = set(conn.execute(f"SELECT {', '.join(STATE)} FROM sanction_states"))
    expected = set(recomputed_states(conn))
    wrong = sorted({(row[2], row[0]) for row in stored ^ expected})
    return [
        f"the sanction states of {entity_id} in {jurisdiction} differ from its periods"
        for entity_id, jurisdiction in wrong[:limit]
    ]


def refresh_sanction_periods(
    conn: sqlite3.Connection, everything: bool = False, with_states: bool = True
) -> None:
    """Recompute the sanction periods of the entities marked stale (of every entity with
    `everything`, or when most are marked), and their states (not `with_states`: only for the
    migration that made the periods, before the states existed). Runs inside the caller's
    transaction."""
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
            if with_states:
                refresh_states(conn, everything=True)
        finally:
            conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            conn.execute(f"PRAGMA threads = {int(threads)}")
        conn.execute("DELETE FROM sanction_periods_stale")
        return
    conn.execute(
        "DELETE FROM sanction_periods WHERE entity_id IN (SELECT entity_id FROM sanction_periods_stale)"
    )
    _compute_sanction_periods(conn, "t.entity_id IN (SELECT entity_id FROM sanction_periods_stale)")
    if with_states:
        refresh_states(conn, everything=False)
    conn.execute("DELETE FROM sanction_periods_stale")


def _refresh_every_sanction_period(conn: sqlite3.Connection) -> None:
    # The rows come in the table's key order; the index is built once, from them, at the end.
    with _index_built_after(conn, "sanction_periods_in_force"):
        conn.execute("DELETE FROM sanction_periods")
        # Every event in the order of the table (one pass) rather than a lookup per target.
        _compute_sanction_periods(conn, "1", "events e CROSS JOIN targets t ON t.event_id = e.id")


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

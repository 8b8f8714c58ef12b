"""The rules every view shares: the lag from an event to a later record, and when a recorded
sanction is in force (`check`, `diff` and the store).

Lag: days from the first day of an event's period to the first day of the later record's period
(dates may be partial: 2025-01 runs from 2025-01-01 to 2025-01-31). A record whose period holds
the event's first day (a response dated only 2025-01 to an event of 2025-01-03) is on the day,
never before it. `lag_days` is the rule in Python, `LAG_DAYS_SQL` the same rule for the store's
views.

Sanctions in force:

Sanctions are kept per (entity, jurisdiction, authority, program). A designation, renewal or
amendment imposes one; a delisting ends it. A *period* runs from the event that imposed a sanction
not already in force to the delisting that ended it (or to now): a renewal during a period changes
nothing, a designation after a delisting starts a new period, a delisting with nothing in force
changes nothing. Events count in the order of their first day, then of their id.

The store keeps every period of every entity in its `sanction_periods` table, recomputed for the
entities each write touches, so a whole jurisdiction on a day is one indexed read (`diff`); `check`
computes the periods of the entities it looks at from their events. (For a key never delisted the
rule reduces to one period from its first imposing event, which the store computes in SQL: most
keys of a large store; its tests hold the table equal to `periods` of every event.)

Only the standard library: the store imports this module on every write.
"""

from __future__ import annotations

import datetime
from typing import Iterable, Iterator

from .vocabulary import ENDING_ACTION, IMPOSING_ACTIONS, SANCTION_ACTIONS


def lag_days(event_start: str, start: str, end: str) -> int:
    """Days from an event whose period starts on `event_start` to a record whose period runs from
    `start` to `end` (ISO days), as the module's docstring says."""
    days = (datetime.date.fromisoformat(start) - datetime.date.fromisoformat(event_start)).days
    if days < 0 and end >= event_start:
        return 0
    return days


# The same rule in SQL, over tables aliased `{event}` and `{later}` with date_start/date_end columns.
LAG_DAYS_SQL = (
    "CASE WHEN {later}.date_start < {event}.date_start AND {later}.date_end >= {event}.date_start"
    " THEN 0 ELSE CAST(julianday({later}.date_start) - julianday({event}.date_start) AS INTEGER) END"
)

# The store reads the sanction actions from here under these names (store/db.py); their home is
# vocabulary.py.
ACTIONS = SANCTION_ACTIONS
ENDING = ENDING_ACTION

# An event row as `periods` reads it: a tuple, in this order (a jurisdiction has a hundred
# thousand rows, and a tuple is read several times faster than a mapping). `program` is None or
# "" when the event names none; `named_as` is the name the event gave the entity (may be None).
EVENT_ROW = (
    "date_start", "id", "entity_id", "date", "authority", "program", "action", "jurisdiction",
    "named_as",
)  # fmt: skip

# A period, as `periods` returns it: a list with these fields, in this order. `program` is "" when
# none; `since`/`until` are the events' dates as recorded (possibly partial), `since_start` and
# `until_start` their first days (ISO); the `until…` fields are None while it runs.
PERIOD = (
    "entity_id", "jurisdiction", "authority", "program", "since", "since_start", "event_id",
    "named_as", "until", "until_start", "ended_by",
)  # fmt: skip
_UNTIL = PERIOD.index("until")


def periods(rows: Iterable[tuple]) -> Iterator[list]:
    """Every period of the sanctions the rows state, key by key.

    `rows` are tuples in EVENT_ROW's order, for any number of entities, sorted by sanction key
    (entity_id, jurisdiction, authority, program or "") and within a key by date_start then id
    (`store.sanction_event_rows` reads them so); a `date` of None is its date_start. Rows of
    other actions are skipped. A key's periods come out, in date order, once its rows are read:
    the whole store streams through in constant memory."""
    key = None
    running: list | None = None
    done: list[list] = []
    for date_start, event_id, entity_id, date, authority, program, action, jurisdiction, named_as in rows:
        if (entity_id, jurisdiction, authority, program or "") != key:
            yield from done
            done = []
            running = None
            key = (entity_id, jurisdiction, authority, program or "")
        if action == ENDING_ACTION:
            if running is not None:
                running[_UNTIL:] = [date or date_start, date_start, event_id]  # until, its start, ended_by
                running = None
        elif running is None and action in IMPOSING_ACTIONS:
            running = [
                entity_id, jurisdiction, authority, program or "", date or date_start, date_start,
                event_id, named_as, None, None, None,
            ]  # fmt: skip
            done.append(running)
    yield from done


def as_of(found: Iterable[list], day: str) -> list[dict]:
    """What the periods say on `day` (ISO): one line per (entity, jurisdiction, authority,
    program) that had a sanction imposed by then, from its latest period started by then, in
    force unless that period ended by then; in the order their first periods started (then by
    event id).

    Each line: entity_id, jurisdiction, authority, program (None when none), since, event_id,
    listing (None: from events), in_force, until, ended_by, named_as."""
    latest: dict[tuple, list] = {}
    for period in sorted(found, key=lambda period: (period[5], period[6])):
        if period[5] <= day:
            latest[(period[0], period[1], period[2], period[3])] = period
    lines = []
    for period in latest.values():
        (entity_id, jurisdiction, authority, program, since, _, event_id, named_as, until,
         until_start, ended_by) = period
        ended = until_start is not None and until_start <= day
        lines.append({
            "entity_id": entity_id, "jurisdiction": jurisdiction, "authority": authority,
            "program": program or None, "since": since, "event_id": event_id, "listing": None,
            "in_force": not ended, "until": until if ended else None,
            "ended_by": ended_by if ended else None, "named_as": named_as,
        })  # fmt: skip
    return lines

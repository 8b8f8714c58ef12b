"""The rules every view shares, each written once: the lag from an event to a later record, when a
sanction is in force (from recorded events and from official lists), and which day a partial date
means where a view asks for one day.

Lag: days from the first day of an event's period to the first day of the later record's period
(dates may be partial: 2025-01 runs from 2025-01-01 to 2025-01-31). A record whose period holds
the event's first day (a response dated only 2025-01 to an event of 2025-01-03) is on the day,
never before it. `lag_days` is the rule in Python, `LAG_DAYS_SQL` the same rule for the store's
views.

Sanctions in force, from events:

Sanctions are kept per (entity, jurisdiction, authority, program). A designation, renewal or
amendment imposes one; a delisting ends it (vocabulary.IMPOSING_ACTIONS, ENDING_ACTION). A
*period* runs from the event that imposed a sanction not already in force to the delisting that
ended it (or to now): a renewal during a period changes nothing, a designation after a delisting
starts a new period, a delisting with nothing in force changes nothing. Events count in the order
of their first day, then of their id.

The store keeps every period of every entity in its `sanction_periods` table, recomputed for the
entities each write touches, so a whole jurisdiction on a day is one indexed read (`diff`); `check`
computes the periods of the entities it looks at from their events. (For a key never delisted the
rule reduces to one period from its first imposing event, which the store computes in SQL: most
keys of a large store; its tests hold the table equal to `periods` of every event.)

Sanctions in force, from official lists (`check` for one entity, `diff` for a jurisdiction):

Per source, the latest snapshot published on or before the day decides (`decisive_snapshot`); before
the first snapshot, the first one does, and its listings count from their own listing dates. A
listing held by the decisive snapshot is in force from `listing_since`: the list's own listing date
when it gives one (no later than the first snapshot holding it), else the publication date of the
first snapshot holding it. "The first snapshot holding it" is that of its current run
(`listing_run`): a listing gone from the list and back is in force again from the snapshot it is
back in, and the list's date, which a list keeps from the entry's first listing, counts only if it
is no earlier than the day it was gone. Only the first is a date the list states: `since` is that
date (`since_from` "list"); for the second, `since` is None and the line says it was on the list in
SNAPSHOT (`first_seen_in`), first seen PUBLISHED (`first_seen`, `since_from` "snapshot"). A
snapshot's arrival says nothing of when a party was listed, so no lag and no "who moved first" is
ever computed from it (`diff` marks such lags unknown). A listing gone from the decisive snapshot
was delisted when the first snapshot without it was published.
`listing_sanction` states one listing as a sanction line, in the shape `as_of` gives a line from
events.

Partial dates in views: a view that asks for one day and is given a partial date (`2025`,
`2025-06`, `2025q3`) reads it by one rule, whatever the command:

* a state on a day (`check --as-of`, a `diff` view `CODE@DATE`) is the state at the END of the
  period (`as_of_day`: `--as-of 2020q3` and `EU@2020q3` are both 2020-09-30). "As of Q3 2020"
  is what a reader of a report dated then saw: every action taken in the quarter counts, and an
  action dated only `2020-08` or `2020q3` (whose first day is in the quarter) is never left out
  as if it came later;
* a window (`--since`/`--until` of timeline, search and export) holds the whole period:
  `since_day` is its first day, `until_day` its last (`--since 2025 --until 2025` is the year).

So `--until D` and `--as-of D` end on the same day: what a window up to D lists is what the state
as of D is made of.

Only the standard library: the store imports this module on every write.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from .vocabulary import ENDING_ACTION, IMPOSING_ACTIONS

if TYPE_CHECKING:
    from .dates import PartialDate
    from .sources import Source


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

    Each line: entity_id, jurisdiction, authority, program (None when none), since, since_from
    ("event"), event_id, listing (None: from events), in_force, until, ended_by, named_as."""
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
            "program": program or None, "since": since, "since_from": "event",
            "event_id": event_id, "listing": None,
            "in_force": not ended, "until": until if ended else None,
            "ended_by": ended_by if ended else None, "named_as": named_as,
        })  # fmt: skip
    return lines


# -- sanctions in force, from official lists -------------------------------------------------------


def decisive_snapshot(snapshots: list[dict], as_of: str) -> tuple[dict | None, bool]:
    """(the snapshot that says what a source lists on `as_of`, whether it was published by then):
    the latest one published on or before the day; before the first, the first (whose listings
    then count from their own listing dates). `snapshots` oldest first."""
    decisive = [s for s in snapshots if s["published"] <= as_of]
    if decisive:
        return decisive[-1], True
    return (snapshots[0] if snapshots else None), False


def listing_since(listed_on: str | None, first_seen: str, gone: str | None = None) -> tuple[str, str]:
    """(the day a listing counts from, where that day comes from): the list's own listing date
    ("list") when it gives one no later than the first snapshot of the listing's current run
    (`first_seen`, its publication date) and, for a listing back after a gap, no earlier than the
    day it was gone (`gone`); else that snapshot's publication date ("snapshot"), which is when
    it was first seen, not listed."""
    if listed_on and listed_on <= first_seen and (gone is None or listed_on >= gone):
        return listed_on, "list"
    return first_seen, "snapshot"


def listing_run(snapshots: list[dict], holding: set[str], at: int) -> tuple[dict, dict | None]:
    """(the first snapshot of the run that holds a listing without a gap up to `snapshots[at]`,
    the snapshot it was gone from before that run, None if never): `snapshots` of its source
    oldest first, `holding` the ids of those holding its list id."""
    first = at
    while first > 0 and snapshots[first - 1]["id"] in holding:
        first -= 1
    for before in range(first - 2, -1, -1):
        if snapshots[before]["id"] in holding:
            return snapshots[first], snapshots[before + 1]
    return snapshots[first], None


def runs_of_rows(rows: list[dict], snapshots: dict[str, list[dict]]) -> Callable[[dict], tuple[dict, dict | None]]:
    """`listing_run` for rows that are listings in snapshots (source, list_id, snapshot_id; every
    row of each list id wanted, such as an entity's `listings_of_entities`), `snapshots` of each
    source oldest first: a function of a row."""
    position = {s["id"]: n for found in snapshots.values() for n, s in enumerate(found)}
    holding: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        holding.setdefault((row["source"], row["list_id"]), set()).add(row["snapshot_id"])

    def run(row: dict) -> tuple[dict, dict | None]:
        return listing_run(snapshots[row["source"]], holding[(row["source"], row["list_id"])],
                           position[row["snapshot_id"]])  # fmt: skip

    return run


def since_fields(listed_on: str | None, first_seen: str, first_seen_in: str, gone: str | None = None) -> dict:
    """`since`, `since_from`, `first_seen`, `first_seen_in` of a listing, as check gives them
    (`listing_since` and `listing_sanction`), for show."""
    since, since_from = listing_since(listed_on, first_seen, gone)
    if since_from == "list":
        return {"since": since, "since_from": "list", "first_seen": None, "first_seen_in": None}
    return {"since": None, "since_from": "snapshot", "first_seen": since, "first_seen_in": first_seen_in}


def listing_sanction(
    row: Mapping, known: Source | None, since: str, in_force: bool, until: str | None = None,
    since_from: str = "list", first_seen_in: str | None = None,
) -> dict:  # fmt: skip
    """The sanction a listing states, as a line of `as_of` (the fields but `entity_id`): `row` is
    a stored listing (snapshot_id, list_id, source, name, programs), `known` its source (None when
    sanctrack does not know it: the source's name is then the authority). `since` and
    `since_from` are `listing_since`'s; from a snapshot, the line's `since` is None and it says
    where the listing was first seen (`first_seen`, `first_seen_in`) instead."""
    from_list = since_from == "list"
    return {
        "jurisdiction": known.jurisdiction if known else None,
        "authority": known.authority if known else row["source"],
        "program": "; ".join(row["programs"]) or None,
        "since": since if from_list else None, "since_from": since_from,
        "first_seen": None if from_list else since,
        "first_seen_in": None if from_list else (first_seen_in or row["snapshot_id"]),
        "event_id": None, "listing": f"{row['snapshot_id']}/{row['list_id']}",
        "in_force": in_force, "until": until, "ended_by": None, "named_as": row["name"],
    }  # fmt: skip


def first_seen_text(line: Mapping) -> str:
    """How a line whose list gives no listing date says since when it stands."""
    return f"on the list in {line['first_seen_in']} (first seen {line['first_seen']})"


# -- which day a partial date means in a view ------------------------------------------------------
# Each function takes a PartialDate and returns an ISO day; the rule is the module's docstring's.


def since_day(date: PartialDate) -> str:
    """The first day `--since DATE` keeps (timeline, search, export): the first day of its period
    (`--since 2025` is from 2025-01-01)."""
    return date.start.isoformat()


def until_day(date: PartialDate) -> str:
    """The last day `--until DATE` keeps (timeline, search, export): the last day of its period
    (`--until 2025-06` is up to 2025-06-30)."""
    return date.end.isoformat()


def as_of_day(date: PartialDate) -> str:
    """The day a state "as of DATE" is read on (`check --as-of`, `diff CODE@DATE`): the LAST day
    of its period (`--as-of 2020q3` and `EU@2020q3` are 2020-09-30), the day `until_day` ends."""
    return date.end.isoformat()

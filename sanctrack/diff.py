"""`sanctrack diff LEFT RIGHT`: views resolved, their items read and matched, and the differences,
all as plain data (the CLI renders them).

A *view* is one of:

* `US`, `GB`/`UK`, `US@2025-06-30`, `*@2025`: the entities under sanctions of that jurisdiction
  (`*`: of any) on the day, each with its `since`; matched with the other side by entity;
* `ofac-sdn/2024-04-12`, `ofac-sdn/latest`, `ofac-sdn/previous`: the listings of a stored snapshot;
  matched by list id against a list of the same source, else by entity;
* a path to a list file or folder: its listings, read now and stored nowhere; matched the same way.

A jurisdiction view says what is in force on its day exactly as `check` does, by the rules of
rules.py: from the recorded events (the periods, which the store keeps for every entity) and from
the lists of the jurisdiction's sources (the latest snapshot of each source published on or before
the day decides); `listed_in_force` applies the lists' rules to many entities at once. A view
without a date is as of the reference day; a partial date means the last day of its period
(`rules.as_of_day`, the rule of every "as of" view: `US@2025` is US on 2025-12-31).

Listings of lists are compared by digest first (equal digests: no change; the digest already
ignores row order, letter case and spacing) and field by field only where the digests differ, with
the same folding, so a listing that only moved or changed letter case is no change.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .errors import UsageError

PARTS = ("only_left", "only_right", "both", "changed")
# Fields of listings compared for field-level changes, in the order changes are reported.
LISTING_FIELDS = (
    "name", "aliases", "kind", "programs", "countries", "addresses", "identifiers", "birth_dates",
    "listed_on", "remarks",
)  # fmt: skip
_LIST_FIELDS = {"aliases", "programs", "countries", "addresses", "identifiers", "birth_dates"}
_JURISDICTION = re.compile(r"(?P<code>[A-Za-z]{2}|\*)(?:@(?P<date>.+))?")


# -- views ------------------------------------------------------------------------------------------


class View:
    """One side of a diff, resolved: what it names and how its items are read. (A plain class:
    a dataclass costs milliseconds of start-up, which every diff would pay.)"""

    def __init__(
        self,
        type: str,  # "jurisdiction", "snapshot" or "file"
        given: str,  # as the user typed it
        name: str,  # canonical: "US@2025-06-30", "ofac-sdn/2024-04-12", the path
        jurisdiction: str | None = None,  # a code, or "*" for every jurisdiction
        as_of: str | None = None,  # ISO day of a jurisdiction view
        snapshot: dict | None = None,
        source: str | None = None,
        path: Path | None = None,
        format: str | None = None,
        importer: Any = None,  # of a file view
    ):
        self.type, self.given, self.name = type, given, name
        self.jurisdiction, self.as_of, self.snapshot, self.source = jurisdiction, as_of, snapshot, source
        self.path, self.format, self.importer = path, format, importer
        self.extra: dict = {}

    def as_dict(self, count: int) -> dict:
        info: dict[str, Any] = {"view": self.name, "given": self.given, "type": self.type}
        if self.type == "jurisdiction":
            info.update(jurisdiction=self.jurisdiction, as_of=self.as_of)
        elif self.type == "snapshot":
            assert self.snapshot is not None
            info.update(
                snapshot=self.snapshot["id"], source=self.source, published=self.snapshot["published"]
            )
        else:
            info.update(path=str(self.path), source=self.source, format=self.format, **self.extra)
        info["count"] = count
        return info


def resolve_view(
    store,
    text: str,
    parse_date: Callable[[str], Any],
    today: str,
    fmt: str | None = None,
) -> View:
    """The view `text` names; UsageError (exit 2) naming what exists when it names nothing.

    A jurisdiction code (two letters, `UK` for `GB`) or `*`, optionally `@DATE`, is a jurisdiction
    view; `SOURCE/WHICH` with a known source a snapshot; anything else an existing path (`./US`
    reads a file named US)."""
    from .records import CODE_ALIASES
    from .rules import as_of_day
    from .sources import SOURCES

    raw = text.strip()
    if not raw:
        raise UsageError("an empty view", hint=_what_exists(store))
    match = _JURISDICTION.fullmatch(raw)
    if match:
        code = match["code"].upper()
        code = CODE_ALIASES.get(code, code)
        if code != "*" and not _jurisdiction_known(store, code):
            raise UsageError(
                f"unknown view {raw!r}: no event or list of jurisdiction {code} is recorded",
                hint=_what_exists(store),
            )
        if match["date"] is None:
            day, name = today, code
        else:
            date = parse_date(match["date"])
            day, name = as_of_day(date), f"{code}@{date.iso}"
        return View("jurisdiction", raw, name, jurisdiction=code, as_of=day)
    if fmt is None and "/" in raw and not raw.startswith(("/", "./", "../", "~")):
        source, _, which = raw.partition("/")
        stored = {s["source"] for s in store.lists.snapshots()}
        if source.lower() in SOURCES or source.lower() in stored:
            return _snapshot_view(store, source.lower(), which, raw)
    path = Path(raw).expanduser()
    if path.exists():
        return _file_view(path, raw, fmt)
    raise UsageError(
        f"unknown view {raw!r}: not a jurisdiction, a stored snapshot or an existing file",
        hint=_what_exists(store),
    )


def _jurisdiction_known(store, code: str) -> bool:
    from .sources import SOURCES

    if store.diff.has_jurisdiction(code):
        return True
    listed = {s["source"] for s in store.lists.snapshots()}
    return any(SOURCES[s].jurisdiction == code for s in listed if s in SOURCES)


def _what_exists(store) -> str:
    """The hint of a bad view: the jurisdictions and snapshots this store holds."""
    from .sources import SOURCES

    snapshots = store.lists.snapshots()
    codes = set(store.diff.event_jurisdictions())
    codes |= {SOURCES[s["source"]].jurisdiction for s in snapshots if s["source"] in SOURCES}
    codes.discard(None)
    parts = []
    if codes:
        parts.append(f"jurisdictions: {', '.join(sorted(codes))} (or CODE@DATE, *@DATE)")
    if snapshots:
        parts.append(f"snapshots: {_snapshot_list(snapshots)}")
    if not parts:
        return "this store holds no events and no snapshots: a view can only be a list file or folder"
    return "; ".join(parts) + "; or a list file or folder"


def _snapshot_list(snapshots: list[dict], limit: int = 12) -> str:
    ids = [s["id"] for s in snapshots]
    shown = ids if len(ids) <= limit else ids[: limit // 2] + ["…"] + ids[-limit // 2 :]
    sources = list(dict.fromkeys(s["source"] for s in snapshots))
    names = [f"{source}/latest" for source in sources]
    names += [f"{source}/previous" for source in sources if sum(s["source"] == source for s in snapshots) > 1]
    return ", ".join(shown) + f" (or {', '.join(names)})"


def _snapshot_view(store, source: str, which: str, given: str) -> View:
    snapshots = store.lists.snapshots(source)
    if not snapshots:
        raise UsageError(
            f"unknown view {given!r}: no snapshot of {source} is stored",
            hint=(
                _what_exists(store) if store.lists.snapshots()
                else f"import one: sanctrack import FILE --source {source}"
            ),
        )
    which = which.strip()
    chosen = None
    if which.lower() == "latest":
        chosen = snapshots[-1]
    elif which.lower() == "previous":
        if len(snapshots) < 2:
            raise UsageError(
                f"{source} has a single snapshot ({snapshots[0]['id']}): there is no previous one",
                hint="import an earlier or later version of the list to compare two",
            )
        chosen = snapshots[-2]
    else:
        chosen = next((s for s in snapshots if s["id"] == f"{source}/{which}"), None)
    if chosen is None:
        raise UsageError(
            f"unknown view {given!r}: no such snapshot of {source}",
            hint=f"snapshots of {source}: {_snapshot_list(snapshots)}",
        )
    return View("snapshot", given, chosen["id"], snapshot=chosen, source=source)


def _file_view(path: Path, given: str, fmt: str | None) -> View:
    from .importers import importer_for

    importer = importer_for(path, fmt.lower() if fmt else None)
    if importer is None:
        raise UsageError(
            f"cannot tell which list format {given} is in",
            hint="name it with --left-format or --right-format (e.g. ofac-csv, uk-xml, eu-xml)",
        )
    return View("file", given, given, path=path, format=importer.format, importer=importer)


# -- in force on a day, by the lists: rules.py's rules for many entities at once -----------------


def listed_in_force(rows: Iterable[Mapping], as_of: str) -> list[dict]:
    """The sanctions stated by listings held in their source's decisive snapshot on `as_of`.

    Each row: snapshot_id, list_id, source, name, programs (list), listed_on, entity_id,
    `first_seen` (the first publication date of a snapshot of that source holding the list id)
    and `first_seen_in` (that snapshot). The dicts are `rules.listing_sanction`'s, with
    `entity_id`, `programs`, `list_id` and `start` (the day it counts from, ISO) added."""
    from .rules import listing_sanction, listing_since
    from .sources import SOURCES

    found = []
    for row in rows:
        since, since_from = listing_since(row["listed_on"], row["first_seen"], row.get("gone"))
        if since > as_of:
            continue
        sanction = listing_sanction(
            dict(row), SOURCES.get(row["source"]), since, True, None, since_from, row.get("first_seen_in")
        )
        sanction["start"] = since
        sanction.update(
            entity_id=row["entity_id"], programs=list(row["programs"]), list_id=row["list_id"]
        )
        found.append(sanction)
    return found


# -- dates -------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _ordinal(iso: str) -> int | None:
    try:
        return datetime.date.fromisoformat(iso).toordinal()
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _start(text: str | None) -> datetime.date | None:
    """The first day of a stored (possibly partial) date; None for anything else."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        from .dates import PartialDate

        return PartialDate.from_iso(text).start
    except Exception:
        return None


def _first_and_lag(left: str | None, right: str | None) -> tuple[str | None, int | None]:
    """Who moved first and how many days apart, from the first days (ISO) of two `since`s."""
    a = _ordinal(left) if left else None
    # Most entities of two jurisdictions' views start the same day: one reading of it.
    b = a if right == left else _ordinal(right) if right else None
    if a is None or b is None:
        return None, None
    if a == b:
        return "same", 0
    return ("left" if a < b else "right"), abs(b - a)


# -- items of each view ----------------------------------------------------------------------------


class Side:
    """The items of one view, in the view's order; each has name and entity_id, and per type
    more. `by_list`: the items are listings (list_id, digest); `full` reads listings whole."""

    def __init__(self, view: View, items: list[dict], by_list: bool = False,
                 full: Callable[[list[str]], dict[str, dict]] | None = None,
                 starts: dict[str, str] | None = None, undated: set[str] | None = None):
        self.view, self.items, self.by_list, self.full = view, items, by_list, full
        # Of a jurisdiction view: entity id -> the first day of its `since` (ISO), for order and
        # lags; its items are shown as they are (no private keys).
        self.starts = starts or {}
        # Of a jurisdiction view: the entities known only from a list that gives no listing date
        # (`since` None, first seen in a snapshot): no lag is ever computed for them.
        self.undated = undated or set()


def _jurisdiction_side(store, view: View, names: dict) -> Side:
    """The entities under sanctions of the view's jurisdiction (any, for `*`) on its day: one
    item each, `since` the earliest start of the sanctions in force, with their programs."""
    from .rules import decisive_snapshot
    from .sources import SOURCES

    code = None if view.jurisdiction == "*" else view.jurisdiction
    as_of = view.as_of
    assert as_of is not None
    every = view.jurisdiction == "*"
    # The items are built as they will be shown; `starts` holds each one's first day (ISO).
    items: dict[str, dict] = {}
    starts: dict[str, str] = {}
    undated: set[str] = set()  # entities whose only `since` is a snapshot's arrival
    if every:
        _every_jurisdiction_items(store, as_of, names, items, starts)
    else:
        rows = store.diff.entity_states(code, as_of)  # one row per entity under sanctions
        if len(rows) > 2000 and not names:
            names.update(store.diff.entity_names(()))  # every name, read once: the other side shares it
        name_of = names.get
        decoded: dict[str, list] = {}  # programs as stored -> list: combinations repeat
        for entity_id, since, since_start, event_id, programs in rows:
            found = decoded.get(programs)
            if found is None:
                found = decoded[programs] = json.loads(programs)
            items[entity_id] = {
                "name": name_of(entity_id), "entity_id": entity_id, "since": since,
                "programs": found, "event_id": event_id,
            }  # fmt: skip  (`programs` shared by the items of one combination: never changed in place)
            starts[entity_id] = since_start

    by_source: dict[str, list[dict]] = {}
    for snapshot in store.lists.snapshots():
        by_source.setdefault(snapshot["source"], []).append(snapshot)
    for source, snapshots in by_source.items():
        known = SOURCES.get(source)
        if code is not None and (known is None or known.jurisdiction != code):
            continue
        snapshot, _ = decisive_snapshot(snapshots, as_of)
        if snapshot is None:
            continue
        for sanction in listed_in_force(store.diff.held_listings(snapshot["id"], source), as_of):
            entity_id = sanction["entity_id"]
            start = _start(sanction["start"])
            start_text = start.isoformat() if start else sanction["start"]
            dated = sanction["since_from"] == "list"
            item = items.get(entity_id)
            if item is None:
                item = items[entity_id] = {
                    "name": names.get(entity_id), "entity_id": entity_id, "since": None,
                    "programs": [], "event_id": None,
                }  # fmt: skip
                if every:
                    item["jurisdictions"] = []
                starts[entity_id] = "9999"
                undated.add(entity_id)  # until a date an event or a list gives comes
            # A date the list gives beats a snapshot's arrival, whatever the days; among dates
            # (or among arrivals), the earliest wins.
            if (dated and entity_id in undated) or (
                dated == (entity_id not in undated) and start_text < starts[entity_id]
            ):
                item.update(since=sanction["since"], event_id=None, source_id=sanction["list_id"],
                            listing=sanction["listing"])
                if dated:
                    undated.discard(entity_id)
                    item.pop("first_seen", None)
                    item.pop("first_seen_in", None)
                else:
                    item.update(first_seen=sanction["first_seen"], first_seen_in=sanction["first_seen_in"])
                starts[entity_id] = start_text
            added = [p for p in dict.fromkeys(sanction["programs"]) if p not in item["programs"]]
            if added:
                item["programs"] = item["programs"] + added  # a new list: see the states above
            if every and sanction["jurisdiction"] and sanction["jurisdiction"] not in item["jurisdictions"]:
                item["jurisdictions"].append(sanction["jurisdiction"])

    missing = [entity_id for entity_id, item in items.items() if item["name"] is None]
    if missing:
        found = store.diff.entity_names(missing)
        names.update(found)
        for entity_id in missing:
            items[entity_id]["name"] = found.get(entity_id, entity_id)
    if every:
        for item in items.values():
            item["jurisdictions"].sort()
    return Side(view, list(items.values()), starts=starts, undated=undated)


def _every_jurisdiction_items(store, as_of: str, names: dict, items: dict, starts: dict) -> None:
    """`*@DATE`: the items of every jurisdiction, from the sanction periods in force (one row
    per sanction: the states are kept per jurisdiction, and the order of an entity's programs
    across jurisdictions is that of all its periods). An entity's rows come together, its
    earliest sanction first: that one gives `since`."""
    rows = store.diff.sanctions_in_force(as_of)
    if len(rows) > 2000 and not names:
        names.update(store.diff.entity_names(()))
    name_of = names.get
    current = None
    programs: list = []
    for entity_id, program, since, since_start, event_id, jurisdiction in rows:
        if entity_id != current:
            current = entity_id
            programs = [program] if program else []
            item = items[entity_id] = {
                "name": name_of(entity_id), "entity_id": entity_id, "since": since or since_start,
                "programs": programs, "event_id": event_id, "jurisdictions": [jurisdiction],
            }  # fmt: skip
            starts[entity_id] = since_start
            continue
        if program and program not in programs:
            programs.append(program)
        if jurisdiction not in item["jurisdictions"]:
            item["jurisdictions"].append(jurisdiction)


def _snapshot_side(store, view: View) -> Side:
    assert view.snapshot is not None
    snapshot_id = view.snapshot["id"]
    decoded: dict[str, list] = {}  # a list's programs repeat: each spelling decoded once

    def programs_of(text: str) -> list:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = json.loads(text) if text else []
        return found

    items = [
        {"list_id": list_id, "name": name, "entity_id": entity_id, "kind": kind,
         "programs": programs_of(programs), "digest": digest}
        for list_id, name, entity_id, kind, programs, digest in store.diff.listing_rows(snapshot_id)
    ]  # fmt: skip
    return Side(view, items, by_list=True, full=lambda ids: store.diff.listings(snapshot_id, ids))


def _file_side(store, view: View) -> Side:
    from .errors import BadDataError
    from .importers.base import listing_digest
    from .names import is_weak_key, kinds_compatible, name_keys
    from .vocabulary import known_target_kind

    assert view.path is not None
    read = view.importer.read(view.path)
    if read.is_delta:
        raise UsageError(
            f"{view.given} is a delta file: it changes a snapshot and holds no whole list",
            hint="import it, then diff the snapshots (SOURCE/previous SOURCE/latest)",
        )
    view.source = read.source
    if read.published:
        view.extra["published"] = read.published
    listings: dict[str, Any] = {}
    items = []
    keys_of: list[list[str]] = []
    for listing in read.listings:
        if listing.list_id in listings:
            raise BadDataError(f"{view.given}: the list id {listing.list_id} appears twice")
        listings[listing.list_id] = listing
        kind = known_target_kind(listing.kind)
        names = [listing.name, *listing.aliases]
        keys = [k for n in names for k in sorted(name_keys(n, kind)) if not is_weak_key(k)]
        keys_of.append(keys)
        items.append({
            "list_id": listing.list_id, "name": listing.name, "entity_id": None, "kind": listing.kind,
            "programs": list(listing.programs), "digest": listing_digest(listing), "_keys": keys,
            "_candidates": [],
        })  # fmt: skip
    found = store.diff.entities_for_keys({k for keys in keys_of for k in keys})
    for item in items:
        candidates: list[str] = []
        for key in item["_keys"]:
            for entity_id, kind in found.get(key, ()):
                if entity_id not in candidates and kinds_compatible(kind, item["kind"]):
                    candidates.append(entity_id)
        item["_candidates"] = candidates
        item["entity_id"] = candidates[0] if candidates else None

    def full(ids: list[str]) -> dict[str, dict]:
        return {i: dict(listings[i].as_dict(), digest=None) for i in ids}

    return Side(view, items, by_list=True, full=full)


def read_side(store, view: View, names: dict | None = None) -> Side:
    """The items of a view; `names` (entity id -> name) is shared by the two sides of a diff."""
    if view.type == "jurisdiction":
        return _jurisdiction_side(store, view, {} if names is None else names)
    if view.type == "snapshot":
        return _snapshot_side(store, view)
    return _file_side(store, view)


# -- matching --------------------------------------------------------------------------------------


def _match_by_list_id(left: Side, right: Side) -> list[tuple[dict | None, dict | None]]:
    right_by_id = {item["list_id"]: item for item in right.items}
    pairs: list[tuple[dict | None, dict | None]] = []
    seen = set()
    for item in left.items:
        other = right_by_id.get(item["list_id"])
        pairs.append((item, other))
        if other is not None:
            seen.add(item["list_id"])
    pairs += [(None, item) for item in right.items if item["list_id"] not in seen]
    return pairs


def _match_by_entity(left: Side, right: Side) -> list[tuple[dict | None, dict | None]]:
    """Pairs of items naming one entity (any name or alias, normalised: the store's entities);
    items of a file unknown to the store meet by their own name keys."""
    right_entities = {item["entity_id"] for item in right.items if item["entity_id"]}
    left_entities = {item["entity_id"] for item in left.items if item["entity_id"]}
    for items, others in ((left.items, right_entities), (right.items, left_entities)):
        for item in items:
            # A file's listing may hold keys of several entities: take the one the other side has.
            for candidate in item.get("_candidates", ()):
                if candidate in others:
                    item["entity_id"] = candidate
                    break
    waiting: dict[str, list[dict]] = {}
    waiting_keys: dict[str, list[dict]] = {}
    for item in right.items:
        if item["entity_id"]:
            waiting.setdefault(item["entity_id"], []).append(item)
        else:
            for key in item.get("_keys", ()):
                waiting_keys.setdefault(key, []).append(item)
    pairs: list[tuple[dict | None, dict | None]] = []
    taken: set[int] = set()
    for item in left.items:
        other = None
        if item["entity_id"]:
            queue = waiting.get(item["entity_id"])
            if queue:
                other = queue.pop(0)
        else:
            for key in item.get("_keys", ()):
                other = next((o for o in waiting_keys.get(key, ()) if id(o) not in taken), None)
                if other is not None:
                    break
        if other is not None:
            taken.add(id(other))
        pairs.append((item, other))
    for queue in waiting.values():
        pairs += [(None, item) for item in queue]
    pairs += [(None, item) for item in right.items if not item["entity_id"] and id(item) not in taken]
    return pairs


# -- field-level changes ---------------------------------------------------------------------------


def _fold(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if value is None:
        return ""
    return " ".join(json.dumps(value, sort_keys=True, ensure_ascii=False).split()).casefold()


def listing_changes(left: Mapping, right: Mapping) -> list[dict]:
    """What differs between two versions of a listing, field by field, ignoring letter case,
    spacing and order: `{field, left, right}`, with `added` and `removed` for list fields; then
    each fact only the raw record holds, `{field: "raw", key, left, right}` (listing_facts.py)."""
    from .listing_facts import added_and_removed, fact_changes

    changes: list[dict[str, Any]] = []
    for name in LISTING_FIELDS:
        a, b = left.get(name), right.get(name)
        if name in _LIST_FIELDS:
            a, b = list(a or []), list(b or [])
            added, removed = added_and_removed(a, b, _fold)
            if not added and not removed:  # (order, letter case, a value twice: as the digest)
                continue
            changes.append({"field": name, "left": a, "right": b, "added": added, "removed": removed})
        elif _fold(a) != _fold(b):
            changes.append({"field": name, "left": a, "right": b})
    return changes + fact_changes(left, right, LISTING_FIELDS)


def _jurisdiction_changes(left: dict, right: dict) -> list[dict]:
    """Between one jurisdiction (or `*`) on two days: programs and jurisdictions in force, and a
    new `since` (delisted and designated again in between)."""
    from .listing_facts import added_and_removed

    changes = []
    for name in ("programs", "jurisdictions"):
        if name not in left:
            continue
        a, b = left[name], right[name]
        added, removed = added_and_removed(a, b, _fold)
        if added or removed:
            changes.append({"field": name, "left": a, "right": b, "added": added, "removed": removed})
    if left["since"] != right["since"]:
        changes.append({"field": "since", "left": left["since"], "right": right["since"]})
    return changes


# -- the diff --------------------------------------------------------------------------------------


def _natural(text: str) -> tuple:
    return (0, int(text), "") if text.isdigit() else (1, 0, text.casefold())


def _order(item: dict, side: Side) -> tuple:
    """Where an item of `side` goes in its part: listings by list id (numbers as numbers),
    entities under sanctions by date, then name."""
    if side.by_list:
        return _natural(item["list_id"])
    return _start_key(item, side.starts)


def _start_key(item: dict, starts: dict[str, str]) -> str:
    """Where an item of a jurisdiction view goes: by date (first day, ISO), then name, then entity
    id, as one string, whose comparisons cost a third of those of a (date, name, id) tuple: the
    date has a fixed width, and NUL sorts before any character of a name."""
    return f"{starts[item['entity_id']] or ''}\0{item['name']}\0{item['entity_id']}"


def _public(item: dict, is_list: bool) -> dict:
    """An item as JSON shows it: name, entity_id, and where it comes from a list source_id."""
    if is_list:
        return {
            "name": item["name"], "entity_id": item["entity_id"], "source_id": item["list_id"],
            "kind": item["kind"], "programs": item["programs"],
        }  # fmt: skip
    return item  # made to be shown (`_jurisdiction_side`)


def _both_item(a: dict, b: dict, left: Side, right: Side) -> dict:
    """An item on both sides of a diff with a list: the right one, with what differs of the left."""
    shown = dict(_public(b, right.by_list))
    if a["entity_id"] != b["entity_id"]:
        shown["left_entity_id"] = a["entity_id"]
    if left.by_list and a["name"] != b["name"]:
        shown["left_name"] = a["name"]
    a_source = a["list_id"] if left.by_list else a.get("source_id")
    b_source = shown.get("source_id")
    if a_source is not None and a_source != b_source:
        if b_source is None:
            shown["source_id"] = a_source
        else:
            shown.update(left_source_id=a_source, right_source_id=b_source)
    return shown


def diff(store, left_view: View, right_view: View) -> dict:
    """The diff of two resolved views, as `diff --json` gives it (docs/JSON.md), with `summary`."""
    from .collector import collection_paused

    with collection_paused():  # hundreds of thousands of rows stay alive until the end
        return _diff(store, left_view, right_view)


def _diff(store, left_view: View, right_view: View) -> dict:
    store.diff.begin()
    names: dict[str, str] = {}
    left, right = read_side(store, left_view, names), read_side(store, right_view, names)
    lags = left.view.type == "jurisdiction" and right.view.type == "jurisdiction"
    if lags:
        parts = _jurisdictions_diff(left, right)
    else:
        parts = _lists_diff(left, right)
    result = {
        "left": left_view.as_dict(len(left.items)),
        "right": right_view.as_dict(len(right.items)),
        **parts,
    }
    result["summary"] = summarise(result, lags)
    return result


def _jurisdictions_diff(left: Side, right: Side) -> dict[str, list]:
    """Two jurisdiction views: one item per entity on each side, matched by entity id; for the
    entities on both, who moved first and the lag; between one jurisdiction on two days, what
    changed. (Written for tens of thousands of entities a side.)"""
    same_jurisdiction = left.view.jurisdiction == right.view.jurisdiction
    left_starts, right_starts = left.starts, right.starts
    left_undated, right_undated = left.undated, right.undated
    right_by_entity = {item["entity_id"]: item for item in right.items}
    get = right_by_entity.get
    only_left, both, changed = [], [], []
    # Walked in the order every part is shown in (by the left side's dates), so none is sorted.
    for a in _by_start(left.items, left_starts):
        entity_id = a["entity_id"]
        b = get(entity_id)
        if b is None:
            only_left.append(a)
            continue
        if entity_id in left_undated or entity_id in right_undated:
            first, lag = None, None  # a snapshot's arrival is no listing date: lag unknown
        else:
            first, lag = _first_and_lag(left_starts[entity_id], right_starts[entity_id])
        # (Items of events first: most of tens of thousands.)
        a_event, b_event = a["event_id"], b["event_id"]
        item = {"name": b["name"], "entity_id": entity_id, "left_since": a["since"],
                "right_since": b["since"], "first": first, "lag_days": lag,
                "left_from": "event" if a_event else _origin(a, left_undated),
                "left_act": a_event or a.get("listing"),
                "right_from": "event" if b_event else _origin(b, right_undated),
                "right_act": b_event or b.get("listing")}  # fmt: skip
        if "first_seen_in" in a:
            item["left_first_seen"], item["left_first_seen_in"] = a["first_seen"], a["first_seen_in"]
        if "first_seen_in" in b:
            item["right_first_seen"], item["right_first_seen_in"] = b["first_seen"], b["first_seen_in"]
        if not b_event and b.get("listing"):
            item["source_id"] = b["source_id"]
        both.append(item)
        if same_jurisdiction:
            changes = _jurisdiction_changes(a, b)
            if changes:
                changed.append(dict(item, changes=changes))
    only_right = _by_start([b for b in right.items if b["entity_id"] not in left_starts], right_starts)
    return {"only_left": only_left, "only_right": only_right, "both": both, "changed": changed}


def _origin(item: dict, undated: set[str]) -> str:
    """Where a jurisdiction view's `since` comes from: a recorded `event`, a `list`'s own listing
    date, or a `snapshot` (first seen in it: no date, so no lag)."""
    if item.get("event_id"):
        return "event"
    return "snapshot" if item["entity_id"] in undated else "list"


def _by_start(items: list[dict], starts: dict[str, str]) -> list[dict]:
    """Items of a jurisdiction view in `_start_key` order."""
    # `_start_key`, inlined: a call per item cost a fifth of the sort.
    keys = [f"{starts[item['entity_id']] or ''}\0{item['name']}\0{item['entity_id']}" for item in items]
    return [items[n] for n in sorted(range(len(items)), key=keys.__getitem__)]


def _lists_diff(left: Side, right: Side) -> dict[str, list]:
    """Views of which at least one is a list: matched by list id (two lists of one source) or by
    entity; listings with different digests compared field by field."""
    same_list = left.by_list and right.by_list and left.view.source == right.view.source
    pairs = _match_by_list_id(left, right) if same_list else _match_by_entity(left, right)

    # Each part as (order, item), sorted once complete.
    only_left: list[tuple] = []
    only_right: list[tuple] = []
    both: list[tuple] = []
    changed: list[tuple] = []
    differing: list[tuple[dict, dict, tuple, dict]] = []
    lists = left.by_list and right.by_list
    for a, b in pairs:
        if b is None:
            assert a is not None
            only_left.append((_order(a, left), _public(a, left.by_list)))
        elif a is None:
            only_right.append((_order(b, right), _public(b, right.by_list)))
        else:
            order = _order(a, left) if (left.by_list or not right.by_list) else _order(b, right)
            item = _both_item(a, b, left, right)
            both.append((order, item))
            if lists and a["digest"] != b["digest"]:
                differing.append((a, b, order, item))
    if differing:
        assert left.full is not None and right.full is not None
        left_full = left.full([a["list_id"] for a, _, _, _ in differing])
        right_full = right.full([b["list_id"] for _, b, _, _ in differing])
        for a, b, order, item in differing:
            changes = listing_changes(left_full[a["list_id"]], right_full[b["list_id"]])
            if changes:
                changed.append((order, dict(item, changes=changes)))
    parts = {}
    for name, part in zip(PARTS, (only_left, only_right, both, changed)):
        part.sort(key=itemgetter(0))
        parts[name] = [item for _, item in part]
    return parts


def _median(values: list[int]) -> int | float | None:
    """The median (`statistics` is not imported for it: it brings decimal, fractions, random)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    total = ordered[middle - 1] + ordered[middle]
    return total // 2 if total % 2 == 0 else total / 2


def summarise(result: dict, lags: bool) -> dict:
    """Counts of each part; between jurisdictions or dates also who moved first and the median
    lag, with a sentence saying so ("GB followed US after a median of 340 days")."""
    both = result["both"]
    summary: dict[str, Any] = {part: len(result[part]) for part in PARTS}
    summary["differences"] = bool(result["only_left"] or result["only_right"] or result["changed"])
    if not lags:
        return summary
    left_name, right_name = result["left"]["view"], result["right"]["view"]
    counts = {first: sum(1 for item in both if item["first"] == first) for first in ("left", "right", "same")}
    lag_values = [item["lag_days"] for item in both if item["lag_days"] is not None]
    median = _median(lag_values)
    leader = None
    if counts["left"] > counts["right"]:
        leader = "left"
    elif counts["right"] > counts["left"]:
        leader = "right"
    unknown = sum(1 for item in both if item["lag_days"] is None)
    if leader is None and len(both) > unknown:
        leader = "same"
    summary.update(left_first=counts["left"], right_first=counts["right"], same_day=counts["same"],
                   median_lag_days=median, leader=leader, lag_unknown=unknown)
    if result["left"]["jurisdiction"] == result["right"]["jurisdiction"]:
        # One jurisdiction (or all) on two days: what came and went between them.
        text = (f"from {left_name} to {right_name}: {len(result['only_right'])} came under sanctions, "
                f"{len(result['only_left'])} left them, {len(result['changed'])} changed, "
                f"{len(both) - len(result['changed'])} unchanged")
    elif not both:
        text = f"{left_name} and {right_name} sanction no entity in common"
    elif unknown == len(both):
        text = (f"{left_name} and {right_name} both sanction {len(both)}; who moved first is unknown: "
                "a list they come from gives no listing date")
    else:
        shares = (f"{left_name} first on {counts['left']}, {right_name} first on {counts['right']}, "
                  f"same day on {counts['same']} of {len(both)} in both")
        days = "day" if median == 1 else "days"
        if leader == "left":
            text = f"{right_name} followed {left_name} after a median of {median} {days} ({shares})"
        elif leader == "right":
            text = f"{left_name} followed {right_name} after a median of {median} {days} ({shares})"
        else:
            text = f"neither leads; median lag {median} {days} ({shares})"
        if unknown:
            text += f"; lag unknown for {unknown} (no listing date on a list), left out of the median"
    summary["text"] = text
    return summary

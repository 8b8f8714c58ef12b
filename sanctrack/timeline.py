"""The timeline: events, their responses and the counter-measures that answer them, in date order.

Pure computation over a `Store`: no Typer, no Rich, no printing. `resolve_subject` reads what the
user typed (an entity's name, alias or id, a jurisdiction code, a program, a tag, or nothing) and
`build_timeline` returns a `Timeline` whose `items` are plain dicts (or, for JSON output, the same
items as JSON text that the store mostly writes itself), produced a chunk at a time so a timeline
of any size streams.

The shape of a timeline
-----------------------
* The subject's events are those naming the entity under any of its names (or of the
  jurisdiction, program or tag; every event when there is no subject).
* The *chain* of an event follows it: the responses to it, and the counter-measures answering it (an
  event whose `in_response_to` is it, or the `counter_event_id` of one of its responses), which bring
  their own responses and counter-measures. Nothing reached otherwise is included.
* Items come in date order of their *units*: an event with, under it, its chain (each level in date
  order). A partial date sorts at the start of its period.
* `--since`/`--until` keep the items whose own date falls in the window (a partial date counts when
  its period overlaps it). An item kept under an event that is not is shown at its own date,
  unnested; it still names its event (`event_id`, `answers`) and its lag.
* `limit` keeps the first N units (after `reverse`, which reverses the units, not their chains).

Item fields (all formats are drawn from these)
---------------------------------------------
Every item: `type` (`event` or `response`), `id`, `date`, `depth` (0 for a unit, 1 under it, …) and
`lag_days` (for a response: days after its event; for a counter-measure: days after the event it
answers; else null). An event has the fields of `show` (`jurisdiction`, `authority`, `action`,
`program`, `legal_basis`, `targets`, `reason`, `summary`, `sources`, `tags`, `in_response_to`) and
`answers` (the event a counter-measure answers), `via` (the response that carries it out), `follows`
(see `_follows`) and, in an entity's timeline, `named_as` (the names the event gives the entity). A
response has the fields of `show` (`event_id`, `actor`, `speaker`, `country`, `kind`, `stance`,
`quote`, `summary`, `sources`, `tags`, `counter_event_id`).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from . import records as rec
from .errors import NotFound, UsageError
from .rules import lag_days
from .store import Store

SUBJECT_KINDS = ("entity", "jurisdiction", "program", "tag")
# What a timeline may hold (`--kind`): recorded events, responses, and the history of lists.
KINDS = ("event", "response", "listing")
# Units materialised per round of queries: bounded memory, few queries.
UNITS_PER_CHUNK = 250
# Beyond this many events, a query for "each of these ids" costs more than reading every row of
# the kind asked (links between events; responses in a window) and keeping the ones that belong.
MANY = 2000


# -- subjects ------------------------------------------------------------------------------------


class Subject:
    """What a timeline is of. `value` is what the store's queries take (see store/timeline.py).

    (Plain classes rather than dataclasses here: they cost nothing to define at start-up.)
    """

    def __init__(
        self,
        kind: str,  # "all", "entity", "jurisdiction", "program" or "tag"
        value: Any = None,  # en- id, code, or the stored spellings (tuple) of a program or tag
        label: str = "everything",  # how to name it: the entity's name, the code, the program…
        typed: str | None = None,  # what the user wrote
        names: list[str] | None = None,  # an entity's names and aliases
        note: str | None = None,  # how a word that could be several things was read
    ):
        self.kind, self.value, self.label, self.typed = kind, value, label, typed
        self.names = names or []
        self.note = note

    def __repr__(self) -> str:
        return f"Subject({self.kind!r}, {self.value!r}, {self.label!r})"

    def describe(self) -> str:
        if self.kind == "all":
            return "everything"
        if self.kind == "entity":
            return f"the entity {self.label} ({self.value})"
        return f"the {self.kind} {self.label}"


def resolve_subject(store: Store, text: str | None, force: str | None = None) -> Subject:
    """The subject a user's word names, trying (unless `force` names the kind) a jurisdiction code,
    an entity (an `en-` id or prefix, any name or alias), a program and a tag, in that order. When a
    word is several of these, the first is taken and `note` says so. Raises NotFound (with close
    names) when it is none, UsageError when it names several entities."""
    if force is not None and force not in SUBJECT_KINDS:
        raise ValueError(force)
    if text is None:
        if force is not None:
            raise UsageError(f"--{force} says how to read SUBJECT, and none was given",
                             hint=f"sanctrack timeline --{force} SUBJECT")
        return Subject("all")
    text = text.strip()
    if not text:
        raise UsageError("an empty SUBJECT names nothing", hint="leave it out for everything")
    if not store.on_disk or not (store.timeline.has_events() or store.lists.snapshots()):
        raise NotFound(
            f"nothing recorded for {text!r}",
            hint="the store holds no events yet: add one with 'sanctrack add event' or load "
            "some with 'sanctrack import'",
        )
    found: list[Subject] = []
    entities: list[dict] = []
    if force in (None, "jurisdiction"):
        code = _code(text, forced=force == "jurisdiction")
        if code is not None and (store.timeline.jurisdiction_exists(code) or _has_list(store, code)):
            found.append(Subject("jurisdiction", code, code, text))
    if force in (None, "entity"):
        entities = _entities_named(store, text)
        if entities:
            found.append(_entity_subject(store, entities[0], text))
    if force in (None, "program"):
        spellings = store.timeline.program_spellings(text)
        if spellings:
            found.append(Subject("program", tuple(spellings), spellings[0], text))
    if force in (None, "tag"):
        spellings = store.timeline.tag_spellings(text)
        if spellings:
            found.append(Subject("tag", tuple(spellings), spellings[0], text))
    if (force == "program" or (force is None and not found)) and not any(s.kind == "program" for s in found):
        # A program only lists carry (no recorded event names it): asked last, as it reads listings.
        spellings = store.lists.program_spellings(text) if store.lists.snapshots() else []
        if spellings:
            found.append(Subject("program", tuple(spellings), spellings[0], text))
    note = None
    if not found and force in (None, "entity") and not _looks_like_id(text):
        entities = _entities_by_prefix(store, text)
        if len(entities) == 1:
            found.append(_entity_subject(store, entities[0], text))
            note = f"{text!r} read as {found[0].describe()}, the one name that starts so"
    if not found:
        what = f"the {force} {text!r}" if force else repr(text)
        hint = _close_hint(store, text)
        if _looks_like_id(text) and text[:3].lower() in ("ev-", "rs-"):
            hint = "a timeline is of an entity, jurisdiction, program or tag; 'sanctrack show ID' shows one record"
        raise NotFound(f"nothing recorded for {what}", hint=hint)
    chosen = found[0]
    if chosen.kind == "entity" and len(entities) > 1:
        shown = ", ".join(f"{e['name']} ({e['id']})" for e in entities[:8])
        more = ", …" if len(entities) > 8 else ""
        raise UsageError(
            f"{text!r} names several entities: {shown}{more}",
            hint="give the en- id of the one you mean" + ("" if len(text) > 4 else " (or more of its name)"),
        )
    if len(found) > 1:
        others = "; ".join(f"{s.describe()} (--{s.kind})" for s in found[1:])
        note = f"{text!r} is also {others}; showing {chosen.describe()}"
    chosen.note = note
    return chosen


def _code(text: str, forced: bool) -> str | None:
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        if forced:
            rec.clean_code(text, "--jurisdiction")  # raises with the usual message
        return None
    return rec.clean_code(text, "jurisdiction")


def _has_list(store: Store, code: str) -> bool:
    from .listing_history import jurisdiction_of

    return any(jurisdiction_of(s["source"]) == code for s in store.lists.snapshots())


def _looks_like_id(text: str) -> bool:
    return text[:3].lower() in ("en-", "ev-", "rs-")


def _entities_named(store: Store, text: str) -> list[dict]:
    """Entities this word names: an en- id (or its unambiguous prefix), else a name or alias."""
    if text[:3].lower() == "en-":
        prefix = text.lower()
        ids = store.timeline.entity_ids_with_prefix(prefix)
        if prefix in ids:
            ids = [prefix]
        if len(ids) > 1:
            shown = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "")
            raise UsageError(f"the id {text!r} is ambiguous: it could be {shown}", hint="type more of it")
        return [{"id": i, "name": store.entity(i)["name"]} for i in ids]
    from .names import name_keys

    return store.timeline.entities_for_keys(name_keys(text, None))


def _entities_by_prefix(store: Store, text: str) -> list[dict]:
    from .names import normalize_name

    key = normalize_name(text)
    if len(key) < 3:
        return []
    entities = store.timeline.entities_for_key_prefix(key)
    if len(entities) > 1:
        shown = ", ".join(f"{e['name']} ({e['id']})" for e in entities[:8])
        more = ", …" if len(entities) > 8 else ""
        raise UsageError(
            f"{text!r} starts the names of several entities: {shown}{more}",
            hint="type more of the name, or give an en- id",
        )
    return entities


def _entity_subject(store: Store, entity: dict, text: str) -> Subject:
    return Subject(
        "entity", entity["id"], entity["name"], text, names=store.timeline.entity_names(entity["id"])
    )


def _close_hint(store: Store, text: str) -> str | None:
    """Names close to `text`: entities sharing a word or spelled alike, codes, programs, tags."""
    import difflib

    from .names import normalize_name

    key = normalize_name(text) or text.casefold()
    words = set(key.split())
    stems = sorted({w[:4] for w in words if len(w) >= 3})[:8]
    best: dict[str, tuple[float, str]] = {}
    for entity_id, name in store.timeline.names_with_words(stems):
        other = normalize_name(name)
        score = difflib.SequenceMatcher(None, key, other).ratio()
        if words & set(other.split()):
            score += 0.5
        if score >= 0.6 and score > best.get(entity_id, (0.0, ""))[0]:
            best[entity_id] = (score, name)
    close = [name for _, name in sorted(best.values(), key=lambda v: (-v[0], v[1]))[:5]]
    if 2 <= len(text) <= 4:
        close += [
            f"{c} (jurisdiction)"
            for c in difflib.get_close_matches(text.upper(), store.timeline.jurisdictions(), 2, 0.6)
        ]
    programs, tags = store.timeline.programs_and_tags()
    for kind, values in (("program", programs), ("tag", tags)):
        folded = {v.casefold(): v for v in values}
        for match in difflib.get_close_matches(text.casefold(), list(folded), 2, 0.75):
            close.append(f"{folded[match]} ({kind})")
    if not close:
        return None
    return "close names: " + "; ".join(close)


# -- the timeline --------------------------------------------------------------------------------


class Window:
    """Inclusive ISO days; a partial date is in the window when its period overlaps it."""

    def __init__(self, since: str | None = None, until: str | None = None):
        self.since, self.until = since, until

    def holds(self, start: str, end: str) -> bool:
        return (self.since is None or end >= self.since) and (self.until is None or start <= self.until)

    @property
    def open(self) -> bool:
        return self.since is None and self.until is None


class _Node:
    """One event of the timeline, before its record is read: dates and chain links only."""

    __slots__ = ("id", "date", "start", "end", "in_response_to", "answers", "via", "shown",
                 "children", "in_subject", "row")  # fmt: skip

    def __init__(self, row: tuple, in_subject: bool, whole: dict | None = None):
        self.id, self.date, self.start, self.end, self.in_response_to = row
        self.row = whole  # the event's whole row, when read already
        self.answers: str | None = None
        self.via: str | None = None
        self.shown = True
        self.children: list[_Node] = []
        self.in_subject = in_subject


class Timeline:
    """A built timeline: what it is of, a summary, and its items (an iterator, read once)."""

    def __init__(
        self,
        subject: Subject,
        window: Window,
        events: int,  # events shown
        units: int,  # top-level items
        first: str | None,  # start of the period of the earliest unit
        last: str | None,  # start of the period of the latest unit
        items: Iterator[dict | str],  # dicts, or JSON texts (see build_timeline)
        listings: int = 0,  # list history items shown
        kinds: tuple[str, ...] = KINDS,
        summarised: int = 0,  # of which summaries of many changes
    ):
        self.subject, self.window, self.events, self.units = subject, window, events, units
        self.first, self.last, self.items = first, last, items
        self.listings, self.kinds, self.summarised = listings, kinds, summarised


def build_timeline(
    store: Store,
    subject: Subject,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
    encoded: bool = False,
    kinds: tuple[str, ...] = KINDS,
    action: str | None = None,
    stance: str | None = None,
) -> Timeline:
    """The timeline of `subject`; `since`/`until` are inclusive ISO days. `action` keeps the
    events of that action; `stance` the events that drew a response of that stance, with those
    responses only (the chains of the events kept are kept; an event left out is not shown,
    nor are its responses). Of the list history (kind `listing`), `action` keeps the lists' acts
    of that change (designation, amendment, delisting; no summary), `stance` none. Its items are dicts, or
    with `encoded` the same as JSON text (compact), for JSON output: then the store writes each
    record's JSON itself, which spares building and encoding thousands of dicts. Raises NotFound
    when nothing is left to show."""
    window = Window(since, until)
    if since and until and since > until:
        raise UsageError(f"--since ({since}) is after --until ({until})")
    recorded = "event" in kinds or "response" in kinds
    nodes, read_responses = _chain_nodes(store, subject, encoded) if recorded else ({}, None)
    for node in nodes.values():
        node.shown = window.holds(node.start, node.end)
    left_out: set[str] = set()  # events the filters leave out (not the window)
    if action is not None or stance is not None:
        kept = store.timeline.matching_events(list(nodes), action, stance)
        left_out = {event_id for event_id in nodes if event_id not in kept}
        for event_id in left_out:
            nodes[event_id].shown = False
    top = _nest(nodes)
    # A unit: (start of period, 0 for an event or 1 for a response, id, node or event id, date);
    # for the history of a list, (date, 2, id and change, item, date).
    units: list[tuple] = [(n.start, 0, n.id, n, n.date) for n in top]
    history = _list_history(store, subject) if store.lists.snapshots() else []
    if "listing" in kinds and stance is None:  # a list's act draws no response: no stance
        units += [(i["date"], 2, i["id"] + " " + i["change"], i, i["date"]) for i in history
                  if window.holds(i["date"], i["date"]) and action in (None, i["change"])]  # fmt: skip
    if not window.open and recorded:
        # Responses in the window to events that are not: each stands alone, at its own date.
        hidden = [n.id for n in nodes.values() if not n.shown and n.id not in left_out]
        if hidden:
            asked = hidden if len(hidden) <= MANY else None  # else: every response in the window
            for rid, event_id, date, start, _end in store.timeline.responses_in_window(
                asked, since, until, stance
            ):
                event = nodes.get(event_id)
                if event is not None and not event.shown and event_id not in left_out:
                    units.append((start, 1, rid, event_id, date))
    units.sort(key=lambda u: u[:3])
    if reverse:
        units.reverse()
    if limit is not None:
        units = units[:limit]
    if not units:
        if left_out:
            asked = " and ".join(f"--{name} {value}" for name, value in (("action", action), ("stance", stance)) if value)
            what = "" if subject.kind == "all" else f" of {subject.describe()}"
            raise NotFound(f"no event{what} matches {asked}", hint="drop or change the filter")
        raise NotFound(_nothing_message(subject, window), hint=_nothing_hint(subject, window))
    shown_events = sum(_count(u[3]) for u in units if u[1] == 0) if "event" in kinds else 0
    listings = [u[3] for u in units if u[1] == 2]
    entity_history = history if subject.kind == "entity" else None
    return Timeline(
        subject=subject,
        window=window,
        events=shown_events,
        units=len(units),
        first=min(units, key=lambda u: u[:3])[4],
        last=max(units, key=lambda u: u[:3])[4],
        items=_items(store, subject, window, units, nodes, read_responses, encoded, kinds, entity_history, stance),
        listings=len(listings),
        kinds=kinds,
        summarised=sum(1 for i in listings if i["change"] == "summary"),
    )


def _list_history(store: Store, subject: Subject) -> list[dict]:
    """The history of the lists for the subject (see listing_history): an entity's every change;
    a jurisdiction's, a program's or everything's change by change, or summed up per snapshot
    where many come at once."""
    from . import listing_history as lh

    if subject.kind == "entity":
        return lh.entity_history(store, [subject.value])
    if subject.kind == "jurisdiction":
        return list(lh.view_history(store, subject.value))
    if subject.kind == "program":
        return list(lh.view_history(store, None, subject.value))
    if subject.kind == "all":
        return list(lh.view_history(store, None))
    return []  # a tag is sanctrack's own word: no list carries it


def _nothing_message(subject: Subject, window: Window) -> str:
    what = "" if subject.kind == "all" else f" for {subject.describe()}"
    if window.open:
        return f"nothing recorded{what}"
    period = {
        (True, True): f"between {window.since} and {window.until}",
        (True, False): f"since {window.since}",
        (False, True): f"until {window.until}",
    }[(window.since is not None, window.until is not None)]
    return f"nothing recorded{what} {period}"


def _nothing_hint(subject: Subject, window: Window) -> str | None:
    if not window.open:
        return "widen --since/--until"
    if subject.kind == "all":
        return "add an event with 'sanctrack add event' or load some with 'sanctrack import'"
    return None


def _count(node: _Node) -> int:
    return 1 + sum(_count(c) for c in node.children)


def _chain_nodes(
    store: Store, subject: Subject, encoded: bool
) -> tuple[dict[str, _Node], dict[str, list[dict]] | None]:
    """The subject's events and the counter-measures reached from them, with their chain links;
    and, for an entity (a few thousand events at most, read whole at once), the responses to its
    events by event id (None otherwise: they are read a chunk at a time)."""
    responses: dict[str, list[dict]] | None = None
    if subject.kind == "entity":
        nodes = {
            row["id"]: _Node(
                (row["id"], row["date"], row["date_start"], row["date_end"], row["in_response_to"]),
                True,
                row,
            )
            for row in store.timeline.subject_events(subject.kind, subject.value, encoded)
        }
        # Asked by id from here on: the ids are known, and looking them up again costs more.
        ids = list(nodes)
        responses = {}
        for row in store.timeline.responses_to(ids, encoded):
            responses.setdefault(row["event_id"], []).append(row)
        carriers = [
            (r["id"], r["event_id"], r["counter_event_id"])
            for rows in responses.values()
            for r in rows
            if r["counter_event_id"]
        ]
        carriers += store.timeline.carriers(ids, answering=False)
        counters = store.timeline.counter_events(ids)
    else:
        nodes = {row[0]: _Node(row, True) for row in store.timeline.skeleton(subject.kind, subject.value)}
        if len(nodes) <= MANY:
            carriers = store.timeline.carriers(list(nodes))
            counters = store.timeline.counter_events(list(nodes))
        else:  # reading every link (few in any store) beats looking up so many ids
            carriers = [c for c in store.timeline.carriers() if c[1] in nodes or c[2] in nodes]
            counters = [row for row in store.timeline.counter_events() if row[4] in nodes]
    carried: dict[str, list[tuple[str, str]]] = {}  # counter event -> [(response, its event)]
    while True:
        new: list[str] = []
        for row in counters:
            if row[0] not in nodes:
                nodes[row[0]] = _Node(row, False)
                new.append(row[0])
        missing = []
        for rid, event_id, counter_id in carriers:
            pairs = carried.setdefault(counter_id, [])
            if (rid, event_id) not in pairs:
                pairs.append((rid, event_id))
            if event_id in nodes and counter_id not in nodes:
                missing.append(counter_id)
        for row in store.timeline.skeleton_for_ids(dict.fromkeys(missing)):
            if row[0] not in nodes:
                nodes[row[0]] = _Node(row, False)
                new.append(row[0])
        if not new:
            break
        counters = store.timeline.counter_events(new)
        carriers = store.timeline.carriers(new)
    for node in nodes.values():
        pairs = sorted(carried.get(node.id, []))
        inside = [(rid, e) for rid, e in pairs if e in nodes and e != node.id]
        if node.in_response_to and (node.in_response_to in nodes or not inside):
            node.answers = node.in_response_to
            node.via = next((rid for rid, e in pairs if e == node.answers), None)
        elif inside:
            node.via, node.answers = inside[0]
        elif pairs:
            node.via, node.answers = pairs[0]
    return nodes, responses


def _nest(nodes: dict[str, _Node]) -> list[_Node]:
    """Hang each shown counter-measure under the shown event it answers; return the top level."""
    top = []
    for node in nodes.values():
        if not node.shown:
            continue
        parent = nodes.get(node.answers) if node.answers else None
        if parent is not None and parent.shown and parent is not node:
            parent.children.append(node)
        else:
            top.append(node)
    # A cycle of answers (A answers B, B answers A) hangs from nothing: cut it at its earliest.
    reached: set[str] = set()

    def walk(start: _Node) -> None:
        stack = [start]
        while stack:
            current = stack.pop()
            if current.id in reached:
                continue
            reached.add(current.id)
            stack.extend(current.children)

    for node in top:
        walk(node)
    for node in sorted((n for n in nodes.values() if n.shown), key=lambda n: (n.start, n.id)):
        if node.id not in reached:
            nodes[node.answers].children.remove(node)
            top.append(node)
            walk(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.start, n.id))
    return top


def _items(
    store: Store,
    subject: Subject,
    window: Window,
    units: list[tuple],
    nodes: dict[str, _Node],
    read_responses: dict[str, list[dict]] | None,
    encoded: bool,
    kinds: tuple[str, ...] = KINDS,
    entity_history: list[dict] | None = None,
    stance: str | None = None,
) -> Iterator[dict | str]:
    from . import listing_history as lh

    # entity id -> {jurisdiction: (date_start, event id, date) of its first designation of it}
    firsts: dict[str, dict[str, tuple]] = {}
    first_events: set[str] = set()  # the events that are one of these first designations
    # entity id -> {jurisdiction: (date, listing id, date) of the first designation a list dates}
    list_firsts: dict[str, dict[str, tuple]] = {}
    snapshots = lh.snapshots_by_source(store)
    entity = subject.value if subject.kind == "entity" else None
    if entity is not None:  # its events are all in `nodes`: no need to ask the store
        firsts[entity] = _first_designations(n.row for n in nodes.values() if n.in_subject)
        first_events.update(first[1] for first in firsts[entity].values())
        if entity_history is None:
            entity_history = lh.entity_history(store, [entity]) if snapshots else []
        list_firsts[entity] = _first_listings(entity_history)
    show_events, show_responses = "event" in kinds, "response" in kinds
    flat = not show_events  # responses without their events stand at depth 0
    for start in range(0, len(units), UNITS_PER_CHUNK):
        chunk = units[start : start + UNITS_PER_CHUNK]
        event_ids: list[str] = []
        for unit in chunk:
            if unit[1] == 2:
                continue
            if unit[1] == 0:
                stack = [unit[3]]
                while stack:
                    node = stack.pop()
                    event_ids.append(node.id)
                    stack.extend(node.children)
        events = store.timeline.events([e for e in event_ids if nodes[e].row is None], encoded)
        events.update((e, nodes[e].row) for e in event_ids if nodes[e].row is not None)
        # Encoded records carry their targets; the others' are read here, and those of any
        # subject but an entity are needed for its "followed" lines.
        targets = store.timeline.targets(event_ids) if not encoded or entity is None else {}
        responses: dict[str, list[dict]] = {}
        if read_responses is None:
            unread = event_ids
        else:
            unread = [e for e in event_ids if not nodes[e].in_subject]
            for e in event_ids:
                if nodes[e].in_subject and e in read_responses:
                    responses[e] = read_responses[e]
        for row in store.timeline.responses_to(unread, encoded):
            responses.setdefault(row["event_id"], []).append(row)
        if not window.open:
            for e, rows in responses.items():
                responses[e] = [r for r in rows if window.holds(r["date_start"], r["date_end"])]
        if stance is not None:
            for e, rows in responses.items():
                responses[e] = [r for r in rows if r["stance"] == stance]
        orphans = store.timeline.responses([unit[2] for unit in chunk if unit[1] == 1], encoded)
        links: dict[str, list[dict]] = {}
        if snapshots and show_events:
            if entity is not None:
                links = {
                    e: lh.link_event(events[e], [entity], {entity: entity_history or []}, snapshots)
                    for e in event_ids if nodes[e].in_subject
                }  # fmt: skip
            else:
                links = lh.links_for_events(store, [events[e] for e in event_ids], targets, snapshots)
        dates = {e: (row["date"], row["date_start"]) for e, row in events.items()}
        wanted = {r["event_id"] for r in orphans.values()}
        wanted |= {nodes[e].answers for e in event_ids if nodes[e].answers}
        wanted -= dates.keys()
        if wanted:
            dates.update(store.timeline.event_dates(wanted))
        if entity is not None:
            relevant = {entity}
        else:
            relevant = {
                t["entity_id"]
                for e in event_ids
                if events[e]["action"] == "designation"
                for t in targets.get(e, [])
            }
            missing = relevant - firsts.keys()
            if missing:
                for entity_id, rows in store.timeline.first_designations(sorted(missing)).items():
                    firsts[entity_id] = {code: (start, eid, date) for code, start, eid, date in rows}
                    first_events.update(eid for _, _, eid, _ in rows)
                if snapshots:
                    by_entity: dict[str, list[dict]] = {}
                    for item in lh.entity_history(store, sorted(missing)):
                        by_entity.setdefault(item["entity_id"], []).append(item)
                    for entity_id in missing:
                        list_firsts[entity_id] = _first_listings(by_entity.get(entity_id, []))
        out: list[dict | str] = []

        def add_event(node: _Node, depth: int) -> None:
            row = events[node.id]
            answered = dates.get(node.answers) if node.answers else None
            timeline_fields = {
                "depth": depth,
                "lag_days": lag_days(answered[1], row["date_start"], row["date_end"]) if answered else None,
                "answers": node.answers,
                "via": node.via,
            }
            if entity is not None:
                named = timeline_fields["named_as"] = row.get("named_as", [])
                naming = [{"entity_id": entity, "name": name} for name in named]
            else:
                naming = targets.get(node.id, [])
            timeline_fields["follows"] = (
                _follows(row, naming, firsts, relevant, list_firsts) if node.id in first_events else []
            )
            timeline_fields["list_links"] = links.get(node.id, [])
            if not show_events:
                pass
            elif encoded:
                out.append(_splice(row["json"], timeline_fields))
            else:
                out.append(_event_item(row, targets.get(node.id, []), timeline_fields))
            below: list[tuple] = [
                (r["date_start"], 0, r["id"], r) for r in responses.get(node.id, ()) if show_responses
            ]
            if node.children:
                below += [(c.start, 1, c.id, c) for c in node.children]
                below.sort(key=lambda b: b[:3])
            for _, kind, _, what in below:
                if kind == 0:
                    out.append(_response_item(what, row["date_start"], 0 if flat else depth + 1, encoded))
                else:
                    add_event(what, depth + 1)

        for unit in chunk:
            if unit[1] == 0:
                add_event(unit[3], 0)
            elif unit[1] == 2:
                out.append(_ENCODE(unit[3]) if encoded else unit[3])
            else:
                row = orphans[unit[2]]
                event = dates.get(row["event_id"])
                out.append(_response_item(row, event[1] if event else None, 0, encoded))
        yield from out


# Items as JSON text: a record's JSON written by the store, the timeline's fields added to it.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def _splice(record_json: str, fields: dict) -> str:
    return record_json[:-1] + "," + _ENCODE(fields)[1:]


def _event_item(row: dict, targets: list[dict], fields: dict) -> dict:
    """An event's item: its fields (those of `show`, in the order of records.EVENT_FIELDS), then
    the timeline's (store.timeline.EVENT_JSON writes the same, as JSON)."""
    return {
        "type": "event",
        "id": row["id"],
        "date": row["date"],
        "authority": row["authority"],
        "jurisdiction": row["jurisdiction"],
        "action": row["action"],
        "program": row["program"],
        "legal_basis": row["legal_basis"],
        "targets": targets,
        "reason": row["reason"],
        "summary": row["summary"],
        "sources": row["sources"],
        "tags": row["tags"],
        "in_response_to": row["in_response_to"],
        **fields,
    }


def _first_designations(rows: Iterator[dict]) -> dict[str, tuple]:
    """{jurisdiction: (date_start, id, date)} of each jurisdiction's first designation among rows."""
    first: dict[str, tuple] = {}
    for row in rows:
        if row["action"] == "designation":
            key = (row["date_start"], row["id"])
            held = first.get(row["jurisdiction"])
            if held is None or key < held[:2]:
                first[row["jurisdiction"]] = (row["date_start"], row["id"], row["date"])
    return first


def _response_item(row: dict, event_start: str | None, depth: int, encoded: bool) -> dict | str:
    """A response's item: its fields (those of `show`, in the order of records.RESPONSE_FIELDS),
    then the timeline's (store.timeline.RESPONSE_JSON writes the same, as JSON)."""
    lag = lag_days(event_start, row["date_start"], row["date_end"]) if event_start else None
    if encoded:
        return _splice(row["json"], {"depth": depth, "lag_days": lag})
    return {
        "type": "response",
        "id": row["id"],
        "event_id": row["event_id"],
        "date": row["date"],
        "actor": row["actor"],
        "speaker": row["speaker"],
        "country": row["country"],
        "kind": row["kind"],
        "stance": row["stance"],
        "quote": row["quote"],
        "summary": row["summary"],
        "sources": row["sources"],
        "tags": row["tags"],
        "counter_event_id": row["counter_event_id"],
        "depth": depth,
        "lag_days": lag,
    }


def _first_listings(history: list[dict]) -> dict[str, tuple]:
    """{jurisdiction: (date, listing id, date)} of the first designation each jurisdiction's lists
    date themselves (a listing only first seen in a snapshot has no date: it never leads)."""
    first: dict[str, tuple] = {}
    for item in history:
        if item["change"] == "designation" and item["date_from"] == "list" and item["jurisdiction"]:
            held = first.get(item["jurisdiction"])
            if held is None or (item["date"], item["id"]) < held[:2]:
                first[item["jurisdiction"]] = (item["date"], item["id"], item["date"])
    return first


def _follows(
    row: dict, targets: list[dict], firsts: dict[str, dict[str, tuple]], relevant: set,
    list_firsts: dict[str, dict[str, tuple]] | None = None,
) -> list[dict]:  # fmt: skip
    """For a designation that is its jurisdiction's first of an entity that another jurisdiction
    designated earlier: one entry per earlier jurisdiction, oldest first, e.g.
    {entity_id, name, jurisdiction: "GB", followed: "US", followed_event_id, followed_date,
    lag_days: 340, text: "GB followed US after 340 days"}. Lags count from the start of each
    date's period."""
    if row["action"] != "designation":
        return []
    found: list[dict] = []
    seen: set[str] = set()
    mine_key = (row["date_start"], row["id"])
    for target in targets:
        entity_id = target["entity_id"]
        if entity_id in seen or entity_id not in relevant:
            continue
        seen.add(entity_id)
        by_code = firsts.get(entity_id, {})
        mine = by_code.get(row["jurisdiction"])
        if mine is None or mine[1] != row["id"]:
            continue
        # Each other jurisdiction's earliest dated act: its first recorded designation, or the
        # first listing its lists date themselves, whichever is earlier (the event on a tie).
        leaders: dict[str, tuple] = {
            code: (start, 0, eid, date) for code, (start, eid, date) in by_code.items()
        }
        for code, (start, listing, date) in (list_firsts or {}).get(entity_id, {}).items():
            if code not in leaders or (start, 1) < leaders[code][:2]:
                leaders[code] = (start, 1, listing, date)
        earlier = sorted(
            (start, origin, ref, date, code)
            for code, (start, origin, ref, date) in leaders.items()
            if code != row["jurisdiction"] and (start, ref) < mine_key
        )
        for start, origin, ref, date, code in earlier:
            days = lag_days(start, row["date_start"], row["date_end"])  # `start` is no later
            found.append(
                {
                    "entity_id": entity_id,
                    "name": target["name"],
                    "jurisdiction": row["jurisdiction"],
                    "followed": code,
                    "followed_from": "list" if origin else "event",
                    "followed_event_id": None if origin else ref,
                    "followed_listing": ref if origin else None,
                    "followed_date": date,
                    "lag_days": days,
                    "text": follow_text(row["jurisdiction"], code, days),
                }
            )
    return found


def follow_text(follower: str, leader: str, days: int) -> str:
    if days == 0:
        return f"{follower} designated on the same day as {leader}"
    return f"{follower} followed {leader} after {days} day{'s' if days != 1 else ''}"

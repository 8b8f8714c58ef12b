"""sanctrack's records as FollowTheMoney (FtM) entities: pure functions, no printing.

`ftm_entities(records)` maps own-format records (as `core.iter_export` yields them) to FtM entity
dicts, `{"id", "schema", "properties", "target"}`, which `followthemoney`'s model accepts as they
are (cleaning them changes nothing); `write_ftm` writes them as JSON lines. The `followthemoney`
package itself is not needed at run time: its rules for the few value types used here (dates,
country codes, URLs, names) are mirrored below, and the tests check every entity with it.

Mapping (`export --format ftm`; the kinds' schemata are vocabulary.FTM_SCHEMA_OF_KIND):
- a target -> Person, Company, Organization (also `group`), PublicBody (`government-body`),
  Vessel, Airplane, or LegalEntity (kind unknown); one FtM entity per sanctrack entity
  (`sanctrack-en-…`) with every name and alias the exported events give it (`name` the first,
  `alias` the others) and its countries. `"target": true` and topics `sanction` (or
  `sanction.counter` for a counter-sanction) while one of its exported Sanctions is in force
  (no endDate), else `"target": false`: a list importer then lists exactly what is in force;
- each target of an event -> a Sanction `sanctrack-ev-…-sanction-N` (N = the target's position):
  entity, authority, country (the jurisdiction, lower-case: FtM has `eu` and `un`), program,
  reason, summary, description (legal basis; what a counter-sanction answers), startDate (the
  event date) for a designation or renewal, else `date` (amendment, other) or endDate (a
  delisting), status (the action), endDate (the first later delisting of the same entity by the
  same authority, looked up in the store when the export's filters leave it out), sourceUrl
  (sources that are addresses; others go to `publisher`), recordId (the event id, then the event
  it answers);
- a response -> an Event `sanctrack-rs-…`: name, date, summary, description (the quote,
  verbatim), notes (the Sanction ids it answers, and those of a countermeasure's event),
  organizer (the responder), involved (the sanctioned parties that are LegalEntities, as FtM
  requires, and the speaker), country, program (of the event answered), keywords (kind, stance,
  tags), sourceUrl, recordId (the response id, the event it answers, the event that carries out
  a countermeasure). The responder is the sanctioned party itself when the actor is one of its
  names, else a LegalEntity `sanctrack-actor-…`; the speaker is a Person `sanctrack-person-…`;
  both carry `"target": false`.

FtM has no property whose range is a Sanction (an Interval, not a Thing: only Document.proof
reaches it), so nothing can refer to a Sanction by its id. A response reaches the Sanctions it
answers through `involved` (their parties, whose Sanctions name them), through `recordId` (the
answered event's id, the first recordId of each of its Sanctions) and, for readers, `notes`.
Dates keep their precision; a quarter (`2025-Q1`), which FtM cannot state, is exported as its year.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Iterator
from urllib.parse import urlparse

from .vocabulary import FTM_SCHEMA_OF_KIND

ID_PREFIX = "sanctrack-"

# Schemata that are FtM LegalEntities: only these can be an Event's `involved` or `organizer`
# (a Vessel or an Airplane is an asset).
LEGAL_ENTITIES = ("Person", "Company", "Organization", "PublicBody", "LegalEntity")
# Actions whose date is when a sanction starts; other actions' dates go in `date`.
STARTING_ACTIONS = ("designation", "renewal")

# The two-letter codes of FtM's country type (followthemoney 4.x): territories, `eu` for the
# European Union, `un` for the United Nations, `zz` for global. A sanctrack code outside it
# (codes are any two letters) is left out rather than exported invalid.
FTM_COUNTRIES = frozenset(
    """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq
    br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cp cq cr cu cv cw cx cy cz dd de dg dj
    dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr
    gs gt gu gw gy hk hm hn hr ht hu ic id ie il im in io ip iq ir is it je jm jo jp ke kg kh ki km
    kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr
    ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps
    pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz ta tc
    td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug um un us uy uz va vc ve vg vi vn vu wf ws xk
    ye yt za zm zr zw zz""".split()
)
URL_SCHEMES = ("http", "https", "ftp")

EventLookup = Callable[[str], "dict | None"]
EntityEvents = Callable[[str], "list[dict]"]


# -- values as FtM keeps them --------------------------------------------------------------------

# FtM's text cleaning (followthemoney.util.sanitize_text, normality's remove_unsafe_chars):
# controls other than tab and line breaks, zero-width and direction marks, soft hyphens and lone
# surrogates are deleted; unusual spaces become a plain space. Names also lose outer quotes and
# have their white space squashed (normality's strip_quotes, squash_spaces).
_DELETED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2060-\u2064\ufeff\ud800-\udfff]"
)
_SPACED = re.compile("[\u2000-\u200a\u2028\u2029\u0a00\u1680\u202f\u205f\u3000]")
_SQUASHED = re.compile("[\\s\u2028\u2000-\u200a\u2029\u0a00\u1680\u202f\u205f\u3000]+")
_QUOTED = re.compile(r"""^["'](.*)["']$""")
_HOST_LABEL = re.compile(r"[\w-]{1,63}")
_ALNUM = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s")


def _fixed_point(step: Callable[[str], str], text: str) -> str | None:
    """Apply `step` until the text no longer changes, so that FtM's cleaning (one pass) keeps the
    value as it is."""
    for _ in range(8):
        cleaned = step(text)
        if cleaned == text:
            break
        text = cleaned
    return text or None


def _text_step(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _SPACED.sub(" ", _DELETED.sub("", text)).strip()


def _cleaned(step: Callable[[str], str], value: str | None, limit: int) -> str | None:
    """`value` cleaned by `step`, cut to FtM's longest value of its type (limit characters)."""
    if value is None:
        return None
    text = _fixed_point(step, value)
    if text is not None and len(text) > limit:
        text = _fixed_point(step, text[:limit])
    return text


def clean_text(value: str | None) -> str | None:
    """Text as FtM stores it (NFC, no unsafe characters, stripped), or None when empty."""
    return _cleaned(_text_step, value, 65000)


def _name_step(text: str) -> str:
    text = _QUOTED.sub(r"\1", _text_step(text))
    return _SQUASHED.sub(" ", text).strip(" ")


def clean_name(value: str | None) -> str | None:
    """A name as FtM's name type keeps it: clean text, outer quotes removed, spaces squashed."""
    return _cleaned(_name_step, value, 384)


def clean_string(value: str | None) -> str | None:
    """A short string value (authority, program, keyword) as FtM's string type keeps it."""
    return _cleaned(_text_step, value, 1024)


def ftm_date(iso: str | None) -> str | None:
    """A sanctrack ISO date for FtM, whose dates have no quarters: `2025-Q1` becomes `2025`, the
    precision FtM can state without inventing one."""
    if not iso:
        return None
    return iso.split("-Q", 1)[0]


def ftm_country(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code if code in FTM_COUNTRIES else None


def _clean_url(text: str) -> str | None:
    """One pass of FtM's URL cleaning (rigour.urls.clean_url) for addresses with a scheme."""
    from ipaddress import ip_address

    try:
        parts = urlparse(text)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES or not parts.netloc or not host or _SPACE.search(parts.netloc):
        return None
    try:
        ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        if not all(_HOST_LABEL.fullmatch(label) and _ALNUM.search(label) for label in labels):
            return None
        if len(labels) > 1 and (len(labels[-1]) < 2 or labels[-1].isdigit()):
            return None
    return parts._replace(scheme=scheme, path=parts.path.strip() or "/").geturl()


def ftm_url(text: str | None) -> str | None:
    """`text` as an address that FtM's URL type keeps unchanged, or None when it is not an
    address with a scheme (http, https, ftp) and a host name."""
    text = (text or "").strip()
    if not text or _SPACE.search(text):
        return None
    url = _clean_url(text)
    if url is None or _clean_url(url) != url:
        return None
    return url


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


# -- ids -----------------------------------------------------------------------------------------


def entity_ftm_id(target: dict) -> str:
    """The FtM id of a target's entity: from its sanctrack entity id, else from its name."""
    if target.get("entity_id"):
        return ID_PREFIX + target["entity_id"]
    from .names import normalize_name

    return f"{ID_PREFIX}name-{_hash(normalize_name(target['name']) or _fold(target['name']))}"


def sanction_ftm_id(event_id: str, position: int) -> str:
    return f"{ID_PREFIX}{event_id}-sanction-{position}"


def response_ftm_id(response_id: str) -> str:
    return ID_PREFIX + response_id


def actor_ftm_id(actor: str) -> str:
    return f"{ID_PREFIX}actor-{_hash(_fold(actor))}"


def person_ftm_id(name: str, country: str | None) -> str:
    return f"{ID_PREFIX}person-{_hash(_fold(name), (country or '').upper())}"


# -- building entities ---------------------------------------------------------------------------


@dataclass
class _Entity:
    id: str
    schema: str
    target: bool | None = None
    properties: dict[str, list[str]] = field(default_factory=dict)

    def add(self, prop: str, *values: str | None) -> None:
        for value in values:
            if value is None:
                continue
            bucket = self.properties.setdefault(prop, [])
            if value not in bucket:
                bucket.append(value)

    def as_dict(self) -> dict:
        entity = {"id": self.id, "schema": self.schema, "properties": dict(self.properties)}
        if self.target is not None:
            entity["target"] = self.target
        return entity


@dataclass
class _Delisting:
    event_id: str
    start: str  # ISO day the delisting's date starts on
    date: str
    authority: str


class FtmBuilder:
    """Collects records, then yields their FtM entities (`entities()`).

    Everything is collected before anything is emitted: an entity gathers the names of every
    event naming it, and a designation's end date comes from a later delisting.
    `event_lookup(event_id)` (an event record with targets, or None) fills in the event of a
    response that is not among the records; `entity_events(entity_id)` (items with `id`, `date`,
    `authority`, `action`) finds delistings that are not among them. Both are optional.
    """

    def __init__(self, event_lookup: EventLookup | None = None, entity_events: EntityEvents | None = None):
        self.event_lookup = event_lookup
        self.entity_events = entity_events
        self.targets: dict[str, _Entity] = {}
        self.events: dict[str, dict] = {}  # exported events, by id
        self.responses: list[dict] = []
        self.delistings: dict[str, list[_Delisting]] = {}  # FtM entity id -> delistings
        self._looked_up: dict[str, dict | None] = {}

    # -- collecting --

    def add(self, record: dict) -> None:
        kind = record.get("type")
        if kind == "event":
            self.events[record["id"]] = record
            for target in record["targets"]:
                self._add_target(target)
                if record["action"] == "delisting":
                    self._add_delisting(entity_ftm_id(target), record["id"], record["date"], record["authority"])
        elif kind == "response":
            self.responses.append(record)

    def _add_target(self, target: dict) -> _Entity:
        entity_id = entity_ftm_id(target)
        schema = FTM_SCHEMA_OF_KIND.get(target.get("kind"), "LegalEntity")
        entity = self.targets.get(entity_id)
        if entity is None:
            entity = self.targets[entity_id] = _Entity(entity_id, schema)
        elif entity.schema == "LegalEntity" and schema != "LegalEntity":
            entity.schema = schema  # a later record knows what the party is
        names = [clean_name(n) for n in [target["name"], *target.get("aliases", [])]]
        for name in filter(None, names):
            if not entity.properties.get("name"):
                entity.add("name", name)
            elif name not in entity.properties["name"]:
                entity.add("alias", name)
        entity.add("country", ftm_country(target.get("country")))
        return entity

    def _add_delisting(self, entity_id: str, event_id: str, date: str, authority: str) -> None:
        from .dates import PartialDate

        known = self.delistings.setdefault(entity_id, [])
        if all(d.event_id != event_id for d in known):
            start = PartialDate.from_iso(date).start.isoformat()
            known.append(_Delisting(event_id, start, date, authority))

    def _event(self, event_id: str | None) -> dict | None:
        if event_id is None:
            return None
        if event_id in self.events:
            return self.events[event_id]
        if self.event_lookup is None:
            return None
        if event_id not in self._looked_up:
            self._looked_up[event_id] = self.event_lookup(event_id)
        return self._looked_up[event_id]

    # -- emitting --

    def entities(self) -> Iterator[dict]:
        """Targets, responders and speakers, then Sanctions, then response Events."""
        self._stored_delistings()
        sanctions = [s for event in self.events.values() for s in self._sanctions(event)]
        for target in self.targets.values():
            target.target = False
        for sanction, counter in sanctions:
            if "endDate" not in sanction.properties:  # in force (a delisting has an endDate)
                target = self.targets.get(sanction.properties["entity"][0])
                if target is not None:
                    target.target = True
                    target.add("topics", "sanction.counter" if counter else "sanction")
        others: dict[str, _Entity] = {}
        events = [self._response_event(r, others) for r in self.responses]
        for entity in [*self.targets.values(), *others.values()]:
            yield entity.as_dict()
        for sanction, _counter in sanctions:
            yield sanction.as_dict()
        for event in events:
            yield event.as_dict()

    def _stored_delistings(self) -> None:
        """Delistings of the exported targets that the records do not hold, from the store."""
        if self.entity_events is None:
            return
        for entity_id in list(self.targets):
            if not entity_id.startswith(ID_PREFIX + "en-"):
                continue
            for item in self.entity_events(entity_id[len(ID_PREFIX):]):
                if item.get("action") == "delisting":
                    self._add_delisting(entity_id, item["id"], item["date"], item["authority"])

    def _end_of(self, entity_id: str, event: dict) -> _Delisting | None:
        """The first delisting of the entity by the event's authority after the event."""
        from .dates import PartialDate

        start = PartialDate.from_iso(event["date"]).start.isoformat()
        later = [
            d
            for d in self.delistings.get(entity_id, [])
            if d.event_id != event["id"] and _fold(d.authority) == _fold(event["authority"]) and d.start >= start
        ]
        return min(later, key=lambda d: (d.start, d.event_id), default=None)

    def _sanctions(self, event: dict) -> Iterator[tuple[_Entity, bool]]:
        urls, publishers = _sources(event.get("sources", []))
        answered = self._event(event.get("in_response_to"))
        description = []
        if event.get("legal_basis"):
            description.append(f"Legal basis: {event['legal_basis']}")
        if event.get("in_response_to"):
            description.append("In response to " + _event_label(event["in_response_to"], answered))
        for position, target in enumerate(event["targets"], start=1):
            entity_id = entity_ftm_id(target)
            sanction = _Entity(sanction_ftm_id(event["id"], position), "Sanction")
            sanction.add("entity", entity_id)
            sanction.add("authority", clean_string(event["authority"]))
            sanction.add("country", ftm_country(event.get("jurisdiction")))
            sanction.add("program", clean_string(event.get("program")))
            sanction.add("reason", clean_text(event.get("reason")))
            sanction.add("summary", clean_text(event.get("summary")))
            sanction.add("description", clean_text("\n".join(description)) if description else None)
            action = event["action"]
            if action in STARTING_ACTIONS:
                sanction.add("startDate", ftm_date(event["date"]))
            elif action == "delisting":
                sanction.add("endDate", ftm_date(event["date"]))
            else:
                sanction.add("date", ftm_date(event["date"]))
            if action != "delisting":
                end = self._end_of(entity_id, event)
                if end is not None:
                    sanction.add("endDate", ftm_date(end.date))
            sanction.add("status", action)
            sanction.add("sourceUrl", *urls)
            sanction.add("publisher", *publishers)
            sanction.add("recordId", event["id"], event.get("in_response_to"))
            yield sanction, bool(event.get("in_response_to"))

    def _response_event(self, response: dict, others: dict[str, _Entity]) -> _Entity:
        event = self._event(response["event_id"])
        targets = event["targets"] if event else []
        for target in targets:
            if entity_ftm_id(target) not in self.targets:
                # The party of a sanction answered that is not itself exported: named, so that
                # `involved` points at an entity of the file, but not marked as a target.
                self._add_target(target).target = False
        entity = _Entity(response_ftm_id(response["id"]), "Event")
        label = ", ".join(filter(None, [response["kind"], response.get("stance")]))
        entity.add("name", clean_name(f"Response by {response['actor']} ({label})"))
        entity.add("date", ftm_date(response["date"]))
        entity.add("summary", clean_text(response.get("summary")))
        entity.add("description", clean_text(response.get("quote")))
        entity.add("notes", clean_text(_answer_note(response, event, self._event(response.get("counter_event_id")))))
        entity.add("organizer", self._responder(response, targets, others))
        entity.add("involved", *(e for e in map(entity_ftm_id, targets) if self._is_legal_entity(e)))
        if response.get("speaker"):
            speaker = clean_name(response["speaker"])
            if speaker is not None:
                person_id = person_ftm_id(speaker, response.get("country"))
                person = others.setdefault(person_id, _Entity(person_id, "Person", target=False))
                person.add("name", speaker)
                entity.add("involved", person_id)
        entity.add("country", ftm_country(response.get("country")))
        entity.add("program", clean_string(event.get("program")) if event else None)
        entity.add("keywords", response["kind"], response.get("stance"), *map(clean_string, response.get("tags", [])))
        urls, publishers = _sources(response.get("sources", []))
        entity.add("sourceUrl", *urls)
        entity.add("publisher", *publishers)
        entity.add("recordId", response["id"], response["event_id"], response.get("counter_event_id"))
        return entity

    def _is_legal_entity(self, entity_id: str) -> bool:
        entity = self.targets.get(entity_id)
        return entity is not None and entity.schema in LEGAL_ENTITIES

    def _responder(self, response: dict, targets: list[dict], others: dict[str, _Entity]) -> str | None:
        """The FtM id of the responder: the sanctioned party itself when named so, else an actor."""
        from .names import normalize_name

        actor = clean_name(response["actor"])
        if actor is None:
            return None
        key = normalize_name(actor) or _fold(actor)
        for target in targets:
            if not self._is_legal_entity(entity_ftm_id(target)):
                continue
            for name in [target["name"], *target.get("aliases", [])]:
                if (normalize_name(name) or _fold(name)) == key:
                    return entity_ftm_id(target)
        actor_id = actor_ftm_id(actor)
        entity = others.setdefault(actor_id, _Entity(actor_id, "LegalEntity", target=False))
        entity.add("name", actor)
        entity.add("country", ftm_country(response.get("country")))
        return actor_id


def _sources(sources: Iterable[str]) -> tuple[list[str], list[str]]:
    """Source URLs for `sourceUrl`; sources that are not addresses (a newspaper's name) for
    `publisher`."""
    urls, publishers = [], []
    for source in sources:
        url = ftm_url(source)
        if url is not None:
            urls.append(url)
        elif clean_string(source):
            publishers.append(clean_string(source))
    return urls, publishers


def _event_label(event_id: str, event: dict | None) -> str:
    if event is None:
        return f"sanctrack event {event_id}"
    return f"sanctrack event {event_id} ({event['date']}, {event['authority']}, {event['action']})"


def _answer_note(response: dict, event: dict | None, counter: dict | None) -> str:
    note = "Answers " + _event_label(response["event_id"], event)
    if event is not None:
        ids = [sanction_ftm_id(event["id"], n) for n in range(1, len(event["targets"]) + 1)]
        note += f": FtM Sanction {', '.join(ids)}"
    note += "."
    if response.get("counter_event_id"):
        note += " Carried out by " + _event_label(response["counter_event_id"], counter)
        if counter is not None:
            ids = [sanction_ftm_id(counter["id"], n) for n in range(1, len(counter["targets"]) + 1)]
            note += f": FtM Sanction {', '.join(ids)}"
        note += "."
    return note


# -- public entry points -------------------------------------------------------------------------


def ftm_entities(
    records: Iterable[dict],
    event_lookup: EventLookup | None = None,
    entity_events: EntityEvents | None = None,
) -> Iterator[dict]:
    """The FtM entities of own-format records (see the module's docstring for the mapping)."""
    builder = FtmBuilder(event_lookup, entity_events)
    for record in records:
        builder.add(record)
    return builder.entities()


def write_ftm(records: Iterable[dict], stream: IO[str], store=None) -> int:
    """Write the FtM entities of `records` as JSON lines; returns how many were written.

    With `store`, a response's event that is not among the records and delistings that are not
    among them are read from it (through `core`), so a filtered export stays linked.
    """
    from .render.text import json_safe  # control characters as \uXXXX, as all of sanctrack's JSON

    event_lookup = entity_events = None
    if store is not None:
        from . import core
        from .errors import NotFound

        def event_lookup(event_id: str) -> dict | None:
            try:
                return core.show_event(store, event_id)
            except NotFound:
                return None

        def entity_events(entity_id: str) -> list[dict]:
            try:
                return core.show_entity(store, entity_id)["events"]
            except NotFound:
                return []

    count = 0
    for entity in ftm_entities(records, event_lookup, entity_events):
        stream.write(json_safe(json.dumps(entity, ensure_ascii=False)) + "\n")
        count += 1
    return count


def ftm_writer(store) -> Callable[[Iterable[dict], str, IO[str]], int]:
    """A writer called as `ownformat.write_records` is (records, fmt, stream), for `export`."""

    def write(records: Iterable[dict], fmt: str, stream: IO[str]) -> int:
        return write_ftm(records, stream, store)

    return write

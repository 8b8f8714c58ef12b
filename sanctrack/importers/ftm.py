"""OpenSanctions data in FollowTheMoney form: entities files (entities.ftm.json, one entity per
line), delta files (entities.delta.json, one {"op": "ADD|MOD|DEL", "entity": {…}} per line) and
zavod's targets.simple.csv.

Listings are the target entities (Person, Company, Organization, LegalEntity, PublicBody, Vessel,
Airplane; not those marked `"target": false`). Other entities are joined onto them:
`Sanction` entities give programs and the listing date (the earliest startDate or listingDate),
`Address` entities the addresses named by `addressEntity`, `Passport`/`Identification` entities
identifiers. A joined entity may stand before or after its target, so a file is read in two
streaming passes: the first keeps only those joined entities (found by a text test before any JSON
is parsed), the second yields the targets. Memory holds the joins, never the whole file.

Delta files give is_delta=True and each Listing its `op`; a DEL names only the id, which is then
also its name. A delta's Sanction entities are joined onto the targets of the same delta only.
The `delta.json` version index (versions -> URLs) is not a list: it is refused with a message.

Publication date: a delta file in a folder named by its OpenSanctions version
(`20240528014702-pfh/entities.delta.json`) is dated by that version; any other file by the latest
`last_seen` of its entities (the day of the OpenSanctions run that exported them: every entity of
an export was seen by its run), read by a text scan before any JSON is parsed. A file whose
entities carry no `last_seen` has no date.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from .. import vocabulary
from ..errors import BadDataError
from ..vocabulary import KIND_OF_FTM_SCHEMA
from . import base
from .base import (
    ListImporter,
    ListRead,
    Listing,
    birth_date,
    clean,
    csv_records,
    head_csv_rows,
    identifier,
    iso_date,
    joined,
    reader_salt,
    row_raw,
    salted_hash,
    split_list,
    unique_cleaned,
    unique_dicts,
)

_IDENTIFIER_PROPERTIES = {
    "idNumber": "id number",
    "passportNumber": "passport",
    "taxNumber": "tax number",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "registrationNumber": "registration number",
    "imoNumber": "IMO",
    "mmsi": "MMSI",
    "swiftBic": "SWIFT/BIC",
    "leiCode": "LEI",
    "vatCode": "VAT",
}
_COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction")
_ALIAS_PROPERTIES = ("name", "alias", "weakAlias", "previousName")
_DELTA_OPS = ("ADD", "MOD", "DEL")

_INDEX = re.compile(rb'\A\s*\{\s*"versions"\s*:')
_DELTA_LINE = re.compile(rb'"op"\s*:\s*"(?:ADD|MOD|DEL)"')
_ENTITY_LINE = re.compile(rb'"schema"\s*:\s*"[A-Z]\w*"')
_JOINED_SCHEMAS = re.compile(rb'"schema"\s*:\s*"(?:Sanction|Address|Passport|Identification)"')
_SIMPLE_WHAT = "an OpenSanctions targets.simple.csv"
_VERSION = re.compile(r"(\d{4})(\d{2})(\d{2})\d{6}-[0-9a-z]+")  # OpenSanctions version ids
_LAST_SEEN = re.compile(rb'"last_seen"\s*:\s*"(\d{4}-\d{2}-\d{2})')
# OpenSanctions stamps every entity (and every targets.simple.csv row) with `last_seen`, the day
# of the run that exported it: a new value each day for every entity, changed or not. It dates
# the file (above) and is no part of a listing: kept in a version's raw, it made every entity a
# new version every day (a copy of the whole list a day); kept in the fingerprint, it had every
# entry parsed again each day.
_EXPORT_STAMP = "last_seen"
_EXPORT_STAMP_FIELD = re.compile(rb'"last_seen"\s*:\s*"[^"\\]*"')


def _unstamped(record: dict) -> dict:
    """An entity or a targets.simple.csv row for a listing's raw: without its export stamp."""
    return {key: value for key, value in record.items() if key != _EXPORT_STAMP}


def _is_simple_header(cells: list[str]) -> bool:
    return {"id", "schema", "name", "aliases", "identifiers", "sanctions", "dataset"} <= set(cells)


class FtmImporter(ListImporter):
    format = "ftm"
    sources = ("opensanctions",)
    description = "OpenSanctions FollowTheMoney entities, deltas, or targets.simple.csv"
    date_field = "last_seen of its entities"

    def detect(self, path: Path, head: bytes) -> bool:
        first_line = head.lstrip().split(b"\n", 1)[0]
        if not first_line.startswith(b"{"):
            rows = head_csv_rows(head, limit=1)
            return bool(rows) and _is_simple_header(rows[0])
        if _DELTA_LINE.search(first_line):
            return b'"entity"' in first_line
        return bool(_ENTITY_LINE.search(first_line)) and b'"properties"' in first_line

    def read(self, path: Path) -> ListRead:
        name = str(path)
        with open(path, "rb") as stream:
            head = stream.read(4096)
        if not head.strip():
            raise BadDataError(f"{name}: empty file: no entities")
        if _INDEX.match(head):
            raise BadDataError(
                f"{name}: this is an OpenSanctions delta index (versions mapped to URLs), not a "
                "list file",
                hint="import the entities.delta.json files it names, oldest first",
            )
        rows = head_csv_rows(head, limit=1)
        if rows and _is_simple_header(rows[0]):
            published, where = _simple_date(path, name)
            listings = _simple_listings(path, name)
            return ListRead("opensanctions", published, listings, self.format, published_from=where)
        delta = bool(_DELTA_LINE.search(head.lstrip().split(b"\n", 1)[0]))
        published, where = _dataset_date(path, delta)
        return ListRead(
            "opensanctions", published, _listings(path, name, delta), self.format, is_delta=delta,
            published_from=where, entries=None if delta else _entries(path, name),
        )


def _dataset_date(path: Path, delta: bool) -> tuple[str | None, str | None]:
    """(the date of an entities or delta file, where it was read), as the module says."""
    version = _VERSION.fullmatch(path.parent.name)
    if delta and version:
        return "-".join(version.groups()), f"the OpenSanctions version {path.parent.name} of its folder"
    latest = None
    with open(path, "rb") as stream:
        for line in stream:
            for found in _LAST_SEEN.findall(line):
                if latest is None or found > latest:
                    latest = found
    if latest is None:
        return None, None
    return iso_date(latest.decode("ascii")), "the latest last_seen of its entities"


def _simple_date(path: Path, name: str) -> tuple[str | None, str | None]:
    """The latest `last_seen` of a targets.simple.csv, as for an entities file."""
    latest = max(
        (iso_date(row.get("last_seen")) or "" for _, row in csv_records(path, name, _is_simple_header, _SIMPLE_WHAT)),
        default="",
    )
    return (latest, "the latest last_seen of its rows") if latest else (None, None)


# -- entities and deltas ---------------------------------------------------------------------------


def _values(properties: dict, key: str) -> list[str]:
    """A property's values (FtM holds every property as a list of strings)."""
    value = properties.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _json_lines(path: Path, name: str, only: re.Pattern | None) -> Iterator[tuple[int, dict, bytes]]:
    """(line number, object, the line) of a JSON-lines file, streamed; lines not matching `only`
    skipped unparsed."""
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if (only is not None and not only.search(line)) or not line.strip():
                continue
            try:
                value = json.loads(line)
            except UnicodeDecodeError:
                raise BadDataError(f"{name}: line {number}: not UTF-8 text") from None
            except json.JSONDecodeError as err:
                raise BadDataError(
                    f"{name}: line {number}: not JSON ({err.msg} at column {err.colno})"
                ) from None
            if not isinstance(value, dict):
                raise BadDataError(f"{name}: line {number}: not a JSON object")
            yield number, value, line


def _entities(
    path: Path, name: str, delta: bool, only: re.Pattern | None = None
) -> Iterator[tuple[str | None, dict, bytes]]:
    """(op or None, entity, its line) for each line, checked for the shape the file needs."""
    for number, value, line in _json_lines(path, name, only):
        op, entity = (value.get("op"), value.get("entity")) if delta else (None, value)
        if delta and (op not in _DELTA_OPS or not isinstance(entity, dict)):
            raise BadDataError(
                f"{name}: line {number}: not a delta line (needs op ADD, MOD or DEL and an entity)"
            )
        needs_schema = op != "DEL"
        if not isinstance(entity.get("id"), str) or (
            needs_schema and not isinstance(entity.get("schema"), str)
        ):
            raise BadDataError(
                f"{name}: line {number}: not a FollowTheMoney entity (needs an id and a schema)"
            )
        if not isinstance(entity.get("properties", {}), dict):
            raise BadDataError(f"{name}: line {number}: the entity's properties are not an object")
        yield op, entity, line


@dataclass
class _Joins:
    """What the non-target entities add to their targets, keyed by the target's (or the
    address's) id."""

    sanctions: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    addresses: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, list[dict | None]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entity: dict) -> None:
        schema, properties = entity["schema"], entity.get("properties") or {}
        if schema == "Sanction":
            for target in _values(properties, "entity"):
                self.sanctions[target].append(properties)
        elif schema == "Address":
            full = _values(properties, "full") or [entity.get("caption") or ""]
            self.addresses[entity["id"]] = full
        elif schema in ("Passport", "Identification"):
            for holder in _values(properties, "holder"):
                self.documents[holder] += [
                    identifier(
                        (_values(properties, "type") or [schema])[0],
                        number,
                        (_values(properties, "country") or [None])[0],
                    )
                    for number in _values(properties, "number")
                ]


def _joins(path: Path, name: str, delta: bool) -> _Joins:
    """What the file's sanctions, addresses and documents add to its targets (a first pass over
    the lines of those schemas only)."""
    joins = _Joins()
    for op, entity, _line in _entities(path, name, delta, only=_JOINED_SCHEMAS):
        if op != "DEL":
            joins.add(entity)
    return joins


def _target_kind(entity: dict) -> str | None:
    """The target kind of an entity that is a listing (a party, not a sanction or an address)."""
    kind = KIND_OF_FTM_SCHEMA.get(entity["schema"])
    return kind if entity.get("target") is not False else None


def _listings(path: Path, name: str, delta: bool) -> Iterator[Listing]:
    joins = _joins(path, name, delta)
    for op, entity, _line in _entities(path, name, delta):
        if op == "DEL":
            names = _values(entity.get("properties") or {}, "name")
            label = clean(entity.get("caption")) or next(iter(unique_cleaned(names)), entity["id"])
            yield Listing(list_id=entity["id"], name=label, raw=_unstamped(entity), op=op)
            continue
        kind = _target_kind(entity)
        if kind is not None:
            yield _entity_listing(entity, kind, joins, op)


def _entries(path: Path, name: str) -> Iterator[tuple[str, str, Callable[[], Listing]]]:
    """(list_id, fingerprint, parse) of each listing of a full file (ListRead.entries): the
    fingerprint covers the entity's line and all `_entity_listing` reads of the other entities
    (the sanctions and documents naming it, the addresses it names)."""
    joins = _joins(path, name, delta=False)
    # vocabulary.py says which schemas are targets and of what kind: part of the parse.
    salt = reader_salt(base, vocabulary, sys.modules[__name__])
    for _op, entity, line in _entities(path, name, delta=False):
        kind = _target_kind(entity)
        if kind is None:
            continue
        entity_id = entity["id"]
        joined = (
            joins.sanctions.get(entity_id),
            [joins.addresses.get(address) for address in _values(entity.get("properties") or {}, "addressEntity")],
            joins.documents.get(entity_id),
        )  # fmt: skip
        # A line holds no line break: the one after it parts it from the rest.
        line = _EXPORT_STAMP_FIELD.sub(b"", line.rstrip(b"\r\n"))
        data = line + b"\n" + repr(joined).encode("utf-8", "surrogatepass")
        yield entity_id, salted_hash(salt, data), partial(_entity_listing, entity, kind, joins, None)


def _entity_listing(entity: dict, kind: str, joins: _Joins, op: str | None) -> Listing:
    entity_id, properties = entity["id"], entity.get("properties") or {}
    names = unique_cleaned(value for key in _ALIAS_PROPERTIES for value in _values(properties, key))
    name = clean(entity.get("caption")) or next(iter(names), entity_id)
    sanctions = joins.sanctions.get(entity_id, [])
    listing_dates = [
        iso_date(date)
        for sanction in sanctions
        for date in _values(sanction, "startDate") + _values(sanction, "listingDate")
    ]
    sanction_programs = [
        program
        for sanction in sanctions
        for program in _values(sanction, "programId") or _values(sanction, "program")
    ]
    address_entities = [
        full
        for address_id in _values(properties, "addressEntity")
        for full in joins.addresses.get(address_id, [])
    ]
    raw = _unstamped(entity)
    if sanctions:
        raw["sanctions"] = sanctions
    return Listing(
        list_id=entity_id,
        name=name,
        aliases=[alias for alias in names if alias != name],
        kind=kind,
        programs=unique_cleaned(_values(properties, "programId") + sanction_programs),
        countries=unique_cleaned(
            value.upper() for key in _COUNTRY_PROPERTIES for value in _values(properties, key)
        ),
        listed_on=min(filter(None, listing_dates), default=None),
        birth_dates=unique_cleaned(map(birth_date, _values(properties, "birthDate"))),
        identifiers=unique_dicts(
            [
                *(
                    identifier(kind_name, value)
                    for key, kind_name in _IDENTIFIER_PROPERTIES.items()
                    for value in _values(properties, key)
                ),
                *joins.documents.get(entity_id, []),
            ]
        ),
        addresses=unique_cleaned(_values(properties, "address") + address_entities),
        remarks=joined(unique_cleaned(_values(properties, "notes")), "\n"),
        raw=raw,
        op=op,
    )


# -- targets.simple.csv ----------------------------------------------------------------------------


def _simple_listings(path: Path, name: str) -> Iterator[Listing]:
    """zavod's flat export: one target per row, lists ";"-separated. Its `sanctions` column is a
    free-text summary, so it stays in raw; programs come from `program_ids` where the file has
    that column (zavod added it in 2025)."""
    for number, row in csv_records(path, name, _is_simple_header, _SIMPLE_WHAT):
        list_id, entity_name = clean(row["id"]), clean(row["name"])
        if not list_id or not entity_name:
            raise BadDataError(f"{name}: line {number}: a target needs an id and a name")
        yield Listing(
            list_id=list_id,
            name=entity_name,
            aliases=[alias for alias in split_list(row["aliases"]) if alias != entity_name],
            kind=KIND_OF_FTM_SCHEMA.get(clean(row["schema"]) or ""),
            programs=split_list(row.get("program_ids")),
            countries=[country.upper() for country in split_list(row.get("countries"))],
            birth_dates=unique_cleaned(map(birth_date, split_list(row.get("birth_date")))),
            identifiers=unique_dicts(
                identifier("id", value) for value in split_list(row["identifiers"])
            ),
            addresses=split_list(row.get("addresses")),
            raw=_unstamped(row_raw(row)),
        )

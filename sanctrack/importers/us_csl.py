"""US Consolidated Screening List CSV (trade.gov), both layouts: the current one of
data.trade.gov, which has an `_id` column, and the older api.trade.gov one without it.

One row is one Listing. Decisions:
- list_id: `_id` when the file has it, else `entity_number` (OFAC's ent_num, given for Treasury
  rows), else `csl-` + the first 16 hex digits of the SHA-256 of source, name and addresses: the
  BIS and State lists carry no id, and these three fields are what tells their rows apart.
- programs: the row's `programs` (";"-separated). The CSL `source` (which agency list: "Entity
  List (EL) - Bureau of Industry and Security"…) is always in raw, and becomes the only program
  when the row names none, since for the BIS and State lists it is the only regime there is.
- one party on several sub-lists: the official file gives a party on, say, the SDN and the CAPTA
  list one row per sub-list under one `_id` (the May 2022 file has such pairs). Those rows are one
  listing, carrying every row: names, programs, sub-lists (`raw["sources"]`), addresses and
  identifiers of each, the earliest start_date; `raw["rows"]` keeps the rows as read. The
  import's `merged_rows` counts the rows folded in, so rows = listings + merged_rows.
- published: None (the file carries no date): an import needs --published.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator

from ..errors import BadDataError
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
    kind_of,
    required_date,
    row_raw,
    split_list,
    unique_cleaned,
    unique_dicts,
)

_WHAT = "a US Consolidated Screening List CSV"
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
# "ids" items that are OFAC remarks, not identifiers: labels ending in ":" or "-" ("Secondary
# sanctions risk:", "Executive Order 13662 Directive Determination -"), contact details and
# vessel flags ("Panama, Former Vessel Flag").
_NOT_IDENTIFIERS = {"gender", "website", "email address", "phone number"}


def _is_header(cells: list[str]) -> bool:
    return {"source", "entity_number", "name", "alt_names", "source_list_url"} <= set(cells)


class UsCslImporter(ListImporter):
    format = "us-csl"
    sources = ("us-csl",)
    description = "US Consolidated Screening List (trade.gov), consolidated.csv"

    def detect(self, path: Path, head: bytes) -> bool:
        rows = head_csv_rows(head, limit=1)
        return bool(rows) and _is_header(rows[0])

    def read(self, path: Path) -> ListRead:
        name = str(path)
        read = ListRead("us-csl", None, iter(()), format=self.format)
        read.listings = self._listings(path, name, read)
        return read

    def _listings(self, path: Path, name: str, read: ListRead) -> Iterator[Listing]:
        """One listing per list id, streamed: a first pass counts each id's rows, so only the
        rows of a party on several sub-lists wait (until its last row) to be merged."""
        rows_of: dict[str, int] = {}
        for _number, row in csv_records(path, name, _is_header, _WHAT):
            list_id = _list_id(row)
            rows_of[list_id] = rows_of.get(list_id, 0) + 1
        waiting: dict[str, list[Listing]] = {}
        for number, row in csv_records(path, name, _is_header, _WHAT):
            listing = _csl_listing(row, f"{name}: line {number}")
            count = rows_of.get(listing.list_id, 1)
            if count == 1:
                yield listing
                continue
            group = waiting.setdefault(listing.list_id, [])
            group.append(listing)
            if len(group) == count:
                del waiting[listing.list_id]
                read.merged_rows += count - 1
                yield _merged(group)


def _csl_listing(row: dict[str, str], where: str) -> Listing:
    def cell(column: str) -> str | None:
        return clean(row.get(column))

    name = cell("name")
    if not name:
        raise BadDataError(f"{where}: no name")
    source, addresses = cell("source"), split_list(row.get("addresses"))
    list_id = _list_id(row)
    new_layout = "_id" in row  # the two layouts order the parts of an "ids" item differently
    return Listing(
        list_id=list_id,
        name=name,
        aliases=[alias for alias in split_list(row.get("alt_names")) if alias != name],
        kind=kind_of(cell("type")),
        programs=split_list(row.get("programs")) or unique_cleaned([source]),
        countries=unique_cleaned(
            [
                *split_list(row.get("citizenships"), ";,"),
                *split_list(row.get("nationalities"), ";,"),
                *map(_address_country, addresses),
            ]
        ),
        listed_on=required_date(cell("start_date"), iso_date, f"{where}: start_date"),
        birth_dates=unique_cleaned(map(birth_date, split_list(row.get("dates_of_birth")))),
        identifiers=unique_dicts(
            _identifier(item, new_layout) for item in split_list(row.get("ids"))
        ),
        addresses=addresses,
        remarks=cell("remarks"),
        raw=row_raw(row),
    )


def _list_id(row: dict[str, str]) -> str:
    return (
        clean(row.get("_id")) or clean(row.get("entity_number"))
        or _hashed_id(clean(row.get("source")), clean(row.get("name")) or "", row.get("addresses"))
    )  # fmt: skip


def _merged(rows: list[Listing]) -> Listing:
    """The rows of one list id (one party on several sub-lists) as one listing keeping all."""
    first = rows[0]
    names = unique_cleaned(name for row in rows for name in [row.name, *row.aliases])

    def every(field: str) -> list:
        return list(dict.fromkeys(item for row in rows for item in getattr(row, field)))

    dates = [row.listed_on for row in rows if row.listed_on]
    raw = dict(first.raw)
    raw["sources"] = unique_cleaned(row.raw.get("source") for row in rows)
    raw["rows"] = [row.raw for row in rows]
    return Listing(
        list_id=first.list_id,
        name=first.name,
        aliases=[name for name in names if name != first.name],
        kind=next((row.kind for row in rows if row.kind), None),
        programs=every("programs"),
        countries=every("countries"),
        listed_on=min(dates, key=lambda d: (d, len(d))) if dates else None,
        birth_dates=every("birth_dates"),
        identifiers=unique_dicts(identifier for row in rows for identifier in row.identifiers),
        addresses=every("addresses"),
        remarks="\n".join(unique_cleaned(row.remarks for row in rows)) or None,
        raw=raw,
    )


def _hashed_id(source: str | None, name: str, addresses: str | None) -> str:
    key = "\x1f".join([source or "", name, clean(addresses) or ""])
    return "csl-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _address_country(address: str) -> str | None:
    """The ISO code the CSL puts last in an address ("…, Yerevan, Armenia, AM")."""
    last = address.rsplit(",", 1)[-1].strip()
    return last if _COUNTRY_CODE.fullmatch(last) else None


def _identifier(item: str, new_layout: bool) -> dict | None:
    """An "ids" item: "Passport, 836238033, KP" (type, number, country) in the current layout;
    "US, 80-0890696, Tax ID No." or "5030056754, Tax ID No." (country?, number, type) in the old.
    None for the items that are remarks rather than identifiers."""
    parts = [part.strip() for part in item.split(",")]
    if len(parts) < 2:
        return None
    if new_layout:
        kind, country = parts[0], parts[2] if len(parts) > 2 else None
        value = parts[1]
        if country and not _COUNTRY_CODE.fullmatch(country):
            value, country = ", ".join(parts[1:]), None
    else:
        kind = parts[-1]
        country = parts[0] if len(parts) > 2 and _COUNTRY_CODE.fullmatch(parts[0]) else None
        value = ", ".join(parts[1:-1] if country else parts[:-1])
    if kind.endswith((":", "-")) or kind.lower() in _NOT_IDENTIFIERS or "flag" in kind.lower():
        return None
    return identifier(kind, value, country)

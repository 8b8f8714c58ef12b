"""UK lists: the FCDO UK Sanctions List (XML and CSV) and OFSI's retired Consolidated List CSV.

All three UK formats describe a designation with the same fields (name parts 1-6 with a name type,
regime, "Individual/Entity/Ship", designation date, DOBs, nationalities, passports, addresses…), so
each format fills one `_UkDesignation` and one method turns it into a Listing. The CSVs have one row
per name or address: rows are grouped by their id wherever they stand in the file.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from xml.etree.ElementTree import Element

from ..errors import BadDataError
from .base import (
    ListImporter,
    ListRead,
    Listing,
    XmlListImporter,
    birth_date,
    clean,
    csv_preamble,
    csv_records,
    dmy_date,
    element_record,
    head_csv_rows,
    identifier,
    joined,
    kind_of,
    required_date,
    row_raw,
    texts,
    unique_cleaned,
    unique_dicts,
    xml_preamble,
)


def merge_raw(raw: dict, row: dict[str, str]) -> None:
    """Adds a CSV row's non-empty cells to a grouped record's raw fields: one value, or a list of
    the distinct values the rows of the record give."""
    for column, value in row_raw(row).items():
        held = raw.get(column)
        if held is None:
            raw[column] = value
        elif isinstance(held, list):
            if value not in held:
                held.append(value)
        elif held != value:
            raw[column] = [held, value]


# -- the UK designation, whichever format it came from ---------------------------------------------

# FCDO's and OFSI's words for the main name; a "Primary Name Variation" is an alias.
_PRIMARY_NAME_TYPES = {"primary name", "prime alias"}


@dataclass
class _UkDesignation:
    """What one UK format says about one designation (a CSV says it over several rows), gathered
    before it becomes a Listing. The lists take values as read: `listing()` cleans and dedupes."""

    list_id: str
    where: str  # for error messages: file and record or line
    names: list[tuple[str, str]] = field(default_factory=list)  # (name type, full name)
    script_names: list[str | None] = field(default_factory=list)  # names in non-Latin script
    kinds: list[str | None] = field(default_factory=list)
    regimes: list[str | None] = field(default_factory=list)
    designated: list[str | None] = field(default_factory=list)  # ISO dates
    birth_dates: list[str | None] = field(default_factory=list)
    nationalities: list[str | None] = field(default_factory=list)
    address_countries: list[str | None] = field(default_factory=list)
    flags: list[str | None] = field(default_factory=list)  # a ship's current flag
    addresses: list[str | None] = field(default_factory=list)
    identifiers: list[dict | None] = field(default_factory=list)
    remarks: list[str | None] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    def add_name(self, name_type: str | None, parts: Iterable[str | None]) -> None:
        """A name given as parts 1-6 (6 is the surname, so the order is already the written one)."""
        full = joined(parts, " ")
        if full:
            self.names.append(((clean(name_type) or "").lower(), full))

    def add_address(
        self, lines: Iterable[str | None], postcode: str | None, country: str | None
    ) -> None:
        self.addresses.append(joined([*lines, postcode, country]))
        self.address_countries.append(country)

    def add_designated(self, text: str | None, where: str) -> None:
        self.designated.append(required_date(text, dmy_date, where))

    def listing(self) -> Listing:
        primary = [full for kind, full in self.names if kind in _PRIMARY_NAME_TYPES]
        names = unique_cleaned(primary + [full for _kind, full in self.names])
        if not names:
            raise BadDataError(f"{self.where}: {self.list_id} has no name")
        return Listing(
            list_id=self.list_id,
            name=names[0],
            aliases=[
                alias for alias in unique_cleaned(names[1:] + self.script_names) if alias != names[0]
            ],
            kind=next(filter(None, map(kind_of, self.kinds)), None),
            programs=unique_cleaned(self.regimes),
            countries=unique_cleaned(self.nationalities + self.address_countries + self.flags),
            listed_on=min(unique_cleaned(self.designated), default=None),
            birth_dates=unique_cleaned(map(birth_date, self.birth_dates)),
            identifiers=unique_dicts(self.identifiers),
            addresses=unique_cleaned(self.addresses),
            remarks=joined(unique_cleaned(self.remarks), "\n"),
            raw=self.raw,
        )


class _UkCsvImporter(ListImporter):
    """A UK CSV: one row per name or address, the rows of a designation grouped by `id_column`
    wherever they stand in the file (a dict of designations: the lists are small enough)."""

    what: str = ""
    id_column: str = ""

    def is_header(self, cells: list[str]) -> bool:
        raise NotImplementedError

    def published(self, preamble: list[list[str]], name: str) -> str | None:
        """The publication date, from the lines above the header."""
        raise NotImplementedError

    def add_row(self, entry: _UkDesignation, row: dict[str, str], where: str) -> None:
        raise NotImplementedError

    def detect(self, path: Path, head: bytes) -> bool:
        return any(map(self.is_header, head_csv_rows(head)))

    def read(self, path: Path) -> ListRead:
        name = str(path)
        published = self.published(csv_preamble(path, name, self.is_header, self.what), name)
        return ListRead(self.sources[0], published, self._listings(path, name), format=self.format)

    def _listings(self, path: Path, name: str) -> Iterator[Listing]:
        designations: dict[str, _UkDesignation] = {}
        for number, row in csv_records(path, name, self.is_header, self.what):
            where = f"{name}: line {number}"
            list_id = clean(row[self.id_column])
            if not list_id:
                raise BadDataError(f"{where}: no {self.id_column}")
            entry = designations.setdefault(list_id, _UkDesignation(list_id, where))
            self.add_row(entry, row, where)
            merge_raw(entry.raw, row)
        for entry in designations.values():
            yield entry.listing()


# -- UK Sanctions List XML (FCDO) ------------------------------------------------------------------


class UkXmlImporter(XmlListImporter):
    format = "uk-xml"
    date_field = "DateGenerated"
    sources = ("uk",)
    description = "UK Sanctions List (FCDO), UK-Sanctions-List.xml"
    root = "Designations"
    what = "a UK Sanctions List XML"
    record_tags = frozenset({"Designation"})

    def published(self, path: Path, name: str) -> str | None:
        # Not an attribute here: the first child, <DateGenerated>10/09/2026</DateGenerated>.
        _, generated = xml_preamble(
            path, name, self.root, self.what, "DateGenerated", stop="Designation"
        )
        return required_date(generated, dmy_date, f"{name}: DateGenerated")

    def listing(self, record: Element, where: str) -> Listing:
        return _uk_xml_designation(record, where).listing()


def _uk_xml_designation(element: Element, where: str) -> _UkDesignation:
    list_id = clean(element.findtext("UniqueID"))
    if not list_id:
        raise BadDataError(f"{where}: no UniqueID")
    entry = _UkDesignation(list_id, where, raw=element_record(element) or {})
    for name in element.iterfind("Names/Name"):
        parts = [name.findtext(f"Name{number}") for number in range(1, 7)]
        entry.add_name(name.findtext("NameType"), parts)
    entry.script_names = texts(element, "NonLatinNames/NonLatinName/NameNonLatinScript")
    entry.kinds = texts(element, "IndividualEntityShip")
    entry.regimes = texts(element, "RegimeName")
    entry.add_designated(element.findtext("DateDesignated"), f"{where}: DateDesignated")
    entry.birth_dates = texts(element, ".//DOBs/DOB")
    entry.nationalities = texts(element, ".//Nationalities/Nationality")
    entry.flags = texts(element, ".//CurrentBelievedFlagOfShip")
    for address in element.iterfind("Addresses/Address"):
        entry.add_address(
            [address.findtext(f"AddressLine{number}") for number in range(1, 7)],
            address.findtext("AddressPostalCode"),
            address.findtext("AddressCountry"),
        )
    numbers = {  # identifier type -> where the XML holds its numbers
        "passport": ".//Passport/PassportNumber",
        "national id": ".//NationalIdentifier/NationalIdentifierNumber",
        "IMO": ".//IMONumber",
        "registration number": ".//BusinessRegistrationNumber",
    }
    entry.identifiers = [
        identifier("UN reference", element.findtext("UNReferenceNumber")),
        *(identifier(kind, text) for kind, at in numbers.items() for text in texts(element, at)),
    ]
    entry.remarks = [element.findtext("OtherInformation"), element.findtext("UKStatementofReasons")]
    return entry


# -- UK Sanctions List CSV (FCDO) ------------------------------------------------------------------


def _report_date(text: str) -> str | None:
    """ISO from the CSV's 'Report Date: 08-Oct-2026' (or the date alone)."""
    text = text.split(":", 1)[-1].strip()
    try:
        return datetime.datetime.strptime(text, "%d-%b-%Y").date().isoformat()
    except ValueError:
        return dmy_date(text)


class UkCsvImporter(_UkCsvImporter):
    format = "uk-csv"
    date_field = "Report Date line"
    sources = ("uk",)
    description = "UK Sanctions List (FCDO), UK-Sanctions-List.csv"
    what = "a UK Sanctions List CSV"
    id_column = "Unique ID"

    def is_header(self, cells: list[str]) -> bool:
        return {"Unique ID", "Name 6", "Name type", "Regime Name"} <= set(cells)

    def published(self, preamble: list[list[str]], name: str) -> str | None:
        for row in preamble:  # "Report Date: 08-Oct-2026"
            if row and row[0].lower().startswith("report date"):
                return required_date(row[0], _report_date, f"{name}: Report Date")
        return None

    def add_row(self, entry: _UkDesignation, row: dict[str, str], where: str) -> None:
        cell = row.get
        entry.add_name(cell("Name type"), [cell(f"Name {number}") for number in range(1, 7)])
        entry.script_names.append(cell("Name non-latin script"))
        entry.kinds.append(cell("Designation Type"))
        entry.regimes.append(cell("Regime Name"))
        entry.add_designated(cell("Date Designated"), f"{where}: Date Designated")
        entry.birth_dates.append(cell("D.O.B"))
        entry.nationalities.append(cell("Nationality(/ies)"))
        entry.flags.append(cell("Current believed flag of ship"))
        entry.add_address(
            [cell(f"Address Line {number}") for number in range(1, 7)],
            cell("Address Postal Code"),
            cell("Address Country"),
        )
        entry.identifiers += [
            identifier("UN reference", cell("UN Reference Number")),
            identifier("passport", cell("Passport number")),
            identifier("national id", cell("National Identifier number")),
            identifier("IMO", cell("IMO number")),
            identifier("registration number", cell("Business registration number (s)")),
        ]
        entry.remarks += [cell("Other Information"), cell("UK Statement of Reasons")]


# -- OFSI Consolidated List CSV (ConList.csv, retired 28 Jan 2026) ---------------------------------


_NUMBERED_ITEM = re.compile(r"(?:^|\s)\d+\)\s*")  # "1) Saudi Arabia 2) Qatar"


class UkOfsiCsvImporter(_UkCsvImporter):
    format = "uk-ofsi-csv"
    date_field = "Last Updated line"
    sources = ("uk-ofsi",)
    description = "OFSI Consolidated List (retired), ConList.csv"
    what = "an OFSI Consolidated List CSV"
    id_column = "Group ID"

    def is_header(self, cells: list[str]) -> bool:
        return {"Name 6", "Group ID", "Group Type", "Alias Type"} <= set(cells)

    def published(self, preamble: list[list[str]], name: str) -> str | None:
        # The published files start with "Last Updated,dd/mm/yyyy"; the sample lacks it.
        for row in preamble:
            if len(row) > 1 and row[0].lower() == "last updated":
                return required_date(row[1], dmy_date, f"{name}: Last Updated")
        return None

    def add_row(self, entry: _UkDesignation, row: dict[str, str], where: str) -> None:
        cell = row.get
        entry.add_name(cell("Alias Type"), [cell(f"Name {number}") for number in range(1, 7)])
        entry.kinds.append(cell("Group Type"))
        entry.regimes.append(cell("Regime"))
        entry.add_designated(cell("Listed On"), f"{where}: Listed On")
        entry.birth_dates.append(cell("DOB"))
        entry.nationalities += _NUMBERED_ITEM.split(cell("Nationality") or "")
        entry.add_address(
            [cell(f"Address {number}") for number in range(1, 7)],
            cell("Post/Zip Code"),
            cell("Country"),
        )
        entry.identifiers += [
            identifier("passport", cell("Passport Details")),  # free text, as written
            identifier("national id", cell("NI Number")),
        ]
        entry.remarks.append(cell("Other Information"))

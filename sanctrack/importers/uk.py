"""UK lists: the FCDO UK Sanctions List (XML and CSV) and OFSI's retired Consolidated List CSV.

The first section holds the helpers that the importers of the UK, EU, UN, US CSL and OpenSanctions
lists share (dates, identifiers, XML streaming, CSV reading). They belong beside `base.py`'s
helpers, which another module owns; they live here, in one place, so that no importer repeats them.

All three UK formats describe a designation with the same fields (name parts 1-6 with a name type,
regime, "Individual/Entity/Ship", designation date, DOBs, nationalities, passports, addresses…), so
each format fills one `_UkDesignation` and one method turns it into a Listing. The CSVs have one row
per name or address: rows are grouped by their id wherever they stand in the file.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from xml.etree.ElementTree import Element

from ..errors import BadDataError
from .base import ListImporter, ListRead, Listing, clean, iterparse_safely, local_name, text_lines

# -- helpers shared by the list importers (uk, eu, un, us_csl, ftm) --------------------------------


def unique(values: Iterable[str | None]) -> list[str]:
    """Cleaned, non-empty values in first-seen order, each once."""
    return list(dict.fromkeys(value for value in map(clean, values) if value))


def unique_dicts(values: Iterable[dict | None]) -> list[dict]:
    """Dicts (identifiers) in first-seen order, each once; None skipped."""
    seen: dict[tuple, dict] = {}
    for value in values:
        if value is not None:
            seen.setdefault(tuple(value.items()), value)
    return list(seen.values())


def joined(parts: Iterable[str | None], separator: str = ", ") -> str | None:
    """The non-empty parts (of an address, of a name) on one line, or None."""
    return separator.join(part for part in map(clean, parts) if part) or None


def split_list(value: str | None, separators: str = ";") -> list[str]:
    """A cell holding several values ("IFSR; NPWMD") as a list."""
    return unique(re.split(f"[{re.escape(separators)}]", value or ""))


_KINDS = {
    "individual": "person",
    "person": "person",
    "entity": "organization",  # UK, UN and CSL do not tell companies from other bodies
    "enterprise": "organization",  # EU: companies, but also armed groups and state bodies
    "organization": "organization",
    "company": "company",
    "ship": "vessel",
    "vessel": "vessel",
    "aircraft": "aircraft",
}


def kind_of(word: str | None) -> str | None:
    """A Listing kind from a list's own word for it (Individual, Entity, Ship, enterprise…)."""
    return _KINDS.get((clean(word) or "").lower())


def identifier(id_type: str | None, value: str | None, country: str | None = None) -> dict | None:
    """An identifier dict, its type named alike across lists (passport, national id, registration
    number); None when there is no value."""
    value = clean(value)
    if not value:
        return None
    id_type = clean(id_type) or "id"
    lowered = id_type.lower()
    if "passport" in lowered:
        id_type = "passport"
    elif "national id" in lowered:  # "National Identification Number" (UN), "… card" (EU)
        id_type = "national id"
    elif "registration n" in lowered:  # "Registration Number" (EU), "Business registration …" (UK)
        id_type = "registration number"
    return {"type": id_type, "value": value, "country": clean(country)}


# Dates. Lists write dd/mm/yyyy (UK, with dd or 00 for an unknown day or month) or ISO, sometimes
# with a time or a time zone after it (UN "2015-04-07-04:00"). Partial dates stay partial.

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}|dd|DD)/(\d{1,2}|mm|MM)/(\d{4})")
_ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T \-+Z])")


def _partial_iso(year: int, month: int | None, day: int | None) -> str | None:
    """'1958-05-12', '1958-05' or '1958' when the parts make a real (partial) date, else None."""
    if month == 0 or day == 0:
        return None
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def dmy_date(text: str | None) -> str | None:
    """ISO from dd/mm/yyyy ('12/05/1958' -> '1958-05-12'; 'dd/mm/1945', '00/00/1980' -> the
    year alone) or from a bare year; None when the text is not of that form."""
    text = clean(text) or ""
    if re.fullmatch(r"\d{4}", text):
        return _partial_iso(int(text), None, None)
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if not match:
        return None
    day, month, year = match.groups()
    month_number = int(month) if month.isdigit() and int(month) else None
    day_number = int(day) if day.isdigit() and int(day) and month_number else None
    return _partial_iso(int(year), month_number, day_number)


def iso_date(text: str | None) -> str | None:
    """The ISO (partial) date at the start of `text` ('2026-02-27T00:00:09Z' -> '2026-02-27'),
    or None when it does not start with one."""
    match = _ISO_PREFIX.match(clean(text) or "")
    if not match:
        return None
    year, month, day = match.groups()
    return _partial_iso(int(year), month and int(month), day and int(day))


def required_date(text: str | None, read: Callable[[str], str | None], where: str) -> str | None:
    """A listing or publication date: None when absent, BadDataError when present but unreadable
    (every record is dated from it, so a guess would be worse than a refusal)."""
    text = clean(text)
    if text is None:
        return None
    value = read(text)
    if value is None:
        raise BadDataError(f"{where}: unreadable date {text!r}")
    return value


def birth_date(text: str | None) -> str | None:
    """A birth date as ISO where it reads as one (either order the lists use), else as written."""
    text = clean(text)
    return text and (dmy_date(text) or iso_date(text) or text)


# XML. Detection reads only the root element's name from the file's first bytes; reading streams
# the records one by one and drops each after use, so memory stays flat on whole lists.

_XML_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*"
    rb"(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
    rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)",
    re.DOTALL,
)


def xml_root_name(head: bytes) -> str | None:
    """The local name of the root element of an XML file's head, or None if it is not XML.

    A DOCTYPE is skipped, so a list file that declares entities is still recognised (and then
    refused by the reader, rather than said to be of no known format)."""
    match = _XML_ROOT.match(head)
    return match and match.group(1).decode("ascii").rsplit(":", 1)[-1]


def xml_preamble(
    path: Path, name: str, root: str, what: str, wanted: str | None = None, stop: str | None = None
) -> tuple[dict, str | None]:
    """The root element's attributes and the text of the first `wanted` element, read from the
    start of the file only (up to the first `stop` element), so `read()` learns the publication
    date without parsing the list. BadDataError if the root is not `root`."""
    with open(path, "rb") as stream:
        events = iterparse_safely(stream, name, events=("start", "end"))
        try:
            event, element = next(events)
            if local_name(element.tag) != root:
                raise BadDataError(
                    f"{name}: not {what}: the root element is <{local_name(element.tag)}>, "
                    f"not <{root}>"
                )
            attributes = dict(element.attrib)
            if wanted is not None:
                for event, element in events:
                    tag = local_name(element.tag)
                    if event == "end" and tag == wanted:
                        return attributes, element.text
                    if event == "start" and tag == stop:
                        break
            return attributes, None
        finally:
            events.close()


def xml_records(path: Path, name: str, tags: set[str]) -> Iterator[Element]:
    """Each complete record element whose local name is in `tags`, with the namespaces stripped
    from its tags; it is cleared and detached from its parent once the caller is done with it."""
    local_names: dict[str, str] = {}  # a list has few distinct tags: strip each namespace once

    def local(tag: str) -> str:
        if tag not in local_names:
            local_names[tag] = local_name(tag)
        return local_names[tag]

    with open(path, "rb") as stream:
        open_elements: list[Element] = []
        for event, element in iterparse_safely(stream, name, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if local(element.tag) in tags:
                if "}" in element.tag:
                    for node in element.iter():
                        node.tag = local(node.tag)
                yield element
                element.clear()
                if open_elements:  # the records done so far are its parent's only children
                    open_elements[-1].remove(element)


def element_record(element: Element) -> dict | str | None:
    """A record element (tags already local) as plain data for `Listing.raw`: attributes and
    children by name (a list where a name repeats), text stripped, empty values left out."""
    attributes = {
        local_name(key) if "}" in key else key: value.strip()
        for key, value in element.attrib.items()
        if value and not value.isspace()
    }
    text = element.text.strip() if element.text else ""
    if len(element) == 0 and not attributes:
        return text or None
    record: dict = attributes
    if text:
        record["text"] = text
    for child in element:
        value = element_record(child)
        if value is None or value == {}:
            continue
        key = child.tag
        if key not in record:
            record[key] = value
        elif isinstance(record[key], list):
            record[key].append(value)
        else:
            record[key] = [record[key], value]
    return record


def texts(element: Element, path: str) -> list[str]:
    """The distinct texts of the elements at `path` below `element`."""
    return unique(node.text for node in element.iterfind(path))


class XmlListImporter(ListImporter):
    """An XML list: known by its root element, dated by an attribute of the root, streamed one
    record element at a time. Subclasses name these and turn a record into a Listing."""

    root: str = ""
    what: str = ""  # "a UN Consolidated List XML", for messages
    record_tags: frozenset[str] = frozenset()
    date_attribute: str = ""  # the root's attribute holding the publication date

    def detect(self, path: Path, head: bytes) -> bool:
        return xml_root_name(head) == self.root

    def read(self, path: Path) -> ListRead:
        name = str(path)
        published = self.published(path, name)
        return ListRead(self.sources[0], published, self._listings(path, name), format=self.format)

    def published(self, path: Path, name: str) -> str | None:
        """Read from the start of the file only, so `read()` returns before the list is parsed."""
        attributes, _ = xml_preamble(path, name, self.root, self.what)
        where = f"{name}: {self.date_attribute}"
        return required_date(attributes.get(self.date_attribute), iso_date, where)

    def listing(self, record: Element, where: str) -> Listing:
        raise NotImplementedError

    def _listings(self, path: Path, name: str) -> Iterator[Listing]:
        for number, record in enumerate(xml_records(path, name, self.record_tags), start=1):
            yield self.listing(record, f"{name}: {record.tag} {number}")


# CSV. Official CSVs come in UTF-8 or Windows-1252, sometimes with a preamble line (a report
# date) above the header; the header is found by the columns it must have.

HeaderTest = Callable[[list[str]], bool]


def head_csv_rows(head: bytes, limit: int = 3) -> list[list[str]]:
    """The first complete lines of a file's head read as CSV, for detection; never raises."""
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if len(head) >= 4096:  # the last line may be cut short
        lines = lines[:-1]
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(lines[:limit])]
    except csv.Error:
        return []


def _csv_lines(path: Path, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file, streamed; BadDataError on undecodable or bad CSV."""
    with open(path, "rb") as stream:
        reader = csv.reader(text_lines(stream, name))
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as err:
            raise BadDataError(f"{name}: line {reader.line_num}: malformed CSV ({err})") from None
        except UnicodeDecodeError:
            raise BadDataError(
                f"{name}: line {reader.line_num + 1}: not text (neither UTF-8 nor Windows-1252)"
            ) from None


def _find_header(
    lines: Iterator[tuple[int, list[str]]], name: str, is_header: HeaderTest, what: str
) -> tuple[list[list[str]], list[str]]:
    """(preamble rows, header) at the start of a CSV; at most two preamble lines are allowed."""
    preamble: list[list[str]] = []
    for _number, row in lines:
        cells = [cell.strip() for cell in row]
        if is_header(cells):
            return preamble, cells
        preamble.append(cells)
        if len(preamble) > 2:
            break
    raise BadDataError(f"{name}: not {what}: its header was not found in the first lines")


def csv_preamble(path: Path, name: str, is_header: HeaderTest, what: str) -> list[list[str]]:
    """The rows above the header (a report date), reading no further than the header."""
    lines = _csv_lines(path, name)
    try:
        return _find_header(lines, name, is_header, what)[0]
    finally:
        lines.close()


def csv_records(
    path: Path, name: str, is_header: HeaderTest, what: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for each row below the header; blank rows are skipped.

    A header with an empty first cell over rows one cell shorter is a stray leading comma (the
    OFSI sample has one): the rows are read against the rest of the header."""
    lines = _csv_lines(path, name)
    header = _find_header(lines, name, is_header, what)[1]
    stray = header[0] == ""
    for number, row in lines:
        if not any(cell.strip() for cell in row):
            continue
        columns = header
        if stray and len(row) == len(header) - 1:
            columns = header[1:]
        elif len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :]):
            row = row[: len(header)]
        if len(row) != len(columns):
            expected = len(header) - 1 if stray else len(header)
            raise BadDataError(
                f"{name}: line {number}: {len(row)} fields where the header has {expected}"
            )
        yield number, dict(zip(columns, row))


def row_raw(row: dict[str, str]) -> dict[str, str]:
    """A CSV row's non-empty cells, stripped, for `Listing.raw`."""
    return {column: cell.strip() for column, cell in row.items() if column and cell.strip()}


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
        names = unique(primary + [full for _kind, full in self.names])
        if not names:
            raise BadDataError(f"{self.where}: {self.list_id} has no name")
        return Listing(
            list_id=self.list_id,
            name=names[0],
            aliases=[alias for alias in unique(names[1:] + self.script_names) if alias != names[0]],
            kind=next(filter(None, map(kind_of, self.kinds)), None),
            programs=unique(self.regimes),
            countries=unique(self.nationalities + self.address_countries + self.flags),
            listed_on=min(unique(self.designated), default=None),
            birth_dates=unique(map(birth_date, self.birth_dates)),
            identifiers=unique_dicts(self.identifiers),
            addresses=unique(self.addresses),
            remarks=joined(unique(self.remarks), "\n"),
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

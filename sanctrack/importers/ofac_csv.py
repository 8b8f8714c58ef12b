"""OFAC's legacy CSV sets: the SDN list (sdn.csv, add.csv, alt.csv, sdn_comments.csv) and the
Consolidated non-SDN list (cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv).

The files have no header row, are ASCII/Windows-1252, write null as `-0- ` and may end with a line
holding only the DOS end-of-file byte 0x1A. The main file is streamed; the three joined files are
small (a few MB for the whole SDN list) and are loaded into dicts keyed by ent_num first.

The first section holds what the three OFAC importers share (ofac_xml and ofac_advanced import it):
OFAC's party types, dates, identifier types and remark conventions are the same in every format, and
one OFAC entry read from any of them should give the same Listing fields.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from ..errors import BadDataError, UsageError
from . import base
from .base import (
    ListImporter,
    Listing,
    ListRead,
    check_unique,
    clean,
    entry_fingerprint,
    joined,
    reader_salt,
    text_lines,
    unique_dicts,
    unique_nonempty,
)

# -- shared by the three OFAC importers ------------------------------------------------------------

OFAC_SOURCES = ("ofac-sdn", "ofac-cons")

# OFAC's party types (CSV `individual`/`-0-`, XML `Individual`/`Entity`, advanced XML party types).
# OFAC does not tell companies from other organizations (its "Entity" covers firms, charities,
# armed groups and state bodies alike), so every entity is an "organization"; sanctrack's entity
# matching treats company and organization as one class, so nothing is lost by not guessing.
_KINDS = {
    "individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft",
}


def ofac_kind(party_type: str | None) -> str | None:
    """Listing.kind of an OFAC party type; no type at all is an entity (the CSV writes `-0-`)."""
    if party_type is None:
        return "organization"
    return _KINDS.get(party_type.strip().lower())


def ofac_source(path: Path) -> str:
    """`ofac-cons` for a file of the Consolidated list (cons_prim.csv, CONSOLIDATED.XML,
    CONS_ADVANCED.XML: OFAC's own names), else `ofac-sdn`. The files themselves do not say which
    list they are early enough to stream (the advanced XML names it only at its very end)."""
    is_consolidated = re.search(r"(^|[^a-z])cons(olidated|[^a-z]|$)", path.name.lower())
    return "ofac-cons" if is_consolidated else "ofac-sdn"


_NO_COUNTRY = "undetermined"  # OFAC's placeholder where it cannot place an address


def ofac_country(name: str | None) -> str | None:
    """A country as OFAC writes it (`Iran`, `Korea, North`), or None for its placeholder."""
    name = clean(name)
    return None if name is None or name.lower() == _NO_COUNTRY else name


_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_OFAC_DATE = re.compile(r"(?:(?:(\d{1,2}) )?([A-Za-z]{3}) )?(\d{4})")


def _iso_date(text: str) -> str | None:
    match = _OFAC_DATE.fullmatch(text.strip())
    if not match:
        return None
    day, month_name, year = match.groups()
    if month_name is None:
        return year
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def ofac_date(text: str | None) -> str | None:
    """An OFAC date as ISO where its form is clear, else as written: `28 Jul 1963` -> 1963-07-28,
    `Jul 1963` -> 1963-07, `1963`, `1960 to 1962` -> 1960/1962 (an ISO interval), `circa 1960` ->
    `circa 1960` (approximate dates stay marked)."""
    text = clean(text)
    if text is None:
        return None
    prefix, body = ("circa ", text[6:]) if text.lower().startswith("circa ") else ("", text)
    ends = body.split(" to ")
    if len(ends) == 2:
        start, end = (_iso_date(part) for part in ends)
        iso = f"{start}/{end}" if start and end else None
    else:
        iso = _iso_date(body)
    return prefix + iso if iso else text


# The identifying documents OFAC lists (its IDRegDocType reference values, as the SDN advanced XML
# of 2026 names them): the CSV remarks write them as `<type> <number> (<country>)`, SDN.XML as
# idList/id. Plus the few features that identify a party as reliably (SWIFT/BIC, DUNS, aircraft
# serials, digital currency addresses), which SDN.XML also puts in idList.
ID_DOCUMENT_TYPES = (
    "Cedula No.", "Passport", "SSN", "R.F.C.", "D.N.I.", "NIT #", "US FEIN", "Driver's License No.",
    "RUC #", "N.I.E.", "C.I.F.", "Business Registration Document #", "RIF #", "National ID No.",
    "Registration ID", "LE Number", "Bosnian Personal ID No.", "Registered Charity No.",
    "V.A.T. Number", "Credencial electoral", "Kenyan ID No.", "Italian Fiscal Code", "Serial No.",
    "C.I.N.", "C.U.I.T.", "Tax ID No.", "Moroccan Personal ID No.",
    "Public Security and Immigration No.", "C.U.R.P.", "British National Overseas Passport",
    "C.R. No.", "UK Company Number", "Immigration No.", "Travel Document Number",
    "Electoral Registry No.", "Identification Number", "Paraguayan tax identification number",
    "National Foreign ID Number", "RFC", "Diplomatic Passport",
    "Dubai Chamber of Commerce Membership No.", "Trade License No.", "Commercial Registry Number",
    "Certificate of Incorporation Number", "Tourism License No.", "Aircraft Serial Identification",
    "Cartilla de Servicio Militar Nacional", "C.U.I.P.", "Vessel Registration Identification",
    "Personal ID Card", "Federal ID Card", "Registration Certificate Number (Dubai)",
    "VisaNumberID", "Matricula Mercantil No", "Residency Number",
    "Numero Unico de Identificacao Tributaria (NUIT)", "CNP (Personal Numerical Code)",
    "Romanian Permanent Resident", "Government Gazette Number", "Fiscal Code",
    "Pilot License Number", "Romanian C.R.", "Folio Mercantil No.", "Istanbul Chamber of Comm. No.",
    "Turkish Identification Number", "Romanian Tax Registration", "Stateless Person Passport",
    "Stateless Person ID Card", "Refugee ID Card", "Afghan Money Service Provider License Number",
    "MMSI", "Company Number", "Public Registration Number", "N.I.F.", "RTN", "Numero de Identidad",
    "Tarjeta de Identidad", "SRE Permit No.", "Tazkira National ID Card", "License",
    "Chinese Commercial Code", "I.F.E.", "Branch Unit Number", "Enterprise Number",
    "Organization Code", "Citizen's Card Number", "UAE Identification",
    "United Social Credit Code Certificate (USCCC)", "Chamber of Commerce Number",
    "Legal Entity Number", "Business Number", "Birth Certificate Number",
    "Business Registration Number", "Registration Number", "MSB Registration Number",
    "File Number", "C.U.I.", "Seafarer's Identification Document",
    "Unified Social Credit Code (USCC)", "Central Registration System Number",
    "Economic Register Number (CBLS)", "Trademark number", "Permit Number",
    "Military Registration Number",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)",
    "Global Intermediary Identification Number", "Entity Code",
)
IDENTIFYING_FEATURE_TYPES = (
    "SWIFT/BIC", "D-U-N-S Number", "BIK (RU)", "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Mode S Transponder Code",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
)
_DIGITAL_CURRENCY = "Digital Currency Address - "
_IDENTIFIER_TYPES = frozenset(ID_DOCUMENT_TYPES + IDENTIFYING_FEATURE_TYPES)
_IMO = re.compile(r"IMO ?(\d{7})")
_DIGIT = re.compile(r"\d")


def is_identifier_type(label: str | None) -> bool:
    """Is this OFAC id or feature type an identifier (not an e-mail, a gender, a note…)?"""
    return bool(label) and (label in _IDENTIFIER_TYPES or label.startswith(_DIGITAL_CURRENCY))


def ofac_identifier(id_type: str, value: str, country: str | None = None) -> dict:
    """A Listing identifier. An IMO number (`IMO 9486910`, filed by OFAC under "Vessel
    Registration Identification" or "Identification Number") becomes type IMO, value 9486910, so
    that vessels and shipping companies match on it whatever the format."""
    imo = _IMO.fullmatch(value)
    if imo:
        return {"type": "IMO", "value": imo.group(1), "country": country}
    return {"type": id_type, "value": value, "country": country}


# -- remarks: the facts the CSV keeps only there ---------------------------------------------------

_LABELS = "|".join(re.escape(label) for label in sorted(_IDENTIFIER_TYPES, key=len, reverse=True))
# `<type> <number>[ (<state>)][ (<country>)][ issued …][ expires …]`: the last parenthesis is
# the country (`Business Registration Number 0582030 (Connecticut) (United States)`).
_ID_REMARK = re.compile(
    rf"(?P<type>{_LABELS}|{re.escape(_DIGITAL_CURRENCY)}\w+) (?P<value>[^(]+?)"
    r"(?= \(|$| issued | expires )(?: \((?P<country>[^()]*)\))*"
)
_WEAK_ALIAS = re.compile(r"[afn]\.k\.a\. '(.+)'")
_COUNTRY_REMARK = re.compile(r"(?:nationality|citizen) (.+)")


def _is_id_value(value: str) -> bool:
    """A number or code, not words: `Passport issued in Sarajevo, …` names no passport number."""
    return bool(_DIGIT.search(value)) or " " not in value.strip()


@dataclass
class RemarkFacts:
    birth_dates: list[str] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)
    countries: list[str | None] = field(default_factory=list)  # nationality and citizenship
    weak_aliases: list[str] = field(default_factory=list)


def parse_remarks(remarks: str | None) -> RemarkFacts:
    """The clearly marked facts of an OFAC remarks text: `DOB 28 Jul 1963`, identifiers (`Passport
    P0017003 (Belize)`, `alt. Passport …`), `nationality Russia`, `citizen Russia`, and the weak
    aliases `a.k.a. 'X'`. Anything else (POB, gender, Linked To…) stays in the remarks only."""
    facts = RemarkFacts()
    if not remarks:
        return facts
    for segment in remarks.removesuffix(".").split("; "):
        segment = segment.strip()
        if segment[:5].lower() == "alt. ":  # (a test, not a substitution: most segments have none)
            segment = segment[5:]
        if segment.startswith("DOB "):
            facts.birth_dates.append(ofac_date(segment[4:]))
        elif (match := _ID_REMARK.match(segment)) and _is_id_value(match["value"]):
            facts.identifiers.append(
                ofac_identifier(match["type"], match["value"].strip(), match["country"])
            )
        elif match := _COUNTRY_REMARK.fullmatch(segment):
            if not match[1].startswith("possibly "):  # "nationality possibly Palestinian"
                facts.countries.append(ofac_country(match[1]))
        elif match := _WEAK_ALIAS.fullmatch(segment):
            facts.weak_aliases.append(match[1])
    return facts


# -- the CSV set -----------------------------------------------------------------------------------

MAIN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage",
    "GRT", "Vess_flag", "Vess_owner", "Remarks",
)
ADD_COLUMNS = ("Ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country",
               "Add_remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_COLUMNS = ("ent_num", "Remarks")

# Each list's files: main, addresses, alternate names, remarks continued.
FILE_SETS = {
    "ofac-sdn": ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
    "ofac-cons": ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
}
_MAIN_FILES = {files[0]: source for source, files in FILE_SETS.items()}
_ENTITY_TYPES = {"individual", "vessel", "aircraft", "-0-"}
_EOF_MARKER = "\x1a"  # DOS end of file, alone on OFAC's last line


@dataclass
class CsvSet:
    source: str
    main: Path
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None


def _files_by_name(folder: Path) -> dict[str, Path]:
    """A folder's files by lower-case name (OFAC's own downloads are named SDN.CSV, ADD.CSV…)."""
    return {entry.name.lower(): entry for entry in folder.iterdir() if entry.is_file()}


def locate_set(path: Path) -> CsvSet:
    """The files of the set at `path`: a folder holding sdn.csv or cons_prim.csv, or that file
    itself (its siblings are read from its folder; any may be missing). A main file under another
    name is read alone: siblings named add.csv… beside it need not be of the same date."""
    if path.is_dir():
        present = _files_by_name(path)
        mains = [name for name in _MAIN_FILES if name in present]
        if not mains:
            raise BadDataError(f"{path}: no sdn.csv or cons_prim.csv in this folder")
        if len(mains) > 1:
            raise UsageError(
                f"{path} holds both the SDN and the Consolidated CSV sets",
                hint="give the path of sdn.csv or cons_prim.csv",
            )
        main = present[mains[0]]
    elif path.is_file():
        main = path
    else:
        raise UsageError(f"no such file or folder: {path}")
    source = _MAIN_FILES.get(main.name.lower())
    if source is None:
        return CsvSet(ofac_source(main), main)
    siblings = _files_by_name(main.parent)
    _, add, alt, comments = (siblings.get(name) for name in FILE_SETS[source])
    return CsvSet(source, main, add, alt, comments)


def read_rows(
    path: Path, columns: tuple[str, ...], numbers: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row of a headerless OFAC CSV, fields as written (unstripped:
    remarks continue across files mid-word). Blank lines and the 0x1A end marker are skipped; a row
    of the wrong width, or whose first `numbers` fields (ent_num, then Add_num or alt_num) are not
    integers, is BadDataError."""
    assert numbers in (1, 2) and len(columns) > 1, (numbers, columns)
    name = str(path)
    width, numbered = len(columns), columns[:numbers]
    with open(path, "rb") as stream:
        reader = csv.reader(text_lines(stream, name))
        try:
            for row in reader:
                if len(row) != width:
                    if not row or row == [_EOF_MARKER]:
                        continue
                    raise BadDataError(
                        f"{name}: line {reader.line_num}: {len(row)} fields where OFAC's "
                        f"{path.name} has {width}"
                    )
                # (one test of the row's first field, or two, instead of a loop: every row pays it)
                if not row[0].strip().isdigit() or (numbers == 2 and not row[1].strip().isdigit()):
                    for column, value in zip(numbered, row):
                        if not value.strip().isdigit():
                            raise BadDataError(
                                f"{name}: line {reader.line_num}: {column} {value!r} is not a number"
                            )
                yield reader.line_num, row
        except csv.Error as err:
            raise BadDataError(f"{name}: line {reader.line_num}: unreadable CSV ({err})") from None


_NULLS = frozenset({"-0- ", "-0-", ""})
_REMARKS = MAIN_COLUMNS.index("Remarks")


def _fields(columns: tuple[str, ...], row: list[str]) -> dict[str, str | None]:
    """The fields of a row by column, each `clean`ed: written out here, since every field of
    every row of the set comes through (218,000 for the SDN list; most are OFAC's null)."""
    fields = {}
    for column, value in zip(columns, row):
        if value in _NULLS:
            fields[column] = None
        else:
            value = " ".join(value.split())
            fields[column] = None if not value or value == "-0-" else value
    return fields


def _load_joined(
    path: Path | None, columns: tuple[str, ...], numbers: int
) -> dict[str, list[list[str]]]:
    """The rows of a joined file (add, alt, comments) by ent_num, in file order."""
    rows: dict[str, list[list[str]]] = {}
    if path is not None:
        for _, row in read_rows(path, columns, numbers):
            rows.setdefault(row[0].strip(), []).append(row)
    return rows


def _programs(value: str | None) -> list[str]:
    """`SDGT] [IFSR` -> [SDGT, IFSR] (the column holds the bracketed list without its outer
    brackets)."""
    if not value:
        return []
    return unique_nonempty(clean(part.strip("[] ")) for part in value.split("] ["))


def _null_to_empty(value: str) -> str:
    return "" if value.strip() == "-0-" else value


def iter_listings(files: CsvSet) -> Iterator[Listing]:
    for _list_id, parse in _entries(files):
        yield parse()


def iter_entries(files: CsvSet) -> Iterator[tuple[str, str, Callable[[], Listing]]]:
    """(list_id, fingerprint, parse) of each entry (ListRead.entries): its rows of the four files
    fingerprinted as read, parsed only when asked."""
    salt = reader_salt(base, sys.modules[__name__])
    for list_id, parse in _entries(files):
        _name, _line, row, add, alt, continued = parse.args
        yield list_id, entry_fingerprint(salt, [row, *add, *alt, *continued]), parse


def _entries(files: CsvSet) -> Iterator[tuple[str, partial[Listing]]]:
    """Each entry of the main file with its rows of the joined files, ready to parse."""
    addresses = _load_joined(files.add, ADD_COLUMNS, numbers=2)
    alternates = _load_joined(files.alt, ALT_COLUMNS, numbers=2)
    continued = _load_joined(files.comments, COMMENT_COLUMNS, numbers=1)
    # Rows of the joined files whose ent_num is not in the main file (OFAC's own files have none;
    # trimmed copies do) are simply never asked for.
    seen: dict[str, str] = {}
    name = str(files.main)
    no_rows: list[list[str]] = []
    for line, row in read_rows(files.main, MAIN_COLUMNS):
        list_id = row[0].strip()
        check_unique(seen, list_id, f"line {line}", name)
        yield list_id, partial(
            _listing, name, line, row, addresses.get(list_id, no_rows),
            alternates.get(list_id, no_rows), continued.get(list_id, no_rows),
        )  # fmt: skip


def _listing(
    name: str, line: int, row: list[str], add: list[list[str]], alt: list[list[str]],
    continued: list[list[str]],
) -> Listing:  # fmt: skip
    """The Listing of an entry's rows: its sdn.csv row and its rows of add.csv, alt.csv and
    sdn_comments.csv, in file order."""
    list_id = row[0].strip()
    fields = _fields(MAIN_COLUMNS, row)
    if fields["SDN_Name"] is None:
        raise BadDataError(f"{name}: line {line}: entry {list_id} has no name")
    # Remarks longer than the column are cut mid-word and go on in the comments file.
    remarks = _null_to_empty(row[_REMARKS])
    if continued:
        remarks += "".join(_null_to_empty(more[1]) for more in continued)
    remarks = clean(remarks)
    fields["Remarks"] = remarks
    facts = parse_remarks(remarks)
    # (Most entries have no address or alias row, or one: each list is made only when there is
    # something to put in it.)
    add_rows = [_fields(_ADD_FIELDS, more[1:]) for more in add] if add else []
    alt_rows = [_fields(_ALT_FIELDS, more[1:]) for more in alt] if alt else []
    if len(alt_rows) > 1:
        alt_rows.sort(key=_alt_number)
    countries: list = []
    aliases: list = []
    addresses: list = []
    if add_rows:
        places = [(add, ofac_country(add["Country"])) for add in add_rows]
        countries = [country for _, country in places]
        addresses = unique_nonempty([
            joined((add["Address"], add["City/State/Province/Postal Code"], country))
            for add, country in places
        ])  # fmt: skip
    if alt_rows:
        aliases = unique_nonempty([alt["alt_name"] for alt in alt_rows])
    return Listing(
        list_id=list_id,
        name=fields["SDN_Name"],
        aliases=aliases,
        kind=ofac_kind(fields["SDN_Type"]),
        programs=_programs(fields["Program"]),
        countries=unique_nonempty(countries + facts.countries) if countries or facts.countries else [],
        birth_dates=unique_nonempty(facts.birth_dates) if facts.birth_dates else [],
        identifiers=unique_dicts(facts.identifiers) if facts.identifiers else [],
        addresses=addresses,
        remarks=remarks,
        raw={
            **fields, "add": add_rows, "alt": alt_rows,
            "weak_aliases": unique_nonempty(facts.weak_aliases) if facts.weak_aliases else [],
        },
    )


_ADD_FIELDS = ADD_COLUMNS[1:]
_ALT_FIELDS = ALT_COLUMNS[1:]


def _alt_number(alt: dict) -> int:
    return int(alt["alt_num"])


def _looks_like_main_row(head: bytes) -> bool:
    """Is the first line of `head` an sdn.csv row: 12 fields (or a line cut by the 4 KB head),
    an integer ent_num and an SDN_Type?"""
    first_line, newline, _ = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1").partition("\n")
    try:
        row = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    wide_enough = len(row) == len(MAIN_COLUMNS) if newline else len(row) >= 3
    return wide_enough and row[0].strip().isdigit() and row[2].strip() in _ENTITY_TYPES


class OfacCsvImporter(ListImporter):
    format = "ofac-csv"
    sources = OFAC_SOURCES
    description = "OFAC legacy CSV set: sdn.csv (+ add, alt, comments) or cons_prim.csv (+ cons_)"

    def detect(self, path: Path, head: bytes) -> bool:
        try:
            if path.is_dir():
                present = _files_by_name(path)
                return any(name in present for name in _MAIN_FILES)
            return path.name.lower() in _MAIN_FILES or _looks_like_main_row(head)
        except OSError:
            return False

    def set_files(self, path: Path) -> list[Path]:
        files = locate_set(path)
        return [file for file in (files.main, files.add, files.alt, files.comments) if file]

    def read(self, path: Path) -> ListRead:
        files = locate_set(path)
        return ListRead(
            source=files.source,
            published=None,  # the CSV files carry no date
            listings=iter_listings(files),
            format=self.format,
            entries=iter_entries(files),
        )

"""The one interface every official-list importer implements, and the helpers they share.

An importer module (one per list family) defines a subclass of `ListImporter` and lists it in
`sanctrack.importers.IMPORTER_CLASSES`. Adding a list is one new module: nothing else changes.

An importer only reads: it never touches the store. `read(inputs)` returns a `ListRead`: the source
name, the publication date read from the file (or None), and an iterator of `Listing`s, streamed so
that a whole list is never held in memory twice. Every malformed input raises `BadDataError` with
the file and, where known, the line or record.

The helpers every list family shares are here, by what they read: values (cleaning, deduplicating,
identifiers, a list's word for a kind), dates (partial ISO dates from the forms lists write), text
and CSV (encodings, headers found below a preamble), and XML (safe streaming parse, records freed
as they are read, `XmlListImporter` for a list whose records are elements). What only one family's
importers share stays with them: OFAC's conventions in ofac_csv.py and ofac_xml.py.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator

from ..errors import BadDataError
from ..jsontext import sorted_json_text
from ..listing_facts import raw_facts
from ..limits import bounded_lines

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


@dataclass
class Listing:
    """One entry of an official list, as the list gives it (nothing it says is thrown away)."""

    list_id: str  # the list's own id: OFAC ent_num, UK Unique ID, EU logicalId, UN DATAID…
    name: str  # the primary name, as written
    aliases: list[str] = field(default_factory=list)  # every other name (a.k.a., f.k.a., scripts)
    kind: str | None = None  # one of vocabulary.TARGET_KINDS, or None when the list does not say
    programs: list[str] = field(default_factory=list)  # program / regime codes or names
    countries: list[str] = field(default_factory=list)  # ISO 3166 alpha-2 where known, else as written
    listed_on: str | None = None  # ISO date (partial allowed) the list itself gives, else None
    birth_dates: list[str] = field(default_factory=list)  # as ISO where possible, else as written
    identifiers: list[dict] = field(default_factory=list)  # {"type", "value", "country"}
    addresses: list[str] = field(default_factory=list)  # one line each, parts joined by ", "
    remarks: str | None = None
    raw: dict = field(default_factory=dict)  # every field of the entry as read, for the record
    op: str | None = None  # only in a delta file: "ADD", "MOD" or "DEL" (then only list_id counts)

    def as_dict(self) -> dict:
        return {
            "list_id": self.list_id,
            "name": self.name,
            "aliases": self.aliases,
            "kind": self.kind,
            "programs": self.programs,
            "countries": self.countries,
            "listed_on": self.listed_on,
            "birth_dates": self.birth_dates,
            "identifiers": self.identifiers,
            "addresses": self.addresses,
            "remarks": self.remarks,
            "raw": self.raw,
        }  # `op` is not part of a stored listing


@dataclass
class ListRead:
    """What an importer read: where from, when published (if the file says), and the entries."""

    source: str  # one of SOURCES' names: ofac-sdn, ofac-cons, uk, uk-ofsi, eu, un, us-csl, opensanctions
    published: str | None  # ISO date read from the file, or None when it carries none
    listings: Iterator[Listing]
    format: str = ""
    is_delta: bool = False  # the listings are changes (Listing.op) to the previous snapshot
    # Where `published` was read ("the file's Publish_Date"); None: the importer's `date_field`.
    published_from: str | None = None
    # Rows of the file folded into a listing of the same list id (a US CSL party on several
    # sub-lists under one `_id`); the reader counts them as it streams.
    merged_rows: int = 0
    # The same entries unparsed, where the reader can give them so (OFAC's CSV sets, FtM entity
    # files): (list_id, fingerprint of its rows, a function that parses them into its Listing).
    # An import reads these instead of `listings`, and parses only the entries whose rows it
    # does not hold.
    entries: Iterator[tuple[str, str, Callable[[], Listing]]] | None = None


def reader_salt(*modules: ModuleType) -> bytes:
    """What the fingerprints of a reader's entries start with: the release, the Python and the
    code of the modules that turn an entry's rows into its Listing, so that rows read by a
    reader that parses them otherwise never pass for rows already stored (the first import by
    a changed reader parses every entry again)."""
    from .. import __version__

    salt = hashlib.blake2b(f"{__version__}\n{sys.version}".encode(), digest_size=16)
    for module in modules:
        try:
            salt.update(Path(module.__file__ or "").read_bytes())
        except OSError:  # no source file to read (a frozen build): the release says it
            salt.update(module.__name__.encode())
    return salt.digest()


def entry_fingerprint(salt: bytes, rows: list[list[str]]) -> str:
    """The hash of an entry's rows (fields as read, each row of a width its file fixes) after
    `salt`. The rows are joined by control characters the fields then cannot hold (checked: rows
    holding one are hashed by their repr, marked apart), so two row sets never join alike."""
    text = "\x1e".join(["\x1f".join(row) for row in rows])
    if text.count("\x1f") + text.count("\x1e") != sum(map(len, rows)) - 1:
        text = "\x00" + repr(rows)
    return salted_hash(salt, text.encode("utf-8", "surrogatepass"))


def salted_hash(salt: bytes, data: bytes) -> str:
    """The fingerprint of an entry whose input is `data` (ListRead.entries)."""
    return hashlib.blake2b(salt + data, digest_size=16).hexdigest()


class ListImporter:
    """Base of the importers. Subclasses set the class attributes and implement the two methods."""

    format: str = ""  # the `import --format` name: ofac-csv, ofac-xml, ofac-advanced, uk-xml, …
    sources: tuple[str, ...] = ()  # source names this format can carry (first is the default)
    description: str = ""
    # Where the format writes its publication date ("Publish_Date"), for messages; "" when it
    # carries none (an import then needs --published).
    date_field: str = ""

    def detect(self, path: Path, head: bytes) -> bool:
        """True when `path` (a file, or a folder for a file set) is in this format.

        `head` is the first 4,096 bytes of the file (empty for a folder). Must be cheap and must
        not raise: a file of another format simply answers False.
        """
        raise NotImplementedError

    def read(self, path: Path) -> ListRead:
        """Open `path` and return its listings as a stream; BadDataError on malformed input."""
        raise NotImplementedError

    def set_files(self, path: Path) -> list[Path]:
        """The files `read(path)` reads: `path`, or the members of its file set (OFAC's sdn.csv
        with add.csv, alt.csv…), so that members named beside it are one input, not several."""
        return [path]


# -- values ----------------------------------------------------------------------------------------


def clean(value: str | None) -> str | None:
    """Whitespace folded; OFAC's `-0-` null and empty strings become None."""
    if value is None:
        return None
    # str.split() cuts at the characters `\s` matches (both are str.isspace), at a quarter of
    # the regex's cost: called for every field of every row of a list.
    value = " ".join(value.split())
    if not value or value == "-0-":
        return None
    return value


def unique_cleaned(values: Iterable[str | None]) -> list[str]:
    """The values `clean`ed, the empty ones left out, each once, in first-seen order."""
    return list(dict.fromkeys(value for value in map(clean, values) if value))


def unique_nonempty(values: Iterable[str | None]) -> list[str]:
    """The non-empty values as they are (not cleaned: the OFAC importers clean as they read),
    each once, in first-seen order."""
    return list(dict.fromkeys(filter(None, values)))  # (filter: in C, not a generator's frames)


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
    return unique_cleaned(re.split(f"[{re.escape(separators)}]", value or ""))


_KIND_OF_WORD = {
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
    return _KIND_OF_WORD.get((clean(word) or "").lower())


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


def check_unique(seen: dict[str, str], list_id: str, where: str, name: str) -> None:
    """BadDataError when list_id was already read (a snapshot holds each id once); else records
    where it was read, in `seen`."""
    if list_id in seen:
        raise BadDataError(f"{name}: {where}: id {list_id} already given at {seen[list_id]}")
    seen[list_id] = where


# -- dates -----------------------------------------------------------------------------------------
# Lists write dd/mm/yyyy (UK, with dd or 00 for an unknown day or month) or ISO, sometimes
# with a time or a time zone after it (UN "2015-04-07-04:00"). Partial dates stay partial.

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}|dd|DD)/(\d{1,2}|mm|MM)/(\d{4})")
_ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T \-+Z])")


def partial_iso(year: int, month: int | None, day: int | None) -> str:
    """'1958-05-12', '1958-05' or '1958' from the parts, unchecked (see `checked_partial_iso`)."""
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def checked_partial_iso(year: int, month: int | None, day: int | None) -> str | None:
    """`partial_iso` when the parts make a real (partial) date, else None."""
    if month == 0 or day == 0:
        return None
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return partial_iso(year, month, day)


def dmy_date(text: str | None) -> str | None:
    """ISO from dd/mm/yyyy ('12/05/1958' -> '1958-05-12'; 'dd/mm/1945', '00/00/1980' -> the
    year alone) or from a bare year; None when the text is not of that form."""
    text = clean(text) or ""
    if re.fullmatch(r"\d{4}", text):
        return checked_partial_iso(int(text), None, None)
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if not match:
        return None
    day, month, year = match.groups()
    month_number = int(month) if month.isdigit() and int(month) else None
    day_number = int(day) if day.isdigit() and int(day) and month_number else None
    return checked_partial_iso(int(year), month_number, day_number)


def iso_date(text: str | None) -> str | None:
    """The ISO (partial) date at the start of `text` ('2026-02-27T00:00:09Z' -> '2026-02-27'),
    or None when it does not start with one."""
    match = _ISO_PREFIX.match(clean(text) or "")
    if not match:
        return None
    year, month, day = match.groups()
    return checked_partial_iso(int(year), month and int(month), day and int(day))


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


def year_range(start: str | None, end: str | None) -> str | None:
    """A range of years as an ISO 8601 interval (`1960/1962`); one end alone when only one is
    given."""
    if start and end:
        return f"{start}/{end}"
    return start or end


# -- text and CSV ----------------------------------------------------------------------------------
# Official CSVs come in UTF-8 or Windows-1252, sometimes with a preamble line (a report date)
# above the header; the header is found by the columns it must have.


def text_lines(stream: IO[bytes], name: str, encodings=("utf-8", "cp1252", "latin-1")) -> Iterator[str]:
    """Decoded lines of a large text file, streamed. Each line is read in the first encoding that
    decodes it whole (official CSVs mix UTF-8 and Windows-1252 across years); latin-1 last, since
    it reads any byte. A line loses a leading byte-order mark, as `utf-8-sig` would drop it (whose
    decoder, written in Python, took a quarter of an OFAC CSV read)."""
    for number, raw in enumerate(bounded_lines(stream, name), start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        for encoding in encodings:
            try:
                # (no other encoding tried here decodes any byte to U+FEFF)
                yield raw.decode(encoding).removeprefix("\ufeff")
                break
            except UnicodeDecodeError:
                continue
        else:
            raise BadDataError(f"{name}: line {number}: not text in any of {', '.join(encodings)}")


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


# -- XML -------------------------------------------------------------------------------------------
# Detection reads only the root element's name from the file's first bytes; reading streams the
# records one by one and drops each after use, so memory stays flat on whole lists.


def iterparse_safely(source: IO[bytes] | str, name: str, events=("end",)):
    """Stream (event, element) pairs of an XML file, refusing DTDs, entity declarations and
    external references before anything is expanded (billion laughs, quadratic blow-up, XXE).

    Every parse failure becomes one BadDataError naming the file and line. Callers must
    `elem.clear()` what they are done with: iterparse frees nothing by itself.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        yield from iterparse(
            source, events=events, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as err:
        raise BadDataError(
            f"{name}: refused: the XML declares a DTD or entities ({type(err).__name__}), which "
            "official lists never do and which can expand without bound"
        ) from None
    except ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else "?"
        raise BadDataError(f"{name}: line {line}: malformed XML ({err})") from None


def local_name(tag: str) -> str:
    """An element's tag without its namespace: '{http://…}sdnEntry' -> 'sdnEntry'."""
    return tag.rsplit("}", 1)[-1]


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
    return unique_cleaned(node.text for node in element.iterfind(path))


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


def _folded(values: list) -> list:
    """A list's values for a digest: each casefolded (a value that is no string, such as an
    identifier, by its JSON with sorted keys), once each (two aliases that differ in letter case
    alone are one), in sorted order; an empty list or tuple as [] (a reader's tuple and a stored
    row's list are one value)."""
    if not values:
        return []
    if len(values) == 1:  # most lists (~0.3 us less than a set and a sort, 54,000 times a list)
        value = values[0]
        return [value.casefold() if value.__class__ is str else sorted_json_text(value).casefold()]
    try:
        return sorted(set(map(str.casefold, values)))  # most lists hold only strings
    except TypeError:
        pass
    return sorted({
        v.casefold() if v.__class__ is str else sorted_json_text(v).casefold()
        for v in values
    })  # fmt: skip


def _digest(name, aliases, kind, programs, countries, listed_on, birth_dates, identifiers,
            addresses, remarks, raw) -> str:  # fmt: skip
    fields = repr((
        " ".join(name.split()).casefold(), _folded(aliases), kind, _folded(programs),
        _folded(countries), listed_on, _folded(birth_dates), _folded(identifiers),
        _folded(addresses), " ".join((remarks or "").split()).casefold(),
    ))  # fmt: skip
    facts = sorted(raw_facts(raw).items())
    # The facts joined, not repr'd: they are most of the text (an sdn.csv entry's rows), and a
    # repr of the SDN list's facts costs ~40 ms more. A fact's value never holds \x1d or \x1f
    # (whitespace, which raw_facts folds, or escaped in a row's repr); a path holding one, which
    # no list's names do, makes the facts repr'd after another mark.
    text = "\x1d".join(map("\x1f".join, facts))
    if text.count("\x1f") == len(facts) and text.count("\x1d") == max(len(facts) - 1, 0):
        text = fields + "\x1e" + text
    else:
        text = fields + "\x1c" + repr(facts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def listing_digest(listing: Listing) -> str:
    """What makes two versions of a listing the same: its content, not row order or letter case:
    its fields and the facts only its raw record holds (listing_facts.py: a vessel's flag).
    Computed over the parsed values, not re-encoded JSON."""
    return _digest(listing.name, listing.aliases, listing.kind, listing.programs, listing.countries,
                   listing.listed_on, listing.birth_dates, listing.identifiers, listing.addresses,
                   listing.remarks, listing.raw)  # fmt: skip


def row_digest(row: dict) -> str:
    """The digest of a stored listing row, its lists decoded (the schema migrations)."""
    return _digest(*(row[f] for f in ("name", "aliases", "kind", "programs", "countries", "listed_on",
                                      "birth_dates", "identifiers", "addresses", "remarks", "raw")))  # fmt: skip

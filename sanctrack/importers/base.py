"""The one interface every official-list importer implements, and the helpers they share.

An importer module (one per list family) defines a subclass of `ListImporter` and lists it in
`sanctrack.importers.IMPORTERS`. Adding a list is one new module: nothing else changes.

An importer only reads: it never touches the store. `read(inputs)` returns a `ListRead`: the source
name, the publication date read from the file (or None), and an iterator of `Listing`s, streamed so
that a whole list is never held in memory twice. Every malformed input raises `BadDataError` with
the file and, where known, the line or record.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import BadDataError
from ..limits import bounded_lines


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


class ListImporter:
    """Base of the importers. Subclasses set the class attributes and implement the two methods."""

    format: str = ""  # the `import --format` name: ofac-csv, ofac-xml, ofac-advanced, uk-xml, …
    sources: tuple[str, ...] = ()  # source names this format can carry (first is the default)
    description: str = ""

    def detect(self, path: Path, head: bytes) -> bool:
        """True when `path` (a file, or a folder for a file set) is in this format.

        `head` is the first 4,096 bytes of the file (empty for a folder). Must be cheap and must
        not raise: a file of another format simply answers False.
        """
        raise NotImplementedError

    def read(self, path: Path) -> ListRead:
        """Open `path` and return its listings as a stream; BadDataError on malformed input."""
        raise NotImplementedError


# -- shared helpers ---------------------------------------------------------------------------------


def decode_text(data: bytes, name: str, encodings: Iterable[str] = ("utf-8-sig", "cp1252")) -> str:
    """Bytes of a text file in the first encoding that reads them whole (official CSVs are often
    Windows-1252), or BadDataError."""
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadDataError(f"{name}: not text in any of {', '.join(encodings)}")


def text_lines(stream: IO[bytes], name: str, encodings=("utf-8-sig", "cp1252", "latin-1")) -> Iterator[str]:
    """Decoded lines of a large text file, streamed. Each line is read in the first encoding that
    decodes it whole (official CSVs mix UTF-8 and Windows-1252 across years); latin-1 last, since
    it reads any byte."""
    for number, raw in enumerate(bounded_lines(stream, name), start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        for encoding in encodings:
            try:
                yield raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise BadDataError(f"{name}: line {number}: not text in any of {', '.join(encodings)}")


_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str | None:
    """Whitespace folded; OFAC's `-0-` null and empty strings become None."""
    if value is None:
        return None
    value = _SPACES.sub(" ", value).strip()
    if not value or value == "-0-":
        return None
    return value


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

"""OFAC SDN.XML and CONSOLIDATED.XML (root `sdnList`), in the namespace used until 2024-05-07
(`http://tempuri.org/sdnList.xsd`) and in the one since (`…/PublicationPreview/exports/XML`): tags
are found in whatever namespace the document uses.

Each sdnEntry is read when it ends and freed right after, so memory stays flat on the full list.
The publication date (publshInformation, first in the file) is read by `read()` from the head of
the file alone. The first section holds the XML helpers ofac_advanced shares.
"""

from __future__ import annotations

import re
from contextlib import closing
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element

from ..errors import BadDataError, UsageError
from .base import (
    ListImporter,
    ListRead,
    Listing,
    check_unique,
    clean,
    iterparse_safely,
    joined,
    local_name,
    unique_dicts,
    unique_nonempty,
)
from .ofac_csv import (
    OFAC_SOURCES,
    is_identifier_type,
    ofac_country,
    ofac_date,
    ofac_identifier,
    ofac_kind,
    ofac_source,
)

# -- XML helpers shared with ofac_advanced ---------------------------------------------------------

_PROLOG = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>)", re.DOTALL
)
_START_TAG = re.compile(rb"\s*<(?:([\w.-]+):)?([\w.-]+)([^>]*)>?")


def root_element(head: bytes) -> tuple[str, str] | None:
    """(local name, namespace) of the root element of an XML file from its first bytes, or None
    when they do not start an XML document. Skips the declaration, comments and a DOCTYPE (a file
    that has one is still recognised, so that reading it refuses it with a clear message)."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    position = 0
    while match := _PROLOG.match(text, position):
        position = match.end()
    tag = _START_TAG.match(text, position)
    if not tag:
        return None
    prefix, name, attributes = tag.groups()
    declaration = rb"xmlns:" + prefix if prefix else rb"xmlns"
    namespace = re.search(declaration + rb"\s*=\s*[\"']([^\"']*)[\"']", attributes)
    return name.decode("latin-1"), namespace.group(1).decode("latin-1") if namespace else ""


def require_file(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not an XML list file")
    if not path.is_file():
        raise UsageError(f"no such file: {path}")


def iter_records(path: Path, tags: frozenset[str]) -> Iterator[tuple[str, Element]]:
    """(local name, element) of every element named in `tags` (the records of the format: they
    never nest), yielded complete when it ends and cleared once the caller is done with it."""
    with open(path, "rb") as stream:
        for _, elem in iterparse_safely(stream, str(path)):
            tag = local_name(elem.tag)
            if tag in tags:
                yield tag, elem
                elem.clear()


class Tags:
    """Paths for find()/iterfind() in the namespace of a document, whatever it is: `Tags.of(elem)`
    then `elem.find(tags("akaList/aka"))`. One per namespace, its paths built once."""

    def __init__(self, namespace: str):
        self.namespace = namespace
        self._paths: dict[str, str] = {}

    @classmethod
    def of(cls, elem: Element) -> Tags:
        tag = elem.tag
        return _tags_for(tag[: tag.index("}") + 1] if tag.startswith("{") else "")

    def __call__(self, path: str) -> str:
        qualified = self._paths.get(path)
        if qualified is None:
            qualified = "/".join(self.namespace + step for step in path.split("/"))
            self._paths[path] = qualified
        return qualified


@lru_cache(maxsize=16)
def _tags_for(namespace: str) -> Tags:
    return Tags(namespace)


def text_of(elem: Element | None, path: str, tags: Tags) -> str | None:
    return None if elem is None else clean(elem.findtext(tags(path)))


def as_data(elem: Element) -> dict | list | str | None:
    """An element as plain data for Listing.raw: text for a leaf, a list for OFAC's `…List`
    containers, else a dict by child name (a list where a name repeats)."""
    if len(elem) == 0:
        return clean(elem.text)
    children = [(local_name(child.tag), as_data(child)) for child in elem]
    if local_name(elem.tag).endswith("List"):
        return [value for _, value in children]
    data: dict = {}
    for name, value in children:
        if name in data:
            if not isinstance(data[name], list):
                data[name] = [data[name]]
            data[name].append(value)
        else:
            data[name] = value
    return data


def ofac_name(last: str | None, first: str | None) -> str | None:
    """A name the way OFAC's CSV writes it: `LAST, First` when there is a first name."""
    if last and first:
        return f"{last}, {first}"
    return last or first


# -- SDN.XML ---------------------------------------------------------------------------------------

_RECORDS = frozenset({"publshInformation", "sdnEntry"})


def _publish_date(path: Path) -> str | None:
    """Publish_Date (MM/DD/YYYY) of publshInformation as ISO, reading only the head of the file."""
    with closing(iter_records(path, _RECORDS)) as records:
        for tag, elem in records:
            if tag != "publshInformation":
                return None  # entries began: the file gives no date
            written = text_of(elem, "Publish_Date", Tags.of(elem))
            if written is None:
                return None
            match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", written)
            try:
                return date(int(match[3]), int(match[1]), int(match[2])).isoformat()
            except (TypeError, ValueError):
                raise BadDataError(f"{path}: Publish_Date {written!r} is not MM/DD/YYYY") from None
    return None


def _entry_listing(entry: Element, where: str, name: str) -> Listing:
    tags = Tags.of(entry)
    uid = text_of(entry, "uid", tags)
    if uid is None or not uid.isdigit():
        raise BadDataError(f"{name}: {where}: uid {uid!r} is not a number")
    primary = ofac_name(text_of(entry, "lastName", tags), text_of(entry, "firstName", tags))
    if primary is None:
        raise BadDataError(f"{name}: {where} (uid {uid}): no lastName")

    aliases, weak_aliases = [], []
    for aka in entry.iterfind(tags("akaList/aka")):
        alias = ofac_name(text_of(aka, "lastName", tags), text_of(aka, "firstName", tags))
        # OFAC's "weak" a.k.a.s are too loose to match on (its own search ignores them): they are
        # kept apart, as the CSV keeps them in the remarks.
        is_weak = text_of(aka, "category", tags) == "weak"
        (weak_aliases if is_weak else aliases).append(alias)

    addresses, address_countries = [], []
    for address in entry.iterfind(tags("addressList/address")):
        parts = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
        country = ofac_country(text_of(address, "country", tags))
        addresses.append(joined([text_of(address, part, tags) for part in parts] + [country]))
        address_countries.append(country)
    nationalities = [
        ofac_country(item.findtext(tags("country")))
        for path in ("nationalityList/nationality", "citizenshipList/citizenship")
        for item in entry.iterfind(tags(path))
    ]

    identifiers = []
    for document in entry.iterfind(tags("idList/id")):
        id_type, number = text_of(document, "idType", tags), text_of(document, "idNumber", tags)
        if number and is_identifier_type(id_type):
            country = ofac_country(text_of(document, "idCountry", tags))
            identifiers.append(ofac_identifier(id_type, number, country))

    raw = as_data(entry)
    raw["weak_aliases"] = unique_nonempty(weak_aliases)
    return Listing(
        list_id=uid,
        name=primary,
        aliases=unique_nonempty(aliases),
        kind=ofac_kind(text_of(entry, "sdnType", tags)),
        programs=unique_nonempty(
            clean(p.text) for p in entry.iterfind(tags("programList/program"))
        ),
        countries=unique_nonempty(address_countries + nationalities),
        birth_dates=unique_nonempty(
            ofac_date(item.findtext(tags("dateOfBirth")))
            for item in entry.iterfind(tags("dateOfBirthList/dateOfBirthItem"))
        ),
        identifiers=unique_dicts(identifiers),
        addresses=unique_nonempty(addresses),
        remarks=text_of(entry, "remarks", tags),
        raw=raw,
    )


def iter_listings(path: Path) -> Iterator[Listing]:
    name, seen = str(path), {}
    number = 0
    for tag, entry in iter_records(path, _RECORDS):
        if tag != "sdnEntry":
            continue
        number += 1
        if len(entry) == 0:
            # An sdnEntry with no child element holds nothing of the schema (the trimmed sample
            # has two such placeholders): there is no entry to list.
            continue
        where = f"sdnEntry #{number}"
        listing = _entry_listing(entry, where, name)
        check_unique(seen, listing.list_id, f"{where} (uid {listing.list_id})", name)
        yield listing


class OfacXmlImporter(ListImporter):
    format = "ofac-xml"
    date_field = "Publish_Date"
    sources = OFAC_SOURCES
    description = "OFAC SDN.XML / CONSOLIDATED.XML (sdnList), pre- and post-2024 namespaces"

    def detect(self, path: Path, head: bytes) -> bool:
        root = root_element(head)
        return root is not None and root[0] == "sdnList"

    def read(self, path: Path) -> ListRead:
        require_file(path)
        return ListRead(
            source=ofac_source(path),
            published=_publish_date(path),
            listings=iter_listings(path),
            format=self.format,
        )

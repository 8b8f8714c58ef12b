"""OFAC SDN_ADVANCED.XML / CONS_ADVANCED.XML (root `Sanctions`), in the namespace since 2024-05-07
(`…/exports/ADVANCED_XML`) and the one before (`http://www.un.org/sanctions/1.0`).

The format is relational: a party names its kind, alias types, feature types, countries… by ids
into ReferenceValueSets, its addresses by ids into Locations, and its identity documents and its
programs are records elsewhere (IDRegDocuments, SanctionsEntries) that point back at it. The XSD
puts ReferenceValueSets, Locations and IDRegDocuments before DistinctParties, but SanctionsEntries
(programs, listing date) after them.

So the file is read twice. The first pass keeps the lookup tables: the reference values, the
locations, the documents by identity and the sanctions entries by profile (tens of thousands of
small records for the ~100 MB real file: a few tens of MB at most) and frees every party as it
passes. The second pass streams the parties, each freed after use. This costs a second parse
instead of holding every party until the end of the file, and does not depend on the order of the
sections at all.
"""

from __future__ import annotations

import calendar
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element

from ..errors import BadDataError
from .base import (
    ListImporter,
    ListRead,
    Listing,
    check_unique,
    clean,
    joined,
    local_name,
    partial_iso,
    unique_dicts,
    unique_nonempty,
)
from .ofac_csv import (
    OFAC_SOURCES,
    is_identifier_type,
    ofac_country,
    ofac_identifier,
    ofac_kind,
    ofac_source,
)
from .ofac_xml import Tags, iter_records, ofac_name, require_file, root_element, text_of

# The elements read (and freed) whole: the children of the root, or of its section containers.
_RECORDS = frozenset({
    "DateOfIssue", "ReferenceValueSets", "Location", "IDRegDocument", "DistinctParty",
    "DistinctParties", "ProfileRelationship", "SanctionsEntry",
})
_NAMESPACES = ("ADVANCED_XML", "http://www.un.org/sanctions/1.0")
# Address parts in the order SDN.XML and the CSV write them.
_PART_ORDER = (
    "ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE", "REGION",
)

Ymd = tuple[int, int | None, int | None]


class _Malformed(ValueError):
    """A record that cannot be read; becomes a BadDataError naming the file and the record."""


# -- dates -----------------------------------------------------------------------------------------


def _ymd(elem: Element | None, tags: Tags) -> Ymd | None:
    year = text_of(elem, "Year", tags)
    if year is None:
        return None
    month, day = text_of(elem, "Month", tags), text_of(elem, "Day", tags)
    try:
        return int(year), int(month) if month else None, int(day) if day else None
    except ValueError:
        raise _Malformed(f"date {year}-{month}-{day} is not a date") from None


def _span(low: Ymd, high: Ymd) -> str:
    """The shortest ISO form of a date range: one day, a whole year (`1991`), a whole month
    (`1991-03`), or an ISO interval of whole years (`1960/1962`), whole months, or days."""
    if low == high:
        return partial_iso(*low)
    (y1, m1, d1), (y2, m2, d2) = low, high
    if None not in (m1, d1, m2, d2):
        if (m1, d1, m2, d2) == (1, 1, 12, 31):
            low, high = (y1, None, None), (y2, None, None)
        elif d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
            low, high = (y1, m1, None), (y2, m2, None)
    return partial_iso(*low) if low == high else f"{partial_iso(*low)}/{partial_iso(*high)}"


def _period(period: Element | None, tags: Tags) -> str | None:
    """A DatePeriod as ISO text, `circa ` before it when OFAC marks it approximate."""
    if period is None:
        return None
    start, end = period.find(tags("Start")), period.find(tags("End"))
    low = _ymd(start.find(tags("From")), tags) if start is not None else None
    high = _ymd(end.find(tags("To")), tags) if end is not None else None
    if low is None and high is None:
        return None
    text = _span(low or high, high or low)
    approximate = any(
        part is not None and part.get("Approximate") == "true" for part in (start, end)
    )
    return f"circa {text}" if approximate else text


# -- the lookup tables of the first pass -----------------------------------------------------------


@dataclass
class Place:
    address: str | None  # the whole line, country included
    country: str | None


@dataclass
class Lookups:
    # Reference value set ("AliasType", "Country"…) -> ID -> (text, attributes).
    reference: dict[str, dict[str, tuple[str | None, dict]]] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # Location ID
    documents: dict[str, list[dict]] = field(default_factory=dict)  # IdentityID -> documents
    entries: dict[str, dict] = field(default_factory=dict)  # ProfileID -> sanctions entry

    def value(self, kind: str, ref_id: str | None) -> str | None:
        """The text of reference value `ref_id` of set `kind` (AliasType, Country…), or None."""
        item = self.reference.get(kind, {}).get(ref_id)
        return item[0] if item is not None else None

    def attribute(self, kind: str, ref_id: str | None, name: str) -> str | None:
        item = self.reference.get(kind, {}).get(ref_id)
        return item[1].get(name) if item is not None else None

    def country(self, country_id: str | None) -> str | None:
        return ofac_country(self.value("Country", country_id))


def _read_reference(sets: Element, lookups: Lookups) -> None:
    for values in sets:
        for item in values:
            table = lookups.reference.setdefault(local_name(item.tag), {})
            table[item.get("ID")] = (clean(item.text), dict(item.attrib))


def _read_location(location: Element, tags: Tags, lookups: Lookups) -> Place:
    parts: list[tuple[int, str]] = []
    for part in location.iterfind(tags("LocationPart")):
        part_type = lookups.value("LocPartType", part.get("LocPartTypeID")) or ""
        values = part.findall(tags("LocationPartValue"))
        primary = [value for value in values if value.get("Primary") == "true"]
        chosen = (primary or values or [None])[0]
        text = text_of(chosen, "Value", tags)
        if text:
            rank = _PART_ORDER.index(part_type) if part_type in _PART_ORDER else len(_PART_ORDER)
            parts.append((rank, text))
    parts.sort(key=lambda ranked: ranked[0])  # stable: unknown parts keep their order, last
    country_ref = location.find(tags("LocationCountry"))
    if country_ref is not None:
        country = lookups.country(country_ref.get("CountryID"))
    else:
        area = location.find(tags("LocationAreaCode"))
        area_id = area.get("AreaCodeID") if area is not None else None
        country = lookups.country(lookups.attribute("AreaCode", area_id, "CountryID"))
    return Place(joined([text for _, text in parts] + [country]), country)


def _read_document(document: Element, tags: Tags, lookups: Lookups) -> dict:
    dates = {
        lookups.value("IDRegDocDateType", when.get("IDRegDocDateTypeID")) or "date":
            _period(when.find(tags("DatePeriod")), tags)
        for when in document.iterfind(tags("DocumentDate"))
    }
    return {
        "type": lookups.value("IDRegDocType", document.get("IDRegDocTypeID")),
        "number": text_of(document, "IDRegistrationNo", tags),
        "country": lookups.country(document.get("IssuedBy-CountryID")),
        "issuing_authority": text_of(document, "IssuingAuthority", tags),
        "validity": lookups.value("Validity", document.get("ValidityID")),
        "dates": dates,
        "comment": text_of(document, "Comment", tags),
    }


def _read_sanctions_entry(entry: Element, tags: Tags, lookups: Lookups) -> dict:
    events = []
    for event in entry.iterfind(tags("EntryEvent")):
        when = _ymd(event.find(tags("Date")), tags)
        events.append({
            "type": lookups.value("EntryEventType", event.get("EntryEventTypeID")),
            "date": partial_iso(*when) if when else None,
            "legal_basis": lookups.attribute("LegalBasis", event.get("LegalBasisID"),
                                             "LegalBasisShortRef"),
        })
    measures = [
        {
            "type": lookups.value("SanctionsType", measure.get("SanctionsTypeID")),
            "comment": text_of(measure, "Comment", tags),
        }
        for measure in entry.iterfind(tags("SanctionsMeasure"))
    ]
    dated = [event for event in events if event["date"]]
    created = [event["date"] for event in dated if event["type"] == "Created"]
    return {
        "list": lookups.value("List", entry.get("ListID")),
        # A measure of type "Program" carries the program code (CUBA, SDGT…) as its comment.
        "programs": unique_nonempty(m["comment"] for m in measures if m["type"] == "Program"),
        "listed_on": min(created) if created else (dated[0]["date"] if dated else None),
        "events": events,
        "measures": measures,
    }


def _first_pass(path: Path) -> Lookups:
    lookups = Lookups()
    for tag, elem in iter_records(path, _RECORDS):
        if tag == "ReferenceValueSets":
            _read_reference(elem, lookups)
            continue
        if tag in ("DateOfIssue", "DistinctParty", "DistinctParties", "ProfileRelationship"):
            continue
        if not lookups.reference:
            raise BadDataError(f"{path}: {tag} before ReferenceValueSets, which come first")
        tags = Tags.of(elem)
        try:
            if tag == "Location":
                lookups.places[elem.get("ID")] = _read_location(elem, tags, lookups)
            elif tag == "IDRegDocument":
                document = _read_document(elem, tags, lookups)
                lookups.documents.setdefault(elem.get("IdentityID"), []).append(document)
            elif tag == "SanctionsEntry":
                lookups.entries[elem.get("ProfileID")] = _read_sanctions_entry(elem, tags, lookups)
        except _Malformed as err:
            raise BadDataError(f"{path}: {tag} ID={elem.get('ID')}: {err}") from None
    return lookups


# -- the parties of the second pass ----------------------------------------------------------------

_NATIONALITY_FEATURES = {"Nationality Country", "Citizenship Country"}


def _documented_name(
    doc_name: Element, part_types: dict, tags: Tags, is_person: bool
) -> str | None:
    """A DocumentedName's parts joined in order; a person's written `LAST, First …` as OFAC's CSV
    and SDN.XML write it, so that one person reads the same from every OFAC format."""
    parts = [
        (part_types.get(value.get("NamePartGroupID")), clean(value.text))
        for value in doc_name.iterfind(tags("DocumentedNamePart/NamePartValue"))
    ]
    parts = [(part_type, text) for part_type, text in parts if text]
    if not is_person:
        return " ".join(text for _, text in parts) or None
    last = " ".join(text for part_type, text in parts if part_type == "Last Name")
    rest = " ".join(text for part_type, text in parts if part_type != "Last Name")
    return ofac_name(last or None, rest or None)


@dataclass
class _Names:
    primary: str | None = None
    aliases: list[str] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    raw: list[dict] = field(default_factory=list)


def _read_names(profile: Element, tags: Tags, lookups: Lookups, is_person: bool) -> _Names:
    names = _Names()
    for identity in profile.iterfind(tags("Identity")):
        part_types = {
            group.get("ID"): lookups.value("NamePartType", group.get("NamePartTypeID"))
            for group in identity.iterfind(tags("NamePartGroups/MasterNamePartGroup/NamePartGroup"))
        }
        for alias in identity.iterfind(tags("Alias")):
            is_primary = identity.get("Primary") == "true" and alias.get("Primary") == "true"
            is_weak = alias.get("LowQuality") == "true"
            written = [
                (lookups.value("DocNameStatus", doc_name.get("DocNameStatusID")),
                 _documented_name(doc_name, part_types, tags, is_person))
                for doc_name in alias.iterfind(tags("DocumentedName"))
            ]
            written = [(status, text) for status, text in written if text]
            if is_primary and names.primary is None and written:
                # The Latin-script form is the name; the same name in other scripts are aliases.
                main = next((w for w in written if w[0] == "Primary Latin"), written[0])
                names.primary = main[1]
                names.aliases += [text for status, text in written if (status, text) != main]
            elif is_weak:
                # OFAC's low-quality ("weak") a.k.a.s are too loose to match on (its own search
                # ignores them): kept apart, as the CSV keeps them in the remarks.
                names.weak_aliases += [text for _, text in written]
            else:
                names.aliases += [text for _, text in written]
            names.raw.append({
                "type": lookups.value("AliasType", alias.get("AliasTypeID")),
                "primary": is_primary,
                "low_quality": is_weak,
                "names": [text for _, text in written],
            })
    return names


def _kind(profile: Element, lookups: Lookups) -> tuple[str | None, str | None]:
    """(Listing kind, OFAC's name for it): the party sub-type (Vessel, Aircraft), else, where the
    sub-type is "Unknown", the party type (Individual, Entity)."""
    sub_type = profile.get("PartySubTypeID")
    name = lookups.value("PartySubType", sub_type)
    if name in (None, "Unknown"):
        party_type = lookups.attribute("PartySubType", sub_type, "PartyTypeID")
        name = lookups.value("PartyType", party_type)
    return (ofac_kind(name) if name else None), name


def _feature_value(
    version: Element, tags: Tags, lookups: Lookups
) -> tuple[str | None, Place | None]:
    """(text, place) of a FeatureVersion: a date period, a text or looked-up detail; a location."""
    text = _period(version.find(tags("DatePeriod")), tags)
    detail = version.find(tags("VersionDetail"))
    if text is None and detail is not None:
        looked_up = lookups.value("DetailReference", detail.get("DetailReferenceID"))
        text = clean(detail.text) or looked_up
    location = version.find(tags("VersionLocation"))
    place = lookups.places.get(location.get("LocationID")) if location is not None else None
    return text, place


def _party_listing(party: Element, lookups: Lookups) -> Listing:
    tags = Tags.of(party)
    list_id = party.get("FixedRef")
    if not list_id or not list_id.isdigit():
        raise _Malformed(f"FixedRef {list_id!r} is not a number")
    profile = party.find(tags("Profile"))
    if profile is None:
        raise _Malformed("no Profile")
    kind, party_type = _kind(profile, lookups)
    names = _read_names(profile, tags, lookups, is_person=kind == "person")
    if names.primary is None:
        raise _Malformed("no primary name (Alias Primary=\"true\")")

    birth_dates, addresses, address_countries, nationalities = [], [], [], []
    identifiers, features = [], []
    for feature in profile.iterfind(tags("Feature")):
        feature_type = lookups.value("FeatureType", feature.get("FeatureTypeID"))
        for version in feature.iterfind(tags("FeatureVersion")):
            text, place = _feature_value(version, tags, lookups)
            features.append({"type": feature_type, "value": text or (place and place.address)})
            if feature_type == "Birthdate" and text:
                birth_dates.append(text)
            elif feature_type == "Location" and place:
                addresses.append(place.address)
                address_countries.append(place.country)
            elif feature_type in _NATIONALITY_FEATURES and place:
                nationalities.append(place.country or place.address)
            elif is_identifier_type(feature_type) and text:
                identifiers.append(ofac_identifier(feature_type, text))

    documents = [
        document
        for identity in profile.iterfind(tags("Identity"))
        for document in lookups.documents.get(identity.get("ID"), ())
    ]
    identifiers = [
        ofac_identifier(doc["type"], doc["number"], doc["country"])
        for doc in documents
        if doc["type"] and doc["number"]
    ] + identifiers
    entry = lookups.entries.get(profile.get("ID"), {})
    return Listing(
        list_id=list_id,
        name=names.primary,
        aliases=unique_nonempty(names.aliases),
        kind=kind,
        programs=list(entry.get("programs", ())),
        countries=unique_nonempty(address_countries + nationalities),
        listed_on=entry.get("listed_on"),
        birth_dates=unique_nonempty(birth_dates),
        identifiers=unique_dicts(identifiers),
        addresses=unique_nonempty(addresses),
        remarks=text_of(party, "Comment", tags),
        raw={
            "FixedRef": list_id,
            "party_type": party_type,
            "aliases": names.raw,
            "weak_aliases": unique_nonempty(names.weak_aliases),
            "features": features,
            "id_documents": documents,
            "sanctions_entry": entry or None,
        },
    )


def iter_listings(path: Path) -> Iterator[Listing]:
    lookups = _first_pass(path)  # which has parsed the whole file: it is well-formed
    name, seen = str(path), {}
    with closing(iter_records(path, _RECORDS)) as records:
        for tag, party in records:
            if tag == "DistinctParties":
                break  # every party is read: the rest of the file need not be parsed again
            if tag != "DistinctParty":
                continue
            where = f"DistinctParty FixedRef={party.get('FixedRef')}"
            try:
                listing = _party_listing(party, lookups)
            except _Malformed as err:
                raise BadDataError(f"{name}: {where}: {err}") from None
            check_unique(seen, listing.list_id, where, name)
            yield listing


def _date_of_issue(path: Path) -> str | None:
    """DateOfIssue (first in the file) as ISO, reading only the head of the file."""
    with closing(iter_records(path, _RECORDS)) as records:
        for tag, elem in records:
            if tag != "DateOfIssue":
                return None
            try:
                issued = _ymd(elem, Tags.of(elem))
            except _Malformed as err:
                raise BadDataError(f"{path}: DateOfIssue: {err}") from None
            return partial_iso(*issued) if issued else None
    return None


class OfacAdvancedImporter(ListImporter):
    format = "ofac-advanced"
    date_field = "DateOfIssue"
    sources = OFAC_SOURCES
    description = "OFAC SDN_ADVANCED.XML / CONS_ADVANCED.XML (Sanctions), pre- and post-2024"

    def detect(self, path: Path, head: bytes) -> bool:
        root = root_element(head)
        if root is None or root[0] != "Sanctions":
            return False
        name, namespace = root
        return any(known in namespace for known in _NAMESPACES) or b"<DateOfIssue" in head

    def read(self, path: Path) -> ListRead:
        require_file(path)
        return ListRead(
            source=ofac_source(path),
            published=_date_of_issue(path),
            listings=iter_listings(path),
            format=self.format,
        )

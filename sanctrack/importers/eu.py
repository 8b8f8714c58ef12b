"""EU Financial Sanctions Files (FSF), XML 1.1: the Commission's consolidated list.

One `sanctionEntity` is one Listing. Its id is the `euReferenceNumber` ("EU.3579.2") where the
entity has one, else its `logicalId`: the reference number is the id the FSF shows to people and
the one other lists cite (OpenSanctions' `eu-fsf-eu-3579-2`); both are kept in `raw`.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..errors import BadDataError
from .base import (
    Listing,
    XmlListImporter,
    clean,
    element_record,
    identifier,
    iso_date,
    joined,
    kind_of,
    required_date,
    unique_cleaned,
    unique_dicts,
    year_range,
)

_UNKNOWN_COUNTRY = "00"  # FSF's countryIso2Code for "UNKNOWN"


class EuXmlImporter(XmlListImporter):
    format = "eu-xml"
    date_field = "generationDate"
    sources = ("eu",)
    description = "EU Financial Sanctions Files, XML 1.1 (xmlFullSanctionsList_1_1)"
    root = "export"
    what = "an EU Financial Sanctions Files XML"
    record_tags = frozenset({"sanctionEntity"})
    date_attribute = "generationDate"

    def detect(self, path: Path, head: bytes) -> bool:
        # <export> alone is too common a root: the FSF namespace or records must be in sight.
        return super().detect(path, head) and (
            b"fpi/fsd/export" in head or b"<sanctionEntity" in head
        )

    def listing(self, record: Element, where: str) -> Listing:
        return _eu_listing(record, where)


def _eu_listing(entity: Element, where: str) -> Listing:
    list_id = clean(entity.get("euReferenceNumber")) or clean(entity.get("logicalId"))
    if not list_id:
        raise BadDataError(f"{where}: neither euReferenceNumber nor logicalId")
    name_aliases = [node for node in entity.iterfind("nameAlias") if clean(node.get("wholeName"))]
    if not name_aliases:
        raise BadDataError(f"{where} ({list_id}): no nameAlias with a wholeName")
    name = clean(_main_name_alias(name_aliases).get("wholeName"))
    aliases = unique_cleaned(alias.get("wholeName") for alias in name_aliases)
    subject = entity.find("subjectType")
    regulations = entity.findall("regulation")
    # The designation date where the entity has one, else the earliest regulation naming it.
    publication_dates = [
        required_date(regulation.get("publicationDate"), iso_date, f"{where}: publicationDate")
        for regulation in regulations
    ]
    listed_on = required_date(entity.get("designationDate"), iso_date, f"{where}: designationDate")
    return Listing(
        list_id=list_id,
        name=name,
        aliases=[alias for alias in aliases if alias != name],
        kind=kind_of(subject.get("code") if subject is not None else None),
        programs=unique_cleaned(regulation.get("programme") for regulation in regulations),
        countries=unique_cleaned(
            code
            for node in (*entity.iterfind("citizenship"), *entity.iterfind("address"))
            if (code := node.get("countryIso2Code")) != _UNKNOWN_COUNTRY
        ),
        listed_on=listed_on or min(filter(None, publication_dates), default=None),
        birth_dates=unique_cleaned(map(_gregorian_birth_date, entity.iterfind("birthdate"))),
        identifiers=unique_dicts(
            [
                identifier("UN reference", entity.get("unitedNationId")),
                *(
                    identifier(
                        node.get("identificationTypeDescription")
                        or node.get("identificationTypeCode"),
                        node.get("number") or node.get("latinNumber"),
                        _country(node.get("countryIso2Code")),
                    )
                    for node in entity.iterfind("identification")
                ),
            ]
        ),
        addresses=unique_cleaned(map(_address_line, entity.iterfind("address"))),
        remarks=joined(unique_cleaned(node.text for node in entity.iterfind("remark")), "\n"),
        raw=element_record(entity) or {},
    )


def _main_name_alias(name_aliases: list[Element]) -> Element:
    """The nameAlias to show as the name. The FSF marks none as primary, and its first one is
    often a translation (Irish, French…): the regulation's own entry is the one that carries the
    function, else the first with structured parts (first/last name), else the first in English
    or with no stated language. Weak aliases are chosen only when there is nothing else."""
    strong = [alias for alias in name_aliases if alias.get("strong") != "false"] or name_aliases
    for is_main in (
        lambda alias: clean(alias.get("function")),
        lambda alias: clean(alias.get("firstName")) or clean(alias.get("lastName")),
        lambda alias: (alias.get("nameLanguage") or "").upper() in ("", "EN"),
    ):
        for alias in strong:
            if is_main(alias):
                return alias
    return strong[0]


def _gregorian_birth_date(birthdate: Element) -> str | None:
    """ISO for a Gregorian birth date (day, year and month, year, or a 'from/to' year range);
    None for other calendars (the FSF's ISLAMIC entries), which stay in raw as written."""
    if (birthdate.get("calendarType") or "GREGORIAN").upper() != "GREGORIAN":
        return None
    if full := iso_date(birthdate.get("birthdate")):
        return full
    year, month = clean(birthdate.get("year")), clean(birthdate.get("monthOfYear")) or ""
    if year:
        return iso_date(f"{year}-{int(month):02d}" if month.isdigit() and int(month) else year)
    return year_range(clean(birthdate.get("yearRangeFrom")), clean(birthdate.get("yearRangeTo")))


def _country(code: str | None) -> str | None:
    return None if code == _UNKNOWN_COUNTRY else clean(code)


def _address_line(address: Element) -> str | None:
    country = address.get("countryDescription")
    return joined(
        [
            *(address.get(part) for part in ("street", "poBox", "city", "zipCode", "region")),
            address.get("place"),
            None if address.get("countryIso2Code") == _UNKNOWN_COUNTRY else country,
        ]
    )

"""UN Security Council Consolidated List XML (scsanctions.un.org consolidated.xml).

One INDIVIDUAL or ENTITY is one Listing, its id the DATAID; the REFERENCE_NUMBER (QDi.335), which
other lists cite, is kept in raw and as an identifier of type "UN reference".
"""

from __future__ import annotations

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
    required_date,
    texts,
    unique_cleaned,
    unique_dicts,
    year_range,
)

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")  # NOTE is not a place


class UnXmlImporter(XmlListImporter):
    format = "un-xml"
    date_field = "dateGenerated"
    sources = ("un",)
    description = "UN Security Council Consolidated List, consolidated.xml"
    root = "CONSOLIDATED_LIST"
    what = "a UN Consolidated List XML"
    record_tags = frozenset({"INDIVIDUAL", "ENTITY"})
    date_attribute = "dateGenerated"

    def listing(self, record: Element, where: str) -> Listing:
        return _un_listing(record, where)


def _un_listing(record: Element, where: str) -> Listing:
    list_id = clean(record.findtext("DATAID"))
    if not list_id:
        raise BadDataError(f"{where}: no DATAID")
    # An entity's name is its FIRST_NAME alone; an individual's, the name parts in order.
    name = joined((record.findtext(part) for part in _NAME_PARTS), " ")
    if not name:
        raise BadDataError(f"{where} (DATAID {list_id}): no name")
    kind = "person" if record.tag == "INDIVIDUAL" else "organization"
    prefix = record.tag  # INDIVIDUAL_ALIAS, ENTITY_ADDRESS…
    aliases = texts(record, f"{prefix}_ALIAS/ALIAS_NAME") + texts(record, "NAME_ORIGINAL_SCRIPT")
    addresses = record.findall(f"{prefix}_ADDRESS")
    return Listing(
        list_id=list_id,
        name=name,
        aliases=[alias for alias in unique_cleaned(aliases) if alias != name],
        kind=kind,
        programs=texts(record, "UN_LIST_TYPE"),
        countries=unique_cleaned(
            [*texts(record, "NATIONALITY/VALUE"), *(a.findtext("COUNTRY") for a in addresses)]
        ),
        listed_on=required_date(record.findtext("LISTED_ON"), iso_date, f"{where}: LISTED_ON"),
        birth_dates=unique_cleaned(map(_birth_date, record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"))),
        identifiers=unique_dicts(
            [
                identifier("UN reference", record.findtext("REFERENCE_NUMBER")),
                *map(_document, record.iterfind("INDIVIDUAL_DOCUMENT")),
            ]
        ),
        addresses=unique_cleaned(
            joined(address.findtext(part) for part in _ADDRESS_PARTS) for address in addresses
        ),
        remarks=clean(record.findtext("COMMENTS1")),
        raw=element_record(record) or {},
    )


def _birth_date(date: Element) -> str | None:
    """ISO from DATE, YEAR or FROM_YEAR/TO_YEAR (an ISO interval); else the NOTE as written
    ("Nov. 1973"). TYPE_OF_DATE (EXACT, APPROXIMATELY…) stays in raw."""
    if exact := clean(date.findtext("DATE")):
        return iso_date(exact) or exact
    if year := clean(date.findtext("YEAR")):
        return year
    start, end = clean(date.findtext("FROM_YEAR")), clean(date.findtext("TO_YEAR"))
    return year_range(start, end) or clean(date.findtext("NOTE"))


def _document(document: Element) -> dict | None:
    return identifier(
        document.findtext("TYPE_OF_DOCUMENT") or document.findtext("TYPE_OF_DOCUMENT2"),
        document.findtext("NUMBER"),
        document.findtext("ISSUING_COUNTRY") or document.findtext("COUNTRY_OF_ISSUE"),
    )

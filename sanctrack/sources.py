"""The official lists sanctrack knows: their names, who publishes them, where, and in which format.

Download addresses are those the lists' publishers give (see fixtures/lists/SOURCES.md).
"""

from __future__ import annotations

from typing import NamedTuple

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


class Source(NamedTuple):
    name: str
    title: str
    jurisdiction: str | None  # the sender whose sanctions the list states; None for aggregators
    authority: str
    format: str  # the format `fetch` downloads
    urls: tuple[str, ...]  # what `fetch` downloads (a file set is several files)
    note: str = ""


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            "ofac-sdn", "OFAC Specially Designated Nationals (SDN) list", "US",
            "US Department of the Treasury, OFAC", "ofac-xml", (OFAC_EXPORTS + "SDN.XML",),
            "also as the legacy CSV set (SDN.CSV, ADD.CSV, ALT.CSV, SDN_COMMENTS.CSV) and "
            "SDN_ADVANCED.XML under the same address",
        ),
        Source(
            "ofac-cons", "OFAC Consolidated (non-SDN) lists", "US",
            "US Department of the Treasury, OFAC", "ofac-xml", (OFAC_EXPORTS + "CONSOLIDATED.XML",),
            "also as CONS_PRIM.CSV, CONS_ADD.CSV, CONS_ALT.CSV, CONS_COMMENTS.CSV",
        ),
        Source(
            "uk", "UK Sanctions List (FCDO)", "GB", "UK FCDO", "uk-xml",
            ("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
            "also as https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
        ),
        Source(
            "uk-ofsi", "OFSI Consolidated List (retired 28 Jan 2026)", "GB", "HM Treasury, OFSI",
            "uk-ofsi-csv",
            ("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",),
            "retired: the address may no longer answer",
        ),
        Source(
            "eu", "EU Financial Sanctions Files (consolidated list)", "EU", "Council of the EU",
            "eu-xml",
            ("https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=",),
            "needs the token shown on the FSF site: pass the full address to fetch with --url",
        ),
        Source(
            "un", "UN Security Council Consolidated List", "UN", "UN Security Council", "un-xml",
            ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
        ),
        Source(
            "us-csl", "US Consolidated Screening List (Commerce, State, Treasury)", "US",
            "US Government (Consolidated Screening List)", "us-csl",
            ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",),
        ),
        Source(
            "opensanctions", "OpenSanctions (FollowTheMoney entities)", None, "OpenSanctions",
            "ftm",
            ("https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json",),
            "data under CC BY-NC 4.0; other datasets: --url with another dataset's address",
        ),
    )
}  # fmt: skip


def source_named(name: str) -> Source:
    from .errors import UsageError

    try:
        return SOURCES[name.lower()]
    except KeyError:
        raise UsageError(
            f"unknown source {name!r}", hint=f"use one of: {', '.join(SOURCES)} (see 'sanctrack sources')"
        ) from None

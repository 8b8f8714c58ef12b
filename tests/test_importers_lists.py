"""The importers of the UK, EU, UN, US CSL and OpenSanctions lists, against the real samples in
fixtures/lists (see its SOURCES.md) and against malformed and hostile files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import hostile_xml
from sanctrack.errors import BadDataError
from sanctrack.importers import importer_for, list_formats
from sanctrack.importers.base import ListImporter, Listing, ListRead
from sanctrack.importers.eu import EuXmlImporter
from sanctrack.importers.ftm import FtmImporter
from sanctrack.importers.uk import UkCsvImporter, UkOfsiCsvImporter, UkXmlImporter
from sanctrack.importers.un import UnXmlImporter
from sanctrack.importers.us_csl import UsCslImporter

LISTS = Path(__file__).parent.parent / "fixtures" / "lists"
FULL_UN = Path(__file__).resolve().parents[2] / "shared" / "data" / "un_consolidated_xml"
FULL_UN_FILE = FULL_UN / "UN_consolidated.xml"

UK_XML = LISTS / "uk_sanctions_list_xml" / "sample_uk_sanctions.xml"
OFSI_CSV = LISTS / "uk_ofsi_conlist_csv" / "ConList.csv"
EU_XML = LISTS / "eu_fsf_xml" / "sample_eu_fsf.xml"
UN_XML = LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml"
CSL_NEW = LISTS / "us_csl" / "consolidated.csv"
CSL_OLD = LISTS / "us_csl" / "csl.csv"
FTM = LISTS / "opensanctions_ftm"
FTM_T1 = FTM / "yente_t1" / "entities.ftm.json"
FTM_ZALA = FTM / "yente_zala" / "entities.ftm.json"
FTM_SIMPLE = FTM / "targets_simple" / "targets.simple.csv"
FTM_DELTAS = FTM / "yente_t2_deltas"

ALL_IMPORTERS = [
    UkXmlImporter(),
    UkCsvImporter(),
    UkOfsiCsvImporter(),
    EuXmlImporter(),
    UnXmlImporter(),
    UsCslImporter(),
    FtmImporter(),
]
XML_IMPORTERS = {  # importer, its root element and the root's attributes
    "uk-xml": (UkXmlImporter(), "Designations", ""),
    "eu-xml": (EuXmlImporter(), "export", ' xmlns="http://eu.europa.ec/fpi/fsd/export"'),
    "un-xml": (UnXmlImporter(), "CONSOLIDATED_LIST", ""),
}


def read_all(importer: ListImporter, path: Path) -> tuple[ListRead, dict[str, Listing]]:
    read = importer.read(path)
    listings = list(read.listings)
    by_id = {listing.list_id: listing for listing in listings}
    assert len(by_id) == len(listings), "list ids must be unique within a file"
    return read, by_id


def consume(importer: ListImporter, path: Path) -> list[Listing]:
    return list(importer.read(path).listings)


def ident(kind: str, value: str, country: str | None = None) -> dict:
    return {"type": kind, "value": value, "country": country}


# -- detection -------------------------------------------------------------------------------------

DELTA_FILES = {
    f"opensanctions_ftm/yente_t2_deltas/{version}/entities.delta.json"
    for version in (
        "20240527194702-wnk",
        "20240528014702-pfh",
        "20240528074703-npf",
        "20240528134729-3iv",
    )
}
CLAIMED = {
    "uk-xml": {"uk_sanctions_list_xml/sample_uk_sanctions.xml"},
    "uk-csv": set(),  # no real sample exists; see test_uk_csv_synthetic
    "uk-ofsi-csv": {"uk_ofsi_conlist_csv/ConList.csv"},
    "eu-xml": {"eu_fsf_xml/sample_eu_fsf.xml"},
    "un-xml": {"un_consolidated_xml/sample_un_consolidated.xml"},
    "us-csl": {"us_csl/consolidated.csv", "us_csl/csl.csv"},
    "ftm": {
        "opensanctions_ftm/yente_t1/entities.ftm.json",
        "opensanctions_ftm/yente_zala/entities.ftm.json",
        "opensanctions_ftm/targets_simple/targets.simple.csv",
        *DELTA_FILES,
    },  # not the delta.json version indexes
}


def test_clean_folds_every_whitespace_character_as_the_regex_did():
    # clean() folds with str.split(); it was re.sub(r"\s+", " ", value).strip(): the same
    # characters must count as space, or stored names and digests would change.
    import re
    import sys

    from sanctrack.importers.base import clean

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    spaces = re.findall(r"\s", every)
    assert spaces == [c for c in every if c.isspace()] and len(spaces) > 25
    for c in [*spaces, "a", "\u200b", "\ufeff", "\x00"]:  # zero-width and NUL are no space
        for value in (c, f"a{c}{c}b{c}", f"{c}-0-{c}", f"{c}{c}"):
            expected = re.sub(r"\s+", " ", value).strip()
            assert clean(value) == (expected if expected not in ("", "-0-") else None), hex(ord(c))
    assert clean(None) is None


@pytest.mark.parametrize("importer", ALL_IMPORTERS, ids=lambda importer: importer.format)
def test_detect_claims_exactly_its_own_sample_files(importer):
    """Every file under fixtures/lists, OFAC's included, is asked; only its own say yes."""
    claimed = set()
    for path in sorted(LISTS.rglob("*")):
        head = path.read_bytes()[:4096] if path.is_file() else b""
        if importer.detect(path, head):
            claimed.add(path.relative_to(LISTS).as_posix())
    assert claimed == CLAIMED[importer.format]


def test_only_the_folder_readers_claim_a_folder():
    """`importer_for` asks only FOLDER_READERS about a folder (the others are not imported): no
    other importer may claim one, and a folder of the samples is claimed."""
    from sanctrack.importers import FOLDER_READERS, importers

    folders = [path for path in sorted(LISTS.rglob("*")) if path.is_dir()]
    claimed = set()
    for importer in importers():  # (OFAC's among them)
        module = "." + type(importer).__module__.rsplit(".", 1)[1]
        found = [path for path in folders if importer.detect(path, b"")]
        assert module in FOLDER_READERS or found == [], importer.format
        claimed.update(found)
    assert LISTS / "ofac_sdn_csv" in claimed
    assert importer_for(LISTS / "ofac_sdn_csv").format == "ofac-csv"


@pytest.mark.parametrize(
    "head",
    [b"", b"\x00\xff\xfe" * 500, bytes(range(256)) * 16, b"<", b"{", b'"', b"<?xml", b"\xef\xbb"],
)
def test_detect_never_raises_and_claims_no_garbage(head, tmp_path):
    for importer in ALL_IMPORTERS:
        assert importer.detect(tmp_path / "file", head) is False
        assert importer.detect(tmp_path, b"") is False  # a folder


def test_registered_and_found_by_detection():
    formats = list_formats()
    for importer in ALL_IMPORTERS:
        assert importer.format in formats
    for path, fmt in [
        (UK_XML, "uk-xml"),
        (OFSI_CSV, "uk-ofsi-csv"),
        (EU_XML, "eu-xml"),
        (UN_XML, "un-xml"),
        (CSL_OLD, "us-csl"),
        (FTM_ZALA, "ftm"),
    ]:
        assert importer_for(path).format == fmt


# -- UK Sanctions List XML -------------------------------------------------------------------------


def test_uk_xml_sample():
    read, listings = read_all(UkXmlImporter(), UK_XML)
    assert (read.source, read.format, read.is_delta) == ("uk", "uk-xml", False)
    assert read.published == "2026-09-10"  # DateGenerated 10/09/2026 is dd/mm/yyyy
    assert list(listings) == ["AFG0001", "AFG0006", "BEL0107", "DPR0075", "AQD0195"]

    akhund = listings["AFG0006"]
    assert akhund.name == "MOHAMMAD HASSAN AKHUND"
    assert akhund.aliases == ["Mohammad Akhwand", "محمد حسن آخوند"]
    assert akhund.kind == "person"
    assert akhund.programs == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert akhund.listed_on == "2001-01-25"
    assert akhund.birth_dates == ["1958-05-12", "1945", "1946"]  # 12/05/1958, dd/mm/1945, 1946
    assert akhund.countries == ["Afghanistan"]
    assert akhund.identifiers == [  # the file repeats the passport: kept once
        ident("UN reference", "TAi.002"),
        ident("passport", "P04581926"),
        ident("national id", "2132370"),
    ]
    assert akhund.addresses == ["Kabul, Afghanistan"]
    assert akhund.remarks.startswith("A close associate of Mullah Mohammed Omar (TAi.004).")
    assert akhund.raw["OFSIGroupID"] == "7172"
    assert akhund.raw["Titles"] == {"Title": ["Mullah", "Haji"]}

    exchange = listings["AFG0001"]
    assert exchange.name == "HAJI KHAIRULLAH MONEY EXCHANGE"
    assert exchange.aliases == ["Haji Alim Hawala", "حاجی خيرالله صرافی"]
    assert exchange.kind == "organization"
    assert exchange.addresses == [
        "Ansari Market, 2nd Floor, Nimroz Province, Afghanistan",
        "Branch Office 14, Dubai, United Arab Emirates",
    ]

    bnk = listings["BEL0107"]
    assert bnk.aliases == ["BNK UK Limited", "BNK"]
    assert bnk.identifiers == [ident("registration number", "UK Company no. 06527449")]
    assert bnk.addresses == [
        "Salatin House, 19 Cedar Road, Sutton, Surrey, SM2 5DA, United Kingdom"
    ]
    assert bnk.remarks == (
        "The Director Disqualification Sanction was imposed on 09/04/2025.\n"
        "BNK (UK) Ltd is controlled by CJSC Belarusian Oil Company, the state exporter of oil "
        "products."
    )

    ship = listings["DPR0075"]
    assert (ship.name, ship.aliases, ship.kind) == ("Petrel 8", ["Tian Tai 36"], "vessel")
    assert ship.listed_on == "2017-10-03"
    assert ship.countries == ["Comoros"]  # the current flag
    assert ident("IMO", "IMO9562233") in ship.identifiers

    assert listings["AQD0195"].name == "Fadhil Harun"
    assert listings["AQD0195"].birth_dates == ["1972"]


# -- UK Sanctions List CSV -------------------------------------------------------------------------

# The documented 58-column header of the FCDO CSV (fixtures/lists/SOURCES.md).
UK_CSV_HEADER = (
    "Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1,Name 2,Name 3,Name 4,"
    "Name 5,Name type,Alias strength,Title,Name non-latin script,Non-latin script type,"
    "Non-latin script language,Regime Name,Designation Type,Designation source,Sanctions Imposed,"
    "Other Information,UK Statement of Reasons,Address Line 1,Address Line 2,Address Line 3,"
    "Address Line 4,Address Line 5,Address Line 6,Address Postal Code,Address Country,"
    "Phone number,Website,Email address,Date Designated,D.O.B,Nationality(/ies),"
    "National Identifier number,National Identifier additional information,Passport number,"
    "Passport additional information,Position,Gender,Town of birth,Country of birth,"
    "Type of entity,Subsidiaries,Parent company,Business registration number (s),IMO number,"
    "Current owner/operator (s),Previous owner/operator (s),Current believed flag of ship,"
    "Previous flags,Type of ship,Tonnage of ship,Length of ship,Year Built,"
    "Hull identification number (HIN)"
).split(",")
RUSSIA = "The Russia (Sanctions) (EU Exit) Regulations 2019"
PERSON = {
    "Unique ID": "RUS0001",
    "Regime Name": RUSSIA,
    "Designation Type": "Individual",
    "Date Designated": "15/03/2022",
    "D.O.B": "01/02/1970",
    "Nationality(/ies)": "Russia",
    "Passport number": "123456789",
    "Other Information": "Synthetic test person.",
}


def _uk_csv_row(*parts: dict[str, str]) -> list[str]:
    cells = {column: value for part in parts for column, value in part.items()}
    assert set(cells) <= set(UK_CSV_HEADER)
    return [cells.get(column, "") for column in UK_CSV_HEADER]


def test_uk_csv_synthetic(tmp_path):
    """No real UK-Sanctions-List.csv sample exists: this one is synthetic, written with the
    documented header. One row per name or address; one designation's rows are not adjacent."""
    assert len(UK_CSV_HEADER) == 58
    moscow = {"Address Line 6": "Moscow", "Address Country": "Russia"}
    rows = [
        _uk_csv_row(
            PERSON,
            moscow,
            {"Name 1": "Ivan", "Name 2": "Ivanovich", "Name 6": "IVANOV"},
            {"Name type": "Primary Name", "Address Line 1": "1 Red Square"},
        ),
        _uk_csv_row(
            {"Unique ID": "DPR0001", "Name 6": "SHIP ONE", "Name type": "Primary Name"},
            {"Regime Name": "DPRK", "Designation Type": "Ship", "Date Designated": "30/03/2018"},
            {"IMO number": "IMO1234567", "Current believed flag of ship": "Panama"},
        ),
        _uk_csv_row(
            PERSON,
            moscow,
            {"Name 1": "Ivan", "Name 6": "IVANOFF", "Name type": "Alias"},
            {"Name non-latin script": "Иван Иванович Иванов", "Address Line 1": "2 Tverskaya"},
        ),
    ]
    text = io.StringIO()
    text.write("Report Date: 08-Oct-2026\n")
    csv.writer(text).writerows([UK_CSV_HEADER, *rows])
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(text.getvalue(), encoding="utf-8-sig")

    head = path.read_bytes()[:4096]
    assert [importer.format for importer in ALL_IMPORTERS if importer.detect(path, head)] == [
        "uk-csv"
    ]
    read, listings = read_all(UkCsvImporter(), path)
    assert (read.source, read.published) == ("uk", "2026-10-08")
    assert list(listings) == ["RUS0001", "DPR0001"]
    person = listings["RUS0001"]
    assert person.name == "Ivan Ivanovich IVANOV"
    assert person.aliases == ["Ivan IVANOFF", "Иван Иванович Иванов"]
    assert (person.kind, person.programs, person.listed_on) == ("person", [RUSSIA], "2022-03-15")
    assert person.birth_dates == ["1970-02-01"]
    assert person.countries == ["Russia"]
    assert person.identifiers == [ident("passport", "123456789")]
    assert person.addresses == ["1 Red Square, Moscow, Russia", "2 Tverskaya, Moscow, Russia"]
    assert person.remarks == "Synthetic test person."
    assert person.raw["Name 6"] == ["IVANOV", "IVANOFF"]
    ship = listings["DPR0001"]
    assert (ship.name, ship.kind, ship.countries) == ("SHIP ONE", "vessel", ["Panama"])
    assert ship.identifiers == [ident("IMO", "IMO1234567")]


# -- OFSI ConList CSV ------------------------------------------------------------------------------


def test_ofsi_conlist_sample():
    read, listings = read_all(UkOfsiCsvImporter(), OFSI_CSV)
    assert (read.source, read.format) == ("uk-ofsi", "uk-ofsi-csv")
    assert read.published is None  # the sample lost its "Last Updated" line
    assert len(listings) == 41  # 77 rows, one per name and address, grouped by Group ID

    nasir = listings["13720"]  # 10 rows: a "Prime Alias" and an "AKA", each with 5 DOBs
    assert nasir.name == "Hajji 'ABD AL-NASIR"
    assert nasir.aliases == ["Hajji ABD AL-NASR"]
    assert (nasir.kind, nasir.listed_on) == ("person", "2018-11-20")
    assert nasir.programs == ["The ISIL (Da'esh) and Al-Qaida organisations"]
    assert nasir.birth_dates == ["1965", "1966", "1967", "1968", "1969"]  # 00/00/1965…

    abdallah = listings["8693"]  # two addresses over four rows
    assert abdallah.name == "Ali Thafir ABDALLAH"
    assert abdallah.birth_dates == ["1968-05-15", "1970"]
    assert abdallah.addresses == ["Mosul, Iraq", "Az Zabadani, Syrian Arab Republic"]
    assert abdallah.identifiers == [ident("passport", "284158, expires 21 Aug 2005 (Iraq)")]

    qahtani = listings["13349"]  # "1) Saudi Arabia 2) Qatar"; only AKA rows
    assert qahtani.countries[:2] == ["Saudi Arabia", "Qatar"]
    assert listings["13188"].kind == "organization"


def test_ofsi_conlist_as_published_with_last_updated_line(tmp_path):
    """The real files start with "Last Updated,dd/mm/yyyy" and have no stray header comma."""
    lines = OFSI_CSV.read_bytes().split(b"\n")
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"\n".join([b"Last Updated,28/02/2020", lines[0][1:], *lines[1:]]))
    assert UkOfsiCsvImporter().detect(path, path.read_bytes()[:4096])
    read, listings = read_all(UkOfsiCsvImporter(), path)
    assert read.published == "2020-02-28"
    assert len(listings) == 41
    assert listings["13720"].name == "Hajji 'ABD AL-NASIR"


# -- EU FSF XML ------------------------------------------------------------------------------------


def test_eu_fsf_sample():
    read, listings = read_all(EuXmlImporter(), EU_XML)
    assert (read.source, read.published) == ("eu", "2026-08-05")
    assert list(listings) == ["EU.3579.2", "EU.502.12", "EU.3953.70", "EU.3886.3", "EU.3092.36"]

    parchin = listings["EU.3953.70"]
    # The first nameAlias is an Irish translation; the regulation's own entry has the function.
    assert parchin.name == "Parchin Chemical Industries (PCI)"
    assert parchin.aliases[:2] == ["Tionscail Ceimiceán Parchin", "Parcsini Vegyipari Vállalat"]
    assert "صنایع شیمیایی پارچین" in parchin.aliases
    assert (parchin.kind, parchin.programs) == ("organization", ["IRN"])
    assert parchin.listed_on == "2008-06-23"  # designationDate
    assert parchin.countries == ["IR"]
    assert parchin.identifiers == [ident("registration number", "892")]
    assert parchin.addresses[0] == "Pasdaran Square, 16765/358, Tehran, IRAN (ISLAMIC REPUBLIC OF)"
    assert (parchin.raw["logicalId"], parchin.raw["euReferenceNumber"]) == ("3822", "EU.3953.70")

    asiri = listings["EU.3092.36"]
    assert asiri.name == "Ibrahim Hassan Tali Al-Asiri"
    assert "إبراهيم حسن طالع عسيري" in asiri.aliases
    assert (asiri.kind, asiri.programs, asiri.listed_on) == ("person", ["TAQA"], "2011-03-24")
    # The ISLAMIC-calendar birthdate (24/6/1402) is left out; raw keeps it as written.
    assert asiri.birth_dates == ["1982-04-18", "1982-04-19"]
    assert {"calendarType": "ISLAMIC", "year": "1402"}.items() <= asiri.raw["birthdate"][1].items()
    assert asiri.countries == ["SA", "YE"]
    assert asiri.identifiers == [
        ident("national id", "1028745097", "SA"),
        ident("passport", "F654645", "SA"),
    ]

    mohammed = listings["EU.3579.2"]
    assert mohammed.name == "Khalid Sheikh MOHAMMED"  # structured name, not the first alias
    assert mohammed.listed_on == "2025-01-31"  # no designationDate: the regulation's date
    assert mohammed.identifiers == [ident("passport", "488555")]  # country "00" is unknown
    assert listings["EU.502.12"].birth_dates == ["1953/1958"]  # yearRangeFrom/To
    dorda = listings["EU.3886.3"]
    assert dorda.identifiers[0] == ident("UN reference", "LYi.006")
    assert dorda.remarks.startswith("Listed pursuant to paragraph 15 of resolution 1970")


# -- UN Consolidated List XML ----------------------------------------------------------------------


def test_un_sample():
    read, listings = read_all(UnXmlImporter(), UN_XML)
    assert (read.source, read.published) == ("un", "2026-09-09")
    assert len(listings) == 7
    assert [listing.kind for listing in listings.values()] == ["person"] * 4 + ["organization"] * 3

    anizi = listings["6908399"]
    assert anizi.name == "‘ABD AL-RAHMAN KHALAF ‘UBAYD JUDAY’ AL-‘ANIZI"
    assert anizi.aliases[0] == "‘Abd al-Rahman Khalaf al-Anizi"
    assert len(anizi.aliases) == 7
    assert (anizi.programs, anizi.listed_on) == (["Al-Qaida"], "2014-09-23")
    assert anizi.countries == ["Kuwait", "Syrian Arab Republic"]
    assert anizi.birth_dates == ["1973-03-06"]
    assert anizi.identifiers == [
        ident("UN reference", "QDi.335"),
        ident("national id", "273030601222", "Kuwait"),
    ]
    assert anizi.raw["REFERENCE_NUMBER"] == "QDi.335"
    assert [alias["QUALITY"] for alias in anizi.raw["INDIVIDUAL_ALIAS"]][:3] == [
        "Good",
        "Good",
        "Low",
    ]

    amar = listings["3012888"]
    assert amar.aliases[-1] == "عبد الرحمن ولد العامر"  # NAME_ORIGINAL_SCRIPT
    assert amar.birth_dates == ["1977/1982"]
    assert amar.addresses[0] == "Gao, Mali"

    bank = listings["6908563"]
    assert (bank.name, bank.aliases, bank.programs) == (
        "KOREA UNITED DEVELOPMENT BANK",
        [],
        ["DPRK"],
    )
    assert bank.identifiers == [ident("UN reference", "KPe.033")]
    assert bank.addresses == ["Pyongyang, Democratic People's Republic of Korea"]


@pytest.mark.skipif(not FULL_UN_FILE.exists(), reason="no shared data folder beside the clone")
def test_un_full_list_streams():
    read = UnXmlImporter().read(FULL_UN_FILE)
    assert iter(read.listings) is read.listings  # parsed while iterating, not up front
    listings = list(read.listings)
    assert read.published == "2026-02-27"
    assert len(listings) == 1003
    assert sum(listing.kind == "person" for listing in listings) == 730
    assert len({listing.list_id for listing in listings}) == 1003
    assert all(listing.name and listing.listed_on for listing in listings)
    assert {listing.listed_on for listing in listings} >= {"2015-04-07"}  # "2015-04-07-04:00"


# -- US Consolidated Screening List ----------------------------------------------------------------


def test_us_csl_current_layout():
    read, listings = read_all(UsCslImporter(), CSL_NEW)
    assert (read.source, read.published) == ("us-csl", None)
    assert len(listings) == 13

    rim = listings["52291"]  # the `_id`
    assert (rim.name, rim.kind, rim.programs) == ("RIM, Ryong Nam", "person", ["NPWMD"])
    assert rim.countries == ["KP", "CN"]  # nationality, then the codes ending the addresses
    assert rim.birth_dates == ["1978-12-05"]
    assert rim.addresses == ["Shenyang, CN", "Pyongyang, KP"]
    # Only the passport: the other "ids" items are sanctions remarks and the gender.
    assert rim.identifiers == [ident("passport", "836238033", "KP")]

    atlas = listings["1b5979e8fd3920a1a0985bf5088dad930a6a5562d1513f9e4b015e42"]
    assert atlas.name == "Atlas Sanatgaran"
    assert atlas.programs == ["Unverified List (UVL) - Bureau of Industry and Security"]
    assert (atlas.countries, atlas.listed_on, atlas.kind) == (["AM"], None, None)

    plc = listings["9673"]
    assert plc.aliases == ["Mohammad Mutlaq ABU JHESHEH", "Mohammed ABU JEHEISHA"]
    assert plc.raw["source"] == "Palestinian Legislative Council List (PLC) - Treasury Department"


def test_us_csl_old_layout():
    read, listings = read_all(UsCslImporter(), CSL_OLD)
    assert len(listings) == 115

    psa = listings["20264"]  # no `_id`: the entity_number
    assert (psa.name, psa.kind) == ("200G PSA HOLDINGS LLC", "organization")
    assert psa.programs == ["SDNTK"]
    assert psa.identifiers == [ident("Tax ID No.", "80-0890696", "US")]
    assert psa.countries == ["US"]

    # Neither id: a hash of source, name and addresses, stable across runs.
    hernandez = listings["csl-ac33817c71dc444e"]
    assert hernandez.name == "ADRIAN MANUEL HERNANDEZ"
    assert hernandez.programs == ["Denied Persons List (DPL) - Bureau of Industry and Security"]
    assert hernandez.listed_on == "2017-10-16"
    assert hernandez.addresses == ["3037 S. 69TH DRIVE, PHONEIX, AZ, 85043"]


# -- OpenSanctions FollowTheMoney ------------------------------------------------------------------


def test_ftm_entities_t1():
    read, listings = read_all(FtmImporter(), FTM_T1)
    assert (read.source, read.published, read.is_delta) == ("opensanctions", "2024-06-01", False)
    # every entity's last_seen is 2024-06-01T10:57:03: the run that exported them
    assert read.published_from == "the latest last_seen of its entities"
    assert len(listings) == 6  # 7 lines; the Address is not a target
    tobacco = listings["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert tobacco.name == "RAB „Inter Tobacco“"  # the caption
    assert "Общество с ограниченной ответственностью “Интер Тобако”" in tobacco.aliases
    assert len(tobacco.aliases) == 11
    assert (tobacco.kind, tobacco.countries) == ("organization", ["BY"])
    assert tobacco.identifiers == [ident("registration number", "808000714")]
    assert tobacco.raw["referents"][0] == "ofac-32733"
    kuzmenko = listings["NK-2Ka3UvopqbpZmVDFjWd4LA"]
    assert (kuzmenko.kind, kuzmenko.birth_dates) == ("person", ["1971-01-22"])
    assert kuzmenko.aliases == ["Vitalij Kuzmenko", "Виталий Юрьевич КУЗЬМЕНКО"]


def test_ftm_entities_with_sanctions_joined():
    read, listings = read_all(FtmImporter(), FTM_ZALA)
    assert len(listings) == 14  # 91 entities: 6 Person and 8 Company targets
    assert read.published == "2026-04-29"  # the latest last_seen, 2026-04-29T12:53:04
    cst = listings["NK-abdzbEBkqyT29GyREbiURZ"]
    assert (cst.name, cst.kind) == ("LLC CST", "company")
    assert "ザラ・アエロ・グループ" in cst.aliases and "Zala Aero Group" in cst.aliases
    # Programs: the entity's programId, then each joined Sanction's programId (or program).
    assert cst.programs[:4] == ["UA-WS-MILIND", "AU-RUSSIA", "US-BIS-EL", "UA-SA1644"]
    assert {"GB-RUS", "EU-UKR", "Reciprocal"} <= set(cst.programs)
    assert cst.listed_on == "2021-10-30"  # the earliest startDate/listingDate of its 28 sanctions
    assert len(cst.raw["sanctions"]) == 28
    assert ident("INN", "1841015504") in cst.identifiers
    # addressEntity joined from the Address entities of the same file
    assert "9 Salyama Adilya St., Office 3, Moscow, 123154" in cst.addresses
    zakharov = listings["NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert (zakharov.kind, zakharov.listed_on) == ("person", "2023-07-01")
    assert zakharov.countries == ["RU"]
    assert "Александр Вячеславович Захаров" in zakharov.aliases


def test_ftm_targets_simple_csv():
    read, listings = read_all(FtmImporter(), FTM_SIMPLE)
    assert (read.source, read.is_delta, len(listings)) == ("opensanctions", False, 5)
    assert (read.published, read.published_from) == ("2024-03-10", "the latest last_seen of its rows")
    hariri = listings["Q296771"]
    assert (hariri.name, hariri.kind) == ("Saad Hariri", "person")
    assert hariri.aliases == ["Hariri", "Sa'd al-Din"]
    assert (hariri.countries, hariri.birth_dates) == (["FR", "LB", "SA"], ["1970-04-18"])
    assert hariri.identifiers == [ident("id", "Q296771")]
    assert hariri.raw["dataset"] == "Wikidata Politically Exposed Persons"


def test_ftm_delta_sequence():
    """The versions in order: NK-500Poltergeist is added, then deleted."""
    changes = []
    for version in sorted(path for path in FTM_DELTAS.iterdir() if path.is_dir()):
        read = FtmImporter().read(version / "entities.delta.json")
        # dated by the version its folder is named after: 20240528014702-pfh is 2024-05-28
        assert read.is_delta and read.published == f"{version.name[:4]}-{version.name[4:6]}-{version.name[6:8]}"
        assert read.published_from == f"the OpenSanctions version {version.name} of its folder"
        changes += [(version.name, listing.op, listing.list_id) for listing in read.listings]
    assert changes == [
        ("20240527194702-wnk", "ADD", "NK-2T3S8Hu29ktYnKSTgQp2wL"),
        ("20240527194702-wnk", "ADD", "NK-2sJaJRaPJcWUfMbHjTtWcL"),
        ("20240528014702-pfh", "ADD", "NK-500Poltergeist"),
        ("20240528014702-pfh", "MOD", "NK-2T3S8Hu29ktYnKSTgQp2wL"),
        ("20240528074703-npf", "DEL", "NK-500Poltergeist"),
        ("20240528134729-3iv", "ADD", "Q4365364"),
    ]
    added = consume(FtmImporter(), FTM_DELTAS / "20240528014702-pfh" / "entities.delta.json")
    assert (added[0].name, added[0].kind) == ("AL-QAIDA IN IRAQ", "organization")  # the caption
    assert added[1].name == "Foobar Foobargroup"
    [deleted] = consume(FtmImporter(), FTM_DELTAS / "20240528074703-npf" / "entities.delta.json")
    assert (deleted.op, deleted.list_id) == ("DEL", "NK-500Poltergeist")
    assert deleted.name == "NK-500Poltergeist"  # a DEL names only the id


@pytest.mark.parametrize("index", [FTM_DELTAS / "delta.json", FTM / "yente_t1" / "delta.json"])
def test_ftm_delta_index_is_refused(index):
    assert not FtmImporter().detect(index, index.read_bytes()[:4096])
    with pytest.raises(BadDataError, match="delta index"):
        FtmImporter().read(index)


# -- malformed and hostile input -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", XML_IMPORTERS)
@pytest.mark.parametrize("attack", ["laughs", "xxe"])
def test_xml_entity_attacks_are_refused(fmt, attack, tmp_path):
    importer, root, attributes = XML_IMPORTERS[fmt]
    path = tmp_path / "attack.xml"
    path.write_text(hostile_xml(attack, f"<{root}{attributes}>", f"</{root}>"))
    assert importer.detect(path, path.read_bytes()[:4096])  # recognised, then refused
    with pytest.raises(BadDataError, match="refused: the XML declares a DTD or entities"):
        consume(importer, path)


@pytest.mark.parametrize("fmt,sample", [("uk-xml", UK_XML), ("eu-xml", EU_XML), ("un-xml", UN_XML)])
def test_truncated_xml_fails_while_streaming(fmt, sample, tmp_path):
    importer = XML_IMPORTERS[fmt][0]
    path = tmp_path / "truncated.xml"
    path.write_bytes(sample.read_bytes()[: sample.stat().st_size * 2 // 3])
    read = importer.read(path)  # the start is fine: read() returns before parsing the list
    with pytest.raises(BadDataError, match=r"truncated\.xml: line \d+: malformed XML"):
        list(read.listings)


@pytest.mark.parametrize("importer", ALL_IMPORTERS, ids=lambda importer: importer.format)
@pytest.mark.parametrize(
    "content",
    [b"", bytes(range(256)) * 16, b"\x81\x8d\x8f\x90\x9d" * 100, b"<html><body>Not found</body>"],
    ids=["empty", "bytes", "undecodable", "html"],
)
def test_garbage_is_bad_data(importer, content, tmp_path):
    path = tmp_path / "garbage"
    path.write_bytes(content)
    with pytest.raises(BadDataError, match="garbage"):
        consume(importer, path)


def test_a_list_of_another_kind_is_refused():
    with pytest.raises(BadDataError, match="not a UN Consolidated List XML: the root element is"):
        UnXmlImporter().read(EU_XML)
    with pytest.raises(BadDataError, match="not a US Consolidated Screening List CSV"):
        consume(UsCslImporter(), OFSI_CSV)


def test_broken_json_line_is_named(tmp_path):
    lines = FTM_T1.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:50]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BadDataError, match=r"entities\.ftm\.json: line 3: not JSON"):
        consume(FtmImporter(), path)


def test_delta_line_without_op_is_refused(tmp_path):
    path = tmp_path / "entities.delta.json"
    path.write_text('{"op":"ADD","entity":{"id":"a","schema":"Person"}}\n{"entity":{"id":"b"}}\n')
    with pytest.raises(BadDataError, match="line 2: not a delta line"):
        consume(FtmImporter(), path)


def test_csv_row_with_missing_fields_is_named(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_bytes(OFSI_CSV.read_bytes().rstrip(b"\r\n") + b"\nSHORT,ROW\n")
    message = r"ConList\.csv: line 79: 2 fields where the header has 29"  # 30 with the stray ","
    with pytest.raises(BadDataError, match=message):
        consume(UkOfsiCsvImporter(), path)


def test_impossible_designation_date_is_refused(tmp_path):
    path = tmp_path / "uk.xml"
    path.write_bytes(UK_XML.read_bytes().replace(b"29/06/2012", b"31/02/2012"))
    message = "Designation 1: DateDesignated: unreadable date '31/02/2012'"
    with pytest.raises(BadDataError, match=message):
        consume(UkXmlImporter(), path)


def test_text_lines_read_each_line_in_the_first_encoding_that_decodes_it():
    import io

    from sanctrack.importers.base import text_lines

    data = (
        b"\xef\xbb\xbf1,UTF-8 \xc3\xa9\r\n"  # a byte-order mark opening the file
        b"\xef\xbb\xbf2,after a mark\r\n"  # one opening a later line (files joined): dropped too
        b"3,Windows-1252 \xe9\x80\r\n"  # not UTF-8: Windows-1252
        b"4,\x81\xe9\r\n"  # not Windows-1252 either (0x81 is unassigned): latin-1
    )
    assert list(text_lines(io.BytesIO(data), "test.csv")) == [
        "1,UTF-8 é\r\n", "2,after a mark\r\n", "3,Windows-1252 é€\r\n", "4,\x81é\r\n",
    ]

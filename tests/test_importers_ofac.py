"""The three OFAC importers (legacy CSV set, SDN.XML, SDN advanced XML) against the real samples in
fixtures/lists (see its SOURCES.md), the complete July 2021 SDN CSV set, and malformed inputs.

Expected values below were read off the sample files by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import hostile_xml
from sanctrack.errors import BadDataError, UsageError
from sanctrack.importers.base import Listing, ListRead
from sanctrack.importers.ofac_advanced import OfacAdvancedImporter
from sanctrack.importers.ofac_csv import OfacCsvImporter
from sanctrack.importers.ofac_xml import OfacXmlImporter

LISTS = Path(__file__).parent.parent / "fixtures" / "lists"
FULL_2021 = Path(__file__).resolve().parents[2] / "shared" / "data" / "ofac_sdn_csv_full_2021"

SDN_CSV = LISTS / "ofac_sdn_csv"
CONS_CSV = LISTS / "ofac_cons_csv"
DIFF_PAIR = LISTS / "ofac_sdn_csv_diffpair"
SDN_XML = LISTS / "ofac_sdn_xml" / "big_xml.xml"
ADVANCED = LISTS / "ofac_sdn_advanced_xml" / "sample_sdn_advanced.xml"

OLD_XML_NS = "http://tempuri.org/sdnList.xsd"
NEW_XML_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
NEW_ADVANCED_NS = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
)
OLD_ADVANCED_NS = "http://www.un.org/sanctions/1.0"


def read(importer, path: Path) -> tuple[ListRead, dict[str, Listing]]:
    """The ListRead and its listings by list_id (in file order)."""
    result = importer.read(path)
    return result, {listing.list_id: listing for listing in result.listings}


def read_all(importer, path: Path) -> list[Listing]:
    return list(importer.read(path).listings)


# -- OFAC legacy CSV ------------------------------------------------------------------------------


def test_sdn_csv_sample_reads_17_entries_without_date():
    result, listings = read(OfacCsvImporter(), SDN_CSV)
    assert (result.source, result.published, result.format) == ("ofac-sdn", None, "ofac-csv")
    assert len(listings) == 17
    assert list(listings)[:3] == ["10278", "11195", "12685"]


def test_sdn_csv_individual_field_by_field():
    # sdn.csv line 1; alt.csv's "10416,10278,…" row is ent_num 10416 (an orphan), not 10278.
    logan = read(OfacCsvImporter(), SDN_CSV)[1]["10278"]
    assert logan.name == "LOGAN MOREY, Elvis Angus"
    assert logan.kind == "person"
    assert logan.programs == ["SDNT"]
    assert logan.birth_dates == ["1963-07-28"]
    assert logan.identifiers == [
        {"type": "Passport", "value": "P0017003", "country": "Belize"},
        {"type": "SSN", "value": "561-77-9011", "country": "United States"},
    ]
    assert logan.aliases == []  # the weak a.k.a. of the remarks is not a matching alias…
    assert logan.raw["weak_aliases"] == ["BURTON BURGESS"]  # …but is kept
    assert logan.addresses == [] and logan.countries == []  # add.csv row 13948 is all -0-
    assert logan.listed_on is None
    assert logan.remarks == (
        "DOB 28 Jul 1963; POB Toledo District, Belize; Passport P0017003 (Belize); "
        "SSN 561-77-9011 (United States); a.k.a. 'BURTON BURGESS'."
    )
    assert logan.raw["SDN_Type"] == "individual" and logan.raw["Title"] is None
    assert logan.raw["add"] == [{
        "Add_num": "13948", "Address": None, "City/State/Province/Postal Code": None,
        "Country": None, "Add_remarks": None,
    }]


def test_sdn_csv_entity_with_aliases_addresses_and_identifiers():
    iami = read(OfacCsvImporter(), SDN_CSV)[1]["11195"]
    assert iami.name == "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY"
    assert iami.kind == "organization"  # SDN_Type -0-
    assert iami.programs == ["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"]
    assert iami.aliases == [  # alt.csv rows 11591, 11593, 11595, 11597
        "HESA TRADE CENTER",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIES",
        "IRAN AIRCRAFT MANUFACTURING COMPANY",
        "KARKHANEJATE SANAYE HAVAPAYMAIE IRAN",
    ]
    assert [alt["alt_type"] for alt in iami.raw["alt"]] == ["aka"] * 4
    assert len(iami.addresses) == 5 and iami.countries == ["Iran"]
    assert iami.addresses[0] == (
        "P.O. Box 83145-311, 28 km Esfahan - Tehran Freeway, Shahin Shahr, Esfahan, Iran"
    )
    assert iami.identifiers == [
        {"type": "National ID No.", "value": "10100722073", "country": "Iran"},
        {"type": "Registration Number", "value": "26740", "country": "Iran"},
    ]
    assert iami.raw["weak_aliases"][:3] == ["HESA", "HTC", "IAMI"]


def test_sdn_csv_vessel_and_aircraft():
    listings = read(OfacCsvImporter(), SDN_CSV)[1]
    frunze = listings["50972"]
    assert (frunze.name, frunze.kind, frunze.programs) == ("FRUNZE", "vessel", ["SDGT", "IFSR"])
    assert frunze.identifiers == [
        {"type": "IMO", "value": "9263643", "country": None},
        {"type": "MMSI", "value": "518998343", "country": None},
    ]
    vessel_columns = ("Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner")
    assert [frunze.raw[column] for column in vessel_columns] == [
        "E5U4323", "Crude Oil Tanker", None, None, "Cook Islands", None,
    ]
    assert frunze.countries == []  # a flag is not an address: it stays in raw
    aircraft = listings["48727"]
    assert (aircraft.name, aircraft.kind) == ("EP-PUS", "aircraft")
    assert aircraft.programs == ["SDGT", "NPWMD", "IRGC", "IFSR"]
    assert {"type": "Aircraft Manufacturer's Serial Number (MSN)", "value": "1023409321",
            "country": None} in aircraft.identifiers


def test_sdn_csv_remarks_continue_in_comments_file_mid_word():
    suex = read(OfacCsvImporter(), SDN_CSV)[1]["33151"]
    # sdn.csv cuts the remarks at "…XBT 1B64QRxf"; sdn_comments.csv goes on with "aa35MVkf…".
    assert "XBT 1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi; Digital Currency" in suex.remarks
    assert {"type": "Digital Currency Address - XBT", "value": "1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi",
            "country": None} in suex.identifiers
    assert {"type": "Legal Entity Number", "value": "5299007NTWCC3U23WM81",
            "country": "Czech Republic"} in suex.identifiers
    assert suex.raw["weak_aliases"] == ["SUCCESSFUL EXCHANGE"]
    assert suex.countries == ["Russia", "Czech Republic"]


def test_sdn_csv_nationality_and_several_documents():
    khoroshev = read(OfacCsvImporter(), SDN_CSV)[1]["48603"]
    assert khoroshev.aliases == [
        "KHOROSHEV, Dmitriy Yurevich", "YURIEVICH, Dmitry", "KHOROSHEV, Dmitrii Yuryevich",
    ]
    assert khoroshev.countries == ["Russia"]  # add.csv country, nationality and citizen agree
    passports = [i["value"] for i in khoroshev.identifiers if i["type"] == "Passport"]
    assert passports == ["2018278055", "2006801524"]  # the second is an "alt. Passport"


def test_sdn_csv_main_file_path_reads_its_siblings():
    by_folder = read_all(OfacCsvImporter(), SDN_CSV)
    by_file = read_all(OfacCsvImporter(), SDN_CSV / "sdn.csv")
    assert [one.as_dict() for one in by_file] == [one.as_dict() for one in by_folder]


def test_sdn_csv_siblings_found_case_insensitively_and_may_be_missing(tmp_path):
    shutil.copy(SDN_CSV / "sdn.csv", tmp_path / "SDN.CSV")
    shutil.copy(SDN_CSV / "alt.csv", tmp_path / "ALT.CSV")
    listings = {listing.list_id: listing for listing in read_all(OfacCsvImporter(), tmp_path)}
    gaddafi = listings["12685"]
    assert gaddafi.aliases == ["GADDAFI INTERNATIONAL FOUNDATION FOR CHARITY ORGANISATIONS"]
    assert gaddafi.addresses == []  # no add.csv
    # No sdn_comments.csv: the remarks end where sdn.csv cut them.
    assert listings["33151"].remarks.endswith("alt. Digital Currency Address - XBT 1B64QRxf")


def test_main_file_under_another_name_is_read_alone(tmp_path):
    shutil.copytree(SDN_CSV, tmp_path / "set")
    renamed = tmp_path / "set" / "sdn-2024-05-01.csv"
    (tmp_path / "set" / "sdn.csv").rename(renamed)
    importer = OfacCsvImporter()
    assert importer.detect(renamed, renamed.read_bytes()[:4096])  # by its first row
    listings = {listing.list_id: listing for listing in read_all(importer, renamed)}
    assert len(listings) == 17 and listings["11195"].aliases == []


def test_cons_csv_set():
    result, listings = read(OfacCsvImporter(), CONS_CSV)
    assert (result.source, result.published) == ("ofac-cons", None)
    assert len(listings) == 442  # the last line of cons_prim.csv is the 0x1A marker
    haniya = listings["9639"]
    assert haniya.name == "HANIYA, Ismail Abdul Salah"
    assert (haniya.kind, haniya.programs, haniya.birth_dates) == ("person", ["NS-PLC"], ["1962"])
    assert haniya.aliases == ["HANIYA, Ismail", "HANIYYA, Ismaeel"]
    # "…; Registration Numbe" + cons_comments.csv "r 1027700342890 (Russia); …"
    assert {"type": "Registration Number", "value": "1027700342890", "country": "Russia"} in (
        listings["17014"].identifiers
    )
    assert read(OfacCsvImporter(), CONS_CSV / "cons_prim.csv")[0].source == "ofac-cons"


def test_diff_pair_shows_exactly_the_real_changes():
    """2024-04-04 -> 2024-04-12: 4 designations (48239-48242, SDGT), 2 delistings (39136, 39137),
    1 amendment (46788: passport number changed). CRLF files ending in a 0x1A line."""
    before = read(OfacCsvImporter(), DIFF_PAIR / "2024-04-04")[1]
    after = read(OfacCsvImporter(), DIFF_PAIR / "2024-04-12")[1]
    assert (len(before), len(after)) == (32, 34)
    added, removed = after.keys() - before.keys(), before.keys() - after.keys()
    assert sorted(added) == ["48239", "48240", "48241", "48242"]
    assert all(after[list_id].programs == ["SDGT"] for list_id in added)
    assert sorted(removed) == ["39136", "39137"]
    assert all(before[list_id].programs == ["BALKANS-EO14033"] for list_id in removed)
    both = before.keys() & after.keys()
    assert [i for i in sorted(both) if before[i].identifiers != after[i].identifiers] == ["46788"]
    assert [i for i in sorted(both) if before[i].as_dict() != after[i].as_dict()] == ["46788"]
    passport = {i["value"] for i in before["46788"].identifiers if i["type"] == "Passport"}
    assert passport == {"8708321052"}
    passport = {i["value"] for i in after["46788"].identifiers if i["type"] == "Passport"}
    assert passport == {"8705080546"}
    assert after["48240"].birth_dates == ["1985"] and after["48240"].countries == ["Lebanon"]


@pytest.mark.slow
@pytest.mark.skipif(not FULL_2021.is_dir(), reason="the shared data folder is not beside the clone")
def test_full_2021_sdn_csv_set_reads_all_8976_entries_streaming():
    # Speed is measured in bench/, not here; this checks that read() only finds the files and
    # parsing happens while iterating (a lazy iterator, not a list built up front).
    result = OfacCsvImporter().read(FULL_2021)
    assert iter(result.listings) is result.listings
    listings = list(result.listings)
    assert len(listings) == 8976 == len({listing.list_id for listing in listings})
    kinds = {}
    for listing in listings:
        kinds[listing.kind] = kinds.get(listing.kind, 0) + 1
    assert kinds == {"person": 4620, "organization": 3673, "vessel": 406, "aircraft": 277}
    by_id = {listing.list_id: listing for listing in listings}
    assert by_id["36"].aliases == ["AERO-CARIBBEAN"] and by_id["36"].addresses == ["Havana, Cuba"]
    # sdn.csv cuts 28263's remarks at "…a.k.a. 'snowsjo"; sdn_comments.csv goes on "hn'; …".
    assert "snowsjohn" in by_id["28263"].raw["weak_aliases"]
    assert by_id["28263"].remarks.endswith("Linked To: LAZARUS GROUP.")


def test_csv_encodings_line_ends_and_end_marker(tmp_path):
    # Windows-1252 é and curly quotes; 0x81 is not Windows-1252, so that line is read as Latin-1.
    (tmp_path / "sdn.csv").write_bytes(
        b'1,"CAF\xc9 \x93DU\x94 MONDE",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        b'2,"ODD\x81BYTE",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        b'3,"NA\xc3\xafVE UTF-8",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        b"\r\n\x1a"
    )
    names = [listing.name for listing in read_all(OfacCsvImporter(), tmp_path)]
    assert names == ["CAFÉ \u201cDU\u201d MONDE", "ODD\x81BYTE", "NAïVE UTF-8"]


SDN_ROW = '{ent},"NAME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SDN_ROW.format(ent=1) + SDN_ROW.format(ent="12a"), "line 2: ent_num '12a' is not a"),
        (SDN_ROW.format(ent=1) + '2,"NAME",-0- ,"SDGT"\r\n', "line 2: 4 fields"),
        (SDN_ROW.format(ent=7) + SDN_ROW.format(ent=7), "line 2: id 7 already given at line 1"),
        (SDN_ROW.format(ent=1).replace('"NAME"', "-0- "), "line 1: entry 1 has no name"),
        (SDN_ROW.format(ent=1) + "3,\x00garbage\x00,\r\n", "line 2"),
    ],
    ids=["non-integer ent_num", "wrong width", "duplicate ent_num", "no name", "NUL bytes"],
)
def test_malformed_csv_rows_name_file_and_line(tmp_path, content, message):
    (tmp_path / "sdn.csv").write_bytes(content.encode())
    result = OfacCsvImporter().read(tmp_path)  # nothing read yet: the error comes when iterating
    with pytest.raises(BadDataError) as caught:
        list(result.listings)
    assert str(tmp_path / "sdn.csv") in caught.value.message and message in caught.value.message


def test_malformed_joined_file_and_garbage(tmp_path):
    shutil.copy(SDN_CSV / "sdn.csv", tmp_path / "sdn.csv")
    (tmp_path / "alt.csv").write_text('10278,1,"aka","X",-0- \nten,2,"aka","Y",-0- \n')
    with pytest.raises(BadDataError, match=r"alt\.csv: line 2: ent_num 'ten' is not a number"):
        read_all(OfacCsvImporter(), tmp_path)
    (tmp_path / "alt.csv").write_text('10278,1,"aka","X",-0- \n10278,#2,"aka","Y",-0- \n')
    with pytest.raises(BadDataError, match=r"alt\.csv: line 2: alt_num '#2' is not a number"):
        read_all(OfacCsvImporter(), tmp_path)
    (tmp_path / "alt.csv").unlink()
    (tmp_path / "sdn.csv").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(BadDataError, match=r"sdn\.csv: line 1"):
        read_all(OfacCsvImporter(), tmp_path)


def test_csv_folder_errors(tmp_path):
    with pytest.raises(BadDataError, match="no sdn.csv or cons_prim.csv"):
        OfacCsvImporter().read(tmp_path)
    (tmp_path / "sdn.csv").write_text("")
    (tmp_path / "cons_prim.csv").write_text("")
    with pytest.raises(UsageError, match="both the SDN and the Consolidated"):
        OfacCsvImporter().read(tmp_path)
    with pytest.raises(UsageError, match="no such file"):
        OfacCsvImporter().read(tmp_path / "missing")


# -- SDN.XML --------------------------------------------------------------------------------------


def test_sdn_xml_old_namespace_sample():
    result, listings = read(OfacXmlImporter(), SDN_XML)
    assert (result.source, result.published) == ("ofac-sdn", "2014-05-30")
    assert result.format == "ofac-xml"
    # 8 sdnEntry elements, two of them empty placeholders of the trimmed sample (no child element).
    assert list(listings) == ["10", "15", "25", "36", "39", "42"]
    abdelnur = listings["15"]
    assert (abdelnur.name, abdelnur.kind, abdelnur.programs) == (
        "ABDELNUR, Nury de Jesus", "person", ["CUBA"],
    )
    assert abdelnur.countries == ["Panama"] and abdelnur.addresses == ["Panama"]
    aero = listings["36"]
    assert (aero.name, aero.kind, aero.aliases) == (
        "AEROCARIBBEAN AIRLINES", "organization", ["AERO-CARIBBEAN"],
    )
    assert aero.addresses == ["Havana, Cuba"] and aero.countries == ["Cuba"]
    assert aero.raw["akaList"] == [
        {"uid": "12", "type": "a.k.a.", "category": "strong", "lastName": "AERO-CARIBBEAN"}
    ]
    assert listings["25"].addresses == ["171 Old Bakery Street, Valletta, Malta"]


def swapped(source: Path, old: str, new: str, target: Path, edit=lambda text: text) -> Path:
    """A synthetic copy of a sample with its namespace replaced (and any other edit)."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(edit(text.replace(old, new)), encoding="utf-8")
    return target


def test_sdn_xml_new_namespace_reads_the_same(tmp_path):
    new = swapped(SDN_XML, OLD_XML_NS, NEW_XML_NS, tmp_path / "SDN.XML")
    old_result, new_result = OfacXmlImporter().read(SDN_XML), OfacXmlImporter().read(new)
    assert new_result.published == old_result.published == "2014-05-30"
    assert [listing.as_dict() for listing in new_result.listings] == [
        listing.as_dict() for listing in old_result.listings
    ]


# A synthetic entry in the new namespace, made from sdn.csv's ent_num 10278 (LOGAN MOREY) and
# 40716 (IRIS MAKRAN) so that it also shows SDN.XML and the CSV give the same fields.
SYNTHETIC_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<sdnList xmlns="{NEW_XML_NS}">
  <publshInformation><Publish_Date>04/12/2024</Publish_Date><Record_Count>2</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>10278</uid><firstName>Elvis Angus</firstName><lastName>LOGAN MOREY</lastName>
    <sdnType>Individual</sdnType>
    <remarks>POB Toledo District, Belize.</remarks>
    <programList><program>SDNT</program></programList>
    <idList>
      <id><uid>1</uid><idType>Passport</idType><idNumber>P0017003</idNumber>
        <idCountry>Belize</idCountry></id>
      <id><uid>2</uid><idType>SSN</idType><idNumber>561-77-9011</idNumber>
        <idCountry>United States</idCountry></id>
      <id><uid>3</uid><idType>Gender</idType><idNumber>Male</idNumber></id>
    </idList>
    <akaList>
      <aka><uid>4</uid><type>a.k.a.</type><category>weak</category>
        <lastName>BURTON BURGESS</lastName></aka>
    </akaList>
    <nationalityList><nationality><uid>5</uid><country>Belize</country>
      <mainEntry>true</mainEntry></nationality></nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>6</uid><dateOfBirth>28 Jul 1963</dateOfBirth>
      <mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
  </sdnEntry>
  <sdnEntry>
    <uid>40716</uid><lastName>IRIS MAKRAN</lastName><sdnType>Vessel</sdnType>
    <programList><program>IRAN</program></programList>
    <idList><id><uid>7</uid><idType>Vessel Registration Identification</idType>
      <idNumber>IMO 9486910</idNumber></id></idList>
    <akaList><aka><uid>8</uid><type>a.k.a.</type><category>weak</category>
      <lastName>MAKRAN</lastName></aka></akaList>
    <vesselInfo><vesselType>Naval Auxiliary Vessel</vesselType><vesselFlag>Iran</vesselFlag>
    </vesselInfo>
  </sdnEntry>
</sdnList>
"""


def test_sdn_xml_identity_fields_match_the_csv(tmp_path):
    path = tmp_path / "CONSOLIDATED.XML"
    path.write_text(SYNTHETIC_XML, encoding="utf-8")
    result, listings = read(OfacXmlImporter(), path)
    assert (result.source, result.published) == ("ofac-cons", "2024-04-12")  # by the file name
    logan, makran = listings["10278"], listings["40716"]
    from_csv = read(OfacCsvImporter(), SDN_CSV)[1]
    for field in ("name", "aliases", "kind", "programs", "birth_dates", "identifiers"):
        assert getattr(logan, field) == getattr(from_csv["10278"], field), field
        assert getattr(makran, field) == getattr(from_csv["40716"], field), field
    assert logan.raw["weak_aliases"] == from_csv["10278"].raw["weak_aliases"]
    assert logan.countries == ["Belize"]  # nationality
    assert logan.remarks == "POB Toledo District, Belize."
    assert makran.raw["vesselInfo"] == {
        "vesselType": "Naval Auxiliary Vessel", "vesselFlag": "Iran",
    }
    assert logan.raw["idList"][2] == {"uid": "3", "idType": "Gender", "idNumber": "Male"}


def test_sdn_xml_read_returns_before_parsing_entries(tmp_path):
    # A file whose entries are broken far down: read() still answers (it parses only the head).
    path = tmp_path / "sdn.xml"
    path.write_text(SYNTHETIC_XML.replace("</sdnList>", "<sdnEntry><uid>x</uid></sdnEntry>"))
    result = OfacXmlImporter().read(path)
    assert result.published == "2024-04-12"
    listings = iter(result.listings)
    assert next(listings).list_id == "10278"
    with pytest.raises(BadDataError):
        list(listings)


# -- SDN advanced XML -----------------------------------------------------------------------------


def test_advanced_sample_entity_and_listing_dates():
    result, listings = read(OfacAdvancedImporter(), ADVANCED)
    assert (result.source, result.published, result.format) == (
        "ofac-sdn", "2026-09-09", "ofac-advanced",
    )
    assert list(listings) == ["36", "2677", "4238", "15432"]
    aero = listings["36"]
    assert (aero.name, aero.kind, aero.aliases) == (
        "AEROCARIBBEAN AIRLINES", "organization", ["AERO-CARIBBEAN"],
    )
    assert (aero.programs, aero.listed_on) == (["CUBA"], "1986-12-10")
    assert aero.addresses == ["Havana, Cuba"] and aero.countries == ["Cuba"]
    assert aero.raw["sanctions_entry"]["list"] == "SDN List"


def test_advanced_sample_individual():
    person = read(OfacAdvancedImporter(), ADVANCED)[1]["2677"]
    assert person.name == "Al-Zomor, Abboud Abdul Latif Hassan"  # Last Name part, First Name part
    assert person.kind == "person"
    assert person.aliases == [
        "ZUMAR, Abbud",
        "الزمر, عبود عبداللطيف حسن",  # the primary name in Arabic script
        "AL-Zumar, Abbud",
        "El-Zomor, Aboud Abdul Latif Hasan",
        "Al-Zumur, Abood Abdul Latif Hassan",
        "Al-Zamur, Abboud Abdul Latif Hassan",
    ]
    assert (person.programs, person.listed_on) == (["SDGT"], "1995-01-23")
    assert person.birth_dates == ["1947-04-19"]
    assert person.countries == ["Egypt"]  # location 1835 and nationality (location 186082)
    features = {feature["type"]: feature["value"] for feature in person.raw["features"]}
    assert features["Place of Birth"] == "Nahia, Giza, Egypt"
    assert features["Gender"] == "Male"
    assert features["Secondary sanctions risk:"] == (
        "section 1(b) of Executive Order 13224, as amended by Executive Order 13886"
    )


def test_advanced_sample_vessel_and_aircraft():
    listings = read(OfacAdvancedImporter(), ADVANCED)[1]
    vessel = listings["4238"]
    assert (vessel.name, vessel.kind, vessel.programs) == ("MAR AZUL", "vessel", ["CUBA"])
    assert vessel.addresses == [] and vessel.countries == []  # its location is "undetermined"
    features = {feature["type"]: feature["value"] for feature in vessel.raw["features"]}
    assert features["Vessel Call Sign"] == "CL2192" and features["Vessel Flag"] == "Cuba"
    assert features["VESSEL TYPE"] == "Tug"  # a looked-up DetailReference
    assert features["Vessel Owner"] == "Samir de Navegacion S.A."
    aircraft = listings["15432"]
    assert (aircraft.name, aircraft.kind) == ("EP-GOL", "aircraft")
    assert aircraft.listed_on == "2012-09-19"
    assert {"type": "Aircraft Manufacturer's Serial Number (MSN)", "value": "1013409297",
            "country": None} in aircraft.identifiers
    features = {feature["type"]: feature["value"] for feature in aircraft.raw["features"]}
    assert features["Aircraft Manufacture Date"] == "1991"  # 1991-01-01 to 1991-12-31


# The sample's IDRegDocuments is empty: one document (from fragments/minified_IDRegistrationNo.xml,
# pointed at identity 4423 of party 2677) shows the join from documents to parties.
ID_DOCUMENT = """<IDRegDocuments><IDRegDocument ID="4901" IDRegDocTypeID="1571" IdentityID="4423"
 IssuedBy-CountryID="11082" ValidityID="1"><Comment /><IDRegistrationNo>484824</IDRegistrationNo>
 <IssuingAuthority /><DocumentDate IDRegDocDateTypeID="1480"><DatePeriod CalendarTypeID="1">
 <Start><From><Year>1984</Year><Month>1</Month><Day>18</Day></From><To><Year>1984</Year>
 <Month>1</Month><Day>18</Day></To></Start><End><From><Year>1984</Year><Month>1</Month>
 <Day>18</Day></From><To><Year>1984</Year><Month>1</Month><Day>18</Day></To></End></DatePeriod>
 </DocumentDate></IDRegDocument></IDRegDocuments>"""


def test_advanced_old_namespace_and_id_documents(tmp_path):
    def add_document(text: str) -> str:
        return text.replace("<IDRegDocuments></IDRegDocuments>", ID_DOCUMENT)

    old = swapped(ADVANCED, NEW_ADVANCED_NS, OLD_ADVANCED_NS, tmp_path / "sdn_advanced.xml",
                  add_document)
    assert OfacAdvancedImporter().detect(old, old.read_bytes()[:4096])
    result, listings = read(OfacAdvancedImporter(), old)
    assert result.published == "2026-09-09"
    person = listings["2677"]
    assert person.identifiers == [{"type": "Passport", "value": "484824", "country": "Egypt"}]
    assert person.raw["id_documents"][0]["dates"] == {"Issue Date": "1984-01-18"}
    # Apart from the document, the old namespace reads exactly as the new one.
    person.identifiers, person.raw["id_documents"] = [], []
    from_new = read_all(OfacAdvancedImporter(), ADVANCED)
    assert [listing.as_dict() for listing in listings.values()] == [
        listing.as_dict() for listing in from_new
    ]


def test_advanced_consolidated_file_name(tmp_path):
    path = tmp_path / "CONS_ADVANCED.XML"
    shutil.copy(ADVANCED, path)
    assert OfacAdvancedImporter().read(path).source == "ofac-cons"


def test_advanced_party_without_fixed_ref_is_refused(tmp_path):
    path = tmp_path / "a.xml"
    text = ADVANCED.read_text(encoding="utf-8")
    path.write_text(text.replace(' FixedRef="4238">', ">", 1), encoding="utf-8")  # the party's
    with pytest.raises(BadDataError, match=r"a\.xml: DistinctParty FixedRef=None: FixedRef None"):
        read_all(OfacAdvancedImporter(), path)


# -- every importer: detection and hostile or broken XML ------------------------------------------

IMPORTERS = [OfacCsvImporter(), OfacXmlImporter(), OfacAdvancedImporter()]
DETECTED = {
    "ofac-csv": {
        "ofac_sdn_csv/sdn.csv", "ofac_cons_csv/cons_prim.csv",
        "ofac_sdn_csv_diffpair/2024-04-04/sdn.csv", "ofac_sdn_csv_diffpair/2024-04-12/sdn.csv",
        # folders holding a set
        "ofac_sdn_csv", "ofac_cons_csv",
        "ofac_sdn_csv_diffpair/2024-04-04", "ofac_sdn_csv_diffpair/2024-04-12",
    },
    "ofac-xml": {"ofac_sdn_xml/big_xml.xml"},
    "ofac-advanced": {"ofac_sdn_advanced_xml/sample_sdn_advanced.xml"},
}


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.format)
def test_detect_claims_exactly_its_own_samples(importer):
    claimed = set()
    for path in [LISTS, *sorted(LISTS.rglob("*"))]:
        head = b""
        if path.is_file():
            with open(path, "rb") as f:
                head = f.read(4096)
        if importer.detect(path, head):
            claimed.add(path.relative_to(LISTS).as_posix())
    assert claimed == DETECTED[importer.format]


XML_FORMATS = {
    "ofac-xml": (OfacXmlImporter(), "sdnList", NEW_XML_NS, "publshInformation", SDN_XML),
    "ofac-advanced": (
        OfacAdvancedImporter(), "Sanctions", NEW_ADVANCED_NS, "DateOfIssue", ADVANCED,
    ),
}


@pytest.mark.parametrize("fmt", XML_FORMATS)
@pytest.mark.parametrize("attack", ["laughs", "xxe"])
def test_entity_declarations_are_refused_at_once(tmp_path, fmt, attack):
    importer, root, namespace, first, _ = XML_FORMATS[fmt]
    path = tmp_path / "list.xml"
    path.write_text(hostile_xml(attack, f'<{root} xmlns="{namespace}"><{first}>', f"</{first}></{root}>"))
    assert importer.detect(path, path.read_bytes()[:4096])  # recognised, so refused by name
    with pytest.raises(BadDataError, match="refused: the XML declares a DTD") as caught:
        read_all(importer, path)
    assert str(path) in caught.value.message and "root:" not in caught.value.message


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_truncated_and_garbage_xml(tmp_path, fmt):
    importer, *_, sample = XML_FORMATS[fmt]
    data = sample.read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(BadDataError, match=r"truncated\.xml: line \d+: malformed XML"):
        read_all(importer, truncated)
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(bytes(range(256)) * 16)
    assert not importer.detect(garbage, garbage.read_bytes()[:4096])
    with pytest.raises(BadDataError, match=r"garbage\.xml: line 1: malformed XML"):
        read_all(importer, garbage)


def test_xml_entry_errors_name_the_record(tmp_path):
    path = tmp_path / "sdn.xml"
    path.write_text(SYNTHETIC_XML.replace("<uid>40716</uid>", "<uid>10278</uid>"))
    with pytest.raises(BadDataError, match=r"sdnEntry #2 \(uid 10278\): id 10278 already given"):
        read_all(OfacXmlImporter(), path)
    path.write_text(SYNTHETIC_XML.replace("<uid>40716</uid>", "<uid>N/A</uid>"))
    with pytest.raises(BadDataError, match=r"sdnEntry #2: uid 'N/A' is not a number"):
        read_all(OfacXmlImporter(), path)
    path.write_text(SYNTHETIC_XML.replace("<Publish_Date>04/12/2024", "<Publish_Date>2024-04-12"))
    with pytest.raises(BadDataError, match="Publish_Date '2024-04-12' is not MM/DD/YYYY"):
        OfacXmlImporter().read(path)
    with pytest.raises(UsageError, match="is a folder"):
        OfacXmlImporter().read(tmp_path)

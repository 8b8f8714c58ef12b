"""export --format ftm: FollowTheMoney entities that followthemoney's own model accepts unchanged,
with stable ids, and that `sanctrack import` reads back as an OpenSanctions snapshot."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED, run_process

followthemoney = pytest.importorskip(
    "followthemoney", reason="the test extra installs followthemoney: pip install -e '.[test]'"
)
from followthemoney import model, registry  # noqa: E402

from sanctrack.ftm_export import (  # noqa: E402
    clean_name,
    clean_text,
    ftm_entities,
    ftm_url,
)

OFAC = "US Department of the Treasury, OFAC"
TREASURY_URL = "https://home.treasury.gov/news/press-releases/sm845"

# Every kind of target, a delisting by the same authority and one by another, a quarter date,
# EU and UN senders, a counter-sanction, a countermeasure and a response by a target itself.
RICH = [
    {
        "type": "event", "date": "2024-03-01", "authority": OFAC, "jurisdiction": "US",
        "action": "designation", "program": "CYBER2", "legal_basis": "E.O. 13694, as amended",
        "reason": "Ransomware operations", "summary": "OFAC designated an outfit and its assets.",
        "sources": [TREASURY_URL, "Global Times"], "tags": ["ransomware"],
        "targets": [
            {"name": "YAKUBETS, Maksim Viktorovich", "aliases": ["Maksim Yakubets"], "kind": "person", "country": "RU"},
            {"name": "Ocean Star", "kind": "vessel", "country": "PA"},
            {"name": "EP-ABC", "kind": "aircraft", "country": "IR"},
            {"name": "Evil Syndicate", "aliases": ["Zlaya Korporatsiya"], "kind": "group", "country": "RU"},
            {"name": "Ministry of Intelligence and Security", "kind": "government-body", "country": "IR"},
            {"name": "Acme Widgets Trading"},
        ],
    },
    {
        "type": "event", "date": "2025-02", "authority": OFAC, "jurisdiction": "US",
        "action": "delisting", "program": "CYBER2", "targets": [{"name": "Ocean Star", "kind": "vessel"}],
    },
    {
        "type": "event", "date": "2025-03-01", "authority": "UK FCDO", "jurisdiction": "GB",
        "action": "delisting", "targets": [{"name": "Acme Widgets Trading"}],
    },
    {
        "type": "event", "date": "2024-Q2", "authority": "Council of the EU", "jurisdiction": "EU",
        "action": "designation", "program": "Cyber-attacks regime", "targets": [{"name": "Evil Syndicate", "kind": "group"}],
    },
    {
        "type": "event", "date": "2024-06-01", "authority": "UN Security Council", "jurisdiction": "UN",
        "action": "amendment", "targets": [{"name": "Evil Syndicate", "kind": "group"}],
    },
    {
        "type": "event", "date": "2024-04-01", "authority": "Russian Ministry of Foreign Affairs",
        "jurisdiction": "RU", "action": "designation", "summary": "Entry ban on US officials.",
        "targets": [{"name": "John Doe", "kind": "person", "country": "US"}],
    },
]


def _ids(cli) -> dict:
    """Event ids by authority + first target, after RICH is imported."""
    events = json.loads(cli("export", "--format", "json", "--type", "event").stdout)
    return {(e["authority"], e["targets"][0]["name"]): e["id"] for e in events}


@pytest.fixture
def rich(cli, tmp_path):
    """RICH imported, then the counter-sanction linked and two responses added."""
    path = tmp_path / "rich.json"
    path.write_text(json.dumps(RICH), encoding="utf-8")
    cli("import", str(path))
    ids = _ids(cli)
    ofac = ids[(OFAC, "YAKUBETS, Maksim Viktorovich")]
    counter = ids[("Russian Ministry of Foreign Affairs", "John Doe")]
    cli("edit", counter, "--in-response-to", ofac)
    cli("add", "response", "--to", ofac, "--date", "2024-03-02",
        "--actor", "Russian Ministry of Foreign Affairs", "--speaker", "Maria Zakharova",
        "--country", "RU", "--kind", "countermeasure", "--stance", "threatens",
        "--counter-event", counter, "--source", "https://mid.ru/en/press/1")  # fmt: skip
    cli("add", "response", "--to", ofac, "--date", "2024-03", "--actor", "Evil Syndicate",
        "--kind", "statement", "--stance", "denies", "--quote", "We deny everything.")  # fmt: skip
    return ids


def export_ftm(cli, *args: str) -> list[dict]:
    out = cli("export", "--format", "ftm", *args).stdout
    assert out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


def check_entity(data: dict) -> None:
    """`data` is an FtM entity that followthemoney accepts exactly as it is."""
    assert set(data) <= {"id", "schema", "properties", "target"}, data
    schema = model.get(data["schema"])
    assert schema is not None and not schema.abstract, data["schema"]
    assert isinstance(data["id"], str) and 0 < len(data["id"]) <= registry.entity.max_length
    assert registry.entity.clean(data["id"]) == data["id"]
    for name, values in data["properties"].items():
        prop = schema.get(name)
        assert prop is not None, f"{schema.name} has no property {name}"
        assert not prop.stub, f"{schema.name}.{name} is a reverse property"
        assert values and all(isinstance(v, str) for v in values), (name, values)
        for value in values:
            assert prop.type.validate(value), f"{schema.name}.{name}: invalid {prop.type.name} {value!r}"
    for name in schema.required:
        assert data["properties"].get(name), f"{schema.name} needs {name}"
    schema.validate(data)  # raises InvalidData
    proxy = model.get_proxy(data, cleaned=False)  # every value re-validated and normalised
    assert proxy.id == data["id"]
    assert proxy.to_dict()["properties"] == data["properties"], "cleaning changed a value"


def check_export(entities: list[dict]) -> dict[str, dict]:
    """Every entity valid, ids unique, and every reference to an entity of the file, of its range."""
    by_id = {}
    for entity in entities:
        check_entity(entity)
        assert entity["id"] not in by_id, f"duplicate id {entity['id']}"
        by_id[entity["id"]] = entity
    for entity in entities:
        schema = model.get(entity["schema"])
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            if prop.type != registry.entity:
                continue
            for value in values:
                assert value in by_id, f"{entity['id']}.{name} -> {value}: not in the export"
                assert model.get(by_id[value]["schema"]).is_a(prop.range), (entity["id"], name, value)
    return by_id


def named(entities, schema: str, name: str) -> dict:
    found = [e for e in entities if e["schema"] == schema and name in e["properties"].get("name", [])]
    assert len(found) == 1, (schema, name, found)
    return found[0]


def sanctions_of(entities, entity_id: str) -> list[dict]:
    return [e for e in entities if e["schema"] == "Sanction" and e["properties"]["entity"] == [entity_id]]


# -- validity ------------------------------------------------------------------------------------


def test_seed_export_is_valid_followthemoney(cli):
    cli("import", str(SEED))
    entities = export_ftm(cli)
    check_export(entities)
    schemas = [e["schema"] for e in entities]
    assert schemas.count("Company") == 2
    assert schemas.count("Sanction") == 3  # one per target of each designation
    assert schemas.count("Event") == 4  # one per response


def test_rich_export_is_valid_followthemoney(cli, rich):
    check_export(export_ftm(cli))


def test_empty_store_exports_nothing(cli):
    assert cli("export", "--format", "ftm").stdout == ""


# -- targets -------------------------------------------------------------------------------------


def test_each_kind_of_target_has_its_schema(cli, rich):
    entities = export_ftm(cli)
    targets = {e["properties"]["name"][0]: e["schema"] for e in entities if e["id"].startswith("sanctrack-en-")}
    assert targets == {
        "YAKUBETS, Maksim Viktorovich": "Person",
        "Ocean Star": "Vessel",
        "EP-ABC": "Airplane",
        "Evil Syndicate": "Organization",  # a group
        "Ministry of Intelligence and Security": "PublicBody",
        "Acme Widgets Trading": "LegalEntity",  # no kind given
        "John Doe": "Person",
    }


def test_an_entity_has_all_its_names_once(cli):
    cli("import", str(SEED))
    entities = export_ftm(cli)
    integrity = named(entities, "Company", "Integrity Technology Group")
    assert integrity["properties"]["alias"] == [
        "Yongxin Zhicheng Technology Group",
        "Integrity Technology Group Incorporated",  # as the UK named it
    ]
    assert integrity["properties"]["country"] == ["cn"]
    assert integrity["target"] is True and integrity["properties"]["topics"] == ["sanction"]
    shown = cli.json("show", json.loads(SEED.read_text())[0]["id"])
    assert integrity["id"] == "sanctrack-" + shown["targets"][0]["entity_id"]
    # Both designations of it point at the one entity.
    assert len(sanctions_of(entities, integrity["id"])) == 2


# -- sanctions -----------------------------------------------------------------------------------


def test_a_designation_is_a_sanction_per_target(cli, rich):
    entities = export_ftm(cli)
    person = named(entities, "Person", "YAKUBETS, Maksim Viktorovich")
    assert person["properties"]["alias"] == ["Maksim Yakubets"]
    assert person["properties"]["country"] == ["ru"]
    [sanction] = sanctions_of(entities, person["id"])
    event_id = rich[(OFAC, "YAKUBETS, Maksim Viktorovich")]
    assert sanction["id"] == f"sanctrack-{event_id}-sanction-1"
    assert sanction["properties"] == {
        "entity": [person["id"]],
        "authority": [OFAC],
        "country": ["us"],
        "program": ["CYBER2"],
        "reason": ["Ransomware operations"],
        "summary": ["OFAC designated an outfit and its assets."],
        "description": ["Legal basis: E.O. 13694, as amended"],
        "startDate": ["2024-03-01"],
        "status": ["designation"],
        "sourceUrl": [TREASURY_URL],
        "publisher": ["Global Times"],  # a source that is not an address
        "recordId": [event_id],
    }
    vessel = named(entities, "Vessel", "Ocean Star")
    first = sanctions_of(entities, vessel["id"])[0]
    assert first["id"] == f"sanctrack-{event_id}-sanction-2"


def test_a_later_delisting_by_the_same_authority_ends_the_sanction(cli, rich):
    entities = export_ftm(cli)
    vessel = named(entities, "Vessel", "Ocean Star")
    designation, delisting = sanctions_of(entities, vessel["id"])
    assert designation["properties"]["startDate"] == ["2024-03-01"]
    assert designation["properties"]["endDate"] == ["2025-02"]
    assert delisting["properties"]["status"] == ["delisting"]
    assert delisting["properties"]["endDate"] == ["2025-02"]
    assert "startDate" not in delisting["properties"]
    assert vessel["target"] is False and "topics" not in vessel["properties"]
    # The UK's delisting of a party OFAC designated does not end OFAC's sanction.
    acme = named(entities, "LegalEntity", "Acme Widgets Trading")
    ofac, uk = sanctions_of(entities, acme["id"])
    assert "endDate" not in ofac["properties"] and ofac["properties"]["authority"] == [OFAC]
    assert uk["properties"]["endDate"] == ["2025-03-01"] and uk["properties"]["country"] == ["gb"]
    assert acme["target"] is True


def test_blocs_quarters_and_other_actions(cli, rich):
    entities = export_ftm(cli)
    group = named(entities, "Organization", "Evil Syndicate")
    by_country = {s["properties"]["country"][0]: s for s in sanctions_of(entities, group["id"])}
    assert set(by_country) == {"us", "eu", "un"}  # FtM's codes for the EU and the UN
    # FtM dates have no quarters: 2024-Q2 is stated as 2024, never as an invented month.
    assert by_country["eu"]["properties"]["startDate"] == ["2024"]
    assert by_country["eu"]["properties"]["program"] == ["Cyber-attacks regime"]
    # An amendment is dated, not started.
    assert by_country["un"]["properties"]["date"] == ["2024-06-01"]
    assert by_country["un"]["properties"]["status"] == ["amendment"]
    assert "startDate" not in by_country["un"]["properties"]


def test_a_counter_sanction_says_what_it_answers(cli, rich):
    entities = export_ftm(cli)
    doe = named(entities, "Person", "John Doe")
    [sanction] = sanctions_of(entities, doe["id"])
    ofac = rich[(OFAC, "YAKUBETS, Maksim Viktorovich")]
    counter = rich[("Russian Ministry of Foreign Affairs", "John Doe")]
    assert sanction["properties"]["recordId"] == [counter, ofac]
    assert f"In response to sanctrack event {ofac} (2024-03-01, {OFAC}, designation)" in sanction["properties"]["description"][0]
    assert doe["properties"]["topics"] == ["sanction.counter"]


# -- responses -----------------------------------------------------------------------------------


def test_a_response_is_an_event_linked_to_the_sanctions_it_answers(cli, rich):
    entities = export_ftm(cli)
    by_id = check_export(entities)
    ofac = rich[(OFAC, "YAKUBETS, Maksim Viktorovich")]
    counter = rich[("Russian Ministry of Foreign Affairs", "John Doe")]
    answered = [f"sanctrack-{ofac}-sanction-{n}" for n in range(1, 7)]
    events = [e for e in entities if e["schema"] == "Event"]
    protest = next(e for e in events if "countermeasure" in e["properties"]["keywords"])
    props = protest["properties"]
    assert protest["id"].startswith("sanctrack-rs-")
    assert props["name"] == ["Response by Russian Ministry of Foreign Affairs (countermeasure, threatens)"]
    assert props["date"] == ["2024-03-02"]
    assert props["keywords"] == ["countermeasure", "threatens"]
    assert props["country"] == ["ru"]
    assert props["program"] == ["CYBER2"]
    assert props["recordId"] == [protest["id"].removeprefix("sanctrack-"), ofac, counter]
    assert props["sourceUrl"] == ["https://mid.ru/en/press/1"]
    # The parties of the sanctions answered (whose Sanctions name them), then the speaker; a
    # vessel or an aircraft is not a LegalEntity, which is what `involved` takes.
    involved = [by_id[i] for i in props["involved"]]
    assert [e["schema"] for e in involved] == [
        "Person", "Organization", "PublicBody", "LegalEntity", "Person"
    ]  # fmt: skip
    assert involved[-1]["properties"] == {"name": ["Maria Zakharova"]} and involved[-1]["target"] is False
    for party in involved[:-1]:
        assert any(s["id"] in answered for s in sanctions_of(entities, party["id"]))
    for sanction_id in answered:
        assert sanction_id in props["notes"][0]
    assert f"Carried out by sanctrack event {counter}" in props["notes"][0]
    assert f"sanctrack-{counter}-sanction-1" in props["notes"][0]
    responder = by_id[props["organizer"][0]]
    assert responder["schema"] == "LegalEntity" and responder["target"] is False
    assert responder["properties"] == {"name": ["Russian Ministry of Foreign Affairs"], "country": ["ru"]}


def test_a_target_answering_is_its_own_entity(cli, rich):
    entities = export_ftm(cli)
    group = named(entities, "Organization", "Evil Syndicate")
    denial = next(e for e in entities if e["schema"] == "Event" and "denies" in e["properties"]["keywords"])
    assert denial["properties"]["organizer"] == [group["id"]]
    assert denial["properties"]["description"] == ["We deny everything."]  # the quote, verbatim
    assert denial["properties"]["date"] == ["2024-03"]
    assert not [e for e in entities if e["id"].startswith("sanctrack-actor-") and "Evil Syndicate" in e["properties"]["name"]]


def test_seed_responses(cli):
    cli("import", str(SEED))
    entities = export_ftm(cli)
    by_id = check_export(entities)
    filing = next(e for e in entities if e["id"] == "sanctrack-rs-332cfc493dc0")
    assert by_id[filing["properties"]["organizer"][0]]["properties"]["name"] == ["Integrity Technology Group"]
    press = by_id["sanctrack-rs-d4650f3f927d"]["properties"]
    assert press["date"] == ["2025-12-10"]
    assert "stern representations" in press["description"][0]
    speakers = [by_id[i] for i in press["involved"] if by_id[i]["schema"] == "Person"]
    assert [s["properties"]["name"] for s in speakers] == [["Guo Jiakun"]]
    # Guo Jiakun spoke twice: one Person.
    assert sum(1 for e in entities if e["properties"].get("name") == ["Guo Jiakun"]) == 1


# -- ids and filters -----------------------------------------------------------------------------


def test_ids_are_stable_across_runs_and_stores(cli, rich, tmp_path):
    first = cli("export", "--format", "ftm").stdout
    assert cli("export", "--format", "ftm").stdout == first
    own = tmp_path / "own.jsonl"
    own.write_text(cli("export", "--format", "jsonl").stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(own))
    assert cli("--db", str(other), "export", "--format", "ftm").stdout == first


def test_filtered_exports_stay_linked(cli, rich):
    responses = export_ftm(cli, "--type", "response")
    by_id = check_export(responses)  # involved and organizer point at entities of the file
    assert {e["schema"] for e in responses} == {"Event", "Person", "Vessel", "Airplane", "Organization", "PublicBody", "LegalEntity"}
    # The parties are named, but without their sanctions they are not marked as targets.
    assert not [e for e in by_id.values() if e.get("target")]
    # A delisting outside the selection still ends the designation.
    designations = export_ftm(cli, "--action", "designation")
    check_export(designations)
    vessel = named(designations, "Vessel", "Ocean Star")
    [sanction] = sanctions_of(designations, vessel["id"])
    assert sanction["properties"]["endDate"] == ["2025-02"]


def test_output_file_and_unknown_format(cli, rich, tmp_path):
    path = tmp_path / "out.ftm.json"
    cli("export", "--format", "FTM", "-o", str(path))
    assert path.read_text(encoding="utf-8") == cli("export", "--format", "ftm").stdout
    wrong = cli("export", "--format", "ftmx", code=2)
    assert "json, jsonl, csv, ftm" in wrong.stderr
    assert "ftm" in cli("export", "--help").stdout


@pytest.mark.slow
def test_followthemoney_is_not_needed_at_run_time(db):
    """The export runs without importing followthemoney (a test dependency only)."""
    done = run_process("import", str(SEED))
    assert done.returncode == 0, done.stderr
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sanctrack", "export", "--format", "ftm"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"\n") == 12
    assert b"followthemoney" not in result.stderr


# -- round trip through import -------------------------------------------------------------------


def test_round_trip_through_import(cli, rich, tmp_path):
    path = tmp_path / "out.ftm.json"
    cli("export", "--format", "ftm", "-o", str(path))
    entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    targets = {e["id"]: e for e in entities if e.get("target")}
    other = tmp_path / "other.db"
    summary = cli.json("--db", str(other), "import", str(path), "--source", "opensanctions",
                       "--published", "2025-06-01")  # fmt: skip
    [snapshot] = summary["snapshots"]
    assert snapshot["id"] == "opensanctions/2025-06-01" and snapshot["listings"] == len(targets)
    conn = sqlite3.connect(other)
    conn.row_factory = sqlite3.Row
    rows = {r["list_id"]: dict(r) for r in conn.execute("SELECT * FROM listings")}
    conn.close()
    assert set(rows) == set(targets)  # responders, speakers and the delisted vessel are not listed
    assert "Ocean Star" not in {r["name"] for r in rows.values()}
    listings = {r["name"]: r for r in rows.values()}
    person = listings["YAKUBETS, Maksim Viktorovich"]
    assert json.loads(person["aliases"]) == ["Maksim Yakubets"]
    assert person["kind"] == "person"
    assert json.loads(person["programs"]) == ["CYBER2"]
    assert json.loads(person["countries"]) == ["RU"]
    assert person["listed_on"] == "2024-03-01"
    group = listings["Evil Syndicate"]
    assert group["kind"] == "organization"
    assert sorted(json.loads(group["programs"])) == ["CYBER2", "Cyber-attacks regime"]
    assert group["listed_on"] == "2024"  # the EU's 2024-Q2, exported as 2024, stays partial
    assert listings["Ministry of Intelligence and Security"]["kind"] == "government-body"
    assert listings["EP-ABC"]["kind"] == "aircraft"
    assert listings["Acme Widgets Trading"]["kind"] == "organization"  # LegalEntity reads so
    assert listings["John Doe"]["listed_on"] == "2024-04-01"
    # Importing the export into the store it came from links each listing to its own entity.
    summary = cli.json("import", str(path), "--source", "opensanctions", "--published", "2025-06-01")
    shown = cli.json("show", rich[(OFAC, "YAKUBETS, Maksim Viktorovich")])
    entity = cli.json("show", shown["targets"][0]["entity_id"])
    assert [listing["name"] for listing in entity["listings"]] == ["YAKUBETS, Maksim Viktorovich"]
    # Re-importing the same file changes nothing.
    again = cli.json("import", str(path), "--source", "opensanctions", "--published", "2025-06-01")
    assert again["listings"] == 0


# -- values as FtM keeps them --------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleaned_text_is_kept_as_it_is_by_followthemoney(text):
    for cleaned, kind in ((clean_text(text), registry.text), (clean_name(text), registry.name)):
        if cleaned is None:
            continue
        assert kind.validate(cleaned)
        proxy = model.make_entity("Person" if kind is registry.name else "Event")
        prop = "name" if kind is registry.name else "summary"
        proxy.add(prop, cleaned)
        assert proxy.get(prop) == [cleaned], (text, cleaned)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "mailto:", "//", ""]),
    st.text(alphabet=st.sampled_from(list("/.-_~%?#=&@[]:;a1éЖ 8")), max_size=25),
)
def test_addresses_kept_are_addresses_followthemoney_keeps(scheme, rest):
    url = ftm_url(scheme + rest)
    if url is not None:
        assert registry.url.clean(url) == url, (scheme + rest, url)


def test_sources_that_are_not_addresses_are_publishers():
    assert ftm_url("https://example.org") == "https://example.org/"
    assert ftm_url("Global Times") is None
    assert ftm_url("www.example.org/a") is None  # no scheme: not taken for an address


def test_mapping_works_without_a_store():
    records = [json.loads(SEED.read_text())[0]]
    records[0]["targets"][0]["entity_id"] = None
    entities = list(ftm_entities(records))
    check_export(entities)
    assert entities[0]["id"].startswith("sanctrack-name-")

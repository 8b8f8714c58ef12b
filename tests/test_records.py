"""add, show, edit, delete, undo and log, through the command line, on real store files."""

from __future__ import annotations

import json

import pytest

from conftest import ARTICLE, OFAC_EVENT, store_digest


def add_ofac(cli) -> dict:
    return cli.json(*OFAC_EVENT)


def test_add_event_prints_the_id_and_json_gives_the_record(cli):
    plain = cli(*OFAC_EVENT).stdout.strip()
    assert plain.startswith("ev-") and len(plain) == 15
    record = cli.json("show", plain)
    assert record["type"] == "event"
    assert record["id"] == plain
    assert record["date"] == "2025-01-03"
    assert record["jurisdiction"] == "US"
    assert record["action"] == "designation"
    assert record["sources"] == [ARTICLE]
    [target] = record["targets"]
    assert target["name"] == "Integrity Technology Group, Incorporated"
    assert target["aliases"] == ["Yongxin Zhicheng Technology Group"]
    assert target["kind"] == "company"
    assert target["country"] == "CN"
    assert target["entity_id"].startswith("en-")
    assert record["responses"] == []


def test_adding_the_same_event_twice_yields_one_record(cli, db):
    first = cli(*OFAC_EVENT).stdout.strip()
    before = store_digest(db)
    second = cli(*OFAC_EVENT)
    assert second.stdout.strip() == first
    assert "already recorded" in second.stderr
    assert store_digest(db) == before


def test_aliases_kinds_and_countries_follow_their_target(cli):
    record = cli.json(
        "add", "event", "--date", "2025-12-09", "--authority", "UK FCDO", "--jurisdiction", "UK",
        "--target", "Sichuan Anxun Information Technology", "--target-kind", "company",
        "--target", "Integrity Technology Group Incorporated", "--alias", "Yongxin Zhicheng",
        "--target-country=CN",
    )  # fmt: skip
    assert record["jurisdiction"] == "GB"
    first, second = record["targets"]
    assert (first["name"], first["aliases"], first["kind"], first["country"]) == (
        "Sichuan Anxun Information Technology", [], "company", None)
    assert (second["aliases"], second["kind"], second["country"]) == (["Yongxin Zhicheng"], None, "CN")


def test_alias_before_any_target_is_refused(cli, db):
    result = cli("add", "event", "--date", "2025", "--authority", "X", "--jurisdiction", "US",
                 "--alias", "A", "--target", "B", code=2)
    assert "Error:" in result.stderr and "--alias" in result.stderr
    assert store_digest(db) == "absent"


def test_response_with_prefix_and_lag(cli):
    event = add_ofac(cli)
    response = cli.json(
        "add", "response", "--to", event["id"][:6], "--date", "monday", "--today", "2025-01-07",
        "--actor", "Integrity Technology Group", "--kind", "filing", "--stance", "denies",
        "--quote", "The company firmly opposes…",
    )  # fmt: skip
    assert response["event_id"] == event["id"]
    assert response["date"] == "2025-01-06"
    assert response["lag_days"] == 3
    assert response["event"]["id"] == event["id"]
    shown = cli.json("show", event["id"])
    assert [(r["id"], r["lag_days"]) for r in shown["responses"]] == [(response["id"], 3)]


def test_partial_response_date_is_kept_and_never_before_its_event(cli):
    event = add_ofac(cli)
    response = cli.json("add", "response", "--to", event["id"], "--date", "2025-01",
                        "--actor", "PRC Ministry of Foreign Affairs", "--speaker", "Guo Jiakun")
    assert response["date"] == "2025-01"
    assert response["lag_days"] == 0


def test_one_entity_across_spellings_and_aliases(cli):
    us = add_ofac(cli)
    uk = cli.json("add", "event", "--date", "2025-12-09", "--authority", "UK FCDO",
                  "--jurisdiction", "GB", "--target", "Integrity Technology Group Incorporated")
    bare = cli.json("add", "event", "--date", "2026", "--authority", "Other", "--jurisdiction", "EU",
                    "--target", "Integrity Technology Group")
    by_alias = cli.json("add", "event", "--date", "2026-02", "--authority", "Other",
                        "--jurisdiction", "AU", "--target", "Yongxin Zhicheng Technology Group")
    ids = {r["targets"][0]["entity_id"] for r in (us, uk, bare, by_alias)}
    assert len(ids) == 1
    entity = cli.json("show", ids.pop())
    assert entity["type"] == "entity"
    assert {"Integrity Technology Group, Incorporated", "Yongxin Zhicheng Technology Group",
            "Integrity Technology Group Incorporated"} <= set(entity["names"])
    assert [e["id"] for e in entity["events"]] == [us["id"], uk["id"], bare["id"], by_alias["id"]]


def test_an_alias_joins_two_entities_recorded_apart(cli):
    a = cli.json("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US",
                 "--target", "Alpha Trading LLC")
    b = cli.json("add", "event", "--date", "2024", "--authority", "B", "--jurisdiction", "GB",
                 "--target", "Beta Shipping Ltd")
    assert a["targets"][0]["entity_id"] != b["targets"][0]["entity_id"]
    c = cli.json("add", "event", "--date", "2025", "--authority", "C", "--jurisdiction", "EU",
                 "--target", "Alpha Trading", "--alias", "Beta Shipping Limited")
    merged = c["targets"][0]["entity_id"]
    assert cli.json("show", a["id"])["targets"][0]["entity_id"] == merged
    assert cli.json("show", b["id"])["targets"][0]["entity_id"] == merged
    cli("undo")
    assert cli.json("show", a["id"])["targets"][0]["entity_id"] != cli.json("show", b["id"])["targets"][0]["entity_id"]


def test_person_name_order_and_kind_conflicts(cli):
    ofac = cli.json("add", "event", "--date", "2019-12-05", "--authority", "OFAC", "--jurisdiction", "US",
                    "--target", "YAKUBETS, Maksim Viktorovich", "--target-kind", "person")
    uk = cli.json("add", "event", "--date", "2023", "--authority", "UK FCDO", "--jurisdiction", "GB",
                  "--target", "Maksim Viktorovich Yakubets", "--target-kind", "person")
    company = cli.json("add", "event", "--date", "2023", "--authority", "X", "--jurisdiction", "GB",
                       "--target", "Maksim Viktorovich Yakubets", "--target-kind", "company")
    assert ofac["targets"][0]["entity_id"] == uk["targets"][0]["entity_id"]
    assert company["targets"][0]["entity_id"] != uk["targets"][0]["entity_id"]


def test_short_acronyms_never_join_two_parties(cli):
    a = cli.json("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US",
                 "--target", "Alpha Systems Technology", "--alias", "AST")
    b = cli.json("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US",
                 "--target", "Astra Space Trading", "--alias", "AST")
    assert a["targets"][0]["entity_id"] != b["targets"][0]["entity_id"]


def test_ambiguous_and_unknown_ids(cli):
    for day in range(1, 40):
        cli("add", "event", "--date", f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}",
            "--authority", "A", "--jurisdiction", "US", "--target", f"Company {day}")
    result = cli("show", "ev-", code=2)
    assert "ambiguous" in result.stderr and "ev-" in result.stderr
    result = cli("show", "ev-ffffffffffff", code=2)
    assert result.stderr.startswith("Error: no record has the id")
    result = cli("delete", "rs-0000", code=2)
    assert "Error:" in result.stderr


def test_edit_then_undo_restores_exactly(cli, db):
    event = add_ofac(cli)
    before = cli.json("show", event["id"])
    edited = cli.json("edit", event["id"][:8], "--program", "CYBER2", "--summary", "",
                      "--tag", "flax-typhoon", "--tag", "cyber")
    assert edited["program"] == "CYBER2"
    assert edited["tags"] == ["flax-typhoon", "cyber"]
    assert edited["id"] == event["id"]
    cli("undo")
    assert cli.json("show", event["id"]) == before


def test_edit_targets_relinks_entities_and_undo_restores(cli):
    event = add_ofac(cli)
    edited = cli.json("edit", event["id"], "--target", "Sichuan Anxun Information Technology",
                      "--target-kind", "company")
    assert [t["name"] for t in edited["targets"]] == ["Sichuan Anxun Information Technology"]
    old_entity = event["targets"][0]["entity_id"]
    assert cli("show", old_entity, code=2)
    cli("undo")
    assert cli.json("show", event["id"])["targets"] == event["targets"]
    assert cli.json("show", old_entity)["id"] == old_entity


def test_edit_refuses_fields_of_the_other_record_type(cli):
    event = add_ofac(cli)
    result = cli("edit", event["id"], "--stance", "rejects", code=2)
    assert "--stance does not apply to a event" in result.stderr or "--stance" in result.stderr


def test_delete_requires_cascade_with_responses_and_undo_brings_all_back(cli, db):
    event = add_ofac(cli)
    cli("add", "response", "--to", event["id"], "--date", "2025-01-06", "--actor", "X")
    full = cli.json("show", event["id"])
    digest = store_digest(db)
    result = cli("delete", event["id"], code=2)
    assert "--cascade" in result.stderr
    assert store_digest(db) == digest
    deleted = cli("delete", event["id"], "--cascade").stdout.split()
    assert event["id"] in deleted and len(deleted) == 2
    cli("show", event["id"], code=2)
    cli("undo")
    assert cli.json("show", event["id"]) == full


def test_undo_walks_back_repeatedly_then_says_nothing_to_undo(cli):
    event = add_ofac(cli)
    response = cli.json("add", "response", "--to", event["id"], "--date", "2025-01-06", "--actor", "X")
    cli("edit", response["id"], "--stance", "rejects")
    assert "edit" in cli("undo").stdout
    assert cli.json("show", response["id"])["stance"] is None
    cli("undo")
    cli("show", response["id"], code=2)
    cli("undo")
    cli("show", event["id"], code=2)
    result = cli("undo", code=1)
    assert "nothing to undo" in result.stderr
    history = cli.json("log")
    assert [c["command"] for c in history] == ["undo", "undo", "undo", "edit", "add response", "add event"]
    assert history[3]["undone_by"] == history[2]["id"]


def test_show_formats(cli):
    event = add_ofac(cli)
    plain = cli("show", event["id"], "--format", "plain").stdout.splitlines()
    assert f"id\t{event['id']}" in plain
    assert any(line.startswith("target\tIntegrity Technology Group, Incorporated\tcompany\tCN") for line in plain)
    table = cli("show", event["id"], "--format", "table").stdout
    assert "Integrity Technology Group, Incorporated" in table
    jsonl = cli("show", event["id"], "--format", "jsonl").stdout
    assert json.loads(jsonl)["id"] == event["id"]
    result = cli("show", event["id"], "--format", "svg", code=2)
    assert "unknown format" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "03/04/2025"], "ambiguous"),
        (["--date", "2025-02-30"], "impossible"),
        (["--date", "someday"], "cannot read date"),
        (["--jurisdiction", "XX9"], "two-letter code"),
        (["--action", "nope"], "not one of"),
        (["--target-kind", "robot"], "not one of"),
    ],
)
def test_bad_values_are_one_error_line_and_write_nothing(cli, db, args, message):
    values = {"--date": "2025-01-03", "--authority": "A", "--jurisdiction": "US", "--target": "T"}
    argv = ["add", "event"]
    for option, value in values.items():
        if option not in args:
            argv += [option, value]
    argv += args
    if "--target-kind" in args:
        argv = [a for a in argv if a not in ("--target-kind", "robot")] + ["--target-kind", "robot"]
    result = cli(*argv, code=2)
    assert result.stderr.startswith("Error:") and message in result.stderr
    assert store_digest(db) == "absent"


def test_missing_required_option(cli, db):
    result = cli("add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US", code=2)
    assert result.stderr.startswith("Error:") and "--target" in result.stderr
    assert store_digest(db) == "absent"


def test_response_to_unknown_event_is_refused(cli, db):
    add_ofac(cli)
    digest = store_digest(db)
    result = cli("add", "response", "--to", "ev-000000000000", "--date", "2025", "--actor", "X", code=2)
    assert "--to" in result.stderr
    assert store_digest(db) == digest


def test_hostile_text_is_inert_on_terminal_formats_and_verbatim_in_json(cli):
    hostile = "[bold red]Evil[/] \x1b[31mCorp\x1b]0;title\x07 \u202eLtd"
    record = cli.json("add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US",
                      "--target", hostile)
    assert record["targets"][0]["name"] == hostile
    for fmt in ("plain", "table"):
        out = cli("show", record["id"], "--format", fmt).stdout
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        assert "[bold red]Evil[/]" in out
        assert "\\x1b[31mCorp" in out and "\\u202e" in out

"""`sanctrack diff`: two snapshots, a snapshot and a file, two jurisdictions, one jurisdiction on two
days; field-level changes, who moved first, every output format, --stat, --only, --exit-code and
the views that do not exist. Every test runs on a real store file (the `cli` fixture)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SEED, run_process, store_digest

PAIR = REPO / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"
OLD, NEW = PAIR / "2024-04-04", PAIR / "2024-04-12"
ADDED = ["48239", "48240", "48241", "48242"]
REMOVED = ["39136", "39137"]
AMENDED = ["46788"]
LATER = "2026-01-15"  # a reference day after the UK designation of 2025-12-09


def ids(items: list[dict]) -> list[str]:
    return [item["source_id"] for item in items]


def by_name(items: list[dict]) -> dict[str, dict]:
    return {item["name"]: item for item in items}


@pytest.fixture
def pair(cli):
    """A store holding the two OFAC SDN snapshots of the diff pair."""
    cli("import", str(OLD), "--published", "2024-04-04")
    cli("import", str(NEW), "--published", "2024-04-12")
    return cli


def assert_the_real_changes(result: dict) -> None:
    assert ids(result["only_right"]) == ADDED
    assert all(item["programs"] == ["SDGT"] for item in result["only_right"])
    assert ids(result["only_left"]) == REMOVED
    assert ids(result["changed"]) == AMENDED
    changes = {c["field"]: c for c in result["changed"][0]["changes"]}
    assert set(changes) == {"identifiers", "remarks"}  # the passport number, nothing else
    removed, added = changes["identifiers"]["removed"], changes["identifiers"]["added"]
    assert [(i["type"], i["value"]) for i in removed] == [("Passport", "8708321052")]
    assert [(i["type"], i["value"]) for i in added] == [("Passport", "8705080546")]
    assert "8708321052" in changes["remarks"]["left"] and "8705080546" in changes["remarks"]["right"]
    both = ids(result["both"])
    assert len(both) == 30 and "46788" in both and not set(both) & set(ADDED + REMOVED)
    assert result["summary"]["only_left"] == 2 and result["summary"]["only_right"] == 4
    assert result["summary"]["changed"] == 1 and result["summary"]["differences"] is True
    for part in ("only_left", "only_right", "both", "changed"):
        for item in result[part]:
            assert item["name"] and item["entity_id"].startswith("en-")


# -- lists -----------------------------------------------------------------------------------------


def test_two_snapshots_by_publication_date(pair):
    result = pair.json("diff", "ofac-sdn/2024-04-04", "ofac-sdn/2024-04-12")
    assert_the_real_changes(result)
    assert result["left"]["view"] == "ofac-sdn/2024-04-04" and result["left"]["type"] == "snapshot"
    assert result["right"]["count"] == 34 and result["left"]["count"] == 32


def test_previous_and_latest(pair):
    result = pair.json("diff", "ofac-sdn/previous", "ofac-sdn/latest")
    assert_the_real_changes(result)
    assert result["left"]["given"] == "ofac-sdn/previous" and result["left"]["view"] == "ofac-sdn/2024-04-04"
    # The other way round, additions and removals swap.
    back = pair.json("diff", "ofac-sdn/latest", "ofac-sdn/previous")
    assert ids(back["only_left"]) == ADDED and ids(back["only_right"]) == REMOVED


def test_a_file_read_on_the_fly_against_a_snapshot(pair, db):
    before = store_digest(db)
    result = pair.json("diff", "ofac-sdn/previous", str(NEW))
    assert_the_real_changes(result)
    assert result["right"]["type"] == "file" and result["right"]["source"] == "ofac-sdn"
    assert store_digest(db) == before  # read, never stored
    # A file against a file of the same source: matched by list id too.
    assert_the_real_changes(pair.json("diff", str(OLD), str(NEW)))


def test_a_file_unknown_to_the_store_has_no_entity_ids(cli, tmp_path):
    cli("import", str(SEED))
    result = cli.json("diff", "--today", LATER, str(NEW), "US")
    assert result["only_right"] and all(item["entity_id"] is None for item in result["only_left"])
    assert result["both"] == []


def _rewritten(source: Path, target: Path, rename: dict[str, str]) -> Path:
    """A copy of an SDN CSV folder with its rows in reverse order and some names re-cased."""
    target.mkdir()
    lines = (source / "sdn.csv").read_bytes().decode("cp1252").splitlines()
    rows = [line for line in lines if line.strip()]
    out = []
    for line in reversed(rows):
        for old, new in rename.items():
            line = line.replace(old, new)
        out.append(line)
    (target / "sdn.csv").write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))
    return target


def test_reordered_rows_and_letter_case_are_no_change(pair, tmp_path):
    copy = _rewritten(NEW, tmp_path / "recased", {
        '"ABU SHANAB, William"': '"Abu Shanab, William"',
        '"PERETYATKO, Ruslan Aleksandrovich"': '"Peretyatko, RUSLAN Aleksandrovich"',
        "Linked To: HAMAS.": "Linked to: Hamas.",
    })  # fmt: skip
    assert copy.joinpath("sdn.csv").read_bytes() != NEW.joinpath("sdn.csv").read_bytes()
    result = pair.json("diff", "ofac-sdn/latest", str(copy))
    assert result["only_left"] == [] and result["only_right"] == [] and result["changed"] == []
    assert len(result["both"]) == 34
    pair("diff", "ofac-sdn/latest", str(copy), "--exit-code")  # exit 0: no differences
    # Stored as a snapshot of its own, it is no change either.
    pair("import", str(copy), "--published", "2024-04-20")
    assert pair.json("diff", "ofac-sdn/2024-04-12", "ofac-sdn/latest")["summary"]["differences"] is False
    # A real change beside a change of letter case: only the real one is reported.
    amended = pair.json("diff", "ofac-sdn/2024-04-04", "ofac-sdn/latest")
    assert ids(amended["changed"]) == AMENDED
    assert {c["field"] for c in amended["changed"][0]["changes"]} == {"identifiers", "remarks"}
    assert amended["changed"][0]["name"] == "Peretyatko, RUSLAN Aleksandrovich"


def test_field_level_changes_ignore_order_case_and_spacing():
    from sanctrack.diff import listing_changes

    left = {"name": "ACME Trading  LLC", "aliases": ["Acme Ltd", "ACME Intl"], "programs": ["SDGT", "IRAN"],
            "identifiers": [{"type": "Passport", "value": "X1", "country": "Iran"}], "remarks": "a;  b"}
    right = {"name": "acme trading llc", "aliases": ["acme intl", "ACME LTD"], "programs": ["IRAN", "SDGT"],
             "identifiers": [{"country": "IRAN", "type": "passport", "value": "x1"}], "remarks": "A; B"}
    assert listing_changes(left, right) == []
    right = dict(right, name="Acme Global LLC", aliases=["ACME LTD", "Acme Global"], programs=["IRAN"], kind="organization")
    changes = {c["field"]: c for c in listing_changes(left, right)}
    assert changes["name"] == {"field": "name", "left": "ACME Trading  LLC", "right": "Acme Global LLC"}
    assert changes["aliases"]["added"] == ["Acme Global"] and changes["aliases"]["removed"] == ["ACME Intl"]
    assert changes["programs"]["removed"] == ["SDGT"] and changes["programs"]["added"] == []
    assert changes["kind"]["right"] == "organization"
    assert list(changes) == ["name", "aliases", "kind", "programs"]


# -- jurisdictions ---------------------------------------------------------------------------------


@pytest.fixture
def seeded(cli):
    """The seed (US designated Integrity Technology Group on 2025-01-03, GB "Integrity Technology
    Group Incorporated" and Sichuan Anxun on 2025-12-09) and a few more real-looking designations."""
    cli("import", str(SEED))
    add = ["add", "event", "--authority"]
    # GB first, US 40 days later (the Garantex-like case); named differently by each.
    cli(*add, "UK FCDO", "--jurisdiction", "UK", "--date", "2024-05-01",
        "--target", "Aeza Group, LLC", "--target-kind", "company")
    cli(*add, "US Department of the Treasury, OFAC", "--jurisdiction", "US", "--date", "2024-06-10",
        "--target", "AEZA GROUP LLC", "--target-kind", "company", "--program", "CYBER2")
    # Both on the same day.
    for code, authority in (("US", "US Department of the Treasury, OFAC"), ("GB", "UK FCDO")):
        cli(*add, authority, "--jurisdiction", code, "--date", "2024-02-20",
            "--target", "Dmitry Yuryevich Khoroshev", "--target-kind", "person")
    # US only, designated between 2025-06-30 and 2025-12-31.
    cli(*add, "US Department of the Treasury, OFAC", "--jurisdiction", "US", "--date", "2025-09-15",
        "--target", "Funnull Technology Inc.", "--target-kind", "company", "--program", "CYBER2")
    # US only, designated then delisted before 2025-06-30.
    cli(*add, "US Department of the Treasury, OFAC", "--jurisdiction", "US", "--date", "2024-03-01",
        "--target", "Sovcomflot", "--target-kind", "company")
    cli(*add, "US Department of the Treasury, OFAC", "--jurisdiction", "US", "--date", "2025-03-01",
        "--target", "Sovcomflot", "--action", "delisting")
    return cli


def test_us_and_gb_who_moved_first(seeded):
    result = seeded.json("diff", "US", "GB", "--today", LATER)
    both = by_name(result["both"])
    assert set(both) == {"Integrity Technology Group", "Aeza Group, LLC", "Dmitry Yuryevich Khoroshev"}
    integrity = both["Integrity Technology Group"]
    assert (integrity["left_since"], integrity["right_since"]) == ("2025-01-03", "2025-12-09")
    assert integrity["first"] == "left" and integrity["lag_days"] == 340
    aeza = both["Aeza Group, LLC"]
    assert aeza["first"] == "right" and aeza["lag_days"] == 40
    assert both["Dmitry Yuryevich Khoroshev"]["first"] == "same"
    assert both["Dmitry Yuryevich Khoroshev"]["lag_days"] == 0
    assert [i["name"] for i in result["only_left"]] == ["Funnull Technology Inc."]  # Sovcomflot: delisted
    assert [i["name"] for i in result["only_right"]] == ["Sichuan Anxun Information Technology"]
    assert result["only_right"][0]["since"] == "2025-12-09"
    assert result["changed"] == []
    summary = result["summary"]
    assert (summary["left_first"], summary["right_first"], summary["same_day"]) == (1, 1, 1)
    assert summary["median_lag_days"] == 40
    # The other way round: GB leads where US did.
    back = by_name(seeded.json("diff", "GB", "UK", "--today", LATER)["both"])
    assert all(item["first"] == "same" for item in back.values())
    turned = by_name(seeded.json("diff", "GB", "US", "--today", LATER)["both"])
    assert turned["Integrity Technology Group"]["first"] == "right"


def test_who_leads_in_the_summary_line(seeded):
    seeded("add", "event", "--authority", "UK FCDO", "--jurisdiction", "GB", "--date", "2025-03-01",
           "--target", "Funnull Technology", "--target-kind", "company")
    result = seeded.json("diff", "US@2025-12-31", "GB@2025-12-31")
    summary = result["summary"]
    # GB first on Aeza (40 days) and Funnull (198 days), US first on Integrity (340 days).
    assert summary["leader"] == "right" and summary["left_first"] == 1 and summary["right_first"] == 2
    assert summary["same_day"] == 1 and summary["median_lag_days"] == 119  # of 0, 40, 198, 340
    assert summary["text"].startswith("US@2025-12-31 followed GB@2025-12-31 after a median of 119 days")


def test_the_summary_line_of_a_single_lag(cli):
    cli("import", str(SEED))
    result = cli.json("diff", "US", "GB", "--today", LATER)
    assert result["summary"]["leader"] == "left" and result["summary"]["median_lag_days"] == 340
    assert result["summary"]["text"].startswith("GB followed US after a median of 340 days")
    table = cli("diff", "US", "GB", "--today", LATER, "--format", "table").stdout
    assert "GB followed US after a median of 340 days" in table and "in both (1)" in table
    plain = cli("diff", "US", "GB", "--today", LATER, "--format", "plain")
    assert "GB followed US" in plain.stderr and "GB followed US" not in plain.stdout


def test_one_jurisdiction_on_two_days(seeded):
    result = seeded.json("diff", "US@2025-06-30", "US@2025-12-31")
    assert [i["name"] for i in result["only_right"]] == ["Funnull Technology Inc."]
    assert result["only_right"][0]["since"] == "2025-09-15"
    assert result["only_left"] == [] and result["changed"] == []
    assert {i["name"] for i in result["both"]} == {
        "Integrity Technology Group", "Aeza Group, LLC", "Dmitry Yuryevich Khoroshev"}  # fmt: skip
    assert result["left"]["as_of"] == "2025-06-30" and result["right"]["view"] == "US@2025-12-31"
    # The delisting between two days: only on the left.
    earlier = seeded.json("diff", "US@2024-12", "US@2025-06")
    assert {i["name"] for i in earlier["only_left"]} == {"Sovcomflot"}
    assert {i["name"] for i in earlier["only_right"]} == {"Integrity Technology Group"}
    # A partial date is the end of its period; relative dates are read on the reference day.
    assert earlier["left"]["as_of"] == "2024-12-31"
    assert seeded.json("diff", "US@2025", "US", "--today", LATER)["left"]["as_of"] == "2025-12-31"


def test_every_jurisdiction_on_two_days(seeded):
    result = seeded.json("diff", "*@2025-06-30", "*@2025-12-31")
    assert {i["name"] for i in result["only_right"]} == {"Funnull Technology Inc.", "Sichuan Anxun Information Technology"}
    changed = by_name(result["changed"])
    assert set(changed) == {"Integrity Technology Group"}
    change = changed["Integrity Technology Group"]["changes"]
    assert change == [{"field": "jurisdictions", "left": ["US"], "right": ["GB", "US"], "added": ["GB"], "removed": []}]


def test_a_jurisdiction_from_its_lists_and_a_delisting_by_snapshot(pair):
    # US on the day of the first snapshot holds its 32 listings; a week later the 2 removed are
    # gone (delisted by the snapshot without them) and the 4 added came.
    result = pair.json("diff", "US@2024-04-05", "US@2024-04-12")
    names_right = {i["name"] for i in result["only_right"]}
    assert len(result["only_right"]) == 4 and "ABU SHANAB, William" in names_right
    assert {i["source_id"] for i in result["only_right"]} == set(ADDED)
    assert {i["source_id"] for i in result["only_left"]} == set(REMOVED)
    assert all(i["listing"].startswith("ofac-sdn/2024-04-12/") for i in result["only_right"])


# -- bad views ------------------------------------------------------------------------------------


def test_an_unknown_jurisdiction_names_what_exists(pair):
    pair("import", str(SEED))
    err = pair("diff", "XX", "US", code=2).stderr
    assert "XX" in err and "GB" in err and "US" in err and "ofac-sdn/2024-04-12" in err
    assert "Traceback" not in err


def test_an_unknown_snapshot_names_the_snapshots(pair):
    err = pair("diff", "ofac-sdn/1999-01-01", "ofac-sdn/latest", code=2).stderr
    assert "ofac-sdn/1999-01-01" in err and "ofac-sdn/2024-04-04" in err and "ofac-sdn/2024-04-12" in err
    err = pair("diff", "uk/latest", "ofac-sdn/latest", code=2).stderr
    assert "no snapshot of uk" in err and "ofac-sdn/2024-04-04" in err


def test_a_missing_path_is_a_usage_error(pair, tmp_path):
    err = pair("diff", str(tmp_path / "nowhere.csv"), "ofac-sdn/latest", code=2).stderr
    assert "nowhere.csv" in err and "ofac-sdn/2024-04-12" in err
    garbage = tmp_path / "notes.txt"
    garbage.write_text("hello\n")
    assert "list format" in pair("diff", str(garbage), "ofac-sdn/latest", code=2).stderr


def test_previous_with_a_single_snapshot(cli, db):
    cli("import", str(NEW), "--published", "2024-04-12")
    err = cli("diff", "ofac-sdn/previous", "ofac-sdn/latest", code=2).stderr
    assert "single snapshot" in err and "ofac-sdn/2024-04-12" in err
    # As a real process: exit 2 and one Error line.
    proc = run_process("--db", str(db), "diff", "ofac-sdn/previous", "ofac-sdn/latest")
    assert proc.returncode == 2 and proc.stderr.decode().startswith("Error: ") and proc.stdout == b""


def test_an_empty_store_and_bad_options(cli, db):
    err = cli("diff", "US", "GB", code=2).stderr
    assert "no events and no snapshots" in err
    assert not db.exists()
    cli("import", str(SEED))
    assert "not a part" in cli("diff", "US", "GB", "--only", "middle", code=2).stderr
    assert "--left-format" in cli("diff", "US", "GB", "--left-format", "ofac-csv", code=2).stderr


def test_a_format_named_for_a_file(pair, tmp_path):
    odd = tmp_path / "download.bin"
    shutil.copy(NEW / "sdn.csv", odd)
    result = pair.json("diff", "ofac-sdn/previous", str(odd), "--right-format", "ofac-csv")
    assert ids(result["only_right"]) == ADDED


# -- output -----------------------------------------------------------------------------------------


def test_stat_prints_the_counts_only(pair):
    out = pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--stat", "--format", "plain").stdout
    lines = [line.split("\t")[:2] for line in out.splitlines()]
    assert lines == [["only_left", "2"], ["only_right", "4"], ["both", "30"], ["changed", "1"]]
    shown = pair.json("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--stat")
    assert set(shown) == {"left", "right", "summary"} and shown["summary"]["only_right"] == 4
    table = pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--stat", "--format", "table").stdout
    assert "only in ofac-sdn/2024-04-04" in table and "48239" not in table


def test_only_prints_one_part(pair):
    shown = pair.json("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--only", "changed")
    assert ids(shown["changed"]) == AMENDED and "only_left" not in shown and "both" not in shown
    plain = pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--only", "right", "--format", "plain").stdout
    assert [line.split("\t")[:2] for line in plain.splitlines()] == [["only_right", i] for i in ADDED]
    both = pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--only", "both", "--format", "plain").stdout
    assert len(both.splitlines()) == 30


def test_exit_code_as_git_does(pair):
    assert pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--exit-code", code=1).stdout
    assert pair("diff", "ofac-sdn/latest", "ofac-sdn/2024-04-12", "--exit-code", code=0)
    # Without --exit-code, differences are no failure.
    pair("diff", "ofac-sdn/previous", "ofac-sdn/latest", code=0)


def test_every_format(pair):
    args = ("diff", "ofac-sdn/previous", "ofac-sdn/latest")
    plain = pair(*args, "--format", "plain").stdout.splitlines()
    assert [line.split("\t")[0] for line in plain] == ["only_left"] * 2 + ["only_right"] * 4 + ["changed"]
    assert "identifiers: -Passport 8708321052 (Russia), +Passport 8705080546 (Russia)" in plain[-1]
    rows = list(csv.DictReader(io.StringIO(pair(*args, "--format", "csv").stdout)))
    assert [r["source_id"] for r in rows] == REMOVED + ADDED + AMENDED
    assert list(rows[0]) == ["part", "source_id", "name", "entity_id", "programs", "changes"]
    tsv = pair(*args, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t")[0] == "part" and len(tsv) == 8
    jsonl = [json.loads(line) for line in pair(*args, "--format", "jsonl").stdout.splitlines()]
    assert [(i["part"], i["source_id"]) for i in jsonl] == (
        [("only_left", i) for i in REMOVED] + [("only_right", i) for i in ADDED] + [("changed", "46788")])
    assert jsonl[-1]["changes"][0]["field"] == "identifiers"
    table = pair(*args, "--format", "table").stdout
    for title in ("only in ofac-sdn/2024-04-04 (2)", "only in ofac-sdn/2024-04-12 (4)", "changed (1)"):
        assert title in table
    assert "in both" not in table  # unchanged listings are not news
    with pytest.raises(AssertionError):
        pair(*args, "--format", "svg")


def test_jurisdiction_rows_in_every_format(seeded):
    args = ("diff", "US", "GB", "--today", LATER)
    rows = list(csv.DictReader(io.StringIO(seeded(*args, "--format", "csv").stdout)))
    assert [r["part"] for r in rows] == ["only_left", "only_right", "both", "both", "both"]
    integrity = next(r for r in rows if r["name"] == "Integrity Technology Group")
    assert (integrity["first"], integrity["lag_days"]) == ("US", "340")  # the side by its view's name (JSON keeps "left")
    assert rows[0]["left_since"] == "2025-09-15" and rows[1]["right_since"] == "2025-12-09"
    table = seeded(*args, "--format", "table").stdout
    assert "only in US (1)" in table and "only in GB (1)" in table and "in both (3)" in table


def test_the_raw_byte_check_of_large_json_misses_no_character_json_safe_escapes():
    """`diff --json` writes orjson's bytes as they are when `_maybe_raw` says no: every character
    `json_safe` would escape must either be escaped by orjson already or be found by its bytes."""
    import sys

    import orjson

    from sanctrack.render.json import _maybe_raw
    from sanctrack.render.text import raw_in_json

    escaped = [c for c in range(sys.maxunicode + 1)
               if not 0xD800 <= c <= 0xDFFF and raw_in_json().fullmatch(chr(c))]
    assert len(escaped) > 200
    missed = [hex(c) for c in escaped
              if chr(c).encode() in orjson.dumps(f"a{chr(c)}b") and not _maybe_raw(orjson.dumps(f"a{chr(c)}b"))]
    assert missed == []
    assert not _maybe_raw("Łódź ČEZ Société 東京 Москва ° ©".encode())
    assert _maybe_raw("x \u00ad y".encode()) and _maybe_raw("x \u009b".encode())


@pytest.mark.parametrize("name", ["Plain Trading LLC", "Łódź Trading", "Evil \x1b]0;x\x07 \u202eCorp del\x7f nel\x85end"])
def test_a_jurisdiction_diff_as_json_is_the_same_document_either_way_and_inert(cli, tmp_path, name):
    """Written straight as bytes (nothing to escape) or through the escape pass: the document
    parses to the same value, and no control, format or separator character is left raw."""
    import unicodedata

    for jurisdiction, day in (("US", "2024-01-03"), ("GB", "2024-02-01")):
        cli("add", "event", "--date", day, "--authority", f"{jurisdiction} authority",
            "--jurisdiction", jurisdiction, "--target", name, "--program", "P\u00e9")
    for out in (cli("diff", "US", "GB", "--json").stdout,
                (cli("diff", "US", "GB", "--json", "-o", str(tmp_path / "d.json")),
                 (tmp_path / "d.json").read_text(encoding="utf-8"))[1]):
        result = json.loads(out)
        assert [item["name"] for item in result["both"]] == [name]
        assert result["both"][0]["lag_days"] == 29
        assert not [c for c in out if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
        assert out.endswith("}\n") and out.startswith("{\n  \"left\"")

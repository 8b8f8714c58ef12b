"""The flat CSV (docs/FORMAT.md, "Flat CSV"): one row per target, rows of one event grouped, and
responses naming their event by date, authority and target. Through the command line, on real
store files.

fixtures/flat/ holds the seed's records (fixtures/README.md, "fixtures/flat") in the flat form:
importing it must give exactly what fixtures/seed.json gives. The other rows here rearrange the
same facts (the UK FCDO designation of 2025-12-09 and its two targets).
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO, SEED, store_digest

FLAT = REPO / "fixtures" / "flat"
UK = "UK FCDO"
ANXUN = "Sichuan Anxun Information Technology"
INTEGRITY = "Integrity Technology Group Incorporated"
# The UK designation written as two events on one day: only the target tells them apart.
SPLIT_UK = (
    "event,date,authority,jurisdiction,target\n"
    f"anxun,2025-12-09,{UK},GB,{ANXUN}\n"
    f"integrity,2025-12-09,{UK},GB,{INTEGRITY}\n"
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def exported(cli, db) -> list[dict]:
    return [json.loads(line) for line in cli("--db", str(db), "export", "--format", "jsonl").stdout.splitlines()]


def test_the_flat_fixtures_import_as_the_seed_does(cli, tmp_path):
    flat, seed = tmp_path / "flat.db", tmp_path / "seed.db"
    summary = cli.json("--db", str(flat), "import", str(FLAT / "events.csv"), str(FLAT / "responses.csv"))
    assert (summary["events"], summary["responses"]) == (2, 4)
    cli("--db", str(seed), "import", str(SEED))
    assert exported(cli, flat) == exported(cli, seed)
    # Importing them again changes nothing.
    again = cli.json("--db", str(flat), "import", str(FLAT / "events.csv"), str(FLAT / "responses.csv"))
    assert (again["events"], again["responses"], again["already_present"]) == (0, 0, 6)


def test_rows_of_one_event_are_grouped_by_date_and_authority_else_by_key(cli, tmp_path):
    by_date = write(tmp_path, "a.csv", (
        "date,authority,jurisdiction,target,target_kind,target_country,tag\n"
        f"2025-12-09,{UK},GB,{ANXUN},company,CN,cyberattacks\n"
        f"2025-12-09,uk  fcdo,,{INTEGRITY},company,CN,\n"
    ))  # fmt: skip
    event = cli.json("import", str(by_date))
    assert event["events"] == 1
    record = json.loads(cli("export").stdout)[0]
    assert [t["name"] for t in record["targets"]] == [ANXUN, INTEGRITY]
    assert (record["jurisdiction"], record["tags"]) == ("GB", ["cyberattacks"])
    assert record["id"] == "ev-de2b667efa31"  # the seed's id: the same identity

    by_key = write(tmp_path, "b.csv", (
        "event,date,authority,jurisdiction,target,alias\n"
        f"uk,2025-12-09,{UK},GB,{ANXUN},\n"
        f"uk,,,,{INTEGRITY},Yongxin Zhicheng Technology Group\n"
        f"uk,,,,{INTEGRITY},Integrity Technology Group\n"
    ))  # fmt: skip
    cli("--db", str(tmp_path / "b.db"), "import", str(by_key))
    record = json.loads(cli("--db", str(tmp_path / "b.db"), "export").stdout)[0]
    assert record["id"] == "ev-de2b667efa31"
    assert record["targets"][1]["aliases"] == ["Yongxin Zhicheng Technology Group", "Integrity Technology Group"]


def test_responses_name_their_event_by_date_authority_and_target(cli, tmp_path):
    events = write(tmp_path, "events.csv", SPLIT_UK)
    cli("import", str(events))
    ids = {r["targets"][0]["name"]: r["id"] for r in json.loads(cli("export").stdout)}
    responses = write(tmp_path, "responses.csv", (
        "event_date,event_authority,event_target,date,actor,speaker,country,kind,stance\n"
        f"2025-12-09,uk fcdo,integrity technology group inc,2025-12-10,PRC Ministry of Foreign Affairs,Guo Jiakun,CN,press-conference,rejects\n"
    ))  # fmt: skip
    assert cli.json("import", str(responses))["responses"] == 1
    response = json.loads(cli("export", "--type", "response").stdout)[0]
    assert response["event_id"] == ids[INTEGRITY]


def test_a_response_by_event_key_in_the_same_file(cli, tmp_path):
    both = write(tmp_path, "both.csv", (
        "type,event,date,authority,jurisdiction,target,actor,speaker\n"
        f"response,uk,2025-12-10,,,,PRC Ministry of Foreign Affairs,Guo Jiakun\n"
        f"event,uk,2025-12-09,{UK},GB,{ANXUN},,\n"
        f"event,uk,,,,{INTEGRITY},,\n"
    ))  # fmt: skip
    summary = cli.json("import", str(both))
    assert (summary["events"], summary["responses"]) == (1, 1)
    assert json.loads(cli("export", "--type", "response").stdout)[0]["event_id"] == "ev-de2b667efa31"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        # Two events fit: the line is named, with the ids and what would tell them apart.
        ("event_date,event_authority,date,actor\n2025-12-09,UK FCDO,2025-12-10,PRC Ministry of Foreign Affairs\n",
         "Error: {path}: line 2: 2 events fit 2025-12-09 by 'UK FCDO': "),
        ("event_date,event_authority,event_target,date,actor\n"
         "2025-12-09,UK FCDO,Integrity Technology Group Ltd,2025-12-10,X\n"
         "2025-12-10,UK FCDO,Integrity Technology Group,2025-12-10,X\n",
         "Error: {path}: line 3: no event 2025-12-10 by 'UK FCDO' naming 'Integrity Technology Group' is stored"),
        ("event_date,date,actor\n2025-12-09,2025-12-10,X\n",
         "Error: {path}: line 2: a response names its event by event_date and event_authority together\n"),
        ("event,date,actor\n,2025-12-10,X\n", "Error: {path}: line 2: a response row needs its event\nHint: "),
        ("event,date,actor\nuk,2025-12-10,X\n", "Error: {path}: line 2: event 'uk' is the key of no event row"),
        ("event_date,event_authority,date,actor\n9 Dec 2025,UK FCDO,2025-12-10,X\n", "Error: {path}: line 2: event_date: "),
        (f"date,authority,jurisdiction,target\n2025-12-09,{UK},GB,{ANXUN}\n2025-12-09,{UK},CN,{INTEGRITY}\n",
         "Error: {path}: line 3: jurisdiction 'CN' differs from 'GB' on line 2, in the same event\n"),
        (f"date,authority,jurisdiction,target,stance\n2025-12-09,{UK},GB,{ANXUN},rejects\n",
         "Error: {path}: line 2: column stance does not apply to an event row\n"),
        (f"date,authority,jurisdiction,target_kind\n2025-12-09,{UK},GB,company\n",
         "Error: {path}: line 2: an event row needs a target\n"),
        (f"date,authority,jurisdiction,target,targets\n2025-12-09,{UK},GB,{ANXUN},\n",
         "Error: {path}: line 1: the columns mix targets (JSON) with target"),
    ],
)  # fmt: skip
def test_a_bad_flat_file_is_one_error_line_and_nothing_written(cli, tmp_path, db, text, error):
    events = write(tmp_path, "events.csv", SPLIT_UK)
    cli("import", str(events))
    digest = store_digest(db)
    path = write(tmp_path, "bad.csv", text)
    result = cli("import", str(path), code=3)
    assert result.stderr.startswith(error.format(path=path)), result.stderr
    assert result.stderr.count("Error:") == 1
    assert store_digest(db) == digest


def test_the_json_in_cell_csv_still_imports_and_a_broken_targets_cell_shows_the_shape(cli, tmp_path, db):
    cli("import", str(SEED))
    written = cli("export", "--format", "csv").stdout
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(write(tmp_path, "all.csv", written)))
    assert exported(cli, other) == exported(cli, db)

    broken = write(tmp_path, "broken.csv", f"type,date,authority,jurisdiction,targets\nevent,2025-12-09,{UK},GB,{ANXUN}\n")
    result = cli("import", str(broken), code=3)
    assert result.stderr.splitlines() == [
        f"Error: {broken}: line 2: targets: broken JSON (Expecting value at column 1)",
        'Hint: the targets cell holds a JSON list such as [{"name": "…", "aliases": ["…"], "kind": "company",'
        ' "country": "CN"}]; or write one row per target with the columns target, alias, target_kind,'
        " target_country (docs/FORMAT.md, Flat CSV)",
    ]

"""edit without retyping (--add-alias, --remove-tag…), what it prints, the date warnings of add,
edit and import, and `log -v` in words: through the command line, on real store files.

The records are the seed articles' facts (fixtures/README.md): the UK FCDO designation of Sichuan
Anxun Information Technology and Integrity Technology Group Incorporated on 2025-12-09, and
article A's "Integrity Technology Group … also known as Yongxin Zhicheng Technology Group".
"""

from __future__ import annotations

import json

import pytest

from conftest import ARTICLE, SEED, store_digest

UK_EVENT = [
    "add", "event", "--date", "2025-12-09", "--authority", "UK FCDO", "--jurisdiction", "UK",
    "--target", "Sichuan Anxun Information Technology",
    "--target", "Integrity Technology Group Incorporated",
]  # fmt: skip
ALIAS = "Yongxin Zhicheng Technology Group"
INTEGRITY = "Integrity Technology Group Incorporated"


@pytest.fixture
def uk(cli, monkeypatch) -> str:
    """The UK event alone in the store, with a reference day after it; its id."""
    monkeypatch.setenv("SANCTRACK_TODAY", "2026-01-15")
    return cli(*UK_EVENT).stdout.strip()


def screened(cli, name: str) -> list[str]:
    """The event ids `check NAME` matches at its threshold."""
    result = cli("check", name, "--json", code=None)
    return [m["event_id"] for m in json.loads(result.stdout)["matches"]]


def test_an_added_alias_is_found_by_check_and_a_removed_one_no_more(cli, uk):
    assert screened(cli, ALIAS) == []
    result = cli("edit", uk[:8], "--add-alias", f"  integrity technology GROUP   incorporated={ALIAS}")
    assert result.stdout == uk + "\n"
    assert result.stderr == f"{uk} aliases of {INTEGRITY}: (none) → {ALIAS}\n"
    record = cli.json("show", uk)
    assert record["targets"][1]["aliases"] == [ALIAS]
    assert record["targets"][0]["aliases"] == []
    assert screened(cli, ALIAS) == [uk]
    # The entity keeps its id and gains the name.
    entity = cli.json("show", record["targets"][1]["entity_id"])
    assert ALIAS in entity["names"]

    cli("edit", uk, "--remove-alias", f"{INTEGRITY}={ALIAS.upper()}")
    assert cli.json("show", uk)["targets"][1]["aliases"] == []
    assert screened(cli, ALIAS) == []
    assert ALIAS not in cli.json("show", record["targets"][1]["entity_id"])["names"]


def test_an_alias_change_is_one_logged_change_that_undo_reverts_exactly(cli, uk, db):
    before = cli.json("show", uk)
    digest = store_digest(db)
    changes = len(cli.json("log"))
    edited = cli.json("edit", uk, "--add-alias", f"{INTEGRITY}={ALIAS}", "--add-tag", "cyberattacks")
    assert edited["changes"] == [
        {"field": "tags", "old": [], "new": ["cyberattacks"]},
        {"field": "aliases", "target": INTEGRITY, "old": [], "new": [ALIAS]},
    ]
    log = cli.json("log")
    assert len(log) == changes + 1 and log[0]["id"] == edited["change"]
    assert log[0]["summary"] == f"edit {uk}: aliases, tags"
    cli("undo")
    assert cli.json("show", uk) == before
    assert screened(cli, ALIAS) == []
    assert store_digest(db) != digest  # the undo is itself logged; the records are as before


def test_an_alias_that_joins_another_entity_merges_them_and_undo_splits_them(cli, uk):
    cli("add", "event", "--date", "2025-01-03", "--authority", "US Department of the Treasury, OFAC",
        "--jurisdiction", "US", "--target", ALIAS, "--target-kind", "company")  # fmt: skip
    entities = {t["name"]: t["entity_id"] for t in cli.json("show", uk)["targets"]}
    us = cli.json("search", ALIAS, "--type", "entity")
    assert len({hit["id"] for hit in us}) == 1 and us[0]["id"] != entities[INTEGRITY]
    cli("edit", uk, "--add-alias", f"{INTEGRITY}={ALIAS}")
    merged = cli.json("show", uk)["targets"][1]["entity_id"]
    assert {e["id"] for e in cli.json("show", merged)["events"]} == {uk, cli.json("search", ALIAS, "--type", "event")[0]["id"]}
    cli("undo")
    assert cli.json("show", uk)["targets"][1]["entity_id"] == entities[INTEGRITY]
    assert [e["id"] for e in cli.json("show", entities[INTEGRITY])["events"]] == [uk]


def test_tags_and_sources_are_added_and_removed_on_events_and_responses(cli, uk):
    cli("edit", uk, "--add-tag", "cyberattacks", "--add-tag", "uk", "--add-source", ARTICLE)
    cli("edit", uk, "--remove-tag", "UK")
    event = cli.json("show", uk)
    assert (event["tags"], event["sources"]) == (["cyberattacks"], [ARTICLE])
    response = cli("add", "response", "--to", uk, "--date", "2025-12-10",
                   "--actor", "PRC Ministry of Foreign Affairs", "--speaker", "Guo Jiakun",
                   "--kind", "press-conference", "--tag", "stern-representations").stdout.strip()  # fmt: skip
    result = cli("edit", response, "--add-tag", "guo-jiakun", "--remove-tag", "stern-representations")
    assert result.stderr == f"{response} tags: stern-representations → guo-jiakun\n"
    assert cli.json("show", response)["tags"] == ["guo-jiakun"]


def test_nothing_changed_is_said_and_logs_nothing(cli, uk, db):
    cli("edit", uk, "--add-tag", "cyberattacks")
    digest = store_digest(db)
    result = cli("edit", uk, "--add-tag", "CyberAttacks", "--authority", "UK FCDO")
    assert result.stdout == uk + "\n"
    assert result.stderr == f"{uk}: nothing changed\n"
    assert store_digest(db) == digest
    assert cli.json("edit", uk, "--add-tag", "cyberattacks")["changes"] == []


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--add-alias", f"Integrity Technology Group={ALIAS}"],
         "Error: --add-alias: {id} has no target named 'Integrity Technology Group'\n"
         f"Hint: its targets: Sichuan Anxun Information Technology; {INTEGRITY}\n"),
        (["--add-alias", INTEGRITY],
         f"Error: --add-alias '{INTEGRITY}': expected TARGET=ALIAS\n"),
        (["--remove-alias", f"{INTEGRITY}={ALIAS}"],
         f"Error: --remove-alias '{ALIAS}': the target '{INTEGRITY}' has no such value\nHint: it has: none\n"),
        (["--remove-tag", "cyber"], "Error: --remove-tag 'cyber': {id} has no such value\nHint: it has: none\n"),
    ],
)  # fmt: skip
def test_a_bad_list_edit_is_one_error_line_and_writes_nothing(cli, uk, db, args, error):
    digest = store_digest(db)
    result = cli("edit", uk, *args, code=2)
    assert result.stderr.startswith(error.format(id=uk))
    assert store_digest(db) == digest


def test_an_ambiguous_target_name_is_refused(cli, monkeypatch, db):
    monkeypatch.setenv("SANCTRACK_TODAY", "2026-01-15")
    event = cli("add", "event", "--date", "2025-12-09", "--authority", "UK FCDO", "--jurisdiction", "UK",
                "--target", INTEGRITY, "--target-kind", "company",
                "--target", "integrity  technology group incorporated", "--target-kind", "person").stdout.strip()  # fmt: skip
    digest = store_digest(db)
    result = cli("edit", event, "--add-alias", f"{INTEGRITY}={ALIAS}", code=2)
    assert result.stderr.startswith(f"Error: --add-alias: 2 targets of {event} are named '{INTEGRITY}'\n")
    assert store_digest(db) == digest


def test_aliases_do_not_apply_to_a_response(cli, uk):
    response = cli("add", "response", "--to", uk, "--date", "2025-12-10", "--actor", "PRC Ministry of Foreign Affairs").stdout.strip()
    result = cli("edit", response, "--add-alias", f"{INTEGRITY}={ALIAS}", code=2)
    assert result.stderr.startswith("Error: --add-alias does not apply to a response\n")


def test_edit_prints_each_field_as_old_to_new(cli, uk):
    result = cli("edit", uk, "--date", "2025-12", "--program", "Cyber (Sanctions) (EU Exit) Regulations 2020")
    assert result.stderr.splitlines() == [
        f"{uk} date: 2025-12-09 → 2025-12",
        f"{uk} program: (none) → Cyber (Sanctions) (EU Exit) Regulations 2020",
    ]
    result = cli("edit", uk, "--target", "Sichuan Anxun Information Technology")
    assert result.stderr == (
        f"{uk} targets: Sichuan Anxun Information Technology; {INTEGRITY} → Sichuan Anxun Information Technology\n"
    )


# -- warnings: a date in the future, a response before its event -------------------------------


def test_add_warns_of_a_future_date_and_a_response_before_its_event(cli, monkeypatch):
    monkeypatch.setenv("SANCTRACK_TODAY", "2025-12-08")  # the day before the UK designation
    result = cli(*UK_EVENT)
    event = result.stdout.strip()
    assert result.stderr == f"Warning: {event} is dated 2025-12-09, after today (2025-12-08)\n"
    assert cli.json("show", event)["id"] == event  # saved all the same
    result = cli("add", "response", "--to", event, "--date", "2025-12-01", "--actor", "PRC Ministry of Foreign Affairs")
    response = result.stdout.strip()
    assert result.stderr == (
        f"Warning: {response} is dated 2025-12-01, 8 days before its event {event} (2025-12-09)\n"
    )
    assert cli.json("show", response)["lag_days"] == -8


def test_no_warning_for_a_response_whose_month_holds_its_event(cli, uk):
    result = cli("add", "response", "--to", uk, "--date", "2025-12", "--actor", "PRC Ministry of Foreign Affairs")
    assert result.stderr == ""


def test_today_for_warnings_is_the_today_option_else_the_variable(cli, uk):
    result = cli("add", "response", "--to", uk, "--date", "2025-12-10", "--actor", "PRC Ministry of Foreign Affairs",
                 "--today", "2025-12-09")  # fmt: skip
    assert result.stderr.endswith("is dated 2025-12-10, after today (2025-12-09)\n")


def test_edit_warns_when_its_event_moves_after_a_response(cli, uk):
    response = cli("add", "response", "--to", uk, "--date", "2025-12-10", "--actor", "PRC Ministry of Foreign Affairs").stdout.strip()
    result = cli("edit", uk, "--date", "2025-12-11")
    assert result.stderr.splitlines() == [
        f"{uk} date: 2025-12-09 → 2025-12-11",
        f"Warning: {response} is dated 2025-12-10, 1 day before its event {uk} (2025-12-11)",
    ]


def test_import_warns_with_a_count_and_the_first_records(cli, tmp_path):
    # The reference day of the tests (2025-01-08) is before the UK records of the seed.
    result = cli("import", str(SEED))
    assert result.stderr.splitlines() == [
        "imported 2 event(s) and 4 response(s)",
        "Warning: 2 imported record(s) dated after today or before their event:",
        "Warning: ev-de2b667efa31 is dated 2025-12-09, after today (2025-01-08)",
        "Warning: rs-d4650f3f927d is dated 2025-12-10, after today (2025-01-08)",
    ]
    records = json.loads(SEED.read_text())
    for record in records:  # every response a year before its event
        if record["type"] == "response":
            record["id"] = None
            record["date"] = "2024-" + record["date"][5:] if len(record["date"]) > 7 else "2024-01"
    early = tmp_path / "early.json"
    early.write_text(json.dumps(records))
    result = cli("import", str(early), "--today", "2026-01-15", "--json")
    assert json.loads(result.stdout)["responses"] == 4
    lines = result.stderr.splitlines()
    assert lines[0] == "Warning: 4 imported record(s) dated after today or before their event; the first 3:"
    assert len(lines) == 4 and all("days before its event" in line for line in lines[1:])


# -- log -v ----------------------------------------------------------------------------------------


def test_log_verbose_tells_each_change_in_words(cli, uk):
    cli("edit", uk, "--add-alias", f"{INTEGRITY}={ALIAS}", "--program", "CYBER")
    cli("edit", uk, "--add-source", ARTICLE)
    cli("undo")
    rows = [line.split("\t") for line in cli("log", "-v", "--format", "plain").stdout.splitlines()]
    assert rows[:4] == [
        ["4", "undo", uk, f"sources: {ARTICLE} → (none)"],
        ["3", "edit", uk, f"sources: (none) → {ARTICLE}"],
        ["2", "edit", uk, "program: (none) → CYBER"],
        ["2", "edit", uk, f"target 2 ({INTEGRITY}) aliases: (none) → {ALIAS}"],
    ]
    assert rows[4][:3] == ["1", "add event", ""] and rows[4][3].startswith(f"add event {uk}")
    text = cli("log", "-v").stdout
    for raw in ("date_start", "change_id", "[]", '"sources"'):
        assert raw not in text
    # --json keeps the store's rows whole, for scripts.
    machine = cli.json("log", "-v")
    assert machine[1]["rows"][0]["table"] == "events" and "date_start" in machine[1]["rows"][0]["old"]


def test_log_verbose_names_removed_targets_and_names(cli, uk):
    cli("edit", uk, "--add-alias", f"{INTEGRITY}={ALIAS}")
    cli("edit", uk, "--target", "Sichuan Anxun Information Technology")
    rows = [line.split("\t") for line in cli("log", "-v", "-n", "1", "--format", "plain").stdout.splitlines()]
    whats = [row[3] for row in rows]
    assert f"removed target 2 ({INTEGRITY})" in whats
    assert f"removed entity ({INTEGRITY})" in whats
    assert whats.count(f"removed name {ALIAS}") == 1


def test_tab_offers_the_edited_records_targets_aliases_and_tags(cli, monkeypatch):
    monkeypatch.setenv("SANCTRACK_TODAY", "2026-01-15")
    cli("import", str(SEED))

    def offered(*words: str) -> list[str]:
        lines = cli("__complete", "zsh", "--", "edit", *words).stdout.splitlines()
        return [line.split("\t", 1)[0] for line in lines]

    assert offered("ev-de2b", "--add-alias", "") == [f"{INTEGRITY}=", "Sichuan Anxun Information Technology="]
    assert offered("ev-ed50", "--remove-alias", "") == [f"Integrity Technology Group={ALIAS}"]
    assert offered("ev-ed50", "--remove-tag", "") == ["cyberattacks", "flax-typhoon"]
    assert offered("rs-d465", "--remove-tag", "") == ["stern-representations"]
    assert "shanghai-stock-exchange" in offered("ev-de2b", "--add-tag", "")
    assert offered("ev-ed50", "--remove-source", "https://www.securityweek") == [ARTICLE]

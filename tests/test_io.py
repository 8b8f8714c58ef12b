"""import and export of sanctrack's own JSON, JSONL and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SEED, run_process, store_digest


def test_seed_fixture_imports_whole(cli):
    summary = cli.json("import", str(SEED))
    assert summary == {"events": 2, "responses": 4, "listings": 0, "already_present": 0, "snapshots": [], "changes": [1]}
    records = json.loads(SEED.read_text())
    ofac = next(r for r in records if r["type"] == "event" and r["jurisdiction"] == "US")
    shown = cli.json("show", ofac["id"])
    assert shown["targets"][0]["name"] == "Integrity Technology Group"
    assert shown["targets"][0]["aliases"] == ["Yongxin Zhicheng Technology Group"]
    assert len(shown["responses"]) == 3
    assert {r["actor"] for r in shown["responses"]} == {
        "PRC Ministry of Foreign Affairs",
        "Integrity Technology Group",
        "China National Cyber Security Information Center",
    }
    uk = next(r for r in records if r["type"] == "event" and r["jurisdiction"] == "GB")
    uk_shown = cli.json("show", uk["id"])
    # The UK's "Integrity Technology Group Incorporated" is the OFAC target's entity.
    assert uk_shown["targets"][1]["entity_id"] == shown["targets"][0]["entity_id"]


def test_seed_ids_are_the_derived_ones(cli):
    """Adding the OFAC designation by hand finds the imported record instead of duplicating it."""
    cli("import", str(SEED))
    added = cli("add", "event", "--date", "2025-01-03", "--authority",
                "US Department of the Treasury, OFAC", "--jurisdiction", "US",
                "--target", "Integrity Technology Group, Inc.")
    assert "already recorded" in added.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_reimport_round_trip_changes_nothing(cli, tmp_path, db, fmt):
    cli("import", str(SEED))
    exported = cli("export", "--format", fmt).stdout
    path = tmp_path / f"export.{fmt}"
    path.write_text(exported, encoding="utf-8")
    digest = store_digest(db)
    summary = cli.json("import", str(path))
    assert (summary["events"], summary["responses"]) == (0, 0)
    # Only the change log records that an import ran; no record changed.
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(path))
    assert cli("--db", str(other), "export", "--format", fmt).stdout == exported
    assert store_digest(db) != "absent" and digest


def test_export_json_shape(cli):
    cli("import", str(SEED))
    records = json.loads(cli("export").stdout)
    assert [r["type"] for r in records] == ["event", "event", "response", "response", "response", "response"]
    event = records[0]
    assert set(event) == {"type", "id", "date", "authority", "jurisdiction", "action", "program",
                          "legal_basis", "targets", "reason", "summary", "sources", "tags", "in_response_to"}
    assert set(event["targets"][0]) == {"name", "aliases", "kind", "country", "entity_id"}
    response = records[2]
    assert set(response) == {"type", "id", "event_id", "date", "actor", "speaker", "country", "kind",
                             "stance", "quote", "summary", "sources", "tags", "counter_event_id"}


def test_export_filters(cli):
    cli("import", str(SEED))
    gb = json.loads(cli("export", "--jurisdiction", "UK").stdout)
    assert {r["type"] for r in gb} == {"event", "response"}
    assert all(r["jurisdiction"] == "GB" for r in gb if r["type"] == "event")
    events_2025_h1 = json.loads(cli("export", "--type", "event", "--since", "2025", "--until", "2025-06").stdout)
    assert [r["date"] for r in events_2025_h1] == ["2025-01-03"]
    cli("export", "--action", "nope", code=2)


def test_export_to_a_file_is_atomic_and_refuses_a_missing_folder(cli, tmp_path):
    cli("import", str(SEED))
    target = tmp_path / "out.jsonl"
    cli("export", "--format", "jsonl", "-o", str(target))
    assert len(target.read_text().splitlines()) == 6
    result = cli("export", "-o", str(tmp_path / "missing" / "out.json"), code=2)
    assert result.stderr.startswith("Error:")
    assert not (tmp_path / "missing").exists()


@pytest.mark.slow
def test_stdin_import_and_stdout_export_through_processes(tmp_path):
    first = tmp_path / "a.db"
    second = tmp_path / "b.db"
    imported = run_process("--db", str(first), "import", str(SEED))
    assert imported.returncode == 0, imported.stderr
    exported = run_process("--db", str(first), "export", "--format", "jsonl")
    assert exported.returncode == 0 and exported.stderr == b""
    piped = run_process("--db", str(second), "import", "-", "--json", input=exported.stdout)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["responses"] == 4
    again = run_process("--db", str(second), "export", "--format", "jsonl")
    assert again.stdout == exported.stdout


def _jsonl_events(count: int) -> list[str]:
    return [
        json.dumps({"type": "event", "date": "2024-05-01", "authority": "A", "jurisdiction": "US",
                    "targets": [{"name": f"Company {i}"}]})
        for i in range(count)
    ]


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ('{"type": "event", "date": "2024-13-01", "authority": "A", "jurisdiction": "US", "targets": [{"name": "X"}]}', "line 1500"),
        ('{"type": "event", "date": "2024-01-01"', "broken JSON"),
        ('{"type": "rumour"}', "unknown record type"),
        ('{"type": "response", "event_id": "ev-aaaaaaaaaaaa", "date": "2024", "actor": "X"}', "neither stored nor imported"),
        ('{"type": "event", "date": "2024", "authority": "A", "jurisdiction": "US", "targets": [], "x": 1}', "line 1500"),
    ],
)
@pytest.mark.slow
def test_one_bad_line_among_thousands_writes_nothing(cli, tmp_path, db, bad_line, message):
    cli("import", str(SEED))
    digest = store_digest(db)
    lines = _jsonl_events(3000)
    lines[1499] = bad_line
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = cli("import", str(path), code=3)
    assert result.stderr.startswith("Error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert store_digest(db) == digest


def test_undecodable_bytes_and_missing_files(cli, tmp_path, db):
    cli("import", str(SEED))
    digest = store_digest(db)
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"type": "event", "authority": "Soci\xe9t\xe9"}\n')
    result = cli("import", str(path), code=3)
    assert "not UTF-8" in result.stderr and "line 1" in result.stderr
    result = cli("import", str(tmp_path / "nope.json"), code=2)
    assert "no such file" in result.stderr
    result = cli("import", str(tmp_path), code=2)
    assert "folder" in result.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100000 + "]" * 100000)
    result = cli("import", str(deep), code=3)
    assert "nested" in result.stderr
    assert store_digest(db) == digest


def test_undo_of_an_import_removes_it_whole(cli, db):
    cli("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US", "--target", "Before")
    digest = store_digest(db)
    cli("import", str(SEED))
    cli("undo")
    exported = json.loads(cli("export").stdout)
    assert [r["targets"][0]["name"] for r in exported] == ["Before"]


def test_csv_cells_hold_json_lists(cli):
    cli("import", str(SEED))
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout)))
    assert json.loads(rows[0]["targets"])[0]["name"] == "Integrity Technology Group"
    assert rows[2]["type"] == "response" and rows[2]["event_id"].startswith("ev-")


def _fts_consistent(db) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    for table in ("events", "targets", "responses"):
        # FTS5 checks its index against the content table itself (rank 1); raises on a mismatch.
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()


def test_text_index_matches_the_records_after_import_edit_and_undo(cli, tmp_path, db):
    path = tmp_path / "some.jsonl"
    path.write_text("\n".join(_jsonl_events(50)) + "\n")
    cli("import", str(SEED))
    cli("import", str(path))
    _fts_consistent(db)
    event = json.loads(cli("export", "--type", "event").stdout)[0]
    cli("edit", event["id"], "--summary", "changed words", "--target", "Renamed Company")
    _fts_consistent(db)
    cli("undo")
    cli("undo")
    _fts_consistent(db)
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM targets_fts WHERE targets_fts MATCH 'company'").fetchone()[0] == 0


def test_own_format_import_links_targets_in_batches_as_one_by_one(cli, tmp_path, monkeypatch):
    """Targets are linked to entities a batch at a time (resolve_many): an alias in a later batch
    that joins two entities of earlier batches folds them into one, as linking one target at a
    time does; every target of the file lands."""
    import json as _json

    import sanctrack.core as core

    records = [
        {"type": "event", "id": "ev-000000000001", "date": "2024-01-05", "authority": "OFAC",
         "jurisdiction": "US", "action": "designation", "targets": [{"name": "Alpha Widgets Ltd", "kind": "company"}]},
        {"type": "event", "id": "ev-000000000002", "date": "2024-02-05", "authority": "OFAC",
         "jurisdiction": "US", "action": "designation", "targets": [{"name": "Beta Gadgets Ltd", "kind": "company"}]},
        {"type": "event", "id": "ev-000000000003", "date": "2024-03-05", "authority": "FCDO",
         "jurisdiction": "GB", "action": "designation",
         "targets": [{"name": "Alpha Widgets Limited", "aliases": ["Beta Gadgets"], "kind": "company"},
                     {"name": "Gamma Tools Ltd", "kind": "company"}]},
    ]  # fmt: skip  (synthetic parties: no fact claimed)
    path = tmp_path / "records.jsonl"
    path.write_text("".join(_json.dumps(r) + "\n" for r in records))

    def entities(batch: int) -> list[list[str]]:
        monkeypatch.setattr(core, "TARGET_BATCH", batch)
        db = tmp_path / f"store{batch}.db"
        cli("--db", str(db), "import", str(path))
        found = []
        for record in records:
            shown = cli.json("--db", str(db), "show", record["id"])
            found.append([t["entity_id"] for t in shown["targets"]])
        return found

    one_by_one, batched = entities(1), entities(2000)
    assert one_by_one == batched
    assert batched[0] == batched[1] == [batched[2][0]]  # one party under three names
    assert batched[2][1] != batched[2][0]


@pytest.mark.parametrize("bad_line", [
    '{"type": "rumour"}',  # refused while the rows go in (the record indexes set aside)
    '{"type": "response", "event_id": "ev-aaaaaaaaaaaa", "date": "2024", "actor": "X"}',  # after
])  # fmt: skip
def test_import_into_a_new_store_builds_its_indexes_at_the_end(cli, tmp_path, db, bad_line):
    """On a new store the import builds the records' secondary indexes once, at the end
    (schema.RECORD_INDEXES): a refused import leaves every index in place, a whole one too, and
    the indexes hold every row (integrity_check compares each index with its table)."""
    import sqlite3

    from sanctrack.store.schema import RECORD_INDEXES

    lines = _jsonl_events(1500)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines[:700] + [bad_line] + lines[700:]) + "\n")
    cli("import", str(path), code=3)
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(lines) + "\n")
    for attempt in ("refused", "imported"):
        conn = sqlite3.connect(db)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            assert set(RECORD_INDEXES) <= names, attempt
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            events = conn.execute("SELECT count(*) FROM events INDEXED BY events_date").fetchone()[0]
        finally:
            conn.close()
        assert events == (0 if attempt == "refused" else 1500)
        assert run_process("--db", str(db), "verify").stdout == b"ok\n"
        if attempt == "refused":
            cli("import", str(good))

"""The store file: creation, refusal of foreign and damaged files, parallel writers, exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import OFAC_EVENT, run_process, start_process, store_digest, write_events
from sanctrack.store.schema import APPLICATION_ID, SCHEMA_VERSION


def test_store_is_created_on_first_write_only(cli, db):
    cli("show", "ev-123456", code=3)
    cli("export")
    assert not db.exists()
    cli(*OFAC_EVENT)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Readable and searchable as a plain SQLite database, as sqlite-utils and Datasette see it.
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "targets", "responses", "entities", "entity_names", "changes", "events_fts", "targets_fts"} <= tables
    hits = conn.execute(
        "SELECT t.name FROM targets_fts JOIN targets t ON t.rowid = targets_fts.rowid "
        "WHERE targets_fts MATCH 'yongxin'"
    ).fetchall()
    assert hits == [("Integrity Technology Group, Incorporated",)]


def test_default_path_is_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SANCTRACK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = run_process(*OFAC_EVENT, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "sanctrack" / "sanctrack.db").exists()


def _refused(path, *args):
    before = path.read_bytes()
    for argv in (["show", "ev-1"], list(OFAC_EVENT), ["undo"], ["export"]):
        result = run_process("--db", str(path), *argv)
        assert result.returncode == 3, (argv, result.stderr)
        lines = result.stderr.decode().strip().splitlines()
        assert lines[0].startswith("Error:") and "Traceback" not in result.stderr.decode()
        assert len(lines) <= 2
    assert path.read_bytes() == before
    return lines[0]


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database\n" * 100)
    assert "not an SQLite database" in _refused(junk)


def test_another_programs_database_is_refused_untouched(tmp_path):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()
    assert "another program" in _refused(foreign)


def test_a_store_from_a_newer_sanctrack_is_refused_untouched(tmp_path, cli):
    newer = tmp_path / "newer.db"
    cli("--db", str(newer), *OFAC_EVENT)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert "newer sanctrack" in _refused(newer)


def test_a_truncated_store_is_refused_untouched(tmp_path, cli):
    store = tmp_path / "cut.db"
    cli("--db", str(store), *OFAC_EVENT)
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    assert "damaged" in _refused(store)


def test_a_folder_as_store_is_refused(tmp_path):
    result = run_process("--db", str(tmp_path), "show", "ev-1")
    assert result.returncode == 3
    assert b"folder" in result.stderr


@pytest.mark.slow
def test_parallel_writers_wait_and_all_land(tmp_path):
    """8 processes adding 25 events each at once: all 200 land with unique ids."""
    store = tmp_path / "parallel.db"
    script = (
        "import sys\n"
        "from sanctrack.cli.app import app\n"
        "from typer.main import get_command\n"
        "cmd = get_command(app)\n"
        "for i in range(25):\n"
        "    code = cmd.main(['--db', sys.argv[1], 'add', 'event', '--date', '2024-01-01',\n"
        "                     '--authority', 'A', '--jurisdiction', 'US',\n"
        "                     '--target', f'Writer {sys.argv[2]} Company {i}'], standalone_mode=False)\n"
        "    assert code == 0, code\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(store), str(n)], stderr=subprocess.PIPE)
        for n in range(8)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone() == (200, 200)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_exit_codes_and_streams_as_a_process(tmp_path):
    db = str(tmp_path / "p.db")
    added = run_process("--db", db, *OFAC_EVENT)
    assert added.returncode == 0
    event_id = added.stdout.decode().strip()
    assert event_id.startswith("ev-")
    shown = run_process("--db", db, "show", event_id)
    assert shown.returncode == 0 and shown.stdout.decode().startswith("type\tevent\n")
    assert b"\x1b[" not in shown.stdout
    bad = run_process("--db", db, "add", "event", "--date", "03/04/2025", "--authority", "A",
                      "--jurisdiction", "US", "--target", "T")
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().startswith("Error: ambiguous date")
    unknown_option = run_process("--db", db, "show", event_id, "--colour")
    assert unknown_option.returncode == 2
    assert unknown_option.stderr.decode().startswith("Error: No such option: --colour")
    assert run_process("--version").stdout.decode().startswith("sanctrack ")


def test_reads_do_not_change_the_store(cli, db):
    cli(*OFAC_EVENT)
    digest = store_digest(db)
    cli("log")
    cli("export")
    cli("show", "ev-", code=0)
    assert store_digest(db) == digest


@pytest.mark.slow
def test_ctrl_c_during_an_import_exits_130_and_writes_nothing(tmp_path):
    import signal
    import time

    db = tmp_path / "int.db"
    assert run_process("--db", str(db), *OFAC_EVENT).returncode == 0
    before = store_digest(db)
    big = tmp_path / "big.jsonl"
    write_events(big, 60000)
    proc = start_process("--db", str(db), "import", str(big),
                         stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    time.sleep(1.5)
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Interrupted")
    assert store_digest(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_old_store_is_upgraded_in_place(tmp_path, cli):
    """A store of schema 1 (before official lists) opens, migrates and keeps its records."""
    from test_schema import store_at_schema

    old = store_at_schema(tmp_path / "v1.db", 1)
    event = cli.json("--db", str(old), *OFAC_EVENT)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"snapshots", "listings", "events_with_targets", "responses_with_lag"} <= tables
    [(lag_view_rows,)] = conn.execute("SELECT count(*) FROM events_with_targets").fetchall()
    assert lag_view_rows == 1
    assert cli.json("--db", str(old), "show", event["id"])["id"] == event["id"]


def _event_row(event_id: str) -> dict:
    return {"id": event_id, "date": "2024-01-02", "date_start": "2024-01-02", "date_end": "2024-01-02",
            "authority": "OFAC", "jurisdiction": "US", "action": "designation"}  # fmt: skip


@pytest.mark.parametrize("stored_first", [False, True], ids=["into an empty store", "after stored events"])
def test_an_import_that_leaves_an_event_without_targets_is_refused_whole(cli, db, stored_first):
    """The links of an import's new rows are checked before it commits: through the tables'
    indexes when the tables were empty (every row is new), by rowid range otherwise."""
    from sanctrack.errors import StoreError
    from sanctrack.store.db import Store

    if stored_first:
        cli(*OFAC_EVENT)
    before = store_digest(db) if db.exists() else None
    store = Store.open(db)
    try:
        with pytest.raises(StoreError, match="event ev-000000000bad has no target; nothing was written"):
            with store.change("import", "import"):
                store.insert("events", _event_row("ev-000000000bad"))
    finally:
        store.close()
    if before is not None:
        assert store_digest(db) == before
    else:
        assert sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0] == 0
    (db.parent / f"{db.name}-verify").unlink()  # the refused write was recorded as a failed verify

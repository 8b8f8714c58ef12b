"""sanctrack browse: the store in Datasette, with full-text search on the main tables and the
readable views; a clear error when the optional extra is missing."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import SEED

BROWSE_MISSING = "Error: sanctrack browse needs Datasette: pip install 'sanctrack[browse]'\n"

# The two readable views (to be part of the store's schema; created here if it lacks them).
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def get_json(url: str):
    status, body = get(url)
    assert status == 200, (url, status, body[:500])
    return json.loads(body)


@pytest.fixture
def seeded_store(cli, db):
    cli("import", str(SEED))  # the store's schema has the views (store.SCHEMA_V4)
    return db


def test_views_read_like_sanctrack(cli, seeded_store):
    """The views' targets and lags are those `show` gives (partial dates included)."""
    conn = sqlite3.connect(seeded_store)
    conn.row_factory = sqlite3.Row
    events = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM events_with_targets")}
    lags = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM responses_with_lag")}
    conn.close()
    for event_id, row in events.items():
        shown = cli.json("show", event_id)
        assert row["responses"] == len(shown["responses"])
        assert row["entity_ids"] == " ".join(t["entity_id"] for t in shown["targets"])
        for response in shown["responses"]:
            assert lags[response["id"]]["lag_days"] == response["lag_days"]
            assert lags[response["id"]]["event_date"] == shown["date"]
    assert events["ev-ed50c1d3506c"]["targets"] == (
        "Integrity Technology Group (aka Yongxin Zhicheng Technology Group)"
    )
    assert events["ev-de2b667efa31"]["targets"] == (
        "Sichuan Anxun Information Technology | Integrity Technology Group Incorporated"
    )
    assert lags["rs-17235e5ed9b0"]["lag_days"] == 0  # "2025-01" answers 2025-01-03: on the day


@pytest.mark.slow
def test_browse_serves_the_store_with_search(seeded_store, tmp_path):
    pytest.importorskip("datasette", reason="the browse and test extras install Datasette")
    port = free_port()
    log = open(tmp_path / "browse.log", "wb")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [sys.executable, "-m", "sanctrack", "--db", str(seeded_store), "browse",
         "--port", str(port), "--host", "127.0.0.1", "--no-open"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, home = get(base + "/", timeout=1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("browse did not answer:\n" + (tmp_path / "browse.log").read_text())
                time.sleep(0.2)
        assert status == 200
        assert "store" in home and "sanctrack store" in home  # the database, under our title
        # Full-text search on the main tables, as JSON (Datasette 0.65's shapes).
        found = get_json(base + "/store/events.json?_search=integrity&_shape=array")
        assert {row["id"] for row in found} == {"ev-ed50c1d3506c", "ev-de2b667efa31"}
        table = get_json(base + "/store/events.json?_search=flax+typhoon")
        assert [row[0] for row in table["rows"]] == ["ev-ed50c1d3506c"]
        targets = get_json(base + "/store/targets.json?_search=yongxin&_shape=array")
        assert [row["name"] for row in targets] == ["Integrity Technology Group"]
        responses = get_json(base + "/store/responses.json?_search=stern&_shape=array")
        assert [row["id"] for row in responses] == ["rs-d4650f3f927d"]
        # The readable views, searchable through their tables' indexes.
        events = get_json(base + "/store/events_with_targets.json?_search=typhoon&_shape=array")
        assert [row["targets"] for row in events] == [
            "Integrity Technology Group (aka Yongxin Zhicheng Technology Group)"
        ]
        lags = get_json(base + "/store/responses_with_lag.json?_search=guo&_shape=array")
        assert sorted((row["id"], row["lag_days"]) for row in lags) == [
            ("rs-17235e5ed9b0", 0), ("rs-d4650f3f927d", 1)
        ]  # fmt: skip
        status, page = get(base + "/store/events?_search=integrity")
        assert status == 200 and "ev-ed50c1d3506c" in page
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_browse_without_datasette(cli, seeded_store, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.cli", None)
    result = cli("browse", code=2)
    assert result.stderr == BROWSE_MISSING
    assert result.stdout == ""


@pytest.mark.slow
def test_browse_without_a_store(cli, tmp_path):
    pytest.importorskip("datasette", reason="the browse and test extras install Datasette")
    result = cli("--db", str(tmp_path / "none.db"), "browse", code=2)
    assert "there is no store at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_browse_on_a_busy_port(cli, seeded_store):
    pytest.importorskip("datasette", reason="the browse and test extras install Datasette")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = cli("browse", "--port", str(port), code=2)
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr  # the hint


def test_browse_help(cli):
    text = cli("browse", "--help").stdout
    assert "--port" in text and "--host" in text and "--open / --no-open" in text
    assert "sanctrack[browse]" in text

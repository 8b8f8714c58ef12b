"""sources and fetch, against a local HTTP server serving the list samples (never the internet)."""

from __future__ import annotations

import functools
import http.server
import socket

import pytest

from conftest import REPO, http_server, store_digest

LISTS = REPO / "fixtures" / "lists"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test's stderr is the command's
        pass


@pytest.fixture
def server():
    with http_server(functools.partial(QuietHandler, directory=str(LISTS))) as address:
        yield address


def test_sources_lists_every_source_with_its_addresses(cli):
    rows = cli.json("sources")
    assert [r["name"] for r in rows] == ["ofac-sdn", "ofac-cons", "uk", "uk-ofsi", "eu", "un", "us-csl", "opensanctions"]
    for row in rows:
        assert row["urls"] and all(u.startswith("https://") for u in row["urls"])
        assert row["snapshots"] == 0


def test_fetch_downloads_and_imports_a_snapshot(cli, server, db, tmp_path):
    url = f"{server}/un_consolidated_xml/sample_un_consolidated.xml"
    summary = cli.json("fetch", "un", "--url", url)
    [snapshot] = summary["snapshots"]
    assert snapshot["id"] == "un/2026-09-09" and snapshot["listings"] == 7
    assert cli.json("sources")[5]["latest"] == "un/2026-09-09"
    digest = store_digest(db)
    again = cli.json("fetch", "un", "--url", url)
    assert again["snapshots"][0]["unchanged"] is True
    assert store_digest(db) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".fetch-")]


def test_fetch_failures_write_nothing(cli, server, db, tmp_path):
    cli("fetch", "un", "--url", f"{server}/un_consolidated_xml/sample_un_consolidated.xml")
    digest = store_digest(db)
    missing = cli("fetch", "un", "--url", f"{server}/nope.xml", code=3)
    assert missing.stderr.startswith("Error: cannot fetch un") and "404" in missing.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    offline = cli("fetch", "un", "--url", f"http://127.0.0.1:{closed_port}/x.xml", "--timeout", "2", code=3)
    assert "cannot fetch" in offline.stderr
    wrong = cli("fetch", "un", "--url", f"{server}/eu_fsf_xml/sample_eu_fsf.xml", code=3)
    assert wrong.stderr.startswith("Error:")
    assert "unknown source" in cli("fetch", "nowhere", code=2).stderr
    assert "token" in cli("fetch", "eu", code=2).stderr
    assert store_digest(db) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".fetch-")]

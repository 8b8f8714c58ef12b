"""Official lists in the store: snapshots, their diffs, and listings seen by search, check, show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import REPO, run_process, store_digest

LISTS = REPO / "fixtures" / "lists"
PAIR = LISTS / "ofac_sdn_csv_diffpair"


@pytest.fixture
def two_snapshots(cli):
    first = cli.json("import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")
    second = cli.json("import", str(PAIR / "2024-04-12"), "--published", "2024-04-12")
    return first, second


def test_snapshots_and_the_changes_between_them(two_snapshots):
    first, second = two_snapshots
    assert first == {"events": 0, "responses": 0, "listings": 32, "already_present": 0, "snapshots": [
        {"id": "ofac-sdn/2024-04-04", "source": "ofac-sdn", "published": "2024-04-04",
         "listings": 32, "added": 32, "removed": 0, "changed": 0, "previous": None,
         "published_from": "--published", "rows": 32, "merged_rows": 0}], "changes": [1]}
    [snapshot] = second["snapshots"]
    # The real changes of that week: 4 SDGT designations, 2 delistings, 1 passport amendment.
    assert (snapshot["id"], snapshot["listings"]) == ("ofac-sdn/2024-04-12", 34)
    assert (snapshot["added"], snapshot["removed"], snapshot["changed"]) == (4, 2, 1)
    assert snapshot["previous"] == "ofac-sdn/2024-04-04"


def test_an_identical_reimport_changes_nothing(cli, db, two_snapshots):
    digest = store_digest(db)
    again = cli.json("import", str(PAIR / "2024-04-12"), "--published", "2024-04-12")
    assert again["snapshots"][0]["unchanged"] is True and again["listings"] == 0
    assert store_digest(db) == digest


def test_snapshots_are_never_rewritten(db, two_snapshots):
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="never rewritten"):
        conn.execute("UPDATE snapshots SET published = '1999-01-01'")
    with pytest.raises(sqlite3.IntegrityError, match="never rewritten"):
        conn.execute("UPDATE listings SET name = 'X'")


def test_search_check_and_show_see_listings(cli, two_snapshots):
    hits = cli.json("search", "Stankovic")
    listing = next(h for h in hits if h["type"] == "listing")
    # delisted on 2024-04-12: found as the last snapshot that held it
    assert listing["id"] == "ofac-sdn/2024-04-04/39136"
    entity = next(h for h in hits if h["type"] == "entity")
    shown = cli.json("show", entity["id"])
    assert [l["id"] for l in shown["listings"]][:1] == ["ofac-sdn/2024-04-04/39136"]
    assert listing["source"] == "ofac-sdn"


def test_check_follows_designations_and_delistings_between_snapshots(cli, two_snapshots):
    on = cli.json("check", "Slobodan Stankovic", "--as-of", "2024-04-05")
    assert on["sanctioned"] and on["matches"][0]["listing"] == "ofac-sdn/2024-04-04/39136"
    assert on["matches"][0]["jurisdiction"] == "US"
    off = cli.json("check", "STANKOVIC, Slobodan", "--as-of", "2024-04-12", code=1)
    assert off["not_in_force"][0]["until"] == "2024-04-12"
    new = cli.json("check", "William Abu Shanab", "--as-of", "2024-04-12")
    # The SDN CSV gives no listing date: no "since", only where it was first seen.
    match = new["matches"][0]
    assert (match["since"], match["since_from"]) == (None, "snapshot")
    assert (match["first_seen"], match["first_seen_in"]) == ("2024-04-12", "ofac-sdn/2024-04-12")
    table = cli("check", "William Abu Shanab", "--as-of", "2024-04-12", "--format", "plain").stdout
    assert "on the list in ofac-sdn/2024-04-12 (first seen 2024-04-12)" in table
    cli("check", "William Abu Shanab", "--as-of", "2024-04-11", code=1)
    cli("check", "William Abu Shanab", "--jurisdiction", "GB", code=1)


def test_undo_removes_a_snapshot_whole(cli, db, two_snapshots):
    cli("undo")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id FROM snapshots").fetchall() == [("ofac-sdn/2024-04-04",)]
    # what the second snapshot added is gone, and what it ended is held again
    assert conn.execute("SELECT count(*) FROM listings").fetchone() == (32,)
    assert conn.execute(
        "SELECT count(*) FROM listing_spans WHERE until IS NOT NULL OR since > '2024-04-05'"
    ).fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM listing_spans").fetchone() == (32,)


def test_bad_list_input_writes_nothing(cli, db, tmp_path, two_snapshots):
    digest = store_digest(db)
    broken = tmp_path / "sdn.csv"
    broken.write_bytes((PAIR / "2024-04-12" / "sdn.csv").read_bytes()[:-2000] + b'\r\nnot-a-number,"X"\r\n')
    result = cli("import", str(broken), "--published", "2024-04-20", code=3)
    assert result.stderr.startswith("Error:")
    assert store_digest(db) == digest
    assert "unknown source" in cli("import", str(PAIR / "2024-04-12"), "--source", "nope", code=2).stderr
    assert "no such file" in cli("import", str(tmp_path / "missing.xml"), code=2).stderr


def test_publication_date_from_the_file_or_the_user_never_the_clock(cli, db):
    un = cli.json("import", str(LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml"))
    [snapshot] = un["snapshots"]
    assert (snapshot["id"], snapshot["published_from"]) == ("un/2026-09-09", "the file's dateGenerated")
    digest = store_digest(db)
    result = cli("import", str(LISTS / "ofac_sdn_csv"), "--json", code=2)
    assert result.stderr.startswith("Error: ") and "carries no publication date" in result.stderr
    assert "--published" in result.stderr  # the hint
    assert store_digest(db) == digest
    # --published may not contradict the file, nor be less than a day
    eu = LISTS / "eu_fsf_xml" / "sample_eu_fsf.xml"
    contradicted = cli("import", str(eu), "--published", "2026-03-01", code=2)
    assert "contradicts the file, published 2026-08-05 (the file's generationDate)" in contradicted.stderr
    assert "on a day" in cli("import", str(LISTS / "ofac_sdn_csv"), "--published", "2024-04", code=2).stderr
    assert store_digest(db) == digest


@pytest.mark.slow
def test_every_sample_imports_as_a_process(tmp_path):
    """Each official sample is detected and lands as a snapshot, through a real process."""
    db = str(tmp_path / "all.db")
    samples = [
        LISTS / "ofac_sdn_csv", LISTS / "ofac_cons_csv", LISTS / "ofac_sdn_xml" / "big_xml.xml",
        LISTS / "ofac_sdn_advanced_xml" / "sample_sdn_advanced.xml",
        LISTS / "uk_sanctions_list_xml" / "sample_uk_sanctions.xml",
        LISTS / "uk_ofsi_conlist_csv" / "ConList.csv", LISTS / "eu_fsf_xml" / "sample_eu_fsf.xml",
        LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml",
        LISTS / "us_csl" / "consolidated.csv", LISTS / "us_csl" / "csl.csv",
        LISTS / "opensanctions_ftm" / "yente_zala" / "entities.ftm.json",
    ]
    # The samples that carry no date, dated by the commit of the repository they come from
    # (fixtures/lists/SOURCES.md): the latest day they can have been published.
    undated = {
        LISTS / "ofac_sdn_csv": "2025-05-16", LISTS / "ofac_cons_csv": "2025-12-19",
        LISTS / "uk_ofsi_conlist_csv" / "ConList.csv": "2020-03-21",
        LISTS / "us_csl" / "consolidated.csv": "2025-06-25", LISTS / "us_csl" / "csl.csv": "2019-12-03",
    }
    for sample in samples:
        dated = ["--published", undated[sample]] if sample in undated else []
        # The samples are excerpts of different sizes, not successive publications of a list:
        # one that holds fewer entries than the one before it is no delisting.
        result = run_process(
            "--db", db, "--today", "2026-11-22", "import", str(sample), *dated, "--allow-shrink", "--json"
        )
        assert result.returncode == 0, (sample, result.stderr)
    conn = sqlite3.connect(db)
    sources = {row[0] for row in conn.execute("SELECT DISTINCT source FROM snapshots")}
    assert sources == {"ofac-sdn", "ofac-cons", "uk", "uk-ofsi", "eu", "un", "us-csl", "opensanctions"}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reading_a_list_through_stdin(tmp_path):
    db = str(tmp_path / "stdin.db")
    data = Path(LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml").read_bytes()
    result = run_process("--db", db, "import", "-", "--format", "un-xml", "--json", input=data)
    assert result.returncode == 0, result.stderr


def test_show_a_listing_by_its_id(cli, two_snapshots):
    listing = cli.json("show", "ofac-sdn/2024-04-12/48240")
    assert (listing["type"], listing["name"], listing["programs"]) == ("listing", "ABU SHANAB, William", ["SDGT"])
    assert listing["source"] == "ofac-sdn" and listing["raw"]["ent_num"] == "48240"
    assert "ofac-sdn/2024-04-04" in cli("show", "ofac-sdn/1999-01-01/1", code=2).stderr
    cli("show", "ofac-sdn/2024-04-12/99999999", code=2)


def test_a_list_id_keeps_its_entity_across_snapshots_even_with_a_short_name(cli, tmp_path, db):
    """An entry named only by a short key ("AST") must stay the same entity from one snapshot to
    the next, so that history, check and diff see one party."""
    rows = '10001,"AST",-0- ,"CYBER2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "sdn.csv").write_bytes(rows.encode())
    (second / "sdn.csv").write_bytes((rows + '10002,"OTHER NAME LTD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n').encode())
    cli("import", str(first), "--published", "2024-01-01")
    cli("import", str(second), "--published", "2024-02-01")
    conn = sqlite3.connect(db)
    entities = conn.execute("SELECT DISTINCT entity_id FROM listings WHERE list_id = '10001'").fetchall()
    assert len(entities) == 1

"""Official lists you can trust (issue 15): a bad snapshot is refused before it is stored, dates
come from the file or the user, "since" is the list's own date, every row of a file lands, and a
partial date means one day in every view. Downloads are served by a local HTTP server."""

from __future__ import annotations

import http.server
import re
from pathlib import Path

import pytest

from conftest import REPO, http_server, store_digest

LISTS = REPO / "fixtures" / "lists"
PAIR = LISTS / "ofac_sdn_csv_diffpair"
UN = LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml"
CSL_2019 = LISTS / "us_csl" / "csl.csv"
ADVANCED = LISTS / "ofac_sdn_advanced_xml" / "sample_sdn_advanced.xml"
SDN_XML = LISTS / "ofac_sdn_xml" / "big_xml.xml"


def _no_fetch_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".fetch-")]


# -- 1. a snapshot must be believable before it is stored --------------------------------------


@pytest.fixture
def sdn_pair(cli):
    """The real SDN CSV of 2024-04-04 (32 entries) stored; the 2024-04-12 file is the next one."""
    cli("import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")


def test_an_xml_with_its_root_and_no_entries_is_refused(cli, db, tmp_path, sdn_pair):
    digest = store_digest(db)
    # The real SDN.XML of 2014-05-30 with its entries taken out: a valid root, a date, nothing else.
    empty = tmp_path / "sdn.xml"
    empty.write_bytes(re.sub(rb"<sdnEntry[^>]*>.*?</sdnEntry>\s*", b"", SDN_XML.read_bytes(), flags=re.S))
    assert b"<sdnEntry" not in empty.read_bytes() and b"</sdnList>" in empty.read_bytes()
    result = cli("import", str(empty), code=3)
    assert result.stderr.startswith("Error: ") and "the ofac-xml file holds no entries" in result.stderr
    assert store_digest(db) == digest
    cli("check", "Slobodan Stankovic", "--as-of", "2024-04-05")  # still listed


def test_the_wrong_reader_is_refused_naming_the_format_the_file_looks_like(cli, db, sdn_pair):
    digest = store_digest(db)
    wrong = cli("import", str(ADVANCED), "--format", "ofac-xml", code=3)
    assert "not ofac-xml: the file looks like ofac-advanced" in wrong.stderr
    assert "--format ofac-advanced" in wrong.stderr  # the hint
    # with a date given, the reader runs, reads nothing, and the file is still refused
    dated = cli("import", str(ADVANCED), "--format", "ofac-xml", "--published", "2024-04-20", code=3)
    assert "no entries read as ofac-xml: the file looks like ofac-advanced" in dated.stderr
    unrelated = LISTS / "ofac_sdn_advanced_xml" / "schema" / "sdn_advanced.xsd"
    other = cli("import", str(unrelated), "--format", "ofac-xml", "--published", "2024-04-20", code=3)
    assert "an XML file whose root element <schema> is no list format" in other.stderr
    assert store_digest(db) == digest
    cli("check", "Slobodan Stankovic", "--as-of", "2024-04-25")


def test_a_snapshot_ending_more_than_the_allowed_share_is_refused(cli, db, tmp_path, sdn_pair):
    digest = store_digest(db)
    head = tmp_path / "head"
    head.mkdir()
    # the first 3 lines of the real 2024-04-12 sdn.csv: 3 entries where there were 32
    lines = (PAIR / "2024-04-12" / "sdn.csv").read_bytes().split(b"\r\n")[:3]
    (head / "sdn.csv").write_bytes(b"\r\n".join(lines) + b"\r\n")
    refused = cli("import", str(head), "--published", "2024-04-12", code=3)
    assert "would end 29 of the 32 listings of ofac-sdn/2024-04-04 (91%), more than the 10% allowed" in refused.stderr
    assert "--allow-shrink" in refused.stderr
    cli("import", str(head), "--published", "2024-04-12", "--max-shrink", "0.5", code=3)
    assert store_digest(db) == digest
    cli("check", "Slobodan Stankovic", "--as-of", "2024-04-13")  # not ended by the refused file
    # the user's word: a real program termination may be larger
    allowed = cli.json("import", str(head), "--published", "2024-04-12", "--max-shrink", "0.95")
    assert (allowed["snapshots"][0]["removed"], allowed["listings"]) == (29, 3)


def test_allow_shrink_stores_the_smaller_snapshot(cli, tmp_path, sdn_pair):
    head = tmp_path / "head"
    head.mkdir()
    lines = (PAIR / "2024-04-12" / "sdn.csv").read_bytes().split(b"\r\n")[:3]
    (head / "sdn.csv").write_bytes(b"\r\n".join(lines) + b"\r\n")
    result = cli("import", str(head), "--published", "2024-04-12", "--allow-shrink")
    assert "snapshot ofac-sdn/2024-04-12: 3 listings; 0 added, 29 ended, 0 changed since ofac-sdn/2024-04-04" in result.stderr


def test_import_always_says_what_a_snapshot_adds_ends_and_changes(cli):
    first = cli("import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")
    assert first.stderr == (
        "snapshot ofac-sdn/2024-04-04: 32 listings; 32 added, 0 ended, 0 changed (the first "
        "snapshot of ofac-sdn); published 2024-04-04 (--published)\n"
    )
    second = cli("import", str(PAIR / "2024-04-12"), "--published", "2024-04-12")
    # the real changes of that week: 4 SDGT designations, 2 delistings, 1 passport amendment
    assert second.stderr == (
        "snapshot ofac-sdn/2024-04-12: 34 listings; 4 added, 2 ended, 1 changed since "
        "ofac-sdn/2024-04-04; published 2024-04-12 (--published)\n"
    )


# -- downloads ------------------------------------------------------------------------------------


class ListServer(http.server.BaseHTTPRequestHandler):
    """Serves fixtures/lists; `/cut/N/PATH` sends only the first N bytes of PATH and closes, with
    (`/cut-announced/…`) or without a Content-Length for the whole file."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        match = re.fullmatch(r"/(cut|cut-announced)/(\d+)/(.+)", self.path)
        relative = match[3] if match else self.path.lstrip("/")
        path = LISTS / relative
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        sent = body[: int(match[2])] if match else body
        self.send_response(200)
        if not match or match[1] == "cut-announced":
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(sent)
        self.close_connection = True


@pytest.fixture
def server():
    with http_server(ListServer) as address:
        yield address


def test_a_download_cut_short_is_refused_before_anything_is_stored(cli, db, tmp_path, server):
    cli("fetch", "un", "--url", f"{server}/un_consolidated_xml/sample_un_consolidated.xml")
    digest = store_digest(db)
    half = UN.stat().st_size // 2
    # the server closes early, no Content-Length: the XML does not close its root element
    cut = cli("fetch", "un", "--url", f"{server}/cut/{half}/un_consolidated_xml/sample_un_consolidated.xml", code=3)
    assert "is not whole: the XML does not end with its root element's closing tag </CONSOLIDATED_LIST>" in cut.stderr
    # the server announced the whole length and sent half
    short = cli("fetch", "un", "--url", f"{server}/cut-announced/{half}/un_consolidated_xml/sample_un_consolidated.xml", code=3)
    assert "was cut short" in short.stderr and f"{UN.stat().st_size:,}" in short.stderr
    # a CSV cut inside a record
    csv_cut = cli(
        "fetch", "us-csl", "--url", f"{server}/cut/20000/us_csl/csl.csv", "--published", "2019-12-03", code=3
    )
    assert "a CSV cut mid-record" in csv_cut.stderr
    assert store_digest(db) == digest
    assert _no_fetch_leftovers(tmp_path)


def test_fetch_refuses_an_empty_list_the_wrong_reader_an_undated_file_and_two_files_of_a_day(
    cli, db, tmp_path, server
):
    cli("fetch", "us-csl", "--url", f"{server}/us_csl/csl.csv", "--published", "2019-12-03")
    digest = store_digest(db)
    undated = cli("fetch", "us-csl", "--url", f"{server}/us_csl/consolidated.csv", code=2)
    assert "carries no publication date" in undated.stderr and "--published" in undated.stderr
    same_day = cli(
        "fetch", "us-csl", "--url", f"{server}/us_csl/consolidated.csv", "--published", "2019-12-03", code=3
    )
    assert "us-csl already has snapshot us-csl/2019-12-03 published 2019-12-03, from another file" in same_day.stderr
    wrong = cli("fetch", "ofac-sdn", "--url", f"{server}/ofac_sdn_advanced_xml/sample_sdn_advanced.xml", code=3)
    assert "looks like ofac-advanced" in wrong.stderr
    assert store_digest(db) == digest
    assert _no_fetch_leftovers(tmp_path)


def test_fetch_says_what_the_snapshot_adds_ends_and_changes(cli, server):
    result = cli("fetch", "un", "--url", f"{server}/un_consolidated_xml/sample_un_consolidated.xml")
    assert result.stderr.startswith(
        "snapshot un/2026-09-09: 7 listings; 7 added, 0 ended, 0 changed (the first snapshot of un); "
        "published 2026-09-09 (the file's dateGenerated); from http://127.0.0.1:"
    )
    [snapshot] = cli.json("fetch", "un", "--url", f"{server}/un_consolidated_xml/sample_un_consolidated.xml")["snapshots"]
    assert snapshot["unchanged"] is True


# -- 2. dates from the file or the user; one file per source and day ------------------------------


def test_two_different_files_of_one_source_for_one_day_are_refused_whole(cli, db):
    both = [str(LISTS / "us_csl" / "consolidated.csv"), str(CSL_2019)]
    result = cli("import", *both, "--published", "2024-05-01", code=3)
    assert "are two different files of us-csl for 2024-05-01; nothing was stored" in result.stderr
    assert store_digest(db) == "absent"  # checked before the first was written


def test_the_files_of_one_set_named_one_by_one_are_one_input(cli):
    files = sorted(str(p) for p in (LISTS / "ofac_sdn_csv").iterdir())
    assert len(files) == 4  # sdn.csv, add.csv, alt.csv, sdn_comments.csv
    summary = cli.json("import", *files, "--published", "2025-05-16")
    assert [s["id"] for s in summary["snapshots"]] == ["ofac-sdn/2025-05-16"]
    assert summary["listings"] == 17


def test_undated_inputs_are_refused_before_any_is_written(cli, db):
    result = cli("import", str(UN), str(LISTS / "ofac_sdn_csv"), code=2)
    assert "ofac_sdn_csv: the ofac-csv file carries no publication date" in result.stderr
    assert store_digest(db) == "absent"


# -- 3. "since" is the list's own listing date -----------------------------------------------------


@pytest.fixture
def un_and_csl(cli):
    """The UN sample (LISTED_ON given) and the 2019 CSL sample (no start_date for 7TH OF TIR)."""
    cli("import", str(UN))
    cli("import", str(CSL_2019), "--published", "2019-12-03")


def test_check_says_since_from_the_list_or_where_it_was_first_seen(cli, un_and_csl):
    result = cli.json("check", "7th of Tir")
    lines = {m["jurisdiction"]: m for m in result["matches"]}
    assert (lines["UN"]["since"], lines["UN"]["since_from"]) == ("2006-12-23", "list")
    us = lines["US"]
    assert (us["since"], us["since_from"], us["first_seen"], us["first_seen_in"]) == (
        None, "snapshot", "2019-12-03", "us-csl/2019-12-03"
    )
    shown = cli("check", "7th of Tir", "--format", "plain")
    plain = shown.stdout
    assert "on the list in us-csl/2019-12-03 (first seen 2019-12-03)" in plain
    verdict, lines_shown = shown.stderr, plain  # the verdict on stderr, rows on stdout
    assert "2025-01-08" in verdict and "2025-01-08" not in lines_shown  # today is never a "since"


def test_diff_leaves_lags_from_a_snapshot_unknown_and_out_of_the_median(cli, un_and_csl):
    result = cli.json("diff", "UN", "US")
    [tir] = result["both"]
    assert tir["name"] == "7TH OF TIR"
    assert (tir["left_since"], tir["right_since"], tir["first"], tir["lag_days"]) == ("2006-12-23", None, None, None)
    assert tir["right_first_seen_in"] == "us-csl/2019-12-03"
    summary = result["summary"]
    assert (summary["median_lag_days"], summary["leader"], summary["lag_unknown"]) == (None, None, 1)
    assert "who moved first is unknown" in summary["text"] and "followed" not in summary["text"]
    table = cli("diff", "UN", "US", "--format", "plain").stdout
    assert "on the list in us-csl/2019-12-03 (first seen 2019-12-03)" in table


def test_show_gives_each_listing_its_since(cli, un_and_csl):
    entity = cli.json("check", "7th of Tir")["matches"][0]["entity_id"]
    listings = {l["source"]: l for l in cli.json("show", entity)["listings"]}
    assert (listings["un"]["since"], listings["un"]["since_from"]) == ("2006-12-23", "list")
    assert (listings["us-csl"]["since"], listings["us-csl"]["first_seen_in"]) == (None, "us-csl/2019-12-03")
    one = cli.json("show", listings["us-csl"]["id"])
    assert (one["since_from"], one["first_seen"]) == ("snapshot", "2019-12-03")


# -- 4. every row of a real file lands ------------------------------------------------------------


def test_csl_rows_sharing_an_id_are_one_listing_carrying_every_sub_list(cli, tmp_path):
    """Synthetic rows in the CSL layout (the sub-list names are the real file's): one party on the
    SDN and the SSI sub-lists under one `_id`, as the official file gives such a party."""
    header = (LISTS / "us_csl" / "consolidated.csv").read_text().split("\n", 1)[0]
    columns = header.split(",")

    def row(**cells) -> str:
        return ",".join(f'"{cells.get(c, "")}"' for c in columns)

    sdn = "Specially Designated Nationals (SDN) - Treasury Department"
    ssi = "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
    rows = [
        row(_id="90001", source=sdn, entity_number="90001", type="Entity", programs="UKRAINE-EO13662", name="TEST PARTY ON TWO SUB-LISTS"),
        row(_id="90002", source=sdn, entity_number="90002", type="Entity", programs="SDGT", name="TEST PARTY ON ONE LIST"),
        row(_id="90001", source=ssi, entity_number="90001", type="Entity", programs="RUSSIA-EO14024", name="TEST PARTY ON TWO SUB-LISTS", alt_names="TEST PARTY AKA"),
    ]
    path = tmp_path / "consolidated.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    summary = cli.json("import", str(path), "--published", "2024-05-01")
    [snapshot] = summary["snapshots"]
    assert (snapshot["rows"], snapshot["listings"], snapshot["merged_rows"]) == (3, 2, 1)
    listing = cli.json("show", "us-csl/2024-05-01/90001")
    assert listing["programs"] == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert listing["raw"]["sources"] == [sdn, ssi] and len(listing["raw"]["rows"]) == 2
    assert listing["aliases"] == ["TEST PARTY AKA"]


# -- 5. one meaning for a partial date in every view ----------------------------------------------


@pytest.fixture
def listed_mid_quarter(cli):
    """The UN sample: a party whose LISTED_ON, 2006-12-23, falls late in 2006q4."""
    cli("import", str(UN))


def test_check_as_of_a_partial_date_is_the_end_of_its_period(cli, listed_mid_quarter):
    on = cli.json("check", "7th of Tir", "--as-of", "2006q4")
    assert on["sanctioned"] and on["as_of"] == "2006-12-31"
    assert cli.json("check", "7th of Tir", "--as-of", "2006-12")["as_of"] == "2006-12-31"
    off = cli.json("check", "7th of Tir", "--as-of", "2006q3", code=1)
    assert off["as_of"] == "2006-09-30"


def test_diff_at_a_partial_date_is_the_end_of_its_period(cli, listed_mid_quarter):
    result = cli.json("diff", "UN@2006q3", "UN@2006q4")
    assert (result["left"]["as_of"], result["right"]["as_of"]) == ("2006-09-30", "2006-12-31")
    assert "7TH OF TIR" in [item["name"] for item in result["only_right"]]


def test_timeline_windows_hold_the_whole_period(cli):
    """fixtures/seed.json: OFAC on 2025-01-03, answers on 2025-01 and 2025-01-06, the UK on
    2025-12-09 and its answer on 2025-12-10."""
    cli("import", str(REPO / "fixtures" / "seed.json"))
    quarter = cli.json("timeline", "--since", "2025q1", "--until", "2025q1")
    assert sorted(item["date"] for item in quarter) == ["2025-01", "2025-01-03", "2025-01-06", "2025-01-06"]
    december = cli.json("timeline", "--since", "2025-12", "--until", "2025")
    assert sorted(item["date"] for item in december) == ["2025-12-09", "2025-12-10"]
    nothing = cli("timeline", "--until", "2024", "--json", code=1)
    assert nothing.stderr.startswith("Error: nothing recorded until 2024-12-31")

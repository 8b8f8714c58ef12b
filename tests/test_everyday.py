"""Everyday use (issue 17): tables that fit an 80-column terminal, counts that are said, piped
output that scripts can read, help that can be pasted, records quick to fix."""

from __future__ import annotations

import json
import re

import pytest

from conftest import SEED
from sanctrack.render.fit import fit, shorten, text_width

IDS = re.compile(r"\b(?:ev|rs|en)-[0-9a-f]{12}\b")


@pytest.fixture
def seeded(cli, monkeypatch):
    cli("import", str(SEED))
    monkeypatch.setenv("COLUMNS", "80")
    return cli


# -- the fitting rules, on their own --------------------------------------------------------------


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("Integrity Technology Group", 30) == "Integrity Technology Group"
    assert shorten("Integrity Technology Group", 22) == "Integrity Technology…"
    assert shorten("designation of Integrity, Technology", 16) == "designation of…"
    # one word longer than the column (a URL): cut inside it, never more than the width
    url = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML"
    assert shorten(url, 20) == url[:19] + "…" and text_width(shorten(url, 20)) == 20


def test_wide_characters_count_two_cells():
    assert text_width("中国外交部") == 10
    assert text_width(shorten("中国 外交部 发言人", 9)) <= 9


def test_fit_leaves_out_empty_columns_and_keeps_ids_whole():
    columns = ("id", "date", "program", "title")
    rows = [["ev-ed50c1d3506c", "2025-01-03", "", "US Department of the Treasury, OFAC: designation"]]
    layout = fit(columns, rows, 44)
    assert [columns[i] for i in layout.keep] == ["id", "date", "title"]
    assert layout.widths[:2] == [15, 10] and layout.atomic[:2] == [True, True]
    assert sum(layout.widths) + 2 * 2 == 44  # two gaps of two cells
    assert layout.cut(rows[0]) == ["ev-ed50c1d3506c", "2025-01-03", "US Department…"]
    assert fit(columns, rows, 1000).cut(rows[0])[2] == rows[0][3]  # --wide: as wide as the text


# -- tables of the seed data on an 80-column terminal ---------------------------------------------

TABLE_COMMANDS = [
    ("search", "integrity"),
    ("timeline",),
    ("timeline", "Integrity Technology Group"),
    ("diff", "US", "GB"),
    ("show", "en-0141"),
    ("show", "ev-ed50"),
    ("show", "ev-de2b"),
    ("sources",),
    ("log",),
]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_tables_fit_80_columns_and_never_split_ids_or_dates(seeded, args):
    table = seeded(*args, "--format", "table").stdout
    wide = seeded(*args, "--format", "table", "--wide").stdout
    plain = seeded(*args, "--format", "plain").stdout
    for line in table.splitlines():
        assert text_width(line) <= 80, line  # the diff's lag sentence too, wrapped at words
    # every id the plain output holds is whole in the table
    assert set(IDS.findall(plain)) <= set(IDS.findall(table)), args
    # no date split over two lines: every date of the plain output is whole in the table
    assert set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", plain)) <= set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", table))
    if "…" in table and args[0] != "show":  # show's fields are whole; its nested tables fit the panel
        assert wide.count("…") < table.count("…")
        assert max(map(text_width, wide.splitlines())) > 80


def test_search_table_is_one_line_a_hit_with_empty_columns_left_out(seeded):
    hits = seeded.json("search", "integrity")
    table = seeded("search", "integrity", "--format", "table").stdout
    body = [line for line in table.splitlines()[2:] if line.strip()]
    assert len(body) == len(hits)
    assert [IDS.search(line).group() for line in body] == [hit["id"] for hit in hits]


def test_timeline_table_has_an_id_on_every_row_and_cuts_at_words(seeded):
    items = seeded.json("timeline")
    table = seeded("timeline", "--format", "table").stdout
    rows = table.splitlines()[3:]
    assert [IDS.search(line).group() for line in rows if line[:1].isdigit()] == [i["id"] for i in items]
    for word in ("designati", "press-con", "Incorporat"):
        assert not re.search(rf"{word}\s*$", table, re.M)  # no word broken at the line's end
    wide = seeded("timeline", "--format", "table", "--wide").stdout
    assert "press-conference, rejects" in wide and "Integrity Technology Group (also Yongxin Zhicheng Technology Group)" in wide
    assert len(wide.splitlines()) == len(table.splitlines())  # still one line a row


def test_empty_program_column_is_left_out_of_show(seeded):
    table = seeded("show", "en-0141", "--format", "table").stdout
    assert "program" not in table and "named as" in table


# -- counts, pipes and scriptable output ----------------------------------------------------------


def test_search_says_how_many_were_left_out_and_json_carries_the_total(seeded):
    every = seeded.json("search", "integrity")
    some = seeded("search", "integrity", "--limit", "2", "--format", "plain")
    assert len(some.stdout.splitlines()) == 2
    assert re.search(r"^2 of (at least )?\d+ hits shown; --limit N shows more$", some.stderr, re.M)
    hits = seeded.json("search", "integrity", "--limit", "2")
    assert all(h["total"] >= len(every) for h in hits) and len(hits) == 2
    assert "hits shown" not in seeded("search", "integrity").stderr  # nothing left out, nothing said


def test_search_on_filters_alone_and_recent_list_newest_first(seeded):
    rejects = seeded.json("search", "--stance", "rejects", "--since", "2025")
    assert [h["id"] for h in rejects] == ["rs-d4650f3f927d", "rs-17235e5ed9b0"]
    assert {h["stance"] for h in rejects} == {"rejects"} and rejects[0]["total"] == 2
    recent = seeded.json("recent")
    assert [h["date"] for h in recent] == sorted((h["date"] for h in recent), reverse=True)
    assert len(recent) == 6 and recent[0]["total"] == 6
    assert [h["id"] for h in seeded.json("recent", "--jurisdiction", "GB", "--type", "event")] == ["ev-de2b667efa31"]
    two = seeded("recent", "-n", "2", "--format", "plain")
    assert [line.split("\t")[1] for line in two.stdout.splitlines()] == [h["id"] for h in recent[:2]]
    assert "2 of 6 hits shown" in two.stderr
    assert seeded("recent", "--stance", "welcomes", code=1).stderr.strip() == "no match"
    err = seeded("search", code=2).stderr
    assert "give words to search for, or a filter" in err and "sanctrack recent" in err


def test_check_plain_output_is_rows_only_with_the_verdict_on_stderr(seeded):
    result = seeded("check", "Integrity Technology Group", "--format", "plain")
    assert result.stdout.splitlines()[0].split("\t")[:2] == ["US", "US Department of the Treasury, OFAC"]
    assert result.stderr.startswith("SANCTIONED on 2025-01-08")
    assert all(line.count("\t") == result.stdout.splitlines()[0].count("\t") for line in result.stdout.splitlines())


def test_diff_names_the_side_that_moved_first_by_its_view(seeded):
    lines = [l.split("\t") for l in seeded("diff", "US", "GB", "--today", "2026-01-01", "--format", "plain").stdout.splitlines()]
    both = [l for l in lines if l[0] == "both"]
    assert both and both[0][5] == "US"
    assert seeded.json("diff", "US", "GB", "--today", "2026-01-01")["both"][0]["first"] == "left"


@pytest.mark.slow
def test_a_closed_pipe_is_not_nothing_found(tmp_path):
    import subprocess
    import sys

    from conftest import run_process

    db = str(tmp_path / "seed.db")
    assert run_process("--db", db, "import", str(SEED)).returncode == 0
    # a reader that reads one line and leaves; the writer's next writes meet a closed pipe
    writer = subprocess.Popen([sys.executable, "-m", "sanctrack", "--db", db, "export", "--format", "jsonl"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer.stdout.close()
    assert writer.wait(timeout=60) == 141
    assert b"Traceback" not in writer.stderr.read()

"""--output FILE on listing commands: format from the extension, written whole or not at all."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import SEED


@pytest.fixture
def seeded(cli):
    cli("import", str(SEED))
    return cli


@pytest.mark.parametrize(
    "argv",
    [["search", "yongxin"], ["check", "Integrity Technology Group"], ["log"], ["sources"],
     ["show", "ev-ed50"]],
)
def test_the_extension_names_the_format(seeded, tmp_path, argv):
    target = tmp_path / "out.json"
    result = seeded(*argv, "-o", str(target))
    assert result.stdout == ""
    assert json.loads(target.read_text())
    if argv[0] != "show":
        as_csv = tmp_path / "out.csv"
        seeded(*argv, "--output", str(as_csv), code=None)
        assert list(csv.reader(as_csv.open()))[0]


def test_format_option_wins_over_the_extension(seeded, tmp_path):
    target = tmp_path / "hits.txt"
    seeded("search", "yongxin", "-o", str(target), "--format", "json")
    assert json.loads(target.read_text())[0]["type"] == "entity"


def test_bad_output_paths_write_nothing(seeded, tmp_path):
    unknown = seeded("search", "yongxin", "-o", str(tmp_path / "hits.xyz"), code=2)
    assert unknown.stderr.startswith("Error: cannot tell the format") and ".json" in unknown.stderr
    missing = seeded("search", "yongxin", "-o", str(tmp_path / "no" / "hits.json"), code=2)
    assert missing.stderr.startswith("Error: cannot write")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    seeded("search", "yongxin", "-o", str(a_file / "hits.json"), code=2)
    seeded("show", "ev-0000000", "-o", str(tmp_path / "show.json"), code=2)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "store.db" and not p.name.startswith("store.db")) == ["file"]


def test_no_hits_still_writes_an_empty_listing(seeded, tmp_path):
    target = tmp_path / "none.json"
    seeded("search", "zzzzz", "-o", str(target), code=1)
    assert json.loads(target.read_text()) == []


def test_diff_and_timeline_write_files_too(seeded, tmp_path):
    diff = tmp_path / "diff.json"
    seeded("diff", "US", "GB", "-o", str(diff))
    assert set(json.loads(diff.read_text())) >= {"only_left", "only_right", "both", "changed"}
    chart = tmp_path / "chain.svg"
    seeded("timeline", "Integrity Technology Group", "-o", str(chart))
    assert chart.read_text().lstrip().startswith(("<svg", "<?xml"))

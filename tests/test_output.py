"""--output FILE on listing commands: format from the extension, written whole or not at all."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import SEED
from sanctrack.cli.common import OutputSpec, RecordFormatOption, output_options


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


# -- the output options, declared once -----------------------------------------------------------


def _toy_app(**declared):
    """A Typer app with one report command taking the shared output options, and what it was handed."""
    import typer

    app, handed = typer.Typer(), []

    @app.command()
    @output_options(**declared)
    def report(word: str, limit: int = 1, *, spec: OutputSpec) -> None:
        """A report."""
        handed.append((word, limit, spec))

    @app.command()
    def other() -> None:
        """Keeps the app a group."""

    return app, handed


def test_output_options_arrive_as_one_value():
    from pathlib import Path

    from typer.testing import CliRunner

    app, handed = _toy_app()
    runner = CliRunner()
    argv = ["report", "w", "-f", "csv", "--no-color", "-o", "x.csv", "--limit", "2"]
    assert runner.invoke(app, argv).exit_code == 0
    assert runner.invoke(app, ["report", "v", "--json"]).exit_code == 0
    assert handed == [
        ("w", 2, OutputSpec(format="csv", json=False, no_color=True, path=Path("x.csv"))),
        ("v", 1, OutputSpec(format=None, json=True, no_color=False, path=None)),
    ]
    shown = runner.invoke(app, ["report", "--help"]).stdout
    places = [shown.index(option) for option in ("--limit", "--format", "--json", "--no-color", "--output")]
    assert places == sorted(places)  # in place of `spec`, in this order


def test_output_options_without_a_file_and_with_another_format_option():
    from typer.testing import CliRunner

    app, handed = _toy_app(fmt=RecordFormatOption, file=None)
    runner = CliRunner()
    shown = runner.invoke(app, ["report", "--help"]).stdout
    assert "table, plain, json or jsonl" in shown and "--output" not in shown
    refused = runner.invoke(app, ["report", "w", "-o", "x.csv"])
    assert refused.exit_code == 2 and "No such option: -o" in refused.output and handed == []


def test_a_command_must_say_where_it_takes_its_output_options():
    def report(word: str, spec: OutputSpec = None) -> None:  # not keyword-only: refused
        """A report."""

    with pytest.raises(TypeError, match=r"report\(\) must end with `\*, spec: OutputSpec`"):
        output_options()(report)

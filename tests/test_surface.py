"""The command line's surface: help for every command, the overview, start-up imports, --version."""

from __future__ import annotations

import pytest
from typer.main import get_command

from sanctrack.cli.app import app


def _commands(group, prefix=()):
    """Every command's path, listed as help lists them (the root builds its commands on demand)."""
    ctx = group.make_context("sanctrack", [], resilient_parsing=True)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        path = prefix + (name,)
        if hasattr(command, "list_commands"):
            yield from _commands(command, path)
        else:
            yield path


ALL_COMMANDS = sorted(_commands(get_command(app)))
assert len(ALL_COMMANDS) >= 17, ALL_COMMANDS


def test_the_commands_of_the_foundation_exist():
    assert {("add", "event"), ("add", "response"), ("show",), ("edit",), ("delete",), ("undo",),
            ("log",), ("import",), ("export",)} <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_a_summary_and_examples(cli, path):
    text = cli(*path, "--help").stdout
    summary = text.split("\n\n")[1].strip()
    assert summary and not summary.startswith("Options"), text
    examples = text.split("Examples:")[1].split("Options:")[0]
    assert examples.count("sanctrack ") >= 2, text


def test_sanctrack_alone_prints_the_overview(cli):
    result = cli()
    assert "Usage: sanctrack" in result.stdout and "Look up:" in result.stdout  # commands grouped by task


# Modules a lookup must not pay for at start-up (DEVELOPERS.md): each costs tens of milliseconds.
HEAVY = ("rich", "sqlite_utils", "dateutil", "platformdirs", "click", "pydantic", "rapidfuzz",
         "defusedxml")


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "ev-ed50", "--json"],
        ["show", "ev-ed50", "--format", "plain"],
        ["export", "--format", "jsonl"],
        ["log", "--json"],
        ["search", "yongxin", "--json"],
        ["search", "guo", "--format", "plain"],
        ["check", "Integrity Technology Group", "--json"],
        ["check", "Integrity Technology Group", "--format", "plain"],
    ],
)
def test_lookups_import_nothing_heavy(tmp_path, argv):
    db = tmp_path / "seed.db"
    from conftest import SEED, modules_loaded, run_process

    assert run_process("--db", str(db), "import", str(SEED)).returncode == 0
    loaded = modules_loaded("--db", str(db), *argv)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    if argv[0] == "check":  # screening an ASCII name needs neither transliteration nor confusables
        assert not loaded & {"anyascii", "confusable_homoglyphs"}


def test_version(cli):
    assert cli("--version").stdout.startswith("sanctrack 0.")


def test_a_process_builds_only_the_command_it_runs_yet_keeps_suggestions(tmp_path):
    from conftest import run_process

    db = str(tmp_path / "lazy.db")
    assert run_process("--db", db, "--today", "2025-01-08", "add", "event", "--date", "friday",
                       "--authority", "A", "--jurisdiction", "US", "--target", "T").returncode == 0
    typo = run_process("--db", db, "shw", "ev-1")
    assert typo.returncode == 2 and b"Did you mean 'show'" in typo.stderr
    assert run_process("--db=" + db, "log", "--json").returncode == 0
    assert b"Look up:" in run_process().stdout  # the root help, commands by task

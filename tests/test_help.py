"""Help you can paste (issue 17): every command's --help at 80 columns, its examples printed as
written, the root help grouped by task with whole one-line summaries, one way of naming values,
--json described as what it is, plain columns documented."""

from __future__ import annotations

import re

import pytest

from conftest import modules_loaded
from sanctrack.cli.app import GROUPS, PUBLIC_COMMANDS, SUMMARIES, build_command

WIDTH = 80


def _commands():
    """(words, built command) of every public command and subcommand."""
    found = []
    for name in PUBLIC_COMMANDS:
        command = build_command(name)
        found.append(((name,), command))
        for sub_name, sub in getattr(command, "commands", {}).items():
            found.append(((name, sub_name), sub))
    return found


COMMANDS = _commands()
IDS = [" ".join(words) for words, _command in COMMANDS]


@pytest.fixture
def narrow(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    return cli


def _examples(docstring: str) -> list[str]:
    """The example lines of a docstring as written (after its `Examples:` line)."""
    _, found, rest = docstring.partition("Examples:")
    assert found, "no examples"
    return [line.strip() for line in rest.splitlines() if line.strip() and line.strip() != "\b"]


@pytest.mark.parametrize("words,command", COMMANDS, ids=IDS)
def test_examples_are_printed_as_written_at_80_columns(narrow, words, command):
    text = narrow(*words, "--help").stdout
    shown = [line.strip() for line in text.splitlines()]
    if getattr(command, "commands", None):  # a group: its commands have the examples
        return
    examples = _examples(command.help)
    assert examples
    for example in examples:
        assert example in shown, f"{' '.join(words)}: example wrapped or changed: {example!r}"
        # One line an example, or continued with a backslash: a pasted line is a whole command.
    for before, after in zip(examples, examples[1:]):
        if not after.startswith(("sanctrack ", "eval ", "#")):
            assert before.endswith("\\"), f"{after!r} does not start a command"
    for line in text.splitlines():
        # Only an address too long for any terminal may pass the width (it is never cut).
        assert len(line) <= WIDTH or "://" in line, f"{' '.join(words)}: {len(line)} columns: {line!r}"


def test_root_help_groups_every_command_by_task_with_whole_summaries(narrow):
    text = narrow("--help").stdout
    lines = text.splitlines()
    listed = [name for group in GROUPS.values() for name in group]
    assert sorted(listed) == sorted(PUBLIC_COMMANDS) and len(set(listed)) == len(listed)
    for title, group in GROUPS.items():
        at = lines.index(f"{title}:")
        rows = [line.split(None, 1) for line in lines[at + 1 : at + 1 + len(group)]]
        assert rows == [[name, SUMMARIES[name]] for name in group], title
    for summary in SUMMARIES.values():
        assert "…" not in summary and "..." not in summary and len(summary) <= WIDTH - 16
    # the order of the groups is the order of tasks
    positions = [lines.index(f"{title}:") for title in GROUPS]
    assert positions == sorted(positions)
    # a built command carries its summary as its short help
    assert build_command("stats").short_help == SUMMARIES["stats"]


def test_root_help_builds_no_command():
    loaded = modules_loaded("--help")
    assert "sanctrack" in loaded
    probe = (
        "import sys, runpy\nsys.argv = ['sanctrack', '--help']\n"
        "try:\n    runpy.run_module('sanctrack', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import json\nsys.stderr.write(json.dumps(sorted(m for m in sys.modules if m.startswith('sanctrack'))))\n"
    )
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=60)
    modules = set(json.loads(done.stderr.decode().splitlines()[-1]))
    command_modules = {f"sanctrack.cli.{module}" for group in GROUPS.values() for module, _ in group.values()}
    assert not modules & command_modules, sorted(modules & command_modules)


VALUE_NAME = re.compile(r"^[A-Z][A-Z_]*(\.\.\.)?$")


@pytest.mark.parametrize("words,command", COMMANDS, ids=IDS)
def test_one_naming_style_for_values(narrow, words, command):
    text = narrow(*words, "--help").stdout
    usage = text.splitlines()[0]
    assert "{" not in usage and "<" not in usage, usage
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.metavar
            assert name == name.strip("[]") if param.required else name.startswith("["), name
            assert VALUE_NAME.match(name.strip("[]")), (words, name)
            assert name in usage
        elif not param.is_flag and not param.hidden:
            assert param.metavar and VALUE_NAME.match(param.metavar), (words, param.opts, param.metavar)
    assert not re.search(r"<[a-z ]+>", text), text


@pytest.mark.parametrize("words,command", COMMANDS, ids=IDS)
def test_json_is_described_as_what_it_does(words, command):
    options = {param.opts[0]: param for param in command.params if param.opts[0].startswith("--")}
    if "--json" not in options:
        return
    json_help = options["--json"].help
    output_format = "--format" in options and "default: table" in (options["--format"].help or "")
    if output_format:
        assert json_help == "Shorthand for --format json."
    else:
        assert "--format" not in json_help and "JSON" in json_help


def _flat(text: str) -> str:
    return " ".join(text.split())


# Commands whose --help does not yet list their plain columns: log (its -v lines change on
# another branch, issue 17's record-fixing part).
PLAIN_UNDOCUMENTED: set[tuple[str, ...]] = set()


@pytest.mark.parametrize("words,command", COMMANDS, ids=IDS)
def test_plain_columns_are_in_the_help_of_every_command_printing_plain_rows(words, command):
    options = {param.opts[0]: param for param in command.params if param.opts[0].startswith("--")}
    fmt = options.get("--format")
    if fmt is None or "plain" not in (fmt.help or "") or words in PLAIN_UNDOCUMENTED:
        return
    assert "Output: plain" in _flat(command.help), words


def test_documented_columns_are_the_columns_written():
    from sanctrack.cli.lists import SOURCE_COLUMNS
    from sanctrack.cli.lookup import SEARCH_COLUMNS
    from sanctrack.cli.timeline import LAG_COLUMNS, LAG_PAIR_COLUMNS
    from sanctrack.render.diff import LINE_COLUMNS, STAT_COLUMNS
    from sanctrack.render.reports import BATCH_COLUMNS, CHECK_COLUMNS, ENDED_COLUMNS, RESPONSE_COLUMNS
    from sanctrack.stats import STATS_COLUMNS

    def listed(command: str, columns) -> None:
        assert ", ".join(columns) in _flat(build_command(command).help), (command, columns)

    listed("search", SEARCH_COLUMNS)
    listed("recent", SEARCH_COLUMNS)
    listed("sources", SOURCE_COLUMNS)
    listed("stats", STATS_COLUMNS)
    listed("lag", LAG_COLUMNS)
    listed("lag", LAG_PAIR_COLUMNS)
    listed("check", CHECK_COLUMNS)
    listed("check", ENDED_COLUMNS)
    listed("check", BATCH_COLUMNS)
    listed("show", RESPONSE_COLUMNS)
    for columns in LINE_COLUMNS.values():
        listed("diff", columns)
    listed("diff", STAT_COLUMNS)


@pytest.mark.parametrize("words", [("add", "event"), ("add", "response"), ("edit",)], ids=" ".join)
def test_commands_printing_a_record_offer_only_the_formats_they_write(words):
    """add and edit write one record: their --format names what they accept (table, plain, json,
    jsonl), not the csv and tsv of listings, which they refuse."""
    from sanctrack.render import RECORD_FORMATS

    command = dict(COMMANDS)[words]
    (option,) = [p for p in command.params if "--format" in getattr(p, "opts", ())]
    named = re.findall(r"\b(table|plain|jsonl|json|csv|tsv|md|svg)\b", option.help.split("(")[0])
    assert set(named) == set(RECORD_FORMATS)

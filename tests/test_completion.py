"""Shell completion: the scripts for bash, zsh and fish, and the `__complete` entry point they call
(subcommands, options, record ids, jurisdictions, sources, snapshot names from the store)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEED, run_process, store_digest

PAIR = REPO / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"
BIN = str(Path(sys.executable).parent)  # where the console script `sanctrack` is installed


@pytest.fixture
def seeded(cli, db):
    cli("import", str(SEED))
    cli("import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")
    cli("import", str(PAIR / "2024-04-12"), "--published", "2024-04-12")
    return db


def complete(cli, shell: str, *words: str) -> list[str]:
    """The lines `__complete` prints, in process."""
    return cli("__complete", shell, "--", *words).stdout.splitlines()


def values(lines: list[str]) -> list[str]:
    return [line.split("\t", 1)[0] for line in lines]


# -- scripts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_has_a_script(cli, shell):
    script = cli("completion", shell).stdout
    assert script.strip() and "sanctrack" in script and "__complete" in script
    assert cli("completion", shell.upper()).stdout == script


def test_scripts_parse_in_their_shells(cli, tmp_path):
    checks = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}
    checked = []
    for shell, command in checks.items():
        if shutil.which(command[0]) is None:
            continue
        path = tmp_path / f"sanctrack.{shell}"
        path.write_text(cli("completion", shell).stdout)
        done = subprocess.run([*command, str(path)], capture_output=True, timeout=30)
        assert done.returncode == 0, (shell, done.stderr)
        checked.append(shell)
    assert "bash" in checked  # bash is always there; zsh and fish where installed


def test_the_shell_is_taken_from_SHELL(cli, monkeypatch):
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    assert cli("completion").stdout == cli("completion", "zsh").stdout
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    assert "which shell" in cli("completion", code=2).stderr
    assert "no completion for the shell 'tcsh'" in cli("completion", "tcsh", code=2).stderr


def test_the_entry_point_is_hidden(cli):
    assert "__complete" not in cli("--help").stdout
    assert "completion" in cli("--help").stdout


# -- the entry point -----------------------------------------------------------------------------


def test_subcommands(cli):
    assert values(complete(cli, "zsh", "sh")) == ["show"]
    assert complete(cli, "bash", "sanctrack sh") == ["show"]
    everything = values(complete(cli, "fish", ""))
    assert {"add", "show", "export", "browse", "completion", "timeline", "fetch"} <= set(everything)
    assert "__complete" not in everything
    assert values(complete(cli, "zsh", "add", "")) == ["event", "response"]
    # zsh and fish show what each one does.
    assert complete(cli, "zsh", "exp")[0].startswith("export\tWrite records")


def test_options(cli):
    assert values(complete(cli, "zsh", "add", "event", "--ta")) == [
        "--target", "--target-kind", "--target-country", "--tag"
    ]  # fmt: skip
    assert complete(cli, "bash", "sanctrack add event --ta") == [
        "--target", "--target-kind", "--target-country", "--tag"
    ]  # fmt: skip
    # An option given once is not offered again; a repeatable one is.
    assert "--json" not in values(complete(cli, "zsh", "show", "--json", "--j"))
    assert "--target" in values(complete(cli, "zsh", "add", "event", "--target", "x", "--tar"))
    assert values(complete(cli, "zsh", "--d")) == ["--db"]


def test_record_ids_from_the_store(cli, seeded):
    shown = complete(cli, "zsh", "show", "ev-")
    assert values(shown) == ["ev-de2b667efa31", "ev-ed50c1d3506c"]
    assert shown[1] == "ev-ed50c1d3506c\t2025-01-03 US designation: Integrity Technology Group"
    assert complete(cli, "bash", "sanctrack show ev-ed") == ["ev-ed50c1d3506c"]
    assert values(complete(cli, "fish", "show", "rs-1")) == ["rs-17235e5ed9b0"]
    entities = values(complete(cli, "zsh", "show", "en-"))
    assert entities and all(e.startswith("en-") for e in entities)
    # edit and delete take events and responses; show also entities.
    assert not [v for v in values(complete(cli, "zsh", "edit", "e")) if v.startswith("en-")]
    assert values(complete(cli, "zsh", "add", "response", "--to", "ev-d")) == ["ev-de2b667efa31"]
    assert values(complete(cli, "zsh", "edit", "rs-1723", "--counter-event=ev-e")) == [
        "--counter-event=ev-ed50c1d3506c"
    ]


def test_jurisdictions_and_countries(cli, seeded):
    codes = values(complete(cli, "zsh", "search", "x", "--jurisdiction", ""))
    assert {"US", "GB", "EU", "UN"} <= set(codes)  # the store's, and the lists' senders
    assert complete(cli, "bash", "sanctrack export --jurisdiction g") == ["GB"]
    # bash splits --option=value at '=': the candidate is the value alone.
    assert complete(cli, "bash", "sanctrack export --jurisdiction=U") == ["UN", "US"]
    assert values(complete(cli, "fish", "export", "--jurisdiction=U")) == [
        "--jurisdiction=UN", "--jurisdiction=US"
    ]  # fmt: skip
    assert values(complete(cli, "zsh", "add", "response", "--country", "")) == ["CN", "GB", "US"]


def test_sources_and_snapshots(cli, seeded):
    assert values(complete(cli, "zsh", "fetch", "o")) == ["ofac-sdn", "ofac-cons", "opensanctions"]
    assert complete(cli, "zsh", "fetch", "u")[0] == "uk\tUK Sanctions List (FCDO)"
    assert values(complete(cli, "zsh", "import", "x.csv", "--source", "uk")) == ["uk", "uk-ofsi"]
    views = values(complete(cli, "zsh", "diff", "ofac-sdn/"))
    assert views == [
        "ofac-sdn/2024-04-04", "ofac-sdn/2024-04-12", "ofac-sdn/latest", "ofac-sdn/previous"
    ]  # fmt: skip
    assert "US" in values(complete(cli, "zsh", "diff", "ofac-sdn/latest", ""))
    # Not a view: a list file, which the shell completes itself.
    assert complete(cli, "zsh", "diff", "./lists/") == [":files"]


def test_files_and_vocabularies(cli):
    assert complete(cli, "bash", "sanctrack import ") == [":files"]
    assert complete(cli, "zsh", "--db", "") == [":files"]
    assert complete(cli, "zsh", "export", "-o", "") == [":files"]
    assert values(complete(cli, "zsh", "export", "--format", "")) == ["json", "jsonl", "csv", "ftm"]
    assert "ofac-xml" in values(complete(cli, "zsh", "import", "--format", ""))
    assert values(complete(cli, "zsh", "add", "response", "--stance", "c")) == ["condemns", "complies"]
    assert values(complete(cli, "zsh", "add", "event", "--target-kind", "gr")) == ["group"]
    assert values(complete(cli, "zsh", "search", "--type", "")) == ["event", "response", "entity", "listing"]
    assert "svg" in values(complete(cli, "zsh", "timeline", "--format", ""))
    assert complete(cli, "zsh", "search", "") == []  # free text: nothing to offer


def test_completion_reads_the_store_named_on_the_line(cli, seeded, tmp_path):
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")
    assert values(complete(cli, "zsh", "--db", str(other), "show", "ev-")) == []
    assert values(complete(cli, "zsh", "show", "--db", str(other), "ev-")) == []
    assert values(complete(cli, "zsh", "show", "ev-"))  # $SANCTRACK_DB: the seeded store


def test_completion_never_writes_or_fails(cli, db, tmp_path):
    assert complete(cli, "zsh", "show", "ev-") == []  # no store yet
    assert not db.exists()  # and none created
    cli("import", str(SEED))
    digest = store_digest(db)
    complete(cli, "zsh", "show", "ev-")
    assert store_digest(db) == digest
    not_a_store = tmp_path / "x.db"
    not_a_store.write_text("hello")
    assert complete(cli, "zsh", "--db", str(not_a_store), "show", "ev-") == []
    # Parsing the line runs eager callbacks; what they print never lands among the candidates.
    assert "show" in values(complete(cli, "zsh", "--version", ""))
    assert not [line for line in complete(cli, "zsh", "--version", "") if "0." in line]
    assert complete(cli, "tcsh", "sh") == []
    assert complete(cli, "bash", 'sanctrack search "unfinished quote') == []


# -- for real: processes and shells --------------------------------------------------------------


def test_entry_point_as_a_process(seeded):
    done = run_process("__complete", "bash", "--", "sanctrack show ev-ed")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"ev-ed50c1d3506c\n", b"")


def _shell_env() -> dict:
    assert shutil.which("sanctrack", path=BIN), f"no sanctrack console script in {BIN}"
    return dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))


BASH_DRIVER = r"""
eval "$(sanctrack completion bash)"
complete -p sanctrack
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_sanctrack_completion sanctrack "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


def bash_complete(line: str) -> list[str]:
    done = subprocess.run(
        ["bash", "-c", BASH_DRIVER, "bash", line], capture_output=True, env=_shell_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0].startswith("complete ") and lines[0].endswith(" sanctrack")
    return [line for line in lines[1:] if line]


@pytest.mark.slow
def test_bash_completes_for_real(seeded, tmp_path):
    assert bash_complete("sanctrack sh") == ["show"]
    assert bash_complete("sanctrack add event --ta") == [
        "--target", "--target-kind", "--target-country", "--tag"
    ]  # fmt: skip
    assert bash_complete("sanctrack show ev-ed") == ["ev-ed50c1d3506c"]
    assert bash_complete("sanctrack fetch o") == ["ofac-sdn", "ofac-cons", "opensanctions"]
    assert bash_complete("sanctrack diff ofac-sdn/l") == ["ofac-sdn/latest"]
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "sdn.csv").write_text("")
    assert bash_complete(f"sanctrack import {tmp_path}/lists/s") == [f"{tmp_path}/lists/sdn.csv"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed here")
def test_fish_completes_for_real(seeded):
    script = "sanctrack completion fish | source; " + "; ".join(
        f"complete -C '{line}'; echo ---"
        for line in ("sanctrack sh", "sanctrack show ev-ed", "sanctrack fetch o", "sanctrack add event --target-k")
    )
    done = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, env=_shell_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    blocks = [block.strip().splitlines() for block in done.stdout.decode().split("---")[:-1]]
    assert [values(b) for b in blocks] == [
        ["show"],
        ["ev-ed50c1d3506c"],
        ["ofac-cons", "ofac-sdn", "opensanctions"],  # fish sorts them
        ["--target-kind"],
    ]
    assert blocks[1] == ["ev-ed50c1d3506c\t2025-01-03 US designation: Integrity Technology Group"]


ZSH_DRIVER = r"""
compdef() { :; }
compadd() { print -rl -- "${values[@]}"; }
_files() { print -r -- ":files"; }
eval "$(sanctrack completion zsh)"
words=("${(@z)1}")
[[ "$1" == *" " ]] && words+=("")
CURRENT=${#words}
_sanctrack
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_script_hands_the_candidates_to_compadd(seeded):
    """zsh's completion system needs a terminal; its compadd and _files are stood in for."""

    def zsh_complete(line: str) -> list[str]:
        done = subprocess.run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", line], capture_output=True, env=_shell_env(), timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode().splitlines()

    assert zsh_complete("sanctrack sh") == ["show"]
    assert zsh_complete("sanctrack show ev-ed") == ["ev-ed50c1d3506c"]
    assert zsh_complete("sanctrack export --jurisdiction=G") == ["--jurisdiction=GB"]
    assert zsh_complete("sanctrack import ") == [":files"]


# -- every parameter, from the command tree ------------------------------------------------------

# Parameters whose values are free (names, words, dates, numbers, addresses): Tab offers nothing.
# Any other parameter that takes a value must declare its completion where it is defined.
FREE = {
    "date", "authority", "target", "alias", "program", "legal_basis", "reason", "summary", "tag", "actor", "speaker", "quote", "today", "query", "name", "as_of", "since", "until", "limit",
    "url", "timeout", "max_time", "max_size", "published", "max_shrink", "port", "host", "threshold", "column",
}


def _free(words: tuple[str, ...], param) -> bool:
    if param.name == "source":  # a source's address when recording, a list's name when importing
        return words[0] in ("add", "edit")
    return param.name in FREE


def _value_parameters():
    """(words before the parameter's value, the parameter) for each option and argument taking a
    value, in every command and the root, as the command tree holds them."""
    from typer.main import get_command

    from sanctrack.cli.app import app

    def walk(command, path):
        placeholders = []
        for param in command.params:
            if param.param_type_name == "argument":
                yield path + tuple(placeholders), param
                placeholders.append("US")  # a value for this argument, to reach the next one
            elif not param.is_flag and not param.hidden:
                yield path + (max(param.opts, key=len),), param
        if hasattr(command, "list_commands"):
            ctx = command.make_context("sanctrack", [], resilient_parsing=True)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if not sub.hidden:
                    yield from walk(sub, path + (name,))

    root = get_command(app)
    return list(walk(root, ()))


VALUE_PARAMETERS = _value_parameters()


@pytest.mark.parametrize(
    "words,param", VALUE_PARAMETERS, ids=[" ".join(w) + f" <{p.name}>" for w, p in VALUE_PARAMETERS]
)
def test_every_parameter_taking_a_known_set_completes_it(cli, seeded, words, param):
    lines = complete(cli, "zsh", *words, "")
    if _free(words, param):
        assert lines == [], (words, lines)
    else:
        assert lines, f"{' '.join(words)}: no completion declared for {param.name!r}"


def test_the_tree_holds_every_kind_of_parameter():
    """The walk above sees what it should: options, arguments, root options, nested commands."""
    seen = {(words, param.name) for words, param in VALUE_PARAMETERS}
    assert (("--db",), "db") in seen
    assert (("add", "event", "--target-kind"), "target_kind") in seen
    assert (("diff", "US"), "right") in seen
    assert (("completion",), "shell") in seen
    assert len(VALUE_PARAMETERS) > 80

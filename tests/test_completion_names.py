"""Completion of entity names for `timeline` and `check` (issue 17): by prefix of the name's key
(case, accents and punctuation aside), bounded, escaped for the shell that asked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import SEED


@pytest.fixture
def seeded(cli, db):
    cli("import", str(SEED))
    return db


def complete(cli, shell: str, *words: str) -> list[str]:
    return cli("__complete", shell, "--", *words).stdout.splitlines()


def values(lines: list[str]) -> list[str]:
    return [line.split("\t", 1)[0] for line in lines]


def test_check_completes_names_and_aliases_whatever_the_case(cli, seeded):
    expected = ["Integrity Technology Group", "Integrity Technology Group Incorporated"]
    for typed in ("Integ", "integ", "INTEGRITY tech", "integrity-technology"):
        assert values(complete(cli, "zsh", "check", typed)) == expected, typed
    lines = complete(cli, "fish", "check", "yong")
    assert values(lines) == ["Yongxin Zhicheng Technology Group"]
    entity = lines[0].split("\t")[1]
    assert entity.startswith("en-") and entity.endswith("(company)")
    # the same entity as `show` knows it
    assert cli.json("show", entity.split()[0])["id"] == entity.split()[0]
    assert complete(cli, "zsh", "check", "zzz") == []
    assert complete(cli, "zsh", "check", "") == []  # no prefix: no names read


def test_timeline_completes_names_beside_jurisdictions_and_ids(cli, seeded):
    assert "Integrity Technology Group" in values(complete(cli, "zsh", "timeline", "integ"))
    assert values(complete(cli, "zsh", "timeline", "en-0")) == ["en-014146a126cd"]
    # a lower-case code still completes as the code, names or not
    assert "GB" in values(complete(cli, "zsh", "timeline", "g"))
    # what Tab offers is a subject timeline reads
    name = values(complete(cli, "zsh", "timeline", "sichuan"))[0]
    items = cli.json("timeline", name)
    assert items and items[0]["type"] == "event"


def test_bash_gets_names_escaped_as_one_word(cli, seeded):
    assert complete(cli, "bash", "sanctrack check integrity tech") == []  # two words typed: not a name
    assert complete(cli, "bash", 'sanctrack check "integrity tech') == [
        "Integrity\\ Technology\\ Group", "Integrity\\ Technology\\ Group\\ Incorporated"
    ]  # fmt: skip
    cli("add", "event", "--date", "2025", "--authority", "X", "--jurisdiction", "US",
        "--target", "Test Trading (\"Alpha\") & Sons' $HOME")  # fmt: skip
    assert complete(cli, "bash", "sanctrack check test") == [
        "Test\\ Trading\\ \\(\\\"Alpha\\\"\\)\\ \\&\\ Sons\\'\\ \\$HOME"
    ]


def test_names_read_are_bounded(cli, seeded, monkeypatch):
    from sanctrack.cli import completion

    monkeypatch.setattr(completion, "NAME_LIMIT", 1)
    assert values(complete(cli, "zsh", "check", "integ")) == ["Integrity Technology Group"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed here")
def test_bash_inserts_the_escaped_name_as_one_argument(seeded):
    """What bash would insert, read back by bash as one word."""
    from test_completion import bash_complete

    (candidate,) = bash_complete('sanctrack check "yongxin')
    done = subprocess.run(["bash", "-c", f"printf '%s\\n' {candidate}"], capture_output=True, timeout=60)
    assert done.stdout.decode() == "Yongxin Zhicheng Technology Group\n"

"""The README follows itself (issue 17): its set-up command's tail and every console example of
the tour run as printed, in order, in one shell, in a folder holding a copy of `fixtures/`, and
print what the README shows.

The installed `sanctrack` stands in for the set-up's fresh `.venv` (the test's own environment:
`.venv/bin/activate` here puts it on the PATH). Expected output is compared line by line; a line
of the README that is only `…` stands for the rest of the output, and a line ending in `…` for
any line starting with what comes before it. Nothing else is normalised: ids are stable.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BIN = Path(sys.executable).parent
README = REPO / "README.md"


def setup_commands(text: str) -> list[str]:
    """What the README's first set-up command runs after installing, with `.venv/bin/` dropped."""
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    first = next(line for line in block.splitlines() if line.startswith("python3 -m venv"))
    parts = first.split(" && ")
    assert parts[:2] == ["python3 -m venv .venv", ".venv/bin/pip install -q ."], parts
    return [part.replace(".venv/bin/sanctrack", "sanctrack") for part in parts[2:]]


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every `$ ` line of the console blocks, in order; a
    command continues on the next line after a backslash."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            assert line.startswith("$ "), f"output before any command: {line!r}"
            command = [line[2:]]
            while command[-1].endswith("\\"):
                i += 1
                command.append(lines[i])
            i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            examples.append(("\n".join(command), output))
    return examples


def matches(expected: list[str], actual: list[str]) -> bool:
    for number, want in enumerate(expected):
        if want == "…":
            return True
        if number >= len(actual):
            return False
        got = actual[number]
        if want.endswith("…") and want != got:
            if not got.startswith(want[:-1]):
                return False
        elif want != got:
            return False
    return len(actual) == len(expected)


def test_the_readme_is_read_as_the_test_expects():
    text = README.read_text(encoding="utf-8")
    assert setup_commands(text) == [
        "sanctrack --db seed.db import fixtures/seed.json", "sanctrack --db seed.db show ev-ed50"
    ]  # fmt: skip
    examples = console_examples(text)
    assert len(examples) > 20
    assert matches(["a", "b…"], ["a", "bcd"]) and matches(["a", "…"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"]) and not matches(["a", "b"], ["a", "c"])
    # exactly two set-up commands, each in one line
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert len([line for line in block.splitlines() if line and not line.startswith("#")]) == 2


@pytest.mark.slow
def test_every_console_example_runs_as_printed(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "activate").write_text(f'PATH="{BIN}:$PATH"\n')
    for name in ("SANCTRACK_DB", "SANCTRACK_TODAY", "SANCTRACK_DEBUG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", HOME=str(tmp_path))
    for command in setup_commands(text):
        done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
    env["PATH"] = os.environ["PATH"]  # from here on, the tour's own `. .venv/bin/activate`
    examples = console_examples(text)
    # One shell for the whole tour (an `export` holds for the commands after it); each command's
    # stdout and stderr together, after a marker line.
    script = "".join(
        f"printf '\\n@@example {number}@@\\n'\n{{ {command}\n}} 2>&1\n"
        for number, (command, _output) in enumerate(examples)
    )
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, timeout=600)
    parts = re.split(r"\n@@example (\d+)@@\n", done.stdout.decode())
    outputs = {int(parts[i]): parts[i + 1].splitlines() for i in range(1, len(parts), 2)}
    assert sorted(outputs) == list(range(len(examples))), done.stderr.decode()
    for number, (command, expected) in enumerate(examples):
        actual = outputs[number]
        assert matches(expected, actual), f"$ {command}\nexpected:\n" + "\n".join(expected) + "\ngot:\n" + "\n".join(actual)

"""Every test gets its own store file in tmp_path, a fixed reference day and pinned terminal width."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from sanctrack.cli.app import app

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "fixtures" / "seed.json"
REFERENCE_DAY = "2025-01-08"  # a Wednesday


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SANCTRACK_DB", str(tmp_path / "store.db"))
    monkeypatch.setenv("SANCTRACK_TODAY", REFERENCE_DAY)
    monkeypatch.setenv("SANCTRACK_DEBUG", "1")
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store.db"


class Cli:
    """Runs sanctrack in-process, as a user would type it."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None, code: int | None = 0):
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code} != {code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def json(self, *args: str, input: str | None = None, code: int | None = None):
        """The command's --json output, parsed; exit 0 expected unless `code` says otherwise."""
        return json.loads(self(*args, "--json", input=input, code=code if code is not None else 0).stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def run_process(*args: str, input: bytes | None = None, env: dict | None = None):
    """sanctrack as a real process, for exit codes and the stdout/stderr boundary."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("SANCTRACK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "sanctrack", *args],
        input=input,
        capture_output=True,
        env=full_env,
        timeout=120,
    )


def start_process(*args: str, **popen_args) -> subprocess.Popen:
    """`run_process` left running (the caller waits for it): for signals, kills and readers
    beside a long write. `popen_args` go to subprocess.Popen (stdout, stderr, preexec_fn)."""
    env = dict(os.environ)
    env.pop("SANCTRACK_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "sanctrack", *args], env=env, **popen_args)


def write_events(path, count: int) -> None:
    """A JSONL file of `count` one-target events: the long imports of the process-level tests."""
    with open(path, "w") as f:
        for i in range(count):
            f.write(json.dumps({"type": "event", "date": "2024-05-01", "authority": "A",
                                "jurisdiction": "US", "targets": [{"name": f"Company {i}"}]}) + "\n")


def modules_loaded(*argv: str) -> set[str]:
    """The top-level modules a real `sanctrack ARGV` process has imported when it ends."""
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['sanctrack'] + {list(argv)!r}\n"
        "try:\n"
        "    runpy.run_module('sanctrack', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        "sys.stderr.write(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=60)
    return set(json.loads(result.stderr.decode().splitlines()[-1]))


@contextmanager
def http_server(handler) -> Iterator[str]:
    """A local HTTP server answering with `handler` (a request handler class) in a thread, for
    fetch tests (never the internet); yields its base address."""
    import http.server
    import threading

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def store_digest(path: Path) -> str:
    """A hash of the store's whole content, to prove a command wrote nothing."""
    if not path.exists():
        return "absent"
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


ARTICLE = (
    "https://www.securityweek.com/china-protests-us-sanctions-for-its-alleged-role-in-hacking-"
    "complains-of-foreign-hacker-attacks/"
)
OFAC_EVENT = [
    "add", "event", "--date", "2025-01-03",
    "--authority", "US Department of the Treasury, OFAC", "--jurisdiction", "US",
    "--target", "Integrity Technology Group, Incorporated",
    "--alias", "Yongxin Zhicheng Technology Group", "--target-kind", "company",
    "--target-country", "CN", "--source", ARTICLE,
]  # fmt: skip


def hostile_xml(attack: str, opening: str, closing: str) -> str:
    """An XML document whose DTD declares an attack, used between `opening` and `closing` (the
    tags a list format expects): "laughs", the billion laughs (ten to the ninth "lol"s from a
    kilobyte), or "xxe", an external entity reading /etc/passwd."""
    if attack == "laughs":
        entities = "".join(f'\n <!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
        dtd, reference = f'<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">{entities}\n]>', "&lol9;"
    else:
        assert attack == "xxe"
        dtd, reference = '<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
    return f'<?xml version="1.0"?>\n{dtd}\n{opening}{reference}{closing}\n'

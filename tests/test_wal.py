"""Issue 16: a damaged write-ahead log (`<store>-wal`) must not silently drop a commit.

A crash is simulated as it leaves the files: a reader holds a snapshot from before the write, so
neither the writing command nor its closing can move the commit out of the -wal; the store and its
-wal are then copied as they are on disk, and the copy is opened as a store after the crash.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct

import pytest

from conftest import SEED, run_process, store_digest

ADD = ["add", "event", "--date", "2024-05-01", "--authority", "Test authority", "--jurisdiction", "US",
       "--target", "Brand New Target Co"]


def _copy_after_crash(db, tmp_path, write):
    """(the store and its -wal as a crash leaves them right after `write()` committed, what
    `write()` returned): a reader holds a snapshot from before the write meanwhile."""
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()  # a snapshot from before the write
    try:
        written = write()
        crashed = tmp_path / "crashed.db"
        shutil.copyfile(db, crashed)
        shutil.copyfile(f"{db}-wal", f"{crashed}-wal")
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    return crashed, written


def _crashed_copy(cli, db, tmp_path):
    """(the store left by a crash right after `add` committed, the id of the event added)."""
    cli("import", str(SEED))
    return _copy_after_crash(db, tmp_path, lambda: cli.json(*ADD)["id"])


def _frames(wal) -> tuple[int, int]:
    """(page size, number of whole frames) of a -wal file."""
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    return page_size, (len(data) - 32) // (24 + page_size)


def _flip_frame(wal, frame: int, at: int = 100) -> None:
    """Flip a byte of the page stored in `frame` (1-based) of a -wal file."""
    page_size, _ = _frames(wal)
    data = bytearray(wal.read_bytes())
    data[32 + (frame - 1) * (24 + page_size) + 24 + at] ^= 0x01
    wal.write_bytes(bytes(data))


def _error(result) -> list[str]:
    return result.stderr.decode().splitlines()


def test_the_copy_of_a_crash_holds_the_commit_in_its_wal(cli, db, tmp_path):
    # The premise of the tests below: a whole -wal is read back with the commit in it.
    crashed, added = _crashed_copy(cli, db, tmp_path)
    assert _frames(tmp_path / "crashed.db-wal")[1] > 0
    shown = run_process("--db", str(crashed), "show", added, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == added


def test_a_flipped_byte_in_the_last_frame_of_the_wal_is_refused_not_a_silently_lost_commit(cli, db, tmp_path):
    # It used to answer from the store without the add: `show` said "no event has the id".
    crashed, added = _crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    _flip_frame(wal, _frames(wal)[1])
    before = (crashed.read_bytes(), wal.read_bytes())
    for argv in (["show", added], ["search", "Brand New Target"], ["check", "Brand New Target Co"],
                 ["export"], ADD):
        result = run_process("--db", str(crashed), *argv)
        lines = _error(result)
        assert result.returncode == 3, (argv, lines)
        assert len(lines) == 2 and lines[0].startswith("Error: the store ") and lines[1].startswith("Hint: ")
        assert "may be missing its last change" in lines[0] and "-wal" in lines[0]
        assert (crashed.read_bytes(), wal.read_bytes()) == before  # nothing written, evidence kept


def test_a_damaged_frame_followed_by_frames_that_still_chain_is_damage(cli, db, tmp_path):
    crashed, added = _crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    frames = _frames(wal)[1]
    assert frames > 1
    _flip_frame(wal, 1)
    result = run_process("--db", str(crashed), "show", added)
    lines = _error(result)
    assert result.returncode == 3 and len(lines) == 2, lines
    assert lines[0].endswith(
        f"is damaged: its write-ahead log ({crashed}-wal) holds 1 committed change that cannot be read"
        f" (frame 1 of {frames} fails its checksum); sanctrack will not use the store without them"
    ), lines[0]
    assert "backup" in lines[1]


def test_a_damaged_wal_header_is_damage(cli, db, tmp_path):
    crashed, added = _crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    data = bytearray(wal.read_bytes())
    data[12] ^= 0x01  # the checkpoint sequence number, covered by the header's checksum
    wal.write_bytes(bytes(data))
    result = run_process("--db", str(crashed), "show", added)
    assert result.returncode == 3 and "(its header fails its checksum)" in result.stderr.decode()


def test_a_write_torn_by_a_crash_is_rolled_back_and_the_store_goes_on(cli, db, tmp_path):
    # A crash in the middle of writing the last frame: that change never committed (its command
    # never finished), so the store is what it was before it, and is written to as usual.
    crashed, added = _crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    page_size, frames = _frames(wal)
    with wal.open("r+b") as f:
        f.truncate(32 + (frames - 1) * (24 + page_size) + 24 + page_size // 2)
    assert run_process("--db", str(crashed), "show", added).returncode == 2
    again = run_process("--db", str(crashed), *ADD, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["id"] == added


@pytest.mark.parametrize("long", [False, True], ids=["one-add", "long-import"])
def test_whole_frames_without_their_commit_are_an_unfinished_write(cli, db, tmp_path, long):
    # A write under way (or killed) leaves frames and no commit: nothing is lost, the store opens.
    crashed, added = (_long_crashed_copy if long else _crashed_copy)(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    page_size, frames = _frames(wal)
    with wal.open("r+b") as f:
        f.truncate(32 + (frames - 1) * (24 + page_size))  # every frame but the commit
    if long:
        _flip_frame(wal, frames // 2)  # damage among uncommitted frames loses nothing committed
    assert run_process("--db", str(crashed), "show", added).returncode == 2
    assert run_process("--db", str(crashed), "verify").stdout == b"ok\n"


def test_a_finished_write_lives_in_the_store_file_not_only_in_the_wal(cli, db, tmp_path):
    # Another process has the store open (not reading now): the add's commit is checkpointed into
    # the store file before the command ends, so no damage to the -wal can take it away.
    cli("import", str(SEED))
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("SELECT count(*) FROM events").fetchone()
    try:
        added = cli.json(*ADD)["id"]
        alone = tmp_path / "alone.db"
        shutil.copyfile(db, alone)  # the store file without its -wal
    finally:
        other.close()
    found = sqlite3.connect(alone).execute("SELECT id FROM events WHERE id = ?", (added,)).fetchall()
    assert found == [(added,)]


def test_a_wal_of_concurrent_readers_and_writers_is_not_called_damage(cli, db, tmp_path):
    # Frames of an older use of the -wal (other salts) after the current ones are normal.
    cli("import", str(SEED))
    reader = sqlite3.connect(db, isolation_level=None)
    for n in range(3):
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()
        cli("add", "event", "--date", "2024-05-01", "--authority", f"Authority {n}", "--jurisdiction",
            "US", "--target", f"Target {n}")
        reader.execute("ROLLBACK")
    try:
        digest = store_digest(db)
        assert cli("verify").stdout == "ok\n"
        assert store_digest(db) == digest
    finally:
        reader.close()


def test_verify_drop_unreadable_wal_goes_on_without_the_lost_change_and_keeps_the_log(cli, db, tmp_path):
    # After a power loss while sanctrack wrote, the user can choose to go on without that change.
    crashed, added = _crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    _flip_frame(wal, _frames(wal)[1])
    damaged = wal.read_bytes()
    refused = run_process("--db", str(crashed), "show", added)
    assert refused.returncode == 3 and "verify --drop-unreadable-wal" in refused.stderr.decode()
    dropped = run_process("--db", str(crashed), "verify", "--drop-unreadable-wal")
    assert dropped.returncode == 0 and dropped.stdout == b"ok\n", dropped.stderr
    assert "dropped the commits of" in dropped.stderr.decode()
    [kept] = tmp_path.glob("crashed.db-wal.unreadable-*")
    assert kept.read_bytes() == damaged
    assert run_process("--db", str(crashed), "show", added).returncode == 2  # that change is gone
    again = run_process("--db", str(crashed), *ADD, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["id"] == added
    # With nothing unreadable in the -wal, the option changes nothing.
    assert run_process("--db", str(crashed), "verify", "--drop-unreadable-wal").stderr == b""


# -- a long log: every frame up to the last commit is checked ---------------------------------------


def _long_crashed_copy(cli, db, tmp_path, events: int = 1500):
    """(a crashed copy whose -wal holds an import of `events` events, committed in its last
    frame, more than 256 frames long; the id of an event of that import)."""
    cli("import", str(SEED))
    big = tmp_path / "many.jsonl"
    big.write_text("".join(
        json.dumps({"type": "event", "date": "2024-05-01", "authority": "Test authority",
                    "jurisdiction": "US", "targets": [{"name": f"Many Company {i}"}]}) + "\n"
        for i in range(events)
    ))
    crashed, _ = _copy_after_crash(db, tmp_path, lambda: cli("import", str(big)))
    found = sqlite3.connect(db).execute(
        "SELECT event_id FROM targets WHERE name = 'Many Company 7'").fetchone()[0]
    return crashed, found


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_flipped_byte_anywhere_in_a_long_wal_is_refused(cli, db, tmp_path, where):
    # Of a -wal longer than 256 frames only the last 16 used to be checked: a byte flipped in
    # its first or a middle frame made SQLite drop the whole import silently.
    crashed, found = _long_crashed_copy(cli, db, tmp_path)
    wal = tmp_path / "crashed.db-wal"
    frames = _frames(wal)[1]
    assert frames > 256
    whole = tmp_path / "whole.db"  # the premise: a copy of the log as it is gives the import back
    shutil.copyfile(crashed, whole)
    shutil.copyfile(wal, f"{whole}-wal")
    shown = run_process("--db", str(whole), "show", found, "--format", "json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == found
    frame = {"first": 1, "middle": frames // 2, "last": frames}[where]
    _flip_frame(wal, frame)
    before = (crashed.read_bytes(), wal.read_bytes())
    for argv in (["show", found], ["search", "Many Company"], ADD):
        result = run_process("--db", str(crashed), *argv)
        lines = _error(result)
        assert result.returncode == 3 and len(lines) == 2, (argv, lines)
        if where == "last":  # the commit frame itself: damage or a torn commit, not told apart
            assert "may be missing its last change" in lines[0], lines[0]
        else:
            assert lines[0].endswith(
                f"holds 1 committed change that cannot be read (frame {frame} of {frames} fails its"
                " checksum); sanctrack will not use the store without them"
            ), lines[0]
        assert lines[1].startswith("Hint: restore the store and its -wal from a backup")
        assert (crashed.read_bytes(), wal.read_bytes()) == before


@pytest.mark.parametrize("page_size", [512, 4096, 65536])
@pytest.mark.parametrize("big_endian", [False, True])
def test_checksums_of_a_block_of_frames_are_sqlites_frame_by_frame(page_size, big_endian):
    import random

    from sanctrack.store.wal import FRAME_HEADER, checksum, frame_checksums

    rng = random.Random(page_size + big_endian)
    count = 37
    size = FRAME_HEADER + page_size
    block = bytes(rng.getrandbits(8) for _ in range(count * size))
    seeds = [(rng.getrandbits(32), rng.getrandbits(32)) for _ in range(count)]
    seeds[0] = (0xFFFFFFFF, 0xFFFFFFFF)
    expected = [checksum(block[i * size:i * size + 8] + block[i * size + FRAME_HEADER:(i + 1) * size],
                         *seeds[i], big_endian) for i in range(count)]
    assert frame_checksums(block, count, page_size, big_endian, seeds) == expected
    assert frame_checksums(block, 1, page_size, big_endian, seeds) == expected[:1]

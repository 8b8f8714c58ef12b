"""Does the store's write-ahead log (`<store>-wal`) hold a commit that SQLite will not read?

SQLite reads a WAL from its start and stops, silently, at the first frame whose salts or checksum
are wrong (sqlite.org/fileformat2.html#walformat): a crash that cut a write short is then rolled
back, as it should be, but so is every commit after a damaged byte. Read here, before a connection
exists (SQLite holds no lock on the -wal file itself), frame by frame as SQLite's recovery does:

- a frame cut off at the end of the file, whole frames after the last commit (a transaction that
  never committed: its command was killed or the machine stopped) and frames of an earlier use of
  the file (other salts) are what a crash or a normal restart leaves: nothing committed is lost;
- a frame that fails its checksum with a commit at or after it is a commit SQLite would drop. When
  the frames after it still chain from its stored checksum, the bytes of a whole, written frame
  changed afterwards: damage. When it is the last frame and itself a commit, the bytes cannot say
  whether the file was damaged or a power loss cut that commit's own write short (its command then
  never finished); either way the store would be read without it, so the store is refused and the
  message says both.

The cost is bounded: up to FULL_CHECK_FRAMES frames are all read; of a longer log (a large
import under way, or readers that kept it from being checkpointed) only the last TAIL_FRAMES,
each checked from its predecessor's stored checksum.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

WAL_HEADER = 32
FRAME_HEADER = 24
FULL_CHECK_FRAMES = 256  # ~1 MiB at 4 KiB pages, ~25 ms
TAIL_FRAMES = 16
_MASK = 0xFFFFFFFF


def checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum of `data` (a multiple of 8 bytes), continuing from (s0, s1)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    it = iter(words)
    for a, b in zip(it, it):  # the sums are masked once at the end (they only grow)
        s0 += a + s1
        s1 += b + s0
    return s0 & _MASK, s1 & _MASK


@dataclass
class Loss:
    """Commits in the -wal that SQLite will not read."""

    frame: int  # the first frame SQLite rejects (1-based; 0: the log's header)
    frames: int  # whole frames in the file
    commits: int  # commits at or after it
    proven: bool  # frames after it still chain: written whole, damaged since

    def describe(self, path) -> str:
        if self.proven:
            return (
                f"the store {path} is damaged: its write-ahead log ({path}-wal) holds"
                f" {self.commits} committed change{'s' if self.commits != 1 else ''} that cannot be read"
                + (f" (frame {self.frame} of {self.frames} fails its checksum)" if self.frame
                   else " (its header fails its checksum)")
                + "; sanctrack will not use"
                " the store without them"
            )
        return (
            f"the store {path} may be missing its last change: the last frame of its write-ahead log"
            f" ({path}-wal), a commit, fails its checksum (damage to the file, or a power loss that"
            " cut the commit short); sanctrack will not use the store without knowing"
        )


def lost_commits(wal_path) -> Loss | None:
    """The commits of `wal_path` that SQLite's recovery would drop, or None when there are none."""
    try:
        fd = os.open(wal_path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None  # no -wal (the usual case), or unreadable: SQLite will say so itself
    try:
        return _lost(fd)
    except _Shrunk:
        return None
    finally:
        os.close(fd)


class _Shrunk(Exception):
    pass


def _lost(fd: int) -> Loss | None:
    """lost_commits on the open -wal `fd`."""
    size = os.fstat(fd).st_size
    if size <= WAL_HEADER:
        return None
    header = os.pread(fd, WAL_HEADER, 0)
    if len(header) < WAL_HEADER:
        return None
    magic, version, page_size, _seq, _salt1, _salt2, c0, c1 = struct.unpack(">8I", header)
    if magic not in (0x377F0682, 0x377F0683) or page_size < 512 or page_size & (page_size - 1):
        return None  # not a WAL SQLite would read at all (page size is at most 65536)
    big = bool(magic & 1)
    frame_size = FRAME_HEADER + page_size
    frames = (size - WAL_HEADER) // frame_size  # a frame cut off at the end does not count

    def frame_at(number: int) -> tuple[bytes, bytes]:
        data = os.pread(fd, frame_size, WAL_HEADER + (number - 1) * frame_size)
        if len(data) < frame_size:
            raise _Shrunk  # another process's checkpoint emptied the log meanwhile
        return data[:FRAME_HEADER], data[FRAME_HEADER:]

    def ours(head: bytes) -> bool:
        return head[8:16] == header[16:24]

    def chains(head: bytes, page: bytes, seed: tuple[int, int]) -> bool:
        pgno = struct.unpack(">I", head[:4])[0]
        return pgno != 0 and checksum(head[:8] + page, *seed, big) == struct.unpack(">2I", head[16:24])

    def commit(head: bytes) -> bool:
        return struct.unpack(">I", head[4:8])[0] != 0

    def stored(head: bytes) -> tuple[int, int]:
        return struct.unpack(">2I", head[16:24])

    header_ok = version == 3007000 and checksum(header[:24], 0, 0, big) == (c0, c1)
    if not header_ok:
        # SQLite ignores the whole log: a loss if whole frames of it carry a commit.
        count = 0
        for number in range(1, min(frames, FULL_CHECK_FRAMES) + 1):
            head, page = frame_at(number)
            if not ours(head):
                break
            count += commit(head)
        return Loss(0, frames, count, proven=True) if count else None
    if frames <= FULL_CHECK_FRAMES:
        first, seed = 1, (c0, c1)
    else:
        first = frames - TAIL_FRAMES + 1
        seed = stored(frame_at(first - 1)[0])
    for number in range(first, frames + 1):
        head, page = frame_at(number)
        if ours(head) and chains(head, page, seed):
            seed = stored(head)
            continue
        if not ours(head) and not chains(head, page, seed):
            return None  # the end of this use of the file; older frames follow
        # Frame `number` is rejected: are there commits at or after it, and do later frames
        # still chain from its stored checksum?
        commits = commit(head)
        proven = not ours(head)  # the salts alone changed: the frame's bytes still chain
        seed = stored(head)
        for later in range(number + 1, frames + 1):
            head, page = frame_at(later)
            if not (ours(head) and chains(head, page, seed)):
                break
            proven = True
            commits += commit(head)
            seed = stored(head)
        if not commits:
            return None  # an uncommitted tail: a write cut short, never committed
        if not proven and number != frames:
            return None  # garbage after the rejected frame: a torn write, not one commit
        return Loss(number, frames, commits, proven)
    return None

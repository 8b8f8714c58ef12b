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

Every frame up to the last commit is checked (the checksums are cumulative: one bad frame anywhere
before the last commit loses that commit), streamed BLOCK_FRAMES at a time, so memory stays
bounded whatever the log's size. Two passes: the frame headers alone, to find the last commit of
this use of the log (cheap: a log being written by a long import has none, and is not checksummed),
then the checksums of the frames up to it, computed for a whole block of frames at once
(`frame_checksums`). The time is linear in the committed part of the log; sanctrack keeps that part
small (every write copies its commit into the store file), so a long one is what a crash or a
reader that kept SQLite from copying leaves, read once (figures in docs/EXIT_CODES.md).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

WAL_HEADER = 32
FRAME_HEADER = 24
BLOCK_FRAMES = 256  # frames read at once: ~1 MiB at 4 KiB pages
_MASK = 0xFFFFFFFF


def checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum of `data` (a multiple of 8 bytes), continuing from (s0, s1)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    it = iter(words)
    for a, b in zip(it, it):  # the sums are masked once at the end (they only grow)
        s0 += a + s1
        s1 += b + s0
    return s0 & _MASK, s1 & _MASK


def frame_checksums(block, count: int, page_size: int, big_endian: bool,
                    seeds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The checksum of each of the `count` whole frames at the start of `block`, frame i's
    continuing from seeds[i]: `checksum` of its first 8 header bytes and its page, computed for
    all the frames at once. Each pair of 32-bit words (a, b) that SQLite's running sums take in
    one step is, for every frame, one 64-bit slot of one Python integer, so a step is a handful
    of operations over all the frames; the sums are masked to 32 bits every 16 steps, before a
    slot could carry into the next (a slot stays below 2**57). About 7 times as fast as
    `checksum` frame by frame (docs/EXIT_CODES.md)."""
    per = (FRAME_HEADER + page_size) // 8  # pairs of words in a frame
    pairs = memoryview(block)[: count * per * 8].cast("Q")  # copied as bytes: any host byte order
    order = "big" if big_endian else "little"  # the log's byte order, in every slot alike
    number = int.from_bytes

    def slots(values) -> int:
        return number(b"".join(value.to_bytes(8, order) for value in values), order)

    mask = slots([_MASK] * count)
    s0, s1 = slots(s for s, _ in seeds[:count]), slots(s for _, s in seeds[:count])
    # The page number and the commit size, then the page (the salts and the stored checksum,
    # header bytes 8-23, are not summed).
    for step, k in enumerate((0, *range(FRAME_HEADER // 8, per)), 1):
        ab = number(pairs[k::per].tobytes(), order)  # a slot holds a and b, in the log's order
        a, b = (ab >> 32, ab) if big_endian else (ab, ab >> 32)
        s0 += (a & mask) + s1
        s1 += (b & mask) + s0
        if step % 16 == 0:
            s0 &= mask
            s1 &= mask
    unpack = f"{'>' if big_endian else '<'}{count}Q"
    first = struct.unpack(unpack, (s0 & mask).to_bytes(8 * count, order))
    second = struct.unpack(unpack, (s1 & mask).to_bytes(8 * count, order))
    return list(zip(first, second))


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


def lost_commits(wal_path, checked: dict | None = None) -> Loss | None:
    """The commits of `wal_path` that SQLite's recovery would drop, or None when there are none.

    `checked`, a dict kept between calls, remembers how far the log was found to chain, so that
    reading the same log again (while another process may be writing its last frame) checksums
    only the frames after that, as long as the log's header is the same."""
    try:
        fd = os.open(wal_path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None  # no -wal (the usual case), or unreadable: SQLite will say so itself
    try:
        return _lost(fd, {} if checked is None else checked)
    except _Shrunk:
        return None
    finally:
        os.close(fd)


class _Shrunk(Exception):
    pass


def _lost(fd: int, checked: dict) -> Loss | None:
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
    salts = header[16:24]

    def blocks(first: int, last: int):
        """(number of the first frame, bytes of whole frames) from frame `first` to `last`."""
        for start in range(first, last + 1, BLOCK_FRAMES):
            count = min(BLOCK_FRAMES, last + 1 - start)
            data = os.pread(fd, count * frame_size, WAL_HEADER + (start - 1) * frame_size)
            if len(data) < count * frame_size:
                raise _Shrunk  # another process's checkpoint emptied the log meanwhile
            yield start, data

    def heads(first: int, last: int):
        for start, data in blocks(first, last):
            for i in range(len(data) // frame_size):
                yield start + i, data[i * frame_size:i * frame_size + FRAME_HEADER]

    def commit(head: bytes) -> bool:
        return head[4:8] != b"\0\0\0\0"

    def stored(head: bytes) -> tuple[int, int]:
        return struct.unpack(">2I", head[16:24])

    def ours(head: bytes) -> bool:
        return head[8:16] == salts

    def chains(head: bytes, sum_: tuple[int, int]) -> bool:
        return head[:4] != b"\0\0\0\0" and sum_ == stored(head)

    # Pass 1, headers only: the last frame of this use of the log (our salts), its commits, and
    # the commits before the first frame of other salts (what a log whose header fails loses).
    last_ours = 0
    our_commits: list[int] = []
    any_commits: list[int] = []
    commits_before_foreign, foreign = 0, False
    for number, head in heads(1, frames):
        foreign = foreign or not ours(head)
        if ours(head):
            last_ours = number
        if commit(head):
            any_commits.append(number)
            if ours(head):
                our_commits.append(number)
            commits_before_foreign += not foreign

    header_ok = version == 3007000 and checksum(header[:24], 0, 0, big) == (c0, c1)
    if not header_ok:
        # SQLite ignores the whole log: a loss if whole frames of it carry a commit.
        return Loss(0, frames, commits_before_foreign, proven=True) if commits_before_foreign else None
    # The last commit: of our salts, or the frame after our last (its salts may be the damaged ones).
    last_commit = max([*our_commits, *(n for n in any_commits if n == last_ours + 1)], default=0)
    if not last_commit:
        return None  # nothing committed in this use of the log: nothing to lose

    # Pass 2: every frame up to the last commit checked against the stored checksum of the frame
    # before it, until SQLite would reject one.
    first, seed = 1, (c0, c1)
    if checked.get("header") == header:
        first, seed = checked["frame"] + 1, checked["seed"]  # read already and found to chain
    rejected = None
    for start, data in blocks(first, last_commit):
        count = len(data) // frame_size
        frame_heads = [data[i * frame_size:i * frame_size + FRAME_HEADER] for i in range(count)]
        sums = frame_checksums(data, count, page_size, big, [seed] + [stored(h) for h in frame_heads[:-1]])
        seed = stored(frame_heads[-1])
        for number, head, sum_ in zip(range(start, start + count), frame_heads, sums):
            if not (ours(head) and chains(head, sum_)):
                rejected = number, head, sum_
                break
            checked.update(header=header, frame=number, seed=stored(head))
        if rejected:
            break
    if rejected is None:
        return None  # every frame up to the last commit chains: SQLite reads every commit
    number, head, sum_ = rejected
    later = sum(n > number for n in our_commits)
    if later:
        # A commit of ours written after the rejected frame: the writer went on past it, so that
        # frame was written whole, and its bytes changed since.
        return Loss(number, frames, later + commit(head), proven=True)
    if not ours(head) and not chains(head, sum_):
        return None  # the end of this use of the file; older frames follow
    if not commit(head):
        return None  # an uncommitted tail: a write cut short, never committed
    # The rejected frame is the last commit: damaged since it was written if its bytes still
    # chain (only its salts changed) or the frame after it chains from its stored checksum.
    proven = not ours(head)
    if number < frames and not proven:
        after = next(blocks(number + 1, number + 1))[1]
        [after_sum] = frame_checksums(after, 1, page_size, big, [stored(head)])
        proven = ours(after) and chains(after, after_sum)
        if not proven:
            return None  # garbage after the rejected frame: a torn write, not one commit
    return Loss(number, frames, 1, proven)

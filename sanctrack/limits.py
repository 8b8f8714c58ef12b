"""Bounds on what one input may hold, so that a hostile or broken file (a 1 GB line, a huge JSON
document) is refused with one error line instead of exhausting memory."""

from __future__ import annotations

from typing import IO, Iterator

from .errors import BadDataError

# No record or list entry comes near this; a longer line is a broken or hostile file.
MAX_LINE_BYTES = 16 * 1024 * 1024
# A JSON array is parsed whole; larger data belongs in JSONL, which is streamed.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


def bounded_lines(stream: IO[bytes], name: str, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The raw lines of a binary stream, never reading more than `limit` bytes for one line."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise BadDataError(
                f"{name}: line {number} is longer than {limit // (1024 * 1024)} MiB",
                hint="this is not a file of records",
            )
        yield line


def read_bounded(stream: IO[bytes], name: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise BadDataError(
            f"{name}: a JSON document larger than {limit // (1024 * 1024)} MiB",
            hint="write large data as JSONL (one record per line), which is read as a stream",
        )
    return data

"""JSON and JSON lines: the one encoder configuration of sanctrack's output, and every report
(rows, record, check, timeline, diff) written as `json` and as `jsonl`.

One configuration: non-ASCII text kept as it is (`ensure_ascii=False`), keys in the order the
report gives, and every control, format or separator character written as `\\uXXXX` (`text.json_safe`:
JSON escapes only C0 itself, and DEL, C1 such as U+009B, U+202E or U+2028 would reach a terminal
raw); the values a parser reads are the same. Three layouts of it, each fixed by what scripts
already read: a DOCUMENT indented by two spaces (`show --json`, `check --json`, `diff --json`); an
ITEM on one line with a space after `,` and `:` (listings and records, in arrays and lines); a
COMPACT line without spaces (timeline items, which the store writes itself with SQLite's
json_object in that layout, and diff lines).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Iterable, TextIO

from .text import json_safe

if TYPE_CHECKING:
    from .diff import DiffReport
    from .formats import Output
    from .reports import Rows

_OPTIONS = {"ensure_ascii": False, "check_circular": False}


def _safe(encode: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: json_safe(encode(value))


document: Callable[[Any], str] = _safe(json.JSONEncoder(indent=2, **_OPTIONS).encode)
line: Callable[[Any], str] = _safe(json.JSONEncoder(**_OPTIONS).encode)
compact: Callable[[Any], str] = _safe(json.JSONEncoder(separators=(",", ":"), **_OPTIONS).encode)


def write_document(value: Any, stream: TextIO, large: bool = False) -> None:
    """`document(value)` and a newline. `large` for documents of megabytes (a diff of two
    jurisdictions: 12 MB): orjson writes the same text, byte for byte, in 20 ms where the standard
    library's indented encoder, which runs in pure Python, takes 0.9 s. Not for small documents:
    its import costs ~10 ms."""
    if not large:
        stream.write(document(value) + "\n")
        return
    import orjson

    data = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and _writes_utf8_as_is(stream) and not _maybe_raw(data):
        # Nothing to escape and the stream would write these very bytes: straight to its buffer,
        # without decoding 15 MB, searching it and encoding it again (0.14 s of 0.2 s).
        stream.flush()
        buffer.write(data)
        return
    stream.write(json_safe(data.decode()))


# The first byte of the UTF-8 sequence of every character `text.json_safe` escapes but the C0
# controls (which orjson escapes itself, as JSON requires) and U+0080-U+009F, U+00AD (\xc2 and a
# second byte); tests/test_diff.py checks every character. One search of each (memchr, in C) costs
# 1-2 ms over 15 MB, where a regular expression of them took 0.19 s.
_LEAD_BYTES = tuple(bytes([b]) for b in (0x7F, 0xD8, 0xDB, 0xDC, 0xE0, 0xE1, 0xE2, 0xEF, 0xF0, 0xF3))


def _maybe_raw(data: bytes) -> bool:
    """Whether orjson's `data` may hold a character `json_safe` escapes (False: it holds none)."""
    if any(lead in data for lead in _LEAD_BYTES):
        return True
    at = data.find(b"\xc2")
    while at != -1:
        if 0x80 <= data[at + 1] <= 0x9F or data[at + 1] == 0xAD:
            return True
        at = data.find(b"\xc2", at + 2)
    return False


def _writes_utf8_as_is(stream: TextIO) -> bool:
    """Whether text written to `stream` reaches its buffer as its UTF-8 bytes: encoded in UTF-8,
    and newlines not translated (they are not where the line separator is a newline, and
    sanctrack's own files are opened with newline="")."""
    import codecs
    import os

    encoding = getattr(stream, "encoding", None)
    try:
        utf8 = encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
    return utf8 and os.linesep == "\n"


def write_array(items: Iterable[Any], stream: TextIO, encode: Callable[[Any], str] = line) -> None:
    """A JSON array, one item a line, written as the items come, so a large listing never sits
    whole in memory. Items given as `str` are JSON text already (only made `json_safe`)."""
    opening = "[\n  "
    for item in items:
        stream.write(opening + (json_safe(item) if isinstance(item, str) else encode(item)))
        opening = ",\n  "
    stream.write("[]\n" if opening == "[\n  " else "\n]\n")


def write_lines(items: Iterable[Any], stream: TextIO, encode: Callable[[Any], str] = line) -> None:
    """One JSON document a line (JSON lines); `str` items are JSON text already (made safe)."""
    for item in items:
        stream.write((json_safe(item) if isinstance(item, str) else encode(item)) + "\n")


def write_compact_lines_fast(items: Iterable[Any], stream: TextIO) -> None:
    """`write_lines(items, stream, compact)`'s text for hundreds of thousands of items, by orjson
    (see `write_document`)."""
    import orjson

    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    stream.write(json_safe(b"".join(dumps(item, option=option) for item in items).decode()))


# -- the reports --------------------------------------------------------------------------------


def rows_as_json(rows: Rows, out: Output) -> None:
    write_array(rows.items, out.stream)


def rows_as_jsonl(rows: Rows, out: Output) -> None:
    write_lines(rows.items, out.stream)


def record_as_json(record: dict, out: Output) -> None:
    write_document(record, out.stream)


def record_as_jsonl(record: dict, out: Output) -> None:
    write_lines([record], out.stream)


check_as_json = record_as_json
check_as_jsonl = record_as_jsonl


def check_batch_as_jsonl(results, out: Output) -> None:
    """`check --file`: one JSON object a line, written as each name is screened."""
    for result in results:
        write_lines([result], out.stream)


def timeline_as_json(timeline, out: Output) -> None:
    """An array in date order, one item a line, written as the items come; items the store has
    encoded already (see `timeline.build_timeline`) are written as they are."""
    write_array(timeline.items, out.stream, compact)


def timeline_as_jsonl(timeline, out: Output) -> None:
    write_lines(timeline.items, out.stream, compact)


def diff_as_json(report: DiffReport, out: Output) -> None:
    """Every part (or the one asked for) with the two views and the summary."""
    write_document(report.shown(), out.stream, large=True)


def diff_as_jsonl(report: DiffReport, out: Output) -> None:
    """One item a line, with its part: the parts the text formats show."""
    from .diff import summary_line

    write_compact_lines_fast(report.lines(), out.stream)
    summary_line(report, on_stdout=False)


def diff_stat_as_json(report: DiffReport, out: Output) -> None:
    write_document(report.stat(), out.stream)


def diff_stat_as_jsonl(report: DiffReport, out: Output) -> None:
    """--stat: a line per part with its count; the lag sentence on stderr."""
    from .diff import stat_rows, summary_line

    write_lines(stat_rows(report), out.stream)
    summary_line(report, on_stdout=False)

"""sanctrack's own record format (docs/FORMAT.md) as JSON, JSONL and CSV: reading and writing.

Readers stream: they yield (location, values) pairs, location naming the line or record for error
messages, so a file of any size is read once and never held whole (except a JSON array, which is
one document by nature: JSONL is the format for large data).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import BadDataError, UsageError
from .limits import bounded_lines, read_bounded
from .records import EVENT_FIELDS, RESPONSE_FIELDS

OWN_FORMATS = ("json", "jsonl", "csv")
EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
CSV_COLUMNS = ["type"] + list(dict.fromkeys(EVENT_FIELDS + RESPONSE_FIELDS))
CSV_JSON_COLUMNS = {"targets", "sources", "tags"}
# A JSON document nested deeper than this is refused before the parser can recurse into it.
MAX_JSON_DEPTH = 64


def open_input(name: str) -> tuple[str, IO[bytes]]:
    """(display name, binary stream) for a path or `-` (stdin)."""
    if name == "-":
        return "<stdin>", sys.stdin.buffer
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{name} is a folder, not a file of records")
    try:
        return name, open(path, "rb")
    except FileNotFoundError:
        raise UsageError(f"no such file: {name}") from None
    except OSError as err:
        raise UsageError(f"cannot read {name}: {err.strerror}") from None


def detect_format(name: str, head: bytes) -> str:
    """The own format of a file, by its extension, else by its first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith(b"type,") or text.startswith(b'"type",'):
        return "csv"
    raise UsageError(
        f"cannot tell the format of {name}", hint=f"give --format ({', '.join(OWN_FORMATS)})"
    )


def _lines(name: str, stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for number, raw in enumerate(bounded_lines(stream, name), start=1):
        try:
            yield number, decoder.decode(raw)
        except UnicodeDecodeError:
            raise BadDataError(f"{name}: line {number}: not UTF-8 text") from None


def _check_depth(text: str, where: str) -> None:
    depth = deepest = 0
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                raise BadDataError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def _loads(text: str, where: str):
    _check_depth(text, where)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise BadDataError(f"{where}: broken JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise BadDataError(f"{where}: JSON nested too deeply") from None
    except ValueError as err:  # a number of more than 4,300 digits (Python's limit)
        raise BadDataError(f"{where}: a number in the JSON is too long ({err})".split(";")[0] + ")") from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _check_text(value, where)
    return value


# A \uD800-\uDFFF escape: JSON allows it, but alone (not one of a pair) it is no character at all.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _check_text(value, where: str) -> None:
    """Refuse a string holding a lone surrogate (`"\\ud800"`), which no UTF-8 text can hold."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise BadDataError(
                f"{where}: a string holds {value[err.start]!r}, half of a UTF-16 surrogate pair,"
                " which is not a character"
            ) from None
    elif isinstance(value, list):
        for item in value:
            _check_text(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            _check_text(item, where)


def read_jsonl(name: str, stream: IO[bytes]) -> Iterator[tuple[str, dict]]:
    for number, line in _lines(name, stream):
        if line.strip():
            yield f"line {number}", _loads(line, f"{name}: line {number}")


def read_json(name: str, stream: IO[bytes]) -> Iterator[tuple[str, dict]]:
    data = read_bounded(stream, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BadDataError(f"{name}: line {line}: not UTF-8 text") from None
    document = _loads(text, name)
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise BadDataError(f"{name}: expected an array of records")
    for number, values in enumerate(document, start=1):
        yield f"record {number}", values


def read_csv(name: str, stream: IO[bytes]) -> Iterator[tuple[str, dict]]:
    """Records of sanctrack's CSV: text cells escaped as every CSV of sanctrack's is
    (`render.csv.escape_cell`, undone here), list fields as JSON."""
    from .render.csv import unescape_cell

    # csv reads decoded lines: each bounded in length before it is decoded.
    text = (line.decode("utf-8-sig") if n == 1 else line.decode("utf-8")
            for n, line in enumerate(bounded_lines(stream, name), start=1))
    reader = csv.DictReader(text)
    try:
        for values in reader:
            where = f"line {reader.line_num}"
            record = {}
            for column, cell in values.items():
                if column is None:
                    raise BadDataError(f"{name}: {where}: more cells than columns")
                if cell in (None, ""):
                    continue
                if column in CSV_JSON_COLUMNS:
                    cell = _loads(cell, f"{name}: {where}: {column}")
                else:
                    cell = unescape_cell(cell)
                record[column] = cell
            if record:
                yield where, record
    except UnicodeDecodeError:
        raise BadDataError(f"{name}: line {reader.line_num + 1}: not UTF-8 text") from None
    except csv.Error as err:
        raise BadDataError(f"{name}: line {reader.line_num}: {err}") from None


READERS = {"json": read_json, "jsonl": read_jsonl, "csv": read_csv}


def read_records(name: str, fmt: str | None) -> tuple[str, Iterator[tuple[str, dict]]]:
    """(display name, records) of one input; the format detected unless `fmt` forces it."""
    display, stream = open_input(name)
    if fmt is None:
        head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
        fmt = detect_format(name, head)

    def records() -> Iterator[tuple[str, dict]]:
        try:
            yield from READERS[fmt](display, stream)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    return display, records()


# -- writing --------------------------------------------------------------------------------------


def write_records(records: Iterable[dict], fmt: str, stream: IO[str]) -> int:
    """Write records in one of the own formats; returns how many were written."""
    from .render.json import line, write_array, write_lines

    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    if fmt == "json":
        write_array(counted(), stream)
    elif fmt == "jsonl":
        write_lines(counted(), stream)
    elif fmt == "csv":
        # Cells as every CSV of sanctrack's (render.csv.escape_cell); list fields as JSON text,
        # whose control characters `line` writes as \uXXXX (and which never starts a formula).
        from .render.csv import escape_cell

        writer = csv.DictWriter(stream, CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for record in counted():
            writer.writerow(
                {
                    key: line(value) if key in CSV_JSON_COLUMNS
                    else value if value is None else escape_cell(str(value))
                    for key, value in record.items()
                }
            )
    else:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(OWN_FORMATS)}")
    return count

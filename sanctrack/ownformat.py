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
    """The records of a JSONL file, each line read as `_loads` reads it. A line without
    brackets enough to be nested too deep and without a \\u escape (the two checks `_loads` adds
    to the parser) is parsed at once; the others, and any line the parser refuses (a blank line
    too), go through `_loads`, which words the error."""
    decode_line = codecs.getincrementaldecoder("utf-8-sig")().decode
    # json.loads's own scanner: a line that starts with its value and ends with it (but for its
    # line break) is read as json.loads reads it; any other goes through `_loads`.
    scan = json.JSONDecoder().scan_once
    for number, raw in enumerate(bounded_lines(stream, name), start=1):
        try:
            line = decode_line(raw)
        except UnicodeDecodeError:
            raise BadDataError(f"{name}: line {number}: not UTF-8 text") from None
        if line.count("[") + line.count("{") <= MAX_JSON_DEPTH and "\\u" not in line:
            try:
                value, end = scan(line, 0)
            except (StopIteration, ValueError):
                pass
            else:
                if end == len(line) or line[end:] in ("\n", "\r\n"):
                    yield f"line {number}", value
                    continue
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
        columns = [c.strip() for c in reader.fieldnames or []]
        reader.fieldnames = columns
        flat = is_flat_header(columns)
        if flat and CSV_JSON_COLUMNS & set(columns) - set(FLAT_LIST_COLUMNS):
            raise BadDataError(f"{name}: line 1: the columns mix targets (JSON) with target (one row per target)",
                               hint="use one or the other (docs/FORMAT.md)")  # fmt: skip

        def rows() -> Iterator[tuple[int, dict]]:
            for values in reader:
                where = f"line {reader.line_num}"
                record = {}
                for column, cell in values.items():
                    if column is None:
                        raise BadDataError(f"{name}: {where}: more cells than columns")
                    if cell in (None, ""):
                        continue
                    if column in CSV_JSON_COLUMNS and not flat:
                        try:
                            cell = _loads(cell, f"{name}: {where}: {column}")
                        except BadDataError as err:
                            shape = TARGETS_SHAPE if column == "targets" else f'{column} holds a JSON list such as ["…", "…"]'
                            raise BadDataError(err.message, hint=shape) from None
                    else:
                        cell = unescape_cell(cell.strip() if flat else cell)
                    record[column] = cell
                if record:
                    yield reader.line_num, record

        if flat:
            yield from read_flat_csv(name, reader, rows())
        else:
            for line, record in rows():
                yield f"line {line}", record
    except UnicodeDecodeError:
        raise BadDataError(f"{name}: line {reader.line_num + 1}: not UTF-8 text") from None
    except csv.Error as err:
        raise BadDataError(f"{name}: line {reader.line_num}: {err}") from None


# -- the flat CSV: one row per target, responses naming their event by what is known of it ------

# Columns of the flat CSV besides the record fields (docs/FORMAT.md, "Flat CSV").
FLAT_TARGET_COLUMNS = {"target": "name", "alias": "aliases", "aliases": "aliases",
                       "target_kind": "kind", "target_country": "country"}  # fmt: skip
FLAT_LIST_COLUMNS = {"source": "sources", "sources": "sources", "tag": "tags", "tags": "tags"}
FLAT_EVENT_LINK = ("event", "event_date", "event_authority", "event_target")
FLAT_MARKS = set(FLAT_TARGET_COLUMNS) | set(FLAT_EVENT_LINK)
EVENT_ROW_FIELDS = tuple(f for f in EVENT_FIELDS if f not in ("targets", "sources", "tags"))
RESPONSE_ROW_FIELDS = tuple(f for f in RESPONSE_FIELDS if f not in ("sources", "tags"))
TARGETS_SHAPE = (
    'the targets cell holds a JSON list such as [{"name": "…", "aliases": ["…"], "kind": "company",'
    ' "country": "CN"}]; or write one row per target with the columns target, alias, target_kind,'
    " target_country (docs/FORMAT.md, Flat CSV)"
)


def is_flat_header(columns: list[str]) -> bool:
    """A flat CSV names a target or an event in its own columns instead of JSON in `targets`."""
    return bool(FLAT_MARKS & set(columns))


def _split(column: str, cell: str) -> list[str]:
    """Several values in one cell: aliases and tags separated by `;`, sources (URLs, which hold no
    space) by spaces or `; `."""
    pattern = r"\s*;\s+|\s+" if FLAT_LIST_COLUMNS.get(column) == "sources" else r"\s*;\s*"
    return [part for part in re.split(pattern, cell.strip()) if part]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


class _FlatEvent:
    """The rows of one event of a flat CSV, gathered: its fields (each given once, or repeated
    alike), its targets in row order, its sources and tags (the union of its rows')."""

    def __init__(self, line: int):
        self.lines = [line]
        self.fields: dict[str, tuple[str, int]] = {}  # field -> (value, line it came from)
        self.targets: list[dict] = []
        self.lists: dict[str, list[str]] = {"sources": [], "tags": []}

    def add(self, where: str, line: int, cells: dict[str, str]) -> None:
        if line not in self.lines:
            self.lines.append(line)
        target: dict = {"aliases": []}
        for column, cell in cells.items():
            if column in FLAT_TARGET_COLUMNS:
                field = FLAT_TARGET_COLUMNS[column]
                if field == "aliases":
                    target["aliases"] += _split(column, cell)
                else:
                    target[field] = cell
            elif column in FLAT_LIST_COLUMNS:
                values = self.lists[FLAT_LIST_COLUMNS[column]]
                values += [v for v in _split(column, cell) if v not in values]
            elif column in self.fields and _fold(self.fields[column][0]) != _fold(cell):
                value, first = self.fields[column]
                raise BadDataError(
                    f"{where}: {column} {cell!r} differs from {value!r} on line {first}, in the same event",
                    hint="the rows of one event repeat its fields alike or leave them empty",
                )
            else:
                self.fields.setdefault(column, (cell, line))
        if "name" not in target:
            raise BadDataError(f"{where}: an event row needs a target", hint="fill the target column")
        for known in self.targets:  # the same target again: more aliases for it
            if _fold(known["name"]) == _fold(target["name"]):
                known["aliases"] += [a for a in target["aliases"] if a not in known["aliases"]]
                for field in ("kind", "country"):
                    if field in target and known.get(field, target[field]) != target[field]:
                        raise BadDataError(f"{where}: target_{field} of {target['name']!r} differs from an earlier row")
                    known.setdefault(field, target.get(field))
                return
        self.targets.append(target)

    def location(self) -> str:
        lines = self.lines
        return f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"

    def values(self) -> dict:
        return ({"type": "event"} | {f: v for f, (v, _) in self.fields.items()}
                | {"targets": self.targets} | self.lists)  # fmt: skip


def read_flat_csv(name: str, reader: "csv.DictReader", rows: Iterator[tuple[int, dict]]) -> Iterator[tuple[str, dict]]:
    """Records of a flat CSV (docs/FORMAT.md): rows of one event grouped by the `event` key, else
    by date, authority and action; then the responses, each naming its event by `event_id`, by
    the `event` key of the file's rows, or by `event_date`, `event_authority` (and
    `event_target`). The whole file is read before the first record comes out."""
    from .core import EventReference
    from .dates import PartialDate
    from .records import InvalidRecord, clean_event

    events: dict[tuple, _FlatEvent] = {}
    responses: list[tuple[str, dict, dict]] = []
    for line, cells in rows:
        where = f"{name}: line {line}"
        kind = (cells.pop("type", None) or ("response" if "actor" in cells else "event")).lower()
        if kind == "event":
            wrong = [c for c in cells if c not in EVENT_ROW_FIELDS and c not in FLAT_TARGET_COLUMNS
                     and c not in FLAT_LIST_COLUMNS and c != "event"]  # fmt: skip
            if wrong:
                raise BadDataError(f"{where}: column {wrong[0]} does not apply to an event row")
            key = cells.pop("event", None)
            group = ("key", key) if key else (
                "auto", cells.get("date", ""), _fold(cells.get("authority", "")),
                _fold(cells.get("action", "designation")),
            )  # fmt: skip
            events.setdefault(group, _FlatEvent(line)).add(where, line, cells)
        elif kind == "response":
            wrong = [c for c in cells if c not in RESPONSE_ROW_FIELDS and c not in FLAT_LIST_COLUMNS
                     and c not in FLAT_EVENT_LINK]  # fmt: skip
            if wrong:
                raise BadDataError(f"{where}: column {wrong[0]} does not apply to a response row")
            link = {c: cells.pop(c) for c in FLAT_EVENT_LINK if c in cells}
            values: dict = {"type": "response", "sources": [], "tags": []}
            for column, cell in cells.items():
                if column in FLAT_LIST_COLUMNS:
                    values[FLAT_LIST_COLUMNS[column]] += _split(column, cell)
                else:
                    values[column] = cell
            responses.append((f"line {line}", values, link))
        else:
            raise BadDataError(f"{name}: line {line}: unknown record type {kind!r}", hint="event or response")
    ids: dict[str, str] = {}
    for group, event in events.items():
        values = event.values()
        if group[0] == "key":
            try:
                ids[group[1]] = clean_event(values, PartialDate.from_iso)["id"]
            except InvalidRecord as err:
                raise BadDataError(f"{name}: {event.location()}: {err.message}", hint=err.hint) from None
        yield event.location(), values
    for location, values, link in responses:
        where = f"{name}: {location}"
        if "event_id" in values:
            pass
        elif "event" in link:
            key = link["event"]
            if key in ids:
                values["event_id"] = ids[key]
            elif key.startswith("ev-"):
                values["event_id"] = key
            else:
                raise BadDataError(f"{where}: event {key!r} is the key of no event row of this file",
                                   hint="an event row's event column names its key; or give an event id")  # fmt: skip
        elif "event_date" in link or "event_authority" in link:
            if "event_date" not in link or "event_authority" not in link:
                raise BadDataError(f"{where}: a response names its event by event_date and event_authority together")
            try:
                date = PartialDate.from_iso(link["event_date"]).iso
            except UsageError as err:
                raise BadDataError(f"{where}: event_date: {err.message}", hint=err.hint) from None
            values["event_id"] = EventReference(date, link["event_authority"], link.get("event_target"))
        else:
            raise BadDataError(
                f"{where}: a response row needs its event",
                hint="give event_id, the event column (an event row's key), or event_date and event_authority (and event_target)",
            )
        yield location, values


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

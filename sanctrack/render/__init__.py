"""Every output format of sanctrack, in one place: data in, text out.

Text that came from data is never read as Rich markup or a terminal escape: on a terminal and in
plain output each control or format character (Unicode Cc/Cf: ESC, C1 bytes, bidi overrides…) is
shown as a visible escape; JSON keeps it verbatim; CSV quotes it. Rich is imported only when a
table is drawn on a terminal, so a piped or JSON run never pays for it.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Sequence, TextIO

from ..errors import UsageError

LISTING_FORMATS = ("table", "plain", "json", "jsonl", "csv", "tsv")
RECORD_FORMATS = ("table", "plain", "json", "jsonl")

_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf")


def visible(text: Any, keep_newlines: bool = False) -> str:
    """`text` with every control and format character shown as an escape such as `\\x1b`."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(
        char if (keep_newlines and char == "\n") or not _is_invisible(char) else _escape_char(char)
        for char in text
    )


@dataclass
class Output:
    """Where and how to write: the resolved format and whether colour is allowed."""

    format: str
    color: bool
    stream: TextIO


def use_color(no_color_flag: bool) -> bool:
    """--no-color, then NO_COLOR, then FORCE_COLOR, then TERM=dumb, then whether stdout is a
    terminal (the conventions of no-color.org and force-color.org)."""
    if no_color_flag or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def choose_format(
    fmt: str | None, as_json: bool, allowed: Sequence[str] = LISTING_FORMATS
) -> str:
    """The format asked for; by default a table on a terminal and plain lines when piped."""
    if as_json:
        if fmt not in (None, "json"):
            raise UsageError(f"--json and --format {fmt} contradict each other")
        return "json"
    if fmt is None:
        return "table" if sys.stdout.isatty() else "plain"
    fmt = fmt.lower()
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(allowed)}")
    return fmt


def output(fmt: str | None, as_json: bool, no_color: bool, allowed=LISTING_FORMATS) -> Output:
    return Output(choose_format(fmt, as_json, allowed), use_color(no_color), sys.stdout)


def _console(out: Output, stderr: bool = False):
    from rich.console import Console

    return Console(
        file=sys.stderr if stderr else out.stream,
        highlight=False,
        markup=False,
        emoji=False,
        no_color=not out.color,
        color_system="auto" if out.color else None,
        soft_wrap=False,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def write_large_json(value: Any, stream: TextIO) -> None:
    """`dump_json`'s text, byte for byte, for documents of megabytes (a diff of two
    jurisdictions: 12 MB): orjson writes it in 20 ms where `json.dumps(indent=2)`, which runs in
    pure Python, takes 0.9 s. Not used for small documents: its import costs ~10 ms."""
    import orjson

    # Through the text stream (not its buffer): newline translation and encoding stay its own.
    stream.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode())


def large_json_lines(values: Iterable[Any], stream: TextIO) -> None:
    """One compact JSON document a line, for many values (orjson; see `write_large_json`)."""
    import orjson

    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    stream.write(b"".join(dumps(value, option=option) for value in values).decode())


# -- listings: rows with the same columns ---------------------------------------------------------


def emit_rows(rows: Iterable[dict], columns: Sequence[str], out: Output, title: str | None = None):
    """Write rows of dicts in the chosen format, streaming where the format allows."""
    stream = out.stream
    if out.format == "json":
        write_json_array(rows, stream)
        return
    if out.format == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if out.format in ("csv", "tsv"):
        import csv

        writer = csv.writer(stream, dialect="excel" if out.format == "csv" else "excel-tab",
                            lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            # Control characters shown as escapes here too: a listing's CSV is read in terminals
            # and spreadsheets (`export` keeps records verbatim, as JSON does).
            writer.writerow([visible(_cell(row.get(c))) for c in columns])
        return
    if out.format == "plain":
        for row in rows:
            stream.write("\t".join(visible(_cell(row.get(c))) for c in columns) + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_edge=False, header_style="bold" if out.color else None)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(Text(visible(_cell(row.get(c)), keep_newlines=True)) for c in columns))
    _console(out).print(table)


def write_json_array(items: Iterable[Any], stream: TextIO) -> None:
    """A JSON array written item by item, so a large listing never sits whole in memory."""
    empty = True
    for item in items:
        stream.write(("[\n  " if empty else ",\n  ") + json.dumps(item, ensure_ascii=False))
        empty = False
    stream.write("[]\n" if empty else "\n]\n")


# -- one record, nested ---------------------------------------------------------------------------


def emit_record(record: dict, out: Output) -> None:
    """Write one record (event, response or entity) whole."""
    if out.format == "json":
        out.stream.write(dump_json(record) + "\n")
    elif out.format == "jsonl":
        out.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif out.format == "plain":
        for line in record_as_plain(record):
            out.stream.write(line + "\n")
    else:
        record_as_table(record, out)


_PLAIN_SKIP = {"type", "targets", "responses", "event", "events", "names", "counter_events", "listings"}


def _field_lines(record: dict, prefix: str = "") -> list[str]:
    return [
        f"{prefix}{key}\t{visible(_cell(value))}"
        for key, value in record.items()
        if key not in _PLAIN_SKIP and value not in (None, [], "")
    ]


def record_as_plain(record: dict) -> list[str]:
    """`key<TAB>value` lines; nested targets and responses as tab-separated lines of their own."""
    lines = [f"type\t{record['type']}"] + _field_lines(record)
    for target in record.get("targets", []):
        lines.append(
            "target\t" + "\t".join(visible(_cell(target.get(k))) for k in ("name", "kind", "country", "entity_id", "aliases"))
        )
    for name in record.get("names", []):
        lines.append(f"known_as\t{visible(name)}")
    for event in record.get("events", []):
        lines.append(
            "event\t" + "\t".join(visible(_cell(event.get(k))) for k in ("id", "date", "jurisdiction", "authority", "action", "named_as"))
        )
    for listing in record.get("listings", []):
        lines.append("listing\t" + "\t".join(visible(_cell(listing.get(k))) for k in ("id", "source", "published", "name", "programs")))
    for counter in record.get("counter_events", []):
        lines.append("counter_event\t" + "\t".join(visible(_cell(counter.get(k))) for k in ("id", "date", "authority", "action")))
    for response in record.get("responses", []):
        lines.append(
            "response\t" + "\t".join(visible(_cell(response.get(k))) for k in ("id", "date", "lag_days", "actor", "speaker", "kind", "stance", "quote"))
        )
    if record.get("event"):
        event = record["event"]
        lines.append(
            "event\t" + "\t".join(visible(_cell(event.get(k))) for k in ("id", "date", "jurisdiction", "authority", "action"))
        )
        for target in event.get("targets", []):
            lines.append("event_target\t" + visible(target["name"]))
    return lines


def _fields_table(record: dict, skip: set[str]):
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in record.items():
        if key in skip or value in (None, [], ""):
            continue
        grid.add_row(key.replace("_", " "), Text(visible(_cell(value), keep_newlines=True)))
    return grid


def _subtable(title: str, columns: Sequence[str], rows: list[dict]):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_edge=False, expand=False)
    for column in columns:
        short = column in ("id", "entity_id", "date", "jurisdiction", "country", "kind", "action")
        table.add_column(column.replace("_", " "), overflow="fold", no_wrap=short)
    for row in rows:
        table.add_row(*(Text(visible(_cell(row.get(c)), keep_newlines=True)) for c in columns))
    return table


def _responses_block(responses: list[dict]):
    """Each response as a heading line (who, when, how many days after) and its quote below."""
    from rich.text import Text

    if not responses:
        return Text("no responses recorded", style="italic")
    block = Text()
    block.append("responses\n", style="italic")
    for response in responses:
        who = response["actor"] + (f" ({response['speaker']})" if response.get("speaker") else "")
        how = ", ".join(v for v in (response.get("kind"), response.get("stance")) if v)
        block.append(f"{response['id']}  {response['date']}  +{response['lag_days']} d  ", style="bold")
        block.append(visible(who))
        block.append(f"  [{how}]\n" if how else "\n")
        if response.get("quote"):
            block.append("    “" + visible(response["quote"]) + "”\n", style="italic")
        elif response.get("summary"):
            block.append("    " + visible(response["summary"]) + "\n")
    block.rstrip()
    return block


def record_as_table(record: dict, out: Output) -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    parts: list[Any] = [_fields_table(record, _PLAIN_SKIP | {"id"})]
    if record.get("targets"):
        parts.append(_subtable("targets", ("name", "aliases", "kind", "country", "entity_id"), record["targets"]))
    if record.get("names"):
        parts.append(_subtable("names", ("name",), [{"name": n} for n in record["names"]]))
    if record.get("events"):
        parts.append(_subtable("events", ("id", "date", "jurisdiction", "authority", "action", "program", "named_as"), record["events"]))
    if record.get("listings"):
        parts.append(_subtable("listings", ("id", "source", "published", "name", "programs"), record["listings"]))
    if record.get("counter_events"):
        parts.append(_subtable("counter-measures", ("id", "date", "authority", "action"), record["counter_events"]))
    if record.get("type") == "event":
        parts.append(_responses_block(record.get("responses", [])))
    if record.get("event"):
        event = record["event"]
        parts.append(_subtable("in answer to", ("id", "date", "jurisdiction", "authority", "action"), [event]))
    title = Text(f"{record['type']} {visible(record['id'])}")
    _console(out).print(Panel(Group(*parts), title=title, title_align="left", expand=False))


# -- messages on stderr ---------------------------------------------------------------------------


def message(text: str) -> None:
    """An informational line on stderr; names and paths inside it are shown as inert text."""
    sys.stderr.write(visible(text) + "\n")


def error_line(text: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {visible(text)}\n")
    if hint:
        sys.stderr.write(f"Hint: {visible(hint)}\n")


# -- check ------------------------------------------------------------------------------------------

CHECK_COLUMNS = ("jurisdiction", "authority", "program", "since", "matched_name", "name", "source", "near")


def _check_rows(rows: list[dict]) -> list[dict]:
    return [
        dict(
            row,
            source=row.get("event_id") or row.get("listing"),
            near=f"near ({row['score']})" if row.get("near") else "",
        )
        for row in rows
    ]


def check_as_output(result: dict, out: Output) -> None:
    """The answer of `check`: JSON as DESIGN.md gives it, else a verdict line and the sanctions."""
    if out.format in ("json", "jsonl"):
        text = json.dumps(result, ensure_ascii=False, indent=2 if out.format == "json" else None)
        out.stream.write(text + "\n")
        return
    if out.format in ("csv", "tsv"):
        emit_rows(_check_rows(result["matches"]), CHECK_COLUMNS, out)
        return
    where = f" by {result['jurisdiction']}" if result.get("jurisdiction") else ""
    if result["sanctioned"]:
        near = all(m.get("near") for m in result["matches"])
        verdict = f"{'NEAR MATCH ' if near else ''}SANCTIONED{where} on {result['as_of']}"
    elif result["known"]:
        verdict = f"not sanctioned{where} on {result['as_of']}"
    else:
        verdict = f"not sanctioned: nothing recorded for {visible(result['name'])!r}"
    if out.format == "plain":
        out.stream.write(f"{verdict} ({result['note']})\n")
        for row in _check_rows(result["matches"]):
            out.stream.write("\t".join(visible(_cell(row.get(c))) for c in CHECK_COLUMNS) + "\n")
        for row in result["not_in_force"]:
            out.stream.write(
                "ended\t" + "\t".join(visible(_cell(row.get(c))) for c in ("jurisdiction", "authority", "program", "since", "until", "ended_by")) + "\n"
            )
        return
    from rich.text import Text

    console = _console(out)
    console.print(Text(verdict, style=("bold red" if result["sanctioned"] else "bold green") if out.color else ""))
    if result["matches"]:
        emit_rows(_check_rows(result["matches"]), CHECK_COLUMNS, out)
    if result["not_in_force"]:
        emit_rows(result["not_in_force"], ("jurisdiction", "authority", "program", "since", "until", "ended_by"), out, title="no longer in force")
    console.print(Text(result["note"], style="dim" if out.color else ""))


# -- progress -------------------------------------------------------------------------------------


class progress_counter:
    """A count of items done, drawn on stderr only when it is a terminal and the work has taken
    over a second; nothing at all when piped. Use as a context manager; call it with the count."""

    def __init__(self, label: str):
        self.label = label
        self._started = None
        self._progress = None
        self._task = None

    def __enter__(self):
        import time

        self._started = time.monotonic()
        return self if sys.stderr.isatty() else None

    def __call__(self, done: int) -> None:
        import time

        if self._progress is None:
            if time.monotonic() - self._started < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"),
                TextColumn("{task.completed:,} entries"), TimeElapsedColumn(),
                console=Console(file=sys.stderr), transient=True,
            )  # fmt: skip
            self._progress.start()
            self._task = self._progress.add_task(visible(self.label), total=None)
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


# -- --output FILE --------------------------------------------------------------------------------

EXTENSION_FORMATS = {
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
    ".md": "markdown", ".markdown": "markdown", ".svg": "svg", ".txt": "plain",
}  # fmt: skip


def format_for_path(path, fmt: str | None, allowed: Sequence[str]) -> str:
    """The format of an output file: --format when given, else its extension."""
    if fmt is not None:
        return fmt
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    known = {ext: f for ext, f in EXTENSION_FORMATS.items() if f in allowed}
    if suffix not in known:
        raise UsageError(
            f"cannot tell the format of {path} from its extension",
            hint=f"give --format, or a file ending in {', '.join(known)}",
        )
    return known[suffix]


class atomic_file:
    """A text file written whole or not at all: a temporary file beside it, renamed on success.

    `typer.Exit` (a command's chosen exit code, such as 1 for no hits) still keeps the file."""

    def __init__(self, path):
        from pathlib import Path

        self.path = Path(path)
        folder = self.path.parent
        if not folder.is_dir():
            raise UsageError(f"cannot write {path}: there is no folder {folder}")
        import tempfile

        try:
            self.handle = tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=folder, prefix=f".{self.path.name}.", delete=False,
                newline="",
            )
        except OSError as err:
            raise UsageError(f"cannot write {path}: {err.strerror}") from None
        # A temporary file is private (0600); the file it becomes gets the usual mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.handle.name, 0o666 & ~umask)

    def __enter__(self):
        return self.handle

    def __exit__(self, kind, value, tb) -> None:
        self.handle.close()
        from typer import Exit

        if kind is None or issubclass(kind, Exit):
            try:
                os.replace(self.handle.name, self.path)
            except OSError as err:
                os.unlink(self.handle.name)
                raise UsageError(f"cannot write {self.path}: {err.strerror}") from None
        else:
            os.unlink(self.handle.name)

"""Which formats exist, which function draws each kind of report in each, and which format an
output file's extension names: the one table every command chooses its output from; and the
`Output` a command chooses (format, colour, stream), which every renderer is handed.

A report kind is what a command has to show: `rows` (dicts with the same columns: search hits,
the log, sources), a `record` (show, add), a `check` result, a `timeline`, a `diff` and a diff's
counts (`diff_stat`). Each renderer is named "module.function" inside this package and imported
only when it runs, so a JSON run never loads Rich and no run loads the SVG code it does not draw.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence, TextIO

from ..errors import UsageError

RENDERERS: dict[str, dict[str, str]] = {
    "rows": {
        "table": "table.rows_as_table", "plain": "plain.rows_as_plain",
        "json": "json.rows_as_json", "jsonl": "json.rows_as_jsonl",
        "csv": "csv.rows_as_csv", "tsv": "csv.rows_as_tsv",
    },
    "record": {
        "table": "table.record_as_table", "plain": "plain.record_as_plain",
        "json": "json.record_as_json", "jsonl": "json.record_as_jsonl",
    },
    "check": {
        "table": "table.check_as_table", "plain": "plain.check_as_plain",
        "json": "json.check_as_json", "jsonl": "json.check_as_jsonl",
        "csv": "csv.check_as_csv", "tsv": "csv.check_as_tsv",
    },
    "check_batch": {
        "table": "table.check_batch_as_table", "plain": "plain.check_batch_as_plain",
        "json": "json.check_batch_as_jsonl", "jsonl": "json.check_batch_as_jsonl",
        "csv": "csv.check_batch_as_csv", "tsv": "csv.check_batch_as_tsv",
    },
    "timeline": {
        "table": "table.timeline_as_table", "plain": "plain.timeline_as_plain",
        "markdown": "markdown.timeline_as_markdown",
        "json": "json.timeline_as_json", "jsonl": "json.timeline_as_jsonl",
        "csv": "csv.timeline_as_csv", "tsv": "csv.timeline_as_tsv",
        "svg": "svg.timeline_as_svg",
    },
    "diff": {
        "table": "table.diff_as_table", "plain": "plain.diff_as_plain",
        "json": "json.diff_as_json", "jsonl": "json.diff_as_jsonl",
        "csv": "csv.diff_as_csv", "tsv": "csv.diff_as_tsv",
    },
    "diff_stat": {
        "table": "table.diff_stat_as_table", "plain": "plain.diff_stat_as_plain",
        "json": "json.diff_stat_as_json", "jsonl": "json.diff_stat_as_jsonl",
        "csv": "csv.diff_stat_as_csv", "tsv": "csv.diff_stat_as_tsv",
    },
}  # fmt: skip

LISTING_FORMATS = tuple(RENDERERS["rows"])
RECORD_FORMATS = tuple(RENDERERS["record"])
TIMELINE_FORMATS = tuple(RENDERERS["timeline"])

# Other names of formats, which `timeline --format` accepts.
FORMAT_ALIASES = {"md": "markdown", "txt": "plain", "text": "plain"}

# The format `--output FILE` implies by FILE's extension when --format is not given.
EXTENSION_FORMATS = {
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
    ".md": "markdown", ".markdown": "markdown", ".svg": "svg", ".txt": "plain",
}  # fmt: skip


def choose_format(fmt: str | None, as_json: bool, allowed: Sequence[str] = LISTING_FORMATS) -> str:
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


def format_for_path(path, fmt: str | None, allowed: Sequence[str], fallback: str | None = None) -> str:
    """The format of an output file: --format when given, else its extension; an extension that
    names no allowed format is an error, unless there is a `fallback`."""
    if fmt is not None:
        return fmt
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    known = {ext: f for ext, f in EXTENSION_FORMATS.items() if f in allowed}
    if suffix in known:
        return known[suffix]
    if fallback is not None:
        return fallback
    raise UsageError(
        f"cannot tell the format of {path} from its extension",
        hint=f"give --format, or a file ending in {', '.join(known)}",
    )


class Output:
    """Where and how to write: the resolved format and whether colour is allowed."""

    __slots__ = ("format", "color", "stream", "wide")

    def __init__(self, format: str, color: bool, stream: TextIO | None, wide: bool = False):
        self.format = format
        self.color = color
        self.stream = stream
        self.wide = wide  # a table shows every value whole (wrapped at words) instead of cut with …


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


def output(fmt: str | None, as_json: bool, no_color: bool, allowed=LISTING_FORMATS) -> Output:
    """The Output on stdout: the format asked for (see `choose_format`), colour if allowed."""
    return Output(choose_format(fmt, as_json, allowed), use_color(no_color), sys.stdout)

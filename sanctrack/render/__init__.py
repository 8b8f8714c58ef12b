"""sanctrack's output: reports as data in, text out, one module per format.

A command computes a report (rows, a record, a check result, a timeline, a diff), picks an
`Output` (the format, colour, the stream) and calls `render(kind, report, out)`, which looks the
renderer up in `formats.RENDERERS`. The modules:

- `formats`: the formats, the renderer of each report kind in each, file extensions, and the
  `Output` a command picks;
- `json`, `csv` (csv and tsv), `plain`, `table` (Rich), `markdown`, `svg` (drawn from the layout of
  `svg_layout`): one per format;
- `reports`, `timeline`, `diff`: the wording and columns a report has in every format;
- `text`: `visible()`, the escaping of data for every format but JSON, and stderr lines;
  `cells`: a value as the text of one cell (table, plain, csv);
- `files`: output files written whole or not at all; `progress`: a progress counter on stderr.

Importing this package is cheap (no Rich, no orjson, no format module): a lookup pays only for the
format it writes.

Imports flow one way, without a cycle (tests/test_layout.py): this package dispatches to the
format modules; they import what they draw from (`reports`, `timeline`, `diff`), `cells`, `text`
and `formats`, and never this package.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from .formats import (
    EXTENSION_FORMATS, FORMAT_ALIASES, LISTING_FORMATS, RECORD_FORMATS, RENDERERS, TIMELINE_FORMATS,
    Output, choose_format, format_for_path, output, use_color,
)  # fmt: skip
from .reports import Rows
from .text import error_line, message, visible

__all__ = [
    "EXTENSION_FORMATS", "FORMAT_ALIASES", "LISTING_FORMATS", "RECORD_FORMATS", "RENDERERS",
    "TIMELINE_FORMATS", "Output", "Rows", "atomic_file", "choose_format", "emit_check", "emit_check_batch",
    "emit_record", "emit_rows", "emit_timeline", "error_line", "format_for_path", "message",
    "output", "progress_counter", "render", "use_color", "visible",
]  # fmt: skip


def __getattr__(name: str):
    # Helpers of a few commands only, loaded when first asked for.
    if name == "atomic_file":
        from .files import atomic_file

        return atomic_file
    if name == "progress_counter":
        from .progress import progress_counter

        return progress_counter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render(kind: str, report: Any, out: Output) -> None:
    """Write `report`, a report of `kind` (a key of RENDERERS), in `out.format`."""
    from importlib import import_module

    module, function = RENDERERS[kind][out.format].split(".")
    getattr(import_module(f"{__name__}.{module}"), function)(report, out)


def emit_rows(rows: Iterable[dict], columns: Sequence[str], out: Output, title: str | None = None,
              table_columns: Sequence[str] | None = None):  # fmt: skip
    """Write rows of dicts in the chosen format, streaming where the format allows (a table on a
    terminal shows `table_columns` if given, unless --wide)."""
    render("rows", Rows(rows, columns, title, table_columns), out)


def emit_record(record: dict, out: Output) -> None:
    """Write one record (event, response or entity) whole."""
    render("record", record, out)


def emit_check(result: dict, out: Output) -> None:
    """The answer of `check`: a verdict and the sanctions in force (JSON: the result whole)."""
    render("check", result, out)


def emit_check_batch(results: Iterable[dict], out: Output) -> None:
    """The answers of `check --file`, one per name (JSON: one object a line)."""
    render("check_batch", results, out)


def emit_timeline(timeline, out: Output) -> None:
    """Write a `timeline.Timeline`."""
    render("timeline", timeline, out)

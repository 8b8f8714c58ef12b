"""CSV and TSV (tab-separated, the `excel-tab` dialect) of every report that is a table: rows, a
check's matches, a timeline, a diff.

One escaping policy for both and for every report: each cell is `visible()`, so a name holding
ESC, BEL or an OSC sequence comes out as `\\x1b`, `\\x07`… rather than acting on the terminal or
spreadsheet that shows the file (`export` keeps records verbatim, as JSON does); then the writer
quotes what its dialect needs.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Iterable, Sequence, TextIO

from .text import cell, visible

if TYPE_CHECKING:
    from . import Output
    from .diff import DiffReport
    from .reports import Rows


def write_table(rows: Iterable[dict], columns: Sequence[str], stream: TextIO, tsv: bool) -> None:
    """A header of `columns`, then a line per row, every cell made visible."""
    writer = csv.writer(stream, dialect="excel-tab" if tsv else "excel", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([visible(cell(row.get(c))) for c in columns])


def rows_as_csv(rows: Rows, out: Output) -> None:
    write_table(rows.items, rows.columns, out.stream, tsv=False)


def rows_as_tsv(rows: Rows, out: Output) -> None:
    write_table(rows.items, rows.columns, out.stream, tsv=True)


def check_as_csv(result: dict, out: Output, tsv: bool = False) -> None:
    """The matches in force, one a line."""
    from .reports import CHECK_COLUMNS, check_rows

    write_table(check_rows(result["matches"]), CHECK_COLUMNS, out.stream, tsv)


def check_as_tsv(result: dict, out: Output) -> None:
    check_as_csv(result, out, tsv=True)


def check_batch_as_csv(results, out: Output, tsv: bool = False) -> None:
    from .reports import BATCH_COLUMNS, batch_rows

    write_table(batch_rows(results), BATCH_COLUMNS, out.stream, tsv)


def check_batch_as_tsv(results, out: Output) -> None:
    check_batch_as_csv(results, out, tsv=True)


def timeline_as_csv(timeline, out: Output, tsv: bool = False) -> None:
    """One row per item, the columns of CSV_COLUMNS; lists joined with '; '."""
    from .timeline import CSV_COLUMNS, flat_row

    write_table((flat_row(item) for item in timeline.items), CSV_COLUMNS, out.stream, tsv)


def timeline_as_tsv(timeline, out: Output) -> None:
    timeline_as_csv(timeline, out, tsv=True)


def diff_as_csv(report: DiffReport, out: Output, tsv: bool = False) -> None:
    """Every item of the parts shown, one a line with its part; the lag sentence on stderr."""
    from .diff import summary_line

    write_table(report.rows(table=False), report.line_columns(), out.stream, tsv)
    summary_line(report, on_stdout=False)


def diff_as_tsv(report: DiffReport, out: Output) -> None:
    diff_as_csv(report, out, tsv=True)

"""CSV and TSV (tab-separated, the `excel-tab` dialect) of every report that is a table: rows, a
check's matches, a timeline, a diff.

One escaping policy for every CSV and TSV sanctrack writes, reports and `export --format csv`
alike (docs/FORMAT.md, "CSV cells"), by `escape_cell`:

1. a backslash is written `\\\\`; each control, format or separator character (ESC, BEL, CR, TAB,
   newline, DEL, C1 such as U+009B, bidi overrides, U+2028/U+2029…) as the escape `visible()` shows
   (`\\x1b`, `\\t`, `\\u202e`…), so nothing in a cell acts on the terminal that shows the file;
2. a cell that would then begin with `=`, `+`, `-`, `@` or `'` gets one `'` in front, so that no
   spreadsheet runs it as a formula (OWASP's "CSV injection"); a plain number such as `-3` is left
   as it is.

Both steps are undone exactly by `unescape_cell`, which `sanctrack import` applies to its own CSV:
an export read back gives the very text that was stored. Then the writer quotes what its dialect
needs.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, Iterable, Sequence, TextIO

from .cells import cell
from .text import escape_char, is_invisible, visible

if TYPE_CHECKING:
    from .diff import DiffReport
    from .formats import Output
    from .reports import Rows


_FORMULA_STARTS = ("=", "+", "-", "@", "'")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ESCAPE = re.compile(r"\\(?:(\\)|([tnr])|x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")
_NAMED = {"t": "\t", "n": "\n", "r": "\r"}


def escape_cell(text: str) -> str:
    """The text of a CSV or TSV cell: control characters escaped, never a formula (see above)."""
    if not text.isprintable() or "\\" in text:
        text = "".join(
            "\\\\" if char == "\\" else escape_char(char) if is_invisible(char) else char
            for char in text
        )
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return text


def _unescape(match: re.Match) -> str:
    backslash, named, *codes = match.groups()
    if backslash:
        return "\\"
    if named:
        return _NAMED[named]
    return chr(int(next(code for code in codes if code), 16))


def unescape_cell(text: str) -> str:
    """The text `escape_cell` was given (a cell it did not write comes back as it is, but for a
    leading `'` and the escapes above)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


def write_table(rows: Iterable[dict], columns: Sequence[str], stream: TextIO, tsv: bool) -> None:
    """A header of `columns`, then a line per row, every cell escaped."""
    writer = csv.writer(stream, dialect="excel-tab" if tsv else "excel", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(cell(row.get(c))) for c in columns])


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


def diff_stat_as_csv(report: DiffReport, out: Output, tsv: bool = False) -> None:
    """--stat: a row per part with its count; the lag sentence on stderr."""
    from .diff import STAT_COLUMNS, stat_rows, summary_line

    write_table(stat_rows(report), STAT_COLUMNS, out.stream, tsv)
    summary_line(report, on_stdout=False)


def diff_stat_as_tsv(report: DiffReport, out: Output) -> None:
    diff_stat_as_csv(report, out, tsv=True)

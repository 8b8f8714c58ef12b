"""Plain output, the default when piped: tab-separated lines without colour, every value from data
made visible (`text.visible`), for rows, a record, a check result, a timeline and a diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence, TextIO

from .reports import (
    ANSWERED_EVENT_COLUMNS, COUNTER_EVENT_COLUMNS, LIST_HISTORY_COLUMNS, LIST_LINK_COLUMNS, LISTING_COLUMNS, RECORD_NESTED, RESPONSE_COLUMNS,
    shown_listing,
)  # fmt: skip
from .cells import cell
from .text import message, visible

if TYPE_CHECKING:
    from .diff import DiffReport
    from .formats import Output
    from .reports import Rows


def _line(values: Iterable) -> str:
    return "\t".join(visible(cell(v)) for v in values) + "\n"


def write_rows(rows: Iterable[dict], columns: Sequence[str], stream: TextIO) -> None:
    for row in rows:
        stream.write(_line(row.get(c) for c in columns))


def rows_as_plain(rows: Rows, out: Output) -> None:
    write_rows(rows.items, rows.columns, out.stream)


def record_lines(record: dict) -> list[str]:
    """`key<TAB>value` lines; nested targets, events, responses… as tab-separated lines of their
    own, each starting with what it is."""

    def nested(label: str, row: dict, columns: Sequence[str]) -> str:
        return label + "\t" + "\t".join(visible(cell(row.get(k))) for k in columns)

    lines = [f"type\t{record['type']}"]
    lines += [
        f"{key}\t{visible(cell(value))}"
        for key, value in record.items()
        if key not in RECORD_NESTED and value not in (None, [], "")
    ]
    for target in record.get("targets", []):
        lines.append(nested("target", target, ("name", "kind", "country", "entity_id", "aliases")))
    for name in record.get("names", []):
        lines.append(f"known_as\t{visible(name)}")
    for event in record.get("events", []):
        lines.append(nested("event", event, ("id", "date", "jurisdiction", "authority", "action", "named_as")))
    for listing in record.get("listings", []):
        lines.append(nested("listing", shown_listing(listing), LISTING_COLUMNS))
    for change in record.get("list_history", []):
        lines.append(nested("list_history", change, LIST_HISTORY_COLUMNS))
    for link in record.get("list_links", []):
        lines.append(nested("list_link", link, LIST_LINK_COLUMNS))
    for counter in record.get("counter_events", []):
        lines.append(nested("counter_event", counter, COUNTER_EVENT_COLUMNS))
    for response in record.get("responses", []):
        lines.append(nested("response", response, RESPONSE_COLUMNS))
    if record.get("event"):
        event = record["event"]
        lines.append(nested("event", event, ANSWERED_EVENT_COLUMNS))
        for target in event.get("targets", []):
            lines.append("event_target\t" + visible(target["name"]))
    return lines


def record_as_plain(record: dict, out: Output) -> None:
    for line in record_lines(record):
        out.stream.write(line + "\n")


def check_as_plain(result: dict, out: Output) -> None:
    """A line per match in force, a line per sanction ended (starting `ended`); the verdict and
    its note on stderr, so that stdout holds rows only (the exit code answers yes or no)."""
    from .reports import CHECK_COLUMNS, ENDED_COLUMNS, check_rows, check_verdict

    message(f"{check_verdict(result)} ({result['note']})")
    write_rows(check_rows(result["matches"]), CHECK_COLUMNS, out.stream)
    for row in check_rows(result["not_in_force"]):
        out.stream.write("ended\t" + _line(row.get(c) for c in ENDED_COLUMNS))


def check_batch_as_plain(results, out: Output) -> None:
    """`check --file`: a line per match in force of each name, one line for a name without."""
    from .reports import BATCH_COLUMNS, batch_rows

    write_rows(batch_rows(results), BATCH_COLUMNS, out.stream)


def timeline_as_plain(timeline, out: Output) -> None:
    """One tab-separated line per item (and per "followed" line)."""
    from .timeline import plain_lines

    for item in timeline.items:
        for columns in plain_lines(item):
            out.stream.write("\t".join(visible(c) for c in columns) + "\n")


def diff_as_plain(report: DiffReport, out: Output) -> None:
    """Every item of the parts shown, one a line with its part; the lag sentence on stderr, and a
    note there when there is nothing to show."""
    from .diff import summary_line

    write_rows(report.rows(table=False), report.line_columns(), out.stream)
    summary_line(report, on_stdout=False)
    if report.empty:
        message("no differences" if report.part is None else f"nothing in {report.part}")


def diff_stat_as_plain(report: DiffReport, out: Output) -> None:
    """--stat: a line per part with its count; the lag sentence on stderr."""
    from .diff import STAT_COLUMNS, stat_rows, summary_line

    write_rows(stat_rows(report), STAT_COLUMNS, out.stream)
    summary_line(report, on_stdout=False)

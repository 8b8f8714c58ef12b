"""Tables on a terminal, drawn by Rich, for rows, a record, a check result, a timeline and a diff.

Rich is imported inside each function (this module is loaded only when a table is drawn, but the
start-up rule is kept here too). Text from data is never markup: it goes in as `rich.text.Text`
of `visible()` text, newlines kept; the console has markup, highlighting and emoji off.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

from .reports import (
    ANSWERED_EVENT_COLUMNS, COUNTER_EVENT_COLUMNS, EVENT_COLUMNS, LISTING_COLUMNS, RECORD_NESTED,
    TARGET_COLUMNS, Rows, shown_listing,
)  # fmt: skip
from .cells import cell
from .text import visible

if TYPE_CHECKING:
    from .diff import DiffReport
    from .formats import Output


def console(out: Output, stderr: bool = False):
    """A Rich console on `out.stream` (or stderr) that reads no markup and colours only if allowed."""
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


def _text(value: Any, style: str = ""):
    from rich.text import Text

    return Text(visible(cell(value), keep_newlines=True), style=style)


def fitted_table(columns: Sequence[str], rows: Sequence[dict], out: Output, width: int,
                 title: str | None = None, **fit_options):  # fmt: skip
    """A Rich table of `rows` that fits `width` cells (render.fit): empty columns left out, ids
    and dates whole, long text cut with `…` on one line; with `out.wide` every value whole."""
    from rich import box
    from rich.table import Table

    from .fit import fit

    texts = [[visible(cell(row.get(c)), keep_newlines=True) for c in columns] for row in rows]
    layout = fit(columns, texts, width, **fit_options)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  padding=(0, 1, 0, 0), pad_edge=False, header_style="bold" if out.color else None)  # fmt: skip
    for heading, size, atomic in zip(layout.headings, layout.widths, layout.atomic):
        if out.wide:
            table.add_column(heading, no_wrap=atomic, min_width=size if atomic else None, overflow="fold")
        else:
            table.add_column(heading, width=size, no_wrap=True, overflow="ellipsis")
    from rich.text import Text

    for row in texts:
        table.add_row(*(Text(value) for value in layout.cut(row, out.wide)))
    return table


def rows_as_table(rows: Rows, out: Output) -> None:
    screen = console(out)
    items = list(rows.items)
    screen.print(fitted_table(rows.columns, items, out, screen.width, rows.title))


# -- a record -------------------------------------------------------------------------------------


def _fields_table(record: dict, skip: frozenset[str]):
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in record.items():
        if key in skip or value in (None, [], ""):
            continue
        grid.add_row(key.replace("_", " "), _text(value))
    return grid


_SHORT_COLUMNS = frozenset({"id", "entity_id", "date", "jurisdiction", "country", "kind", "action"})


def _subtable(title: str, columns: Sequence[str], rows: list[dict], out: Output, width: int):
    return fitted_table(columns, rows, out, width, title, atomic=_SHORT_COLUMNS)


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
    """A panel titled by the record's type and id: its fields, then a table per nested list."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    screen = console(out)
    inner = screen.width - 4  # the panel's border and padding
    parts: list[Any] = [_fields_table(record, RECORD_NESTED | {"id"})]
    if record.get("targets"):
        parts.append(_subtable("targets", TARGET_COLUMNS, record["targets"], out, inner))
    if record.get("names"):
        parts.append(_subtable("names", ("name",), [{"name": n} for n in record["names"]], out, inner))
    if record.get("events"):
        parts.append(_subtable("events", EVENT_COLUMNS, record["events"], out, inner))
    if record.get("listings"):
        parts.append(_subtable("listings", LISTING_COLUMNS, [shown_listing(l) for l in record["listings"]], out, inner))
    if record.get("counter_events"):
        parts.append(_subtable("counter-measures", COUNTER_EVENT_COLUMNS, record["counter_events"], out, inner))
    if record.get("type") == "event":
        parts.append(_responses_block(record.get("responses", [])))
    if record.get("event"):
        parts.append(_subtable("in answer to", ANSWERED_EVENT_COLUMNS, [record["event"]], out, inner))
    title = Text(f"{record['type']} {visible(record['id'])}")
    screen.print(Panel(Group(*parts), title=title, title_align="left", expand=False))


# -- a check result -------------------------------------------------------------------------------


def check_as_table(result: dict, out: Output) -> None:
    """The verdict in colour, the matches in force, the sanctions ended, the note."""
    from rich.text import Text

    from .reports import CHECK_COLUMNS, ENDED_COLUMNS, check_rows, check_verdict

    screen = console(out)
    style = ("bold red" if result["sanctioned"] else "bold green") if out.color else ""
    screen.print(Text(check_verdict(result), style=style))
    if result["matches"]:
        rows_as_table(Rows(check_rows(result["matches"]), CHECK_COLUMNS), out)
    if result["not_in_force"]:
        rows_as_table(Rows(check_rows(result["not_in_force"]), ENDED_COLUMNS, title="no longer in force"), out)
    screen.print(Text(result["note"], style="dim" if out.color else ""))


def check_batch_as_table(results, out: Output) -> None:
    """`check --file`: one table, a row per match in force of each name."""
    from .reports import BATCH_COLUMNS, Rows, batch_rows

    rows_as_table(Rows(batch_rows(results), BATCH_COLUMNS, None), out)


# -- a timeline -----------------------------------------------------------------------------------

TIMELINE_ROWS_PER_BLOCK = 100
_STANCE_STYLES = {
    "rejects": "red", "condemns": "red", "denies": "magenta", "threatens": "yellow",
    "complies": "green", "welcomes": "green", "neutral": "",
}  # fmt: skip


def timeline_as_table(timeline, out: Output) -> None:
    """A Rich table drawn in blocks of rows with fixed columns, so a long timeline streams."""
    from rich.table import Table
    from rich.text import Text

    from .timeline import details, heading, lag_text, what, who

    screen = console(out)
    screen.print(Text(heading(timeline), style="bold"))
    rows: list[list] = []
    first = True

    def flush() -> None:
        nonlocal first
        if not rows:
            return
        table = Table(show_header=first, show_edge=False, expand=True, pad_edge=False,
                      header_style="bold" if out.color else None)  # fmt: skip
        table.add_column("date", width=10, no_wrap=True)
        table.add_column("lag", width=6, justify="right", no_wrap=True)
        table.add_column("", width=2, no_wrap=True)
        table.add_column("who", ratio=3, overflow="fold")
        table.add_column("what", ratio=2, overflow="fold")
        table.add_column("details", ratio=5, overflow="fold")
        for row in rows:
            table.add_row(*row)
        screen.print(table)
        rows.clear()
        first = False

    for item in timeline.items:
        indent = "  " * item["depth"] + ("└ " if item["depth"] else "")
        if item["type"] == "event":
            style = "bold"
            rows.append([
                Text(visible(item["date"]), style=style), Text(lag_text(item, " d")),
                Text(visible(item["jurisdiction"]), style=style),
                Text(indent + visible(item["authority"]), style=style),
                Text(visible(what(item))),
                Text(visible(details(item), keep_newlines=True)),
            ])  # fmt: skip
            for follow in item.get("follows", []):
                rows.append([
                    Text(""), Text(f"{follow['lag_days']:+d} d", style="cyan"),
                    Text(visible(follow["jurisdiction"]), style="cyan"),
                    Text(indent + "→ " + visible(follow["text"]), style="italic cyan"),
                    Text(""), Text(visible(follow["name"]), style="cyan"),
                ])  # fmt: skip
        else:
            rows.append([
                Text(visible(item["date"])), Text(lag_text(item, " d")),
                Text(visible(item.get("country") or "")),
                Text(indent + visible(who(item))),
                Text(visible(what(item)), style=_STANCE_STYLES.get(item.get("stance") or "", "")),
                Text(visible(details(item), keep_newlines=True), style="italic" if item.get("quote") else ""),
            ])  # fmt: skip
        if len(rows) >= TIMELINE_ROWS_PER_BLOCK:
            flush()
    flush()


# -- a diff ---------------------------------------------------------------------------------------


def diff_as_table(report: DiffReport, out: Output) -> None:
    """A table per part shown, titled with its count ("none" for an empty part), the lag sentence
    under them."""
    from .diff import TABLE_COLUMNS, summary_line

    titles = report.titles()
    for name in report.parts():
        rows = list(report.rows(table=True, part=name))
        title = f"{titles[name]} ({len(rows)})"
        if rows:
            rows_as_table(Rows(rows, TABLE_COLUMNS[report.kind][name], title), out)
        else:
            out.stream.write(f"{title}: none\n")
    summary_line(report, on_stdout=True, out=out)


def diff_stat_as_table(report: DiffReport, out: Output) -> None:
    """--stat: a row per part with its count, the lag sentence under the table."""
    from .diff import STAT_COLUMNS, stat_rows, summary_line

    rows_as_table(Rows(stat_rows(report), STAT_COLUMNS), out)
    summary_line(report, on_stdout=True, out=out)

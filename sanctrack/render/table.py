"""Tables on a terminal, drawn by Rich, for rows, a record, a check result, a timeline and a diff.

Rich is imported inside each function (this module is loaded only when a table is drawn, but the
start-up rule is kept here too). Text from data is never markup: it goes in as `rich.text.Text`
of `visible()` text, newlines kept; the console has markup, highlighting and emoji off.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

from .reports import (
    ANSWERED_EVENT_COLUMNS, COUNTER_EVENT_COLUMNS, LIST_HISTORY_COLUMNS, LIST_LINK_COLUMNS, EVENT_COLUMNS, LISTING_COLUMNS, RECORD_NESTED,
    TARGET_COLUMNS, Rows, shown_listing,
)  # fmt: skip
from .cells import cell
from .text import visible

if TYPE_CHECKING:
    from .diff import DiffReport
    from .formats import Output


def console(out: Output, stderr: bool = False):
    """A Rich console on `out.stream` (or stderr) that reads no markup and colours only if allowed;
    with --wide as wide as what it prints."""
    from rich.console import Console

    from .fit import WIDE

    return Console(
        width=WIDE if out.wide and not stderr else None,
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

    from rich.text import Text

    from .fit import WIDE, fit

    texts = [[visible(cell(row.get(c)), keep_newlines=True) for c in columns] for row in rows]
    layout = fit(columns, texts, WIDE if out.wide else width, **fit_options)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  padding=(0, 1, 0, 0), pad_edge=False, header_style="bold" if out.color else None)  # fmt: skip
    for heading, size in zip(layout.headings, layout.widths):
        table.add_column(heading, width=size, no_wrap=True, overflow="ellipsis")
    for row in texts:
        table.add_row(*(Text(value) for value in layout.cut(row)))
    return table


def rows_as_table(rows: Rows, out: Output) -> None:
    screen = console(out)
    items = list(rows.items)
    columns = rows.columns if out.wide or not rows.table_columns else rows.table_columns
    screen.print(fitted_table(columns, items, out, screen.width, rows.title))


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

    if out.wide:  # the fields are whole already; the nested tables fit the panel
        from .formats import Output

        out = Output(out.format, out.color, out.stream, wide=False)
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
    if record.get("list_history"):
        parts.append(_subtable("list history", LIST_HISTORY_COLUMNS, record["list_history"], out, inner))
    if record.get("list_links"):
        parts.append(_subtable("carried out on the lists", LIST_LINK_COLUMNS, record["list_links"], out, inner))
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


# `lag` in days after the event answered (or followed)
TIMELINE_COLUMNS = ("date", "id", "lag", "jurisdiction", "who", "what", "details")


def _timeline_cells(item: dict, wide: bool) -> tuple[list[dict], str]:
    """The table rows of a timeline item (the item, then its "followed" lines) and its style."""
    from .timeline import details, lag_text, what, where, who

    indent = "  " * item["depth"] + ("└ " if item["depth"] else "")
    if item["type"] == "event":
        rows = [{
            "date": item["date"], "id": item["id"], "lag": lag_text(item),
            "jurisdiction": item["jurisdiction"], "who": indent + item["authority"],
            "what": what(item), "details": details(item),
        }]  # fmt: skip
        for follow in item.get("follows", []):
            rows.append({
                "date": "", "id": follow.get("followed_event_id") or "", "lag": f"{follow['lag_days']:+d}",
                "jurisdiction": follow["jurisdiction"], "who": indent + "→ " + follow["text"],
                "what": "", "details": follow["name"],
            })  # fmt: skip
        return rows, "bold"
    if item["type"] == "listing":
        return [{
            "date": item["date"], "id": item["id"], "lag": lag_text(item),
            "jurisdiction": where(item), "who": indent + who(item), "what": what(item),
            "details": details(item),
        }], "blue"
    return [{
        "date": item["date"], "id": item["id"], "lag": lag_text(item),
        "jurisdiction": where(item), "who": indent + who(item),
        # on one line the stance says most; --wide adds the kind (a filing, a press conference)
        "what": what(item) if wide else item.get("stance") or item.get("kind") or "",
        "details": details(item),
    }], _STANCE_STYLES.get(item.get("stance") or "", "")


def timeline_as_table(timeline, out: Output) -> None:
    """A table drawn in blocks of rows, so a long timeline streams; every block has the widths
    the first one fitted (render.fit), ids on every row, one line a row unless --wide."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .fit import WIDE, fit
    from .timeline import heading

    screen = console(out)
    screen.print(Text(heading(timeline), style="bold"))
    rows: list[tuple[list[str], str]] = []
    layout = None

    def flush() -> None:
        nonlocal layout
        if not rows:
            return
        texts = [cells for cells, _ in rows]
        first = layout is None
        if first:
            # the widest id, date and lag a later block may bring
            sample = texts + [["2025-12-31", "ev-000000000000", "+9999", "EU", "", "", ""]]
            layout = fit(TIMELINE_COLUMNS, sample, WIDE if out.wide else screen.width, keep_empty=TIMELINE_COLUMNS,
                         atomic=("jurisdiction",))  # fmt: skip
        table = Table(show_header=first, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0),
                      pad_edge=False, header_style="bold" if out.color else None)  # fmt: skip
        for name, head, size in zip(TIMELINE_COLUMNS, layout.headings, layout.widths):
            justify = "right" if name == "lag" else "left"
            table.add_column(head, width=size, no_wrap=True, overflow="ellipsis", justify=justify)
        for cells, style in rows:
            table.add_row(*(Text(value, style=style if style == "bold" or i == 5 else "")
                            for i, value in enumerate(layout.cut(cells))))  # fmt: skip
        screen.print(table)
        rows.clear()

    for item in timeline.items:
        shown, style = _timeline_cells(item, out.wide)
        for row in shown:
            rows.append(([visible(row[c], keep_newlines=True) for c in TIMELINE_COLUMNS], style))
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

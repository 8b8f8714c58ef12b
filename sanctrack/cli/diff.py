"""`sanctrack diff LEFT RIGHT`.

Thin on purpose: options are read here, the diff is computed by `diff.py` and written through
`render.emit_rows`. No `from __future__ import annotations`: Typer would compile the annotation
strings at every start.
"""

from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    DbOption, FormatOption, JsonOption, NoColorOption, OutputOption, TodayOption, date_parser, settings, open_store, writing,
)  # fmt: skip
from ..errors import ExitCode, UsageError

app = typer.Typer()

PARTS = ("only_left", "only_right", "both", "changed")
# What --only takes: each part by its short name (offered by Tab), or by its own.
ONLY = {"left": "only_left", "right": "only_right", "both": "both", "changed": "changed"}
ONLY_NAMES = tuple(ONLY)
ONLY.update({part: part for part in ONLY.values()})


@app.command(context_settings={"allow_interspersed_args": True})
def diff(
    ctx: typer.Context,
    left: Annotated[
        str,
        typer.Argument(
            metavar="LEFT",
            help="A view: US, GB@2025-06-30, *@2025, ofac-sdn/latest, ofac-sdn/2024-04-12, a "
            "list file or folder.",
            autocompletion=completion.views,
        ),
    ],
    right: Annotated[
        str, typer.Argument(metavar="RIGHT", help="Another view, compared with LEFT.", autocompletion=completion.views)
    ],
    only: Annotated[
        Optional[str],
        typer.Option(
            "--only", metavar="PART", show_default=False,
            help="Print one part: left, right, both or changed.",
            autocompletion=completion.choices(ONLY_NAMES),
        ),
    ] = None,
    stat: Annotated[bool, typer.Option("--stat", help="Print only the counts of each part.")] = False,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help="Exit 1 when there are differences (only on one side, or changed), 0 when none, as "
            "git diff does; --only does not change it.",
        ),
    ] = False,
    left_format: Annotated[
        Optional[str],
        typer.Option(
            "--left-format", metavar="FORMAT", show_default=False,
            help="List format of a LEFT file (ofac-csv, uk-xml…) when it cannot be detected.",
            autocompletion=completion.list_formats,
        ),
    ] = None,
    right_format: Annotated[
        Optional[str],
        typer.Option(
            "--right-format", metavar="FORMAT", show_default=False,
            help="List format of a RIGHT file, likewise.",
            autocompletion=completion.list_formats,
        ),
    ] = None,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
    output: OutputOption = None,
) -> None:
    """Compare two views: what is only on the left, only on the right, on both, and what changed.

    A view is a jurisdiction (US, GB or UK, EU…: what it sanctions on the reference day, from
    events and its lists' latest snapshots, delistings removed), a jurisdiction on a day
    (US@2025-06-30; a partial date means the end of its period; *@DATE: every jurisdiction), a
    stored snapshot (SOURCE/PUBLISHED, SOURCE/latest, SOURCE/previous) or a list file or folder,
    read without being stored (./US for a file named like a jurisdiction).

    Two lists of one source are matched by the list's own ids, anything else by entity (any name
    or alias). Items on both sides show field-level changes; between jurisdictions or days also
    who moved first and the lag in days. Tables and plain lines show the differences (and, between
    two jurisdictions, what both sanction); JSON shows every part.

    Examples:

      sanctrack diff ofac-sdn/previous ofac-sdn/latest

      sanctrack diff US GB --only both --json

      sanctrack diff US@2025-06-30 US@2025-12-31 --stat

      sanctrack diff ofac-sdn/latest ./sdn-download/ --exit-code
    """
    import gc

    from ..dates import reference_day
    from ..diff import diff as run_diff
    from ..diff import resolve_view

    # A diff holds hundreds of thousands of objects to the end of this short process: the cyclic
    # collector would only walk them again and again (see diff.diff).
    gc.disable()
    part = None
    if only is not None:
        part = ONLY.get(only.strip().lower())
        if part is None:
            raise UsageError(f"--only {only!r} is not a part", hint="use left, right, both or changed")
    store = open_store(ctx, db)
    parse = date_parser(ctx, today)
    day = reference_day(today or settings(ctx).today).isoformat()
    left_view = resolve_view(store, left, parse, day, left_format)
    right_view = resolve_view(store, right, parse, day, right_format)
    given = (("--left-format", left_format, left_view), ("--right-format", right_format, right_view))
    for option, value, view in given:
        if value is not None and view.type != "file":
            raise UsageError(
                f"{option} applies to a list file or folder, and {view.given!r} is a {view.type}"
            )
    result = run_diff(store, left_view, right_view)
    with writing(ctx, fmt, as_json, no_color, output) as out:
        if stat:
            _print_stat(result, part, out)
        else:
            _print_diff(result, part, out)
    if exit_code and result["summary"]["differences"]:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


def _titles(result: dict) -> dict:
    from ..render import visible

    left, right = visible(result["left"]["view"]), visible(result["right"]["view"])
    return {
        "only_left": f"only in {left}", "only_right": f"only in {right}", "both": "in both",
        "changed": "changed",
    }  # fmt: skip


def _lags(result: dict) -> bool:
    return result["left"]["type"] == "jurisdiction" and result["right"]["type"] == "jurisdiction"


def _print_summary_line(result: dict, out) -> None:
    """The lag sentence: with the data in a table, on stderr beside plain lines, CSV or TSV."""
    from ..render import message, visible

    text = result["summary"].get("text")
    if not text:
        return
    if out.format == "table":
        out.stream.write(visible(text) + "\n")
    else:
        message(visible(text))


def _print_stat(result: dict, part: str | None, out) -> None:
    from ..render import dump_json, emit_rows

    summary = result["summary"]
    parts = [part] if part else ["only_left", "only_right", "both", "changed"]
    if out.format == "json":
        shown = {"left": result["left"], "right": result["right"], "summary": summary}
        if part:
            shown["summary"] = {k: v for k, v in summary.items() if k not in PARTS or k == part}
        out.stream.write(dump_json(shown) + "\n")
        return
    titles = _titles(result)
    rows = [{"part": p, "count": summary[p], "meaning": titles[p]} for p in parts]
    emit_rows(rows, ("part", "count", "meaning"), out)
    _print_summary_line(result, out)


# Columns of the plain, CSV and TSV lines (one set per command, `part` first): between list views
# the list's id first; between jurisdictions or days the dates and the lag.
_LIST_COLUMNS = ("part", "source_id", "name", "entity_id", "programs", "changes")
_LAG_COLUMNS = (
    "part", "name", "entity_id", "left_since", "right_since", "first", "lag_days", "changes",
)  # fmt: skip
_MIXED_COLUMNS = ("part", "source_id", "name", "entity_id", "since", "changes")
# Columns of each part's table.
_TABLE_COLUMNS = {
    "lists": {
        "only_left": ("source_id", "name", "entity_id", "kind", "programs"),
        "only_right": ("source_id", "name", "entity_id", "kind", "programs"),
        "both": ("source_id", "name", "entity_id", "kind", "programs"),
        "changed": ("source_id", "name", "entity_id", "changes"),
    },
    "lags": {
        "only_left": ("name", "entity_id", "since", "programs"),
        "only_right": ("name", "entity_id", "since", "programs"),
        "both": ("name", "entity_id", "left_since", "right_since", "first", "lag_days"),
        "changed": ("name", "entity_id", "left_since", "right_since", "changes"),
    },
    "mixed": {
        "only_left": ("source_id", "name", "entity_id", "since", "programs"),
        "only_right": ("source_id", "name", "entity_id", "since", "programs"),
        "both": ("source_id", "name", "entity_id", "since"),
        "changed": ("source_id", "name", "entity_id", "changes"),
    },
}


def _segments(text: str) -> list[str]:
    import re

    return [part.strip() for part in re.split(r";\s+", text) if part.strip()]


def _change_text(change: dict) -> str:
    def shown(value) -> str:
        if value is None or value == "":
            return "(none)"
        if isinstance(value, dict):
            text = " ".join(str(value[k]) for k in ("type", "value") if value.get(k))
            return text + (f" ({value['country']})" if value.get("country") else "") or str(value)
        return str(value)

    if "added" in change:
        words = [f"-{shown(v)}" for v in change["removed"]] + [f"+{shown(v)}" for v in change["added"]]
        return f"{change['field']}: {', '.join(words) if words else 'reordered'}"
    left, right = change["left"], change["right"]
    if isinstance(left, str) and isinstance(right, str) and max(len(left), len(right)) > 60:
        # Long texts (remarks): only the parts that differ, as "-old part +new part".
        a, b = _segments(left), _segments(right)
        folded_a, folded_b = {x.casefold() for x in a}, {x.casefold() for x in b}
        words = [f"-{x}" for x in a if x.casefold() not in folded_a & folded_b]
        words += [f"+{x}" for x in b if x.casefold() not in folded_a & folded_b]
        if words:
            return f"{change['field']}: {' '.join(words)}"
    return f"{change['field']}: {shown(change['left'])} → {shown(change['right'])}"


def _row(item: dict, part: str, lags: bool, table: bool) -> dict:
    row = dict(item, part=part)
    if lags and part == "only_left":
        row["left_since"] = item.get("since")
    elif lags and part == "only_right":
        row["right_since"] = item.get("since")
    if not lags and "since" not in item:
        row["since"] = item.get("right_since") or item.get("left_since")
    if item.get("changes"):
        row["changes"] = ("\n" if table else "; ").join(_change_text(c) for c in item["changes"])
    else:
        row["changes"] = None
    return row


def _print_diff(result: dict, part: str | None, out) -> None:
    from ..render import emit_rows, large_json_lines, write_large_json

    if out.format == "json":
        shown = {k: v for k, v in result.items() if part is None or k not in PARTS or k == part}
        write_large_json(shown, out.stream)
        return
    lags = _lags(result)
    lists = result["left"]["type"] != "jurisdiction" and result["right"]["type"] != "jurisdiction"
    kind = "lags" if lags else "lists" if lists else "mixed"
    if part:
        parts = [part]
    else:
        parts = ["only_left", "only_right", "changed"]
        # What both sanction is the news between two jurisdictions; between two lists (or one
        # jurisdiction on two days) it is everything that did not change.
        if lags and result["left"].get("jurisdiction") != result["right"].get("jurisdiction"):
            parts.append("both")
    titles = _titles(result)
    table = out.format == "table"
    if out.format == "jsonl":
        # One item a line, with its part: the parts the text formats show.
        large_json_lines(({"part": name, **item} for name in parts for item in result[name]), out.stream)
    elif table:
        for name in parts:
            rows = [_row(item, name, lags, True) for item in result[name]]
            title = f"{titles[name]} ({len(rows)})"
            if rows:
                emit_rows(rows, _TABLE_COLUMNS[kind][name], out, title=title)
            else:
                out.stream.write(f"{title}: none\n")
    else:
        columns = {"lags": _LAG_COLUMNS, "lists": _LIST_COLUMNS, "mixed": _MIXED_COLUMNS}[kind]
        lines = (_row(item, name, lags, False) for name in parts for item in result[name])
        emit_rows(lines, columns, out)
    _print_summary_line(result, out)
    if not table and not any(result[name] for name in parts) and out.format == "plain":
        from ..render import message

        message("no differences" if part is None else f"nothing in {part}")

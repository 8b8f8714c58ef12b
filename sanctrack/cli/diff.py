"""`sanctrack diff LEFT RIGHT`.

Thin on purpose: options are read here, the diff is computed by `diff.py` and shown by `render`
(`render/diff.py` and the format modules). No `from __future__ import annotations`: Typer would
compile the annotation strings at every start.
"""

from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    DbOption, OutputSpec, TodayOption, date_parser, output_options, settings, open_store, writing,
)  # fmt: skip
from ..errors import ExitCode, UsageError

app = typer.Typer()

# What --only takes: each part by its short name (offered by Tab), or by its own.
ONLY = {"left": "only_left", "right": "only_right", "both": "both", "changed": "changed"}
ONLY_NAMES = tuple(ONLY)
ONLY.update({part: part for part in ONLY.values()})


@app.command(context_settings={"allow_interspersed_args": True})
@output_options()
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
    *,
    spec: OutputSpec,
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

    Output: plain (piped): one line per item, tab-separated, no header, its part first (only_left,
    only_right, changed, both): between two lists part, source_id, name, entity_id, programs,
    changes; between jurisdictions or days part, name, entity_id, left_since, right_since, first,
    lag_days, changes (first: the view that moved first); otherwise part, source_id, name, entity_id,
    since, changes. --stat: part, count, meaning. The lag sentence goes to stderr.

    Examples:

      sanctrack diff ofac-sdn/previous ofac-sdn/latest

      sanctrack diff US GB --only both --json

      sanctrack diff US@2025-06-30 US@2025-12-31 --stat

      sanctrack diff ofac-sdn/latest ./sdn-download/ --exit-code
    """
    from ..collector import collection_paused
    from ..dates import reference_day
    from ..diff import diff as run_diff
    from ..diff import resolve_view
    from ..render import render
    from ..render.diff import DiffReport

    # The diff's objects live on while it is rendered: the collector stays aside until the
    # command ends, then is put back as it was for whoever runs next in the same process.
    ctx.with_resource(collection_paused())
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
    with writing(ctx, spec) as out:
        render("diff_stat" if stat else "diff", DiffReport(result, part), out)
    if exit_code and result["summary"]["differences"]:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


"""`sanctrack timeline`.

Thin on purpose: options are read here, the timeline is computed by `timeline.py` and drawn by
`render` (`render/timeline.py` and the format modules). No `from __future__ import annotations`: Typer would compile the annotation
strings at every start.
"""

import gc
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    DbOption, OutputSpec, SinceOption, TodayOption, UntilOption, date_parser, format_option, output,
    output_options, open_store, write_atomically,
)  # fmt: skip
from ..errors import UsageError

app = typer.Typer()

# The output options of every command, with a timeline's own formats and --output help.
TimelineFormatOption = format_option(
    "table, plain, markdown, json, jsonl, csv, tsv or svg", completion.timeline_formats
)
TimelineOutputOption = Annotated[
    Optional[str],
    typer.Option(
        "--output", "-o", metavar="FILE", show_default=False, autocompletion=completion.files,
        help="Write to FILE (its extension sets the format: .svg, .md, .json, .csv…).",
    ),
]


@app.command(context_settings={"allow_interspersed_args": True})
@output_options(fmt=TimelineFormatOption, file=TimelineOutputOption)
def timeline(
    ctx: typer.Context,
    subject: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[SUBJECT]",
            help="An entity (any name or alias, or its en- id), a jurisdiction (US, GB or UK, EU…), "
            "a program or a tag; nothing for everything.",
            show_default=False,
            autocompletion=completion.subjects,
        ),
    ] = None,
    entity: Annotated[bool, typer.Option("--entity", help="Read SUBJECT as an entity.")] = False,
    jurisdiction: Annotated[
        bool, typer.Option("--jurisdiction", help="Read SUBJECT as a jurisdiction code.")
    ] = False,
    program: Annotated[bool, typer.Option("--program", help="Read SUBJECT as a program.")] = False,
    tag: Annotated[bool, typer.Option("--tag", help="Read SUBJECT as a tag.")] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[
        Optional[int],
        typer.Option("--limit", "-n", metavar="N", min=1, help="At most N events, each with its chain.", show_default=False),
    ] = None,
    reverse: Annotated[
        bool, typer.Option("--reverse", "-r", help="Newest event first (each chain still reads forward).")
    ] = False,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """The chain of sanctions, responses and counter-measures of an entity, a jurisdiction, a
    program or a tag, in date order.

    An entity's timeline holds every event naming it under any of its names, in every
    jurisdiction, and the chain of each: its responses (with their lag, in days after the event)
    and the counter-measures answering it (an event recorded --in-response-to it, or the
    --counter-event of one of its responses), which bring their own responses. Where another
    jurisdiction designated the same entity earlier, the event says so ("GB followed US after
    340 days"). A word that could be several subjects is read as a jurisdiction, else an entity,
    else a program, else a tag, and a note on stderr says so; --entity, --jurisdiction, --program
    and --tag choose. Dates in --since/--until may be partial; an item counts when its own date
    falls in the window (partial dates: when their period overlaps it).

    Output: plain (piped): one line per item, tab-separated: date, type (event, response,
    follow), id, lag in days, the event it answers, jurisdiction or country, who, what, details.
    json: an array in date order, each event followed by its chain; every item has type, id,
    date, depth (0 for an event of the subject, 1 under it…) and lag_days; an event has
    jurisdiction, authority, action, program, legal_basis, targets, reason, summary, sources,
    tags, in_response_to, answers (the event a counter-measure answers), via (the response that
    carries it out), follows (each {entity_id, name, jurisdiction, followed, followed_event_id,
    followed_date, lag_days, text}) and, for an entity, named_as; a response has event_id, actor,
    speaker, country, kind, stance, quote, summary, sources, tags, counter_event_id. jsonl: the
    same items one per line; csv/tsv: the same flattened; markdown: a document with a table and
    its sources; svg: a chart, one lane per jurisdiction and per responder. Exit 1 when nothing
    is recorded for the subject (close names are suggested).

    Examples:

    \b
      sanctrack timeline "Integrity Technology Group"

    \b
      sanctrack timeline GB --since 2025 --until 2025-06 --format markdown

    \b
      sanctrack timeline flax-typhoon --tag --json

    \b
      sanctrack timeline en-0141 -o integrity.svg
    """
    from .. import rules, timeline as core
    from ..render import (
        FORMAT_ALIASES, TIMELINE_FORMATS, emit_timeline, format_for_path, message, visible,
    )  # fmt: skip

    forced = [name for name, on in (("entity", entity), ("jurisdiction", jurisdiction),
                                    ("program", program), ("tag", tag)) if on]  # fmt: skip
    if len(forced) > 1:
        raise UsageError(f"--{forced[0]} and --{forced[1]} contradict each other", hint="give one of them")
    output_path = spec.path
    if output_path not in (None, "-") and Path(output_path).is_dir():
        raise UsageError(f"cannot write {output_path}: it is a folder", hint="give a file name")
    if spec.format is None and not spec.json and output_path not in (None, "-"):
        spec.format = format_for_path(output_path, None, TIMELINE_FORMATS, fallback="plain")
    if spec.format is not None:
        spec.format = FORMAT_ALIASES.get(spec.format.lower(), spec.format.lower())
    out = output(ctx, spec, TIMELINE_FORMATS)
    parse = date_parser(ctx, today)
    since_day = rules.since_day(parse(since)) if since else None
    until_day = rules.until_day(parse(until)) if until else None
    store = open_store(ctx, db, lookup=True)
    chosen = core.resolve_subject(store, subject, forced[0] if forced else None)
    if chosen.note:
        message(f"note: {visible(chosen.note)}")
    # A timeline allocates thousands of small dicts that all live until they are written; the
    # collector's default pace (every 700 allocations) would walk them over and over for nothing.
    threshold = gc.get_threshold()
    gc.set_threshold(100_000, 20, 20)
    try:
        encoded = out.format in ("json", "jsonl")  # the store writes the records' JSON
        result = core.build_timeline(store, chosen, since_day, until_day, limit, reverse, encoded)
        if output_path in (None, "-"):
            emit_timeline(result, out)
        else:
            out.color = False
            out.stream = None
            _write_to(Path(output_path), result, out)
    finally:
        gc.set_threshold(*threshold)


def _write_to(path: Path, result, out) -> None:
    """Write the timeline to a file, whole or not at all."""
    from ..render import emit_timeline, message, visible

    def write(stream) -> None:
        out.stream = stream
        emit_timeline(result, out)

    write_atomically(path, write)
    if sys.stderr.isatty():
        message(f"wrote {visible(path)} ({out.format})")

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
    DbOption, FilterSpec, OutputSpec, SinceOption, TodayOption, UntilOption, date_parser,
    filter_options, format_option, output, output_options, open_store, write_atomically, writing,
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
@filter_options("action", "stance")
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
    kind: Annotated[
        Optional[str],
        typer.Option("--kind", "-k", metavar="KINDS", show_default=False, autocompletion=completion.timeline_kinds,
                     help="What to show, comma-separated: event, response, listing (default: all three)."),
    ] = None,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    filters: FilterSpec,
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
    falls in the window (partial dates: when their period overlaps it). --action keeps the
    events of that action (and the lists' designations, amendments or delistings); --stance the
    events that drew a response of that stance, each with those responses only (no list item:
    a list's act draws no response).

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

    from ..records import clean_choice
    from ..vocabulary import EVENT_ACTIONS, STANCES

    kinds = _kinds(kind)
    action = clean_choice(filters.action, EVENT_ACTIONS, "--action")
    stance = clean_choice(filters.stance, STANCES, "--stance")
    forced = [name for name, on in (("entity", entity), ("jurisdiction", jurisdiction),
                                    ("program", program), ("tag", tag)) if on]  # fmt: skip
    if len(forced) > 1:
        raise UsageError(f"--{forced[0]} and --{forced[1]} contradict each other", hint="give one of them")
    output_path = spec.path
    if output_path not in (None, "-") and Path(output_path).is_dir():
        raise UsageError(f"cannot write {output_path}: it is a folder", hint="give a file name")
    if spec.format is None and not spec.json and output_path not in (None, "-"):
        spec = spec._replace(format=format_for_path(output_path, None, TIMELINE_FORMATS, fallback="plain"))
    if spec.format is not None:
        spec = spec._replace(format=FORMAT_ALIASES.get(spec.format.lower(), spec.format.lower()))
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
        result = core.build_timeline(
            store, chosen, since_day, until_day, limit, reverse, encoded, kinds, action, stance
        )
        if output_path in (None, "-"):
            emit_timeline(result, out)
        else:
            out.color = False
            out.stream = None
            _write_to(Path(output_path), result, out)
    finally:
        gc.set_threshold(*threshold)


def _kinds(text: Optional[str]) -> tuple:
    from ..timeline import KINDS

    if text is None:
        return KINDS
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    words = [{"events": "event", "responses": "response", "listings": "listing", "list": "listing",
              "lists": "listing"}.get(w, w) for w in words]  # fmt: skip
    unknown = [w for w in words if w not in KINDS]
    if unknown or not words:
        raise UsageError(f"--kind {text!r}: {unknown[0] if unknown else 'nothing'} is not a kind",
                         hint="give event, response and/or listing, comma-separated")
    return tuple(k for k in KINDS if k in words)


LAG_COLUMNS = ("jurisdiction", "authority", "pairs", "dated", "median", "q1", "q3", "worst",
               "worst_event", "undated", "listed_before", "name_match", "not_listed")  # fmt: skip
LAG_PAIR_COLUMNS = ("jurisdiction", "authority", "event_id", "date", "name", "status", "source",
                    "listing", "listed_on", "lag_days", "text")  # fmt: skip


@app.command()
@output_options()
def lag(
    ctx: typer.Context,
    jurisdiction: Annotated[
        Optional[str], typer.Option("--jurisdiction", "-j", metavar="CODE", show_default=False,
                                    autocompletion=completion.jurisdictions,
                                    help="Only this jurisdiction's designations (US, GB or UK, EU, UN…).")
    ] = None,
    authority: Annotated[
        Optional[str], typer.Option("--authority", metavar="NAME", show_default=False,
                                    help="Only this authority's designations (as recorded).")
    ] = None,
    pairs: Annotated[
        bool, typer.Option("--pairs", help="One row per (event, target) instead of per authority.")
    ] = False,
    db: DbOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """How long announcements take to reach the official lists, per authority.

    Each recorded designation of a jurisdiction whose list is in the store, and each of its
    targets, is linked to the listing that carries it out: same entity, a list of the same
    jurisdiction (ofac-* and us-csl US, uk and uk-ofsi GB, eu EU, un UN), the first designation on
    or after the announcement by the list's own date, else by the first snapshot holding it. The
    lag is days from the announcement to the list's date; a listing first seen in a snapshot has
    no date, so its lag is unknown ("undated") and never counted. Per authority: pairs, dated
    (lags counted), median, q1 and q3 (quartiles, statistics.quantiles inclusive method), worst
    (the longest lag and its event), undated, listed_before (already on a list before the
    announcement), name_match (no entry linked, but `check` matches the target's name to an entry
    of the list: link them with edit --add-alias; no lag claimed) and not_listed (the pairs no
    list carries as of its latest snapshot; in JSON, each with its event). --pairs: one row per
    pair, for counting by hand.

    Output: plain (piped): one line per authority, tab-separated, no header: jurisdiction,
    authority, pairs, dated, median, q1, q3, worst, worst_event, undated, listed_before,
    name_match, not_listed; with --pairs: jurisdiction, authority, event_id, date, name, status, source,
    listing, listed_on, lag_days, text. json: the same rows as objects (not_listed: the pairs).

    Examples:

    \b
      sanctrack lag

    \b
      sanctrack lag --jurisdiction GB --pairs --json
    """
    from .. import records as rec
    from ..listing_history import lag_report
    from ..render import emit_rows

    code = rec.clean_code(jurisdiction, "--jurisdiction") if jurisdiction else None
    store = open_store(ctx, db, lookup=True)
    report = lag_report(store, code, authority)
    if not report:
        from ..errors import NotFound

        raise NotFound("no recorded designation of a jurisdiction whose list is in the store",
                       hint="import a list (sanctrack sources) and record its announcements")
    if pairs:
        rows = []
        for group in report:
            base = {"jurisdiction": group["jurisdiction"], "authority": group["authority"]}
            for lag in group["lags"]:
                rows.append(base | {"event_id": lag["event_id"], "date": lag["date"], "name": lag["name"],
                                    "status": "dated", "source": lag["source"], "listing": lag["listing"],
                                    "listed_on": lag["listed_on"], "lag_days": lag["lag_days"], "text": None})
            for pair in group["not_listed"]:
                rows.append(base | {"event_id": pair["event_id"], "date": pair["date"], "name": pair["name"],
                                    "status": "not_listed", "source": None, "listing": None,
                                    "listed_on": None, "lag_days": None, "text": pair["text"]})
            for pair in group["other"]:
                rows.append(base | pair)
        rows.sort(key=lambda r: (r["jurisdiction"], r["authority"], r["date"], r["event_id"], r["name"]))
        with writing(ctx, spec) as out:
            emit_rows(rows, LAG_PAIR_COLUMNS, out)
        return
    rows = [
        {k: v for k, v in group.items() if k != "other"}
        | {"worst": group["worst"]["lag_days"] if group["worst"] else None,
           "worst_event": group["worst"]["event_id"] if group["worst"] else None}
        | ({"not_listed": len(group["not_listed"])} if not (spec.json or spec.format in ("json", "jsonl")) else {})
        for group in report
    ]  # fmt: skip
    with writing(ctx, spec) as out:
        emit_rows(rows, LAG_COLUMNS, out)


def _write_to(path: Path, result, out) -> None:
    """Write the timeline to a file, whole or not at all."""
    from ..render import emit_timeline, message, visible

    def write(stream) -> None:
        out.stream = stream
        emit_timeline(result, out)

    write_atomically(path, write)
    if sys.stderr.isatty():
        message(f"wrote {visible(path)} ({out.format})")

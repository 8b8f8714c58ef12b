"""`sanctrack search` and `sanctrack check`."""

import sys
from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    SEARCH_TYPES, DbOption, FilterSpec, OutputSpec, TodayOption, date_parser, filter_options,
    output_options, record_filter, open_store, writing,
)  # fmt: skip
from ..errors import ExitCode

app = typer.Typer()

SEARCH_COLUMNS = ("type", "id", "date", "title", "snippet")
RECENT_TYPES = ("event", "response")

LimitOption = Annotated[int, typer.Option("--limit", "-n", metavar="N", help="At most N hits.")]

HITS_OUTPUT = """Output: plain (piped): one line per hit, tab-separated, no header: type (event,
    response, entity, listing), id, date, title, snippet. json: an array of hits, best first, each
    {type, id, date, title, snippet, …} and total (how many matched in all; total_exact false when
    that is a lower bound); jsonl the same one a line; csv/tsv the plain columns with a header.
    When hits were left out, a line on stderr says how many ("50 of 1,051 hits shown")."""


@app.command()
@output_options()
@filter_options("type", "jurisdiction", "authority", "program", "action", "stance", "since", "until")
def search(
    ctx: typer.Context,
    query: Annotated[
        Optional[str], typer.Argument(metavar="[QUERY]", help="Words, a name, an alias, words of a quote; none: filters alone.", show_default=False)
    ] = None,
    limit: LimitOption = 50,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    filters: FilterSpec,
    spec: OutputSpec,
) -> None:
    """Find events, responses and entities by any word, name or alias; exit 1 when nothing matches.

    A name finds its entity and every event naming it under any of its names, with the responses
    to them. Words match by prefix, case and accents aside. Without QUERY, the filters alone
    choose, newest first (as `sanctrack recent`).

    {output}

    Examples:

    \b
      sanctrack search "yongxin zhicheng"
      sanctrack search "guo jiakun" --type response --since 2025-12 --json
      sanctrack search "integrity tech" --jurisdiction UK
      sanctrack search --stance rejects --since 2025
    """
    filters = record_filter(ctx, today, SEARCH_TYPES, filters)
    if query is None:
        if filters == type(filters)():
            from ..errors import UsageError

            raise UsageError("give words to search for, or a filter", hint='sanctrack search "integrity tech", or sanctrack recent')
        _list_hits(ctx, None, filters, limit, db, spec)
    else:
        _list_hits(ctx, query, filters, limit, db, spec)


search.__doc__ = search.__doc__.replace("{output}", HITS_OUTPUT)


@app.command()
@output_options()
@filter_options("type", "jurisdiction", "authority", "program", "action", "stance", "since", "until", types=RECENT_TYPES)
def recent(
    ctx: typer.Context,
    limit: LimitOption = 20,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    filters: FilterSpec,
    spec: OutputSpec,
) -> None:
    """The latest events and responses, newest first, with the filters of search; exit 1 when
    none.

    {output}

    Examples:

    \b
      sanctrack recent
      sanctrack recent --jurisdiction GB --since 2025
      sanctrack recent --type response --stance rejects -n 5 --json
    """
    filters = record_filter(ctx, today, RECENT_TYPES, filters)
    _list_hits(ctx, None, filters, limit, db, spec)


recent.__doc__ = recent.__doc__.replace("{output}", HITS_OUTPUT)


def _list_hits(ctx, query, filters, limit, db, spec: OutputSpec) -> None:
    """Search (or, without a query, the latest records), write the hits, say how many were left
    out; exit 1 without hits."""
    from ..render import emit_rows, message
    from ..search import recent as run_recent, search as run_search

    store = open_store(ctx, db, lookup=True)
    hits = run_search(store, query, filters, limit) if query is not None else run_recent(store, filters, limit)
    with writing(ctx, spec) as out:
        if out.format in ("json", "jsonl"):
            rows = [dict(hit, total=hits.total, total_exact=hits.total_exact) for hit in hits]
        else:
            rows = hits
        if not hits and out.format not in ("json", "jsonl", "csv", "tsv"):
            message("no match")
        elif hits or out.format in ("json", "csv", "tsv"):
            emit_rows(rows, SEARCH_COLUMNS, out)
    if len(hits) < hits.total:
        of = f"{hits.total:,}" if hits.total_exact else f"at least {hits.total:,}"
        message(f"{len(hits)} of {of} hits shown; --limit N shows more")
    if not hits:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


@app.command()
@output_options()
def check(
    ctx: typer.Context,
    name: Annotated[
        Optional[str],
        typer.Argument(metavar="[NAME]", help="A person's, company's, vessel's… name or alias (or --file).",
                       show_default=False, autocompletion=completion.entity_names),
    ] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The day to answer for (default: the reference day).")] = None,
    jurisdiction: Annotated[
        Optional[str],
        typer.Option(help="Only sanctions of this sender: US, GB (UK), EU…", autocompletion=completion.jurisdictions),
    ] = None,
    threshold: Annotated[
        Optional[float],
        typer.Option("--threshold", min=0, max=100, help="The least score (0-100) that counts as a match [default: 85]."),
    ] = None,
    exact: Annotated[bool, typer.Option("--exact", help="Only names whose key is the same (score 100): no screening.")] = False,
    file: Annotated[
        Optional[str],
        typer.Option("--file", autocompletion=completion.files, help="Screen every name of FILE ('-': standard input): one per line, or a CSV with a header."),
    ] = None,
    column: Annotated[
        Optional[str], typer.Option("--column", help="With --file: the CSV column holding the names [default: name].")
    ] = None,
    fuzzy: Annotated[bool, typer.Option("--fuzzy", hidden=True, help="Kept for old scripts: screening is the default.")] = False,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """Is this name under sanctions (now, or on --as-of), by whom, since when? Exit 0 yes, 1 no.

    Names are screened: word order, case, accents, punctuation, legal forms, middle names
    dropped or added, transliterations, other scripts, look-alike letters and typos are matched,
    each match with a score (100 exact, strong from 95, near from --threshold). Any name or alias
    of the same entity counts. A delisting ends a sanction from its date on. Partial dates of
    records count from the first day of their period; a partial --as-of is the state at the end of
    its period (--as-of 2020q3 is 2020-09-30), as in diff's CODE@DATE. With --file, one process
    screens every name: one row (or JSON line) per name, exit 0 if any matched.

    Output: plain (piped): one line per sanction in force, tab-separated, no header:
    jurisdiction, authority, program, since, matched_name, name, source, score, match; then a
    line per sanction ended, starting "ended": jurisdiction, authority, program, since, until,
    ended_by; the verdict goes to stderr. With --file, a line per match (or one for a name
    without): query, sanctioned, score, match, matched_name, name, jurisdiction, authority,
    program, since, source, error. json: the answer whole (docs/JSON.md, check).

    Examples:

    \b
      sanctrack check "Integrity Technology Group"
      sanctrack check "Yongxin Zhicheng Technology Group" --as-of 2024-12-31 \\
        --json
      sanctrack check "Dmitriy Yureyvich Khoroshev" --jurisdiction GB \\
        --threshold 90
      sanctrack check --file customers.csv --column full_name --format csv
    """
    from ..errors import UsageError
    from ..search import DEFAULT_THRESHOLD

    code = None
    if jurisdiction is not None:  # records.py loads only then (start-up: issue 14)
        from ..records import clean_code

        code = clean_code(jurisdiction, "--jurisdiction")
    if (name is None) == (file is None):
        raise UsageError(
            "give a name or --file, not both" if name is not None else "give a name to check, or --file",
            hint='sanctrack check "Integrity Technology Group", or sanctrack check --file names.txt',
        )
    if column is not None and file is None:
        raise UsageError("--column goes with --file", hint="sanctrack check --file names.csv --column name")
    if exact and threshold is not None:
        raise UsageError("--exact and --threshold do not go together", hint="--exact matches score 100 only")
    if as_of:
        from ..rules import as_of_day

        day = as_of_day(date_parser(ctx, today)(as_of))
    else:
        from ..dates import reference_day
        from .common import settings

        day = reference_day(today or settings(ctx).today).isoformat()
    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    if file is not None:
        _check_file(ctx, file, column, day, code, exact, cut, db, spec)
        return
    from ..render import emit_check
    from ..search import check as run_check

    store = open_store(ctx, db, lookup=True)
    result = run_check(store, name, day, code, exact, cut)
    _note_failed_verify(store, result)
    with writing(ctx, spec) as out:
        emit_check(result, out)
    if not result["sanctioned"]:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


def _check_file(ctx, file, column, day, code, exact, threshold, db, spec: OutputSpec) -> None:
    """`check --file`: every name of the file screened in this one process."""
    from ..errors import UsageError
    from ..render import emit_check_batch, progress_counter
    from ..search import check_many, read_names

    if file == "-":
        data = sys.stdin.buffer.read()
        source = "standard input"
    else:
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as err:
            raise UsageError(f"cannot read {file}: {err.strerror}", hint="give a readable file, or - for standard input") from None
        source = file
    names = read_names(data, column, source)
    store = open_store(ctx, db, lookup=True)
    _note_failed_verify(store, {})
    matched = False
    with writing(ctx, spec) as out, progress_counter("screening") as progress:

        def results():
            nonlocal matched
            for result in check_many(store, names, day, code, exact, threshold, progress):
                matched = matched or bool(result.get("sanctioned"))
                yield result

        emit_check_batch(results(), out)
    if not matched:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


def _note_failed_verify(store, result: dict) -> None:
    """A store that failed its last `verify` may hide records (a damaged index): the answer says
    so, on stderr and as `store_failed_verify` in JSON."""
    from ..verify import last_failure

    failure = last_failure(store.path)
    if failure is None:
        return
    from ..render import message

    result["store_failed_verify"] = failure
    message(
        f"Warning: the store failed its last verify ({failure.get('at')}: {failure.get('first')});"
        " this answer may miss records. Run 'sanctrack verify'."
    )

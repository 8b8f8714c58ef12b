"""`sanctrack search` and `sanctrack check`."""

import sys
from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    DbOption, FormatOption, JsonOption, NoColorOption, OutputOption, SinceOption, TodayOption, UntilOption, date_parser, record_filter, open_store, writing,
)  # fmt: skip
from ..errors import ExitCode

app = typer.Typer()

SEARCH_COLUMNS = ("type", "id", "date", "title", "snippet")
SEARCH_TYPES = ("event", "response", "entity", "listing")


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words, a name, an alias, words of a quote.")],
    record_type: Annotated[
        Optional[str],
        typer.Option("--type", help="event, response, entity or listing.", autocompletion=completion.choices(SEARCH_TYPES)),
    ] = None,
    jurisdiction: Annotated[
        Optional[str], typer.Option(help="Only this sender: US, GB (UK), EU…", autocompletion=completion.jurisdictions)
    ] = None,
    authority: Annotated[Optional[str], typer.Option(help="Only authorities containing this text.")] = None,
    program: Annotated[Optional[str], typer.Option(help="Only this program.")] = None,
    action: Annotated[
        Optional[str],
        typer.Option(help="designation, delisting, amendment, renewal or other.", autocompletion=completion.actions),
    ] = None,
    stance: Annotated[
        Optional[str], typer.Option(help="Only responses with this stance.", autocompletion=completion.stances)
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many hits.")] = 50,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
    output: OutputOption = None,
) -> None:
    """Find events, responses and entities by any word, name or alias; exit 1 when nothing matches.

    A name finds its entity and every event naming it under any of its names, with the responses
    to them. Words match by prefix, case and accents aside.

    Examples:

      sanctrack search "yongxin zhicheng"

      sanctrack search "guo jiakun" --type response --since 2025-12 --json

      sanctrack search "integrity tech" --jurisdiction UK
    """
    from ..render import emit_rows, message
    from ..search import search as run_search

    filters = record_filter(
        ctx, today, SEARCH_TYPES, record_type=record_type, jurisdiction=jurisdiction,
        authority=authority, program=program, action=action, stance=stance, since=since, until=until,
    )  # fmt: skip
    hits = run_search(open_store(ctx, db, lookup=True), query, filters, limit)
    with writing(ctx, fmt, as_json, no_color, output) as out:
        if not hits and out.format not in ("json", "jsonl", "csv", "tsv"):
            message("no match")
        elif hits or out.format in ("json", "csv", "tsv"):
            emit_rows(hits, SEARCH_COLUMNS, out)
    if not hits:
        raise typer.Exit(int(ExitCode.NOT_FOUND))


@app.command()
def check(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A person's, company's, vessel's… name or alias.")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The day to answer for (default: the reference day).")] = None,
    jurisdiction: Annotated[
        Optional[str],
        typer.Option(help="Only sanctions of this sender: US, GB (UK), EU…", autocompletion=completion.jurisdictions),
    ] = None,
    fuzzy: Annotated[bool, typer.Option("--fuzzy", help="Also near names (transliteration variants), with a score.")] = False,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
    output: OutputOption = None,
) -> None:
    """Is this name under sanctions (now, or on --as-of), by whom, since when? Exit 0 yes, 1 no.

    Any name or alias of the same entity counts. A delisting ends a sanction from its date on.
    Partial dates count from the first day of their period.

    Examples:

      sanctrack check "Integrity Technology Group"

      sanctrack check "Yongxin Zhicheng Technology Group" --as-of 2024-12-31 --json

      sanctrack check "Dmitriy Yureyvich Khoroshev" --fuzzy --jurisdiction GB
    """
    from ..dates import reference_day
    from ..records import clean_code
    from ..render import emit_check
    from ..search import check as run_check

    code = clean_code(jurisdiction, "--jurisdiction")
    if as_of:
        from ..rules import check_as_of_day

        day = check_as_of_day(date_parser(ctx, today)(as_of))
    else:
        from .common import settings

        day = reference_day(today or settings(ctx).today).isoformat()
    store = open_store(ctx, db, lookup=True)
    result = run_check(store, name, day, code, fuzzy)
    _note_failed_verify(store, result)
    with writing(ctx, fmt, as_json, no_color, output) as out:
        emit_check(result, out)
    if not result["sanctioned"]:
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

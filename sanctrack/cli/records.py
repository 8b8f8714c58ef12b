"""Recording and fixing records: `add event`, `add response`, `show`, `edit`, `delete`, `undo`, `log`."""

import sys
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from . import completion
from .common import (
    DbOption, JsonOption, ListOption, OutputSpec, RecordFormatOption, TextOption, TodayOption,
    date_parser, open_store, output, output_options, settings, writing,
)  # fmt: skip

app = typer.Typer()
add_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Record a sanctions event or a response to one.",
)
app.add_typer(add_app, name="add")

# -- add ----------------------------------------------------------------------------------------------


def _targets_from_argv(argv: list[str]) -> list[dict]:
    """Group --alias/--target-kind/--target-country with the --target before them, in argv order."""
    targets: list[dict] = []
    options = {
        "--target": "name",
        "--alias": "aliases",
        "--target-kind": "kind",
        "--target-country": "country",
    }
    i = 0
    while i < len(argv):
        arg = argv[i]
        option, value = arg, None
        if arg.startswith("--") and "=" in arg:
            option, value = arg.split("=", 1)
        if option in options:
            if value is None:
                i += 1
                value = argv[i] if i < len(argv) else ""
            field = options[option]
            if field == "name":
                targets.append({"name": value, "aliases": []})
            elif not targets:
                raise UsageError(f"{option} must follow the --target it describes")
            elif field == "aliases":
                targets[-1]["aliases"].append(value)
            else:
                if targets[-1].get(field) is not None:
                    raise UsageError(f"{option} given twice for the target {targets[-1]['name']!r}")
                targets[-1][field] = value
        elif arg == "--":
            break
        i += 1
    return targets


def _print_added(ctx: typer.Context, result, what: str, spec: OutputSpec, today: str | None) -> None:
    from ..render import RECORD_FORMATS, emit_record, message, visible

    record = result.record
    if not result.created:
        message(f"{what} {record['id']} is already recorded; nothing changed")
    if spec.json or spec.format is not None:
        emit_record(record, output(ctx, spec, RECORD_FORMATS))
    else:
        sys.stdout.write(record["id"] + "\n")
        if result.created and sys.stderr.isatty():
            message(f"recorded {what} {record['id']} ({visible(record['date'])})")
    if result.created:
        warn_dates(ctx, today, record)


@add_app.command("event", context_settings={"allow_interspersed_args": True})
@output_options(fmt=RecordFormatOption, file=None)
def add_event(
    ctx: typer.Context,
    date: Annotated[str, typer.Option(help="When: 2025-01-03, 2025-01, 3 Jan 2025, friday…")],
    authority: Annotated[str, typer.Option(help="The imposing body, as written.")],
    jurisdiction: Annotated[
        str, typer.Option(help="Code of the sender: US, GB (UK), EU, UN, CN…", autocompletion=completion.jurisdictions)
    ],
    target: Annotated[list[str], typer.Option(help="A target's name (repeatable).")],
    alias: Annotated[Optional[list[str]], typer.Option(help="Another name of the target before it (repeatable).")] = None,
    target_kind: Annotated[
        Optional[list[str]],
        typer.Option(
            help="Kind of the target before it: person, company, organization, vessel, aircraft, government-body, group.",
            autocompletion=completion.target_kinds,
        ),
    ] = None,
    target_country: Annotated[
        Optional[list[str]],
        typer.Option(help="Country code of the target before it.", autocompletion=completion.countries),
    ] = None,
    action: Annotated[
        str, typer.Option(help="designation, delisting, amendment, renewal or other.", autocompletion=completion.actions)
    ] = "designation",
    program: TextOption = None,
    legal_basis: TextOption = None,
    reason: TextOption = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="A source URL (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="A tag (repeatable).")] = None,
    in_response_to: Annotated[
        Optional[str],
        typer.Option(help="The event this one answers (a counter-sanction).", autocompletion=completion.record_ids("ev-")),
    ] = None,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """Record a sanctions event; prints its id.

    Each --alias, --target-kind and --target-country applies to the --target before it.

    Output: plain (--format plain): the record as `show` prints it (one line per field,
    tab-separated, no header: the field's name, its value; then one line per part). json: the
    record whole (docs/JSON.md). Without --format or --json: the new record's id alone on stdout.

    Examples:

    
      sanctrack add event --date 2025-01-03 \\
        --authority "US Department of the Treasury, OFAC" --jurisdiction US \\
        --target "Integrity Technology Group" \\
        --alias "Yongxin Zhicheng Technology Group" \\
        --target-kind company --target-country CN

    
      sanctrack add event --date "9 Dec 2025" --authority "UK FCDO" \\
        --jurisdiction UK \\
        --target "Sichuan Anxun Information Technology" \\
        --target "Integrity Technology Group Incorporated" --json
    """
    from .. import core

    targets = _grouped_targets(ctx, target, bool(alias or target_kind or target_country))
    values = {
        "date": date,
        "authority": authority,
        "jurisdiction": jurisdiction,
        "action": action,
        "program": program,
        "legal_basis": legal_basis,
        "targets": targets,
        "reason": reason,
        "summary": summary,
        "sources": source or [],
        "tags": tag or [],
        "in_response_to": in_response_to,
    }
    store = open_store(ctx, db)
    result = core.add_event(store, values, date_parser(ctx, today))
    _print_added(ctx, result, "event", spec, today)


def _grouped_targets(ctx: typer.Context, names: list[str], described: bool) -> list[dict]:
    """The targets with their aliases, kinds and countries, grouped as they were typed."""
    argv = getattr(ctx.find_root().command, "argv", None)
    targets = _targets_from_argv(argv) if argv is not None else []
    if [t["name"] for t in targets] == list(names):
        return targets
    if described:
        raise UsageError(
            "cannot tell which --target each --alias, --target-kind or --target-country describes",
            hint="write each as --option=VALUE right after its --target",
        )
    return [{"name": name, "aliases": []} for name in names]


@add_app.command("response")
@output_options(fmt=RecordFormatOption, file=None)
def add_response(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option("--to", help="The event answered (id or unambiguous prefix).", autocompletion=completion.record_ids("ev-")),
    ],
    date: Annotated[str, typer.Option(help="When: 2025-01-06, 2025-01, monday…")],
    actor: Annotated[str, typer.Option(help="The responding body.")],
    speaker: TextOption = None,
    country: Annotated[
        Optional[str], typer.Option(help="Code of the responder: CN, RU…", autocompletion=completion.countries)
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            help="statement, press-conference, diplomatic-protest, filing, legal-challenge, countermeasure or other.",
            autocompletion=completion.response_kinds,
        ),
    ] = "statement",
    stance: Annotated[
        Optional[str],
        typer.Option(
            help="rejects, denies, condemns, threatens, complies, welcomes or neutral.",
            autocompletion=completion.stances,
        ),
    ] = None,
    quote: Annotated[Optional[str], typer.Option(help="The words, verbatim.")] = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="A source URL (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="A tag (repeatable).")] = None,
    counter_event: Annotated[
        Optional[str],
        typer.Option(
            help="For a countermeasure: the event that carries it out.",
            autocompletion=completion.record_ids("ev-"),
        ),
    ] = None,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """Record an official response to an event; prints its id.

    Output: plain (--format plain): the record as `show` prints it (one line per field,
    tab-separated, no header: the field's name, its value; then one line per part). json: the
    record whole (docs/JSON.md). Without --format or --json: the new record's id alone on stdout.

    Examples:

    
      sanctrack add response --to ev-ed50 --date 2025-01-06 \\
        --actor "Integrity Technology Group" --kind filing --stance denies \\
        --quote "The company firmly opposes…"

    
      sanctrack add response --to ev-de2b --date 2025-12-10 \\
        --actor "PRC Ministry of Foreign Affairs" --speaker "Guo Jiakun" \\
        --country CN \\
        --kind press-conference --stance rejects --json
    """
    from .. import core

    values = {
        "event_id": to,
        "date": date,
        "actor": actor,
        "speaker": speaker,
        "country": country,
        "kind": kind,
        "stance": stance,
        "quote": quote,
        "summary": summary,
        "sources": source or [],
        "tags": tag or [],
        "counter_event_id": counter_event,
    }
    store = open_store(ctx, db)
    result = core.add_response(store, values, date_parser(ctx, today))
    _print_added(ctx, result, "response", spec, today)


# -- show, edit, delete, undo, log ---------------------------------------------------------------------


@app.command()
@output_options(fmt=RecordFormatOption)
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="An ev-, rs- or en- id, or an unambiguous prefix.",
            autocompletion=completion.record_ids("ev-", "rs-", "en-"),
        ),
    ],
    db: DbOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """Show one record whole: an event with its targets and responses, a response with its
    event, an entity with its names and events.

    Output: plain (piped): one line per field, tab-separated, no header: the field's name, its
    value (lists joined with "; "); then one line per part, starting with what it is: target
    (name, kind, country, entity_id, aliases), response (id, date, lag_days, actor, speaker,
    kind, stance, quote), known_as, event, listing, list_history, list_link, counter_event.
    json: the record whole (docs/JSON.md).

    Examples:

    
      sanctrack show ev-ed50

    
      sanctrack show en-0141 --json
    """
    from .. import core
    from ..render import RECORD_FORMATS, emit_record

    record = core.show(open_store(ctx, db, lookup=True), record_id)
    with writing(ctx, spec, RECORD_FORMATS) as out:
        emit_record(record, out)


@app.command(context_settings={"allow_interspersed_args": True})
@output_options(fmt=RecordFormatOption, file=None)
def edit(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The event or response to change.", autocompletion=completion.record_ids("ev-", "rs-")
        ),
    ],
    date: TextOption = None,
    authority: TextOption = None,
    jurisdiction: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.jurisdictions)] = None,
    action: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.actions)] = None,
    program: TextOption = None,
    legal_basis: TextOption = None,
    target: Annotated[Optional[list[str]], typer.Option(help="Replace the targets (with --alias, --target-kind, --target-country).")] = None,
    alias: ListOption = None,
    target_kind: Annotated[Optional[list[str]], typer.Option(show_default=False, autocompletion=completion.target_kinds)] = None,
    target_country: Annotated[Optional[list[str]], typer.Option(show_default=False, autocompletion=completion.countries)] = None,
    reason: TextOption = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="Replace the sources (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="Replace the tags (repeatable).")] = None,
    in_response_to: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.record_ids("ev-"))] = None,
    to: Annotated[
        Optional[str], typer.Option("--to", help="A response's event.", autocompletion=completion.record_ids("ev-"))
    ] = None,
    actor: TextOption = None,
    speaker: TextOption = None,
    country: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.countries)] = None,
    kind: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.response_kinds)] = None,
    stance: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.stances)] = None,
    quote: TextOption = None,
    counter_event: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.record_ids("ev-"))] = None,
    add_alias: Annotated[Optional[list[str]], typer.Option(metavar="ALIAS", help="TARGET=ALIAS: give the target named TARGET the other name ALIAS (repeatable).", show_default=False, autocompletion=completion.target_aliases(False))] = None,
    remove_alias: Annotated[Optional[list[str]], typer.Option(metavar="ALIAS", help="TARGET=ALIAS: take the name ALIAS from the target named TARGET (repeatable).", show_default=False, autocompletion=completion.target_aliases(True))] = None,
    add_tag: Annotated[Optional[list[str]], typer.Option(metavar="TAG", help="Add a tag (repeatable).", show_default=False, autocompletion=completion.list_values("tags", False))] = None,
    remove_tag: Annotated[Optional[list[str]], typer.Option(metavar="TAG", help="Remove a tag (repeatable).", show_default=False, autocompletion=completion.list_values("tags", True))] = None,
    add_source: Annotated[Optional[list[str]], typer.Option(metavar="URL", help="Add a source URL (repeatable).", show_default=False, autocompletion=completion.list_values("sources", False))] = None,
    remove_source: Annotated[Optional[list[str]], typer.Option(metavar="URL", help="Remove a source URL (repeatable).", show_default=False, autocompletion=completion.list_values("sources", True))] = None,
    db: DbOption = None,
    today: TodayOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """Change fields of an event or a response (the old values are logged; `undo` restores them).

    An empty value clears an optional field; --source, --tag and --target replace the whole list;
    --add-… and --remove-… change one item. Prints the id, and on stderr each change as
    'field: old → new' (or that nothing changed).

    Output: plain (--format plain): the record as `show` prints it (one line per field,
    tab-separated, no header: the field's name, its value; then one line per part). json: the
    record whole with `changes` ({field, old, new}) and `change` (docs/JSON.md). Without --format or --json: the record's id alone on stdout.

    Examples:

    
      sanctrack edit ev-ed50 --program CYBER2 \\
        --legal-basis "E.O. 13694, as amended"

    
      sanctrack edit ev-de2b --add-alias \\
      "Integrity Technology Group Incorporated=Yongxin Zhicheng Technology Group"

    
      sanctrack edit rs-1723 --stance rejects --add-tag guo-jiakun
    """
    from .. import core
    from ..render import RECORD_FORMATS, emit_record

    given = {
        "date": date, "authority": authority, "jurisdiction": jurisdiction, "action": action,
        "program": program, "legal_basis": legal_basis, "reason": reason, "summary": summary,
        "in_response_to": in_response_to, "event_id": to, "actor": actor, "speaker": speaker,
        "country": country, "kind": kind, "stance": stance, "quote": quote,
        "counter_event_id": counter_event,
    }  # fmt: skip
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if source is not None:
        changes["sources"] = source
    if tag is not None:
        changes["tags"] = tag
    if target:
        changes["targets"] = _grouped_targets(ctx, target, bool(alias or target_kind or target_country))
    elif alias or target_kind or target_country:
        raise UsageError("--alias, --target-kind and --target-country follow a --target")
    list_edits = {
        ("add", "aliases"): [_target_alias("--add-alias", v) for v in add_alias or []],
        ("remove", "aliases"): [_target_alias("--remove-alias", v) for v in remove_alias or []],
        ("add", "tags"): add_tag, ("remove", "tags"): remove_tag,
        ("add", "sources"): add_source, ("remove", "sources"): remove_source,
    }  # fmt: skip
    out = output(ctx, spec, RECORD_FORMATS)
    store = open_store(ctx, db)
    result = core.edit(store, record_id, changes, date_parser(ctx, today), list_edits)
    if out.format in ("json", "jsonl"):
        emit_record(result.as_dict(), out)
    elif spec.json or spec.format is not None:
        emit_record(result.record, out)
    else:
        sys.stdout.write(result.record["id"] + "\n")
    _tell_changes(result)
    if result.change is not None:
        warn_dates(ctx, today, result.record)


def _target_alias(option: str, value: str) -> tuple[str, str]:
    """TARGET=ALIAS of --add-alias and --remove-alias."""
    target, sep, alias = value.partition("=")
    if not sep or not target.strip() or not alias.strip():
        raise UsageError(
            f"{option} {value!r}: expected TARGET=ALIAS",
            hint=f'e.g. {option} "Integrity Technology Group=Yongxin Zhicheng Technology Group"',
        )
    return target.strip(), alias.strip()


def _tell_changes(result) -> None:
    """What an edit changed, on stderr: one line per field, or that nothing did."""
    from ..render import message
    from ..render.changes import change_text

    record_id = result.record["id"]
    if result.change is None:
        message(f"{record_id}: nothing changed")
        return
    for change in result.changes:
        message(f"{record_id} {change_text(change)}")


def warn_dates(ctx: typer.Context, today: str | None, record: dict) -> None:
    """Warn on stderr, one line each, of a record dated in the future or a response dated before
    its event (core.date_warnings); the record is saved all the same."""
    from .. import core
    from ..render import message

    for warning in core.date_warnings(record, reference_day(ctx, today)):
        message(f"Warning: {warning}")


def reference_day(ctx: typer.Context, today: str | None):
    """The day that is 'today' for this command: --today, else $SANCTRACK_TODAY, else today."""
    from ..dates import reference_day as day

    return day(today or settings(ctx).today)


@app.command()
def delete(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The event or response to remove.", autocompletion=completion.record_ids("ev-", "rs-")
        ),
    ],
    cascade: Annotated[bool, typer.Option("--cascade", help="Also delete the event's responses, and unlink the records in response to it or countering with it.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove an event (with its targets) or a response; `undo` brings it back.

    Examples:

    
      sanctrack delete rs-1723

    
      sanctrack delete ev-ed50 --cascade
    """
    from .. import core
    from ..render import message
    from ..render.json import write_document

    store = open_store(ctx, db)
    result = core.delete(store, record_id, cascade=cascade)
    if as_json:
        write_document(result, sys.stdout)
    else:
        sys.stdout.write("\n".join(result["deleted"]) + "\n")
        if result.get("unlinked"):
            message(f"unlinked {', '.join(result['unlinked'])}, which pointed at the deleted event")
        message(f"deleted {len(result['deleted'])} record(s); 'sanctrack undo' restores them")


@app.command()
def undo(
    ctx: typer.Context,
    change_id: Annotated[
        Optional[int],
        typer.Argument(metavar="[CHANGE_ID]", help="The change to revert (its number in 'sanctrack log'); default: the latest not yet undone.", show_default=False, autocompletion=completion.change_ids),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revert a change: CHANGE_ID (ids shown by 'sanctrack log') if no later change built on it,
    else the latest change not yet undone (run it again to go further back). Prints what it
    reverted.

    Examples:

    \b
      sanctrack undo

    \b
      sanctrack undo 42 --json
    """
    from .. import core
    from ..render import visible
    from ..render.json import write_document

    store = open_store(ctx, db)
    result = core.undo(store, change_id)
    if as_json:
        write_document(result, sys.stdout)
    else:
        undone = result["undone"]
        sys.stdout.write(f"undid change #{undone['id']}: {visible(undone['summary'])}\n")


@app.command("log")
@output_options()
def log_command(
    ctx: typer.Context,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="Show at most N changes.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also what each change did, as 'field: old → new' (with --json: the old and new rows).")] = False,
    db: DbOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """The change history: every add, edit, delete, import and undo, newest first.

    Output: plain (piped): one line per change, tab-separated, no header: id, at (UTC), user,
    command, summary, undoes, undone_by; with -v one line per field changed: change, command,
    record, what ('field: old → new'). json: the changes as objects (with -v, their old and new
    rows).

    Examples:

    
      sanctrack log -n 10

    
      sanctrack log -v -n 1

    
      sanctrack log --json
    """
    from .. import core
    from ..render import emit_rows

    changes = core.history(open_store(ctx, db), limit, with_rows=verbose)
    columns = ("id", "at", "user", "command", "summary", "undoes", "undone_by")
    with writing(ctx, spec) as out:
        if verbose and out.format not in ("json", "jsonl"):
            from ..render.changes import log_rows

            # In words, as 'field: old → new'; --json keeps the store's rows whole.
            changes = list(log_rows(changes))
            columns = ("change", "command", "record", "what")
        emit_rows(changes, columns, out)


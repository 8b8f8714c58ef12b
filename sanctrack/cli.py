"""The command line: parse options, call the core, hand the result to a renderer.

Nothing here computes or speaks SQL. Errors are turned into exit codes in one place,
`SanctrackGroup.main`. Heavy modules (Rich, sqlite-utils) are imported by the code that needs them,
never when this module loads.
"""


import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from . import __version__
from .errors import ExitCode, SanctrackError, StoreError, UsageError


class SanctrackGroup(TyperGroup):
    """The one place where errors become an `Error: …` line and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from .render import error_line

        # Kept so that options whose order matters (--alias after its --target) can be regrouped.
        self.argv = list(args) if args is not None else sys.argv[1:]
        try:
            result = super().main(
                args=args,
                prog_name="sanctrack",  # also under test runners, which pass their own
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into Exit(130) on its own
                raise KeyboardInterrupt
        except SanctrackError as err:
            error_line(err.message, err.hint)
            code = int(err.exit_code)
        except NoArgsIsHelpError as err:
            # `sanctrack` or `sanctrack add` alone: the overview is what was asked for.
            sys.stdout.write(err.format_message() + "\n")
            code = 0
        except ClickException as err:
            hint = None
            ctx = getattr(err, "ctx", None)
            if ctx is not None:
                hint = f"see '{ctx.command_path} --help'"
            error_line(err.format_message(), hint)
            code = err.exit_code
        except (KeyboardInterrupt, typer.Abort):
            sys.stderr.write("Interrupted: nothing was written by the unfinished command.\n")
            code = int(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`| head`): say nothing more, and keep Python from complaining.
            sys.stdout = open(os.devnull, "w")
            code = 1
        except sqlite3.DatabaseError as err:
            if os.environ.get("SANCTRACK_DEBUG"):
                raise
            error_line(f"the store cannot be used: {err}", "restore it from a backup")
            code = int(StoreError.exit_code)
        except Exception as err:
            if os.environ.get("SANCTRACK_DEBUG"):
                raise
            error_line(
                f"unexpected {type(err).__name__}: {err}",
                "this is a bug in sanctrack; rerun with SANCTRACK_DEBUG=1 for the traceback",
            )
            code = 70
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=SanctrackGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
add_app = typer.Typer(
    cls=SanctrackGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Record a sanctions event or a response to one.",
)
app.add_typer(add_app, name="add")


# -- options defined once ---------------------------------------------------------------------------

DbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        metavar="PATH",
        help="The store (default: $SANCTRACK_DB, else sanctrack.db in the user data folder).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, plain, json, jsonl, csv or tsv (default: table on a terminal, plain when piped).",
        show_default=False,
    ),
]
RecordFormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, plain, json or jsonl (default: table on a terminal, plain when piped).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (as NO_COLOR does).")]
TodayOption = Annotated[
    Optional[str],
    typer.Option(
        "--today",
        metavar="DATE",
        help="The reference day for relative dates (default: $SANCTRACK_TODAY, else today).",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE, whole or not at all; its extension (.json, .jsonl, .csv, .tsv, .md, .svg) names the format.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="From this date on (inclusive; 2025 = from 2025-01-01).", show_default=False),
]
UntilOption = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="Up to this date (inclusive; 2025-06 = to 2025-06-30).", show_default=False),
]
ListOption = Annotated[Optional[list[str]], typer.Option(show_default=False)]
TextOption = Annotated[Optional[str], typer.Option(show_default=False)]


@dataclass
class Settings:
    db: Path | None = None
    today: str | None = None
    no_color: bool = False


def _settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def _store(ctx: typer.Context, db: Path | None):
    from .store import Store

    store = Store.open(db or _settings(ctx).db)
    ctx.call_on_close(store.close)
    return store


def _date_parser(ctx: typer.Context, today: str | None):
    """A date reader bound to the reference day, which is looked up only if a date is relative."""
    from .dates import PartialDate, parse_date, reference_day

    reference = None

    def parse(text: str):
        nonlocal reference
        try:
            return PartialDate.from_iso(text.strip())
        except SanctrackError:
            if reference is None:
                reference = reference_day(today or _settings(ctx).today)
            return parse_date(text, today=reference)

    return parse


def _output(ctx: typer.Context, fmt: str | None, as_json: bool, no_color: bool, allowed=None):
    from .render import LISTING_FORMATS, output

    return output(fmt, as_json, no_color or _settings(ctx).no_color, allowed or LISTING_FORMATS)


@contextmanager
def _writing(ctx: typer.Context, fmt, as_json: bool, no_color: bool, path, allowed=None):
    """The Output of a listing command: stdout, or with --output a file written atomically in
    the format its extension names (unless --format says otherwise)."""
    from .render import LISTING_FORMATS, atomic_file, format_for_path

    allowed = allowed or LISTING_FORMATS
    if path is None or str(path) == "-":
        yield _output(ctx, fmt, as_json, no_color, allowed)
        return
    chosen = "json" if as_json else format_for_path(path, fmt, allowed)
    out = _output(ctx, chosen, False, True, allowed)
    with atomic_file(path) as stream:
        out.stream = stream
        yield out


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"sanctrack {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: DbOption = None,
    today: TodayOption = None,
    no_color: NoColorOption = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Record sanctions events and the official responses to them; look them up offline.

    Examples:

    
      sanctrack add event --date 2025-01-03 --authority "US Department of the Treasury, OFAC" \\
        --jurisdiction US --target "Integrity Technology Group" \\
        --alias "Yongxin Zhicheng Technology Group"

    
      sanctrack show ev-ed50 --json
    """
    ctx.obj = Settings(db=db, today=today, no_color=no_color)


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


def _print_added(ctx: typer.Context, result, what: str, fmt, as_json, no_color) -> None:
    from .render import RECORD_FORMATS, emit_record, message, visible

    record = result.record
    if not result.created:
        message(f"{what} {record['id']} is already recorded; nothing changed")
    if as_json or fmt is not None:
        emit_record(record, _output(ctx, fmt, as_json, no_color, RECORD_FORMATS))
    else:
        sys.stdout.write(record["id"] + "\n")
        if result.created and sys.stderr.isatty():
            message(f"recorded {what} {record['id']} ({visible(record['date'])})")


@add_app.command("event", context_settings={"allow_interspersed_args": True})
def add_event(
    ctx: typer.Context,
    date: Annotated[str, typer.Option(help="When: 2025-01-03, 2025-01, 3 Jan 2025, friday…")],
    authority: Annotated[str, typer.Option(help="The imposing body, as written.")],
    jurisdiction: Annotated[str, typer.Option(help="Code of the sender: US, GB (UK), EU, UN, CN…")],
    target: Annotated[list[str], typer.Option(help="A target's name (repeatable).")],
    alias: Annotated[Optional[list[str]], typer.Option(help="Another name of the target before it (repeatable).")] = None,
    target_kind: Annotated[
        Optional[list[str]],
        typer.Option(help="Kind of the target before it: person, company, organization, vessel, aircraft, government-body, group."),
    ] = None,
    target_country: Annotated[Optional[list[str]], typer.Option(help="Country code of the target before it.")] = None,
    action: Annotated[str, typer.Option(help="designation, delisting, amendment, renewal or other.")] = "designation",
    program: TextOption = None,
    legal_basis: TextOption = None,
    reason: TextOption = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="A source URL (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="A tag (repeatable).")] = None,
    in_response_to: Annotated[Optional[str], typer.Option(help="The event this one answers (a counter-sanction).")] = None,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Record a sanctions event; prints its id.

    Each --alias, --target-kind and --target-country applies to the --target before it.

    Examples:

    
      sanctrack add event --date 2025-01-03 \\
        --authority "US Department of the Treasury, OFAC" --jurisdiction US \\
        --target "Integrity Technology Group" \\
        --alias "Yongxin Zhicheng Technology Group" \\
        --target-kind company --target-country CN

    
      sanctrack add event --date "9 Dec 2025" --authority "UK FCDO" --jurisdiction UK \\
        --target "Sichuan Anxun Information Technology" \\
        --target "Integrity Technology Group Incorporated" --json
    """
    from . import core

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
    store = _store(ctx, db)
    result = core.add_event(store, values, _date_parser(ctx, today))
    _print_added(ctx, result, "event", fmt, as_json, no_color)


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
def add_response(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The event answered (id or unambiguous prefix).")],
    date: Annotated[str, typer.Option(help="When: 2025-01-06, 2025-01, monday…")],
    actor: Annotated[str, typer.Option(help="The responding body.")],
    speaker: TextOption = None,
    country: Annotated[Optional[str], typer.Option(help="Code of the responder: CN, RU…")] = None,
    kind: Annotated[
        str,
        typer.Option(help="statement, press-conference, diplomatic-protest, filing, legal-challenge, countermeasure or other."),
    ] = "statement",
    stance: Annotated[
        Optional[str],
        typer.Option(help="rejects, denies, condemns, threatens, complies, welcomes or neutral."),
    ] = None,
    quote: Annotated[Optional[str], typer.Option(help="The words, verbatim.")] = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="A source URL (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="A tag (repeatable).")] = None,
    counter_event: Annotated[
        Optional[str], typer.Option(help="For a countermeasure: the event that carries it out.")
    ] = None,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Record an official response to an event; prints its id.

    Examples:

    
      sanctrack add response --to ev-ed50 --date 2025-01-06 \\
        --actor "Integrity Technology Group" --kind filing --stance denies \\
        --quote "The company firmly opposes…"

    
      sanctrack add response --to ev-de2b --date 2025-12-10 \\
        --actor "PRC Ministry of Foreign Affairs" --speaker "Guo Jiakun" --country CN \\
        --kind press-conference --stance rejects --json
    """
    from . import core

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
    store = _store(ctx, db)
    result = core.add_response(store, values, _date_parser(ctx, today))
    _print_added(ctx, result, "response", fmt, as_json, no_color)


# -- show, edit, delete, undo, log ---------------------------------------------------------------------


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="An ev-, rs- or en- id, or an unambiguous prefix.")],
    db: DbOption = None,
    fmt: RecordFormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
    output: OutputOption = None,
) -> None:
    """Show one record whole: an event with its targets and responses, a response with its
    event, an entity with its names and events.

    Examples:

    
      sanctrack show ev-ed50

    
      sanctrack show en-0141 --json
    """
    from . import core
    from .render import RECORD_FORMATS, emit_record

    record = core.show(_store(ctx, db), record_id)
    with _writing(ctx, fmt, as_json, no_color, output, RECORD_FORMATS) as out:
        emit_record(record, out)


@app.command(context_settings={"allow_interspersed_args": True})
def edit(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The event or response to change.")],
    date: TextOption = None,
    authority: TextOption = None,
    jurisdiction: TextOption = None,
    action: TextOption = None,
    program: TextOption = None,
    legal_basis: TextOption = None,
    target: Annotated[Optional[list[str]], typer.Option(help="Replace the targets (with --alias, --target-kind, --target-country).")] = None,
    alias: ListOption = None,
    target_kind: ListOption = None,
    target_country: ListOption = None,
    reason: TextOption = None,
    summary: TextOption = None,
    source: Annotated[Optional[list[str]], typer.Option(help="Replace the sources (repeatable).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="Replace the tags (repeatable).")] = None,
    in_response_to: TextOption = None,
    to: Annotated[Optional[str], typer.Option("--to", help="A response's event.")] = None,
    actor: TextOption = None,
    speaker: TextOption = None,
    country: TextOption = None,
    kind: TextOption = None,
    stance: TextOption = None,
    quote: TextOption = None,
    counter_event: TextOption = None,
    db: DbOption = None,
    today: TodayOption = None,
    fmt: RecordFormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Change fields of an event or a response (the old values are logged; `undo` restores them).

    An empty value clears an optional field; --source, --tag and --target replace the whole list.

    Examples:

    
      sanctrack edit ev-ed50 --program CYBER2 --legal-basis "E.O. 13694, as amended"

    
      sanctrack edit rs-1723 --date 2025-01-06 --stance rejects
    """
    from . import core
    from .render import RECORD_FORMATS, emit_record

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
    out = _output(ctx, fmt, as_json, no_color, RECORD_FORMATS)
    store = _store(ctx, db)
    record = core.edit(store, record_id, changes, _date_parser(ctx, today))
    if as_json or fmt is not None:
        emit_record(record, out)
    else:
        sys.stdout.write(record["id"] + "\n")


@app.command()
def delete(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The event or response to remove.")],
    cascade: Annotated[bool, typer.Option("--cascade", help="Also delete the event's responses.")] = False,
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
    from . import core
    from .render import dump_json, message

    store = _store(ctx, db)
    result = core.delete(store, record_id, cascade=cascade)
    if as_json:
        sys.stdout.write(dump_json(result) + "\n")
    else:
        sys.stdout.write("\n".join(result["deleted"]) + "\n")
        message(f"deleted {len(result['deleted'])} record(s); 'sanctrack undo' restores them")


@app.command()
def undo(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revert the latest change not yet undone (run it again to go further back).

    Examples:

    
      sanctrack undo

    
      sanctrack undo --json
    """
    from . import core
    from .render import dump_json, visible

    store = _store(ctx, db)
    result = core.undo(store)
    if as_json:
        sys.stdout.write(dump_json(result) + "\n")
    else:
        undone = result["undone"]
        sys.stdout.write(f"undid change #{undone['id']}: {visible(undone['summary'])}\n")


@app.command("log")
def log_command(
    ctx: typer.Context,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="Show at most N changes.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also the old values each change replaced or removed.")] = False,
    db: DbOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    no_color: NoColorOption = False,
    output: OutputOption = None,
) -> None:
    """The change history: every add, edit, delete, import and undo, newest first.

    Examples:

    
      sanctrack log -n 10

    
      sanctrack log -v -n 1

    
      sanctrack log --json
    """
    from . import core
    from .render import emit_rows

    changes = core.history(_store(ctx, db), limit, with_rows=verbose)
    columns = ("id", "at", "user", "command", "summary", "undoes", "undone_by")
    with _writing(ctx, fmt, as_json, no_color, output) as out:
        if verbose and out.format not in ("json", "jsonl"):
            changes = [
                {"change": c["id"], "command": c["command"], **row}
                for c in changes for row in c["rows"]
            ]  # fmt: skip
            columns = ("change", "command", "table", "op", "key", "old", "new")
        emit_rows(changes, columns, out)


# -- import and export --------------------------------------------------------------------------------


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(metavar="FILE...", help="Files or list folders to load; - reads stdin.")],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", "-f", metavar="FORMAT", help="json, jsonl, csv (sanctrack's own) or a list format (ofac-csv, ofac-xml, ofac-advanced, uk-xml, uk-csv, uk-ofsi-csv, eu-xml, un-xml, us-csl, ftm); detected when absent.", show_default=False),
    ] = None,
    source: Annotated[Optional[str], typer.Option(help="For an official list: its source name (see 'sanctrack sources').")] = None,
    published: Annotated[Optional[str], typer.Option(help="For an official list: its publication date, when the file carries none.")] = None,
    db: DbOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load records or official lists: each input lands whole or not at all.

    sanctrack's own files (all of them in one transaction) keep the ids they carry, and
    re-importing them changes nothing. Each official list file or folder (such as OFAC's sdn.csv
    set) becomes an immutable snapshot; an identical re-import changes nothing.

    Examples:

      sanctrack import fixtures/seed.json

      sanctrack import ofac-2024-04-12/ --source ofac-sdn --published 2024-04-12 --json

      sanctrack export --format jsonl | sanctrack --db other.db import - --format jsonl
    """
    from . import core
    from .render import dump_json, message

    if files.count("-") > 1:
        raise UsageError("stdin (-) can be read only once")
    parse = _date_parser(ctx, today)
    published_iso = parse(published).iso if published else None
    own_inputs, list_inputs = _sort_inputs(files, fmt.lower() if fmt else None, source)
    if (source or published) and not list_inputs:
        raise UsageError("--source and --published apply to official lists only")
    store = _store(ctx, db)
    summary = core.ImportSummary()
    for path, importer in list_inputs:
        snapshot = _import_one_list(ctx, store, path, importer, source, published_iso, today)
        summary.snapshots.append(snapshot)
        if not snapshot.get("unchanged"):
            summary.listings += snapshot["listings"]
    if own_inputs:
        from .ownformat import read_records

        from .render import progress_counter

        with progress_counter("importing records") as progress:
            own = core.import_records(store, [read_records(n, k) for n, k in own_inputs], progress)
        summary.events, summary.responses = own.events, own.responses
        summary.already_present = own.already_present
    if as_json:
        sys.stdout.write(dump_json(summary.as_dict()) + "\n")
        return
    if own_inputs:
        message(
            f"imported {summary.events} event(s) and {summary.responses} response(s)"
            + (f"; {summary.already_present} already present, left as they were" if summary.already_present else "")
        )
    for snapshot in summary.snapshots:
        if not snapshot.get("unchanged"):
            message(
                f"snapshot {snapshot['id']}: {snapshot['listings']} listings"
                + (f" ({snapshot['added']} new, {snapshot['removed']} gone, {snapshot['changed']} changed since {snapshot['previous']})" if snapshot.get("previous") else "")
            )


def _sort_inputs(files: list[str], fmt: str | None, source: str | None):
    """Split the inputs into own-format files and official lists (with their importer), checking
    every path before anything is read."""
    from .importers import importer_for, list_formats
    from .ownformat import OWN_FORMATS

    if fmt is not None and fmt not in OWN_FORMATS and fmt not in list_formats():
        raise UsageError(
            f"unknown import format {fmt!r}",
            hint=f"use one of: {', '.join(OWN_FORMATS + tuple(list_formats()))}",
        )
    if source is not None:
        from .sources import source_named

        source_named(source)
    own, lists = [], []
    for name in files:
        if name == "-":
            if fmt is None or fmt in OWN_FORMATS:
                own.append((name, fmt))
            else:
                lists.append((_stdin_to_file(), importer_for(Path("-"), fmt)))
            continue
        path = Path(name)
        if not path.exists():
            raise UsageError(f"no such file or folder: {name}")
        if fmt in OWN_FORMATS:
            own.append((name, fmt))
            continue
        importer = importer_for(path, fmt)
        if importer is not None:
            lists.append((path, importer))
        elif path.is_dir():
            raise UsageError(
                f"{name} is a folder holding no list file set sanctrack knows",
                hint="give the list's files, or --format",
            )
        else:
            own.append((name, None))
    return own, lists


def _stdin_to_file() -> Path:
    """A list read from stdin goes to a temporary file first: importers read files (twice for
    some formats) and the snapshot's hash covers the whole content."""
    import atexit
    import shutil
    import tempfile

    handle = tempfile.NamedTemporaryFile(prefix="sanctrack-stdin-", delete=False)
    with handle:
        shutil.copyfileobj(sys.stdin.buffer, handle)
    atexit.register(lambda: os.path.exists(handle.name) and os.unlink(handle.name))
    return Path(handle.name)


def _import_one_list(ctx, store, path, importer, source, published, today) -> dict:
    from .dates import reference_day
    from .lists import import_list
    from .render import message, progress_counter

    def day() -> str:
        return reference_day(today or _settings(ctx).today).isoformat()

    with progress_counter(f"importing {path.name}") as progress:
        return import_list(store, path, importer, source, published, day, message, progress)


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="json, jsonl, csv, or ftm (FollowTheMoney entities as JSON lines).")
    ] = "json",
    output_path: Annotated[
        Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.", show_default=False)
    ] = None,
    record_type: Annotated[Optional[str], typer.Option("--type", help="event or response.")] = None,
    jurisdiction: TextOption = None,
    authority: Annotated[Optional[str], typer.Option(help="Authority containing this text.")] = None,
    program: TextOption = None,
    action: TextOption = None,
    stance: TextOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Write records in sanctrack's own format (`sanctrack import` reads it back unchanged), or as
    FollowTheMoney entities (--format ftm).

    Examples:

    
      sanctrack export --format jsonl > all.jsonl

    
      sanctrack export --jurisdiction GB --since 2025 --format csv -o gb-2025.csv

    
      sanctrack export --format ftm -o sanctrack.ftm.json
    """
    from . import core
    from .ownformat import OWN_FORMATS, write_records
    from .records import RECORD_TYPES

    fmt = fmt.lower()
    if fmt not in OWN_FORMATS and fmt != "ftm":
        raise UsageError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(OWN_FORMATS)}, ftm")
    filters = _record_filter(
        ctx, today, RECORD_TYPES, record_type=record_type, jurisdiction=jurisdiction,
        authority=authority, program=program, action=action, stance=stance, since=since, until=until,
    )  # fmt: skip
    store = _store(ctx, db)
    records = core.iter_export(store, filters)
    if fmt == "ftm":  # FollowTheMoney entities, written by ftm_export in place of write_records
        from .ftm_export import ftm_writer

        write_records = ftm_writer(store)
    if output_path is None or output_path == "-":
        write_records(records, fmt, sys.stdout)
        return
    _write_atomically(Path(output_path), lambda stream: write_records(records, fmt, stream))


def _record_filter(ctx: typer.Context, today, types: tuple[str, ...], **given):
    """The RecordFilter of export's and search's options, each value checked (exit 2 naming the
    allowed values) and dates read inclusively."""
    from .records import ACTIONS, STANCES, clean_choice, clean_code
    from .store import RecordFilter

    parse = _date_parser(ctx, today)
    return RecordFilter(
        type=clean_choice(given["record_type"], types, "--type"),
        jurisdiction=clean_code(given["jurisdiction"], "--jurisdiction"),
        authority=given["authority"],
        program=given["program"],
        action=clean_choice(given["action"], ACTIONS, "--action"),
        stance=clean_choice(given["stance"], STANCES, "--stance"),
        since=parse(given["since"]).start.isoformat() if given["since"] else None,
        until=parse(given["until"]).end.isoformat() if given["until"] else None,
    )


def _write_atomically(path: Path, write) -> None:
    """Write a file whole or not at all (see render.atomic_file)."""
    from .render import atomic_file

    with atomic_file(path) as stream:
        write(stream)


# Global options that take a value, to find the command's name in argv without parsing it.
_GLOBAL_VALUE_OPTIONS = ("--db", "--today")


def _command_named(argv: list[str]) -> str | None:
    """The subcommand's name in argv (after the global options), or None."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_VALUE_OPTIONS:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg
    return None


def main() -> None:
    """The console script: `sanctrack`.

    Typer turns every registered command's signature into options at each start (about 25 ms
    for all of them): a run builds only the command it names. Help, a mistyped name (which wants
    the suggestions) and completion (which walks the whole tree) get every command."""
    name = _command_named(sys.argv[1:])
    if name is not None and name != "__complete":
        chosen = [
            info for info in app.registered_commands
            if (info.name or typer.main.get_command_name(info.callback.__name__)) == name
        ]  # fmt: skip
        groups = [info for info in app.registered_groups if info.name == name]
        if chosen or groups:
            app.registered_commands, app.registered_groups = chosen, groups
    typer.main.get_command(app).main(prog_name="sanctrack")


# Commands defined in modules of their own register themselves on `app` when imported.
from . import cli_diff, cli_interop, cli_lists, cli_search, cli_timeline  # noqa: E402,F401

"""Interchange: `import` (sanctrack's own files and official lists) and `export`."""

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import completion
from .common import (
    AllowShrinkOption, DbOption, JsonOption, MaxShrinkOption, SinceOption, TextOption, TodayOption,
    UntilOption, date_parser, open_store, record_filter, settings, write_atomically,
)  # fmt: skip

app = typer.Typer()

# -- import and export --------------------------------------------------------------------------------


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...", help="Files or list folders to load; - reads stdin.", autocompletion=completion.files
        ),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", "-f", metavar="FORMAT", help="The format of the input (not of the output: see --json): json, jsonl, csv (sanctrack's own) or a list format (ofac-csv, ofac-xml, ofac-advanced, uk-xml, uk-csv, uk-ofsi-csv, eu-xml, un-xml, us-csl, ftm); detected when absent.", show_default=False, autocompletion=completion.import_formats),
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option(
            help="For an official list: its source name (see 'sanctrack sources').", autocompletion=completion.sources
        ),
    ] = None,
    published: Annotated[Optional[str], typer.Option(help="For an official list: its publication date, when the file carries none.")] = None,
    allow_shrink: AllowShrinkOption = False,
    max_shrink: MaxShrinkOption = 0.1,  # lists.DEFAULT_MAX_SHRINK
    db: DbOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load records or official lists: each input lands whole or not at all.

    sanctrack's own files (all of them in one transaction) keep the ids they carry, and
    re-importing them changes nothing. Each official list file or folder (such as OFAC's sdn.csv
    set) becomes an immutable snapshot; an identical re-import changes nothing. A list is dated
    by the file, else by --published (never by the clock); one that holds no entries, or that
    would end more than --max-shrink of the previous snapshot, is refused.

    Examples:

    \b
      sanctrack import fixtures/seed.json
      sanctrack import ofac-2024-04-12/ --source ofac-sdn --published 2024-04-12 \\
        --json
      sanctrack export --format jsonl | \\
        sanctrack --db other.db import - --format jsonl
    """
    from .. import core
    from ..render import message
    from ..render.json import write_document

    if files.count("-") > 1:
        raise UsageError("stdin (-) can be read only once")
    published_iso = publication_day(ctx, today, published)
    own_inputs, list_inputs = _sort_inputs(files, fmt.lower() if fmt else None, source)
    if (source or published) and not list_inputs:
        raise UsageError("--source and --published apply to official lists only")
    shrink = None if allow_shrink else max_shrink
    if len(list_inputs) > 1:
        from ..lists import check_inputs

        check_inputs(list_inputs, source, published_iso)
    store = open_store(ctx, db)
    summary = core.ImportSummary()
    for path, importer in list_inputs:
        snapshot = import_one_list(ctx, store, path, importer, source, published_iso, shrink)
        summary.snapshots.append(snapshot)
        if not snapshot.get("unchanged"):
            summary.listings += snapshot["listings"]
    if own_inputs:
        from ..ownformat import read_records

        from ..render import progress_counter

        with progress_counter("importing records") as progress:
            own = core.import_records(store, [read_records(n, k) for n, k in own_inputs], progress)
        summary.events, summary.responses = own.events, own.responses
        summary.already_present = own.already_present
    summary.changes = list(store.changes_made)
    if as_json:
        write_document(summary.as_dict(), sys.stdout)
        return
    if own_inputs:
        message(
            f"imported {summary.events} event(s) and {summary.responses} response(s)"
            + (f"; {summary.already_present} already present, left as they were" if summary.already_present else "")
        )
    from ..lists import snapshot_message

    for snapshot in summary.snapshots:
        if not snapshot.get("unchanged"):
            message(snapshot_message(snapshot))


def _sort_inputs(files: list[str], fmt: str | None, source: str | None):
    """Split the inputs into own-format files and official lists (with their importer), checking
    every path before anything is read."""
    from ..importers import importer_for, list_formats
    from ..ownformat import OWN_FORMATS

    if fmt is not None and fmt not in OWN_FORMATS and fmt not in list_formats():
        raise UsageError(
            f"unknown import format {fmt!r}",
            hint=f"use one of: {', '.join(OWN_FORMATS + tuple(list_formats()))}",
        )
    if source is not None:
        from ..sources import source_named

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
    # Members of a list's file set named beside its main file (`import sdn/*`) are that one input.
    members = {
        file.resolve() for path, importer in lists for file in importer.set_files(path) if file != path
    }
    if members:
        own = [(name, kind) for name, kind in own if name == "-" or Path(name).resolve() not in members]
        lists = [(path, importer) for path, importer in lists if path.resolve() not in members]
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


def import_one_list(ctx, store, path, importer, source, published, max_shrink) -> dict:
    from ..lists import import_list
    from ..render import message, progress_counter

    with progress_counter(f"importing {path.name}") as progress:
        return import_list(store, path, importer, source, published, message, progress, max_shrink)


def publication_day(ctx, today, published: str | None) -> str | None:
    """--published as an ISO day: a list is published on a day, so a partial date is refused."""
    if published is None:
        return None
    date = date_parser(ctx, today)(published)
    if date.precision != "day":
        raise UsageError(
            f"--published {published}: a list is published on a day, not in a {date.precision}",
            hint="give the day, e.g. --published 2024-04-12",
        )
    return date.iso


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="json, jsonl, csv, or ftm (FollowTheMoney entities as JSON lines); default: the extension of --output (.json, .jsonl, .ndjson, .csv), else json.",
            autocompletion=completion.export_formats, show_default=False,
        ),
    ] = None,
    output_path: Annotated[
        Optional[str],
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.", show_default=False,
            autocompletion=completion.files,
        ),
    ] = None,
    record_type: Annotated[
        Optional[str], typer.Option("--type", help="event or response.", autocompletion=completion.record_types)
    ] = None,
    jurisdiction: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.jurisdictions)] = None,
    authority: Annotated[Optional[str], typer.Option(help="Authority containing this text.")] = None,
    program: TextOption = None,
    action: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.actions)] = None,
    stance: Annotated[Optional[str], typer.Option(show_default=False, autocompletion=completion.stances)] = None,
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
    from .. import core
    from ..ownformat import OWN_FORMATS, write_records
    from ..vocabulary import RECORD_TYPES

    to_stdout = output_path is None or output_path == "-"
    if fmt is None and not to_stdout:
        # The extension names the format (as for every --output); a file without a known
        # extension gets json, but one naming a format export does not write is refused.
        from ..ownformat import EXTENSIONS
        from ..render import EXTENSION_FORMATS
        from ..render.files import check_output_path

        check_output_path(output_path)
        suffix = Path(output_path).suffix.lower()
        if suffix in EXTENSION_FORMATS and suffix not in EXTENSIONS:
            raise UsageError(
                f"export does not write {EXTENSION_FORMATS[suffix]} ({output_path})",
                hint=f"give --format, or a file ending in {', '.join(EXTENSIONS)}",
            )
        fmt = EXTENSIONS.get(suffix, "json")
    fmt = (fmt or "json").lower()
    if fmt not in OWN_FORMATS and fmt != "ftm":
        raise UsageError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(OWN_FORMATS)}, ftm")
    filters = record_filter(
        ctx, today, RECORD_TYPES, record_type=record_type, jurisdiction=jurisdiction,
        authority=authority, program=program, action=action, stance=stance, since=since, until=until,
    )  # fmt: skip
    store = open_store(ctx, db)
    records = core.iter_export(store, filters)
    if fmt == "ftm":  # FollowTheMoney entities, written by ftm_export in place of write_records
        from ..ftm_export import ftm_writer

        write_records = ftm_writer(store)
    if to_stdout:
        write_records(records, fmt, sys.stdout)
        return
    write_atomically(Path(output_path), lambda stream: write_records(records, fmt, stream))


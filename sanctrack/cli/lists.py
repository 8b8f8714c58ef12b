"""Official lists: `sanctrack sources` (what sanctrack imports, with the stored snapshots) and
`sanctrack fetch` (download a list with `download.py`, import it as a snapshot)."""

import os
import sys
from typing import Annotated, Optional

import typer

from . import completion
from .common import (
    AllowShrinkOption, DbOption, JsonOption, MaxShrinkOption, OutputSpec, TodayOption, open_store,
    output_options, writing,
)  # fmt: skip

app = typer.Typer()

SOURCE_COLUMNS = ("name", "title", "jurisdiction", "format", "urls", "snapshots", "latest", "note")
# On a terminal: the addresses and notes with --wide (or in plain, JSON, CSV).
SOURCE_TABLE_COLUMNS = ("name", "jurisdiction", "snapshots", "latest", "title")


@app.command()
@output_options()
def sources(
    ctx: typer.Context,
    db: DbOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """The official lists sanctrack imports, with their download addresses and stored snapshots.

    Output: plain (piped): one line per source, tab-separated, no header: name, title,
    jurisdiction, format, urls, snapshots, latest, note. json: an array of the same as objects
    (urls a list); csv/tsv the same columns with a header.

    Examples:

    \b
      sanctrack sources
      sanctrack sources --json | jq '.[] | select(.jurisdiction == "GB")'
    """
    from ..render import emit_rows
    from ..sources import SOURCES

    snapshots: dict[str, list] = {}
    for snapshot in open_store(ctx, db).lists.snapshots():
        snapshots.setdefault(snapshot["source"], []).append(snapshot["id"])
    rows = [
        {
            "name": s.name, "title": s.title, "jurisdiction": s.jurisdiction, "format": s.format,
            "urls": list(s.urls), "snapshots": len(snapshots.get(s.name, [])),
            "latest": snapshots[s.name][-1] if s.name in snapshots else None, "note": s.note,
        }
        for s in SOURCES.values()
    ]  # fmt: skip
    with writing(ctx, spec) as out:
        emit_rows(rows, SOURCE_COLUMNS, out, table_columns=SOURCE_TABLE_COLUMNS)


@app.command()
def fetch(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A source name (see 'sanctrack sources').", autocompletion=completion.sources),
    ],
    url: Annotated[Optional[str], typer.Option(help="Download from this address instead (e.g. the EU file with its token).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server, each time it is waited for.", min=1)] = 60.0,
    max_time: Annotated[float, typer.Option("--max-time", metavar="SECONDS", help="Seconds the whole download may take.", min=1)] = 1800.0,
    max_size: Annotated[str, typer.Option("--max-size", metavar="SIZE", help="The largest download accepted: bytes, or with K, M or G (powers of 1024).")] = "2G",
    published: Annotated[Optional[str], typer.Option(help="Publication date, when the file carries none.")] = None,
    allow_shrink: AllowShrinkOption = False,
    max_shrink: MaxShrinkOption = 0.1,  # lists.DEFAULT_MAX_SHRINK
    db: DbOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download an official list and import it as a snapshot (nothing is written if it fails).

    Examples:

    \b
      sanctrack fetch un
      sanctrack fetch eu --url "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=…"
    """
    from pathlib import Path

    from .interchange import import_one_list, publication_day
    from ..download import download
    from ..importers import importer_for
    from ..lists import snapshot_message
    from ..render import message
    from ..render.json import write_document
    from ..sources import source_named

    known = source_named(source)
    address = url or known.urls[0]
    if address.endswith("token="):
        raise typer.BadParameter(
            f"the {known.name} file needs its token: pass the full address with --url", param_hint="--url"
        )
    published_iso = publication_day(ctx, today, published)
    from ..download import check_address

    check_address(address)
    limit = _size_in_bytes(max_size)
    store = open_store(ctx, db)
    folder = (store.path.parent if store.path else Path("."))
    path = download(address, timeout, folder, known.name, known.format, max_size=limit, max_time=max_time)
    try:
        importer = importer_for(path, known.format)
        shrink = None if allow_shrink else max_shrink
        snapshot = import_one_list(ctx, store, path, importer, known.name, published_iso, shrink)
    finally:
        os.unlink(path)
    if as_json:
        write_document({"events": 0, "responses": 0, "listings": snapshot["listings"], "already_present": 0, "snapshots": [snapshot], "changes": list(store.changes_made)}, sys.stdout)
    elif not snapshot.get("unchanged"):
        message(f"{snapshot_message(snapshot)}; from {address}")


def _size_in_bytes(text: str) -> int:
    """`--max-size`: a number of bytes, or of K, M or G (1024, 1024², 1024³) bytes."""
    import re

    from ..errors import UsageError

    found = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not found or float(found.group(1)) <= 0:
        raise UsageError(f"--max-size {text!r} is not a size", hint="write it as 500M, 2G or a number of bytes")
    return int(float(found.group(1)) * 1024 ** " KMG".index(found.group(2).upper() or " "))

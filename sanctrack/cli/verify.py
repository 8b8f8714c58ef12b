"""`verify`: is the store whole? One line per problem, exit 3 if there is any."""

import sys
from typing import Annotated

import typer

from .common import DbOption, JsonOption, open_store

app = typer.Typer()


@app.command()
def verify(
    ctx: typer.Context,
    quick: Annotated[
        bool, typer.Option("--quick", help="Only the cheap part (no index compared with its table).")
    ] = False,
    drop_unreadable_wal: Annotated[
        bool,
        typer.Option(
            "--drop-unreadable-wal",
            help="Go on without the commits of STORE-wal that cannot be read (a copy of it is kept beside the store).",
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the store: SQLite's check of every page and index, the full-text indexes against
    their tables, the links between records, the schema. One line per problem on stdout and exit
    3 if there is any; "ok" and exit 0 otherwise.

    A store that fails is remembered: `check` then says so with its answer, and no command writes
    to the store until a verify passes again.

    Examples:

      sanctrack verify

      sanctrack --db backup.db verify --json
    """
    from .. import verify as verifying
    from ..errors import ExitCode
    from ..render import message

    if drop_unreadable_wal:
        from ..render import message
        from ..store.db import default_path, drop_unreadable_wal as drop
        from .common import settings

        path = db or settings(ctx).db or default_path()
        kept = drop(path)
        if kept is not None:
            message(f"dropped the commits of {path}-wal that could not be read; the log is kept as {kept}")
    store = open_store(ctx, db, lookup=True)
    verdict = verifying.verify(store, full=not quick)
    if not quick or not verdict.ok:
        verifying.record(store.path, verdict)
    if as_json:
        from ..render.json import write_document

        write_document(
            {"ok": verdict.ok, "problems": verdict.problems, "checked": verdict.checked,
             "skipped": verdict.skipped, "full": not quick},
            sys.stdout,
        )  # fmt: skip
    else:
        from ..render.text import visible

        for problem in verdict.problems:
            sys.stdout.write(visible(problem) + "\n")
        if verdict.ok:
            sys.stdout.write("ok\n")
        for skipped in verdict.skipped:
            message(f"not checked: {skipped}")
    if not verdict.ok:
        raise typer.Exit(int(ExitCode.BAD_DATA))

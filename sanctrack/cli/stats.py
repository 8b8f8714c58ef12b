"""`sanctrack stats`."""

import typer

from .common import DbOption, OutputSpec, output_options, open_store, writing

app = typer.Typer()


@app.command()
@output_options()
def stats(
    ctx: typer.Context,
    db: DbOption = None,
    *,
    spec: OutputSpec,
) -> None:
    """What the store holds: events, responses, entities and snapshots, per jurisdiction and
    year, per source, with the median response lag.

    Columns: scope, name, year, events, responses, entities, median_lag_days, snapshots, first,
    latest, listings. One row for the whole store (scope total); one per jurisdiction (name) and
    year of its events (an event's year is the one its date starts in; its responses count with
    it, whatever their own date; entities: those its events name); one per source of official
    lists (name; snapshots, the first and latest publication dates, the listings of the latest).
    median_lag_days: the median of the days from an event to each response to it (the lags
    `show` gives; for an even count, the mean of the two middle ones).

    Output: plain (piped): one line per row, tab-separated, no header, the columns above, empty
    where a value does not apply. json: an array of the rows as objects, null where a value does
    not apply; jsonl the same one a line; csv/tsv the columns with a header.

    Examples:

    \b
      sanctrack stats
      sanctrack stats --json
      sanctrack stats --format csv -o stats.csv
    """
    from ..render import emit_rows
    from ..stats import STATS_COLUMNS, store_stats

    store = open_store(ctx, db, lookup=True)
    rows = store_stats(store)
    with writing(ctx, spec) as out:
        emit_rows(rows, STATS_COLUMNS, out)

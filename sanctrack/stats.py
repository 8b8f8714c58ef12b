"""`sanctrack stats`: what the store holds, as rows of one shape (STATS_COLUMNS).

One row for the whole store (`scope` "total"), one per jurisdiction and year of the events (the
year of the start of an event's date; its responses counted with it, whatever their own date),
and one per source of official lists. The response lag is the one of `rules.lag_days` (days from
the event to the response, partial dates from the start of their period); its median is the
median of the lags of the responses counted in the row (statistics.median: the mean of the two
middle ones for an even count), null without responses.
"""

from __future__ import annotations

from statistics import median

from .rules import lag_days
from .store import Store

STATS_COLUMNS = ("scope", "name", "year", "events", "responses", "entities", "median_lag_days",
                 "snapshots", "first", "latest", "listings")  # fmt: skip


def _row(scope: str, name: str | None = None, year: str | None = None, **counts) -> dict:
    row = dict.fromkeys(STATS_COLUMNS)
    row.update(scope=scope, name=name, year=year, **counts)
    return row


def _median(lags: list[int]) -> float | int | None:
    if not lags:
        return None
    value = median(lags)
    return int(value) if float(value).is_integer() else value


def store_stats(store: Store) -> list[dict]:
    """The rows of `sanctrack stats` for `store` (see the module's docstring)."""
    totals = store.stats.totals()
    lags: dict[tuple[str, str], list[int]] = {}
    every: list[int] = []
    for jurisdiction, year, event_start, start, end in store.stats.response_dates():
        lag = lag_days(event_start, start, end)
        lags.setdefault((jurisdiction, year), []).append(lag)
        every.append(lag)
    rows = [_row("total", events=totals["events"], responses=totals["responses"],
                 entities=totals["entities"], median_lag_days=_median(every),
                 snapshots=totals["snapshots"])]  # fmt: skip
    for jurisdiction, year, events, entities in store.stats.events_by_jurisdiction_year():
        found = lags.get((jurisdiction, year), [])
        rows.append(_row("jurisdiction", jurisdiction, int(year), events=events, responses=len(found),
                         entities=entities, median_lag_days=_median(found)))  # fmt: skip
    for source, snapshots, first, latest, listings in store.stats.snapshots_by_source():
        rows.append(_row("source", source, snapshots=snapshots, first=first, latest=latest, listings=listings))
    return rows

"""Reports as every format sees them: `Rows` (a listing), and the wording and columns of a record
and of a check result that several formats share. (A timeline's are in `timeline`, a diff's in
`diff`.)"""

from __future__ import annotations

from typing import Iterable, Sequence


class Rows:
    """Dicts with the same columns (search hits, the log, sources…), perhaps an iterator: formats
    that can stream write them as they come. `title` heads a table; `table_columns`, where given,
    are the columns a table on a terminal shows (the others with --wide and in the other formats).

    (A plain class rather than a dataclass: it costs nothing to define at start-up.)"""

    __slots__ = ("items", "columns", "title", "table_columns")

    def __init__(self, items: Iterable[dict], columns: Sequence[str], title: str | None = None,
                 table_columns: Sequence[str] | None = None):  # fmt: skip
        self.items, self.columns, self.title = items, columns, title
        self.table_columns = table_columns


# -- a record -------------------------------------------------------------------------------------

# Fields of a record drawn as lists or blocks of their own rather than as `key value` lines.
RECORD_NESTED = frozenset(
    {"type", "targets", "responses", "event", "events", "names", "counter_events", "listings",
     "list_history", "list_links"}
)
LIST_HISTORY_COLUMNS = ("date", "change", "date_from", "source", "list_id", "text")
LIST_LINK_COLUMNS = ("source", "status", "listing", "listed_on", "first_seen_in", "lag_days", "text")
TARGET_COLUMNS = ("name", "aliases", "kind", "country", "entity_id")
EVENT_COLUMNS = ("id", "date", "jurisdiction", "authority", "action", "program", "named_as")
LISTING_COLUMNS = ("id", "source", "published", "name", "programs", "since")
COUNTER_EVENT_COLUMNS = ("id", "date", "authority", "action")
RESPONSE_COLUMNS = ("id", "date", "lag_days", "actor", "speaker", "kind", "stance", "quote")
ANSWERED_EVENT_COLUMNS = ("id", "date", "jurisdiction", "authority", "action")


def shown_listing(listing: dict) -> dict:
    """An entity's listing with `since` in words where the list gives no date."""
    if listing.get("since_from") != "snapshot":
        return listing
    from ..rules import first_seen_text

    return dict(listing, since=first_seen_text(listing))


# -- a check result -------------------------------------------------------------------------------

CHECK_COLUMNS = ("jurisdiction", "authority", "program", "since", "matched_name", "name", "source", "score", "match")
ENDED_COLUMNS = ("jurisdiction", "authority", "program", "since", "until", "ended_by")


def check_rows(matches: list[dict]) -> list[dict]:
    """The matches of a check with the column CHECK_COLUMNS adds, where each comes from, and
    `since` in words where a list gives no listing date (rules.first_seen_text)."""
    from ..rules import first_seen_text

    return [
        dict(
            row,
            since=first_seen_text(row) if row.get("since_from") == "snapshot" else row.get("since"),
            source=row.get("event_id") or row.get("listing"),
        )
        for row in matches
    ]


# `check --file`: a row per match in force of each name, one row for a name without any.
BATCH_COLUMNS = ("query", "sanctioned", "score", "match", "matched_name", "name", "jurisdiction",
                 "authority", "program", "since", "source", "error")  # fmt: skip


def batch_rows(results: Iterable[dict]) -> Iterable[dict]:
    for result in results:
        if "error" in result:
            yield {"query": result["query"], "sanctioned": "error", "error": result["error"]}
        elif result["matches"]:
            for row in check_rows(result["matches"]):
                yield dict(row, query=result["query"], sanctioned="yes")
        else:
            yield {"query": result["query"], "sanctioned": "no"}


def check_verdict(result: dict) -> str:
    """The verdict line of a check: sanctioned or not, by whom, on which day."""
    from .text import visible

    where = f" by {result['jurisdiction']}" if result.get("jurisdiction") else ""
    if result["sanctioned"]:
        best = result["matches"][0]
        if best["match"] == "exact":
            return f"SANCTIONED{where} on {result['as_of']}"
        return (f"{'POSSIBLE MATCH: ' if best['match'] == 'near' else ''}SANCTIONED{where} on "
                f"{result['as_of']} ({best['match']} match {visible(best['matched_name'])!r}, score {best['score']:g})")  # fmt: skip
    closest = result.get("closest") or []
    below = ""
    if result.get("threshold") is not None and not result["known"]:
        below = f"; no name scores {result['threshold']:g} or more"
        if closest:
            below += "; closest: " + ", ".join(f"{visible(c['name'])!r} ({c['score']:g})" for c in closest)
    if result.get("store_empty"):
        return "not sanctioned: the store holds no names yet (add records or import a list first)"
    if result["known"]:
        return f"not sanctioned{where} on {result['as_of']}{below}"
    return f"not sanctioned: nothing recorded for {visible(result['name'])!r}{below}"

"""`search` and `check`: computed here as plain data, rendered by the CLI.

search: a query finds entities by any of their names (whole names first, then word prefixes),
and then every event naming those entities and every response to those events, beside the events
and responses whose own text matches. Hits are ranked: whole-name matches and what concerns them
first, then by bm25.

check: is a name (or any name of the same entity) under sanctions on a day, by whom, since when,
by the rules of rules.py for recorded events (periods) and for official lists (decisive snapshot,
listing date). A partial date counts from the first day of its period: an event dated `2025-01` is
in effect from 2025-01-01 on.
"""

from __future__ import annotations

import unicodedata

from .errors import UsageError
from .store import RecordFilter, Store
from .store.search import fts_match

PARTIAL_DATES_NOTE = "partial dates count from the first day of their period"
# How many candidates each source may bring, per hit asked for, before ranking cuts to --limit:
# each source is read in the order it ranks in, so a few times the limit is enough.
CANDIDATES_PER_HIT = 3
MIN_CANDIDATES = 100


def _has_unspaced_script(text: str) -> bool:
    """Chinese, Japanese and Thai write names without spaces: a part of a name is no word prefix."""
    for char in text:
        if ord(char) > 0x2E7F:
            name = unicodedata.name(char, "")
            if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI", "HANGUL")):
                return True
    return False


def _screening_words(text: str) -> list[str]:
    """The words of a query as screening spells them, for a look-up by word prefix."""
    from .screening import match_tokens

    name = match_tokens(text, False)
    return [] if name.abjad else [w for w in name.words if w.isalnum()]


def _event_title(row: dict) -> str:
    """Authority and action; the targets are added once the hits are known."""
    return f"{row['authority']}: {row['action']}"


def _response_title(row: dict) -> str:
    who = row["actor"] + (f" ({row['speaker']})" if row.get("speaker") else "")
    return who + (f": {row['stance']}" if row.get("stance") else "")


def _short(text: str | None, width: int = 160) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Hits(list):
    """Hits best first, with how many the query found in all: `total`, exact unless a source
    brought as many candidates as it was asked for (`total_exact` False: at least `total`)."""

    total: int = 0
    total_exact: bool = True


def search(store: Store, query: str, filters: RecordFilter, limit: int = 50) -> Hits:
    """Hits best first: dicts with type, id, date, title, snippet (and a few type-specific keys)."""
    from .names import name_keys

    text = query.replace("\x00", " ").strip()
    match = fts_match(text)
    if match is None and not _has_unspaced_script(text):
        raise UsageError("the query is empty", hint="search for a word, a name or an alias")
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    candidates = max(limit * CANDIDATES_PER_HIT, MIN_CANDIDATES)

    # (tier, rank, date) orders hits, lower first. Tiers: 0 an entity named exactly so, 1 what
    # concerns it, 2 entities with a name starting so, 3 what concerns them, 4 records whose own
    # text matches. rank is bm25 (negative, better lower).
    hits: dict[tuple[str, str], tuple[tuple, dict]] = {}
    capped = False

    def full(rows: list) -> list:
        """`rows` of a source asked for `candidates`: if it brought that many, there may be more."""
        nonlocal capped
        capped = capped or len(rows) >= candidates
        return rows

    def add(kind: str, record_id: str, order: tuple, hit: dict) -> None:
        key = (kind, record_id)
        if key not in hits or order < hits[key][0]:
            hits[key] = (order, hit)

    # A short acronym's key never joins two parties, but it is its own name ("ZTE Corporation").
    exact = store.entity_ids_for_keys(sorted(name_keys(text, None)))
    prefix: dict[str, float] = {}
    if match is not None:
        for entity_id, _, rank in store.search.target_entities(match, candidates) + store.search.listing_entities(match, candidates):
            if entity_id not in exact:
                prefix[entity_id] = min(rank, prefix.get(entity_id, 0.0))
    # Names by the words screening reads (look-alike letters, invisible characters, other scripts
    # in Latin, transliteration variants): "Integrity" finds a stored "Integrіty" (Cyrillic і).
    for entity_id, rank in store.search.entities_by_screening_words(_screening_words(text), candidates):
        if entity_id not in exact:
            prefix[entity_id] = min(rank, prefix.get(entity_id, 0.0))
    if _has_unspaced_script(text):
        for entity_id, _ in store.search.entities_with_name_containing(text, candidates):
            if entity_id not in exact:
                prefix.setdefault(entity_id, 0.0)

    event_where, event_params = filters.event_clause()
    response_where, response_params = filters.response_clause()

    if filters.wants("entity") and not filters.narrows_records():
        entities = store.search.entities_by_ids(list(exact) + list(prefix))
        for entity_id, entity in entities.items():
            tier = 0 if entity_id in exact else 2
            add("entity", entity_id, (tier, prefix.get(entity_id, 0.0), entity["name"]), {
                "type": "entity", "id": entity_id, "date": None, "title": entity["name"],
                "snippet": _short("; ".join(n for n in entity["names"] if n != entity["name"])),
                "kind": entity["kind"], "country": entity["country"],
            })  # fmt: skip

    concerned: dict[str, tuple] = {}  # event id -> (tier, rank) of the entity it names
    for tier, ids in ((1, list(exact)), (3, list(prefix))):
        for row in full(store.search.events_naming(ids, event_where, event_params, candidates)):
            order = concerned.setdefault(row["id"], (tier, prefix.get(row["named_entity"], 0.0)))
            if filters.wants("event"):
                add("event", row["id"], (*order, row["date_start"]), {
                    "type": "event", "id": row["id"], "date": row["date"], "title": _event_title(row),
                    "snippet": _short(row.get("reason") or row.get("summary")),
                    "jurisdiction": row["jurisdiction"], "action": row["action"],
                    "program": row["program"], "entity_id": row["named_entity"],
                })  # fmt: skip
    if filters.wants("response") and concerned:
        for row in full(store.search.responses_to_events(list(concerned), response_where, response_params, candidates)):
            order = concerned[row["event_id"]]
            add("response", row["id"], (*order, row["date_start"]), _response_hit(row, row.get("quote")))

    if filters.wants("listing") and not filters.narrows_records():
        latest = set(store.lists.latest_snapshot_ids().values())
        for tier, ids in ((1, list(exact)), (3, list(prefix))):
            # each entry once: as the most recent snapshot of its list holds it
            last = {(row["source"], row["list_id"]): row for row in store.lists.listings_of_entities(ids)}
            for row in last.values():
                add("listing", f"{row['snapshot_id']}/{row['list_id']}",
                    (tier, prefix.get(row["entity_id"], 0.0), row["listed_on"] or row["published"]),
                    _listing_hit(row))
        if match is not None and latest:
            for row in full(store.search.listings(match, candidates)):
                add("listing", f"{row['snapshot_id']}/{row['list_id']}",
                    (4, row["rank"], row["listed_on"] or row["published"]), _listing_hit(row))

    # Records matching by their own text rank last (tier 4): when what concerns the named
    # entities already fills the page, they could not be shown, and ranking them costs the most.
    if match is not None and len(hits) < limit:
        if filters.wants("event"):
            for row in full(store.search.events(match, event_where, event_params, candidates)):
                add("event", row["id"], (4, row["rank"], row["date_start"]), {
                    "type": "event", "id": row["id"], "date": row["date"], "title": _event_title(row),
                    "snippet": _short(row["snippet"]), "jurisdiction": row["jurisdiction"],
                    "action": row["action"], "program": row["program"], "entity_id": None,
                })  # fmt: skip
        if filters.wants("response"):
            for row in full(store.search.responses(match, response_where, response_params, candidates)):
                add("response", row["id"], (4, row["rank"], row["date_start"]), _response_hit(row, row["snippet"]))

    ranked = Hits(hit for _, hit in sorted(hits.values(), key=lambda item: item[0])[:limit])
    ranked.total = len(hits)
    # records matching by their own text are not read once the page is full: more may exist
    own_text_skipped = match is not None and len(hits) >= limit and (filters.wants("event") or filters.wants("response"))
    ranked.total_exact = not capped and not own_text_skipped
    _title_events(store, ranked)
    return ranked


def recent(store: Store, filters: RecordFilter, limit: int = 50) -> Hits:
    """Events and responses matching `filters` alone (no words), newest first, as search hits;
    `total` is how many match in all."""
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    found: list[tuple[str, dict]] = []
    total = 0
    if filters.wants("event"):
        where, params = filters.event_clause()
        rows, count = store.search.latest_events(where, params, limit)
        total += count
        found += [(row["date_start"], _event_hit(row)) for row in rows]
    if filters.wants("response"):
        where, params = filters.response_clause()
        rows, count = store.search.latest_responses(where, params, limit)
        total += count
        found += [(row["date_start"], _response_hit(row, row.get("quote"))) for row in rows]
    found.sort(key=lambda pair: (pair[0], pair[1]["id"]), reverse=True)
    hits = Hits(hit for _, hit in found[:limit])
    hits.total = total
    _title_events(store, hits)
    return hits


def _event_hit(row: dict) -> dict:
    return {
        "type": "event", "id": row["id"], "date": row["date"], "title": _event_title(row),
        "snippet": _short(row.get("reason") or row.get("summary")), "jurisdiction": row["jurisdiction"],
        "action": row["action"], "program": row["program"], "entity_id": None,
    }  # fmt: skip


def _title_events(store: Store, hits: list[dict]) -> None:
    """Each event hit's title with the names of its targets."""
    targets = store.targets_for_events([hit["id"] for hit in hits if hit["type"] == "event"])
    for hit in hits:
        if hit["type"] == "event":
            names = ", ".join(t["name"] for t in targets.get(hit["id"], []))
            hit["title"] = f"{hit['title']} of {names}" if names else hit["title"]


def _response_hit(row: dict, snippet: str | None) -> dict:
    return {
        "type": "response", "id": row["id"], "date": row["date"], "title": _response_title(row),
        "snippet": _short(snippet or row.get("summary")), "event_id": row["event_id"],
        "stance": row.get("stance"), "kind": row["kind"],
    }  # fmt: skip


def _listing_hit(row: dict) -> dict:
    return {
        "type": "listing", "id": f"{row['snapshot_id']}/{row['list_id']}",
        # The list's own listing date; a snapshot's publication is no listing date (issue 15):
        # without one the hit says since which snapshot the entry is known to be listed.
        "date": row["listed_on"], "title": row["name"],
        "snippet": _short("; ".join(row["programs"] + row["aliases"])),
        "source": row["source"], "entity_id": row["entity_id"], "kind": row["kind"],
        "first_seen": None if row["listed_on"] else row["published"],
    }  # fmt: skip


# -- check -----------------------------------------------------------------------------------------


# The score at or above which a name is a match unless --threshold says otherwise: from the
# screening benchmark (bench/screening), where it balances recall against false alarms.
DEFAULT_THRESHOLD = 85.0
# How many names the screening index brings for scoring, best ranked first.
SCREENING_CANDIDATES = 30
# A screening key more names than this (or than a fiftieth of all names) have is too common to
# look candidates up by.
COMMON_KEY_NAMES = 200
# How many names below the threshold a negative answer shows.
CLOSEST = 3
# ... and only those that share something with it.
CLOSEST_FLOOR = 30.0


class Screener:
    """Scores names against the names on record (`screening`), keeping what it has read for the
    next name: a batch reads each word's frequency once."""

    def __init__(self, store: Store, batch: bool = False):
        from .screening import Weights

        self.store = store
        self.weights = Weights(store.search.name_count())
        self._key_counts: dict[str, int] = {}
        # A batch reads the screening index whole (0.5 s for the SDN list's 20,000 names and
        # 94,000 keys), where name by name its candidates and key counts cost ~3 ms, and computes
        # edit distances with rapidfuzz.
        self._index = None
        if batch:
            from .screening import use_rapidfuzz

            use_rapidfuzz()
            self._index = self.store.search.screening_index()
            self._key_counts = self._index.key_counts()

    def _counts(self, keys: list[str]) -> dict[str, int]:
        """How many names carry each screening key, read once per key for the whole batch."""
        if self._index is not None:  # every key's count was read with the index
            counts = self._key_counts
            for key in keys:
                if key not in counts:
                    counts[key] = 0
            return counts
        missing = [k for k in keys if k not in self._key_counts]
        if missing:
            found = self.store.search.screening_key_counts(missing)
            self._key_counts.update((k, found.get(k, 0)) for k in missing)
        return self._key_counts

    def _count(self, words: set[str]) -> None:
        """The frequency of each word (its `w` key) for the weights of `score`."""
        counts = self._counts(["w" + w for w in words if w not in self.weights.frequency])
        for word in words:
            self.weights.frequency.setdefault(word, counts["w" + word])

    def _telling(self, keys: list[str]) -> list[str]:
        """The keys that tell names apart: those a few names have. A key thousands of names share
        ("cl", the consonant of every Ali and Lee) adds nothing to the ranking of candidates but
        the time to rank them all (2 ms a name against 0.8 on the SDN list); when a query has no
        other, its keys are used as they are."""
        counts = self._counts(keys)
        common = max(COMMON_KEY_NAMES, self.weights.total // 50)
        telling = [k for k in keys if 0 < counts[k] <= common]
        return telling or [k for k in keys if counts[k]]

    def scores(self, text: str) -> list[tuple[str, str, float]]:
        """(entity_id, name on record, score) for the names closest to `text`, best first, one
        per entity."""
        from .names import kind_class
        from .screening import match_tokens, query_keys, score

        forms = {False: match_tokens(text, False), True: match_tokens(text, True)}
        keys = list(dict.fromkeys(k for form in forms.values() for k in query_keys(form)))
        telling = self._telling(keys)
        if self._index is not None:
            rows = self._index.candidates(telling, SCREENING_CANDIDATES)
        else:
            rows = self.store.search.screening_candidates(telling, SCREENING_CANDIDATES)
        candidates = []
        for entity_id, name, kind in rows:
            person = kind_class(kind) == "person"
            candidates.append((entity_id, name, forms[not person], match_tokens(name, not person), person))
        self._count({w for _, _, q, c, _ in candidates for w in q.words + c.words})
        best: dict[str, tuple[str, float]] = {}
        for entity_id, name, query, candidate, person in candidates:
            found = score(query, candidate, self.weights, person)
            if entity_id not in best or found > best[entity_id][1]:
                best[entity_id] = (name, found)
        ranked = sorted(best.items(), key=lambda item: -item[1][1])
        return [(entity_id, name, found) for entity_id, (name, found) in ranked]


def match_kind(score: float, exact: bool) -> str:
    from .screening import STRONG

    return "exact" if exact else "strong" if score >= STRONG else "near"


def check(
    store: Store,
    name: str,
    as_of: str,
    jurisdiction: str | None = None,
    exact_only: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    screener: Screener | None = None,
) -> dict:
    """Whether `name` is under sanctions on day `as_of` (ISO), and every sanction that says so.

    A name matches an entity when one of its keys equals a key of the entity's names (`exact`,
    score 100; a short acronym's own key counts too: it never joins two parties but is its own
    name), or, unless `exact_only`, when screening scores one of the entity's names at or above
    `threshold` (`strong` from 95, else `near`). `closest` lists the best names below it."""
    from .names import name_keys

    text = name.replace("\x00", " ").strip()
    if not text:
        raise UsageError("the name is empty", hint="check a person's or a company's name")
    keys = sorted(name_keys(text, None))
    exact = list(store.entity_ids_for_keys(keys))
    scored: dict[str, tuple[str, float]] = {}
    closest: list[dict] = []
    screener = screener or Screener(store)
    if not exact_only:
        for entity_id, matched, found in screener.scores(text):
            if entity_id in exact:
                continue
            if found >= threshold:
                scored[entity_id] = (matched, found)
            elif len(closest) < CLOSEST and found >= CLOSEST_FLOOR:
                closest.append({"entity_id": entity_id, "name": matched, "score": found})
    entities = store.search.entities_by_ids(exact + list(scored))

    matches = []
    history = []
    for entity_id in exact + list(scored):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        is_exact = entity_id not in scored
        matched_name, found = (_matched_name(entity, keys), 100.0) if is_exact else scored[entity_id]
        sanctions = _sanctions_of(store, entity_id, as_of, jurisdiction)
        sanctions += _listed_sanctions_of(store, entity_id, as_of, jurisdiction)
        for sanction in sanctions:
            record = {
                "entity_id": entity_id,
                "name": entity["name"],
                "matched_name": matched_name,
                "score": found,
                "match": match_kind(found, is_exact),
                "near": not is_exact,
                **sanction,
            }
            (matches if sanction["in_force"] else history).append(record)
    matches.sort(key=lambda m: -m["score"])
    return {
        "name": name,
        "sanctioned": bool(matches),
        "as_of": as_of,
        "jurisdiction": jurisdiction,
        "threshold": None if exact_only else threshold,
        "matches": matches,
        "not_in_force": history,
        "closest": closest,
        "known": bool(entities),
        # Nothing to screen against: a "no" from an empty store says nothing of the name.
        "store_empty": not entities and screener.weights.total == 0,
        "note": PARTIAL_DATES_NOTE,
    }


def _matched_name(entity: dict, keys: list[str]) -> str:
    from .names import name_keys

    for candidate in entity["names"]:
        if set(name_keys(candidate, None)) & set(keys) or set(name_keys(candidate, entity["kind"])) & set(keys):
            return candidate
    return entity["name"]


def _sanctions_of(store: Store, entity_id: str, as_of: str, jurisdiction: str | None) -> list[dict]:
    """One line per (jurisdiction, authority, program) that acted on the entity up to `as_of`:
    in force when its latest action is not a delisting; `since` is the start of that run."""
    from .rules import as_of as on_day

    lines = on_day(store.search.sanction_periods([entity_id]), as_of)
    for line in lines:
        del line["entity_id"]  # the match that shows a line names its entity first
    return [line for line in lines if not jurisdiction or line["jurisdiction"] == jurisdiction]


def _listed_sanctions_of(store: Store, entity_id: str, as_of: str, jurisdiction: str | None) -> list[dict]:
    """What the official lists say of the entity on `as_of`, by the rules of rules.py: per source,
    the latest snapshot published on or before that day decides (a listing gone from it was
    delisted when the first snapshot without it was published); before the first snapshot, a
    listing counts from its own listing date. `since` is the list's listing date; where the list
    gives none, the line says in which snapshot it was first seen (rules.listing_sanction)."""
    from .rules import decisive_snapshot, listing_sanction, listing_since, runs_of_rows
    from .sources import SOURCES

    by_source: dict[str, list[dict]] = {}
    for row in store.lists.listings_of_entities([entity_id]):
        by_source.setdefault(row["source"], []).append(row)
    found = []
    for source, rows in by_source.items():
        known = SOURCES.get(source)
        source_jurisdiction = known.jurisdiction if known else None
        if jurisdiction and source_jurisdiction != jurisdiction:
            continue
        snapshots = store.lists.snapshots(source)
        snapshot, published_by_then = decisive_snapshot(snapshots, as_of)
        run = runs_of_rows(rows, {source: snapshots})

        def since_of(row: dict) -> tuple[str, str, dict]:
            first, gone = run(row)
            return (*listing_since(row["listed_on"], first["published"], gone and gone["published"]), first)

        held = [r for r in rows if r["snapshot_id"] == snapshot["id"]]
        for row in held:
            since, since_from, first = since_of(row)
            if since > as_of:
                continue
            found.append(listing_sanction(row, known, since, True, None, since_from, first["id"]))
        if not held and published_by_then:
            last = rows[-1]
            if last["published"] <= as_of:
                later = [s for s in snapshots if s["published"] > last["published"]]
                since, since_from, first = since_of(last)
                found.append(listing_sanction(last, known, since, False, later[0]["published"] if later else None,
                                              since_from, first["id"]))
    return found


# -- check --file ----------------------------------------------------------------------------------

# A longer line is no name: reported as an error row, never screened.
MAX_NAME_LENGTH = 1000
# From this many names on, `check --file` reads every key count at once and scores with rapidfuzz
# (Screener's batch mode); fewer are screened as single checks are.
BATCH_MODE_NAMES = 200


def read_names(data: bytes, column: str | None, source: str) -> list[tuple[int, str]]:
    """(line number, name) of a batch: one name per line, or a CSV with a header row holding
    `column` (by default a header whose first row has a field "name" makes it a CSV; plain lines
    may hold commas, as "DERIPASKA, Oleg" does). Blank lines are skipped. Binary data, or text
    that is not UTF-8, is refused whole."""
    import csv
    import io

    from .errors import BadDataError

    if b"\x00" in data:
        raise BadDataError(f"{source} is a binary file, not names one per line or a CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadDataError(
            f"{source} is not UTF-8 text (byte {err.start + 1})", hint="save it as UTF-8 and retry"
        ) from None
    lines = text.splitlines()
    header = next(csv.reader([lines[0]])) if lines else []
    wanted = (column or "name").strip().casefold()
    position = next((i for i, field in enumerate(header) if field.strip().casefold() == wanted), None)
    if column is not None and position is None:
        raise UsageError(
            f"{source} has no column {column!r} in its header",
            hint=f"its header is: {', '.join(header)[:200]}" if header else "the file is empty",
        )
    if position is None:
        return [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]
    names = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for row in reader:
        value = row[position].strip() if position < len(row) else ""
        if value:
            names.append((reader.line_num, value))
    return names


def check_many(
    store: Store,
    names: list[tuple[int, str]],
    as_of: str,
    jurisdiction: str | None = None,
    exact_only: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    progress=None,
):
    """Yield, in input order, the result of `check` for each (line, name), with `query` and
    `line`; a name too long or otherwise unusable yields {"query", "line", "error"} instead."""
    screener = Screener(store, batch=len(names) >= BATCH_MODE_NAMES)
    # A name met again later in the file is answered from its first answer (a customer file
    # repeats), kept until its last occurrence.
    left: dict[str, int] = {}
    for _, name in names:
        left[name] = left.get(name, 0) + 1
    answered: dict[str, dict] = {}
    for done, (line, name) in enumerate(names, 1):
        if len(name) > MAX_NAME_LENGTH:
            yield {"query": name[:80] + "…", "line": line,
                   "error": f"the name is longer than {MAX_NAME_LENGTH:,} characters"}  # fmt: skip
        else:
            result = answered.get(name)
            if result is None:
                try:
                    result = check(store, name, as_of, jurisdiction, exact_only, threshold, screener)
                except UsageError as err:
                    result = {"error": err.message}
            left[name] -= 1
            if left[name]:
                answered[name] = result
            else:
                answered.pop(name, None)
            yield {"query": name, "line": line, **result}
        if progress is not None:
            progress(done)

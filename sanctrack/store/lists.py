"""The queries of official lists' snapshots and their listings, for `import` of lists, `sources`,
and the listings seen by show, search, check and diff.

Listings are stored by their changes (schema.LISTS): a version of an entry (`listings`) is stored
once, and `listing_spans` says which snapshots of its source hold it: from the snapshot whose key
is `since` up to, not including, the one whose key is `until` (NULL: every later one). A
snapshot's key orders the snapshots of a source as `snapshot_before` does: its publication day,
then the order of import (`snapshot_key`). Reading one snapshot reads the spans open at its key:
those still open (`until IS NULL`) and those ending after it, found by one index
(`listing_spans_held`); a snapshot's cost is its own size plus the entries ended since, never the
number of snapshots stored.

Snapshots and versions are immutable (triggers refuse a rewrite; only a version's entity link may
change); a span only ever ends (its `until` is set once), logged like any update, so undo of an
import reopens what it ended.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, NamedTuple

from .encoding import JSON_COLUMNS, decode, decoded_rows, encode_value, first_row

# A snapshot's key in SQL (alias `s`): its publication day, then its rowid (the import order).
SNAPSHOT_KEY_SQL = "(s.published || '#' || printf('%010d', s.rowid))"
# The columns of a listing as the pre-schema-7 `listings` rows had them (the public shape).
LISTING_FIELDS = (
    "list_id", "name", "aliases", "kind", "programs", "countries", "listed_on", "birth_dates",
    "identifiers", "addresses", "remarks", "raw",
)  # fmt: skip
_LISTING_COLUMNS = ", ".join(f"l.{c}" for c in LISTING_FIELDS)


# Secondary indexes a list import never reads through while it writes (it looks versions up
# before it inserts any, and entities by their names' keys only in a store that held entities):
# on a store whose tables are still empty (a first import), `bulk()` builds them once, at the end,
# from the sorted keys, instead of row by row in random key order (store/changes.py).
LIST_INDEXES = (
    "listings_version", "listings_entity", "listing_spans_held", "listing_spans_since",
    "entity_names_key",
)  # fmt: skip


def listing_values(listing) -> tuple:
    """The values of a parsed listing (importers.base.Listing) as `listings` stores them, in the
    order of LISTING_FIELDS after list_id: its lists and `raw` as JSON text (store/encoding.py)."""
    return (
        listing.name, encode_value(listing.aliases), listing.kind, encode_value(listing.programs),
        encode_value(listing.countries), listing.listed_on, encode_value(listing.birth_dates),
        encode_value(listing.identifiers), encode_value(listing.addresses), listing.remarks,
        encode_value(listing.raw),
    )  # fmt: skip


def version_content(values: tuple) -> str:
    """The identity of a version of a listing: a hash of the values it is stored with
    (`listing_values`: its lists and raw record as JSON text), so that two versions differing in
    any stored letter are two versions. Over the text stored anyway, not a repr of the parsed
    values (which cost the SDN list's first import ~75 ms more). JSON text holds no raw U+001F
    (it escapes control characters), which parts the lists; the four scalars go first, repr'd."""
    import hashlib  # (here: lookups read this module and never hash; ~2 ms of their start-up)

    name, aliases, kind, programs, countries, listed_on, birth_dates, identifiers, addresses, remarks, raw = values
    text = "\x1f".join((repr((name, kind, listed_on, remarks)), aliases, programs, countries, birth_dates,
                         identifiers, addresses, "null" if raw is None else raw))  # fmt: skip
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def row_content(row: dict) -> str:
    """`version_content` of a stored listing row, its lists decoded: encoded again as an import
    encodes them, whatever text an older release stored them as (the schema migrations)."""
    return version_content(tuple(
        encode_value(row[f]) if f in JSON_COLUMNS and row[f] is not None else row[f]
        for f in LISTING_FIELDS[1:]
    ))  # fmt: skip


def snapshot_key(published: str, rowid: int) -> str:
    """The key ordering a snapshot among its source's (see SNAPSHOT_KEY_SQL)."""
    return f"{published}#{rowid:010d}"


def _rowid_of_key(key: str) -> int:
    return int(key.rpartition("#")[2])


class Held(NamedTuple):
    """A version held by a snapshot, and the span that holds it there."""

    listing: int  # the version's id (listings.id)
    digest: str | None  # these three None when read without them (ListQueries.held)
    content: str | None
    entity_id: str | None
    since: str
    until: str | None


# The spans of `source` open at key `k`, with their versions: those still open, then those that
# end after `k` (two ranges of one index; a version held since after `k` is left out).
_HELD_ARM = "SELECT {columns} FROM listing_spans sp{join} WHERE sp.source = :source AND {until} AND sp.since <= :key{only}"
_HELD_ARMS = _HELD_ARM.replace("{until}", "sp.until IS NULL") + " UNION ALL " + _HELD_ARM.replace(
    "{until}", "sp.until > :key"
)
_WITH_VERSIONS = _HELD_ARMS.replace("{join}", " JOIN listings l ON l.id = sp.listing")
_HELD_SQL = _WITH_VERSIONS.replace("{only}", "")
# The same, of the list ids in the JSON array :ids only.
_HELD_OF_IDS_SQL = _WITH_VERSIONS.replace("{only}", " AND l.list_id IN (SELECT value FROM json_each(:ids))")
# The spans alone (`sp.` columns): no version row read.
_HELD_SPANS_SQL = _HELD_ARMS.replace("{join}", "").replace("{only}", "")


class ListQueries:
    """SQL for snapshots and listings over one connection (`Store.lists`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- snapshots -------------------------------------------------------------------------------

    def snapshot(self, snapshot_id: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM snapshots WHERE id = ?", (snapshot_id,))

    def snapshots(self, source: str | None = None) -> list[dict]:
        """Snapshots oldest first (by publication date, then import order)."""
        if source is None:
            return decoded_rows(self.conn, "SELECT * FROM snapshots ORDER BY source, published, rowid")
        return decoded_rows(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? ORDER BY published, rowid", (source,)
        )

    def snapshot_before(self, source: str, published: str) -> dict | None:
        """The latest snapshot of `source` published on or before `published`."""
        return first_row(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? AND published <= ? "
            "ORDER BY published DESC, rowid DESC LIMIT 1",
            (source, published),
        )

    def snapshot_after(self, source: str, published: str) -> dict | None:
        """The first snapshot of `source` published after `published`."""
        return first_row(
            self.conn,
            "SELECT * FROM snapshots WHERE source = ? AND published > ? "
            "ORDER BY published, rowid LIMIT 1",
            (source, published),
        )

    def key(self, snapshot_id: str) -> tuple[str, str] | None:
        """(source, key) of a snapshot, or None when there is none of that id."""
        row = self.conn.execute(
            f"SELECT s.source, {SNAPSHOT_KEY_SQL} FROM snapshots s WHERE s.id = ?", (snapshot_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def snapshot_of_key(self, key: str) -> dict | None:
        return first_row(self.conn, "SELECT * FROM snapshots WHERE rowid = ?", (_rowid_of_key(key),))

    def latest_snapshot_ids(self) -> dict[str, str]:
        """source -> id of its most recently published snapshot."""
        rows = self.conn.execute(
            "SELECT source, id FROM snapshots ORDER BY source, published, rowid"
        ).fetchall()
        return dict(rows)

    # -- the listings of one snapshot -----------------------------------------------------------

    def held(self, snapshot_id: str, hashes: bool = True) -> dict[str, Held]:
        """list_id -> the version a snapshot holds and its span: what the next import of the
        source compares itself with. Without `hashes`, each Held's digest, content and entity_id
        are None (`with_hashes` reads them for one): they are stored after a version's values,
        on its overflow pages when they are long, so reading them for every version of the SDN
        takes 50 ms where the rest takes 20."""
        found = self.key(snapshot_id)
        if found is None:
            return {}
        source, key = found
        if not hashes:
            return {
                list_id: Held(version, None, None, None, since, until)
                for list_id, version, since, until in self.conn.execute(
                    _HELD_SQL.format(columns="l.list_id, l.id, sp.since, sp.until"),
                    {"source": source, "key": key},
                )
            }
        columns = "l.list_id, l.id, l.digest, l.content, l.entity_id, sp.since, sp.until"
        return {
            row[0]: Held(*row[1:])
            for row in self.conn.execute(_HELD_SQL.format(columns=columns), {"source": source, "key": key})
        }

    def with_hashes(self, held: Held) -> Held:
        """A Held read without its hashes (`held(hashes=False)`), with them."""
        digest, content, entity_id = self.conn.execute(
            "SELECT digest, content, entity_id FROM listings WHERE id = ?", (held.listing,)
        ).fetchone()
        return held._replace(digest=digest, content=content, entity_id=entity_id)

    def held_fingerprints(self, snapshot_id: str) -> dict[str, int]:
        """fingerprint -> version id of the rows each version a snapshot holds was read from
        (`listing_sources`)."""
        found = self.key(snapshot_id)
        if found is None:
            return {}
        source, key = found
        held = _HELD_SPANS_SQL.format(columns="sp.listing")
        return dict(self.conn.execute(
            f"SELECT f.fingerprint, f.listing FROM listing_sources f WHERE f.listing IN ({held})",
            {"source": source, "key": key},
        ).fetchall())  # fmt: skip

    def held_count(self, source: str, key: str) -> int:
        """How many versions the snapshot of `source` at `key` holds, by its spans alone."""
        return self.conn.execute(
            f"SELECT count(*) FROM ({_HELD_SPANS_SQL.format(columns='sp.listing')})",
            {"source": source, "key": key},
        ).fetchone()[0]

    def held_rows(self, snapshot_id: str, columns: str, list_ids: Iterable[str] | None = None) -> list[tuple]:
        """`columns` (of `listings l` and `listing_spans sp`) of the versions a snapshot holds,
        by version id (for a snapshot imported in one go, the order of its file); only those of
        `list_ids` when given (the others' long columns, such as raw, are then never read)."""
        found = self.key(snapshot_id)
        if found is None:
            return []
        source, key = found
        params = {"source": source, "key": key}
        if list_ids is None:
            held = _HELD_SQL.format(columns="l.id AS _order, " + columns)
        else:
            held = _HELD_OF_IDS_SQL.format(columns="l.id AS _order, " + columns)
            params["ids"] = json.dumps(list(list_ids))
        return [row[1:] for row in self.conn.execute(f"SELECT * FROM ({held}) ORDER BY _order", params)]

    def listing_entities(self, snapshot_id: str) -> dict[str, str]:
        """list_id -> entity_id of every listing of a snapshot."""
        return {list_id: held.entity_id for list_id, held in self.held(snapshot_id).items()}

    def listing_digests(self, snapshot_id: str) -> dict[str, str]:
        """list_id -> digest of every listing of a snapshot (for the designations, delistings and
        amendments between two snapshots)."""
        return {list_id: held.digest for list_id, held in self.held(snapshot_id).items()}

    def listings_of(self, snapshot_id: str) -> Iterable[dict]:
        """Every listing of a snapshot whole: snapshot_id, the listing's fields, digest,
        entity_id and change_id (of the import that stored its version)."""
        columns = f"{_LISTING_COLUMNS}, l.digest, l.entity_id, l.change_id"
        names = ["list_id", *LISTING_FIELDS[1:], "digest", "entity_id", "change_id"]
        for row in self.held_rows(snapshot_id, columns):
            yield decode({"snapshot_id": snapshot_id, **dict(zip(names, row))})

    def listing(self, snapshot_id: str, list_id: str) -> dict | None:
        found = self.key(snapshot_id)
        if found is None:
            return None
        source, key = found
        row = first_row(
            self.conn,
            f"SELECT {_LISTING_COLUMNS}, l.digest, l.entity_id, l.change_id FROM listings l "
            "JOIN listing_spans sp ON sp.listing = l.id WHERE l.source = ? AND l.list_id = ? "
            "AND sp.since <= ? AND (sp.until IS NULL OR sp.until > ?)",
            (source, list_id, key, key),
        )
        return None if row is None else {"snapshot_id": snapshot_id, **row}

    def runs(self, source: str, list_ids: Iterable[str], key: str) -> dict[str, tuple[str, str | None]]:
        """list_id -> (key of the first snapshot of the run that holds it without a gap up to
        the snapshot of `key`, key of the first snapshot without it before that run or None),
        for list ids `source` holds at `key` (rules.listing_run, from the spans: one run of
        versions follows another where a span ends the day the next begins)."""
        found: dict[str, list] = {}  # list_id -> [run's start, gone before it, its last until]
        for list_id, since, until in self.conn.execute(
            "SELECT l.list_id, sp.since, sp.until FROM listings l "
            "JOIN listing_spans sp ON sp.listing = l.id WHERE l.source = ? "
            "AND l.list_id IN (SELECT value FROM json_each(?)) AND sp.since <= ? "
            "ORDER BY l.list_id, sp.since",
            (source, json.dumps(list(list_ids)), key),
        ):
            run = found.get(list_id)
            if run is None or run[2] != since:
                found[list_id] = [since, run[2] if run else None, until]
            else:
                run[2] = until
        return {list_id: (start, gone) for list_id, (start, gone, _) in found.items()}

    # -- listings by entity ------------------------------------------------------------------------

    def listings_of_entities(self, entity_ids: list[str]) -> list[dict]:
        """Every listing (in any snapshot) linked to the entities, with its snapshot's source and
        publication date, oldest snapshot first."""
        if not entity_ids:
            return []
        marks = ", ".join("?" for _ in entity_ids)
        return decoded_rows(
            self.conn,
            "SELECT s.id AS snapshot_id, l.list_id, l.name, l.aliases, l.kind, l.programs, "
            "l.countries, l.listed_on, l.entity_id, s.source, s.published FROM listings l "
            "JOIN listing_spans sp ON sp.listing = l.id JOIN snapshots s ON s.source = sp.source "
            f"AND {SNAPSHOT_KEY_SQL} >= sp.since AND (sp.until IS NULL OR {SNAPSHOT_KEY_SQL} < sp.until) "
            f"WHERE l.entity_id IN ({marks}) ORDER BY s.source, s.published, s.rowid, l.id",
            entity_ids,
        )

    def entity_listing_keys(self, entity_id: str) -> list[tuple[str, str]]:
        """(snapshot_id, list_id) of every listing linked to an entity, in any snapshot."""
        return [(row["snapshot_id"], row["list_id"]) for row in self.listings_of_entities([entity_id])]

    # -- list history (issue 18): how listings came, changed and went, snapshot after snapshot ----
    # The timeline, `show` and `lag` read listings' history only through these methods. On
    # versions and spans, a listing's history is read from its few spans (one per version held),
    # and what changed between two snapshots from the spans that begin or end between them.

    def listing_keys_of_entities(self, entity_ids: list[str]) -> list[tuple[str, str]]:
        """(source, list_id) of every listing, in any snapshot, linked to one of the entities."""
        if not entity_ids:
            return []
        marks = ", ".join("?" for _ in entity_ids)
        return self.conn.execute(
            f"SELECT DISTINCT l.source, l.list_id FROM listings l WHERE l.entity_id IN ({marks}) "
            "AND EXISTS (SELECT 1 FROM listing_spans sp WHERE sp.listing = l.id) ORDER BY l.source, l.list_id",
            entity_ids,
        ).fetchall()

    def listing_versions(self, source: str, list_ids: list[str]) -> list[dict]:
        """Every stored version of the listings `list_ids` of `source` in each snapshot holding it:
        the listing's fields with `snapshot_id`, `published` and `digest`, by list id, then oldest
        snapshot first (one row a snapshot, as the copies of schema 6 were; each version is read
        once, with its spans)."""
        from bisect import bisect_left

        snapshots = self.conn.execute(
            f"SELECT {SNAPSHOT_KEY_SQL}, s.id, s.published FROM snapshots s WHERE s.source = ? "
            "ORDER BY s.published, s.rowid",
            (source,),
        ).fetchall()
        keys = [row[0] for row in snapshots]
        found: list[tuple[str, int, dict]] = []
        columns = f"{_LISTING_COLUMNS}, l.digest, l.entity_id, l.change_id, sp.since AS _since, sp.until AS _until"
        for start in range(0, len(list_ids), 500):
            chunk = list_ids[start : start + 500]
            for row in decoded_rows(
                self.conn,
                f"SELECT {columns} FROM listings l JOIN listing_spans sp ON sp.listing = l.id "
                "WHERE l.source = ? AND l.list_id IN (SELECT value FROM json_each(?))",
                (source, json.dumps(chunk)),
            ):
                since, until = row.pop("_since"), row.pop("_until")
                first = bisect_left(keys, since)
                last = len(keys) if until is None else bisect_left(keys, until)
                for i in range(first, last):
                    _, snapshot_id, published = snapshots[i]
                    found.append((row["list_id"], i, {"snapshot_id": snapshot_id, **row, "published": published, "source": source}))
        found.sort(key=lambda item: (item[0], item[1]))
        return [row for _, _, row in found]

    def _version_rows(self, ids: list[int], snapshot_id: str) -> dict[int, dict]:
        """Version id -> the version whole, as a listing of `snapshot_id` (listings_of's shape)."""
        columns = f"l.id AS _id, {_LISTING_COLUMNS}, l.digest, l.entity_id, l.change_id"
        found: dict[int, dict] = {}
        for start in range(0, len(ids), 500):
            for row in decoded_rows(
                self.conn,
                f"SELECT {columns} FROM listings l WHERE l.id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids[start : start + 500]),),
            ):
                found[row.pop("_id")] = {"snapshot_id": snapshot_id, **row}
        return found

    def program_spellings(self, text: str) -> list[str]:
        """The spellings, in any stored listing, of the program named `text` (case and spacing
        aside), for a timeline of a program that only lists carry."""
        import json

        wanted = " ".join(text.casefold().split())
        pattern = "%" + "".join("\\" + c if c in "%_\\" else c for c in " ".join(text.split())) + "%"
        found: set[str] = set()
        for (programs,) in self.conn.execute(
            "SELECT DISTINCT programs FROM listings WHERE programs LIKE ? ESCAPE '\\'", (pattern,)
        ):
            for program in json.loads(programs or "[]"):
                if isinstance(program, str) and " ".join(program.casefold().split()) == wanted:
                    found.add(program)
        return sorted(found)

    def _changed_versions(self, old_id: str, new_id: str) -> list[tuple[str, int | None, int | None]]:
        """(kind, new version, old version) of every listing that differs between two snapshots:
        `added` (None, as no old version), `removed` (no new one) and `changed` (digests differ),
        each kind by version id (for a snapshot imported in one go, its file's order)."""
        old, new = self.key(old_id), self.key(new_id)
        if old is None or new is None:
            return []
        if old[0] == new[0] and old[1] <= new[1]:
            # Only a listing with a span beginning or ending between the two can differ: the
            # span held at the old key ends in (old, new], the one held at the new begins there.
            source, old_key, new_key = old[0], old[1], new[1]
            at_old: dict[str, tuple[int, str]] = {}
            at_new: dict[str, tuple[int, str]] = {}
            for list_id, version, digest, since, until in self.conn.execute(
                "SELECT l.list_id, l.id, l.digest, sp.since, sp.until FROM listing_spans sp "
                "JOIN listings l ON l.id = sp.listing WHERE sp.source = :source AND sp.since > :old "
                "AND sp.since <= :new UNION SELECT l.list_id, l.id, l.digest, sp.since, sp.until "
                "FROM listing_spans sp JOIN listings l ON l.id = sp.listing WHERE sp.source = :source "
                "AND sp.until > :old AND sp.until <= :new",
                {"source": source, "old": old_key, "new": new_key},
            ):
                if since <= old_key:
                    at_old[list_id] = (version, digest)
                elif until is None or until > new_key:
                    at_new[list_id] = (version, digest)
        else:
            at_old = {k: (h.listing, h.digest) for k, h in self.held(old_id).items()}
            at_new = {k: (h.listing, h.digest) for k, h in self.held(new_id).items()}
        added = sorted((v[0], None) for k, v in at_new.items() if k not in at_old)
        removed = sorted((None, v[0]) for k, v in at_old.items() if k not in at_new)
        changed = sorted(
            (v[0], at_old[k][0]) for k, v in at_new.items() if k in at_old and at_old[k][1] != v[1]
        )
        return (
            [("added", n, o) for n, o in added]
            + [("removed", n, o) for n, o in sorted(removed, key=lambda p: p[1])]
            + [("changed", n, o) for n, o in changed]
        )

    def snapshot_changes(self, old_id: str | None, new_id: str) -> Iterable[tuple[str, dict, dict | None]]:
        """What changed from snapshot `old_id` to `new_id` (of one source; None: the first
        snapshot, where every listing is new): (`added`, listing, None), (`removed`, old
        listing, None) and (`changed`, new listing, old listing), each a whole listing."""
        if old_id is None:
            for row in self.listings_of(new_id):
                yield "added", row, None
            return
        pairs = self._changed_versions(old_id, new_id)
        new_rows = self._version_rows([n for _, n, _ in pairs if n is not None], new_id)
        old_rows = self._version_rows([o for _, _, o in pairs if o is not None], old_id)
        for kind, new, old in pairs:
            if kind == "added":
                yield kind, new_rows[new], None
            elif kind == "removed":
                yield kind, old_rows[old], None
            else:
                yield kind, new_rows[new], old_rows[old]

    def snapshot_change_counts(self, old_id: str | None, new_id: str) -> dict[str, int]:
        """How many listings `snapshot_changes` would give of each kind, without reading them."""
        counts = {"added": 0, "removed": 0, "changed": 0}
        if old_id is None:
            found = self.key(new_id)
            if found is not None:
                counts["added"] = self.held_count(*found)
            return counts
        for kind, _, _ in self._changed_versions(old_id, new_id):
            counts[kind] += 1
        return counts

    def listing_claims(self, entity_ids: list[str]) -> list[tuple[str, str, str]]:
        """(entity id, source, list id) of every listing version linked to one of the entities
        (passed as one JSON array): which entries of which lists each entity stands for."""
        if not entity_ids:
            return []
        return self.conn.execute(
            "SELECT DISTINCT entity_id, source, list_id FROM listings "
            "WHERE entity_id IN (SELECT value FROM json_each(?))",
            (json.dumps(entity_ids),),
        ).fetchall()

    def entity_versions(self, entity_id: str) -> list[int]:
        """The ids of the listing versions linked to an entity."""
        return [
            row[0] for row in self.conn.execute("SELECT id FROM listings WHERE entity_id = ?", (entity_id,))
        ]

    # -- writing (inside a change; see lists.import_list) -----------------------------------------

    def _has_versions(self, source: str) -> bool:
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM listings WHERE source = ?)", (source,)
        ).fetchone()[0])  # fmt: skip

    def entities_of_entries(self, source: str, list_ids: list[str]) -> dict[str, str]:
        """list_id -> the entity of the entry's latest stored version, for the entries of `source`
        that have one (in any snapshot)."""
        if not list_ids or not self._has_versions(source):
            return {}
        return dict(self.conn.execute(
            "SELECT l.list_id, l.entity_id FROM json_each(?) j CROSS JOIN listings l "
            "ON l.source = ? AND l.list_id = j.value ORDER BY l.id",
            (json.dumps(list_ids), source),
        ))  # fmt: skip

    def spans_since(self, key: str, versions: list[int]) -> dict[int, str | None]:
        """version id -> the end (`until`) of its span that begins at snapshot key `key`."""
        if not versions:
            return {}
        return dict(self.conn.execute(
            "SELECT sp.listing, sp.until FROM json_each(?) j CROSS JOIN listing_spans sp "
            "ON sp.listing = j.value AND sp.since = ?",
            (json.dumps(versions), key),
        ))  # fmt: skip

    def versions_with_content(self, source: str, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
        """(list_id, content) -> (version id, entity_id) of the versions already stored."""
        pairs = list(pairs)
        if not pairs or not self._has_versions(source):
            return {}  # the source's first versions (a first import): none to look up
        return {
            (list_id, content): (version, entity_id)
            for list_id, content, version, entity_id in self.conn.execute(
                # CROSS JOIN keeps the pairs outside: with JOIN the planner read every listing of the
                # source once per pair (1.25 s for a day of ~300 changed SDN entries; now ~2 ms).
                "SELECT l.list_id, l.content, l.id, l.entity_id FROM json_each(?) j "
                "CROSS JOIN listings l ON l.source = ? AND l.list_id = json_extract(j.value, '$[0]') "
                "AND l.content = json_extract(j.value, '$[1]')",
                (json.dumps(pairs), source),
            )
        }

    def next_listing_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM listings").fetchone()[0]

    def snapshot_rowid(self, snapshot_id: str) -> int:
        return self.conn.execute("SELECT rowid FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()[0]


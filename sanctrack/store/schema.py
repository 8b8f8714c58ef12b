"""The store's schema, the one source every store is built from: a new store (`create`), the
empty in-memory view of a store not created yet (`create` too) and an old store brought up to date
(`MIGRATIONS`, forward only). A test holds a new store and one migrated from schema 1 identical.

Full-text indexes are FTS5 tables kept in step by triggers, written here in the very form
sqlite-utils' `enable_fts(create_triggers=True)` gives them (`<table>_fts`, triggers `<table>_ai`,
`_ad`, `_au`), so sqlite-utils and Datasette find and search them; sanctrack itself never imports
sqlite-utils. Every statement runs inside the caller's transaction (`execute_script`).
"""

from __future__ import annotations

import sqlite3
from typing import Callable

from ..rules import LAG_DAYS_SQL
from .periods import refresh_sanction_periods, refresh_states

# 'SNCT': marks the file as sanctrack's so another program's database is never written to.
APPLICATION_ID = 0x534E4354
SCHEMA_VERSION = 12

# The log of changes (store/changes.py): one row per write, and the rows it replaced or removed.
CHANGE_LOG = """
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    undoes INTEGER REFERENCES changes(id),
    undone_by INTEGER REFERENCES changes(id)
);
CREATE TABLE change_rows (
    change_id INTEGER NOT NULL REFERENCES changes(id),
    seq INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key TEXT NOT NULL,
    old TEXT,
    new TEXT,
    PRIMARY KEY (change_id, seq)
);
"""

# Events, their targets, the responses to them, and the entities targets and listings link to.
RECORDS = """
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    authority TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    action TEXT NOT NULL,
    program TEXT,
    legal_basis TEXT,
    reason TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    in_response_to TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX events_date ON events (date_start);
CREATE INDEX events_jurisdiction ON events (jurisdiction, date_start);
CREATE INDEX events_in_response_to ON events (in_response_to) WHERE in_response_to IS NOT NULL;
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT,
    country TEXT,
    change_id INTEGER NOT NULL
);
CREATE TABLE entity_names (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    change_id INTEGER NOT NULL,
    match_keys TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity_id, key, name)
);
CREATE INDEX entity_names_key ON entity_names (key);
CREATE TABLE targets (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    country TEXT,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX targets_entity ON targets (entity_id, event_id, name);
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    actor TEXT NOT NULL,
    speaker TEXT,
    country TEXT,
    kind TEXT NOT NULL,
    stance TEXT,
    quote TEXT,
    summary TEXT,
    sources TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    counter_event_id TEXT,
    change_id INTEGER NOT NULL
);
CREATE INDEX responses_event ON responses (event_id, date_start);
CREATE INDEX responses_counter_event ON responses (counter_event_id)
    WHERE counter_event_id IS NOT NULL;
"""

# Official lists as schema 2 to 6 stored them: every snapshot held a copy of each of its listings.
# Kept for the migrations that lead to schema 7 (`_to_v2`, `_to_v7`).
LISTS_V2 = """
CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    format TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    listings INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    change_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX snapshots_content ON snapshots (source, file_hash);
CREATE INDEX snapshots_source ON snapshots (source, published);
CREATE TABLE listings (
    snapshot_id TEXT NOT NULL REFERENCES snapshots(id),
    list_id TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    programs TEXT NOT NULL DEFAULT '[]',
    countries TEXT NOT NULL DEFAULT '[]',
    listed_on TEXT,
    birth_dates TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    addresses TEXT NOT NULL DEFAULT '[]',
    remarks TEXT,
    raw TEXT NOT NULL DEFAULT '{}',
    digest TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, list_id)
);
CREATE INDEX listings_entity ON listings (entity_id);
CREATE INDEX listings_list_id ON listings (list_id);
CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END;
CREATE TRIGGER listings_immutable BEFORE UPDATE OF snapshot_id, list_id, name, aliases, kind,
    programs, countries, listed_on, birth_dates, identifiers, addresses, remarks, raw, digest
    ON listings
BEGIN SELECT RAISE(ABORT, 'a listing of a snapshot is never rewritten'); END;
"""

# Official lists: immutable snapshots, the versions of their entries, and which snapshots hold
# which version. A version's content is stored once (`listings`, unique by source, list id and
# `content`, the hash of every stored value); `listing_spans` says from which snapshot of its
# source a version is held up to (not including) the first later snapshot that no longer holds
# it, so a day that changes a few entries costs a few rows. Snapshots are ordered by their `key`
# (store/lists.py: publication day, then import order), the order `snapshot_before` uses.
SNAPSHOTS = """
CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    format TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    listings INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    change_id INTEGER NOT NULL
);
CREATE INDEX snapshots_source ON snapshots (source, published);
CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END;
"""
LISTINGS = """
CREATE TABLE listings (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    list_id TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT,
    programs TEXT NOT NULL DEFAULT '[]',
    countries TEXT NOT NULL DEFAULT '[]',
    listed_on TEXT,
    birth_dates TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    addresses TEXT NOT NULL DEFAULT '[]',
    remarks TEXT,
    raw TEXT NOT NULL DEFAULT '{}',
    digest TEXT NOT NULL,
    content TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    change_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX listings_version ON listings (source, list_id, content);
CREATE INDEX listings_entity ON listings (entity_id);
CREATE TABLE listing_spans (
    listing INTEGER NOT NULL REFERENCES listings(id),
    source TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    change_id INTEGER NOT NULL,
    PRIMARY KEY (listing, since)
) WITHOUT ROWID;
CREATE INDEX listing_spans_held ON listing_spans (source, until, since, listing);
CREATE INDEX listing_spans_since ON listing_spans (source, since);
CREATE TRIGGER listings_immutable BEFORE UPDATE OF id, source, list_id, name, aliases, kind,
    programs, countries, listed_on, birth_dates, identifiers, addresses, remarks, raw, digest,
    content ON listings
BEGIN SELECT RAISE(ABORT, 'a listing of a snapshot is never rewritten'); END;
CREATE TRIGGER listing_spans_fixed BEFORE UPDATE OF listing, source, since ON listing_spans
BEGIN SELECT RAISE(ABORT, 'a span of a listing only ever ends'); END;
"""
# The rows of a list file each version was read from, by their fingerprint (a hash of those rows
# and of the reader's code: importers/base.py `reader_salt`, ListRead.entries): the next import of
# the source finds an entry whose rows have not changed by it, without parsing it again. A version
# read from rows of several forms (or by several releases of the reader) has several.
LISTING_SOURCES = """
CREATE TABLE listing_sources (
    listing INTEGER NOT NULL REFERENCES listings(id),
    fingerprint TEXT NOT NULL,
    change_id INTEGER NOT NULL,
    PRIMARY KEY (listing, fingerprint)
) WITHOUT ROWID;
CREATE TRIGGER listing_sources_fixed BEFORE UPDATE ON listing_sources
BEGIN SELECT RAISE(ABORT, 'the source of a listing is never rewritten'); END;
"""
LISTS = SNAPSHOTS + LISTINGS + LISTING_SOURCES

# Readable views for Datasette and sqlite-utils: events with their targets, responses with their
# lag (the rule of `rules.lag_days`).
VIEWS = f"""
CREATE VIEW IF NOT EXISTS events_with_targets AS
SELECT
    e.rowid AS event_rowid,
    e.id, e.date, e.date_start, e.date_end, e.authority, e.jurisdiction, e.action, e.program,
    e.legal_basis,
    (SELECT group_concat(label, ' | ') FROM (
        SELECT t.name || CASE WHEN t.aliases <> '[]' THEN ' (aka ' || (
            SELECT group_concat(a.value, '; ') FROM json_each(t.aliases) AS a
        ) || ')' ELSE '' END AS label
        FROM targets AS t WHERE t.event_id = e.id ORDER BY t.position
    )) AS targets,
    (SELECT group_concat(entity_id, ' ') FROM (
        SELECT t.entity_id FROM targets AS t WHERE t.event_id = e.id ORDER BY t.position
    )) AS entity_ids,
    (SELECT count(*) FROM responses AS r WHERE r.event_id = e.id) AS responses,
    e.reason, e.summary, e.sources, e.tags, e.in_response_to
FROM events AS e;

CREATE VIEW IF NOT EXISTS responses_with_lag AS
SELECT
    r.rowid AS response_rowid,
    r.id, r.event_id, e.date AS event_date, r.date,
    {LAG_DAYS_SQL.format(event="e", later="r")} AS lag_days,
    r.date_start, e.jurisdiction AS event_jurisdiction, e.authority AS event_authority,
    r.actor, r.speaker, r.country, r.kind, r.stance, r.quote, r.summary, r.sources, r.tags,
    r.counter_event_id
FROM responses AS r
JOIN events AS e ON e.id = r.event_id;
"""

# What `diff` reads of a jurisdiction on a day, in the order it wants (see store/diff.py).
SANCTION_PERIODS_INDEX = (
    "CREATE INDEX sanction_periods_in_force ON sanction_periods "
    "(jurisdiction, entity_id, since_start, event_id, until_start, since)"
)
# Every period of every sanction (rules.py), kept in step with the events on each write. Derived
# data, never logged or undone itself: triggers on events and targets mark the entities a write
# touches (`sanction_periods_stale`), and each change recomputes their periods before it commits
# (store/periods.py).
SANCTION_PERIODS = f"""
CREATE TABLE sanction_periods (
    entity_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    authority TEXT NOT NULL,
    program TEXT NOT NULL,
    since TEXT NOT NULL,
    since_start TEXT NOT NULL,
    event_id TEXT NOT NULL,
    until TEXT,
    until_start TEXT,
    ended_by TEXT,
    PRIMARY KEY (entity_id, jurisdiction, authority, program, since_start, event_id)
) WITHOUT ROWID;
{SANCTION_PERIODS_INDEX};
CREATE TABLE sanction_periods_stale (entity_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER stale_periods_on_event_insert AFTER INSERT ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets WHERE event_id = NEW.id;
END;
CREATE TRIGGER stale_periods_on_event_update
    AFTER UPDATE OF id, date, date_start, authority, jurisdiction, action, program ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale
        SELECT entity_id FROM targets WHERE event_id IN (OLD.id, NEW.id);
END;
CREATE TRIGGER stale_periods_on_event_delete AFTER DELETE ON events BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale SELECT entity_id FROM targets WHERE event_id = OLD.id;
END;
CREATE TRIGGER stale_periods_on_target_insert AFTER INSERT ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (NEW.entity_id);
END;
CREATE TRIGGER stale_periods_on_target_update AFTER UPDATE OF event_id, entity_id ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (OLD.entity_id);
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (NEW.entity_id);
END;
CREATE TRIGGER stale_periods_on_target_delete AFTER DELETE ON targets BEGIN
    INSERT OR IGNORE INTO sanction_periods_stale VALUES (OLD.entity_id);
END;
"""
# Secondary indexes of the records that an own-format import into a new store never reads
# through while it inserts (on a new store, `bulk()` builds them once at the end; store/changes.py).
RECORD_INDEXES = (
    "events_date", "events_jurisdiction", "events_in_response_to", "targets_entity",
    "responses_event", "responses_counter_event", "entity_names_key",
)  # fmt: skip
# Each entity's state per jurisdiction, from its periods (store/periods.py `states`): what a
# jurisdiction view of `diff` shows of it, for each stretch of days [valid_from, until) over which
# that holds ('~' as `until`: from valid_from on). Keyed for a view on a day D: the rows of the
# jurisdiction with until > D, of which those with valid_from <= D; on today's date these are the
# entities under sanctions, each once. Derived data, recomputed with the periods.
SANCTION_STATES = """
CREATE TABLE sanction_states (
    jurisdiction TEXT NOT NULL,
    until TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    since TEXT NOT NULL,
    since_start TEXT NOT NULL,
    event_id TEXT NOT NULL,
    programs TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, until, entity_id, valid_from)
) WITHOUT ROWID;
CREATE INDEX sanction_states_entity ON sanction_states (entity_id);
"""
# The triggers of SANCTION_PERIODS fired by every inserted row, which `bulk()` sets aside.
STALE_ON_INSERT = ("stale_periods_on_event_insert", "stale_periods_on_target_insert")

# The full-text indexes: the columns of each table they hold. remove_diacritics 2 folds accents.
FTS_COLUMNS = {
    "events": ["authority", "program", "legal_basis", "reason", "summary", "tags"],
    "targets": ["name", "aliases"],
    "responses": ["actor", "speaker", "quote", "summary", "tags"],
    "listings": ["name", "aliases", "programs"],
    # The screening keys of each name (screening.index_keys), searched by `check`.
    "entity_names": ["match_keys"],
}
# How often each screening key occurs, for the weight of a word (FTS5's own vocabulary).
SCREENING_VOCABULARY = (
    "CREATE VIRTUAL TABLE entity_names_vocab USING fts5vocab(entity_names_fts, 'row');\n"
)
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
# The suffixes of the triggers that keep `<table>_fts` in step with inserts, deletes and updates.
FTS_TRIGGERS = ("ai", "ad", "au")


def full_text(table: str) -> str:
    """The FTS5 table of `table` and its triggers, as sqlite-utils writes them."""
    columns = ", ".join(f'"{c}"' for c in FTS_COLUMNS[table])
    old = ", ".join(f'old."{c}"' for c in FTS_COLUMNS[table])
    new = ", ".join(f'new."{c}"' for c in FTS_COLUMNS[table])
    fts = f'"{table}_fts"'
    add = f"INSERT INTO {fts} (rowid, {columns}) VALUES (new.rowid, {new});"
    remove = f"INSERT INTO {fts} ({fts}, rowid, {columns}) VALUES('delete', old.rowid, {old});"
    return (
        f'CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {columns},\n'
        f"    tokenize='{FTS_TOKENIZE}',\n    content=\"{table}\"\n);\n"
        f'CREATE TRIGGER "{table}_ai" AFTER INSERT ON "{table}" BEGIN\n  {add}\nEND;\n'
        f'CREATE TRIGGER "{table}_ad" AFTER DELETE ON "{table}" BEGIN\n  {remove}\nEND;\n'
        f'CREATE TRIGGER "{table}_au" AFTER UPDATE ON "{table}" BEGIN\n  {remove}\n  {add}\nEND;\n'
    )


SCHEMA = "".join(
    (CHANGE_LOG, RECORDS, full_text("events"), full_text("targets"), full_text("responses"),
     LISTS, full_text("listings"), VIEWS, SANCTION_PERIODS, full_text("entity_names"),
     SCREENING_VOCABULARY, SANCTION_STATES)
)  # fmt: skip


def execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run the statements of `script` one by one, inside the current transaction (the standard
    library's `executescript` would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"an incomplete statement ends the script: {statement.strip()[:60]}")


def create(conn: sqlite3.Connection) -> None:
    """Set up the current schema in an empty database."""
    execute_script(conn, SCHEMA)


def _to_v2(conn: sqlite3.Connection) -> None:
    execute_script(conn, LISTS_V2 + full_text("listings"))


def _to_v3(conn: sqlite3.Connection) -> None:
    """A covering index of targets by entity (search, check, timeline read an entity's events
    through it). A covering index of events by id as well halved check's lookup of 1,000 events
    (12 ms against 23-37 ms) but cost the 200,000-event import about a tenth of its time, which
    its 2x budget could not spare: left out."""
    execute_script(conn, "DROP INDEX targets_entity;\n" + _statement(RECORDS, "CREATE INDEX targets_entity "))


def _to_v4(conn: sqlite3.Connection) -> None:
    execute_script(conn, VIEWS)


def _to_v5(conn: sqlite3.Connection) -> None:
    """The periods of every entity already recorded are computed as the table is made (US in the
    200,000-event store: 114,162 rows in force read in 0.25 s, where its 130,000 event x target
    rows took 1.3-1.5 s to read and 0.8 s more to walk in Python)."""
    execute_script(conn, SANCTION_PERIODS)
    refresh_sanction_periods(conn, everything=True, with_states=False)  # (states: schema 8)


def _to_v6(conn: sqlite3.Connection) -> None:
    """Screening keys for every name on record, and the keys of names whose look-alike letters or
    filler characters the earlier keys kept (names.visible_text)."""
    from ..names import name_keys
    from ..screening import index_keys

    conn.execute("ALTER TABLE entity_names ADD COLUMN match_keys TEXT NOT NULL DEFAULT ''")
    stored: dict[tuple[str, str], list[tuple[str, int]]] = {}
    kinds: dict[str, str | None] = dict(conn.execute("SELECT id, kind FROM entities"))
    for entity_id, key, name, change_id in conn.execute(
        "SELECT entity_id, key, name, change_id FROM entity_names"
    ).fetchall():
        stored.setdefault((entity_id, name), []).append((key, change_id))
    for (entity_id, name), rows in stored.items():
        keys = name_keys(name, kinds.get(entity_id)) or {key for key, _ in rows}
        if keys != {key for key, _ in rows}:
            conn.execute("DELETE FROM entity_names WHERE entity_id = ? AND name = ?", (entity_id, name))
            conn.executemany(
                "INSERT OR IGNORE INTO entity_names (entity_id, key, name, change_id) VALUES (?, ?, ?, ?)",
                [(entity_id, key, name, rows[0][1]) for key in sorted(keys)],
            )
    conn.executemany(
        "UPDATE entity_names SET match_keys = ? WHERE rowid = ?",
        [(index_keys(name), rowid) for rowid, name in conn.execute("SELECT rowid, name FROM entity_names").fetchall()],
    )
    execute_script(conn, full_text("entity_names") + SCREENING_VOCABULARY)
    conn.execute(
        "INSERT INTO entity_names_fts (rowid, match_keys) SELECT rowid, match_keys FROM entity_names"
    )


def _to_v7(conn: sqlite3.Connection) -> None:
    """Schema 6 -> 7: turn every snapshot's copies of its listings into versions and spans, as
    importing the snapshots one by one in publication order would have stored them. Each span a
    later snapshot ended is logged as an update of the change that imported that snapshot, so
    undoing the latest import still reopens what it ended; updates of a copy's entity link
    (entity merges) are logged again as updates of its version."""
    import json

    from ..importers.base import row_digest
    from .encoding import decode
    from .lists import LISTING_FIELDS, SNAPSHOT_KEY_SQL, row_content

    for name in ("listings_ai", "listings_ad", "listings_au", "listings_immutable"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("DROP TABLE IF EXISTS listings_fts")
    for name in ("listings_entity", "listings_list_id"):
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("ALTER TABLE listings RENAME TO listings_v6")
    execute_script(conn, LISTINGS)

    fields = list(LISTING_FIELDS)
    insert_version = (
        f"INSERT INTO listings (id, source, {', '.join(fields)}, digest, content, entity_id, change_id) "
        f"VALUES ({', '.join('?' for _ in range(len(fields) + 6))})"
    )
    seq = dict(conn.execute("SELECT change_id, max(seq) FROM change_rows GROUP BY change_id").fetchall())
    next_id = 1
    versions: dict[tuple[str, str, str], int] = {}  # (source, list_id, content) -> id
    copy_version: dict[tuple[str, str], int] = {}  # (snapshot_id, list_id) -> version id
    snapshots = conn.execute(
        f"SELECT s.id, s.source, {SNAPSHOT_KEY_SQL}, s.change_id FROM snapshots s "
        "ORDER BY s.source, s.published, s.rowid"
    ).fetchall()
    held: dict[str, dict[str, tuple[int, str]]] = {}  # source -> list_id -> (version, since)

    def end(source: str, version: int, since: str, key: str, change_id: int) -> None:
        conn.execute(
            "UPDATE listing_spans SET until = ? WHERE listing = ? AND since = ?", (key, version, since)
        )
        old = {"listing": version, "source": source, "since": since, "until": None}
        row_change = conn.execute(
            "SELECT change_id FROM listing_spans WHERE listing = ? AND since = ?", (version, since)
        ).fetchone()[0]
        old["change_id"] = row_change
        seq[change_id] = seq.get(change_id, 0) + 1
        conn.execute(
            "INSERT INTO change_rows (change_id, seq, tbl, op, key, old, new) VALUES (?,?,?,?,?,?,?)",
            (change_id, seq[change_id], "listing_spans", "update",
             json.dumps({"listing": version, "since": since}), json.dumps(old),
             json.dumps(dict(old, until=key))),
        )  # fmt: skip

    for snapshot_id, source, key, change_id in snapshots:
        current = held.setdefault(source, {})
        seen: set[str] = set()
        cur = conn.execute(
            f"SELECT {', '.join(fields)}, entity_id, change_id FROM listings_v6 "
            "WHERE snapshot_id = ? ORDER BY rowid",
            (snapshot_id,),
        )
        for values in cur.fetchall():
            row = dict(zip([*fields, "entity_id", "change_id"], values))
            list_id = row["list_id"]
            seen.add(list_id)
            decoded = decode(dict(row))
            digest, content = row_digest(decoded), row_content(decoded)
            version = versions.get((source, list_id, content))
            if version is None:
                version = versions[(source, list_id, content)] = next_id
                next_id += 1
                conn.execute(
                    insert_version,
                    (version, source, *values[: len(fields)], digest, content, row["entity_id"],
                     row["change_id"]),
                )  # fmt: skip
            copy_version[(snapshot_id, list_id)] = version
            was = current.get(list_id)
            if was is not None and was[0] == version:
                continue
            if was is not None:
                end(source, was[0], was[1], key, change_id)
            conn.execute(
                "INSERT INTO listing_spans (listing, source, since, until, change_id) VALUES (?, ?, ?, NULL, ?)",
                (version, source, key, change_id),
            )
            current[list_id] = (version, key)
        for list_id in [i for i in current if i not in seen]:
            version, since = current.pop(list_id)
            end(source, version, since, key, change_id)

    # Entity links changed by a merge were logged per copy: log them per version instead.
    for change_id, seq_no, key_json, old_json, new_json in conn.execute(
        "SELECT change_id, seq, key, old, new FROM change_rows WHERE tbl = 'listings' AND op = 'update'"
    ).fetchall():
        key = json.loads(key_json)
        version = copy_version.get((key.get("snapshot_id"), key.get("list_id")))
        if version is None:
            continue
        row = dict(zip(
            ["id", "source", *fields, "digest", "content", "entity_id", "change_id"],
            conn.execute(
                f"SELECT id, source, {', '.join(fields)}, digest, content, entity_id, change_id "
                "FROM listings WHERE id = ?", (version,)
            ).fetchone(),
        ))  # fmt: skip
        old, new = json.loads(old_json), json.loads(new_json or "null") or {}
        conn.execute(
            "UPDATE change_rows SET key = ?, old = ?, new = ? WHERE change_id = ? AND seq = ?",
            (json.dumps({"id": version}),
             json.dumps(dict(row, entity_id=old.get("entity_id"), change_id=old.get("change_id"))),
             json.dumps(dict(row, entity_id=new.get("entity_id", row["entity_id"]))),
             change_id, seq_no),
        )  # fmt: skip
    conn.execute("DROP TABLE listings_v6")
    execute_script(conn, full_text("listings"))
    conn.execute(
        "INSERT INTO listings_fts (rowid, name, aliases, programs) SELECT id, name, aliases, programs FROM listings"
    )


def _to_v8(conn: sqlite3.Connection) -> None:
    """Each entity's state per jurisdiction, computed from the periods already stored (a
    jurisdiction view of `diff` reads one row per entity under sanctions)."""
    execute_script(conn, SANCTION_STATES)
    refresh_states(conn)


def _to_v9(conn: sqlite3.Connection) -> None:
    """The fingerprints of the rows each version was read from. Versions stored before have none:
    the next import of each source parses every entry, as before, and records them."""
    execute_script(conn, LISTING_SOURCES)


def _to_v10(conn: sqlite3.Connection) -> None:
    """Schema 10 made each version's digest over the scalar facts of its raw record; schema 12
    computes digests anew (`_to_v12`), so a store at 9 is computed once, there."""


def _to_v11(conn: sqlite3.Connection) -> None:
    """One file may be held by two snapshots of a source (the later of two identical days,
    imported first, then the earlier: each day has its snapshot), so the index that made a file
    once per source goes. (Schema 11 also made each version's digest over the facts its raw
    record holds at any depth; schema 12 computes digests anew (`_to_v12`), so a store at 10 is
    computed once, there.)"""
    conn.execute("DROP INDEX IF EXISTS snapshots_content")


def _to_v12(conn: sqlite3.Connection) -> None:
    """Each version's digest and content as schema 12 computes them (importers/base.py
    `listing_digest`, store/lists.py `version_content`). The digest covers the raw facts as
    schema 11 set them (at any depth and in lists; at 10, scalars and those one object down;
    before, none), hashed from the facts joined rather than repr'd; the content is hashed over
    the values as stored rather than a repr of them. Both are recomputed from the stored values,
    which do not change; the copies of versions in the change log (an entity merge's update, an
    undone import's rows) take the same hashes, so that undo puts back what the version holds.

    Two versions of one entry that now hash alike hold the same stored values (possible only if
    an older release stored one entry twice with values equal as stored): the later one's content
    is its hash with its id, so both stay as they are."""
    import hashlib
    import json

    from ..importers.base import row_digest
    from .encoding import decode
    from .lists import LISTING_FIELDS, row_content

    # (and the full-text trigger of updates, which would take out and put back every
    # listing's unchanged text: the same index, in other segments than a new store's)
    conn.execute("DROP TRIGGER listings_immutable")
    conn.execute('DROP TRIGGER "listings_au"')
    columns = ", ".join(LISTING_FIELDS)
    hashes: dict[int, tuple[str, str]] = {}
    taken: set[tuple[str, str, str]] = set()
    for version, source, *values in conn.execute(f"SELECT id, source, {columns} FROM listings ORDER BY id"):
        row = decode(dict(zip(LISTING_FIELDS, values)))
        content = row_content(row)
        if (source, row["list_id"], content) in taken:
            content = hashlib.blake2b(f"{content}\x1f{version}".encode(), digest_size=16).hexdigest()
        taken.add((source, row["list_id"], content))
        hashes[version] = (row_digest(row), content)
    conn.executemany(
        "UPDATE listings SET digest = ?, content = ? WHERE id = ?",
        ((digest, content, version) for version, (digest, content) in hashes.items()),
    )
    logged = conn.execute(
        "SELECT change_id, seq, old, new FROM change_rows WHERE tbl = 'listings'"
    ).fetchall()
    updates = []
    for change_id, seq, *copies in logged:
        for index, text in enumerate(copies):
            if not text:
                continue
            row = json.loads(text)
            if not isinstance(row, dict) or "content" not in row:
                continue  # (a copy of schema 6's form, which no undo puts back since schema 7)
            if row.get("id") in hashes:
                row["digest"], row["content"] = hashes[row["id"]]
            else:  # a version no longer stored (its import undone): its own values
                stored = decode({f: row[f] for f in LISTING_FIELDS})
                row["digest"], row["content"] = row_digest(stored), row_content(stored)
            copies[index] = json.dumps(row, ensure_ascii=False)
        updates.append((*copies, change_id, seq))
    conn.executemany("UPDATE change_rows SET old = ?, new = ? WHERE change_id = ? AND seq = ?", updates)
    execute_script(conn, _statement(LISTINGS, "CREATE TRIGGER listings_immutable"))
    execute_script(conn, _statement(full_text("listings"), 'CREATE TRIGGER "listings_au"'))


def _statement(script: str, start: str) -> str:
    """The statement of `script` that begins with `start` (a trigger's holds semicolons)."""
    begin = end = script.index(start)
    while True:
        end = script.index(";", end) + 1
        if sqlite3.complete_statement(script[begin:end]):
            return script[begin:end] + "\n"


# Forward migrations: MIGRATIONS[n] takes a store at user_version n to n + 1. (A store at 0 is a
# new file: `create` sets it up at SCHEMA_VERSION at once.)
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _to_v2, 2: _to_v3, 3: _to_v4, 4: _to_v5, 5: _to_v6, 6: _to_v7, 7: _to_v8, 8: _to_v9,
    9: _to_v10, 10: _to_v11, 11: _to_v12,
}  # fmt: skip
assert max(MIGRATIONS) + 1 == SCHEMA_VERSION

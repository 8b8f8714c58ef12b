"""Snapshots stored by their changes (issue 19): each snapshot reads back exactly the listings its
files hold, whatever the order the days were imported in; an identical day writes no listing
rows; a schema 6 store (a copy of every listing per snapshot) migrates in place to the same answers.

The days are made by bench/year_generator.py from the small real OFAC CSV set in fixtures (17
entries), at high rates so that every day adds, ends and amends entries.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import REPO
from sanctrack.store import Store
from sanctrack.store.lists import LISTING_FIELDS

sys.path.insert(0, str(REPO / "bench"))
from year_generator import Year, write_day  # noqa: E402

SMALL = REPO / "fixtures" / "lists" / "ofac_sdn_csv"


@pytest.fixture
def days(tmp_path) -> list[tuple[str, Path]]:
    """Eight days of a small list: (date, folder)."""
    year = Year(seed=7, data=str(SMALL), start="2024-03-01", days=8, rates=(2.0, 1.0, 2.0), batches=0)
    found = []
    for date, files in year.days():
        write_day(str(tmp_path / "days" / date), files)
        found.append((date, tmp_path / "days" / date))
    assert year.stats["added"] and year.stats["removed"] and year.stats["amended"]
    return found


def parsed(folder: Path) -> dict[str, dict]:
    """The listings of a day's files, as the reader gives them."""
    from sanctrack.importers import importer_for

    return {l.list_id: {f: getattr(l, f) for f in LISTING_FIELDS} for l in importer_for(folder).read(folder).listings}


def stored(db: Path, snapshot_id: str) -> dict[str, dict]:
    store = Store.open(db)
    try:
        return {row["list_id"]: {f: row[f] for f in LISTING_FIELDS} for row in store.lists.listings_of(snapshot_id)}
    finally:
        store.close()


def import_days(cli, db: Path, days) -> list[dict]:
    return [
        cli.json("--db", str(db), "import", str(folder), "--published", date, "--max-shrink", "1")["snapshots"][0]
        for date, folder in days
    ]


def answers(cli, db: Path, days) -> dict:
    """What diff and show say of every snapshot of the store."""
    found = {}
    ids = sorted({list_id for _, folder in days for list_id in parsed(folder)})
    for a, _ in days:
        for b, _ in days:
            if a < b:
                found[("diff", a, b)] = cli.json("--db", str(db), "diff", f"ofac-sdn/{a}", f"ofac-sdn/{b}", code=None)
        for list_id in ids:
            result = cli("--db", str(db), "show", f"ofac-sdn/{a}/{list_id}", "--json", code=None)
            found[("show", a, list_id)] = (result.exit_code, result.stdout)
    return found


def test_each_snapshot_reads_back_the_listings_of_its_files(cli, tmp_path, days):
    db = tmp_path / "store.db"
    summaries = import_days(cli, db, days)
    previous: dict[str, dict] = {}
    for (date, folder), summary in zip(days, summaries):
        expected = parsed(folder)
        assert stored(db, f"ofac-sdn/{date}") == expected
        assert summary["listings"] == len(expected)
        assert summary["added"] == len(expected.keys() - previous.keys())
        assert summary["removed"] == len(previous.keys() - expected.keys())
        previous = expected
    conn = sqlite3.connect(db)
    versions = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
    distinct = len({(i, repr(v)) for _, folder in days for i, v in parsed(folder).items()})
    assert versions == distinct  # each content of an entry stored once
    # a span per run of days an entry holds one version: far fewer rows than days x entries
    assert conn.execute("SELECT count(*) FROM listing_spans").fetchone()[0] < len(days) * len(previous) / 2


def test_the_order_of_imports_changes_no_answer(cli, tmp_path, days):
    in_order, shuffled = tmp_path / "in-order.db", tmp_path / "shuffled.db"
    import_days(cli, in_order, days)
    mixed = list(days)
    random.Random(3).shuffle(mixed)
    assert mixed != days
    import_days(cli, shuffled, mixed)
    for date, folder in days:
        assert stored(shuffled, f"ofac-sdn/{date}") == parsed(folder)
    assert answers(cli, shuffled, days) == answers(cli, in_order, days)


def test_the_later_of_two_identical_days_imported_first_leaves_the_earlier_its_snapshot(cli, tmp_path, days):
    """Found by a check of other lists' files: with a day's files repeated byte for byte the next
    day, importing the later first made the earlier one "already imported" (the store held the
    file), so no snapshot was made for its day, and `check --as-of` that day answered from the day
    before: not sanctioned, for an entry the day's files list."""
    import shutil

    (first, day0), (second, day1) = days[0], days[1]
    repeat = tmp_path / "repeat"
    shutil.copytree(day1, repeat)
    later = "2024-03-20"
    added = sorted(parsed(day1).keys() - parsed(day0).keys())
    assert added, "day 2 adds an entry"
    name = parsed(day1)[added[0]]["name"]

    db = tmp_path / "store.db"
    import_days(cli, db, [(first, day0), (later, repeat), (second, day1)])
    assert stored(db, f"ofac-sdn/{second}") == parsed(day1)
    verdict = cli.json("--db", str(db), "check", name, "--as-of", second, code=None)
    assert verdict["sanctioned"] and added[0] in {m["listing"].rsplit("/", 1)[1] for m in verdict["matches"]}
    in_order = tmp_path / "in-order.db"
    import_days(cli, in_order, [(first, day0), (second, day1), (later, repeat)])  # the last: "already"
    both = [(first, day0), (second, day1)]
    assert answers(cli, db, both) == answers(cli, in_order, both)
    # again, on any day: the file is held by the snapshot in force then
    summary = cli.json("--db", str(db), "import", str(day1), "--published", "2024-03-25")["snapshots"][0]
    assert summary["id"] == f"ofac-sdn/{later}"
    assert cli.json("--db", str(db), "verify")["problems"] == []


def test_an_unchanged_day_writes_no_listing(cli, tmp_path, days):
    db = tmp_path / "store.db"
    import_days(cli, db, days[:3])
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT (SELECT count(*) FROM listings), (SELECT count(*) FROM listing_spans)").fetchone()
    date, folder = days[2]
    copy = tmp_path / "same"
    write_day(str(copy), {p.name: p.read_bytes() for p in folder.iterdir()})
    # the same content under another file hash: a new snapshot of the next day
    (copy / "sdn.csv").write_bytes((folder / "sdn.csv").read_bytes().replace(b"\r\n", b"\n"))
    summary = cli.json("--db", str(db), "import", str(copy), "--published", "2024-03-20")["snapshots"][0]
    assert (summary["added"], summary["removed"], summary["changed"]) == (0, 0, 0)
    after = conn.execute("SELECT (SELECT count(*) FROM listings), (SELECT count(*) FROM listing_spans)").fetchone()
    assert after == before
    assert stored(db, "ofac-sdn/2024-03-20") == parsed(folder)


def test_a_schema_6_store_migrates_to_the_same_answers(cli, tmp_path, days):
    from test_schema import lists_as_schema_6

    db = tmp_path / "store.db"
    import_days(cli, db, days)
    expected = answers(cli, db, days)
    conn = sqlite3.connect(db, isolation_level=None)
    lists_as_schema_6(conn)
    copies = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
    assert copies == sum(len(parsed(folder)) for _, folder in days)
    conn.execute("DROP TABLE sanction_states")  # and schema 8's states of the entities
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    assert answers(cli, db, days) == expected  # the first open migrates
    for date, folder in days:
        assert stored(db, f"ofac-sdn/{date}") == parsed(folder)
    # undo of the last import still reopens what it ended
    cli("--db", str(db), "undo")
    assert stored(db, f"ofac-sdn/{days[-2][0]}") == parsed(days[-2][1])
    summary = cli.json("--db", str(db), "import", str(days[-1][1]), "--published", days[-1][0],
                       "--max-shrink", "1")["snapshots"][0]  # fmt: skip
    assert stored(db, f"ofac-sdn/{days[-1][0]}") == parsed(days[-1][1])
    assert summary["previous"] == f"ofac-sdn/{days[-2][0]}"


def _write_sdn(folder: Path, rows, aliases: str = "") -> Path:
    folder.mkdir()
    null = "-0- "
    (folder / "sdn.csv").write_text(
        "".join(f'{n},"{name}",{null},"SDGT"' + f",{null}" * 8 + "\r\n" for n, name in rows), newline=""
    )
    (folder / "alt.csv").write_text(aliases, newline="")
    return folder


def test_entries_of_one_list_are_never_one_entity(cli, db, tmp_path):
    """GAMMA gives ALPHA's and BETA's names as its aliases (as UN entries share kunyas such as
    "Abu Muhammad"): the list says they are three parties, so they stay three entities. A recorded
    event naming ALPHA TRADING joins the entry whose own name it is, not GAMMA; a name that is
    only an alias of two entries joins neither."""
    aliases = '3,101,"aka","ALPHA TRADING",-0- \r\n3,102,"aka","BETA SHIPPING",-0- \r\n1,103,"aka","OMEGA FRONT",-0- \r\n2,104,"aka","OMEGA FRONT",-0- \r\n'
    folder = _write_sdn(tmp_path / "sdn-set", [(1, "ALPHA TRADING"), (2, "BETA SHIPPING"), (3, "GAMMA HOLDINGS")], aliases)
    cli("import", str(folder), "--published", "2024-05-01")
    conn = sqlite3.connect(db)
    entity_of = dict(conn.execute("SELECT list_id, entity_id FROM listings").fetchall())
    assert len(set(entity_of.values())) == 3
    assert conn.execute("SELECT count(*) FROM entities").fetchone() == (3,)

    def entity_of_event(name: str) -> str:
        event = cli.json("add", "event", "--date", "2024-06-01", "--jurisdiction", "US", "--authority", "OFAC",
                         "--target", name, "--target-kind", "company")["id"]  # fmt: skip
        return cli.json("show", event)["targets"][0]["entity_id"]

    assert entity_of_event("Alpha Trading") == entity_of["1"]
    assert entity_of_event("Gamma Holdings") == entity_of["3"]
    omega = entity_of_event("Omega Front")
    assert omega not in entity_of.values()
    assert conn.execute("SELECT count(*) FROM listings WHERE entity_id = ?", (omega,)).fetchone() == (0,)


def test_an_entry_whose_names_join_recorded_entities_folds_them_into_one(cli, db, tmp_path):
    """Two recorded parties, then one list entry giving both names: the entities become one, and
    the listing and both events' targets link to the survivor."""
    ids = [
        cli.json("add", "event", "--date", "2024-04-01", "--jurisdiction", "US", "--authority", "OFAC",
                 "--target", name, "--target-kind", "company")["id"]
        for name in ("Alpha Trading", "Beta Shipping")
    ]  # fmt: skip
    aliases = '3,101,"aka","ALPHA TRADING",-0- \r\n3,102,"aka","BETA SHIPPING",-0- \r\n'
    folder = _write_sdn(tmp_path / "sdn-set", [(3, "GAMMA HOLDINGS")], aliases)
    cli("import", str(folder), "--published", "2024-05-01")
    conn = sqlite3.connect(db)
    [(survivor,)] = conn.execute("SELECT DISTINCT entity_id FROM listings").fetchall()
    assert conn.execute("SELECT count(*) FROM entities").fetchone() == (1,)
    assert {cli.json("show", event)["targets"][0]["entity_id"] for event in ids} == {survivor}


def test_list_history_read_from_spans_matches_the_files(cli, tmp_path, days):
    """Issue 18's readers of list history (timeline, show, lag) on versions and spans: what changed
    between ANY two snapshots (either order), and each listing's version in every snapshot, are
    what the days' files say."""
    from sanctrack.importers import importer_for
    from sanctrack.importers.base import listing_digest

    db = tmp_path / "store.db"
    import_days(cli, db, days)
    files = {}
    for date, folder in days:
        files[f"ofac-sdn/{date}"] = {l.list_id: listing_digest(l) for l in importer_for(folder).read(folder).listings}
    store = Store.open(db)
    try:
        ids = list(files)
        seen_kinds = set()
        for a in ids:
            for b in ids:
                if a == b:
                    continue
                old, new = files[a], files[b]
                expected = {
                    "added": sorted(set(new) - set(old)),
                    "removed": sorted(set(old) - set(new)),
                    "changed": sorted(k for k in set(old) & set(new) if old[k] != new[k]),
                }
                got: dict[str, list] = {"added": [], "removed": [], "changed": []}
                for kind, row, was in store.lists.snapshot_changes(a, b):
                    got[kind].append(row["list_id"])
                    assert row["snapshot_id"] == (a if kind == "removed" else b)
                    if kind == "changed":
                        assert was["snapshot_id"] == a and was["list_id"] == row["list_id"]
                        assert was["digest"] == old[row["list_id"]] and row["digest"] == new[row["list_id"]]
                assert {k: sorted(v) for k, v in got.items()} == expected, (a, b)
                assert store.lists.snapshot_change_counts(a, b) == {k: len(v) for k, v in expected.items()}
                seen_kinds |= {k for k, v in expected.items() if v}
        assert seen_kinds == {"added", "removed", "changed"}
        first = store.lists.snapshot_change_counts(None, ids[0])
        assert first == {"added": len(files[ids[0]]), "removed": 0, "changed": 0}
        assert sorted(r["list_id"] for _, r, _ in store.lists.snapshot_changes(None, ids[0])) == sorted(files[ids[0]])
        every_id = sorted({k for held in files.values() for k in held})
        rows = store.lists.listing_versions("ofac-sdn", every_id)
        assert [(r["list_id"], r["snapshot_id"], r["digest"]) for r in rows] == [
            (k, s, files[s][k]) for k in every_id for s in ids if k in files[s]
        ]
        assert all(r["published"] == r["snapshot_id"].rsplit("/", 1)[1] and r["source"] == "ofac-sdn" for r in rows)
    finally:
        store.close()


def test_verify_reads_the_spans(cli, tmp_path, days):
    """verify's links on versions and spans: a whole store has none broken; a span (and a
    fingerprint) whose version is gone, and a snapshot counting other listings than its spans
    hold, are named."""
    db = tmp_path / "store.db"
    import_days(cli, db, days[:4])
    assert cli.json("--db", str(db), "verify")["problems"] == []
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TRIGGER snapshots_immutable")
        conn.execute("UPDATE snapshots SET listings = listings + 1 WHERE id = ?", (f"ofac-sdn/{days[2][0]}",))
        conn.execute("CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots "
                     "BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END")  # fmt: skip
        version = conn.execute("SELECT max(listing) FROM listing_spans").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM listings WHERE id = ?", (version,))
    conn.close()
    problems = cli.json("--db", str(db), "verify", code=3)["problems"]
    assert len(problems) == 3, problems
    assert any(f"snapshot ofac-sdn/{days[2][0]} counts other listings" in p for p in problems), problems
    assert any(f"holds listing version {version}, which does not exist" in p for p in problems), problems
    # and the fingerprint of the rows that version was read from
    assert any(f"is of listing version {version}, which does not exist" in p for p in problems), problems


FULL_UN = REPO.parent / "shared" / "data" / "un_consolidated_xml" / "UN_consolidated.xml"


@pytest.mark.skipif(not FULL_UN.exists(), reason="no shared data folder beside the clone")
def test_the_real_un_list_keeps_each_entry_its_own_party(cli, db):
    """In the real UN list, kunyas such as "Abu Muhammad" are aliases of several entries; joining
    entries by them made 975 entities of 1,003 entries (two different people shown as one)."""
    cli("import", str(FULL_UN))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT entity_id) FROM listings").fetchone() == (1003, 1003)
    holders = conn.execute(
        "SELECT DISTINCT l.list_id FROM entity_names n JOIN listings l ON l.entity_id = n.entity_id "
        "WHERE n.name = 'Abu Muhammad'"
    ).fetchall()
    assert len(holders) >= 2  # the premise: the alias is shared by different entries
    event = cli.json("add", "event", "--date", "2026-03-01", "--jurisdiction", "UN", "--authority", "UN SC",
                     "--target", "Abu Muhammad", "--target-kind", "person")["id"]  # fmt: skip
    entity = cli.json("show", event)["targets"][0]["entity_id"]
    assert conn.execute("SELECT count(*) FROM listings WHERE entity_id = ?", (entity,)).fetchone() == (0,)


def test_a_recorded_target_gives_its_kind_to_an_entity_of_unknown_kind(cli, db):
    """The kind a later record gives is kept for an entity first recorded without one (the list
    rule of issue 18 must not change what an event's target does to its entity)."""
    first = cli.json("add", "event", "--date", "2024-04-01", "--jurisdiction", "US", "--authority", "OFAC",
                     "--target", "Delta Kinds Trading")["id"]  # fmt: skip
    cli("add", "event", "--date", "2024-05-01", "--jurisdiction", "US", "--authority", "OFAC",
        "--target", "Delta Kinds Trading", "--target-kind", "company")
    entity = cli.json("show", first)["targets"][0]["entity_id"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT kind FROM entities WHERE id = ?", (entity,)).fetchone() == ("company",)


def test_the_lookup_of_stored_versions_reads_one_listing_per_pair(cli, tmp_path, days):
    """A day's changed entries are looked up by (list id, content) through the index of versions:
    planned the other way round, the query read every listing of the source once per changed
    entry (1.25 s for a day of ~300 changes of the SDN)."""
    db = tmp_path / "s.db"
    import_days(cli, db, days[:2])
    store = Store.open(db)
    try:
        pairs = [(r[0], r[1]) for r in store.conn.execute("SELECT list_id, content FROM listings LIMIT 5")]
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        found = store.lists.versions_with_content("ofac-sdn", pairs)
        store.conn.set_trace_callback(None)
        assert set(found) == set(pairs)
        (sql,) = [s for s in seen if "json_each" in s]
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert plan[0].startswith("SCAN j"), plan
        assert "listings_version (source=? AND list_id=? AND content=?)" in plan[1], plan
    finally:
        store.close()


def _span_runs(db: Path) -> list[tuple]:
    """The spans as (list id, name, first day, day after the last), keys turned into dates."""
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(
            "SELECT l.list_id, l.name, substr(s.since, 1, 10), substr(s.until, 1, 10) "
            "FROM listing_spans s JOIN listings l ON l.id = s.listing"
        ).fetchall(), key=repr)  # fmt: skip
    finally:
        conn.close()


def _entries_by_entity(db: Path) -> list[list[str]]:
    conn = sqlite3.connect(db)
    try:
        groups = conn.execute("SELECT group_concat(DISTINCT list_id) FROM listings GROUP BY entity_id").fetchall()
        return sorted(sorted(g.split(",")) for (g,) in groups)
    finally:
        conn.close()


def test_an_older_day_imported_late_joins_the_runs_and_parties_of_its_neighbours(cli, tmp_path):
    """Found on 295 real SDN files (2021-08 to 2024-05) imported in a shuffled order: entry 45026
    was renamed (another name and tax ids under one ent_num); when the renamed day came in first,
    the earlier name became a second entity, and every day filled in between two imported ones
    cut a version's span in two (66,038 spans against 17,016 in date order)."""
    days = [
        ("2024-01-01", [(1, "ALPHA TRADING"), (2, "BETA SHIPPING")]),
        ("2024-01-02", [(1, "ALPHA TRADING"), (2, "BETA SHIPPING"), (4, "DELTA MARINE")]),
        ("2024-01-03", [(1, "OMEGA INDUSTRIAL"), (2, "BETA SHIPPING"), (3, "GAMMA HOLDINGS"), (4, "DELTA MARINE")]),
        ("2024-01-04", [(1, "OMEGA INDUSTRIAL"), (3, "GAMMA HOLDINGS"), (4, "DELTA MARINE")]),
        ("2024-01-05", [(1, "OMEGA INDUSTRIAL"), (3, "GAMMA HOLDINGS")]),
    ]
    folders = [(date, _write_sdn(tmp_path / date, rows)) for date, rows in days]
    in_order = tmp_path / "in-order.db"
    import_days(cli, in_order, folders)
    expected_runs = _span_runs(in_order)
    assert len(expected_runs) == 5  # ALPHA, OMEGA, BETA, GAMMA, DELTA: one run each
    assert _entries_by_entity(in_order) == [["1"], ["2"], ["3"], ["4"]]
    expected = answers(cli, in_order, folders)
    for order in ([4, 0, 2, 1, 3], [2, 4, 0, 3, 1], [4, 3, 2, 1, 0]):
        db = tmp_path / f"order-{''.join(map(str, order))}.db"
        import_days(cli, db, [folders[i] for i in order])
        assert _span_runs(db) == expected_runs, order
        assert _entries_by_entity(db) == [["1"], ["2"], ["3"], ["4"]], order
        assert cli.json("--db", str(db), "verify")["problems"] == []
        got = answers(cli, db, folders)
        # entity ids name the entity by the name it was first stored under: compare the rest
        assert _without_entity_ids(got) == _without_entity_ids(expected), order
        cli("--db", str(db), "undo")  # the last import out of order comes undone whole
        remaining = [folders[i] for i in order[:-1]]
        assert [stored(db, f"ofac-sdn/{d}") for d, _ in remaining] == [parsed(f) for _, f in remaining]
        assert cli.json("--db", str(db), "verify")["problems"] == []


def _without_entity_ids(value):
    import re

    return re.sub(r"en-[0-9a-f]{12}", "en-", repr(value))


def _miscount(db: Path, snapshot_id: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TRIGGER snapshots_immutable")
        conn.execute("UPDATE snapshots SET listings = listings + 1 WHERE id = ?", (snapshot_id,))
        conn.execute("CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots "
                     "BEGIN SELECT RAISE(ABORT, 'a snapshot is never rewritten'); END")  # fmt: skip
    conn.close()


def test_the_check_before_an_import_commits_counts_the_snapshots_it_added(cli, tmp_path, days):
    """The check before commit counts a snapshot placed last through the index of spans (what
    it holds, not the whole history: 23 ms of every daily import on 295 real SDN days); one
    placed before others has every snapshot of its source counted, since its import ended and
    restarted spans they hold."""
    in_order = tmp_path / "in-order.db"
    import_days(cli, in_order, days[:3])
    last = f"ofac-sdn/{days[2][0]}"
    _miscount(in_order, last)
    store = Store.open(in_order)
    try:
        after = store.last_rowids()
        after["snapshots"] -= 1  # as when the last import was about to commit
        problems = store.link_problems(after=after, change_id=3)
        assert [p for p in problems if "counts other listings" in p] == [
            f"snapshot {last} counts other listings than it holds ({len(parsed(days[2][1])) + 1} ≠ {len(parsed(days[2][1]))})"
        ]
        after["snapshots"] += 1  # nothing added: nothing counted
        assert store.link_problems(after=after, change_id=3) == []
    finally:
        store.close()

    placed_before = tmp_path / "placed-before.db"
    import_days(cli, placed_before, [days[0], days[2], days[1]])
    _miscount(placed_before, last)  # a snapshot the last import did not add
    store = Store.open(placed_before)
    try:
        after = store.last_rowids()
        after["snapshots"] -= 1  # the import of days[1], placed before days[2]
        problems = store.link_problems(after=after, change_id=3)
        assert [p for p in problems if "counts other listings" in p and last in p], problems
    finally:
        store.close()


def _vessel_day(folder: Path, flag: str, call_sign: str = "9HDQ9") -> Path:
    """An sdn.csv of one vessel (its row as OFAC writes it: the flag only in Vess_flag)."""
    folder.mkdir()
    (folder / "sdn.csv").write_text(
        f'15037,"ARK","vessel","IRAN",-0- ,"{call_sign}","Crude Oil Tanker",-0- ,"157,833",'
        f'"{flag}","NITC","Vessel Registration Identification IMO 9187655."\r\n',
        newline="",
    )
    return folder


def _as_if_of_schema(db: Path, version: int) -> None:
    """The store at an older schema whose digests were made by other rules (one digest for every
    version): the next open migrates it and must recompute them."""
    from sanctrack.store.schema import LISTINGS, _statement

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER listings_immutable")
    conn.execute(f"UPDATE listings SET digest = 'made-by-schema-{version}'")
    conn.execute(_statement(LISTINGS, "CREATE TRIGGER listings_immutable"))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def test_a_fact_only_the_raw_record_holds_is_a_change(cli, db, tmp_path):
    """Found on OFAC's real files of 2023-04-24 and 2023-04-27: 29 vessels whose flag moved from
    Panama to Iran (sdn.csv's Vess_flag, which no field of a listing holds) were the same to
    the digest, so the import counted 3 changed entries of 32 and diff showed 3. The flag is now
    a change (raw key Vess_flag), its letter case is not, and a store of schema 9 gets its
    digests recomputed."""
    days = [("2023-04-24", "Panama", "9HDQ9"), ("2023-04-27", "Iran", "9HDQ9"),
            ("2023-04-28", "IRAN", "9HDQ9"), ("2023-04-29", "IRAN", "-0- ")]  # fmt: skip
    summaries = [
        cli.json("import", str(_vessel_day(tmp_path / date, flag, sign)), "--published", date)["snapshots"][0]
        for date, flag, sign in days
    ]
    assert [s["changed"] for s in summaries[1:]] == [1, 0, 1]
    flag = cli.json("diff", "ofac-sdn/2023-04-24", "ofac-sdn/2023-04-27")["changed"]
    assert [c["changes"] for c in flag] == [[{"field": "raw", "key": "Vess_flag", "left": "Panama", "right": "Iran"}]]
    assert cli.json("diff", "ofac-sdn/2023-04-27", "ofac-sdn/2023-04-28")["changed"] == []
    sign = cli.json("diff", "ofac-sdn/2023-04-28", "ofac-sdn/2023-04-29")["changed"][0]["changes"]
    assert sign == [{"field": "raw", "key": "Call_Sign", "left": "9HDQ9", "right": None}]

    _as_if_of_schema(db, 9)  # its digests were made without the raw facts (the same for both days)
    assert cli.json("diff", "ofac-sdn/2023-04-24", "ofac-sdn/2023-04-27")["changed"] == flag  # migrated
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(DISTINCT digest) FROM listings").fetchone() == (3,)
    assert cli.json("verify")["problems"] == []


def test_the_counts_of_two_real_files_are_the_csv_modules(cli, db):
    """OFAC's own sdn.csv of 2024-04-04 and 2024-04-12 (fixtures; SOURCES.md: 4 additions, 2
    delistings, 1 amendment): the import's counts are those of the two files read by the csv
    module alone, a changed entry being a row that differs beyond letter case and spacing (on 295
    real days, 2021-2024, they agreed on every day once raw facts counted; bench/README.md)."""
    import csv

    pair = REPO / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"

    def rows(day: str) -> dict[str, list[str]]:
        with open(pair / day / "sdn.csv", encoding="utf-8", newline="") as f:
            return {r[0].strip(): [" ".join(v.split()).casefold() for v in r]
                    for r in csv.reader(f) if r and r[0].strip().isdigit()}  # fmt: skip

    before, after = rows("2024-04-04"), rows("2024-04-12")
    expected = (len(after.keys() - before.keys()), len(before.keys() - after.keys()),
                sum(1 for k in after.keys() & before.keys() if after[k] != before[k]))  # fmt: skip
    assert expected == (4, 2, 1)
    cli("import", str(pair / "2024-04-04" / "sdn.csv"), "--published", "2024-04-04")
    summary = cli.json("import", str(pair / "2024-04-12" / "sdn.csv"), "--published", "2024-04-12")["snapshots"][0]
    assert (summary["added"], summary["removed"], summary["changed"]) == expected


LISTS = REPO / "fixtures" / "lists"


def _edited(source: Path, folder: Path, *edits: tuple[str, str], stamp: tuple[str, str] | None = None) -> Path:
    """A copy of a real list file in `folder` with each (old, new) text replaced once, and each
    `stamp` (old, new) everywhere (an export's date on every entity)."""
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    if stamp:
        assert stamp[0] in text
        text = text.replace(*stamp)
    folder.mkdir(parents=True)
    (folder / source.name).write_text(text, encoding="utf-8")
    return folder / source.name


def test_facts_held_deeper_in_the_raw_record_are_changes(cli, db, tmp_path):
    """OFAC's advanced XML holds a vessel's flag and call sign in its features (a list of typed
    objects), and the UK list a person's position four objects down: schema 10's facts (scalars,
    and those one object down) missed both, so a flag changed on a day of the advanced XML made
    no change to count or show. A value that a field already says (a name added to an
    OpenSanctions entity's `properties.name`, which `aliases` shows) is not said twice."""
    advanced = LISTS / "ofac_sdn_advanced_xml" / "sample_sdn_advanced.xml"
    sign = ('1432">CL2192<', '1432">CL9999<')

    def day(number: int) -> tuple[str, str]:
        return "<Month>9</Month><Day>9</Day>", f"<Month>9</Month><Day>{number}</Day>"

    cli("import", str(advanced))
    cli("import", str(_edited(advanced, tmp_path / "a2", day(10), ('1432">Cuba<', '1432">Panama<'), sign)))
    upper = ('1432">Cuba<', '1432">PANAMA<')  # letter case only, against day 10
    summary = cli.json("import", str(_edited(advanced, tmp_path / "a3", day(11), upper, sign)))["snapshots"][0]
    assert summary["changed"] == 0
    changed = cli.json("diff", "ofac-sdn/2026-09-09", "ofac-sdn/2026-09-10")["changed"]
    assert [(c["source_id"], c["changes"]) for c in changed] == [("4238", [
        {"field": "raw", "key": "features[Vessel Call Sign]", "left": "CL2192", "right": "CL9999"},
        {"field": "raw", "key": "features[Vessel Flag]", "left": "Cuba", "right": "Panama"},
    ])]  # fmt: skip

    uk = LISTS / "uk_sanctions_list_xml" / "sample_uk_sanctions.xml"
    cli("import", str(uk))
    position = ("<Position>Deputy Minister of Agriculture", "<Position>Minister of Agriculture")
    cli("import", str(_edited(uk, tmp_path / "u2", ("10/09/2026", "11/09/2026"), position)))
    changed = cli.json("diff", "uk/2026-09-10", "uk/2026-09-11")["changed"]
    assert [(c["source_id"], [(x["field"], x.get("key")) for x in c["changes"]]) for c in changed] == [
        ("AFG0006", [("raw", "IndividualDetails.Individual.Positions.Position")])]  # fmt: skip

    ftm = LISTS / "opensanctions_ftm" / "yente_t1" / "entities.ftm.json"
    cli("import", str(ftm))
    named = ('"name":["LLC “Inter Tobacco”",', '"name":["LLC “Inter Tobacco”","Inter Tobacco Holding",')
    cli("import", str(_edited(ftm, tmp_path / "f2", named, stamp=("2024-06-01T", "2024-06-02T"))))
    changed = cli.json("diff", "opensanctions/2024-06-01", "opensanctions/2024-06-02")["changed"]
    assert [[x["field"] for x in c["changes"]] for c in changed] == [["aliases"]]
    assert changed[0]["changes"][0]["added"] == ["Inter Tobacco Holding"]

    _as_if_of_schema(db, 10)  # its digests were made from the shallower facts
    changed = cli.json("diff", "ofac-sdn/2026-09-09", "ofac-sdn/2026-09-10")["changed"]  # migrated
    assert [c["source_id"] for c in changed] == ["4238"]
    assert cli.json("diff", "ofac-sdn/2026-09-10", "ofac-sdn/2026-09-11")["changed"] == []
    assert cli.json("verify")["problems"] == []


def test_what_rows_say_beyond_the_fields_is_a_change_named_when_alone(cli, tmp_path):
    """sdn.csv's alt rows give aliases their names; the row's type (aka, fka) and remarks are
    held by no field. An alias becoming an fka is a change, named by the rows that differ; an
    alias added is named by `aliases` alone (its row is the same change)."""
    import shutil

    def day(name: str, old: bytes, new: bytes) -> Path:
        folder = tmp_path / name
        shutil.copytree(SMALL, folder)
        text = (folder / "alt.csv").read_bytes()
        assert text.count(old) == 1
        (folder / "alt.csv").write_bytes(text.replace(old, new))
        return folder

    row = b'11195,11591,"aka","HESA TRADE CENTER",-0- '
    cli("import", str(SMALL), "--published", "2024-01-01")
    cli("import", str(day("fka", row, row.replace(b'"aka"', b'"fka"'))), "--published", "2024-01-02")
    added = row + b"\r\n" + row.replace(b"11591", b"99999").replace(b"HESA TRADE CENTER", b"HESA EXPORT")
    cli("import", str(day("more", row, added)), "--published", "2024-01-03")

    changed = cli.json("diff", "ofac-sdn/2024-01-01", "ofac-sdn/2024-01-02")["changed"]
    assert [c["source_id"] for c in changed] == ["11195"]
    (change,) = changed[0]["changes"]
    assert (change["field"], change["key"]) == ("raw", "alt")
    assert [(r["alt_num"], r["alt_type"]) for r in change["removed"]] == [("11591", "aka")]
    assert [(r["alt_num"], r["alt_type"]) for r in change["added"]] == [("11591", "fka")]
    assert "alt: -11591 aka HESA TRADE CENTER, +11591 fka HESA TRADE CENTER" in cli(
        "diff", "ofac-sdn/2024-01-01", "ofac-sdn/2024-01-02").stdout

    changed = cli.json("diff", "ofac-sdn/2024-01-01", "ofac-sdn/2024-01-03")["changed"]
    assert [[(x["field"], x.get("added")) for x in c["changes"]] for c in changed] == [[("aliases", ["HESA EXPORT"])]]


def test_an_alias_repeated_in_other_letter_case_is_no_change(cli, tmp_path):
    """Found by a check over generated OpenSanctions days: a name given twice in two letter cases
    on one day and once on the next was counted as a change that `diff` showed as "reordered",
    adding and removing nothing. Letter case and repeats are no change, in the fields as in the
    raw record's lists."""
    ftm = LISTS / "opensanctions_ftm" / "yente_t1" / "entities.ftm.json"
    twice = ('"name":["LLC “Inter Tobacco”",', '"name":["LLC “Inter Tobacco”","llc “INTER tobacco”",')
    cli("import", str(_edited(ftm, tmp_path / "f1", twice)))
    summary = cli.json("import", str(_edited(ftm, tmp_path / "f2", stamp=("2024-06-01T", "2024-06-02T"))))
    assert summary["snapshots"][0]["changed"] == 0
    assert cli.json("diff", "opensanctions/2024-06-01", "opensanctions/2024-06-02")["changed"] == []


def test_a_listing_back_after_a_gap_is_listed_again_on_the_day_it_is_back(cli, tmp_path):
    """Found by a check over generated UN days: an entry gone from the list and back later was
    told back as a designation dated by its LISTED_ON, years before the delisting it followed,
    so the entity's timeline ended with the delisting while check said sanctioned."""
    import re

    un = LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml"
    text = un.read_text(encoding="utf-8")
    entry = re.search(r"\s*<INDIVIDUAL>\s*<DATAID>3012888</DATAID>.*?</INDIVIDUAL>", text, re.S)
    for day, body in (("2026-09-09", text), ("2026-09-12", text.replace(entry[0], "")), ("2026-09-20", text)):
        path = tmp_path / day / un.name
        path.parent.mkdir()
        path.write_text(body.replace('dateGenerated="2026-09-09', f'dateGenerated="{day}'), encoding="utf-8")
        cli("import", str(path), "--max-shrink", "1")
    items = cli.json("timeline", "ABDERRAHMANE OULD EL AMAR", "--entity")
    listing = [(i["date"], i["change"], i["date_from"]) for i in items if i["type"] == "listing"]
    assert listing[1:] == [("2026-09-12", "delisting", "snapshot"), ("2026-09-20", "designation", "snapshot")]
    assert listing[0][1:] == ("designation", "list") and listing[0][0] < "2026-09-12"
    assert cli.json("check", "ABDERRAHMANE OULD EL AMAR", "--as-of", "2026-09-15", code=1)["sanctioned"] is False
    # In force again from the day it is back, not since its first listing, years before the gap:
    # the list keeps that date (the same LISTED_ON), which said so before it was gone.
    (before,) = cli.json("check", "ABDERRAHMANE OULD EL AMAR", "--as-of", "2026-09-10")["matches"]
    (back,) = cli.json("check", "ABDERRAHMANE OULD EL AMAR", "--as-of", "2026-09-20")["matches"]
    assert (before["since"], before["since_from"]) == (listing[0][0], "list")
    assert (back["since"], back["since_from"], back["first_seen"], back["first_seen_in"]) == (
        None, "snapshot", "2026-09-20", "un/2026-09-20")  # fmt: skip
    shown = cli.json("show", "un/2026-09-20/3012888")
    assert (shown["since_from"], shown["first_seen_in"]) == ("snapshot", "un/2026-09-20")
    entity = cli.json("show", back["entity_id"])
    assert [(l["id"], l["since_from"]) for l in entity["listings"]] == [
        ("un/2026-09-09/3012888", "list"), ("un/2026-09-20/3012888", "snapshot")]  # fmt: skip


def test_a_store_of_schema_11_takes_the_hashes_of_schema_12(cli, tmp_path, days):
    """Schema 12 hashes a version's content over its values as stored and its digest from its
    facts joined. A store of schema 11 (its hashes made otherwise) has both recomputed, and so
    do the change log's copies of versions, which undo puts back: its next import, every entry
    parsed, finds each unchanged entry the version it holds (no version is written for it);
    `diff` answers as before; an undo puts a version back with the hashes it holds now."""
    from sanctrack.store.schema import LISTINGS, _statement

    db = tmp_path / "store.db"
    first = import_days(cli, db, days[:3])
    diffs = {(a, b): cli.json("--db", str(db), "diff", f"ofac-sdn/{a}", f"ofac-sdn/{b}")
             for (a, _), (b, _) in zip(days[:2], days[1:3])}  # fmt: skip
    conn = sqlite3.connect(db, isolation_level=None)
    hashes = dict(((v, (d, c)) for v, d, c in conn.execute("SELECT id, digest, content FROM listings")))
    # A version of the first import whose entity link the third import's change updated (an
    # entity merge logs the whole row): its copy in the log, as schema 11 held it.
    cur = conn.execute("SELECT * FROM listings WHERE change_id = 1 ORDER BY id LIMIT 1")
    version = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    third = conn.execute("SELECT max(id) FROM changes").fetchone()[0]
    old_copy = json.dumps(dict(version, digest="made-by-schema-11", content="made-by-schema-11"))
    conn.execute(
        "INSERT INTO change_rows (change_id, seq, tbl, op, key, old, new) VALUES (?, 1000, 'listings', 'update', ?, ?, ?)",
        (third, json.dumps({"id": version["id"]}), old_copy, old_copy),
    )
    conn.execute("DROP TRIGGER listings_immutable")
    conn.execute("UPDATE listings SET digest = 'made-by-schema-11', content = 'made-by-schema-11-' || id")
    conn.execute(_statement(LISTINGS, "CREATE TRIGGER listings_immutable"))
    conn.execute("DELETE FROM listing_sources")  # every entry of the next import parsed
    conn.execute("PRAGMA user_version = 11")
    conn.close()

    assert cli.json("--db", str(db), "verify")["problems"] == []  # opening it migrates it
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 12
    assert dict(((v, (d, c)) for v, d, c in conn.execute("SELECT id, digest, content FROM listings"))) == hashes
    logged = json.loads(conn.execute("SELECT old FROM change_rows WHERE seq = 1000").fetchone()[0])
    assert (logged["digest"], logged["content"]) == hashes[version["id"]]
    assert {k: cli.json("--db", str(db), "diff", f"ofac-sdn/{k[0]}", f"ofac-sdn/{k[1]}") for k in diffs} == diffs

    versions = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
    date, folder = days[3]
    summary = cli.json("--db", str(db), "import", str(folder), "--published", date, "--max-shrink", "1")["snapshots"][0]
    before, after = parsed(days[2][1]), parsed(folder)
    changed = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
    assert summary["changed"] <= changed and summary["added"] == len(after.keys() - before.keys())
    assert conn.execute("SELECT count(*) FROM listings").fetchone()[0] == versions + summary["added"] + changed
    assert stored(db, f"ofac-sdn/{date}") == after

    cli("--db", str(db), "undo")  # the fourth import
    cli("--db", str(db), "undo")  # the third, which puts the logged copy back
    assert conn.execute("SELECT digest, content FROM listings WHERE id = ?", (version["id"],)).fetchone() == hashes[version["id"]]
    assert cli.json("--db", str(db), "verify")["problems"] == []
    assert first  # (the imports the store was built by)

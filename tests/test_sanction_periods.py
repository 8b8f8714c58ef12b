"""When a sanction is in force (sanctrack/sanctions.py), and the store's `sanction_periods`, which
`diff` reads: recomputed for the entities each write touches, it must always equal the periods
computed afresh from every event, whatever the write (add, edit, delete, undo, import, a merge of
entities, a migration). And a jurisdiction view of `diff` must say what `check` says."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import SEED
from sanctrack.rules import PERIOD, as_of, periods
from sanctrack.store import schema
from sanctrack.store.periods import OPEN, recomputed_states, sanction_event_rows, states

OFAC = ("--authority", "US Department of the Treasury, OFAC", "--jurisdiction", "US")
FCDO = ("--authority", "UK FCDO", "--jurisdiction", "GB")


def row(date_start, event_id, entity, action, program=None, jurisdiction="US", date=None):
    return (date_start, event_id, entity, date, "OFAC", program, action, jurisdiction, None)


def test_periods_follow_designations_and_delistings():
    """(Rows sorted by sanction key, then by date: as the store reads them.)"""
    rows = [
        row("2020-01-01", "ev-1", "en-a", "designation", "SDGT"),
        row("2020-06-01", "ev-2", "en-a", "renewal", "SDGT"),  # in force already: nothing new
        row("2021-01-01", "ev-3", "en-a", "delisting", "SDGT"),
        row("2021-03-01", "ev-4", "en-a", "delisting", "SDGT"),  # nothing in force: no new end
        row("2022-01-01", "ev-5", "en-a", "designation", "SDGT", date="2022-01"),
        row("2022-01-01", "ev-6", "en-a", "delisting", "CYBER2"),  # another program: nothing
        row("2023-05-05", "ev-7", "en-a", "other", "SDGT"),  # not a sanction action
    ]
    rows.sort(key=lambda r: (r[2], r[7], r[4], r[5] or "", r[0], r[1]))  # by key, then date
    found = [dict(zip(PERIOD, p)) for p in periods(rows)]
    assert [(p["since"], p["event_id"], p["until"], p["ended_by"]) for p in found] == [
        ("2020-01-01", "ev-1", "2021-01-01", "ev-3"),
        ("2022-01", "ev-5", None, None),
    ]
    assert found[1]["since_start"] == "2022-01-01" and found[0]["program"] == "SDGT"
    assert as_of(periods(rows), "2019-12-31") == []
    lines = as_of(periods(rows), "2020-12-31")
    assert len(lines) == 1  # CYBER2 was never imposed
    assert [(l["in_force"], l["since"], l["until"]) for l in lines] == [(True, "2020-01-01", None)]
    lines = as_of(periods(rows), "2021-06-01")
    assert [(l["in_force"], l["until"], l["ended_by"]) for l in lines] == [(False, "2021-01-01", "ev-3")]
    lines = as_of(periods(rows), "2022-02-01")
    assert [(l["in_force"], l["since"], l["event_id"]) for l in lines] == [(True, "2022-01", "ev-5")]


def test_events_of_one_day_count_in_id_order():
    """A designation and a delisting on one day: the one with the smaller id came first."""
    ended = list(periods([row("2024-01-01", "ev-1", "en-a", "designation"),
                          row("2024-01-01", "ev-2", "en-a", "delisting")]))
    assert as_of(ended, "2024-01-01")[0]["in_force"] is False
    restarted = list(periods([row("2023-01-01", "ev-0", "en-a", "designation"),
                              row("2024-01-01", "ev-1", "en-a", "delisting"),
                              row("2024-01-01", "ev-2", "en-a", "designation")]))
    [line] = as_of(restarted, "2024-01-01")
    assert (line["in_force"], line["event_id"]) == (True, "ev-2")


def stored_periods(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM sanction_periods_stale").fetchone()[0] == 0
        return sorted(conn.execute(
            "SELECT entity_id, jurisdiction, authority, program, since, since_start, event_id, until, "
            "until_start, ended_by FROM sanction_periods"
        ).fetchall())
    finally:
        conn.close()


def recomputed_periods(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted((*p[:7], *p[8:]) for p in periods(sanction_event_rows(conn, "1", named=False)))
    finally:
        conn.close()


def assert_in_step(db) -> list[tuple]:
    """The periods equal their recomputation from every event, and the states (what `diff`
    reads) their recomputation from the periods and, day by day, the periods in force."""
    stored = stored_periods(db)
    assert stored == recomputed_periods(db)
    conn = sqlite3.connect(db)
    try:
        kept = sorted(conn.execute("SELECT * FROM sanction_states"))
        assert kept == sorted(recomputed_states(conn))
        days = {d for p in stored for d in (p[5], p[8]) if d} | {"1900-01-01", "9999-12-31"}
        days |= {_next_day(d) for d in list(days) if d < "9999"}
        for jurisdiction in {p[1] for p in stored}:
            for day in sorted(days):
                assert view_from_states(conn, jurisdiction, day) == view_from_periods(stored, jurisdiction, day)
    finally:
        conn.close()
    return stored


def _next_day(iso: str) -> str:
    import datetime

    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=1)).isoformat()


def view_from_states(conn, jurisdiction: str, day: str) -> dict:
    """entity -> (since, since_start, event_id, programs) as a jurisdiction view reads them."""
    rows = conn.execute(
        "SELECT entity_id, since, since_start, event_id, programs FROM sanction_states "
        "WHERE jurisdiction = ? AND until > ? AND valid_from <= ?", (jurisdiction, day, day),
    ).fetchall()
    found = {row[0]: (row[1], row[2], row[3], json.loads(row[4])) for row in rows}
    assert len(found) == len(rows)  # one row per entity
    return found


def view_from_periods(stored: list[tuple], jurisdiction: str, day: str) -> dict:
    """The same, from the periods in force that day: the earliest by start and event id gives
    since, the programs in that order."""
    found: dict = {}
    in_force = [p for p in stored if p[1] == jurisdiction and p[5] <= day and (p[8] is None or p[8] > day)]
    for p in sorted(in_force, key=lambda p: (p[0], p[5], p[6])):
        entity = found.setdefault(p[0], (p[4], p[5], p[6], []))
        if p[3] and p[3] not in entity[3]:
            entity[3].append(p[3])
    return found


def test_states_follow_the_periods_stretch_by_stretch():
    """One entity's US periods: SDGT from 2020, CYBER2 from 2021-01 to 2021-06, SDGT ended
    2022-01-01 and imposed again 2023; the days between are stretches of one state each."""
    def period(program, since, event_id, until=None, since_text=None):
        return ("en-a", "US", program, since_text or since, since, event_id, until)

    rows = sorted([
        period("SDGT", "2020-01-01", "ev-1", "2022-01-01", since_text="2020"),
        period("CYBER2", "2021-01-01", "ev-2", "2021-06-01"),
        period("SDGT", "2023-01-01", "ev-4"),
        period("", "2023-01-01", "ev-3"),  # no program: in force, adds none
        period("IRAN", "2024-05-05", "ev-5", "2024-05-05"),  # ended the day it began: never in force
    ], key=lambda p: (p[4], p[5]))
    assert list(states(rows)) == [
        ("US", "2021-01-01", "en-a", "2020-01-01", "2020", "2020-01-01", "ev-1", '["SDGT"]'),
        ("US", "2021-06-01", "en-a", "2021-01-01", "2020", "2020-01-01", "ev-1", '["SDGT", "CYBER2"]'),
        ("US", "2022-01-01", "en-a", "2021-06-01", "2020", "2020-01-01", "ev-1", '["SDGT"]'),
        ("US", OPEN, "en-a", "2023-01-01", "2023-01-01", "2023-01-01", "ev-3", '["SDGT"]'),
    ]
    # A period alone that ended the day it began has no state either.
    assert list(states([period("IRAN", "2024-05-05", "ev-5", "2024-05-05")])) == []


def test_every_kind_of_write_keeps_the_periods_in_step(cli, db, tmp_path):
    cli("import", str(SEED))
    seeded = assert_in_step(db)
    assert len(seeded) >= 3

    designated = cli.json("add", "event", *OFAC, "--date", "2024-03-01", "--program", "CYBER2",
                          "--target", "Aeza Group, LLC", "--target-kind", "company")
    before_delisting = assert_in_step(db)
    assert len(before_delisting) == len(seeded) + 1
    delisted = cli.json("add", "event", *OFAC, "--date", "2025-02-01", "--action", "delisting",
                        "--program", "CYBER2", "--target", "AEZA GROUP LLC", "--target-kind", "company")
    ended = [p for p in assert_in_step(db) if p[6] == designated["id"]]
    assert [(p[7], p[9]) for p in ended] == [("2025-02-01", delisted["id"])]

    # Edits: the delisting's date, then its action; the designation's targets.
    cli("edit", delisted["id"], "--date", "2025-03")
    assert [p[7] for p in assert_in_step(db) if p[6] == designated["id"]] == ["2025-03"]
    cli("edit", delisted["id"], "--action", "amendment")
    assert [p[7] for p in assert_in_step(db) if p[6] == designated["id"]] == [None]
    cli("edit", designated["id"], "--target", "Garantex Europe OU", "--target-kind", "company")
    assert_in_step(db)

    # A target naming two known entities at once merges them (targets move to one entity).
    cli("add", "event", *FCDO, "--date", "2025-04-01", "--target", "Garantex Europe OU",
        "--alias", "AEZA GROUP LLC", "--target-kind", "company")
    conn = sqlite3.connect(db)
    merged = conn.execute("SELECT count(DISTINCT entity_id) FROM targets WHERE event_id IN (?, ?)",
                          (designated["id"], delisted["id"])).fetchone()[0]
    conn.close()
    assert merged == 1
    assert_in_step(db)

    cli("delete", designated["id"])
    assert_in_step(db)
    for _ in range(4):  # the delete, the merge, then the edits come back
        cli("undo")
        assert_in_step(db)

    # A bulk import (own format) and its undo.
    records = tmp_path / "more.jsonl"
    lines = []
    for n in range(30):
        lines.append(json.dumps({
            "type": "event", "date": f"2023-{n % 12 + 1:02d}-0{n % 9 + 1}", "authority": "EU Council",
            "jurisdiction": "EU", "action": "delisting" if n % 7 == 6 else "designation",
            "program": f"P{n % 3}", "targets": [{"name": f"Company {n % 10}", "kind": "company"},
                                                 {"name": "Aeza Group, LLC", "kind": "company"}],
        }))
    records.write_text("\n".join(lines) + "\n")
    cli("import", str(records))
    after_import = assert_in_step(db)
    assert any(p[1] == "EU" for p in after_import)
    cli("undo")
    assert not any(p[1] == "EU" for p in assert_in_step(db))

    # An import naming more than a thousand entities, most of the store: one pass over every
    # event recomputes them all.
    many = [json.dumps({"type": "event", "date": "2022-02-02", "authority": "EU Council",
                        "jurisdiction": "EU", "action": "designation",
                        "targets": [{"name": f"Trading House {n}", "kind": "company"}]})
            for n in range(1200)]
    records.write_text("\n".join(many) + "\n")
    cli("import", str(records))
    assert sum(p[1] == "EU" for p in assert_in_step(db)) == 1200


def test_a_store_of_schema_4_gains_its_periods(tmp_path, cli):
    """Upgrading computes the periods of every entity already recorded."""
    from test_schema import lists_as_schema_6, store_at_schema

    old = store_at_schema(tmp_path / "v4.db", 4)
    # Records written by the old schema: imported through today's code, then the table dropped
    # as if it never existed.
    cli("--db", str(old), "import", str(SEED))
    conn = sqlite3.connect(old, isolation_level=None)
    expected = stored_periods(old)
    assert expected
    for name in [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stale_periods_%'")]:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE sanction_periods")
    conn.execute("DROP TABLE sanction_periods_stale")
    # and what schema 6 added: the screening index of names
    for trigger in ("entity_names_ai", "entity_names_ad", "entity_names_au"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE entity_names_vocab")
    conn.execute("DROP TABLE entity_names_fts")
    conn.execute("ALTER TABLE entity_names DROP COLUMN match_keys")
    lists_as_schema_6(conn)  # and schema 7: listings back to a copy per snapshot
    conn.execute("DROP TABLE sanction_states")  # and schema 8: the states
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    cli("--db", str(old), "search", "Integrity")  # a lookup opens the store: it migrates
    assert stored_periods(old) == expected == recomputed_periods(old)


@pytest.mark.parametrize("day", ["2024-12-31", "2025-01-03", "2025-06-30", "2026-01-15"])
def test_a_jurisdiction_view_says_what_check_says(cli, day):
    cli("import", str(SEED))
    cli("add", "event", *OFAC, "--date", "2025-03-01", "--action", "delisting",
        "--target", "Sichuan Anxun Information Technology")
    cli("add", "event", *OFAC, "--date", "2025-02-01", "--program", "CYBER2",
        "--target", "Sichuan Anxun Information Technology")
    def first_day(date: str) -> str:
        return date + "-01" * ((10 - len(date)) // 3)

    seen = 0
    for code in ("US", "GB"):
        view = cli.json("diff", f"{code}@{day}", "US@1900-01-01")
        assert not view["both"] and not view["only_right"]
        in_view = {item["entity_id"]: item for item in view["only_left"]}
        for name in ("Integrity Technology Group", "Sichuan Anxun Information Technology",
                     "Yongxin Zhicheng Technology Group"):
            checked = json.loads(cli("check", name, "--as-of", day, "--jurisdiction", code, "--json",
                                     code=None).stdout)
            in_force = {m["entity_id"] for m in checked["matches"]}
            known = in_force | {m["entity_id"] for m in checked["not_in_force"]}
            assert set(in_view) & known == in_force
            for entity_id in in_force:
                sinces = [m["since"] for m in checked["matches"] if m["entity_id"] == entity_id]
                assert in_view[entity_id]["since"] == min(sinces, key=first_day)
                seen += 1
    assert seen or day == "2024-12-31"


def test_rows_written_in_any_order_keep_the_periods_in_step(cli, db):
    """Undo writes rows back in the order they were logged: an event may come after its targets,
    or go before them. Either way its entities' periods are recomputed."""
    from sanctrack.store import Store

    cli("import", str(SEED))
    store = Store.open(db)
    try:
        event_id = store.conn.execute("SELECT id FROM events WHERE jurisdiction = 'US'").fetchone()[0]
        event = {k: v for k, v in store.event(event_id).items() if k != "change_id"}
        targets = [{k: v for k, v in t.items() if k != "change_id"} for t in store.targets(event_id)]
        copy = dict(event, id="ev-000000000001", program="TEST-PROGRAM")
        with store.change("test", "targets first"):
            for target in targets:
                store.insert("targets", dict(target, event_id=copy["id"]))
        with store.change("test", "then their event"):
            store.insert("events", copy)
        assert any(p[6] == copy["id"] for p in assert_in_step(db))
        with store.change("test", "the event first, its targets left"):
            store.conn.execute("DELETE FROM events WHERE id = ?", (copy["id"],))
        assert not any(p[6] == copy["id"] for p in assert_in_step(db))
    finally:
        store.close()


def test_check_ends_a_sanction_at_its_first_delisting(cli):
    """A second delisting of a sanction no longer in force does not move the day it ended."""
    target = ("--target", "Garantex Europe OU", "--target-kind", "company", "--program", "CYBER2")
    cli("add", "event", *OFAC, "--date", "2022-04-05", *target)
    first = cli.json("add", "event", *OFAC, "--date", "2023-01-10", "--action", "delisting", *target)
    cli("add", "event", *OFAC, "--date", "2023-06-01", "--action", "delisting", *target)
    checked = json.loads(cli("check", "Garantex Europe OU", "--as-of", "2024-01-01", "--json", code=1).stdout)
    assert checked["sanctioned"] is False
    [ended] = checked["not_in_force"]
    assert (ended["since"], ended["until"], ended["ended_by"]) == ("2022-04-05", "2023-01-10", first["id"])
    view = cli.json("diff", "US@2022-12-31", "US@2023-01-10")
    assert [item["name"] for item in view["only_left"]] == ["Garantex Europe OU"] and not view["both"]


def test_check_reads_the_periods_it_would_recompute_with_their_names(cli, db):
    """`check` reads each entity's sanctions from sanction_periods (issue 14's start-up: a hundred
    rows where an entity named in a thousand events made it read them all): the same periods,
    and the same name each imposing event gave the entity, as recomputing them from the events."""
    from sanctrack.store import Store

    cli("import", str(SEED))
    cli("add", "event", *OFAC, "--date", "2024-03-01", "--program", "CYBER2",
        "--target", "Aeza Group, LLC", "--alias", "Aeza Group", "--target-kind", "company")
    cli("add", "event", *OFAC, "--date", "2025-02-01", "--action", "delisting", "--program", "CYBER2",
        "--target", "AEZA GROUP LLC", "--target-kind", "company")
    conn = sqlite3.connect(db)
    entity_ids = [row[0] for row in conn.execute("SELECT id FROM entities ORDER BY id")]
    recomputed = sorted(periods(sanction_event_rows(conn, "1")))
    conn.close()
    store = Store.open(db)
    try:
        assert sorted(store.search.sanction_periods(entity_ids)) == recomputed
    finally:
        store.close()
    assert len(recomputed) >= 4 and any(p[8] is not None for p in recomputed)  # one has ended
    assert all(p[7] for p in recomputed)  # every period has the name its event gave


def test_a_store_of_schema_7_gains_its_states_and_verify_checks_them(cli, db):
    cli("import", str(SEED))
    cli("add", "event", *OFAC, "--date", "2025-02-01", "--action", "delisting",
        "--target", "Integrity Technology Group")
    expected = assert_in_step(db)  # periods, and states that follow them
    conn = sqlite3.connect(db, isolation_level=None)
    states_before = sorted(conn.execute("SELECT * FROM sanction_states"))
    assert states_before
    conn.execute("DROP TABLE sanction_states")
    conn.execute("DROP TABLE listing_sources")  # and schema 9's fingerprints of listings
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    cli("search", "Integrity")  # a lookup opens the store: it migrates
    assert assert_in_step(db) == expected
    conn = sqlite3.connect(db, isolation_level=None)
    assert sorted(conn.execute("SELECT * FROM sanction_states")) == states_before
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 12

    assert cli("verify").exit_code == 0
    # A state out of step with its periods (a write that missed it) is a problem verify names.
    entity_id, jurisdiction = conn.execute("SELECT entity_id, jurisdiction FROM sanction_states").fetchone()
    conn.execute("UPDATE sanction_states SET since = '1999-01-01' WHERE entity_id = ?", (entity_id,))
    conn.close()
    result = cli("verify", code=3)
    assert f"sanction states: the sanction states of {entity_id} in {jurisdiction} differ from its periods" in result.stdout + result.stderr


def test_every_state_recomputed_at_once_equals_the_states_kept_entity_by_entity(cli, db, tmp_path, monkeypatch):
    """An import of most of the store recomputes every state in one pass (open states written as
    they come, the others sorted first): the same rows, in the table's order, as the states kept
    up to date entity by entity, with the states written a few at a time."""
    from sanctrack.store import periods as stored_states

    cli("import", str(SEED))
    # Synthetic records (no real entity or date): sanctions lifted and imposed again, by two
    # jurisdictions, so that entities have states that end and states that stay open.
    records = tmp_path / "lifted.jsonl"
    lines = []
    for n in range(40):
        jurisdiction = ("EU", "GB")[n % 2]
        lines.append(json.dumps({
            "type": "event", "date": f"2023-{n % 12 + 1:02d}-1{n % 9}", "authority": f"{jurisdiction} authority",
            "jurisdiction": jurisdiction, "action": ("designation", "delisting", "designation")[n % 3],
            "program": f"P{n % 2}", "targets": [{"name": f"Test Company {n % 7}", "kind": "company"}],
        }))
    records.write_text("\n".join(lines) + "\n")
    cli("import", str(records))
    assert_in_step(db)
    conn = sqlite3.connect(db)
    try:
        kept = conn.execute("SELECT * FROM sanction_states").fetchall()
        assert {row[0] for row in kept} >= {"EU", "GB", "US"}
        assert sum(row[1] == OPEN for row in kept) > 3 and sum(row[1] != OPEN for row in kept) > 3
        monkeypatch.setattr(stored_states, "_STATE_BATCH", 3)
        with conn:
            stored_states.refresh_sanction_periods(conn, everything=True)
        assert conn.execute("SELECT * FROM sanction_states").fetchall() == kept
        assert conn.execute(
            "SELECT * FROM sanction_states ORDER BY jurisdiction, until, entity_id, valid_from"
        ).fetchall() == kept
    finally:
        conn.close()

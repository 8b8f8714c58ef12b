"""Snapshots stored by their changes (issue 19): each snapshot reads back exactly the listings its
files hold, whatever the order the days were imported in; an identical day writes no listing
rows; a schema 6 store (a copy of every listing per snapshot) migrates in place to the same answers.

The days are made by bench/year_generator.py from the small real OFAC CSV set in fixtures (17
entries), at high rates so that every day adds, ends and amends entries.
"""

from __future__ import annotations

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


def test_an_entry_whose_entity_a_later_entry_folds_away_links_to_the_survivor(cli, db, tmp_path):
    """GAMMA names ALPHA and BETA as its aliases: the entities found for ALPHA and BETA become
    one, and each listing links to that one, though their rows are written after the three are
    resolved together."""
    folder = tmp_path / "sdn-set"
    folder.mkdir()
    null = "-0- "
    rows = [(1, "ALPHA TRADING"), (2, "BETA SHIPPING"), (3, "GAMMA HOLDINGS")]
    (folder / "sdn.csv").write_text(
        "".join(f'{n},"{name}",{null},"SDGT"' + f",{null}" * 8 + "\r\n" for n, name in rows), newline=""
    )
    (folder / "alt.csv").write_text(
        '3,101,"aka","ALPHA TRADING",-0- \r\n3,102,"aka","BETA SHIPPING",-0- \r\n', newline=""
    )
    cli("import", str(folder), "--published", "2024-05-01")
    conn = sqlite3.connect(db)
    linked = conn.execute("SELECT DISTINCT entity_id FROM listings").fetchall()
    assert len(linked) == 1
    assert conn.execute("SELECT count(*) FROM entities WHERE id = ?", linked[0]).fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM entities").fetchone() == (1,)

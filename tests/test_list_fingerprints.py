"""An import parses only the entries whose rows changed (issue 19): each version of an OFAC CSV
entry (or an FtM target) is stored with the fingerprint of the rows it was read from
(`listing_sources`), and the next import of the source takes an entry whose rows carry a held
version's fingerprint for that version, unparsed. Every answer stays that of a store whose
imports parsed every entry.

The days are made by bench/year_generator.py from the small real OFAC CSV set in fixtures, as in
test_list_storage.py; the parses are counted by wrapping the reader's parse of one entry.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

import sanctrack.importers.ofac_csv as ofac_csv
from sanctrack.importers.base import entry_fingerprint
from test_list_storage import answers, days, import_days, parsed, stored  # noqa: F401 (fixture)

FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The list ids of the entries the OFAC CSV reader parses, in order."""
    seen: list[str] = []
    parse = ofac_csv._listing

    def counted(name, line, row, *joined):
        seen.append(row[0].strip())
        return parse(name, line, row, *joined)

    monkeypatch.setattr(ofac_csv, "_listing", counted)
    return seen


def rows_by_entry(folder: Path) -> dict[str, list[list[str]]]:
    """Each entry's rows of the four files, read with the csv module alone (the reference the
    reader's fingerprints are checked against)."""
    found: dict[str, list[list[str]]] = {}
    for name in FILES:
        path = folder / name
        if not path.exists():
            continue
        with open(path, newline="", encoding="utf-8-sig") as stream:
            for row in csv.reader(stream):
                if row and row != ["\x1a"]:
                    found.setdefault(row[0].strip(), []).append(row)
    return found


def parse_everything(db: Path) -> None:
    """Forget every fingerprint: the next import parses every entry, as imports did before."""
    if not db.exists():
        return
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM listing_sources")
    conn.close()


def tables(db: Path, leave_out: tuple[str, ...] = ()) -> dict[str, list]:
    """Every table's rows (the times of changes and snapshots left out), by table."""
    conn = sqlite3.connect(db)
    found = {}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        if table in leave_out:
            continue
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
        kept = [c for c in columns if (table, c) not in (("changes", "at"), ("snapshots", "imported_at"))]
        listed = ", ".join(f"[{c}]" for c in kept)
        found[table] = sorted(map(repr, conn.execute(f"SELECT {listed} FROM [{table}]")))
    conn.close()
    return found


def test_a_day_parses_only_its_changed_entries_and_answers_alike(cli, tmp_path, days, parses):
    fast, everything = tmp_path / "fast.db", tmp_path / "everything.db"
    previous: dict[str, list[list[str]]] = {}
    for date, folder in days:
        rows = rows_by_entry(folder)
        main_ids = list(parsed(folder))
        parses.clear()
        import_days(cli, fast, [(date, folder)])
        changed = [i for i in main_ids if previous.get(i) != rows[i]]
        assert parses == changed, date
        assert previous == {} or len(changed) < len(main_ids)  # the shortcut was taken
        previous = rows
        parse_everything(everything)
        parses.clear()
        import_days(cli, everything, [(date, folder)])
        assert parses == main_ids
    assert stored(fast, f"ofac-sdn/{days[-1][0]}") == parsed(days[-1][1])
    assert tables(fast, ("listing_sources",)) == tables(everything, ("listing_sources",))
    assert answers(cli, fast, days) == answers(cli, everything, days)
    assert cli.json("--db", str(fast), "verify")["problems"] == []


def _rewrite(folder: Path, to: Path, change) -> Path:
    to.mkdir()
    for name in FILES:
        if (folder / name).exists():
            (to / name).write_bytes(change(name, (folder / name).read_bytes()))
    return to


def test_rows_of_another_form_are_parsed_once_and_held_as_they_are(cli, tmp_path, days, parses):
    db = tmp_path / "store.db"
    date, folder = days[0]
    import_days(cli, db, [(date, folder)])
    conn = sqlite3.connect(db)
    versions = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
    first = next(iter(rows_by_entry(folder)))
    # The same entry with a doubled space in its name: other rows, the same content once cleaned.
    line = next(line for line in (folder / "sdn.csv").read_bytes().split(b"\n") if line.startswith(first.encode() + b","))
    spaced = line.replace(b" ", b"  ", 1)
    assert spaced != line
    other = _rewrite(folder, tmp_path / "spaced", lambda name, data: data.replace(line, spaced) if name == "sdn.csv" else data)
    parses.clear()
    summary = cli.json("--db", str(db), "import", str(other), "--published", "2024-04-01")["snapshots"][0]
    assert parses == [first]
    assert (summary["added"], summary["removed"], summary["changed"]) == (0, 0, 0)
    assert conn.execute("SELECT count(*) FROM listings").fetchone()[0] == versions
    assert conn.execute(
        "SELECT count(*) FROM listing_sources f JOIN listings l ON l.id = f.listing WHERE l.list_id = ?", (first,)
    ).fetchone()[0] == 2
    # Those rows again, in another file (other line ends): known now, nothing parsed.
    again = _rewrite(other, tmp_path / "again", lambda name, data: data.replace(b"\r\n", b"\n"))
    parses.clear()
    cli.json("--db", str(db), "import", str(again), "--published", "2024-04-02")
    assert parses == []
    assert stored(db, "ofac-sdn/2024-04-02") == parsed(folder)


def test_a_changed_reader_parses_every_entry_again(cli, tmp_path, days, parses, monkeypatch):
    db, reference = tmp_path / "store.db", tmp_path / "reference.db"
    import_days(cli, reference, days[:2])
    import_days(cli, db, days[:1])
    everything = list(parsed(days[1][1]))
    # A release whose reader parses otherwise salts its fingerprints otherwise.
    monkeypatch.setattr(ofac_csv, "reader_salt", lambda *modules: b"another release")
    parses.clear()
    import_days(cli, db, days[1:2])
    assert parses == everything
    assert tables(db, ("listing_sources",)) == tables(reference, ("listing_sources",))
    conn = sqlite3.connect(db)
    # the held versions now have the fingerprints of both readers' rows
    assert conn.execute(
        "SELECT count(*) FROM listing_sources GROUP BY listing ORDER BY 1 DESC LIMIT 1"
    ).fetchone() == (2,)


def test_a_schema_8_store_learns_the_fingerprints_at_its_next_import(cli, tmp_path, days, parses):
    db, reference = tmp_path / "store.db", tmp_path / "reference.db"
    import_days(cli, reference, days[:4])
    import_days(cli, db, days[:2])
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TABLE listing_sources")
    conn.execute("PRAGMA user_version = 8")
    conn.close()
    everything = list(parsed(days[2][1]))
    parses.clear()
    import_days(cli, db, days[2:3])  # the store migrates, then every entry is parsed
    assert parses == everything
    before, after = rows_by_entry(days[2][1]), rows_by_entry(days[3][1])
    changed = [i for i in parsed(days[3][1]) if after[i] != before.get(i)]
    parses.clear()
    import_days(cli, db, days[3:4])
    assert parses == changed
    assert len(changed) < len(after)
    assert tables(db, ("listing_sources",)) == tables(reference, ("listing_sources",))
    assert answers(cli, db, days[:4]) == answers(cli, reference, days[:4])


def test_undo_takes_an_imports_fingerprints_with_it(cli, tmp_path, days, parses):
    db = tmp_path / "store.db"
    import_days(cli, db, days[:3])
    conn = sqlite3.connect(db)
    pairs = "SELECT l.list_id, l.content, f.fingerprint FROM listing_sources f JOIN listings l ON l.id = f.listing"
    before = sorted(conn.execute(pairs))
    last = conn.execute("SELECT max(change_id) FROM listing_sources").fetchone()[0]
    cli("--db", str(db), "undo")
    assert conn.execute("SELECT count(*) FROM listing_sources WHERE change_id = ?", (last,)).fetchone() == (0,)
    assert cli.json("--db", str(db), "verify")["problems"] == []
    parses.clear()
    import_days(cli, db, days[2:3])
    assert parses  # the entries day 3 changed are parsed again: their fingerprints went with the undo
    assert sorted(conn.execute(pairs)) == before
    assert stored(db, f"ofac-sdn/{days[2][0]}") == parsed(days[2][1])


def test_fingerprints_tell_rows_apart_however_their_fields_are_cut():
    salt = b"salt"
    rows = [["1", "A B", "-0- "], ["1", "10", "x"]]
    assert entry_fingerprint(salt, rows) == entry_fingerprint(salt, [list(r) for r in rows])
    assert entry_fingerprint(b"other", rows) != entry_fingerprint(salt, rows)
    # fields holding the separators: not the rows they would join like
    assert entry_fingerprint(salt, [["1", "A\x1fB", "-0- "]]) != entry_fingerprint(salt, [["1", "A", "B", "-0- "]])
    assert entry_fingerprint(salt, [["1", "A\x1e1", "B"]]) != entry_fingerprint(salt, [["1", "A"], ["1", "B"]])
    # a row moved from one entry's rows to the next row: another entry
    assert entry_fingerprint(salt, [["1", "A"], ["1", "B"]]) != entry_fingerprint(salt, [["1", "A", "1", "B"]])
    # every reader's fingerprint of real rows is the one of the rows the csv module reads
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "ofac_sdn_csv"
    by_entry = rows_by_entry(folder)
    from sanctrack.importers.base import reader_salt
    import sanctrack.importers.base as base

    salt = reader_salt(base, ofac_csv)
    read = list(ofac_csv.iter_entries(ofac_csv.locate_set(folder)))
    assert [(i, fp) for i, fp, _ in read] == [(i, entry_fingerprint(salt, by_entry[i])) for i, _, _ in read]


ZALA = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "opensanctions_ftm" / "yente_zala" / "entities.ftm.json"
TARGET, PERSON, HOLDER = "NK-abdzbEBkqyT29GyREbiURZ", "NK-mCEmxFfuhfdjpC8gsxH74o", "NK-aU5ybkbRFJucf8YMwsJvDw"


@pytest.fixture
def ftm_parses(monkeypatch) -> list[str]:
    """The ids of the entities the FtM reader turns into listings, in order."""
    import sanctrack.importers.ftm as ftm

    seen: list[str] = []
    parse = ftm._entity_listing

    def counted(entity, *rest):
        seen.append(entity["id"])
        return parse(entity, *rest)

    monkeypatch.setattr(ftm, "_entity_listing", counted)
    return seen


def ftm_days(tmp_path: Path) -> list[tuple[str, Path, set[str]]]:
    """Four files of the OpenSanctions sample, each day changing what one kind of join adds to a
    target whose own line stays as it was, and the expected targets to parse. (The changes are
    made up for the test; they stand for no real listing.)"""
    import json

    entities = [json.loads(line) for line in ZALA.read_text().splitlines() if line.strip()]
    by_id = {entity["id"]: entity for entity in entities}
    address = next(a for a in by_id[HOLDER]["properties"]["addressEntity"] if a in by_id)
    passport = next(e["id"] for e in entities if e["schema"] == "Passport" and HOLDER in e["properties"]["holder"])
    sanction = next(e["id"] for e in entities if e["schema"] == "Sanction" and TARGET in e["properties"]["entity"])
    changes = [
        (set(), lambda: None),
        # a sanction of TARGET gone, and a name more for PERSON
        ({TARGET, PERSON}, lambda: (entities.remove(by_id[sanction]),
                                    by_id[PERSON]["properties"]["name"].append("Test Name Added"))),
        ({HOLDER}, lambda: by_id[address]["properties"].__setitem__("full", ["1 Test Street, Testville"])),
        ({HOLDER}, lambda: by_id[passport]["properties"].__setitem__("number", ["TEST0001"])),
    ]
    # The file's date is its entities' latest last_seen: one entity no target reads moves it on.
    clock = next(e for e in entities if e["schema"] == "Ownership")
    found = []
    for day, (expected, change) in enumerate(changes, start=1):
        change()
        clock["last_seen"] = f"2026-05-0{day}T00:00:00"
        path = tmp_path / f"day{day}" / "entities.ftm.json"
        path.parent.mkdir()
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities))
        found.append((f"2026-05-0{day}", path, expected))
    return found


def test_an_ftm_import_parses_the_targets_whose_line_or_joins_changed(cli, tmp_path, ftm_parses):
    fast, everything = tmp_path / "fast.db", tmp_path / "everything.db"
    targets: list[str] = []
    days = ftm_days(tmp_path)
    for index, (date, path, expected) in enumerate(days):
        ftm_parses.clear()
        cli.json("--db", str(fast), "import", str(path))
        if index == 0:
            targets = list(ftm_parses)
            assert len(targets) > 3
        else:
            assert set(ftm_parses) == expected and len(ftm_parses) == len(expected), date
        parse_everything(everything)
        ftm_parses.clear()
        cli.json("--db", str(everything), "import", str(path))
        assert ftm_parses == targets
    assert tables(fast, ("listing_sources",)) == tables(everything, ("listing_sources",))
    for date, _path, _ in days:
        for target in (TARGET, PERSON, HOLDER):
            shown = [cli("--db", str(db), "show", f"opensanctions/{date}/{target}", "--json").stdout
                     for db in (fast, everything)]  # fmt: skip
            assert shown[0] == shown[1]



def _stamped(entities: list[dict], day: str, path: Path) -> Path:
    """The entities as a run of `day` exports them: every one's last_seen is that day."""
    import json

    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(dict(e, last_seen=f"{day}T06:00:00"), ensure_ascii=False) + "\n"
                            for e in entities))  # fmt: skip
    return path


def test_the_daily_last_seen_of_opensanctions_changes_no_listing(cli, db, tmp_path, ftm_parses):
    """OpenSanctions stamps every entity with the day of the run that exported it (last_seen):
    kept in each version's raw, it made every target a new version every day, a copy of the
    whole list (14 versions more a day for this sample, 0 changes reported), and had every target
    parsed again. A day later with nothing else changed: no version, no span, nothing parsed; a
    name added to one target: that target alone."""
    import json

    entities = [json.loads(line) for line in ZALA.read_text().splitlines() if line.strip()]
    conn = sqlite3.connect(db)

    def counts() -> tuple[int, int]:
        return conn.execute("SELECT (SELECT count(*) FROM listings), (SELECT count(*) FROM listing_spans)").fetchone()

    cli.json("import", str(_stamped(entities, "2026-05-01", tmp_path / "d1" / "entities.ftm.json")))
    first = counts()
    ftm_parses.clear()
    summary = cli.json("import", str(_stamped(entities, "2026-05-02", tmp_path / "d2" / "entities.ftm.json")))
    assert summary["snapshots"][0]["published"] == "2026-05-02"
    assert (summary["snapshots"][0]["added"], summary["snapshots"][0]["changed"]) == (0, 0)
    assert ftm_parses == []
    assert counts() == first
    person = next(e for e in entities if e["id"] == PERSON)
    person["properties"]["name"].append("Test Name Added")
    summary = cli.json("import", str(_stamped(entities, "2026-05-03", tmp_path / "d3" / "entities.ftm.json")))
    assert summary["snapshots"][0]["changed"] == 1
    assert ftm_parses == [PERSON]
    assert counts() == (first[0] + 1, first[1] + 1)
    raw = cli.json("show", f"opensanctions/2026-05-03/{PERSON}")["raw"]
    assert "last_seen" not in raw and raw["first_seen"]


def test_the_last_seen_of_a_targets_simple_csv_changes_no_listing(cli, db, tmp_path):
    """The same stamp in zavod's flat export, a column of every row."""
    import csv

    simple = ZALA.parents[1] / "targets_simple" / "targets.simple.csv"
    with open(simple, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    conn = sqlite3.connect(db)
    for day in ("2026-05-01", "2026-05-02"):
        path = tmp_path / day / "targets.simple.csv"
        path.parent.mkdir()
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(dict(row, last_seen=f"{day}T06:00:00") for row in rows)
        cli.json("import", str(path))
    assert conn.execute("SELECT count(*) FROM listings").fetchone() == (len(rows),)
    assert conn.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)

def test_two_real_sdn_files_a_week_apart(cli, tmp_path, parses):
    """OFAC's own sdn.csv of 2024-04-04 and 2024-04-12 (fixtures): the second import parses the
    entries whose row is new or changed, and stores what a store parsing every entry stores."""
    pair = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"
    fast, everything = tmp_path / "fast.db", tmp_path / "everything.db"
    first, second = rows_by_entry(pair / "2024-04-04"), rows_by_entry(pair / "2024-04-12")
    changed = [i for i, rows in second.items() if first.get(i) != rows]
    assert 0 < len(changed) < len(second)
    for db in (fast, everything):
        cli.json("--db", str(db), "import", str(pair / "2024-04-04" / "sdn.csv"), "--published", "2024-04-04")
    parse_everything(everything)
    parses.clear()
    cli.json("--db", str(fast), "import", str(pair / "2024-04-12" / "sdn.csv"), "--published", "2024-04-12")
    assert parses == changed
    parses.clear()
    cli.json("--db", str(everything), "import", str(pair / "2024-04-12" / "sdn.csv"), "--published", "2024-04-12")
    assert parses == list(second)
    assert tables(fast, ("listing_sources",)) == tables(everything, ("listing_sources",))
    diff = ["diff", "ofac-sdn/2024-04-04", "ofac-sdn/2024-04-12"]
    assert cli.json("--db", str(fast), *diff) == cli.json("--db", str(everything), *diff)


def test_an_ftm_fingerprint_changes_with_the_vocabulary_of_its_kinds(tmp_path, monkeypatch):
    """Which FtM schemas are listings, and of what kind, is vocabulary.py's: a release that
    changes it must parse every target again, so its code is in the fingerprints' salt."""
    from sanctrack import vocabulary
    from sanctrack.importers import importer_for

    def fingerprints() -> list[str]:
        return [fingerprint for _, fingerprint, _ in importer_for(ZALA).read(ZALA).entries]

    before = fingerprints()
    assert before == fingerprints()
    changed = tmp_path / "vocabulary.py"
    changed.write_bytes(Path(vocabulary.__file__).read_bytes() + b"\n# another release\n")
    monkeypatch.setattr(vocabulary, "__file__", str(changed))
    after = fingerprints()
    assert len(after) == len(before) and not set(after) & set(before)

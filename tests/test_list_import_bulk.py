"""A list's first import into a new store (issue 19) skips what cannot matter there: looking for
entities to join when the store holds none (every candidate is another entry of the same list,
which a list entry never joins), looking up stored versions of a source that has none, feeding
secondary indexes row by row, and the cyclic collector. None of it may change a row: the stores
made with and without these shortcuts are compared whole.

The lists are the real files in fixtures/lists (see fixtures/lists/SOURCES.md) and, when present,
the full UN list in ../shared/data; the small synthetic set of three entries sharing aliases is
the one of test_list_storage.py.
"""

from __future__ import annotations

import gc
import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import REPO
from sanctrack.core import EntityResolver
from sanctrack.errors import BadDataError
from sanctrack.store import Store

LISTS = REPO / "fixtures" / "lists"
FULL_UN = REPO.parent / "shared" / "data" / "un_consolidated_xml" / "UN_consolidated.xml"
# Tables a list import writes, with their rowids (entity_names' rowids are those of its index).
WRITTEN = ("entities", "entity_names", "listings", "listing_spans", "snapshots")


def _write_shared_aliases(folder: Path) -> Path:
    """Three entries giving each other's names as aliases, and two sharing one alias (as UN
    entries share kunyas): synthetic names, no facts."""
    folder.mkdir()
    null = "-0- "
    rows = [(1, "ALPHA TRADING"), (2, "BETA SHIPPING"), (3, "GAMMA HOLDINGS"), (4, "ALPHA TRADING")]
    (folder / "sdn.csv").write_text(
        "".join(f'{n},"{name}",{null},"SDGT"' + f",{null}" * 8 + "\r\n" for n, name in rows), newline=""
    )
    (folder / "alt.csv").write_text(
        '3,101,"aka","ALPHA TRADING",-0- \r\n3,102,"aka","BETA SHIPPING",-0- \r\n'
        '1,103,"aka","OMEGA FRONT",-0- \r\n2,104,"aka","OMEGA FRONT",-0- \r\n'
        '2,105,"aka","BETA SHIPPING",-0- \r\n',
        newline="",
    )
    return folder


def _inputs(tmp_path: Path) -> list[tuple[str, list[str]]]:
    found = [
        ("ofac-csv", [str(LISTS / "ofac_sdn_csv"), "--published", "2024-03-01"]),
        ("ofac-cons", [str(LISTS / "ofac_cons_csv"), "--published", "2024-03-01"]),
        ("un-sample", [str(LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml")]),
        ("uk-xml", [str(LISTS / "uk_sanctions_list_xml" / "sample_uk_sanctions.xml")]),
        ("ftm", [str(LISTS / "opensanctions_ftm" / "yente_zala" / "entities.ftm.json")]),
        ("shared-aliases", [str(_write_shared_aliases(tmp_path / "shared")), "--published", "2024-05-01"]),
    ]
    if FULL_UN.exists():
        found.append(("un-full", [str(FULL_UN)]))
    return found


def _rows(db: Path) -> dict[str, list]:
    conn = sqlite3.connect(db)
    try:
        found = {}
        for table in WRITTEN:
            order = "listing, since" if table == "listing_spans" else "rowid"
            columns = "*" if table == "listing_spans" else "rowid, *"
            rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()
            if table == "snapshots":
                rows = [row[:-2] for row in rows]  # imported_at (and change_id) aside
            found[table] = rows
        return found
    finally:
        conn.close()


@pytest.fixture
def resolutions(monkeypatch):
    """Counts the first imports resolved by `_create_many` (the shortcut); `general()` turns the
    shortcut off, so that every target goes through candidates and claims as any import does."""
    taken = []
    create_many = EntityResolver._create_many

    def counted(self, targets):
        taken.append(len(targets))
        return create_many(self, targets)

    monkeypatch.setattr(EntityResolver, "_create_many", counted)

    class Switch:
        shortcuts = taken

        @staticmethod
        def general():
            monkeypatch.setattr(EntityResolver, "_only_new_parties", lambda self, targets, known: False)

    return Switch


def test_a_first_import_stores_the_rows_that_resolving_each_entry_stores(cli, tmp_path, resolutions):
    inputs = _inputs(tmp_path)
    for name, argv in inputs:
        cli("--db", str(tmp_path / f"short-{name}.db"), "import", *argv)
    assert len(resolutions.shortcuts) == len(inputs)  # every first import took the shortcut
    resolutions.general()
    for name, argv in inputs:
        cli("--db", str(tmp_path / f"general-{name}.db"), "import", *argv)
    assert len(resolutions.shortcuts) == len(inputs)  # and none of these
    for name, _ in inputs:
        short, general = _rows(tmp_path / f"short-{name}.db"), _rows(tmp_path / f"general-{name}.db")
        assert short["listings"], name
        assert short == general, name
    # the premise of the synthetic set: names shared by entries of one list, each its own entity
    conn = sqlite3.connect(tmp_path / "short-shared-aliases.db")
    assert conn.execute("SELECT count(DISTINCT entity_id), count(*) FROM listings").fetchone() == (4, 4)


def test_the_shortcut_is_taken_only_in_a_store_without_entities(cli, db, tmp_path, resolutions):
    """An entity recorded before (an event's target) may be joined: the import resolves as usual
    and the entry named like the target joins it."""
    event = cli.json("add", "event", "--date", "2024-04-01", "--jurisdiction", "US", "--authority", "OFAC",
                     "--target", "Gamma Holdings", "--target-kind", "company")["id"]  # fmt: skip
    cli("import", str(_write_shared_aliases(tmp_path / "shared")), "--published", "2024-05-01")
    assert resolutions.shortcuts == []
    entity = cli.json("show", event)["targets"][0]["entity_id"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT list_id FROM listings WHERE entity_id = ?", (entity,)).fetchall() == [("3",)]


@pytest.mark.parametrize(
    "targets, known, expected",
    [
        ([("a", ("s", "1")), ("b", ("s", "2"))], [None, None], True),
        ([("a", ("s", "1")), ("b", ("s", "1"))], [None, None], False),  # one entry twice
        ([("a", ("s", "1")), ("b", ("t", "2"))], [None, None], False),  # entries of two lists
        ([("a", ("s", "1")), ("b", None)], [None, None], False),  # a target that is no entry
        ([("a", ("s", "1")), ("b", ("s", "2"))], [None, "en-1"], False),  # an entity known already
    ],
)
def test_only_entries_of_one_list_each_once_take_the_shortcut(db, targets, known, expected):
    store = Store.open(db)
    try:
        resolver = EntityResolver(store)
        found = resolver._only_new_parties(
            [{"name": n, "aliases": [], "kind": None, **({"listing": e} if e else {})} for n, e in targets], known
        )
        assert found is expected
    finally:
        store.close()


def test_a_first_import_builds_its_deferred_indexes_as_a_new_store_has_them(cli, db, tmp_path):
    from sanctrack.store import schema

    fresh = sqlite3.connect(":memory:", isolation_level=None)
    schema.create(fresh)
    expected = set(fresh.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))
    cli("import", str(LISTS / "ofac_sdn_csv_diffpair" / "2024-04-04"), "--published", "2024-04-04")
    conn = sqlite3.connect(db)
    assert set(conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")) == expected
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # the next import (tables no longer empty: nothing deferred) reads through them
    summary = cli.json("import", str(LISTS / "ofac_sdn_csv_diffpair" / "2024-04-12"), "--published", "2024-04-12")
    assert (summary["snapshots"][0]["added"], summary["snapshots"][0]["removed"]) == (4, 2)
    assert set(conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")) == expected
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_no_stored_version_is_looked_up_for_a_source_without_any(cli, db):
    cli("import", str(LISTS / "ofac_sdn_csv"), "--published", "2024-03-01")
    store = Store.open(db)
    try:
        pair = store.conn.execute("SELECT list_id, content FROM listings LIMIT 1").fetchone()
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        assert store.lists.versions_with_content("ofac-cons", [pair]) == {}
        assert not [sql for sql in seen if "json_each" in sql]
        assert set(store.lists.versions_with_content("ofac-sdn", [pair])) == {tuple(pair)}
        assert [sql for sql in seen if "json_each" in sql]
    finally:
        store.conn.set_trace_callback(None)
        store.close()


@pytest.mark.parametrize("collector_on", [True, False])
def test_a_list_import_leaves_the_cyclic_collector_as_it_found_it(db, tmp_path, collector_on):
    from sanctrack.importers import importer_for
    from sanctrack.lists import import_list

    twice = tmp_path / "twice"
    twice.mkdir()
    row = '7,"ALPHA TRADING",-0- ,"SDGT"' + ",-0- " * 8 + "\r\n"
    (twice / "sdn.csv").write_text(row + row, newline="")
    was = gc.isenabled()
    store = Store.open(db)
    try:
        (gc.enable if collector_on else gc.disable)()
        folder = LISTS / "ofac_sdn_csv"
        import_list(store, folder, importer_for(folder), None, "2024-03-01", lambda message: None)
        assert gc.isenabled() is collector_on
        with pytest.raises(BadDataError, match="already given"):
            import_list(store, twice, importer_for(twice), None, "2024-03-02", lambda message: None)
        assert gc.isenabled() is collector_on
    finally:
        (gc.enable if was else gc.disable)()
        store.close()


def _list_names() -> list[str]:
    from sanctrack.importers import importer_for

    names = []
    for path in (LISTS / "ofac_sdn_csv", LISTS / "ofac_cons_csv", LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml",
                 LISTS / "uk_sanctions_list_xml" / "sample_uk_sanctions.xml", *([FULL_UN] if FULL_UN.exists() else [])):  # fmt: skip
        for listing in importer_for(path).read(path).listings:
            names += [listing.name, *listing.aliases]
    return names


def test_the_words_of_ascii_names_are_those_the_regular_expressions_gave():
    """`words` splits an ASCII name with one str.translate, and looks for initials' dots only in
    a name with a dot: the words of every name of the fixture lists, and of every pair of ASCII
    characters around a dot, are those of the two regular expressions it used before."""
    from sanctrack.names import _INITIAL_DOT, words

    punctuation = re.compile(r"[^a-z0-9]+")

    def before(text: str) -> list[str]:
        text = _INITIAL_DOT.sub(r"\1", text.lower().replace("'", "").replace("`", ""))
        return punctuation.sub(" ", text).split()

    odd = [chr(a) + "." + chr(b) + "." for a in range(128) for b in range(0, 128, 3)]
    checked = [name for name in _list_names() + odd + ["U.M.V. S.A.", "a\tb\x1cc", "S.p.A", ""] if name.isascii()]
    assert len(checked) > 5000
    assert [words(name) for name in checked] == [before(name) for name in checked]


def test_index_keys_of_the_fixture_lists_names_are_the_keys_of_both_forms():
    """index_keys takes each word's canonical spelling, consonants and keys from one cache; for
    every name of the fixture lists (and the full UN list when present, in its scripts) the keys
    are those of the name's words with and without legal forms (test_screening.py's reference)."""
    from sanctrack.screening import _word_keys, index_keys, match_tokens

    names = _list_names()
    assert any(not name.isascii() for name in names) or not FULL_UN.exists()
    for name in names:
        whole, stripped = match_tokens(name, False).words, match_tokens(name, True).words
        keys = _word_keys(whole) if whole == stripped else _word_keys(whole) + _word_keys(stripped)
        assert index_keys(name) == " ".join(dict.fromkeys(keys)), name


def test_index_words_spells_every_word_as_canonical_does_word_by_word():
    """`index_words` runs each step of `canonical` over many words joined by line breaks: for
    every word of the fixture lists' names (and the full SDN and UN lists when present), and for
    words made to meet each step at a word's edges (a hard c last, doubled letters across two
    words, "ibn", abbreviations, digits, other scripts), it gives what `_indexed_word` gives."""
    from sanctrack import screening
    from sanctrack.names import ascii_forms, words

    full_sdn = REPO.parent / "shared" / "data" / "ofac_sdn_csv_full_2021"
    names = _list_names()
    if full_sdn.exists():
        from sanctrack.importers import importer_for

        for listing in importer_for(full_sdn).read(full_sdn).listings:
            names += [listing.name, *listing.aliases]
    found = [w for name in names for w in (ascii_forms(name)[0] if name.isascii() else words(name))]
    made_up = ["c", "cc", "abc", "cab", "ck", "sch", "xx", "aa", "ibn", "ben", "bn", "intl", "grp",
               "tech", "yy", "kh", "zhx", "oo", "ee", "qq", "tz", "1c", "c1", "ca", "ce",
               "mohammed", "łódź", "дерипаска", "华为", "a-b", "sss", "cch", "x"]  # fmt: skip
    every = list(dict.fromkeys(found + made_up))
    assert len(every) > 2000
    screening._INDEXED_WORDS.clear()
    screening.index_words(every)
    made = dict(screening._INDEXED_WORDS)
    screening._INDEXED_WORDS.clear()
    assert made.keys() == set(every)
    assert {w: made[w] for w in every} == {w: screening._indexed_word(w) for w in every}
    screening.index_words(["a\nb"])  # a line break in a word: left to `_indexed_word`
    assert "a\nb" not in screening._INDEXED_WORDS


def test_a_digest_folds_identifiers_as_sorted_json_does():
    from sanctrack.importers import importer_for
    from sanctrack.jsontext import json_text, sorted_json_text

    folder = LISTS / "ofac_sdn_csv"
    values = [i for listing in importer_for(folder).read(folder).listings for i in listing.identifiers]
    values += [{"b": 1.5, "a": None, "c": ["x", "é"], "d": {"z": True, "y": 2}}, "text", 3]
    assert len(values) > 5
    assert [sorted_json_text(v) for v in values] == [json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values]
    assert [json_text(v) for v in values] == [json.dumps(v, ensure_ascii=False) for v in values]

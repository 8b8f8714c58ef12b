"""Screening (`check`): names the lists spell differently are found, with a score and a kind;
names of other parties are not; a whole file is screened in one process.

The names below are entries of OFAC's SDN list as `../shared/data/ofac_sdn_csv_full_2021` holds
them (ent_num in the comments), recorded here as events so each test builds its store in
milliseconds; the benchmark in bench/screening measures the same rules on the whole list.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_process
from sanctrack.screening import Weights, edits, match_tokens, score

LISTED = [
    # (name, kind, aliases)
    ("DERIPASKA, Oleg Vladimirovich", "person", []),  # SDN 24283
    ("ZAYTSEV, Aleksey Alekseevich", "person", []),
    ("HERNANDEZ, Oscar", "person", []),
    ("TORRES HERNANDEZ, Antonio", "person", []),
    ("AL-AKHRAS, Eyad", "person", []),
    ("'ALI, Muhammad", "person", []),
    ("KAROUN PETROCHEMICAL COMPANY", "company", []),
    ("Gazprombank", "company", ["GPB, OAO"]),  # the alias as the US CSL sample writes it
    ("ZTE Corporation", "company", []),
]


@pytest.fixture
def listed(cli):
    for name, kind, aliases in LISTED:
        argv = ["add", "event", "--date", "2021-07-15", "--authority", "OFAC", "--jurisdiction", "US",
                "--target", name, "--target-kind", kind]  # fmt: skip
        for alias in aliases:
            argv += ["--alias", alias]
        cli(*argv)
    return cli


def matched(result: dict) -> list[tuple[str, str]]:
    return [(m["name"], m["match"]) for m in result["matches"]]


@pytest.mark.parametrize(
    "query, expected, kind",
    [
        ("Oleg Deripaska", "DERIPASKA, Oleg Vladimirovich", "near"),  # patronymic dropped
        ("Дерипаска Олег Владимирович", "DERIPASKA, Oleg Vladimirovich", "strong"),  # Cyrillic
        ("Oleg Vladimirovich Deripaska", "DERIPASKA, Oleg Vladimirovich", "exact"),  # word order
        ("Aleksey Alekseyevich Zaytsev", "ZAYTSEV, Aleksey Alekseevich", "strong"),  # -eev/-eyev
        ("Alexei Alekseevich Zaitsev", "ZAYTSEV, Aleksey Alekseevich", "strong"),  # transliteration
        ("Oleg Vladimirovich Deripaksa", "DERIPASKA, Oleg Vladimirovich", "strong"),  # two letters swapped
        ("HERNANDEZ, Oscar Antonio", "HERNANDEZ, Oscar", "near"),  # a middle name added
        ("Eyad Alakhras", "AL-AKHRAS, Eyad", "strong"),  # the particle joined
        ("Eyad al Akhras", "AL-AKHRAS, Eyad", "exact"),  # punctuation (the same key)
        ("محمد علي", "'ALI, Muhammad", "near"),  # Arabic script, written without vowels
        ("KAROUN PETROCHEMICAL CO.", "KAROUN PETROCHEMICAL COMPANY", "exact"),  # legal form
        ("GPB, OAO", "Gazprombank", "exact"),  # an acronym alias copied from the list
        ("ZTE Corporation", "ZTE Corporation", "exact"),  # a short acronym's own exact key
        ("DERIPASKA, \u041eleg Vladimirovich", "DERIPASKA, Oleg Vladimirovich", "exact"),  # Cyrillic О
        ("Z\u0422E Corporation", "ZTE Corporation", "exact"),  # Cyrillic Т
        ("ZTE\u3164Corporation\u2800", "ZTE Corporation", "exact"),  # Hangul filler, Braille blank
        ("Z\u200bTE Corp\u00adoration", "ZTE Corporation", "exact"),  # zero-width space, soft hyphen
    ],
)
def test_check_finds_names_the_lists_spell_differently(listed, query, expected, kind):
    result = listed.json("check", query, "--as-of", "2021-08-01")
    assert result["sanctioned"] is True, result
    best = result["matches"][0]
    assert (best["name"], best["match"]) == (expected, kind), result["matches"]
    assert (best["score"] == 100) == (kind == "exact") and best["score"] >= result["threshold"]


@pytest.mark.parametrize(
    "query",
    [
        "Ivan Deripaska",  # the surname with another given name
        "Olga Deripaska",
        "Oleg Ivanov",  # the given name with another surname
        "Oscar Torres",
        "KAROUN FERTILIZER COMPANY",  # a company with one distinctive word swapped
        "ZTE Holdings Group",
        "Muhammad",  # one common word of a longer name
    ],
)
def test_check_does_not_take_other_parties_for_listed_ones(listed, query):
    result = listed.json("check", query, "--as-of", "2021-08-01", code=1)
    assert result["matches"] == [] and result["sanctioned"] is False


def test_hernandez_oscar_antonio_is_hernandez_oscar_not_torres_hernandez_antonio(listed):
    result = listed.json("check", "HERNANDEZ, Oscar Antonio", "--as-of", "2021-08-01")
    assert [m["name"] for m in result["matches"]] == ["HERNANDEZ, Oscar"]


def test_a_negative_lists_the_closest_names_below_the_threshold(listed):
    result = listed.json("check", "Oleg Deripaska", "--as-of", "2021-08-01", "--threshold", "99", code=1)
    assert result["sanctioned"] is False and result["threshold"] == 99
    [closest, *_] = result["closest"]
    assert closest["name"] == "DERIPASKA, Oleg Vladimirovich" and 85 <= closest["score"] < 99
    text = listed("check", "Oleg Deripaska", "--as-of", "2021-08-01", "--threshold", "99",
                  "--format", "plain", code=1).stderr  # fmt: skip
    assert "no name scores 99 or more; closest: 'DERIPASKA, Oleg Vladimirovich' (" in text


def test_exact_keeps_to_equal_keys_and_threshold_is_checked(listed):
    assert listed.json("check", "Oleg Deripaska", "--exact", code=1)["matches"] == []
    assert listed.json("check", "Deripaska Oleg Vladimirovich", "--exact")["matches"][0]["match"] == "exact"
    assert "--exact and --threshold" in listed("check", "x", "--exact", "--threshold", "90", code=2).stderr
    assert "101" in listed("check", "x", "--threshold", "101", code=2).stderr


def test_every_format_carries_score_and_match(listed):
    csv_text = listed("check", "Oleg Deripaska", "--as-of", "2021-08-01", "--format", "csv").stdout
    header, row = csv_text.splitlines()[:2]
    assert header.endswith(",score,match") and row.split(",")[-1] == "near" and 85 <= float(row.split(",")[-2]) < 95
    table = listed("check", "Oleg Deripaska", "--as-of", "2021-08-01", "--format", "table").stdout
    assert "near" in table and "score" in table


def test_an_empty_store_says_so_and_a_fresh_store_searches_to_no_match(cli, tmp_path):
    cli("add", "event", "--date", "2025-01-01", "--authority", "X", "--jurisdiction", "US", "--target", "Foo")
    cli("undo")
    result = cli.json("check", "Oleg Deripaska", code=1)
    assert result["store_empty"] is True and result["sanctioned"] is False
    assert "holds no names yet" in cli("check", "Oleg Deripaska", "--format", "plain", code=1).stderr
    assert cli("search", "Deripaska", code=1).stderr.strip().endswith("no match")


def test_search_reads_names_as_screening_does(listed):
    listed("add", "event", "--date", "2025-01-03", "--authority", "OFAC", "--jurisdiction", "US",
           "--target", "Integr\u0456ty Technology Group", "--target-kind", "company")  # fmt: skip
    for query in ("Integrity Tech", "integrity technology group", "Integr\u0456ty"):
        hits = listed.json("search", query, "--type", "entity")
        assert [h["title"] for h in hits] == ["Integr\u0456ty Technology Group"], query
    hits = listed.json("search", "Z\u0422E", "--type", "entity")  # Cyrillic Т in the query
    assert [h["title"] for h in hits] == ["ZTE Corporation"]


# -- check --file ----------------------------------------------------------------------------------


def test_check_file_screens_every_line_in_order(listed, tmp_path):
    names = tmp_path / "names.txt"
    long_name = "x" * 1001
    names.write_text(f"Oleg Deripaska\n\n   \nNobody Known Here\n{long_name}\nDERIPASKA, Oleg\n", encoding="utf-8")
    lines = listed("check", "--file", str(names), "--as-of", "2021-08-01", "--json").stdout.splitlines()
    results = [json.loads(line) for line in lines]
    assert [r["line"] for r in results] == [1, 4, 5, 6]
    assert [r["query"] for r in results][:2] == ["Oleg Deripaska", "Nobody Known Here"]
    assert results[0]["sanctioned"] is True and results[1]["sanctioned"] is False
    assert "longer than 1,000 characters" in results[2]["error"] and "matches" not in results[2]
    assert results[3]["matches"][0]["name"] == "DERIPASKA, Oleg Vladimirovich"
    single = listed.json("check", "Oleg Deripaska", "--as-of", "2021-08-01")
    assert {k: v for k, v in results[0].items() if k not in ("query", "line")} == single


def test_check_file_reads_a_csv_column_and_writes_rows(listed, tmp_path):
    names = tmp_path / "customers.csv"
    names.write_text('id,full_name\n1,"DERIPASKA, Oleg"\n2,Nobody Known Here\n', encoding="utf-8")
    out = listed("check", "--file", str(names), "--column", "full_name", "--as-of", "2021-08-01",
                 "--format", "csv").stdout  # fmt: skip
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["query"], r["sanctioned"]) for r in rows] == [("DERIPASKA, Oleg", "yes"), ("Nobody Known Here", "no")]
    assert rows[0]["name"] == "DERIPASKA, Oleg Vladimirovich" and float(rows[0]["score"]) >= 85
    err = listed("check", "--file", str(names), "--column", "surname", code=2).stderr
    assert "no column 'surname'" in err and "id, full_name" in err


def test_check_file_exit_codes(listed, tmp_path):
    nobody = tmp_path / "nobody.txt"
    nobody.write_text("Nobody Known Here\nAnother Unknown Person\n")
    assert listed("check", "--file", str(nobody), code=1).exit_code == 1
    binary = tmp_path / "names.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    assert "binary file" in listed("check", "--file", str(binary), code=3).stderr
    assert "give a name or --file, not both" in listed("check", "x", "--file", str(nobody), code=2).stderr
    assert "--column goes with --file" in listed("check", "x", "--column", "name", code=2).stderr


@pytest.mark.slow
def test_check_file_reads_standard_input_in_one_process(tmp_path):
    db = str(tmp_path / "s.db")
    assert run_process("--db", db, "add", "event", "--date", "2021-07-15", "--authority", "OFAC",
                       "--jurisdiction", "US", "--target", "DERIPASKA, Oleg Vladimirovich",
                       "--target-kind", "person").returncode == 0  # fmt: skip
    done = run_process("--db", db, "check", "--file", "-", "--json", "--as-of", "2021-08-01",
                       input="Nobody Known Here\nOleg Deripaska\n".encode())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["sanctioned"] for line in done.stdout.decode().splitlines()] == [False, True]
    bad = run_process("--db", db, "check", "--file", "-", input=b"\xff\xfeN\x00a\x00")
    assert bad.returncode == 3 and bad.stderr.decode().count("\n") <= 2


# -- the parts -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text("abcde", max_size=10), st.text("abcde", max_size=10), st.sampled_from([1, 2]))
def test_edits_is_the_optimal_string_alignment_distance(a, b, limit):
    from rapidfuzz.distance import OSA

    assert edits(a, b, limit) == min(OSA.distance(a, b), limit + 1)


def test_canonical_words_absorb_transliteration_variants():
    same = [("Aleksey", "Alexei"), ("Yuriy", "Yuri"), ("Mohammed", "Mohamed"), ("Khalil", "Halil"),
            ("Zhang", "Jang"), ("Mahmoud", "Mahmud")]  # fmt: skip
    for a, b in same:
        assert match_tokens(a).words == match_tokens(b).words, (a, b)
    assert match_tokens("Jian").words != match_tokens("Yan").words  # pinyin j is no y


def test_a_missing_word_costs_what_it_weighs():
    weights = Weights(10_000, {"mohamed": 400, "ali": 500, "ahmed": 450, "oleg": 20, "deripaska": 1,
                               "vladimirovich": 30})  # fmt: skip
    rare = score(match_tokens("Oleg Deripaska"), match_tokens("DERIPASKA, Oleg Vladimirovich"), weights, True)
    common = score(match_tokens("Mohamed Ali"), match_tokens("Mohamed Ahmed Ali"), weights, True)
    assert rare >= 85 > common


def test_a_store_of_schema_5_gains_screening_keys(tmp_path, cli):
    from test_schema import lists_as_schema_6

    db = tmp_path / "v5.db"
    cli("--db", str(db), "add", "event", "--date", "2021-07-15", "--authority", "OFAC", "--jurisdiction", "US",
        "--target", "DERIPASKA, Oleg Vladimirovich", "--target-kind", "person")  # fmt: skip
    conn = sqlite3.connect(db, isolation_level=None)
    for trigger in ("entity_names_ai", "entity_names_ad", "entity_names_au"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE entity_names_vocab")
    conn.execute("DROP TABLE entity_names_fts")
    conn.execute("ALTER TABLE entity_names DROP COLUMN match_keys")
    lists_as_schema_6(conn)  # and schema 7: listings back to a copy per snapshot
    conn.execute("DROP TABLE sanction_states")  # and schema 8's states of the entities
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    result = cli.json("--db", str(db), "check", "Oleg Deripaska", "--as-of", "2021-08-01")
    assert matched(result) == [("DERIPASKA, Oleg Vladimirovich", "near")]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 6
    assert conn.execute("SELECT count(*) FROM entity_names WHERE match_keys = ''").fetchone()[0] == 0


def test_a_listing_hit_without_a_list_date_has_no_date_but_first_seen(cli):
    from pathlib import Path

    pair = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"
    cli("import", str(pair / "2024-04-04"), "--published", "2024-04-04")
    [hit] = [h for h in cli.json("search", "Stankovic", "--type", "listing")]
    assert hit["date"] is None and hit["first_seen"] == "2024-04-04"


# -- a batch screens as single checks do -----------------------------------------------------------

# Queries that reach the names of LISTED through different keys, some of them shared by several.
BATCH_QUERIES = ["Oleg Deripaska", "Alexei Zaitsev", "Oscar Hernandez", "Antonio Hernandez Torres",
                 "Eyad Alakhras", "Muhammad Ali", "Karoun Petrochem Co", "GPB OAO", "ZTE Corp",
                 "Hernandez", "Nobody Known Here", "Ahmed Ali", "Oleg Deripaska Vladimir"]  # fmt: skip


def test_the_batch_index_ranks_candidates_as_the_fts5_query_does(listed, tmp_path):
    """`ScreeningIndex` (a batch's index in memory, FTS5's bm25 computed in Python) gives the
    names the SQL query gives, in the same order, for every key set a query makes."""
    import os

    from sanctrack.screening import match_tokens, query_keys
    from sanctrack.store import Store

    store = Store.open(os.environ["SANCTRACK_DB"])
    index = store.search.screening_index()
    compared = 0
    for text in BATCH_QUERIES:
        keys = list(dict.fromkeys(k for strip in (False, True) for k in query_keys(match_tokens(text, strip))))
        for chosen in (keys, keys[:3], keys[::2]):
            for limit in (2, 5, 30):
                expected = store.search.screening_candidates(chosen, limit)
                assert index.candidates(chosen, limit) == expected, (text, chosen, limit)
                compared += bool(expected)
    assert compared > 50  # most key sets found names: the comparison is not of empty lists
    assert index.key_counts() == store.search.all_screening_key_counts()


def test_a_batch_answers_as_single_checks(listed):
    """From BATCH_MODE_NAMES names on, `check --file` reads the index whole and computes distances
    with rapidfuzz: every answer equals the single check's."""
    from sanctrack import screening
    from sanctrack.search import BATCH_MODE_NAMES

    queries = (BATCH_QUERIES * (BATCH_MODE_NAMES // len(BATCH_QUERIES) + 1))[:BATCH_MODE_NAMES]
    try:
        lines = listed("check", "--file", "-", "--as-of", "2021-08-01", "--json", "--threshold", "60",
                       input="\n".join(queries) + "\n").stdout.splitlines()  # fmt: skip
    finally:
        screening._distance = screening.edits  # the rest of the process computes as a single check
    batch = {}
    for line in lines:
        result = json.loads(line)
        batch[result["query"]] = {k: v for k, v in result.items() if k not in ("query", "line")}
    assert len(lines) == len(queries) and set(batch) == set(BATCH_QUERIES)
    for text in BATCH_QUERIES:
        single = json.loads(listed("check", text, "--as-of", "2021-08-01", "--threshold", "60", "--json",
                                   code=None).stdout)
        assert batch[text] == single, text
    assert any(r["matches"] for r in batch.values()) and any(r["closest"] for r in batch.values())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text("abcde", max_size=10), st.text("abcde", max_size=10), st.sampled_from([1, 2]))
def test_rapidfuzz_distance_of_a_batch_is_edits(a, b, limit):
    from sanctrack import screening

    screening.use_rapidfuzz()
    try:
        assert screening._distance(a, b, limit) == edits(a, b, limit)
    finally:
        screening._distance = screening.edits


@pytest.mark.parametrize("name", ["DERIPASKA, Oleg Vladimirovich", "KAROUN PETROCHEMICAL COMPANY",
                                  "GPB, OAO", "ООО Ромашка", "محمد علي", "Acme\u200bCorp S.A. de C.V.",
                                  "AL-AKHRAS, Eyad", "Integr\u0456ty Technology Group Co., Ltd."])
def test_index_keys_are_the_keys_of_both_forms_of_a_name(name):
    """index_keys reads a name's words once, without match_tokens's caches: its keys stay those of
    the name with and without its legal forms (a store's keys must not change)."""
    from sanctrack.screening import _word_keys, index_keys

    whole, stripped = match_tokens(name, False).words, match_tokens(name, True).words
    keys = _word_keys(whole) if whole == stripped else _word_keys(whole) + _word_keys(stripped)
    assert index_keys(name) == " ".join(dict.fromkeys(keys)) != ""


def test_index_keys_of_an_ascii_name_are_those_of_its_words_read_once_for_both_key_families():
    # names.ascii_forms reads an ASCII name once for normalize_name, person_key and index_keys;
    # each must still give what its own reading of the name gives.
    from sanctrack.names import ascii_forms, normalize_name, person_key, strip_legal_forms, words
    from sanctrack.screening import _spelled, canonical, index_keys

    for name in ("Joint Stock Company Rosneft Oil", "AL-AKHRAS, Abu Muhammad", "O'Neil Smith & Co. Ltd",
                 "Co.", "S. A. de C. V. Trading", "Banco Nacional de Cuba"):
        tokens, stripped = ascii_forms(name)
        assert list(tokens) == words(name) == list(_spelled.__wrapped__(name)[0])
        assert list(stripped) == strip_legal_forms(words(name), True)
        assert normalize_name(name) == " ".join(stripped)
        assert person_key(name) == " ".join(sorted(words(name)))
        keys = index_keys(name).split()
        for word in (*tokens, *stripped):
            assert "w" + canonical(word) in keys
    # The company's keys hold its name with and without the form.
    assert "wjoint" in index_keys("Joint Stock Company Rosneft Oil").split()
    assert normalize_name("Joint Stock Company Rosneft Oil") == "rosneft oil"


def test_transliterate_is_anyascii_for_every_code_point():
    """screening reads anyascii's tables itself (its import costs a lookup ~8 ms): the result must
    be anyascii's for every character, in words and alone, or a store's keys and a lookup's part."""
    from anyascii import anyascii

    from sanctrack.screening import _anyascii_data, transliterate

    assert _anyascii_data() is not None  # the tables are read from the folder, not through the import
    for start in range(0x80, 0x30000, 4096):
        text = "".join(chr(code) for code in range(start, start + 4096) if not 0xD800 <= code < 0xE000)
        assert transliterate(text) == anyascii(text), hex(start)
    for code in range(0xE0000, 0xE0080):
        assert transliterate(chr(code)) == anyascii(chr(code))
    assert transliterate("Якубец") == "Yakubets"
    assert transliterate("Ab\U0010fffdc") == anyascii("Ab\U0010fffdc")

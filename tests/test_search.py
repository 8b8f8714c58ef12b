"""search and check on real store files."""

from __future__ import annotations

import json

import pytest

from conftest import SEED, run_process, store_digest

OFAC = "ev-ed50c1d3506c"
UK = "ev-de2b667efa31"


@pytest.fixture
def seeded(cli):
    cli("import", str(SEED))
    return cli


def ids(hits):
    return [h["id"] for h in hits]


def test_alias_finds_the_entity_then_every_event_and_response_concerning_it(seeded):
    hits = seeded.json("search", "Yongxin Zhicheng")
    assert hits[0]["type"] == "entity"
    events = [h["id"] for h in hits if h["type"] == "event"]
    assert set(events) == {OFAC, UK}  # the UK named it only "Integrity Technology Group Incorporated"
    assert len([h for h in hits if h["type"] == "response"]) == 4
    for hit in hits:
        assert {"type", "id", "date", "title", "snippet"} <= set(hit)


def test_partial_name_by_prefix_case_and_accents_aside(seeded):
    assert {OFAC, UK} <= set(ids(seeded.json("search", "integrity tech")))
    assert {OFAC, UK} <= set(ids(seeded.json("search", "INTÉGRITY TECHN")))


def test_spokesperson_and_quote_words(seeded):
    by_speaker = seeded.json("search", "guo jiakun", "--type", "response")
    assert {h["id"] for h in by_speaker} == {"rs-17235e5ed9b0", "rs-d4650f3f927d"}
    by_quote = seeded.json("search", "stern representations")
    assert by_quote[0]["id"] == "rs-d4650f3f927d"


def test_exact_name_ranks_first(seeded):
    seeded("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US",
           "--target", "Integrity Technology Group Holdings Overseas")
    hits = seeded.json("search", "Integrity Technology Group")
    assert hits[0]["type"] == "entity" and hits[0]["title"] == "Integrity Technology Group"
    # then the 2 events and 4 responses concerning it, before the other company
    assert {h["id"] for h in hits[1:7]} >= {OFAC, UK}
    assert all("Holdings" not in h["title"] for h in hits[:7])
    assert any("Holdings" in h["title"] for h in hits[7:])


@pytest.mark.parametrize(
    "name, query",
    [
        ("Якубец Максим Викторович", "Якубец"),
        ("Якубец Максим Викторович", "максим"),
        ("奇安信科技集团股份有限公司", "奇安信"),
        ("奇安信科技集团股份有限公司", "科技集团"),
        ("شركة الأمان للتكنولوجيا", "الأمان"),
        ("شرکت فناوری اطلاعات پارس", "پارس"),
    ],
)
def test_names_in_other_scripts_are_found_by_a_part(cli, name, query):
    event = cli.json("add", "event", "--date", "2024", "--authority", "A", "--jurisdiction", "US",
                     "--target", name)
    assert event["id"] in ids(cli.json("search", query))


@pytest.mark.parametrize(
    "query",
    ['"', "'", "AND", "integrity AND", "NEAR(", "NEAR(a b", "*", "-x", "a:b", "(", ")", "x)",
     "events_fts:foo", "'; DROP TABLE events; --", "\x00", "a\x00b", "^", "{x}", "col:", '""""'],
)
def test_hostile_queries_never_crash(seeded, db, query):
    digest = store_digest(db)
    result = seeded("search", "--", query, code=None)
    assert result.exit_code in (0, 1, 2), result.stderr
    if result.exit_code == 2:
        assert "empty" in result.stderr
    assert "Traceback" not in result.stderr
    assert store_digest(db) == digest


def test_filters_and_exit_codes(seeded):
    gb = seeded.json("search", "integrity", "--jurisdiction", "UK")
    assert {h["id"] for h in gb if h["type"] == "event"} == {UK}
    assert all(h["type"] != "entity" for h in gb)
    first_half = seeded.json("search", "integrity", "--type", "event", "--since", "2025", "--until", "2025-06")
    assert ids(first_half) == [OFAC]
    def hit(h):  # `total` counts the hits of each query
        return {k: v for k, v in h.items() if k not in ("total", "total_exact")}

    assert [hit(h) for h in seeded.json("search", "integrity", "--stance", "denies")] == [
        hit(h) for h in seeded.json("search", "integrity", "--type", "response") if h["stance"] == "denies"]
    assert len(seeded.json("search", "integrity", "--limit", "2")) == 2
    seeded("search", "nothing-like-this", code=1)
    assert seeded("search", "nothing-like-this", "--json", code=1).stdout.strip() == "[]"
    assert "not one of" in seeded("search", "x", "--action", "nope", code=2).stderr
    assert "two-letter" in seeded("search", "x", "--jurisdiction", "XX9", code=2).stderr
    assert "empty" in seeded("search", "  ", code=2).stderr
    seeded("search", "x", "--since", "03/04/2025", code=2)


def test_check_before_on_and_after_designation(seeded):
    before = seeded.json("check", "Integrity Technology Group", "--as-of", "2025-01-02", code=1)
    assert before["sanctioned"] is False and before["matches"] == []
    seeded("check", "Integrity Technology Group", "--as-of", "2025-01-02", code=1)
    on = seeded.json("check", "Yongxin Zhicheng Technology Group", "--as-of", "2025-01-03")
    assert on["sanctioned"] is True
    [match] = on["matches"]
    assert (match["jurisdiction"], match["since"], match["event_id"]) == ("US", "2025-01-03", OFAC)
    assert match["matched_name"] == "Yongxin Zhicheng Technology Group"
    assert match["name"] == "Integrity Technology Group"
    later = seeded.json("check", "Integrity Technology Group, Inc.", "--as-of", "2026-01-01")
    assert {m["jurisdiction"] for m in later["matches"]} == {"US", "GB"}


def test_check_by_a_jurisdiction_that_used_another_name(seeded):
    # GB designated "Integrity Technology Group Incorporated"; the alias still answers for GB.
    result = seeded.json("check", "Yongxin Zhicheng Technology Group", "--jurisdiction", "UK",
                         "--as-of", "2025-12-09")
    assert result["sanctioned"] and result["matches"][0]["event_id"] == UK
    seeded("check", "Yongxin Zhicheng Technology Group", "--jurisdiction", "EU", code=1)


def test_a_delisting_ends_the_sanction_but_keeps_its_history(cli):
    cli("add", "event", "--date", "2020-03-01", "--authority", "OFAC", "--jurisdiction", "US",
        "--target", "Example Shipping Ltd", "--program", "IRAN")
    cli("add", "event", "--date", "2023-06", "--authority", "OFAC", "--jurisdiction", "US",
        "--action", "delisting", "--target", "Example Shipping Limited", "--program", "IRAN")
    assert cli.json("check", "Example Shipping", "--as-of", "2022-01-01")["sanctioned"] is True
    after = cli.json("check", "Example Shipping", "--as-of", "2023-06-15", code=1)
    assert after["sanctioned"] is False
    assert after["not_in_force"][0]["until"] == "2023-06"
    # the partial date counts from the first day of its period
    assert cli.json("check", "Example Shipping", "--as-of", "2023-06-01", code=1)["sanctioned"] is False


def test_check_screens_by_default_and_exact_keeps_to_equal_keys(cli):
    cli("add", "event", "--date", "2024-05-07", "--authority", "OFAC", "--jurisdiction", "US",
        "--target", "Dmitry Yuryevich Khoroshev", "--target-kind", "person")
    screened = cli.json("check", "Dmitriy Yureyvich Khoroshev", "--as-of", "2025-01-01")
    [match] = screened["matches"]
    assert match["match"] == "strong" and 95 <= match["score"] < 100 and match["near"] is True
    assert match["matched_name"] == "Dmitry Yuryevich Khoroshev" and screened["threshold"] == 85
    exact = cli.json("check", "Dmitriy Yureyvich Khoroshev", "--as-of", "2025-01-01", "--exact", code=1)
    assert exact["sanctioned"] is False and exact["threshold"] is None
    strict = cli.json("check", "Dmitriy Yureyvich Khoroshev", "--as-of", "2025-01-01", "--threshold", "99.5", code=1)
    assert strict["matches"] == [] and strict["closest"][0]["score"] == match["score"]
    text = cli("check", "Dmitriy Yureyvich Khoroshev", "--as-of", "2025-01-01", "--format", "plain").stderr
    assert text.startswith("SANCTIONED on 2025-01-01 (strong match 'Dmitry Yuryevich Khoroshev', score")
    same = cli.json("check", "KHOROSHEV, Dmitry Yuryevich", "--as-of", "2025-01-01")
    assert [(m["match"], m["score"]) for m in same["matches"]] == [("exact", 100.0)]
    # --fuzzy, from before screening was the default, is still accepted
    assert cli.json("check", "Dmitriy Yureyvich Khoroshev", "--as-of", "2025-01-01", "--fuzzy")["sanctioned"]


def test_check_unknown_name_exit_1_and_output_states_partial_dates(seeded):
    result = seeded("check", "Nobody At All", "--format", "plain", code=1)
    assert "nothing recorded" in result.stderr and "partial dates" in result.stderr and result.stdout == ""


@pytest.mark.slow
def test_search_and_check_as_processes(tmp_path):
    db = str(tmp_path / "s.db")
    assert run_process("--db", db, "import", str(SEED)).returncode == 0
    found = run_process("--db", db, "search", "yongxin", "--json")
    assert found.returncode == 0 and json.loads(found.stdout)[0]["type"] == "entity"
    assert run_process("--db", db, "search", "zzzz").returncode == 1
    assert run_process("--db", db, "check", "Integrity Technology Group").returncode == 0
    assert run_process("--db", db, "check", "Integrity Technology Group", "--as-of", "2024").returncode == 1

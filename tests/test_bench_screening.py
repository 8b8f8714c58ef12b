"""The screening benchmark of issue 14 (bench/screening/): its labelled set is what build_set.py
makes, its labels hold against the SDN data, and the evaluator scores answers as documented."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCREENING = REPO / "bench" / "screening"
SDN_2021 = REPO.parent / "shared" / "data" / "ofac_sdn_csv_full_2021"
SET_FILE = SCREENING / "sdn2021_set.jsonl"

sys.path[:0] = [str(SCREENING), str(REPO / "bench")]

import build_set  # noqa: E402
import evaluate  # noqa: E402
import sdn  # noqa: E402

needs_sdn = pytest.mark.skipif(not SDN_2021.is_dir(), reason="the shared data folder is not beside the clone")

LISTED_CLASSES = {"middle_dropped", "middle_added", "transliteration", "typo", "punctuation", "lookalike",
                  "original_script", "word_order", "case", "accents", "legal_form", "invisible", "acronym"}
UNLISTED_CLASSES = {"surname_other_given", "given_other_surname", "common_name", "company_word_swapped",
                    "generic_company"}


def committed_set() -> list[dict]:
    return [json.loads(line) for line in SET_FILE.read_text(encoding="utf-8").splitlines()]


def test_the_set_covers_every_class_with_enough_queries():
    records = committed_set()
    listed = [r for r in records if r["listed"]]
    unlisted = [r for r in records if not r["listed"]]
    assert len(listed) >= 400 and len(unlisted) >= 250
    per_class = {cls: sum(r["class"] == cls for r in listed) for cls in LISTED_CLASSES}
    assert min(per_class.values()) >= 30, per_class
    assert {r["class"] for r in unlisted} == UNLISTED_CLASSES
    assert all(r["ent_num"] for r in listed) and not any(r["ent_num"] for r in unlisted)
    assert len({r["query"] for r in records}) == len(records)
    assert {r["kind"] for r in listed} == {"person", "company", "vessel"}


@needs_sdn
@pytest.mark.slow
def test_the_committed_set_is_what_build_set_makes():
    parties = sdn.read_parties(str(SDN_2021))
    assert build_set.dumps(build_set.build(parties, 2021)) == SET_FILE.read_text(encoding="utf-8")


@needs_sdn
@pytest.mark.slow
def test_labels_hold_against_the_sdn_data():
    parties = sdn.read_parties(str(SDN_2021))
    by_ent = {p.ent_num: p for p in parties}
    index = sdn.ListedIndex(parties)
    for record in committed_set():
        if record["listed"]:
            party = by_ent[record["ent_num"]]
            assert record["source_name"] in party.names
            assert not index.others_named(record["query"], record["ent_num"]), record
        else:
            assert index.is_clear(record["query"]), record


@needs_sdn
def test_is_clear_refuses_listed_names_in_any_order_case_or_punctuation():
    parties = sdn.read_parties(str(SDN_2021))
    index = sdn.ListedIndex(parties)
    deripaska = next(p for p in parties if p.name == "DERIPASKA, Oleg Vladimirovich")
    assert not index.is_clear("oleg vladimirovich deripaska")
    assert not index.is_clear("Deripaska Oleg Vladimirovich")
    assert not index.is_clear("Oleg Deripaska")  # a listed name's words minus one: not "unlisted"
    assert not index.is_clear("Oleg Vladimirovich Deripaska Jr")  # a superset, likewise
    assert index.others_named("DERIPASKA, OLEG VLADIMIROVICH", deripaska.ent_num) == set()
    assert index.is_clear("Kevin Campbell")


def test_reverse_transliteration_tables():
    assert build_set.to_cyrillic("Deripaska", "ru") == "Дерипаска"
    assert build_set.to_cyrillic("Yevgeniy", "ru") == "Евгений"
    assert build_set.to_cyrillic("Alekseyevich", "ru") == "Алексеевич"
    assert build_set.to_cyrillic("Grigoryev", "ru") == "Григорьев"
    assert build_set.to_cyrillic("Mykola", "uk") == "Микола"
    assert build_set.cyrillic_name("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU NEOBIT", "ru") == "ООО Необит"
    assert build_set.arabic_name("Muhammad al-Sahaf") == "محمد السحف"
    assert build_set.arabic_name("'Abd al-Rahman") == "عبد الرحمن"


def test_smart_title_and_acronyms():
    assert build_set.smart_title("AL-AKHRAS, Safwan") == "Al-Akhras, Safwan"
    assert build_set.smart_title("SA'ID BIN ALI") == "Sa'id bin Ali"
    assert build_set.smart_title("BANCO NACIONAL DE CUBA S.A.", company=True) == "Banco Nacional de Cuba S.A."
    assert build_set.smart_title("ACME TRADING LLC", company=True) == "Acme Trading LLC"
    assert build_set.acronym_of("FSB", ["FEDERALNAYA SLUZHBA BEZOPASNOSTI"])
    assert not build_set.acronym_of("FSB", ["FEDERAL SECURITY SERVICE"])
    assert build_set.acronym_of("RNKB OAO", ["ROSSISKI NATSIONALNY KOMMERCHESKI BANK OTKRYTOE AKTSIONERNOE OBSHCHESTVO"])
    assert not build_set.acronym_of("ZEST", ["CJSC ZEST"])
    assert not build_set.acronym_of("BANK MELLI", ["BANK MELLI IRAN"])


# -- the evaluator ---------------------------------------------------------------------------------


def answer(*matches, query="q"):
    return {"query": query, "sanctioned": bool(matches), "matches": list(matches)}


def match(list_id, score=None):
    found = {"listing": f"ofac-sdn/2021-07-15/{list_id}", "name": "X"}
    if score is not None:
        found["score"] = score
    return found


RECORDS = [
    {"query": "a", "class": "typo", "listed": True, "ent_num": "24283"},
    {"query": "b", "class": "typo", "listed": True, "ent_num": "100"},
    {"query": "c", "class": "case", "listed": True, "ent_num": "7"},
    {"query": "d", "class": "common_name", "listed": False, "ent_num": None},
    {"query": "e", "class": "common_name", "listed": False, "ent_num": None},
]
ANSWERS = [
    answer(match("24283", 91.5)),           # found, at 91.5
    answer(match("999", 97)),               # another listing: "any" but not found
    answer(match("7")),                     # no score: counts as 100
    answer(match("5", 72)),                 # a false alarm at 72
    {"query": "e", "error": "Error: boom", "exit": 3},
]


def test_list_id_is_the_last_part_of_the_listing():
    assert evaluate.list_id("ofac-sdn/2021-07-15/24283") == "24283"
    assert evaluate.list_id(None) is None


def test_summary_counts_hits_by_list_id_and_any_match_as_an_alarm():
    summary = evaluate.summarise(RECORDS, ANSWERS, None)
    assert summary["listed"]["typo"] == {"n": 2, "found": 1, "any": 2, "errors": 0,
                                         "recall": 0.5, "any_rate": 1.0}
    assert summary["listed"]["case"]["recall"] == 1.0
    assert summary["not_listed"]["common_name"]["false_alarm_rate"] == 0.5
    assert summary["not_listed"]["common_name"]["errors"] == 1
    assert summary["recall"] == pytest.approx(2 / 3)
    assert summary["false_alarm_rate"] == 0.5
    assert summary["errors"] == 1


def test_a_cutoff_keeps_only_matches_scored_at_or_above_it():
    at_92 = evaluate.summarise(RECORDS, ANSWERS, 92)
    assert at_92["listed"]["typo"]["found"] == 0 and at_92["listed"]["typo"]["any"] == 1
    assert at_92["listed"]["case"]["found"] == 1  # unscored exact match
    assert at_92["false_alarm_rate"] == 0.0
    at_70 = evaluate.summarise(RECORDS, ANSWERS, 70)
    assert at_70["recall"] == pytest.approx(2 / 3) and at_70["false_alarm_rate"] == 0.5


def test_batch_output_is_json_lines_or_an_array():
    lines = '{"query": "a", "matches": []}\n\n{"query": "b", "matches": []}\n'
    assert [a["query"] for a in evaluate.parse_batch_output(lines)] == ["a", "b"]
    assert [a["query"] for a in evaluate.parse_batch_output('[{"query": "a"}]')] == ["a"]


def test_shown_writes_invisible_characters_as_escapes():
    assert evaluate.shown("Ol\u200beg\u3164 De\u00adripaska\u2800") == "Ol\\u200beg\\u3164 De\\u00adripaska\\u2800"
    assert evaluate.shown("Олег Дерипаска") == "Олег Дерипаска"

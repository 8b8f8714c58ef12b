"""The facts of a listing that only its `raw` record holds: what a digest and a diff compare
beyond the listing's fields.

Readers map names, aliases, programs, countries, dates, identifiers, addresses and remarks to
fields; the rest of an entry stays in `raw` as the list wrote it, such as a vessel's flag, call
sign, type, tonnage and owner in OFAC's sdn.csv (`Vess_flag`…), the `vesselInfo` of its XML, or
an entry's own last-updated mark (UN `LAST_DAY_UPDATED`, UK `LastUpdated`, OpenSanctions
`last_change`). Without them, 29 vessels whose flag OFAC moved from Panama to Iran on 2023-04-27
counted as unchanged. The facts are the record's scalar values and those of its objects one level
down; lists are left to the fields (aliases, addresses, programs: the rows they came from).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

_WORDS = re.compile(r"\w+")


def raw_facts(raw: Mapping[str, Any] | None) -> dict[str, str]:
    """path -> value of each scalar fact of a raw record ("Vess_flag", "vesselInfo.vesselFlag"),
    casefolded with its spacing collapsed (a digest ignores letter case and spacing); empty
    strings and nulls left out. (Written out in one function: every entry of a first
    import pays it, ~5 us.)"""
    facts: dict[str, str] = {}
    if not raw:
        return facts
    for key, value in raw.items():
        cls = value.__class__
        if cls is str:
            folded = " ".join(value.split()).casefold()
            if folded:
                facts[key] = folded
        elif cls is dict:
            for inner, item in value.items():
                cls = item.__class__
                if cls is str:
                    folded = " ".join(item.split()).casefold()
                    if folded:
                        facts[f"{key}.{inner}"] = folded
                elif cls is not list and cls is not dict and item is not None:
                    facts[f"{key}.{inner}"] = str(item).casefold()
        elif cls is not list and value is not None:
            facts[key] = str(value).casefold()  # a number or a boolean
    return facts


def fact_changes(left: Mapping, right: Mapping, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The raw facts that differ between two versions of a listing (`{field: "raw", key, left,
    right}`), less those a field of the listing already says: a fact whose words are those of one
    of `fields` on both sides (`SDN_Name` and `name`, `Program` and `programs`)."""
    left_facts, right_facts = raw_facts(left.get("raw")), raw_facts(right.get("raw"))
    left_words = [_words(left.get(field)) for field in fields]
    right_words = [_words(right.get(field)) for field in fields]
    changes = []
    for key in sorted(left_facts.keys() | right_facts.keys()):
        a, b = left_facts.get(key, ""), right_facts.get(key, "")
        if a == b:
            continue
        a_words, b_words = _words(a), _words(b)
        if any(a_words == lw and b_words == rw for lw, rw in zip(left_words, right_words)):
            continue
        changes.append({"field": "raw", "key": key,
                        "left": _original(left.get("raw"), key), "right": _original(right.get("raw"), key)})  # fmt: skip
    return changes


def _words(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if value.__class__ is list:
        return frozenset(word for item in value for word in _WORDS.findall(str(item).casefold()))
    return frozenset(_WORDS.findall(str(value).casefold()))


def _original(raw: Mapping[str, Any] | None, key: str) -> Any:
    """A fact as the record holds it (not folded)."""
    if not raw:
        return None
    outer, _, inner = key.partition(".")
    value = raw.get(outer) if outer in raw else raw.get(key)
    if inner and value.__class__ is dict and outer in raw:
        return value.get(inner)
    return value


def change_label(change: Mapping[str, Any]) -> str:
    """What a change of a listing is named by in text: its field, or the raw key of a fact."""
    return change["key"] if change["field"] == "raw" else change["field"]

"""The facts of a listing that only its `raw` record holds: what a digest and a diff compare
beyond the listing's fields.

Readers map names, aliases, programs, countries, dates, identifiers, addresses and remarks to
fields; the rest of an entry stays in `raw` as the list wrote it, such as a vessel's flag, call
sign, type, tonnage and owner in OFAC's sdn.csv (`Vess_flag`…), the `vesselInfo` of its XML,
the `features` of its advanced XML (`features[Vessel Flag]`), a UK ship's
`ShipDetails.Ship.CurrentBelievedFlagOfShips.CurrentBelievedFlagOfShip`, or an entry's own
last-updated mark (UN `LAST_DAY_UPDATED`, UK `LastUpdated`, OpenSanctions `last_change`).
Without them, 29 vessels whose flag OFAC moved from Panama to Iran on 2023-04-27 counted as
unchanged.

The facts are the record's values at any depth of its objects, each by its path. A list of
values is one fact (each value once, sorted: order and repeats are no change). A list of typed
objects (`{"type": "Vessel Flag", "value": "Cuba"}`) gives a fact per type and key. A list of
other objects (rows of aliases, addresses, documents, places of birth) is one fact, its rows in
sorted order: what the fields do not say of them (an alias's type, an address's remarks, a UN
entry's second place of birth) is compared too, and a diff names it when no field does.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

_WORDS = re.compile(r"\w+")
_JOIN = " | "  # between the values of one fact drawn from a list


def raw_facts(raw: Mapping[str, Any] | None, originals: dict | None = None) -> dict[str, str]:
    """path -> value of each fact of a raw record ("Vess_flag", "vesselInfo.vesselFlag",
    "features[Vessel Flag]"), casefolded with its spacing collapsed (a digest ignores letter
    case and spacing); empty strings and nulls left out. With `originals`, each fact's value as
    the record holds it is put there by the same path (a list's, as a list)."""
    facts: dict[str, str] = {}
    if raw:
        _walk(raw, "", facts, originals)
    return facts


def _walk(mapping: Mapping, prefix: str, facts: dict, originals: dict | None) -> None:
    # Written out, not one helper per value: every entry of a first import pays it (~5 us).
    # Nulls first: most of a record's values (an sdn.csv row's vessel columns), 8 ms of the SDN's.
    for key, value in mapping.items():
        if value is None:
            continue
        cls = value.__class__
        if cls is str:
            folded = " ".join(value.split()).casefold()
            if not folded:
                continue
        elif cls is dict:
            _walk(value, f"{prefix}{key}.", facts, originals)
            continue
        elif cls is list:
            if value:
                _list(value, prefix + key, facts, originals)
            continue
        else:
            folded = str(value).casefold()  # a number or a boolean
        facts[prefix + key] = folded
        if originals is not None:
            originals[prefix + key] = value


def _list(items: list, path: str, facts: dict, originals: dict | None) -> None:
    values = []
    for item in items:
        cls = item.__class__
        if cls is str:
            folded = " ".join(item.split()).casefold()
            if folded:
                values.append(folded)
        elif cls is dict:
            if item.get("type").__class__ is str:
                _typed(items, path, facts, originals)
                return
            # Rows (aliases, addresses, documents: most of what they say, fields say): one fact,
            # each row by its repr (~1.4 us a row, in C), folded, in sorted order. "\0" parts
            # them: a repr escapes it, and every space but " " (a tab, a newline…), so spacing
            # is folded only where two spaces meet.
            text = "\0".join(map(repr, items)).casefold()
            if "  " in text:
                text = " ".join(text.split())
            facts[path] = text if len(items) == 1 else _JOIN.join(sorted(set(text.split("\0"))))
            if originals is not None:
                originals[path] = items
            return
        elif cls is not list and item is not None:
            values.append(str(item).casefold())
    if values:
        facts[path] = _JOIN.join(sorted(set(values)))
        if originals is not None:
            originals[path] = items


def _typed(items: list, path: str, facts: dict, originals: dict | None) -> None:
    """The facts of a list of typed objects, by type: `features[Vessel Flag]` of a
    `{"type", "value"}` object, `measures[Block].comment` of others; the values of objects of one
    type joined in sorted order."""
    found: dict[str, list[str]] = {}
    kept: dict[str, list] = {}
    for item in items:
        if item.__class__ is not dict or item.get("type").__class__ is not str:
            continue
        kind = item["type"]
        if item.keys() == {"type", "value"}:
            rest, prefix = {f"{path}[{kind}]": item["value"]}, ""
        else:
            rest, prefix = {k: v for k, v in item.items() if k != "type"}, f"{path}[{kind}]."
        one: dict[str, str] = {}
        one_kept: dict | None = {} if originals is not None else None
        _walk(rest, prefix, one, one_kept)
        for key, value in one.items():
            found.setdefault(key, []).append(value)
            if one_kept is not None:
                kept.setdefault(key, []).append(one_kept[key])
    for key, values in found.items():
        facts[key] = _JOIN.join(sorted(set(values)))
        if originals is not None:
            originals[key] = kept[key][0] if len(kept[key]) == 1 else kept[key]


def fact_changes(left: Mapping, right: Mapping, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The raw facts that differ between two versions of a listing (`{field: "raw", key, left,
    right}`), less those the listing's fields already say:
    - a fact whose words are those of one of `fields` on both sides (`SDN_Name` and `name`,
      `Program` and `programs`);
    - a fact drawn from a list of values whose changed words are all among the fields' changed
      words (OpenSanctions' `properties.alias` beside `aliases`);
    - a fact drawn from rows (sdn.csv's `alt` rows beside `aliases`), unless nothing else differs
      (an alias's type, aka to fka): a row holds its number and its field together, so its change
      is named only when it is the only one.
    A single value (a flag) is always said."""
    left_kept: dict = {}
    right_kept: dict = {}
    left_facts = raw_facts(left.get("raw"), left_kept)
    right_facts = raw_facts(right.get("raw"), right_kept)
    left_words = [_words(left.get(field)) for field in fields]
    right_words = [_words(right.get(field)) for field in fields]
    moved_in_fields = set().union(*(a ^ b for a, b in zip(left_words, right_words)))
    changes, of_rows = [], []
    for key in sorted(left_facts.keys() | right_facts.keys()):
        a, b = left_facts.get(key, ""), right_facts.get(key, "")
        if a == b:
            continue
        a_words, b_words = _words(a), _words(b)
        if any(a_words == lw and b_words == rw for lw, rw in zip(left_words, right_words)):
            continue
        before, after = left_kept.get(key), right_kept.get(key)
        change = {"field": "raw", "key": key, "left": before, "right": after}
        if before.__class__ is list or after.__class__ is list:
            change.update(_moved(before, after))
        if _rows(before) or _rows(after):
            of_rows.append(change)
            continue
        moved = a_words ^ b_words
        if (before.__class__ is list or after.__class__ is list) and moved and moved <= moved_in_fields:
            continue
        changes.append(change)
    if of_rows and not changes and not any(a != b for a, b in zip(left_words, right_words)):
        return of_rows
    return changes


def added_and_removed(before: list, after: list, fold: Callable[[Any], str]) -> tuple[list, list]:
    """The items of `after` whose fold `before` lacks, and those of `before` that `after` lacks
    (both empty: the same items, in any order, letter case or number of times)."""
    folded_before, folded_after = [fold(item) for item in before], [fold(item) for item in after]
    set_before, set_after = set(folded_before), set(folded_after)
    return ([item for item, f in zip(after, folded_after) if f not in set_before],
            [item for item, f in zip(before, folded_before) if f not in set_after])  # fmt: skip


def _moved(before: Any, after: Any) -> dict[str, list]:
    """`added` and `removed` of a fact drawn from a list: its items (rows, values) on one side
    only, compared as the digest compares them (folded)."""
    a = before if before.__class__ is list else [] if before is None else [before]
    b = after if after.__class__ is list else [] if after is None else [after]
    added, removed = added_and_removed(a, b, _folded)
    return {"added": added, "removed": removed}


def _folded(item: Any) -> str:
    return " ".join((item if item.__class__ is str else repr(item)).split()).casefold()


def _rows(value: Any) -> bool:
    return value.__class__ is list and any(item.__class__ is dict for item in value)


def _words(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if value.__class__ is list:
        return frozenset(word for item in value for word in _WORDS.findall(str(item).casefold()))
    return frozenset(_WORDS.findall(str(value).casefold()))


def change_label(change: Mapping[str, Any]) -> str:
    """What a change of a listing is named by in text: its field, or the raw key of a fact."""
    return change["key"] if change["field"] == "raw" else change["field"]

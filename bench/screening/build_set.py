"""Build the labelled screening set of issue 14 from the July 2021 OFAC SDN CSV set.

    python bench/screening/build_set.py [--sdn DIR] [--seed 2021] [--out FILE] [--check]

Writes JSON lines {"query", "class", "listed", "ent_num", "source_name", "kind"}: variants of listed
names (primary names and aliases, persons, companies and a few vessels), one class of variation
each, and real-looking names that are on the list under no name or alias. Deterministic for a seed
(one random.Random, no set iteration, no clock). `--check` rebuilds and compares with --out.

The set knows nothing of sanctrack's matcher: the variations are those a user produces (see
README.md), not those a given implementation finds hard or easy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tables as T  # noqa: E402
from sdn import DEFAULT_SDN, HERE, ListedIndex, Party, read_parties, skeleton, tokens  # noqa: E402

OUT = os.path.join(HERE, "sdn2021_set.jsonl")

# Listed classes and their quota per kind of party.
LISTED = {
    "middle_dropped": {"person": 46},
    "middle_added": {"person": 46},
    "transliteration": {"person": 38, "company": 8},
    "typo": {"person": 24, "company": 18, "vessel": 4},
    "punctuation": {"person": 24, "company": 20, "vessel": 2},
    "lookalike": {"person": 22, "company": 20, "vessel": 4},
    "original_script": {"person": 40, "company": 6},
    "word_order": {"person": 34, "company": 12},
    "case": {"person": 22, "company": 20, "vessel": 4},
    "accents": {"person": 34, "company": 12},
    "legal_form": {"company": 46},
    "invisible": {"person": 22, "company": 20, "vessel": 4},
    "acronym": {"company": 46},
}
NOT_LISTED = {
    "surname_other_given": 75,
    "given_other_surname": 70,
    "common_name": 70,
    "company_word_swapped": 70,
    "generic_company": 65,
}

PARTICLES = {"AL", "EL", "BIN", "BEN", "IBN", "BINT", "ABU", "ABD", "UMM", "DE", "DEL", "LA", "LOS", "LAS",
             "Y", "VAN", "VON", "DER", "DA", "DOS", "DI"}
_SMALL = {"de", "del", "la", "las", "los", "y", "van", "von", "der", "da", "dos", "di", "of", "and",
          "the", "for", "bin", "ibn", "bint", "e", "en", "et", "du", "des", "le"}
_KEEP_FORMS = {"llc": "LLC", "ooo": "OOO", "oao": "OAO", "zao": "ZAO", "pao": "PAO", "ao": "AO",
               "jsc": "JSC", "ojsc": "OJSC", "cjsc": "CJSC", "pjsc": "PJSC", "fze": "FZE",
               "fzco": "FZCO", "sal": "SAL", "plc": "PLC", "llp": "LLP", "gmbh": "GmbH",
               "eood": "EOOD", "ood": "OOD", "sas": "SAS", "srl": "SRL", "sa": "SA", "cv": "CV",
               "sl": "SL", "ltd": "Ltd", "ltda": "Ltda", "co": "Co", "inc": "Inc", "corp": "Corp",
               "bv": "BV", "nv": "NV", "ag": "AG", "pte": "Pte", "scs": "SCS", "uk": "UK",
               "usa": "USA", "uae": "UAE", "dprk": "DPRK", "hk": "HK", "fz": "FZ"}
_VOWELS = set("aeiouyAEIOUY")


# -- rendering ---------------------------------------------------------------------------------------


def smart_title(text: str, company: bool = False) -> str:
    """Title case as a person types it: Al-Akhras, Sa'id, O'Neil, Banco de Cuba, FSB; legal forms of
    a company as written (Acme LLC, Acme GmbH, Acme SA)."""
    out = []
    last = 0
    for match in re.finditer(r"[^\W\d_]+", text):
        word, start = match.group(0), match.start()
        lower = word.lower()
        after_apostrophe = re.search(r"([^\W\d_]+)['`\u2019]$", text[:start])
        if company and lower in _KEEP_FORMS and not (start > 0 and text[start - 1] in "'`\u2019-") \
                and text[match.end():match.end() + 1] not in ("'", "`", "\u2019"):
            new = _KEEP_FORMS[lower]
        elif after_apostrophe and len(after_apostrophe.group(1)) >= 2:
            new = lower  # Sa'id, Isma'il (but O'Neil, D'Souza)
        elif word.isupper() and 2 <= len(word) <= 5 and not set(word) & _VOWELS:
            new = word  # an acronym: FSB, PKK
        elif lower in _SMALL and last > 0:
            new = lower
        else:
            new = word[:1].upper() + word[1:].lower()
        out.append(text[last:start])
        out.append(new)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def split_person(name: str) -> tuple[str, str] | None:
    """(surname, given names) of an OFAC individual written `SURNAME, Given Names`."""
    if "," not in name:
        return None
    surname, given = (part.strip() for part in name.split(",", 1))
    if not surname or not given:
        return None
    return surname, given


def person_text(surname: str, given: str, order: str, case: str) -> str:
    text = f"{given} {surname}" if order == "natural" else f"{surname}, {given}"
    return smart_title(text) if case == "title" else text


def render_person(surname: str, given: str, rng: random.Random) -> str:
    """A person's name as users type it: mostly `Given Surname` in title case; also as listed."""
    order, case = rng.choices(
        [("natural", "title"), ("listed", "as_is"), ("natural", "as_is"), ("listed", "title")],
        weights=[55, 25, 10, 10])[0]
    return person_text(surname, given, order, case)


def render_company(name: str, rng: random.Random) -> str:
    return smart_title(name, company=True) if rng.random() < 0.55 else name


def render(party_kind: str, name: str, rng: random.Random) -> str:
    if party_kind == "person":
        parts = split_person(name)
        if parts:
            return render_person(*parts, rng)
        return smart_title(name) if rng.random() < 0.55 else name
    return render_company(name, rng)


def culture(party: Party) -> str:
    for country in party.countries:
        if country in T.CULTURE_BY_COUNTRY:
            return T.CULTURE_BY_COUNTRY[country]
    surname = (split_person(party.name) or (party.name, ""))[0]
    if re.match(r"(AL|EL)[- ]", surname):
        return "arabic"
    return "english"


ARAB_COUNTRIES = {c for c, k in T.CULTURE_BY_COUNTRY.items() if k == "arabic"} - {
    "Pakistan", "Afghanistan", "Somalia", "Mali", "Niger"}
ENGLISH_WORDS = {"STATE", "FEDERAL", "INSTITUTION", "INSTITUTE", "MANAGEMENT", "OF", "SERVICES",
                 "LTD", "LIMITED", "COMPANY", "ROADS", "SAINT", "PETERSBURG", "GAZ", "TECHNOLOGIES",
                 "SYSTEMS", "SECURITY", "RESEARCH", "DESIGN", "BUREAU", "CENTER", "PLANT", "UNITARY",
                 "ENTERPRISE", "SCIENTIFIC", "PRODUCTION", "ASSOCIATION", "RUSSIAN", "JOINT", "STOCK",
                 "OPEN", "CLOSED", "PUBLIC", "CORPORATION", "HOLDING", "FINANCE", "CAPITAL"}
# Cultures whose names OFAC transliterates from another script.
TRANSLITERATED = ("russian", "arabic", "persian", "chinese", "korean")
# Countries whose names are written with accents.
ACCENTED_COUNTRIES = {"Spain", "Portugal", "Brazil", "France", "Germany", "Turkey", "Italy", "Belgium",
                      "Switzerland", "Austria", "Haiti", "Senegal", "Cote d'Ivoire"}


class CountryNames:
    """Given names and surnames of the listed persons of each country: where the tables have no
    culture for a person, other names are drawn from their compatriots on the list."""

    def __init__(self, parties: list[Party]):
        self.given: dict[str, list[str]] = {}
        self.surnames: dict[str, list[str]] = {}
        for party in parties:
            parts = split_person(party.name) if party.kind == "person" else None
            if not parts or not party.countries:
                continue
            first = parts[1].split()[0]
            if re.fullmatch(r"[A-Za-z]{3,}", first):
                self.given.setdefault(party.countries[0], []).append(first)
            if re.fullmatch(r"[A-Z]{3,}", parts[0]):
                self.surnames.setdefault(party.countries[0], []).append(parts[0])

    def pools(self, party: Party) -> tuple[list[str], list[str]]:
        country = party.countries[0] if party.countries else None
        given = sorted(set(self.given.get(country, [])))
        surnames = sorted(set(self.surnames.get(country, [])))
        return (given if len(given) >= 5 else []), (surnames if len(surnames) >= 5 else [])


COUNTRY_NAMES: CountryNames | None = None


def slavic_script(party: Party, name: str) -> str | None:
    """Which Cyrillic table fits a name of a party tied to Russia, Ukraine or Belarus (a person's
    nationality, citizenship or place of birth; a company's addresses): Ukrainian or Belarusian
    where the name is romanised so (Mykola, -ovych; Alyaksandr, Uladzimir), else Russian, the
    romanisation OFAC uses for most of them."""
    countries = set(party.origin if party.kind == "person" else party.countries)
    if not countries & {"Ukraine", "Russia", "USSR", "Crimea", "Belarus"}:
        return None
    upper = name.upper()
    if re.search(r"YCH\b|\bMYK|OLEKS|VOLODYM|HRYH(?!ORYA)|\bSERHI", upper):
        return "uk"
    if re.search(r"ALYAKS|ALIAKS|ULADZ|HRYHORYA|DZMI|AVICH\b|AUNA\b|\bSIARH|\bZMITS", upper):
        return "be"
    return "ru"


def is_female(party: Party, given: str) -> bool:
    if party.female:
        return True
    first = given.split()[0].upper() if given.split() else ""
    female_lists = [n.upper() for _, (_, female, _) in T.NAMES.items() for n in female]
    return first in female_lists or (culture(party) == "russian" and first.endswith(("A", "YA")))


# -- listed variants ---------------------------------------------------------------------------------


def gen_middle_dropped(party, name, rng):
    parts = split_person(name)
    if not parts:
        return None
    surname, given = parts
    words = given.split()
    droppable = [i for i in range(1, len(words))
                 if words[i].upper().strip(".") not in PARTICLES and len(words[i].strip(".")) >= 2
                 and re.fullmatch(r"[A-Za-z'-]+", words[i])]
    if not droppable:
        return None
    i = rng.choice(droppable)
    drop = {i}
    if words[i - 1].upper() in PARTICLES and i - 1 >= 1:
        drop.add(i - 1)
    kept = [w for j, w in enumerate(words) if j not in drop]
    return render_person(surname, " ".join(kept), rng)


def person_parts(party: Party, name: str) -> tuple[str, str, str, bool] | None:
    """(surname, given names, culture, female?) of a person's listed name, or None."""
    parts = split_person(name)
    if not parts:
        return None
    surname, given = parts
    return surname, given, culture(party), is_female(party, given)


def gen_middle_added(party, name, rng):
    parts = person_parts(party, name)
    if not parts:
        return None
    surname, given, kind, female = parts
    words = given.split()
    if len(words) != 1 or not re.fullmatch(r"[A-Za-z'-]+", words[0]):
        return None
    if kind == "russian":
        added = rng.choice(T.PATRONYMICS)[1 if female else 0]
    elif kind in ("chinese", "korean"):
        return None
    elif kind == "spanish":
        added = rng.choice(T.MIDDLE_NAMES["spanish_f" if female else "spanish"])
    elif kind in ("arabic", "persian"):
        added = rng.choice(T.MIDDLE_NAMES[kind])
    elif party.countries and party.countries[0] in ("United States", "United Kingdom", "Canada",
                                                   "Australia", "Ireland", "New Zealand"):
        added = rng.choice(T.MIDDLE_NAMES["english_f" if female else "english"])
    else:
        # No table for this culture: a compatriot's given name, or an initial.
        given_pool = COUNTRY_NAMES.pools(party)[0] if COUNTRY_NAMES and not female else []
        if given_pool and rng.random() < 0.6:
            added = smart_title(rng.choice(given_pool))
        else:
            added = rng.choice("ABDEFHIJKLMNRST") + "."
    if {skeleton(w) for w in added.split()} & {skeleton(w) for w in tokens(name)}:
        return None
    return render_person(surname, f"{words[0]} {added}", rng)


def _replace_word(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _spelling_changes(name: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of every spelling variant the tables offer in an upper-case name."""
    changes: list[tuple[int, int, str]] = []
    upper = name.upper()
    for match in re.finditer(r"[A-Z']+(?:-[A-Z']+)?", upper):
        word = match.group(0)
        for group in T.SPELLING_GROUPS:
            if word in group:
                for other in group:
                    if other != word:
                        changes.append((match.start(), match.end(), other))
                break
    if changes:
        return changes
    for rules in (T.SPELLING_RULES, T.SPELLING_RULES_WEAK):
        for pattern, repl in rules:
            for match in re.finditer(pattern, upper):
                new = match.expand(repl)
                if new != match.group(0):
                    changes.append((match.start(), match.end(), new))
        if changes:
            return changes
    return changes


def _apply_case(original: str, changed_upper: str) -> str:
    """A changed upper-case name back in the case of the original (word by word)."""
    if original.isupper() or not any(c.isalpha() for c in original):
        return changed_upper
    return smart_title(changed_upper)


def gen_transliteration(party, name, rng):
    if culture(party) not in TRANSLITERATED:
        return None  # a Latin-script name has one spelling, its owner's
    parts = split_person(name) if party.kind == "person" else None
    target_fields = [parts[0], parts[1]] if parts else [name]
    text = " | ".join(target_fields).upper()
    changes = _spelling_changes(text)
    if not changes:
        return None
    rng.shuffle(changes)
    chosen = [changes[0]]
    if rng.random() < 0.35:
        for change in changes[1:]:
            if change[1] <= chosen[0][0] or change[0] >= chosen[0][1]:
                chosen.append(change)
                break
    for start, end, new in sorted(chosen, reverse=True):
        text = _replace_word(text, start, end, new)
    if parts:
        surname, given = text.split(" | ")
        given = given if parts[1].isupper() else smart_title(given)
        return render_person(surname, given, rng)
    return render_company(text, rng)


def gen_typo(party, name, rng):
    text = render(party.kind, name, rng)
    words = [m for m in re.finditer(r"[A-Za-z]+", text) if len(m.group(0)) >= 4]
    if not words:
        return None
    match = rng.choice(words)
    word = match.group(0)
    op = rng.choice(["substitute", "delete", "insert", "transpose"])
    pos = rng.randrange(1, len(word))  # never the first letter of the word
    ch = word[pos]
    neighbours = T.KEY_NEIGHBOURS.get(ch.lower(), "e")
    typed = rng.choice(neighbours)
    typed = typed.upper() if ch.isupper() else typed
    if op == "substitute":
        new = word[:pos] + typed + word[pos + 1:]
    elif op == "delete":
        new = word[:pos] + word[pos + 1:]
    elif op == "insert":
        new = word[:pos] + (typed if rng.random() < 0.6 else ch) + word[pos:]
    else:
        if pos + 1 >= len(word) or word[pos].lower() == word[pos + 1].lower():
            pos = pos - 1 if pos > 1 and word[pos - 1].lower() != word[pos].lower() else None
            if pos is None:
                return None
        new = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    if new.lower() == word.lower():
        return None
    return _replace_word(text, match.start(), match.end(), new)


_PUNCT_OPS: list[tuple[str, Callable[[re.Match], str] | str]] = [
    (r"\b(AL|EL)-(?=[A-Z])", lambda m: m.group(1)),                 # AL-AKHRAS -> ALAKHRAS
    (r"\b(AL|EL)-(?=[A-Z])", lambda m: m.group(1) + " "),           # AL-AKHRAS -> AL AKHRAS
    (r"\b(AL|EL) (?=[A-Z]{3})", lambda m: m.group(1) + "-"),        # AL AKHRAS -> AL-AKHRAS
    (r"\b(AL|EL) (?=[A-Z]{3})", lambda m: m.group(1)),              # AL AKHRAS -> ALAKHRAS
    (r"\bBIN\b", "IBN"), (r"\bIBN\b", "BIN"),
    (r"\bABD AL-(?=[A-Z])", "ABDAL"), (r"\bABD AL-(?=[A-Z])", "ABD AL "),
    (r"\bABU (?=[A-Z]{3})", "ABU-"), (r"\bABU (?=[A-Z]{3})", "ABU"),
    (r"(?<=[A-Z]{2})-(?=[A-Z]{2})", ""), (r"(?<=[A-Z]{2})-(?=[A-Z]{2})", " "),
    (r"(?<=[A-Z])'(?=[A-Z])", ""), (r"^'(?=[A-Z])|(?<= )'(?=[A-Z])", ""), (r"(?<=[A-Z])'(?=[A-Z])", "`"),
    (r"\.", ""), (r",", ""), (r" & ", " AND "), (r" AND ", " & "), (r"(?<=[A-Z])\.(?=[A-Z])", ". "),
]


def _punctuate(text: str, rng: random.Random) -> str | None:
    """One or two punctuation or particle changes to an upper-case name (None: none applies)."""
    applicable = []
    for pattern, repl in _PUNCT_OPS:
        if re.search(pattern, text):
            applicable.append((pattern, repl))
    if not applicable:
        return None
    rng.shuffle(applicable)
    changed = text
    for pattern, repl in applicable[: rng.choice([1, 1, 2])]:
        matches = list(re.finditer(pattern, changed))
        if not matches:
            continue
        if pattern in (r"\.", r","):
            changed = re.sub(pattern, repl, changed)  # every dot or comma goes
        else:
            match = rng.choice(matches)
            new = repl(match) if callable(repl) else match.expand(repl)
            changed = changed[:match.start()] + new + changed[match.end():]
    changed = re.sub(r" {2,}", " ", changed).strip(" ,")
    return changed if changed != text else None


def gen_punctuation(party, name, rng):
    parts = split_person(name) if party.kind == "person" else None
    if party.kind == "person" and not parts:
        return None
    if parts:
        surname, given = parts
        joined = f"{surname.upper()} | {given.upper()}"
        changed = _punctuate(joined, rng)
        if changed is None or " | " not in changed:
            return None
        new_surname, new_given = changed.split(" | ")
        # The person's name in a natural order: the listed comma is not the punctuation changed.
        text = f"{new_given} {new_surname}"
        return smart_title(text) if rng.random() < 0.7 else f"{_apply_case(given, new_given)} {new_surname}"
    changed = _punctuate(name.upper(), rng)
    if changed is None:
        return None
    return render_company(changed, rng)


def gen_lookalike(party, name, rng):
    text = render(party.kind, name, rng)
    spots = [i for i, ch in enumerate(text) if ch in T.HOMOGLYPHS]
    if not spots:
        return None
    count = min(len(spots), rng.choice([1, 1, 1, 2, 3]))
    chars = list(text)
    for i in rng.sample(spots, count):
        chars[i] = T.HOMOGLYPHS[chars[i]]
    return "".join(chars)


# -- the original scripts ------------------------------------------------------------------------------

_CYR_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")


def to_cyrillic(word: str, script: str) -> str:
    """One Latin word (as OFAC romanises Russian, Ukrainian or Belarusian) in Cyrillic."""
    table = {"ru": T.CYRILLIC_RU, "uk": T.CYRILLIC_UK, "be": T.CYRILLIC_BE}[script]
    low = word.lower()
    out = ""
    i = 0
    while i < len(low):
        rest = low[i:]
        prev = out[-1] if out else ""
        if rest.startswith("ye") and script == "ru":
            out += "ье" if prev and prev not in _CYR_VOWELS and prev not in "ьъ" else "е"
            i += 2
            continue
        if rest[0] == "y" and not rest.startswith(("ya", "yu", "yo", "ye", "yi")):
            if prev in _CYR_VOWELS:
                out += "й"
            elif script == "uk":
                out += "и"
            else:
                out += "ы"
            i += 1
            continue
        if rest[0] == "u" and script == "be" and prev in _CYR_VOWELS and i > 0:
            out += "ў"
            i += 1
            continue
        for latin, cyr in table:
            if rest.startswith(latin):
                out += cyr
                i += len(latin)
                break
        else:
            out += rest[0] if not rest[0].isalpha() else ""
            i += 1
    if script == "uk":
        out = re.sub(r"іи$", "ій", out)
    else:
        out = re.sub(r"(?<=[аеоуы])и$", "й", out)  # Nikolai, Aleksei
    return out[:1].upper() + out[1:]


_RU_FORMS = [
    (r"\bOBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU\b|\bLIMITED LIABILITY COMPANY\b|\bLLC\b|\bOOO\b", "ООО"),
    (r"\bOTKRYTOE AKTSIONERNOE OBSHCHESTVO\b|\bOPEN JOINT STOCK COMPANY\b|\bOJSC\b|\bOAO\b", "ОАО"),
    (r"\bZAKRYTOE AKTSIONERNOE OBSHCHESTVO\b|\bCLOSED JOINT STOCK COMPANY\b|\bCJSC\b|\bZAO\b", "ЗАО"),
    (r"\bPUBLICHNOE AKTSIONERNOE OBSHCHESTVO\b|\bPUBLIC JOINT STOCK COMPANY\b|\bPJSC\b|\bPAO\b", "ПАО"),
    (r"\bAKTSIONERNOE OBSHCHESTVO\b|\bJOINT STOCK COMPANY\b|\bJSC\b|\bAO\b", "АО"),
]


def cyrillic_name(text: str, script: str) -> str:
    for pattern, form in _RU_FORMS:
        text = re.sub(pattern, form, text)
    words = []
    for word in re.split(r"[\s,]+", text):
        word = word.strip("'")  # quotes around a company's name; inside a word ' is the soft sign
        if not word:
            continue
        if re.fullmatch(r"[А-Я]+", word):
            words.append(word)
            continue
        pieces = re.split(r"([-.\"])", word)
        words.append("".join(to_cyrillic(p, script) if re.search(r"[A-Za-z]", p) else p
                             for p in pieces))
    return " ".join(w for w in words if w)


_SPELLINGS = {word: group for group in T.SPELLING_GROUPS for word in group}


def to_arabic(word: str) -> str:
    """One Latin word of an Arabic name in Arabic script (dictionary first, letters after)."""
    low = word.lower().strip(".")
    for prefix in ("al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "az-", "an-"):
        if low.startswith(prefix) and len(low) > len(prefix) + 1:
            return "ال" + to_arabic(low[len(prefix):]).removeprefix("ال")
    for prefix in ("abdul", "abdel", "abdal", "abdol"):
        if low.startswith(prefix) and len(low) > len(prefix) + 2:
            return "عبد ال" + to_arabic(low[len(prefix):]).removeprefix("ال")
    for spelling in (low, low.strip("'"), *_SPELLINGS.get(low.strip("'").upper(), ())):
        if spelling.lower() in T.ARABIC_WORDS:
            return T.ARABIC_WORDS[spelling.lower()]
    out = ""
    i = 0
    letters = low
    while i < len(letters):
        rest = letters[i:]
        ch = rest[0]
        if ch in "aeiou":
            if i == 0:
                out += {"a": "ا", "e": "إ", "i": "إ", "o": "أ", "u": "أ"}[ch]
                i += 2 if rest[:2] in ("aa", "ee", "ii", "oo", "uu") else 1
                continue
            if rest in ("ah", "eh"):
                out += "ة"
                break
            if i == len(letters) - 1:
                out += {"a": "ا", "e": "ه", "i": "ي", "o": "و", "u": "و"}[ch]
                i += 1
                continue
            two = rest[:2]
            mapped = dict(T.ARABIC_LETTERS).get(two)
            if two in ("ou", "oo", "ee", "aa", "ay", "aw", "iy", "uw"):
                out += mapped
                i += 2
                continue
            # Short vowels are not written; an i or u in the last syllable is taken as long
            # (Karim, Mahmud), elsewhere as short (Muhsin).
            last_syllable = not re.search(r"[aeiou]", letters[i + 1:])
            out += {"i": "ي", "u": "و", "o": "و"}.get(ch, "") if last_syllable else ""
            i += 1
            continue
        for latin, arabic in T.ARABIC_LETTERS:
            if rest.startswith(latin):
                if not (out and arabic == out[-1] and len(latin) == 1):  # shadda is not written
                    out += arabic
                i += len(latin)
                break
        else:
            i += 1
    return out


def arabic_name(text: str) -> str:
    words = []
    for word in re.sub(r"[,-]", " ", text).split():
        if word.lower() in ("al", "el"):
            words.append("ال")
            continue
        words.append(to_arabic(word))
    joined = " ".join(w for w in words if w)
    return re.sub(r"ال (?=\S)", "ال", joined)


def gen_original_script(party, name, rng):
    if party.kind == "person":
        parts = split_person(name)
        if not parts or not re.fullmatch(r"[A-Za-z' .-]+", name.replace(",", "")):
            return None
        surname, given = parts
        script = slavic_script(party, name)
        if script:
            sur, giv = cyrillic_name(surname, script), cyrillic_name(given, script)
            return f"{giv} {sur}" if rng.random() < 0.5 else f"{sur} {giv}"
        if set(party.origin) & ARAB_COUNTRIES:
            return arabic_name(f"{given} {surname}")
        return None
    # A Russian company whose name is Russian words (not English ones spelled out in Cyrillic).
    if party.kind == "company" and slavic_script(party, name) == "ru":
        words = re.findall(r"[A-Z]+", name.upper())
        has_form = re.search(r"\b(OOO|OAO|ZAO|PAO|AO|LLC|JSC|OJSC|CJSC|PJSC|OBSHCHESTVO)\b", name.upper())
        english = [w for w in words if w in T.GENERIC_WORDS or w in ENGLISH_WORDS]
        if not has_form or english or not re.fullmatch(r"[A-Z0-9 .,'\"-]+", name):
            return None
        return cyrillic_name(name, "ru")
    return None


def gen_word_order(party, name, rng):
    if party.kind == "person":
        parts = split_person(name)
        if not parts:
            return None
        surname, given = parts
        words = given.split() + surname.split()
        listed_order = surname.split() + given.split()
        if len(words) < 2:
            return None
        if len(words) == 2:
            text = " ".join(words)  # Given Surname: the only other order
        elif rng.random() < 0.6:
            text = " ".join(listed_order)  # surname first, as Russian, Chinese or Hungarian write
        else:
            options = []
            for _ in range(20):
                perm = words[:]
                rng.shuffle(perm)
                if perm != listed_order and perm != words:
                    options.append(perm)
            if not options:
                return None
            text = " ".join(options[0])
        return smart_title(text) if rng.random() < 0.6 else text
    # A company: a Russian-style legal form moved to the other end (OOO X <-> X, OOO), else two
    # neighbouring words of the name swapped (articles and legal forms stay where they are).
    upper = name.upper()
    front = re.match(r"(OOO|OAO|ZAO|PAO|AO|TOO|LLC|JSC|OJSC|CJSC|PJSC) (.+)$", upper)
    back = re.match(r"(.+?),? (OOO|OAO|ZAO|PAO|AO|TOO|LLC|JSC|OJSC|CJSC|PJSC)$", upper)
    if front:
        text = f"{front.group(2)} {front.group(1)}"
    elif back:
        text = f"{back.group(2)} {back.group(1)}"
    else:
        words = name.replace(",", "").split()
        movable = [i for i in range(len(words) - 1)
                   if all(re.fullmatch(r"[A-Z][A-Z'-]+", words[j]) and words[j] not in _FIXED_WORDS
                          for j in (i, i + 1))]
        if not movable:
            return None
        i = rng.choice(movable)
        words[i], words[i + 1] = words[i + 1], words[i]
        text = " ".join(words)
    return render_company(text, rng)


_FIXED_WORDS = {"LOS", "LAS", "LA", "EL", "DE", "DEL", "THE", "OF", "AND", "Y", "E", "FOR", "CO", "LTD",
                "LIMITED", "COMPANY", "INC", "CORP", "CORPORATION", "LLC", "GMBH", "SA", "LTDA", "SAS",
                "FZE", "PLC", "SAL", "SARL", "UND", "ET", "DU", "DES"}


def gen_case(party, name, rng):
    parts = split_person(name) if party.kind == "person" else None
    if parts:
        surname, given = parts
        natural = f"{given} {surname}"
        style = rng.choice(["lower_natural", "lower_listed", "title_listed", "sentence", "capslock"])
        text = {
            "lower_natural": natural.lower(),
            "lower_listed": name.lower(),
            "title_listed": smart_title(name),
            "sentence": natural[:1].upper() + natural[1:].lower(),
            "capslock": smart_title(natural).swapcase(),
        }[style]
    else:
        style = rng.choice(["lower", "title", "sentence", "capslock"])
        text = {
            "lower": name.lower(),
            "title": smart_title(name, company=True),
            "sentence": name[:1].upper() + name[1:].lower(),
            "capslock": smart_title(name, company=True).swapcase(),
        }[style]
    return text if text != name else None


def _accent_word(word: str) -> str | None:
    upper = word.upper()
    if upper in T.ACCENTED and T.ACCENTED[upper] != upper:
        return T.ACCENTED[upper]
    match = re.fullmatch(r"([A-Z]+[^AEIOU\W])(CION|SION)(ES)?", upper)
    if match and not match.group(3):
        return match.group(1) + match.group(2)[:-2] + "ÓN"
    return None


def gen_accents(party, name, rng):
    if not (culture(party) == "spanish" or set(party.countries) & ACCENTED_COUNTRIES):
        return None  # nobody writes an Arabic or Russian name with Spanish accents
    upper = name.upper()
    spots = [(m.start(), m.end(), _accent_word(m.group(0))) for m in re.finditer(r"[A-Z]+", upper)]
    spots = [s for s in spots if s[2]]
    if not spots:
        return None
    if rng.random() < 0.25 and len(spots) > 1:
        spots = [rng.choice(spots)]
    text = upper
    for start, end, new in sorted(spots, reverse=True):
        text = text[:start] + new + text[end:]
    if party.kind == "person":
        parts = split_person(text)
        if not parts:
            return None
        surname, given = parts
        return person_text(surname, given, "natural", "title" if rng.random() < 0.75 else "as_is")
    return smart_title(text, company=True) if rng.random() < 0.75 else text


BUSINESS_WORDS = (r"\b(TRAD|COMPAN|SHIPPING|INDUSTR|BANK|BANCO|GROUP|GRUPO|HOLDING|INVEST|INVERSION|"
                  r"ENTERPRISE|TECHNOLOG|ELECTRONIC|ENGINEERING|CONSTRUC|PETRO|ENERG|EXPORT|IMPORT|"
                  r"COMMERCIAL|COMERCIAL|MARINE|MARITIME|LOGISTIC|SERVICE|AIRLINE|AIRWAYS|HOTEL|"
                  r"EXCHANGE|FINANC|DEVELOPMENT|CHEMICAL|STEEL|METAL|MINING|TRANSPORT|AGENCY|"
                  r"DISTRIBU|INMOBILIARIA|FARMAC|PHARM|TEXTIL|SUPPL|SOLUTIONS)")
NOT_BUSINESS = (r"\b(JIHAD|ARMY|FRONT|MOVEMENT|BRIGADE|ORGANI[SZ]ATION|PARTY|FORCES?|MARTYRS|COMMITTEE|"
                r"MINISTRY|INSTITUTE|UNIVERSITY|FOUNDATION|SOCIETY|CHARIT|RELIEF|STATE|FEDERAL|"
                r"GOVERNMENT|NATIONAL|CARTEL|GANG|NETWORK|COUNCIL|FUND)")


def gen_legal_form(party, name, rng):
    upper = name.upper()
    for pattern, options in T.LEGAL_FORM_SWAPS:
        match = re.search(pattern, upper)
        if not match:
            continue
        if match.groups():  # a form in front: OOO NAME
            core = match.group(1)
            if rng.random() < 0.3:
                text = core
            else:
                text = rng.choice(options).format(core).upper()
        else:
            core = upper[:match.start()].rstrip(" ,")
            if rng.random() < 0.3:
                text = core
            else:
                text = f"{core} {rng.choice(options).upper()}"
        if not tokens(core) or text == upper:
            return None
        return render_company(text, rng)
    if not re.search(BUSINESS_WORDS, upper) or re.search(NOT_BUSINESS, upper):
        return None  # an armed group or a ministry has no legal form to add
    forms = T.ADDED_LEGAL_FORMS
    for country in party.countries:
        if country in T.LEGAL_FORMS_BY_COUNTRY:
            forms = T.LEGAL_FORMS_BY_COUNTRY[country]
            break
    form = rng.choice(forms).upper()
    text = f"{upper}{',' if rng.random() < 0.3 else ''} {form}"
    return render_company(text, rng)


def gen_invisible(party, name, rng):
    text = render(party.kind, name, rng)
    chars = list(text)
    for _ in range(rng.choice([1, 1, 2])):
        how = rng.choice(["inside", "inside", "pad", "space"])
        if how == "inside":
            spots = [i for i in range(1, len(chars)) if chars[i - 1].isalpha() and chars[i].isalpha()]
            if not spots:
                return None
            chars.insert(rng.choice(spots), rng.choice(T.ZERO_WIDTH))
        elif how == "pad":
            pad = rng.choice(T.FILLERS + ["\ufeff", "\u200b"]) * rng.choice([1, 1, 2, 3])
            if rng.random() < 0.5:
                chars.append(pad)
            else:
                chars.insert(0, pad)
        else:
            spots = [i for i, ch in enumerate(chars) if ch == " "]
            if not spots:
                chars.append(rng.choice(T.FILLERS))
            else:
                spot = rng.choice(spots)
                chars.insert(spot + (1 if rng.random() < 0.5 else 0), rng.choice(T.FILLERS + T.ZERO_WIDTH))
    result = "".join(chars)
    return result if result != text else None


def acronym_of(name: str, other_names: list[str]) -> bool:
    """A name that is an acronym, with at most a legal form beside it (FSB, PFLP-GC, RNKB OAO, PCC
    FZE): one word of 2 to 7 capitals whose letters are, in order, among the initials of another
    name of the same party (FSB: FEDERAL SECURITY SERVICE)."""
    from sdn import LEGAL_FORMS

    words = [w for w in re.split(r"[\s,]+", name) if w and w.lower() not in LEGAL_FORMS]
    if len(words) != 1:
        return False
    letters = re.sub(r"[.-]", "", words[0])
    if not re.fullmatch(r"[A-Z0-9]{2,7}", letters):
        return False
    for other in other_names:
        initials = "".join(w[0] for w in re.findall(r"[A-Z0-9]+", other.upper()))
        rest = iter(initials)
        if len(initials) >= 2 and initials[0] == letters[0] and all(c in rest for c in letters):
            return True
    return False


def gen_acronym(party, name, rng):
    others = [n for n in party.names if n != name and len(n.split()) >= 2]
    return name if acronym_of(name, others) else None


GENERATORS = {
    "middle_dropped": gen_middle_dropped, "middle_added": gen_middle_added,
    "transliteration": gen_transliteration, "typo": gen_typo, "punctuation": gen_punctuation,
    "lookalike": gen_lookalike, "original_script": gen_original_script, "word_order": gen_word_order,
    "case": gen_case, "accents": gen_accents, "legal_form": gen_legal_form,
    "invisible": gen_invisible, "acronym": gen_acronym,
}


# -- names that are not listed ---------------------------------------------------------------------


def _anglophone(party: Party) -> bool:
    return bool(party.countries) and party.countries[0] in (
        "United States", "United Kingdom", "Canada", "Australia", "Ireland", "New Zealand")


def _pick_given(kind: str, female: bool, rng: random.Random, count: int) -> list[str]:
    male, fem, _ = T.NAMES[kind]
    pool = fem if female else male
    return rng.sample(pool, count)


def _russian_surname(surname: str, female: bool) -> str:
    if female and surname.endswith(("ov", "ev", "in")):
        return surname + "a"
    return surname


def gen_surname_other_given(party, name, rng):
    parts = person_parts(party, name)
    if not parts:
        return None
    surname, given, kind, female = parts
    count = 1 if rng.random() < 0.7 or kind == "korean" else 2
    new = _pick_given(kind, female, rng, count)
    if kind == "russian" and count == 2:
        new = [new[0], rng.choice(T.PATRONYMICS)[1 if female else 0]]
    pool = COUNTRY_NAMES.pools(party)[0] if COUNTRY_NAMES else []
    if kind == "english" and pool and not female and not _anglophone(party):
        new = [smart_title(w) for w in rng.sample(pool, min(count, len(pool)))]
    old = {skeleton(w) for w in tokens(given)}
    if {skeleton(w) for w in tokens(" ".join(new))} & old:
        return None
    return render_person(surname, " ".join(new), rng)


def gen_given_other_surname(party, name, rng):
    parts = person_parts(party, name)
    if not parts:
        return None
    surname, given, kind, female = parts
    new = rng.choice(T.NAMES[kind][2])
    pool = COUNTRY_NAMES.pools(party)[1] if COUNTRY_NAMES else []
    if kind == "english" and pool and not _anglophone(party):
        new = smart_title(rng.choice(pool))
    if kind == "russian":
        new = _russian_surname(new, female)
    if {skeleton(w) for w in tokens(new)} & {skeleton(w) for w in tokens(surname)}:
        return None
    return render_person(new.upper(), given, rng)


def gen_common_name(rng):
    kind = rng.choice(sorted(T.NAMES))
    female = rng.random() < 0.3
    given = _pick_given(kind, female, rng, 1 if rng.random() < 0.75 or kind == "korean" else 2)
    surname = rng.choice(T.NAMES[kind][2])
    if kind == "russian":
        surname = _russian_surname(surname, female)
        if len(given) == 2:
            given = [given[0], rng.choice(T.PATRONYMICS)[1 if female else 0]]
    return render_person(surname.upper(), " ".join(given), rng)


def is_distinctive(word: str) -> bool:
    """A word of a company's name that tells it apart: not a legal form (nor a word of one:
    SOCIEDAD ANONIMA DE CAPITAL VARIABLE), not a generic word of business (BANK, TRADING)."""
    from sdn import LEGAL_FORMS

    bare = word.strip(",.()")
    if re.fullmatch(r"[A-Z][A-Z'-]{2,}", bare) is None:
        return False
    return not all(part in T.GENERIC_WORDS or part + "." in T.GENERIC_WORDS
                   or part.lower() in LEGAL_FORMS or part.lower() + "." in LEGAL_FORMS
                   for part in bare.split("-") if part)  # JOINT-STOCK is two words of a form


def gen_company_word_swapped(party, name, rng):
    words = name.split()
    if len(words) < 2:
        return None
    distinctive = [i for i, w in enumerate(words) if is_distinctive(w)]
    if not distinctive or len(words) - 1 < 1:
        return None
    i = rng.choice(distinctive)
    trailing = words[i][len(words[i].rstrip(",.")):]
    new_word = rng.choice(T.SWAP_WORDS)
    if skeleton(new_word) == skeleton(words[i]) or new_word.upper()[:1] == words[i][:1]:
        return None
    words[i] = new_word.upper() + trailing
    return render_company(" ".join(words), rng)


def gen_generic_company(rng):
    form = rng.choice(T.GENERIC_FORMS)
    text = f"{rng.choice(T.GENERIC_FIRST)} {rng.choice(T.GENERIC_SECOND)}" + (f" {form}" if form else "")
    return text.upper() if rng.random() < 0.45 else text


# -- the set -----------------------------------------------------------------------------------------


def build(parties: list[Party], seed: int) -> list[dict]:
    global COUNTRY_NAMES
    rng = random.Random(seed)
    index = ListedIndex(parties)
    COUNTRY_NAMES = CountryNames(parties)
    by_kind: dict[str, list[Party]] = {}
    for party in parties:
        by_kind.setdefault(party.kind, []).append(party)
    records: list[dict] = []
    seen_queries: set[str] = set()
    uses: Counter = Counter()

    def take(cls: str, kind: str, quota: int, make, listed: bool) -> None:
        pool = by_kind.get(kind, [])[:]
        rng.shuffle(pool)
        got = 0
        used_here: set[str] = set()
        for max_uses in (1, 2, 99):
            for party in pool:
                if got >= quota:
                    return
                if party.ent_num in used_here or uses[party.ent_num] >= max_uses:
                    continue
                names = party.names[:]
                first = party.name if rng.random() < 0.6 or len(names) == 1 else rng.choice(names[1:])
                ordered = [first] + [n for n in names if n != first]
                for name in ordered:
                    query = make(party, name, rng)
                    if not query or query in seen_queries or query.strip() == "":
                        continue
                    if listed:
                        if cls != "acronym" and query == name:
                            continue
                        if index.others_named(query, party.ent_num):
                            continue
                    elif not index.is_clear(query):
                        continue
                    seen_queries.add(query)
                    used_here.add(party.ent_num)
                    uses[party.ent_num] += 1
                    records.append({
                        "query": query, "class": cls, "listed": listed,
                        "ent_num": party.ent_num if listed else None,
                        "source_name": name, "kind": kind,
                    })
                    got += 1
                    break

    for cls, quotas in LISTED.items():
        for kind, quota in quotas.items():
            take(cls, kind, quota, GENERATORS[cls], True)

    take("surname_other_given", "person", NOT_LISTED["surname_other_given"], gen_surname_other_given, False)
    take("given_other_surname", "person", NOT_LISTED["given_other_surname"], gen_given_other_surname, False)
    take("company_word_swapped", "company", NOT_LISTED["company_word_swapped"], gen_company_word_swapped, False)
    for cls, make, kind in (("common_name", gen_common_name, "person"),
                            ("generic_company", gen_generic_company, "company")):
        got = 0
        for _ in range(NOT_LISTED[cls] * 50):
            if got >= NOT_LISTED[cls]:
                break
            query = make(rng)
            if query in seen_queries or not index.is_clear(query):
                continue
            seen_queries.add(query)
            records.append({"query": query, "class": cls, "listed": False, "ent_num": None,
                            "source_name": None, "kind": kind})
            got += 1
    return records


def counts(records: list[dict]) -> list[tuple[str, bool, int, dict]]:
    table: dict[tuple[str, bool], Counter] = {}
    for record in records:
        table.setdefault((record["class"], record["listed"]), Counter())[record["kind"]] += 1
    return [(cls, listed, sum(c.values()), dict(sorted(c.items()))) for (cls, listed), c in table.items()]


def dumps(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdn", default=DEFAULT_SDN, help="folder of sdn.csv, alt.csv, add.csv")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--check", action="store_true",
                        help="rebuild and compare with --out instead of writing (exit 1 if different)")
    args = parser.parse_args(argv)
    records = build(read_parties(args.sdn), args.seed)
    text = dumps(records)
    for cls, listed, total, kinds in counts(records):
        print(f"{'listed' if listed else 'not listed':<11} {cls:<22} {total:>4}  "
              + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    listed = sum(r["listed"] for r in records)
    print(f"{listed} listed variants, {len(records) - listed} not listed, {len(records)} in all")
    if args.check:
        with open(args.out, encoding="utf-8") as stream:
            same = stream.read() == text
        print(f"{args.out}: {'identical' if same else 'DIFFERENT'} to a rebuild with seed {args.seed}")
        return 0 if same else 1
    with open(args.out, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

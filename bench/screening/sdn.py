"""Reading the July 2021 OFAC SDN CSV set for the screening benchmark, and the normal forms that keep
the labelled set honest (used by build_set.py; the evaluator needs none of it).

Standard library only. The files have no header, are Windows-1252, write null as `-0- `; sdn.csv is
(ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
Vess_owner, Remarks), alt.csv (ent_num, alt_num, alt_type, alt_name, alt_remarks), add.csv
(ent_num, add_num, address, city, country, add_remarks).
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SDN = os.path.join(os.path.dirname(REPO), "shared", "data", "ofac_sdn_csv_full_2021")

_KINDS = {"individual": "person", "-0-": "company", "vessel": "vessel", "aircraft": "aircraft"}


@dataclass
class Party:
    ent_num: str
    kind: str  # person, company (OFAC's "entity"), vessel, aircraft
    name: str  # the primary name, as listed
    aliases: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    remarks: str = ""
    countries: list[str] = field(default_factory=list)  # nationality, citizenship, POB, addresses
    origin: list[str] = field(default_factory=list)  # nationality, citizenship, POB only

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def female(self) -> bool:
        return "Gender Female" in self.remarks


def _value(text: str) -> str:
    text = text.strip()
    return "" if text == "-0-" else text


def _rows(path: str):
    with open(path, encoding="cp1252", newline="") as stream:
        for row in csv.reader(stream):
            if len(row) >= 4 and row[0].strip().isdigit():
                yield row


def read_parties(folder: str = DEFAULT_SDN) -> list[Party]:
    """Every SDN entry with its aliases, programs and the countries it is tied to (file order)."""
    parties: dict[str, Party] = {}
    for row in _rows(os.path.join(folder, "sdn.csv")):
        ent = row[0].strip()
        remarks = _value(row[11]) if len(row) > 11 else ""
        programs = re.findall(r"[A-Z0-9-]+", _value(row[3]))
        party = Party(ent, _KINDS.get(row[2].strip().lower(), "company"), _value(row[1]),
                      programs=programs, remarks=remarks)
        for match in re.finditer(r"(?:nationality|citizen) ([A-Z][A-Za-z ,'-]*?)(?=;|\.|$| \()", remarks):
            party.origin.append(match.group(1).strip())
        for match in re.finditer(r"POB ([^;]*)", remarks):
            party.origin.append(match.group(1).rsplit(",", 1)[-1].strip().rstrip("."))
        party.countries.extend(party.origin)
        parties[ent] = party
    for row in _rows(os.path.join(folder, "alt.csv")):
        party = parties.get(row[0].strip())
        alias = _value(row[3])
        if party is not None and alias and alias not in party.names:
            party.aliases.append(alias)
    for row in _rows(os.path.join(folder, "add.csv")):
        party = parties.get(row[0].strip())
        if party is not None and len(row) > 4 and _value(row[4]):
            party.countries.append(_value(row[4]))
    return list(parties.values())


# -- normal forms ----------------------------------------------------------------------------------

LEGAL_FORMS = {
    "llc", "l.l.c.", "ooo", "oao", "zao", "pao", "ao", "jsc", "ojsc", "cjsc", "pjsc", "ltd", "ltd.",
    "limited", "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co", "co.", "company",
    "s.a.", "sa", "s.a.s.", "sas", "c.a.", "ca", "de", "c.v.", "cv", "s.r.l.", "srl", "s.l.", "sl",
    "gmbh", "ag", "fze", "fzco", "fz-llc", "plc", "llp", "lp", "b.v.", "bv", "n.v.", "nv", "sal",
    "s.a.l.", "ltda", "ltda.", "sarl", "s.a.r.l.", "eood", "ood", "ead", "tov", "pte", "bhd", "sdn",
    "kft", "spa", "s.p.a.", "e.v.", "ev", "cia", "cia.", "compania", "joint", "stock", "public",
    "liability", "obshchestvo", "obschestvo", "s", "ogranichennoi", "ogranichennoy",
    "otvetstvennostyu", "aktsionernoe", "otkrytoe", "zakrytoe", "publichnoe",
}


def fold(text: str) -> str:
    """Casefolded, accents and look-alike Cyrillic/Greek letters left as they are (this is the
    plain ground-truth form, not a matcher): NFKD without combining marks, invisible characters
    dropped."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)
                   and unicodedata.category(ch) not in ("Cf", "Mn")).casefold()


def tokens(text: str) -> list[str]:
    """Words of a name: letters and digits, with hyphens and apostrophes inside words dropped
    (AL-AKHRAS -> alakhras, SA'ID -> said), every other mark a separator."""
    text = re.sub(r"(?<=\w)['\u2019`-](?=\w)", "", fold(text))
    return re.findall(r"\w+", text)


def key(text: str) -> str:
    """Case, punctuation and word order normalised: sorted words."""
    return " ".join(sorted(tokens(text)))


def strict_key(text: str) -> str:
    """key() without legal-form words and the particles al/el/bin/ibn."""
    words = [w for w in tokens(text) if w not in LEGAL_FORMS and w not in ("al", "el", "bin", "ibn", "the")]
    return " ".join(sorted(words))


_SKELETON_STEPS = [
    (r"^(yu|iu|ju)", "y"), (r"^(ya|ia|ja)", "y"), (r"^j(?=[aeiou])", "y"), (r"^i(?=[aeiou])", "y"),
    (r"x", "ks"), (r"kh", "h"), (r"ph", "f"), (r"w", "v"), (r"q", "k"), (r"c(?!h)", "k"),
    (r"ou|oo", "u"), (r"ee", "i"), (r"dzh", "j"), (r"zh", "j"), (r"tch", "ch"), (r"sch", "sh"),
    (r"(.)\1+", r"\1"),
]


def skeleton(word: str) -> str:
    """A rough transliteration-blind form of one word: consonants only after the first letter
    (Muhammad, Mohammed -> mhmd; Aleksey, Alexei -> alks; Yuriy, Iurii -> yr). Used only to keep
    non-listed names clear of spelling variants of listed ones."""
    word = fold(word)
    word = re.sub(r"[^a-z]", "", word)
    for pattern, repl in _SKELETON_STEPS:
        word = re.sub(pattern, repl, word)
    if not word:
        return ""
    return word[0] + re.sub(r"[aeiouy]", "", word[1:])


def skeleton_set(text: str) -> frozenset[str]:
    return frozenset(s for s in (skeleton(w) for w in tokens(text)
                                 if w not in ("al", "el", "bin", "ibn", "abu", "abd", "de", "la", "del", "y"))
                     if s)


class ListedIndex:
    """Every SDN name and alias under key(), strict_key() and skeleton sets, to verify that a
    non-listed query is not one of them, and that a listed variant does not name another entry."""

    def __init__(self, parties: list[Party]):
        self.by_key: dict[str, set[str]] = {}
        self.by_strict: dict[str, set[str]] = {}
        self.skeletons: list[tuple[frozenset[str], str]] = []
        self.by_token: dict[str, list[int]] = {}
        for party in parties:
            for name in party.names:
                self.by_key.setdefault(key(name), set()).add(party.ent_num)
                strict = strict_key(name)
                if strict:
                    self.by_strict.setdefault(strict, set()).add(party.ent_num)
                sk = skeleton_set(name)
                if sk:
                    index = len(self.skeletons)
                    self.skeletons.append((sk, party.ent_num))
                    for part in sk:
                        self.by_token.setdefault(part, []).append(index)

    def others_named(self, query: str, ent_num: str) -> set[str]:
        """Entries other than ent_num that carry exactly this name (case, punctuation, order)."""
        return self.by_key.get(key(query), set()) - {ent_num}

    def is_clear(self, query: str) -> bool:
        """True when `query` is not an SDN name or alias, even after casefold, punctuation, word
        order, legal forms and particles are normalised, and its rough skeleton words are neither
        equal to, nor a subset or superset of, those of any listed name of two words or more (so
        "Ali Hassan" is not taken as unlisted when "HASSAN, Ali Muhammad" is listed)."""
        if key(query) in self.by_key:
            return False
        strict = strict_key(query)
        if not strict or strict in self.by_strict:
            return False
        sk = skeleton_set(query)
        if not sk:
            return False
        candidates = set()
        for part in sk:
            candidates.update(self.by_token.get(part, ()))
        for index in candidates:
            listed, _ = self.skeletons[index]
            if listed == sk:
                return False
            if len(listed) >= 2 and len(sk) >= 2 and (listed <= sk or sk <= listed):
                return False
        return True

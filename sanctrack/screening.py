"""Screening: how close a name someone typed is to a name on record, as a score from 0 to 100.

`check` finds candidates through keys kept in the store (`index_keys`, in the `entity_names_fts`
index: no scan of every name) and scores each with `score`. Both sides of a comparison go through
one normalisation, `match_tokens`:

- invisible and filler characters are dropped (every Cf character, Hangul fillers U+3164, U+115F,
  U+1160, U+FFA0, the Braille blank U+2800), so "Acme\u200bCorp" and "Acme Corp" are one name;
- a word mixing Latin letters with Cyrillic or Greek look-alikes ("Integrіty" with a Ukrainian і)
  is read as the Latin word it imitates (Unicode's confusables data, `confusable_homoglyphs`);
- other scripts are transliterated to Latin (`anyascii`: "Якубец" is "Yakubets", as OFAC writes
  it; Arabic comes out without vowels, "محمد" is "mhmd", and is compared by its consonants);
- case, accents, punctuation and legal forms go (`names`), and each word is reduced to a canonical
  spelling that absorbs the usual transliteration variants (Aleksey/Alexei, Yuriy/Iurii,
  Mohammed/Mohamed, Khalil/Halil; `canonical`).

The comparison then aligns words, not sorted strings: each word of one name is paired with the
word of the other it resembles most (the same canonical spelling, the same consonants for vowel
variants, one edit for a typo, two in long words; two adjacent words against one for "AL AKHRAS"
and "ALAKHRAS"). What is left unpaired decides the score: words missing on one side only (a
middle name or patronymic dropped or added) cost what they weigh, words unpaired on both sides (a
surname with another given name, a company with one word swapped) make it no match. A word weighs
what it tells apart: its inverse frequency among the names on record, so a missing "Mohammed"
costs less than a missing "Deripaska", and a match on common words only needs every word.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from typing import Iterable, NamedTuple

from .names import ascii_forms, strip_legal_forms

__all__ = ["Name", "index_keys", "match_tokens", "score", "Weights", "MATCH_KINDS"]

MATCH_KINDS = ("exact", "strong", "near")
# A score at or above STRONG is a `strong` match; between the threshold and STRONG, `near`.
STRONG = 95.0

# Words that join names rather than tell them apart: they weigh nothing and are never "missing".
PARTICLES = frozenset(
    "al el ul bin ibn bint ben van von der den ter de del della di du dos das le la y e".split()
)
_ABJAD = ("ARABIC", "HEBREW", "SYRIAC")


# -- canonical spelling of a word ------------------------------------------------------------------

# The spellings canonical() replaces, in order (plain replacements: no regular expression to
# compile at start-up).
_CANON_STEPS = (
    ("x", "ks"), ("sch", "sh"), ("tch", "ch"), ("kh", "h"),
    ("zh", "j"),  # Zhang / Jang; j itself stays: pinyin's j is no y (Jian / Yan)
    ("gh", "g"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"), ("q", "k"),
)
_LATER_STEPS = (("tz", "ts"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"))
_BIN = ("ibn", "ben", "bn")  # "bn": بن transliterated without its vowel
_VOWELS_AND_W = str.maketrans("", "", "aeiouw")


# Abbreviations of the words companies are named with, read as the words themselves.
_ABBREVIATIONS = {
    "grp": "group", "intl": "international", "natl": "national",
    "tech": "technology", "techs": "technologies", "mfg": "manufacturing", "bros": "brothers",
    "assoc": "association", "svcs": "services", "svc": "service", "ind": "industries",
    "inds": "industries", "dev": "development", "eng": "engineering", "hldgs": "holdings",
    "hldg": "holding", "invest": "investment", "mgmt": "management", "petrochem": "petrochemical",
    "trdg": "trading", "shpg": "shipping", "univ": "university", "inst": "institute",
}  # fmt: skip


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """One spelling for the transliteration variants of a word (lower-case ASCII in):
    "aleksey", "alexei" -> "aleksei"; "mohammed" -> "mohamed"; "yuriy", "iurii" -> "iuri"."""
    if word in _BIN:
        return "bin"
    out = _ABBREVIATIONS.get(word, word)
    for old, new in _CANON_STEPS:
        out = out.replace(old, new)
    if "c" in out:  # a hard c is a k: "Karim" / "Carim"; c before h, e, i, y stays
        out = "".join(
            "k" if ch == "c" and out[i + 1 : i + 2] not in ("h", "e", "i", "y") else ch
            for i, ch in enumerate(out)
        )
    for old, new in _LATER_STEPS:
        out = out.replace(old, new)
    collapsed = [ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1]]  # doubled letters
    return "".join(collapsed) or word


@lru_cache(maxsize=65536)
def consonants(word: str) -> str:
    """The consonants of a canonical word, w included (a vowel in Arabic): "mohamed" -> "mhmd",
    "dawud" -> "dd"; Arabic transliterated without vowels ("mhmd", "dwd") meets it."""
    return word.translate(_VOWELS_AND_W)


# -- names as compared -----------------------------------------------------------------------------


class Name(NamedTuple):
    """A name as screening compares it: canonical words, and whether it came from a script written
    without vowels (then words compare by their consonants)."""

    words: tuple[str, ...]
    abjad: bool = False
    # The same words as written (lower-case ASCII), before `canonical`: a typo compares there too
    # ("patraa" is one letter from "patraca", though its canonical "patra" is two from "patraka").
    spelled: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.words)


@lru_cache(maxsize=65536)
def match_tokens(name: str, strip_forms: bool = True) -> Name:
    """The canonical words of `name` (see the module's docstring); `strip_forms` drops legal forms
    (for companies and names of unknown kind, never for persons: "Ao" and "Sa" are name parts)."""
    from .names import strip_legal_forms

    tokens, abjad = _spelled(name)
    if strip_forms:
        tokens = tuple(strip_legal_forms(list(tokens), True))
    return Name(tuple(canonical(t) for t in tokens), abjad, tokens)


@lru_cache(maxsize=65536)
def _spelled(name: str) -> tuple[tuple[str, ...], bool]:
    """The words of `name` in Latin letters, lower case, and whether it was written without
    vowels (Arabic, Hebrew, Syriac)."""
    from .names import visible_text, words

    if name.isascii():
        return tuple(words(name)), False
    text = visible_text(name)
    abjad = any(unicodedata.name(ch, "").startswith(_ABJAD) for ch in text if ch.isalpha())
    return tuple(words(transliterate(text))), abjad


def transliterate(text: str) -> str:
    """`text` in ASCII by anyascii's tables ("Якубец" -> "Yakubets", "何华威" -> "HeHuaWei"): what
    `anyascii.anyascii` returns (tests/test_screening.py compares every code point).

    The tables are read here, block by block, from the installed package's `_data` folder, rather
    than by importing it: `import anyascii` pulls importlib.resources, tempfile and zipfile, ~8 ms of
    a lookup whose candidates include one name in another script (against ~0.1 ms for a block).
    The format (raw deflate of the block's tab-separated replacements) is that of anyascii 0.3.x,
    the range pyproject.toml pins; a package found in no folder is imported as usual."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x80:
            out.append(ch)
            continue
        block = _anyascii_block(code >> 8)
        if len(block) > code & 0xFF:
            out.append(block[code & 0xFF])
    return "".join(out)


@lru_cache(maxsize=None)
def _anyascii_block(number: int) -> tuple[str, ...]:
    import os
    import zlib

    folder = _anyascii_data()
    if folder is None:
        from anyascii import anyascii

        return tuple(anyascii(chr((number << 8) + low)) for low in range(256))
    try:
        with open(os.path.join(folder, f"{number:03x}"), "rb") as data:
            return tuple(zlib.decompress(data.read(), -zlib.MAX_WBITS).decode("ascii").split("\t"))
    except FileNotFoundError:
        return ()  # a block anyascii has no table for: its characters are dropped, as there


@lru_cache(maxsize=1)
def _anyascii_data() -> str | None:
    import importlib.util
    import os

    spec = importlib.util.find_spec("anyascii")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if os.path.isdir(os.path.join(folder, "_data")):
            return os.path.join(folder, "_data")
    return None


def index_keys(name: str) -> str:
    """The keys under which `name` is found by screening, as one space-separated string for the
    full-text index: per word its canonical spelling (`w…`) and consonants (`c…`), the same for
    each pair of adjacent words written as one ("AL AKHRAS" / "ALAKHRAS"), and for long words their
    first and last four letters (`a…`, `z…`: a typo leaves one of them whole)."""
    # The words read once for both forms, not through `match_tokens`'s caches (on an import every
    # name is new: they would only fill). An ASCII name's words and forms are those its name keys
    # were made from (`names.ascii_forms`): an import reads each name once for both.
    if name.isascii():
        tokens, without_forms = ascii_forms(name)
    else:
        tokens = _spelled.__wrapped__(name)[0]
        without_forms = tuple(strip_legal_forms(list(tokens), True))
    known = _INDEXED_WORDS.get
    whole = [known(t) or _indexed_word(t) for t in tokens]
    if without_forms == tokens:
        return " ".join(dict.fromkeys(_words_keys(whole)))
    stripped = [known(t) or _indexed_word(t) for t in without_forms]
    keys = _words_keys(whole)
    if [w[0] for w in whole] != [w[0] for w in stripped]:
        keys += _words_keys(stripped)
    return " ".join(dict.fromkeys(keys))


# What `index_keys` needs of a word as `words` spells it: (canonical spelling, its consonants, its
# keys: none unless it is letters and digits only), made once (`_indexed_word`, or `index_words`
# for many at once). Emptied when it reaches _INDEXED_WORDS_LIMIT words.
_INDEXED_WORDS: dict[str, tuple[str, str, tuple[str, ...]]] = {}
_INDEXED_WORDS_LIMIT = 65536


def _indexed_word(token: str) -> tuple[str, str, tuple[str, ...]]:
    word = canonical(token)
    cons = consonants(word)
    found = word, cons, (_shaped_keys(word, cons) if word.isalnum() else ())
    if len(_INDEXED_WORDS) >= _INDEXED_WORDS_LIMIT:
        _INDEXED_WORDS.clear()
    _INDEXED_WORDS[token] = found
    return found


def index_words(tokens: Iterable[str]) -> None:
    """Make what `index_keys` needs of many words at once, before their names' keys (a list's
    first import meets ~17,000 new words): each step of `canonical` and `consonants` runs once
    over the words' joined text instead of once for each word (the same spellings: tested
    against `canonical` word by word)."""
    import re

    todo = [t for t in dict.fromkeys(tokens) if t not in _INDEXED_WORDS and "\n" not in t]
    if not todo:
        return
    if len(_INDEXED_WORDS) + len(todo) > _INDEXED_WORDS_LIMIT:
        _INDEXED_WORDS.clear()
        todo = todo[:_INDEXED_WORDS_LIMIT]
    # The words one to a line: no step of `canonical` matches across a line break.
    text = "\n".join(["bin" if t in _BIN else _ABBREVIATIONS.get(t, t) for t in todo])
    for old, new in _CANON_STEPS:
        text = text.replace(old, new)
    if "c" in text:
        text = re.sub("c(?![heiy])", "k", text)  # a hard c: not before h, e, i, y (a last c is)
    for old, new in _LATER_STEPS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)  # doubled letters (`.` stops at a line break)
    shaped = _shaped_keys
    for token, word, cons in zip(todo, text.split("\n"), text.translate(_VOWELS_AND_W).split("\n")):
        if not word:  # as `canonical`, which keeps a word its steps would empty
            word, cons = token, consonants(token)
        _INDEXED_WORDS[token] = word, cons, (shaped(word, cons) if word.isalnum() else ())


def _words_keys(words: list[tuple[str, str, tuple[str, ...]]]) -> list[str]:
    """`_word_keys` of the canonical words of `words` (from `_indexed_word`)."""
    keys: list[str] = []
    for _, _, own in words:
        keys += own
    # A pair is letters and digits only when both its words are (neither is empty): when both
    # have keys. Its consonants are those of its two words.
    for (a, ca, ka), (b, cb, kb) in zip(words, words[1:]):
        if ka and kb:
            keys += _shaped_keys(a + b, ca + cb)
    return keys


def query_keys(name: Name) -> list[str]:
    """The keys a query looks names up by: those of `index_keys`, and its pairs of words in the
    other order too ("Muhammad Ali" / "ALI, Muhammad")."""
    words = name.words
    swapped = [b + a for a, b in zip(words, words[1:])]
    return list(dict.fromkeys(_word_keys(words) + _word_keys(tuple(swapped))[: 2 * len(swapped)]))


def _word_keys(words: tuple[str, ...]) -> list[str]:
    keys = []
    for word in words:
        if word.isalnum():
            keys += _keys_of_word(word)
    # Each pair of adjacent words written as one: its keys made here, not remembered (pairs seldom
    # repeat, so a cache would only fill); its consonants are those of its two words, which are.
    for a, b in zip(words, words[1:]):
        word = a + b
        if word.isalnum():
            keys += _shaped_keys(word, consonants(a) + consonants(b))
    return keys


@lru_cache(maxsize=65536)
def _keys_of_word(word: str) -> tuple[str, ...]:
    return _shaped_keys(word, consonants(word))


def _shaped_keys(word: str, cons: str) -> tuple[str, ...]:
    """The keys of a word with its consonants `cons`: `w…`, `c…` and, for a long word, `a…`/`z…`."""
    keys = ("w" + word, "c" + cons) if cons else ("w" + word,)
    return keys + ("a" + word[:4], "z" + word[-4:]) if len(word) >= 7 else keys


@lru_cache(maxsize=1)
def _legal_form_words() -> frozenset[str]:
    from .names import legal_form_words

    return frozenset(canonical(word) for word in legal_form_words())


# -- comparing two names ---------------------------------------------------------------------------

# The least similarity for two words to be paired at all.
_PAIRED = 0.85


def edits(a: str, b: str, limit: int) -> int:
    """The edit distance of `a` and `b` (insertions, deletions, substitutions and swaps of two
    adjacent letters: optimal string alignment) when it is at most `limit`, else `limit` + 1.

    Written here rather than taken from rapidfuzz (which the benchmark scripts use) because a
    single `check` would pay rapidfuzz's import, about as long as the rest of its start-up, for a
    few hundred comparisons of short words; only the band of `limit` cells either side of the
    diagonal is computed."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) > len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    before = previous
    for i, ca in enumerate(a, 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [limit + 1] * (len(b) + 1)
        current[0] = i if i <= limit else limit + 1
        for j in range(low, high + 1):
            cost = 0 if ca == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if cost and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)  # two letters swapped: one edit
            current[j] = value
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[len(b)], limit + 1)


# The edit distance the comparisons use: `edits`, or rapidfuzz's once `use_rapidfuzz` is called.
_distance = edits


def use_rapidfuzz() -> None:
    """Compute edit distances with rapidfuzz (C) from now on, for a batch: the same distance as
    `edits` (optimal string alignment, capped at limit + 1; a test holds them equal), about thirty
    times faster, for an import of ~15 ms that a single `check` would not win back."""
    global _distance
    from rapidfuzz.distance import OSA

    osa = OSA.distance

    def distance(a: str, b: str, limit: int) -> int:
        return osa(a, b, score_cutoff=limit)

    _distance = distance


def word_similarity(a: str, b: str, abjad: bool = False) -> float:
    """How alike two canonical words are, 0 to 1: 1 the same; 0.95 the same consonants with vowels
    differing in a long word (Mohamed/Muhamad); 0.92 one edit (a typo, Ahmed/Ahmad); 0.88 two edits
    in a word of nine letters or more; 0.9 the same consonants when one side came from a script
    without vowels; a word without its particle ("akhras" / "alakhras") 0.95; else 0."""
    if a == b:
        return 1.0
    short = min(len(a), len(b))
    if abjad:
        ca, cb = consonants(a), consonants(b)
        if ca == cb and (len(ca) >= 2 or max(len(a), len(b)) <= 3):
            return 0.9
        if min(len(ca), len(cb)) >= 4 and _distance(ca, cb, 1) <= 1:
            return 0.86
        return 0.0
    if abs(len(a) - len(b)) > 2 or short < 3:
        return 0.0
    distance = _distance(a, b, 2)
    if distance <= 2 and short >= 6 and consonants(a) == consonants(b):
        return 0.95
    if distance == 1 and (short >= 5 or (short == 4 and a[0] == b[0])):
        return 0.92
    if distance == 2 and short >= 9:
        return 0.88
    return 0.0


@lru_cache(maxsize=65536)
def _without_particle(word: str) -> str | None:
    for particle in ("al", "el", "ul", "bin", "abu"):
        if word.startswith(particle) and len(word) - len(particle) >= 4:
            return word[len(particle) :]
    return None


# How many word pairs each cache below keeps before it starts afresh: ~150 bytes a pair, so the two
# stay under ~50 MB in a batch of 10,000 names (which meets ~1.5 million pairs).
_CACHE_SIZE = 150_000
_SIMILARITY_CACHE: dict[tuple[str, str, bool], float] = {}
# The similarity of two words in both spellings (canonical, as written), for `_alignment`.
_PAIR_CACHE: dict[tuple[str, str, str, str, bool], float] = {}


def _similarity(a: str, b: str, abjad: bool) -> float:
    """`word_similarity`, also of words without their particle, remembered (a batch meets the
    same pairs of words again and again)."""
    if a == b:
        return 1.0
    key = (a, b, abjad)
    found = _SIMILARITY_CACHE.get(key)
    if found is None:
        found = _plausible(a, b, abjad) and word_similarity(a, b, abjad)
        if found < 0.92:
            x, y = _without_particle(a), _without_particle(b)
            for u, v in ((x, b), (a, y)):
                if u and v and _plausible(u, v, abjad) and word_similarity(u, v, abjad) >= 0.92:
                    found = 0.95
        if len(_SIMILARITY_CACHE) > _CACHE_SIZE:
            _SIMILARITY_CACHE.clear()
        _SIMILARITY_CACHE[key] = found
    return found


def _plausible(a: str, b: str, abjad: bool) -> bool:
    """A cheap test that two different words may still be paired: most pairs fail it. One edit
    leaves the first or the last letter in place; so does a vowel change."""
    if abjad:
        return True
    if a[0] != b[0] and a[-1] != b[-1]:
        return consonants(a) == consonants(b) or min(len(a), len(b)) >= 9
    return abs(len(a) - len(b)) <= 2


class Weights:
    """What each word weighs: its information among the names on record, from 0.2 (a word most
    names have) to 1 (a word no other name has): log(N / names with it) / log(N)."""

    def __init__(self, total: int, frequency: dict[str, int] | None = None):
        self.total = total
        self.frequency = {} if frequency is None else frequency
        self._cache: dict[str, float] = {}

    def of(self, word: str) -> float:
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._weight(word)
        return found

    def _weight(self, word: str) -> float:
        if word in PARTICLES or not word.isalnum():
            return 0.0
        if word.isdigit():
            return 0.5
        if len(word) == 1 or word in _legal_form_words():
            return 0.1  # an initial, a piece of "S. A.", a legal form's word
        n = max(self.total, 2)
        df = min(max(self.frequency.get(word, 0), 1), n)
        return max(0.2, math.log(n / df) / math.log(n))


def _alignment(query: Name, candidate: Name) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Pairs of (query word positions, candidate word positions, similarity), each word in one pair
    at most, best pairs first: words one to one, then two adjacent words left over written as one
    against one word left over ("al akhras" / "alakhras", "abdul rahman" / "abdulrahman"). Words
    compare by their canonical spelling, and as written for a typo."""
    q, c, abjad = query.words, candidate.words, query.abjad or candidate.abjad
    rq, rc = query.spelled or q, candidate.spelled or c

    def similar(a: str, b: str, ra: str, rb: str) -> float:
        if a == b:
            return 1.0
        key = (a, b, ra, rb, abjad)
        found = _PAIR_CACHE.get(key)
        if found is None:
            found = _similarity(a, b, abjad)
            if found < 0.92 and (ra != a or rb != b):
                found = max(found, _similarity(ra, rb, abjad))
            if len(_PAIR_CACHE) > _CACHE_SIZE:
                _PAIR_CACHE.clear()
            _PAIR_CACHE[key] = found
        return found

    def similar_joined(a: str, b: str, ra: str, rb: str) -> float:
        # Two words against one: the same letters, or one typo; never only the same consonants
        # ("min zheng" is no "mining").
        if a == b or ra == rb:
            return 1.0
        if abjad:
            return _similarity(a, b, abjad)
        return 0.92 if _one_edit(a, b) or _one_edit(ra, rb) else 0.0

    options = []
    particles_c = [b in PARTICLES for b in c]
    known = _PAIR_CACHE  # looked up here first: most pairs were met before, and a call costs
    for i, a in enumerate(q):
        particle, ra = a in PARTICLES, rq[i]
        for j, b in enumerate(c):
            if particle != particles_c[j]:
                continue  # "al" pairs with "al", never with "ali": it may belong to the next word
            if a == b:
                s = 1.0
            else:
                s = known.get((a, b, ra, rc[j], abjad))
                if s is None:
                    s = similar(a, b, ra, rc[j])
            if s >= _PAIRED:
                options.append((s, (i,), (j,)))
    pairs, used_q, used_c = _greedy(options, set(), set())
    if len(used_q) < len(q) and len(used_c) < len(c):
        options = []
        # Two words and one can only be alike when their lengths differ by one at most (in one of
        # the two spellings); the lengths are compared before anything is joined.
        for i in range(len(q) - 1):
            if i not in used_q and i + 1 not in used_q and _joinable(q[i], q[i + 1]):
                length, spelled_length = len(q[i]) + len(q[i + 1]), len(rq[i]) + len(rq[i + 1])
                for j, b in enumerate(c):
                    if j not in used_c:
                        if not abjad and abs(length - len(b)) > 1 and abs(spelled_length - len(rc[j])) > 1:
                            continue
                        s = similar_joined(q[i] + q[i + 1], b, rq[i] + rq[i + 1], rc[j])
                        if s >= _PAIRED:
                            options.append((s, (i, i + 1), (j,)))
        for j in range(len(c) - 1):
            if j not in used_c and j + 1 not in used_c and _joinable(c[j], c[j + 1]):
                length, spelled_length = len(c[j]) + len(c[j + 1]), len(rc[j]) + len(rc[j + 1])
                for i, a in enumerate(q):
                    if i not in used_q:
                        if not abjad and abs(length - len(a)) > 1 and abs(spelled_length - len(rq[i])) > 1:
                            continue
                        s = similar_joined(a, c[j] + c[j + 1], rq[i], rc[j] + rc[j + 1])
                        if s >= _PAIRED:
                            options.append((s, (i,), (j, j + 1)))
        more, used_q, used_c = _greedy(options, used_q, used_c)
        pairs += more
    # A word left over beside a paired word may be its other half: "IRSHALAMCHE" pairs with
    # "SHALAMCHE" (two letters off) before "IR" + "SHALAMCHE" is tried.
    for side in (0, 1):
        words, spelled, used = (q, rq, used_q) if side == 0 else (c, rc, used_c)
        others, others_spelled = (c, rc) if side == 0 else (q, rq)
        for n, (pos, partner, s) in enumerate(pairs):
            mine, theirs = (pos, partner) if side == 0 else (partner, pos)
            if len(mine) != 1 or len(theirs) != 1 or s == 1.0:
                continue
            k, other = mine[0], theirs[0]
            for lo, hi in ((k - 1, k), (k, k + 1)):
                if lo < 0 or hi >= len(words) or (lo if lo != k else hi) in used or not _joinable(words[lo], words[hi]):
                    continue
                joined = similar_joined(words[lo] + words[hi], others[other], spelled[lo] + spelled[hi], others_spelled[other])
                if joined > s:
                    used.add(lo if lo != k else hi)
                    new = (lo, hi)
                    pairs[n] = (new, partner, joined) if side == 0 else (pos, new, joined)
                    break
    return pairs


def _one_edit(a: str, b: str) -> bool:
    """At most one edit apart (a cheap test first: one edit keeps the first or the last letter)."""
    if abs(len(a) - len(b)) > 1 or (a[0] != b[0] and a[-1] != b[-1]):
        return False
    return _distance(a, b, 1) <= 1


def _joinable(a: str, b: str) -> bool:
    """Words that may be one word written apart: not numbers ("Tong Hun 1" is no "Tong Hun1")."""
    return not (a.isdigit() or b.isdigit())


def _greedy(options, used_q: set[int], used_c: set[int]):
    options.sort(key=lambda o: -o[0])
    pairs = []
    for s, qi, cj in options:
        if used_q.isdisjoint(qi) and used_c.isdisjoint(cj):
            used_q = used_q | set(qi)
            used_c = used_c | set(cj)
            pairs.append((qi, cj, s))
    return pairs, used_q, used_c


# What a match of a name with words missing on one side needs: this much information paired (a
# rare surname and a given name, not "Mohammed Ali" against "Mohammed Ahmed Ali").
_INFORMATION_NEEDED = 1.2


# 100 is an exact match, by the keys of `names`; a screened name whose words all read the same
# ("Alexei Zaitsev" / "ZAYTSEV, Aleksey") scores just below it.
_SAME_WORDS = 99.0

# What a word present in one name only costs, per unit of its weight: a person's middle name or
# patronymic is often left out or added; a company's word is part of its name ("TRIO ENERGY
# ZENITH" is not "TRIO ENERGY DMCC", "LAMA FOODS INTERNATIONAL" not "INTERNATIONAL FOODS").
_MISSING_PERSON_WORD = 12.0
_MISSING_WORD = 20.0


def score(query: Name, candidate: Name, weights: Weights, person: bool = False) -> float:
    """How likely `candidate` names the party `query` means, 0 to 100 (see the module docstring);
    `person` when the candidate is a person's name."""
    q, c = query.words, candidate.words
    if not q or not c:
        return 0.0
    if q == c:
        return _SAME_WORDS
    pairs = _alignment(query, candidate)
    if not pairs:
        return 0.0
    wq = [weights.of(w) for w in q]
    wc = [weights.of(w) for w in c]
    paired_q = {i for qi, _, _ in pairs for i in qi}
    paired_c = {j for _, cj, _ in pairs for j in cj}
    total_q, total_c = sum(wq), sum(wc)
    if total_q == 0 or total_c == 0:
        return 0.0
    matched = 0.0
    weighted_similarity = 0.0
    for qi, cj, s in pairs:
        w = max(sum(wq[i] for i in qi), sum(wc[j] for j in cj))
        matched += w
        weighted_similarity += s * w
    similarity = weighted_similarity / matched if matched else 0.0
    missing_q = sum(w for i, w in enumerate(wq) if i not in paired_q)
    missing_c = sum(w for j, w in enumerate(wc) if j not in paired_c)
    if missing_q > 0 and missing_c > 0:
        # Words on both sides with no counterpart: another person, another company.
        return round(100 * similarity * 0.7 * min(1 - missing_q / total_q, 1 - missing_c / total_c), 1)
    missing = missing_q + missing_c
    if missing == 0:
        return round(min(100 * similarity, _SAME_WORDS), 1)
    result = 100 * similarity - (_MISSING_PERSON_WORD if person else _MISSING_WORD) * missing
    if matched < _INFORMATION_NEEDED:
        result = min(result, 80.0)
    return round(result, 1)

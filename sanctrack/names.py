"""Name keys: when two names denote the same sanctioned party.

Two names belong to one entity when their keys are equal and their kinds may be merged
(`kind_class`, from vocabulary.KIND_CLASSES: a person never joins a company). A key ignores case,
accents, punctuation and spacing, legal-form words (Inc., Ltd, LLC, GmbH, OOO, ООО, S.A., 有限公司…)
and, for persons, the order of the name parts ("YAKUBETS, Maksim Viktorovich" is "Maksim
Viktorovich Yakubets"). Names in other scripts keep their script, casefolded: "奇安信科技集团" is a
key of its own.

Only the standard library is imported, here and at call time: lookups (`check`, `search`) compute
keys too and must start fast, and a key stored by a write must be computed identically by every
later lookup. The OpenSanctions libraries (normality, fingerprints, rigour) were measured for this
and are not used at run time; see bench/names_import_cost.md for the figures and the reasons.

Changing anything here changes stored keys: the store has to re-key its names when it does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vocabulary import KIND_CLASSES

__all__ = [
    "is_weak_key",
    "kind_class",
    "kinds_compatible",
    "name_keys",
    "normalize_name",
    "person_key",
]

# --- legal forms ---------------------------------------------------------------------------------
# Written as they appear in names; they go through the same normalisation as the names themselves
# (once, on first use), so "S.A.", "Gesellschaft mit beschränkter Haftung" or "ООО" need no
# hand-made variants. Curated from the forms that fingerprints' types.yml and rigour's org types
# know, keeping those that sanctions lists use, plus the ones the libraries lack (Corporation,
# Company, Co., PrAT, Chinese, Arabic and Persian forms).

# Removed wherever they stand as whole words (a phrase as a whole), when something else remains.
_LEGAL_FORMS = (
    # English
    "Inc", "Incorporated", "Corp", "Corporation", "Co", "Company", "Ltd", "Limited",
    "LLC", "LLP", "PLC", "Co Ltd", "Company Limited", "Limited Company", "Public Limited Company",
    "Private Limited", "Private Limited Company", "Pvt", "Pte", "Pty", "Proprietary Limited",
    "Limited Liability Company", "Limited Liability Partnership", "Limited Partnership",
    "Joint Stock Company", "Joint-Stock Company", "Open Joint Stock Company",
    "Closed Joint Stock Company", "Public Joint Stock Company", "Private Joint Stock Company",
    "JSC", "OJSC", "CJSC", "PJSC", "PJS", "FZE", "FZCO", "FZC", "FZ-LLC", "DMCC",
    "Federal State Unitary Enterprise", "State Unitary Enterprise", "State Enterprise",
    # Russian, Ukrainian, Belarusian, Kazakh: transliterated and in Cyrillic
    "OOO", "OAO", "ZAO", "PAO", "AO", "TOO", "TOV", "PrAT", "PrJSC", "FGUP", "GUP",
    "Obshchestvo s Ogranichennoy Otvetstvennostyu", "Obshchestvo s Ogranichennoi Otvetstvennostyu",
    "Obshchestvo s Ogranichennoi Otvetstvennostiu", "Obschestvo s Ogranichennoy Otvetstvennostyu",
    "Aktsionernoe Obshchestvo", "Aktsionernoye Obshchestvo", "Aktsionernoe Obschestvo",
    "Publichnoe Aktsionernoe Obshchestvo",
    "Otkrytoe Aktsionernoe Obshchestvo", "Zakrytoe Aktsionernoe Obshchestvo",
    "ООО", "ОАО", "ЗАО", "ПАО", "АО", "НАО", "ТОО", "ТОВ", "ПАТ", "ПрАТ", "ФГУП", "ГУП",
    "ААТ", "ЗАТ", "ТАА", "ЕООД", "ООД", "ЕАД",
    "Общество с ограниченной ответственностью", "Акционерное общество",
    "Публичное акционерное общество", "Открытое акционерное общество",
    "Закрытое акционерное общество", "Непубличное акционерное общество",
    "Федеральное государственное унитарное предприятие", "Государственное унитарное предприятие",
    "Товариство з обмеженою відповідальністю", "Акціонерне товариство",
    "Публічне акціонерне товариство", "Приватне акціонерне товариство",
    "Товарищество с ограниченной ответственностью", "Государственное предприятие",
    "Державне підприємство",
    # German, Austrian, Swiss
    "GmbH", "mbH", "Aktiengesellschaft", "Gesellschaft mit beschränkter Haftung", "OHG",
    "Kommanditgesellschaft", "GmbH & Co KG",
    # French, Belgian (SA also Spanish, Portuguese, Polish, Swiss…)
    "SA", "SARL", "SASU", "EURL", "Cie", "Compagnie", "Société anonyme",
    "Société à responsabilité limitée", "Société par actions simplifiée", "SPRL", "BVBA", "CVBA",
    # Spanish, Portuguese, Latin America
    "SRL", "EIRL", "Ltda", "Lda", "Limitada", "Compañía", "Compañía Anónima", "Cía Ltda", "y Cía",
    "Sociedad anónima", "Sociedad limitada", "Sociedad de responsabilidad limitada",
    "Sociedad por acciones simplificada",
    "Sociedade anónima", "Sociedade limitada", "SA de CV", "S de RL de CV", "S de RL",
    "SAPI de CV", "SAB de CV",
    # Italian
    "SpA", "SApA", "Società per azioni", "Società a responsabilità limitata",
    # Dutch, Nordic, Baltic, Central and Eastern Europe, Turkey, Greece
    "Besloten vennootschap", "Naamloze vennootschap", "Aktiebolag", "Aktieselskab", "Aksjeselskap",
    "Osakeyhtiö", "Oyj", "ApS", "ASA", "ehf", "UAB", "SIA", "OÜ", "Sp z oo", "Spółka akcyjna",
    "Spółka z ograniczoną odpowiedzialnością", "sro", "spol s ro", "doo", "dooel", "EOOD", "OOD",
    "EAD",
    "Kft", "Zrt", "Nyrt", "Anonim Şirketi", "Limited Şirketi", "Ltd Şti", "Şti", "Şirketi",
    "EPE", "ΑΕ", "ΕΠΕ", "ΙΚΕ",
    # Asia
    "Sdn Bhd", "Sendirian Berhad", "Bhd", "Berhad", "PT", "Tbk", "Kabushiki Kaisha", "Yugen Kaisha",
    "Godo Kaisha", "Cong ty", "TNHH", "Cong ty TNHH", "Youxian Gongsi", "Youxian Zeren Gongsi",
    "Gufen Youxian Gongsi",
    "有限公司", "有限责任公司", "有限責任公司", "股份有限公司", "公司", "株式会社", "有限会社",
    "合同会社", "주식회사", "유한회사",
    # Arabic, Persian
    "شركة", "ذ.م.م", "ش.م.م", "ش.م.ع", "ش.م.خ", "ش.م.ل", "ذات مسؤولية محدودة", "المحدودة", "محدودة",
    "شرکت", "سهامی خاص", "سهامی عام", "با مسئولیت محدود", "مسئولیت محدود", "Sahami Khas",
    "Sahami Am", "Sahami Aam",
)

# Short forms that are also words, initials or Arabic articles ("As-Sahab", "Ad-Dawa", "Ат-Тикрити",
# "Sá"): removed only in the run of legal forms that ends the name ("Acme A.Ş.", "Acme AS Ltd"),
# never at its start. Not "SE" (Societas Europaea): Korean given names end in "Se" ("PAK, Han Se").
_TRAILING_LEGAL_FORMS = (
    "AS", "A/S", "AD", "AE", "AB", "AG", "KG", "Oy", "BV", "NV", "CV", "LP", "DD", "OU",
    "hf", "KK", "GK", "SAS", "SL", "SAC", "SAA", "SNC", "SCA", "SCS", "CA", "IKE", "Sp k",
    "ASBL", "VZW", "АТ", "АД",
)

# Legal forms written without a space inside a CJK name: "华为技术有限公司" is "华为技术".
_CJK_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司",
    "株式会社", "有限会社", "合同会社", "주식회사", "유한회사",
)
_CJK_PREFIXES = ("株式会社", "有限会社", "合同会社", "주식회사", "유한회사")

# --- characters ----------------------------------------------------------------------------------

# Apostrophes and transliteration marks join what they separate: "People's" is "peoples", "Sa'id" is
# "said", "Rusʹ" is "rus". Tatweel (Arabic kashida) and invisible format characters are dropped too.
_DELETE = dict.fromkeys(map(ord, "'`´‘’‛ʹʺʻʼʽʾʿˈ\u0640"))

# Latin letters with no Unicode decomposition, and Arabic-script letters written several ways (as
# Lucene's Arabic and Persian normalisers fold them). Applied after casefolding and NFKD.
_LETTER_MAP = {
    "ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe",
    "ð": "d", "þ": "th", "ŀ": "l", "ƀ": "b", "ɨ": "i", "ʉ": "u",
    "\u0671": "\u0627",  # alef wasla -> alef (hamza and madda forms decompose to alef + mark)
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Farsi yeh -> yeh
    "\u06d2": "\u064a",  # yeh barree -> yeh
    "\u06a9": "\u0643",  # keheh (Persian kaf) -> kaf
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c1": "\u0647",  # heh goal -> heh
    "\u06d5": "\u0647",  # ae -> heh
}

# Initials written with dots are one word: "S.A." is "sa", "L.L.C." is "llc", "S.p.A." is "spa": a
# lone letter, a dot, and at once another lone letter. Not across a space: "U.M.V. S.A." gives
# "umv sa".
_INITIAL_DOT = re.compile(r"(?<![^\W_])([^\W\d_])\.(?=[^\W\d_](?![^\W_]))")

# Every ASCII character but a lower-case letter or a digit is a space between words of an ASCII
# name (one `str.translate`, then split()).
_ASCII_SPACES = {i: " " for i in range(128) if not ("a" <= chr(i) <= "z" or "0" <= chr(i) <= "9")}

# Scripts whose combining marks are accents or optional vowel points, so they go: Latin, Greek,
# Hebrew, Arabic. Cyrillic loses them too except the breve (й, ў stay; ё is е). Other scripts keep
# theirs: in Devanagari or Thai a mark is a vowel.
_DROP, _DROP_BUT_BREVE, _KEEP = 0, 1, 2


def _script_of(ch: str) -> int:
    o = ord(ch)
    if o < 0x0370 or 0x1D00 <= o < 0x1DC0 or 0x1E00 <= o < 0x2000 or 0x2C60 <= o < 0x2C80:
        return _DROP  # Latin (and Greek extended, 1F00-1FFF)
    if o < 0x0400:
        return _DROP  # Greek
    if o < 0x0530 or 0x1C80 <= o < 0x1C90 or 0x2DE0 <= o < 0x2E00 or 0xA640 <= o < 0xA6A0:
        return _DROP_BUT_BREVE  # Cyrillic
    if 0x0590 <= o < 0x0780 or 0x08A0 <= o < 0x0900 or 0xA720 <= o < 0xA800 or 0xAB30 <= o < 0xAB70:
        return _DROP  # Hebrew, Arabic, Syriac; Latin extended D and E
    if 0xFB00 <= o < 0xFE00 or 0xFE70 <= o < 0xFF00:
        return _DROP  # Latin ligatures, Hebrew and Arabic presentation forms
    return _KEEP


# What each character becomes, by kind: a letter or digit (its script's rule for the marks that
# follow: _DROP, _DROP_BUT_BREVE or _KEEP), a combining mark, an invisible character, a separator.
_MARK, _BREVE, _INVISIBLE, _SEPARATOR = 3, 4, 5, 6
_CHAR_CACHE: dict[str, tuple[str, int]] = {}


def _char_info(ch: str) -> tuple[str, int]:
    cat = unicodedata.category(ch)
    if cat[0] == "M":
        return "", _BREVE if ch == "\u0306" else _MARK
    if cat[0] == "L" or cat[0] == "N":
        if cat == "Nd" and not ch.isascii():
            ch = str(unicodedata.decimal(ch))  # Arabic-Indic, Persian, Devanagari digits: 0-9
        ch = _LETTER_MAP.get(ch, ch)
        return ch, _script_of(ch[0])
    if cat == "Cf":
        return "", _INVISIBLE  # zero-width joiners, soft hyphens, bidi marks: not separators
    return " ", _SEPARATOR


def _tokens_slow(text: str) -> list[str]:
    """Tokens of any text: NFKC, casefold, accents and punctuation out, script kept."""
    text = unicodedata.normalize("NFKC", text.translate(_DELETE)).casefold()
    text = _INITIAL_DOT.sub(r"\1", text.translate(_DELETE))
    out: list[str] = []
    marks = _DROP  # what the next combining mark does: it belongs to the last letter written
    cache = _CHAR_CACHE
    for ch in unicodedata.normalize("NFKD", text):
        info = cache.get(ch)
        if info is None:
            info = _char_info(ch)
            if len(cache) < 65536:
                cache[ch] = info
        new, kind = info
        if kind <= _KEEP:
            out.append(new)
            marks = kind
        elif kind == _MARK:
            if marks == _KEEP:
                out.append(ch)
        elif kind == _BREVE:
            if marks != _DROP:
                out.append(ch)
        elif kind == _SEPARATOR:
            out.append(" ")
            marks = _DROP
    return unicodedata.normalize("NFC", "".join(out)).split()


# Characters that show nothing and separate nothing, besides the Cf category (zero-width joiners,
# soft hyphens, bidi marks): the Hangul fillers and the Braille blank, which look like spaces.
_FILLERS = frozenset({0x3164, 0x115F, 0x1160, 0xFFA0, 0x2800})
_SCRIPTS_WITH_LOOKALIKES = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def _invisible(ch: str) -> bool:
    return ord(ch) in _FILLERS or unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str:
    """The Latin letter `ch` imitates ("р" -> "p"), or `ch` itself when it imitates none, from
    Unicode's confusables data. Imported only for a word that mixes scripts (about 50 ms)."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalpha():
                return glyph["c"]
    return ch


def _fold_lookalikes(word: str) -> str:
    """A word of Latin letters with some look-alikes of another script in it: the Latin word."""
    if not any(ch.isascii() and ch.isalpha() for ch in word):
        return word
    return "".join(
        _latin_lookalike(ch) if unicodedata.name(ch, "").startswith(_SCRIPTS_WITH_LOOKALIKES) else ch
        for ch in word
    )


def visible_text(name: str) -> str:
    """`name` without invisible and filler characters, its look-alike letters read as the Latin
    letters they imitate: the text keys and screening start from, so that a stored "Integrіty"
    (Cyrillic і) or "Acme\u3164Corp" meets "Integrity" and "Acme Corp"."""
    if name.isascii():
        return name
    words = _without_invisible(name).split()
    return " ".join(word if word.isascii() else _fold_lookalikes(word) for word in words)


def _without_invisible(text: str) -> str:
    """Invisible characters out; fillers, which show as blanks, become spaces."""
    return "".join(" " if ord(ch) in _FILLERS else ch for ch in text if ord(ch) in _FILLERS or not _invisible(ch))


def words(text: str) -> list[str]:
    """The words of a name as keys compare them: casefolded, accents and punctuation out, invisible
    characters out, look-alike letters read as Latin; other scripts keep their script."""
    if text.isascii():
        # The same result as _tokens_slow, several times faster; most names in lists are ASCII.
        text = text.lower().replace("'", "").replace("`", "")
        if "." in text:
            text = _INITIAL_DOT.sub(r"\1", text)
        return text.translate(_ASCII_SPACES).split()
    tokens = _tokens_slow(visible_text(text))
    # Look-alikes are read as written ("ZТE": a capital Т looks like T, a small т does not) and
    # again once accents are gone ("AcmeЁ" is "acmeе" first, then "acmee").
    return [t if t.isascii() else _fold_lookalikes(t).lower() for t in tokens]


@lru_cache(maxsize=2)
def _forms(latin_only: bool = False) -> dict[str, list[tuple[tuple[str, ...], bool]]]:
    """Legal forms by first token, longest first: (tokens, trailing_only).

    `latin_only`: the forms written in Latin letters (accents and letters such as "ł" aside), all
    that can stand in a name of ASCII words, read by the fast ASCII path of `words`. Reading the
    others (Cyrillic, Arabic, CJK…) character by character costs a lookup 3-10 ms, so they wait
    for a name that has a word in another script (tests/test_names.py checks both tables)."""
    by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for forms, trailing in ((_LEGAL_FORMS, False), (_TRAILING_LEGAL_FORMS, True)):
        for form in forms:
            latin = _latin_letters(form)
            if latin_only and not latin.isascii():
                continue
            toks = tuple(words(latin if latin.isascii() else form))
            by_first.setdefault(toks[0], []).append((toks, trailing))
    for options in by_first.values():
        options.sort(key=lambda o: (-len(o[0]), o[1]))
    return by_first


def _latin_letters(text: str) -> str:
    """`text` casefolded, accents off and Latin letters without a decomposition ("ł", "ø") read
    as `words` reads them: ASCII for a text in Latin letters."""
    if text.isascii():
        return text
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    return "".join(_LETTER_MAP.get(ch, ch) for ch in bare)


@lru_cache(maxsize=1)
def legal_form_words() -> frozenset[str]:
    """Every word of a legal form written in Latin letters ("joint", "stock", "co", "sa", "de"):
    screening weighs them little wherever they stand, since a form is not always written whole
    ("S. A. de C. V.", "Joint Stock Co.")."""
    return frozenset(t for options in _forms(True).values() for toks, _ in options for t in toks if t.isascii())


def _strip_cjk(token: str) -> str:
    if not (token.endswith(_CJK_SUFFIXES) or token.startswith(_CJK_PREFIXES)):
        return token
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_SUFFIXES:
            if token.endswith(suffix):
                if len(token) > len(suffix):
                    token, changed = token[: -len(suffix)], True
                break  # only the longest suffix that matches
        for prefix in _CJK_PREFIXES:
            rest = token[len(prefix) :]
            # A combining mark cannot start a word: "㍿\u0301" stays whole.
            if token.startswith(prefix) and rest and unicodedata.category(rest[0])[0] != "M":
                token, changed = rest, True
                break
    return token


def _strip_forms_once(tokens: list[str], latin_only: bool | None = None) -> list[str]:
    """`tokens` without one pass of legal forms; `latin_only`: whether every token is ASCII (None:
    not known, looked at here)."""
    forms = _forms(all(t.isascii() for t in tokens) if latin_only is None else latin_only)
    if forms.keys().isdisjoint(tokens):
        return tokens  # most names: no word starts a legal form
    spans: list[tuple[int, int, bool]] = []
    i, n = 0, len(tokens)
    while i < n:
        for toks, trailing in forms.get(tokens[i], ()):
            if tuple(tokens[i : i + len(toks)]) == toks:
                spans.append((i, i + len(toks), trailing))
                i += len(toks)
                break
        else:
            i += 1
    removed = [False] * n
    tail = n  # where the run of removed forms that ends the name begins
    for start, end, trailing in reversed(spans):
        if end == tail:
            tail = start
        elif trailing:
            continue
        removed[start:end] = [True] * (end - start)
    return [t for t, r in zip(tokens, removed, strict=True) if not r]


def strip_legal_forms(tokens: list[str], is_ascii: bool) -> list[str]:
    """`tokens` (from `words`) without the legal forms that stand as whole words."""
    if not is_ascii:
        tokens = [t if t.isascii() else _strip_cjk(t) for t in tokens]
    # Repeated until stable, so that the key of a key is itself; a name made only of legal forms
    # ("Co.", "Company Limited", "شركة") keeps them all.
    while True:
        kept = _strip_forms_once(tokens, True if is_ascii else None)
        if not kept or len(kept) == len(tokens):
            return tokens
        tokens = kept


# --- public API ----------------------------------------------------------------------------------


# The caches of `ascii_forms` and `name_keys` serve the names of one target or one list entry, met
# again within a few calls; an import resolves each distinct target once (core.EntityResolver).
# At 65,536 entries each they held ~52 MiB through the rest of the 200,000-event import (its peak:
# 234 MiB, 182 MiB with 4,096), for 10% of `name_keys` calls answered from the cache.
@lru_cache(maxsize=4096)
def ascii_forms(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the words of an ASCII name, the same without legal forms), read once for every key made
    from it: `normalize_name`, `person_key` and screening's `index_keys` (for an ASCII name its
    Latin words are these words) all start here, so a list import splits each name once."""
    tokens = tuple(words(name))
    return tokens, tuple(strip_legal_forms(list(tokens), True))


def normalize_name(name: str) -> str:
    """The order-preserving key of a name: "Integrity Technology Group, Incorporated" ->
    "integrity technology group"; "Société Générale S.A." -> "societe generale"; "" -> ""."""
    if not name:
        return ""
    if name.isascii():
        return " ".join(ascii_forms(name)[1])
    return " ".join(strip_legal_forms(words(name), False))


def person_key(name: str) -> str:
    """The key of a person's name, whatever the order of its parts: "YAKUBETS, Maksim Viktorovich"
    and "Maksim Viktorovich Yakubets" -> "maksim viktorovich yakubets". Legal forms are not removed:
    "Ao", "Sa" or "Co" can be name parts."""
    if not name:
        return ""
    return " ".join(sorted(ascii_forms(name)[0] if name.isascii() else words(name)))


_LOGOGRAPHIC = ("CJK UNIFIED", "CJK COMPATIBILITY", "HIRAGANA", "KATAKANA", "HANGUL")


def is_weak_key(key: str) -> bool:
    """True for a key that must never join two parties on its own: empty, or one word of four
    characters or fewer ("ast", "ofac", "2"). Han, kana and Hangul characters are syllables, not
    letters of an acronym: "华为" (Huawei) or "中兴" (ZTE) is a full name, weak only when it is
    one character."""
    parts = key.split()
    if len(parts) != 1:
        return not parts
    word = parts[0]
    if len(word) > 4:
        return False
    if all(unicodedata.name(ch, "").startswith(_LOGOGRAPHIC) for ch in word):
        return len(word) < 2
    return True



@lru_cache(maxsize=256)
def kind_class(kind: str | None) -> str | None:
    """What a kind can be merged with: "person", "vessel", "aircraft", "organization" (company,
    organization, government-body, group), or None when the kind is unknown. The spellings of the
    lists are understood too: "Individual", "Entity", "Organisation", "public_body", "Airplane"."""
    if not kind:
        return None
    return KIND_CLASSES.get(kind.strip().lower().replace("_", "-").replace(" ", "-"))


def kinds_compatible(a: str | None, b: str | None) -> bool:
    """May parties of kinds a and b be one entity? A person never merges with a company; an unknown
    kind merges with anything."""
    ca, cb = kind_class(a), kind_class(b)
    return ca is None or cb is None or ca == cb


@lru_cache(maxsize=4096)
def name_keys(name: str, kind: str | None) -> frozenset[str]:
    """The keys under which a name is stored and looked up. A person's name: its person key. A name
    of unknown kind: both keys, so that an unknown "YAKUBETS, Maksim" still meets the person. Any
    other kind: the order-preserving key. Empty keys are left out."""
    cls = kind_class(kind)
    if cls == "person":
        keys = {person_key(name)}
    elif cls is None:
        keys = {normalize_name(name), person_key(name)}
    else:
        keys = {normalize_name(name)}
    keys.discard("")
    return frozenset(keys)

"""Name keys (sanctrack.names): which names are one party, which keys never join on their own."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctrack.names import (
    words,
    _tokens_slow,
    is_weak_key,
    kind_class,
    kinds_compatible,
    name_keys,
    normalize_name,
    person_key,
)

# Groups of names that must give one key (normalize_name).
SAME_ORGANISATION = [
    pytest.param(
        [
            "Integrity Technology Group, Incorporated",
            "Integrity Technology Group Incorporated",
            "Integrity Technology Group",
            "INTEGRITY TECHNOLOGY GROUP, INC.",
            "Integrity  Technology\tGroup",
        ],
        "integrity technology group",
        id="brief-integrity",
    ),
    pytest.param(
        ["Société Générale", "Societe Generale", "SOCIÉTÉ GÉNÉRALE S.A.", "Société Générale SA"],
        "societe generale",
        id="accents-french-sa",
    ),
    pytest.param(
        [
            "Sichuan Anxun Information Technology Co., Ltd.",
            "Sichuan Anxun Information Technology Co Ltd",
            "Sichuan Anxun Information Technology Company Limited",
            "SICHUAN ANXUN INFORMATION TECHNOLOGY CO.,LTD",
            "Sichuan Anxun Information Technology",
        ],
        "sichuan anxun information technology",
        id="english-co-ltd",
    ),
    pytest.param(
        [
            "Acme Trading LLC",
            "Acme Trading L.L.C.",
            "Acme Trading Limited Liability Company",
            "Acme Trading, Inc.",
            "Acme Trading Corp.",
            "Acme Trading Corporation",
            "Acme Trading PLC",
            "Acme Trading Ltd",
            "Acme Trading Limited",
            "Acme Trading Company",
            "Acme Trading Co.",
        ],
        "acme trading",
        id="english-forms",
    ),
    pytest.param(
        [
            "Sberbank Rossii PJSC",
            "PJSC Sberbank Rossii",
            "Public Joint Stock Company Sberbank Rossii",
            "OAO Sberbank Rossii",
            "Sberbank Rossii JSC",
            "Sberbank Rossii, Open Joint-Stock Company",
        ],
        "sberbank rossii",
        id="russian-latin",
    ),
    pytest.param(
        [
            "ООО «Ромашка Плюс»",
            'Общество с ограниченной ответственностью "Ромашка Плюс"',
            "Ромашка Плюс ООО",
            "АО Ромашка Плюс",
            "ПАО «Ромашка Плюс»",
        ],
        "ромашка плюс",
        id="russian-cyrillic",
    ),
    pytest.param(
        [
            "Товариство з обмеженою відповідальністю «Укр Енерго»",
            "ТОВ Укр Енерго",
            "ПрАТ Укр Енерго",
        ],
        "укр енерго",
        id="ukrainian",
    ),
    pytest.param(
        [
            "Siemens Energy AG",
            "Siemens Energy Aktiengesellschaft",
            "Siemens Energy GmbH",
            "Siemens Energy Gesellschaft mit beschränkter Haftung",
            "Siemens Energy GmbH & Co. KG",
        ],
        "siemens energy",
        id="german",
    ),
    pytest.param(
        [
            "Fincantieri S.p.A.",
            "Fincantieri SpA",
            "Fincantieri Società per azioni",
            "Fincantieri S.r.l.",
        ],
        "fincantieri",
        id="italian",
    ),
    pytest.param(
        [
            "Petroleos Mexicanos S.A. de C.V.",
            "Petróleos Mexicanos, SA de CV",
            "Petróleos Mexicanos S. de R.L. de C.V.",
            "Petroleos Mexicanos Sociedad Anónima",
        ],
        "petroleos mexicanos",
        id="spanish",
    ),
    pytest.param(
        [
            "Mahan Air Tasimacilik A.Ş.",
            "Mahan Air Taşımacılık Anonim Şirketi",
            "Mahan Air Tasimacilik Ltd. Şti.",
        ],
        "mahan air tasimacilik",
        id="turkish",
    ),
    pytest.param(
        [
            "Maersk Tankers A/S",
            "Maersk Tankers AS",
            "Maersk Tankers ApS",
            "Maersk Tankers Aktieselskab",
        ],
        "maersk tankers",
        id="danish",
    ),
    pytest.param(
        [
            "Baltic Shipping UAB",
            "UAB Baltic Shipping",
            "SIA Baltic Shipping",
            "Baltic Shipping OÜ",
            "Baltic Shipping Sp. z o.o.",
            "Baltic Shipping s.r.o.",
        ],
        "baltic shipping",
        id="baltic-central-europe",
    ),
    pytest.param(
        [
            "PT Pertamina Trading",
            "Pertamina Trading Tbk",
            "Pertamina Trading Sdn. Bhd.",
            "Pertamina Trading Pte. Ltd.",
        ],
        "pertamina trading",
        id="south-east-asia",
    ),
    pytest.param(
        ["奇安信科技集团股份有限公司", "奇安信科技集团有限公司", "奇安信科技集团"],
        "奇安信科技集团",
        id="chinese",
    ),
    pytest.param(
        ["شركة الاتصالات المتقدمة ذ.م.م", "الاتصالات المتقدمة", "شركه الاتصالات المتقدمة"],
        "الاتصالات المتقدمه",
        id="arabic",
    ),
    pytest.param(
        ["شرکت ملی نفتکش ایران سهامی خاص", "ملی نفتکش ایران", "شركت ملي نفتكش ايران"],
        "ملي نفتكش ايران",
        id="persian",
    ),
    pytest.param(
        [
            "Bank of Kunlun",
            "BANK OF KUNLUN",
            "Bank-of-Kunlun",
            "  Bank of  Kunlun.  ",
            "Bank of “Kunlun”",
        ],
        "bank of kunlun",
        id="punctuation-spacing",
    ),
    pytest.param(
        ["People's Bank of Iran", "Peoples Bank of Iran", "People’s Bank of Iran"],
        "peoples bank of iran",
        id="apostrophes",
    ),
]


@pytest.mark.parametrize(("names", "key"), SAME_ORGANISATION)
def test_one_organisation_one_key(names, key):
    assert [normalize_name(n) for n in names] == [key] * len(names)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Co.", "co"),  # a legal form alone is the whole name: kept
        ("Company Limited", "company limited"),
        ("LLC", "llc"),
        ("شركة", "شركه"),
        ("有限公司", "有限公司"),
        ("", ""),
        ("   \t\n", ""),
        ("...", ""),
        ("Łódź Żółć Ørsted", "lodz zolc orsted"),
        ("Straße", "strasse"),
        ("ＡＣＭＥ　Ｈｏｌｄｉｎｇ", "acme holding"),  # full-width (NFKC)
        ("Inte\u00adgrity\u200b Tech", "integrity tech"),  # soft hyphen, zero-width space
        ("Пётр", "петр"),  # ё is е
        ("Андрей", "андрей"),  # й stays й
        ("Ελληνική Ναυτιλιακή Α.Ε.", "ελληνικη ναυτιλιακη"),
        ("नरेंद्र मोदी", "नरेंद्र मोदी"),  # Devanagari vowel signs kept
        ("أحمد", "احمد"),  # hamza forms of alef fold into alef
        ("١٢٣ Trading", "123 trading"),
        ("J.R.R. Tolkien", "jrr tolkien"),
        ("Inmobiliaria U.M.V. S.A.", "inmobiliaria umv"),  # initials stop at a space
        ("SERPROVIS S.A. SERVICIOS Y PROVISIONES", "serprovis servicios y provisiones"),
        (
            "As-Sahab Media Foundation",
            "as sahab media foundation",
        ),  # Arabic article, not Norwegian AS
        ("Acme Holding AS", "acme holding"),
        ("Central Intelligence Agency (CIA)", "central intelligence agency cia"),
        ("Limited Brands Company", "brands"),
    ],
)
def test_normalize_name(name, key):
    assert normalize_name(name) == key


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (
            [
                "YAKUBETS, Maksim Viktorovich",
                "Maksim Viktorovich Yakubets",
                "Yakubets Maksim Viktorovich",
                "maksim  YAKUBETS viktorovich",
            ],
            "maksim viktorovich yakubets",
        ),
        (["GUO, Jiakun", "Guo Jiakun", "Jiakun GUO"], "guo jiakun"),
        (["Якубец Максим Викторович", "Максим Викторович Якубец"], "викторович максим якубец"),
        (["AL-ZAWAHIRI, Ayman", "Ayman al-Zawahiri"], "al ayman zawahiri"),
    ],
)
def test_person_key_ignores_order(names, key):
    assert {person_key(n) for n in names} == {key}


def test_person_key_keeps_parts_that_look_like_legal_forms():
    assert person_key("AO, Co") == "ao co"
    assert person_key("") == ""


@pytest.mark.parametrize(
    ("key", "weak"),
    [
        ("", True),
        ("ast", True),
        ("ofac", True),
        ("2", True),
        ("co", True),
        ("ab c", False),
        ("kunlun", False),
        ("华为", False),  # Huawei: two syllables, a name, not an acronym
        ("中兴", False),
        ("华", True),
        ("삼성", False),
        ("شركه", True),
        ("奇安信科技集团", False),
    ],
)
def test_is_weak_key(key, weak):
    assert is_weak_key(key) is weak


def test_short_acronym_is_weak_after_normalisation():
    assert is_weak_key(normalize_name("A.S.T. Ltd."))
    assert is_weak_key(normalize_name("AST"))
    assert not is_weak_key(normalize_name("AST Holding Ltd"))


@pytest.mark.parametrize(
    ("name", "kind", "keys"),
    [
        ("YAKUBETS, Maksim Viktorovich", "person", {"maksim viktorovich yakubets"}),
        (
            "YAKUBETS, Maksim Viktorovich",
            None,
            {"yakubets maksim viktorovich", "maksim viktorovich yakubets"},
        ),
        ("Integrity Technology Group, Incorporated", "company", {"integrity technology group"}),
        ("Integrity Technology Group, Incorporated", "group", {"integrity technology group"}),
        (
            "Integrity Technology Group, Incorporated",
            None,
            {"integrity technology group", "group incorporated integrity technology"},
        ),
        ("Ministry of Foreign Affairs", "government-body", {"ministry of foreign affairs"}),
        ("MV Stellar Ace", "vessel", {"mv stellar ace"}),
        ("", "person", set()),
        ("  ", None, set()),
        ("奇安信科技集团", "company", {"奇安信科技集团"}),
    ],
)
def test_name_keys(name, kind, keys):
    assert name_keys(name, kind) == keys


def test_unknown_kind_meets_the_person():
    assert name_keys("YAKUBETS, Maksim", None) & name_keys("Maksim Yakubets", "person")


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("person", "person"),
        ("company", "organization"),
        ("organization", "organization"),
        ("government-body", "organization"),
        ("group", "organization"),
        ("vessel", "vessel"),
        ("aircraft", "aircraft"),
        ("Individual", "person"),
        (None, None),
        ("", None),
        ("spaceship", None),
    ],
)
def test_kind_class(kind, cls):
    assert kind_class(kind) == cls


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("person", "person", True),
        ("person", "company", False),
        ("company", "organization", True),
        ("company", "government-body", True),
        ("group", "company", True),
        ("vessel", "company", False),
        ("vessel", "aircraft", False),
        ("person", None, True),
        (None, "vessel", True),
        (None, None, True),
    ],
)
def test_kinds_compatible(a, b, ok):
    assert kinds_compatible(a, b) is ok
    assert kinds_compatible(b, a) is ok


def test_importing_names_loads_only_the_standard_library():
    code = (
        "import sys; before = set(sys.modules); import sanctrack.names; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new - {'sanctrack'} - set(sys.stdlib_module_names)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text())
def test_normalize_name_is_idempotent_and_total(text):
    key = normalize_name(text)
    assert normalize_name(key) == key
    assert key == key.strip() and "  " not in key
    assert person_key(person_key(text)) == person_key(text)


# Names assembled from legal forms, punctuation, articles and words: the stripping rules at work.
NAME_PARTS = st.sampled_from(
    [
        "Acme",
        "Kunlun",
        "As",
        "AS",
        "A/S",
        "S.A.",
        "SA",
        "de",
        "C.V.",
        "S.",
        "R.L.",
        "Co.",
        "Co",
        "Ltd",
        "LLC",
        "Inc.",
        "Company",
        "Limited",
        "GmbH",
        "&",
        "KG",
        "OOO",
        "ООО",
        "АО",
        "Sp.",
        "z",
        "o.o.",
        "y",
        "Cía",
        "Ltda",
        "Cía.",
        "Ş",
        "A.Ş.",
        "شركة",
        "ذ.م.م",
        "有限公司",
        "华为技术有限公司",
        "公司",
        "株式会社",
        "(",
        ")",
        ",",
        "-",
        "'",
        "é",
        "\u0301",
        "Joint",
        "Stock",
        "Public",
        "Open",
        "Ё",
        "ё",
        "ŀ",
        "ǅ",
        "İ",
        "ß",
        "١",
    ]
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(NAME_PARTS, max_size=8), st.sampled_from(["", " ", "-", "."]))
def test_normalize_name_is_idempotent_on_legal_forms(parts, sep):
    key = normalize_name(sep.join(parts))
    assert normalize_name(key) == key


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_general_path(text):
    assert words(text) == _tokens_slow(text)


def test_the_latin_table_of_legal_forms_is_the_full_tables_ascii_part():
    """An ASCII name is stripped of legal forms by the table of forms written in Latin letters
    only (the others cost a lookup milliseconds to read): each of its forms must read as `words`
    reads it, and every form left out must hold a word no ASCII name can have."""
    from sanctrack.names import _LEGAL_FORMS, _TRAILING_LEGAL_FORMS, _forms, _latin_letters, words

    latin, full = _forms(True), _forms(False)
    assert latin != full and set(latin) < set(full)
    for first, options in full.items():  # the full table's forms of ASCII words, in its order
        assert latin.get(first, []) == [o for o in options if all(t.isascii() for t in o[0])], first
    for form in (*_LEGAL_FORMS, *_TRAILING_LEGAL_FORMS):
        tokens = tuple(words(form))
        if _latin_letters(form).isascii():
            assert tokens in [toks for toks, _ in latin[tokens[0]]], form
        else:
            assert not all(t.isascii() for t in tokens), form
    assert ("spolka", "z", "ograniczona", "odpowiedzialnoscia") in [toks for toks, _ in latin["spolka"]]

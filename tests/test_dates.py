"""Tests of sanctrack.dates: every accepted form, every refusal, periods, the reference day."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from sanctrack.dates import PartialDate, parse_date, reference_day
from sanctrack.errors import DateError
from sanctrack.rules import as_of_day, lag_days, since_day, until_day

# A Wednesday, so that weekday forms land on different sides of it.
WEDNESDAY = date(2025, 1, 8)
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "expected_iso"),
    [
        # ISO forms, at each precision
        ("2025-01-03", "2025-01-03"),
        ("  2025-01-03\n", "2025-01-03"),
        ("2025-1-3", "2025-01-03"),
        ("2024-02-29", "2024-02-29"),
        ("2025-01", "2025-01"),
        ("2025-12", "2025-12"),
        ("2025", "2025"),
        ("1000", "1000"),
        ("9999-12-31", "9999-12-31"),
        # ISO datetimes keep the day as written
        ("2025-01-03T10:00:00Z", "2025-01-03"),
        ("2025-01-03t10:00:00z", "2025-01-03"),
        ("2025-01-03T23:59:59.123+05:30", "2025-01-03"),
        ("2025-01-03T00:00-0500", "2025-01-03"),
        ("2025-01-03 10:00", "2025-01-03"),
        # quarters
        ("2025q1", "2025-Q1"),
        ("2025Q2", "2025-Q2"),
        ("2025-Q3", "2025-Q3"),
        ("2025-q4", "2025-Q4"),
        ("2025 Q1", "2025-Q1"),
        ("2025   q2", "2025-Q2"),
        ("Q3 2025", "2025-Q3"),
        # day, month name, year
        ("3 Jan 2025", "2025-01-03"),
        ("03 January 2025", "2025-01-03"),
        ("3 JAN 2025", "2025-01-03"),
        ("3rd Jan 2025", "2025-01-03"),
        ("21st March 2024", "2024-03-21"),
        ("3 Jan. 2025", "2025-01-03"),
        ("3 Jan, 2025", "2025-01-03"),
        ("3-Jan-2025", "2025-01-03"),
        ("3 Sept 2024", "2024-09-03"),
        ("30 Sep 2024", "2024-09-30"),
        ("29 Feb 2024", "2024-02-29"),
        # month name, day, year
        ("January 3, 2025", "2025-01-03"),
        ("january 3 2025", "2025-01-03"),
        ("Jan 3, 2025", "2025-01-03"),
        ("Jan. 3, 2025", "2025-01-03"),
        ("May 1st, 2025", "2025-05-01"),
        ("December 31, 2024", "2024-12-31"),
        # month name and year: month precision, no invented day
        ("Jan 2025", "2025-01"),
        ("January 2025", "2025-01"),
        ("DECEMBER 2024", "2024-12"),
        ("Sept 2024", "2024-09"),
        ("may 2025", "2025-05"),
        ("Jan-2025", "2025-01"),
        # relative to the reference day
        ("today", "2025-01-08"),
        (" TODAY ", "2025-01-08"),
        ("yesterday", "2025-01-07"),
        ("0 days ago", "2025-01-08"),
        ("1 day ago", "2025-01-07"),
        ("1 days ago", "2025-01-07"),
        ("10 days ago", "2024-12-29"),
        ("1 week ago", "2025-01-01"),
        ("2 weeks ago", "2024-12-25"),
        ("1 month ago", "2024-12-08"),
        ("3 months ago", "2024-10-08"),
        ("12 months ago", "2024-01-08"),
        ("1 year ago", "2024-01-08"),
        ("2 Years  Ago", "2023-01-08"),
        ("last month", "2024-12"),
        ("this month", "2025-01"),
        ("last year", "2024"),
        ("this year", "2025"),
        # weekdays: the latest on or before the reference day, which counts itself
        ("wednesday", "2025-01-08"),
        ("wed", "2025-01-08"),
        ("tuesday", "2025-01-07"),
        ("tue", "2025-01-07"),
        ("tues", "2025-01-07"),
        ("monday", "2025-01-06"),
        ("mon", "2025-01-06"),
        ("sunday", "2025-01-05"),
        ("sun", "2025-01-05"),
        ("saturday", "2025-01-04"),
        ("sat", "2025-01-04"),
        ("friday", "2025-01-03"),
        ("Fri", "2025-01-03"),
        ("fri.", "2025-01-03"),
        ("thursday", "2025-01-02"),
        ("thu", "2025-01-02"),
        ("thurs", "2025-01-02"),
        # "last <weekday>": strictly before the reference day
        ("last friday", "2025-01-03"),
        ("last fri", "2025-01-03"),
        ("last tuesday", "2025-01-07"),
        ("last wednesday", "2025-01-01"),
        ("Last  Wed", "2025-01-01"),
        # numeric day and month where only one reading exists
        ("13/04/2025", "2025-04-13"),
        ("13.04.2025", "2025-04-13"),
        ("13-4-2025", "2025-04-13"),
        ("31/12/2024", "2024-12-31"),
        ("04/13/2025", "2025-04-13"),
    ],
)
def test_parse_date_accepts(text: str, expected_iso: str) -> None:
    assert parse_date(text, today=WEDNESDAY).iso == expected_iso


@pytest.mark.parametrize(
    ("text", "expected_precision"),
    [
        ("2025", "year"),
        ("this year", "year"),
        ("2025-Q1", "quarter"),
        ("2025-01", "month"),
        ("Jan 2025", "month"),
        ("last month", "month"),
        ("2025-01-03", "day"),
        ("3 Jan 2025", "day"),
        ("3 months ago", "day"),
        ("friday", "day"),
        ("2025-01-03T10:00:00Z", "day"),
    ],
)
def test_parse_date_keeps_precision(text: str, expected_precision: str) -> None:
    assert parse_date(text, today=WEDNESDAY).precision == expected_precision


@pytest.mark.parametrize(
    ("text", "reference", "expected_iso"),
    [
        # months and years ago clamp the day to the end of a shorter month
        ("1 month ago", date(2025, 3, 31), "2025-02-28"),
        ("1 month ago", date(2024, 3, 31), "2024-02-29"),
        ("1 month ago", date(2025, 5, 31), "2025-04-30"),
        ("13 months ago", date(2025, 3, 31), "2024-02-29"),
        ("1 year ago", date(2024, 2, 29), "2023-02-28"),
        ("4 years ago", date(2024, 2, 29), "2020-02-29"),
        # across a year boundary
        ("last month", date(2025, 1, 1), "2024-12"),
        ("this month", date(2024, 12, 31), "2024-12"),
        ("last year", date(2025, 1, 1), "2024"),
        ("yesterday", date(2025, 1, 1), "2024-12-31"),
        ("yesterday", date(2024, 3, 1), "2024-02-29"),
        # on a Friday, "friday" is that day and "last friday" the week before
        ("friday", date(2025, 1, 10), "2025-01-10"),
        ("last friday", date(2025, 1, 10), "2025-01-03"),
        ("saturday", date(2025, 1, 10), "2025-01-04"),
    ],
)
def test_relative_forms_edge_cases(text: str, reference: date, expected_iso: str) -> None:
    assert parse_date(text, today=reference).iso == expected_iso


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        # nothing to read
        ("", "empty date"),
        ("   ", "empty date"),
        # ambiguous numeric day and month
        ("03/04/2025", "ambiguous date '03/04/2025'"),
        ("3-4-2025", "ambiguous date '3-4-2025'"),
        ("03.04.2025", "ambiguous date '03.04.2025'"),
        ("12/12/2025", "ambiguous date"),
        ("13/04/25", "ambiguous date"),
        ("3/4/25", "ambiguous date"),
        # impossible dates
        ("2025-02-30", "impossible date '2025-02-30'"),
        ("2025-02-29", "impossible date"),
        ("2025-04-31", "impossible date"),
        ("2025-13", "impossible date '2025-13'"),
        ("2025-00", "impossible date"),
        ("2025-01-00", "impossible date"),
        ("2025-01-32", "impossible date"),
        ("2025q5", "impossible date"),
        ("2025-Q0", "impossible date"),
        ("2025 Q12", "impossible date"),
        ("31 Feb 2025", "impossible date"),
        ("0 Jan 2025", "impossible date"),
        ("Feb 30, 2024", "impossible date"),
        ("31/02/2025", "impossible date"),
        ("32/01/2025", "impossible date"),
        ("13/13/2025", "impossible date"),
        ("00/04/2025", "impossible date"),
        ("13/00/2025", "impossible date"),
        ("2025-01-03T25:00:00Z", "impossible date"),
        ("2025-01-03T10:60", "impossible date"),
        ("2025-02-30T10:00:00Z", "impossible date"),
        # years outside 1000..9999
        ("0999", "out of range"),
        ("0999-12-31", "out of range"),
        ("12025", "out of range"),
        ("10000-01-01", "out of range"),
        ("3 Jan 0999", "out of range"),
        ("5000 years ago", "out of range"),
        ("99999 months ago", "out of range"),
        ("99999999999 days ago", "out of range"),
        ("9" * 5000 + " weeks ago", "out of range"),
        # not dates at all, or forms we do not read
        ("xyz", "cannot read date 'xyz'"),
        ("tomorrow", "cannot read date"),
        ("next friday", "cannot read date"),
        ("last week", "cannot read date"),
        ("3 Foo 2025", "cannot read date"),
        ("2025/01/03", "cannot read date"),
        ("20250103", "cannot read date"),
        ("25", "cannot read date"),
        ("2025-01-03-04", "cannot read date"),
        ("3 days", "cannot read date"),
        ("-3 days ago", "cannot read date"),
        ("\u0663 days ago", "cannot read date"),  # Arabic-Indic digit three
        ("03/04-2025", "cannot read date"),
    ],
)
def test_parse_date_refuses(text: str, message_part: str) -> None:
    with pytest.raises(DateError, match=message_part) as caught:
        parse_date(text, today=WEDNESDAY)
    assert caught.value.hint, "every refusal should come with a hint"


def test_ambiguous_message_shows_both_readings_and_accepted_forms() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("03/04/2025", today=WEDNESDAY)
    message = caught.value.message
    assert "3 Apr 2025" in message and "4 Mar 2025" in message
    assert "2025-04-03" in message and "2025-03-04" in message


def test_unreadable_message_lists_accepted_forms() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("xyz", today=WEDNESDAY)
    assert str(caught.value) == "cannot read date 'xyz'"
    assert "2025-01-03" in caught.value.hint and "3 Jan 2025" in caught.value.hint


def test_error_message_stays_on_one_line() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("2025\n01", today=WEDNESDAY)
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("partial", "start", "end"),
    [
        (PartialDate(2025), date(2025, 1, 1), date(2025, 12, 31)),
        (PartialDate(2024, quarter=1), date(2024, 1, 1), date(2024, 3, 31)),
        (PartialDate(2025, quarter=2), date(2025, 4, 1), date(2025, 6, 30)),
        (PartialDate(2025, quarter=3), date(2025, 7, 1), date(2025, 9, 30)),
        (PartialDate(2025, quarter=4), date(2025, 10, 1), date(2025, 12, 31)),
        (PartialDate(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
        (PartialDate(2025, 2), date(2025, 2, 1), date(2025, 2, 28)),
        (PartialDate(2025, 4), date(2025, 4, 1), date(2025, 4, 30)),
        (PartialDate(2025, 12), date(2025, 12, 1), date(2025, 12, 31)),
        (PartialDate(2025, 1, 3), date(2025, 1, 3), date(2025, 1, 3)),
        (PartialDate(2024, 2, 29), date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_start_and_end_of_each_precision(partial: PartialDate, start: date, end: date) -> None:
    assert partial.start == start
    assert partial.end == end


@pytest.mark.parametrize(
    ("partial", "iso", "precision"),
    [
        (PartialDate(2025), "2025", "year"),
        (PartialDate(2025, quarter=1), "2025-Q1", "quarter"),
        (PartialDate(2025, 1), "2025-01", "month"),
        (PartialDate(2025, 1, 3), "2025-01-03", "day"),
    ],
)
def test_iso_str_and_precision(partial: PartialDate, iso: str, precision: str) -> None:
    assert partial.iso == iso
    assert str(partial) == iso
    assert partial.precision == precision
    assert PartialDate.from_iso(iso) == partial


def test_partial_dates_are_equal_by_value_hashable_and_not_ordered() -> None:
    assert PartialDate(2025, 1) == PartialDate(2025, 1)
    assert PartialDate(2025, 1) != PartialDate(2025, 1, 1)
    assert len({PartialDate(2025), PartialDate(2025), PartialDate(2025, quarter=1)}) == 2
    with pytest.raises(TypeError):
        PartialDate(2025) < PartialDate(2026)  # noqa: B015 - the comparison itself must fail


@pytest.mark.parametrize(
    "fields",
    [
        {"year": 2025, "month": 13},
        {"year": 2025, "month": 0},
        {"year": 2025, "month": 2, "day": 29},
        {"year": 2025, "day": 3},
        {"year": 2025, "quarter": 5},
        {"year": 2025, "month": 1, "quarter": 1},
        {"year": 999},
        {"year": 10000},
    ],
)
def test_partial_date_refuses_impossible_fields(fields: dict) -> None:
    with pytest.raises(DateError):
        PartialDate(**fields)


@pytest.mark.parametrize(
    "text",
    [
        "2025q1",
        "2025-q1",
        "2025 Q1",
        "2025-1",
        "2025-01-3",
        " 2025",
        "2025-01-03T10:00:00Z",
        "Jan 2025",
        "today",
        "",
        "2025-Q5",
        "2025-02-30",
        "2025-13",
        "0999",
        "\u0662\u0660\u0662\u0665",  # 2025 in Arabic-Indic digits
    ],
)
def test_from_iso_is_strict(text: str) -> None:
    with pytest.raises(DateError):
        PartialDate.from_iso(text)


@pytest.mark.parametrize("value", [None, 2025, b"2025"])
def test_from_iso_refuses_non_text(value: object) -> None:
    with pytest.raises(DateError):
        PartialDate.from_iso(value)  # type: ignore[arg-type]


def test_reference_day_prefers_option_then_environment_then_today(monkeypatch) -> None:
    monkeypatch.setenv("SANCTRACK_TODAY", "2025-01-08")
    assert reference_day() == date(2025, 1, 8)
    assert reference_day("2024-06-01") == date(2024, 6, 1)
    monkeypatch.setenv("SANCTRACK_TODAY", "")
    assert reference_day() == date.today()
    monkeypatch.delenv("SANCTRACK_TODAY")
    assert reference_day() == date.today()


def test_reference_day_reads_relative_forms_against_the_real_today(monkeypatch) -> None:
    monkeypatch.setenv("SANCTRACK_TODAY", "2000-01-01")
    real_today = date.today()
    assert reference_day("today") == real_today
    assert reference_day("3 Jan 2025") == date(2025, 1, 3)


@pytest.mark.parametrize("value", ["2025-01", "2025", "2025-Q1", "last month"])
def test_reference_day_must_be_a_whole_date(monkeypatch, value: str) -> None:
    monkeypatch.delenv("SANCTRACK_TODAY", raising=False)
    with pytest.raises(DateError, match="the reference day must be a whole date"):
        reference_day(value)
    monkeypatch.setenv("SANCTRACK_TODAY", value)
    expected = r"the reference day must be a whole date: \$SANCTRACK_TODAY"
    with pytest.raises(DateError, match=expected):
        reference_day()


def test_reference_day_names_where_a_bad_value_came_from(monkeypatch) -> None:
    monkeypatch.setenv("SANCTRACK_TODAY", "soon")
    with pytest.raises(DateError, match=r"cannot read date 'soon' \(in \$SANCTRACK_TODAY\)"):
        reference_day()
    with pytest.raises(DateError, match=r"\(in --today\)"):
        reference_day("03/04/2025")


def test_parse_date_uses_the_environment_reference_day(monkeypatch) -> None:
    monkeypatch.setenv("SANCTRACK_TODAY", "2025-01-08")
    assert parse_date("yesterday").iso == "2025-01-07"
    assert parse_date("friday").iso == "2025-01-03"


def test_absolute_dates_do_not_need_a_valid_reference_day(monkeypatch) -> None:
    monkeypatch.setenv("SANCTRACK_TODAY", "not a date")
    assert parse_date("2025-01-03").iso == "2025-01-03"
    with pytest.raises(DateError, match="SANCTRACK_TODAY"):
        parse_date("yesterday")


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        (PartialDate(2025, 1, 3), PartialDate(2025, 1, 3), 0),
        (PartialDate(2025, 1, 3), PartialDate(2025, 2, 3), 31),
        (PartialDate(2024, 2, 28), PartialDate(2024, 3, 1), 2),
        (PartialDate(2024), PartialDate(2025, 1), 366),
        (PartialDate(2025, quarter=1), PartialDate(2025, quarter=2), 90),
        (PartialDate(2025, 2, 1), PartialDate(2025, 1, 3), -29),
        (PartialDate(2025, 1, 3), PartialDate(2025, 1), 0),  # its period holds the day: on the day
        (PartialDate(2025, 1, 3), PartialDate(2024, 12), -33),
    ],
)
def test_lag_days(earlier: PartialDate, later: PartialDate, days: int) -> None:
    """rules.lag_days, from dates as the store keeps them (first and last day of each period)."""
    start, end = later.start.isoformat(), later.end.isoformat()
    assert lag_days(earlier.start.isoformat(), start, end) == days


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-06", date(2025, 6, 1), date(2025, 6, 30)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2025-01-03", date(2025, 1, 3), date(2025, 1, 3)),
        ("last month", date(2024, 12, 1), date(2024, 12, 31)),
        ("friday", date(2025, 1, 3), date(2025, 1, 3)),
    ],
)
def test_since_and_until_are_inclusive_bounds(text: str, since: date, until: date) -> None:
    assert since_day(parse_date(text, today=WEDNESDAY)) == since.isoformat()
    assert until_day(parse_date(text, today=WEDNESDAY)) == until.isoformat()


@pytest.mark.parametrize(
    ("text", "as_of", "since", "until"),
    [
        ("2020q3", "2020-09-30", "2020-07-01", "2020-09-30"),
        ("2020", "2020-12-31", "2020-01-01", "2020-12-31"),
        ("2024-02", "2024-02-29", "2024-02-01", "2024-02-29"),
        ("2020-08-15", "2020-08-15", "2020-08-15", "2020-08-15"),
    ],
)
def test_one_meaning_for_a_partial_date_in_every_view(text, as_of, since, until) -> None:
    """A state "as of" a period is its last day, the day a window `--until` it ends on; a window
    `--since` it starts on its first day (rules.py)."""
    date = parse_date(text, today=WEDNESDAY)
    assert (as_of_day(date), since_day(date), until_day(date)) == (as_of, since, until)


def test_since_and_until_refuse_bad_dates() -> None:
    with pytest.raises(DateError):
        parse_date("03/04/2025", today=WEDNESDAY)
    with pytest.raises(DateError):
        parse_date("2025-13", today=WEDNESDAY)


def test_importing_dates_does_not_import_dateutil() -> None:
    # Start-up time matters: every command imports this module.
    probe = "import sys, sanctrack.dates; print('dateutil' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- properties --------------------------------------------------------------------------------

SUPPORTED_DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@st.composite
def partial_dates(draw) -> PartialDate:
    day = draw(SUPPORTED_DAYS)
    precision = draw(st.sampled_from(["year", "quarter", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "quarter":
        return PartialDate(day.year, quarter=(day.month - 1) // 3 + 1)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


# Pieces of real date forms, so that random text often comes close to something readable.
DATE_FRAGMENTS = st.sampled_from(
    [
        "0", "1", "12", "13", "29", "31", "00", "2025", "0999", "9999", "99999", "2024",
        "-", "/", ".", " ", ",", ":", "t", "z", "+", "q", "Q", "st", "th",
        "jan", "feb", "sept", "december", "ago", "day", "days", "weeks", "months", "years",
        "last", "this", "month", "year", "today", "yesterday", "fri", "friday", "\u0663",
    ]
)  # fmt: skip
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)


@SETTINGS
@given(SUPPORTED_DAYS)
def test_iso_days_round_trip(day: date) -> None:
    partial = parse_date(day.isoformat(), today=WEDNESDAY)
    assert partial == PartialDate(day.year, day.month, day.day)
    assert partial.start == partial.end == day
    assert PartialDate.from_iso(partial.iso) == partial


@SETTINGS
@given(partial_dates())
def test_partial_dates_round_trip_and_span_their_period(partial: PartialDate) -> None:
    assert PartialDate.from_iso(partial.iso) == partial
    assert parse_date(partial.iso, today=WEDNESDAY) == partial
    assert partial.start <= partial.end
    assert since_day(parse_date(partial.iso, today=WEDNESDAY)) == partial.start.isoformat()
    assert until_day(parse_date(partial.iso, today=WEDNESDAY)) == partial.end.isoformat()


@SETTINGS
@given(st.text())
def test_any_text_is_a_date_or_a_date_error(text: str) -> None:
    try:
        result = parse_date(text, today=WEDNESDAY)
    except DateError as err:
        assert err.message
    else:
        assert isinstance(result, PartialDate)


@SETTINGS
@given(st.lists(DATE_FRAGMENTS, max_size=6).map("".join), SUPPORTED_DAYS)
def test_near_dates_are_a_date_or_a_date_error(text: str, reference: date) -> None:
    try:
        result = parse_date(text, today=reference)
    except DateError as err:
        assert err.message
    else:
        assert isinstance(result, PartialDate)
        assert 1000 <= result.year <= 9999

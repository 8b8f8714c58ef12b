"""Reading dates: the one place in sanctrack where text becomes a date (and where the clock is
read for a timestamp: `utc_timestamp`).

Dates in sanctions work are often partial ("in January 2025", "in 2024"), so a date here is a
`PartialDate` that keeps its precision (year, quarter, month or day) instead of padding it into a
fake day. Relative forms ("yesterday", "friday", "3 months ago") are read against a reference day
that `--today` or `$SANCTRACK_TODAY` can fix, so that output is reproducible.

Every failure is a `DateError` with a message that says what was wrong and shows a form that works.
Only the standard library is used: importing this module must stay cheap, and the textual forms we
accept are few enough that small regular expressions read them more predictably than dateutil.
"""

from __future__ import annotations

import calendar
import datetime
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from sanctrack.errors import DateError

MIN_YEAR = 1000
MAX_YEAR = 9999
TODAY_ENV_VAR = "SANCTRACK_TODAY"

ACCEPTED_FORMS_HINT = (
    "accepted forms: 2025-01-03; 2025-01; 2025; 2025-Q1; 3 Jan 2025; January 3, 2025; Jan 2025; "
    "today; yesterday; 3 days ago; 2 weeks ago; last month; this year; friday; last friday"
)
STORED_FORMS_HINT = "stored dates look like 2025, 2025-01, 2025-01-03 or 2025-Q1"

PRECISION_YEAR = "year"
PRECISION_QUARTER = "quarter"
PRECISION_MONTH = "month"
PRECISION_DAY = "day"

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_MONTH_NUMBERS = {
    "jan": 1, "january": 1,
    "feb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

# Monday is 0, as in datetime.date.weekday().
_WEEKDAY_NUMBERS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date known to the year, quarter, month or day; never padded into a more precise one.

    Not orderable on purpose: "2025-01" is neither before nor after "2025-01-03". Sort by
    `start`, which places a partial date at the start of its period.
    """

    year: int
    month: int | None = None
    day: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        for name in ("year", "month", "day", "quarter"):
            value = getattr(self, name)
            # bool is an int subclass, but True as a month is always a bug.
            if (value is not None or name == "year") and (
                not isinstance(value, int) or isinstance(value, bool)
            ):
                raise TypeError(f"PartialDate.{name} must be an int, not {value!r}")
        _raise_if_invalid(self._fields_text(), self.year, self.month, self.day, self.quarter)

    def _fields_text(self) -> str:
        parts = [f"year={self.year}"]
        parts += [
            f"{name}={getattr(self, name)}"
            for name in ("month", "day", "quarter")
            if getattr(self, name) is not None
        ]
        return "(" + ", ".join(parts) + ")"

    @property
    def precision(self) -> str:
        if self.day is not None:
            return PRECISION_DAY
        if self.month is not None:
            return PRECISION_MONTH
        if self.quarter is not None:
            return PRECISION_QUARTER
        return PRECISION_YEAR

    @property
    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.iso

    @property
    def start(self) -> datetime.date:
        """The first day of the period."""
        first_month, _ = self._month_span()
        return datetime.date(self.year, first_month, self.day or 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        _, last_month = self._month_span()
        last_day = self.day or calendar.monthrange(self.year, last_month)[1]
        return datetime.date(self.year, last_month, last_day)

    def _month_span(self) -> tuple[int, int]:
        if self.month is not None:
            return self.month, self.month
        if self.quarter is not None:
            return 3 * self.quarter - 2, 3 * self.quarter
        return 1, 12

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Read a date in exactly the stored forms (`2025`, `2025-01`, `2025-01-03`, `2025-Q1`).

        Strict on purpose: the store and sanctrack's own files only ever hold these forms, so
        anything else there is damage to report, not input to interpret.
        """
        if not isinstance(text, str):
            raise DateError(f"not a date: {text!r}", hint=STORED_FORMS_HINT)
        match = _STORED_FORM.fullmatch(text)
        if match is None:
            raise DateError(f"not a stored date: {_quote(text)}", hint=STORED_FORMS_HINT)
        year, month, day, quarter = (None if part is None else int(part) for part in match.groups())
        return _checked_date(text, year, month, day, quarter)


# --- validation --------------------------------------------------------------------------------


def _raise_if_invalid(
    shown: str, year: int, month: int | None, day: int | None, quarter: int | None
) -> None:
    """Raise DateError if these fields do not name a real period; `shown` is what the user wrote."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _out_of_range(shown)
    problem = None
    if quarter is not None and (month is not None or day is not None):
        problem = "a quarter cannot also have a month or day"
    elif quarter is not None and not 1 <= quarter <= 4:
        problem = f"there is no quarter {quarter}"
    elif day is not None and month is None:
        problem = "a day needs a month"
    elif month is not None and not 1 <= month <= 12:
        problem = f"there is no month {month}"
    elif day is not None:
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            problem = f"{_MONTH_NAMES[month - 1]} {year} has {days_in_month} days"
    if problem is not None:
        raise DateError(
            f"impossible date {shown}: {problem}", hint="write a real date such as 2025-01-03"
        )


def _checked_date(
    text: str,
    year: int,
    month: int | None = None,
    day: int | None = None,
    quarter: int | None = None,
) -> PartialDate:
    """A PartialDate from parsed fields, or a DateError that quotes the text the user wrote."""
    _raise_if_invalid(_quote(text), year, month, day, quarter)
    return PartialDate(year, month, day, quarter)


def _day_date(text: str, day: datetime.date) -> PartialDate:
    return _checked_date(text, day.year, day.month, day.day)


def _quote(text: str) -> str:
    """The user's text for an error message, kept short and on one line."""
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'" if text.isprintable() else repr(text)


def _out_of_range(shown: str) -> DateError:
    return DateError(
        f"date out of range {shown}: years {MIN_YEAR} to {MAX_YEAR} are accepted",
        hint="write a year such as 2025",
    )


# --- the forms parse_date accepts --------------------------------------------------------------
# Each pattern is matched in full against the text lower-cased with its runs of whitespace made
# single spaces. re.ASCII keeps \d to 0-9: int() would otherwise accept other scripts' digits.


class _LazyPattern:
    """A regex compiled on first use: compiling them all at import would slow every command."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str):
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.ASCII)
        return self._compiled.fullmatch(text)


def _alternatives(names: dict[str, int]) -> str:
    # Longest first, so that "sept" is not read as "sep" followed by a stray "t".
    return "|".join(sorted(names, key=len, reverse=True))


_MONTH = f"(?P<month_name>{_alternatives(_MONTH_NUMBERS)})\\.?"
_ORDINAL = "(?:st|nd|rd|th)?"

_STORED_FORM = _LazyPattern(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q(\d))?")

# Up to six digits so that 12025-01-01 gets "out of range", not "cannot read".
_ISO_DATE = _LazyPattern(r"(?P<year>\d{4,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")
_ISO_DATETIME = _LazyPattern(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[t ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?:z|[+-]\d{2}(?::?\d{2})?)?"
)
_QUARTER = _LazyPattern(
    r"(?P<year>\d{4})[ -]?q(?P<quarter>\d{1,2})|q(?P<quarter2>\d{1,2})[ -]?(?P<year2>\d{4})"
)
# Day and month as numbers, in either order: only read when the numbers leave no doubt.
_NUMERIC_DAY_MONTH = _LazyPattern(
    r"(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{1,4})"
)
_DAY_MONTH_YEAR = _LazyPattern(rf"(?P<day>\d{{1,2}}){_ORDINAL}[ -]{_MONTH},?[ -](?P<year>\d{{4}})")
_MONTH_DAY_YEAR = _LazyPattern(rf"{_MONTH} (?P<day>\d{{1,2}}){_ORDINAL},? (?P<year>\d{{4}})")
_MONTH_YEAR = _LazyPattern(rf"{_MONTH},?[ -](?P<year>\d{{4}})")
_UNITS_AGO = _LazyPattern(r"(?P<count>\d+) (?P<unit>day|week|month|year)s? ago")
_THIS_OR_LAST = _LazyPattern(r"(?P<which>this|last) (?P<period>month|year)")
_WEEKDAY = _LazyPattern(rf"(?P<last>last )?(?P<weekday>{_alternatives(_WEEKDAY_NUMBERS)})\.?")

ReferenceGetter = Callable[[], datetime.date]


def _read_iso_date(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    month, day = match["month"], match["day"]
    return _checked_date(
        text,
        int(match["year"]),
        None if month is None else int(month),
        None if day is None else int(day),
    )


def _read_iso_datetime(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    # The date is kept as written, in the writer's time zone: a statement stamped
    # 2025-01-03T23:00-05:00 was made on 3 January where it was made, as an article would report.
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    if hour > 23 or minute > 59 or second > 60:  # 60: a leap second is a real time
        raise DateError(
            f"impossible date {_quote(text)}: there is no time {match['hour']}:{match['minute']}",
            hint="write it as 2025-01-03 or 2025-01-03T10:00:00Z",
        )
    return _checked_date(text, int(match["year"]), int(match["month"]), int(match["day"]))


def _read_quarter(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    year = match["year"] or match["year2"]
    quarter = match["quarter"] or match["quarter2"]
    return _checked_date(text, int(year), quarter=int(quarter))


def _read_numeric_day_month(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    first, second, year_digits = int(match["first"]), int(match["second"]), match["year"]
    if len(year_digits) != 4:
        raise DateError(
            f"ambiguous date {_quote(text)}: write the year in full, as in 2025-01-03",
            hint=ACCEPTED_FORMS_HINT,
        )
    year = int(year_digits)
    if first > 12 and second > 12:
        raise DateError(
            f"impossible date {_quote(text)}: {_neither_can_be_a_month(first, second)}",
            hint="write it as 2025-01-03 or 3 Jan 2025",
        )
    if first > 12:  # only day/month/year makes sense
        return _checked_date(text, year, month=second, day=first)
    if second > 12:  # only month/day/year makes sense
        return _checked_date(text, year, month=first, day=second)
    if first == 0 or second == 0:
        raise DateError(
            f"impossible date {_quote(text)}: there is no day or month 0",
            hint="write it as 2025-01-03 or 3 Jan 2025",
        )
    # Both numbers could be the month: 03/04/2025 is 3 April in Europe and 4 March in the US.
    day_first = _checked_date(text, year, month=second, day=first)
    if first == second:
        message = (
            f"ambiguous date {_quote(text)}: write it as {day_first.iso} or {_textual(day_first)}"
        )
    else:
        month_first = _checked_date(text, year, month=first, day=second)
        message = (
            f"ambiguous date {_quote(text)}: "
            f"is it {_textual(day_first)} or {_textual(month_first)}? "
            f"write it as {day_first.iso} or {month_first.iso}"
        )
    raise DateError(message, hint="sanctrack does not guess the order of day and month")


def _neither_can_be_a_month(first: int, second: int) -> str:
    if first == second:
        return f"{first} cannot be a month"
    return f"neither {first} nor {second} can be a month"


def _textual(date: PartialDate) -> str:
    """The unambiguous `3 Jan 2025` form of a day, for messages."""
    return f"{date.day} {_MONTH_NAMES[date.month - 1][:3]} {date.year}"


def _read_day_month_year(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    month = _MONTH_NUMBERS[match["month_name"]]
    return _checked_date(text, int(match["year"]), month, int(match["day"]))


def _read_month_year(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    return _checked_date(text, int(match["year"]), _MONTH_NUMBERS[match["month_name"]])


def _read_today(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    return _day_date(text, reference())


def _read_yesterday(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    return _days_before(text, reference(), 1)


def _read_units_ago(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    digits = match["count"]
    # A count this long is out of range whatever the unit; checking first keeps int() cheap.
    if len(digits.lstrip("0")) > 7:
        raise _out_of_range(_quote(text))
    count, unit = int(digits), match["unit"]
    if unit == "day":
        return _days_before(text, reference(), count)
    if unit == "week":
        return _days_before(text, reference(), 7 * count)
    months = count if unit == "month" else 12 * count
    return _months_before(text, reference(), months)


def _read_this_or_last(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    day = reference()
    back = 1 if match["which"] == "last" else 0
    if match["period"] == "year":
        return _checked_date(text, day.year - back)
    month_index = day.year * 12 + day.month - 1 - back
    return _checked_date(text, month_index // 12, month_index % 12 + 1)


def _read_weekday(
    text: str, match: re.Match[str], reference: ReferenceGetter
) -> PartialDate:
    day = reference()
    wanted = _WEEKDAY_NUMBERS[match["weekday"]]
    if match["last"]:
        # "last friday" is the Friday strictly before the reference day, a week back on a Friday.
        days_back = (day.weekday() - wanted - 1) % 7 + 1
    else:
        # "friday" is the latest Friday on or before it: "on Friday" in an article means that.
        days_back = (day.weekday() - wanted) % 7
    return _days_before(text, day, days_back)


def _days_before(text: str, day: datetime.date, days: int) -> PartialDate:
    try:
        return _day_date(text, day - datetime.timedelta(days=days))
    except OverflowError:
        raise _out_of_range(_quote(text)) from None


def _months_before(text: str, day: datetime.date, months: int) -> PartialDate:
    """The same day of the month `months` earlier, clamped: 31 Mar minus one month is 28/29 Feb."""
    year, month_zero_based = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < MIN_YEAR:
        raise _out_of_range(_quote(text))
    month = month_zero_based + 1
    return _checked_date(text, year, month, min(day.day, calendar.monthrange(year, month)[1]))


Reader = Callable[[str, re.Match[str], ReferenceGetter], PartialDate]

# Tried in order; the first pattern that matches the whole text decides.
_READERS: list[tuple[_LazyPattern, Reader]] = [
    (_ISO_DATE, _read_iso_date),
    (_ISO_DATETIME, _read_iso_datetime),
    (_QUARTER, _read_quarter),
    (_NUMERIC_DAY_MONTH, _read_numeric_day_month),
    (_DAY_MONTH_YEAR, _read_day_month_year),
    (_MONTH_DAY_YEAR, _read_day_month_year),
    (_MONTH_YEAR, _read_month_year),
    (_LazyPattern("today"), _read_today),
    (_LazyPattern("yesterday"), _read_yesterday),
    (_UNITS_AGO, _read_units_ago),
    (_THIS_OR_LAST, _read_this_or_last),
    (_WEEKDAY, _read_weekday),
]


def parse_date(text: str, today: datetime.date | None = None) -> PartialDate:
    """Read a date as a user writes it (the forms ACCEPTED_FORMS_HINT lists); relative forms count
    from `today`.

    `today` defaults to `reference_day()`. Raises DateError, and nothing else, for any text that
    is not a date, is ambiguous or names a day that does not exist.
    """
    shown = text.strip()
    normalised = " ".join(text.lower().split())
    if not normalised:
        raise DateError("empty date: give one such as 2025-01-03", hint=ACCEPTED_FORMS_HINT)

    def reference() -> datetime.date:
        # Only relative forms look it up: a bad $SANCTRACK_TODAY must not break reading 2025-01-03.
        return today if today is not None else reference_day()

    for pattern, read in _READERS:
        match = pattern.fullmatch(normalised)
        if match is not None:
            return read(shown, match, reference)
    raise DateError(f"cannot read date {_quote(shown)}", hint=ACCEPTED_FORMS_HINT)


def reference_day(option: str | None = None) -> datetime.date:
    """The day relative dates count from: `--today` if given, else $SANCTRACK_TODAY, else today.

    The option or variable may itself be relative ("yesterday"); it is read against the real today
    and must name a whole day.
    """
    if option is not None:
        value, source = option, "--today"
    else:
        value, source = os.environ.get(TODAY_ENV_VAR, ""), f"${TODAY_ENV_VAR}"
        if not value.strip():
            return datetime.date.today()
    try:
        day = parse_date(value, today=datetime.date.today())
    except DateError as err:
        raise DateError(f"{err.message} (in {source})", hint=err.hint) from None
    if day.precision != PRECISION_DAY:
        raise DateError(
            f"the reference day must be a whole date: {source} is {_quote(value.strip())}",
            hint="write it as 2025-01-03",
        )
    return day.start



def utc_timestamp() -> str:
    """Now, in UTC to the second (`2025-01-03T10:00:00+00:00`): when an import or a change was
    made. The wall clock, never the reference day: it records when, not what day a view is of."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

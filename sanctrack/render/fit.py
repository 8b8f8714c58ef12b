"""How a table fits its terminal: which columns it keeps and how wide each is, as plain data (no
Rich here, so the rules are tested on their own).

The rules (issue 17): a column empty in every row is left out; ids, dates, codes and numbers (a
column whose every value is one short word) keep their whole width and are never cut; the other
columns share what is left, and a value longer than its column is cut at a word boundary with `…`,
on one line. With --wide a table is as wide as its longest values (`WIDE`), one line a row still:
for `less -S`, a wider terminal or a file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Sequence

ELLIPSIS = "…"
# A column whose every value is one word no longer than this is an id, a date, a code, a number
# or a word of a closed vocabulary: it is shown whole, never cut.
ATOMIC_WIDTH = 24
# Columns named so are always shown whole (an id must lead to `show` and `edit`).
ATOMIC_NAMES = frozenset({"id", "date", "since", "until", "published", "lag", "lag_days", "score"})
# The least width a column of text is given before the table is allowed to overflow.
MIN_TEXT_WIDTH = 8
# The width a --wide table is fitted to: as good as no limit.
WIDE = 1_000_000
# Shorter headings for columns whose values are much shorter than their name.
HEADINGS = {"jurisdiction": "jur", "lag_days": "lag", "entity_id": "entity", "country": "ctry"}


def text_width(text: str) -> int:
    """Terminal cells `text` takes: wide East Asian characters count two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def one_line(text: str) -> str:
    """`text` with every run of white space (newlines included) made one space."""
    return " ".join(text.split())


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` cells at a word boundary, ending in `…`; a first word longer than
    the column (a URL) is cut where the column ends."""
    if text_width(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    kept = ""
    for word in text.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if text_width(candidate) + 1 > width:
            break
        kept = candidate
    if not kept:  # one long word: cut inside it rather than show nothing
        for char in text:
            if text_width(kept + char) + 1 > width:
                break
            kept += char
    return kept.rstrip(" ,;:") + ELLIPSIS


@dataclass
class Fitted:
    """The columns kept (their indexes into the columns given), their headings and widths, and
    whether each is atomic (never cut)."""

    keep: list[int]
    headings: list[str]
    widths: list[int]
    atomic: list[bool]

    def cut(self, row: Sequence[str]) -> list[str]:
        """The cells of `row` for the kept columns, each on one line and cut to its width."""
        return [
            one_line(row[index]) if atomic else shorten(one_line(row[index]), width)
            for index, width, atomic in zip(self.keep, self.widths, self.atomic)
        ]


GAP = 2  # cells between two columns


def overhead(columns: int) -> int:
    """Cells a table takes beyond its columns: GAP between two columns."""
    return GAP * (columns - 1) if columns else 0


def fit(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int, *,
        keep_empty: Sequence[str] = (), atomic: Sequence[str] = ()) -> Fitted:  # fmt: skip
    """The layout of `rows` (lists of cell texts, in `columns` order) in `width` cells."""
    keep = [
        i for i, name in enumerate(columns)
        if name in keep_empty or any(row[i].strip() for row in rows)
    ]  # fmt: skip
    headings = [HEADINGS.get(columns[i], columns[i].replace("_", " ")) for i in keep]
    natural, is_atomic = [], []
    for position, i in enumerate(keep):
        values = [one_line(row[i]) for row in rows]
        longest = max((text_width(v) for v in values), default=0)
        word_like = all(" " not in v and text_width(v) <= ATOMIC_WIDTH for v in values)
        is_atomic.append(columns[i] in ATOMIC_NAMES or columns[i] in atomic or columns[i].endswith("_id") or word_like)
        heading = headings[position]
        natural.append(max(longest, min(text_width(heading), 12) if is_atomic[-1] else text_width(heading)))
    widths = list(natural)
    flexible = [p for p in range(len(keep)) if not is_atomic[p]]
    room = width - overhead(len(keep)) - sum(natural[p] for p in range(len(keep)) if is_atomic[p])
    # Water-filling: the narrowest text columns take what they need, the rest share evenly.
    for count, p in enumerate(sorted(flexible, key=lambda p: natural[p])):
        share = max(room // (len(flexible) - count), MIN_TEXT_WIDTH)
        widths[p] = min(natural[p], share)
        room -= widths[p]
    headings = [shorten(h, w) for h, w in zip(headings, widths)]
    return Fitted(keep, headings, widths, is_atomic)

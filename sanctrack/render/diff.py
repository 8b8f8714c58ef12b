"""A diff as its formats show it: `DiffReport` (the result of `diff.diff` and the part asked
for), the parts each format shows, the titles, the text of a field's change, the columns of the
lines and of each part's table, and the lag sentence.

What is shown: JSON every part (or the one asked for); the other formats the differences (only
left, only right, changed) and, between two jurisdictions, what both sanction, which is the news
there; between two lists (or one jurisdiction on two days) "both" is everything that did not
change, so it is left out unless asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .text import message, visible

if TYPE_CHECKING:
    from .formats import Output

PARTS = ("only_left", "only_right", "both", "changed")

# Columns of the plain, CSV and TSV lines (one set per kind of diff, `part` first): between list
# views the list's id first; between jurisdictions or days the dates and the lag.
LINE_COLUMNS = {
    "lists": ("part", "source_id", "name", "entity_id", "programs", "changes"),
    "lags": ("part", "name", "entity_id", "left_since", "right_since", "first", "lag_days", "changes"),
    "mixed": ("part", "source_id", "name", "entity_id", "since", "changes"),
}
# Columns of each part's table.
TABLE_COLUMNS = {
    "lists": {
        "only_left": ("source_id", "name", "entity_id", "kind", "programs"),
        "only_right": ("source_id", "name", "entity_id", "kind", "programs"),
        "both": ("source_id", "name", "entity_id", "kind", "programs"),
        "changed": ("source_id", "name", "entity_id", "changes"),
    },
    "lags": {
        "only_left": ("name", "entity_id", "since", "programs"),
        "only_right": ("name", "entity_id", "since", "programs"),
        "both": ("name", "entity_id", "left_since", "right_since", "first", "lag_days"),
        "changed": ("name", "entity_id", "left_since", "right_since", "changes"),
    },
    "mixed": {
        "only_left": ("source_id", "name", "entity_id", "since", "programs"),
        "only_right": ("source_id", "name", "entity_id", "since", "programs"),
        "both": ("source_id", "name", "entity_id", "since"),
        "changed": ("source_id", "name", "entity_id", "changes"),
    },
}
STAT_COLUMNS = ("part", "count", "meaning")


@dataclass
class DiffReport:
    """The result of `diff.diff` and the one part asked for (`--only`), if any."""

    result: dict
    part: str | None = None

    @property
    def lags(self) -> bool:
        """Whether both sides are jurisdictions (or one on two days): items have dates and lags."""
        return self.result["left"]["type"] == "jurisdiction" and self.result["right"]["type"] == "jurisdiction"

    @property
    def kind(self) -> str:
        """`lags`, `lists` (two list views) or `mixed`: the columns the items have."""
        if self.lags:
            return "lags"
        lists = self.result["left"]["type"] != "jurisdiction" and self.result["right"]["type"] != "jurisdiction"
        return "lists" if lists else "mixed"

    def titles(self) -> dict[str, str]:
        left, right = visible(self.result["left"]["view"]), visible(self.result["right"]["view"])
        return {
            "only_left": f"only in {left}", "only_right": f"only in {right}", "both": "in both",
            "changed": "changed",
        }  # fmt: skip

    def parts(self) -> list[str]:
        """The parts the formats other than JSON show, in order."""
        if self.part:
            return [self.part]
        parts = ["only_left", "only_right", "changed"]
        left, right = self.result["left"], self.result["right"]
        if self.lags and left.get("jurisdiction") != right.get("jurisdiction"):
            parts.append("both")
        return parts

    def shown(self) -> dict:
        """The result with only the part asked for, if any: the JSON document."""
        return {k: v for k, v in self.result.items() if self.part is None or k not in PARTS or k == self.part}

    def stat(self) -> dict:
        """The two views and the counts (of the part asked for): the JSON of --stat."""
        summary = self.result["summary"]
        if self.part:
            summary = {k: v for k, v in summary.items() if k not in PARTS or k == self.part}
        return {"left": self.result["left"], "right": self.result["right"], "summary": summary}

    def lines(self) -> Iterator[dict]:
        """Every item of the parts shown, with its part."""
        return ({"part": name, **item} for name in self.parts() for item in self.result[name])

    def line_columns(self) -> tuple[str, ...]:
        return LINE_COLUMNS[self.kind]

    def rows(self, table: bool, part: str | None = None) -> Iterator[dict]:
        """The items of one part (or of every part shown) as rows of the columns above; a
        table shows each change on a line of its own."""
        parts = [part] if part else self.parts()
        sides = {"left": self.result["left"]["view"], "right": self.result["right"]["view"]}
        return (row(item, name, self.lags, table, sides) for name in parts for item in self.result[name])

    @property
    def empty(self) -> bool:
        return not any(self.result[name] for name in self.parts())


def row(item: dict, part: str, lags: bool, table: bool, sides: dict | None = None) -> dict:
    """An item as a row: its part, its dates named for their side, the side that moved first by
    its view's name (`US`, not `left`; JSON keeps `left`/`right`), its changes as text."""
    shown = dict(item, part=part)
    if sides and item.get("first") in sides:
        shown["first"] = sides[item["first"]]
    if lags and part in ("only_left", "only_right"):
        side = part[len("only_"):]
        for key in ("since", "first_seen", "first_seen_in"):
            shown[f"{side}_{key}"] = item.get(key)
    if not lags and "since" not in item:
        shown["since"] = item.get("right_since") or item.get("left_since")
    for prefix in ("", "left_", "right_"):  # a list without a listing date: where it was seen
        if shown.get(f"{prefix}since") is None and shown.get(f"{prefix}first_seen_in"):
            shown[f"{prefix}since"] = (
                f"on the list in {shown[f'{prefix}first_seen_in']} (first seen {shown[f'{prefix}first_seen']})"
            )
    if item.get("changes"):
        shown["changes"] = ("\n" if table else "; ").join(change_text(c) for c in item["changes"])
    else:
        shown["changes"] = None
    return shown


def _segments(text: str) -> list[str]:
    return [part.strip() for part in re.split(r";\s+", text) if part.strip()]


def _shown_value(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dict):
        text = " ".join(str(value[k]) for k in ("type", "value") if value.get(k))
        text += f" ({value['country']})" if value.get("country") else ""
        # (else a row of a raw record, such as an sdn.csv alt row: its values)
        return text or " ".join(str(v) for v in value.values() if v not in (None, "")) or str(value)
    return str(value)


def change_text(change: dict) -> str:
    """One field's change: `field: -old +new` for lists, `field: old → new` for values."""
    from ..listing_facts import change_label

    change = dict(change, field=change_label(change))
    if "added" in change:
        words = [f"-{_shown_value(v)}" for v in change["removed"]]
        words += [f"+{_shown_value(v)}" for v in change["added"]]
        return f"{change['field']}: {', '.join(words) if words else 'reordered'}"
    left, right = change["left"], change["right"]
    if isinstance(left, str) and isinstance(right, str) and max(len(left), len(right)) > 60:
        # Long texts (remarks): only the parts that differ, as "-old part +new part".
        a, b = _segments(left), _segments(right)
        folded_a, folded_b = {x.casefold() for x in a}, {x.casefold() for x in b}
        words = [f"-{x}" for x in a if x.casefold() not in folded_a & folded_b]
        words += [f"+{x}" for x in b if x.casefold() not in folded_a & folded_b]
        if words:
            return f"{change['field']}: {' '.join(words)}"
    return f"{change['field']}: {_shown_value(left)} → {_shown_value(right)}"


def summary_line(report: DiffReport, on_stdout: bool, out: Output | None = None) -> None:
    """The lag sentence, if any: under a table on stdout, else on stderr beside the data."""
    text = report.result["summary"].get("text")
    if not text:
        return
    if on_stdout and out.format == "table" and not out.wide:
        import shutil
        import textwrap

        # Under a table, wrapped at words to the terminal's width, as the table is.
        width = shutil.get_terminal_size().columns
        out.stream.write(textwrap.fill(visible(text), width=width, break_long_words=False) + "\n")
    elif on_stdout:
        out.stream.write(visible(text) + "\n")
    else:
        message(visible(text))


def stat_rows(report: DiffReport) -> list[dict]:
    """--stat: a row per part (or the part asked for) with its count."""
    summary, titles = report.result["summary"], report.titles()
    parts = [report.part] if report.part else list(PARTS)
    return [{"part": p, "count": summary[p], "meaning": titles[p]} for p in parts]


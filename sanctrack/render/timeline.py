"""Timelines drawn in every format: table (Rich), plain, markdown, json, jsonl, csv, tsv and svg.

Items come from `timeline.build_timeline` (see the field list there) and are written as they come,
so a long timeline streams; only the SVG, which lays the whole chart out, holds them all. Text from
data is never markup: it goes through `visible()` on a terminal and in plain, markdown and TSV
output, is escaped for Markdown in markdown and XML-escaped in SVG; JSON keeps it verbatim.
Rich is imported only by the table.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator, TextIO

from . import Output, visible

CSV_COLUMNS = (
    "type", "id", "date", "depth", "lag_days", "event_id", "answers", "via", "jurisdiction",
    "authority", "action", "program", "targets", "actor", "speaker", "country", "kind", "stance",
    "quote", "summary", "in_response_to", "counter_event_id", "follows", "sources", "tags",
)  # fmt: skip
PLAIN_COLUMNS = ("date", "type", "id", "lag_days", "parent", "where", "who", "what", "details")


def emit_timeline(timeline, out: Output) -> None:
    """Write a `timeline.Timeline` in `out.format`."""
    writer = {
        "json": lambda: timeline_as_json(timeline.items, out.stream),
        "jsonl": lambda: timeline_as_jsonl(timeline.items, out.stream),
        "csv": lambda: timeline_as_csv(timeline.items, out.stream),
        "tsv": lambda: timeline_as_csv(timeline.items, out.stream, tsv=True),
        "plain": lambda: timeline_as_plain(timeline.items, out.stream),
        "markdown": lambda: timeline_as_markdown(timeline, out.stream),
        "svg": lambda: out.stream.write(timeline_as_svg(timeline)),
        "table": lambda: timeline_as_table(timeline, out),
    }[out.format]
    writer()


# -- shared wording ----------------------------------------------------------------------------


def _who(item: dict) -> str:
    if item["type"] == "event":
        return item["authority"]
    return item["actor"] + (f" ({item['speaker']})" if item.get("speaker") else "")


def _where(item: dict) -> str:
    return (item.get("jurisdiction") if item["type"] == "event" else item.get("country")) or ""


def _what(item: dict) -> str:
    if item["type"] == "event":
        what = item["action"]
        if item.get("answers"):
            what = f"{what} (counter-measure)"
        return what + (f" · {item['program']}" if item.get("program") else "")
    return ", ".join(v for v in (item.get("kind"), item.get("stance")) if v)


def _target_text(target: dict) -> str:
    aliases = target.get("aliases") or []
    return target["name"] + (f" (also {', '.join(aliases)})" if aliases else "")


def _details(item: dict) -> str:
    if item["type"] == "event":
        return "; ".join(_target_text(t) for t in item.get("targets", []))
    if item.get("quote"):
        return f"“{item['quote']}”"
    return item.get("summary") or ""


def _parent(item: dict) -> str | None:
    return item.get("event_id") if item["type"] == "response" else item.get("answers")


def _lag(item: dict, unit: str = "") -> str:
    lag = item.get("lag_days")
    if lag is None:
        return ""
    return f"{lag:+d}{unit}"


def _follow_text(follow: dict) -> str:
    return f"{follow['text']}: {follow['name']}"


# -- json, jsonl, csv, tsv, plain ---------------------------------------------------------------


def timeline_as_json(items: Iterable[dict | str], stream: TextIO) -> None:
    """A JSON array, one item per line, written as the items come. Items already encoded (JSON
    text, see `timeline.build_timeline`) are written as they are; the others are encoded alike."""
    encode = _compact_encoder()
    opening = "[\n  "
    for item in items:
        stream.write(opening + (item if isinstance(item, str) else encode(item)))
        opening = ",\n  "
    stream.write("[]\n" if opening == "[\n  " else "\n]\n")


def timeline_as_jsonl(items: Iterable[dict | str], stream: TextIO) -> None:
    encode = _compact_encoder()
    for item in items:
        stream.write((item if isinstance(item, str) else encode(item)) + "\n")


def _compact_encoder():
    return json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def _flat(item: dict) -> dict:
    row = dict(item)
    row["targets"] = [t["name"] for t in item.get("targets", [])]
    row["follows"] = [_follow_text(f) for f in item.get("follows", [])]
    return row


def timeline_as_csv(items: Iterable[dict], stream: TextIO, tsv: bool = False) -> None:
    """One row per item, the columns of CSV_COLUMNS; lists joined with '; '."""
    import csv

    writer = csv.writer(stream, dialect="excel-tab" if tsv else "excel", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = _flat(item)
        values = [_cell(row.get(c)) for c in CSV_COLUMNS]
        writer.writerow([visible(v) for v in values] if tsv else values)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def plain_lines(item: dict) -> Iterator[list[str]]:
    """The plain columns (PLAIN_COLUMNS) of an item and of the follow lines it carries."""
    yield [
        item["date"], item["type"], item["id"], _lag(item).lstrip("+"), _parent(item) or "",
        _where(item), _who(item), _what(item), _details(item),
    ]  # fmt: skip
    for follow in item.get("follows", []):
        yield [
            item["date"], "follow", item["id"], str(follow["lag_days"]),
            follow["followed_event_id"], follow["jurisdiction"], follow["name"],
            f"followed {follow['followed']}", follow["text"],
        ]  # fmt: skip


def timeline_as_plain(items: Iterable[dict], stream: TextIO) -> None:
    """One tab-separated line per item (and per "followed" line), data made visible."""
    for item in items:
        for columns in plain_lines(item):
            stream.write("\t".join(visible(c) for c in columns) + "\n")


# -- table (Rich, on a terminal) ------------------------------------------------------------------

TABLE_ROWS_PER_BLOCK = 100
_STANCE_STYLES = {
    "rejects": "red", "condemns": "red", "denies": "magenta", "threatens": "yellow",
    "complies": "green", "welcomes": "green", "neutral": "",
}  # fmt: skip


def timeline_as_table(timeline, out: Output) -> None:
    """A Rich table drawn in blocks of rows with fixed columns, so a long timeline streams."""
    from rich.table import Table
    from rich.text import Text

    from . import _console

    console = _console(out)
    console.print(Text(heading(timeline), style="bold"))
    rows: list[list] = []
    first = True

    def flush() -> None:
        nonlocal first
        if not rows:
            return
        table = Table(show_header=first, show_edge=False, expand=True, pad_edge=False,
                      header_style="bold" if out.color else None)  # fmt: skip
        table.add_column("date", width=10, no_wrap=True)
        table.add_column("lag", width=6, justify="right", no_wrap=True)
        table.add_column("", width=2, no_wrap=True)
        table.add_column("who", ratio=3, overflow="fold")
        table.add_column("what", ratio=2, overflow="fold")
        table.add_column("details", ratio=5, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        rows.clear()
        first = False

    for item in timeline.items:
        indent = "  " * item["depth"] + ("└ " if item["depth"] else "")
        if item["type"] == "event":
            style = "bold"
            rows.append([
                Text(visible(item["date"]), style=style), Text(_lag(item, " d")),
                Text(visible(item["jurisdiction"]), style=style),
                Text(indent + visible(item["authority"]), style=style),
                Text(visible(_what(item))),
                Text(visible(_details(item), keep_newlines=True)),
            ])  # fmt: skip
            for follow in item.get("follows", []):
                rows.append([
                    Text(""), Text(f"{follow['lag_days']:+d} d", style="cyan"),
                    Text(visible(follow["jurisdiction"]), style="cyan"),
                    Text(indent + "→ " + visible(follow["text"]), style="italic cyan"),
                    Text(""), Text(visible(follow["name"]), style="cyan"),
                ])  # fmt: skip
        else:
            details = Text(visible(_details(item), keep_newlines=True),
                           style="italic" if item.get("quote") else "")  # fmt: skip
            rows.append([
                Text(visible(item["date"])), Text(_lag(item, " d")),
                Text(visible(item.get("country") or "")),
                Text(indent + visible(_who(item))),
                Text(visible(_what(item)), style=_STANCE_STYLES.get(item.get("stance") or "", "")),
                details,
            ])  # fmt: skip
        if len(rows) >= TABLE_ROWS_PER_BLOCK:
            flush()
    flush()


def heading(timeline) -> str:
    """One line naming the timeline: its subject, what it holds and the period."""
    subject = timeline.subject
    what = {
        "all": "Timeline of everything recorded",
        "entity": f"Timeline of {subject.label} ({subject.value})",
        "jurisdiction": f"Timeline of the jurisdiction {subject.label}",
        "program": f"Timeline of the program {subject.label}",
        "tag": f"Timeline of the tag {subject.label}",
    }[subject.kind]
    events = f"{timeline.events} event{'s' if timeline.events != 1 else ''}"
    period = timeline.first if timeline.first == timeline.last else f"{timeline.first} to {timeline.last}"
    window = []
    if timeline.window.since:
        window.append(f"since {timeline.window.since}")
    if timeline.window.until:
        window.append(f"until {timeline.window.until}")
    return visible(f"{what}: {events}, {period}" + (f" ({', '.join(window)})" if window else ""))


# -- markdown -----------------------------------------------------------------------------------

# Backslash-escaped wherever data lands (CommonMark escapes any ASCII punctuation).
_MARKDOWN_SPECIALS = r"([\\`*_\[\]<>|~&#!{}])"


def md(text: Any) -> str:
    """Data as Markdown text: visible, one line, Markdown's specials escaped."""
    if text is None:
        return ""
    flat = visible(" ".join(str(text).replace("\r\n", "\n").split("\n")))
    return re.sub(_MARKDOWN_SPECIALS, r"\\\1", flat)


_SAFE_URL = r"https?://[^\s<>\"'`\\]+"


def timeline_as_markdown(timeline, stream: TextIO) -> None:
    """A document to paste: a title, what it covers, one table row per item, then the sources."""
    subject = timeline.subject
    title = "Everything recorded" if subject.kind == "all" else subject.label
    stream.write(f"# Timeline: {md(title)}\n\n")
    about = []
    if subject.kind == "entity":
        others = [n for n in subject.names if n != subject.label]
        about.append(f"Entity `{subject.value}`" + (f", also named {', '.join(md(n) for n in others)}" if others else "") + ".")
    elif subject.kind != "all":
        about.append(f"{subject.kind.capitalize()} {md(subject.label)}.")
    events = f"{timeline.events} event{'s' if timeline.events != 1 else ''}"
    period = timeline.first if timeline.first == timeline.last else f"{timeline.first} to {timeline.last}"
    about.append(f"{events} ({period}) with their responses and counter-measures.")
    if not timeline.window.open:
        about.append(
            "Window: "
            + " ".join(p for p in (
                f"from {timeline.window.since}" if timeline.window.since else "",
                f"to {timeline.window.until}" if timeline.window.until else "",
            ) if p) + " (inclusive)."
        )  # fmt: skip
    about.append("Days after are counted from the event answered; a partial date counts from the start of its period.")
    stream.write(" ".join(about) + "\n\n")
    stream.write("| Date | Days after | Who | Action or response | Details |\n")
    stream.write("|---|--:|---|---|---|\n")
    sources: dict[str, int] = {}
    for item in timeline.items:
        refs = []
        for url in item.get("sources") or []:
            refs.append(sources.setdefault(url, len(sources) + 1))
        note = (" " + "".join(f"\\[{n}\\]" for n in refs)) if refs else ""
        arrow = "↳ " * min(item["depth"], 1) + "  " * max(item["depth"] - 1, 0)
        where = _where(item)
        who = md(_who(item)) + (f", {md(where)}" if where and item["type"] == "response" else "")
        if item["type"] == "event":
            date = f"**{md(item['date'])}**"
            who = f"**{md(where)}** · {md(item['authority'])}"
            details = md(_details(item))
            if item.get("reason"):
                details += f" — {md(item['reason'])}"
        else:
            date = md(item["date"])
            details = f"*{md(_details(item))}*" if item.get("quote") else md(_details(item))
        lag = _lag(item)
        stream.write(f"| {date} | {lag} | {arrow}{who} | {md(_what(item))} | {details}{note} |\n")
        for follow in item.get("follows", []):
            stream.write(
                f"| | {follow['lag_days']:+d} | | | *{md(follow['text'])}: {md(follow['name'])}* |\n"
            )
    if sources:
        stream.write("\n## Sources\n\n")
        for url, number in sources.items():
            shown = f"<{url}>" if re.fullmatch(_SAFE_URL, url) else md(url)
            stream.write(f"{number}. {shown}\n")


# -- svg ----------------------------------------------------------------------------------------
#
# A chart drawn by hand: a title and a legend; one lane per jurisdiction for the events and one per
# responder (the actor, or its country when there are many actors) for the responses; a date axis
# with ticks chosen for the span; marks, with labels placed in rows so that they do not overlap
# (a label that finds no room is left to the key); curves from each response to its event, dashed
# arrows from an event to the counter-measure answering it, dotted lines from a jurisdiction's
# first designation of an entity to a later one's; then a numbered key of the events. Width 800
# (A4 at 96 dpi); every text from data passes through `_x`.

SVG_WIDTH = 800
SVG_FONT = "Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"
PLOT_LEFT = 168
PLOT_RIGHT = SVG_WIDTH - 40
LANE_RIGHT = SVG_WIDTH - 24
LANE_LABEL_WIDTH = 150
MAX_LABEL_ROWS = 3
MAX_ACTOR_LANES = 8
MAX_FOLLOW_LINES = 6
MAX_RESPONSE_LABELS = 30  # responses in one lane beyond which their lags are left to the key
KEY_LIMIT = 48
INK = "#1d2733"
MUTED = "#5b6673"
FAINT = "#e3e7ec"

JURISDICTION_COLORS = {
    "US": "#1f5fa8", "GB": "#7b3fa0", "EU": "#d08c00", "UN": "#178a9a", "CN": "#c2185b",
    "RU": "#8d5524", "AU": "#2a9d6f", "CA": "#d9572b", "JP": "#4a5868", "CH": "#a4343a",
}  # fmt: skip
PALETTE = ("#3d7fc1", "#9c6ade", "#e0a030", "#2fa6a0", "#e0567a", "#8c6d31", "#5aa05a", "#e07b39")
STANCE_COLORS = {
    "rejects": "#d0342c", "condemns": "#8f1d1d", "denies": "#ee7d1a", "threatens": "#6d3fc0",
    "complies": "#2e9e44", "welcomes": "#1aa3b8", "neutral": "#8a939c", None: "#a7b0b8",
}  # fmt: skip
ACTION_SHAPES = {"designation": "circle", "delisting": "ring"}  # other actions: diamond

# Characters XML 1.0 does not allow at all, escaped or not (visible() has shown the controls).
# (Compiled on first use, by `re`'s cache: the class is costly to compile at every start.)
_XML_INVALID = "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _x(text: Any) -> str:
    """Data as SVG text or attribute: controls and bidi overrides shown, XML-escaped, quotes too."""
    from xml.sax.saxutils import escape

    clean = re.sub(_XML_INVALID, "\ufffd", visible(text))
    return escape(clean, {'"': "&quot;", "'": "&apos;"})


# Advance widths (thousandths of an em) of ASCII 32-126 in DejaVu Sans, the widest of the usual
# sans-serif fonts: estimates made with them leave room in Helvetica or Arial.
_ASCII_WIDTHS = tuple(int(w) for w in (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 "
    "636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 "
    "748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 "
    "615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 "
    "337 636 838 "

).split())


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` at `size` px, estimated from DejaVu Sans metrics."""
    width = 0.0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            width += _ASCII_WIDTHS[code - 32] / 1000
        elif code >= 0x2E80:
            width += 1.0  # CJK, kana, Hangul: full width
        else:
            width += 0.66
    return width * size * (1.1 if bold else 1.0)


def _fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` cut (with an ellipsis) to fit `room` pixels."""
    if _text_width(text, size, bold) <= room:
        return text
    while text and _text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip(" ,;·-") + "…"


def _period(date_text: str):
    from ..dates import PartialDate

    date = PartialDate.from_iso(date_text)
    return date.start, date.end, date.precision != "day"


def _nice_date(day, with_year: bool = True) -> str:
    month = day.strftime("%b")
    return f"{day.day} {month} {day.year}" if with_year else f"{day.day} {month}"


def _shown_date(date_text: str) -> str:
    """A date as written, in words: '2025-01-03' -> '3 Jan 2025', '2025-01' -> 'Jan 2025'."""
    start, _end, partial = _period(date_text)
    if not partial:
        return _nice_date(start)
    if len(date_text) == 7:
        return start.strftime("%b %Y")
    return date_text


class _Scale:
    def __init__(self, low, high, left: float, right: float):
        span = high.toordinal() - low.toordinal()
        pad = max(span * 0.035, 12)
        self.low = low.toordinal() - pad
        self.high = high.toordinal() + pad
        self.left, self.right = left, right

    def __call__(self, day) -> float:
        return self.left + (day.toordinal() - self.low) / (self.high - self.low) * (self.right - self.left)


_TICK_STEPS = (
    ("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2), ("month", 3),
    ("month", 6), ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
)  # fmt: skip
_UNIT_DAYS = {"day": 1, "month": 30.44, "year": 365.25}


def _ticks(scale: _Scale) -> list[tuple]:
    """(day, label, major) ticks: the finest step whose labels keep ~70 px apart; major ticks
    mark a new year inside a month or day scale."""
    import datetime

    room = max(2, int((scale.right - scale.left) // 70))
    span = scale.high - scale.low
    unit, step = next(((u, n) for u, n in _TICK_STEPS if span / (_UNIT_DAYS[u] * n) <= room), ("year", 100))
    first = datetime.date.fromordinal(int(scale.low) + 1)
    last = datetime.date.fromordinal(int(scale.high))
    ticks: list[tuple] = []
    if unit == "year":
        year = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        year += (-year) % step
        while year <= last.year:
            ticks.append((datetime.date(year, 1, 1), str(year), True))
            year += step
    elif unit == "month":
        year, month = first.year, first.month + (0 if first.day == 1 else 1)
        while True:
            if month > 12:
                year, month = year + 1, month - 12
            if (month - 1) % step == 0:
                day = datetime.date(year, month, 1)
                if day > last:
                    break
                label = day.strftime("%b") + (f" {year}" if month == 1 or not ticks else "")
                ticks.append((day, label, month == 1))
            month += 1
    else:
        day = first
        if step >= 7:
            day += datetime.timedelta(days=(-day.weekday()) % 7)  # Mondays
        while day <= last:
            new_year = bool(ticks) and ticks[-1][0].year != day.year
            ticks.append((day, _nice_date(day, with_year=not ticks or new_year), new_year))
            day += datetime.timedelta(days=step)
    return ticks


class _Mark:
    __slots__ = ("item", "x", "x_end", "y", "start", "end", "partial", "label", "row", "left",
                 "color", "number", "lane")  # fmt: skip

    def __init__(self, item: dict):
        self.item = item
        self.start, self.end, self.partial = _period(item["date"])
        self.x = self.x_end = self.y = 0.0
        self.label = ""
        self.row: int | None = None
        self.left = False
        self.color = INK
        self.number: int | None = None
        self.lane: _Lane | None = None


class _Lane:
    def __init__(self, key: str, label: str, note: str, color: str, kind: str):
        self.key, self.label, self.note, self.color, self.kind = key, label, note, color, kind
        self.marks: list[_Mark] = []
        self.rows = 1
        self.top = 0.0
        self.height = 0.0

    @property
    def mark_y(self) -> float:
        return self.top + 13


def _place_labels(lane: _Lane, size: float, max_rows: int) -> None:
    """Give each mark's label a row (and a side) where it overlaps no other label or mark; a label
    that finds none within `max_rows` rows is dropped (the key still names the event)."""
    rows: list[list[tuple[float, float]]] = [[(m.x - 6, max(m.x + 6, m.x_end)) for m in lane.marks]]
    for mark in sorted(lane.marks, key=lambda m: m.x):
        if not mark.label:
            continue
        width = _text_width(mark.label, size)
        right = max(mark.x + 8, mark.x_end + 4)
        sides = [(right, right + width, False), (mark.x - 8 - width, mark.x - 8, True)]
        placed = False
        for index in range(max_rows):
            if index == len(rows):
                rows.append([])
            for low, high, left in sides:
                if high > SVG_WIDTH - 6 or (left and low < PLOT_LEFT - 4):
                    continue
                own = (mark.x - 6, max(mark.x + 6, mark.x_end))
                if all(high + 5 < a or low - 5 > b for a, b in rows[index] if (a, b) != own):
                    rows[index].append((low, high))
                    mark.row, mark.left = index, left
                    placed = True
                    break
            if placed:
                break
        if not placed:
            mark.label = ""
    lane.rows = max([m.row + 1 for m in lane.marks if m.row is not None] or [1])


def timeline_as_svg(timeline) -> str:
    """The timeline as a self-contained SVG chart (see the notes above)."""
    items = list(timeline.items)
    subject = timeline.subject
    events = [_Mark(i) for i in items if i["type"] == "event"]
    responses = [_Mark(i) for i in items if i["type"] == "response"]
    by_id = {m.item["id"]: m for m in events}
    for number, mark in enumerate(sorted(events, key=lambda m: (m.start, m.item["id"])), start=1):
        mark.number = number

    # Lanes: jurisdictions in order of their first event, then responders.
    lanes: list[_Lane] = []
    lane_of: dict[str, _Lane] = {}
    palette = iter(PALETTE * 10)
    for mark in sorted(events, key=lambda m: (m.start, m.item["id"])):
        code = mark.item["jurisdiction"]
        if code not in lane_of:
            color = JURISDICTION_COLORS.get(code) or next(palette)
            authorities = sorted({m.item["authority"] for m in events if m.item["jurisdiction"] == code})
            note = authorities[0] if len(authorities) == 1 else f"{len(authorities)} authorities"
            lane_of[code] = _Lane(code, code, note, color, "event")
            lanes.append(lane_of[code])
        lane = lane_of[code]
        mark.lane, mark.color = lane, lane.color
        lane.marks.append(mark)
    actors = {(m.item["actor"], m.item.get("country")) for m in responses}
    by_actor = len(actors) <= MAX_ACTOR_LANES
    for mark in sorted(responses, key=lambda m: (m.start, m.item["id"])):
        item = mark.item
        key = f"actor:{item['actor']}\x1f{item.get('country') or ''}" if by_actor else f"country:{item.get('country') or ''}"
        if key not in lane_of:
            if by_actor:
                lane = _Lane(key, item["actor"], item.get("country") or "", MUTED, "response")
            else:
                count = len({a for a, c in actors if c == item.get("country")})
                lane = _Lane(key, item.get("country") or "others", f"{count} responder{'s' if count != 1 else ''}", MUTED, "response")
            lane_of[key] = lane
            lanes.append(lane)
        lane = lane_of[key]
        mark.lane = lane
        mark.color = STANCE_COLORS.get(item.get("stance"), STANCE_COLORS[None])
        lane.marks.append(mark)

    everything = events + responses
    low = min(m.start for m in everything)
    high = max(m.end if m.partial else m.start for m in everything)
    scale = _Scale(low, high, PLOT_LEFT, PLOT_RIGHT)
    for lane in lanes:
        crowded = len(lane.marks) > 60
        previous = -1e9
        for mark in sorted(lane.marks, key=lambda m: (m.start, m.item["id"])):
            x = scale(mark.start)
            if not crowded and x - previous < 7:
                x = previous + 7  # marks of one day side by side rather than on top of each other
            mark.x = previous = x
            mark.x_end = max(scale(mark.end) + 1, x + 3)
        quiet = lane.kind == "response" and len(lane.marks) > MAX_RESPONSE_LABELS
        for mark in lane.marks:
            mark.label = "" if quiet else _mark_label(mark, subject)
        _place_labels(lane, 9, MAX_LABEL_ROWS if lane.kind == "event" else 2)

    out: list[str] = []
    y = 0.0

    # Title and subtitle.
    title = "Timeline: " + ("everything recorded" if subject.kind == "all" else subject.label)
    out.append(f'<text x="24" y="34" font-size="17" font-weight="bold" fill="{INK}">{_x(_fit(title, 17, SVG_WIDTH - 48, bold=True))}</text>')
    about = _svg_about(timeline, len(events), len(responses))
    out.append(f'<text x="24" y="53" font-size="10.5" fill="{MUTED}">{_x(_fit(about, 10.5, SVG_WIDTH - 48))}</text>')
    y = 66.0
    y = _svg_legend(out, y, events, responses)

    # Lanes.
    y += 8
    plot_top = y + 18  # the grid starts at the first lane, below its section's heading
    sections = [("Sanctions and counter-measures", [l for l in lanes if l.kind == "event"]),
                ("Responses", [l for l in lanes if l.kind == "response"])]  # fmt: skip
    lane_parts: list[str] = []
    for heading_text, section in sections:
        if not section:
            continue
        lane_parts.append(f'<text x="24" y="{y + 11:.1f}" font-size="9" font-weight="bold" letter-spacing="0.6" fill="{MUTED}">{_x(heading_text.upper())}</text>')
        lane_parts.append(f'<line x1="24" x2="{LANE_RIGHT}" y1="{y + 15:.1f}" y2="{y + 15:.1f}" stroke="{FAINT}"/>')
        y += 18
        for index, lane in enumerate(section):
            lane.top = y
            lane.height = 30 + (lane.rows - 1) * 12
            if index % 2 == 0:
                lane_parts.append(f'<rect x="24" y="{y:.1f}" width="{LANE_RIGHT - 24}" height="{lane.height:.1f}" fill="#f5f7f9"/>')
            for mark in lane.marks:
                mark.y = lane.mark_y
            label_color = lane.color if lane.kind == "event" else INK
            weight = "bold" if lane.kind == "event" else "normal"
            size = 11 if lane.kind == "event" else 9.5
            name = _fit(lane.label, size, LANE_LABEL_WIDTH - 14)
            lane_parts.append(f'<text x="30" y="{lane.mark_y + 3.5:.1f}" font-size="{size}" font-weight="{weight}" fill="{label_color}">{_x(name)}</text>')
            if lane.note:
                note = _fit(lane.note, 8, LANE_LABEL_WIDTH - 14)
                lane_parts.append(f'<text x="30" y="{lane.mark_y + 14:.1f}" font-size="8" fill="{MUTED}">{_x(note)}</text>')
            y += lane.height + 2
        y += 6
    plot_bottom = y

    # Date axis and grid.
    axis: list[str] = []
    for day, label, major in _ticks(scale):
        x = scale(day)
        if x < PLOT_LEFT - 1 or x > PLOT_RIGHT + 1:
            continue
        axis.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_top:.1f}" y2="{plot_bottom:.1f}" stroke="{"#c9d0d8" if major else FAINT}" stroke-width="{1 if major else 0.7}"/>')
        axis.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_bottom:.1f}" y2="{plot_bottom + 5:.1f}" stroke="{MUTED}"/>')
        axis.append(f'<text x="{x:.1f}" y="{plot_bottom + 16:.1f}" font-size="9" text-anchor="middle" fill="{INK}" font-weight="{"bold" if major else "normal"}">{_x(label)}</text>')
    axis.append(f'<line x1="{PLOT_LEFT - 6}" x2="{PLOT_RIGHT}" y1="{plot_bottom:.1f}" y2="{plot_bottom:.1f}" stroke="{MUTED}"/>')
    y = plot_bottom + 30

    # Links: response -> event, event -> counter-measure, first designation -> later one.
    links: list[str] = []
    follow_labels: list[str] = []
    # "Followed" connectors help while they are few; beyond that the key says it better.
    draw_follows = sum(len(m.item.get("follows", [])) for m in events) <= MAX_FOLLOW_LINES
    for mark in responses:
        event = by_id.get(mark.item["event_id"])
        if event is not None:
            links.append(_curve(event, mark, event.color, 0.9, 0.45))
    for mark in events:
        answered = by_id.get(mark.item.get("answers") or "")
        if answered is not None:
            links.append(_curve(answered, mark, "#37424e", 1.3, 0.9, dashed="5 3", arrow=True))
        for follow in mark.item.get("follows", []) if draw_follows else ():
            leader = by_id.get(follow["followed_event_id"])
            if leader is not None:
                links.append(
                    f'<path d="M{leader.x:.1f},{leader.y:.1f} L{mark.x:.1f},{mark.y:.1f}" fill="none" '
                    f'stroke="{mark.color}" stroke-width="1.2" stroke-dasharray="1.5 2.5" stroke-linecap="round" opacity="0.9"/>'
                )
                middle_x, middle_y = (leader.x + mark.x) / 2, (leader.y + mark.y) / 2
                follow_labels.append(
                    f'<text x="{middle_x:.1f}" y="{middle_y - 3:.1f}" font-size="8" font-style="italic" text-anchor="middle" '
                    f'fill="{mark.color}" stroke="#fff" stroke-width="2.4" stroke-linejoin="round" paint-order="stroke">'
                    f'{_x(follow["followed"])} → {_x(follow["jurisdiction"])} {follow["lag_days"]:+d} d</text>'
                )

    # Marks and their labels.
    marks_svg: list[str] = []
    for mark in responses + events:
        marks_svg.append(_svg_mark(mark))

    # Key of the events (with their responses when there is room).
    key, y = _svg_key(events, responses, y)
    y += 14
    footer = "Made with sanctrack. Lags are days after the event answered; a partial date is drawn at the start of its period, with a bar over the period."
    key.append(f'<text x="24" y="{y:.1f}" font-size="8" fill="{MUTED}">{_x(_fit(footer, 8, SVG_WIDTH - 48))}</text>')
    height = y + 14

    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {SVG_WIDTH} {height:.0f}" font-family="{SVG_FONT}" role="img">\n'
        f"<title>{_x(title)}</title>\n"
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#37424e\"/>"
        "</marker></defs>\n"
        f'<rect width="{SVG_WIDTH}" height="{height:.0f}" fill="#ffffff"/>\n'
    )
    body = [*lane_parts, *axis, *links, *marks_svg, *follow_labels, *key]
    return head + "\n".join(out + body) + "\n</svg>\n"


def _svg_about(timeline, events: int, responses: int) -> str:
    subject = timeline.subject
    parts = [f"{events} event{'s' if events != 1 else ''}, {responses} response{'s' if responses != 1 else ''}"]
    first = _shown_date(timeline.first) if timeline.first else ""
    parts.append(first if timeline.first == timeline.last else f"{first} to {_shown_date(timeline.last)}")
    if subject.kind == "entity":
        others = [n for n in subject.names if n != subject.label]
        parts.append(f"entity {subject.value}" + (f", also named {', '.join(others[:4])}" if others else ""))
    elif subject.kind != "all":
        parts.append(f"{subject.kind} {subject.label}")
    return " · ".join(parts)


def _svg_legend(out: list[str], y: float, events: list[_Mark], responses: list[_Mark]) -> float:
    """One row (wrapped if need be) of legend entries for what the chart holds."""
    entries: list[tuple[str, str]] = []  # (symbol svg at 0,0, text)
    actions = {m.item["action"] for m in events}
    if "designation" in actions:
        entries.append((f'<circle r="4.5" fill="{INK}"/>', "designation"))
    if "delisting" in actions:
        entries.append((f'<circle r="4" fill="#fff" stroke="{INK}" stroke-width="1.8"/>', "delisting"))
    if actions - {"designation", "delisting"}:
        entries.append((f'<path d="M0,-5 L5,0 L0,5 L-5,0 z" fill="{INK}"/>', "other action"))
    stances = {m.item.get("stance") for m in responses}
    for stance, color in STANCE_COLORS.items():
        if stance in stances:
            entries.append((f'<circle r="3.6" fill="{color}" stroke="#fff"/>', f"response: {stance or 'no stance'}"))
    shown = {m.item["id"] for m in events}
    if any(m.item.get("event_id") in shown for m in responses):
        entries.append((f'<path d="M-7,4 C-7,-1 7,1 7,-4" fill="none" stroke="{MUTED}" stroke-width="1"/>', "answers"))
    if any(m.item.get("answers") for m in events):
        entries.append(('<path d="M-8,0 L6,0" stroke="#37424e" stroke-width="1.3" stroke-dasharray="5 3" marker-end="url(#arrow)"/>', "counter-measure"))
    if any(m.item.get("follows") for m in events):
        entries.append((f'<path d="M-8,0 L8,0" stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="1.5 2.5" stroke-linecap="round"/>', "A → B +N d: B designated the same party N days after A"))
    x = 24.0
    y += 8
    for symbol, text in entries:
        width = 18 + _text_width(text, 9) + 14
        if x + width > SVG_WIDTH - 20:
            x = 24.0
            y += 16
        out.append(f'<g transform="translate({x + 8:.1f},{y:.1f})">{symbol}</g>')
        out.append(f'<text x="{x + 19:.1f}" y="{y + 3.2:.1f}" font-size="9" fill="{INK}">{_x(text)}</text>')
        x += width
    return y + 8


def _mark_label(mark: _Mark, subject) -> str:
    item = mark.item
    if item["type"] == "response":
        lag = item.get("lag_days")
        return "" if lag is None else f"+{lag} d" if lag >= 0 else f"{lag} d"
    names = list(item.get("named_as") or [])
    names += [t["name"] for t in item.get("targets", []) if t["name"] not in names]
    if not names:
        return str(mark.number)
    text = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")
    return f"{mark.number} {_fit(text, 9, 230)}"


def _curve(a: _Mark, b: _Mark, color: str, width: float, opacity: float, dashed: str | None = None, arrow: bool = False) -> str:
    middle = (a.y + b.y) / 2
    dash = f' stroke-dasharray="{dashed}"' if dashed else ""
    end = ' marker-end="url(#arrow)"' if arrow else ""
    if abs(a.y - b.y) < 1:  # same lane: an arc above it
        lift = a.y - 12
        path = f"M{a.x:.1f},{a.y:.1f} C{a.x:.1f},{lift:.1f} {b.x:.1f},{lift:.1f} {b.x:.1f},{b.y:.1f}"
    else:
        path = f"M{a.x:.1f},{a.y:.1f} C{a.x:.1f},{middle:.1f} {b.x:.1f},{middle:.1f} {b.x:.1f},{b.y:.1f}"
    return f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{width}" opacity="{opacity}"{dash}{end}/>'


def _tooltip(item: dict) -> str:
    if item["type"] == "event":
        targets = "; ".join(_target_text(t) for t in item.get("targets", []))
        text = f"{item['date']} {item['jurisdiction']} · {item['authority']}: {item['action']} of {targets}"
        if item.get("lag_days") is not None:
            text += f" (counter-measure, {item['lag_days']} days after {item.get('answers')})"
        for follow in item.get("follows", []):
            text += f". {follow['text']}"
    else:
        text = f"{item['date']} {_who(item)}, {_what(item)}"
        if item.get("lag_days") is not None:
            text += f", {item['lag_days']} days after the event"
        if item.get("quote"):
            text += f": “{item['quote']}”"
    return text


def _svg_mark(mark: _Mark) -> str:
    item = mark.item
    x, y = mark.x, mark.y
    parts = [f"<g><title>{_x(_tooltip(item))}</title>"]
    if mark.partial:
        parts.append(f'<rect x="{x:.1f}" y="{y - 2:.1f}" width="{mark.x_end - x:.1f}" height="4" rx="2" fill="{mark.color}" opacity="0.28"/>')
    if item["type"] == "response":
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{mark.color}" stroke="#fff" stroke-width="1"/>')
    else:
        shape = ACTION_SHAPES.get(item["action"], "diamond")
        if shape == "circle":
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{mark.color}" stroke="#fff" stroke-width="1.2"/>')
        elif shape == "ring":
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.6" fill="#fff" stroke="{mark.color}" stroke-width="2"/>')
        else:
            parts.append(f'<path d="M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} L{x - 6:.1f},{y:.1f} z" fill="{mark.color}" stroke="#fff" stroke-width="1"/>')
    if mark.label and mark.row is not None:
        label_y = y + 3.2 + mark.row * 12
        anchor = "end" if mark.left else "start"
        label_x = x - 8 if mark.left else max(x + 8, mark.x_end + 4)
        if mark.row:
            parts.append(f'<path d="M{x:.1f},{y + 4:.1f} L{x:.1f},{label_y - 3:.1f} L{label_x - (-3 if mark.left else 3):.1f},{label_y - 3:.1f}" fill="none" stroke="#b3bcc6" stroke-width="0.7"/>')
        color = INK if item["type"] == "event" else MUTED
        text = mark.label
        if item["type"] == "event" and mark.number is not None and text.startswith(f"{mark.number} "):
            rest = text[len(str(mark.number)) + 1 :]
            body = f'<tspan font-weight="bold" fill="{mark.color}">{mark.number}</tspan> {_x(rest)}'
        else:
            body = _x(text)
        parts.append(
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" font-size="9" text-anchor="{anchor}" fill="{color}" '
            f'stroke="#fff" stroke-width="2.6" stroke-linejoin="round" paint-order="stroke">{body}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _svg_key(events: list[_Mark], responses: list[_Mark], y: float) -> tuple[list[str], float]:
    """The numbered list of events under the chart: each with its "followed" lines and, when the
    whole list fits in KEY_LIMIT lines, its responses."""
    if not events:
        return [], y
    under: dict[str, list[_Mark]] = {}
    for mark in responses:
        under.setdefault(mark.item.get("event_id") or "", []).append(mark)
    ordered = sorted(events, key=lambda m: m.number)
    follows = sum(len(m.item.get("follows", [])) for m in events)
    with_responses = len(events) + follows + len(responses) <= KEY_LIMIT
    parts = [f'<text x="24" y="{y:.1f}" font-size="9" font-weight="bold" letter-spacing="0.6" fill="{MUTED}">'
             f'{"EVENTS AND RESPONSES" if with_responses and responses else "EVENTS"}</text>']  # fmt: skip
    y += 4
    lines = listed = 0
    room = SVG_WIDTH - 24
    for mark in ordered:
        if lines >= KEY_LIMIT:
            break
        listed += 1
        item = mark.item
        y += 13
        lines += 1
        targets = "; ".join(_target_text(t) for t in item.get("targets", []))
        text = f"{_shown_date(item['date'])} · {item['authority']} · {item['action']}: {targets}"
        answered = next((m for m in events if m.item["id"] == item.get("answers")), None)
        if item.get("lag_days") is not None:
            text += f" — counter-measure {item['lag_days']:+d} d after " + (
                f"event {answered.number}" if answered else str(item.get("answers"))
            )
        replies = under.get(item["id"], [])
        if replies and not with_responses:
            text += f" — {len(replies)} response{'s' if len(replies) != 1 else ''}"
        parts.append(
            f'<text x="24" y="{y:.1f}" font-size="9" font-weight="bold" fill="{mark.color}">{mark.number}</text>'
            f'<text x="46" y="{y:.1f}" font-size="9" font-weight="bold" fill="{mark.color}">{_x(item["jurisdiction"])}</text>'
            f'<text x="68" y="{y:.1f}" font-size="9" fill="{INK}">{_x(_fit(text, 9, room - 68))}</text>'
        )
        for follow in item.get("follows", []):
            y += 12
            lines += 1
            text = f"↳ {follow['text']}: {follow['name']}"
            parts.append(f'<text x="68" y="{y:.1f}" font-size="8.5" font-style="italic" fill="{mark.color}">{_x(_fit(text, 8.5, room - 68))}</text>')
        if with_responses:
            for reply in replies:
                y += 12
                lines += 1
                r = reply.item
                lag = "" if r.get("lag_days") is None else f"{r['lag_days']:+d} d"
                text = f"{_who(r)}, {_what(r)}" + (f": “{r['quote']}”" if r.get("quote") else "")
                parts.append(
                    f'<circle cx="72" cy="{y - 3:.1f}" r="3" fill="{reply.color}"/>'
                    f'<text x="100" y="{y:.1f}" font-size="8.5" text-anchor="end" fill="{MUTED}">{_x(lag)}</text>'
                    f'<text x="106" y="{y:.1f}" font-size="8.5" fill="{MUTED}">{_x(_fit(text, 8.5, room - 106))}</text>'
                )
    if listed < len(ordered):
        y += 13
        more = len(ordered) - listed
        parts.append(f'<text x="24" y="{y:.1f}" font-size="9" font-style="italic" fill="{MUTED}">… and {more} more event{"s" if more != 1 else ""}: the markdown and json formats list them all</text>')
    return parts, y + 8

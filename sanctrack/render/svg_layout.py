"""The layout of a timeline's chart, as plain data: where everything goes and what it says, with
no XML (`svg.py` draws it).

The chart: a title and a legend; one lane per jurisdiction for the events and one per responder
(the actor, or its country when there are many actors) for the responses; a date axis with ticks
chosen for the span; marks, with labels placed in rows so that they do not overlap (a label that
finds no room is left to the key); links from each response to its event, from an event to the
counter-measure answering it, from a jurisdiction's first designation of an entity to a later
one's; then a numbered key of the events. Width 800 (A4 at 96 dpi).

Texts are cut to fit their room here, from estimated widths (`text_width`); they are still raw
data, made visible and escaped by the drawing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .timeline import target_text, what, who

WIDTH = 800
PLOT_LEFT = 168  # where the plot starts at the least: lane names get the room they need, up to
MAX_PLOT_LEFT = 340  # beyond which they are cut (the plot keeps 420 px)
PLOT_RIGHT = WIDTH - 40
LANE_RIGHT = WIDTH - 24
LANE_LABEL_X = 30
LABEL_SIZE = 9
MAX_LABEL_ROWS = 3
MAX_ACTOR_LANES = 8
MAX_FOLLOW_LINES = 6  # "followed" connectors help while they are few; beyond, the key says it better
MAX_RESPONSE_LABELS = 30  # responses in one lane beyond which their lags are left to the key
CROWDED_LANE = 60  # marks in a lane beyond which marks of one day are drawn on top of each other
KEY_LIMIT = 48
# Beyond this many events and responses, each lane draws how many fall in each month (or year, over
# a long span) instead of every mark, and the chart says how to narrow it.
AGGREGATE_ABOVE = 150
INK = "#1d2733"
MUTED = "#5b6673"

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
FOOTER = (
    "Made with sanctrack. Lags are days after the event answered; a partial date is drawn at the "
    "start of its period, with a bar over the period."
)


# -- text widths ----------------------------------------------------------------------------------

# Advance widths (thousandths of an em) of ASCII 32-126 in DejaVu Sans, the widest of the usual
# sans-serif fonts: estimates made with them leave room in Helvetica or Arial. Kept by hand because
# real font metrics need a font library (fontTools, Pillow) and font files, too heavy for a chart.
_ASCII_WIDTHS = tuple(int(w) for w in (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 "
    "636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 "
    "748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 "
    "615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 "
    "337 636 838 "
).split())  # fmt: skip


def text_width(text: str, size: float, bold: bool = False) -> float:
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


def fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` cut (with an ellipsis) to fit `room` pixels."""
    if text_width(text, size, bold) <= room:
        return text
    while text and text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip(" ,;·-") + "…"


# -- dates and the axis ---------------------------------------------------------------------------


def _period(date_text: str) -> tuple[datetime.date, datetime.date, bool]:
    from ..dates import PartialDate

    date = PartialDate.from_iso(date_text)
    return date.start, date.end, date.precision != "day"


def _nice_date(day: datetime.date, with_year: bool = True) -> str:
    month = day.strftime("%b")
    return f"{day.day} {month} {day.year}" if with_year else f"{day.day} {month}"


def shown_date(date_text: str) -> str:
    """A date as written, in words: '2025-01-03' -> '3 Jan 2025', '2025-01' -> 'Jan 2025'."""
    start, _end, partial = _period(date_text)
    if not partial:
        return _nice_date(start)
    if len(date_text) == 7:
        return start.strftime("%b %Y")
    return date_text


class Scale:
    """Days to x positions between `left` and `right`, the span padded on both sides."""

    def __init__(self, low: datetime.date, high: datetime.date, left: float, right: float):
        span = high.toordinal() - low.toordinal()
        pad = max(span * 0.035, 12)
        self.low = low.toordinal() - pad
        self.high = high.toordinal() + pad
        self.left, self.right = left, right

    def __call__(self, day: datetime.date) -> float:
        return self.left + (day.toordinal() - self.low) / (self.high - self.low) * (self.right - self.left)


@dataclass
class Tick:
    day: datetime.date
    label: str
    major: bool  # a new year inside a month or day scale, or any year
    x: float = 0.0


_TICK_STEPS = (
    ("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2), ("month", 3),
    ("month", 6), ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
)  # fmt: skip
_UNIT_DAYS = {"day": 1, "month": 30.44, "year": 365.25}


def ticks(scale: Scale) -> list[Tick]:
    """The axis ticks: the finest step whose labels keep ~70 px apart."""
    room = max(2, int((scale.right - scale.left) // 70))
    span = scale.high - scale.low
    unit, step = next(((u, n) for u, n in _TICK_STEPS if span / (_UNIT_DAYS[u] * n) <= room), ("year", 100))
    first = datetime.date.fromordinal(int(scale.low) + 1)
    last = datetime.date.fromordinal(int(scale.high))
    found: list[Tick] = []
    if unit == "year":
        year = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        year += (-year) % step
        while year <= last.year:
            found.append(Tick(datetime.date(year, 1, 1), str(year), True))
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
                label = day.strftime("%b") + (f" {year}" if month == 1 or not found else "")
                found.append(Tick(day, label, month == 1))
            month += 1
    else:
        day = first
        if step >= 7:
            day += datetime.timedelta(days=(-day.weekday()) % 7)  # Mondays
        while day <= last:
            new_year = bool(found) and found[-1].day.year != day.year
            found.append(Tick(day, _nice_date(day, with_year=not found or new_year), new_year))
            day += datetime.timedelta(days=step)
    for tick in found:
        tick.x = scale(tick.day)
    return found


# -- the parts of the chart -----------------------------------------------------------------------


@dataclass(eq=False)
class Mark:
    """An item on the chart: where it is (a bar from `x` to `x_end` for a partial date), its shape
    and colour, its label (its row under the lane's line, and whether it is left of the mark)."""

    item: dict
    start: datetime.date
    end: datetime.date
    partial: bool
    shape: str = "dot"  # a response's; an event's: circle, ring or diamond (ACTION_SHAPES)
    x: float = 0.0
    x_end: float = 0.0
    y: float = 0.0
    label: str = ""
    row: int | None = None
    left: bool = False
    color: str = INK
    number: int | None = None  # an event's number in the key
    tooltip: str = ""
    lane: Lane | None = None
    size: float = 0.0  # a count's radius (area by how many it stands for)
    label_dy: float | None = None  # a count's label: centred, this far below the mark

    @classmethod
    def of(cls, item: dict) -> Mark:
        start, end, partial = _period(item["date"])
        if item["type"] == "listing":
            shape = "square"  # a list's own act, drawn apart from announcements
        else:
            shape = ACTION_SHAPES.get(item["action"], "diamond") if item["type"] == "event" else "dot"
        return cls(item, start, end, partial, shape, tooltip=tooltip(item))


@dataclass(eq=False)
class Lane:
    """A row of the chart: a jurisdiction's events or a responder's responses."""

    key: str
    label: str
    note: str
    color: str
    kind: str  # "event" or "response"
    marks: list[Mark] = field(default_factory=list)
    list_marks: list[Mark] = field(default_factory=list)  # the jurisdiction's lists' changes
    rows: int = 1  # of labels
    top: float = 0.0
    height: float = 0.0
    shaded: bool = False  # every other lane of a section, from the first

    @property
    def mark_y(self) -> float:
        return self.top + 13

    @property
    def label_size(self) -> float:
        return 11 if self.kind == "event" else 9.5


@dataclass
class Section:
    heading: str
    y: float
    lanes: list[Lane]


@dataclass
class LegendEntry:
    """A symbol and what it means, at (x, y): `symbol` is designation, delisting, other (another
    action), stance (a response, in `color`), answers, counter-measure or follows."""

    symbol: str
    text: str
    x: float
    y: float
    color: str = INK


@dataclass
class Link:
    """A line between two marks: `answers` (a response to its event), `counter-measure` (an event
    to the one answering it) or `follows` (a first designation to a later one's)."""

    kind: str
    start: Mark
    end: Mark
    color: str


@dataclass
class FollowLabel:
    text: str
    x: float
    y: float
    color: str


@dataclass
class KeyLine:
    """A line of the key: an `event` (its number, jurisdiction and text), a `follow` line under
    it, or a `response` (its lag and text)."""

    kind: str
    y: float
    text: str
    color: str
    number: int | None = None
    jurisdiction: str = ""
    lag: str = ""


@dataclass
class Key:
    heading: str
    y: float
    lines: list[KeyLine]
    more: str = ""  # "… and N more events", when the key is cut (lines 12 px apart)
    more_y: float = 0.0


@dataclass
class Chart:
    """The whole chart: every part placed, every text cut to its room."""

    width: float
    height: float
    title: str  # whole, for the document's <title>
    heading: str  # the title cut to fit
    about: str
    legend: list[LegendEntry]
    sections: list[Section]
    plot_top: float
    plot_bottom: float
    ticks: list[Tick]
    links: list[Link]
    marks: list[Mark]  # responses, then events (drawn over them)
    follow_labels: list[FollowLabel]
    key: Key | None
    footer: str
    footer_y: float
    plot_left: float = PLOT_LEFT  # where the plot starts: the lane names' room
    per: str | None = None  # "month" or "year" when marks are counts per period (AGGREGATE_ABOVE)


# -- wording ----------------------------------------------------------------------------------------


def tooltip(item: dict) -> str:
    if item["type"] == "listing":
        return f"{item['date']} {item['source']} list, {item['change']}" + (
            f" of {item['name']}" if item.get("name") else "") + f": {item['text']}"
    if item["type"] == "event":
        targets = "; ".join(target_text(t) for t in item.get("targets", []))
        text = f"{item['date']} {item['jurisdiction']} · {item['authority']}: {item['action']} of {targets}"
        if item.get("lag_days") is not None:
            text += f" (counter-measure, {item['lag_days']} days after {item.get('answers')})"
        for follow in item.get("follows", []):
            text += f". {follow['text']}"
        for link in item.get("list_links") or []:
            text += f". {link['text']}"
    else:
        text = f"{item['date']} {who(item)}, {what(item)}"
        if item.get("lag_days") is not None:
            text += f", {item['lag_days']} days after the event"
        if item.get("quote"):
            text += f": “{item['quote']}”"
    return text


def mark_label(mark: Mark) -> str:
    """A response's lag; an event's number and the first name it gives (and how many more)."""
    item = mark.item
    if item["type"] == "count":
        return f"{item['count']:,}"
    if item["type"] == "response":
        lag = item.get("lag_days")
        return "" if lag is None else f"+{lag} d" if lag >= 0 else f"{lag} d"
    names = list(item.get("named_as") or [])
    names += [t["name"] for t in item.get("targets", []) if t["name"] not in names]
    if not names:
        return str(mark.number)
    more = len(names) - 1
    text = fit(names[0], LABEL_SIZE, 230) + (f" and {more} more" if more else "")
    return f"{mark.number} {text}"


def about(timeline, events: int, responses: int, listings: int = 0, summarised: int = 0) -> str:
    from .timeline import counts_text

    subject = timeline.subject
    parts = [counts_text(events, responses, listings, summarised)]
    first = shown_date(timeline.first) if timeline.first else ""
    parts.append(first if timeline.first == timeline.last else f"{first} to {shown_date(timeline.last)}")
    if subject.kind == "entity":
        others = [n for n in subject.names if n != subject.label]
        parts.append(f"entity {subject.value}" + (f", also named {', '.join(others[:4])}" if others else ""))
    elif subject.kind != "all":
        parts.append(f"{subject.kind} {subject.label}")
    return " · ".join(parts)


# -- placing ----------------------------------------------------------------------------------------


def place_labels(lane: Lane, size: float, max_rows: int, plot_left: float = PLOT_LEFT) -> None:
    """Give each mark's label a row (and a side) where it overlaps no other label or mark; a label
    that finds none within `max_rows` rows is dropped (the key still names the event)."""
    rows: list[list[tuple[float, float]]] = [[(m.x - 6, max(m.x + 6, m.x_end)) for m in lane.marks]]
    for mark in sorted(lane.marks, key=lambda m: m.x):
        if not mark.label:
            continue
        width = text_width(mark.label, size)
        right = max(mark.x + 8, mark.x_end + 4)
        sides = [(right, right + width, False), (mark.x - 8 - width, mark.x - 8, True)]
        placed = False
        for index in range(max_rows):
            if index == len(rows):
                rows.append([])
            for low, high, left in sides:
                if high > WIDTH - 6 or (left and low < plot_left - 4):
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


def lanes_of(events: list[Mark], responses: list[Mark], listings: list[Mark] = ()) -> list[Lane]:  # type: ignore[assignment]
    """Jurisdictions in order of their first event (or list change), then responders (actors, or
    their countries when there are more than MAX_ACTOR_LANES); each mark gets its lane and colour.
    A list's changes go on its jurisdiction's lane, on a line of their own under its events."""
    lanes: list[Lane] = []
    lane_of: dict[str, Lane] = {}
    palette = iter(PALETTE * 10)
    for mark in sorted([*events, *listings], key=lambda m: (m.start, m.item["type"] == "listing", m.item["id"])):
        code = mark.item["jurisdiction"] or "lists"
        if code not in lane_of:
            color = JURISDICTION_COLORS.get(code) or next(palette)
            authorities = sorted({m.item["authority"] for m in events if m.item["jurisdiction"] == code})
            if not authorities:
                note = "lists only"
            else:
                note = authorities[0] if len(authorities) == 1 else f"{len(authorities)} authorities"
            lane_of[code] = Lane(code, code, note, color, "event")
            lanes.append(lane_of[code])
        lane = lane_of[code]
        mark.lane, mark.color = lane, lane.color
        (lane.list_marks if mark.item["type"] == "listing" else lane.marks).append(mark)
    actors = {(m.item["actor"], m.item.get("country")) for m in responses}
    by_actor = len(actors) <= MAX_ACTOR_LANES
    for mark in sorted(responses, key=lambda m: (m.start, m.item["id"])):
        item = mark.item
        country = item.get("country") or ""
        key = f"actor:{item['actor']}\x1f{country}" if by_actor else f"country:{country}"
        if key not in lane_of:
            if by_actor:
                lane = Lane(key, item["actor"], country, MUTED, "response")
            else:
                count = len({a for a, c in actors if c == item.get("country")})
                lane = Lane(key, country or "others", f"{count} responder{'s' if count != 1 else ''}", MUTED, "response")
            lane_of[key] = lane
            lanes.append(lane)
        lane = lane_of[key]
        mark.lane = lane
        mark.color = STANCE_COLORS.get(item.get("stance"), STANCE_COLORS[None])
        lane.marks.append(mark)
    return lanes


def place_marks(lane: Lane, scale: Scale) -> None:
    """x positions of a lane's marks (marks of one day side by side, unless the lane is crowded,
    or counts of a period), then their labels."""
    crowded = len(lane.marks) > CROWDED_LANE or any(m.item["type"] == "count" for m in lane.marks)
    previous = -1e9
    for mark in sorted(lane.marks, key=lambda m: (m.start, m.item["id"])):
        x = scale(mark.start)
        if not crowded and x - previous < 7:
            x = previous + 7
        mark.x = previous = x
        mark.x_end = max(scale(mark.end) + 1, x + 3)
    if any(m.item["type"] == "count" for m in lane.marks):
        place_count_labels(lane)
        for mark in lane.list_marks:
            mark.x = scale(mark.start)
        return
    quiet = lane.kind == "response" and len(lane.marks) > MAX_RESPONSE_LABELS
    for mark in lane.marks:
        mark.label = "" if quiet else mark_label(mark)
    place_labels(lane, LABEL_SIZE, MAX_LABEL_ROWS if lane.kind == "event" else 2, scale.left)
    for mark in lane.list_marks:  # no labels: the tooltip and the key tell them
        mark.x = scale(mark.start)
        mark.x_end = mark.x + 3


def place_count_labels(lane: Lane) -> None:
    """Each count's number centred under it, left to right, where it overlaps no other (the
    tooltip says the others)."""
    right = -1e9
    for mark in sorted(lane.marks, key=lambda m: m.x):
        mark.label = mark_label(mark)
        width = text_width(mark.label, 8)
        if mark.x - width / 2 > right + 3 and mark.x + width / 2 < WIDTH - 6:
            mark.row, mark.label_dy = 0, mark.size + 9
            right = mark.x + width / 2
        else:
            mark.label = ""
    lane.rows = 1


def size_counts(lanes: list[Lane], scale: Scale, per: str) -> float:
    """Radii of the counts: area by count, the largest as wide as a period allows (at most 11 px);
    the largest radius."""
    counts = [m for lane in lanes for m in (*lane.marks, *lane.list_marks)]
    most = max([m.item["count"] for m in counts] or [1])
    room = (scale.right - scale.left) / (scale.high - scale.low) * _UNIT_DAYS[per]
    largest = max(2.5, min(11.0, room / 2 - 0.5))
    for mark in counts:
        mark.size = max(2.0, largest * (mark.item["count"] / most) ** 0.5)
    return largest


def legend(y: float, events: list[Mark], responses: list[Mark], per: str | None = None) -> tuple[list[LegendEntry], float]:
    """Entries for what the chart holds, in rows wrapped to the width; the y below them."""
    wanted: list[tuple[str, str, str]] = []  # (symbol, text, colour)
    if per is not None:
        wanted.append(("count", f"N: how many events or responses of a lane in one {per} (sized by it)", INK))
        events, responses = [], []  # each drawn only as a count
    actions = {m.item["action"] for m in events}
    if "designation" in actions:
        wanted.append(("designation", "designation", INK))
    if "delisting" in actions:
        wanted.append(("delisting", "delisting", INK))
    if actions - {"designation", "delisting"}:
        wanted.append(("other", "other action", INK))
    stances = {m.item.get("stance") for m in responses}
    for stance, color in STANCE_COLORS.items():
        if stance in stances:
            wanted.append(("stance", f"response: {stance or 'no stance'}", color))
    shown = {m.item["id"] for m in events}
    if any(m.item.get("event_id") in shown for m in responses):
        wanted.append(("answers", "answers", MUTED))
    if any(m.item.get("answers") for m in events):
        wanted.append(("counter-measure", "counter-measure", "#37424e"))
    if any(m.item.get("follows") for m in events):
        wanted.append(("follows", "A → B +N d: B designated the same party N days after A", MUTED))
    entries = []
    x = 24.0
    y += 8
    for symbol, text, color in wanted:
        width = 18 + text_width(text, 9) + 14
        if x + width > WIDTH - 20:
            x = 24.0
            y += 16
        entries.append(LegendEntry(symbol, text, x, y, color))
        x += width
    return entries, y + 8


def links_of(events: list[Mark], responses: list[Mark]) -> tuple[list[Link], list[FollowLabel]]:
    """Responses to their events, events to the counter-measures answering them, and (while they
    are few) first designations to later ones, with a label half-way."""
    by_id = {m.item["id"]: m for m in events}
    links: list[Link] = []
    labels: list[FollowLabel] = []
    draw_follows = sum(len(m.item.get("follows", [])) for m in events) <= MAX_FOLLOW_LINES
    for mark in responses:
        event = by_id.get(mark.item["event_id"])
        if event is not None:
            links.append(Link("answers", event, mark, event.color))
    for mark in events:
        answered = by_id.get(mark.item.get("answers") or "")
        if answered is not None:
            links.append(Link("counter-measure", answered, mark, "#37424e"))
        for follow in mark.item.get("follows", []) if draw_follows else ():
            leader = by_id.get(follow["followed_event_id"])
            if leader is not None:
                links.append(Link("follows", leader, mark, mark.color))
                text = f"{follow['followed']} → {follow['jurisdiction']} {follow['lag_days']:+d} d"
                labels.append(FollowLabel(text, (leader.x + mark.x) / 2, (leader.y + mark.y) / 2 - 3, mark.color))
    return links, labels


NARROW = ("narrow it with --since/--until, --limit or --kind, or take an entity, a jurisdiction or "
          "a program as subject; the markdown and json formats list every item")


def key_of(events: list[Mark], responses: list[Mark], y: float, per: str | None = None) -> tuple[Key | None, float]:
    """The numbered list of events under the chart: each with its "followed" lines and, when the
    whole list fits in KEY_LIMIT lines, its responses; the y below it. A chart of counts (`per`)
    says so, and how to narrow it, under its key."""
    if not events:
        return None, y
    under: dict[str, list[Mark]] = {}
    for mark in responses:
        under.setdefault(mark.item.get("event_id") or "", []).append(mark)
    ordered = sorted(events, key=lambda m: m.number)
    follows = sum(len(m.item.get("follows", [])) for m in events)
    with_responses = len(events) + follows + len(responses) <= KEY_LIMIT
    key = Key("EVENTS AND RESPONSES" if with_responses and responses else "EVENTS", y, [])
    y += 4
    listed = 0
    room = WIDTH - 24
    for mark in ordered:
        if len(key.lines) >= KEY_LIMIT:
            break
        listed += 1
        item = mark.item
        y += 13
        targets = "; ".join(target_text(t) for t in item.get("targets", []))
        text = f"{shown_date(item['date'])} · {item['authority']} · {item['action']}: {targets}"
        answered = next((m for m in events if m.item["id"] == item.get("answers")), None)
        if item.get("lag_days") is not None:
            text += f" — counter-measure {item['lag_days']:+d} d after " + (
                f"event {answered.number}" if answered else str(item.get("answers"))
            )
        replies = under.get(item["id"], [])
        if replies and not with_responses:
            text += f" — {len(replies)} response{'s' if len(replies) != 1 else ''}"
        key.lines.append(KeyLine("event", y, fit(text, 9, room - 68), mark.color, mark.number, item["jurisdiction"]))
        for follow in item.get("follows", []):
            y += 12
            text = f"↳ {follow['text']}: {follow['name']}"
            key.lines.append(KeyLine("follow", y, fit(text, 8.5, room - 68), mark.color))
        if with_responses:
            for reply in replies:
                y += 12
                r = reply.item
                lag = "" if r.get("lag_days") is None else f"{r['lag_days']:+d} d"
                text = f"{who(r)}, {what(r)}" + (f": “{r['quote']}”" if r.get("quote") else "")
                key.lines.append(KeyLine("response", y, fit(text, 8.5, room - 106), reply.color, lag=lag))
    if per is not None:
        y += 13
        more = len(ordered) - listed
        shown = f"… and {more:,} more event{'s' if more != 1 else ''}. " if more else ""
        key.more = fit(f"{shown}{len(ordered):,} events and {len(responses):,} responses are drawn as counts "
                       f"per {per}, too many to draw each:", 9, WIDTH - 48) + "\n" + fit(NARROW, 9, WIDTH - 48)  # fmt: skip
        key.more_y = y
        y += 12
    elif listed < len(ordered):
        y += 13
        more = len(ordered) - listed
        key.more = f"… and {more} more event{'s' if more != 1 else ''}: the markdown and json formats list them all"
        key.more_y = y
    return key, y + 8


def lane_room(lanes: list[Lane]) -> float:
    """Where the plot starts: right of the widest lane name or note (PLOT_LEFT at the least,
    MAX_PLOT_LEFT at the most, beyond which names are cut)."""
    widest = max(
        [text_width(lane.label, lane.label_size, bold=lane.kind == "event") for lane in lanes]
        + [text_width(lane.note, 8) for lane in lanes if lane.note] + [0.0]
    )  # fmt: skip
    return min(max(PLOT_LEFT, LANE_LABEL_X + widest + 10), MAX_PLOT_LEFT)


def _period_of(day: datetime.date, per: str) -> tuple[datetime.date, datetime.date, str]:
    if per == "year":
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), str(day.year)
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end, start.strftime("%b %Y")


def aggregate(marks: list[Mark], lane: Lane, per: str) -> list[Mark]:
    """A lane's marks as one mark per month or year holding any: `count` items, drawn at the
    start of the period and sized by how many they stand for."""
    groups: dict[datetime.date, list[Mark]] = {}
    for mark in marks:
        groups.setdefault(_period_of(mark.start, per)[0], []).append(mark)
    counted: list[Mark] = []
    for start, group in sorted(groups.items()):
        _, end, name = _period_of(start, per)
        kind = group[0].item["type"]
        noun = {"event": "event", "response": "response"}.get(kind, "list change")
        text = f"{len(group):,} {noun}{'s' if len(group) != 1 else ''}"
        item = {"type": "count", "id": f"{lane.key} {start.isoformat()}", "count": len(group), "of": kind,
                "date": start.isoformat(), "period": name}  # fmt: skip
        shape = "count-square" if kind == "listing" else "count"
        color = lane.color if lane.kind == "event" else MUTED
        counted.append(Mark(item, start, end, False, shape, color=color, lane=lane,
                            tooltip=f"{name}: {text} ({lane.label})"))  # fmt: skip
    return counted


def layout(timeline) -> Chart:
    """Lay the whole chart out (this reads every item of the timeline)."""
    items = list(timeline.items)
    subject = timeline.subject
    events = [Mark.of(i) for i in items if i["type"] == "event"]
    responses = [Mark.of(i) for i in items if i["type"] == "response"]
    listings = [Mark.of(i) for i in items if i["type"] == "listing"]
    for number, mark in enumerate(sorted(events, key=lambda m: (m.start, m.item["id"])), start=1):
        mark.number = number
    lanes = lanes_of(events, responses, listings)
    everything = events + responses + listings
    low = min(m.start for m in everything)
    high = max(m.end if m.partial else m.start for m in everything)
    per = None
    if len(events) + len(responses) > AGGREGATE_ABOVE:
        per = "month" if (high - low).days <= 6 * 366 else "year"
        for lane in lanes:
            lane.marks = aggregate(lane.marks, lane, per)
            lane.list_marks = aggregate(lane.list_marks, lane, per)
    plot_left = lane_room(lanes)
    scale = Scale(low, high, plot_left, PLOT_RIGHT)
    largest = size_counts(lanes, scale, per) if per else 0.0
    for lane in lanes:
        place_marks(lane, scale)

    title = "Timeline: " + ("everything recorded" if subject.kind == "all" else subject.label)
    entries, y = legend(66.0, events, responses, per)

    # Lanes, in two sections, top to bottom.
    y += 8
    plot_top = y + 18  # the grid starts at the first lane, below its section's heading
    sections = []
    for heading, kind in (("Sanctions and counter-measures", "event"), ("Responses", "response")):
        section = [lane for lane in lanes if lane.kind == kind]
        if not section:
            continue
        sections.append(Section(heading.upper(), y, section))
        y += 18
        for index, lane in enumerate(section):
            lane.top = y
            lane.height = max(30 + (lane.rows - 1) * 12, largest + 26)
            lane.shaded = index % 2 == 0
            lane.label = fit(lane.label, lane.label_size, plot_left - LANE_LABEL_X - 8, bold=lane.kind == "event")
            lane.note = fit(lane.note, 8, plot_left - LANE_LABEL_X - 8) if lane.note else ""
            for mark in lane.marks:
                mark.y = lane.mark_y
            if lane.list_marks:  # their own line, under the labels of the events
                for mark in lane.list_marks:
                    mark.y = lane.top + lane.height + 2
                lane.height += 12
            y += lane.height + 2
        y += 6
    plot_bottom = y

    shown_ticks = [t for t in ticks(scale) if plot_left - 1 <= t.x <= PLOT_RIGHT + 1]
    links, follow_labels = links_of(events, responses) if per is None else ([], [])
    key, y = key_of(events, responses, plot_bottom + 30, per)
    y += 14
    return Chart(
        width=WIDTH, height=y + 14, title=title, heading=fit(title, 17, WIDTH - 48, bold=True),
        about=fit(about(timeline, len(events), len(responses), len(listings),
                        sum(1 for m in listings if m.item["change"] == "summary"))
                  + (f" · counted per {per}" if per else ""), 10.5, WIDTH - 48),
        legend=entries, sections=sections, plot_top=plot_top, plot_bottom=plot_bottom,
        ticks=shown_ticks, links=links, follow_labels=follow_labels,
        marks=[m for lane in lanes for m in lane.list_marks]
        + [m for kind in ("response", "event") for lane in lanes if lane.kind == kind for m in lane.marks],
        key=key, footer=fit(FOOTER, 8, WIDTH - 48), footer_y=y, plot_left=plot_left, per=per,
    )  # fmt: skip

"""SVG: a timeline drawn as a self-contained chart from the layout of `svg_layout`.

Drawn with `xml.etree.ElementTree`, which escapes text and attributes; data is made visible
first (`text.visible`: controls and bidi overrides shown as escapes) and the few characters XML
1.0 forbids even escaped (lone surrogates, U+FFFE…) are replaced. One top-level element a line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, SubElement, tostring

from .svg_layout import text_width
from .svg_layout import INK, LANE_RIGHT, LANE_LABEL_X, MUTED, PLOT_RIGHT, Chart, Key, LegendEntry, Link, Mark, layout
from .text import visible

if TYPE_CHECKING:
    from .formats import Output

FONT = "Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"
FAINT = "#e3e7ec"
LINK_INK = "#37424e"

# Characters XML 1.0 does not allow at all, escaped or not (visible() has shown the controls).
# (Compiled on first use, by `re`'s cache: the class is costly to compile at every start.)
_XML_INVALID = "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _data(text: Any) -> str:
    """Data as SVG text: controls and bidi overrides shown, characters XML forbids replaced."""
    return re.sub(_XML_INVALID, "\ufffd", visible(text))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(parent: Element, x, y, text: Any, size, fill: str, **attributes: str) -> Element:
    """A <text> of data at (x, y); numbers given as str are written as they are."""
    x = x if isinstance(x, str) else _n(x)
    y = y if isinstance(y, str) else _n(y)
    element = SubElement(parent, "text", {"x": x, "y": y, "font-size": str(size), "fill": fill, **attributes})
    element.text = _data(text)
    return element


# A label's halo: a white copy of it, stroked, drawn first, so that the label reads over lines and
# marks in every renderer (`paint-order="stroke"` on the label itself is ignored by some, such as
# ImageMagick's, which then draw the white stroke over the letters).
HALO = {"fill": "#fff", "stroke": "#fff", "stroke-width": "2.6", "stroke-linejoin": "round"}


def _tint(color: str, strength: float) -> str:
    """`color` (#rrggbb) over white at `strength`, as a solid colour: no renderer has to blend."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in channels)


def _with_halo(parent: Element, label: Element) -> Element:
    """Put a halo copy of `label` (a <text> of `parent`, its last child) just before it."""
    import copy

    halo = copy.deepcopy(label)
    halo.attrib.update(HALO)
    halo.set("aria-hidden", "true")
    for span in halo.iter("tspan"):
        span.set("fill", "#fff")
    parent.insert(list(parent).index(label), halo)
    return label


def timeline_as_svg(timeline, out: Output) -> None:
    out.stream.write(draw(layout(timeline)))


def draw(chart: Chart) -> str:
    """The chart as an SVG document."""
    width, height = str(chart.width), f"{chart.height:.0f}"
    svg = Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "width": width, "height": height,
        "viewBox": f"0 0 {width} {height}", "font-family": FONT, "role": "img",
    })  # fmt: skip
    SubElement(svg, "title").text = _data(chart.title)
    marker = SubElement(SubElement(svg, "defs"), "marker", {
        "id": "arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5", "markerWidth": "7",
        "markerHeight": "7", "orient": "auto-start-reverse",
    })  # fmt: skip
    SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": LINK_INK})
    SubElement(svg, "rect", {"width": width, "height": height, "fill": "#ffffff", "stroke": "none"})

    _text(svg, "24", "34", chart.heading, 17, INK, **{"font-weight": "bold"})
    _text(svg, "24", "53", chart.about, 10.5, MUTED)
    for entry in chart.legend:
        _legend_entry(svg, entry)
    _lanes(svg, chart)
    _axis(svg, chart)
    for link in chart.links:
        _link(svg, link)
    for mark in chart.marks:
        _mark(svg, mark)
    for label in chart.follow_labels:
        _with_halo(svg, _text(svg, label.x, label.y, label.text, 8, label.color,
                              **{"font-style": "italic", "text-anchor": "middle"}))  # fmt: skip
    if chart.key is not None:
        _key(svg, chart.key)
    _text(svg, "24", chart.footer_y, chart.footer, 8, MUTED)

    svg.text = "\n"
    for child in svg:
        child.tail = "\n"
    return tostring(svg, encoding="unicode") + "\n"


def _legend_entry(svg: Element, entry: LegendEntry) -> None:
    symbol = SubElement(svg, "g", {"transform": f"translate({entry.x + 8:.1f},{entry.y:.1f})"})
    shapes = {
        "designation": ("circle", {"r": "4.5", "fill": entry.color}),
        "delisting": ("circle", {"r": "4", "fill": "#fff", "stroke": entry.color, "stroke-width": "1.8"}),
        "other": ("path", {"d": "M0,-5 L5,0 L0,5 L-5,0 z", "fill": entry.color}),
        "stance": ("circle", {"r": "3.6", "fill": entry.color, "stroke": "#fff"}),
        "count": ("circle", {"r": "5", "fill": entry.color, "fill-opacity": "0.8"}),
        "answers": ("path", {"d": "M-7,4 C-7,-1 7,1 7,-4", "fill": "none", "stroke": entry.color, "stroke-width": "1"}),
        "counter-measure": ("path", {
            "d": "M-8,0 L6,0", "stroke": entry.color, "stroke-width": "1.3", "stroke-dasharray": "5 3",
            "marker-end": "url(#arrow)",
        }),
        "follows": ("path", {
            "d": "M-8,0 L8,0", "stroke": entry.color, "stroke-width": "1.2", "stroke-dasharray": "1.5 2.5",
            "stroke-linecap": "round",
        }),
    }  # fmt: skip
    tag, attributes = shapes[entry.symbol]
    SubElement(symbol, tag, attributes)
    _text(svg, entry.x + 19, entry.y + 3.2, entry.text, 9, INK)


def _lanes(svg: Element, chart: Chart) -> None:
    for section in chart.sections:
        heading = {"font-weight": "bold", "letter-spacing": "0.6"}
        _text(svg, "24", section.y + 11, section.heading, 9, MUTED, **heading)
        SubElement(svg, "line", {
            "x1": "24", "x2": str(LANE_RIGHT), "y1": _n(section.y + 15), "y2": _n(section.y + 15), "stroke": FAINT,
        })  # fmt: skip
        for lane in section.lanes:
            if lane.shaded:
                SubElement(svg, "rect", {
                    "x": "24", "y": _n(lane.top), "width": str(LANE_RIGHT - 24), "height": _n(lane.height),
                    "fill": "#f5f7f9", "stroke": "none",
                })  # fmt: skip
            event = lane.kind == "event"
            _text(svg, str(LANE_LABEL_X), lane.mark_y + 3.5, lane.label, lane.label_size, lane.color if event else INK,
                  **{"font-weight": "bold" if event else "normal"})  # fmt: skip
            if lane.note:
                _text(svg, str(LANE_LABEL_X), lane.mark_y + 14, lane.note, 8, MUTED)


def _axis(svg: Element, chart: Chart) -> None:
    """A grid line, a tick and a label per tick; the axis line under the lanes."""
    top, bottom = _n(chart.plot_top), _n(chart.plot_bottom)
    for tick in chart.ticks:
        x = _n(tick.x)
        SubElement(svg, "line", {
            "x1": x, "x2": x, "y1": top, "y2": bottom, "stroke": "#c9d0d8" if tick.major else FAINT,
            "stroke-width": "1" if tick.major else "0.7",
        })  # fmt: skip
        SubElement(svg, "line", {"x1": x, "x2": x, "y1": bottom, "y2": _n(chart.plot_bottom + 5), "stroke": MUTED})
        _text(svg, x, chart.plot_bottom + 16, tick.label, 9, INK,
              **{"text-anchor": "middle", "font-weight": "bold" if tick.major else "normal"})  # fmt: skip
    SubElement(svg, "line", {
        "x1": _n(chart.plot_left - 6), "x2": str(PLOT_RIGHT), "y1": bottom, "y2": bottom, "stroke": MUTED,
    })  # fmt: skip


def _link(svg: Element, link: Link) -> None:
    a, b = link.start, link.end
    if link.kind == "follows":
        SubElement(svg, "path", {
            "d": f"M{a.x:.1f},{a.y:.1f} L{b.x:.1f},{b.y:.1f}", "fill": "none", "stroke": link.color,
            "stroke-width": "1.2", "stroke-dasharray": "1.5 2.5", "stroke-linecap": "round", "stroke-opacity": "0.9",
        })  # fmt: skip
        return
    if abs(a.y - b.y) < 1:  # same lane: an arc above it
        lift = a.y - 12
        path = f"M{a.x:.1f},{a.y:.1f} C{a.x:.1f},{lift:.1f} {b.x:.1f},{lift:.1f} {b.x:.1f},{b.y:.1f}"
    else:
        middle = (a.y + b.y) / 2
        path = f"M{a.x:.1f},{a.y:.1f} C{a.x:.1f},{middle:.1f} {b.x:.1f},{middle:.1f} {b.x:.1f},{b.y:.1f}"
    if link.kind == "answers":
        style = {"stroke-width": "0.9", "stroke-opacity": "0.45"}
    else:
        style = {"stroke-width": "1.3", "stroke-opacity": "0.9", "stroke-dasharray": "5 3", "marker-end": "url(#arrow)"}
    SubElement(svg, "path", {"d": path, "fill": "none", "stroke": link.color, **style})


def _mark(svg: Element, mark: Mark) -> None:
    """A mark in a group titled by its tooltip: a bar over a partial date's period, the shape,
    and its label (with a leader line when the label sits in a lower row)."""
    x, y = mark.x, mark.y
    group = SubElement(svg, "g")
    SubElement(group, "title").text = _data(mark.tooltip)
    if mark.partial:
        SubElement(group, "rect", {
            "x": _n(x), "y": _n(y - 2), "width": _n(mark.x_end - x), "height": "4", "rx": "2",
            "fill": _tint(mark.color, 0.28), "stroke": "none",
        })  # fmt: skip
    if mark.shape in ("count", "count-square"):  # how many items of the lane in a period
        size = mark.size
        if mark.shape == "count":
            shape = ("circle", {"cx": _n(x), "cy": _n(y), "r": _n(size), "fill": mark.color,
                                "fill-opacity": "0.8", "stroke": "#fff", "stroke-width": "1"})  # fmt: skip
        else:
            size = min(size, 6.0)
            shape = ("rect", {"x": _n(x - size), "y": _n(y - size), "width": _n(2 * size), "height": _n(2 * size),
                              "fill": mark.color, "fill-opacity": "0.6", "stroke": mark.color, "stroke-width": "1"})  # fmt: skip
    elif mark.shape == "dot":
        shape = ("circle", {"cx": _n(x), "cy": _n(y), "r": "4", "fill": mark.color, "stroke": "#fff", "stroke-width": "1"})
    elif mark.shape == "circle":
        shape = ("circle", {"cx": _n(x), "cy": _n(y), "r": "5.5", "fill": mark.color, "stroke": "#fff", "stroke-width": "1.2"})
    elif mark.shape == "square":  # a list's change: hollow for a delisting
        hollow = mark.item.get("change") == "delisting"
        shape = ("rect", {"x": _n(x - 3.5), "y": _n(y - 3.5), "width": "7", "height": "7",
                          "fill": "#fff" if hollow else mark.color, "stroke": mark.color, "stroke-width": "1.4"})  # fmt: skip
    elif mark.shape == "ring":
        shape = ("circle", {"cx": _n(x), "cy": _n(y), "r": "4.6", "fill": "#fff", "stroke": mark.color, "stroke-width": "2"})
    else:
        diamond = f"M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} L{x - 6:.1f},{y:.1f} z"
        shape = ("path", {"d": diamond, "fill": mark.color, "stroke": "#fff", "stroke-width": "1"})
    SubElement(group, *shape)
    if not mark.label or mark.row is None:
        return
    if mark.label_dy is not None:  # a count's number, centred under it
        counted = mark.item.get("of") == "event"
        _with_halo(group, _text(group, x, y + mark.label_dy, mark.label, 8, INK if counted else MUTED,
                                **{"text-anchor": "middle"}))  # fmt: skip
        return
    label_y = y + 3.2 + mark.row * 12
    label_x = x - 8 if mark.left else max(x + 8, mark.x_end + 4)
    if mark.row:
        corner = label_x - (-3 if mark.left else 3)
        SubElement(group, "path", {
            "d": f"M{x:.1f},{y + 4:.1f} L{x:.1f},{label_y - 3:.1f} L{corner:.1f},{label_y - 3:.1f}",
            "fill": "none", "stroke": "#b3bcc6", "stroke-width": "0.7",
        })  # fmt: skip
    event = mark.item["type"] == "event" or (mark.item["type"] == "count" and mark.item.get("of") == "event")
    anchor = {"text-anchor": "end" if mark.left else "start"}
    number = f"{mark.number} "
    if event and mark.number is not None and mark.label.startswith(number):
        # The event's number in its lane's colour, as in the key: a text of its own beside the
        # rest (a <tspan> is lost by some renderers, ImageMagick's among them).
        rest = mark.label[len(number):]
        bold = {"font-weight": "bold"}
        if mark.left:
            _with_halo(group, _text(group, label_x, label_y, rest, 9, INK, **anchor))
            number_x = label_x - text_width(" " + rest, 9)
        else:
            number_x = label_x
            _with_halo(group, _text(group, label_x + text_width(number, 9, bold=True), label_y, rest, 9, INK, **anchor))
        _with_halo(group, _text(group, number_x, label_y, str(mark.number), 9, mark.color, **anchor, **bold))
        return
    _with_halo(group, _text(group, label_x, label_y, mark.label, 9, INK if event else MUTED, **anchor))


def _key(svg: Element, key: Key) -> None:
    _text(svg, "24", key.y, key.heading, 9, MUTED, **{"font-weight": "bold", "letter-spacing": "0.6"})
    for line in key.lines:
        if line.kind == "event":
            bold = {"font-weight": "bold"}
            _text(svg, "24", line.y, str(line.number), 9, line.color, **bold)
            _text(svg, "46", line.y, line.jurisdiction, 9, line.color, **bold)
            _text(svg, "68", line.y, line.text, 9, INK)
        elif line.kind == "follow":
            _text(svg, "68", line.y, line.text, 8.5, line.color, **{"font-style": "italic"})
        else:
            SubElement(svg, "circle", {"cx": "72", "cy": _n(line.y - 3), "r": "3", "fill": line.color})
            _text(svg, "100", line.y, line.lag, 8.5, MUTED, **{"text-anchor": "end"})
            _text(svg, "106", line.y, line.text, 8.5, MUTED)
    for number, line in enumerate(key.more.split("\n") if key.more else []):
        _text(svg, "24", key.more_y + 12 * number, line, 9, MUTED, **{"font-style": "italic"})

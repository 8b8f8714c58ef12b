"""The chart of a timeline laid out as data (render/svg_layout.py), tested without any XML:
lanes, the date scale and its ticks, label rows, the legend and the key."""

from __future__ import annotations

import datetime

from sanctrack.render import svg_layout as layout
from sanctrack.timeline import Subject, Timeline, Window


def event(number: int, date: str, jurisdiction: str, *names: str, **fields) -> dict:
    return {"type": "event", "id": f"ev-{number:012x}", "date": date, "depth": 0, "lag_days": None,
            "jurisdiction": jurisdiction, "authority": f"{jurisdiction} authority",
            "action": "designation", "targets": [{"name": n, "aliases": []} for n in names or ["Party"]],
            **fields}  # fmt: skip


def response(number: int, event_item: dict, date: str, actor: str, lag: int, **fields) -> dict:
    return {"type": "response", "id": f"rs-{number:012x}", "event_id": event_item["id"], "date": date,
            "depth": 1, "lag_days": lag, "actor": actor, **fields}  # fmt: skip


def chart_of(items: list[dict]) -> layout.Chart:
    dates = sorted(i["date"] for i in items if i["type"] == "event")
    events = sum(i["type"] == "event" for i in items)
    timeline = Timeline(Subject("all"), Window(), events, events, dates[0], dates[-1], iter(items))
    return layout.layout(timeline)


def test_a_lane_per_jurisdiction_in_order_of_first_event_then_a_lane_per_responder():
    us = event(1, "2025-01-03", "US", "Acme")
    gb = event(2, "2025-02-01", "GB", "Acme")
    later_us = event(3, "2025-03-01", "US", "Other")
    ministry = response(4, us, "2025-01-05", "Ministry", 2, country="CN", stance="rejects")
    chart = chart_of([us, ministry, gb, later_us])
    sections = {s.heading: [lane.label for lane in s.lanes] for s in chart.sections}
    assert sections == {"SANCTIONS AND COUNTER-MEASURES": ["US", "GB"], "RESPONSES": ["Ministry"]}
    lanes = chart.sections[0].lanes
    assert lanes[0].color == layout.JURISDICTION_COLORS["US"] and lanes[0].note == "US authority"
    assert [lane.shaded for lane in lanes] == [True, False]  # every other lane, from the first
    # Each mark sits on its lane's line; events are numbered in date order.
    marks = {m.item["id"]: m for m in chart.marks}
    assert marks[us["id"]].y == marks[later_us["id"]].y == lanes[0].mark_y
    assert [marks[e["id"]].number for e in (us, gb, later_us)] == [1, 2, 3]
    assert marks[ministry["id"]].color == layout.STANCE_COLORS["rejects"]
    assert [m.item["type"] for m in chart.marks] == ["response", "event", "event", "event"]  # events on top


def test_x_follows_the_date_and_the_axis_has_month_ticks_within_the_plot():
    items = [event(1, "2025-01-01", "US"), event(2, "2025-12-31", "GB")]
    chart = chart_of(items)
    first, last = sorted(chart.marks, key=lambda m: m.x)
    assert layout.PLOT_LEFT < first.x < last.x < layout.PLOT_RIGHT
    labels = [t.label for t in chart.ticks]
    assert labels[:2] == ["Jan 2025", "Mar"] and "Nov" in labels
    assert all(layout.PLOT_LEFT - 1 <= t.x <= layout.PLOT_RIGHT + 1 for t in chart.ticks)
    assert [t.x for t in chart.ticks] == sorted(t.x for t in chart.ticks)


def test_ticks_choose_years_over_decades_and_days_over_a_fortnight():
    scale = layout.Scale(datetime.date(2001, 5, 1), datetime.date(2024, 5, 1), 168, 760)
    years = layout.ticks(scale)
    assert all(t.major and t.label.isdigit() for t in years) and 3 <= len(years) <= 12
    scale = layout.Scale(datetime.date(2024, 12, 28), datetime.date(2025, 1, 4), 168, 760)
    days = layout.ticks(scale)
    assert days[0].label.endswith("2024") and any(t.major and t.label.endswith("2025") for t in days)


def test_a_partial_date_is_a_bar_over_its_period():
    chart = chart_of([event(1, "2025-01-10", "US"), event(2, "2025-03", "US")])
    month = next(m for m in chart.marks if m.item["date"] == "2025-03")
    assert month.partial and month.x_end - month.x > 20  # a month is wider than a day


def test_marks_of_one_day_stand_side_by_side_and_labels_never_overlap_in_a_row():
    items = [event(n, "2025-06-01", "US", f"A long party name number {n}") for n in range(1, 7)]
    items.append(event(7, "2024-06-01", "US", "Far away"))
    chart = chart_of(items)
    xs = sorted(m.x for m in chart.marks if m.item["date"] == "2025-06-01")
    assert all(b - a >= 7 - 1e-9 for a, b in zip(xs, xs[1:]))
    placed = [m for m in chart.marks if m.label]
    assert placed and all(m.row is not None and m.row < layout.MAX_LABEL_ROWS for m in placed)
    for row in range(layout.MAX_LABEL_ROWS):
        spans = sorted(_label_span(m) for m in placed if m.row == row)
        assert all(a[1] + 5 < b[0] for a, b in zip(spans, spans[1:])), row
    # A label that found no room is left to the key, which names every event.
    assert len(placed) < 7 and len([line for line in chart.key.lines if line.kind == "event"]) == 7


def _label_span(mark: layout.Mark) -> tuple[float, float]:
    width = layout.text_width(mark.label, layout.LABEL_SIZE)
    if mark.left:
        return mark.x - 8 - width, mark.x - 8
    start = max(mark.x + 8, mark.x_end + 4)
    return start, start + width


def test_event_labels_give_the_number_and_the_first_name():
    chart = chart_of([event(1, "2025-01-03", "US", "Acme", "Beta", "Gamma")])
    assert chart.marks[0].label == "1 Acme and 2 more"


def test_links_the_legend_and_the_follow_labels():
    us = event(1, "2025-01-03", "US", "Acme")
    follow = {"followed": "US", "jurisdiction": "GB", "lag_days": 29, "followed_event_id": us["id"],
              "text": "GB followed US after 29 days", "name": "Acme"}  # fmt: skip
    gb = event(2, "2025-02-01", "GB", "Acme", follows=[follow])
    cn = event(3, "2025-02-10", "CN", "Bolt", answers=us["id"], lag_days=38, action="ban")
    reply = response(4, us, "2025-01-04", "Ministry", 1, stance=None)
    chart = chart_of([us, reply, gb, cn])
    assert [(link.kind, link.start.item["id"], link.end.item["id"]) for link in chart.links] == [
        ("answers", us["id"], reply["id"]), ("follows", us["id"], gb["id"]),
        ("counter-measure", us["id"], cn["id"]),
    ]  # fmt: skip
    assert [label.text for label in chart.follow_labels] == ["US → GB +29 d"]
    symbols = [entry.symbol for entry in chart.legend]
    assert symbols == ["designation", "other", "stance", "answers", "counter-measure", "follows"]
    assert all(24 <= entry.x and entry.x < layout.WIDTH - 20 for entry in chart.legend)
    assert len({entry.y for entry in chart.legend}) == 2  # the long "follows" entry wraps
    cn_line = next(line for line in chart.key.lines if line.number == 3)
    assert cn_line.text.endswith("counter-measure +38 d after event 1")


def test_the_key_lists_responses_while_it_fits_then_only_events():
    us = event(1, "2025-01-03", "US", "Acme")
    replies = [response(n, us, "2025-01-05", f"Actor {n}", 2, kind="statement", quote="no") for n in range(2, 5)]
    chart = chart_of([us, *replies])
    assert chart.key.heading == "EVENTS AND RESPONSES"
    assert [line.kind for line in chart.key.lines] == ["event", "response", "response", "response"]
    assert chart.key.lines[1].lag == "+2 d" and chart.key.lines[1].text == "Actor 2, statement: “no”"
    many = [event(n, f"2020-01-{1 + n % 28:02d}", "US", f"P{n}") for n in range(1, 60)]
    chart = chart_of(many)
    assert chart.key.heading == "EVENTS" and len(chart.key.lines) == layout.KEY_LIMIT
    assert chart.key.more.startswith("… and 11 more events")
    assert chart.key.more_y > chart.key.lines[-1].y and chart.footer_y > chart.key.more_y
    assert chart.height == chart.footer_y + 14


def test_texts_are_cut_to_their_room():
    assert layout.fit("short", 9, 100) == "short"
    cut = layout.fit("a very long name " * 10, 9, 100)
    assert cut.endswith("…") and layout.text_width(cut, 9) <= 100
    assert layout.text_width("控制", 10) == 20  # full width
    name = "Timeline: " + "Z" * 200
    chart = chart_of([event(1, "2025-01-03", "US")])
    assert chart.heading == chart.title == "Timeline: everything recorded"
    assert layout.fit(name, 17, layout.WIDTH - 48, bold=True) != name


# -- readable in other renderers (issue 17) -------------------------------------------------------


def test_lane_names_get_the_room_they_need():
    us = event(1, "2025-01-03", "US", "Acme")
    long_actor = "PRC Ministry of Foreign Affairs"
    chart = chart_of([us, response(2, us, "2025-01-05", long_actor, 2, country="CN"),
                      response(3, us, "2025-01-06", "China National Cyber Security Information Center", 3)])
    labels = [lane.label for section in chart.sections for lane in section.lanes]
    assert long_actor in labels and "China National Cyber Security Information Center" in labels
    widest = max(layout.text_width(label, 9.5) for label in labels)
    assert chart.plot_left >= layout.LANE_LABEL_X + widest  # the plot starts right of every name
    assert all(m.x > chart.plot_left for m in chart.marks)
    assert all(chart.plot_left - 1 <= t.x for t in chart.ticks)
    short = chart_of([us])
    assert short.plot_left == layout.PLOT_LEFT  # no more room than needed
    huge = chart_of([us, response(2, us, "2025-01-05", "Ministry " * 40, 2)])
    assert huge.plot_left == layout.MAX_PLOT_LEFT  # the plot keeps its room: such a name is cut
    [lane] = huge.sections[1].lanes
    assert lane.label.endswith("…") and layout.text_width(lane.label, 9.5) <= huge.plot_left - layout.LANE_LABEL_X


def test_a_large_subject_is_drawn_as_counts_per_period_and_says_how_to_narrow():
    items = []
    for n in range(1, 181):  # 180 events over three years, two jurisdictions
        year, month = 2020 + n % 3, 1 + n % 12
        items.append(event(n, f"{year}-{month:02d}-{1 + n % 27:02d}", "US" if n % 4 else "GB", f"P{n}"))
    replies = [response(1000 + n, items[n], items[n]["date"], "Ministry", 0) for n in range(0, 180, 9)]
    chart = chart_of(items + replies)
    assert chart.per == "month" and chart.links == [] and chart.follow_labels == []
    counts = [m for m in chart.marks if m.item["type"] == "count"]
    assert len(counts) == len(chart.marks)  # nothing drawn one by one
    by_lane: dict[str, int] = {}
    for mark in counts:
        by_lane[mark.lane.label] = by_lane.get(mark.lane.label, 0) + mark.item["count"]
    assert by_lane == {"US": 135, "GB": 45, "Ministry": 20}
    # Radii by area: the largest count the largest mark, none wider than its month.
    most = max(counts, key=lambda m: m.item["count"])
    assert most.size == max(m.size for m in counts) <= 11
    assert all(m.label == f"{m.item['count']:,}" for m in counts if m.label)
    assert "180 events and 20 responses are drawn as counts per month" in chart.key.more
    assert "--since/--until" in chart.key.more and "counted per month" in chart.about
    assert chart.legend[0].symbol == "count"
    # Few enough: every mark drawn as it is.
    few = chart_of(items[:100])
    assert few.per is None and all(m.item["type"] == "event" for m in few.marks)


def test_counts_over_a_long_span_are_per_year():
    items = [event(n, f"{1990 + n % 30}-06-01", "US", f"P{n}") for n in range(1, 200)]
    chart = chart_of(items)
    assert chart.per == "year"
    assert sum(m.item["count"] for m in chart.marks) == 199
    assert {m.item["period"] for m in chart.marks} == {str(1990 + n) for n in range(30)}


def test_label_halos_need_no_paint_order():
    """Each label over the plot has a white, stroked copy drawn just before it (renderers that
    ignore paint-order, ImageMagick's among them, then still show the label over lines)."""
    import xml.etree.ElementTree as ET

    from sanctrack.render.svg import draw

    us = event(1, "2025-01-03", "US", "Acme", "Beta")
    follow = {"followed": "US", "jurisdiction": "GB", "lag_days": 29, "followed_event_id": us["id"],
              "text": "GB followed US after 29 days", "name": "Acme"}  # fmt: skip
    gb = event(2, "2025-02-01", "GB", "Acme", follows=[follow])
    svg = draw(chart_of([us, gb, response(3, us, "2025-01-04", "Ministry", 1)]))
    assert "paint-order" not in svg
    texts = [t for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    halos = [n for n, t in enumerate(texts) if t.get("stroke") == "#fff"]
    shown = {"".join(texts[n + 1].itertext()) for n in halos}
    assert {"Acme and 1 more", "1", "2", "+1 d", "US → GB +29 d"} <= shown
    for n in halos:
        halo, label = texts[n], texts[n + 1]
        assert "".join(halo.itertext()) == "".join(label.itertext())
        assert (halo.get("x"), halo.get("y"), halo.get("fill")) == (label.get("x"), label.get("y"), "#fff")
        assert label.get("stroke") is None and label.get("fill") != "#fff"

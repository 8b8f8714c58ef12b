"""The wording of a timeline that its formats share: who, where and what an item is, its details,
its lag, the heading line, and the columns of its CSV and plain lines.

Items come from `timeline.build_timeline` (see the field list there); the formats (`table`,
`plain`, `markdown`, `json`, `csv`, `svg`) write them as they come, so a long timeline streams;
only the SVG, which lays the whole chart out, holds them all.
"""

from __future__ import annotations

from typing import Iterator

from .text import visible

CSV_COLUMNS = (
    "type", "id", "date", "depth", "lag_days", "event_id", "answers", "via", "jurisdiction",
    "authority", "action", "program", "targets", "actor", "speaker", "country", "kind", "stance",
    "quote", "summary", "in_response_to", "counter_event_id", "follows", "sources", "tags",
    "change", "source", "list_id", "name", "date_from", "snapshot", "text", "list_links",
)  # fmt: skip


def who(item: dict) -> str:
    if item["type"] == "event":
        return item["authority"]
    if item["type"] == "listing":
        return f"{item['source']} list"
    return item["actor"] + (f" ({item['speaker']})" if item.get("speaker") else "")


def where(item: dict) -> str:
    return (item.get("jurisdiction") if item["type"] != "response" else item.get("country")) or ""


def what(item: dict) -> str:
    if item["type"] == "listing":
        change = "list changes" if item["change"] == "summary" else f"list {item['change']}"
        return change + (f" · {'; '.join(item['programs'])}" if item.get("programs") else "")
    if item["type"] == "event":
        action = item["action"]
        if item.get("answers"):
            action = f"{action} (counter-measure)"
        return action + (f" · {item['program']}" if item.get("program") else "")
    return ", ".join(v for v in (item.get("kind"), item.get("stance")) if v)


def target_text(target: dict) -> str:
    aliases = target.get("aliases") or []
    return target["name"] + (f" (also {', '.join(aliases)})" if aliases else "")


def details(item: dict) -> str:
    if item["type"] == "listing":
        return (f"{item['name']}: " if item.get("name") else "") + item["text"]
    if item["type"] == "event":
        text = "; ".join(target_text(t) for t in item.get("targets", []))
        links = "; ".join(link["text"] for link in item.get("list_links") or [])
        return text + (f" — {links}" if links else "")
    if item.get("quote"):
        return f"“{item['quote']}”"
    return item.get("summary") or ""


def parent(item: dict) -> str | None:
    """The event an item answers: a response's event, a counter-measure's."""
    return item.get("event_id") if item["type"] == "response" else item.get("answers")


def lag_text(item: dict, unit: str = "") -> str:
    lag = item.get("lag_days")
    if lag is None:
        return ""
    return f"{lag:+d}{unit}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def period_text(timeline) -> str:
    return timeline.first if timeline.first == timeline.last else f"{timeline.first} to {timeline.last}"


def heading(timeline) -> str:
    """One line naming the timeline: its subject, what it holds and the period."""
    subject = timeline.subject
    about = {
        "all": "Timeline of everything recorded",
        "entity": f"Timeline of {subject.label} ({subject.value})",
        "jurisdiction": f"Timeline of the jurisdiction {subject.label}",
        "program": f"Timeline of the program {subject.label}",
        "tag": f"Timeline of the tag {subject.label}",
    }[subject.kind]
    window = []
    if timeline.window.since:
        window.append(f"since {timeline.window.since}")
    if timeline.window.until:
        window.append(f"until {timeline.window.until}")
    text = f"{about}: {counts_text(timeline.events, None, timeline.listings, timeline.summarised)}, {period_text(timeline)}"
    return visible(text + (f" ({', '.join(window)})" if window else ""))


def counts_text(events: int, responses: int | None, listings: int, summarised: int) -> str:
    """What a timeline holds, in the words every format's summary uses: '2 events, 1 response,
    5 list changes (1 summing up many changes of one snapshot)' (responses where the format
    counts them; list changes where there are some)."""
    counts = [plural(events, "event")]
    if responses is not None:
        counts.append(plural(responses, "response"))
    if listings:
        counts.append(plural(listings, "list change") + (
            f" ({summarised} summing up many changes of one snapshot)" if summarised else ""))  # fmt: skip
    return ", ".join(counts)


def flat_row(item: dict) -> dict:
    """An item with its targets and "followed" lines as lists of text, for CSV."""
    row = dict(item)
    row["targets"] = [t["name"] for t in item.get("targets", [])]
    row["follows"] = [f"{follow['text']}: {follow['name']}" for follow in item.get("follows", [])]
    row["list_links"] = [link["text"] for link in item.get("list_links") or []]
    return row


def plain_lines(item: dict) -> Iterator[list[str]]:
    """The plain columns of an item and of the "followed" lines it carries: date, type, id, lag,
    the event it answers, where, who, what, details."""
    yield [
        item["date"], item["type"], item["id"], lag_text(item).lstrip("+"), parent(item) or "",
        where(item), who(item), what(item), details(item),
    ]  # fmt: skip
    for follow in item.get("follows", []):
        yield [
            item["date"], "follow", item["id"], str(follow["lag_days"]),
            follow.get("followed_event_id") or follow.get("followed_listing") or "",
            follow["jurisdiction"], follow["name"],
            f"followed {follow['followed']}", follow["text"],
        ]  # fmt: skip

"""Markdown: a timeline as a document to paste (a title, what it covers, a table, its sources).

Data lands in Markdown as text: made visible, on one line, each of Markdown's specials
backslash-escaped (`md`); a source is a link only when it is a plain http(s) address.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .text import visible

if TYPE_CHECKING:
    from .formats import Output

# Backslash-escaped wherever data lands (CommonMark escapes any ASCII punctuation).
_MARKDOWN_SPECIALS = r"([\\`*_\[\]<>|~&#!{}])"
_SAFE_URL = r"https?://[^\s<>\"'`\\]+"


def md(text: Any) -> str:
    """Data as Markdown text: visible, one line, Markdown's specials escaped."""
    if text is None:
        return ""
    flat = visible(" ".join(str(text).replace("\r\n", "\n").split("\n")))
    return re.sub(_MARKDOWN_SPECIALS, r"\\\1", flat)


def timeline_as_markdown(timeline, out: Output) -> None:
    """A document to paste: a title, what it covers, one table row per item, then the sources."""
    from .timeline import counts_text, details, lag_text, period_text, what, where, who

    stream = out.stream
    subject = timeline.subject
    title = "Everything recorded" if subject.kind == "all" else subject.label
    stream.write(f"# Timeline: {md(title)}\n\n")
    about = []
    if subject.kind == "entity":
        others = [n for n in subject.names if n != subject.label]
        about.append(f"Entity `{subject.value}`" + (f", also named {', '.join(md(n) for n in others)}" if others else "") + ".")
    elif subject.kind != "all":
        about.append(f"{subject.kind.capitalize()} {md(subject.label)}.")
    counts = counts_text(timeline.events, None, timeline.listings, timeline.summarised)
    if timeline.listings:
        about.append(f"{counts}, {period_text(timeline)}; events with their responses and counter-measures, "
                     "list changes from the history of official lists.")  # fmt: skip
    else:
        about.append(f"{counts} ({period_text(timeline)}) with their responses and counter-measures.")
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
        place = where(item)
        if item["type"] == "event":
            date = f"**{md(item['date'])}**"
            actor = f"**{md(place)}** · {md(item['authority'])}"
            text = md(details(item))
            if item.get("reason"):
                text += f" — {md(item['reason'])}"
        else:
            date = md(item["date"])
            actor = md(who(item)) + (f", {md(place)}" if place else "")
            text = f"*{md(details(item))}*" if item.get("quote") else md(details(item))
        stream.write(f"| {date} | {lag_text(item)} | {arrow}{actor} | {md(what(item))} | {text}{note} |\n")
        for follow in item.get("follows", []):
            stream.write(
                f"| | {follow['lag_days']:+d} | | | *{md(follow['text'])}: {md(follow['name'])}* |\n"
            )
    if sources:
        stream.write("\n## Sources\n\n")
        for url, number in sources.items():
            shown = f"<{url}>" if re.fullmatch(_SAFE_URL, url) else md(url)
            stream.write(f"{number}. {shown}\n")

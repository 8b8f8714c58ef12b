"""List history: how official lists designated, amended and delisted a party, snapshot after
snapshot, as timeline items; the link from a recorded announcement to the listing that carries it
out, with its lag; and the lag report per authority (issue 18).

Pure computation over a `Store` (listings are read only through `store.lists`' methods).

Dates, by the rules of rules.py (`listing_since`), never invented:

* a designation is dated by the list's own listing date where the list gives one (no later than
  the first snapshot holding it): `date_from` "list"; else it is "first seen in SNAPSHOT" and its
  date is that snapshot's publication date, `date_from` "snapshot";
* an amendment is dated by the first snapshot showing the new version ("snapshot");
* a delisting by the first snapshot no longer holding the listing ("snapshot"): lists in the
  store give no delisting dates.

Lags are only ever counted from a list's own date: an event linked to a listing first seen in a
snapshot has `lag_days` None ("lag unknown").
"""

from __future__ import annotations

import statistics
from typing import Iterable, Iterator

from .rules import lag_days, listing_since
from .vocabulary import ENDING_ACTION

# Beyond this many changes between two snapshots of a source (in a jurisdiction's, a program's or
# everything's timeline), they are shown as one summary item; an entity's timeline shows each.
DETAIL_LIMIT = 50


def _source(name: str):
    from .sources import SOURCES

    return SOURCES.get(name)


def jurisdiction_of(source: str) -> str | None:
    known = _source(source)
    return known.jurisdiction if known else None


def _base(row: dict, change: str, date: str, date_from: str, snapshot: str, text: str) -> dict:
    known = _source(row["source"])
    return {
        "type": "listing",
        "id": f"{row['snapshot_id']}/{row['list_id']}",
        "date": date,
        "change": change,
        "date_from": date_from,
        "source": row["source"],
        "jurisdiction": known.jurisdiction if known else None,
        "authority": known.authority if known else row["source"],
        "list_id": row["list_id"],
        "name": row["name"],
        "entity_id": row.get("entity_id"),
        "programs": list(row.get("programs") or []),
        "listed_on": row.get("listed_on"),
        "snapshot": snapshot,
        "previous_snapshot": None,
        "changes": [],
        "text": text,
        "carries_out": [],
        "depth": 0,
        "lag_days": None,
    }


def designation_item(row: dict, first_seen_in: str, first_seen: str) -> dict:
    since, since_from = listing_since(row.get("listed_on"), first_seen)
    if since_from == "list":
        text = f"listed on {since} (the list's date); first seen in {first_seen_in}"
    else:
        text = f"first seen in {first_seen_in}; the list gives no listing date"
    return _base(row, "designation", since, since_from, first_seen_in, text)


def amendment_item(new: dict, old: dict, snapshot: dict) -> dict:
    from .diff import listing_changes
    from .listing_facts import change_label

    changes = listing_changes(old, new)
    fields = ", ".join(map(change_label, changes)) or "details"
    item = _base(new, "amendment", snapshot["published"], "snapshot", snapshot["id"],
                 f"{fields} changed in {snapshot['id']} (was {old['snapshot_id']})")  # fmt: skip
    item["previous_snapshot"] = old["snapshot_id"]
    item["changes"] = changes
    return item


def delisting_item(last: dict, snapshot: dict) -> dict:
    item = _base(last, "delisting", snapshot["published"], "snapshot", snapshot["id"],
                 f"gone from {snapshot['id']} (last in {last['snapshot_id']}); the list gives no delisting date")  # fmt: skip
    item["previous_snapshot"] = last["snapshot_id"]
    return item


# -- one party's history --------------------------------------------------------------------------


def relisting_item(version: dict, snapshot: dict, last: dict, gone: dict) -> dict:
    """A listing back in `snapshot` after it was gone from `gone` (last held as `last`): dated
    by the snapshot, as the list's listing date is that of its first listing, before the gap."""
    from .diff import listing_changes

    text = f"listed again in {snapshot['id']} (gone from {gone['id']}, last in {last['snapshot_id']})"
    if version.get("listed_on"):
        text += f"; the list's listing date, {version['listed_on']}, is of its earlier listing"
    item = _base(version, "designation", snapshot["published"], "snapshot", snapshot["id"], text)
    item["previous_snapshot"] = last["snapshot_id"]
    if last["digest"] != version["digest"]:
        item["changes"] = listing_changes(last, version)
    return item


def history_of_versions(versions: list[dict], snapshots: list[dict]) -> list[dict]:
    """The designations, amendments and delistings told by the stored versions of ONE listing
    (one source's list id), given every snapshot of that source oldest first. A listing back
    after it was gone is listed again on the day of the snapshot it is back in."""
    by_snapshot = {v["snapshot_id"]: v for v in versions}
    items: list[dict] = []
    held: dict | None = None
    last: dict | None = None  # the version held before the listing was gone
    gone: dict | None = None  # the snapshot it was gone from
    for snapshot in snapshots:
        version = by_snapshot.get(snapshot["id"])
        if version is None:
            if held is not None:
                items.append(delisting_item(held, snapshot))
                last, gone, held = held, snapshot, None
            continue
        if held is None and last is not None:
            items.append(relisting_item(version, snapshot, last, gone))
        elif held is None:
            items.append(designation_item(version, snapshot["id"], snapshot["published"]))
        elif held["digest"] != version["digest"]:
            items.append(amendment_item(version, held, snapshot))
        held = version
    return items


def entity_history(store, entity_ids: list[str]) -> list[dict]:
    """Every list's history of the entities' listings, in date order (then source, list id)."""
    keys = store.lists.listing_keys_of_entities(entity_ids)
    by_source: dict[str, list[str]] = {}
    for source, list_id in keys:
        by_source.setdefault(source, []).append(list_id)
    items: list[dict] = []
    for source, list_ids in by_source.items():
        snapshots = store.lists.snapshots(source)
        versions: dict[str, list[dict]] = {}
        for row in store.lists.listing_versions(source, list_ids):
            versions.setdefault(row["list_id"], []).append(row)
        for list_id in list_ids:
            items += history_of_versions(versions.get(list_id, []), snapshots)
    items.sort(key=_order)
    return items


def _order(item: dict) -> tuple:
    return (item["date"], item["source"], item["list_id"], item["change"] != "designation")


# -- a jurisdiction's, a program's or everything's history -------------------------------------------


def _wanted_sources(store, jurisdiction: str | None) -> dict[str, list[dict]]:
    by_source: dict[str, list[dict]] = {}
    for snapshot in store.lists.snapshots():
        if jurisdiction is None or jurisdiction_of(snapshot["source"]) == jurisdiction:
            by_source.setdefault(snapshot["source"], []).append(snapshot)
    return by_source


def summary_item(source: str, snapshot: dict, previous: dict | None, counts: dict) -> dict:
    known = _source(source)
    if previous is None:
        text = (f"{counts['added']:,} listings when the list was first imported (first seen in "
                f"{snapshot['id']}); an entity's timeline shows each with its date")  # fmt: skip
    else:
        text = (f"{counts['added']:,} added, {counts['removed']:,} gone, {counts['changed']:,} changed "
                f"since {previous['id']}: 'sanctrack diff {previous['id']} {snapshot['id']}' lists them")  # fmt: skip
    return {
        "type": "listing", "id": snapshot["id"], "date": snapshot["published"], "change": "summary",
        "date_from": "snapshot", "source": source,
        "jurisdiction": known.jurisdiction if known else None,
        "authority": known.authority if known else source, "list_id": None, "name": None,
        "entity_id": None, "programs": [], "listed_on": None, "snapshot": snapshot["id"],
        "previous_snapshot": previous["id"] if previous else None, "changes": [],
        "counts": counts, "text": text, "carries_out": [], "depth": 0, "lag_days": None,
    }  # fmt: skip


def view_history(store, jurisdiction: str | None = None, programs: Iterable[str] | None = None,
                 detail_limit: int = DETAIL_LIMIT) -> Iterator[dict]:  # fmt: skip
    """The list history of a jurisdiction (None: every list), or of the listings under one of
    `programs`: snapshot pair by snapshot pair, each change one item, or one summary item where
    a pair holds more than `detail_limit` (so that a whole list imported stays readable: the
    first snapshot of a large list is one item)."""
    wanted = {p.casefold() for p in programs} if programs is not None else None
    for source, snapshots in _wanted_sources(store, jurisdiction).items():
        previous: dict | None = None
        for snapshot in snapshots:
            old_id = previous["id"] if previous else None
            if wanted is None:
                counts = store.lists.snapshot_change_counts(old_id, snapshot["id"])
                if sum(counts.values()) > detail_limit:
                    yield summary_item(source, snapshot, previous, counts)
                    previous = snapshot
                    continue
            items: list[dict] = []
            counts = {"added": 0, "removed": 0, "changed": 0}
            for kind, row, old in store.lists.snapshot_changes(old_id, snapshot["id"]):
                row["source"] = source
                if old is not None:
                    old["source"] = source
                if wanted is not None and not (
                    {p.casefold() for p in row.get("programs") or []} & wanted
                    or (old and {p.casefold() for p in old.get("programs") or []} & wanted)
                ):
                    continue
                counts[kind] += 1
                if len(items) > detail_limit:
                    continue  # counted only: a summary will stand for them
                if kind == "added":
                    items.append(designation_item(row, snapshot["id"], snapshot["published"]))
                elif kind == "removed":
                    items.append(delisting_item(row, snapshot))
                else:
                    items.append(amendment_item(row, old, snapshot))
            if sum(counts.values()) > detail_limit:
                yield summary_item(source, snapshot, previous, counts)
            else:
                yield from items
            previous = snapshot


# -- announcement -> list ------------------------------------------------------------------------


def link_event(event: dict, entity_ids: list[str], history: dict[str, list[dict]],
               snapshots: dict[str, list[dict]]) -> list[dict]:  # fmt: skip
    """The listings that carry out a recorded designation `event` (a row with id, jurisdiction,
    action, date, date_start) of the entities: for each source of its jurisdiction, the first
    designation on or after the event (by the list's date, else by the first snapshot holding
    it), with its lag in days where the list gives a date; else where the entity stands on that
    list ("not on LIST as of SNAPSHOT", or listed before the event).

    `history`: entity id -> its list history (`entity_history`); `snapshots`: source -> its
    snapshots, oldest first."""
    if event.get("action") == ENDING_ACTION:
        return delisting_links(event, entity_ids, history, snapshots)
    if event.get("action") != "designation":
        return []
    start = event["date_start"]
    sources = [s for s in snapshots if jurisdiction_of(s) == event["jurisdiction"]]
    links: list[dict] = []
    for entity_id in dict.fromkeys(entity_ids):
        items = history.get(entity_id, [])
        for source in sorted(sources):
            mine = [i for i in items if i["source"] == source]
            after = [i for i in mine if i["change"] == "designation" and i["date"] >= start]
            latest = snapshots[source][-1]
            base = {"event_id": event["id"], "entity_id": entity_id, "source": source,
                    "lag_at_least_days": None, "lag_at_most_days": None}  # fmt: skip
            if after:
                first = after[0]
                dated = first["date_from"] == "list"
                lag = lag_days(start, first["date"], first["date"]) if dated else None
                link = base | {
                    "status": "listed", "listing": first["id"], "list_id": first["list_id"],
                    "name": first["name"], "listed_on": first["date"] if dated else None,
                    "first_seen_in": first["snapshot"],
                    "first_seen": _published(snapshots[source], first["snapshot"]),
                    "date_from": first["date_from"], "lag_days": lag,
                }  # fmt: skip
                if dated:
                    link["text"] = (f"on {source} from {first['date']} (the list's date), {lag} "
                                    f"day{'s' if lag != 1 else ''} after the announcement")  # fmt: skip
                else:
                    link["text"] = _first_seen_bounds(link, start, snapshots[source], first)
                links.append(link)
                continue
            before = [i for i in mine if i["change"] == "designation"]
            if before and not _ended(mine, before[-1]):
                held = before[-1]
                links.append(base | {
                    "status": "listed_before", "listing": held["id"], "list_id": held["list_id"],
                    "name": held["name"], "listed_on": held["date"] if held["date_from"] == "list" else None,
                    "first_seen_in": held["snapshot"],
                    "first_seen": _published(snapshots[source], held["snapshot"]),
                    "date_from": held["date_from"], "lag_days": None,
                    "text": f"already on {source} before the announcement ({held['text']})",
                })  # fmt: skip
            elif mine or not any(link["entity_id"] == entity_id for link in links):
                links.append(base | {
                    "status": "not_listed", "listing": None, "list_id": None, "name": None,
                    "listed_on": None, "first_seen_in": None, "first_seen": None,
                    "date_from": None, "lag_days": None, "as_of": latest["id"],
                    "text": f"not on {source} as of {latest['id']}",
                })  # fmt: skip
    # A source that never held the entity is named only when no list of the jurisdiction does.
    listed = {link["entity_id"] for link in links if link["status"] != "not_listed"}
    return [link for link in links if link["status"] != "not_listed" or link["entity_id"] not in listed]


def _first_seen_bounds(link: dict, start: str, snapshots: list[dict], first: dict) -> str:
    """A listing known only from the first snapshot holding it: the list carried it out no later
    than that snapshot (`lag_at_most_days`) and after the snapshot before it, which did not hold
    it (`lag_at_least_days`, when that snapshot is on or after the announcement). Sets both on
    `link`; returns its text. No lag is claimed: the list gives no date."""
    most = link["lag_at_most_days"] = lag_days(start, first["date"], first["date"])
    ids = [s["id"] for s in snapshots]
    at = ids.index(first["snapshot"]) if first["snapshot"] in ids else 0
    before = snapshots[at - 1] if at > 0 else None
    least = None
    if before is not None and before["published"] >= start:
        least = link["lag_at_least_days"] = lag_days(start, before["published"], before["published"])
    bound = f"{least} to {most}" if least is not None else f"at most {most}"
    seen = f"first seen in {first['snapshot']}" + (f" (not in {before['id']})" if before else "")
    return (f"{seen}: on the list {bound} day{'s' if most != 1 else ''} after the announcement; "
            "the list gives no date: lag unknown")


def delisting_links(event: dict, entity_ids: list[str], history: dict[str, list[dict]],
                    snapshots: dict[str, list[dict]]) -> list[dict]:  # fmt: skip
    """The delistings seen on the lists that carry out a recorded delisting `event` (arguments as
    `link_event`'s): for each source of its jurisdiction that held the entity, the first delisting
    on or after the event (the list's own date where it gives one; else the first snapshot
    without the entry, which bounds the lag: `lag_at_most_days`, and `lag_at_least_days` when the
    last snapshot still holding it is on or after the event too; `lag_days` stays None), else
    where the entity stands: "still on LIST as of SNAPSHOT", gone before the event, or never on
    any list of the jurisdiction ("not on LIST as of SNAPSHOT")."""
    start = event["date_start"]
    sources = sorted(s for s in snapshots if jurisdiction_of(s) == event["jurisdiction"])
    links: list[dict] = []
    for entity_id in dict.fromkeys(entity_ids):
        items = history.get(entity_id, [])
        for source in sources:
            mine = [i for i in items if i["source"] == source]
            latest = snapshots[source][-1]
            base = {"event_id": event["id"], "entity_id": entity_id, "source": source, "listing": None,
                    "list_id": None, "name": None, "listed_on": None, "first_seen_in": None,
                    "first_seen": None, "gone_in": None, "gone": None, "last_seen_in": None,
                    "date_from": None, "lag_days": None, "lag_at_least_days": None,
                    "lag_at_most_days": None}  # fmt: skip
            if not mine:
                base.update(status="not_listed", as_of=latest["id"], text=f"not on {source} as of {latest['id']}")
                links.append(base)
                continue
            gone = [i for i in mine if i["change"] == "delisting" and i["date"] >= start]
            held = [i for i in mine if i["change"] == "designation" and not _ended(mine, i)]
            past = [i for i in mine if i["change"] == "delisting" and i["date"] < start]
            if gone:
                first = gone[0]
                last_seen = _published(snapshots[source], first["previous_snapshot"])
                base.update(status="delisted", listing=first["id"], list_id=first["list_id"],
                            name=first["name"], gone_in=first["snapshot"], gone=first["date"],
                            last_seen_in=first["previous_snapshot"], date_from=first["date_from"])  # fmt: skip
                if first["date_from"] == "list":
                    lag = base["lag_days"] = lag_days(start, first["date"], first["date"])
                    base["text"] = (f"off {source} from {first['date']} (the list's date), {lag} "
                                    f"day{'s' if lag != 1 else ''} after the announcement")  # fmt: skip
                else:
                    most = base["lag_at_most_days"] = lag_days(start, first["date"], first["date"])
                    least = None
                    if last_seen is not None and last_seen >= start:
                        least = base["lag_at_least_days"] = lag_days(start, last_seen, last_seen)
                    bound = f"{least} to {most}" if least is not None else f"at most {most}"
                    base["text"] = (f"gone from {first['snapshot']} (still in {first['previous_snapshot']}): "
                                    f"off the list {bound} day{'s' if most != 1 else ''} after the announcement; "
                                    "the list gives no delisting date: lag unknown")  # fmt: skip
            elif held:
                listing = held[-1]
                base.update(status="still_listed", listing=listing["id"], list_id=listing["list_id"],
                            name=listing["name"], first_seen_in=listing["snapshot"],
                            listed_on=listing["date"] if listing["date_from"] == "list" else None,
                            date_from=listing["date_from"], as_of=latest["id"],
                            text=f"still on {source} as of {latest['id']}")  # fmt: skip
            else:
                last = past[-1] if past else mine[-1]
                base.update(status="delisted_before", listing=last["id"], list_id=last["list_id"],
                            name=last["name"], gone_in=last["snapshot"], gone=last["date"],
                            last_seen_in=last["previous_snapshot"], date_from=last["date_from"],
                            text=f"already gone from {source} in {last['snapshot']}, before the announcement")  # fmt: skip
            links.append(base)
    # A source that never held the entity is named only when no list of the jurisdiction did.
    known = {link["entity_id"] for link in links if link["status"] != "not_listed"}
    return [link for link in links if link["status"] != "not_listed" or link["entity_id"] not in known]


def _ended(mine: list[dict], designation: dict) -> bool:
    return any(
        i["change"] == "delisting" and i["list_id"] == designation["list_id"]
        and i["date"] >= designation["date"]
        for i in mine
    )


def _published(snapshots: list[dict], snapshot_id: str) -> str | None:
    return next((s["published"] for s in snapshots if s["id"] == snapshot_id), None)


def snapshots_by_source(store) -> dict[str, list[dict]]:
    return _wanted_sources(store, None)


def links_for_events(store, events: list[dict], targets: dict[str, list[dict]],
                     snapshots: dict[str, list[dict]] | None = None,
                     history: dict[str, list[dict]] | None = None) -> dict[str, list[dict]]:  # fmt: skip
    """event id -> `link_event` of each designation or delisting among `events` (rows), whose targets
    (`{entity_id, …}`) are in `targets`. Reads the history of the entities concerned."""
    snapshots = snapshots if snapshots is not None else snapshots_by_source(store)
    codes = {jurisdiction_of(s) for s in snapshots}
    wanted = [e for e in events if e.get("action") in ("designation", ENDING_ACTION) and e.get("jurisdiction") in codes]
    if not wanted:
        return {}
    history = dict(history or {})
    entity_ids = sorted({t["entity_id"] for e in wanted for t in targets.get(e["id"], [])} - history.keys())
    for item in entity_history(store, entity_ids) if entity_ids else []:
        history.setdefault(item["entity_id"], []).append(item)
    links = {
        e["id"]: link_event(e, [t["entity_id"] for t in targets.get(e["id"], [])], history, snapshots)
        for e in wanted
    }
    _name_matches(store, wanted, targets, links)
    return links


def _name_matches(store, events: list[dict], targets: dict[str, list[dict]], links: dict[str, list[dict]]) -> None:
    """A designation linked to no entry of a list (no entity in common) is not called "not on
    LIST" when `check` would match its target's name to an entry that list holds (a press release
    names "Ruslan Peretyatko", the list "PERETYATKO, Ruslan Aleksandrovich", score 88): its
    status becomes `name_match`, with that entry, its score and how to link them. No lag is
    claimed for it: only a link by entity counts."""
    from .search import DEFAULT_THRESHOLD, Screener

    screener = None
    for event in events:
        if event.get("action") != "designation":
            continue
        names = {t["entity_id"]: t["name"] for t in targets.get(event["id"], [])}
        for link in links.get(event["id"], []):
            if link["status"] != "not_listed" or link["entity_id"] not in names:
                continue
            screener = screener or Screener(store)
            name = names[link["entity_id"]]
            for entity_id, matched, found in screener.scores(name):
                if found < DEFAULT_THRESHOLD:
                    break
                items = [i for i in entity_history(store, [entity_id]) if i["source"] == link["source"]]
                held = [i for i in items if i["change"] == "designation" and not _ended(items, i)]
                if not held:
                    continue
                entry = held[-1]
                link.update(
                    status="name_match", listing=entry["id"], list_id=entry["list_id"], name=entry["name"],
                    score=found,
                    text=(f"no entry of {link['source']} is linked to this party, but its name matches "
                          f"{entry['name']} ({entry['id']}, score {found:g}); if it is the same party, "
                          f"add the list's name as an alias: sanctrack edit {event['id']} "
                          f"--add-alias {_quoted(name + '=' + entry['name'])}"),
                )  # fmt: skip
                break


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


# -- the lag report ----------------------------------------------------------------------------------


def lag_report(store, jurisdiction: str | None = None, authority: str | None = None) -> list[dict]:
    """Per authority (of recorded designations whose jurisdiction has a list in the store): how
    many (event, target) pairs, how many a list carries out with its own date (their lags: median,
    quartiles, worst), how many only first seen in a snapshot (lag unknown), how many were on a
    list before the announcement, and the pairs still not listed. One pair counts once, by its
    earliest dated listing (else its first-seen one) among its jurisdiction's lists."""
    snapshots = snapshots_by_source(store)
    codes = sorted({c for c in (jurisdiction_of(s) for s in snapshots) if c})
    if jurisdiction is not None:
        codes = [c for c in codes if c == jurisdiction]
    rows = store.timeline.designations_in(codes)
    targets = store.timeline.targets([r["id"] for r in rows])
    if authority is not None:
        rows = [r for r in rows if r["authority"].casefold() == authority.casefold()]
    links = links_for_events(store, rows, targets, snapshots)
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["jurisdiction"], row["authority"])
        group = groups.setdefault(key, {
            "jurisdiction": row["jurisdiction"], "authority": row["authority"], "pairs": 0,
            "dated": 0, "undated": 0, "listed_before": 0, "name_match": 0, "not_listed": [], "lags": [],
            "other": [],
        })  # fmt: skip
        by_entity: dict[str, list[dict]] = {}
        for link in links.get(row["id"], []):
            by_entity.setdefault(link["entity_id"], []).append(link)
        for target in targets.get(row["id"], []):
            mine = by_entity.get(target["entity_id"], [])
            group["pairs"] += 1
            dated = sorted((l for l in mine if l["lag_days"] is not None), key=lambda l: l["lag_days"])
            if dated:
                group["dated"] += 1
                group["lags"].append({"event_id": row["id"], "date": row["date"], "name": target["name"],
                                      "entity_id": target["entity_id"], "source": dated[0]["source"],
                                      "listing": dated[0]["listing"], "listed_on": dated[0]["listed_on"],
                                      "lag_days": dated[0]["lag_days"]})  # fmt: skip
            elif any(l["status"] in ("listed", "listed_before", "name_match") for l in mine):
                link = next(l for l in mine if l["status"] in ("listed", "listed_before", "name_match"))
                status = {"listed": "undated"}.get(link["status"], link["status"])
                group[status] += 1
                group["other"].append({
                    "event_id": row["id"], "date": row["date"], "name": target["name"], "status": status,
                    "source": link["source"], "listing": link["listing"], "listed_on": link["listed_on"],
                    "lag_days": None, "lag_at_least_days": link["lag_at_least_days"],
                    "lag_at_most_days": link["lag_at_most_days"], "text": link["text"],
                })  # fmt: skip
            else:
                group["not_listed"].append({
                    "event_id": row["id"], "date": row["date"], "name": target["name"],
                    "entity_id": target["entity_id"],
                    "text": "; ".join(l["text"] for l in mine) or "no list of the jurisdiction holds it",
                })  # fmt: skip
    report = []
    for group in groups.values():
        lags = sorted(l["lag_days"] for l in group["lags"])
        group["median"] = statistics.median(lags) if lags else None
        if len(lags) >= 2:
            q1, _, q3 = statistics.quantiles(lags, n=4, method="inclusive")
            group["q1"], group["q3"] = q1, q3
        else:
            group["q1"] = group["q3"] = lags[0] if lags else None
        worst = max(group["lags"], key=lambda l: (l["lag_days"], l["event_id"]), default=None)
        group["worst"] = worst
        group["lags"].sort(key=lambda l: (l["lag_days"], l["date"], l["event_id"]))
        report.append(group)
    report.sort(key=lambda g: (g["jurisdiction"], g["authority"]))
    return report

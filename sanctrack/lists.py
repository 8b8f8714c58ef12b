"""Official lists in the store: each import is an immutable snapshot with its listings.

Between consecutive snapshots of one source, a new listing is a designation, a vanished one a
delisting and a changed one an amendment, each dated by the later snapshot. Listings are linked to
entities like event targets are, so search, check and show see them beside recorded events.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from functools import partial
from typing import Callable, Iterable, Iterator, NamedTuple

from .dates import utc_timestamp
from .errors import BadDataError, UsageError
from .importers.base import ListImporter, Listing, listing_digest
from .store import Store
from .vocabulary import known_target_kind


class _Version(NamedTuple):
    """A version of an entry that a new snapshot stores: what resolution and the spans need of it,
    and the values of its row already encoded (`store.lists.listing_values`), made while the parsed
    listing is at hand; the parsed listing itself is not kept (a full list's would be ~100 MB)."""

    list_id: str
    name: str
    aliases: list[str]
    kind: str | None
    digest: str
    content: str
    values: tuple  # name … raw, as stored
    fingerprint: str | None  # of the rows it was read from, if the reader gives it (ListRead.entries)


def content_hash(path: Path) -> str:
    """sha256 of a file, or of a folder's files (names and bytes, in name order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.name.encode() + b"\0")
        with open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _snapshot_id(store: Store, source: str, published: str) -> str:
    base = f"{source}/{published}"
    snapshot_id, n = base, 1
    while store.lists.snapshot(snapshot_id) is not None:  # another version published the same day
        n += 1
        snapshot_id = f"{base}.{n}"
    return snapshot_id


def _apply_delta(store: Store, previous: dict | None, listings, source: str):
    """The full listing set of a delta file applied to the previous snapshot of its source."""
    if previous is None:
        raise BadDataError(
            f"a delta file changes an earlier snapshot of {source}, and none is stored",
            hint="import a full list of this source first",
        )
    current = {row["list_id"]: row for row in store.lists.listings_of(previous["id"])}
    merged: dict[str, Listing] = {
        list_id: Listing(**{k: row[k] for k in Listing.__dataclass_fields__ if k in row and k != "op"})
        for list_id, row in current.items()
    }
    for listing in listings:
        if listing.op == "DEL":
            merged.pop(listing.list_id, None)
        elif listing.op in ("ADD", "MOD"):
            merged[listing.list_id] = listing
        else:
            raise BadDataError(f"delta entry {listing.list_id}: unknown operation {listing.op!r}")
    return merged.values()


DEFAULT_MAX_SHRINK = 0.10  # the share of the previous snapshot's listings a new one may end


def looks_like(path: Path) -> tuple[str | None, str]:
    """(the list format `path` is detected as, or None; a phrase saying what it looks like), for
    the message refusing a file a reader found no entries in."""
    from .importers import importer_for
    from .importers.base import xml_root_name

    try:
        found = importer_for(path)
    except Exception:  # detection never decides an import: any failure is "nothing known"
        found = None
    if found is not None:
        return found.format, f"{found.format} ({found.description})"
    head = b""
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(4096)
    if path.is_file() and not head.strip():
        return None, "an empty file"
    root = xml_root_name(head)
    if root is not None:
        return None, f"an XML file whose root element <{root}> is no list format sanctrack reads"
    if head.lstrip()[:1] in (b"{", b"["):
        return None, "JSON that is no list format sanctrack reads"
    return None, "no list format sanctrack reads"


def _no_entries(path: Path, importer: ListImporter) -> BadDataError:
    detected, phrase = looks_like(path)
    if detected == importer.format:
        return BadDataError(
            f"{path}: the {importer.format} file holds no entries; nothing was stored",
            hint="an empty list is never a real publication: check the download",
        )
    return BadDataError(
        f"{path}: no entries read as {importer.format}: the file looks like {phrase}; nothing "
        "was stored",
        hint=f"import it with --format {detected}" if detected else "check the file and --format",
    )


def _shrink_refused(
    path: Path, removed: int, before: int, previous: str, max_shrink: float
) -> BadDataError:
    share = removed / before
    return BadDataError(
        f"{path}: this snapshot would end {removed} of the {before} listings of {previous} "
        f"({share:.0%}), more than the {max_shrink:.0%} allowed; nothing was stored",
        hint="if the list really shrank (a program ended), import it with --allow-shrink, or "
        f"--max-shrink {min(1.0, round(share + 0.005, 2))}",
    )


def publication(read, importer: ListImporter, path: Path, published: str | None) -> tuple[str, str]:
    """(the publication date of a list file, where it comes from): the file's own date, else the
    user's --published; never the clock. UsageError when the file has none and none is given,
    or when --published contradicts the file."""
    if read.published is not None:
        where = read.published_from or f"the file's {importer.date_field or 'date'}"
        if published is not None and published != read.published:
            raise UsageError(
                f"{path}: --published {published} contradicts the file, published "
                f"{read.published} ({where})",
                hint="leave out --published: the file's own date is used",
            )
        return read.published, where
    if published is None:
        detected, phrase = looks_like(path)
        if detected is not None and detected != importer.format:  # the wrong reader: say so first
            raise BadDataError(
                f"{path}: not {importer.format}: the file looks like {phrase}; nothing was stored",
                hint=f"import it with --format {detected}",
            )
        raise UsageError(
            f"{path}: the {importer.format} file carries no publication date",
            hint="give the day the list was published with --published DATE (the import day is "
            "never taken for it)",
        )
    return published, "--published"


def check_inputs(inputs: list[tuple[Path, ListImporter]], source: str | None, published: str | None) -> None:
    """Before anything of several list inputs is written: each has a date (`publication`), and no
    two different files give one source the same day (a delta, which continues that day's
    snapshot, excepted). `read()` returns before a list is parsed, so this costs little."""
    days: dict[tuple[str, str], Path] = {}
    for path, importer in inputs:
        read = importer.read(path)
        if hasattr(read.listings, "close"):
            read.listings.close()
        date, _ = publication(read, importer, path, published)
        key = (source if source in importer.sources else read.source, date)
        other = days.get(key)
        if other is not None and not read.is_delta and content_hash(other) != content_hash(path):
            raise BadDataError(
                f"{other} and {path} are two different files of {key[0]} for {date}; nothing "
                "was stored",
                hint="a file set (such as sdn.csv with add.csv and alt.csv) is one input: give its "
                "folder; two publications need their own dates",
            )
        days.setdefault(key, path)


def import_list(
    store: Store,
    path: Path,
    importer: ListImporter,
    source: str | None,
    published: str | None,
    notify: Callable[[str], None],
    progress: Callable[[int], None] | None = None,
    max_shrink: float | None = DEFAULT_MAX_SHRINK,
) -> dict:
    """Import one list file or folder as a snapshot; its summary as `import --json` gives it
    (docs/JSON.md). An identical re-import changes nothing (its summary says `unchanged`).

    A snapshot is believed before it is stored: its date comes from the file or from
    `published` (`publication`); a second, different file of the source for a day already held
    is refused (a delta file, which continues the day's snapshot, excepted); it must hold
    entries; it may end at most `max_shrink` (a share, None: any) of the previous snapshot's
    listings. Each refusal is one error and nothing is written."""
    from .collector import collection_paused

    # The new versions and the resolver's caches live until the import ends; what outlives it is
    # mostly the caches of names' keys, kept for the process (frozen: ~60 ms after the SDN list).
    with collection_paused(freeze_kept=True):
        return _import_list(store, path, importer, source, published, notify, progress, max_shrink)


def _import_list(store: Store, path: Path, importer: ListImporter, source: str | None,
                 published: str | None, notify: Callable[[str], None],
                 progress: Callable[[int], None] | None, max_shrink: float | None) -> dict:  # fmt: skip
    read = importer.read(path)
    if source is not None and source != read.source:
        if source not in importer.sources:
            raise UsageError(
                f"--source {source} does not fit the {importer.format} format",
                hint=f"it carries {', '.join(importer.sources)}",
            )
        read.source = source
    date, date_from = publication(read, importer, path, published)
    file_hash = content_hash(path)
    # The same file is already imported when the snapshot in force on its day holds it. One held
    # by a later snapshot only (the later of two identical days, imported first) is not: its
    # day needs a snapshot of its own, or the day before it would answer for it.
    in_force = store.lists.snapshot_before(read.source, date)
    if in_force is not None and in_force["file_hash"] == file_hash:
        notify(f"{path}: already imported as snapshot {in_force['id']}; nothing changed")
        return _summary(in_force, 0, 0, 0, unchanged=True)
    same_day = [s for s in store.lists.snapshots(read.source) if s["published"] == date]
    if same_day and not read.is_delta:
        raise BadDataError(
            f"{path}: {read.source} already has snapshot {same_day[0]['id']} published {date}, "
            "from another file; two different files of one list for one day are refused",
            hint="a file set (such as sdn.csv with add.csv and alt.csv) is imported as one "
            "input: give its folder",
        )

    from .store.lists import LIST_INDEXES, listing_values, version_content

    summary_text = f"import {read.source} list {path.name} ({date})"
    with store.change("import", summary_text), store.bulk(LIST_INDEXES):
        previous = store.lists.snapshot_before(read.source, date)
        following = store.lists.snapshot_after(read.source, date)
        snapshot_id = _snapshot_id(store, read.source, date)
        if read.is_delta:
            entries = _unparsed(_apply_delta(store, previous, read.listings, read.source))
        else:
            entries = _unparsed(read.listings) if read.entries is None else read.entries
        # The rows each held version was read from, by fingerprint: an entry whose rows are
        # among them is that version, unparsed (a day's file: every entry but the few changed),
        # and the hashes of a held version are read only for an entry parsed.
        fingerprinted = bool(previous) and read.entries is not None and not read.is_delta
        held = store.lists.held(previous["id"], hashes=not fingerprinted) if previous else {}
        read_from = store.lists.held_fingerprints(previous["id"]) if fingerprinted else {}
        seen: set[str] = set()
        added = changed = 0
        new: list[_Version] = []  # entries whose version the previous one lacks
        sources: list[tuple[int, str]] = []  # held versions read now from rows of another form
        for count, (list_id, fingerprint, parse) in enumerate(entries, start=1):
            if list_id in seen:
                raise BadDataError(f"{path}: the list id {list_id} appears twice")
            seen.add(list_id)
            was = held.get(list_id)
            if was is not None and fingerprint and read_from.get(fingerprint) == was.listing:
                pass  # the very rows of the version held: nothing to parse or write
            else:
                listing = parse()
                if not listing.name or not listing.name.strip():
                    raise BadDataError(f"{path}: entry {list_id} has no name")
                values = listing_values(listing)
                content = version_content(values)
                if was is not None and was.content is None:
                    was = held[list_id] = store.lists.with_hashes(was)
                if was is not None and was.content == content:
                    if fingerprint is not None:
                        sources.append((was.listing, fingerprint))  # held as it is
                else:
                    digest = listing_digest(listing)
                    if was is None:
                        added += 1
                    elif was.digest != digest:
                        changed += 1
                    new.append(_Version(list_id, listing.name, listing.aliases, listing.kind,
                                        digest, content, values, fingerprint))
            if progress is not None and count % 1000 == 0:
                progress(count)
        if not seen:
            raise _no_entries(path, importer)
        removed = len(held.keys() - seen)
        if previous and max_shrink is not None and removed > max_shrink * len(held):
            raise _shrink_refused(path, removed, len(held), previous["id"], max_shrink)
        snapshot = {
            "id": snapshot_id, "source": read.source, "published": date, "format": importer.format,
            "file_hash": file_hash, "listings": len(seen), "imported_at": utc_timestamp(),
        }  # fmt: skip
        store.insert("snapshots", snapshot)
        _store_changes(store, read.source, snapshot_id, date, following, held, seen, new, sources)
        store.log.set_change_summary(f"{summary_text}: snapshot {snapshot_id}, {len(seen)} listings")
    return _summary(
        snapshot, added, removed, changed, previous=previous["id"] if previous else None,
        published_from=date_from, rows=len(seen) + read.merged_rows, merged_rows=read.merged_rows,
    )  # fmt: skip


_VERSION_COLUMNS = (
    "id", "source", "list_id", "name", "aliases", "kind", "programs", "countries", "listed_on",
    "birth_dates", "identifiers", "addresses", "remarks", "raw", "digest", "content", "entity_id",
)  # fmt: skip


def _unparsed(listings: Iterable[Listing]) -> Iterator[tuple[str, None, Callable[[], Listing]]]:
    """Parsed listings in the form of ListRead.entries (with no fingerprint)."""
    for listing in listings:
        yield listing.list_id, None, partial(_itself, listing)


def _itself(listing: Listing) -> Listing:
    return listing


def _store_changes(store: Store, source: str, snapshot_id: str, date: str, following: dict | None,
                   held: dict, seen: set[str], new: list, sources: list) -> None:  # fmt: skip
    """Write what a new snapshot changes against the one before it (`held`): the versions it
    adds (stored once: a content already stored is reused), a span for each from this snapshot,
    and the end of each span it does not continue; and the fingerprints of the rows the new
    versions were read from, and the `sources` of held ones read from rows of another form. A
    snapshot placed before later ones (an older publication imported late) ends its spans at
    itself and continues them from the next one."""
    from .core import EntityResolver
    from .store.lists import snapshot_key

    key = snapshot_key(date, store.lists.snapshot_rowid(snapshot_id))
    next_key = None
    if following is not None:
        next_key = snapshot_key(following["published"], store.lists.snapshot_rowid(following["id"]))
    stored = store.lists.versions_with_content(source, [(v.list_id, v.content) for v in new])
    fresh = [v for v in new if (v.list_id, v.content) not in stored]
    # An entry is one party in all its versions, whatever order its snapshots came in: a version
    # the previous snapshot lacks takes the entity of the entry's versions in other snapshots (a
    # later one imported first, or one before a gap in the entry's listing).
    elsewhere = store.lists.entities_of_entries(source, [v.list_id for v in fresh if v.list_id not in held])
    entities = EntityResolver(store).resolve_many(
        [{"name": v.name, "aliases": v.aliases, "kind": known_target_kind(v.kind), "listing": (source, v.list_id)}
         for v in fresh],
        [held[v.list_id].entity_id if v.list_id in held else elsewhere.get(v.list_id) for v in fresh],
    )
    version_of = {pair: version for pair, (version, _) in stored.items()}
    next_id = store.lists.next_listing_id()
    rows = []
    for version, entity_id in zip(fresh, entities):
        version_of[(version.list_id, version.content)] = next_id
        rows.append((next_id, source, version.list_id, *version.values, version.digest, version.content, entity_id))
        next_id += 1
    store.insert_many("listings", _VERSION_COLUMNS, rows, encoded=True)  # values: listing_values
    replaced = {version.list_id for version in new}
    spans = []
    for list_id, was in held.items():
        if list_id in seen and list_id not in replaced:
            continue  # held on, the same version
        store.update("listing_spans", {"listing": was.listing, "since": was.since}, {"until": key})
        if next_key is not None and (was.until is None or was.until > next_key):
            spans.append((was.listing, source, next_key, was.until))
    # A stored version the next snapshot holds from its start is held from this one on: its
    # span is taken back to here (one span per run of snapshots, whatever the import order).
    continued = {}
    if next_key is not None:
        continued = store.lists.spans_since(next_key, [version for version, _ in stored.values()])
        for version in continued:
            store.delete("listing_spans", {"listing": version, "since": next_key})
    for v in new:
        version = version_of[(v.list_id, v.content)]
        spans.append((version, source, key, continued[version] if version in continued else next_key))
    store.insert_many("listing_spans", ("listing", "source", "since", "until"), spans, encoded=True)
    fingerprints = sources + [(version_of[(v.list_id, v.content)], v.fingerprint) for v in new if v.fingerprint]
    # A version stored before may have been read from these very rows already.
    store.insert_many("listing_sources", ("listing", "fingerprint"), fingerprints, unless_present=True,
                      encoded=True)  # fmt: skip


def snapshot_message(snapshot: dict) -> str:
    """What `import` and `fetch` say of a snapshot they stored: always what it adds, ends and
    changes, and where its date comes from."""
    if snapshot.get("previous"):
        counts = (
            f"{snapshot['added']} added, {snapshot['removed']} ended, {snapshot['changed']} "
            f"changed since {snapshot['previous']}"
        )
    else:
        counts = f"{snapshot['added']} added, 0 ended, 0 changed (the first snapshot of {snapshot['source']})"
    merged = ""
    if snapshot.get("merged_rows"):
        merged = (
            f"; {snapshot['rows']} rows, {snapshot['merged_rows']} of them folded into the "
            "listing of the same list id"
        )
    return (
        f"snapshot {snapshot['id']}: {snapshot['listings']} listings; {counts}{merged}; "
        f"published {snapshot['published']} ({snapshot['published_from']})"
    )


def _summary(snapshot: dict, added: int, removed: int, changed: int, **extra) -> dict:
    return {
        "id": snapshot["id"],
        "source": snapshot["source"],
        "published": snapshot["published"],
        "listings": snapshot["listings"],
        "added": added,
        "removed": removed,
        "changed": changed,
        **extra,
    }


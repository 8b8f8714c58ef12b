"""Official lists in the store: each import is an immutable snapshot with its listings.

Between consecutive snapshots of one source, a new listing is a designation, a vanished one a
delisting and a changed one an amendment, each dated by the later snapshot. Listings are linked to
entities like event targets are, so search, check and show see them beside recorded events.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from .dates import utc_timestamp
from .errors import BadDataError, UsageError
from .importers.base import ListImporter, Listing
from .store import Store
from .vocabulary import known_target_kind


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


def _folded(values: list) -> list:
    return sorted(json.dumps(v, sort_keys=True, ensure_ascii=False).casefold() for v in values)


def listing_digest(listing: Listing) -> str:
    """What makes two versions of a listing the same: its content, not row order or letter case."""
    meaningful = {
        "name": " ".join(listing.name.split()).casefold(),
        "aliases": _folded(listing.aliases),
        "kind": listing.kind,
        "programs": _folded(listing.programs),
        "countries": _folded(listing.countries),
        "listed_on": listing.listed_on,
        "birth_dates": _folded(listing.birth_dates),
        "identifiers": _folded(listing.identifiers),
        "addresses": _folded(listing.addresses),
        "remarks": " ".join((listing.remarks or "").split()).casefold(),
    }
    encoded = json.dumps(meaningful, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


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


def import_list(
    store: Store,
    path: Path,
    importer: ListImporter,
    source: str | None,
    published: str | None,
    reference_day: Callable[[], str],
    notify: Callable[[str], None],
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Import one list file or folder as a snapshot; its summary as `import --json` gives it
    (docs/JSON.md). An identical re-import changes nothing (its summary says `unchanged`)."""
    from .core import EntityResolver

    read = importer.read(path)
    if source is not None and source != read.source:
        if source not in importer.sources:
            raise UsageError(
                f"--source {source} does not fit the {importer.format} format",
                hint=f"it carries {', '.join(importer.sources)}",
            )
        read.source = source
    date = read.published or published
    if date is None:
        date = reference_day()
        notify(f"{path}: the file carries no publication date; using {date} (set it with --published)")
    file_hash = content_hash(path)
    known = store.lists.snapshot_with_hash(read.source, file_hash)
    if known is not None:
        notify(f"{path}: already imported as snapshot {known['id']}; nothing changed")
        return _summary(known, 0, 0, 0, unchanged=True)

    summary_text = f"import {read.source} list {path.name} ({date})"
    with store.change("import", summary_text), store.bulk():
        previous = store.lists.snapshot_before(read.source, date)
        before = store.lists.listing_digests(previous["id"]) if previous else {}
        known_entities = store.lists.listing_entities(previous["id"]) if previous else {}
        snapshot_id = _snapshot_id(store, read.source, date)
        listings = read.listings
        if read.is_delta:
            listings = _apply_delta(store, previous, listings, read.source)
        resolver = EntityResolver(store)
        seen: set[str] = set()
        added = changed = 0
        for count, listing in enumerate(listings, start=1):
            if listing.list_id in seen:
                raise BadDataError(f"{path}: the list id {listing.list_id} appears twice")
            seen.add(listing.list_id)
            if not listing.name or not listing.name.strip():
                raise BadDataError(f"{path}: entry {listing.list_id} has no name")
            digest = listing_digest(listing)
            if listing.list_id not in before:
                added += 1
            elif before[listing.list_id] != digest:
                changed += 1
            row = listing.as_dict()
            entity_id = resolver.resolve(
                {"name": listing.name, "aliases": listing.aliases, "kind": known_target_kind(listing.kind)},
                known=known_entities.get(listing.list_id),
            )
            store.insert("listings", {"snapshot_id": snapshot_id, **row, "digest": digest, "entity_id": entity_id})
            if progress is not None and count % 1000 == 0:
                progress(count)
        removed = len(set(before) - seen)
        snapshot = {
            "id": snapshot_id, "source": read.source, "published": date, "format": importer.format,
            "file_hash": file_hash, "listings": len(seen), "imported_at": utc_timestamp(),
        }  # fmt: skip
        store.insert("snapshots", snapshot)
        store.log.set_change_summary(f"{summary_text}: snapshot {snapshot_id}, {len(seen)} listings")
    return _summary(snapshot, added, removed, changed, previous=previous["id"] if previous else None)


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


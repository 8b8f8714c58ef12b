"""The records' commands as plain functions over a `Store`: no Typer, no Rich, no printing.

It owns linking target names to entities (`EntityResolver`), adding, showing, editing, deleting
and undoing records, the change history, and importing and exporting sanctrack's own format. The
rules it applies are elsewhere: records.py validates, rules.py gives the lag of a response.

Each function takes an open store and plain values and returns plain data (dicts and lists) for a
renderer, or raises a `SanctrackError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from . import records as rec
from .dates import PartialDate
from .errors import NotFound, UsageError
from .rules import lag_days
from .store import RecordFilter, Store, resolve_id
from .store.encoding import json_text

DateParser = Callable[[str], PartialDate]


# -- entities ------------------------------------------------------------------------------------


# A list import makes the screening words of this many entries at once (`screening.index_words`).
_WORDS_AT_ONCE = 1000


class EntityResolver:
    """Links target names to entities: one party named in several records is one entity.

    Two names meet when a key of one equals a key of the other (see `names.name_keys`), or when one
    record names them together (name and alias); weak keys (short acronyms) never join on their
    own, and a person never joins a company. Lookups are cached for the length of one change.

    Two entries of one list are two parties, as the list says: an entity never stands for two
    list ids of one source. A list entry (a target with `listing`: (source, list id)) does not
    join an entity holding another entry of its list, and two entities holding different entries
    of one list are never merged. A name shared by such entities (a kunya as "Abu Muhammad" among
    the aliases of two UN entries) cannot tell them apart: a record naming it joins none of them
    (only an entity that holds no conflicting entries, or a new one).

    `resolve_many` links many at once (a list's new entries): the keys of every name are computed
    once, looked up in one query, and the new entities and names are written together with
    `executemany`; `resolve` links one and writes at once.
    """

    def __init__(self, store: Store):
        from hashlib import sha256

        from . import names, screening

        # The functions of names.py and screening.py the resolver calls for every target and
        # name, bound once (an import statement in a function runs at each call: ~1 us, and an
        # import of 200,000 events makes over a million of these calls).
        self._name_keys, self._is_weak_key = names.name_keys, names.is_weak_key
        self._index_keys = screening.index_keys
        self._kind_class, self._normalize_name = names.kind_class, names.normalize_name
        self._sha256 = sha256
        compatible: dict[tuple, bool] = {}  # (kind, kind) -> kinds_compatible: a few kinds

        def kinds_compatible(a: str | None, b: str | None, of=names.kinds_compatible) -> bool:
            found = compatible.get((a, b))
            if found is None:
                found = compatible[(a, b)] = of(a, b)
            return found

        self._kinds_compatible = kinds_compatible
        self.store = store
        # In a store that held no entity when the change began, every entity is in the caches.
        self._all_cached = store.count("entities") == 0
        self._kinds: dict[str, str | None] = {}  # entity id -> kind, for entities seen this change
        self._rank: dict[str, int] = {}  # entity id -> its age among those seen (oldest first)
        self._by_key: dict[str, list[str]] = {}  # strong key -> entity ids holding it (complete)
        self._names: set[tuple[str, str, str]] = set()  # (entity, key, name) known to be stored
        self._pending_entities: dict[str, dict] = {}  # created, not written yet (resolve_many)
        self._pending_names: list[tuple] = []
        self._batch = False
        self._merged: dict[str, str] = {}  # entity folded into another -> that other
        # entity id -> the (source, list id) entries it stands for, for entities seen this change
        self._claims: dict[str, set[tuple[str, str]]] = {}
        # The screening keys of the last name written: a name's keys come one after another
        # (`_keyed`), so each name's are computed once, and nothing grows with the import.
        self._last_match_keys: tuple[str, str] = ("", "")
        # The screening keys of a batch's list entries' names, made by `resolve_many` right after
        # their name keys: both then read the name's words from one `names.ascii_forms` cache hit
        # (a list of 20,884 names leaves that cache long before its names are written).
        self._made_match_keys: dict[str, str] = {}
        # (name, aliases, kind) of a target resolved in this change -> (its entity, its (name,
        # key) pairs, its strong keys): the same target met again is checked, not resolved anew
        # (`_again`; the 200,000-event file names 68,089 distinct targets in 310,122).
        self._seen: dict[tuple, tuple[str, list[tuple[str, str]], tuple[str, ...]]] = {}

    def _see(self, entity_id: str, kind: str | None, rank: int | None = None) -> None:
        """Note an entity's kind and age: stored ones rank by rowid, new ones after them all."""
        self._kinds.setdefault(entity_id, kind)
        self._rank.setdefault(entity_id, (1 << 62) + len(self._rank) if rank is None else rank)

    def _load(self, keys: Iterable[str]) -> None:
        """Fill the cache of `keys` (their holders, oldest first) with one query."""
        missing = [] if self._all_cached else [k for k in keys if k not in self._by_key]
        if not missing:
            return
        for key in missing:
            self._by_key[key] = []
        for key, entity_id, kind, rowid in self.store.entity_holders(missing):
            self._see(entity_id, kind, rowid)
            self._by_key[key].append(entity_id)

    def _candidates(self, keys: set[str]) -> list[str]:
        self._load(keys)
        found = {entity_id for key in keys for entity_id in self._by_key.get(key, ())}
        return sorted(found, key=lambda e: self._rank.get(e, 0))

    def _load_claims(self, entity_ids: Iterable[str]) -> None:
        """Fill the list entries of the stored entities not seen yet, with one query."""
        missing = [e for e in entity_ids if e not in self._claims and e not in self._pending_entities]
        if not missing:
            return
        for entity_id in missing:
            self._claims[entity_id] = set()
        if self._all_cached:
            return  # every entity was created in this change: its claims are all noted
        for entity_id, source, list_id in self.store.lists.listing_claims(missing):
            self._claims[entity_id].add((source, list_id))

    def _claims_of(self, entity_id: str) -> set[tuple[str, str]]:
        self._load_claims([entity_id])
        return self._claims.setdefault(entity_id, set())

    def _primary_keys(self, entity_id: str) -> set[str]:
        from .names import name_keys

        row = self._pending_entities.get(entity_id) or self.store.entity(entity_id)
        return set(name_keys(row["name"], row["kind"])) if row else set()

    @staticmethod
    def _conflict(one: set[tuple[str, str]], other: set[tuple[str, str]]) -> bool:
        """Do the two sets of list entries name different entries of one list?"""
        if not one or not other:
            return False
        ids_of: dict[str, set[str]] = {}
        for source, list_id in one:
            ids_of.setdefault(source, set()).add(list_id)
        return any(source in ids_of and ids_of[source] != {list_id} for source, list_id in other)

    def _choose(self, candidates: list[str], own: set[tuple[str, str]], known: str | None,
                keys: set[str]) -> list[str]:  # fmt: skip
        """Of the entities a target's names (strong `keys`) found (oldest first; `known` first when
        given), those it joins: the first is its entity, the others fold into it. None that holds
        another entry of the target's own list (`own`); and where two found entities hold
        different entries of one list, the names cannot tell them apart: only those without list
        entries are joined, or the one whose own name the target gives (not one of its aliases)."""
        if not candidates:
            return []
        self._load_claims(candidates)
        fixed = [known] if known is not None and known in candidates else []
        if not own and not any(self._claims.get(e) for e in candidates):
            # No list entry among them: nothing can conflict, every one is joined (as below).
            return fixed + [e for e in candidates if e not in fixed]
        claims = set(own)
        for entity_id in fixed:
            claims |= self._claims_of(entity_id)
        rest = [e for e in candidates if e not in fixed and not self._conflict(claims, self._claims_of(e))]
        listed = [e for e in rest if self._claims_of(e)]
        if self._any_conflict(listed):
            # Only an entity whose own name (not an alias) the target's names give may stand out.
            named = [e for e in listed if self._primary_keys(e) & keys]
            clear = not self._any_conflict(named)
            rest = [e for e in rest if not self._claims_of(e) or (clear and e in named)]
        chosen = list(fixed)
        for entity_id in rest:
            mine = self._claims_of(entity_id)
            if not self._conflict(claims, mine):
                chosen.append(entity_id)
                claims |= mine
        return chosen

    def _any_conflict(self, entities: list[str]) -> bool:
        """Whether two of `entities` hold different entries of one list."""
        return any(
            self._conflict(self._claims_of(a), self._claims_of(b))
            for i, a in enumerate(entities) for b in entities[i + 1:]
        )  # fmt: skip

    def _keyed(self, target: dict) -> list[tuple[str, str]]:
        name_keys = self._name_keys
        kind = target.get("kind")
        names = [target["name"], *target.get("aliases", [])]
        return [(name, key) for name in names for key in sorted(name_keys(name, kind))]

    def resolve(self, target: dict, known: str | None = None) -> str:
        """The entity of a target (or list entry); `known` is the entity it already is, such as
        the entity of the same list id in the previous snapshot of its list, kept even when its
        names alone (short keys only) would not find it again."""
        return self._resolve(target, self._keyed(target), known)

    def resolve_many(self, targets: list[dict], known: list[str | None]) -> list[str]:
        """`resolve` of each target (with the entity each already is, or None), in order, with
        one lookup of every key and the new rows written in bulk."""
        if self._only_new_parties(targets, known):
            return self._create_many(targets)
        is_weak_key, seen = self._is_weak_key, self._seen
        # A target named as one met before in this change (same name, aliases and kind, no list
        # entry, no entity known) has the same keys: computed once (`seen`, `fresh`).
        marks = [(t["name"], tuple(t.get("aliases", ())), t.get("kind"))
                 if t.get("listing") is None and k is None else None
                 for t, k in zip(targets, known)]  # fmt: skip
        keyed, computed, fresh = [], [], {}
        made, index_keys = self._made_match_keys, self._index_keys
        for number, (target, mark) in enumerate(zip(targets, marks)):
            if number % _WORDS_AT_ONCE == 0:
                ahead = targets[number : number + _WORDS_AT_ONCE]
                self._index_words_ahead(t for t in ahead if t.get("listing"))
            pairs = None
            if mark is not None:
                hit = seen.get(mark)
                pairs = hit[1] if hit is not None else fresh.get(mark)
            if pairs is None:
                pairs = self._keyed(target)
                computed.append(pairs)
                if mark is not None:
                    fresh[mark] = pairs
                elif target.get("listing") is not None:  # a new version: its names are mostly new
                    for name, _ in pairs:
                        if name not in made:
                            made[name] = index_keys(name)
            keyed.append(pairs)
        keys = {key for pairs in computed for _, key in pairs if not is_weak_key(key)}
        self._load(keys)
        self._load_claims({entity_id for key in keys for entity_id in self._by_key.get(key, ())})
        self._batch = True
        try:
            found = []
            for target, pairs, k, mark in zip(targets, keyed, known, marks):
                hit = seen.get(mark) if mark is not None else None
                entity_id = self._again(target, hit) if hit is not None else None
                if entity_id is None:
                    entity_id = self._resolve(target, pairs, k)
                    if mark is not None:
                        strong = tuple(dict.fromkeys(key for _, key in pairs if not is_weak_key(key)))
                        if strong:
                            seen[mark] = (entity_id, pairs, strong)
                found.append(entity_id)
            # An entity found early may have been folded into another by a later target: the
            # rows the caller writes with these ids do not exist yet for `_merge` to move.
            return [self._current(entity_id) for entity_id in found]
        finally:
            self._batch = False
            made.clear()
            self.flush()

    def _again(self, target: dict, seen: tuple[str, list[tuple[str, str]], tuple[str, ...]]) -> str | None:
        """The entity of a target named as one resolved earlier in this change (`seen`: its
        entity, its (name, key) pairs and strong keys), when `_resolve` would find it again at once:
        every strong key is held by that one entity alone and its kind fits, so it is the only
        candidate and is chosen. Then the same writes as `_resolve` (kind, names); else None."""
        entity_id, pairs, strong = seen
        if entity_id in self._merged:
            entity_id = self._current(entity_id)
        by_key = self._by_key
        for key in strong:
            holders = by_key.get(key)
            if holders is None or len(holders) != 1 or holders[0] != entity_id:
                return None
        kind = target.get("kind")
        held = self._kinds.get(entity_id)
        if not self._kinds_compatible(held, kind):
            return None
        names = self._names  # (seen again, it has its kind and names: nothing to write)
        if (held is None and kind is not None
                or any((entity_id, key, name) not in names for name, key in pairs)):  # fmt: skip
            self._chosen(entity_id, kind, pairs)
        return entity_id

    def _chosen(self, entity_id: str, kind: str | None, keyed: list[tuple[str, str]]) -> None:
        """A target of `kind` is of `entity_id`: the entity takes its kind if it had none, and
        its names."""
        if self._kinds.get(entity_id) is None and kind is not None:
            if entity_id in self._pending_entities:
                self._pending_entities[entity_id]["kind"] = kind
            else:
                self.store.update("entities", {"id": entity_id}, {"kind": kind})
            self._kinds[entity_id] = kind
        add_name = self._add_name
        for name, key in keyed:
            add_name(entity_id, key, name)

    def _only_new_parties(self, targets: list[dict], known: list[str | None]) -> bool:
        """Whether every target is bound to get a new entity of its own: the store held no entity
        when the change began and none was seen since, and the targets are entries of one list,
        each list id once, none with a known entity (a list's first import into a new store).
        Every entity a target's names could find is then one made for another entry of its list,
        which `_choose` never joins."""
        if not self._all_cached or self._kinds or self._pending_entities:
            return False
        entries = set()
        for target in targets:  # an event's targets (no list entry) are told at the first
            entry = target.get("listing")
            if not entry:
                return False
            entries.add(tuple(entry))
        if len(entries) != len(targets) or any(known):
            return False
        return len({source for source, _ in entries}) == 1

    def _create_many(self, targets: list[dict]) -> list[str]:
        """`_resolve` of targets that `_only_new_parties` found each bound to a new entity: the
        same entities, names and order of rows, without looking for candidates. A target's keys
        are made just before its names are added, so that both read each name's words from
        `names.ascii_forms`' cache (made for the whole batch first, the SDN list's 20,884 names
        were split twice: 0.15 s of its import)."""
        self._batch = True
        try:
            found = []
            add_name, keyed = self._add_name, self._keyed
            for number, target in enumerate(targets):
                if number % _WORDS_AT_ONCE == 0:
                    self._index_words_ahead(targets[number : number + _WORDS_AT_ONCE])
                pairs = keyed(target)
                entity_id = self._create(target, pairs)
                self._claims[entity_id].add(tuple(target["listing"]))
                for name, key in pairs:
                    add_name(entity_id, key, name)
                found.append(entity_id)
            return found
        finally:
            self._batch = False
            self.flush()

    @staticmethod
    def _index_words_ahead(targets: Iterable[dict]) -> None:
        """The screening words of the next list entries' ASCII names made at once
        (`screening.index_words`): for 1,000 SDN entries ~2,300 names, whose words then stay in
        `names.ascii_forms`' cache until their keys are made."""
        from .names import ascii_forms
        from .screening import index_words

        index_words(
            word
            for target in targets
            for name in (target["name"], *target.get("aliases", ()))
            if name.isascii()
            for word in ascii_forms(name)[0]
        )

    def _resolve(self, target: dict, keyed: list[tuple[str, str]], known: str | None) -> str:
        is_weak_key, kinds_compatible = self._is_weak_key, self._kinds_compatible
        kind = target.get("kind")
        known = self._current(known) if known is not None else None
        own = {tuple(target["listing"])} if target.get("listing") else set()
        strong = {key for _, key in keyed if not is_weak_key(key)}
        candidates = self._candidates(strong)
        compatible = [e for e in candidates if kinds_compatible(self._kinds.get(e), kind)]
        if known is not None and known not in compatible and self._exists(known):
            compatible.insert(0, known)
        elif known in compatible:
            compatible.remove(known)
            compatible.insert(0, known)
        compatible = self._choose(compatible, own, known, strong)
        if not compatible:
            entity_id = self._create(target, keyed)
        else:
            entity_id = compatible[0]
            for other in compatible[1:]:
                self._merge(other, into=entity_id)
        if own:
            self._claims_of(entity_id).update(own)
        self._chosen(entity_id, kind, keyed)  # a new entity has the target's kind already
        return entity_id

    def _current(self, entity_id: str) -> str:
        while entity_id in self._merged:
            entity_id = self._merged[entity_id]
        return entity_id

    def _exists(self, entity_id: str) -> bool:
        if entity_id not in self._kinds:
            row = self.store.entity(entity_id)
            if row is None:
                return False
            self._see(entity_id, row["kind"], -1)
        return True

    def _taken(self, entity_id: str) -> bool:
        if entity_id in self._pending_entities or entity_id in self._kinds:
            return True
        # In a store that held no entity when the change began, every entity is in `_kinds`.
        return not self._all_cached and self.store.entity(entity_id) is not None

    def _create(self, target: dict, keyed: list[tuple[str, str]] = ()) -> str:
        sha256 = self._sha256
        cls = self._kind_class(target.get("kind"))
        base = None
        if cls is not None and cls != "person":  # the name's one key is normalize_name's
            base = next((key for name, key in keyed if name == target["name"]), None)
        if base is None:
            base = self._normalize_name(target["name"]) or target["name"]
        seed = f"{base}\x1f{cls or ''}"
        if target.get("listing"):
            # A list entry's entity is named by the entry too: two entries of one list with the
            # same name are two parties, and their ids must not depend on which came first.
            seed += "\x1f" + "\x1f".join(target["listing"])
        entity_id = "en-" + sha256(seed.encode()).hexdigest()[: rec.ID_HEX_LENGTH]
        attempt = 0
        while self._taken(entity_id):  # same name, conflicting kind
            attempt += 1
            digest = sha256(f"{seed}\x1f{attempt}".encode()).hexdigest()
            entity_id = "en-" + digest[: rec.ID_HEX_LENGTH]
        row = {"id": entity_id, "name": target["name"], "kind": target.get("kind"),
               "country": target.get("country")}  # fmt: skip
        if self._batch:
            self._pending_entities[entity_id] = row
        else:
            self.store.insert("entities", row)
        self._see(entity_id, target.get("kind"))
        self._kinds[entity_id] = target.get("kind")
        self._claims[entity_id] = set()
        return entity_id

    def _add_name(self, entity_id: str, key: str, name: str) -> None:
        triple = (entity_id, key, name)
        if triple in self._names:
            return
        self._names.add(triple)
        match_keys = self._made_match_keys.get(name)
        if match_keys is None:
            if self._last_match_keys[0] == name and name:
                match_keys = self._last_match_keys[1]
            else:
                match_keys = self._index_keys(name)
                self._last_match_keys = (name, match_keys)
        if self._batch:
            self._pending_names.append((entity_id, key, name, match_keys))
        else:
            self.store.insert(
                "entity_names",
                {"entity_id": entity_id, "key": key, "name": name, "match_keys": match_keys},
                unless_present=True,
            )
        if not self._is_weak_key(key):
            holders = self._by_key.setdefault(key, [])
            if entity_id not in holders:
                holders.append(entity_id)

    def flush(self) -> None:
        """Write the entities and names `resolve_many` created (executemany)."""
        if self._pending_entities:
            rows = [(r["id"], r["name"], r["kind"], r["country"]) for r in self._pending_entities.values()]
            self.store.insert_many("entities", ("id", "name", "kind", "country"), rows, encoded=True)
            self._pending_entities.clear()
        if self._pending_names:
            self.store.insert_many(
                "entity_names", ("entity_id", "key", "name", "match_keys"), self._pending_names,
                unless_present=True, encoded=True,  # every value is text (or None)
            )
            self._pending_names.clear()

    def _merge(self, other: str, into: str) -> None:
        """Fold entity `other` into `into`: its names and targets move, `other` is deleted."""
        self.flush()
        for row in self.store.entity_names(other):
            self.store.delete("entity_names", {"entity_id": other, "key": row["key"], "name": row["name"]})
            self._names.discard((other, row["key"], row["name"]))
            self._add_name(into, row["key"], row["name"])
        for row in self.store.entity_targets(other):
            for target in self.store.targets(row["event_id"]):
                if target["entity_id"] == other:
                    key = {"event_id": target["event_id"], "position": target["position"]}
                    self.store.update("targets", key, {"entity_id": into})
        for version in self.store.lists.entity_versions(other):
            self.store.update("listings", {"id": version}, {"entity_id": into})
        self.flush()
        self.store.delete("entities", {"id": other})
        self._merged[other] = into
        self._kinds.pop(other, None)
        self._claims_of(into).update(self._claims.pop(other, set()))
        for holders in self._by_key.values():
            if other in holders:
                holders.remove(other)
                if into not in holders:
                    holders.append(into)

    def prune_names(self, entity_ids: Iterable[str]) -> None:
        """Drop the names of entities that no target or listing of theirs gives any more (an alias
        removed by an edit), so that `check` and `search` stop finding the entity by them."""
        for entity_id in set(entity_ids):
            if self.store.entity(entity_id) is None:
                continue
            held: set[str] = set()
            for row in self.store.entity_targets(entity_id):
                held.add(row["name"])
                held.update(row["aliases"] or ())
            for row in self.store.lists.listings_of_entities([entity_id]):
                held.add(row["name"])
                held.update(row["aliases"] or ())
            for row in self.store.entity_names(entity_id):
                if row["name"] not in held:
                    key = {"entity_id": entity_id, "key": row["key"], "name": row["name"]}
                    self.store.delete("entity_names", key)
                    self._names.discard((entity_id, row["key"], row["name"]))

    def prune(self, entity_ids: Iterable[str]) -> None:
        """Delete entities no target or listing names any more (after a delete or an edit)."""
        self.flush()
        for entity_id in set(entity_ids):
            if not self.store.entity_has_targets(entity_id) and not self.store.lists.entity_versions(entity_id):
                for row in self.store.entity_names(entity_id):
                    key = {"entity_id": entity_id, "key": row["key"], "name": row["name"]}
                    self.store.delete("entity_names", key)
                self.store.delete("entities", {"id": entity_id})


# -- writing records -----------------------------------------------------------------------------


def _event_row(event: dict) -> dict:
    return {k: v for k, v in event.items() if k != "targets"}


def _insert_targets(store: Store, resolver: EntityResolver, event_id: str, targets: list[dict]):
    for position, target in enumerate(targets, start=1):
        store.insert(
            "targets",
            {
                "event_id": event_id,
                "position": position,
                **target,
                "entity_id": resolver.resolve(target),
            },
        )


def _resolve_link(store: Store, value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        return resolve_id(store, value, "events")
    except UsageError as err:
        raise UsageError(f"{what}: {err.message}", hint=err.hint) from None


class _AlreadyRecorded(Exception):
    """Raised inside a change to roll it back when the record exists already."""


@dataclass
class AddResult:
    record: dict
    created: bool


def add_event(store: Store, values: dict, parse_date: DateParser) -> AddResult:
    """Record an event; the same event (same identity) added twice is one record."""
    values = dict(values)
    values["in_response_to"] = _resolve_link(store, values.get("in_response_to"), "--in-response-to")
    event = rec.clean_event(values, parse_date)
    names = ", ".join(t["name"] for t in event["targets"])
    try:
        with store.change("add event", f"add event {event['id']} ({event['date']}, {names})"):
            # Checked under the write lock, so two processes adding one event make one record.
            if store.event(event["id"]) is not None:
                raise _AlreadyRecorded
            store.insert("events", _event_row(event))
            _insert_targets(store, EntityResolver(store), event["id"], event["targets"])
    except _AlreadyRecorded:
        return AddResult(show_event(store, event["id"]), created=False)
    return AddResult(show_event(store, event["id"]), created=True)


def add_response(store: Store, values: dict, parse_date: DateParser) -> AddResult:
    values = dict(values)
    if values.get("event_id") is None:
        raise UsageError("a response needs the event it answers", hint="give --to EVENT_ID")
    values["event_id"] = _resolve_link(store, values["event_id"], "--to")
    values["counter_event_id"] = _resolve_link(
        store, values.get("counter_event_id"), "--counter-event"
    )
    response = rec.clean_response(values, parse_date)
    summary = f"add response {response['id']} ({response['date']}, {response['actor']})"
    try:
        with store.change("add response", summary):
            if store.response(response["id"]) is not None:
                raise _AlreadyRecorded
            if store.event(response["event_id"]) is None:  # deleted since it was resolved
                raise UsageError(f"--to: no event has the id {response['event_id']!r}")
            store.insert("responses", response)
    except _AlreadyRecorded:
        return AddResult(show_response(store, response["id"]), created=False)
    return AddResult(show_response(store, response["id"]), created=True)


# -- reading records -----------------------------------------------------------------------------


def _lag(event: dict, later: dict) -> int:
    """rules.lag_days from a stored event to a later stored record (a response)."""
    return lag_days(event["date_start"], later["date_start"], later["date_end"])


def _event_record(store: Store, row: dict) -> dict:
    return rec.event_as_record(row, store.targets(row["id"]))


def show_event(store: Store, event_id: str) -> dict:
    row = store.event(event_id)
    if row is None:
        raise NotFound(f"no event {event_id}")
    record = _event_record(store, row)
    record["responses"] = [
        rec.response_as_record(r) | {"lag_days": _lag(row, r)}
        for r in store.responses_to(event_id)
    ]
    record["counter_events"] = [
        {"id": e["id"], "date": e["date"], "authority": e["authority"], "action": e["action"]}
        for e in store.events_in_response_to(event_id)
    ]
    record["list_links"] = _event_listings(store, row, record["targets"])
    return record


def _event_listings(store: Store, row: dict, targets: list[dict]) -> list[dict]:
    """The listings that carry out a designation or a delisting, with their lag
    (listing_history.link_event)."""
    if row.get("action") not in ("designation", "delisting") or not store.lists.snapshots():
        return []
    from .listing_history import links_for_events

    return links_for_events(store, [row], {row["id"]: targets}).get(row["id"], [])


def show_response(store: Store, response_id: str) -> dict:
    row = store.response(response_id)
    if row is None:
        raise NotFound(f"no response {response_id}")
    event = store.event(row["event_id"])
    record = rec.response_as_record(row)
    record["lag_days"] = _lag(event, row) if event else None
    record["event"] = _event_record(store, event) if event else None
    return record


def show_entity(store: Store, entity_id: str) -> dict:
    row = store.entity(entity_id)
    if row is None:
        raise NotFound(f"no entity {entity_id}")
    names: list[str] = []
    for name_row in store.entity_names(entity_id):
        if name_row["name"] not in names:
            names.append(name_row["name"])
    events = [
        {
            "id": t["event_id"],
            "date": t["date"],
            "authority": t["authority"],
            "jurisdiction": t["jurisdiction"],
            "action": t["action"],
            "program": t["program"],
            "named_as": t["name"],
        }
        for t in store.entity_targets(entity_id)
    ]
    return {
        "type": "entity",
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "country": row["country"],
        "names": names,
        "events": events,
        "listings": listings_with_since(store, store.lists.listings_of_entities([entity_id])),
        "list_history": _list_history(store, entity_id),
    }


def _list_history(store: Store, entity_id: str) -> list[dict]:
    """Per list, the entity's designation, amendments and delisting, with dates and their origin."""
    from .listing_history import entity_history

    keep = ("date", "change", "date_from", "source", "jurisdiction", "list_id", "id", "name",
            "snapshot", "previous_snapshot", "changes", "text")  # fmt: skip
    return [{k: item[k] for k in keep} for item in entity_history(store, [entity_id])]


def listings_with_since(store: Store, rows: list[dict]) -> list[dict]:
    """An entity's listings (oldest snapshot first, by source) as `show` gives them, each with
    since when it stands: the list's own date, else the snapshot it was first seen in, in its
    current run (`rules.listing_since`, the rule of check and diff)."""
    from .rules import runs_of_rows, since_fields

    run = runs_of_rows(rows, {source: store.lists.snapshots(source) for source in {r["source"] for r in rows}})
    shown = []
    for row in rows:
        first, gone = run(row)
        shown.append({
            "id": f"{row['snapshot_id']}/{row['list_id']}", "source": row["source"],
            "published": row["published"], "name": row["name"], "programs": row["programs"],
            "listed_on": row["listed_on"],
            **since_fields(row["listed_on"], first["published"], first["id"], gone and gone["published"]),
        })  # fmt: skip
    return shown


def show_listing(store: Store, text: str) -> dict:
    """A list entry by its id SNAPSHOT/LIST_ID (e.g. ofac-sdn/2024-04-12/48239), whole."""
    snapshot_id, _, list_id = text.strip().rpartition("/")
    row = store.lists.listing(snapshot_id, list_id) if snapshot_id else None
    if row is None:
        if snapshot_id and store.lists.snapshot(snapshot_id) is None:
            known = ", ".join(s["id"] for s in store.lists.snapshots()) or "none yet"
            raise UsageError(f"no snapshot {snapshot_id!r}", hint=f"snapshots: {known}")
        raise UsageError(f"no listing {text!r}", hint="a listing's id is SNAPSHOT/LIST_ID")
    snapshot = store.lists.snapshot(snapshot_id)
    record = {"type": "listing", "id": f"{snapshot_id}/{list_id}", "source": snapshot["source"],
              "published": snapshot["published"]}  # fmt: skip
    record.update({k: v for k, v in row.items() if k not in ("change_id", "snapshot_id", "digest")})
    from .rules import since_fields

    _, key = store.lists.key(snapshot_id)
    start, gone = store.lists.runs(snapshot["source"], [list_id], key)[list_id]
    seen, gone = store.lists.snapshot_of_key(start), gone and store.lists.snapshot_of_key(gone)
    record.update(since_fields(row["listed_on"], seen["published"], seen["id"], gone and gone["published"]))
    return record


def show(store: Store, text: str) -> dict:
    if "/" in text:
        return show_listing(store, text)
    record_id = resolve_id(store, text)
    if record_id.startswith("ev-"):
        return show_event(store, record_id)
    if record_id.startswith("rs-"):
        return show_response(store, record_id)
    return show_entity(store, record_id)


# -- edit, delete, undo ----------------------------------------------------------------------------

# What `edit` can add to or remove from a list field without retyping it: (operation, field).
LIST_EDITS = (
    ("add", "aliases"), ("remove", "aliases"), ("add", "tags"), ("remove", "tags"),
    ("add", "sources"), ("remove", "sources"),
)  # fmt: skip


@dataclass
class EditResult:
    """An edited record, what changed in it (each `{field, old, new}`, with `target` naming the
    target for a target's field) and the change that logged it (None when nothing changed)."""

    record: dict
    changes: list[dict]
    change: int | None

    def as_dict(self) -> dict:
        return self.record | {"changes": self.changes, "change": self.change}


def edit(
    store: Store,
    text: str,
    changes: dict,
    parse_date: DateParser,
    list_edits: dict | None = None,
) -> EditResult:
    """Change fields of an event or a response; the id stays, the old values are logged.

    `changes` replaces fields; `list_edits` maps (operation, field) of LIST_EDITS to values to add
    to or remove from a list: tags and sources as text, aliases as (target name, alias) pairs. An
    edit that changes nothing writes nothing."""
    record_id = resolve_id(store, text)
    if record_id.startswith("en-"):
        raise UsageError("entities are derived from their records' names", hint="edit the event")
    list_edits = {k: v for k, v in (list_edits or {}).items() if v}
    if not changes and not list_edits:
        raise UsageError("nothing to change", hint="give at least one --FIELD VALUE")
    if record_id.startswith("ev-"):
        return _edit_event(store, record_id, changes, parse_date, list_edits)
    return _edit_response(store, record_id, changes, parse_date, list_edits)


def _check_fields(changes: dict, allowed: tuple[str, ...], kind: str) -> None:
    wrong = [f for f in changes if f not in allowed or f in ("id", "type")]
    if wrong:
        option = "--" + wrong[0].replace("_", "-")
        raise UsageError(f"{option} does not apply to a {kind}")


def _option(operation: str, field: str) -> str:
    singular = {"aliases": "alias", "tags": "tag", "sources": "source"}[field]
    return f"--{operation}-{singular}"  # ("add", "tags") -> --add-tag


def _edit_list(values: list[str], operation: str, given: list[str], option: str, where: str) -> list[str]:
    """`values` with `given` added (those not there yet) or removed (each must be there; compared
    without regard to case and spacing)."""
    values = list(values)
    for value in given:
        folded = rec.fold(value)
        present = [v for v in values if rec.fold(v) == folded]
        if operation == "add":
            if not present and value.strip():
                values.append(value.strip())
        elif not present:
            held = "; ".join(values) or "none"
            raise UsageError(f"{option} {value!r}: {where} has no such value", hint=f"it has: {held}")
        else:
            values = [v for v in values if rec.fold(v) != folded]
    return values


def _target_named(targets: list[dict], name: str, option: str, event_id: str) -> dict:
    """The one target of an event named `name` (as stored, without regard to case and spacing)."""
    found = [t for t in targets if rec.fold(t["name"]) == rec.fold(name)]
    if len(found) == 1:
        return found[0]
    names = "; ".join(t["name"] for t in targets)
    if not found:
        raise UsageError(f"{option}: {event_id} has no target named {name!r}", hint=f"its targets: {names}")
    raise UsageError(
        f"{option}: {len(found)} targets of {event_id} are named {name!r}",
        hint="replace the targets with --target … --alias …",
    )


def _apply_list_edits(merged: dict, list_edits: dict, record_id: str) -> None:
    for (operation, field), given in list_edits.items():
        option = _option(operation, field)
        if field == "aliases":
            for target_name, alias in given:
                target = _target_named(merged["targets"], target_name, option, record_id)
                where = f"the target {target['name']!r}"
                target["aliases"] = _edit_list(target.get("aliases") or [], operation, [alias], option, where)
        else:
            merged[field] = _edit_list(merged.get(field) or [], operation, given, option, record_id)


def _field_changes(before: dict, after: dict, fields: tuple[str, ...]) -> list[dict]:
    """The fields whose value differs, each `{field, old, new}` (targets compared per target)."""
    found = []
    for field in fields:
        if field in ("id", "targets") or before.get(field) == after.get(field):
            continue
        found.append({"field": field, "old": before.get(field), "new": after.get(field)})
    if "targets" in fields:
        old, new = before["targets"], after["targets"]
        if [t["name"] for t in old] == [t["name"] for t in new]:
            for old_target, new_target in zip(old, new):
                for field in TARGET_DETAIL_FIELDS:
                    if old_target.get(field) != new_target.get(field):
                        found.append({"field": field, "target": new_target["name"],
                                      "old": old_target.get(field), "new": new_target.get(field)})  # fmt: skip
        elif old != new:
            found.append({"field": "targets", "old": old, "new": new})
    return found


TARGET_DETAIL_FIELDS = ("aliases", "kind", "country")


def _edit_event(store: Store, event_id: str, changes: dict, parse_date: DateParser, list_edits: dict) -> EditResult:
    _check_fields(changes, rec.EVENT_FIELDS, "event")
    current = show_event(store, event_id)
    if "in_response_to" in changes:
        changes["in_response_to"] = _resolve_link(store, changes["in_response_to"], "--in-response-to")
        if changes["in_response_to"] == event_id:
            raise UsageError("an event cannot answer itself")
    merged = {f: current[f] for f in rec.EVENT_FIELDS} | changes
    merged["targets"] = [{f: t.get(f) for f in rec.TARGET_FIELDS} for t in merged["targets"]]
    _apply_list_edits(merged, list_edits, event_id)
    event = rec.clean_event(merged, _iso_or(parse_date, changes))
    event["id"] = event_id
    row = store.event(event_id)
    new_row = _event_row(event)
    updates = {k: v for k, v in new_row.items() if row[k] != v}
    old_targets = [{f: t[f] for f in rec.TARGET_FIELDS} for t in current["targets"]]
    targets_changed = event["targets"] != old_targets
    before = {f: current[f] for f in rec.EVENT_FIELDS} | {"targets": old_targets}
    found = _field_changes(before, event, rec.EVENT_FIELDS)
    if not updates and not targets_changed:
        return EditResult(current, [], None)
    fields = sorted({c["field"] for c in found})
    with store.change("edit", f"edit {event_id}: {', '.join(fields)}") as change_id:
        if updates:
            store.update("events", {"id": event_id}, updates)
        if targets_changed:
            _update_targets(store, event_id, event["targets"])
    return EditResult(show_event(store, event_id), found, change_id)


def _update_targets(store: Store, event_id: str, targets: list[dict]) -> None:
    """Rewrite an event's targets in place (each row updated where it differs, so the change log
    holds each target's old and new values), link them to their entities again, and drop the
    entities and names nothing gives any more."""
    resolver = EntityResolver(store)
    old_rows = store.targets(event_id)
    touched = {row["entity_id"] for row in old_rows}
    for position, target in enumerate(targets, start=1):
        row = {**target, "entity_id": resolver.resolve(target)}
        touched.add(row["entity_id"])
        key = {"event_id": event_id, "position": position}
        if position <= len(old_rows):
            old = old_rows[position - 1]
            differs = {k: v for k, v in row.items() if old[k] != v}
            if differs:
                store.update("targets", key, differs)
        else:
            store.insert("targets", key | row)
    for position in range(len(targets) + 1, len(old_rows) + 1):
        store.delete("targets", {"event_id": event_id, "position": position})
    resolver.prune(touched)
    resolver.prune_names(touched)


def _edit_response(store: Store, response_id: str, changes: dict, parse_date: DateParser, list_edits: dict) -> EditResult:
    _check_fields(changes, rec.RESPONSE_FIELDS, "response")
    for operation, field in list_edits:
        if field not in rec.RESPONSE_FIELDS:
            raise UsageError(f"{_option(operation, field)} does not apply to a response")
    for link, option in (("event_id", "--to"), ("counter_event_id", "--counter-event")):
        if link in changes:
            changes[link] = _resolve_link(store, changes[link], option)
    row = store.response(response_id)
    merged = {f: row[f] for f in rec.RESPONSE_FIELDS} | changes
    _apply_list_edits(merged, list_edits, response_id)
    response = rec.clean_response(merged, _iso_or(parse_date, changes))
    response["id"] = response_id
    updates = {k: v for k, v in response.items() if row[k] != v}
    if not updates:
        return EditResult(show_response(store, response_id), [], None)
    found = _field_changes(row, response, rec.RESPONSE_FIELDS)
    fields = sorted({c["field"] for c in found})
    with store.change("edit", f"edit {response_id}: {', '.join(fields)}") as change_id:
        store.update("responses", {"id": response_id}, updates)
    return EditResult(show_response(store, response_id), found, change_id)


def _iso_or(parse_date: DateParser, changes: dict) -> DateParser:
    """Stored dates are ISO; only a date given in this edit is read with the user's forms."""
    if "date" in changes:
        return parse_date
    return PartialDate.from_iso


# -- dates that look wrong -------------------------------------------------------------------------


def date_warnings(record: dict, today) -> list[str]:
    """Warnings for a record as `show` gives it: dated after `today` (a datetime.date), or a
    response dated before its event (a negative lag). The record is saved all the same: a
    warning catches a typo, it does not judge the data."""
    found = []
    if PartialDate.from_iso(record["date"]).start > today:
        found.append(f"{record['id']} is dated {record['date']}, after today ({today.isoformat()})")
    if record["type"] == "event":
        answers = record.get("responses", [])
        event = record
    else:
        answers = [record] if record.get("event") else []
        event = record.get("event")
    for response in answers:
        if response.get("lag_days") is not None and response["lag_days"] < 0:
            found.append(_before_event(response["id"], response["date"], -response["lag_days"],
                                       event["id"], event["date"]))  # fmt: skip
    return found


def _before_event(response_id: str, date: str, days: int, event_id: str, event_date: str) -> str:
    unit = "day" if days == 1 else "days"
    return f"{response_id} is dated {date}, {days} {unit} before its event {event_id} ({event_date})"


def delete(store: Store, text: str, cascade: bool = False) -> dict:
    """Remove an event (with its targets, and its responses when `cascade`) or a response."""
    record_id = resolve_id(store, text)
    if record_id.startswith("en-"):
        raise UsageError("entities are derived from their records' names", hint="delete the event")
    if record_id.startswith("rs-"):
        record = show_response(store, record_id)
        with store.change("delete", f"delete {record_id} ({record['actor']})"):
            store.delete("responses", {"id": record_id})
        return {"deleted": [record_id], "record": record}
    record = show_event(store, record_id)
    responses = [r["id"] for r in record["responses"]]
    if responses and not cascade:
        raise UsageError(
            f"{record_id} has {len(responses)} response(s): {', '.join(responses[:5])}",
            hint="delete them first, or pass --cascade to delete them with the event",
        )
    # Records of others that point at this event: events in response to it, responses naming it
    # their counter-event. Left pointing nowhere, an export of the store could not be imported.
    answering = [e["id"] for e in store.events_in_response_to(record_id) if e["id"] != record_id]
    countering = [r for r in store.responses_with_counter_event(record_id) if r not in responses]
    if (answering or countering) and not cascade:
        linked = answering + countering
        raise UsageError(
            f"{record_id} is linked to by {len(linked)} record(s): {', '.join(linked[:5])}"
            " (in response to it, or as their counter-event)",
            hint="pass --cascade to delete it and unlink them (logged; undo restores the links)",
        )
    with store.change("delete", f"delete {record_id} ({record['date']}, {record['authority']})"):
        for event_id in answering:
            store.update("events", {"id": event_id}, {"in_response_to": None})
        for response_id in countering:
            store.update("responses", {"id": response_id}, {"counter_event_id": None})
        for response_id in responses:
            store.delete("responses", {"id": response_id})
        for position in range(1, len(record["targets"]) + 1):
            store.delete("targets", {"event_id": record_id, "position": position})
        store.delete("events", {"id": record_id})
        EntityResolver(store).prune(t["entity_id"] for t in record["targets"])
    result = {"deleted": responses + [record_id], "record": record}
    if answering or countering:
        result["unlinked"] = answering + countering
    return result


def undo(store: Store, change_id: int | None = None) -> dict:
    """Revert one change: `change_id` (if nothing later depends on it), else the latest change not
    yet undone; repeated, it walks back through the history.

    The change is chosen inside the write transaction, under the store's write lock: two undos
    run at once never revert the same change, and each reverts exactly the change it names."""
    with store.change("undo", "undo") as undo_id:
        if change_id is None:
            target = store.log.last_undoable_change()
            if target is None:
                raise NotFound("nothing to undo")
        else:
            target = store.log.change_by_id(change_id)
            if target is None or target.id == undo_id:
                raise UsageError(f"there is no change #{change_id}", hint="'sanctrack log' lists them")
            if target.undoes is not None:
                raise UsageError(f"change #{change_id} is itself an undo (of #{target.undoes}); there is no redo")
            if target.undone_by is not None:
                raise UsageError(f"change #{change_id} was undone already, by #{target.undone_by}")
            dependents = store.log.later_dependents(target)
            if dependents:
                shown = ", ".join(f"#{n}" for n in dependents[:5])
                raise UsageError(
                    f"change #{change_id} cannot be undone alone: later change(s) {shown} built on it",
                    hint="undo those first (newest first), or leave it",
                )
        store.log.set_change_summary(f"undo #{target.id}: {target.summary}")
        store.log.revert(target)
    return {"undone": change_dict(target), "change": undo_id}


def change_dict(change) -> dict:
    return asdict(change)


def history(store: Store, limit: int | None = None, with_rows: bool = False) -> list[dict]:
    """Changes newest first; `with_rows` adds the old values each one replaced or removed (rows a
    change inserted are known by their change_id and not repeated here)."""
    changes = [change_dict(c) for c in store.log.changes(limit)]
    if with_rows:
        for change in changes:
            change["rows"] = store.log.change_rows(change["id"])
    return changes


# -- import and export of sanctrack's own format ---------------------------------------------------


@dataclass
class ImportSummary:
    events: int = 0
    responses: int = 0
    listings: int = 0
    snapshots: list[dict] = field(default_factory=list)
    already_present: int = 0
    sources: list[str] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)  # what `undo CHANGE_ID` reverts
    oddly_dated: int = 0  # records dated after today, or responses before their event
    warnings: list[str] = field(default_factory=list)  # the first few of them, in words

    def as_dict(self) -> dict:
        return {
            "events": self.events,
            "responses": self.responses,
            "listings": self.listings,
            "already_present": self.already_present,
            "snapshots": self.snapshots,
            "changes": self.changes,
        }


# The columns of the rows an own-format import writes: those of the records `clean_event` and
# `clean_response` give (but an event's targets), and of a target as `clean_target` gives it.
_EVENT_COLUMNS = tuple(f for f in rec.EVENT_FIELDS if f != "targets") + ("date_start", "date_end")
_RESPONSE_COLUMNS = rec.RESPONSE_FIELDS + ("date_start", "date_end")
_TARGET_COLUMNS = ("event_id", "position", *rec.TARGET_FIELDS, "entity_id")


def _stored_row(record: dict, columns: tuple[str, ...]) -> tuple:
    """The values of `record`'s `columns` as stored (its lists as JSON text)."""
    values = map(record.__getitem__, columns)
    return tuple(v if v.__class__ is not list else json_text(v) if v else "[]" for v in values)


def _stored_event(e: dict) -> tuple:
    """`_stored_row(e, _EVENT_COLUMNS)`, spelt out (200,000 calls in an import)."""
    sources, tags = e["sources"], e["tags"]
    return (e["id"], e["date"], e["authority"], e["jurisdiction"], e["action"], e["program"],
            e["legal_basis"], e["reason"], e["summary"], json_text(sources) if sources else "[]",
            json_text(tags) if tags else "[]", e["in_response_to"], e["date_start"], e["date_end"])  # fmt: skip


TARGET_BATCH = 2000  # targets an own-format import links to entities at once
EVENT_BATCH = 1000  # events (and responses) an own-format import inserts at once


def import_records(
    store: Store,
    batches: Iterable[tuple[str, Iterator[tuple[str, dict]]]],
    progress: Callable[[int], None] | None = None,
    today=None,
) -> ImportSummary:
    """Load own-format records, one change for the whole call: all of them land, or none.

    `batches` yields (source name, records) where records yields (location, values), location
    being e.g. 'line 12' for error messages. Records that carry an id keep it; a record whose id
    is already stored is left as it is. With `today` (a datetime.date), the summary counts the
    records dated after it or before their event, and words the first few (`date_warnings`).
    A flat CSV's response may name its event by date, authority and target (`EventReference`).
    """
    from .errors import BadDataError

    summary = ImportSummary()
    parse = lru_cache(maxsize=65536)(PartialDate.from_iso)  # the same days recur across records
    from .store.schema import RECORD_INDEXES

    from .collector import collection_paused

    with (
        collection_paused(),  # the resolver's names and keys live to the end
        store.change("import", "import") as change_id,
        store.bulk(RECORD_INDEXES),
    ):
        resolver = EntityResolver(store)
        pending: list[tuple[str, int, dict]] = []  # targets of inserted events, resolved in bulk
        events: list[dict] = []  # cleaned events not inserted yet (written with executemany)
        responses: list[dict] = []  # cleaned responses not inserted yet

        def flush_targets() -> None:
            """Link the pending targets to entities in one `resolve_many` (one lookup of their
            keys, new entities and names written with executemany) and insert them together."""
            if not pending:
                return
            entities = resolver.resolve_many([t for _, _, t in pending], [None] * len(pending))
            rows = [
                (event_id, position, t["name"], json_text(t["aliases"]) if t["aliases"] else "[]",
                 t["kind"], t["country"], entity_id)
                for (event_id, position, t), entity_id in zip(pending, entities)
            ]  # fmt: skip
            store.insert_many("targets", _TARGET_COLUMNS, rows, encoded=True)
            pending.clear()

        def flush_events() -> None:
            """Insert the gathered events with executemany, in file order: an event whose id is
            stored, or came earlier in the file, is left as it is (already present); the targets
            of the others wait for `flush_targets`."""
            if not events:
                return
            taken = store.existing_ids("events", [e["id"] for e in events])
            rows = []
            for event in events:
                if event["id"] in taken:
                    summary.already_present += 1
                    continue
                taken.add(event["id"])
                rows.append(_stored_event(event))
                pending.extend((event["id"], n, t) for n, t in enumerate(event["targets"], start=1))
                summary.events += 1
            store.insert_many("events", _EVENT_COLUMNS, rows, encoded=True)
            events.clear()
            if len(pending) >= TARGET_BATCH:
                flush_targets()

        def flush_responses() -> None:
            """Insert the gathered responses with executemany; one whose id is taken (stored, or
            earlier in the file) is left as it is."""
            if not responses:
                return
            rows = [_stored_row(response, _RESPONSE_COLUMNS) for response in responses]
            added = store.insert_many("responses", _RESPONSE_COLUMNS, rows, unless_present=True, encoded=True)
            summary.responses += added
            summary.already_present += len(responses) - added
            responses.clear()

        done = 0  # records read
        for source, records in batches:
            summary.sources.append(source)
            for location, values in records:
                if progress is not None and done % 1000 == 0:
                    progress(done)
                done += 1
                try:
                    kind = values.get("type") if isinstance(values, dict) else None
                    if kind == "event":
                        events.append(rec.clean_event(values, parse))
                        if len(events) >= EVENT_BATCH:
                            flush_events()
                    elif kind == "response":
                        if isinstance(values.get("event_id"), EventReference):
                            # The reference matches on events and targets: write them first.
                            flush_events()
                            flush_targets()
                            values = dict(values, event_id=_referenced_event(store, values["event_id"]))
                        responses.append(rec.clean_response(values, parse))
                        if len(responses) >= EVENT_BATCH:
                            flush_responses()
                    else:
                        raise rec.InvalidRecord(
                            "a record needs \"type\": \"event\" or \"response\""
                            if not isinstance(values, dict) or kind is None
                            else f"unknown record type {kind!r}"
                        )
                except UsageError as err:
                    raise BadDataError(f"{source}: {location}: {err.message}", hint=err.hint) from None
        flush_events()
        flush_responses()
        flush_targets()
        # The resolver's caches (every key and name the import met) are done with: freed before
        # the full-text indexes, the sanction periods and the checks run (peak memory).
        resolver = None
        for response_id, event_id in store.responses_without_event(change_id):
            raise BadDataError(
                f"response {response_id} answers {event_id}, which is neither stored nor imported"
            )
        for record_id, link, missing in store.dangling_event_links(change_id):
            raise BadDataError(f"{record_id}: {link} {missing} is neither stored nor imported")
        if today is not None:
            summary.oddly_dated, first = store.oddly_dated(change_id, today.isoformat())
            for record_id, date, event_id, event_date, lag in first:
                summary.warnings.append(
                    _before_event(record_id, date, -lag, event_id, event_date)
                    if lag is not None and lag < 0
                    else f"{record_id} is dated {date}, after today ({today.isoformat()})"
                )
        store.log.set_change_summary(
            f"import {', '.join(summary.sources)}: {summary.events} events, "
            f"{summary.responses} responses"
        )
    return summary


@dataclass(frozen=True)
class EventReference:
    """A response's event named by what a user knows of it (a flat CSV's `event_date`,
    `event_authority`, `event_target`): exactly one stored or imported event must fit."""

    date: str
    authority: str
    target: str | None = None


def _referenced_event(store: Store, ref: EventReference) -> str:
    """The id of the one event dated `ref.date` (exactly, at its precision) by `ref.authority`
    (without regard to case and spacing) naming `ref.target` (as a name or an alias, compared as
    entity names are) if given; a clear error if none or several fit."""
    from .names import normalize_name

    def same_name(a: str, b: str) -> bool:
        key = normalize_name(a)
        return rec.fold(a) == rec.fold(b) or bool(key) and key == normalize_name(b)

    date = PartialDate.from_iso(ref.date)
    events = [e for e in store.events_dated(date.iso, date.start.isoformat())
              if rec.fold(e["authority"]) == rec.fold(ref.authority)]  # fmt: skip
    named = f"{date.iso} by {ref.authority!r}"
    if ref.target is not None:
        targets = store.targets_for_events([e["id"] for e in events])
        events = [
            e for e in events
            if any(same_name(ref.target, name) for t in targets.get(e["id"], [])
                   for name in [t["name"], *(t["aliases"] or [])])
        ]  # fmt: skip
        named += f" naming {ref.target!r}"
    if not events:
        raise UsageError(f"no event {named} is stored or imported before this row",
                         hint="check event_date, event_authority and event_target, or give the event's id")  # fmt: skip
    if len(events) > 1:
        ids = ", ".join(e["id"] for e in events[:5])
        raise UsageError(f"{len(events)} events fit {named}: {ids}",
                         hint="give event_target, or the event's id in event_id")  # fmt: skip
    return events[0]["id"]


def iter_export(store: Store, filters: RecordFilter) -> Iterator[dict]:
    """Records in sanctrack's own format, events first, each in date order, streamed."""
    pending: list[dict] = []

    def flush() -> Iterator[dict]:
        targets = store.targets_for_events([row["id"] for row in pending])
        for row in pending:
            yield rec.event_as_record(row, targets.get(row["id"], []))
        pending.clear()

    for record_type, row in store.iter_records(filters):
        if record_type == "event":
            pending.append(row)
            if len(pending) >= 500:
                yield from flush()
        else:
            yield from flush()
            yield rec.response_as_record(row)
    yield from flush()

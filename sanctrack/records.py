"""Records (events and responses, docs/FORMAT.md): validation, canonical form and identity-derived
ids. The words a record may use (actions, kinds, stances) are vocabulary.py's.

Both `add` (values from options) and `import` (values from files) go through `clean_event` and
`clean_response`, so a record is checked the same way whichever door it comes in by.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .dates import PartialDate
from .errors import UsageError
from .vocabulary import EVENT_ACTIONS, RESPONSE_KINDS, STANCES, TARGET_KINDS

EVENT_FIELDS = (
    "id", "date", "authority", "jurisdiction", "action", "program", "legal_basis", "targets",
    "reason", "summary", "sources", "tags", "in_response_to",
)  # fmt: skip
RESPONSE_FIELDS = (
    "id", "event_id", "date", "actor", "speaker", "country", "kind", "stance", "quote", "summary",
    "sources", "tags", "counter_event_id",
)  # fmt: skip
TARGET_FIELDS = ("name", "aliases", "kind", "country")

# Accepted spellings that mean a code in the canonical list (ISO 3166 says GB; people write UK).
CODE_ALIASES = {"UK": "GB", "EL": "GR"}
_CODE = re.compile(r"[A-Z]{2}")
_ID = re.compile(r"(ev|rs)-[0-9a-f]{6,32}")
ID_HEX_LENGTH = 12


class InvalidRecord(UsageError):
    """A record value that breaks the rules of a record (bad code, unknown kind, …)."""


def clean_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecord(f"{field} must be text, not {type(value).__name__}")
    value = value.strip()
    return value or None


def required_text(value: Any, field: str) -> str:
    text = clean_text(value, field)
    if text is None:
        raise InvalidRecord(f"{field} is required and cannot be empty")
    return text


def clean_code(value: Any, field: str) -> str | None:
    """A country or jurisdiction code: ISO 3166 alpha-2 or a bloc (`EU`, `UN`); `UK` means GB."""
    text = clean_text(value, field)
    if text is None:
        return None
    code = text.upper()
    code = CODE_ALIASES.get(code, code)
    if not _CODE.fullmatch(code):
        raise InvalidRecord(
            f"{field} {text!r} is not a two-letter code",
            hint="use ISO 3166 alpha-2 or a bloc: US, GB (or UK), EU, UN, CN, RU…",
        )
    return code


def clean_choice(value: Any, allowed: tuple[str, ...], field: str, default: str | None = None):
    text = clean_text(value, field)
    if text is None:
        return default
    folded = text.lower().replace("_", "-").replace(" ", "-")
    if folded not in allowed:
        raise InvalidRecord(f"{field} {text!r} is not one of: {', '.join(allowed)}")
    return folded


def clean_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise InvalidRecord(f"{field} must be a list of text")
    cleaned = []
    for item in value:
        text = clean_text(item, field)
        if text is not None and text not in cleaned:
            cleaned.append(text)
    return cleaned


def clean_date(value: Any, field: str, parse: Callable[[str], PartialDate]) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = required_text(value, field)
    return parse(text)


def clean_id(value: Any, field: str, prefix: str) -> str | None:
    text = clean_text(value, field)
    if text is None:
        return None
    if not _ID.fullmatch(text) or not text.startswith(prefix):
        raise InvalidRecord(f"{field} {text!r} is not a {prefix}… id")
    return text


def clean_target(value: Any) -> dict:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise InvalidRecord("each target must be an object with a name")
    unknown = set(value) - set(TARGET_FIELDS) - {"entity_id"}
    if unknown:
        raise InvalidRecord(f"unknown target field {sorted(unknown)[0]!r}")
    name = required_text(value.get("name"), "target name")
    aliases = [a for a in clean_list(value.get("aliases"), "target aliases") if a != name]
    return {
        "name": name,
        "aliases": aliases,
        "kind": clean_choice(value.get("kind"), TARGET_KINDS, "target kind"),
        "country": clean_code(value.get("country"), "target country"),
    }


def _date_fields(date: PartialDate) -> dict:
    return {"date": date.iso, "date_start": date.start.isoformat(), "date_end": date.end.isoformat()}


# -- the common shape, checked in few steps ---------------------------------------------------
#
# An import of 200,000 events cleans over four million values: one call per value cost ~10 s.
# `clean_event` and `clean_response` first try the record as most are (text where text goes,
# known codes and words, ISO dates), with the cleaned values of codes, words and dates looked up
# once per distinct spelling; anything else (a wrong type, an unknown word, a bad date, a missing
# value) goes the field-by-field way below, which words the error. Both give the same record.


class _Unusual(Exception):
    """A value the common shape does not cover: the record is cleaned field by field instead."""


_EVENT_KEYS = frozenset(EVENT_FIELDS) | {"type"}
_RESPONSE_KEYS = frozenset(RESPONSE_FIELDS) | {"type", "lag_days", "event"}
_TARGET_KEYS = frozenset(TARGET_FIELDS) | {"entity_id"}
_MEMO_LIMIT = 4096  # spellings remembered per kind of value (codes, words, dates)
_codes: dict[str, str] = {}
_words: dict[tuple[str, ...], dict[str, str]] = {}
_dates: dict[tuple, tuple[str, str, str]] = {}


def _remember(memo: dict, key, value) -> None:
    if len(memo) < _MEMO_LIMIT:
        memo[key] = value


def _q_text(value: Any) -> str | None:
    """`clean_text` of text or None."""
    if value is None:
        return None
    if value.__class__ is not str:
        raise _Unusual
    return value.strip() or None


def _q_required(value: Any) -> str:
    if value.__class__ is not str:
        raise _Unusual
    value = value.strip()
    if not value:
        raise _Unusual
    return value


def _q_code(value: Any) -> str | None:
    if value is None:
        return None
    code = _codes.get(value) if value.__class__ is str else None
    if code is None:
        try:
            code = clean_code(value, "")
        except InvalidRecord:
            raise _Unusual from None
        if code is not None:
            _remember(_codes, value, code)
    return code


def _q_word(value: Any, allowed: tuple[str, ...], default: str | None) -> str | None:
    if value is None:
        return default
    memo = _words.get(allowed)
    if memo is None:
        memo = _words[allowed] = {}
    word = memo.get(value) if value.__class__ is str else None
    if word is None:
        try:
            word = clean_choice(value, allowed, "", default)
        except InvalidRecord:
            raise _Unusual from None
        if value.__class__ is str and value.strip():
            _remember(memo, value, word)
    return word


def _q_list(value: Any) -> list[str]:
    if value.__class__ is list:
        if not value:
            return []
    elif value is None:
        return []
    elif value.__class__ is str:
        value = [value]
    else:
        raise _Unusual
    cleaned = []
    for item in value:
        if item.__class__ is str:
            item = item.strip()
            if item and item not in cleaned:
                cleaned.append(item)
        elif item is not None:
            raise _Unusual
    return cleaned


def _q_id(value: Any, prefix: str) -> str | None:
    if value is None:
        return None
    if value.__class__ is not str:
        raise _Unusual
    text = value.strip()
    if not text:
        return None
    if not text.startswith(prefix) or not _ID.fullmatch(text):
        raise _Unusual
    return text


def _q_date(value: Any, parse: Callable[[str], PartialDate]) -> tuple[str, str, str]:
    """(date, date_start, date_end) of a date given as text or PartialDate."""
    if value.__class__ is not str:
        if isinstance(value, PartialDate):
            return value.iso, value.start.isoformat(), value.end.isoformat()
        raise _Unusual
    key = (parse, value)
    found = _dates.get(key)
    if found is None:
        text = value.strip()
        if not text:
            raise _Unusual
        try:
            date = parse(text)
        except UsageError:
            raise _Unusual from None
        found = (date.iso, date.start.isoformat(), date.end.isoformat())
        # Remembered only for the reader of stored forms, whose answer depends on the text alone
        # (not for the reader of typed dates: "today" changes).
        if getattr(parse, "__wrapped__", parse) == PartialDate.from_iso:
            if len(_dates) >= _MEMO_LIMIT * 16:
                _dates.clear()  # it holds the parsers it was given: bounded, not kept forever
            _dates[key] = found
    return found


def _q_target(value: Any) -> dict:
    if value.__class__ is not dict or not _TARGET_KEYS.issuperset(value):
        raise _Unusual
    get = value.get
    name = _q_required(get("name"))
    return {
        "name": name,
        "aliases": [a for a in _q_list(get("aliases")) if a != name],
        "kind": _q_word(get("kind"), TARGET_KINDS, None),
        "country": _q_code(get("country")),
    }


def _quick_dated(values: dict, keys: frozenset, parse_date: Callable[[str], PartialDate]) -> tuple:
    """A record's `get` and its (date, date_start, date_end), if it is a dict of `keys`."""
    if values.__class__ is not dict or not keys.issuperset(values):
        raise _Unusual
    return values.get, _q_date(values.get("date"), parse_date)


def _quick_event(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    get, (date, start, end) = _quick_dated(values, _EVENT_KEYS, parse_date)
    targets = get("targets")
    if targets.__class__ is not list or not targets:
        raise _Unusual
    event_id = _q_id(get("id"), "ev-")
    event = {
        "id": event_id, "date": date, "date_start": start, "date_end": end,
        "authority": _q_required(get("authority")),
        "jurisdiction": _q_code(get("jurisdiction")),
        "action": _q_word(get("action"), EVENT_ACTIONS, "designation"),
        "program": _q_text(get("program")),
        "legal_basis": _q_text(get("legal_basis")),
        "targets": [_q_target(t) for t in targets],
        "reason": _q_text(get("reason")),
        "summary": _q_text(get("summary")),
        "sources": _q_list(get("sources")),
        "tags": _q_list(get("tags")),
        "in_response_to": _q_id(get("in_response_to"), "ev-"),
    }
    if event["jurisdiction"] is None:
        raise _Unusual
    if event_id is None:
        event["id"] = event_id_for(event)
    return event


def _quick_response(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    get, (date, start, end) = _quick_dated(values, _RESPONSE_KEYS, parse_date)
    response_id = _q_id(get("id"), "rs-")
    event_id = _q_id(get("event_id"), "ev-")
    response = {
        "id": response_id, "event_id": event_id, "date": date, "date_start": start, "date_end": end,
        "actor": _q_required(get("actor")),
        "speaker": _q_text(get("speaker")),
        "country": _q_code(get("country")),
        "kind": _q_word(get("kind"), RESPONSE_KINDS, "statement"),
        "stance": _q_word(get("stance"), STANCES, None),
        "quote": _q_text(get("quote")),
        "summary": _q_text(get("summary")),
        "sources": _q_list(get("sources")),
        "tags": _q_list(get("tags")),
        "counter_event_id": _q_id(get("counter_event_id"), "ev-"),
    }
    if event_id is None:
        raise _Unusual
    if response_id is None:
        response["id"] = response_id_for(response)
    return response


def clean_event(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    """A validated event row (with `targets` as a list of cleaned targets) from loose values."""
    try:
        return _quick_event(values, parse_date)
    except _Unusual:
        return _event_by_fields(values, parse_date)


def _event_by_fields(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    unknown = set(values) - set(EVENT_FIELDS) - {"type"}
    if unknown:
        raise InvalidRecord(f"unknown event field {sorted(unknown)[0]!r}")
    targets = values.get("targets")
    if not isinstance(targets, list) or not targets:
        raise InvalidRecord("an event needs at least one target")
    event = {
        "id": clean_id(values.get("id"), "id", "ev-"),
        **_date_fields(clean_date(values.get("date"), "date", parse_date)),
        "authority": required_text(values.get("authority"), "authority"),
        "jurisdiction": clean_code(values.get("jurisdiction"), "jurisdiction"),
        "action": clean_choice(values.get("action"), EVENT_ACTIONS, "action", default="designation"),
        "program": clean_text(values.get("program"), "program"),
        "legal_basis": clean_text(values.get("legal_basis"), "legal_basis"),
        "targets": [clean_target(t) for t in targets],
        "reason": clean_text(values.get("reason"), "reason"),
        "summary": clean_text(values.get("summary"), "summary"),
        "sources": clean_list(values.get("sources"), "sources"),
        "tags": clean_list(values.get("tags"), "tags"),
        "in_response_to": clean_id(values.get("in_response_to"), "in_response_to", "ev-"),
    }
    if event["jurisdiction"] is None:
        raise InvalidRecord("jurisdiction is required", hint="e.g. US, GB, EU, UN, CN")
    if event["id"] is None:
        event["id"] = event_id_for(event)
    return event


def clean_response(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    try:
        return _quick_response(values, parse_date)
    except _Unusual:
        return _response_by_fields(values, parse_date)


def _response_by_fields(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    unknown = set(values) - set(RESPONSE_FIELDS) - {"type", "lag_days", "event"}
    if unknown:
        raise InvalidRecord(f"unknown response field {sorted(unknown)[0]!r}")
    response = {
        "id": clean_id(values.get("id"), "id", "rs-"),
        "event_id": clean_id(values.get("event_id"), "event_id", "ev-"),
        **_date_fields(clean_date(values.get("date"), "date", parse_date)),
        "actor": required_text(values.get("actor"), "actor"),
        "speaker": clean_text(values.get("speaker"), "speaker"),
        "country": clean_code(values.get("country"), "country"),
        "kind": clean_choice(values.get("kind"), RESPONSE_KINDS, "kind", default="statement"),
        "stance": clean_choice(values.get("stance"), STANCES, "stance"),
        "quote": clean_text(values.get("quote"), "quote"),
        "summary": clean_text(values.get("summary"), "summary"),
        "sources": clean_list(values.get("sources"), "sources"),
        "tags": clean_list(values.get("tags"), "tags"),
        "counter_event_id": clean_id(values.get("counter_event_id"), "counter_event_id", "ev-"),
    }
    if response["event_id"] is None:
        raise InvalidRecord("a response needs the event it answers (event_id)")
    if response["id"] is None:
        response["id"] = response_id_for(response)
    return response


def _short_hash(*parts: str) -> str:
    import hashlib

    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:ID_HEX_LENGTH]


def fold(text: str | None) -> str:
    """`text` compared without regard to case and spacing (record identity, names typed by users)."""
    return " ".join((text or "").casefold().split())


def event_id_for(event: dict) -> str:
    """`ev-` + hash of the event's identity: its date, authority and (normalised) target names."""
    from .names import normalize_name

    names = sorted(normalize_name(t["name"]) or fold(t["name"]) for t in event["targets"])
    return "ev-" + _short_hash("event", event["date"], fold(event["authority"]), "\x1e".join(names))


def response_id_for(response: dict) -> str:
    """`rs-` + hash of the response's identity: event, date, actor, speaker, kind and quote."""
    return "rs-" + _short_hash(
        "response",
        response["event_id"],
        response["date"],
        fold(response["actor"]),
        fold(response["speaker"]),
        response["kind"],
        fold(response["quote"]),
    )


def event_as_record(row: dict, targets: list[dict]) -> dict:
    """The public shape of an event (its fields as docs/FORMAT.md lists them, targets with entity
    ids)."""
    record = {"type": "event"}
    for field in EVENT_FIELDS:
        if field == "targets":
            record["targets"] = [
                {f: t[f] for f in TARGET_FIELDS} | {"entity_id": t["entity_id"]} for t in targets
            ]
        else:
            record[field] = row[field]
    return record


def response_as_record(row: dict) -> dict:
    record = {"type": "response"}
    for field in RESPONSE_FIELDS:
        record[field] = row[field]
    return record

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


def clean_event(values: dict, parse_date: Callable[[str], PartialDate]) -> dict:
    """A validated event row (with `targets` as a list of cleaned targets) from loose values."""
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

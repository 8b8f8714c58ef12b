"""The words of sanctrack's records, each list written once: record types, event actions (and which
of them impose or end a sanction), target kinds (and what each may be merged with), response kinds,
stances, and how target kinds map to FollowTheMoney schemata and back.

Records (`records.py`) accept exactly these words; the sanction rules (`rules.py`), the list
importers, name matching (`names.py`) and the FtM export read them from here. docs/FORMAT.md
describes them to users. Only plain constants and one small function: every command imports this.
"""

from __future__ import annotations

RECORD_TYPES = ("event", "response")

# -- event actions ---------------------------------------------------------------------------------

# Every action an event may record ("other": an act that neither imposes nor ends a sanction).
EVENT_ACTIONS = ("designation", "delisting", "amendment", "renewal", "other")

# The actions that bear on whether a sanction is in force: a designation, renewal or amendment
# imposes one (or keeps it), a delisting ends it. "other" is not among them.
IMPOSING_ACTIONS = ("designation", "renewal", "amendment")
ENDING_ACTION = "delisting"
SANCTION_ACTIONS = (*IMPOSING_ACTIONS, ENDING_ACTION)

# -- target kinds ----------------------------------------------------------------------------------

TARGET_KINDS = (
    "person", "company", "organization", "vessel", "aircraft", "government-body", "group",
)  # fmt: skip


def known_target_kind(kind: str | None) -> str | None:
    """`kind` when it is one of TARGET_KINDS, else None (a list's kind no record could hold)."""
    return kind if kind in TARGET_KINDS else None


# What a kind may be merged with (one entity holds names of one class only): its class, for the
# target kinds and for the words official lists and FtM use ("Individual", "Entity", "Airplane"…),
# once lower-cased with `_` and spaces made `-`. A person never merges with a company.
KIND_CLASSES = {
    "person": "person",
    "individual": "person",
    "vessel": "vessel",
    "ship": "vessel",
    "aircraft": "aircraft",
    "airplane": "aircraft",
    "company": "organization",
    "organization": "organization",
    "organisation": "organization",
    "government-body": "organization",
    "public-body": "organization",
    "group": "organization",
    "entity": "organization",
}

# -- responses -------------------------------------------------------------------------------------

RESPONSE_KINDS = (
    "statement",
    "press-conference",
    "diplomatic-protest",
    "filing",
    "legal-challenge",
    "countermeasure",
    "other",
)
STANCES = ("rejects", "denies", "condemns", "threatens", "complies", "welcomes", "neutral")

# -- FollowTheMoney --------------------------------------------------------------------------------

# The FtM schema an exported target becomes (None: kind unknown).
FTM_SCHEMA_OF_KIND = {
    "person": "Person",
    "company": "Company",
    "organization": "Organization",
    "group": "Organization",
    "government-body": "PublicBody",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    None: "LegalEntity",
}
# The target kind of an imported FtM entity's schema; other schemata are not targets. Not the
# inverse of FTM_SCHEMA_OF_KIND: FtM has no `group`, and a LegalEntity is an organization.
KIND_OF_FTM_SCHEMA = {
    "Person": "person",
    "Company": "company",
    "Organization": "organization",
    "LegalEntity": "organization",
    "PublicBody": "government-body",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}

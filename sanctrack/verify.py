"""`sanctrack verify`: is the store whole? SQLite's page checks, the full-text indexes against their
tables, the links between records, the schema; one line per problem.

A damaged index can hide records from every lookup while SQLite's cheap `quick_check` says ok (a
flipped byte in the index of names: `check` then answers "nothing recorded"), so only the full
`integrity_check` finds it. The outcome of the last verify is kept beside the store, in
`<store>-verify` (JSON, written whole): while it says the store failed, `check` says so with its
answer and no command writes to the store. A verify that passes removes it.

Writes check what they touch, not the whole file: every page a change reads or writes has its cells
checked as SQLite loads it (`PRAGMA cell_size_check`), and an import checks the schema and the links
of the rows it inserted before it commits (`check_before_commit`). A change that meets a damaged page
is rolled back and recorded as a failed verify. Damage the write does not touch is verify's to find,
and so is damage to a page's free-space accounting (the start of its cell content area, its count of
fragmented bytes), which SQLite's write path does not check: only `quick_check` reads it, and it
reads every page (0.64 s of CPU on a 200,000-event store, where an add takes about 0.2 s), so the
write lands and the next `verify --quick` finds it (docs/EXIT_CODES.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import StoreError

# Problems shown at most per part; a store this broken is to be restored, not read line by line.
LIMIT = 100


class Verdict:
    def __init__(self, problems: list[str] | None = None):
        self.problems: list[str] = [] if problems is None else problems
        self.checked: list[str] = []
        self.skipped: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store, full: bool = True) -> Verdict:
    """Every check of the store (`full`) or its cheap part; never writes to the store."""
    import sqlite3

    verdict = Verdict()

    def part(name: str, run) -> None:
        try:
            found = run()
        except sqlite3.DatabaseError as err:
            if "readonly" in str(err) or "read-only" in str(err):
                verdict.skipped.append(f"{name}: the store is read-only")
                return
            found = [f"{name} could not be read ({err})"]
        verdict.checked.append(name)
        verdict.problems += [f"{name}: {text}" for text in found]

    part("schema", store.schema_problems)
    part("pages", lambda: store.integrity_problems(full, LIMIT))
    if full:
        part("full-text", store.full_text_problems)
        part("sanction states", lambda: _sanction_state_problems(store))
    part("links", lambda: store.link_problems(LIMIT))
    return verdict


def _sanction_state_problems(store) -> list[str]:
    """The per-entity states `diff` reads against a recomputation from the periods (2.5 s of CPU
    on a 200,000-event store: part of the full verify only)."""
    from .store.periods import sanction_state_problems

    return sanction_state_problems(store.conn, LIMIT)


def check_before_commit(store, after: dict, change_id: int) -> None:
    """Before an import commits: the schema, and the links of the rows it inserted (rowids past
    `after`, `store.last_rowids()` taken when the change began), so the cost is that of the import,
    not of the store; the pages it wrote were checked as SQLite loaded them (`cell_size_check`, see
    `Store.change`). A problem stops the change (StoreError, rolled back) and is recorded as a
    failed verify."""
    verdict = Verdict()
    verdict.problems += [f"schema: {text}" for text in store.schema_problems()]
    verdict.problems += [f"links: {text}" for text in store.link_problems(LIMIT, after=after, change_id=change_id)]
    if verdict.ok:
        return
    record(store.path, verdict)
    raise StoreError(
        f"the store {store.path} is damaged: {verdict.problems[0]}"
        + (f" (and {len(verdict.problems) - 1} more problems)" if len(verdict.problems) > 1 else "")
        + "; nothing was written",
        hint="run 'sanctrack verify' for every problem; restore the store from a backup",
    )


def damaged_while_writing(store_path: Path, err) -> StoreError:
    """A change that met a damaged page (SQLite's SQLITE_CORRUPT) was rolled back: it is recorded
    as a failed verify (so no later command writes onto the damage) and said in one line."""
    problem = f"pages: {err}"
    record(store_path, Verdict(problems=[problem]))
    return StoreError(
        f"the store {store_path} is damaged: {problem}; nothing was written",
        hint="run 'sanctrack verify' for every problem; restore the store from a backup",
    )


# -- the record of the last verify --------------------------------------------------------------


def record_path(store_path: Path) -> Path:
    return Path(f"{store_path}-verify")


def record(store_path: Path, verdict: Verdict) -> None:
    """Keep a failed verdict beside the store (written whole); remove the record of a passed one."""
    from .dates import utc_timestamp

    path = record_path(store_path)
    if verdict.ok:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a read-only folder: there was nothing to remove that could have been written
        return
    text = json.dumps(
        {"at": utc_timestamp(), "problems": len(verdict.problems), "first": verdict.problems[0]},
        ensure_ascii=False,
    )
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only folder: the verdict is still printed, only not remembered


def last_failure(store_path: Path) -> dict | None:
    """The record of the store's last verify if it failed, else None."""
    try:
        text = record_path(store_path).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return {"at": None, "problems": None, "first": "the record of the last verify is unreadable"}
    return found if isinstance(found, dict) else None


def refuse_writes_after_failure(store_path: Path) -> None:
    """A store that failed its last verify is not written to (it would only spread the damage)."""
    failure = last_failure(store_path)
    if failure is not None:
        raise StoreError(
            f"the store {store_path} failed its last verify ({failure.get('at')}: "
            f"{failure.get('first')}); sanctrack will not write to it",
            hint="run 'sanctrack verify' again; restore the store from a backup if it still fails",
        )

"""What Tab offers: the completion each parameter declares, and the walk of a typed line that
finds which parameter is being completed (the `__complete` entry point of the shell scripts).

Every option or argument that takes a value from a known set declares it where it is defined,
with Typer's `autocompletion=` and one of the callbacks below: record ids, jurisdictions and
country codes, snapshots and diff views come from the store, read through a read-only connection
(a Tab never writes, migrates or waits on a lock); vocabularies (actions, stances, kinds, formats…)
from the tuples the values are checked against. `files` asks the shell to complete file names.

The line itself is walked by Click's own `ShellComplete.get_completions`, which parses it without
running any command and asks the parameter being completed for its values.

Loading this module costs nothing: each callback imports what it needs when a Tab calls it.
"""

import os
import re
from contextlib import contextmanager
from typing import Callable, Iterable

import typer

FILES_DIRECTIVE = ":files"  # what the scripts read as: let the shell complete file names
SHELLS = ("bash", "zsh", "fish")
STORE_LIMIT = 200  # record ids of one kind read from the store for one Tab
NAME_LIMIT = 50  # entity names read from the store for one Tab
WORD_BREAKS = "=:"  # the characters of bash's COMP_WORDBREAKS that occur inside a sanctrack word
HELP_WIDTH = 80  # a description beside a candidate (zsh, fish) is cut to this width


class Tab:
    """The context object while a line is completed: what the parameter's callback asked for."""

    def __init__(self) -> None:
        self.files = False
        # Candidates that need not begin with the typed text as typed (names, matched case and
        # accents aside): Typer would drop them, so they are handed over here.
        self.unfiltered: list[tuple[str, str]] = []


# -- the callbacks parameters declare ----------------------------------------------------------


def files(ctx: typer.Context) -> list[str]:
    """A file or folder name: the shell completes it itself."""
    if isinstance(ctx.obj, Tab):
        ctx.obj.files = True
    return []


def choices(values: Iterable[str]) -> Callable[[], list[str]]:
    """Completion from a fixed set of values, in the order given."""
    values = tuple(values)

    def complete() -> list[str]:
        return list(values)

    return complete


def actions() -> list[str]:
    from ..vocabulary import EVENT_ACTIONS as ACTIONS

    return list(ACTIONS)


def stances() -> list[str]:
    from ..vocabulary import STANCES

    return list(STANCES)


def response_kinds() -> list[str]:
    from ..vocabulary import RESPONSE_KINDS

    return list(RESPONSE_KINDS)


def target_kinds() -> list[str]:
    from ..vocabulary import TARGET_KINDS

    return list(TARGET_KINDS)


def record_types() -> list[str]:
    from ..vocabulary import RECORD_TYPES

    return list(RECORD_TYPES)


def listing_formats() -> list[str]:
    from ..render import LISTING_FORMATS

    return list(LISTING_FORMATS)


def record_formats() -> list[str]:
    from ..render import RECORD_FORMATS

    return list(RECORD_FORMATS)


def timeline_formats() -> list[str]:
    from ..render import TIMELINE_FORMATS

    return list(TIMELINE_FORMATS)


def timeline_kinds() -> list[str]:
    """What `timeline --kind` selects (timeline.KINDS)."""
    return ["event", "response", "listing"]


def export_formats() -> list[str]:
    from ..ownformat import OWN_FORMATS

    return [*OWN_FORMATS, "ftm"]


def list_formats() -> list[tuple[str, str]]:
    """The formats of official lists (ofac-csv, uk-xml…)."""
    from ..importers import list_formats

    return [(fmt, "official list") for fmt in list_formats()]


def import_formats() -> list[tuple[str, str]]:
    """What `import --format` reads: sanctrack's own formats, then those of official lists."""
    from ..ownformat import OWN_FORMATS

    return [(fmt, "sanctrack's own") for fmt in OWN_FORMATS] + list_formats()


def sources() -> list[tuple[str, str]]:
    """The official sources, with their titles."""
    from ..sources import SOURCES

    return [(source.name, source.title) for source in SOURCES.values()]


def record_ids(*prefixes: str) -> Callable[[typer.Context, str], list[tuple[str, str]]]:
    """Completion of the ids of records of these kinds (`ev-`, `rs-`, `en-`), described."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        with _store(ctx) as conn:
            return _ids(conn, incomplete, prefixes)

    return complete


def change_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The changes `undo CHANGE_ID` can revert, newest first, with their summaries."""
    from ..store.completion import undoable_changes

    with _store(ctx) as conn:
        rows = undoable_changes(conn) if conn is not None else []
    return [(str(number), summary) for number, summary in rows if str(number).startswith(incomplete)]


def jurisdictions(ctx: typer.Context) -> list[tuple[str, str]]:
    """The store's jurisdictions (with their counts of events) and the official lists' senders."""
    with _store(ctx) as conn:
        return _jurisdictions(conn)


def countries(ctx: typer.Context) -> list[str]:
    """The country codes the store holds (targets', responders', senders')."""
    from ..store.completion import country_codes

    with _store(ctx) as conn:
        return sorted(country_codes(conn)) if conn is not None else []


def views(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """What `diff` compares: a jurisdiction now or a stored snapshot, else a list file."""
    with _store(ctx) as conn:
        found = [(code, f"what {code} sanctions now") for code, _ in _jurisdictions(conn)]
        found += _snapshots(conn)
    folded = incomplete.casefold()
    found = [view for view in found if view[0].casefold().startswith(folded)]
    return found or files(ctx)


def subjects(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """What a timeline is of: a jurisdiction, or an entity by its id or by a name."""
    with _store(ctx) as conn:
        return _jurisdictions(conn) + _ids(conn, incomplete, ("en-",)) + _unfiltered(ctx, _names(conn, incomplete))


def entity_names(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The names and aliases of entities that begin as typed (case, accents and punctuation
    aside), each described by its entity id and kind."""
    with _store(ctx) as conn:
        return _unfiltered(ctx, _names(conn, incomplete))


def _unfiltered(ctx: typer.Context, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`items` handed to the line's walk as they are (Typer keeps only candidates that begin
    with the typed text, case and all: `integ` would lose "Integrity Technology Group")."""
    if isinstance(ctx.obj, Tab):
        ctx.obj.unfiltered.extend(items)
        return []
    return items


def _names(conn, incomplete: str) -> list[tuple[str, str]]:
    """Entity names (values) starting with `incomplete`, read by their key's index: nothing for
    nothing typed or an id being typed."""
    if conn is None or not incomplete.strip() or incomplete.startswith("en-"):
        return []
    from ..names import words
    from ..store.completion import names_from

    prefix = " ".join(words(incomplete))
    if not prefix:
        return []
    found: dict[str, str] = {}
    for name, entity_id, kind in names_from(conn, prefix, NAME_LIMIT):
        found.setdefault(name, f"{entity_id} ({kind})" if kind else entity_id)
    return list(found.items())


@contextmanager
def _store(ctx: typer.Context):
    """A read-only connection to the store the line names (--db), else the default one; None
    when there is none."""
    from ..store import default_path
    from ..store.completion import open_read_only

    db = None
    context = ctx
    while context is not None and db is None:
        db = context.params.get("db")
        context = context.parent
    conn = open_read_only(db or default_path())
    try:
        yield conn
    finally:
        if conn is not None:
            conn.close()


def _ids(conn, incomplete: str, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    from ..store.completion import ids_from

    if conn is None:
        return []
    found: list[tuple[str, str]] = []
    for prefix in prefixes:
        if incomplete.startswith(prefix):
            start = incomplete
        elif prefix.startswith(incomplete):
            start = prefix
        else:
            continue
        found += ids_from(conn, prefix, start, STORE_LIMIT)
    return found


def _jurisdictions(conn) -> list[tuple[str, str]]:
    from ..sources import SOURCES
    from ..store.completion import jurisdiction_counts

    counts = jurisdiction_counts(conn) if conn is not None else {}
    codes = {code: f"{n} event(s)" for code, n in counts.items()}
    for source in SOURCES.values():
        if source.jurisdiction:
            codes.setdefault(source.jurisdiction, source.authority)
    return sorted(codes.items())


def _snapshots(conn) -> list[tuple[str, str]]:
    """Every stored snapshot by id, and each source's latest and previous one."""
    from ..store.completion import snapshot_rows

    rows = snapshot_rows(conn) if conn is not None else []
    found = [(snapshot_id, f"{listings} listings") for snapshot_id, _source, listings in rows]
    by_source: dict[str, int] = {}
    for _id, source, _listings in rows:
        by_source[source] = by_source.get(source, 0) + 1
    for source, count in by_source.items():
        found.append((f"{source}/latest", "the latest snapshot"))
        if count > 1:
            found.append((f"{source}/previous", "the one before it"))
    return found


# -- the walk of a typed line ------------------------------------------------------------------


def complete_words(root, shell: str, words: list[str]) -> list[str]:
    """The lines `__complete` prints for `words` (for bash: one word, the line up to the cursor):
    one candidate a line, `value<TAB>description` for zsh and fish, or FILES_DIRECTIVE."""
    if shell not in SHELLS:
        return []
    if shell == "bash":
        args, incomplete = split_bash_line(words[-1] if words else "")
    else:
        args, incomplete = list(words[:-1]), (words[-1] if words else "")
    completer = _protocol()(root, shell, args, incomplete)
    return completer.complete().splitlines()


def _protocol():
    """The `__complete` protocol as a Click `ShellComplete` (Click's extension point for a
    shell's protocol), made on first use: Click is reached only when a Tab needs it."""
    from .click_api import click_module

    class SanctrackComplete(click_module("shell_completion").ShellComplete):
        name = "sanctrack"
        source_template = ""  # the scripts are `sanctrack completion SHELL`'s

        def __init__(self, root, shell: str, args: list[str], incomplete: str) -> None:
            self.tab = Tab()
            super().__init__(root, {"obj": self.tab}, "sanctrack", "_SANCTRACK_COMPLETE")
            self.shell, self.args, self.incomplete = shell, args, incomplete
            # Click completes the value of `--option=value` without `--option=`; it is put back.
            head, equals, _ = incomplete.partition("=")
            self.prefix = head + equals if incomplete[:1] == "-" and equals else ""

        def source_vars(self) -> dict:
            return {}

        def get_completion_args(self) -> tuple[list[str], str]:
            return list(self.args), self.incomplete

        def get_completions(self, args, incomplete):
            items = super().get_completions(list(args), incomplete)
            value = incomplete[len(self.prefix) :]
            if not items and not self.tab.files and value != value.upper():
                # Codes (jurisdictions, countries) are upper case: `g` completes as `G` would.
                names, self.tab.unfiltered = self.tab.unfiltered, []
                items = super().get_completions(list(args), self.prefix + value.upper())
                self.tab.unfiltered = names
            if self.tab.files or any(item.type in ("file", "dir") for item in items):
                self.tab.files = True
                return []
            if self.tab.unfiltered:
                item_class = click_module("shell_completion").CompletionItem
                known = {item.value for item in items}
                items = list(items) + [
                    item_class(value, help=help_text)
                    for value, help_text in self.tab.unfiltered
                    if value not in known
                ]
            return items

        def complete(self) -> str:
            lines = super().complete()
            return FILES_DIRECTIVE if self.tab.files else lines

        def format_completion(self, item) -> str:
            # Values and descriptions may come from stored data: shown inert (`visible`), as
            # every text sanctrack writes to a terminal.
            from ..render.text import visible

            full = visible(self.prefix + item.value)
            if self.shell == "bash":  # bash replaces only what follows the last word break
                # and inserts the candidate as it is: a name's spaces and quotes escaped
                full = _BASH_SPECIAL.sub(r"\\\g<0>", full)
                typed = self.incomplete
                cut = max(typed.rfind(c) for c in WORD_BREAKS)
                return full[cut + 1 :] if cut >= 0 and full.startswith(typed[: cut + 1]) else full
            help_text = visible(" ".join((item.help or "").split()))
            if len(help_text) > HELP_WIDTH:
                help_text = help_text[: HELP_WIDTH - 1] + "…"
            return f"{full}\t{help_text}" if help_text else full

    return SanctrackComplete


_BASH_SPECIAL = re.compile(r"[\s'\"\\$`!&|;()<>*?\[\]{}~#]")


def split_bash_line(line: str) -> tuple[list[str], str]:
    """(the complete words after the program name, the word being typed) of a bash line, an
    unfinished quote read as if it were closed."""
    import shlex

    def split(text: str) -> list[str]:
        lexer = shlex.shlex(text, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        words = []
        try:
            words.extend(lexer)
        except ValueError:  # the line ends inside a quote or after an escape
            words.append(lexer.token)
        return words

    words = split(line)
    # The cursor starts a new word when one more character would make one more word.
    starts_new = len(split(line + "x")) > len(words)
    incomplete = "" if starts_new or not words else words.pop()
    return words[1:], incomplete

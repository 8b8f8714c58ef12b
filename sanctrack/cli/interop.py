"""`sanctrack browse` (the store in Datasette) and shell completion (`sanctrack completion SHELL`,
with the hidden `sanctrack __complete` the scripts call)

Nothing heavy is imported when this module loads: Datasette only by `browse`, the completion
machinery only by `__complete`, so ordinary commands pay for none of it.

Completion: the scripts send the words typed so far to `sanctrack __complete SHELL`, which walks
them with Click's own parser (the vendored `typer._click.shell_completion`, without calling any
command) to find what is being completed: a subcommand, an option, or an option's or argument's
value. Values come from the records' vocabularies (actions, stances, kinds, formats), the official
sources, and the store: record ids, jurisdictions and country codes, snapshot names. The store is
read through a read-only SQLite connection, so a Tab never writes, migrates or waits on a lock.
It prints one candidate a line (`value<TAB>description` for zsh and fish), or `:files` when the
shell should complete file names itself.
"""

import os
import sys
from typing import Annotated, Optional

import typer

from .common import (
    DbOption, open_store,
)  # fmt: skip
from ..errors import UsageError

app = typer.Typer()

SHELLS = ("bash", "zsh", "fish")
FILES_DIRECTIVE = ":files"
BROWSE_MISSING = "sanctrack browse needs Datasette: pip install 'sanctrack[browse]'"


# -- browse ---------------------------------------------------------------------------------------


def datasette_metadata(database: str) -> dict:
    """Datasette metadata for a store named `database` (its file name without extension).

    Full-text search needs nothing here: Datasette finds the `<table>_fts` tables that the store
    keeps for events, targets, responses and listings. The readable views are searched through
    their tables' indexes (`fts_table`, `fts_pk`).
    """
    return {
        "title": "sanctrack store",
        "description": (
            "Sanctions events, their targets and the official responses to them, with the "
            "snapshots of official lists. Search works on events, targets, responses and listings."
        ),
        "databases": {
            database: {
                "tables": {
                    "events": {
                        "description": "One sanctions action each (designation, delisting, …).",
                        "sort_desc": "date_start",
                        "facets": ["jurisdiction", "action"],
                    },
                    "targets": {"description": "The parties each event names, in order."},
                    "responses": {
                        "description": "Official reactions to events.",
                        "sort_desc": "date_start",
                        "facets": ["kind", "stance", "country"],
                    },
                    "entities": {
                        "description": "Sanctioned parties, one for all the names they go by.",
                        "label_column": "name",
                    },
                    "snapshots": {"description": "Imported versions of official lists."},
                    "listings": {"description": "The entries of each snapshot.", "facets": ["kind"]},
                    "changes": {"description": "Every change to the store, newest last; undo reverts them."},
                    "sanction_periods": {
                        "description": (
                            "Derived from the events, kept by sanctrack: each sanction (entity, "
                            "jurisdiction, authority, program) from the event that imposed it to the "
                            "delisting that ended it (empty until: still in force)."
                        ),
                        "facets": ["jurisdiction", "authority"],
                    },
                    "sanction_periods_stale": {"hidden": True},
                    "events_with_targets": {
                        "description": "Events with their targets as text and how many responses they drew.",
                        "fts_table": "events_fts",
                        "fts_pk": "event_rowid",
                        "sort_desc": "date_start",
                        "facets": ["jurisdiction", "action"],
                    },
                    "responses_with_lag": {
                        "description": "Responses with the date of their event and the lag in days.",
                        "fts_table": "responses_fts",
                        "fts_pk": "response_rowid",
                        "sort": "lag_days",
                        "facets": ["kind", "stance"],
                    },
                }
            }
        },
    }


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program listens on, before Datasette starts and fails on it."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise UsageError(f"--host {host!r} is not an address of this machine ({err.strerror})") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server will: a port left in TIME_WAIT by an earlier run is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise UsageError(
                f"cannot listen on {host}:{port}: {err.strerror}", hint="pick another with --port"
            ) from None


@app.command()
def browse(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="The port to listen on.")] = 8001,
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="The address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a web browser on it.")] = False,
    db: DbOption = None,
) -> None:
    """Explore the store in Datasette (a web UI with search, facets and SQL); Ctrl-C stops it.

    Needs the optional extra: pip install 'sanctrack[browse]'. The store is opened read-only.

    Examples:

    \b
      sanctrack browse --open

    \b
      sanctrack browse --port 8080 --db ~/cases/flax-typhoon.db
    """
    import json
    import tempfile

    try:
        import click  # Datasette's own Click, not Typer's vendored one
        from datasette.cli import serve
    except ImportError:
        raise UsageError(BROWSE_MISSING) from None
    from ..render import message

    store = open_store(ctx, db)
    if not store.on_disk:
        raise UsageError(f"there is no store at {store.path} yet", hint="add or import records first")
    path = store.path
    _check_port(host, port)
    metadata = datasette_metadata(path.stem)
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="sanctrack-datasette-", delete=False)
    with handle:
        json.dump(metadata, handle)
    args = [str(path), "--host", host, "--port", str(port), "--metadata", handle.name]
    if open_browser:
        args.append("--open")
    message(f"browsing {path} at http://{host}:{port}/{path.stem} (Ctrl-C stops)")
    try:
        serve.main(args, prog_name="datasette", standalone_mode=False)
    except click.ClickException as err:
        raise UsageError(f"Datasette: {err.format_message()}") from None
    finally:
        os.unlink(handle.name)


# -- completion scripts ---------------------------------------------------------------------------

BASH_SCRIPT = r"""# sanctrack completion for bash. Load it with
#   eval "$(sanctrack completion bash)"            (in ~/.bashrc)
# or save it where bash-completion looks:
#   sanctrack completion bash > ~/.local/share/bash-completion/completions/sanctrack
_sanctrack_completion() {
    local IFS=$'\n'
    local -a reply
    reply=($("$1" __complete bash -- "${COMP_LINE:0:COMP_POINT}" 2>/dev/null))
    if [[ "${reply[0]}" == ":files" ]]; then
        compopt -o filenames 2>/dev/null
        reply=($(compgen -f -- "$2"))
    fi
    COMPREPLY=("${reply[@]}")
}
complete -o nosort -F _sanctrack_completion sanctrack 2>/dev/null \
    || complete -F _sanctrack_completion sanctrack
"""

ZSH_SCRIPT = r"""#compdef sanctrack
# sanctrack completion for zsh. Save it on your $fpath, before compinit runs:
#   sanctrack completion zsh > "${fpath[1]}/_sanctrack"
# or load it after compinit (in ~/.zshrc):
#   eval "$(sanctrack completion zsh)"
_sanctrack() {
    local -a lines values shown
    local line value
    lines=("${(@f)$("${words[1]}" __complete zsh -- "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ "${lines[1]}" == ":files" ]]; then
        _files
        return
    fi
    for line in "${lines[@]}"; do
        [[ -z "$line" ]] && continue
        value="${line%%$'\t'*}"
        values+=("$value")
        if [[ "$line" == *$'\t'* ]]; then
            shown+=("$value  -- ${line#*$'\t'}")
        else
            shown+=("$value")
        fi
    done
    (( ${#values} )) && compadd -U -V unsorted -l -d shown -a values
}
if [[ "${funcstack[1]}" == "_sanctrack" ]]; then
    _sanctrack "$@"
else
    compdef _sanctrack sanctrack
fi
"""

FISH_SCRIPT = r"""# sanctrack completion for fish. Save it where fish looks:
#   sanctrack completion fish > ~/.config/fish/completions/sanctrack.fish
function __sanctrack_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l reply ($tokens[1] __complete fish -- $tokens[2..-1] "$current" 2>/dev/null)
    if test "$reply[1]" = ":files"
        __fish_complete_path "$current"
    else
        printf '%s\n' $reply
    end
end
complete -c sanctrack -f -a '(__sanctrack_complete)'
"""

SCRIPTS = {"bash": BASH_SCRIPT, "zsh": ZSH_SCRIPT, "fish": FISH_SCRIPT}


@app.command()
def completion(
    shell: Annotated[
        Optional[str],
        typer.Argument(metavar="[SHELL]", help="bash, zsh or fish (default: the one $SHELL names).", show_default=False),
    ] = None,
) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes subcommands, options, record ids, jurisdictions, sources and snapshot names.

    Examples:

    \b
      eval "$(sanctrack completion bash)"            # in ~/.bashrc

    \b
      sanctrack completion zsh > "${fpath[1]}/_sanctrack"

    \b
      sanctrack completion fish > ~/.config/fish/completions/sanctrack.fish
    """
    if shell is None:
        shell = os.path.basename(os.environ.get("SHELL", ""))
        if shell not in SHELLS:
            raise UsageError("which shell? give one of: bash, zsh, fish", hint="sanctrack completion bash")
    shell = shell.lower()
    if shell not in SHELLS:
        raise UsageError(f"no completion for the shell {shell!r}", hint="use one of: bash, zsh, fish")
    sys.stdout.write(SCRIPTS[shell])


@app.command(
    "__complete",
    hidden=True,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
def complete_command(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(help="bash, zsh or fish.")],
    words: Annotated[
        Optional[list[str]],
        typer.Argument(help="After --: for bash the line up to the cursor, else the words after 'sanctrack', the last one being typed."),
    ] = None,
) -> None:
    """The completions of the words typed so far, one a line (the completion scripts call it).

    zsh and fish get `value<TAB>description`; `:files` asks the shell to complete file names.

    Examples:

    \b
      sanctrack __complete bash -- "sanctrack show ev-"

    \b
      sanctrack __complete zsh -- add event --ta
    """
    words = list(words or []) + list(ctx.args)
    try:
        lines = complete_words(ctx.find_root().command, shell, words)
    except Exception:  # a Tab must never print a traceback into the command line
        if os.environ.get("SANCTRACK_DEBUG"):
            raise
        lines = []
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


# -- the completion engine (run by `__complete` only) -------------------------------------------

_STORE_LIMIT = 200  # candidates of one kind read from the store for one Tab
_WORD_BREAKS = "=:"  # bash's COMP_WORDBREAKS that can occur inside a sanctrack word


def complete_words(root, shell: str, words: list[str]) -> list[str]:
    """The lines `__complete` prints for `words` (for bash: one word, the line up to the cursor)."""
    import contextlib
    import io

    from typer._click.shell_completion import _resolve_context, _resolve_incomplete

    if shell not in SHELLS:
        return []
    if shell == "bash":
        args, incomplete = _split_line(words[-1] if words else "")
    else:
        args, incomplete = list(words[:-1]), (words[-1] if words else "")
    # Parsing runs the eager callbacks of what is typed (--version prints): keep them quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        ctx = _resolve_context(root, {}, "sanctrack", list(args))
        target, value = _resolve_incomplete(ctx, list(args), incomplete)
    found = _candidates(ctx, target, value)
    if found == FILES_DIRECTIVE:
        return [FILES_DIRECTIVE]
    prefix = incomplete[: len(incomplete) - len(value)] if incomplete.endswith(value) else ""
    lines = []
    for candidate, help_text in found:
        full = prefix + candidate
        if shell == "bash":
            cut = max(incomplete.rfind(c) for c in _WORD_BREAKS)
            lines.append(full[cut + 1 :] if cut >= 0 and full.startswith(incomplete[: cut + 1]) else full)
        else:
            help_text = " ".join((help_text or "").split())
            help_text = help_text if len(help_text) <= 80 else help_text[:79] + "…"
            lines.append(f"{full}\t{help_text}" if help_text else full)
    return lines


def _split_line(line: str) -> tuple[list[str], str]:
    """(complete words after the program name, the word being typed) of a bash command line."""
    from typer._click.shell_completion import split_arg_string

    words = split_arg_string(line)
    # The cursor starts a new word when one more character would make one more word.
    starts_new = len(split_arg_string(line + "x")) > len(words)
    incomplete = "" if starts_new or not words else words.pop()
    return words[1:], incomplete


def _candidates(ctx, target, incomplete: str):
    """(value, help) pairs for the word being typed, or FILES_DIRECTIVE."""
    from typer._click.core import Parameter

    if not isinstance(target, Parameter):  # a command: its subcommands, or its options on '-'
        return [(item.value, item.help) for item in target.shell_complete(ctx, incomplete)]
    found = _parameter_values(ctx, target, incomplete)
    if found == FILES_DIRECTIVE:
        return found
    folded = incomplete.casefold()
    return [(value, help_text) for value, help_text in found if value.casefold().startswith(folded)]


def _parameter_values(ctx, param, incomplete: str):
    from typer.models import TyperPath

    from .. import records

    name, command = param.name, ctx.command.name
    if isinstance(param.type, TyperPath) or name in ("files", "output", "output_path", "db"):
        return FILES_DIRECTIVE
    values = _StoreValues(ctx)
    if name == "record_id":
        return values.ids(incomplete, ("ev-", "rs-", "en-") if command == "show" else ("ev-", "rs-"))
    if name in ("to", "in_response_to", "counter_event"):
        return values.ids(incomplete, ("ev-",))
    if name == "jurisdiction":
        return values.jurisdictions()
    if name in ("country", "target_country"):
        return values.countries()
    if name == "source":
        return _sources() if command in ("fetch", "import") else []
    if name in ("left", "right"):
        found = [v for v in values.views() if v[0].casefold().startswith(incomplete.casefold())]
        return found or FILES_DIRECTIVE  # a view, or a list file read on the fly
    if name == "subject":
        return values.jurisdictions() + values.ids(incomplete, ("en-",))
    vocabularies = {
        "action": records.ACTIONS,
        "stance": records.STANCES,
        "kind": records.RESPONSE_KINDS,
        "target_kind": records.TARGET_KINDS,
    }
    if name in vocabularies:
        return [(v, None) for v in vocabularies[name]]
    if name.endswith("_format") or (name == "fmt" and command == "import"):
        own = ("json", "jsonl", "csv") if command == "import" else ()
        return [(v, "sanctrack's own") for v in own] + [(v, "official list") for v in _list_formats()]
    listed = _choices_in_help(getattr(param, "help", None))
    if listed:
        return [(v, None) for v in listed]
    return [(item.value, item.help) for item in param.shell_complete(ctx, incomplete)]


def _choices_in_help(text: str | None) -> list[str]:
    """The choices a help text lists first ("table, plain, json or jsonl (default: …)")."""
    import re

    if not text:
        return []
    head = text.split("(", 1)[0].split(";", 1)[0]
    head = head.rsplit(":", 1)[-1].strip().rstrip(".")
    words = [w.strip() for w in head.replace(" or ", ",").split(",") if w.strip()]
    if len(words) < 2 or not all(re.fullmatch(r"[a-z][a-z0-9-]*", w) for w in words):
        return []
    return words


def _sources() -> list[tuple[str, str]]:
    from ..sources import SOURCES

    return [(s.name, s.title) for s in SOURCES.values()]


def _list_formats() -> list[str]:
    from ..importers import list_formats

    return list_formats()


class _StoreValues:
    """Values from the store for completion, read-only: record ids, codes, snapshots.

    (A read-only connection that never migrates or writes, opened only for a Tab; its queries
    are in store_completion.py.)
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self._conn = None

    def _connection(self):
        if self._conn is None:
            import sqlite3
            from urllib.parse import quote

            from ..store import default_path

            db = None
            context = self.ctx
            while context is not None and db is None:
                db = context.params.get("db")
                context = context.parent
            path = os.path.abspath(os.path.expanduser(str(db or default_path())))
            if not os.path.isfile(path):
                return None
            try:
                self._conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=1.0)
            except sqlite3.Error:
                return None
        return self._conn

    def ids(self, incomplete: str, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
        from ..store.completion import ids_from

        conn = self._connection()
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
            found += ids_from(conn, prefix, start, _STORE_LIMIT)
        return found

    def jurisdictions(self) -> list[tuple[str, str]]:
        from ..sources import SOURCES
        from ..store.completion import jurisdiction_counts

        conn = self._connection()
        counts = jurisdiction_counts(conn) if conn is not None else {}
        codes = {code: f"{n} event(s)" for code, n in counts.items()}
        for source in SOURCES.values():
            if source.jurisdiction:
                codes.setdefault(source.jurisdiction, source.authority)
        return sorted(codes.items())

    def countries(self) -> list[tuple[str, str]]:
        from ..store.completion import country_codes

        conn = self._connection()
        return sorted((code, None) for code in (country_codes(conn) if conn is not None else []))

    def snapshots(self) -> list[tuple[str, str]]:
        from ..store.completion import snapshot_rows

        conn = self._connection()
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

    def views(self) -> list[tuple[str, str]]:
        """What diff compares: a jurisdiction now, or a stored snapshot."""
        return [(code, f"what {code} sanctions now") for code, _ in self.jurisdictions()] + self.snapshots()

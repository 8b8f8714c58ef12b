"""Working with other programs: `sanctrack browse` (the store in Datasette) and shell completion
(`sanctrack completion SHELL` prints a script; the hidden `sanctrack __complete` is what the
scripts call).

The scripts send the words typed so far to `sanctrack __complete SHELL`, which prints one
candidate a line (`value<TAB>description` for zsh and fish), or `:files` when the shell should
complete file names itself; `completion.py` finds the candidates. Datasette is imported by
`browse` alone.
"""

import os
import sys
from typing import Annotated, Optional

import typer

from .common import DbOption, open_store
from .completion import SHELLS, choices, complete_words
from ..errors import UsageError

app = typer.Typer()

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
                    "listings": {
                        "description": (
                            "Each version of a list entry, stored once (listing_spans: the "
                            "snapshots that hold it)."
                        ),
                        "facets": ["source", "kind"],
                    },
                    "listing_spans": {
                        "description": (
                            "Which snapshots of its source hold a listing version: from the snapshot "
                            "keyed `since` (publication day#import order) up to, not including, `until` "
                            "(empty: still held)."
                        ),
                    },
                    "listing_sources": {
                        "description": (
                            "The fingerprint of the rows of a list file each listing version was read "
                            "from (the next import skips the entries whose rows have not changed)."
                        ),
                    },
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
                    "sanction_states": {
                        "description": (
                            "Derived from the periods, kept by sanctrack: what a jurisdiction's view "
                            "shows of an entity (since, the act, the programs in force) from valid_from "
                            "up to, not including, until ('~': still so)."
                        ),
                        "facets": ["jurisdiction"],
                    },
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
        typer.Argument(
            metavar="[SHELL]", help="bash, zsh or fish (default: the one $SHELL names).",
            show_default=False, autocompletion=choices(SHELLS),
        ),
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

"""The root command: its options, the lazy map from command names to the modules that define them,
and the one place where errors become an `Error: …` line and an exit code.

A run imports and builds only the command it names (Click's lazy-group pattern): Typer turns a
command's signature into Click parameters when it is built, and building all of them costs a
lookup about 25 ms. Help lists every command, and so builds them all.
"""

import importlib
import os
import sqlite3
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import ExitCode, SanctrackError, StoreError, Terminated
from .click_api import click_module
from .common import DbOption, NoColorOption, Settings, TodayOption

# Every command by task, in the order help lists them: the module of this package that defines
# it, and its one-line summary for the root help (read from here, so that `sanctrack --help`
# builds no command; each kept within the 80 columns of a terminal).
GROUPS = {
    "Record and fix": {
        "add": ("records", "Record a sanctions event or a response to one"),
        "edit": ("records", "Change fields of an event or a response"),
        "delete": ("records", "Remove an event (with its targets) or a response"),
        "undo": ("records", "Revert a change (the latest, or CHANGE_ID)"),
        "log": ("records", "The change history, newest first"),
    },
    "Look up": {
        "show": ("records", "One record whole: an event, a response or an entity"),
        "search": ("lookup", "Find records by any word, name or alias, or by filters"),
        "recent": ("lookup", "The latest events and responses, newest first"),
        "check": ("lookup", "Is this name under sanctions, by whom, since when?"),
        "timeline": ("timeline", "A subject's sanctions, responses and counter-measures"),
        "lag": ("timeline", "How long announcements take to reach the official lists"),
        "diff": ("diff", "Compare two views: jurisdictions, dates or list snapshots"),
    },
    "Official lists": {
        "sources": ("lists", "The official lists, their addresses and snapshots"),
        "fetch": ("lists", "Download an official list and import it as a snapshot"),
    },
    "Interchange": {
        "import": ("interchange", "Load records or official lists, each input whole or not at all"),
        "export": ("interchange", "Write records in sanctrack's own format or as FollowTheMoney"),
        "browse": ("interop", "Explore the store in Datasette (a web UI)"),
    },
    "Store and shell": {
        "stats": ("stats", "Counts per jurisdiction, year and source; median lag"),
        "verify": ("verify", "Check the store: pages, indexes, links and schema"),
        "completion": ("interop", "Print the shell completion script for bash, zsh or fish"),
    },
}
COMMANDS = {name: module for group in GROUPS.values() for name, (module, _summary) in group.items()}
COMMANDS["__complete"] = "interop"  # the scripts' hidden entry point
SUMMARIES = {name: summary for group in GROUPS.values() for name, (_module, summary) in group.items()}
PUBLIC_COMMANDS = [name for name in COMMANDS if not name.startswith("_")]


def build_command(name: str):
    """The Click command `name`, built from the Typer registry of the module that defines it."""
    module_name = COMMANDS.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"{__package__}.{module_name}")
    command = None
    for info in module.app.registered_groups:
        if info.name == name:
            command = typer.main.get_command(info.typer_instance)
    for info in module.app.registered_commands:
        if command is None and (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            command = typer.main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
    if command is None:
        raise LookupError(f"{module.__name__} defines no command {name!r}")
    if name in SUMMARIES:
        command.short_help = SUMMARIES[name]
    _one_naming_style(command)
    return command


# The value an option takes, named alike in every command's help (the name of its value where
# the option's name says it, else its type's), where the option does not name it itself.
OPTION_METAVARS = {
    "date": "DATE", "as_of": "DATE", "published": "DATE", "since": "DATE", "until": "DATE",
    "jurisdiction": "CODE", "country": "CODE", "target_country": "CODE",
    "to": "ID", "in_response_to": "ID", "counter_event": "ID",
}  # fmt: skip
TYPE_METAVARS = {"integer": "N", "integer range": "N", "float": "NUMBER", "float range": "NUMBER", "path": "PATH"}


def _one_naming_style(command) -> None:
    """Every value in help named in capitals: an option's (`--date DATE`, not `--date <str>`),
    an argument as usage lines write them (`ID`, `[QUERY]`, `FILE...`, never `{ID}`); the same
    for the commands of a group (`add event`)."""
    for param in command.params:
        if param.param_type_name == "argument":
            name = (param.metavar or param.name.upper()).strip("[]{}")
            if param.nargs != 1 and not name.endswith("..."):
                name += "..."
            param.metavar = name if param.required else f"[{name}]"
            # Typer writes a required argument as {ID} in usage lines: as help names it, here.
            param.get_usage_pieces = lambda ctx, param=param: [param.metavar]
        elif param.param_type_name == "option" and not param.is_flag and param.metavar is None:
            param.metavar = OPTION_METAVARS.get(param.name) or TYPE_METAVARS.get(param.type.name, "TEXT")
    for sub in getattr(command, "commands", {}).values():
        _one_naming_style(sub)


class SanctrackGroup(TyperGroup):
    """The root group: commands loaded on demand, and every error turned into an exit code here."""

    def list_commands(self, ctx) -> list[str]:
        # Not the scripts' hidden entry point: Typer before 0.28 lists hidden commands in help.
        return list(PUBLIC_COMMANDS)

    def format_commands(self, ctx, formatter) -> None:
        # By task, each with its one-line summary, without building any command.
        for title, group in GROUPS.items():
            with formatter.section(title):
                formatter.write_dl([(name, summary) for name, (_module, summary) in group.items()])

    def get_command(self, ctx, name: str):
        command = self.commands.get(name)
        if command is None:
            command = build_command(name)
            if command is not None:
                self.commands[name] = command
        return command

    def resolve_command(self, ctx, args):
        # Typer suggests from the commands already built, and a run builds none before this.
        try:
            return super().resolve_command(ctx, args)
        except _click_exception_class() as err:
            typed = args[0] if args else ""
            if typed not in COMMANDS and "Did you mean" not in err.message:
                from difflib import get_close_matches

                matches = get_close_matches(typed, PUBLIC_COMMANDS)
                if matches:
                    suggestions = ", ".join(repr(name) for name in matches)
                    err.message = f"{err.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from ..render import error_line

        # Kept so that options whose order matters (--alias after its --target) can be regrouped.
        self.argv = list(args) if args is not None else sys.argv[1:]
        click_exception = _click_exception_class()
        previous_handlers = _unwind_on_termination()
        try:
            _check_arguments(self.argv)
            result = super().main(
                args=args,
                prog_name="sanctrack",  # also under test runners, which pass their own
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            sys.stdout.flush()  # a reader gone away shows here, not at exit (where it would say 120)
            if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into Exit(130) on its own
                raise KeyboardInterrupt
        except SanctrackError as err:
            error_line(err.message, err.hint)
            code = int(err.exit_code)
        except click_exception as err:
            if type(err).__name__ == "NoArgsIsHelpError":
                # `sanctrack` or `sanctrack add` alone: the overview is what was asked for.
                sys.stdout.write(err.format_message() + "\n")
                code = 0
            else:
                hint = None
                ctx = getattr(err, "ctx", None)
                if ctx is not None:
                    hint = f"see '{ctx.command_path} --help'"
                error_line(err.format_message(), hint)
                code = err.exit_code
        except (KeyboardInterrupt, typer.Abort):
            # Click and Typer turn an interrupt into Abort or exit 130: the signal is kept aside.
            if _TERMINATED_BY:
                import signal

                signum = _TERMINATED_BY[-1]
                name = signal.Signals(signum).name
                sys.stderr.write(f"Terminated ({name}): nothing was written by the unfinished command.\n")
                code = 128 + signum
            else:
                sys.stderr.write("Interrupted: nothing was written by the unfinished command.\n")
                code = int(ExitCode.INTERRUPTED)
        except SystemExit as err:
            # Click turns a closed stdout (EPIPE) into exit 1 and wraps stdout to keep it quiet.
            if type(sys.stdout).__name__ != "PacifyFlushWrapper":
                raise
            code = int(ExitCode.CLOSED_PIPE) if err.code == 1 else err.code
        except BrokenPipeError:
            # The reader went away (`| head`): say nothing more, and keep Python from complaining.
            # Not 1, which says "nothing found": 141, what a shell reports for git or cat there.
            sys.stdout = open(os.devnull, "w")
            code = int(ExitCode.CLOSED_PIPE)
        except UnicodeEncodeError as err:
            if os.environ.get("SANCTRACK_DEBUG"):
                raise
            error_line(f"text that is not valid Unicode: {err.object[err.start:err.end]!r} ({err.reason})")
            code = int(ExitCode.USAGE)
        except sqlite3.DatabaseError as err:
            if os.environ.get("SANCTRACK_DEBUG"):
                raise
            from ..store.db import error_of

            # Damage, a full disk, a read-only store or a lock held too long: each its own words.
            known = error_of(err, None)
            error_line(known.message, known.hint)
            code = int(StoreError.exit_code)
        except Exception as err:
            if os.environ.get("SANCTRACK_DEBUG"):
                raise
            error_line(
                f"unexpected {type(err).__name__}: {err}",
                "this is a bug in sanctrack; rerun with SANCTRACK_DEBUG=1 for the traceback",
            )
            code = int(ExitCode.BUG)
        finally:
            _restore_handlers(previous_handlers)
        if standalone_mode:
            sys.exit(code)
        return code


def _check_arguments(argv: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (Python keeps its bytes as lone surrogates,
    which no store or output can hold)."""
    for number, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as err:
            raise SanctrackError(
                f"argument {number} is not UTF-8 text: {arg.encode('utf-8', 'surrogateescape')!r}",
                hint="give text in UTF-8",
            ) from None
        except AttributeError:
            pass


_TERMINATED_BY: list[int] = []  # the signal that ended the run, if one did


def _unwind_on_termination() -> dict:
    """SIGTERM and SIGHUP raise Terminated, so that the command unwinds as on Ctrl-C (rollback,
    partial files removed, one line) instead of dying silently. Returns the handlers replaced."""
    import signal
    import threading

    _TERMINATED_BY.clear()
    if threading.current_thread() is not threading.main_thread():
        return {}

    def terminate(signum, frame):
        _TERMINATED_BY.append(signum)
        raise Terminated(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, None):
            previous[number] = signal.signal(number, terminate)
    return previous


def _restore_handlers(previous: dict) -> None:
    import signal

    for number, handler in previous.items():
        signal.signal(number, handler)


def _click_exception_class() -> type:
    """Click's base exception (usage errors, bad values, `NoArgsIsHelpError`)."""
    return click_module("exceptions").ClickException


app = typer.Typer(
    cls=SanctrackGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # not while a Tab parses the line
        sys.stdout.write(f"sanctrack {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: DbOption = None,
    today: TodayOption = None,
    no_color: NoColorOption = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Record sanctions events and the official responses to them; look them up offline.

    Examples:

    \b
      sanctrack add event --date 2025-01-03 \\
        --authority "US Department of the Treasury, OFAC" --jurisdiction US \\
        --target "Integrity Technology Group" \\
        --alias "Yongxin Zhicheng Technology Group"

    \b
      sanctrack show ev-ed50 --json
    """
    ctx.obj = Settings(db=db, today=today, no_color=no_color)


def main() -> None:
    """The console script: `sanctrack`."""
    typer.main.get_command(app).main(prog_name="sanctrack")

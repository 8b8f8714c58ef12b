"""What every command shares: the options defined once (the output options as one bundle), the
settings of the root options, and the helpers that open the store, read dates and write output.

Nothing here computes or speaks SQL; heavy modules are imported inside the helpers that need them.
"""

import functools
import inspect
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NamedTuple, Optional

import typer

from ..errors import SanctrackError
from . import completion

# -- options defined once ---------------------------------------------------------------------------

DbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        metavar="PATH",
        help="The store (default: $SANCTRACK_DB, else sanctrack.db in the user data folder).",
        show_default=False,
        autocompletion=completion.files,
    ),
]


def format_option(formats: str, complete):
    """The --format option of a command writing a report, naming the `formats` it writes (as
    words: "table, plain, json or jsonl") and offering them by the completion `complete`."""
    return Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{formats} (default: table on a terminal, plain when piped).",
            show_default=False,
            autocompletion=complete,
        ),
    ]


FormatOption = format_option("table, plain, json, jsonl, csv or tsv", completion.listing_formats)
RecordFormatOption = format_option("table, plain, json or jsonl", completion.record_formats)
# --json of a command whose --format is not its output's (import) or that has none (delete, undo,
# fetch): what it prints, as JSON. Those with output formats take FormatJsonOption.
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON (see docs/JSON.md).")]
FormatJsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
WideOption = Annotated[
    bool, typer.Option("--wide", "-w", help="Tables show every value whole instead of cutting long text with ….")
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (as NO_COLOR does).")]
TodayOption = Annotated[
    Optional[str],
    typer.Option(
        "--today",
        metavar="DATE",
        help="The reference day for relative dates (default: $SANCTRACK_TODAY, else today).",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE, whole or not at all; its extension (.json, .jsonl, .csv, .tsv, .md, .svg) names the format.",
        show_default=False,
        autocompletion=completion.files,
    ),
]
SinceOption = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="From this date on (inclusive; 2025 = from 2025-01-01).", show_default=False),
]
UntilOption = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="Up to this date (inclusive; 2025-06 = to 2025-06-30).", show_default=False),
]
# How much of the previous snapshot a new one may end (import and fetch of lists).
AllowShrinkOption = Annotated[
    bool,
    typer.Option(
        "--allow-shrink",
        help="Store the snapshot even if it ends more than --max-shrink of the previous one (a program really ended).",
    ),
]
MaxShrinkOption = Annotated[
    float,
    typer.Option(
        "--max-shrink", min=0.0, max=1.0, metavar="SHARE",
        help="The largest share (0-1) of the previous snapshot's listings a new snapshot may end.",
    ),
]
ListOption = Annotated[Optional[list[str]], typer.Option(show_default=False)]
TextOption = Annotated[Optional[str], typer.Option(show_default=False)]

# -- the output options, one bundle ---------------------------------------------------------------
# (The bundles are named tuples, not dataclasses: a dataclass costs each command's start-up ~0.5-1
# ms to create, a named tuple ~0.1.)


class OutputSpec(NamedTuple):
    """What a command's output options asked for: --format, --json, --no-color and --output."""

    format: str | None = None
    json: bool = False
    no_color: bool = False
    path: Path | str | None = None
    wide: bool = False


def output_options(fmt=FormatOption, file=OutputOption):
    """Declares that a command writes a report (sqlite-utils' `output_options`, for Typer).

    The command's last parameter, `*, spec: OutputSpec`, becomes the options --format (the alias
    `fmt`), --json, --no-color and --output (the alias `file`; None: no --output), and the command
    receives their values as that one `OutputSpec`. Typer reads a command's options from its
    signature, so the signature Typer sees is the command's with the options in place of `spec`.
    """
    # (parameter name, as Click names the option's value; OutputSpec field; option; default)
    declared = [("fmt", "format", fmt, None), ("as_json", "json", FormatJsonOption, False),
                ("no_color", "no_color", NoColorOption, False), ("wide", "wide", WideOption, False)]  # fmt: skip
    if file is not None:
        declared.append(("output", "path", file, None))
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    options = [
        inspect.Parameter(name, kind, default=default, annotation=alias)
        for name, _field, alias, default in declared
    ]

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        *params, spec = signature.parameters.values()
        if spec.annotation is not OutputSpec or spec.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{command.__name__}() must end with `*, spec: OutputSpec`")

        @functools.wraps(command)
        def run(*args, **kwargs):
            given = {field: kwargs.pop(name) for name, field, _alias, _default in declared}
            return command(*args, **kwargs, **{spec.name: OutputSpec(**given)})

        run.__signature__ = signature.replace(parameters=[*params, *options])
        run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}
        return run

    return decorate


# -- the record filters, one bundle ----------------------------------------------------------------

SEARCH_TYPES = ("event", "response", "entity", "listing")


def type_filter(types: tuple[str, ...]):
    """--type, offering `types` (search: every kind of hit; recent: events and responses)."""
    words = ", ".join(types[:-1]) + " or " + types[-1]
    return Annotated[
        Optional[str],
        typer.Option("--type", metavar="TYPE", help=f"{words}.", show_default=False,
                     autocompletion=completion.choices(types)),
    ]  # fmt: skip


JurisdictionFilter = Annotated[
    Optional[str],
    typer.Option("--jurisdiction", metavar="CODE", help="Only this sender: US, GB (UK), EU…", show_default=False,
                 autocompletion=completion.jurisdictions),
]  # fmt: skip
AuthorityFilter = Annotated[
    Optional[str], typer.Option("--authority", metavar="TEXT", help="Only authorities containing this text.", show_default=False)
]
ProgramFilter = Annotated[Optional[str], typer.Option("--program", metavar="NAME", help="Only this program.", show_default=False)]
ActionFilter = Annotated[
    Optional[str],
    typer.Option("--action", metavar="ACTION", help="Only events of this action: designation, delisting, amendment, "
                 "renewal or other.", show_default=False, autocompletion=completion.actions),
]  # fmt: skip
StanceFilter = Annotated[
    Optional[str],
    typer.Option("--stance", metavar="STANCE", help="Only responses of this stance: rejects, denies, condemns, threatens, complies, welcomes or neutral.",
                 show_default=False, autocompletion=completion.stances),
]  # fmt: skip


class FilterSpec(NamedTuple):
    """What a command's record filters asked for (None: not given), as typed."""

    record_type: str | None = None
    jurisdiction: str | None = None
    authority: str | None = None
    program: str | None = None
    action: str | None = None
    stance: str | None = None
    since: str | None = None
    until: str | None = None


def filter_options(*names: str, types: tuple[str, ...] = SEARCH_TYPES):
    """Declares the record filters `names` of a command (of: type, jurisdiction, authority,
    program, action, stance, since, until), defined once here for search, recent and timeline.

    The command's keyword-only parameter `filters: FilterSpec` becomes those options, placed
    after the command's context and arguments (first among its options in help; `@output_options`
    still finds `spec` last), and the command receives their values as that one `FilterSpec`.
    """
    known = {"type": ("record_type", type_filter(types)), "jurisdiction": ("jurisdiction", JurisdictionFilter),
             "authority": ("authority", AuthorityFilter), "program": ("program", ProgramFilter),
             "action": ("action", ActionFilter), "stance": ("stance", StanceFilter),
             "since": ("since", SinceOption), "until": ("until", UntilOption)}  # fmt: skip
    unknown = [name for name in names if name not in known]
    if unknown:
        raise TypeError(f"no filter {unknown[0]!r}")
    declared = [known[name] for name in names]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    options = [inspect.Parameter(field, kind, default=None, annotation=alias) for field, alias in declared]

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        params = list(signature.parameters.values())
        target = [p for p in params if p.annotation is FilterSpec and p.kind is inspect.Parameter.KEYWORD_ONLY]
        if len(target) != 1:
            raise TypeError(f"{command.__name__}() must have one keyword-only `filters: FilterSpec`")
        rest = [p for p in params if p is not target[0]]
        at = next((i for i, p in enumerate(rest) if not _is_argument(p)), len(rest))
        clash = {p.name for p in rest} & {field for field, _alias in declared}
        if clash:
            raise TypeError(f"{command.__name__}() already has a parameter {sorted(clash)[0]!r}")

        @functools.wraps(command)
        def run(*args, **kwargs):
            given = {field: kwargs.pop(field) for field, _alias in declared}
            return command(*args, **kwargs, **{target[0].name: FilterSpec(**given)})

        run.__signature__ = signature.replace(parameters=[*rest[:at], *options, *rest[at:]])
        run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}
        return run

    return decorate


def _is_argument(param: inspect.Parameter) -> bool:
    """Whether a command's parameter comes before its options: the context, or an argument."""
    from typing import get_args

    if param.annotation is typer.Context:
        return True
    return any(isinstance(meta, typer.models.ArgumentInfo) for meta in get_args(param.annotation)[1:])


class Settings(NamedTuple):
    db: Path | None = None
    today: str | None = None
    no_color: bool = False


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def open_store(ctx: typer.Context, db: Path | None, *, lookup: bool = False):
    """The store of --db (else $SANCTRACK_DB, else the default). A write creates it on first use;
    a `lookup` refuses a store that does not exist, since an answer from no data at all (a
    mistyped path) would read as a real "not found"."""
    from ..errors import StoreError
    from ..store import Store

    store = Store.open(db or settings(ctx).db)
    if lookup and not store.on_disk:
        store.close()
        raise StoreError(
            f"no store at {store.path}",
            hint="record something first (sanctrack add, import or fetch), or give the store's"
            " path with --db or $SANCTRACK_DB",
        )
    ctx.call_on_close(store.close)
    return store


def date_parser(ctx: typer.Context, today: str | None):
    """A date reader bound to the reference day, which is looked up only if a date is relative."""
    from ..dates import PartialDate, parse_date, reference_day

    reference = None

    def parse(text: str):
        nonlocal reference
        try:
            return PartialDate.from_iso(text.strip())
        except SanctrackError:
            if reference is None:
                reference = reference_day(today or settings(ctx).today)
            return parse_date(text, today=reference)

    return parse


def output(ctx: typer.Context, spec: OutputSpec, allowed=None):
    """The render.Output on stdout that `spec` asks for, among the `allowed` formats."""
    from ..render import LISTING_FORMATS, output

    no_color = spec.no_color or settings(ctx).no_color
    out = output(spec.format, spec.json, no_color, allowed or LISTING_FORMATS)
    out.wide = spec.wide
    return out


@contextmanager
def writing(ctx: typer.Context, spec: OutputSpec, allowed=None):
    """The render.Output of a command: stdout, or with --output a file written atomically in
    the format its extension names (unless --format says otherwise)."""
    from ..render import LISTING_FORMATS, format_for_path

    allowed = allowed or LISTING_FORMATS
    path = spec.path
    if path is None or str(path) == "-":
        yield output(ctx, spec, allowed)
        return
    from ..render.files import atomic_file, check_output_path

    check_output_path(path)  # a device, FIFO or link is refused before its name is looked at
    chosen = "json" if spec.json else format_for_path(path, spec.format, allowed)
    out = output(ctx, OutputSpec(chosen, no_color=True), allowed)
    with atomic_file(path) as stream:
        out.stream = stream
        yield out


def record_filter(ctx: typer.Context, today, types: tuple[str, ...], spec: FilterSpec | None = None, **given):
    """The RecordFilter of export's and search's options (a FilterSpec, or the values by name),
    each value checked (exit 2 naming the allowed values) and dates read inclusively."""
    from ..records import clean_choice, clean_code
    from ..vocabulary import EVENT_ACTIONS, STANCES
    from ..rules import since_day, until_day
    from ..store import RecordFilter

    if spec is not None:
        given = spec._asdict()
    parse = date_parser(ctx, today)
    return RecordFilter(
        type=clean_choice(given["record_type"], types, "--type"),
        jurisdiction=clean_code(given["jurisdiction"], "--jurisdiction"),
        authority=given["authority"],
        program=given["program"],
        action=clean_choice(given["action"], EVENT_ACTIONS, "--action"),
        stance=clean_choice(given["stance"], STANCES, "--stance"),
        since=since_day(parse(given["since"])) if given["since"] else None,
        until=until_day(parse(given["until"])) if given["until"] else None,
    )


def write_atomically(path: Path, write) -> None:
    """Write a file whole or not at all (see render.files.atomic_file)."""
    from ..render.files import atomic_file

    with atomic_file(path) as stream:
        write(stream)


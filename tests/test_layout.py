"""The layers, read from the source: imports inside render/ flow one way (no cycle, counting
imports inside functions, under TYPE_CHECKING and render()'s dispatch), the core imports neither
Typer nor Rich, only the store speaks SQL, and the CLI loads no renderer or Rich when it starts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sanctrack.render.formats import RENDERERS

PACKAGE = Path(__file__).resolve().parent.parent / "sanctrack"
RENDER = PACKAGE / "render"


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The absolute names `node` imports, with `from PACKAGE import NAME` read as the module
    PACKAGE.NAME when NAME is a module file, else as PACKAGE."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = _module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    folder = PACKAGE.parent.joinpath(*base.split("."))
    return [
        f"{base}.{alias.name}" if (folder / f"{alias.name}.py").exists() else base
        for alias in node.names
    ]


def _imports(path: Path, module_level_only: bool = False) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the file: at module level, in functions, under
    `if TYPE_CHECKING:` alike (or, with `module_level_only`, those that run when it is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if module_level_only:
        nodes = []
        pending = list(tree.body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.If, ast.Try, ast.With)):
                pending += [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
            nodes.append(node)
    else:
        nodes = list(ast.walk(tree))
    return [
        (name, node.lineno)
        for node in nodes
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in _imported(path, node)
    ]


def render_graph() -> dict[str, set[str]]:
    """Module of sanctrack.render -> the modules of sanctrack.render it imports: every import
    statement, and from the package to each module RENDERERS names (render() imports them)."""
    graph: dict[str, set[str]] = {}
    for path in _python_files(RENDER):
        module = _module_name(path)
        graph[module] = {
            name for name, _line in _imports(path)
            if name == "sanctrack.render" or name.startswith("sanctrack.render.")
        }  # fmt: skip
    for renderers in RENDERERS.values():
        for target in renderers.values():
            graph["sanctrack.render"].add("sanctrack.render." + target.split(".")[0])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path that comes back to where it started (depth-first), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once every way out is explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_the_graph_holds_every_kind_of_import():
    """The graph the next test checks sees what it should, so that its finding nothing means
    something: dispatch, module-level, in-function and TYPE_CHECKING imports."""
    graph = render_graph()
    r = "sanctrack.render."
    assert {r + "table", r + "json", r + "svg", r + "markdown"} <= graph["sanctrack.render"]
    assert r + "cells" in graph[r + "table"]  # module level
    assert r + "timeline" in graph[r + "markdown"]  # in a function
    assert r + "formats" in graph[r + "json"]  # under TYPE_CHECKING only
    assert graph[r + "text"] == set()


def test_render_imports_flow_one_way():
    """No module of render/ reaches itself again through its imports: the package dispatches to
    the format modules, which import the reports, `cells`, `text` and `formats`, never back."""
    cycle = find_cycle(render_graph())
    assert cycle is None, " -> ".join(cycle)


# -- the rules of the layers ------------------------------------------------------------------

CORE = [
    path for path in _python_files(PACKAGE)
    if path.relative_to(PACKAGE).parts[0] not in ("cli", "render", "__main__.py")
]  # fmt: skip


def test_the_rules_see_the_core():
    names = {_module_name(path) for path in CORE}
    assert {"sanctrack.core", "sanctrack.search", "sanctrack.store.db", "sanctrack.importers.base"} <= names
    assert not any(name.startswith(("sanctrack.cli", "sanctrack.render")) for name in names)


@pytest.mark.parametrize("path", CORE, ids=_module_name)
def test_the_core_imports_neither_typer_nor_rich(path):
    imported = {name.split(".")[0] for name, _line in _imports(path)}
    assert not imported & {"typer", "click", "rich"}, _module_name(path)


@pytest.mark.parametrize(
    "path", [p for p in _python_files(PACKAGE) if "store" not in p.relative_to(PACKAGE).parts],
    ids=_module_name,
)
def test_only_the_store_speaks_sql(path):
    """Outside sanctrack/store, no connection is opened or queried; sqlite3 is named only for its
    errors (the CLI turns them into an exit code)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("execute", "executemany", "executescript", "cursor"), (path.name, node.lineno)
            if isinstance(node.value, ast.Name) and node.value.id == "sqlite3":
                assert node.attr.endswith("Error"), (path.name, node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
            assert all(alias.name.endswith("Error") for alias in node.names), (path.name, node.lineno)


@pytest.mark.parametrize("path", _python_files(PACKAGE / "cli"), ids=_module_name)
def test_the_cli_loads_no_renderer_or_rich_when_it_starts(path):
    """A command module is imported to build its command; what it draws with is imported by the
    command when it runs."""
    loaded = [(name, line) for name, line in _imports(path, module_level_only=True)
              if name.split(".")[0] == "rich" or name.startswith("sanctrack.render")]  # fmt: skip
    assert not loaded, (_module_name(path), loaded)

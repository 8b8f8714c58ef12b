"""The render layer as a library: one table of renderers, one JSON configuration (and orjson's
fast path writing the same text), one escaping policy for CSV and TSV, one extension table, a
light package import, and modules that reach for no private name of another."""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from sanctrack.errors import UsageError
from sanctrack.render import (
    EXTENSION_FORMATS, LISTING_FORMATS, RECORD_FORMATS, RENDERERS, TIMELINE_FORMATS, Output,
    emit_rows, format_for_path,
)  # fmt: skip
from sanctrack.render import json as render_json

RENDER = Path(import_module("sanctrack.render").__file__).parent
HOSTILE = "Red \x1b[31mAlert\x07 \x1b]52;c;ZXZpbA==\x07 \u202e Co\nnext"
VALUE = {"name": HOSTILE, "quote": "控制 “x” <b>&", "n": [1, 2.5, None, True], "nested": {"a": []},
         "empty": {}, "list": [], "solidus": "a/b", "line separator": "\u2028"}  # fmt: skip


def test_every_renderer_of_the_table_exists():
    for kind, formats in RENDERERS.items():
        for fmt, target in formats.items():
            module, function = target.split(".")
            assert callable(getattr(import_module(f"sanctrack.render.{module}"), function)), (kind, fmt)


def test_the_formats_of_each_command_come_from_the_table():
    assert LISTING_FORMATS == ("table", "plain", "json", "jsonl", "csv", "tsv")
    assert RECORD_FORMATS == ("table", "plain", "json", "jsonl")
    assert TIMELINE_FORMATS == ("table", "plain", "markdown", "json", "jsonl", "csv", "tsv", "svg")
    assert set(EXTENSION_FORMATS.values()) <= set(TIMELINE_FORMATS)


def test_json_layouts_of_the_one_configuration():
    from sanctrack.render.text import json_safe

    assert render_json.document(VALUE) == json_safe(json.dumps(VALUE, ensure_ascii=False, indent=2))
    assert render_json.line(VALUE) == json_safe(json.dumps(VALUE, ensure_ascii=False))
    assert render_json.compact(VALUE) == json_safe(json.dumps(VALUE, ensure_ascii=False, separators=(",", ":")))
    # The same values; U+202E and U+2028 written as escapes, non-ASCII text kept as it is.
    assert json.loads(render_json.document(VALUE)) == VALUE
    assert "\u202e" not in render_json.line(VALUE) and "\\u202e" in render_json.line(VALUE)
    assert "控制" in render_json.line(VALUE) and "\\u2028" in render_json.compact(VALUE)


def test_orjson_writes_the_same_text_as_the_standard_encoder():
    for value in (VALUE, [VALUE, VALUE], {"left": {}, "only_left": []}, []):
        fast, slow = io.StringIO(), io.StringIO()
        render_json.write_document(value, fast, large=True)
        render_json.write_document(value, slow)
        assert fast.getvalue() == slow.getvalue()
    fast, slow = io.StringIO(), io.StringIO()
    render_json.write_compact_lines_fast([VALUE, {"part": "both"}], fast)
    render_json.write_lines([VALUE, {"part": "both"}], slow, render_json.compact)
    assert fast.getvalue() == slow.getvalue()


def test_a_json_array_streams_one_item_a_line_and_keeps_encoded_items():
    stream = io.StringIO()
    render_json.write_array(iter([{"a": 1}, '{"b":2}']), stream)
    assert stream.getvalue() == '[\n  {"a": 1},\n  {"b":2}\n]\n'
    empty = io.StringIO()
    render_json.write_array(iter([]), empty)
    assert empty.getvalue() == "[]\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain"])
def test_rows_show_control_characters_as_escapes(fmt):
    stream = io.StringIO()
    emit_rows([{"name": HOSTILE, "n": 1}], ("name", "n"), Output(fmt, False, stream))
    text = stream.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[31mAlert\\x07 \\x1b]52;c;ZXZpbA==\\x07 \\u202e Co\\nnext" in text
    if fmt != "plain":
        rows = list(csv.reader(io.StringIO(text), dialect="excel-tab" if fmt == "tsv" else "excel"))
        assert rows[0] == ["name", "n"] and rows[1][1] == "1"


def test_json_keeps_data_verbatim():
    stream = io.StringIO()
    emit_rows([{"name": HOSTILE}], ("name",), Output("json", False, stream))
    assert json.loads(stream.getvalue()) == [{"name": HOSTILE}]


@pytest.mark.parametrize(
    "path, fmt",
    [("x.json", "json"), ("x.JSONL", "jsonl"), ("x.ndjson", "jsonl"), ("x.csv", "csv"), ("x.tsv", "tsv"),
     ("x.txt", "plain"), ("x.md", "markdown"), ("x.markdown", "markdown"), ("x.svg", "svg")],
)  # fmt: skip
def test_one_table_of_extensions(path, fmt):
    assert format_for_path(path, None, TIMELINE_FORMATS) == fmt
    if fmt in LISTING_FORMATS:
        assert format_for_path(path, None, LISTING_FORMATS) == fmt
    else:
        with pytest.raises(UsageError, match="cannot tell the format"):
            format_for_path(path, None, LISTING_FORMATS)
    assert format_for_path("x.xyz", None, TIMELINE_FORMATS, fallback="plain") == "plain"
    assert format_for_path(path, "csv", LISTING_FORMATS) == "csv"  # --format wins


def test_importing_render_loads_no_format_module_rich_or_orjson():
    probe = "import sys, sanctrack.render; print(sorted(m for m in sys.modules if m.startswith(('rich', 'orjson', 'sanctrack.render'))))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert eval(loaded) == sorted([
        "sanctrack.render", "sanctrack.render.formats", "sanctrack.render.reports",
        "sanctrack.render.text",
    ])  # fmt: skip


def test_no_render_module_imports_a_private_name_or_rich_at_module_level():
    for path in sorted(RENDER.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not [a.name for a in node.names if a.name.startswith("_")], (path.name, node.lineno)
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.split(".")[0] in ("rich", "orjson") for n in names), path.name

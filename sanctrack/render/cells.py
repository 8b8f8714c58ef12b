"""A value as the text of one cell, the same in every format that writes cells: a table, plain
lines, CSV and TSV. An object is one line of JSON, in the item layout of `json`.
"""

from __future__ import annotations

from typing import Any


def cell(value: Any) -> str:
    """A value as the text of one cell: nothing for None, lists joined with '; ', objects as JSON.
    (Not yet made visible: a table keeps newlines, the other formats do not.)"""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        from .json import line  # loaded by the few reports that hold objects

        return line(value)
    return str(value)

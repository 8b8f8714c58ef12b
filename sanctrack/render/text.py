"""Text from data made safe to show, and the lines sanctrack writes on stderr.

Text that came from data is never read as Rich markup or as a terminal escape: each control or
format character (Unicode Cc/Cf: ESC, BEL, C1 bytes, bidi overrides…) is shown as a visible escape
such as `\\x1b`. Every format but JSON writes data through `visible()`; JSON keeps it verbatim.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf")


def visible(text: Any, keep_newlines: bool = False) -> str:
    """`text` with every control and format character shown as an escape such as `\\x1b`."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(
        char if (keep_newlines and char == "\n") or not _is_invisible(char) else _escape_char(char)
        for char in text
    )


def message(text: str) -> None:
    """An informational line on stderr; names and paths inside it are shown as inert text."""
    sys.stderr.write(visible(text) + "\n")


def error_line(text: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {visible(text)}\n")
    if hint:
        sys.stderr.write(f"Hint: {visible(hint)}\n")

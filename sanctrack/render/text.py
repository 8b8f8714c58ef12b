"""Text from data made safe to show, and the lines sanctrack writes on stderr.

Text that came from data is never read as Rich markup or as a terminal escape: each control or
format character and each line or paragraph separator (Unicode Cc/Cf/Zl/Zp: ESC, BEL, DEL, C1
bytes such as U+009B, bidi overrides, U+2028/U+2029…) is shown as a visible escape such as `\\x1b`.
Every text format writes data through `visible()`; CSV and TSV through `render.csv.escape_cell`
(the same escapes, reversibly); JSON through `json_safe` (the same characters as `\\uXXXX`, so the
document stays valid and its values unchanged).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Any

_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def visible(text: Any, keep_newlines: bool = False) -> str:
    """`text` with every control and format character shown as an escape such as `\\x1b`."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # the common case, decided in C
        return text
    return "".join(
        char if (keep_newlines and char == "\n") or not is_invisible(char) else escape_char(char)
        for char in text
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # above the BMP: a surrogate pair, as JSON writes it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# Every character of Unicode categories Cc, Cf, Zl and Zp but the newline (and a few unassigned
# neighbours), as one regular-expression class, so that a document of megabytes is searched in C;
# tests/test_hostile.py checks that it covers the categories of the running Python. Compiled at
# first use: its compilation alone costs a lookup ~5 ms, and most documents never need it.
@lru_cache(maxsize=1)
def raw_in_json() -> re.Pattern:
    return re.compile(
        "[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
        "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
        "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
    )


def json_safe(text: str) -> str:
    """JSON text with every control, format and separator character that is still raw in it (DEL,
    C1 such as U+009B, U+202E, U+2028…: JSON encoders leave them) written as `\\uXXXX`. Such a
    character can only stand inside a string (JSON's own layout uses newlines and spaces), so the
    result is valid JSON with the same values, and shows nothing but text on a terminal."""
    if text.isprintable():  # the common case of a line, decided in C
        return text
    # A whole document has newlines, which are not "printable": every character of the class is,
    # so a document printable but for its newlines holds none (15 MB: 0.08 s, the search 0.27 s).
    if text.replace("\n", "").isprintable():
        return text
    return raw_in_json().sub(lambda m: _json_escape(m.group()), text)


def message(text: str) -> None:
    """An informational line on stderr; names and paths inside it are shown as inert text."""
    sys.stderr.write(visible(text) + "\n")


def error_line(text: str, hint: str | None = None) -> None:
    sys.stderr.write(f"Error: {visible(text)}\n")
    if hint:
        sys.stderr.write(f"Hint: {visible(hint)}\n")

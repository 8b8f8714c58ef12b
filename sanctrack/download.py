"""Downloading an official list: the body of an http(s) address into a temporary file, or a
FetchError saying why not (nothing is left behind).

Bounded three ways: `timeout` for each wait on the server, `max_time` for the whole download (a
server dripping a byte a second never times out a read), and `max_size` bytes (a body without end
would fill the disk). Only http and https are fetched, on every hop of a redirect.

A download is believed only when it is whole: as many bytes as the server's Content-Length
announced, and ending where its format ends (`complete_ending`: an XML list closes its root
element, a CSV does not stop inside a record, a JSON-lines file ends on a whole line). A server
that closes the connection early without a Content-Length is caught by the second check.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import FetchError, UsageError

SCHEMES = ("http", "https")
# The largest official list, OpenSanctions' sanctions collection as FtM JSON lines, is some hundreds
# of megabytes; OFAC's advanced XML about a hundred. 2 GiB is well above any of them.
DEFAULT_MAX_SIZE = 2 * 1024**3
DEFAULT_MAX_TIME = 30 * 60.0

_TAIL = 1 << 16  # the bytes read from the end of a file to find how it ends

def check_address(address: str) -> str:
    """The scheme of an http(s) address (in any case: `HTTP://` is valid); UsageError otherwise."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        parts.port  # raises ValueError for a port that is not a number
    except ValueError as err:
        raise UsageError(f"cannot fetch {address!r}: not a valid address ({err})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        raise UsageError(f"cannot fetch {address!r}: only http and https addresses are fetched")
    return scheme


def _opener():
    """urllib's opener whose redirects go to http and https only (its own also follows ftp)."""
    import urllib.request

    class HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            try:
                check_address(newurl)
            except UsageError:
                raise FetchError(
                    f"cannot fetch {req.full_url}: it redirects to {newurl!r}, which is not an"
                    " http or https address"
                ) from None
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(HttpOnlyRedirects)


def _size(count: int) -> str:
    return f"{count / 1024**2:.0f} MiB" if count >= 1024**2 else f"{count} bytes"


def download(
    address: str, timeout: float, folder: Path, name: str, fmt: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE, max_time: float = DEFAULT_MAX_TIME,
) -> Path:  # fmt: skip
    """The body of `address` in a new temporary file in `folder` (the caller removes it); `name`
    (the source's) appears in the file's name and in errors. `fmt`, the list format expected,
    is only named in errors: the file's ending is judged by what the file is."""
    import http.client
    import tempfile
    import time
    import urllib.error
    import urllib.request

    check_address(address)
    request = urllib.request.Request(address, headers={"User-Agent": "sanctrack"})
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max_time
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".fetch-{name}-", delete=False)
    try:
        with handle, _opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_size:
                raise FetchError(
                    f"cannot fetch {name}: {address} is {_size(int(declared))}, more than the"
                    f" {_size(max_size)} allowed",
                    hint="raise the limit with --max-size if the list really is that large",
                )
            written = 0
            while True:
                # read1: what one receive brings, so that the deadline is looked at as data drips.
                chunk = response.read1(1 << 20)
                if not chunk:
                    break
                written += len(chunk)
                if written > max_size:
                    raise FetchError(
                        f"cannot fetch {name}: {address} sent more than the {_size(max_size)} allowed",
                        hint="raise the limit with --max-size if the list really is that large",
                    )
                handle.write(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"cannot fetch {name}: {address} took longer than the {max_time:g} s"
                        f" allowed ({_size(written)} received)",
                        hint="raise the limit with --max-time, or download the file and use"
                        " 'sanctrack import'",
                    )
        if declared is not None and declared.strip().isdigit() and int(declared) != written:
            raise FetchError(
                f"cannot fetch {name}: the download from {address} was cut short ({written:,} of "
                f"{int(declared):,} bytes announced); nothing was stored",
                hint="try again later",
            )
        problem = complete_ending(Path(handle.name))
        if problem is not None:
            raise FetchError(
                f"cannot fetch {name}: the download from {address} is not whole: {problem}; "
                "nothing was stored",
                hint="try again later, or download the file and check it",
            )
    except urllib.error.HTTPError as err:
        os.unlink(handle.name)
        raise FetchError(f"cannot fetch {name}: {address} answered {err.code} {err.reason}") from None
    except http.client.IncompleteRead as err:
        os.unlink(handle.name)
        raise FetchError(
            f"cannot fetch {name}: the download from {address} was cut short ({len(err.partial):,} "
            f"bytes, {err.expected:,} more announced); nothing was stored",
            hint="try again later",
        ) from None
    except FetchError:
        os.unlink(handle.name)
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError, ValueError) as err:
        os.unlink(handle.name)
        reason = getattr(err, "reason", None) or err
        raise FetchError(
            f"cannot fetch {name} from {address}: {reason}",
            hint="check the network connection, or download the file and use 'sanctrack import'",
        ) from None
    except BaseException:
        os.unlink(handle.name)
        raise
    return Path(handle.name)


# -- does a file end where its format ends? ------------------------------------------------------

_XML_CLOSING = re.compile(rb"</\s*(?:[\w.\-]+:)?([\w.\-]+)\s*>\Z")
_TRAILING = b" \t\r\n\x1a\x00"  # whitespace, and the DOS end-of-file byte OFAC's CSVs end with


def complete_ending(path: Path) -> str | None:
    """None when the file ends as a whole file of its kind does, else what is wrong with its end.
    The kind is read from the file: XML (its root element must be closed), JSON lines (the last
    line must be whole JSON), else CSV (no open quote, and a last record as wide as the header)."""
    from .importers.base import xml_root_name

    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    with open(path, "rb") as f:
        head = f.read(4096)
        f.seek(max(0, size - _TAIL))
        tail = f.read().rstrip(_TRAILING)
    root = xml_root_name(head)
    if root is not None:
        closing = _XML_CLOSING.search(tail)
        if closing is None or closing.group(1).decode("ascii", "replace") != root:
            return f"the XML does not end with its root element's closing tag </{root}>"
        return None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _json_ending(path, tail)
    return _csv_ending(path)


def _json_ending(path: Path, tail: bytes) -> str | None:
    import json

    last_line = tail.rsplit(b"\n", 1)[-1]
    try:
        json.loads(last_line)
        return None
    except ValueError:
        pass
    if path.stat().st_size <= 1 << 24:  # one JSON document (an index such as delta.json)
        try:
            with open(path, "rb") as f:
                json.load(f)
            return None
        except ValueError:
            pass
    return "its last line is not whole JSON"


def _csv_ending(path: Path) -> str | None:
    """A CSV cut short ends inside a quoted field, or with a record narrower than the records
    it began with (the middle width of the first three: a preamble line may stand above the
    header, and a header may carry a stray extra column)."""
    import csv
    import io

    widths: list[int] = []
    last = 0
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="latin-1", newline="")  # quotes and commas are ASCII
        quotes = 0
        for block in iter(lambda: text.read(1 << 20), ""):
            quotes += block.count('"')
        if quotes % 2:
            return "it ends inside a quoted field (a CSV cut mid-record)"
        text.seek(0)
        try:
            for row in csv.reader(text):
                if not row or row == ["\x1a"]:
                    continue
                if len(widths) < 3:
                    widths.append(len(row))
                last = len(row)
        except csv.Error as err:
            return f"it is not whole CSV ({err})"
    width = sorted(widths)[1] if len(widths) == 3 else max(widths, default=0)
    if last < width:
        return f"its last record has {last} fields where its records have {width} (a CSV cut mid-record)"
    return None

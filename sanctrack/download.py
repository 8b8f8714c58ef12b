"""Downloading an official list: the body of an http(s) address into a temporary file, or a
FetchError saying why not (nothing is left behind).

Bounded three ways: `timeout` for each wait on the server, `max_time` for the whole download (a
server dripping a byte a second never times out a read), and `max_size` bytes (a body without end
would fill the disk). Only http and https are fetched, on every hop of a redirect.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import FetchError, UsageError

SCHEMES = ("http", "https")
# The largest official list, OpenSanctions' sanctions collection as FtM JSON lines, is some hundreds
# of megabytes; OFAC's advanced XML about a hundred. 2 GiB is well above any of them.
DEFAULT_MAX_SIZE = 2 * 1024**3
DEFAULT_MAX_TIME = 30 * 60.0


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
    address: str, timeout: float, folder: Path, name: str,
    max_size: int = DEFAULT_MAX_SIZE, max_time: float = DEFAULT_MAX_TIME,
) -> Path:  # fmt: skip
    """The body of `address` in a new temporary file in `folder` (the caller removes it); `name`
    (the source's) appears in the file's name and in errors."""
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
            if declared and declared.isdigit() and int(declared) > max_size:
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
    except urllib.error.HTTPError as err:
        os.unlink(handle.name)
        raise FetchError(f"cannot fetch {name}: {address} answered {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as err:
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

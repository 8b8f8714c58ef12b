"""Downloading an official list: the body of an http(s) address into a temporary file, or a
FetchError saying why not (nothing is left behind)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import FetchError


def download(address: str, timeout: float, folder: Path, name: str) -> Path:
    """The body of `address` in a new temporary file in `folder` (the caller removes it); `name`
    (the source's) appears in the file's name and in errors."""
    import shutil
    import tempfile
    import urllib.error
    import urllib.request

    if not address.startswith(("https://", "http://")):
        raise FetchError(f"cannot fetch {address!r}: only http and https addresses are fetched")
    request = urllib.request.Request(address, headers={"User-Agent": "sanctrack"})
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".fetch-{name}-", delete=False)
    try:
        with handle, urllib.request.urlopen(request, timeout=timeout) as response:
            shutil.copyfileobj(response, handle, 1 << 20)
    except urllib.error.HTTPError as err:
        os.unlink(handle.name)
        raise FetchError(f"cannot fetch {name}: {address} answered {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as err:
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

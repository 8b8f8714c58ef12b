"""Output files written whole or not at all (`--output FILE`)."""

from __future__ import annotations

import os
import stat

from ..errors import UsageError
from ..paths import file_kind


def check_output_path(path) -> None:
    """Refuse (exit 2) an output path that exists and is not a regular file: renaming a file over
    a device, a FIFO or a symbolic link (`/proc/self/fd/1` is one) would replace it, and a
    temporary file beside a device (in /dev) has no business there. A new path is fine."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"cannot write {path}: it is {file_kind(mode)}, not a regular file",
            hint="give the path of a regular file or of a new one (or - for stdout)",
        )


class atomic_file:
    """A text file written whole or not at all: a temporary file beside it, renamed on success.

    `typer.Exit` (a command's chosen exit code, such as 1 for no hits) still keeps the file."""

    def __init__(self, path):
        from pathlib import Path

        self.path = Path(path)
        check_output_path(self.path)
        folder = self.path.parent
        if not folder.is_dir():
            raise UsageError(f"cannot write {path}: there is no folder {folder}")
        import tempfile

        try:
            self.handle = tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=folder, prefix=f".{self.path.name}.", delete=False,
                newline="",
            )
        except OSError as err:
            raise UsageError(f"cannot write {path}: {err.strerror}") from None
        # A temporary file is private (0600); the file it becomes gets the usual mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.handle.name, 0o666 & ~umask)

    def __enter__(self):
        return self.handle

    def __exit__(self, kind, value, tb) -> None:
        self.handle.close()
        from typer import Exit

        if kind is None or issubclass(kind, Exit):
            try:
                check_output_path(self.path)  # again: it may have been replaced meanwhile
            except UsageError:
                os.unlink(self.handle.name)
                raise
            try:
                os.replace(self.handle.name, self.path)
            except OSError as err:
                os.unlink(self.handle.name)
                raise UsageError(f"cannot write {self.path}: {err.strerror}") from None
        else:
            os.unlink(self.handle.name)

"""Output files written whole or not at all (`--output FILE`)."""

from __future__ import annotations

import os

from ..errors import UsageError


class atomic_file:
    """A text file written whole or not at all: a temporary file beside it, renamed on success.

    `typer.Exit` (a command's chosen exit code, such as 1 for no hits) still keeps the file."""

    def __init__(self, path):
        from pathlib import Path

        self.path = Path(path)
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
                os.replace(self.handle.name, self.path)
            except OSError as err:
                os.unlink(self.handle.name)
                raise UsageError(f"cannot write {self.path}: {err.strerror}") from None
        else:
            os.unlink(self.handle.name)

"""What a path on disk is, in words: shared by the output files (`render.files`) and the store
(`store.db`), which both accept only regular files."""

from __future__ import annotations

import stat

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
)  # fmt: skip


def file_kind(mode: int) -> str:
    """What a file of `mode` (from `os.lstat` or `os.fstat`) is: "a character device"…"""
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")

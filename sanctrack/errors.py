"""The domain errors of sanctrack, each carrying its exit code and an optional hint.

The CLI catches `SanctrackError` in exactly one place and turns it into one `Error: …` line on
stderr and the exit code below; nothing else in the package prints errors or chooses exit codes.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1  # nothing found (search, check, show) or differences (diff --exit-code)
    USAGE = 2  # bad usage or a bad value: unknown option, unparseable date, unknown id
    BAD_DATA = 3  # a malformed import file, a damaged or too-new store; nothing written
    BUG = 70  # an unexpected error: a bug in sanctrack (sysexits' EX_SOFTWARE)
    INTERRUPTED = 130
    CLOSED_PIPE = 141  # the reader went away (`| head -1`): 128 + SIGPIPE, as git and coreutils


class SanctrackError(Exception):
    """Base of every error a user can cause; `str(err)` is the message, `hint` an optional advice."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(SanctrackError):
    """A bad option or value given on the command line."""

    exit_code = ExitCode.USAGE


class DateError(UsageError):
    """A date that cannot be read, or that is ambiguous or impossible."""


class UnknownIdError(UsageError):
    """No record has this id, or a prefix matches several records."""


class NotFound(SanctrackError):
    """A lookup that legitimately found nothing (exit 1, not a failure of the user)."""

    exit_code = ExitCode.NOT_FOUND


class BadDataError(SanctrackError):
    """Malformed input data (an import file); nothing was written."""

    exit_code = ExitCode.BAD_DATA


class StoreError(SanctrackError):
    """The store cannot be used: not SQLite, damaged, another program's, or newer than this code."""

    exit_code = ExitCode.BAD_DATA


class FetchError(SanctrackError):
    """A list could not be downloaded (offline, refused, not found); nothing was written."""

    exit_code = ExitCode.BAD_DATA


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is so that it unwinds as Ctrl-C does: the open
    transaction rolled back, temporary and partial files removed, one line said."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

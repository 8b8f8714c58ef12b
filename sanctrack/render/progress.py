"""A progress counter on stderr for long work (imports of whole lists)."""

from __future__ import annotations

import sys

from .text import visible


class progress_counter:
    """A count of items done, drawn on stderr only when it is a terminal and the work has taken
    over a second; nothing at all when piped. Use as a context manager; call it with the count."""

    def __init__(self, label: str):
        self.label = label
        self._started = None
        self._progress = None
        self._task = None

    def __enter__(self):
        import time

        self._started = time.monotonic()
        return self if sys.stderr.isatty() else None

    def __call__(self, done: int) -> None:
        import time

        if self._progress is None:
            if time.monotonic() - self._started < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"),
                TextColumn("{task.completed:,} entries"), TimeElapsedColumn(),
                console=Console(file=sys.stderr), transient=True,
            )  # fmt: skip
            self._progress.start()
            self._task = self._progress.add_task(visible(self.label), total=None)
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

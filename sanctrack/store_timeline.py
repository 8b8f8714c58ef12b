"""The timeline's queries: part of the store (the only code that speaks SQL), mixed into `Store`."""

from __future__ import annotations


class TimelineQueries:
    """SQL for `sanctrack timeline`; methods use `self.conn` and `self._rows` of `Store`."""

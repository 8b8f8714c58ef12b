"""The store: the only code that speaks SQL."""

from .db import RecordFilter, Store, default_path, resolve_id

__all__ = ["RecordFilter", "Store", "default_path", "resolve_id"]

"""`sanctrack timeline`: registered on the main app (see the end of cli.py)."""

from __future__ import annotations

"""Python's cyclic garbage collector set aside for work that keeps what it makes.

An import or a diff holds hundreds of thousands of lists, dicts and tuples until it ends and makes
no garbage cycles: the collector would walk them again and again and find next to nothing (27
full passes and 4-12 s of CPU in the 200,000-event import; ~0.3 s of a first SDN list import; a
third of a diff of two jurisdictions). The command line's own start-up and exit are handled in
cli/__init__.py (collection off while modules load, then frozen)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collection_paused(freeze_kept: bool = False) -> Iterator[None]:
    """The collector off for the block, then as it was: a caller that had it off keeps it off.
    `freeze_kept`: what outlives the block (caches kept for the process) is frozen out of later
    collections, or the first one after it walks them all once more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze_kept:
                gc.freeze()
            gc.enable()

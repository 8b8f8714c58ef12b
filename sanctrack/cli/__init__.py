"""The command line: parse options, call the library, hand the result to a renderer.

`app` holds the root command and the lazy map of commands; `common` the options and helpers every
command shares; one module per family of commands (records, lookup, timeline, diff, lists,
interchange, interop). Nothing here computes or speaks SQL.
"""

import gc


def main() -> None:
    """The console script `sanctrack` (and `python -m sanctrack`).

    Python's cyclic garbage collector would scan the tens of thousands of objects that start-up
    creates (Typer, Click, the command's modules) again and again while they load, and once more
    at exit: ~10 ms of a lookup of ~120. They live until the process ends, so collection is off
    while they load and they are frozen out of every later collection; what the command itself
    creates is collected as usual.
    """
    gc.disable()
    from .app import main as run

    gc.freeze()
    gc.enable()
    try:
        run()
    finally:
        gc.freeze()  # the command's objects too: exit frees them without a last full collection


__all__ = ["main"]

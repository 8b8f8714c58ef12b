"""The command line: parse options, call the library, hand the result to a renderer.

`app` holds the root command and the lazy map of commands; `common` the options and helpers every
command shares; one module per family of commands (records, lookup, timeline, diff, lists,
interchange, interop). Nothing here computes or speaks SQL.
"""

from .app import main

__all__ = ["main"]

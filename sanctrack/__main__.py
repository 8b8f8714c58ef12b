"""`python -m sanctrack`: the same as the `sanctrack` command."""

from .cli import main

main()

"""sanctrack: a command-line tracker of sanctions events and the official responses to them."""

__version__ = "0.1.0"

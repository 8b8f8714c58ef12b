"""Click's public names that Typer does not re-export (`ShellComplete`, `ClickException`).

Typer 0.26 and later vendor Click under a private package name, so `import click` would reach a
different Click from the one running the commands: the package is read off a public Typer class.
"""

import importlib

import typer


def click_module(name: str):
    """The module `name` (`shell_completion`, `exceptions`…) of the Click that Typer runs on."""
    package = typer.BadParameter.__module__.rpartition(".")[0]
    return importlib.import_module(f"{package}.{name}")

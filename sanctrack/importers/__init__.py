"""Importers of official sanctions lists, one module per list family, all `ListImporter`s.

`IMPORTER_CLASSES` lists them in detection order (more specific first). Modules are imported only
when an import or a diff of a list file runs, never by lookups.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Iterator

from ..errors import UsageError
from .base import ListImporter, ListRead, Listing

# (module, class) pairs; each module is imported on first use.
IMPORTER_CLASSES: list[tuple[str, str]] = [
    # -- OFAC --
    (".ofac_advanced", "OfacAdvancedImporter"),
    (".ofac_xml", "OfacXmlImporter"),
    (".ofac_csv", "OfacCsvImporter"),
    # -- UK, EU, UN, US CSL, OpenSanctions --
    (".uk", "UkXmlImporter"),
    (".uk", "UkCsvImporter"),
    (".uk", "UkOfsiCsvImporter"),
    (".eu", "EuXmlImporter"),
    (".un", "UnXmlImporter"),
    (".us_csl", "UsCslImporter"),
    (".ftm", "FtmImporter"),
]


# The modules whose importers read a folder (a file set: sdn.csv with add.csv, alt.csv…). Every
# other importer detects a file by its first bytes, which a folder has none of, so for a folder
# they are not even imported (the two OFAC XML readers: ~5 ms of each OFAC CSV import).
FOLDER_READERS = frozenset({".ofac_csv"})


def importers() -> list[ListImporter]:
    return list(_each_importer())


def _each_importer(modules: frozenset[str] | None = None) -> Iterator[ListImporter]:
    """The importers in detection order (of `modules` only, when given), each module imported
    when its turn comes: detecting an OFAC CSV set does not import the UK, EU, UN, CSL and FtM
    readers (~8 ms)."""
    for module, cls in IMPORTER_CLASSES:
        if modules is None or module in modules:
            yield getattr(import_module(module, __name__), cls)()


def list_formats() -> list[str]:
    return [importer.format for importer in importers()]


def importer_for(path: Path, fmt: str | None = None) -> ListImporter | None:
    """The importer of a list file or folder: the one named by `fmt`, else the first that detects
    it; None when no importer knows it (the caller may then try sanctrack's own format)."""
    if fmt is not None:
        for importer in _each_importer():
            if importer.format == fmt:
                return importer
        raise UsageError(f"unknown list format {fmt!r}", hint=f"use one of: {', '.join(list_formats())}")
    head = b""
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(4096)
    for importer in _each_importer(FOLDER_READERS if path.is_dir() else None):
        if importer.detect(path, head):
            return importer
    return None


__all__ = ["ListImporter", "ListRead", "Listing", "importer_for", "importers", "list_formats"]

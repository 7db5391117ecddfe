"""The sheet readers' names as they were before each shape got its own module (see `csr.importers.registry`).

Kept so that code importing from `csr.importers.sheets` keeps working.
"""

from __future__ import annotations

from csr.importers.header import Context, Header, context_from_rows, find_header
from csr.importers.long import _parse_long
from csr.importers.placements import _parse_placements
from csr.importers.registry import READERS, parse_sheet
from csr.importers.resolve import Resolver
from csr.importers.sheetdata import MAX_FINDINGS_PER_KIND, SheetData, show
from csr.importers.wide import _parse_wide

__all__ = [
    "MAX_FINDINGS_PER_KIND",
    "READERS",
    "Context",
    "Header",
    "Resolver",
    "SheetData",
    "_parse_long",
    "_parse_placements",
    "_parse_wide",
    "context_from_rows",
    "find_header",
    "parse_sheet",
    "show",
]

"""Statistikbanken (Danmarks Statistik): the CSV its API and web export give.

UTF-8 with BOM, CRLF, `;`, capital headers (`OMRÅDE;ANSÆTTELSESFORHOLD;TID;INDHOLD`), areas as code and
name ("580 Aabenraa", "000 Hele landet", "084 Region Syddanmark"), `TID` like 2022M02, `INDHOLD` the value
and ".." for confidential. It is a long table; what is particular is that the value column is `INDHOLD`,
that the scheme's column is headed by what the table counts (found by its cells), and that extra
dimensions ("KØN") are read at their total (see `csr.importers.dimensions`).
"""

from __future__ import annotations

from csr.config import Config
from csr.importers.header import Header
from csr.importers.long import _read_long
from csr.importers.sheetdata import Reader
from csr.names import normalize


def _is_statistikbanken(rows: list[list], header: Header, config: Config) -> bool:
    head = {normalize(c) for c in rows[header.row] if isinstance(c, str)}
    return "indhold" in head and "tid" in head and not header.periods and not header.placement


READER = Reader("Statistikbanken", _is_statistikbanken, _read_long)

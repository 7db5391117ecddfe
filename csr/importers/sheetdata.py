"""What one sheet yields (canonical columns, placements, findings) and how a cell is shown in messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from csr.config import Config
from csr.model import Finding

if TYPE_CHECKING:
    from csr.importers.header import Context, Header

MAX_FINDINGS_PER_KIND = 10

_COLS = ("municipality", "code", "year", "period", "index", "scheme", "value", "row", "column")


@dataclass
class SheetData:
    """What one sheet yielded: canonical columns, placement rows, findings and a summary."""

    file: str
    sheet: str
    config: Config
    shape: str = ""
    columns: dict[str, list] = field(default_factory=lambda: {k: [] for k in _COLS})
    frames: list[pd.DataFrame] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _counts: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(
        self, code: int, name: str, year: int, kind: str, index: int, scheme: str, value: float, row: int, column: str
    ) -> None:
        c = self.columns
        c["municipality"].append(name)
        c["code"].append(code)
        c["year"].append(year)
        c["period"].append(kind)
        c["index"].append(index)
        c["scheme"].append(scheme)
        c["value"].append(value)
        c["row"].append(row)
        c["column"].append(column)

    def finding(
        self, severity: str, kind: str, message: str, row: int | None = None, column: str = "", value: object = ""
    ) -> None:
        """Record a finding; after MAX_FINDINGS_PER_KIND of one kind, only count them."""
        n = self._counts.get(kind, (severity, 0))[1] + 1
        self._counts[kind] = (severity, n)
        if n <= MAX_FINDINGS_PER_KIND:
            self.findings.append(Finding(severity, message, self.file, self.sheet, row, column, show(value)))

    def more(self, severity: str, kind: str, count: int) -> None:
        """Count `count` further findings of a kind without spelling them out."""
        if count > 0:
            self._counts[kind] = (severity, self._counts.get(kind, (severity, 0))[1] + count)

    def close_counts(self) -> None:
        for kind, (severity, n) in self._counts.items():
            if n > MAX_FINDINGS_PER_KIND:
                self.findings.append(
                    Finding(
                        severity,
                        f"{kind}: {n - MAX_FINDINGS_PER_KIND} tilfælde mere i arket ud over de "
                        f"{MAX_FINDINGS_PER_KIND} ovenfor.",
                        self.file,
                        self.sheet,
                    )
                )

    def frame(self) -> pd.DataFrame:
        parts = list(self.frames)
        if self.columns["value"]:
            parts.append(pd.DataFrame(self.columns))
        if not parts:
            return pd.DataFrame({k: [] for k in _COLS})
        df = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        df["file"] = self.file
        df["sheet"] = self.sheet
        return df


def show(value: object) -> str:
    """A cell as the person saw it: numbers with a decimal comma, dates as dates, text as it is."""
    if isinstance(value, np.generic):  # numpy scalars as plain Python ones: never "np.float64(...)" in a message
        value = value.item()
    if value is None:
        return ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
        return text.replace(".", ",")
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class Reader:
    """One table shape: whether it takes a table with this header, and the function that reads it.

    `read(rows, header, ctx, sheet, row_offset, col_offset)` adds the table's rows and findings to `sheet`
    and returns the index of the first row after the table.
    """

    shape: str  # as the preview names it ("lang tabel", "periode i kolonner", ...)
    accepts: Callable[[list[list], Header, Config], bool]
    read: Callable[[list[list], Header, Context, SheetData, int, int], int]

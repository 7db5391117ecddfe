"""The canonical tables every importer produces and every computation starts from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# One row per municipality, period, scheme (or headcount) and value, with its provenance.
#   period: "M" month (index 1-12), "Q" quarter (index 1-4), "Y" whole year (index 0)
CANONICAL_COLUMNS = (
    "municipality",
    "code",
    "year",
    "period",
    "index",
    "scheme",
    "value",
    "file",
    "sheet",
    "row",
    "column",
)
PLACEMENT_COLUMNS = ("year", "education", "agreed", "realised", "file", "sheet", "row")

ERROR = "fejl"
WARNING = "advarsel"
NOTE = "note"


def empty_canonical() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": pd.Series(dtype="str"),
            "code": pd.Series(dtype="int32"),
            "year": pd.Series(dtype="int32"),
            "period": pd.Series(dtype="str"),
            "index": pd.Series(dtype="int8"),
            "scheme": pd.Series(dtype="str"),
            "value": pd.Series(dtype="float64"),
            "file": pd.Series(dtype="str"),
            "sheet": pd.Series(dtype="str"),
            "row": pd.Series(dtype="int32"),
            "column": pd.Series(dtype="str"),
        }
    )


def empty_placements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": pd.Series(dtype="int32"),
            "education": pd.Series(dtype="str"),
            "agreed": pd.Series(dtype="float64"),
            "realised": pd.Series(dtype="float64"),
            "file": pd.Series(dtype="str"),
            "sheet": pd.Series(dtype="str"),
            "row": pd.Series(dtype="int32"),
        }
    )


@dataclass(frozen=True)
class Finding:
    """One error, warning or note about an upload, in Danish, pointing at the cell."""

    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    year: int | None = None  # the year the finding is about, when it is about one (a report of one year)

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"fil {self.file}")
        if self.sheet:
            parts.append(f"ark '{self.sheet}'")
        if self.row is not None:
            parts.append(f"række {self.row}")
        if self.column:
            parts.append(f"kolonne {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where[:1].upper() + where[1:]}: {self.message}" if where else self.message


@dataclass(frozen=True)
class SheetSummary:
    """What was recognised in one sheet: shape, municipalities, periods, schemes, rows."""

    file: str
    sheet: str
    shape: str
    rows: int
    municipalities: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    first_period: str = ""
    last_period: str = ""


@dataclass
class ImportResult:
    """The canonical data from one or more uploads, with every finding along the way."""

    data: pd.DataFrame = field(default_factory=empty_canonical)
    placements: pd.DataFrame = field(default_factory=empty_placements)
    findings: list[Finding] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == NOTE]

    @property
    def ok(self) -> bool:
        return not self.errors


class InputError(Exception):
    """An upload that cannot be used; carries the Danish findings that say what to fix."""

    def __init__(self, findings: list[Finding] | Finding | str):
        if isinstance(findings, str):
            findings = [Finding(ERROR, findings)]
        elif isinstance(findings, Finding):
            findings = [findings]
        self.findings = list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))

"""Placement obligations: year, education, agreed and realised places."""

from __future__ import annotations

from csr.importers.cells import (
    column_letter,
    is_blank,
    is_footnote,
    parse_period,
)
from csr.importers.header import Context, Header, _classify_header
from csr.importers.resolve import _value
from csr.importers.sheetdata import Reader, SheetData, show
from csr.model import ERROR

# ---- placement obligations ----------------------------------------------------------------------


def _parse_placements(
    rows: list[list], header: Header, ctx: Context, sheet: SheetData, row_offset: int, col_offset: int
) -> int:
    p = header.placement
    year_value: int | None = None
    for i in range(header.row + 1, len(rows)):
        row = rows[i]
        excel_row = row_offset + i + 1

        def cell(role: str, row: list = row) -> object:
            j = p.get(role)
            return row[j] if j is not None and j < len(row) else None

        education = cell("education")
        if all(is_blank(c) for c in row):
            continue
        first = next(c for c in row if not is_blank(c))
        if isinstance(first, str) and is_footnote(first) and is_blank(cell("agreed")):
            return i
        if _classify_header(row, sheet.config) is not None:
            return i
        if is_blank(education):
            continue
        year_cell = cell("year")
        if not is_blank(year_cell):
            year = parse_period(year_cell)
            if year is None:
                sheet.finding(
                    ERROR,
                    "År kan ikke læses",
                    f"År kan ikke læses: '{show(year_cell)}'. Skriv året som fx 2024.",
                    excel_row,
                    column_letter(col_offset + p["year"]),
                    year_cell,
                )
                continue
            year_value = year[0]  # a blank year cell below repeats this one
        if year_value is None:
            sheet.finding(
                ERROR,
                "År mangler",
                "År mangler: rækken har ingen kolonne 'År' med året. Skriv året som fx 2024.",
                excel_row,
            )
            continue
        values = {}
        for role in ("agreed", "realised"):
            values[role] = (
                None if role not in p else _value(sheet, cell(role), excel_row, column_letter(col_offset + p[role]))
            )
        sheet.placements.append(
            {
                "year": year_value,
                "education": str(education).strip(),
                "agreed": values["agreed"],
                "realised": values["realised"],
                "file": sheet.file,
                "sheet": sheet.sheet,
                "row": excel_row,
            }
        )
    return len(rows)


READER = Reader("praktikpladser", lambda rows, header, config: bool(header.placement), _parse_placements)

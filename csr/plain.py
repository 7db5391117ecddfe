"""Text from a file is data: the one place that makes it safe for a chart and for a workbook cell.

A control character in an education name ("Elev\\x01", from an xlsx cell `Elev_x0001_`) makes vl-convert
panic (SIGABRT, the whole process dies) and openpyxl refuse the cell (IllegalCharacterError); a text that
starts with "=" is written by openpyxl as a formula, "#N/A" as an error cell. `plain` removes what no
chart or workbook can hold; `plain_spec` applies it to every string of a Vega-Lite spec; `set_cell` and
`row_cells` write a value so that text stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.worksheet.worksheet import Worksheet

# C0 controls except tab, line feed and carriage return (Vega-Lite breaks label lines at "\n"), DEL, C1
# controls, lone surrogates (not encodable as UTF-8) and Unicode's noncharacters (not allowed in XML,
# which the SVG and the workbook are).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
EXCEL_MAX_TEXT = 32_767  # characters in one cell


def plain(text: str) -> str:
    """The text without control characters, lone surrogates and noncharacters."""
    return _UNSAFE.sub("", text)


def plain_spec(spec: Any) -> Any:
    """A copy of a Vega-Lite spec (dicts, lists, scalars) with `plain` applied to every string, keys too."""
    if isinstance(spec, str):
        return _UNSAFE.sub("", spec)
    if isinstance(spec, dict):
        return {plain_spec(k) if isinstance(k, str) else k: plain_spec(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [plain_spec(v) for v in spec]
    return spec


def set_cell(cell: Cell, value: Any) -> Cell:
    """Write `value` to an openpyxl cell; a string is cleaned (`plain`) and always stored as text, never
    as a formula ("=1+1") or an error value ("#N/A"). Other values are written as openpyxl writes them."""
    if isinstance(value, str):
        cell.value = plain(value)[:EXCEL_MAX_TEXT]
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def row_cells(ws: Worksheet, values: Iterable[Any]) -> list[Any]:
    """A row for `ws.append` (normal or write-only sheet) that keeps text as text: strings cleaned
    (`plain`), those openpyxl would take for a formula or an error value as text cells (`set_cell`), the
    rest as they are (NaN as an empty cell). Ordinary strings stay strings, so a million rows stay fast."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            if _UNSAFE.search(value):
                value = plain(value)
            row.append(
                set_cell(Cell(ws, row=1, column=1), value) if value[:1] == "=" or value in ERROR_CODES else value
            )
        elif isinstance(value, float) and value != value:
            row.append(None)
        else:
            row.append(value)
    return row

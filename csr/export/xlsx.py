"""The pack as an Excel workbook (openpyxl): the report's tables, one sheet each, and the charts.

Numbers stay numbers: a share is written as a fraction with a percent format ("0.0 %"; two decimals
where one would hide a status), persons with one decimal; Excel shows them with the reader's decimal
comma. Every table sheet has bold Danish headers in row 1, frozen. Text stays text (`csr.plain`): a
name from a file that starts with "=" or reads "#N/A" is never a formula or an error cell.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from csr.export.content import COUNT, PCT, PERSONS, PP, TEXTUAL, YEAR, Gap, Pack, Share, Table
from csr.export.images import Png
from csr.plain import row_cells, set_cell
from csr.store import danish_time

HEADER_FONT = Font(bold=True, color="004C81")
HEADER_FILL = PatternFill("solid", fgColor="EAF0F6")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
FORMATS = {PERSONS: "#,##0.0", COUNT: "#,##0", PP: '+0.0" pp";-0.0" pp";0.0" pp"', YEAR: "0"}
IMAGE_WIDTH_PX = 760  # the widest a chart is shown in the sheet (the PNG keeps its print resolution)
ROW_PX = 20  # Excel's default row height in pixels


def percent_format(decimals: int) -> str:
    """ "0.0 %": a fraction shown in percent, with a space before the sign as Danish writes it."""
    return ("0." + "0" * decimals if decimals else "0") + " %"


def pp_format(decimals: int) -> str:
    """ "+0.0 pp": a signed gap in percentage points."""
    digits = "0." + "0" * decimals if decimals else "0"
    return f'+{digits}" pp";-{digits}" pp";{digits}" pp"'


def _header(ws: Worksheet, headers: list[str], widths: list[float]) -> None:
    ws.append(row_cells(ws, headers))
    for i, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _table_sheet(wb: Workbook, table: Table) -> Worksheet:
    ws = wb.create_sheet(table.sheet[:31])
    widths = []
    for i, column in enumerate(table.columns):
        longest = max([len(column.header) * 0.8, *(len(str(r[i])) for r in table.rows if isinstance(r[i], str))])
        widths.append(min(60.0, max(11.0, longest + 2)))
    _header(ws, [c.header for c in table.columns], widths)
    for r, row in enumerate(table.rows, start=2):
        for c, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Share):
                if value.value is not None:
                    cell.value = float(value.value) / 100.0
                    cell.number_format = percent_format(value.decimals())
            elif isinstance(value, Gap):
                cell.value = value.value
                cell.number_format = pp_format(value.decimals())
            elif value is not None:
                set_cell(cell, value)
                if column.kind in FORMATS:
                    cell.number_format = FORMATS[column.kind]
                elif column.kind == PCT and not isinstance(value, str):  # a plain number in a percent column
                    cell.value = float(value) / 100.0
                    cell.number_format = percent_format(1)
            if column.kind in TEXTUAL:
                cell.alignment = WRAP
            if (r - 2) in table.bold_rows:
                cell.font = BOLD
    if table.note:
        set_cell(ws.cell(row=len(table.rows) + 3, column=1), table.note)
    return ws


def _text_sheet(wb: Workbook, name: str, rows: list[tuple[str, str]], first: str = "Emne") -> Worksheet:
    ws = wb.create_sheet(name)
    _header(ws, [first, "Tekst"], [34.0, 120.0])
    for label, body in rows:
        ws.append(row_cells(ws, [label, body]))
        ws.cell(row=ws.max_row, column=2).alignment = WRAP
        ws.cell(row=ws.max_row, column=1).alignment = WRAP
    return ws


def _figures_sheet(wb: Workbook, pack: Pack, images: Mapping[str, Png]) -> None:
    ws = wb.create_sheet("Figurer")
    _header(ws, ["Figur"], [120.0])
    row = 2
    for item in pack.charts:
        png = images.get(item.name)
        if png is None:
            if item.name in pack.chart_notes:  # e.g. a chart that could not be drawn, and why
                set_cell(ws.cell(row=row, column=1), item.title).font = BOLD
                set_cell(ws.cell(row=row + 1, column=1), pack.chart_notes[item.name]).alignment = WRAP
                row += 3
            continue
        set_cell(ws.cell(row=row, column=1), item.title).font = BOLD
        set_cell(ws.cell(row=row + 1, column=1), item.caption).alignment = WRAP
        image = Image(io.BytesIO(png.data))
        width_mm, height_mm = png.natural_mm
        scale = min(1.0, IMAGE_WIDTH_PX / (width_mm / 25.4 * 96))
        image.width, image.height = round(width_mm / 25.4 * 96 * scale), round(height_mm / 25.4 * 96 * scale)
        ws.add_image(image, f"A{row + 2}")
        row += 3 + int(image.height // ROW_PX) + 2


def xlsx_bytes(pack: Pack, images: Mapping[str, Png]) -> bytes:
    """The pack as an .xlsx workbook: Oversigt, the tables, Metode and Figurer."""
    wb = Workbook()
    for sheet in list(wb.worksheets):  # the empty default sheet
        wb.remove(sheet)
    overview = [
        ("Kommune", pack.organisation),
        ("Strategi", pack.strategy),
        ("År", str(pack.year)),
        ("Tal", "Foreløbige" if pack.provisional else "Endelige"),
        ("Data", pack.provenance.version_text()),
        ("Lavet", danish_time(pack.generated)),
    ]
    if pack.provenance.sample:
        overview.append(("Bemærk", "Eksempeldata: ikke HR's egne tal."))
    overview += [("Året kort", s) for s in (*pack.summary, *pack.notes)]
    overview += [(t.name, t.sentence) for t in pack.targets]
    _text_sheet(wb, "Oversigt", overview, first="Felt")
    for table in pack.tables.values():
        _table_sheet(wb, table)
    if pack.outlook is not None:
        if pack.outlook.plan.rows:
            _table_sheet(wb, pack.outlook.plan)
        _table_sheet(wb, pack.outlook.targets)
    method = [("Metode", p) for p in pack.method] + [("Fil", line) for line in pack.sources]
    _text_sheet(wb, "Metode", method)
    _figures_sheet(wb, pack, images)
    wb.properties.title = f"{pack.title}: {pack.strategy}"
    wb.properties.creator = f"{pack.organisation}, HR"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

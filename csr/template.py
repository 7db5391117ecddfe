"""The project's own upload template: a long table of counts and a table of placement obligations."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csr.config import Config
from csr.plain import row_cells

DATA_HEADER = ("Kommune", "Måned", "Ordning", "Antal")
PLACEMENT_HEADER = ("År", "Uddannelse", "Aftalt", "Realiseret")


def _instructions(config: Config) -> list[str]:
    months = ", ".join(str(m) for m in config.measurement_months)
    lines = [
        f"Skabelon til {config.name} – {config.organisation}",
        "",
        "Sådan udfyldes arket 'Data' (én række pr. kommune, måned og ordning):",
        "• Kommune: kommunens navn (fx Aabenraa) eller KRL-kode (fx 580).",
        "• Måned: fx 2024-02, 2024M02, feb 2024 eller en Excel-dato. Et helt år skrives som 2024.",
        f"• Ordning: et af navnene nedenfor, eller '{config.headcount_name}' / 'Ansatte i alt' for antallet "
        "af månedslønnede ansatte.",
        "• Antal: antal personer (virksomhedspraktik: fuldtidspersoner). Decimalkomma er tilladt.",
        f"Årsgennemsnittet beregnes af målemånederne ({months}); mangler en måned, er året foreløbigt.",
        "Lad en celle stå tom, hvis tallet ikke kendes – skriv aldrig 0 for et ukendt tal.",
        "",
        "Arket 'Praktikpladser': én række pr. år og uddannelse med aftalt (dimensioneret) og realiseret "
        "(besat) antal pladser.",
        "",
        "Ordninger (navn – kategori):",
    ]
    for s in config.schemes:
        lines.append(f"• {s.name} – {config.categories[s.category]}")
    lines += ["", "Kommuner i sammenligningen: " + ", ".join([config.home_name, *config.neighbour_names]) + "."]
    return lines


def write_template(config: Config, path: str | Path | None = None) -> bytes:
    """The template workbook as bytes (and written to `path` when given)."""
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet, and it is active
    ws.title = "Data"
    ws.append(row_cells(ws, DATA_HEADER))
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for col, width in zip("ABCD", (18, 12, 48, 10)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    wp = wb.create_sheet("Praktikpladser")
    wp.append(row_cells(wp, PLACEMENT_HEADER))
    for cell in wp[1]:
        cell.font, cell.fill = bold, fill
    for col, width in zip("ABCD", (8, 40, 10, 12)):
        wp.column_dimensions[col].width = width
    wp.freeze_panes = "A2"

    wv = wb.create_sheet("Vejledning")
    wv.column_dimensions["A"].width = 110
    for line in _instructions(config):
        wv.append(row_cells(wv, [line]))  # the configuration's names are text, whatever they start with
        wv.cell(wv.max_row, 1).alignment = Alignment(wrap_text=True)
    wv["A1"].font = Font(bold=True, size=14)

    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data

"""The ordered registry of readers: from a sheet's cells to canonical rows, whatever the shape.

A sheet is a list of rows of cells (None, str, float, int, bool, date). `parse_sheet` finds each table's
header row, reads the title lines above it, and hands the table to the first reader in `READERS` that
accepts its header. Adding a shape means one module with a reader, its test file and one line here.
Title rows above a header and footnotes below are allowed; a sheet with no table is reported.
"""

from __future__ import annotations

from csr.config import Config
from csr.importers import jobindsats_api, long, person_list, placements, statistikbanken, wide
from csr.importers.cells import (
    is_blank,
    is_footnote,
    parse_number,
)
from csr.importers.header import HEADER_SCAN_ROWS, Context, Header, context_from_rows, find_header
from csr.importers.resolve import looks_like_cpr
from csr.importers.sheetdata import Reader, SheetData, show
from csr.model import ERROR, NOTE, WARNING

# In order: the first reader that accepts a table's header reads it.
READERS: tuple[Reader, ...] = (
    placements.READER,
    wide.READER,
    jobindsats_api.READER,
    statistikbanken.READER,
    long.SCHEME_COLUMNS,
    long.READER,
)


def reader_for(rows: list[list], header: Header, config: Config) -> Reader:
    """The first reader in READERS that accepts the table (the long reader accepts any)."""
    return next(r for r in READERS if r.accepts(rows, header, config))


def parse_sheet(
    rows: list[list], file: str, sheet_name: str, config: Config, row_offset: int = 0, col_offset: int = 0
) -> SheetData:
    """Read every table in one sheet into canonical rows and findings.

    `sheet_name` is "" for a CSV file (it has no sheets); offsets are where `rows[0][0]` sits.
    """
    sheet = SheetData(file, sheet_name, config)
    if _read_person_list(rows, sheet, row_offset, col_offset):
        return sheet
    shapes: list[str] = []
    start = 0
    base = Context()
    while start < len(rows):
        header = find_header(rows, start, config)
        if header is None:
            break
        ctx = context_from_rows(rows[start : header.row], config, base, row_offset + start + 1)
        if not shapes:
            base = ctx
        reader = reader_for(rows, header, config)
        end = reader.read(rows, header, ctx, sheet, row_offset, col_offset)
        shapes.append(reader.shape)
        start = max(end, header.row + 1)
    if not shapes:
        _no_table(rows, sheet, sheet_name)
    else:
        _unread_rows(rows, start, sheet, row_offset)
    sheet.shape = ", ".join(dict.fromkeys(shapes))
    sheet.close_counts()
    return sheet


def _read_person_list(rows: list[list], sheet: SheetData, row_offset: int, col_offset: int) -> bool:
    """A whole sheet that is an HR person list, counted per month (identifiers never kept), or a sheet of
    CPR numbers under headers no reader knows, refused: either way no table reader sees it."""
    layout = person_list.detect_person_list(rows, sheet.config)
    if layout is not None:
        person_list.read_person_list(rows, layout, sheet, row_offset, col_offset)
        sheet.shape = person_list.SHAPE
    if layout is not None or person_list.refuse_person_numbers(rows, sheet, row_offset, col_offset):
        sheet.close_counts()
        return True
    return False


def _numeric_cells(rows: list[list]) -> int:
    return sum(isinstance(parse_number(c), float) for r in rows for c in r if not is_blank(c))


# What the readers take, for the message about a file none of them recognises.
SUPPORTED_SHAPES = (
    "projektets skabelon (Kommune, Måned, Ordning, Antal)",
    "KRL-udtræk med ordninger ned ad rækkerne og måneder hen over kolonnerne",
    "jobindsats.dk som Excel eller CSV (Område, Periode, Antal fuldtidspersoner)",
    "jobindsats.dk's API som JSON eller CSV (Area, Periode, Tilbud)",
    "Statistikbanken som CSV (OMRÅDE, TID, INDHOLD)",
    "personlister fra HR (Medarbejdernr., Startdato, Slutdato)",
    "praktikpladser (År, Uddannelse, Aftalt, Realiseret)",
)


def supported_shapes() -> str:
    """One Danish sentence listing the shapes the readers take."""
    return "Filer i disse former kan læses: " + "; ".join(SUPPORTED_SHAPES[:-1]) + " og " + SUPPORTED_SHAPES[-1] + "."


def columns_found(rows: list[list]) -> str:
    """The first line with two or more texts, as "'A', 'B' og 'C'" (a CPR-like value never shown), or ""."""
    for row in rows[:HEADER_SCAN_ROWS]:
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if len(texts) >= 2:
            shown = [
                "en værdi, der ligner et personnummer" if looks_like_cpr(c) else f"'{show(c)[:40]}'" for c in texts[:8]
            ]
            more = f" og {len(texts) - 8} flere" if len(texts) > 8 else ""
            return (", ".join(shown[:-1]) + " og " + shown[-1] if not more else ", ".join(shown)) + more
    return ""


def _no_table(rows: list[list], sheet: SheetData, sheet_name: str) -> None:
    head = rows[:200]
    found = columns_found(head)
    columns = f" Kolonnerne er {found}." if found else ""
    if not sheet_name:  # a CSV or JSON file: one error for the file
        if any(not is_blank(c) for r in head for c in r):
            sheet.finding(
                ERROR,
                "Ingen genkendelig tabel",
                f"Ingen brugbar tabel: filen har ingen overskriftsrække, der kan genkendes.{columns} "
                f"{supported_shapes()}",
            )
        return
    if _numeric_cells(head):
        sheet.finding(
            WARNING,
            "Ark uden genkendelig tabel",
            f"Arket '{sheet_name}' har tal, men ingen overskriftsrække, der kan genkendes (fx Kommune, "
            f"Måned, Ordning, Antal eller måneder hen over kolonnerne), og er sprunget over.{columns}",
        )
    elif any(not is_blank(c) for r in head for c in r):
        sheet.finding(
            NOTE, "Ark uden tabel", f"Arket '{sheet_name}' indeholder ingen tabel med tal og er sprunget over."
        )


def _unread_rows(rows: list[list], start: int, sheet: SheetData, row_offset: int) -> None:
    """Numbers below the last table that no table took in: say so rather than drop them silently."""
    if start >= len(rows) or len(rows) - start > 10_000:
        return
    numbered = [
        i
        for i in range(start, len(rows))
        if _numeric_cells([rows[i]]) and not any(isinstance(c, str) and is_footnote(c) for c in rows[i][:1])
    ]
    if numbered:
        first, last = row_offset + numbered[0] + 1, row_offset + numbered[-1] + 1
        where = f"række {first}" if first == last else f"rækkerne {first}-{last}"
        sheet.finding(
            WARNING,
            "Rækker ikke læst",
            f"Rækker ikke læst: {where} har tal, men hører ikke til en tabel med en overskriftsrække. "
            "Giv dem en overskrift som tabellen ovenfor, eller fjern dem.",
            first,
        )

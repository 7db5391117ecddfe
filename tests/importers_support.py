"""Helpers for the importer tests: write small workbooks and CSV files in memory, import them, look.

Every file is written by the test itself: openpyxl for .xlsx (with real Excel date cells), xlwt for
old .xls, plain bytes for CSV.
"""

from __future__ import annotations

import datetime as dt
import io

import xlwt
from openpyxl import Workbook

from csr.config import default_config
from csr.importers import import_uploads
from csr.model import ImportResult

CONFIG = default_config()
HOME = 580
ESBJERG, HADERSLEV, KOLDING, SONDERBORG, TONDER, VEJEN = 561, 510, 621, 540, 550, 575

Rows = list[list[object]]


def xlsx(*sheets: tuple[str, Rows]) -> bytes:
    """A workbook with the given sheets; datetime/date cells become real Excel date cells."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.datetime | dt.date):
                    cell.number_format = "mmm yyyy"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xls(*sheets: tuple[str, Rows]) -> bytes:
    """An old-style .xls workbook (BIFF8, written by xlwt); dates become Excel date cells."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="mmm yyyy")
    for title, rows in sheets:
        ws = book.add_sheet(title)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write(i, j, dt.datetime(value.year, value.month, value.day), date_style)
                else:
                    ws.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(rows: Rows, sep: str = ";", encoding: str = "utf-8-sig", newline: str = "\r\n") -> bytes:
    """Rows of text joined the way Excel writes a Danish CSV (no quoting unless a cell needs it)."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            if sep in text or '"' in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(sep.join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def load(*files: tuple[str, bytes], config=CONFIG, isolate: bool = True) -> ImportResult:
    """Import uploads the way the app does: checked, then parsed in the guarded child process."""
    return import_uploads(list(files), config, isolate=isolate)


def values(result: ImportResult) -> dict[tuple, float]:
    """(code, year, period, index, scheme) -> value of every canonical row."""
    d = result.data
    keys = zip(d["code"], d["year"], d["period"], d["index"], d["scheme"], strict=True)
    out = {}
    for key, value in zip(keys, d["value"], strict=True):
        k = (int(key[0]), int(key[1]), str(key[2]), int(key[3]), str(key[4]))
        assert k not in out, f"key twice: {k}"
        out[k] = float(value)
    return out


def month(code: int, year: int, m: int, scheme: str) -> tuple:
    return (code, year, "M", m, scheme)


def messages(result: ImportResult, severity: str | None = None) -> list[str]:
    return [f.message for f in result.findings if severity is None or f.severity == severity]


def one(result: ImportResult, severity: str, starts: str):
    """The single finding of a severity whose message starts with `starts`."""
    hits = [f for f in result.findings if f.severity == severity and f.message.startswith(starts)]
    assert len(hits) == 1, f"expected one {severity} starting {starts!r}, got {result.findings}"
    return hits[0]


def big_xlsx(sheet: str, rows: Rows) -> bytes:
    """A one-sheet workbook written as raw sheet XML, for tests with 100,000+ rows (openpyxl needs ~10 s).

    Cells: str as inline strings, int/float as numbers, date/datetime as Excel serial numbers with a
    built-in date format (real Excel date cells).
    """
    import zipfile
    from xml.sax.saxutils import escape

    from csr.importers.cells import column_letter

    epoch = dt.date(1899, 12, 30)

    def cell(ref: str, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    letters = [column_letter(j) for j in range(max(len(r) for r in rows))]
    body = "".join(
        f'<row r="{i}">' + "".join(cell(f"{letters[j]}{i}", v) for j, v in enumerate(row)) + "</row>"
        for i, row in enumerate(rows, start=1)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        z.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><fonts count="1"><font><sz val="11"/>'
            '<name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/>'
            '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1">'
            '<xf/></cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>",
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}>'
            f'<dimension ref="A1:{letters[-1]}{len(rows)}"/><sheetData>{body}</sheetData></worksheet>',
        )
    return buffer.getvalue()

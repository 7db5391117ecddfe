"""What the Data page shows about uploads, the store's history and its downloads, in Danish.

Plain functions from the importer's and the store's results to sentences, tables and .xlsx bytes;
the page (app_pages/data.py) only places them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import pandas as pd

from csr import text
from csr.config import HEADCOUNT, Config
from csr.fmt import scheme_label
from csr.importers.cells import format_period
from csr.importers.safety import LIMITS, MB
from csr.model import Finding, ImportResult, SheetSummary
from csr.store import HISTORY_LABELS, UndoPreview, danish_time
from ui.safe import md_escape

TYPES = ["xlsx", "xls", "csv", "json"]
MAX_UPLOAD_MB = LIMITS.max_bytes // MB  # also server.maxUploadSize in .streamlit/config.toml
MAX_FINDINGS_SHOWN = 30
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_000_000  # rows per sheet in a download (Excel stops at 1,048,576)

SHEET_HEADERS = ["Fil", "Ark", "Genkendt som", "Rækker", "Kommuner", "Første periode", "Sidste periode", "Ordninger"]
DATA_HEADERS = {
    "municipality": "Kommune",
    "code": "Kommunekode",
    "year": "År",
    "period": "Periode",
    "scheme": "Ordning",
    "value": "Antal",
    "file": "Fil",
    "sheet": "Ark",
    "row": "Række",
    "column": "Kolonne",
}
PLACEMENT_HEADERS = {
    "year": "År",
    "education": "Uddannelse",
    "agreed": "Aftalt",
    "realised": "Realiseret",
    "file": "Fil",
    "sheet": "Ark",
    "row": "Række",
}
CHANGE_HEADERS = {
    "municipality": "Kommune",
    "period": "Periode",
    "scheme": "Ordning",
    "value": "Nu",
    "value_after": "Efter fortrydelsen",
    "from_batch": "Fra import nr.",
}


def escape(value: object) -> str:
    """Text from a file shown literally in Markdown (a name with * or $ stays a name): `ui.safe.md_escape`."""
    return md_escape(value)


def uploads_from(files: Iterable) -> tuple[tuple[str, bytes], ...]:
    """Streamlit's UploadedFile objects as (name, bytes), the names cleaned once here (`upload_name`)."""
    from csr.importers import upload_name

    return tuple((upload_name(f.name), f.getvalue()) for f in files)


def scheme_name(config: Config, scheme: str) -> str:
    """A scheme as a table cell names it (`csr.fmt.scheme_label`)."""
    return scheme_label(scheme, config)


def _names(items: Sequence[str], most: int = 7) -> str:
    if len(items) <= most:
        return ", ".join(items)
    return f"{', '.join(items[: most - 1])} og {len(items) - most + 1} andre"


def sheet_table(uploads: Sequence[tuple[str, bytes]], sheets: Sequence[SheetSummary], config: Config) -> pd.DataFrame:
    """One row per recognised sheet (and per file in which nothing was recognised)."""
    rows = []
    for name, _ in uploads:
        found = [s for s in sheets if s.file == name]
        for s in found:
            rows.append(
                [
                    s.file,
                    s.sheet or "–",
                    s.shape,
                    text.number(s.rows),
                    _names(list(s.municipalities)) or "–",
                    s.first_period or "–",
                    s.last_period or "–",
                    ", ".join(scheme_name(config, sid) for sid in s.schemes) or "–",
                ]
            )
        if not found:
            rows.append([name, "–", "intet genkendt", "0", "–", "–", "–", "–"])
    return pd.DataFrame(rows, columns=SHEET_HEADERS)


def import_sentence(uploads: Sequence[tuple[str, bytes]], result: ImportResult, config: Config) -> str:
    """What the files hold, in one sentence: numbers, municipalities, periods, schemes, placements."""
    files = f"{text.number(len(uploads))} {'fil' if len(uploads) == 1 else 'filer'}"
    size = sum(len(data) for _, data in uploads)
    head = f"{files} ({_megabytes(size)}) læst"
    data = result.data
    if data.empty and result.placements.empty:
        return f"{head}: ingen tal at gemme."
    parts = []
    if not data.empty:
        municipalities = sorted(pd.unique(data["municipality"]))
        schemes = sorted(pd.unique(data["scheme"]))
        key = data["year"].astype("int64") * 64 + data["index"].astype("int64") * 4
        first, last = data.loc[key.idxmin()], data.loc[key.idxmax()]
        named = [s for s in schemes if s != HEADCOUNT]
        what = [count(len(named), "ordning", "ordninger")] if named else []
        what += ["antal ansatte"] if HEADCOUNT in schemes else []
        parts.append(
            f"{text.number(len(data))} tal for {text.number(len(municipalities))} "
            f"{'kommune' if len(municipalities) == 1 else 'kommuner'} ({_names(municipalities)}) fra "
            f"{format_period(int(first['year']), first['period'], int(first['index']))} til "
            f"{format_period(int(last['year']), last['period'], int(last['index']))}, {' og '.join(what)}"
        )
    if not result.placements.empty:
        n = len(result.placements)
        parts.append(f"{text.number(n)} {'praktikplads' if n == 1 else 'praktikpladser'}")
    return f"{head}: {', samt '.join(parts)}."


def _megabytes(size: int) -> str:
    if size < MB:
        return f"{text.number(size / 1024)} kB"
    return f"{text.number(size / MB, 1)} MB"


def finding_line(finding: Finding) -> str:
    """A finding as one Markdown bullet: where (file, sheet, row, column), what, and the value."""
    line = str(finding)
    if finding.message.startswith(f"Filen {finding.file} ") and not (finding.sheet or finding.row or finding.column):
        line = finding.message  # the sentence names the file already
    if finding.value and str(finding.value) not in finding.message:
        line += f" (værdi: {finding.value})"
    return f"- {escape(line)}"


def finding_lines(findings: Sequence[Finding], most: int = MAX_FINDINGS_SHOWN) -> str:
    lines = [finding_line(f) for f in findings[:most]]
    if len(findings) > most:
        lines.append(f"- … og {text.number(len(findings) - most)} mere")
    return "\n".join(lines)


def count(n: int, one: str, many: str) -> str:
    return f"{text.number(n)} {one if n == 1 else many}"


# ---- the history ------------------------------------------------------------------------------


def local_time(when: pd.Series) -> pd.Series:
    """UTC times as Danish local times without a zone (what Excel can hold)."""
    return when.dt.tz_convert("Europe/Copenhagen").dt.tz_localize(None)


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """`Store.history()` with Danish headers and local times, for the .xlsx download."""
    out = history.assign(created=local_time(history["created"]), undone=local_time(history["undone"]))
    return out.rename(columns=HISTORY_LABELS)


def batch_lines(batch: pd.Series) -> tuple[str, str]:
    """A history row as a heading and a line of figures."""
    who = f" af {escape(batch['who'])}" if batch["who"] else ""
    head = f"**Import nr. {batch['batch']}** · {danish_time(batch['created'].to_pydatetime())}{who}"
    figures = [count(int(batch["rows"]), "tal", "tal")]
    if batch["placements"]:
        figures.append(count(int(batch["placements"]), "praktikplads", "praktikpladser"))
    line = f"{escape(batch['files'])} · {' og '.join(figures)}"
    if batch["status"] == "aktiv":
        line += f" · {text.number(int(batch['in_force']))} gældende"
        if batch["superseded"]:
            line += f", {text.number(int(batch['superseded']))} erstattet af nyere importer"
    if batch["replaced"]:
        line += f" · erstattede {count(int(batch['replaced']), 'ældre tal', 'ældre tal')}"
    if batch["status"] != "aktiv":
        by = f" af {escape(batch['undone_by'])}" if batch["undone_by"] else ""
        line += f" · :gray[:material/undo: **fortrudt** {danish_time(batch['undone'].to_pydatetime())}{by}]"
    else:
        line += " · :green[:material/check_circle: **aktiv**]"
    return head, line


def undone_sentence(preview: UndoPreview) -> str:
    """What an undo did, after it is done."""
    parts = []
    if preview.reverted:
        parts.append(f"{count(preview.reverted, 'tal', 'tal')} er tilbage på værdien fra en tidligere import")
    if preview.removed:
        parts.append(f"{count(preview.removed, 'tal', 'tal')} er fjernet")
    done = f"Import nr. {preview.batch.id} ({preview.batch.file_names}) er fortrudt"
    return f"{done}: {' og '.join(parts)}." if parts else f"{done}; ingen gældende tal blev ændret."


def changes_table(preview: UndoPreview, config: Config, most: int = 1000) -> pd.DataFrame:
    """What an undo changes, numbers first then placements, with Danish headers (the first `most` rows)."""
    c = preview.changes.head(most)
    numbers = pd.DataFrame(
        {
            "municipality": c["municipality"],
            "period": [format_period(int(y), p, int(i)) for y, p, i in zip(c["year"], c["period"], c["index"])],
            "scheme": [scheme_name(config, s) for s in c["scheme"]],
            "value": [text.number(v, 2).rstrip("0").rstrip(",") for v in c["value"]],
            "value_after": [
                "forsvinder" if pd.isna(v) else text.number(v, 2).rstrip("0").rstrip(",") for v in c["value_after"]
            ],
            "from_batch": ["–" if pd.isna(b) else str(int(b)) for b in c["from_batch"]],
        }
    )
    p = preview.placement_changes.head(max(0, most - len(numbers)))
    places = pd.DataFrame(
        {
            "municipality": "–",
            "period": p["year"].astype(str),
            "scheme": [f"Praktikpladser: {e}" for e in p["education"]],
            "value": [
                f"{text.number(a)} aftalt, {text.number(r)} realiseret" for a, r in zip(p["agreed"], p["realised"])
            ],
            "value_after": [
                "forsvinder" if pd.isna(b) else f"{text.number(a)} aftalt, {text.number(r)} realiseret"
                for a, r, b in zip(p["agreed_after"], p["realised_after"], p["from_batch"])
            ],
            "from_batch": ["–" if pd.isna(b) else str(int(b)) for b in p["from_batch"]],
        }
    )
    return pd.concat([numbers, places], ignore_index=True).rename(columns=CHANGE_HEADERS)


# ---- downloads --------------------------------------------------------------------------------


def dataset_xlsx(data: pd.DataFrame, placements: pd.DataFrame, config: Config) -> bytes:
    """The data in force as a workbook: sheet "Tal" (one row per number, with its provenance; split
    over "Tal 2", "Tal 3" … beyond a million rows) and sheet "Praktikpladser"."""
    from openpyxl import Workbook

    from csr.plain import row_cells

    wb = Workbook(write_only=True)
    names = {s: scheme_name(config, s) for s in pd.unique(data["scheme"])}
    periods = {
        (y, p, i): format_period(y, p, i)
        for y, p, i in data[["year", "period", "index"]].drop_duplicates().itertuples(index=False, name=None)
    }
    columns = list(DATA_HEADERS)
    for part, start in enumerate(range(0, max(len(data), 1), EXCEL_MAX_ROWS), start=1):
        ws = wb.create_sheet("Tal" if part == 1 else f"Tal {part}")
        ws.append(list(DATA_HEADERS.values()))
        chunk = data.iloc[start : start + EXCEL_MAX_ROWS]
        shown = pd.DataFrame(
            {
                "municipality": chunk["municipality"],
                "code": chunk["code"].astype(int),
                "year": chunk["year"].astype(int),
                "period": [periods[k] for k in zip(chunk["year"], chunk["period"], chunk["index"])],
                "scheme": chunk["scheme"].map(names),
                "value": chunk["value"],
                "file": chunk["file"],
                "sheet": chunk["sheet"],
                "row": chunk["row"].astype(int),
                "column": chunk["column"],
            }
        )[columns]
        for row in shown.itertuples(index=False, name=None):
            ws.append(row_cells(ws, row))  # text as text, never a formula; NaN as an empty cell
    wp = wb.create_sheet("Praktikpladser")
    wp.append(list(PLACEMENT_HEADERS.values()))
    for row in placements[list(PLACEMENT_HEADERS)].itertuples(index=False, name=None):
        wp.append(row_cells(wp, row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

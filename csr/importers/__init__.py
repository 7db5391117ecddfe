"""Importers: every upload shape ends in the same canonical tables (see `csr.model`).

`import_uploads` is the one entry point: it checks each file's content before any parser sees it,
parses it in a guarded child process (a crafted workbook can abort python-calamine), and merges
the files with the validation that spans them (duplicates, missing measurement months).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from csr.config import HEADCOUNT, Config, default_config
from csr.importers.cells import format_period
from csr.importers.safety import LIMITS, Limits, check_upload, run_isolated
from csr.importers.sheets import parse_sheet
from csr.model import (
    CANONICAL_COLUMNS,
    ERROR,
    NOTE,
    PLACEMENT_COLUMNS,
    WARNING,
    Finding,
    ImportResult,
    InputError,
    SheetSummary,
    empty_canonical,
    empty_placements,
)

MAX_MERGE_FINDINGS = 10


# ---- reading the cells of a file -----------------------------------------------------------------

def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list]:
    text = _decode(data)
    sample = text[:20000]
    lines = [ln for ln in sample.splitlines() if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (";", "\t", ",")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ";"
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_cells(name: str, data: bytes, kind: str) -> list[tuple[str, list[list], int, int]]:
    """Every sheet as (sheet name, rows of cells, row offset, column offset)."""
    if kind == "csv":
        return [(Path(name).stem, _csv_rows(data), 0, 0)]
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for sheet_name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(sheet_name)
        rows = sheet.to_python(skip_empty_area=True)
        start = sheet.start or (0, 0)
        sheets.append((sheet_name, rows, int(start[0]), int(start[1])))
    return sheets


# ---- one file --------------------------------------------------------------------------------

def parse_upload(name: str, data: bytes, kind: str, config: Config) -> ImportResult:
    """Parse one checked file in this process (see `import_uploads` for the guarded path)."""
    try:
        sheets = read_cells(name, data, kind)
    except Exception as exc:  # calamine raises its own errors for broken content
        raise InputError(Finding(
            ERROR, f"Filen {name} kunne ikke læses som regneark ({type(exc).__name__}). Er den gemt som "
            ".xlsx, .xls eller .csv?", name)) from exc
    result = ImportResult()
    frames: list[pd.DataFrame] = []
    for sheet_name, rows, row_offset, col_offset in sheets:
        parsed = parse_sheet(rows, name, sheet_name, config, row_offset, col_offset)
        result.findings.extend(parsed.findings)
        frame = parsed.frame()
        if len(frame):
            frames.append(frame)
        result.placements = _concat_placements(result.placements, parsed.placements)
        if parsed.shape:
            result.sheets.append(_summary(name, sheet_name, parsed.shape, frame, len(parsed.placements)))
    if frames:
        result.data = _canonical(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])
    if not result.sheets:
        result.findings.append(Finding(
            ERROR, f"Ingen brugbar tabel i {name}: intet ark har en overskriftsrække med fx Kommune, "
            "Måned, Ordning og Antal eller måneder hen over kolonnerne.", name))
    return result


def _concat_placements(current: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return current
    new = pd.DataFrame(rows, columns=list(PLACEMENT_COLUMNS))
    return new if current.empty else pd.concat([current, new], ignore_index=True)


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(CANONICAL_COLUMNS)].copy()
    out["code"] = out["code"].astype("int32")
    out["year"] = out["year"].astype("int32")
    out["index"] = out["index"].astype("int8")
    out["value"] = out["value"].astype("float64")
    out["row"] = out["row"].astype("int32")
    for col in ("municipality", "period", "scheme", "file", "sheet", "column"):
        out[col] = out[col].astype("str")
    return out


def _summary(file: str, sheet: str, shape: str, frame: pd.DataFrame, placements: int) -> SheetSummary:
    if frame.empty:
        return SheetSummary(file, sheet, shape, placements)
    periods = frame[["year", "period", "index"]].drop_duplicates().sort_values(["year", "index"])
    first, last = periods.iloc[0], periods.iloc[-1]
    return SheetSummary(
        file=file, sheet=sheet, shape=shape, rows=len(frame) + placements,
        municipalities=tuple(sorted(frame["municipality"].unique())),
        schemes=tuple(sorted(frame["scheme"].unique())),
        first_period=format_period(int(first["year"]), first["period"], int(first["index"])),
        last_period=format_period(int(last["year"]), last["period"], int(last["index"])),
    )


# ---- many files ------------------------------------------------------------------------------

def import_uploads(uploads: Iterable[tuple[str, bytes]], config: Config | None = None,
                   limits: Limits = LIMITS, isolate: bool = True) -> ImportResult:
    """Check, parse and merge uploads. With any error the result holds the findings and no data."""
    config = config or default_config()
    merged = ImportResult()
    frames: list[pd.DataFrame] = []
    for name, data in uploads:
        try:
            kind = check_upload(name, data, limits)
            if isolate:
                result = run_isolated(parse_upload, name, data, kind, config, name=name, limits=limits)
            else:
                result = parse_upload(name, data, kind, config)
        except InputError as exc:
            merged.findings.extend(_with_file(f, name) for f in exc.findings)
            continue
        merged.findings.extend(result.findings)
        merged.sheets.extend(result.sheets)
        if not result.data.empty:
            frames.append(result.data)
        if not result.placements.empty:
            merged.placements = (result.placements if merged.placements.empty
                                 else pd.concat([merged.placements, result.placements], ignore_index=True))
    if frames:
        merged.data = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    merged.data = _check_duplicates(merged.data, merged.findings)
    merged.placements = _check_placement_duplicates(merged.placements, merged.findings)
    merged.findings.extend(missing_month_warnings(merged.data, config))
    if merged.errors:
        merged.data = empty_canonical()
        merged.placements = empty_placements()
    return merged


def import_files(paths: Iterable[str | Path], config: Config | None = None, **kwargs) -> ImportResult:
    """`import_uploads` over files on disk."""
    uploads = []
    for p in paths:
        path = Path(p)
        try:
            uploads.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise InputError(f"Filen {path} kan ikke åbnes: {exc.strerror or exc}.") from exc
    return import_uploads(uploads, config, **kwargs)


def _with_file(finding: Finding, name: str) -> Finding:
    if finding.file:
        return finding
    return Finding(finding.severity, finding.message, name, finding.sheet, finding.row, finding.column,
                   finding.value)


KEY = ["code", "year", "period", "index", "scheme"]


def _check_duplicates(data: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    """The same key twice: an error when the values differ, silently one row when they agree."""
    if data.empty:
        return data
    dup = data.duplicated(KEY, keep=False)
    if not dup.any():
        return data
    rows = data[dup]
    spread = rows.groupby(KEY, sort=False, observed=True)["value"].nunique()
    conflicts = spread[spread > 1]
    for n, key in enumerate(conflicts.index):
        if n >= MAX_MERGE_FINDINGS:
            findings.append(Finding(ERROR, f"{len(conflicts) - n} flere tal er angivet to gange med "
                                    "forskellige værdier."))
            break
        same = rows[(rows[KEY] == pd.Series(key, index=KEY)).all(axis=1)]
        a, b = same.iloc[0], same.iloc[1]
        findings.append(Finding(
            ERROR,
            f"Samme tal angivet to gange med forskellige værdier: {a['municipality']}, "
            f"{format_period(int(a['year']), a['period'], int(a['index']))}, {_scheme_label(a['scheme'])} er "
            f"{_num(a['value'])} her og {_num(b['value'])} i fil {b['file']}, ark '{b['sheet']}', række "
            f"{b['row']}. Ret den forkerte.",
            a["file"], a["sheet"], int(a["row"]), a["column"], _num(a["value"])))
    return data.drop_duplicates(KEY, keep="first").reset_index(drop=True)


def _check_placement_duplicates(placements: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    if placements.empty:
        return placements
    key = ["year", "education"]
    dup = placements.duplicated(key, keep=False)
    for (year, education), group in placements[dup].groupby(key):
        if len(group[["agreed", "realised"]].drop_duplicates()) > 1:
            a, b = group.iloc[0], group.iloc[1]
            findings.append(Finding(
                ERROR, f"Praktikpladser for {education} {year} er angivet to gange med forskellige tal "
                f"(også i fil {b['file']}, række {b['row']}).", a["file"], a["sheet"], int(a["row"])))
    return placements.drop_duplicates(key, keep="first").reset_index(drop=True)


def _scheme_label(scheme: str) -> str:
    return "ansatte" if scheme == HEADCOUNT else scheme


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def missing_month_warnings(data: pd.DataFrame, config: Config) -> list[Finding]:
    """A warning per municipality and year whose measurement months are incomplete."""
    if data.empty:
        return []
    measured = {s.id for s in config.schemes if s.averaging == "measurement_months"} | {HEADCOUNT}
    months = set(config.measurement_months)
    sub = data[data["scheme"].isin(measured) & (data["period"] == "M") & data["index"].isin(months)]
    yearly = data[data["scheme"].isin(measured) & (data["period"] != "M")]
    covered = set(zip(yearly["code"], yearly["year"], yearly["scheme"]))
    present = sub.groupby(["code", "year", "scheme"], observed=True)["index"].agg(lambda s: frozenset(s))
    out: list[Finding] = []
    by_year: dict[tuple[int, int], dict[frozenset, list[str]]] = {}
    for (code, year, scheme), got in present.items():
        if (code, year, scheme) in covered:
            continue
        missing = frozenset(months - set(got))
        if missing:
            by_year.setdefault((code, year), {}).setdefault(missing, []).append(scheme)
    names = {m.code: m.name for m in config.municipalities}
    from csr.importers.cells import DANISH_MONTHS

    for n, ((code, year), groups) in enumerate(sorted(by_year.items())):
        if n >= MAX_MERGE_FINDINGS:
            out.append(Finding(WARNING, f"Målemåneder mangler også for {len(by_year) - n} andre kommune-år."))
            break
        for missing, schemes in groups.items():
            month_text = ", ".join(DANISH_MONTHS[m - 1] for m in sorted(missing))
            what = _describe_schemes(schemes)
            out.append(Finding(
                WARNING, f"Målemåned mangler: {names.get(code, code)} {year} mangler {month_text} for "
                f"{what}; året beregnes af de måneder, der er, og vises som foreløbigt."))
    return out


def _describe_schemes(schemes: list[str]) -> str:
    n = len([s for s in schemes if s != HEADCOUNT])
    parts = ["ansatte"] if HEADCOUNT in schemes else []
    if n:
        parts.append("1 ordning" if n == 1 else f"{n} ordninger")
    return " og ".join(parts)


__all__ = [
    "import_uploads", "import_files", "parse_upload", "read_cells", "missing_month_warnings",
    "NOTE", "WARNING", "ERROR",
]

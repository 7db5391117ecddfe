"""Importers: every upload shape ends in the same canonical tables (see `csr.model`; the shapes are
listed in docs/regler.md §8).

`import_uploads` is the one entry point: it checks each file's content before any parser sees it,
parses it in a guarded child process (a crafted workbook can abort python-calamine; a small CSV or
JSON file is parsed in this process, see `csr.importers.safety.fits_in_server`), and merges the files
with the validation that spans them (duplicates, missing measurement months).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config, default_config
from csr.fmt import join, period_keys
from csr.importers.cells import DANISH_MONTHS, clean_name, clean_rows, csv_text_is_clean, format_period
from csr.importers.mapping import Profile, read_with_profile
from csr.importers.mapping import scheme_name as _scheme_label
from csr.importers.plausibility import check_plausibility
from csr.importers.safety import LIMITS, Limits, check_upload, fits_in_server, run_in_server, run_isolated
from csr.importers.sheets import parse_sheet, show
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
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The delimiter that splits most lines into the same number of fields (title lines aside).

    Counting characters alone fails on Danish files: decimal commas can outnumber the semicolons.
    """
    lines = [ln for ln in text[:50000].splitlines()[:200] if ln.strip()]
    best, best_score = ";", (0, 0)
    for delimiter in (";", "\t", ","):
        counts = [n for n in (len(row) - 1 for row in csv.reader(lines, delimiter=delimiter)) if n]
        if not counts:
            continue
        fields = max(set(counts), key=counts.count)
        score = (counts.count(fields), fields)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_read(data: bytes) -> tuple[list[list], bool]:
    """The rows of a CSV file, and whether their text needs no cleaning (`csv_text_is_clean`)."""
    text = _decode(data)
    delimiter = _delimiter(text)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), csv_text_is_clean(text, delimiter)


def read_cells(name: str, data: bytes, kind: str) -> list[tuple[str, list[list], int, int]]:
    """Every sheet as (sheet name, rows of cells, row offset, column offset); a CSV file is one sheet named "".

    Text is cleaned as `read_clean_cells` does (without its findings).
    """
    return read_clean_cells(name, data, kind)[0]


def read_clean_cells(name: str, data: bytes, kind: str) -> tuple[list[tuple[str, list[list], int, int]], list[Finding]]:
    """`read_cells` and the findings of cleaning its text (`csr.importers.cells.clean_rows`): the one place
    where a file's text comes in, so every reader after it sees text without control characters."""
    findings: list[Finding] = []
    if kind == "csv":
        rows, clean = _csv_read(data)
        if not clean:
            findings.extend(clean_rows(rows, name, ""))
        return [("", rows, 0, 0)], findings
    if kind == "json":
        from csr.importers.jobindsats_api import json_sheets

        json_found = json_sheets(name, data)
        for sheet_name, rows, _, _ in json_found:
            findings.extend(clean_rows(rows, name, sheet_name))
        return json_found, findings
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for number, sheet_name in enumerate(workbook.sheet_names, start=1):
        sheet = workbook.get_sheet_by_name(sheet_name)
        rows = sheet.to_python(skip_empty_area=True)
        start = sheet.start or (0, 0)
        shown, problems = clean_name(sheet_name, "Arknavnet")
        shown = shown.strip() or f"Ark {number}"
        findings.extend(_with_file(Finding(f.severity, f.message, sheet=shown), name) for f in problems)
        findings.extend(clean_rows(rows, name, shown, int(start[0]), int(start[1])))
        sheets.append((shown, rows, int(start[0]), int(start[1])))
    return sheets, findings


# ---- one file --------------------------------------------------------------------------------


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while millions of cells become Python objects.

    The cells hold no reference cycles, yet every few thousand new lists the collector would walk all
    the rows read so far; pausing it saves a tenth or more of a large import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_upload(name: str, data: bytes, kind: str, config: Config, profiles: Sequence[Profile] = ()) -> ImportResult:
    """Parse one checked file in this process (see `import_uploads` for the guarded path)."""
    with _gc_paused():
        return _parse_upload(name, data, kind, config, profiles)


def _parse_upload(name: str, data: bytes, kind: str, config: Config, profiles: Sequence[Profile] = ()) -> ImportResult:
    try:
        sheets, text_findings = read_clean_cells(name, data, kind)
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own errors for broken content
        raise InputError(
            Finding(ERROR, f"Filen {name} kunne ikke læses som regneark. Er den gemt som .xlsx, .xls eller .csv?", name)
        ) from exc
    result = _new_result(text_findings)
    frames: list[pd.DataFrame] = []
    for sheet_name, rows, row_offset, col_offset in sheets:
        parsed = (
            read_with_profile(rows, name, sheet_name, config, row_offset, col_offset, profiles) if profiles else None
        )
        parsed = parsed or parse_sheet(rows, name, sheet_name, config, row_offset, col_offset)
        result.findings.extend(parsed.findings)
        frame = parsed.frame()
        if len(frame):
            frames.append(frame)
        result.placements = _concat_placements(result.placements, parsed.placements)
        if parsed.shape:
            result.sheets.append(_summary(name, sheet_name, parsed.shape, frame, len(parsed.placements)))
    if frames:
        result.data = _canonical(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])
        result.findings.extend(outside_comparison_warning(result.data, config, name))
    if not result.sheets and not result.errors:
        from csr.importers.registry import supported_shapes

        where = "filen har ingen" if kind in ("csv", "json") else "intet ark har en"
        result.findings.append(
            Finding(
                ERROR,
                f"Ingen brugbar tabel: {where} overskriftsrække med fx Kommune, Måned, Ordning og Antal "
                f"eller måneder hen over kolonnerne. Er det den rigtige fil? {supported_shapes()}",
                name,
            )
        )
    elif result.data.empty and result.placements.empty and not result.errors:
        result.findings.append(
            Finding(
                ERROR,
                "Ingen tal at importere: tabellerne i filen er genkendt, men ingen række har et tal for en "
                "kommune. Udfyld tabellen, eller vælg den rigtige fil.",
                name,
            )
        )
    return result


_EMPTY_CANONICAL = empty_canonical()
_EMPTY_PLACEMENTS = empty_placements()


def _new_result(findings: list[Finding] | None = None) -> ImportResult:
    """An empty ImportResult: copies of empty frames made once (building them costs ~3 ms per result)."""
    return ImportResult(
        data=_EMPTY_CANONICAL.copy(), placements=_EMPTY_PLACEMENTS.copy(), findings=[] if findings is None else findings
    )


def _concat_placements(current: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return current
    new = pd.DataFrame(rows, columns=list(PLACEMENT_COLUMNS))
    return new if current.empty else pd.concat([current, new], ignore_index=True)


_CANONICAL_DTYPES = dict(empty_canonical().dtypes.items())


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns in their dtypes (a column already in its dtype is not converted again)."""
    out = frame[list(CANONICAL_COLUMNS)].copy()
    for col, dtype in _CANONICAL_DTYPES.items():
        if out[col].dtype != dtype:
            out[col] = out[col].astype(dtype)
    return out


def _summary(file: str, sheet: str, shape: str, frame: pd.DataFrame, placements: int) -> SheetSummary:
    if frame.empty:
        return SheetSummary(file, sheet, shape, placements)
    key = period_keys(frame["year"].to_numpy(), frame["period"].to_numpy(), frame["index"].to_numpy())
    first, last = key.argmin(), key.argmax()
    first, last = frame.iloc[first], frame.iloc[last]
    return SheetSummary(
        file=file,
        sheet=sheet,
        shape=shape,
        rows=len(frame) + placements,
        municipalities=tuple(sorted(pd.unique(frame["municipality"]))),
        schemes=tuple(sorted(pd.unique(frame["scheme"]))),
        first_period=format_period(int(first["year"]), first["period"], int(first["index"])),
        last_period=format_period(int(last["year"]), last["period"], int(last["index"])),
    )


# ---- many files ------------------------------------------------------------------------------


def import_uploads(
    uploads: Iterable[tuple[str, bytes]],
    config: Config | None = None,
    limits: Limits = LIMITS,
    isolate: bool = True,
    profiles: Sequence[Profile] | None = None,
) -> ImportResult:
    """Check, parse and merge uploads. With any error the result holds the findings and no data.

    `profiles` (import profiles, `csr.importers.mapping`): a sheet whose headers one of them carries is read
    with the first such profile instead of being recognised by its shape."""
    profiles = tuple(profiles or ())
    config = config or default_config()
    merged = _new_result()
    frames: list[pd.DataFrame] = []
    for name, data in uploads:
        name, problems = clean_name(name, "Filnavnet")  # the name reaches pages and exports as the cells do
        merged.findings.extend(_with_file(f, name) for f in problems)
        try:
            kind = check_upload(name, data, limits)
            if isolate and fits_in_server(kind, data, limits):  # a small CSV or JSON: no child (see there why)
                result = run_in_server(parse_upload, name, data, kind, config, profiles, name=name, limits=limits)
            elif isolate:
                result = run_isolated(parse_upload, name, data, kind, config, profiles, name=name, limits=limits)
            else:
                result = parse_upload(name, data, kind, config, profiles)
        except InputError as exc:
            merged.findings.extend(_with_file(f, name) for f in exc.findings)
            continue
        merged.findings.extend(result.findings)
        merged.sheets.extend(result.sheets)
        if not result.data.empty:
            frames.append(result.data)
        if not result.placements.empty:
            merged.placements = (
                result.placements
                if merged.placements.empty
                else pd.concat([merged.placements, result.placements], ignore_index=True)
            )
    if frames:
        merged.data = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    merged.data = _check_duplicates(merged.data, merged.findings, config)
    merged.placements = _check_placement_duplicates(merged.placements, merged.findings)
    merged.findings.extend(check_plausibility(merged.data, config))
    merged.findings.extend(missing_month_warnings(merged.data, config))
    if merged.errors:
        merged.data = _EMPTY_CANONICAL.copy()
        merged.placements = _EMPTY_PLACEMENTS.copy()
    return merged


def read_uploads(paths: Iterable[str | Path]) -> list[tuple[str, bytes]]:
    """Files on disk as (name, bytes) uploads; a file that cannot be opened raises InputError."""
    from csr.files import FileRefused, read_regular_file

    uploads = []
    for p in paths:
        path = Path(p)
        try:  # only regular files, at most the upload limit: /dev/zero or a FIFO never hangs or fills memory
            uploads.append((upload_name(path.name), read_regular_file(path, LIMITS.max_bytes)))
        except FileRefused as exc:
            raise InputError(str(exc)) from None
    return uploads


def upload_name(name: str) -> str:
    """A file's name as the app keeps it from where it comes in (the uploader, the command line): line breaks
    and tabs as spaces, control and invisible characters removed (`clean_text`), so the store, the pages and
    the downloads all name the file alike. Its length is judged by `import_uploads` ("Filnavnet er for langt")."""
    from csr.importers.cells import clean_text

    return clean_text(name)[0]


def import_files(paths: Iterable[str | Path], config: Config | None = None, **kwargs: Any) -> ImportResult:
    """`import_uploads` over files on disk."""
    return import_uploads(read_uploads(paths), config, **kwargs)


def _with_file(finding: Finding, name: str) -> Finding:
    if finding.file:
        return finding
    return Finding(
        finding.severity, finding.message, name, finding.sheet, finding.row, finding.column, finding.value, finding.year
    )


KEY = ["code", "year", "period", "index", "scheme"]


def _check_duplicates(data: pd.DataFrame, findings: list[Finding], config: Config) -> pd.DataFrame:
    """The same key twice: an error when the values differ, silently one row when they agree."""
    if data.empty:
        return data
    keys = _key(data, index=True)
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return data
    rows = data[dup]
    spread = rows.groupby(KEY, sort=False, observed=True)["value"].nunique()
    conflicts = spread[spread > 1]
    for n, key in enumerate(conflicts.index):
        if n >= MAX_MERGE_FINDINGS:
            findings.append(
                Finding(
                    ERROR,
                    f"Samme tal angivet to gange med forskellige værdier: "
                    f"{len(conflicts) - n} tilfælde mere ud over de {n} ovenfor.",
                )
            )
            break
        same = rows[(rows[KEY] == pd.Series(key, index=KEY)).all(axis=1)]
        a = same.iloc[0]
        b = same[same["value"] != a["value"]].iloc[0]
        there = f"fil {b['file']}" + (f", ark '{b['sheet']}'" if b["sheet"] else "") + f", række {b['row']}"
        findings.append(
            Finding(
                ERROR,
                f"Samme tal angivet to gange med forskellige værdier: {a['municipality']}, "
                f"{format_period(int(a['year']), a['period'], int(a['index']))}, {_scheme_label(a['scheme'], config)} "
                f"er {show(a['value'])} her, men {show(b['value'])} i {there}. Ret det forkerte tal, eller fjern "
                "den ene fil.",
                a["file"],
                a["sheet"],
                int(a["row"]),
                a["column"],
                show(a["value"]),
            )
        )
    return data[~keys.duplicated(keep="first").to_numpy()].reset_index(drop=True)


def _key(data: pd.DataFrame, index: bool) -> pd.Series:
    """One int64 per (code, year, scheme), and per period too when `index`: a fast key to group on."""
    scheme = pd.factorize(data["scheme"])[0].astype(np.int64)
    key = (data["code"].to_numpy(np.int64) * 4096 + data["year"].to_numpy(np.int64)) * 1024 + scheme
    if index:
        kind = pd.factorize(data["period"])[0].astype(np.int64)
        key = (key * 4 + kind) * 16 + data["index"].to_numpy(np.int64)
    return pd.Series(key, index=data.index)


def _check_placement_duplicates(placements: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    if placements.empty:
        return placements
    key = ["year", "education"]
    dup = placements.duplicated(key, keep=False)
    for (year, education), group in placements[dup].groupby(key):
        if len(group[["agreed", "realised"]].drop_duplicates()) > 1:
            a, b = group.iloc[0], group.iloc[1]
            there = f"fil {b['file']}" + (f", ark '{b['sheet']}'" if b["sheet"] else "") + f", række {b['row']}"
            findings.append(
                Finding(
                    ERROR,
                    f"Praktikpladser for {education} {year} er angivet to gange med forskellige tal (også i "
                    f"{there}). Ret det forkerte tal, eller fjern den ene række.",
                    a["file"],
                    a["sheet"],
                    int(a["row"]),
                    "",
                    education,
                )
            )
    return placements.drop_duplicates(key, keep="first").reset_index(drop=True)


OUTSIDE_NEIGHBOURS = "uden for omegnen: "  # in the warning below, after "Kommune" or "Kommuner"


def about_the_neighbours(finding: Finding) -> bool:
    """Whether `finding` is `outside_comparison_warning`'s: it speaks of the home and its neighbours, which the host's
    national data (`--municipality host`) have none of."""
    return finding.message.startswith(("Kommune " + OUTSIDE_NEIGHBOURS, "Kommuner " + OUTSIDE_NEIGHBOURS))


def outside_comparison_warning(data: pd.DataFrame, config: Config, file: str) -> list[Finding]:
    """One warning for the municipalities that are neither the home nor a neighbour (kept, not compared)."""
    if data.empty:
        return []
    inside = [config.home, *config.neighbours]
    mask = ~data["code"].isin(inside).to_numpy()
    if not mask.any():
        return []
    outside = data.loc[mask, ["code", "municipality", "sheet", "row"]]
    first = outside.drop_duplicates("code")
    names = list(first["municipality"])
    a = first.iloc[0]
    if len(names) == 1:
        what = f"Kommune {OUTSIDE_NEIGHBOURS}{names[0]} er"
    elif len(names) <= 4:
        what = f"Kommuner {OUTSIDE_NEIGHBOURS}{', '.join(names[:-1])} og {names[-1]} er"
    else:
        what = f"Kommuner {OUTSIDE_NEIGHBOURS}{', '.join(names[:3])} og {len(names) - 3} andre er"
    return [
        Finding(
            WARNING,
            f"{what} hverken {config.home_name} eller en omegnskommune; tallene gemmes og indgår kun i "
            "sammenligningen med hele landet (siden Landet).",
            file,
            a["sheet"],
            int(a["row"]),
            "",
            names[0],
        )
    ]


def missing_month_warnings(data: pd.DataFrame, config: Config) -> list[Finding]:
    """A warning per municipality and year whose measurement months are incomplete."""
    if data.empty:
        return []
    measured = {s.id for s in config.schemes if s.averaging == "measurement_months"} | {HEADCOUNT}
    months = sorted(set(config.measurement_months))
    full = sum(1 << m for m in months)
    # Integer work over the whole table at once: a group per (code, year, scheme) of the measured schemes.
    scheme_code, scheme_names = pd.factorize(data["scheme"])
    keep = np.fromiter((n in measured for n in scheme_names), bool, len(scheme_names))[scheme_code]
    rows = np.flatnonzero(keep)
    if not len(rows):
        return []
    codes = data["code"].to_numpy(np.int64)[rows]
    years = data["year"].to_numpy(np.int64)[rows]
    scheme_rows = scheme_code[rows].astype(np.int64)
    period = data["period"].to_numpy(object)[rows]
    index = data["index"].to_numpy(np.int64)[rows]
    group_code, group_key = pd.factorize((codes * 4096 + years) * 1024 + scheme_rows)
    # A quarterly value stands for the measurement month inside the quarter; a yearly one for the year.
    quarter_month = np.zeros(5, np.int64)
    for m in months:
        quarter_month[(m - 1) // 3 + 1] = m
    month = np.where(period == "M", index, np.where(period == "Q", quarter_month[np.clip(index, 0, 4)], 0))
    bit = np.where((month > 0) & (month <= 62), np.left_shift(1, np.clip(month, 0, 62)), 0) & full
    bits = np.zeros(len(group_key), np.int64)
    np.bitwise_or.at(bits, group_code, bit)
    covered = np.zeros(len(group_key), bool)
    covered[group_code[period == "Y"]] = True
    incomplete = np.flatnonzero((bits != full) & ~covered)
    if not len(incomplete):
        return []
    incomplete = incomplete[np.argsort(group_key[incomplete], kind="stable")]
    first = np.full(len(group_key), len(rows), np.int64)
    np.minimum.at(first, group_code, np.arange(len(rows)))
    at = first[incomplete]
    by_year: dict[tuple[int, int], dict[tuple[int, ...], list[str]]] = {}
    for code, year, scheme, got in zip(
        codes[at].tolist(),
        years[at].tolist(),
        scheme_names[scheme_rows[at]].tolist(),
        bits[incomplete].tolist(),
        strict=True,
    ):
        missing = tuple(m for m in months if not int(got) & (1 << m))
        by_year.setdefault((int(code), int(year)), {}).setdefault(missing, []).append(scheme)
    names = {m.code: m.name for m in config.municipalities}
    out: list[Finding] = []
    for n, ((code, year), groups) in enumerate(sorted(by_year.items())):
        if n >= MAX_MERGE_FINDINGS:
            out.append(Finding(WARNING, f"Målemåneder mangler også for {len(by_year) - n} andre kommune-år."))
            break
        for missing, schemes in groups.items():
            month_text = join([DANISH_MONTHS[m - 1] for m in missing])
            out.append(
                Finding(
                    WARNING,
                    f"Målemåned mangler: {names.get(code, code)} {year} mangler {month_text} for "
                    f"{_describe_schemes(schemes, config)}; året beregnes af de måneder, der er, og vises som foreløbigt.",
                    year=year,
                )
            )
    return out


def _describe_schemes(schemes: list[str], config: Config) -> str:
    """ "ansatte og Fleksjob", or "ansatte og 5 ordninger" when there are many."""
    names = [_scheme_label(s, config) for s in config.scheme_ids if s in schemes]
    parts = ["ansatte"] if HEADCOUNT in schemes else []
    if len(names) <= 3:
        parts += names
    else:
        parts.append(f"{len(names)} ordninger")
    return join(parts)


__all__ = [
    "import_uploads",
    "import_files",
    "read_uploads",
    "upload_name",
    "parse_upload",
    "read_cells",
    "missing_month_warnings",
    "NOTE",
    "WARNING",
    "ERROR",
]

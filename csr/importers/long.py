"""Long tables: a period column (or year and month columns), value columns, and municipality/scheme columns
or a title line naming them (the project's template, jobindsats.dk with `Periode`, Danish CSV); also one
value column per scheme ("Måned | Ansatte i alt | Fleksjob | ...").

Read column-wise: every distinct cell is parsed once and the rows are mapped with numpy, so a million-row
template costs no Python work per row.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csr.config import Config
from csr.importers.cells import (
    HIDDEN,
    MONTH_NAMES,
    column_letter,
    is_blank,
    is_footnote,
    is_moving_total,
    parse_number,
    parse_period,
)
from csr.importers.header import Context, Header, _classify_header, _find_area_column
from csr.importers.resolve import (
    HIDDEN_KIND,
    NEGATIVE_KIND,
    TEXT_KIND,
    Resolver,
    _bad_period,
    _default_municipality,
    _hidden,
    _missing_municipality,
    _missing_period,
    _missing_scheme,
    _moving_total,
    _negative,
    _only_persons,
    _text,
)
from csr.importers.sheetdata import MAX_FINDINGS_PER_KIND, Reader, SheetData, show
from csr.model import ERROR, WARNING

# ---- long tables, column-wise ------------------------------------------------------------------

_NUM, _BLANK, _HIDDEN, _TEXT, _NEG = 0, 1, 2, 3, 4
_P_OK, _P_BLANK, _P_BAD, _P_MOVING = 0, 1, 2, 3
_NO_MUN, _SKIP_MUN = -1, -2  # a row without a municipality; an aggregate or unknown one


def _column(body: list[list], j: int) -> np.ndarray:
    return np.fromiter(map(operator.itemgetter(j), body), dtype=object, count=len(body))


def _numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's value (NaN unless a number) and kind (_NUM, _BLANK, ...), each distinct cell parsed once."""
    codes, uniq = _factorize(cells)
    m = len(uniq)
    values = np.full(m + 1, np.nan)
    kinds = np.full(m + 1, _BLANK, dtype=np.int8)  # the last entry is for empty cells
    numeric = np.fromiter((type(u) is float or type(u) is int for u in uniq), dtype=bool, count=m)
    if numeric.any():
        values[:m][numeric] = uniq[numeric].astype(np.float64)
        kinds[:m][numeric] = _NUM
    for k in np.flatnonzero(~numeric):
        v = parse_number(uniq[k])
        if v is None:
            continue
        if isinstance(v, float):
            values[k], kinds[k] = v, _NUM
        else:
            kinds[k] = _HIDDEN if v == HIDDEN else _TEXT
    kinds[:m][(kinds[:m] == _NUM) & (values[:m] < 0)] = _NEG
    return values[codes], kinds[codes]


@dataclass
class _Periods:
    """Per distinct period cell: year, kind, index and state; `codes` maps rows to them (the last: empty)."""

    codes: np.ndarray
    year: np.ndarray
    kind: np.ndarray
    index: np.ndarray
    state: np.ndarray
    shown: list[str]


def _period_table(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.zeros(m + 1, np.int32),
        np.full(m + 1, "", dtype=object),
        np.zeros(m + 1, np.int8),
        np.full(m + 1, _P_BLANK, np.int8),
    )


def _periods(cells: np.ndarray) -> _Periods:
    codes, uniq = _factorize(cells)
    year, kind, index, state = _period_table(len(uniq))
    for k, u in enumerate(uniq):
        if is_blank(u):
            continue
        p = parse_period(u)
        if p is None:
            state[k] = _P_MOVING if is_moving_total(u) else _P_BAD
        else:
            year[k], kind[k], index[k] = p
            state[k] = _P_OK
    return _Periods(codes, year, kind, index, state, [show(u) for u in uniq] + [""])


def _month_number(cell: object) -> int | None:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and float(cell).is_integer():
        return int(cell) if 1 <= cell <= 12 else None
    if isinstance(cell, str):
        s = cell.strip().casefold().rstrip(".")
        if s.isdecimal():
            return int(s) if 1 <= int(s) <= 12 else None
        return MONTH_NAMES.get(s)
    return None


def _year_month_periods(years: np.ndarray, months: np.ndarray) -> _Periods:
    """Periods from an "År" column beside a "Måned" column (a month name or number, or a full period)."""
    ycodes, yuniq = _factorize(years)
    mcodes, muniq = _factorize(months)
    width = len(muniq) + 1
    codes, pairs = pd.factorize(ycodes * width + mcodes)
    year, kind, index, state = _period_table(len(pairs))
    shown = []
    for k, pair in enumerate(pairs):
        yi, mi = divmod(int(pair), width)
        y = yuniq[yi] if yi < len(yuniq) else None
        m = muniq[mi] if mi < len(muniq) else None
        shown.append(" ".join(show(c) for c in (y, m) if not is_blank(c)))
        if is_blank(m) and is_blank(y):
            continue
        full = parse_period(m) if not is_blank(m) and not isinstance(m, (int, float)) else None
        py = parse_period(y) if not is_blank(y) else None
        month = _month_number(m)
        if full is not None and full[1] != "Y":
            year[k], kind[k], index[k] = full
        elif py is not None and py[1] == "Y" and month is not None:
            year[k], kind[k], index[k] = py[0], "M", month
        else:
            state[k] = _P_BAD
            continue
        state[k] = _P_OK
    return _Periods(codes, year, kind, index, state, [*shown, ""])


def _value_columns(header: Header) -> list[tuple[int, str | None]]:
    """(column, scheme or None) for each column that holds the figures."""
    if header.scheme_cols:
        return sorted(header.scheme_cols.items())
    roles = header.roles
    for role in ("fte", "value", "persons"):
        if role in roles:
            return [(roles[role], None)]
    return []


def _long_end(
    body: list[list], has_value: np.ndarray, textish: np.ndarray, period_ok: np.ndarray, config: Config
) -> int:
    """Where the table stops: a footnote ("Kilde", "Note", "*"), or a repeated header (the rows between
    the last figures and that header are the next table's title lines)."""
    for i in np.flatnonzero(textish & ~period_ok):
        row = body[i]
        first = next((c for c in row if not is_blank(c)), None)
        if first is None:
            continue
        if isinstance(first, str) and is_footnote(first):
            return int(i)
        if _classify_header(row, config) is not None:
            data = np.flatnonzero(has_value[:i] & period_ok[:i])
            return int(data[-1]) + 1 if len(data) else int(i)
    return len(body)


def _row_findings(
    sheet: SheetData,
    mask: np.ndarray,
    report: Callable[[SheetData, int, str, object], None],
    excel_rows: np.ndarray,
    column: str,
    cells: np.ndarray,
    severity: str,
    kind: str,
) -> None:
    idx = np.flatnonzero(mask)
    for i in idx[:MAX_FINDINGS_PER_KIND]:
        report(sheet, int(excel_rows[i]), column, cells[i])
    sheet.more(severity, kind, len(idx) - MAX_FINDINGS_PER_KIND)


def _parse_long(
    rows: list[list],
    header: Header,
    ctx: Context,
    sheet: SheetData,
    row_offset: int,
    col_offset: int,
    keep: np.ndarray | None = None,
) -> int:
    """A long table; returns the index of the first row after it.

    `keep` (one flag per row below the header) leaves rows out without findings: the breakdown rows of a
    table that also has the total category (see `csr.importers.dimensions`).
    """
    config = sheet.config
    roles = header.roles
    start = header.row + 1
    body = rows[start:]
    if not body:
        return len(rows)
    value_cols = _value_columns(header)
    used = [j for j, _ in value_cols] + [roles[r] for r in ("period", "year", "municipality", "scheme") if r in roles]
    width = max(used) + 1
    if min(map(len, body)) < width:
        body = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in body]

    def letter(j: int) -> str:
        return column_letter(col_offset + j)

    # Periods: one column, or a year column beside a month column.
    if "period" in roles and "year" in roles:
        periods = _year_month_periods(_column(body, roles["year"]), _column(body, roles["period"]))
        pcol = roles["period"]
    else:
        pcol = roles["period"] if "period" in roles else roles["year"]
        periods = _periods(_column(body, pcol))
    pstate = periods.state[periods.codes]

    values = []
    for j, scheme in value_cols:
        cells = _column(body, j)
        v, kinds = _numbers(cells)
        values.append((j, scheme, cells, v, kinds))
    has_value = np.zeros(len(body), bool)
    textish = np.ones(len(body), bool)
    for *_, kinds in values:
        has_value |= kinds != _BLANK
        textish &= (kinds == _BLANK) | (kinds == _TEXT)

    end = _long_end(body, has_value, textish, pstate == _P_OK, config)
    if end == 0:
        return start
    if end < len(body):
        body = body[:end]
        pstate, has_value = pstate[:end], has_value[:end]
        periods.codes = periods.codes[:end]
        values = [(j, s, cells[:end], v[:end], kinds[:end]) for j, s, cells, v, kinds in values]
    if keep is not None:
        has_value = has_value & keep[:end]
    n = end
    excel_rows = np.arange(row_offset + start + 1, row_offset + start + 1 + n, dtype=np.int32)
    resolver = Resolver(config, sheet)

    # Municipalities: a column (blank cells repeat the name above), else the title's or the home's.
    # `mun` maps each row to an entry of `ucode`; the last entry is for rows without a name.
    if "municipality" in roles:
        mcol = roles["municipality"]
        mcodes, muniq = _factorize(_column(body, mcol))
        m = len(muniq)
        blank = np.append(np.fromiter((is_blank(u) for u in muniq), bool, m), True)
        named = np.where(blank[mcodes], np.nan, mcodes)
        mun = pd.Series(named).ffill().fillna(m).to_numpy(np.intp)
        ucode = np.full(m + 1, _NO_MUN, np.int64)
        uaggregate = np.zeros(m + 1, bool)
        for u, i in _first_rows(mun, has_value & (mun < m)):
            code = resolver.municipality(muniq[u], int(excel_rows[i]), letter(mcol))
            ucode[u] = _SKIP_MUN if code is None else code
            uaggregate[u] = code is None and config.is_aggregate(muniq[u])
        missing = has_value & (mun == m)
        if missing.any():
            if ctx.code is not None or ctx.unknown is not None:
                default = _default_municipality(ctx, sheet, config, int(excel_rows[missing.argmax()]))
                ucode[m] = _SKIP_MUN if default is None else default
            else:
                _row_findings(
                    sheet,
                    missing,
                    _missing_municipality,
                    excel_rows,
                    letter(mcol),
                    np.full(n, ""),
                    ERROR,
                    "Kommune mangler",
                )
        skip_findings = uaggregate[mun]  # aggregate areas: left out without further findings
    else:
        first_value = int(excel_rows[has_value.argmax()]) if has_value.any() else int(excel_rows[0])
        default = _default_municipality(ctx, sheet, config, first_value) if has_value.any() else None
        mun = np.zeros(n, np.intp)
        ucode = np.array([_SKIP_MUN if default is None else default], np.int64)
        skip_findings = np.zeros(n, bool)
    codes = ucode[mun]
    if keep is not None:
        skip_findings = skip_findings | ~keep[:n]  # a breakdown's rows: left out without findings

    relevant = has_value & ~skip_findings
    # Periods that cannot be read.
    pcells = np.array(periods.shown, dtype=object)[periods.codes]
    _row_findings(
        sheet,
        relevant & (pstate == _P_BLANK),
        _missing_period,
        excel_rows,
        letter(pcol),
        pcells,
        ERROR,
        "Måned mangler",
    )
    _row_findings(
        sheet,
        relevant & (pstate == _P_BAD),
        _bad_period,
        excel_rows,
        letter(pcol),
        pcells,
        ERROR,
        "Måned kan ikke læses",
    )
    for u, i in _first_rows(periods.codes, relevant & (pstate == _P_MOVING)):
        _moving_total(sheet, int(excel_rows[i]), letter(pcol), periods.shown[u])

    # Schemes: a column, a scheme per value column, or the title's. `sch` maps rows to entries of `sid`.
    if "scheme" in roles and not header.scheme_cols:
        scol = roles["scheme"]
        sch, suniq = _factorize(_column(body, scol))
        blank = np.append(np.fromiter((is_blank(u) for u in suniq), bool, len(suniq)), True)
        sid = np.full(len(suniq) + 1, None, dtype=object)
        for u, i in _first_rows(sch, relevant & ~blank[sch]):
            sid[u] = resolver.scheme(suniq[u], int(excel_rows[i]), letter(scol))
        _row_findings(
            sheet,
            relevant & blank[sch],
            _missing_scheme,
            excel_rows,
            letter(scol),
            np.full(n, ""),
            ERROR,
            "Ordning mangler",
        )
        scheme_ok = np.fromiter((x is not None for x in sid), bool, len(sid))[sch]
    elif header.scheme_cols or ctx.scheme:
        sch, sid, scheme_ok = np.zeros(n, np.intp), np.array([ctx.scheme], dtype=object), np.ones(n, bool)
    else:
        if has_value.any():
            sheet.finding(
                ERROR,
                "Ordning ikke angivet",
                "Ordning ikke angivet: tabellen har hverken en kolonne 'Ordning' eller en titel, der "
                "nævner ordningen. Tilføj en kolonne 'Ordning' med ordningens navn.",
                row_offset + header.row + 1,
            )
        return start + end

    good_rows = (pstate == _P_OK) & (codes > 0) & scheme_ok & ~skip_findings
    by_code = {m.code: m.name for m in config.municipalities}
    names = [by_code[int(c)] if c > 0 else "" for c in ucode]
    for j, scheme, cells, v, kinds in values:
        column = letter(j)
        _row_findings(sheet, ~skip_findings & (kinds == _TEXT), _text, excel_rows, column, cells, ERROR, TEXT_KIND)
        _row_findings(
            sheet, ~skip_findings & (kinds == _NEG), _negative, excel_rows, column, cells, ERROR, NEGATIVE_KIND
        )
        _row_findings(
            sheet, ~skip_findings & (kinds == _HIDDEN), _hidden, excel_rows, column, cells, WARNING, HIDDEN_KIND
        )
        ok = np.flatnonzero(good_rows & (kinds == _NUM))
        if not len(ok):
            continue
        schemes = sid if scheme is None else np.array([scheme], dtype=object)
        if (
            j == roles.get("persons")
            and not header.scheme_cols
            and (ctx.fte or "virksomhedspraktik" in set(sid[np.unique(sch[ok])]))
        ):
            _only_persons(sheet, row_offset + header.row + 1, column)
        pc = periods.codes[ok]
        sheet.frames.append(
            pd.DataFrame(
                {
                    "municipality": _strings(names, mun[ok]),
                    "code": codes[ok].astype(np.int32),
                    "year": periods.year[pc],
                    "period": _strings(periods.kind, pc),
                    "index": periods.index[pc],
                    "scheme": _strings(schemes, sch[ok] if scheme is None else np.zeros(len(ok), np.intp)),
                    "value": v[ok],
                    "row": excel_rows[ok],
                    "column": _strings([column], np.zeros(len(ok), np.intp)),
                }
            )
        )
    return start + end


def _factorize(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct cells; empty cells get the code len(distinct), one past the last."""
    codes, uniq = pd.factorize(cells)
    return np.where(codes < 0, len(uniq), codes), uniq


def _first_rows(codes: np.ndarray, mask: np.ndarray) -> list[tuple[int, int]]:
    """(code, first row) for each code among the rows in mask, in row order."""
    rows = np.flatnonzero(mask)
    first = pd.Series(codes[rows]).drop_duplicates()
    return list(zip(first.to_numpy().tolist(), rows[first.index.to_numpy()].tolist(), strict=True))


def _strings(labels: Iterable[object], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A string column from a few distinct labels and each row's index into them (fast, no per-row work)."""
    return pd.array([str(x) for x in labels], dtype="str").take(index)


def _find_scheme_column(rows: list[list], header: Header, config: Config) -> None:
    """The column whose cells name schemes, when the header words point elsewhere or nowhere: Statistikbanken's
    dimension is headed by what it counts ("ANSÆTTELSESFORHOLD", "YDELSE"), jobindsats.dk can put
    "Ydelsesgrupper" before "Tilbud"."""
    if header.scheme_cols:
        return
    body = rows[header.row + 1 : header.row + 201]

    def hits(j: int) -> int:
        labels = {r[j].strip() for r in body if j < len(r) and isinstance(r[j], str) and r[j].strip()}
        return sum(
            config.match_scheme(v) is not None or config.is_skipped_scheme(v) or config.is_total_row(v) for v in labels
        )

    current = header.roles.get("scheme")
    if current is not None and hits(current):
        return
    taken = {j for role, j in header.roles.items() if role != "scheme"}
    width = max((len(r) for r in body), default=0)
    best = max((j for j in range(width) if j not in taken), key=hits, default=None)
    if best is not None and hits(best):
        header.roles["scheme"] = best


def _read_long(
    rows: list[list], header: Header, ctx: Context, sheet: SheetData, row_offset: int, col_offset: int
) -> int:
    """A long table; a column of area names under an unknown heading is its municipality column, and a
    breakdown column ("Køn", "Ydelsesgrupper") is read at its total category only."""
    from csr.importers.dimensions import total_rows

    _find_area_column(rows, header, sheet.config)
    _find_scheme_column(rows, header, sheet.config)
    keep = total_rows(rows, header, sheet, row_offset, col_offset)
    if keep is False:
        return len(rows)
    return _parse_long(rows, header, ctx, sheet, row_offset, col_offset, keep)


SCHEME_COLUMNS = Reader("ordning i kolonner", lambda rows, header, config: bool(header.scheme_cols), _parse_long)
READER = Reader("lang tabel", lambda rows, header, config: True, _read_long)

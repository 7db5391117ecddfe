"""Wide tables: periods across the columns (KRL pivots, jobindsats.dk with one column per period), schemes
and/or municipalities down the rows, stacked blocks (a municipality column, sub-heading rows or title lines
with repeated headers) or municipalities side by side.
"""

from __future__ import annotations

from csr.config import HEADCOUNT, Config
from csr.importers.cells import (
    column_letter,
    header_role,
    is_blank,
    is_footnote,
    parse_period,
)
from csr.importers.header import Context, Header, _classify_header, _municipality_in_text
from csr.importers.resolve import (
    Resolver,
    _bad_period,
    _default_municipality,
    _i_alt_is_total,
    _label_key,
    _missing_scheme,
    _moving_total,
    _only_persons,
    _value,
)
from csr.importers.sheetdata import Reader, SheetData, show
from csr.model import ERROR, WARNING

# ---- wide tables -------------------------------------------------------------------------------

_MEASURES = ("fte", "value", "persons")  # in order of preference


def _label_roles(rows: list[list], header: Header, config: Config) -> dict[int, str]:
    """Which columns left of the periods label municipalities, schemes or measures."""
    labels: dict[int, str] = {}
    for role in ("municipality", "scheme"):
        if role in header.roles and header.roles[role] not in header.periods:
            labels[header.roles[role]] = role
    first_period = min(header.periods)
    body = rows[header.row + 1 : header.row + 200]
    for j in range(first_period):
        if j in labels:
            continue
        values = [r[j] for r in body if j < len(r) and isinstance(r[j], str) and r[j].strip()]
        codes = [r[j] for r in body if j < len(r) and _is_code(r[j], config)]
        if codes and len(codes) >= len(values):
            labels[j] = "municipality"  # KRL codes as numbers (580, 561)
            continue
        if not values:
            continue
        sch = sum(config.match_scheme(v) is not None or config.is_total_row(v) for v in values)
        mun = sum(config.match_municipality(v) is not None or config.is_aggregate(v) for v in values)
        measures = sum(header_role(v) in _MEASURES for v in values)
        if measures and measures >= max(sch, mun):
            labels[j] = "measure"  # jobindsats.dk: a row per measure ("Antal personer", "Antal fuldtidspersoner")
        elif sch == 0 and mun == 0:
            # Unknown labels: a scheme column if no other column holds schemes (errors will say which).
            labels[j] = "scheme" if "scheme" not in labels.values() else "other"
        else:
            labels[j] = "scheme" if sch >= mun else "municipality"
    return labels


def _side_by_side(rows: list[list], header: Header, config: Config) -> dict[int, object]:
    """Municipality names written above the period columns (side-by-side blocks), forward-filled."""
    for i in range(header.row - 1, max(-1, header.row - 4), -1):
        row = rows[i]
        found = {
            j: row[j]
            for j in header.periods
            if j < len(row)
            and isinstance(row[j], str)
            and (_municipality_in_text(row[j], config) is not None or config.is_aggregate(row[j]))
        }
        cells = [row[j] for j in header.periods if j < len(row) and not is_blank(row[j])]
        if not found and cells and all(_is_code(c, config) for c in cells):
            found = {0: cells[0]}  # codes above the columns (580 over its months)
        if found:
            result: dict[int, object] = {}
            current = None
            for j in sorted(header.periods):
                if j < len(row) and not is_blank(row[j]):
                    current = row[j]
                result[j] = current
            return result
    return {}


def _is_code(cell: object, config: Config) -> bool:
    """A municipality's or an aggregate area's code written as a number (580, 411)."""
    if not isinstance(cell, (int, float)) or isinstance(cell, bool) or not float(cell).is_integer():
        return False
    return config.match_municipality(int(cell)) is not None or config.is_aggregate(int(cell))


def _sub_heading(row: list, config: Config) -> int | None:
    """A row with one text and no figures that names a municipality ("Esbjerg Kommune"): its code."""
    texts = [c for c in row if isinstance(c, str) and c.strip()]
    if len(texts) != 1 or config.match_scheme(texts[0]) is not None:
        return None
    return _municipality_in_text(texts[0], config)


def _parse_wide(
    rows: list[list], header: Header, ctx: Context, sheet: SheetData, row_offset: int, col_offset: int
) -> int:
    """Periods across the columns; returns the index of the first row after the table.

    A row whose municipality is unknown is still checked (scheme, numbers), so that one upload shows
    every error at once; an aggregate area ("Hele landet") is skipped with a note.
    """
    config = sheet.config
    labels = _label_roles(rows, header, config)
    mun_cols = [j for j, r in labels.items() if r == "municipality"]
    sch_cols = [j for j, r in labels.items() if r == "scheme"]
    measure_col = next((j for j, r in labels.items() if r == "measure"), None)
    measure = current_measure = None
    if measure_col is not None:  # full-time persons when the table has them, else the first measure it has
        found = {header_role(r[measure_col]) for r in rows[header.row + 1 :] if measure_col < len(r)}
        measure = next(m for m in _MEASURES if m in found)
        if measure == "persons" and ctx.scheme == "virksomhedspraktik":
            _only_persons(sheet, row_offset + header.row + 1, column_letter(col_offset + measure_col))
    resolver = Resolver(config, sheet)
    period_cols = sorted(header.periods)
    letters = {j: column_letter(col_offset + j) for j in period_cols}
    for j, cell in header.bad_periods.items():
        _bad_period(sheet, row_offset + header.row + 1, column_letter(col_offset + j), show(cell))
    for j, cell in header.moving.items():
        _moving_total(sheet, row_offset + header.row + 1, column_letter(col_offset + j), cell)
    if sch_cols:
        resolver.i_alt_is_total = _i_alt_is_total(
            [r[sch_cols[0]] for r in rows[header.row + 1 :] if sch_cols[0] < len(r)], config
        )
    # (municipality, column) -> sums of the scheme rows and of the headcount rows since the last total row
    sums: dict[tuple[int, int], tuple[float, float]] = {}
    warned: set[int] = set()
    # Side by side: municipality names above the period columns. None: unknown (check only); skipped columns absent.
    column_codes: dict[int, int | None] | None = None
    above = _side_by_side(rows, header, config)
    if above:
        column_codes = {}
        for j, label in above.items():
            if label is None:
                continue
            above_code = _above_code(label, resolver, row_offset + header.row, letters[j])
            if above_code is not None or not config.is_aggregate(label):
                column_codes[j] = above_code
    last_data = header.row
    current_mun: object = None
    heading_code: int | None = None
    code: int | None  # of a sub-heading row, then of each data row
    i = header.row + 1
    while i < len(rows):
        row = rows[i]
        excel_row = row_offset + i + 1
        values = [(j, row[j]) for j in period_cols if j < len(row) and not is_blank(row[j])]
        if not values:
            first = next((c for c in row if not is_blank(c)), None)
            if first is None:
                i += 1
                continue
            if isinstance(first, str) and is_footnote(first):
                return i
            if _classify_header(row, config) is not None:
                return last_data + 1
            code = _sub_heading(row, config)
            if code is not None:
                heading_code, current_mun = code, None
                i += 1
                continue
            if last_data > header.row and not any(
                isinstance(c, str) and config.match_scheme(c) is not None for c in row
            ):
                return last_data + 1  # text that is neither a scheme nor a municipality: the table has ended
            i += 1
            continue
        first_value = values[0][1]
        if (
            not isinstance(first_value, (int, float))
            and parse_period(first_value) is not None
            and _classify_header(row, config) is not None
        ):
            return last_data + 1
        last_data = i
        i += 1
        # Municipality of the row: its column (blank repeats the name above), a sub-heading, the title.
        if mun_cols and mun_cols[0] < len(row) and not is_blank(row[mun_cols[0]]):
            current_mun = row[mun_cols[0]]
        if measure_col is not None:
            if measure_col < len(row) and not is_blank(row[measure_col]):
                current_measure = header_role(row[measure_col])
            if current_measure != measure:
                continue
        if current_mun is not None:
            code = resolver.municipality(current_mun, excel_row, column_letter(col_offset + mun_cols[0]))
            if code is None and config.is_aggregate(current_mun):
                continue
        elif heading_code is not None:
            code = heading_code
        elif column_codes is not None:
            code = None
        else:
            code = _default_municipality(ctx, sheet, config, excel_row)
        # Scheme of the row.
        if sch_cols:
            cell = row[sch_cols[0]] if sch_cols[0] < len(row) else None
            if is_blank(cell):
                _missing_scheme(sheet, excel_row, column_letter(col_offset + sch_cols[0]), None)
                continue
            scheme = resolver.scheme(cell, excel_row, column_letter(col_offset + sch_cols[0]))
        elif ctx.scheme:
            scheme = ctx.scheme
        else:
            sheet.finding(
                ERROR,
                "Ordning ikke angivet",
                "Ordning ikke angivet: tabellen har hverken en kolonne med ordninger eller en titel, der "
                "nævner ordningen. Tilføj en kolonne med ordningernes navne.",
                excel_row,
            )
            return len(rows)
        for j, cell in values:
            if column_codes is not None and current_mun is None and heading_code is None:
                if j not in column_codes:
                    continue  # an aggregate area's column
                col_code = column_codes[j]
            else:
                col_code = code
            value = _value(sheet, cell, excel_row, letters[j])
            if value is None or col_code is None:
                continue
            if scheme is None:
                if sch_cols and _label_key(row[sch_cols[0]]) in resolver.totals:
                    schemes_sum, headcount_sum = sums.pop((col_code, j), (0.0, 0.0))
                    if excel_row not in warned and not _total_agrees(value, schemes_sum, headcount_sum):
                        warned.add(excel_row)
                        _total_differs(sheet, schemes_sum, value, row[sch_cols[0]], excel_row, letters[j])
                continue
            schemes_sum, headcount_sum = sums.get((col_code, j), (0.0, 0.0))
            sums[(col_code, j)] = (
                (schemes_sum + value, headcount_sum) if scheme != HEADCOUNT else (schemes_sum, headcount_sum + value)
            )
            year, kind, index = header.periods[j]
            sheet.add(
                col_code, config.municipality(col_code).name, year, kind, index, scheme, value, excel_row, letters[j]
            )
    return len(rows)


def _total_agrees(total: float, schemes_sum: float, headcount_sum: float) -> bool:
    """A total row totals the schemes above it, or everything above it (the headcount rows too)."""
    return any(abs(total - s) <= 0.01 + 1e-9 * abs(total) for s in (schemes_sum, schemes_sum + headcount_sum))


def _total_differs(sheet: SheetData, total_of_rows: float, total: float, label: object, row: int, column: str) -> None:
    """A total row that differs from the sum of the rows it totals: a warning (a scheme missing, a figure wrong)."""
    sheet.finding(
        WARNING,
        "Sumrække passer ikke",
        f"Sumrække passer ikke: '{show(label)}' er {show(float(total))}, men rækkerne over den giver "
        f"{show(round(total_of_rows, 6))}. Mangler der en ordning, eller er et tal forkert?",
        row,
        column,
        total,
    )


def _above_code(label: object, resolver: Resolver, row: int, column: str) -> int | None:
    if isinstance(label, str) and resolver.config.match_municipality(label) is None:
        code = _municipality_in_text(label, resolver.config)
        if code is not None:
            return code
    return resolver.municipality(label, row, column)


READER = Reader("periode i kolonner", lambda rows, header, config: bool(header.periods), _parse_wide)

"""HR systems' person lists: one row per person and period, counted per month (docs/regler.md §8).

The form HR keeps for Beredskab volunteers, STU, FGU, students in placement and elever: a header
row with an identifier (employee number, name or CPR number), a start date and (optionally) an
end date, maybe a scheme column and a department; or a title line naming the scheme for the whole
sheet ("Frivillige i Beredskabet 2022", "STU-elever"). The header words live in the strategy file
([person_lists]). There is no municipality column: these are the home municipality's own lists.

Counting (rule in [person_lists]): a person counts in a month when their period covers at least one
day of it ("any_day"), or when they are there on the reference day ("reference_day"); the same
person twice in a month counts once. The list's span runs from the month of the earliest start to
the month of the latest date written above the table (an export date such as "Udtrukket 15-09-2025"),
or, without one, to the month of the latest date in the list; an empty end date means "still there"
up to the end of the span. Inside the span a month with nobody is 0, not missing. Schemes averaged
over measurement months get a value for each measurement month; a scheme averaged over all months
(virksomhedspraktik) gets every month, counted as persons (not full-time persons, with a warning).

Personal data: identifiers are used only to tell persons apart while counting. They are never kept,
never put in a finding (its `value` stays empty) and never in a message: findings name row and
column ("række 12"); a text that looks like a CPR number is never echoed from any column, and an
unknown scheme label only when it is close to a scheme's name (a misspelling, not a person's name).
A sheet with CPR-like cells but no person-list header is refused (`refuse_person_numbers`), since
another reader would quote them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, SupportsInt

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config, PersonLists
from csr.fmt import join, month_year
from csr.importers.cells import column_letter, is_blank, is_footnote
from csr.importers.header import _scheme_in_text as title_scheme
from csr.model import ERROR, NOTE, WARNING
from csr.names import normalize

if TYPE_CHECKING:
    from csr.importers.sheetdata import SheetData

SHAPE = "personliste"
HEADER_SCAN_ROWS = 60
PERSON_SCAN_ROWS = 200
FINDINGS_PER_KIND = 10
PRIVACY_NOTE = (
    "Filen indeholder personhenførbare oplysninger (CPR-numre/navne). Kun antal personer pr. måned "
    "gemmes; identiteterne gemmes ikke."
)

# ddmmyy-xxxx, ddmmyy-1234, ddmmyy 1234, ddmmyy1234 (a masked or whole CPR number), anywhere in a text.
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d\d(-|\s)?(\d{4}|[xX*]{4})(?![\dxX*])")
_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_SHAPED = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{1,2}-\d{1,2})(?!\d)")
_TOTAL_WORDS = {"ialt", "total", "sum", "antal", "antalialt", "samlet"}
_BLANK_DAY, _BAD_DAY = -1, -2

_COLS = ("municipality", "code", "year", "period", "index", "scheme", "value", "row", "column")


@dataclass(frozen=True)
class PersonListLayout:
    """Where a person list's columns are (indexes into the rows given to `read_person_list`)."""

    header_row: int  # index into rows of the header row
    person: int  # column index of the identifier (employee no., name or CPR)
    start: int  # column index of the start date
    end: int | None  # column index of the end date (None: no end column)
    scheme: int | None  # column index of the scheme; None when fixed_scheme is set
    fixed_scheme: str | None  # scheme id for the whole sheet (title line, or chosen in a mapping)


# ---- recognising a person list ------------------------------------------------------------------


@cache
def _header_keys(settings: PersonLists) -> dict[str, str]:
    roles = (
        ("person", settings.person_aliases),
        ("start", settings.start_aliases),
        ("end", settings.end_aliases),
        ("scheme", settings.scheme_aliases),
        ("department", settings.department_aliases),
    )
    return {normalize(word): role for role, words in roles for word in words}


def detect_person_list(rows: list[list], config: Config) -> PersonListLayout | None:
    """The layout of a person list in a sheet's rows, or None when the sheet holds none.

    A header row (within the first rows) names an identifier column and a start date column.
    """
    keys = _header_keys(config.person_lists)
    if not keys:
        return None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            if isinstance(cell, str) and cell:
                role = keys.get(normalize(cell))
                if role is not None:
                    found.setdefault(role, j)
        if "person" in found and "start" in found:
            scheme = found.get("scheme")
            fixed = None if scheme is not None else scheme_in_titles(rows[:i], config)
            return PersonListLayout(i, found["person"], found["start"], found.get("end"), scheme, fixed)
    return None


def scheme_in_titles(rows: list[list], config: Config) -> str | None:
    """The scheme a title line names ("Frivillige i Beredskabet 2022", "STU-elever"), the last one wins."""
    found = None
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                scheme = scheme_in_text(cell, config)
                if scheme is not None:
                    found = scheme
    return found


def scheme_in_text(text: str, config: Config) -> str | None:
    """A scheme named by a whole text, by the longest alias inside it, or by one of its words ("STU 2022")."""
    if config.match_scheme(text) == HEADCOUNT:
        return None
    sid = title_scheme(text, config)
    if sid is not None:
        return sid
    for word in re.split(r"[\s,:;–()/]+", text):
        sid = config.match_scheme(word) if word else None
        if sid is not None and sid != HEADCOUNT:
            return sid
    return None


def person_numbers_cell(rows: list[list]) -> tuple[int, int] | None:
    """(row, column) of the first CPR-like text among the first rows, or None.

    For a sheet that is not recognised as a person list: reading it as another shape would echo the
    CPR numbers in findings ("Ukendt ordning '020585-xxxx'"), so the caller refuses it instead.
    """
    for i, row in enumerate(rows[:PERSON_SCAN_ROWS]):
        for j, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) >= 10 and CPR_LIKE.search(cell):
                return i, j
    return None


def refuse_person_numbers(rows: list[list], sheet: SheetData, row_offset: int, col_offset: int) -> bool:
    """Refuse a sheet with CPR-like cells but no person-list header (True); the finding shows no value."""
    cell = person_numbers_cell(rows)
    if cell is None:
        return False
    settings = sheet.config.person_lists
    sheet.finding(
        ERROR,
        "Personhenførbare oplysninger",
        "Personhenførbare oplysninger: arket har CPR-numre, men ingen overskriftsrække for en personliste "
        f"(fx {_first(settings.person_aliases, 'Medarbejdernr.')}, {_first(settings.start_aliases, 'Startdato')} "
        f"og {_first(settings.end_aliases, 'Slutdato')}), så det er ikke læst. Giv listen en overskriftsrække, "
        "eller fjern CPR-numrene.",
        row_offset + cell[0] + 1,
        column_letter(col_offset + cell[1]),
    )
    return True


def _first(words: tuple[str, ...], default: str) -> str:
    return words[0] if words else default


def safe_text(cell: object) -> str:
    """A cell's text for a message, or "" when it could be personal data (a CPR-like number)."""
    text = "" if cell is None else str(cell).strip()
    return "" if CPR_LIKE.search(text) or len(text) > 80 else text


# ---- dates -------------------------------------------------------------------------------------


def parse_date(cell: object) -> dt.date | None:
    """An Excel date, or text as dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy or yyyy-mm-dd (a time part aside)."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if not isinstance(cell, str):
        return None
    s = cell.strip()
    if len(s) == 10 and s[2] == "-" == s[5] and s.isascii() and (digits := s[:2] + s[3:5] + s[6:]).isdigit():
        d, mo, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])  # dd-mm-yyyy, the common case
    elif m := _DMY.fullmatch(s):
        d, mo, y = (int(g) for g in m.groups())
    elif m := _YMD.fullmatch(s):
        y, mo, d = (int(g) for g in m.groups())
    else:
        return None
    try:
        return dt.date(y, mo, d) if 1900 <= y <= 2100 else None
    except ValueError:
        return None


def _days(*columns: np.ndarray) -> list[np.ndarray]:
    """Each cell of the columns as a day number (date.toordinal), _BLANK_DAY or _BAD_DAY; each distinct cell
    (over all the columns: start and end dates share most) parsed once."""
    codes, uniq = pd.factorize(np.concatenate(columns) if len(columns) > 1 else columns[0])
    table = np.full(len(uniq) + 1, _BLANK_DAY, np.int64)  # the last entry: empty cells (None)
    for k, u in enumerate(uniq):
        if is_blank(u):
            continue
        day = parse_date(u)
        table[k] = _BAD_DAY if day is None else day.toordinal()
    return np.split(table[codes], np.cumsum([len(c) for c in columns[:-1]]))


def _show_date(day: SupportsInt) -> str:
    return dt.date.fromordinal(int(day)).strftime("%d-%m-%Y")


_month_name = month_year  # (2025, 8) -> "august 2025" (`csr.fmt`)


def _span_end_in_titles(rows: list[list]) -> int | None:
    """The latest date written above the table (an export date, "Periode: 01-01-2022 - 31-12-2022")."""
    days = []
    for row in rows:
        for cell in row:
            if isinstance(cell, dt.date):
                days.append(parse_date(cell))
            elif isinstance(cell, str):
                days.extend(parse_date(m) for m in _DATE_IN_TEXT.findall(cell))
    ordinals = [d.toordinal() for d in days if d is not None]
    return max(ordinals) if ordinals else None


def month_grid(
    first: tuple[int, int], last: tuple[int, int], months: tuple[int, ...] | None, rule: str, reference_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and the first and last day (ordinals) a period must touch to count, per month of the span.

    `months` limits the grid to those calendar months (the measurement months); None keeps every month.
    """
    year, month, lo, hi = [], [], [], []
    y, m = first
    while (y, m) <= last:
        if months is None or m in months:
            length = calendar.monthrange(y, m)[1]
            if rule == "reference_day":
                a = b = dt.date(y, m, min(reference_day, length)).toordinal()
            else:
                a, b = dt.date(y, m, 1).toordinal(), dt.date(y, m, length).toordinal()
            year.append(y)
            month.append(m)
            lo.append(a)
            hi.append(b)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return (np.array(year, np.int32), np.array(month, np.int8), np.array(lo, np.int64), np.array(hi, np.int64))


def count_months(
    start: np.ndarray,
    end: np.ndarray,
    person: np.ndarray,
    group: np.ndarray,
    groups: int,
    first_day: np.ndarray,
    last_day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct persons per group (scheme) and grid month, and the first row counted in each (-1: nobody).

    A row covers grid month k when start <= last_day[k] and end >= first_day[k]; rows are in sheet order.
    Each person's rows are merged into runs of months first, so that a person counts once per month;
    the counts then come from where the runs begin and end. Both results have the shape (groups, months).
    """
    k = len(first_day)
    lo = np.searchsorted(last_day, start, side="left")
    hi = np.searchsorted(first_day, end, side="right") - 1
    valid = np.flatnonzero(lo <= hi)
    counts = np.zeros((groups, k), np.int64)
    first = np.full((groups, k), -1, np.int64)
    if not len(valid):
        return counts, first
    span = int(person[valid].max()) + 1 if len(valid) else 1
    if groups * span * (k + 1) < 2**62:  # one stable sort of a combined key: the order lexsort gives, twice as fast
        key = (group[valid].astype(np.int64) * span + person[valid]) * (k + 1) + lo[valid]
        order = valid[np.argsort(key, kind="stable")]
    else:
        order = valid[np.lexsort((lo[valid], person[valid], group[valid]))]
    g, a, b = group[order].astype(np.int64), lo[order], hi[order]
    p = person[order]
    new_person = np.ones(len(order), bool)
    new_person[1:] = (g[1:] != g[:-1]) | (p[1:] != p[:-1])
    seg = np.cumsum(new_person) - 1
    reach = np.maximum.accumulate(b + seg * (k + 1)) - seg * (k + 1)  # the furthest month so far, per person
    new_run = new_person.copy()
    new_run[1:] |= a[1:] > reach[:-1]
    at = np.flatnonzero(new_run)
    run_end = np.maximum.reduceat(b, at)
    width = groups * (k + 1)
    diff = np.bincount(g[at] * (k + 1) + a[at], minlength=width) - np.bincount(
        g[at] * (k + 1) + run_end + 1, minlength=width
    )
    counts = np.cumsum(diff.reshape(groups, k + 1), axis=1)[:, :k]
    months = np.arange(k)
    for gi in range(groups):  # the first row covering each month: rows in sheet order, a block at a time
        rows = valid[group[valid] == gi]
        missing = counts[gi] > 0
        for c in range(0, len(rows), 4096):
            r = rows[c : c + 4096]
            cover = (lo[r, None] <= months) & (hi[r, None] >= months)
            hit = missing & cover.any(axis=0)
            first[gi, hit] = r[cover.argmax(axis=0)[hit]]
            missing &= ~hit
            if not missing.any():
                break
    return counts, first


# ---- reading a person list ---------------------------------------------------------------------


def _column(body: list[list], j: int) -> np.ndarray:
    return np.fromiter(map(operator.itemgetter(j), body), dtype=object, count=len(body))


def _codes(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes for the cells (texts compared without surrounding spaces), which codes are blank, the distinct cells.

    The last code, len(distinct), stands for empty cells.
    """
    codes, uniq = pd.factorize(cells)
    try:  # all texts (a CSV file): strip in C
        keys = list(map(str.strip, uniq))
    except TypeError:
        keys = [u.strip() if type(u) is str else u for u in uniq]
    if any(map(operator.is_not, keys, uniq)):  # str.strip returns the same text when unchanged
        remap, distinct = pd.factorize(np.array(keys, dtype=object))
    else:
        remap, distinct = np.arange(len(uniq)), uniq
    blank = np.append(distinct == "", True)  # None and NaN are empty cells already (code -1)
    remap = np.append(remap, len(distinct))
    return remap[np.where(codes < 0, len(uniq), codes)], blank, distinct


def _row_findings(
    sheet: SheetData,
    mask: np.ndarray,
    excel_rows: np.ndarray,
    severity: str,
    kind: str,
    message: Callable[[int], tuple[str, str]],
    column: str,
) -> None:
    idx = np.flatnonzero(mask)
    for i in idx[:FINDINGS_PER_KIND]:
        text, value = message(int(i))
        sheet.finding(severity, kind, text, int(excel_rows[i]), column, value)
    if len(idx) > FINDINGS_PER_KIND:
        sheet.more(severity, kind, len(idx) - FINDINGS_PER_KIND)


def read_person_list(
    rows: list[list], layout: PersonListLayout, sheet: SheetData, row_offset: int, col_offset: int
) -> None:
    """Count the persons of a person list per month and add the counts to `sheet` (home municipality).

    Errors (a date that cannot be read, a missing start or person, an end before the start, an unknown
    scheme) name row and column and never the identifier.
    """
    config = sheet.config
    settings = config.person_lists
    body = rows[layout.header_row + 1 :]
    used = [j for j in (layout.person, layout.start, layout.end, layout.scheme) if j is not None]
    width = max(used) + 1
    try:
        cols = {j: _column(body, j) for j in used}
    except IndexError:  # short rows (a CSV line with fewer fields): pad them
        body = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in body]
        cols = {j: _column(body, j) for j in used}

    def letter(j: int) -> str:
        return column_letter(col_offset + j)

    first_excel_row = row_offset + layout.header_row + 2
    header_excel_row = first_excel_row - 1
    person, person_blank, _ = _codes(cols[layout.person])
    if layout.end is not None:
        start, end = _days(cols[layout.start], cols[layout.end])
    else:
        (start,) = _days(cols[layout.start])
        end = np.full(len(body), _BLANK_DAY, np.int64)
    no_person = person_blank[person]
    no_dates = (start == _BLANK_DAY) & (end == _BLANK_DAY)

    # The table ends at a footnote ("Kilde: ...") in a row without dates; totals ("I alt") are skipped.
    candidates = np.flatnonzero(no_dates & ~no_person)
    skip = np.zeros(len(body), bool)
    n = len(body)
    for i in candidates:
        cell = next((c for c in body[i] if not is_blank(c)), None)
        if isinstance(cell, str) and is_footnote(cell):
            n = int(i)
            break
        if isinstance(cell, str) and normalize(cell).rstrip("0123456789") in _TOTAL_WORDS:  # "I alt: 23"
            skip[i] = True
    if n < len(body):
        person, no_person, start, end, no_dates, skip = (a[:n] for a in (person, no_person, start, end, no_dates, skip))
    excel_rows = np.arange(first_excel_row, first_excel_row + n, dtype=np.int64)
    relevant = ~(no_person & no_dates) & ~skip

    # Schemes: a column, or one scheme for the whole sheet (title line, mapping, or the sheet's name).
    scheme_of_sheet = layout.fixed_scheme
    from_sheet_name = False
    if layout.scheme is None and scheme_of_sheet is None and sheet.sheet:
        scheme_of_sheet = scheme_in_text(sheet.sheet, config)
        from_sheet_name = scheme_of_sheet is not None
    if layout.scheme is not None:
        scol = letter(layout.scheme)
        sch, scheme_blank, labels = _codes(cols[layout.scheme][:n])
        ids = np.array([None if is_blank(u) else config.match_scheme(u) for u in labels] + [None], dtype=object)
        scheme_ok = np.fromiter((s is not None and s != HEADCOUNT for s in ids), bool, len(ids))[sch]
        _scheme_findings(sheet, ids, sch, relevant, scheme_blank, body, layout.scheme, excel_rows, scol, config)
    elif scheme_of_sheet is not None:
        ids = np.array([scheme_of_sheet], dtype=object)
        sch = np.zeros(n, np.intp)
        scheme_ok = np.ones(n, bool)
    else:
        if relevant.any():
            sheet.finding(
                ERROR,
                "Ordning ikke angivet",
                "Ordning ikke angivet: personlisten har hverken en kolonne 'Ordning' eller en titel eller et "
                "arknavn, der nævner ordningen. Skriv ordningen i en titellinje over tabellen (fx "
                "'STU-elever'), eller tilføj en kolonne 'Ordning'.",
                header_excel_row,
            )
        return

    # Row checks; no message quotes an identifier.
    pcol, stcol = letter(layout.person), letter(layout.start)
    encol = letter(layout.end) if layout.end is not None else ""
    _row_findings(
        sheet,
        relevant & no_person,
        excel_rows,
        ERROR,
        "Person mangler",
        lambda i: (
            "Person mangler: rækken har datoer, men ingen person (fx medarbejdernummer). Udfyld "
            "kolonnen, så samme person kun tælles én gang pr. måned.",
            "",
        ),
        pcol,
    )
    _row_findings(
        sheet,
        relevant & (start == _BLANK_DAY),
        excel_rows,
        ERROR,
        "Startdato mangler",
        lambda i: (
            "Startdato mangler: rækken har en person, men ingen startdato. Skriv datoen, perioden "
            "begyndte (fx 01-08-2022).",
            "",
        ),
        stcol,
    )
    for days, body_col, col in ((start, layout.start, stcol), (end, layout.end, encol)):
        if body_col is None:
            continue

        def bad_date(i: int, j: int = body_col) -> tuple[str, str]:
            return _bad_date(body[i][j])

        _row_findings(sheet, relevant & (days == _BAD_DAY), excel_rows, ERROR, "Dato kan ikke læses", bad_date, col)
    good_dates = (start >= 0) & (end != _BAD_DAY)
    backwards = good_dates & (end >= 0) & (end < start)
    _row_findings(
        sheet,
        relevant & backwards,
        excel_rows,
        ERROR,
        "Slutdato før startdato",
        lambda i: (
            f"Slutdato før startdato: perioden slutter {_show_date(end[i])} og begynder "
            f"{_show_date(start[i])}. Ret datoerne.",
            "",
        ),
        encol,
    )

    ok = relevant & ~no_person & good_dates & ~backwards & scheme_ok
    if not ok.any():
        return
    # The span: the earliest start's month to the month of the date above the table, else of the latest date.
    titled_end = _span_end_in_titles(rows[: layout.header_row])
    last_day = titled_end if titled_end is not None else int(max(start[ok].max(), end[ok].max()))
    first_day = int(start[ok].min())
    span_first = dt.date.fromordinal(first_day)
    span_last = dt.date.fromordinal(max(last_day, first_day))
    open_end = dt.date(span_last.year, span_last.month, calendar.monthrange(span_last.year, span_last.month)[1])
    ends = np.where(end[ok] >= 0, end[ok], open_end.toordinal())
    starts, persons, rows_ok, schemes_ok = start[ok], person[ok], excel_rows[ok], sch[ok]

    home = config.home
    name = config.municipality(home).name
    frames = []
    counted = []
    # Labels such as "FGU" and "FGU-elever" are one scheme; the schemes of one averaging share a month grid.
    scheme_code, names = pd.factorize(ids)  # per label; the rows kept all have a scheme
    group = scheme_code[schemes_ok]
    present = [int(g) for g in np.unique(group)]
    for averaging in ("measurement_months", "all_periods"):
        members = [g for g in present if config.scheme(names[g]).averaging == averaging]
        if not members:
            continue
        months = None if averaging == "all_periods" else tuple(config.measurement_months)
        year, month, lo, hi = month_grid(
            (span_first.year, span_first.month),
            (span_last.year, span_last.month),
            months,
            settings.rule,
            settings.reference_day,
        )
        if not len(year):
            continue
        mine = np.isin(group, members) if len(members) < len(present) else np.ones(len(group), bool)
        counts, first = count_months(starts[mine], ends[mine], persons[mine], group[mine], len(names), lo, hi)
        mine_rows = rows_ok[mine]
        for g in members:
            scheme = str(names[g])
            counted.append(scheme)
            row = np.where(first[g] >= 0, mine_rows[np.maximum(first[g], 0)], header_excel_row)
            frames.append(
                pd.DataFrame(
                    {
                        "municipality": pd.array([name] * len(year), dtype="str"),
                        "code": np.full(len(year), home, np.int32),
                        "year": year,
                        "period": pd.array(["M"] * len(year), dtype="str"),
                        "index": month,
                        "scheme": pd.array([scheme] * len(year), dtype="str"),
                        "value": counts[g].astype(np.float64),
                        "row": row.astype(np.int32),
                        "column": pd.array([stcol] * len(year), dtype="str"),
                    }
                )
            )
            if averaging == "all_periods":
                sheet.finding(
                    WARNING,
                    "Kun antal personer",
                    f"Kun antal personer: en personliste giver antal personer i "
                    f"{config.scheme(scheme).name}, men strategien opgør ordningen i fuldtidspersoner. "
                    "Hent tallene som fuldtidspersoner fra jobindsats.dk, hvis de findes.",
                    header_excel_row,
                    stcol,
                )
    sheet.frames.extend(frames)
    _summary_notes(
        sheet,
        config,
        counted,
        rows_ok,
        persons,
        span_first,
        span_last,
        titled_end is not None,
        bool((end[ok] < 0).any()),
        from_sheet_name,
        header_excel_row,
    )


def _scheme_findings(
    sheet: SheetData,
    ids: np.ndarray,
    sch: np.ndarray,
    relevant: np.ndarray,
    blank: np.ndarray,
    body: list[list],
    j: int,
    excel_rows: np.ndarray,
    column: str,
    config: Config,
) -> None:
    _row_findings(
        sheet,
        relevant & blank[sch],
        excel_rows,
        ERROR,
        "Ordning mangler",
        lambda i: ("Ordning mangler: rækken har en person, men ingen ordning. Skriv ordningens navn (fx STU).", ""),
        column,
    )
    bad = relevant & ~blank[sch] & np.fromiter((s is None or s == HEADCOUNT for s in ids), bool, len(ids))[sch]
    seen: set[int] = set()
    for i in np.flatnonzero(bad):
        code = int(sch[i])
        if code in seen:
            continue
        seen.add(code)
        label = safe_text(body[i][j])
        near = config.nearest_schemes(label) if label and _like_a_scheme(label, config) else []
        if ids[code] == HEADCOUNT:
            text = (
                f"'{label}' er ikke en ordning: en personliste tæller personer i en ordning, ikke antal ansatte. "
                "Skriv ordningens navn."
            )
        elif near:  # a misspelt scheme: shown with the nearest names
            hint = " eller ".join(f"'{x}'" for x in near)
            text = (
                f"Ukendt ordning '{label}'. Mente du {hint}? Ret navnet i filen, eller få det tilføjet som alias "
                "i konfigurationen."
            )
        else:  # not like any scheme: it may be a name or a number, so it is not shown
            label = ""
            text = (
                "Ukendt ordning: cellen ligner ikke en ordning og vises ikke, da den kan være en personoplysning. "
                "Står kolonnerne rigtigt? Skriv ordningens navn (fx STU)."
            )
        sheet.finding(ERROR, "Ukendt ordning", text, int(excel_rows[i]), column, label)


def _like_a_scheme(label: str, config: Config) -> bool:
    """Whether a label is close to a scheme's name (a misspelling, safe to show), not just anything (a name)."""
    names = [normalize(a) for s in config.schemes for a in (s.id, s.name, *s.aliases)]
    return bool(difflib.get_close_matches(normalize(label), names, n=1, cutoff=0.8))


def _bad_date(cell: object) -> tuple[str, str]:
    text = safe_text(cell)
    advice = "Skriv datoen som fx 01-08-2022, 01.08.2022, 2022-08-01 eller som en Excel-dato."
    if text and _DATE_SHAPED.fullmatch(text):
        return f"Dato kan ikke læses: '{text}'. {advice}", text
    return f"Dato kan ikke læses: cellen er ikke en dato. {advice}", ""


def _summary_notes(
    sheet: SheetData,
    config: Config,
    schemes: list[str],
    rows: np.ndarray,
    persons: np.ndarray,
    first: dt.date,
    last: dt.date,
    titled: bool,
    open_ended: bool,
    from_sheet_name: bool,
    header_row: int,
) -> None:
    settings = config.person_lists
    names = [config.scheme(s).name for s in schemes]
    what = join(names)
    lo, hi = int(rows.min()), int(rows.max())
    where = f"række {lo}" if lo == hi else f"rækkerne {lo}–{hi}"
    n_persons = len(pd.unique(persons))
    rule = (
        "når perioden dækker mindst én dag af måneden"
        if settings.rule == "any_day"
        else f"når personen er der den {settings.reference_day}. i måneden"
    )
    sheet.finding(NOTE, "Personliste", PRIVACY_NOTE, header_row)
    text = (
        f"Personliste: {where} ({len(rows)} perioder, {n_persons} personer) er talt som "
        f"{config.home_name} Kommunes egne tal for {what} fra {_month_name(first.year, first.month)} til "
        f"{_month_name(last.year, last.month)}. En person tæller i en måned, {rule}, og kun én gang pr. måned; "
        "en måned uden nogen tæller som 0."
    )
    if from_sheet_name:
        text += " Ordningen er læst af arkets navn."
    if open_ended:
        basis = "datoen over tabellen" if titled else "den seneste dato i listen"
        text += f" Perioder uden slutdato er talt med til og med {_month_name(last.year, last.month)} ({basis})."
    sheet.finding(NOTE, "Personliste, optælling", text, header_row)

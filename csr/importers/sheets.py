"""From a sheet's cells to canonical rows, whatever the shape.

A sheet is a list of rows of cells (None, str, float, int, bool, date). Three shapes are read:
- long tables: a period column (or year and month columns), value columns, and municipality/scheme
  columns or a title line naming them (the project's template, jobindsats.dk with `Periode`, Danish
  CSV); also one value column per scheme ("Måned | Ansatte i alt | Fleksjob | ...");
- wide tables: periods across the columns (KRL pivots, jobindsats.dk with one column per period),
  schemes and/or municipalities down the rows, stacked blocks (a municipality column, sub-heading
  rows or title lines with repeated headers) or municipalities side by side;
- placement obligations: year, education, agreed and realised places.
Title rows above a header and footnotes below are allowed; a sheet with no table is reported.

Long tables are read column-wise: every distinct cell is parsed once and the rows are mapped with
numpy, so a million-row template costs no Python work per row.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config
from csr.importers.cells import (
    HIDDEN,
    MONTH_NAMES,
    column_letter,
    header_role,
    is_blank,
    is_footnote,
    parse_number,
    parse_period,
)
from csr.model import ERROR, NOTE, WARNING, Finding
from csr.names import normalize, normalize_municipality

HEADER_SCAN_ROWS = 60
MAX_FINDINGS_PER_KIND = 10

_COLS = ("municipality", "code", "year", "period", "index", "scheme", "value", "row", "column")


@dataclass
class SheetData:
    """What one sheet yielded: canonical columns, placement rows, findings and a summary."""

    file: str
    sheet: str
    config: Config
    shape: str = ""
    columns: dict[str, list] = field(default_factory=lambda: {k: [] for k in _COLS})
    frames: list[pd.DataFrame] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _counts: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, code: int, name: str, year: int, kind: str, index: int, scheme: str, value: float,
            row: int, column: str) -> None:
        c = self.columns
        c["municipality"].append(name)
        c["code"].append(code)
        c["year"].append(year)
        c["period"].append(kind)
        c["index"].append(index)
        c["scheme"].append(scheme)
        c["value"].append(value)
        c["row"].append(row)
        c["column"].append(column)

    def finding(self, severity: str, kind: str, message: str, row: int | None = None, column: str = "",
                value: object = "") -> None:
        """Record a finding; after MAX_FINDINGS_PER_KIND of one kind, only count them."""
        n = self._counts.get(kind, (severity, 0))[1] + 1
        self._counts[kind] = (severity, n)
        if n <= MAX_FINDINGS_PER_KIND:
            self.findings.append(Finding(severity, message, self.file, self.sheet, row, column, show(value)))

    def more(self, severity: str, kind: str, count: int) -> None:
        """Count `count` further findings of a kind without spelling them out."""
        if count > 0:
            self._counts[kind] = (severity, self._counts.get(kind, (severity, 0))[1] + count)

    def close_counts(self) -> None:
        for kind, (severity, n) in self._counts.items():
            if n > MAX_FINDINGS_PER_KIND:
                self.findings.append(Finding(
                    severity, f"{kind}: {n - MAX_FINDINGS_PER_KIND} tilfælde mere i arket ud over de "
                    f"{MAX_FINDINGS_PER_KIND} ovenfor.", self.file, self.sheet))

    def frame(self) -> pd.DataFrame:
        parts = list(self.frames)
        if self.columns["value"]:
            parts.append(pd.DataFrame(self.columns))
        if not parts:
            return pd.DataFrame({k: [] for k in _COLS})
        df = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        df["file"] = self.file
        df["sheet"] = self.sheet
        return df


def show(value: object) -> str:
    """A cell as the person saw it: numbers with a decimal comma, dates as dates, text as it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", ",")
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Header:
    row: int
    roles: dict[str, int]
    periods: dict[int, tuple[int, str, int]]
    placement: dict[str, int]
    scheme_cols: dict[int, str] = field(default_factory=dict)
    bad_periods: dict[int, object] = field(default_factory=dict)  # header cells that look like months but aren't


@dataclass
class Context:
    """What title lines above a table say: the municipality, the scheme, full-time persons."""

    code: int | None = None
    scheme: str | None = None
    fte: bool = False
    unknown: tuple[str, int] | None = None  # a title naming a municipality that does not exist, and its row


# ---- header detection ------------------------------------------------------------------------

_PLACEMENT_KEYS: dict[int, tuple[Config, dict[str, str]]] = {}


def _placement_keys(config: Config) -> dict[str, str]:
    cached = _PLACEMENT_KEYS.get(id(config))
    if cached is None or cached[0] is not config:
        keys = {normalize(a): role for role, aliases in config.placement_aliases.items() for a in aliases}
        cached = _PLACEMENT_KEYS[id(config)] = (config, keys)
    return cached[1]


def _placement_role(cell: object, config: Config) -> str | None:
    if not isinstance(cell, str):
        return None
    return _placement_keys(config).get(normalize(cell))


def _classify_header(row: list, config: Config) -> Header | None:
    roles: dict[str, int] = {}
    placement: dict[str, int] = {}
    periods: dict[int, tuple[int, str, int]] = {}
    schemes: dict[int, str] = {}
    bad: dict[int, object] = {}
    numbers = 0
    year_ints: dict[int, tuple[int, str, int]] = {}
    for j, cell in enumerate(row):
        if is_blank(cell):
            continue
        prole = _placement_role(cell, config)
        if prole:
            placement.setdefault(prole, j)
        role = header_role(cell)
        if role:
            roles.setdefault(role, j)
        if isinstance(cell, str):
            sid = config.match_scheme(cell)
            if sid is not None:
                schemes[j] = sid
        if role or prole:
            continue
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            p = parse_period(cell)
            if p:
                year_ints[j] = p
            else:
                numbers += 1
            continue
        p = parse_period(cell)
        if p:
            periods[j] = p
        elif _looks_like_period(cell):
            bad[j] = cell
    if "education" in placement and ("agreed" in placement or "realised" in placement):
        if "year" in roles:
            placement["year"] = roles["year"]
        return Header(-1, roles, {}, placement)
    if len(year_ints) >= 2 or (year_ints and periods):
        periods = {**periods, **year_ints}  # years as numbers: "Område | 2019 | 2020" or beside "2019Q1"
    elif year_ints:
        numbers += len(year_ints)
    if numbers:
        return None
    value_roles = [roles[r] for r in ("value", "persons", "fte") if r in roles]
    has_time = "period" in roles or "year" in roles
    if has_time and not periods and "scheme" not in roles and schemes and all(j in schemes for j in value_roles):
        # One value column per scheme: "Måned | Ansatte i alt | Fleksjob | Løntilskud".
        return Header(-1, roles, {}, {}, schemes)
    if has_time and value_roles and not periods:
        return Header(-1, roles, {}, {})
    if periods and has_time and min(roles.get("period", 10**6), roles.get("year", 10**6)) < min(periods):
        return None  # "Periode | 2019M01 | 2019M12": a metadata line, not a header
    label_roles = [r for r in ("municipality", "scheme") if r in roles]
    if len(periods) >= 2 or (periods and label_roles):
        return Header(-1, roles, periods, {}, bad_periods=bad)
    return None


_PERIOD_LIKE = re.compile(r"\d{4}\s*[-/.mMqQkK]\s*\d{1,2}|\d{1,2}\s*[-/.]\s*\d{4}|([a-zæøå]{3,})\.?\s*[-/ ]\s*\d{4}",
                          re.IGNORECASE)
_MONTH_PREFIXES = {name[:3] for name in MONTH_NAMES}


def _looks_like_period(cell: object) -> bool:
    """A header cell that was meant as a month but cannot be read ("2019-13", "febuar 2019")."""
    if not isinstance(cell, str):
        return False
    m = _PERIOD_LIKE.fullmatch(cell.strip())
    return bool(m) and (m.group(1) is None or m.group(1)[:3].casefold() in _MONTH_PREFIXES)


def find_header(rows: list[list], start: int, config: Config) -> Header | None:
    for i in range(start, min(len(rows), start + HEADER_SCAN_ROWS)):
        header = _classify_header(rows[i], config)
        if header is not None:
            header.row = i
            return header
    return None


# ---- context from title lines ----------------------------------------------------------------

_KOMMUNE_WORD = re.compile(r"([^\s,:;–-]+)\s+kommune\b", re.IGNORECASE)
_NOT_NAMES = {"hele", "egen", "din", "jeres", "vores", "samme", "anden", "hver", "enhver", "den", "denne", "pr", "per",
              "for", "fra", "til", "og", "eller", "alle", "samlet", "valgt", "valgte"}


def _could_be_a_name(word: str) -> bool:
    """Whether the word before "Kommune" in a title is meant as a municipality's name ("Esbjerrg Kommune")."""
    return word[:1].isupper() and len(word) >= 3 and word.casefold() not in _NOT_NAMES


def context_from_rows(rows: list[list], config: Config, base: Context | None = None,
                      first_row: int = 1) -> Context:
    """The municipality, scheme and measure that title lines name (`first_row`: Excel row of rows[0])."""
    ctx = Context(base.code, base.scheme, base.fte) if base else Context()
    for i, row in enumerate(rows):
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.strip()
            code = _municipality_in_text(text, config)
            if code is not None:
                ctx.code, ctx.unknown = code, None
            elif (m := _KOMMUNE_WORD.search(text)) and _could_be_a_name(m.group(1)) and not config.is_aggregate(text):
                ctx.code, ctx.unknown = None, (m.group(1), first_row + i)
            scheme = _scheme_in_text(text, config)
            if scheme is not None:
                ctx.scheme = scheme
            if "fuldtid" in normalize(text):
                ctx.fte = True
    return ctx


def _municipality_in_text(text: str, config: Config) -> int | None:
    direct = config.match_municipality(text)
    if direct is not None:
        return direct
    words = [w for w in re.split(r"[\s,:;–()]+", text) if w]
    for n in (3, 2, 1):
        for k in range(len(words) - n + 1):
            chunk = " ".join(words[k:k + n])
            if len(normalize_municipality(chunk)) < 3 or chunk.strip().isdigit():
                continue
            code = config.match_municipality(chunk)
            if code is not None:
                return code
    return None


def _scheme_in_text(text: str, config: Config) -> str | None:
    direct = config.match_scheme(text)
    if direct is not None and direct != HEADCOUNT:
        return direct
    key = normalize(text)
    best: tuple[int, str] | None = None
    for s in config.schemes:
        for alias in (s.name, *s.aliases):
            a = normalize(alias)
            if len(a) >= 5 and a in key and (best is None or len(a) > best[0]):
                best = (len(a), s.id)
    return best[1] if best else None


# ---- resolution of names ---------------------------------------------------------------------

class Resolver:
    """Maps municipality and scheme labels to codes/ids once per distinct label, with findings."""

    def __init__(self, config: Config, sheet: SheetData):
        self.config = config
        self.sheet = sheet
        self._mun: dict[object, int | None] = {}
        self._sch: dict[object, str | None] = {}

    def municipality(self, label: object, row: int, column: str) -> int | None:
        """The KRL code, or None when the row is to be left out (aggregate or unknown: findings said)."""
        key = _label_key(label)
        if key in self._mun:
            return self._mun[key]
        cfg = self.config
        code = cfg.match_municipality(label)
        if code is None and isinstance(label, str) and (m := _CODE_AND_NAME.fullmatch(label.strip())):
            # "580 Aabenraa", "580 - Aabenraa Kommune", "Aabenraa (580)": the name and the code must agree.
            by_code = cfg.match_municipality(m.group(1) or m.group(4))
            by_name = cfg.match_municipality(m.group(2) or m.group(3))
            code = by_code if by_code is not None and by_code == by_name else None
            if by_code is not None and by_name is not None and by_code != by_name:
                self.sheet.finding(ERROR, "Ukendt kommune",
                                   f"Kode og navn passer ikke sammen: '{show(label)}'. {by_code} er "
                                   f"{cfg.municipality(by_code).name}, ikke {cfg.municipality(by_name).name}. "
                                   "Ret koden eller navnet.", row, column, label)
                self._mun[key] = None
                return None
        if code is None:
            if cfg.is_aggregate(label):
                self.sheet.finding(NOTE, "Samleområde sprunget over",
                                   f"Samleområde sprunget over: '{show(label)}' er ikke en kommune, og rækkerne "
                                   "indgår ikke.", row, column, label)
            else:
                near = cfg.nearest_municipalities(label)
                hint = f" Mente du {_or_list(near)}?" if near else ""
                self.sheet.finding(ERROR, "Ukendt kommune",
                                   f"Ukendt kommune '{show(label)}'.{hint} Skriv kommunens navn (fx Aabenraa) "
                                   "eller KRL-kode (fx 580).", row, column, label)
        self._mun[key] = code
        return code

    def scheme(self, label: object, row: int, column: str) -> str | None:
        key = _label_key(label)
        if key in self._sch:
            return self._sch[key]
        sid = self.config.match_scheme(label)
        if sid is None:
            near = self.config.nearest_schemes(label)
            hint = f" Mente du {_or_list(near)}?" if near else ""
            self.sheet.finding(ERROR, "Ukendt ordning",
                               f"Ukendt ordning '{show(label)}'.{hint} Ret navnet i filen, eller få det "
                               "tilføjet som alias i konfigurationen.", row, column, label)
        self._sch[key] = sid
        return sid


_CODE_AND_NAME = re.compile(r"(\d{3,4})\s*[-–:]?\s*(\D.*)|(.*\D)\s*\((\d{3,4})\)")


def _label_key(label: object) -> object:
    return label.strip() if isinstance(label, str) else label


def _or_list(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]


# ---- the value of one cell ---------------------------------------------------------------------

HIDDEN_KIND = "Skjult værdi"
TEXT_KIND = "Tekst hvor der skal stå et tal"
NEGATIVE_KIND = "Negativt tal"


def _hidden(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(WARNING, HIDDEN_KIND,
                  "Skjult værdi ('..'): tallet er diskretioneret i kilden og regnes som manglende, ikke som nul.",
                  row, column, cell)


def _text(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(ERROR, TEXT_KIND,
                  f"Tekst hvor der skal stå et tal: '{show(cell)}'. Skriv et tal (fx 12 eller 12,5), eller lad "
                  "cellen stå tom, hvis tallet ikke kendes.", row, column, cell)


def _negative(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(ERROR, NEGATIVE_KIND,
                  f"Negativt tal: {show(cell)}. Et antal kan ikke være negativt; ret tallet.", row, column, cell)


def _value(sheet: SheetData, cell: object, row: int, column: str) -> float | None:
    v = parse_number(cell)
    if v is None:
        return None
    if v == HIDDEN:
        _hidden(sheet, row, column, cell)
        return None
    if isinstance(v, str):
        _text(sheet, row, column, cell)
        return None
    if v < 0:
        _negative(sheet, row, column, cell)
        return None
    return v


# ---- the shapes --------------------------------------------------------------------------------

def parse_sheet(rows: list[list], file: str, sheet_name: str, config: Config,
                row_offset: int = 0, col_offset: int = 0) -> SheetData:
    """Read every table in one sheet into canonical rows and findings.

    `sheet_name` is "" for a CSV file (it has no sheets); offsets are where `rows[0][0]` sits.
    """
    sheet = SheetData(file, sheet_name, config)
    from csr.importers.person_list import SHAPE, detect_person_list, read_person_list, refuse_person_numbers

    layout = detect_person_list(rows, config)  # an HR person list: counted per month, identifiers never kept
    if layout is not None:
        read_person_list(rows, layout, sheet, row_offset, col_offset)
        sheet.shape = SHAPE
    if layout is not None or refuse_person_numbers(rows, sheet, row_offset, col_offset):
        sheet.close_counts()
        return sheet
    shapes: list[str] = []
    start = 0
    base = Context()
    while start < len(rows):
        header = find_header(rows, start, config)
        if header is None:
            break
        ctx = context_from_rows(rows[start:header.row], config, base, row_offset + start + 1)
        if not shapes:
            base = ctx
        if header.placement:
            end = _parse_placements(rows, header, ctx, sheet, row_offset, col_offset)
            shapes.append("praktikpladser")
        elif header.periods:
            end = _parse_wide(rows, header, ctx, sheet, row_offset, col_offset)
            shapes.append("periode i kolonner")
        else:
            end = _parse_long(rows, header, ctx, sheet, row_offset, col_offset)
            shapes.append("ordning i kolonner" if header.scheme_cols else "lang tabel")
        start = max(end, header.row + 1)
    if not shapes:
        _no_table(rows, sheet, sheet_name)
    else:
        _unread_rows(rows, start, sheet, row_offset)
    sheet.shape = ", ".join(dict.fromkeys(shapes))
    sheet.close_counts()
    return sheet


def _numeric_cells(rows: list[list]) -> int:
    return sum(isinstance(parse_number(c), float) for r in rows for c in r if not is_blank(c))


def _no_table(rows: list[list], sheet: SheetData, sheet_name: str) -> None:
    if not sheet_name:
        return  # a CSV file: the file-level error says it
    head = rows[:200]
    if _numeric_cells(head):
        sheet.finding(WARNING, "Ark uden genkendelig tabel",
                      f"Arket '{sheet_name}' har tal, men ingen overskriftsrække, der kan genkendes (fx Kommune, "
                      "Måned, Ordning, Antal eller måneder hen over kolonnerne), og er sprunget over.")
    elif any(not is_blank(c) for r in head for c in r):
        sheet.finding(NOTE, "Ark uden tabel",
                      f"Arket '{sheet_name}' indeholder ingen tabel med tal og er sprunget over.")


def _unread_rows(rows: list[list], start: int, sheet: SheetData, row_offset: int) -> None:
    """Numbers below the last table that no table took in: say so rather than drop them silently."""
    if start >= len(rows) or len(rows) - start > 10_000:
        return
    numbered = [i for i in range(start, len(rows)) if _numeric_cells([rows[i]])
                and not any(isinstance(c, str) and is_footnote(c) for c in rows[i][:1])]
    if numbered:
        first, last = row_offset + numbered[0] + 1, row_offset + numbered[-1] + 1
        where = f"række {first}" if first == last else f"rækkerne {first}-{last}"
        sheet.finding(WARNING, "Rækker ikke læst",
                      f"Rækker ikke læst: {where} har tal, men hører ikke til en tabel med en overskriftsrække. "
                      "Giv dem en overskrift som tabellen ovenfor, eller fjern dem.", first)


def _default_municipality(ctx: Context, sheet: SheetData, config: Config, row: int) -> int | None:
    """The municipality of a table without a municipality column: the title's, else the home's."""
    if ctx.unknown is not None:
        name, title_row = ctx.unknown
        near = config.nearest_municipalities(name)
        hint = f" Mente du {_or_list(near)}?" if near else ""
        sheet.finding(ERROR, "Ukendt kommune",
                      f"Ukendt kommune '{name}' i titlen over tabellen.{hint} Ret navnet, så tallene kan "
                      "henføres til den rigtige kommune.", title_row, "", name)
        ctx.unknown = None
        ctx.code = -1  # said once; the table's rows are checked but not kept
        return None
    if ctx.code is not None:
        return ctx.code if ctx.code > 0 else None
    sheet.finding(NOTE, "Ingen kommune angivet",
                  f"Ingen kommune angivet: tallene i tabellen er læst som {config.home_name} Kommunes.", row)
    ctx.code = config.home
    return config.home


# ---- long tables, column-wise ------------------------------------------------------------------

_NUM, _BLANK, _HIDDEN, _TEXT, _NEG = 0, 1, 2, 3, 4
_P_OK, _P_BLANK, _P_BAD = 0, 1, 2
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
    return (np.zeros(m + 1, np.int32), np.full(m + 1, "", dtype=object), np.zeros(m + 1, np.int8),
            np.full(m + 1, _P_BLANK, np.int8))


def _periods(cells: np.ndarray) -> _Periods:
    codes, uniq = _factorize(cells)
    year, kind, index, state = _period_table(len(uniq))
    for k, u in enumerate(uniq):
        if is_blank(u):
            continue
        p = parse_period(u)
        if p is None:
            state[k] = _P_BAD
        else:
            year[k], kind[k], index[k] = p
            state[k] = _P_OK
    return _Periods(codes, year, kind, index, state, [show(u) for u in uniq] + [""])


def _month_number(cell: object) -> int | None:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and float(cell).is_integer():
        return int(cell) if 1 <= cell <= 12 else None
    if isinstance(cell, str):
        s = cell.strip().casefold().rstrip(".")
        if s.isdigit():
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


def _long_end(body: list[list], has_value: np.ndarray, textish: np.ndarray, period_ok: np.ndarray,
              config: Config) -> int:
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


def _row_findings(sheet: SheetData, mask: np.ndarray, report, excel_rows: np.ndarray, column: str,
                  cells: np.ndarray, severity: str, kind: str) -> None:
    idx = np.flatnonzero(mask)
    for i in idx[:MAX_FINDINGS_PER_KIND]:
        report(sheet, int(excel_rows[i]), column, cells[i])
    sheet.more(severity, kind, len(idx) - MAX_FINDINGS_PER_KIND)


def _parse_long(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                col_offset: int) -> int:
    """A long table; returns the index of the first row after it."""
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
        pcol = roles.get("period", roles.get("year"))
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
                _row_findings(sheet, missing, _missing_municipality, excel_rows, letter(mcol), np.full(n, ""),
                              ERROR, "Kommune mangler")
        skip_findings = uaggregate[mun]  # aggregate areas: left out without further findings
    else:
        first_value = int(excel_rows[has_value.argmax()]) if has_value.any() else int(excel_rows[0])
        default = _default_municipality(ctx, sheet, config, first_value) if has_value.any() else None
        mun = np.zeros(n, np.intp)
        ucode = np.array([_SKIP_MUN if default is None else default], np.int64)
        skip_findings = np.zeros(n, bool)
    codes = ucode[mun]

    relevant = has_value & ~skip_findings
    # Periods that cannot be read.
    pcells = np.array(periods.shown, dtype=object)[periods.codes]
    _row_findings(sheet, relevant & (pstate == _P_BLANK), _missing_period, excel_rows, letter(pcol), pcells,
                  ERROR, "Måned mangler")
    _row_findings(sheet, relevant & (pstate == _P_BAD), _bad_period, excel_rows, letter(pcol), pcells,
                  ERROR, "Måned kan ikke læses")

    # Schemes: a column, a scheme per value column, or the title's. `sch` maps rows to entries of `sid`.
    if "scheme" in roles and not header.scheme_cols:
        scol = roles["scheme"]
        sch, suniq = _factorize(_column(body, scol))
        blank = np.append(np.fromiter((is_blank(u) for u in suniq), bool, len(suniq)), True)
        sid = np.full(len(suniq) + 1, None, dtype=object)
        for u, i in _first_rows(sch, relevant & ~blank[sch]):
            sid[u] = resolver.scheme(suniq[u], int(excel_rows[i]), letter(scol))
        _row_findings(sheet, relevant & blank[sch], _missing_scheme, excel_rows, letter(scol), np.full(n, ""),
                      ERROR, "Ordning mangler")
        scheme_ok = np.fromiter((x is not None for x in sid), bool, len(sid))[sch]
    elif header.scheme_cols or ctx.scheme:
        sch, sid, scheme_ok = np.zeros(n, np.intp), np.array([ctx.scheme], dtype=object), np.ones(n, bool)
    else:
        if has_value.any():
            sheet.finding(ERROR, "Ordning ikke angivet",
                          "Ordning ikke angivet: tabellen har hverken en kolonne 'Ordning' eller en titel, der "
                          "nævner ordningen. Tilføj en kolonne 'Ordning' med ordningens navn.",
                          row_offset + header.row + 1)
        return start + end

    good_rows = (pstate == _P_OK) & (codes > 0) & scheme_ok
    names = [config.municipality(int(c)).name if c > 0 else "" for c in ucode]
    for j, scheme, cells, v, kinds in values:
        column = letter(j)
        _row_findings(sheet, ~skip_findings & (kinds == _TEXT), _text, excel_rows, column, cells, ERROR, TEXT_KIND)
        _row_findings(sheet, ~skip_findings & (kinds == _NEG), _negative, excel_rows, column, cells, ERROR,
                      NEGATIVE_KIND)
        _row_findings(sheet, ~skip_findings & (kinds == _HIDDEN), _hidden, excel_rows, column, cells, WARNING,
                      HIDDEN_KIND)
        ok = np.flatnonzero(good_rows & (kinds == _NUM))
        if not len(ok):
            continue
        schemes = sid if scheme is None else np.array([scheme], dtype=object)
        if j == roles.get("persons") and not header.scheme_cols and (
                ctx.fte or "virksomhedspraktik" in set(sid[np.unique(sch[ok])])):
            _only_persons(sheet, row_offset + header.row + 1, column)
        pc = periods.codes[ok]
        sheet.frames.append(pd.DataFrame({
            "municipality": _strings(names, mun[ok]),
            "code": codes[ok].astype(np.int32),
            "year": periods.year[pc],
            "period": _strings(periods.kind, pc),
            "index": periods.index[pc],
            "scheme": _strings(schemes, sch[ok] if scheme is None else np.zeros(len(ok), np.intp)),
            "value": v[ok],
            "row": excel_rows[ok],
            "column": _strings([column], np.zeros(len(ok), np.intp)),
        }))
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


def _strings(labels, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A string column from a few distinct labels and each row's index into them (fast, no per-row work)."""
    return pd.array([str(x) for x in labels], dtype="str").take(index)


def _only_persons(sheet: SheetData, row: int, column: str) -> None:
    sheet.finding(WARNING, "Kun antal personer",
                  "Kun antal personer: strategien opgør virksomhedspraktik i fuldtidspersoner, men tabellen har kun "
                  "antal personer. Hent tallene som fuldtidspersoner fra jobindsats.dk.", row, column)


def _missing_municipality(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(ERROR, "Kommune mangler",
                  "Kommune mangler: rækken har et tal, men ingen kommune. Skriv kommunens navn eller KRL-kode.",
                  row, column)


def _missing_scheme(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(ERROR, "Ordning mangler",
                  "Ordning mangler: rækken har et tal, men ingen ordning. Skriv ordningens navn.", row, column)


def _missing_period(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(ERROR, "Måned mangler",
                  "Måned mangler: rækken har et tal, men ingen måned. Skriv fx 2019-02, feb 2019 eller en "
                  "Excel-dato.", row, column)


def _bad_period(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(ERROR, "Måned kan ikke læses",
                  f"Måned kan ikke læses: '{cell}'. Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato.",
                  row, column, cell)


# ---- wide tables -------------------------------------------------------------------------------

_MEASURES = ("fte", "value", "persons")  # in order of preference


def _label_roles(rows, header: Header, config: Config) -> dict[int, str]:
    """Which columns left of the periods label municipalities, schemes or measures."""
    labels: dict[int, str] = {}
    for role in ("municipality", "scheme"):
        if role in header.roles and header.roles[role] not in header.periods:
            labels[header.roles[role]] = role
    first_period = min(header.periods)
    body = rows[header.row + 1: header.row + 200]
    for j in range(first_period):
        if j in labels:
            continue
        values = [r[j] for r in body if j < len(r) and isinstance(r[j], str) and r[j].strip()]
        if not values:
            continue
        sch = sum(config.match_scheme(v) is not None for v in values)
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


def _side_by_side(rows, header: Header, config: Config) -> dict[int, object]:
    """Municipality names written above the period columns (side-by-side blocks), forward-filled."""
    for i in range(header.row - 1, max(-1, header.row - 4), -1):
        row = rows[i]
        found = {j: row[j] for j in header.periods if j < len(row) and isinstance(row[j], str)
                 and (_municipality_in_text(row[j], config) is not None or config.is_aggregate(row[j]))}
        if found:
            result: dict[int, object] = {}
            current = None
            for j in sorted(header.periods):
                if j < len(row) and not is_blank(row[j]):
                    current = row[j]
                result[j] = current
            return result
    return {}


def _sub_heading(row: list, config: Config) -> int | None:
    """A row with one text and no figures that names a municipality ("Esbjerg Kommune"): its code."""
    texts = [c for c in row if isinstance(c, str) and c.strip()]
    if len(texts) != 1 or config.match_scheme(texts[0]) is not None:
        return None
    return _municipality_in_text(texts[0], config)


def _parse_wide(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                col_offset: int) -> int:
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
        found = {header_role(r[measure_col]) for r in rows[header.row + 1:] if measure_col < len(r)}
        measure = next(m for m in _MEASURES if m in found)
        if measure == "persons" and ctx.scheme == "virksomhedspraktik":
            _only_persons(sheet, row_offset + header.row + 1, column_letter(col_offset + measure_col))
    resolver = Resolver(config, sheet)
    period_cols = sorted(header.periods)
    letters = {j: column_letter(col_offset + j) for j in period_cols}
    for j, cell in header.bad_periods.items():
        _bad_period(sheet, row_offset + header.row + 1, column_letter(col_offset + j), show(cell))
    # Side by side: municipality names above the period columns. None: unknown (check only); skipped columns absent.
    column_codes: dict[int, int | None] | None = None
    above = _side_by_side(rows, header, config)
    if above:
        column_codes = {}
        for j, label in above.items():
            if label is None:
                continue
            code = _above_code(label, resolver, row_offset + header.row, letters[j])
            if code is not None or not config.is_aggregate(label):
                column_codes[j] = code
    last_data = header.row
    current_mun: object = None
    heading_code: int | None = None
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
                    isinstance(c, str) and config.match_scheme(c) is not None for c in row):
                return last_data + 1  # text that is neither a scheme nor a municipality: the table has ended
            i += 1
            continue
        first_value = values[0][1]
        if not isinstance(first_value, (int, float)) and parse_period(first_value) is not None \
                and _classify_header(row, config) is not None:
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
        code: int | None
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
            sheet.finding(ERROR, "Ordning ikke angivet",
                          "Ordning ikke angivet: tabellen har hverken en kolonne med ordninger eller en titel, der "
                          "nævner ordningen. Tilføj en kolonne med ordningernes navne.", excel_row)
            return len(rows)
        for j, cell in values:
            if column_codes is not None and current_mun is None and heading_code is None:
                if j not in column_codes:
                    continue  # an aggregate area's column
                col_code = column_codes[j]
            else:
                col_code = code
            value = _value(sheet, cell, excel_row, letters[j])
            if value is None or scheme is None or col_code is None:
                continue
            year, kind, index = header.periods[j]
            sheet.add(col_code, config.municipality(col_code).name, year, kind, index, scheme, value,
                      excel_row, letters[j])
    return len(rows)


def _above_code(label: object, resolver: Resolver, row: int, column: str) -> int | None:
    if isinstance(label, str) and resolver.config.match_municipality(label) is None:
        code = _municipality_in_text(label, resolver.config)
        if code is not None:
            return code
    return resolver.municipality(label, row, column)


# ---- placement obligations ----------------------------------------------------------------------

def _parse_placements(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                      col_offset: int) -> int:
    p = header.placement
    year_value: int | None = None
    for i in range(header.row + 1, len(rows)):
        row = rows[i]
        excel_row = row_offset + i + 1

        def cell(role: str, row=row) -> object:
            j = p.get(role)
            return row[j] if j is not None and j < len(row) else None

        education = cell("education")
        if all(is_blank(c) for c in row):
            continue
        first = next(c for c in row if not is_blank(c))
        if isinstance(first, str) and is_footnote(first) and is_blank(cell("agreed")):
            return i
        if _classify_header(row, sheet.config) is not None:
            return i
        if is_blank(education):
            continue
        year_cell = cell("year")
        if not is_blank(year_cell):
            year = parse_period(year_cell)
            if year is None:
                sheet.finding(ERROR, "År kan ikke læses",
                              f"År kan ikke læses: '{show(year_cell)}'. Skriv året som fx 2024.",
                              excel_row, column_letter(col_offset + p["year"]), year_cell)
                continue
            year_value = year[0]  # a blank year cell below repeats this one
        if year_value is None:
            sheet.finding(ERROR, "År mangler",
                          "År mangler: rækken har ingen kolonne 'År' med året. Skriv året som fx 2024.", excel_row)
            continue
        values = {}
        for role in ("agreed", "realised"):
            values[role] = None if role not in p else _value(
                sheet, cell(role), excel_row, column_letter(col_offset + p[role]))
        sheet.placements.append({
            "year": year_value, "education": str(education).strip(),
            "agreed": values["agreed"], "realised": values["realised"],
            "file": sheet.file, "sheet": sheet.sheet, "row": excel_row,
        })
    return len(rows)

"""From a sheet's cells to canonical rows, whatever the shape.

A sheet is a list of rows of cells (None, str, float, int, bool, date). Three shapes are read:
- long tables: a period (or year) column, value columns, and municipality/scheme columns or a title
  line naming them (the project's template, jobindsats.dk with `Periode`, Danish CSV);
- wide tables: periods across the columns (KRL pivots, jobindsats.dk with one column per period),
  schemes and/or municipalities down the rows, stacked blocks or municipalities side by side;
- placement obligations: year, education, agreed and realised places.
Title rows above a header and footnotes below are allowed; a sheet with no table is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from csr.config import HEADCOUNT, Config
from csr.importers.cells import (
    HIDDEN,
    column_letter,
    format_period,
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
    _counts: dict[str, int] = field(default_factory=dict)

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
        n = self._counts.get(kind, 0) + 1
        self._counts[kind] = n
        if n <= MAX_FINDINGS_PER_KIND:
            self.findings.append(Finding(severity, message, self.file, self.sheet, row, column,
                                         "" if value is None else str(value)))

    def close_counts(self) -> None:
        for kind, n in self._counts.items():
            if n > MAX_FINDINGS_PER_KIND:
                severity = next((f.severity for f in self.findings if f.message.startswith(kind)), WARNING)
                self.findings.append(Finding(
                    severity, f"{n - MAX_FINDINGS_PER_KIND} flere tilfælde af samme slags som ovenfor "
                    f"({kind}).", self.file, self.sheet))

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


_COLS = ("municipality", "code", "year", "period", "index", "scheme", "value", "row", "column")


@dataclass
class Header:
    row: int
    roles: dict[str, int]
    periods: dict[int, tuple[int, str, int]]
    placement: dict[str, int]


@dataclass
class Context:
    """What title lines above a table say: the municipality, the scheme, full-time persons."""

    code: int | None = None
    scheme: str | None = None
    fte: bool = False
    year: int | None = None


# ---- header detection ------------------------------------------------------------------------

def _placement_role(cell: object, config: Config) -> str | None:
    if not isinstance(cell, str):
        return None
    key = normalize(cell)
    for role, aliases in config.placement_aliases.items():
        if key in {normalize(a) for a in aliases}:
            return role
    return None


def _classify_header(row: list, config: Config) -> Header | None:
    roles: dict[str, int] = {}
    placement: dict[str, int] = {}
    periods: dict[int, tuple[int, str, int]] = {}
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
            if prole is None:
                continue
        if prole:
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
    if "education" in placement and ("agreed" in placement or "realised" in placement):
        if "year" in roles:
            placement["year"] = roles["year"]
        return Header(-1, roles, {}, placement)
    if len(year_ints) >= 2 and not periods:
        periods = year_ints
    elif year_ints:
        numbers += len(year_ints)
    if numbers:
        return None
    has_value = any(r in roles for r in ("value", "persons", "fte"))
    if ("period" in roles or "year" in roles) and has_value and not periods:
        return Header(-1, roles, {}, {})
    label_roles = [r for r in ("municipality", "scheme") if r in roles]
    if len(periods) >= 2 or (periods and label_roles):
        return Header(-1, roles, periods, {})
    return None


def find_header(rows: list[list], start: int, config: Config) -> Header | None:
    for i in range(start, min(len(rows), start + HEADER_SCAN_ROWS)):
        header = _classify_header(rows[i], config)
        if header is not None:
            header.row = i
            return header
    return None


# ---- context from title lines ----------------------------------------------------------------

def context_from_rows(rows: list[list], config: Config, base: Context | None = None) -> Context:
    ctx = Context(base.code, base.scheme, base.fte, base.year) if base else Context()
    for row in rows:
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.strip()
            code = _municipality_in_text(text, config)
            if code is not None:
                ctx.code = code
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
    words = [w for w in text.replace(",", " ").replace(":", " ").replace("–", " ").split() if w]
    for n in (3, 2, 1):
        for k in range(len(words) - n + 1):
            chunk = " ".join(words[k:k + n])
            if len(normalize_municipality(chunk)) < 3:
                continue
            code = config.match_municipality(chunk)
            if code is not None and not chunk.strip().isdigit():
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
        if label in self._mun:
            return self._mun[label]
        cfg = self.config
        code = cfg.match_municipality(label)
        if code is None:
            if cfg.is_aggregate(label):
                self.sheet.finding(NOTE, "Samleområde sprunget over",
                                   f"Samleområde sprunget over: '{label}' er ikke en kommune og indgår ikke.",
                                   row, column, label)
            else:
                near = cfg.nearest_municipalities(label)
                hint = f" Mente du {_or_list(near)}?" if near else ""
                self.sheet.finding(ERROR, "Ukendt kommune",
                                   f"Ukendt kommune '{label}'.{hint}", row, column, label)
        elif code != cfg.home and code not in cfg.neighbours:
            self.sheet.finding(WARNING, "Kommune uden for sammenligningen",
                               f"Kommune uden for sammenligningen: {cfg.municipality(code).name} er hverken "
                               f"{cfg.home_name} eller en omegnskommune; tallene gemmes, men indgår ikke "
                               "i nogen sammenligning.", row, column, label)
        self._mun[label] = code
        return code

    def scheme(self, label: object, row: int, column: str) -> str | None:
        if label in self._sch:
            return self._sch[label]
        sid = self.config.match_scheme(label)
        if sid is None:
            near = self.config.nearest_schemes(label)
            hint = f" Mente du {_or_list(near)}?" if near else ""
            self.sheet.finding(ERROR, "Ukendt ordning", f"Ukendt ordning '{label}'.{hint}", row, column, label)
        self._sch[label] = sid
        return sid


def _or_list(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]


# ---- the value of one cell ---------------------------------------------------------------------

def _value(sheet: SheetData, cell: object, row: int, column: str) -> float | None:
    v = parse_number(cell)
    if v is None:
        return None
    if v == HIDDEN:
        sheet.finding(WARNING, "Skjult værdi",
                      "Skjult værdi ('..'): tallet er diskretioneret i kilden og regnes som manglende, ikke nul.",
                      row, column, cell)
        return None
    if isinstance(v, str):
        sheet.finding(ERROR, "Tekst hvor der skal stå et tal",
                      f"Tekst hvor der skal stå et tal: '{v}'. Skriv et tal (fx 12 eller 12,5) eller lad "
                      "cellen stå tom.", row, column, v)
        return None
    if v < 0:
        sheet.finding(ERROR, "Negativt tal", f"Negativt tal: {cell}. Antal kan ikke være negativt.",
                      row, column, cell)
        return None
    return v


# ---- the shapes --------------------------------------------------------------------------------

def parse_sheet(rows: list[list], file: str, sheet_name: str, config: Config,
                row_offset: int = 0, col_offset: int = 0) -> SheetData:
    """Read every table in one sheet into canonical rows and findings."""
    sheet = SheetData(file, sheet_name, config)
    shapes: list[str] = []
    start = 0
    base = Context()
    while start < len(rows):
        header = find_header(rows, start, config)
        if header is None:
            break
        ctx = context_from_rows(rows[start:header.row], config, base)
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
            shapes.append("lang tabel")
        start = max(end, header.row + 1)
    if not shapes:
        if any(not is_blank(c) for r in rows[:200] for c in r):
            sheet.finding(NOTE, "Ark uden tabel",
                          f"Arket '{sheet_name}' indeholder ingen tabel med tal og er sprunget over.")
        sheet.shape = ""
    else:
        sheet.shape = ", ".join(dict.fromkeys(shapes))
    sheet.close_counts()
    return sheet


def _default_municipality(ctx: Context, sheet: SheetData, config: Config, row: int) -> int:
    if ctx.code is not None:
        return ctx.code
    sheet.finding(NOTE, "Ingen kommune angivet",
                  f"Ingen kommune angivet: tallene er læst som {config.home_name} Kommunes.", row)
    return config.home


def _parse_long(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                col_offset: int) -> int:
    """A long table, read column-wise so that a million rows stay fast."""
    config = sheet.config
    roles = header.roles
    body = rows[header.row + 1:]
    if not body:
        return len(rows)
    width = max(len(r) for r in body[:1000])
    columns = list(zip(*(r if len(r) >= width else list(r) + [None] * (width - len(r)) for r in body)))
    n = len(body)
    first_row = row_offset + header.row + 2  # Excel row number of body[0]

    if "fte" in roles:
        value_col = roles["fte"]
    elif "value" in roles:
        value_col = roles["value"]
    else:
        value_col = roles["persons"]
        if ctx.scheme == "virksomhedspraktik" or ctx.fte:
            sheet.finding(WARNING, "Kun antal personer",
                          "Kun antal personer: strategien opgør virksomhedspraktik i fuldtidspersoner, men "
                          "arket har kun antal personer.")
    vcol = column_letter(col_offset + value_col)
    period_col = roles.get("period", roles.get("year"))
    pcol = column_letter(col_offset + period_col)

    frame = pd.DataFrame({
        "p": pd.array(columns[period_col], dtype=object),
        "v": pd.array(columns[value_col], dtype=object),
    })
    frame["r"] = range(first_row, first_row + n)
    if "municipality" in roles:
        frame["m"] = pd.array(columns[roles["municipality"]], dtype=object)
    if "scheme" in roles:
        frame["s"] = pd.array(columns[roles["scheme"]], dtype=object)

    # Rows with neither period nor value are blank lines or footnotes.
    p_blank = frame["p"].map(is_blank, na_action=None)
    v_blank = frame["v"].map(is_blank, na_action=None)
    keep = ~(p_blank & v_blank)
    frame = frame[keep]
    if frame.empty:
        return len(rows)

    # Periods, once per distinct value.
    uniq = frame["p"].drop_duplicates()
    pmap = {u: parse_period(u) for u in uniq}
    parsed = frame["p"].map(pmap)
    bad = parsed.isna()
    for r, p in zip(frame.loc[bad, "r"], frame.loc[bad, "p"]):
        sheet.finding(ERROR, "Måned kan ikke læses",
                      f"Måned kan ikke læses: '{p}'. Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato.",
                      int(r), pcol, p)
    frame = frame[~bad]
    parsed = parsed[~bad]

    # Values: fast path for numbers, the cell parser for text.
    numeric = pd.to_numeric(frame["v"], errors="coerce")
    need = numeric.isna() & ~frame["v"].map(is_blank)
    if need.any():
        for idx in frame.index[need]:
            numeric.at[idx] = _value(sheet, frame.at[idx, "v"], int(frame.at[idx, "r"]), vcol)
    neg = numeric < 0
    if neg.any():
        for idx in frame.index[neg]:
            _value(sheet, frame.at[idx, "v"], int(frame.at[idx, "r"]), vcol)
        numeric[neg] = float("nan")
    frame = frame.assign(value=numeric.astype("float64"))

    resolver = Resolver(config, sheet)
    # Municipalities.
    if "m" in frame:
        mcol = column_letter(col_offset + roles["municipality"])
        first = frame.drop_duplicates("m")
        mmap = {m: resolver.municipality(m, int(r), mcol) for m, r in zip(first["m"], first["r"])}
        codes = frame["m"].map(mmap)
    else:
        code = _default_municipality(ctx, sheet, config, first_row)
        codes = pd.Series(code, index=frame.index, dtype="float64")
    # Schemes.
    if "s" in frame:
        scol = column_letter(col_offset + roles["scheme"])
        first = frame.drop_duplicates("s")
        smap = {s: resolver.scheme(s, int(r), scol) for s, r in zip(first["s"], first["r"])}
        schemes = frame["s"].map(smap)
    elif ctx.scheme:
        schemes = pd.Series(ctx.scheme, index=frame.index, dtype=object)
    else:
        sheet.finding(ERROR, "Ordning ikke angivet",
                      "Ordning ikke angivet: tabellen har hverken en kolonne 'Ordning' eller en titel, der "
                      "nævner ordningen.", header.row + row_offset + 1)
        return len(rows)

    ok = codes.notna() & schemes.notna() & frame["value"].notna()
    if not ok.any():
        return len(rows)
    frame = frame[ok]
    parsed = parsed[ok]
    codes = codes[ok].astype("int32")
    names = codes.map({c: config.municipality(c).name for c in codes.unique()})
    sheet.frames.append(pd.DataFrame({
        "municipality": names.to_numpy(dtype=object),
        "code": codes.to_numpy(),
        "year": [p[0] for p in parsed],
        "period": [p[1] for p in parsed],
        "index": [p[2] for p in parsed],
        "scheme": schemes[ok].to_numpy(dtype=object),
        "value": frame["value"].to_numpy(),
        "row": frame["r"].to_numpy(dtype="int32"),
        "column": vcol,
    }))
    return len(rows)


def _label_roles(rows, header: Header, config: Config) -> dict[int, str]:
    """Which columns left of (or among) the periods label municipalities or schemes."""
    labels: dict[int, str] = {}
    for role in ("municipality", "scheme"):
        if role in header.roles:
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
        if sch == 0 and mun == 0:
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
                 and (config.match_municipality(row[j]) is not None or config.is_aggregate(row[j]))}
        if found:
            result: dict[int, object] = {}
            current = None
            for j in sorted(header.periods):
                if j < len(row) and not is_blank(row[j]):
                    current = row[j]
                result[j] = current
            return result
    return {}


def _parse_wide(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                col_offset: int) -> int:
    config = sheet.config
    labels = _label_roles(rows, header, config)
    mun_cols = [j for j, r in labels.items() if r == "municipality"]
    sch_cols = [j for j, r in labels.items() if r == "scheme"]
    above = _side_by_side(rows, header, config)
    resolver = Resolver(config, sheet)
    period_cols = sorted(header.periods)
    letters = {j: column_letter(col_offset + j) for j in period_cols}
    seen_data = False
    current_mun: object = None
    i = header.row + 1
    while i < len(rows):
        row = rows[i]
        excel_row = row_offset + i + 1
        label_cells = {j: row[j] if j < len(row) else None for j in labels}
        values = [(j, row[j]) for j in period_cols if j < len(row) and not is_blank(row[j])]
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if not values:
            if all(is_blank(c) for c in row):
                if seen_data:
                    return i
                i += 1
                continue
            if texts and is_footnote(texts[0]):
                return i
            if _classify_header(row, config) is not None:
                return i
            # A label without values: a title of a stacked block or an empty scheme row.
            if seen_data and not any(config.match_scheme(t) for t in texts):
                return i
            i += 1
            continue
        if _classify_header(row, config) is not None:
            return i
        seen_data = True
        # Municipality of the row.
        code: int | None
        if mun_cols:
            cell = label_cells[mun_cols[0]]
            if not is_blank(cell):
                current_mun = cell
            if current_mun is None:
                code = _default_municipality(ctx, sheet, config, excel_row)
            else:
                code = resolver.municipality(current_mun, excel_row, column_letter(col_offset + mun_cols[0]))
                if code is None:
                    i += 1
                    continue
        else:
            code = None if above else _default_municipality(ctx, sheet, config, excel_row)
        # Scheme of the row.
        if sch_cols:
            cell = label_cells[sch_cols[0]]
            if is_blank(cell):
                sheet.finding(ERROR, "Ordning mangler", "Ordning mangler: rækken har tal, men ingen ordning.",
                              excel_row, column_letter(col_offset + sch_cols[0]))
                i += 1
                continue
            scheme = resolver.scheme(cell, excel_row, column_letter(col_offset + sch_cols[0]))
        elif ctx.scheme:
            scheme = ctx.scheme
        else:
            sheet.finding(ERROR, "Ordning ikke angivet",
                          "Ordning ikke angivet: tabellen har hverken en kolonne med ordninger eller en "
                          "titel, der nævner ordningen.", excel_row)
            return len(rows)
        if scheme is None:
            i += 1
            continue
        for j, cell in values:
            value = _value(sheet, cell, excel_row, letters[j])
            if value is None:
                continue
            col_code = code
            if above:
                label = above.get(j)
                if label is None:
                    continue
                col_code = resolver.municipality(label, row_offset + header.row, letters[j])
                if col_code is None:
                    continue
            if col_code is None:
                continue
            year, kind, index = header.periods[j]
            sheet.add(col_code, config.municipality(col_code).name, year, kind, index, scheme, value,
                      excel_row, letters[j])
        i += 1
    return len(rows)


def _parse_placements(rows, header: Header, ctx: Context, sheet: SheetData, row_offset: int,
                      col_offset: int) -> int:
    p = header.placement
    for i in range(header.row + 1, len(rows)):
        row = rows[i]
        excel_row = row_offset + i + 1

        def cell(role: str) -> object:
            j = p.get(role)
            return row[j] if j is not None and j < len(row) else None

        education = cell("education")
        if all(is_blank(c) for c in row):
            continue
        if isinstance(education, str) and is_footnote(education) and is_blank(cell("agreed")):
            break
        if is_blank(education):
            continue
        year_cell = cell("year")
        year = parse_period(year_cell) if year_cell is not None else None
        if year is None:
            year_value = ctx.year
            if year_value is None:
                sheet.finding(ERROR, "År kan ikke læses", f"År kan ikke læses: '{year_cell}'.",
                              excel_row, column_letter(col_offset + p.get("year", 0)), year_cell)
                continue
        else:
            year_value = year[0]
        values = {}
        for role in ("agreed", "realised"):
            if role not in p:
                values[role] = None
                continue
            values[role] = _value(sheet, cell(role), excel_row, column_letter(col_offset + p[role]))
        sheet.placements.append({
            "year": year_value, "education": str(education).strip(),
            "agreed": values["agreed"], "realised": values["realised"],
            "file": sheet.file, "sheet": sheet.sheet, "row": excel_row,
        })
    return len(rows)

"""Finding a table's header row and what the title lines above it say (municipality, scheme, measure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from csr.config import HEADCOUNT, Config
from csr.importers.cells import (
    MONTH_NAMES,
    header_role,
    is_blank,
    is_moving_total,
    parse_period,
)
from csr.names import normalize, normalize_municipality

HEADER_SCAN_ROWS = 60


@dataclass
class Header:
    row: int
    roles: dict[str, int]
    periods: dict[int, tuple[int, str, int]]
    placement: dict[str, int]
    scheme_cols: dict[int, str] = field(default_factory=dict)
    bad_periods: dict[int, object] = field(default_factory=dict)  # header cells that look like months but aren't
    moving: dict[int, object] = field(default_factory=dict)  # moving annual totals ("2023QMAT02"): skipped


@dataclass
class Context:
    """What title lines above a table say: the municipality, the scheme, full-time persons."""

    code: int | None = None
    scheme: str | None = None
    fte: bool = False
    unknown: tuple[str, int] | None = None  # a title naming a municipality that does not exist, and its row
    aggregate: str | None = None  # a title naming an aggregate area ("Hele landet") and no municipality
    aggregate_row: int | None = None


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
    moving: dict[int, object] = {}
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
        elif is_moving_total(cell):
            moving[j] = cell
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
        return Header(-1, roles, periods, {}, bad_periods=bad, moving=moving)
    return None


_PERIOD_LIKE = re.compile(
    r"\d{4}\s*[-/.mMqQkK]\s*\d{1,2}|\d{1,2}\s*[-/.]\s*\d{4}|([a-zæøå]{3,})\.?\s*[-/ ]\s*\d{4}", re.IGNORECASE
)
_MONTH_PREFIXES = {name[:3] for name in MONTH_NAMES}


def _looks_like_period(cell: object) -> bool:
    """A header cell that was meant as a month but cannot be read ("2019-13", "febuar 2019")."""
    if not isinstance(cell, str):
        return False
    m = _PERIOD_LIKE.fullmatch(cell.strip())
    return m is not None and (m.group(1) is None or m.group(1)[:3].casefold() in _MONTH_PREFIXES)


def _find_area_column(rows: list[list], header: Header, config: Config) -> None:
    """A column whose header is not a known word but whose cells name areas ("Hele landet", "Esbjerg",
    "580 Aabenraa") is the municipality column: a file that names its areas is never read as the home's."""
    if "municipality" in header.roles:
        return
    taken = set(header.roles.values()) | set(header.scheme_cols)
    body = rows[header.row + 1 : header.row + 201]
    for j in range(max((len(r) for r in body), default=0)):
        if j in taken:
            continue
        labels = {r[j].strip() for r in body if j < len(r) and isinstance(r[j], str) and r[j].strip()}
        if not labels or any(config.match_scheme(v) is not None for v in labels):
            continue
        areas = sum(_is_area(v, config) for v in labels)
        if areas and areas * 2 >= len(labels):
            header.roles["municipality"] = j
            return


def _is_area(label: str, config: Config) -> bool:
    if config.is_aggregate(label) or (not label.isdigit() and config.match_municipality(label) is not None):
        return True
    m = _CODE_AND_NAME.fullmatch(label)
    return m is not None and config.match_municipality(m.group(2) or m.group(3) or "") is not None


def find_header(rows: list[list], start: int, config: Config) -> Header | None:
    for i in range(start, min(len(rows), start + HEADER_SCAN_ROWS)):
        header = _classify_header(rows[i], config)
        if header is not None:
            header.row = i
            return header
    return None


# ---- context from title lines ----------------------------------------------------------------

_CODE_AND_NAME = re.compile(r"(\d{3,4})\s*[-–:]?\s*(\D.*)|(.*\D)\s*\((\d{3,4})\)")
_KOMMUNE_WORD = re.compile(r"([^\s,:;–-]+)\s+kommune\b", re.IGNORECASE)
_NOT_NAMES = {
    "hele",
    "egen",
    "din",
    "jeres",
    "vores",
    "samme",
    "anden",
    "hver",
    "enhver",
    "den",
    "denne",
    "pr",
    "per",
    "for",
    "fra",
    "til",
    "og",
    "eller",
    "alle",
    "samlet",
    "valgt",
    "valgte",
}


def _could_be_a_name(word: str) -> bool:
    """Whether the word before "Kommune" in a title is meant as a municipality's name ("Esbjerrg Kommune")."""
    return word[:1].isupper() and len(word) >= 3 and word.casefold() not in _NOT_NAMES


def context_from_rows(rows: list[list], config: Config, base: Context | None = None, first_row: int = 1) -> Context:
    """The municipality, scheme and measure that title lines name (`first_row`: Excel row of rows[0])."""
    ctx = Context(base.code, base.scheme, base.fte) if base else Context()
    for i, row in enumerate(rows):
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.strip()
            code = _municipality_in_text(text, config)
            if code is not None:
                ctx.code, ctx.unknown, ctx.aggregate = code, None, None
            elif (area := _aggregate_in_text(text, config)) is not None:
                ctx.aggregate, ctx.aggregate_row = area, first_row + i
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
            chunk = " ".join(words[k : k + n])
            if len(normalize_municipality(chunk)) < 3 or chunk.strip().isdigit():
                continue
            code = config.match_municipality(chunk)
            if code is not None:
                return code
    return None


def _aggregate_in_text(text: str, config: Config) -> str | None:
    """An aggregate area a title names ("Virksomhedspraktik, Hele landet"), as written, or None."""
    words = [w for w in re.split(r"[\s,:;–()]+", text) if w]
    for n in (3, 2):
        for k in range(len(words) - n + 1):
            chunk = " ".join(words[k : k + n])
            if config.is_aggregate(chunk) and normalize(chunk) != normalize("I alt"):
                return chunk
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

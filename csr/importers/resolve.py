"""Municipality and scheme labels to codes and ids, cell values to numbers, each with its Danish findings."""

from __future__ import annotations

import re

from csr.config import HEADCOUNT, Config
from csr.importers.cells import (
    HIDDEN,
    parse_number,
)
from csr.importers.header import _CODE_AND_NAME, Context
from csr.importers.sheetdata import SheetData, show
from csr.model import ERROR, NOTE, WARNING
from csr.names import normalize

# ---- resolution of names ---------------------------------------------------------------------


class Resolver:
    """Maps municipality and scheme labels to codes/ids once per distinct label, with findings."""

    def __init__(self, config: Config, sheet: SheetData):
        self.config = config
        self.sheet = sheet
        self._mun: dict[object, int | None] = {}
        self._sch: dict[object, str | None] = {}
        self.i_alt_is_total = False  # "I alt" totals the rows above it when the table has another headcount row
        self.totals: dict[object, str] = {}  # total-row labels met, for the sum check of the wide reader

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
                self.sheet.finding(
                    ERROR,
                    "Ukendt kommune",
                    f"Kode og navn passer ikke sammen: '{show(label)}'. {by_code} er "
                    f"{cfg.municipality(by_code).name}, ikke {cfg.municipality(by_name).name}. "
                    "Ret koden eller navnet.",
                    row,
                    column,
                    label,
                )
                self._mun[key] = None
                return None
        if code is None:
            if cfg.is_aggregate(label):
                self.sheet.finding(
                    NOTE,
                    "Samleområde sprunget over",
                    f"Samleområde sprunget over: '{show(label)}' er ikke en kommune, og rækkerne indgår ikke.",
                    row,
                    column,
                    label,
                )
            elif looks_like_cpr(label):
                self.sheet.finding(
                    ERROR,
                    "Ukendt kommune",
                    "Ukendt kommune: kommunekolonnen har en værdi, der ligner et personnummer. "
                    "Skriv kommunens navn (fx Aabenraa) eller KRL-kode (fx 580).",
                    row,
                    column,
                )
            else:
                near = cfg.nearest_municipalities(label)
                hint = f" Mente du {_or_list(near)}?" if near else ""
                self.sheet.finding(
                    ERROR,
                    "Ukendt kommune",
                    f"Ukendt kommune '{show(label)}'.{hint} Skriv kommunens navn (fx Aabenraa) "
                    "eller KRL-kode (fx 580).",
                    row,
                    column,
                    label,
                )
        self._mun[key] = code
        return code

    def scheme(self, label: object, row: int, column: str) -> str | None:
        key = _label_key(label)
        if key in self._sch:
            return self._sch[key]
        cfg = self.config
        sid = cfg.match_scheme(label)
        if sid == HEADCOUNT and self.i_alt_is_total and normalize(label) == "ialt":
            sid = None
            self._total(label, row, column)
        elif sid is None:
            if cfg.is_total_row(label):
                self._total(label, row, column)
            elif cfg.is_skipped_scheme(label):
                self.sheet.finding(
                    NOTE,
                    "Ordning sprunget over",
                    f"Ordning sprunget over: '{show(label)}' tæller ikke med i strategien (navnet står "
                    "blandt de navne, konfigurationen springer over), og rækkerne indgår ikke.",
                    row,
                    column,
                    label,
                )
            else:
                self._unknown_scheme(label, row, column)
        self._sch[key] = sid
        return sid

    def _total(self, label: object, row: int, column: str) -> None:
        self.totals[_label_key(label)] = show(label)
        self.sheet.finding(
            NOTE,
            "Sumrække sprunget over",
            f"Sumrække sprunget over: '{show(label)}' er summen af rækkerne over den, ikke en ordning, og indgår ikke.",
            row,
            column,
            label,
        )

    def _unknown_scheme(self, label: object, row: int, column: str) -> None:
        """An unknown scheme; never advice to add an alias for an identifier or an area."""
        cfg = self.config
        if looks_like_cpr(label):
            self.sheet.finding(
                ERROR,
                "Ukendt ordning",
                "Ukendt ordning: ordningskolonnen har en værdi, der ligner et personnummer. Er det "
                "en personliste? Så skal den have en kolonne med ordningen eller en titel, der "
                "nævner den.",
                row,
                column,
            )
            return
        text = show(label)
        m = _CODE_AND_NAME.fullmatch(text)
        area = (
            cfg.match_municipality(label) is not None
            or cfg.is_aggregate(label)
            or (m is not None and cfg.match_municipality(m.group(2) or m.group(3) or "") is not None)
        )
        if area:
            self.sheet.finding(
                ERROR,
                "Ukendt ordning",
                f"Ukendt ordning '{text}': det er et område, ikke en ordning. Står kolonnerne i den "
                "rigtige rækkefølge?",
                row,
                column,
                label,
            )
        elif _IDENTIFIER.fullmatch(text):
            self.sheet.finding(
                ERROR,
                "Ukendt ordning",
                f"Ukendt ordning '{text}': det ligner et nummer, ikke navnet på en ordning. Skriv "
                "ordningens navn (fx Fleksjob).",
                row,
                column,
                label,
            )
        else:
            near = cfg.nearest_schemes(label)
            hint = f" Mente du {_or_list(near)}?" if near else ""
            self.sheet.finding(
                ERROR,
                "Ukendt ordning",
                f"Ukendt ordning '{text}'.{hint} Ret navnet i filen, eller få det tilføjet som alias "
                "i konfigurationen.",
                row,
                column,
                label,
            )


_CPR = re.compile(r"\d{6}\s*-?\s*(\d{4}|[xX*]{4})")
_IDENTIFIER = re.compile(r"[\d\s./-]+|[A-Za-z]{0,3}\d{3,}")


def looks_like_cpr(label: object) -> bool:
    """A CPR number, whole or masked ("020585-1234", "0205851234", "020585-xxxx"): never to be echoed."""
    if isinstance(label, (int, float)) and not isinstance(label, bool):
        label = show(label)
    return isinstance(label, str) and bool(_CPR.fullmatch(label.strip()))


def _i_alt_is_total(labels: list[object], config: Config) -> bool:
    """Whether "I alt" totals the rows above it: when the table also has a headcount row of its own name."""
    keys = {normalize(c) for c in labels if isinstance(c, str) and config.match_scheme(c) == HEADCOUNT}
    return "ialt" in keys and len(keys) > 1


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
    sheet.finding(
        WARNING,
        HIDDEN_KIND,
        "Skjult værdi ('..'): tallet er diskretioneret i kilden og regnes som manglende, ikke som nul.",
        row,
        column,
        cell,
    )


def _text(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(
        ERROR,
        TEXT_KIND,
        f"Tekst hvor der skal stå et tal: '{show(cell)}'. Skriv et tal (fx 12 eller 12,5), eller lad "
        "cellen stå tom, hvis tallet ikke kendes.",
        row,
        column,
        cell,
    )


def _negative(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(
        ERROR,
        NEGATIVE_KIND,
        f"Negativt tal: {show(cell)}. Et antal kan ikke være negativt; ret tallet.",
        row,
        column,
        cell,
    )


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


def _default_municipality(ctx: Context, sheet: SheetData, config: Config, row: int) -> int | None:
    """The municipality of a table without a municipality column: the title's, else the home's."""
    if ctx.unknown is not None:
        name, title_row = ctx.unknown
        near = config.nearest_municipalities(name)
        hint = f" Mente du {_or_list(near)}?" if near else ""
        sheet.finding(
            ERROR,
            "Ukendt kommune",
            f"Ukendt kommune '{name}' i titlen over tabellen.{hint} Ret navnet, så tallene kan "
            "henføres til den rigtige kommune.",
            title_row,
            "",
            name,
        )
        ctx.unknown = None
        ctx.code = -1  # said once; the table's rows are checked but not kept
        return None
    if ctx.code is not None:
        return ctx.code if ctx.code > 0 else None
    if ctx.aggregate is not None:
        sheet.finding(
            NOTE,
            "Samleområde sprunget over",
            f"Samleområde sprunget over: titlen over tabellen nævner '{ctx.aggregate}', som ikke er en "
            "kommune, og tabellens tal indgår ikke.",
            ctx.aggregate_row,
            "",
            ctx.aggregate,
        )
        ctx.code = -1
        return None
    sheet.finding(
        WARNING,
        "Ingen kommune angivet",
        f"Ingen kommune angivet: filen nævner ingen kommune, så tallene i tabellen er læst som "
        f"{config.home_name} Kommunes. Passer det ikke, så tilføj en kolonne med kommunens navn.",
        row,
    )
    ctx.code = config.home
    return config.home


def _only_persons(sheet: SheetData, row: int, column: str) -> None:
    sheet.finding(
        WARNING,
        "Kun antal personer",
        "Kun antal personer: strategien opgør virksomhedspraktik i fuldtidspersoner, men tabellen har kun "
        "antal personer. Hent tallene som fuldtidspersoner fra jobindsats.dk.",
        row,
        column,
    )


def _missing_municipality(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(
        ERROR,
        "Kommune mangler",
        "Kommune mangler: rækken har et tal, men ingen kommune. Skriv kommunens navn eller KRL-kode.",
        row,
        column,
    )


def _missing_scheme(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(
        ERROR,
        "Ordning mangler",
        "Ordning mangler: rækken har et tal, men ingen ordning. Skriv ordningens navn.",
        row,
        column,
    )


def _missing_period(sheet: SheetData, row: int, column: str, _cell: object) -> None:
    sheet.finding(
        ERROR,
        "Måned mangler",
        "Måned mangler: rækken har et tal, men ingen måned. Skriv fx 2019-02, feb 2019 eller en Excel-dato.",
        row,
        column,
    )


def _bad_period(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(
        ERROR,
        "Måned kan ikke læses",
        f"Måned kan ikke læses: '{cell}'. Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato.",
        row,
        column,
        cell,
    )


def _moving_total(sheet: SheetData, row: int, column: str, cell: object) -> None:
    sheet.finding(
        NOTE,
        "Løbende år sprunget over",
        f"Løbende år sprunget over: '{show(cell)}' er et løbende årstal (tolv måneder til og med en måned), "
        "ikke en måned, et kvartal eller et kalenderår, og indgår ikke.",
        row,
        column,
        cell,
    )

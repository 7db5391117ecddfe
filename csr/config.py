"""The strategy configuration: schemes, municipalities, measurement months and targets by year.

One TOML file (`strategy.toml` beside this module by default, or the path in `CSR_CONFIG`) is
loaded once and validated; a broken file raises `ConfigError` naming the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from csr.names import nearest, normalize, normalize_municipality

DEFAULT_CONFIG = Path(__file__).with_name("strategy.toml")
HEADCOUNT = "headcount"
TARGET_KINDS = ("min_share", "above_neighbours", "obligations_met")
AVERAGING = ("measurement_months", "all_periods")
NEIGHBOUR_METHODS = ("pooled", "mean")
MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a strategy file is a few KB
PERSON_LIST_RULES = ("any_day", "reference_day")


_CODE_PREFIX = re.compile(r"(\d{1,4})\s*[-–:]?\s*(\D.*)?$")


class ConfigError(ValueError):
    """The configuration file is broken; the message names the key."""


@dataclass(frozen=True)
class Scheme:
    """A scheme of the strategy. `on_payroll`: one more person also adds one to the headcount. With
    `payroll_choice` the payroll status is chosen per planned placement (studerende i praktik: paid
    placements are on the payroll, unpaid ones on SU are not) and `on_payroll` is the default."""

    id: str
    name: str
    category: str
    source: str
    on_payroll: bool
    in_neighbour_comparison: bool
    averaging: str
    aliases: tuple[str, ...] = ()
    payroll_choice: bool = False
    neighbour_note: str = ""  # why a scheme left out of the neighbour comparison is left out ("fordi …")


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A threshold in force from `from_year` on, optionally with the target's name and description
    for those years (a name that states a number must state this one)."""

    from_year: int
    value: float
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    description: str
    kind: str
    schemes: tuple[str, ...]
    thresholds: tuple[Threshold, ...] = ()

    def threshold_entry(self, year: int) -> Threshold | None:
        """The threshold entry in force in `year`; before the first entry, the first."""
        if not self.thresholds:
            return None
        entry = self.thresholds[0]
        for t in self.thresholds:
            if t.from_year <= year:
                entry = t
        return entry

    def threshold(self, year: int) -> float | None:
        """The threshold in force in `year`; before the first entry, the first entry's."""
        entry = self.threshold_entry(year)
        return None if entry is None else entry.value

    def name_in(self, year: int) -> str:
        """The target's name in `year`: the threshold entry's own name, or else `name` with "{threshold}"
        filled in ("Mindst {threshold} i en eller flere ordninger" -> "Mindst 10 % i ...")."""
        entry = self.threshold_entry(year)
        if entry is not None and entry.name:
            return _fill(entry.name, entry)
        return _fill(self.name, entry)

    def description_in(self, year: int) -> str:
        entry = self.threshold_entry(year)
        if entry is not None and entry.description:
            return _fill(entry.description, entry)
        return _fill(self.description, entry)

    def mixes_payroll(self, config: Config) -> bool:
        """True when any scheme of the target adds to the headcount (the payroll formula applies)."""
        return any(config.scheme(s).on_payroll for s in self.schemes)


@dataclass(frozen=True)
class Config:
    name: str
    organisation: str
    home: int
    neighbours: tuple[int, ...]
    measurement_months: tuple[int, ...]
    neighbour_method: str
    last_year: int
    headcount_name: str
    categories: dict[str, str]
    schemes: tuple[Scheme, ...]
    municipalities: tuple[Municipality, ...]
    targets: tuple[Target, ...]
    placement_aliases: dict[str, tuple[str, ...]]
    aggregate_exact: tuple[str, ...]
    aggregate_prefixes: tuple[str, ...]
    headcount_aliases: tuple[str, ...] = ()
    source: str = ""
    aggregate_codes: tuple[int, ...] = ()
    skip_schemes: tuple[str, ...] = ()
    total_rows: tuple[str, ...] = ()
    person_lists: PersonLists = field(default_factory=lambda: PersonLists())
    accessibility_statement: str = ""  # the organisation's "Tilgængelighedserklæring" (https), shown on every page
    first_year: int | None = None  # the strategy period's first year (`strategy.first_year`); None: from the targets
    _scheme_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _municipality_keys: dict[str, int] = field(default_factory=dict, repr=False)

    # ---- lookups -------------------------------------------------------------------------
    def scheme(self, scheme_id: str) -> Scheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        raise KeyError(scheme_id)

    @property
    def scheme_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.schemes)

    def schemes_in(self, category: str) -> tuple[str, ...]:
        return tuple(s.id for s in self.schemes if s.category == category)

    def municipality(self, code: int) -> Municipality:
        for m in self.municipalities:
            if m.code == code:
                return m
        raise KeyError(code)

    def municipality_label(self, code: int) -> str:
        """The municipality as the settings and the command line name it, "Haderslev (510)"; the code alone for
        a code the strategy file does not list."""
        try:
            return f"{self.municipality(code).name} ({code})"
        except KeyError:
            return str(code)

    @property
    def home_name(self) -> str:
        return self.municipality(self.home).name

    @property
    def neighbour_names(self) -> tuple[str, ...]:
        return tuple(self.municipality(c).name for c in self.neighbours)

    def target(self, target_id: str) -> Target:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)

    def match_scheme(self, text: object) -> str | None:
        """The scheme id (or HEADCOUNT) a name stands for, or None."""
        return self._scheme_keys.get(normalize(text))

    def match_municipality(self, text: object) -> int | None:
        """The KRL code a municipality name or code stands for, or None."""
        s = str(text).strip()
        if s.endswith(".0"):
            s = s[:-2]
        if s.isdecimal():
            code = int(s)
            return code if code in self._codes else None
        return self._municipality_keys.get(normalize_municipality(s))

    @property
    def _codes(self) -> frozenset[int]:
        return frozenset(m.code for m in self.municipalities)

    def is_aggregate(self, text: object) -> bool:
        """Areas such as "Hele landet", "RAR Sydjylland", "Region Syddanmark", also with a code in front
        ("000 Hele landet", "084 Region Syddanmark") or as a bare code (411 Christiansø): skipped, not errors."""
        raw = str(text).strip().removesuffix(".0")
        if raw.isdecimal():
            return int(raw) in self.aggregate_codes
        if (m := _CODE_PREFIX.match(raw)) and m.group(2):
            if int(m.group(1)) in self.aggregate_codes:
                return True
            text = m.group(2)
        s = normalize(text)
        if any(s == normalize(e) for e in self.aggregate_exact):
            return True
        return any(s.startswith(normalize(p)) for p in self.aggregate_prefixes)

    def is_skipped_scheme(self, text: object) -> bool:
        """A scheme name the strategy does not count ("Privat virksomhedspraktik"): skipped with a note."""
        return normalize(text) in self._skip_keys

    def is_total_row(self, text: object) -> bool:
        """A row label that totals the rows above it ("I alt på særlige vilkår", "Total", "Sum")."""
        return normalize(text) in self._total_keys

    @property
    def _skip_keys(self) -> frozenset[str]:
        return frozenset(normalize(n) for n in self.skip_schemes)

    @property
    def _total_keys(self) -> frozenset[str]:
        return frozenset(normalize(n) for n in self.total_rows)

    def nearest_schemes(self, text: object) -> list[str]:
        names = {
            k: (self.scheme(v).name if v != HEADCOUNT else self.headcount_name) for k, v in self._scheme_keys.items()
        }
        return nearest(normalize(text), names)

    def nearest_municipalities(self, text: object) -> list[str]:
        names = {k: self.municipality(v).name for k, v in self._municipality_keys.items()}
        return nearest(normalize_municipality(text), names)

    def strategy_period_ended(self, year: int) -> bool:
        return year > self.last_year


def _threshold_text(value: float) -> str:
    """ "10 %", "2,5 %": a threshold as a target's name states it."""
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return shown.replace(".", ",") + " %"


def _fill(text: str, entry: Threshold | None) -> str:
    return text.replace("{threshold}", _threshold_text(entry.value)) if entry is not None else text


_PERCENT_IN_NAME = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def _check_names(where: str, kind: str, name: str, thresholds: list[Threshold]) -> None:
    """A name or description that states a percentage must state the threshold in force: "Mindst 15 %"
    beside 10 % in 2020 is refused (give the entry its own name, or write "{threshold}")."""
    if "{threshold}" in name and kind != "min_share":
        raise ConfigError(f"Nøglen '{where}name' bruger {{threshold}}, men målet har ingen tærskel.")
    for j, th in enumerate(thresholds):
        for key, text in (("name", th.name or name), ("description", th.description)):
            if not text or "{threshold}" in text:
                continue
            stated = {float(m.replace(",", ".")) for m in _PERCENT_IN_NAME.findall(text)}
            if stated and th.value not in stated:
                raise ConfigError(
                    f"Målet '{where.rstrip('.')}' hedder {text!r} fra {th.from_year}, men tærsklen er da "
                    f"{_threshold_text(th.value)}. Giv tærsklen sit eget navn (thresholds[{j}].{key}) "
                    "eller skriv {threshold} i navnet."
                )


def _require(table: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:  # a TOML value of `kind`
    if key not in table:
        raise ConfigError(f"Konfigurationen mangler nøglen '{where}{key}'.")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ConfigError(f"Nøglen '{where}{key}' i konfigurationen skal være af typen {names}, men er {value!r}.")
    return value


def parse_accessibility_statement(value: object) -> str:
    """The address of the accessibility statement: an https address with a host ("" when not configured)."""
    if value == "":
        return ""
    text = value if isinstance(value, str) else ""
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() or c in "<>()\"'\\" for c in text):
        raise ConfigError(
            "Nøglen 'strategy.accessibility_statement' skal være adressen på tilgængelighedserklæringen, "
            f"og den skal begynde med https:// (fx https://www.was.digst.dk/aabenraa-dk), men er {value!r}."
        )
    return text


def _check_neighbours(home: int, neighbours: tuple, names: dict[int, str]) -> None:
    """At least one neighbour, each once, and never the home municipality itself."""
    if not neighbours:
        raise ConfigError("Nøglen 'strategy.neighbours' er tom: vælg mindst én omegnskommune.")
    if any(not isinstance(c, int) or isinstance(c, bool) for c in neighbours):
        raise ConfigError("Nøglen 'strategy.neighbours' skal være en liste af kommunekoder (heltal).")
    if home in neighbours:
        raise ConfigError(
            f"Nøglen 'strategy.neighbours' nævner hjemkommunen {names.get(home, home)} ({home}); "
            "en kommune kan ikke være sin egen omegnskommune."
        )
    twice = sorted({c for c in neighbours if neighbours.count(c) > 1})
    if twice:
        shown = ", ".join(f"{names.get(c, c)} ({c})" for c in twice)
        raise ConfigError(f"Nøglen 'strategy.neighbours' nævner {shown} mere end én gang.")


def parse_config(raw: dict, source: str = "") -> Config:
    """Validate a parsed TOML document and build a `Config`."""
    st = _require(raw, "strategy", dict, "")
    home = _require(st, "home", int, "strategy.")
    neighbours = tuple(_require(st, "neighbours", list, "strategy."))
    months = tuple(_require(st, "measurement_months", list, "strategy."))
    if not months or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        raise ConfigError("Nøglen 'strategy.measurement_months' skal være en liste af måneder 1-12.")
    method = st.get("neighbour_method", "pooled")
    if method not in NEIGHBOUR_METHODS:
        raise ConfigError(f"Nøglen 'strategy.neighbour_method' skal være 'pooled' eller 'mean', ikke {method!r}.")
    categories_raw = _require(raw, "categories", dict, "")
    categories = {k: _require(v, "name", str, f"categories.{k}.") for k, v in categories_raw.items()}

    headcount = raw.get("headcount", {})
    headcount_name = headcount.get("name", "Ansatte")
    headcount_aliases = tuple(headcount.get("aliases", ()))

    schemes: list[Scheme] = []
    for i, s in enumerate(_require(raw, "schemes", list, "")):
        where = f"schemes[{i}]."
        sid = _require(s, "id", str, where)
        where = f"schemes[{i}] ({sid})."
        category = _require(s, "category", str, where)
        if category not in categories:
            raise ConfigError(
                f"Nøglen '{where}category' nævner kategorien {category!r}, som ikke findes under [categories]."
            )
        averaging = s.get("averaging", "measurement_months")
        if averaging not in AVERAGING:
            raise ConfigError(f"Nøglen '{where}averaging' skal være 'measurement_months' eller 'all_periods'.")
        payroll_choice = s.get("payroll_choice", False)
        if not isinstance(payroll_choice, bool):
            raise ConfigError(
                f"Nøglen '{where}payroll_choice' skal være true (lønnet eller ulønnet vælges for hver placering, "
                f"med 'on_payroll' som standard) eller false, ikke {payroll_choice!r}."
            )
        schemes.append(
            Scheme(
                id=sid,
                name=_require(s, "name", str, where),
                category=category,
                source=s.get("source", ""),
                on_payroll=_require(s, "on_payroll", bool, where),
                in_neighbour_comparison=_require(s, "in_neighbour_comparison", bool, where),
                averaging=averaging,
                aliases=tuple(s.get("aliases", ())),
                payroll_choice=payroll_choice,
                neighbour_note=str(s.get("neighbour_note", "")),
            )
        )
    ids = [s.id for s in schemes]
    if len(set(ids)) != len(ids) or HEADCOUNT in ids:
        raise ConfigError("Nøglen 'schemes' har et id to gange (eller bruger det reserverede 'headcount').")

    municipalities: list[Municipality] = []
    for i, m in enumerate(_require(raw, "municipalities", list, "")):
        where = f"municipalities[{i}]."
        municipalities.append(
            Municipality(
                code=_require(m, "code", int, where),
                name=_require(m, "name", str, where),
                aliases=tuple(m.get("aliases", ())),
            )
        )
    codes = {m.code for m in municipalities}
    if len(codes) != len(municipalities):
        raise ConfigError("Nøglen 'municipalities' har en kommunekode to gange.")
    for key, value in (("strategy.home", [home]), ("strategy.neighbours", neighbours)):
        for code in value:
            if code not in codes:
                raise ConfigError(
                    f"Nøglen '{key}' nævner kommunekoden {code}, som ikke findes under [[municipalities]]."
                )
    _check_neighbours(home, neighbours, {m.code: m.name for m in municipalities})
    for key in ("name", "organisation"):
        if key in st and (not isinstance(st[key], str) or not st[key].strip()):
            raise ConfigError(f"Nøglen 'strategy.{key}' skal være en tekst, men er {st[key]!r}.")
    last_year = _require(st, "last_year", int, "strategy.")
    first_year = st.get("first_year")
    if first_year is not None:
        first_year = _require(st, "first_year", int, "strategy.")
        if first_year > last_year:
            raise ConfigError(
                f"Nøglen 'strategy.first_year' er {first_year}, men strategiperioden slutter i {last_year} "
                "(strategy.last_year); det første år kan ikke ligge efter det sidste."
            )

    targets: list[Target] = []
    for i, t in enumerate(_require(raw, "targets", list, "")):
        where = f"targets[{i}]."
        tid = _require(t, "id", str, where)
        where = f"targets[{i}] ({tid})."
        kind = _require(t, "kind", str, where)
        if kind not in TARGET_KINDS:
            raise ConfigError(f"Nøglen '{where}kind' skal være en af {', '.join(TARGET_KINDS)}, ikke {kind!r}.")
        scope = t.get("scope", [])
        if scope == "all":
            target_schemes = tuple(ids)
        elif isinstance(scope, str):
            if scope not in categories:
                raise ConfigError(f"Nøglen '{where}scope' nævner {scope!r}, som hverken er 'all' eller en kategori.")
            target_schemes = tuple(s.id for s in schemes if s.category == scope)
        else:
            for sid in scope:
                if sid not in ids:
                    raise ConfigError(f"Nøglen '{where}scope' nævner ordningen {sid!r}, som ikke findes.")
            target_schemes = tuple(scope)
        if kind != "obligations_met" and not target_schemes:
            raise ConfigError(f"Nøglen '{where}scope' mangler eller er tom.")
        thresholds: list[Threshold] = []
        if kind == "min_share":
            for j, th in enumerate(_require(t, "thresholds", list, where)):
                at = f"{where}thresholds[{j}]."
                if not isinstance(th, dict):
                    raise ConfigError(f"Nøglen '{at[:-1]}' skal være en tabel med 'from' og 'value'.")
                for key in ("name", "description"):
                    if key in th and (not isinstance(th[key], str) or not th[key].strip()):
                        raise ConfigError(f"Nøglen '{at}{key}' skal være en tekst, men er {th[key]!r}.")
                thresholds.append(
                    Threshold(
                        from_year=_require(th, "from", int, at),
                        value=float(_require(th, "value", (int, float), at)),
                        name=th.get("name"),
                        description=th.get("description"),
                    )
                )
            if not thresholds:
                raise ConfigError(f"Nøglen '{where}thresholds' er tom.")
            thresholds.sort(key=lambda th: th.from_year)
            starts = [th.from_year for th in thresholds]
            if len(set(starts)) != len(starts):
                raise ConfigError(f"Nøglen '{where}thresholds' har to tærskler fra samme år.")
        name = _require(t, "name", str, where)
        _check_names(where, kind, name, thresholds)
        targets.append(
            Target(
                id=tid,
                name=name,
                description=t.get("description", ""),
                kind=kind,
                schemes=target_schemes,
                thresholds=tuple(thresholds),
            )
        )

    placements = raw.get("placements", {})
    placement_aliases = {
        "agreed": tuple(["Aftalt", *placements.get("agreed_aliases", [])]),
        "realised": tuple(["Realiseret", *placements.get("realised_aliases", [])]),
        "education": tuple(["Uddannelse", *placements.get("education_aliases", [])]),
    }
    aggregates = raw.get("aggregates", {})
    aggregate_codes = tuple(aggregates.get("codes", ()))
    if any(not isinstance(c, int) or isinstance(c, bool) for c in aggregate_codes):
        raise ConfigError("Nøglen 'aggregates.codes' skal være en liste af områdekoder (heltal).")
    skip = raw.get("skip", {})
    if not isinstance(skip, dict):
        raise ConfigError("Nøglen 'skip' skal være en tabel med 'schemes' og 'totals'.")
    skip_lists: dict[str, tuple[str, ...]] = {}
    for key in ("schemes", "totals"):
        names = skip.get(key, [])
        if not isinstance(names, list) or any(not isinstance(n, str) or not n.strip() for n in names):
            raise ConfigError(f"Nøglen 'skip.{key}' skal være en liste af navne.")
        skip_lists[key] = tuple(names)

    scheme_keys: dict[str, str] = {}
    for s in schemes:
        for alias in (s.id, s.name, *s.aliases):
            key = normalize(alias)
            if scheme_keys.get(key, s.id) != s.id:
                raise ConfigError(f"Aliaset {alias!r} under 'schemes' ({s.id}) bruges også af {scheme_keys[key]!r}.")
            scheme_keys[key] = s.id
    for alias in (headcount_name, *headcount_aliases):
        key = normalize(alias)
        if key in scheme_keys and scheme_keys[key] != HEADCOUNT:
            raise ConfigError(f"Aliaset {alias!r} under 'headcount' bruges også af ordningen {scheme_keys[key]!r}.")
        scheme_keys[key] = HEADCOUNT

    for key in ("schemes", "totals"):
        for name in skip_lists[key]:
            if normalize(name) in scheme_keys:
                other = scheme_keys[normalize(name)]
                raise ConfigError(
                    f"Navnet {name!r} under 'skip.{key}' er også et navn for {other!r}; "
                    "et navn kan ikke både tælle med og springes over."
                )
    for code in aggregate_codes:
        if code in codes:
            raise ConfigError(f"Koden {code} under 'aggregates.codes' er også en kommunekode.")

    municipality_keys: dict[str, int] = {}
    for m in municipalities:
        for alias in (m.name, *m.aliases):
            key = normalize_municipality(alias)
            if municipality_keys.get(key, m.code) != m.code:
                raise ConfigError(
                    f"Kommunenavnet {alias!r} (kode {m.code}) kan ikke skelnes fra kode {municipality_keys[key]}."
                )
            municipality_keys[key] = m.code

    return Config(
        name=st.get("name", "CSR-strategi"),
        organisation=st.get("organisation", ""),
        home=home,
        neighbours=neighbours,
        measurement_months=months,
        neighbour_method=method,
        last_year=last_year,
        headcount_name=headcount_name,
        categories=categories,
        schemes=tuple(schemes),
        municipalities=tuple(municipalities),
        targets=tuple(targets),
        placement_aliases=placement_aliases,
        aggregate_exact=tuple(aggregates.get("exact", ())),
        aggregate_prefixes=tuple(aggregates.get("prefixes", ())),
        headcount_aliases=headcount_aliases,
        source=source,
        aggregate_codes=aggregate_codes,
        skip_schemes=skip_lists["schemes"],
        total_rows=skip_lists["totals"],
        person_lists=parse_person_lists(raw.get("person_lists", {})),
        accessibility_statement=parse_accessibility_statement(st.get("accessibility_statement", "")),
        first_year=first_year,
        _scheme_keys=scheme_keys,
        _municipality_keys=municipality_keys,
    )


def load_config(path: str | Path | None = None) -> Config:
    """Load and validate a strategy file (default: `CSR_CONFIG` or the bundled Aabenraa strategy)."""
    raw, source = load_raw(path)
    return parse_config(raw, source=source)


def config_path(path: str | Path | None = None) -> Path:
    """The strategy file in use: `path`, else `CSR_CONFIG`, else the bundled one."""
    return Path(path or os.environ.get("CSR_CONFIG") or DEFAULT_CONFIG)


def load_raw(path: str | Path | None = None) -> tuple[dict, str]:
    """The strategy file as a parsed TOML document (not validated yet) and its path."""
    from csr.files import FileRefused, read_regular_file

    path = config_path(path)
    try:  # a regular file of at most MAX_CONFIG_BYTES: --config /dev/zero or a FIFO is refused at once
        content = read_regular_file(path, MAX_CONFIG_BYTES, label="Konfigurationsfilen")
    except FileRefused as exc:
        raise ConfigError(str(exc)) from None
    return parse_toml(content, path.name), str(path)


def parse_toml(content: bytes, name: str) -> dict:
    """A TOML document from bytes, with the reasons it cannot be read in Danish (`name` is the file's)."""
    try:
        return tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"Konfigurationsfilen {name} kan ikke læses: den er ikke gemt som UTF-8-tekst.") from None
    except tomllib.TOMLDecodeError as exc:  # tomllib's own text is English: only its position is passed on
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f" (linje {where.group(1)}, kolonne {where.group(2)})" if where else ""
        raise ConfigError(
            f"Konfigurationsfilen {name} kan ikke læses: den er ikke gyldig TOML{at}. Ret filen, og prøv igen."
        ) from None


@cache
def default_config() -> Config:
    """The strategy file's configuration, loaded once per process (without the settings stored by an
    administrator: `csr.settings.config_in_force`, and `ui.settings.config_in_force` in the app)."""
    return load_config()


@cache
def default_raw() -> tuple[dict, str]:
    """The strategy file as parsed TOML and its path, read once per process (the base of the stored settings).
    Callers copy it before changing it."""
    return load_raw()


@dataclass(frozen=True)
class PersonLists:
    """How HR systems' person lists are recognised (header words per column) and counted per month.

    rule "any_day": a person counts in a month when their period covers at least one day of it;
    rule "reference_day": when they are there on day `reference_day` of the month (the last day in
    shorter months). Without a [person_lists] table no sheet is read as a person list.
    """

    rule: str = "any_day"
    reference_day: int = 15
    person_aliases: tuple[str, ...] = ()
    start_aliases: tuple[str, ...] = ()
    end_aliases: tuple[str, ...] = ()
    scheme_aliases: tuple[str, ...] = ()
    department_aliases: tuple[str, ...] = ()


def parse_person_lists(table: object) -> PersonLists:
    """Validate the [person_lists] table (rule, reference day, header words; each word in one role only)."""
    where = "person_lists."
    if not isinstance(table, dict):
        raise ConfigError("Nøglen 'person_lists' skal være en tabel ([person_lists]).")
    rule = table.get("rule", "any_day")
    if rule not in PERSON_LIST_RULES:
        raise ConfigError(f"Nøglen '{where}rule' skal være 'any_day' eller 'reference_day', ikke {rule!r}.")
    day = table.get("reference_day", 15)
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
        raise ConfigError(f"Nøglen '{where}reference_day' skal være en dag i måneden (1-31), ikke {day!r}.")
    roles: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for role in ("person", "start", "end", "scheme", "department"):
        key = f"{role}_aliases"
        words = table.get(key, [])
        if not isinstance(words, list) or any(not isinstance(w, str) or not normalize(w) for w in words):
            raise ConfigError(f"Nøglen '{where}{key}' skal være en liste af kolonnenavne.")
        for w in words:
            if seen.get(normalize(w), key) != key:
                raise ConfigError(
                    f"Kolonnenavnet {w!r} står både under '{where}{key}' og '{where}{seen[normalize(w)]}'."
                )
            seen[normalize(w)] = key
        roles[role] = tuple(words)
    if any(roles.values()) and not (roles["person"] and roles["start"]):
        raise ConfigError(f"Nøglerne '{where}person_aliases' og '{where}start_aliases' skal begge have kolonnenavne.")
    return PersonLists(
        rule=rule,
        reference_day=day,
        person_aliases=roles["person"],
        start_aliases=roles["start"],
        end_aliases=roles["end"],
        scheme_aliases=roles["scheme"],
        department_aliases=roles["department"],
    )

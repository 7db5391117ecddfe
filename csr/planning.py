"""What-if planning and goal seeking on top of one year's figures (docs/regler.md §7, persons needed as in §4).

A planner takes a year from the data (the *baseline*), moves sliders and plans placements (a
*scenario*), and sees every target before and after, the Figure 1 shares, and how many persons each
unmet target still needs. Decisions, in the order a reader meets them:

- Baseline. `build_baseline(figures, config, year)` takes one year of the home municipality from
  `csr.shares.compute` (default: the latest year in the data, provisional or not) and keeps a dozen
  numbers: the headcount, the persons per scheme, each target's threshold for the year (for an
  above-neighbours target: the neighbours' average, which a plan never moves, since a plan changes
  the home municipality only) and the payroll flags. A provisional year is already projected by the
  annual figures (the mean of the months present); `Baseline.provisional`, `Baseline.months` and
  `Baseline.provisional_note(config)` say so and on which months it rests.
- Scenario. `Scenario(year, changes, headcount_change, placements)`: `changes` are persons on annual
  average per scheme id (negative removes), `headcount_change` moves the headcount only (other staff),
  `placements` are `Placement(scheme, persons, first, last, paid)` with months as (year, month).
  Scenarios are frozen dataclasses with `to_dict`/`from_dict` (plain JSON; months written "2025-08";
  `SCENARIO_VERSION` 2 added "paid", and a saved version 1 scenario loads with every "paid" unset).
- Placement weight. A placement counts in the measurement months of the scenario year that it covers:
  weight = covered months / all measurement months (September-December -> November only -> 0.25).
  "Measurement months" are those of the scheme's own averaging: February, May, August and November
  for the KRL schemes and the own lists; all twelve months for a scheme averaged over all periods
  (virksomhedspraktik from jobindsats.dk is the mean of its monthly full-time figures, so a
  September-December placement adds 4/12 there). A provisional year uses the full set too: the
  projection stands for the whole year. Placements outside the year weigh 0 and are kept.
- Payroll. A scheme on the payroll adds its planned persons (changes and weighted placements) to the
  headcount as well; a scheme off the payroll (virksomhedspraktik, STU, beredskab) adds to the
  numerator only. FGU is on the payroll (its egu track: the student is employed and paid). A scheme
  with `payroll_choice` (studerende i praktik: paid placements are on the payroll, unpaid ones on SU
  are not) takes each placement's `paid` (True, False, or None for the configuration's `on_payroll`);
  its slider changes use the configuration's default. `headcount_change` is added as it is.
- Errors. A scenario that cannot be computed raises `PlanError` (an `InputError`, so the command
  line's handler prints it) with every problem as a Danish sentence: an unknown scheme (with the
  nearest names), a month that cannot be read, a placement ending before it starts, a negative or
  non-numeric number of persons, a scheme or the headcount that ends below zero, another year.
- Two paths, one answer. `evaluate` (the fast path, used by the page on every slider move and by
  the goal seek) is plain arithmetic on the baseline's numbers; `apply_scenario` (the reference
  path) writes the plan into the annual table and reruns `csr.shares`' own shares, neighbour and
  target functions. Tests assert they agree. Both share `planned_additions` and the checks, and both
  take a target's value as persons in its schemes × 100 / headcount (one division, so a share exactly
  at its threshold meets it).
- Goal seek. For every unmet min-share and above-neighbours target, per scheme in its scope (for an
  above-neighbours target: the schemes in the neighbour comparison), the fewest whole persons on
  annual average that meet it, each scheme with its own payroll flag (`csr.shares.persons_needed`
  gives the estimate). For a scheme with `payroll_choice` the goal seek assumes the configuration's
  default unless told otherwise (`paid`; the page asks beside the start month), and says which
  (`payroll_assumption`: "forudsat lønnede praktikker" / "forudsat ulønnede (SU)").
  `placements_needed` does the same for a placement from a start month to December, or returns None
  when the placement weighs 0 in the year (starts after November): `CANNOT_REACH`. Both are exact in
  the fast path's own arithmetic: the answer n is verified by evaluating the scenario with n added
  (met) and with n - 1 (not met). A scenario's persons may be fractional (they are annual averages);
  the goal seek answers in whole persons.
- For the page: `evaluate(baseline, config)` is "before", `compare_targets(before, after)` the
  side-by-side table, `Outcome.years_frame()` the Figure 1 row (the columns of `municipality_years`),
  `placement_table(scenario, config)` each placement's months and weight, and `placement_options`
  the persons per start month ("fra august: 33 elever; fra februar: 17").
- The command line (`python -m csr plan`) prints `plan_report`: the scenario year in the JSON shape
  of `csr.report.year_report`, plus "scenario" (the plan, each placement with its weight, its "paid"
  and whether it counts in the headcount, "on_payroll"), "goal_seek" {target id: {scheme id: persons
  or null}} and "goal_seek_paid" {scheme id: the payroll status assumed} for the schemes with a
  choice; `format_plan` is the Danish text version. `--placement studerende:10:2025-08:2025-12:ulønnet`
  plans an unpaid placement (`:lønnet` a paid one; without a suffix the configuration decides).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypedDict

import pandas as pd

from csr import text
from csr.config import HEADCOUNT, Config
from csr.fmt import join, month_year, signed_number
from csr.importers.cells import DANISH_MONTHS, parse_number, parse_period
from csr.model import ERROR, Finding, InputError
from csr.report import format_report, year_report
from csr.shares import (
    TARGET_COLUMNS,
    Figures,
    annual_shares,
    compute,
    municipality_years,
    neighbour_comparison,
    persons_needed,
    quarter_month,
    target_status,
)

Month = tuple[int, int]
SCENARIO_VERSION = 2  # 2: placements carry "paid"; version 1 scenarios load with it unset
SEEKABLE = ("min_share", "above_neighbours")
CANNOT_REACH = "kan ikke nå målet i år"
PLAN_BASIS = "plan"  # the basis of a scheme that had no data and gets persons from the plan only
PAID_WORDS = {True: "lønnet", False: "ulønnet"}  # a placement's payroll status on the command line and the page
PAID_ALIASES = {"lønnet": True, "lonnet": True, "ulønnet": False, "ulonnet": False, "su": False}
_EPS = 1e-9


class PlanError(InputError):
    """A scenario that cannot be computed; the Danish sentences say what to change."""


# ---- months ------------------------------------------------------------------------------------


def parse_month(value: object) -> Month:
    """(year, month) from "2025-08", "2025M08", "aug 2025", a date or a (year, month) pair."""
    if isinstance(value, (tuple, list)):
        if (
            len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 1 <= value[1] <= 12
            and 1900 <= value[0] <= 2100
        ):
            return (int(value[0]), int(value[1]))
    else:
        period = parse_period(value)
        if period is not None and period[1] == "M":
            return (period[0], period[2])
    raise PlanError(f"Måneden {_shown(value)} kan ikke læses. Skriv den som ÅÅÅÅ-MM, fx 2025-08.")


def format_month(month: Month) -> str:
    """(2025, 8) -> "2025-08", the form scenarios are stored in."""
    return f"{month[0]:04d}-{month[1]:02d}"


def month_name(month: Month) -> str:
    """(2025, 8) -> "august 2025"."""
    return month_year(*month)


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


# ---- placements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """`persons` persons in `scheme` from the first to the last month, both included.

    `paid` only for a scheme with `payroll_choice`: True on the payroll, False unpaid (e.g. on SU),
    None the configuration's default (`Scheme.on_payroll`)."""

    scheme: str
    persons: float
    first: Month
    last: Month
    paid: bool | None = None

    def __post_init__(self) -> None:
        # months may arrive as "2025-08", a date or a JSON list; they are kept as (year, month)
        for name in ("first", "last"):
            value = getattr(self, name)
            if not (isinstance(value, tuple) and len(value) == 2):
                object.__setattr__(self, name, parse_month(value))

    def weight(self, year: int, config: Config) -> float:
        """The placement's weight in `year`'s annual figure of its scheme."""
        return placement_weight(self, year, scheme_months(config, self.scheme))

    def on_payroll(self, config: Config) -> bool:
        """Whether the placement's persons add to the headcount: `paid` for a scheme with the choice,
        else the scheme's own flag (an unknown scheme: no)."""
        try:
            scheme = config.scheme(self.scheme)
        except KeyError:
            return False
        if scheme.payroll_choice and isinstance(self.paid, bool):
            return self.paid
        return scheme.on_payroll

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme,
            "persons": self.persons,
            "first": format_month(self.first),
            "last": format_month(self.last),
            "paid": self.paid,
        }

    @classmethod
    def from_dict(cls, data: Mapping, where: str = "Placeringen") -> Placement:
        if not isinstance(data, Mapping):
            raise PlanError(f"{where} kan ikke læses: den skal have ordning, personer, første og sidste måned.")
        problems: list[str] = []
        persons: float = 0.0
        months: dict[str, Month] = {}
        for key, label in (
            ("scheme", "ordning"),
            ("persons", "personer"),
            ("first", "første måned"),
            ("last", "sidste måned"),
        ):
            if key not in data:
                problems.append(f"{where} mangler '{key}' ({label}).")
        scheme = data.get("scheme")
        if "scheme" in data and not isinstance(scheme, str):
            problems.append(f"{where}: ordningen skal være et id som 'elever', ikke {_shown(scheme)}.")
        paid = data.get("paid")
        if paid is not None and not isinstance(paid, bool):
            problems.append(f"{where}: 'paid' (lønnet) skal være true, false eller null, ikke {_shown(paid)}.")
        for key in ("persons", "first", "last"):
            if key not in data:
                continue
            try:
                if key == "persons":
                    persons = _number(data[key], f"{where}: antallet af personer")
                else:
                    months[key] = parse_month(data[key])
            except PlanError as exc:
                problems.append(str(exc) if key == "persons" else f"{where}: {exc}")
        if problems:
            raise PlanError(" ".join(problems))
        return cls(str(scheme), persons, months["first"], months["last"], paid)


def scheme_months(config: Config, scheme: str) -> tuple[int, ...]:
    """The months a scheme's annual figure is the mean of: the measurement months, or all twelve."""
    try:
        averaging = config.scheme(scheme).averaging
    except KeyError:
        return config.measurement_months
    return config.measurement_months if averaging == "measurement_months" else tuple(range(1, 13))


def placement_weight(placement: Placement, year: int, measurement_months: Iterable[int]) -> float:
    """The share of `year`'s measurement months that the placement covers (Sept-Dec -> 1 of 4 -> 0.25)."""
    months = tuple(measurement_months)
    covered = sum(1 for m in months if placement.first <= (year, m) <= placement.last)
    return covered / len(months)


def covered_months(placement: Placement, year: int, config: Config) -> tuple[int, ...]:
    """The months of `year` in which the placement counts."""
    return tuple(m for m in scheme_months(config, placement.scheme) if placement.first <= (year, m) <= placement.last)


# ---- scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A plan for one year: persons per scheme on annual average, a headcount change, placements."""

    year: int
    changes: Mapping[str, float] = field(default_factory=dict)
    headcount_change: float = 0
    placements: tuple[Placement, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "placements", tuple(self.placements))

    def to_dict(self) -> dict:
        """Plain JSON: numbers, strings, lists and dicts only."""
        return {
            "version": SCENARIO_VERSION,
            "name": self.name,
            "year": self.year,
            "changes": dict(self.changes),
            "headcount_change": self.headcount_change,
            "placements": [p.to_dict() for p in self.placements],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Scenario:
        """The scenario of `to_dict`; unknown keys are ignored, broken values raise `PlanError`."""
        if not isinstance(data, Mapping):
            raise PlanError("Scenariet kan ikke læses: det skal være et JSON-objekt.")
        problems: list[str] = []
        version = data.get("version", 1)  # scenarios saved before the key existed are version 1
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            problems.append(f"Scenariets version ('version') skal være et helt tal fra 1, ikke {_shown(version)}.")
        elif version > SCENARIO_VERSION:
            problems.append(
                f"Scenariet er gemt i version {version}, som denne udgave af programmet ikke kender "
                f"(den læser version 1 til {SCENARIO_VERSION})."
            )
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            problems.append(f"Scenariet skal have et år ('year') som helt tal, ikke {_shown(year)}.")
        raw_changes = data.get("changes", {})
        changes: dict[str, float] = {}
        if not isinstance(raw_changes, Mapping):
            problems.append("Scenariets ændringer ('changes') skal være en tabel over ordninger og antal personer.")
        else:
            for scheme, value in raw_changes.items():
                try:
                    changes[str(scheme)] = _number(value, f"Ændringen for {scheme}")
                except PlanError as exc:
                    problems.append(str(exc))
        headcount_change: float = 0
        try:
            headcount_change = _number(data.get("headcount_change", 0), "Ændringen i antal ansatte")
        except PlanError as exc:
            problems.append(str(exc))
        raw_placements = data.get("placements", [])
        placements: list[Placement] = []
        if not isinstance(raw_placements, list):
            problems.append("Scenariets placeringer ('placements') skal være en liste.")
        else:
            for i, p in enumerate(raw_placements, start=1):
                try:
                    placements.append(Placement.from_dict(p, f"Placering {i}"))
                except PlanError as exc:
                    problems.append(str(exc))
        name = data.get("name", "")
        if problems:
            raise PlanError([Finding(ERROR, p) for p in problems])
        return cls(int(str(year)), changes, headcount_change, tuple(placements), str(name or ""))

    def with_change(self, scheme: str, persons: float) -> Scenario:
        """The scenario with `persons` more on annual average in `scheme`."""
        changes = dict(self.changes)
        changes[scheme] = changes.get(scheme, 0) + persons
        return replace(self, changes=changes)

    def with_placement(self, placement: Placement) -> Scenario:
        return replace(self, placements=(*self.placements, placement))


def _number(value: object, what: str) -> float:
    if isinstance(value, str):
        parsed = parse_number(value)
        value = parsed if isinstance(parsed, float) else value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlanError(f"{what} skal være et tal, ikke {_shown(value)}.")
    return value


def _scheme_problem(config: Config, scheme: str, where: str) -> str:
    hint = config.nearest_schemes(scheme)
    guess = f" Mente du {join(hint, 'eller')}?" if hint else ""
    return f"{where} nævner ordningen {_shown(scheme)}, som ikke findes i strategien.{guess}"


def validate_scenario(scenario: Scenario, config: Config) -> None:
    """Raise `PlanError` with every problem a scenario has on its own (schemes, numbers, months)."""
    known = set(config.scheme_ids)
    problems: list[str] = []
    if isinstance(scenario.year, bool) or not isinstance(scenario.year, int):
        problems.append(f"Scenariets år skal være et helt tal, ikke {_shown(scenario.year)}.")
    for scheme, value in scenario.changes.items():
        if scheme not in known:
            problems.append(_scheme_problem(config, scheme, "Ændringen"))
        try:
            _number(value, f"Ændringen for {scheme}")
        except PlanError as exc:
            problems.append(str(exc))
    try:
        _number(scenario.headcount_change, "Ændringen i antal ansatte")
    except PlanError as exc:
        problems.append(str(exc))
    for i, p in enumerate(scenario.placements, start=1):
        where = f"Placering {i}"
        if p.scheme not in known:
            problems.append(_scheme_problem(config, p.scheme, where))
        try:
            persons = _number(p.persons, f"{where}: antallet af personer")
            if persons < 0:
                problems.append(
                    f"{where} har {signed_number(persons)} personer; skriv 0 eller flere "
                    "(færre personer planlægges med skyderen for ordningen)."
                )
        except PlanError as exc:
            problems.append(str(exc))
        try:
            first, last = parse_month(p.first), parse_month(p.last)
        except PlanError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if last < first:
            problems.append(f"{where} slutter i {month_name(last)}, før den begynder i {month_name(first)}.")
    for i, p in enumerate(scenario.placements, start=1):
        if p.paid is not None and p.scheme in known:
            problem = _paid_problem(config, p.scheme, p.paid, f"Placering {i}")
            if problem:
                problems.append(problem)
    if problems:
        raise PlanError([Finding(ERROR, p) for p in problems])


def choice_schemes(config: Config) -> tuple[str, ...]:
    """The schemes whose payroll status is chosen per placement (`payroll_choice`)."""
    return tuple(s.id for s in config.schemes if s.payroll_choice)


def _paid_problem(config: Config, scheme: str, paid: object, where: str) -> str:
    """A Danish sentence when `paid` cannot be given for `scheme` ("" when it can)."""
    if not isinstance(paid, bool):
        return f"{where}: lønnet eller ulønnet skal være sand eller falsk, ikke {_shown(paid)}."
    s = config.scheme(scheme)
    if s.payroll_choice:
        return ""
    status = "altid på lønningslisten" if s.on_payroll else "aldrig på lønningslisten"
    choice = [config.scheme(c).name.lower() for c in choice_schemes(config)]
    only = f"; det vælges kun for {join(choice)}" if choice else ""
    return f"{where}: {s.name} er {status}, så lønnet eller ulønnet kan ikke vælges{only}."


def assumed_payroll(config: Config, scheme: str, paid: bool | None = None) -> bool:
    """Whether persons added to `scheme` join the payroll: `paid` for a scheme with the choice (None:
    the configuration's default), else the scheme's flag; `paid` for another scheme is a `PlanError`."""
    if paid is not None:
        problem = _paid_problem(config, scheme, paid, "Målsøgningen")
        if problem:
            raise PlanError(problem)
        return paid
    return config.scheme(scheme).on_payroll


def payroll_assumption(config: Config, scheme: str, paid: bool | None = None) -> str:
    """What the goal seek assumed for a scheme with the choice: "forudsat lønnede praktikker" or
    "forudsat ulønnede (SU)"; "" for a scheme without the choice."""
    if scheme not in config.scheme_ids or not config.scheme(scheme).payroll_choice:
        return ""
    return "forudsat lønnede praktikker" if assumed_payroll(config, scheme, paid) else "forudsat ulønnede (SU)"


def planned_additions(scenario: Scenario, config: Config) -> dict[str, float]:
    """Per scheme: the persons the plan adds to the year's annual figure (changes + placements × weight)."""
    additions: dict[str, float] = {}
    for scheme, persons in scenario.changes.items():
        additions[scheme] = additions.get(scheme, 0) + persons
    for p in scenario.placements:
        weight = p.weight(scenario.year, config)
        if weight:
            additions[p.scheme] = additions.get(p.scheme, 0) + p.persons * weight
    return additions


def headcount_addition(scenario: Scenario, config: Config) -> float:
    """What the plan adds to the headcount: the headcount change, the changes in schemes on the payroll
    and the weighted placements on the payroll (each placement's own `paid` where the scheme has the
    choice: 10 paid studerende for a whole year add 10, unpaid ones on SU add none)."""
    payroll = {s.id for s in config.schemes if s.on_payroll}
    added = scenario.headcount_change + sum(v for s, v in scenario.changes.items() if s in payroll)
    for p in scenario.placements:
        if p.on_payroll(config):
            added += p.persons * p.weight(scenario.year, config)
    return added


def _planned(
    persons: Mapping[str, float], headcount: float, scenario: Scenario, config: Config
) -> tuple[dict[str, float], float]:
    """The persons per scheme and the headcount after the plan; below zero is a `PlanError`."""
    additions = planned_additions(scenario, config)
    out = dict(persons)
    problems: list[str] = []
    for scheme, added in additions.items():
        if scheme not in out and added == 0:
            continue
        before = out.get(scheme, 0.0)
        value = before + added
        if value < -_EPS:
            problems.append(
                f"{config.scheme(scheme).name} ender på {signed_number(value)} personer i {scenario.year}: "
                f"der er {signed_number(before)} i data, og planen ændrer med {signed_number(added)}."
            )
        out[scheme] = max(value, 0.0)
    added_head = headcount_addition(scenario, config)
    new_headcount = headcount + added_head
    if new_headcount <= 0:
        problems.append(
            f"Antallet af ansatte ender på {signed_number(new_headcount)} i {scenario.year}: der er "
            f"{signed_number(headcount)} i data, og planen ændrer med {signed_number(added_head)}."
        )
    if problems:
        raise PlanError([Finding(ERROR, p) for p in problems])
    return out, new_headcount


# ---- the baseline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetBasis:
    """What a target needs to be judged under a plan: its schemes, threshold and the fixed parts."""

    id: str
    name: str
    kind: str
    schemes: tuple[str, ...]  # the schemes that count (above neighbours: those compared)
    threshold: float | None  # the year's threshold; above neighbours: the neighbours' average
    strict: bool  # above neighbours: the share must exceed the average
    payroll_mix: bool  # any scheme on the payroll: the gap uses the payroll formula
    before_strategy: bool
    after_strategy: bool
    note: str
    fixed: dict | None = None  # a target a plan cannot move (placement obligations): its row


@dataclass(frozen=True)
class Baseline:
    """One year of the home municipality, reduced to the numbers a scenario changes."""

    year: int
    code: int
    municipality: str
    headcount: float
    persons: dict[str, float]  # schemes with data this year
    missing: tuple[str, ...]  # schemes without data this year
    provisional: bool
    basis: dict[str, tuple[int, int, str]]  # scheme or HEADCOUNT -> (present, expected, basis)
    months: tuple[int, ...] | None  # measurement months with a headcount (None: not known)
    targets: tuple[TargetBasis, ...]
    neighbours: dict  # the year's neighbour section of the report
    method: str

    def target(self, target_id: str) -> TargetBasis:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise PlanError(f"Målet {_shown(target_id)} findes ikke. Målene er {join([t.id for t in self.targets])}.")

    def provisional_note(self, config: Config) -> str:
        """A Danish sentence saying the year is provisional and on which months it rests ("" if not)."""
        if not self.provisional:
            return ""
        groups: dict[tuple[int, int, str], list[str]] = {}
        for key, (present, expected, basis) in self.basis.items():
            if present < expected:
                groups.setdefault((present, expected, basis), []).append(key)
        parts = []
        for (present, expected, basis), keys in groups.items():
            names = ["antal ansatte" if k == HEADCOUNT else config.scheme(k).name for k in keys]
            if len(names) > 3:
                schemes = len(names) - (HEADCOUNT in keys)
                names = (["antal ansatte"] if HEADCOUNT in keys else []) + [f"{schemes} ordninger"]
            which = ""
            if HEADCOUNT in keys and self.months and basis == "målemåneder":
                which = f" ({join([DANISH_MONTHS[m - 1] for m in self.months])})"
            parts.append(f"{present} af {expected} {basis}{which} for {join(names)}")
        return (
            f"{self.year} er et foreløbigt år: tallene er gennemsnittet af de måneder, der er data for, "
            f"ikke af hele året: {'; '.join(parts)}."
        )


def _months_present(data: pd.DataFrame, config: Config, code: int, year: int) -> tuple[int, ...]:
    sub = data[(data["code"] == code) & (data["year"] == year) & (data["scheme"] == HEADCOUNT)]
    months = {int(m) for m in sub.loc[sub["period"] == "M", "index"] if int(m) in config.measurement_months}
    quarter = quarter_month(config.measurement_months)
    months |= {quarter[int(q)] for q in sub.loc[sub["period"] == "Q", "index"] if int(q) in quarter}
    return tuple(sorted(months))


def build_baseline(
    figures: Figures, config: Config, year: int | None = None, data: pd.DataFrame | None = None
) -> Baseline:
    """The baseline for `year` (default: the latest year of the home municipality).

    Pass the canonical `data` as well to learn which measurement months a provisional year rests on.
    """
    years = figures.home_years(config)
    if not years:
        raise PlanError(f"Der er ingen tal for {config.home_name} med antal ansatte, så der kan ikke planlægges.")
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise PlanError(f"Der er ingen tal for {year}. Årene i data er {', '.join(str(y) for y in years)}.")
    home = config.home
    row = figures.home_row(year, config)
    assert row is not None  # `year` is one of the home municipality's years
    ys = figures.shares[(figures.shares["code"] == home) & (figures.shares["year"] == year)]
    persons = {str(s): float(p) for s, p in zip(ys["scheme"], ys["persons"], strict=True)}
    annual = figures.annual[(figures.annual["code"] == home) & (figures.annual["year"] == year)]
    basis = {str(r.scheme): (int(r.present), int(r.expected), str(r.basis)) for r in annual.itertuples()}
    targets = []
    for t in config.targets:
        r = figures.target(year, t.id)
        assert r is not None  # every target has a status in every home year
        schemes = t.schemes
        if t.kind == "above_neighbours":
            schemes = tuple(s for s in t.schemes if config.scheme(s).in_neighbour_comparison)
        fixed = None
        if t.kind not in SEEKABLE:  # placements: value and threshold in places, the gap in places short
            fixed = {k: getattr(r, k) for k in ("threshold", "value", "met", "gap_pp", "gap_persons")}
        targets.append(
            TargetBasis(
                id=t.id,
                name=r.name,
                kind=t.kind,
                schemes=schemes,
                threshold=r.threshold,
                strict=r.strict,
                payroll_mix=t.mixes_payroll(config),
                before_strategy=r.before_strategy,
                after_strategy=r.after_strategy,
                note=r.note,
                fixed=fixed,
            )
        )
    return Baseline(
        year=year,
        code=home,
        municipality=row.municipality,
        headcount=row.headcount,
        persons=persons,
        missing=row.missing_schemes,
        provisional=row.provisional,
        basis=basis,
        months=None if data is None else _months_present(data, config, home, year),
        targets=tuple(targets),
        neighbours=year_report(figures, config, year)["neighbours"],
        method=figures.method,
    )


# ---- the fast path -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetOutcome:
    """One target's status under a plan: the columns of `csr.shares.target_status`."""

    year: int
    id: str
    name: str
    kind: str
    threshold: float | None
    value: float | None
    met: bool | None
    gap_pp: float | None
    gap_persons: int | None
    before_strategy: bool
    after_strategy: bool
    note: str

    def to_report(self) -> dict:
        """The target in the report's JSON shape."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "threshold": self.threshold,
            "value": self.value,
            "met": self.met,
            "gap_pp": self.gap_pp,
            "gap_persons": self.gap_persons,
        }


@dataclass(frozen=True)
class Outcome:
    """The figures of the home municipality's year under a plan (or the baseline with no plan)."""

    year: int
    code: int
    municipality: str
    provisional: bool
    headcount: float
    persons: dict[str, float]
    shares: dict[str, float]
    categories: dict[str, float]
    total_share: float
    missing: tuple[str, ...]
    targets: tuple[TargetOutcome, ...]
    neighbours: dict
    basis: dict[str, tuple[int, int, str]]

    @property
    def other_share(self) -> float:
        """ "Øvrige ansatte" in Figure 1: 100 − the total share."""
        return 100.0 - self.total_share

    def target(self, target_id: str) -> TargetOutcome:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)

    def to_report(self, config: Config) -> dict:
        """The year in the JSON shape of `csr.report.year_report`."""
        schemes = {
            s: (
                {"persons": self.persons[s], "share": self.shares[s]}
                if s in self.persons
                else {"persons": None, "share": None}
            )
            for s in config.scheme_ids
        }
        neighbours = dict(self.neighbours)
        neighbours["missing"] = list(neighbours.get("missing", []))
        return {
            "year": self.year,
            "provisional": self.provisional,
            "headcount": self.headcount,
            "schemes": schemes,
            "categories": dict(self.categories),
            "total_share": self.total_share,
            "neighbours": neighbours,
            "targets": [t.to_report() for t in self.targets],
        }

    def years_frame(self) -> pd.DataFrame:
        """One row in the shape of `csr.shares.municipality_years` (for Figure 1 and the year tables)."""
        return pd.DataFrame(
            [
                {
                    "code": self.code,
                    "municipality": self.municipality,
                    "year": self.year,
                    "headcount": self.headcount,
                    "provisional": self.provisional,
                    "total_share": self.total_share,
                    **self.categories,
                    "missing_schemes": self.missing,
                }
            ]
        )

    def shares_frame(self, config: Config) -> pd.DataFrame:
        """The home municipality's schemes in the shape of `csr.shares.annual_shares`."""
        category = {s.id: s.category for s in config.schemes}
        rows = []
        for s in sorted(self.persons):
            present, expected, basis = self.basis.get(s, (0, 0, PLAN_BASIS))
            rows.append(
                {
                    "code": self.code,
                    "municipality": self.municipality,
                    "year": self.year,
                    "scheme": s,
                    "category": category[s],
                    "persons": self.persons[s],
                    "headcount": self.headcount,
                    "share": self.shares[s],
                    "provisional": present < expected,
                    "present": present,
                    "expected": expected,
                    "basis": basis,
                }
            )
        return pd.DataFrame(rows)

    def targets_frame(self) -> pd.DataFrame:
        """The targets in the shape of `csr.shares.target_status`."""
        return pd.DataFrame([t.__dict__ for t in self.targets], columns=list(TARGET_COLUMNS))


class _Common(TypedDict):
    """What every `TargetOutcome` of a target carries besides its figures."""

    year: int
    id: str
    name: str
    kind: str
    before_strategy: bool
    after_strategy: bool
    note: str


def _judge(basis: TargetBasis, year: int, persons: Mapping[str, float], headcount: float) -> TargetOutcome:
    """A target's status for the persons and headcount of a plan (the rules of `target_status`)."""
    common: _Common = {
        "year": year,
        "id": basis.id,
        "name": basis.name,
        "kind": basis.kind,
        "before_strategy": basis.before_strategy,
        "after_strategy": basis.after_strategy,
        "note": basis.note,
    }
    if basis.fixed is not None:
        f = basis.fixed
        return TargetOutcome(
            threshold=f["threshold"],
            value=f["value"],
            met=None if f["met"] is None else bool(f["met"]),
            gap_pp=f["gap_pp"],
            gap_persons=None if f["gap_persons"] is None else int(f["gap_persons"]),
            **common,
        )
    in_scope = sum(persons[s] for s in basis.schemes if s in persons)
    value = in_scope * 100.0 / headcount  # one rounding: a share exactly at its threshold meets it
    if basis.threshold is None:
        return TargetOutcome(threshold=None, value=value, met=None, gap_pp=None, gap_persons=None, **common)
    threshold = basis.threshold
    return TargetOutcome(
        threshold=threshold,
        value=value,
        met=value > threshold if basis.strict else value >= threshold,
        gap_pp=value - threshold,
        gap_persons=persons_needed(threshold, headcount, in_scope, basis.payroll_mix, strict=basis.strict),
        **common,
    )


def _check_year(baseline: Baseline, scenario: Scenario) -> None:
    if scenario.year != baseline.year:
        raise PlanError(
            f"Scenariet gælder {scenario.year}, men grundlaget er {baseline.year}. "
            f"Vælg {scenario.year} som grundlag, eller ret scenariets år."
        )


def evaluate(baseline: Baseline, config: Config, scenario: Scenario | None = None) -> Outcome:
    """The year's figures and every target under `scenario` (the baseline itself without one).

    Plain arithmetic on the baseline's numbers: this is what a slider move runs.
    """
    scenario = Scenario(baseline.year) if scenario is None else scenario
    _check_year(baseline, scenario)
    validate_scenario(scenario, config)
    persons, headcount = _planned(baseline.persons, baseline.headcount, scenario, config)
    shares = {s: p / headcount * 100.0 for s, p in persons.items()}
    categories = {c: sum(shares[s] for s in config.schemes_in(c) if s in shares) for c in config.categories}
    return Outcome(
        year=baseline.year,
        code=baseline.code,
        municipality=baseline.municipality,
        provisional=baseline.provisional,
        headcount=headcount,
        persons=persons,
        shares=shares,
        categories=categories,
        total_share=sum(categories.values()),
        missing=tuple(s for s in config.scheme_ids if s not in persons),
        targets=tuple(_judge(t, baseline.year, persons, headcount) for t in baseline.targets),
        neighbours=baseline.neighbours,
        basis=baseline.basis,
    )


def target_changes(before: Outcome, after: Outcome) -> list[dict]:
    """Every target before and after a plan, side by side (value, status, gap in points and persons): the rows
    of `compare_targets` as plain values (None where there is none), which the planner reads at every slider
    move without building a frame."""
    return [
        {
            "id": b.id,
            "name": b.name,
            "kind": b.kind,
            "threshold": a.threshold,
            "value_before": b.value,
            "met_before": b.met,
            "gap_pp_before": b.gap_pp,
            "gap_persons_before": b.gap_persons,
            "value_after": a.value,
            "met_after": a.met,
            "gap_pp_after": a.gap_pp,
            "gap_persons_after": a.gap_persons,
            "note": a.note,
        }
        for b, a in zip(before.targets, after.targets, strict=True)
    ]


def compare_targets(before: Outcome, after: Outcome) -> pd.DataFrame:
    """Every target before and after a plan, side by side (`target_changes` as a frame)."""
    return pd.DataFrame(target_changes(before, after))


def placement_table(scenario: Scenario, config: Config) -> pd.DataFrame:
    """The planned placements with each row's months, weight and persons in the annual figure."""
    rows = []
    for p in scenario.placements:
        known = p.scheme in config.scheme_ids
        weight = p.weight(scenario.year, config)
        rows.append(
            {
                "scheme": p.scheme,
                "name": config.scheme(p.scheme).name if known else p.scheme,
                "persons": p.persons,
                "first": format_month(p.first),
                "last": format_month(p.last),
                "months": ", ".join(DANISH_MONTHS[m - 1] for m in covered_months(p, scenario.year, config)),
                "weight": weight,
                "annual_persons": p.persons * weight,
                "paid": p.paid,
                "on_payroll": p.on_payroll(config),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "scheme",
            "name",
            "persons",
            "first",
            "last",
            "months",
            "weight",
            "annual_persons",
            "paid",
            "on_payroll",
        ],
    )


# ---- goal seek ---------------------------------------------------------------------------------


def _fewest(reached: Callable[[int], bool], estimate: int) -> int:
    """The smallest n >= 0 with reached(n), searching from a close estimate (reached is monotone)."""
    n = max(0, estimate)
    while n > 0 and reached(n - 1):
        n -= 1
    while not reached(n):
        n += 1
    return n


def _seekable(baseline: Baseline, config: Config, target_id: str, scheme: str) -> TargetBasis:
    basis = baseline.target(target_id)
    if basis.kind not in SEEKABLE:
        raise PlanError(f"Målet '{basis.name}' kan ikke nås med flere personer i en ordning.")
    if scheme not in basis.schemes:
        name = config.scheme(scheme).name if scheme in config.scheme_ids else scheme
        raise PlanError(f"{name} tæller ikke med i målet '{basis.name}'.")
    if basis.threshold is None:
        raise PlanError(
            f"Målet '{basis.name}' kan ikke vurderes for {baseline.year}: {basis.note or 'der er ingen tærskel'}"
        )
    return basis


def _seek(
    baseline: Baseline,
    config: Config,
    scenario: Scenario,
    basis: TargetBasis,
    scheme: str,
    weight: float,
    plan: Callable[[int], Scenario],
    on_payroll: bool,
) -> int | None:
    """The fewest whole persons n for which `plan(n)` meets the target, verified in the fast path;
    `on_payroll` says whether the added persons join the headcount (for the estimate)."""
    if weight <= 0 or basis.threshold is None:
        return None
    threshold = basis.threshold
    t = threshold / 100.0
    if on_payroll and t >= 1.0:
        return None

    def reached(n: int) -> bool:
        persons, headcount = _planned(baseline.persons, baseline.headcount, plan(n), config)
        return bool(_judge(basis, baseline.year, persons, headcount).met)

    persons, headcount = _planned(baseline.persons, baseline.headcount, scenario, config)
    in_scope = sum(persons.get(s, 0.0) for s in basis.schemes)
    annual = persons_needed(threshold, headcount, in_scope, on_payroll, strict=basis.strict)
    return _fewest(reached, math.ceil(annual / weight))


def _annual_plan(scenario: Scenario, config: Config, scheme: str, paid: bool | None) -> Callable[[int], Scenario]:
    """n more persons on annual average in `scheme`: a change, or, for a payroll status other than the
    configuration's default, a placement of n persons over the whole year (weight 1) with that status."""
    if paid is None or paid == config.scheme(scheme).on_payroll:
        return lambda n: scenario.with_change(scheme, n)
    year = scenario.year
    return lambda n: scenario.with_placement(Placement(scheme, n, (year, 1), (year, 12), paid))


def persons_to_add(
    baseline: Baseline,
    config: Config,
    target_id: str,
    scheme: str,
    scenario: Scenario | None = None,
    paid: bool | None = None,
) -> int | None:
    """The fewest whole persons on annual average in `scheme` that meet the target on top of `scenario`
    (`paid`: for a scheme with `payroll_choice`, whether they are paid; None: the configuration's default).

    0 when the target is met already; None when no number can (a payroll scheme and a 100 % target).
    """
    scenario = Scenario(baseline.year) if scenario is None else scenario
    _check_year(baseline, scenario)
    validate_scenario(scenario, config)
    basis = _seekable(baseline, config, target_id, scheme)
    on_payroll = assumed_payroll(config, scheme, paid)
    return _seek(
        baseline, config, scenario, basis, scheme, 1.0, _annual_plan(scenario, config, scheme, paid), on_payroll
    )


def placements_needed(
    baseline: Baseline,
    config: Config,
    target_id: str,
    scheme: str,
    start_month: int | Month | str,
    end_month: int | Month | str | None = None,
    scenario: Scenario | None = None,
    paid: bool | None = None,
) -> int | None:
    """The fewest persons placed in `scheme` from `start_month` to `end_month` (default December) that
    meet the target on top of `scenario`; None when such a placement weighs 0 in the year
    (`CANNOT_REACH`). A month alone (8) is a month of the baseline year. `paid` as in `persons_to_add`.
    """
    scenario = Scenario(baseline.year) if scenario is None else scenario
    _check_year(baseline, scenario)
    validate_scenario(scenario, config)
    basis = _seekable(baseline, config, target_id, scheme)
    on_payroll = assumed_payroll(config, scheme, paid)
    first = _month_of(start_month, baseline.year)
    last = (baseline.year, 12) if end_month is None else _month_of(end_month, baseline.year)
    if last < first:
        raise PlanError(f"Placeringen slutter i {month_name(last)}, før den begynder i {month_name(first)}.")
    weight = placement_weight(Placement(scheme, 1, first, last), baseline.year, scheme_months(config, scheme))
    return _seek(
        baseline,
        config,
        scenario,
        basis,
        scheme,
        weight,
        lambda n: scenario.with_placement(Placement(scheme, n, first, last, paid)),
        on_payroll,
    )


def _month_of(value: int | Month | str, year: int) -> Month:
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 12:
            raise PlanError(f"Måneden {value} findes ikke; skriv 1-12.")
        return (year, value)
    return parse_month(value)


def placement_options(
    baseline: Baseline,
    config: Config,
    target_id: str,
    scheme: str,
    scenario: Scenario | None = None,
    paid: bool | None = None,
) -> dict[int, int | None]:
    """Start month (1-12 of the year, each running to December) -> persons needed, or None."""
    return {
        m: placements_needed(baseline, config, target_id, scheme, m, scenario=scenario, paid=paid) for m in range(1, 13)
    }


def goal_seek(
    baseline: Baseline, config: Config, scenario: Scenario | None = None, paid: Mapping[str, bool] | None = None
) -> dict[str, dict[str, int | None]]:
    """For every unmet min-share and above-neighbours target: per scheme in it, the fewest persons
    on annual average that meet it on top of `scenario` (None when no number can). `paid` gives the
    payroll status assumed for schemes with `payroll_choice` (others: the configuration's default);
    `payroll_assumption` words it."""
    scenario = Scenario(baseline.year) if scenario is None else scenario
    paid = {} if paid is None else paid
    outcome = evaluate(baseline, config, scenario)
    result: dict[str, dict[str, int | None]] = {}
    for basis, status in zip(baseline.targets, outcome.targets, strict=True):
        if basis.kind in SEEKABLE and status.met is False:
            result[basis.id] = {
                s: _seek(
                    baseline,
                    config,
                    scenario,
                    basis,
                    s,
                    1.0,
                    _annual_plan(scenario, config, s, paid.get(s)),
                    assumed_payroll(config, s, paid.get(s)),
                )
                for s in basis.schemes
            }
    return result


# ---- the reference path ------------------------------------------------------------------------


def apply_scenario(
    source: Figures | tuple[pd.DataFrame, pd.DataFrame], config: Config, scenario: Scenario, method: str | None = None
) -> Figures:
    """The `Figures` of the scenario year with the plan written into the home municipality's annual
    figures and `csr.shares`' own shares, neighbour and target functions rerun (the reference path).

    `source` is the baseline's `Figures` or the canonical (data, placements) frames.
    """
    figures = source if isinstance(source, Figures) else compute(source[0], source[1], config, method)
    validate_scenario(scenario, config)
    method = figures.method
    annual = figures.annual[figures.annual["year"] == scenario.year].reset_index(drop=True)
    home = annual["code"] == config.home
    head = home & (annual["scheme"] == HEADCOUNT)
    if not head.any():
        years = figures.home_years(config)
        raise PlanError(f"Der er ingen tal for {scenario.year}. Årene i data er {', '.join(str(y) for y in years)}.")
    schemes = annual[home & ~head]
    persons, headcount = _planned(
        dict(zip(schemes["scheme"], schemes["value"].astype(float), strict=True)),
        float(annual.loc[head, "value"].iloc[0]),
        scenario,
        config,
    )
    values = annual["value"].to_numpy(dtype=float, copy=True)
    for i in schemes.index:
        values[i] = persons[annual.at[i, "scheme"]]
    values[head.to_numpy()] = headcount
    annual = annual.assign(value=values)
    name = config.home_name
    new = [
        {
            "code": config.home,
            "municipality": name,
            "year": scenario.year,
            "scheme": s,
            "value": persons[s],
            "present": 0,
            "expected": 0,
            "provisional": False,
            "basis": PLAN_BASIS,
        }
        for s in persons
        if s not in set(schemes["scheme"])
    ]
    if new:
        annual = pd.concat([annual, pd.DataFrame(new)], ignore_index=True)
    annual = annual.sort_values(["code", "year", "scheme"], ignore_index=True)
    shares = annual_shares(annual, config)
    years = municipality_years(annual, config)
    neighbours = neighbour_comparison(shares, config, method)
    targets = target_status(shares, years, figures.placements, config, method)
    return Figures(annual, shares, years, neighbours, targets, figures.placements, method)


# ---- the command line --------------------------------------------------------------------------


def _scheme_id(name: str, config: Config, where: str) -> str:
    scheme = config.match_scheme(name)
    if scheme == HEADCOUNT:
        raise PlanError(f"{where}: antallet af ansatte ændres med --headcount-change, ikke som en ordning.")
    if scheme is None:
        raise PlanError(_scheme_problem(config, name, where))
    return scheme


def parse_change(arg: str, config: Config) -> tuple[str, float]:
    """ "fleksjob=10" (or a scheme name or alias, "Fleksjobbere=-2,5") -> ("fleksjob", 10)."""
    name, sep, persons = arg.partition("=")
    if not sep or not name.strip():
        raise PlanError(f"Ændringen {_shown(arg)} kan ikke læses. Skriv ORDNING=PERSONER, fx fleksjob=10.")
    scheme = _scheme_id(name.strip(), config, f"Ændringen {_shown(arg)}")
    return scheme, _number(persons.strip(), f"Ændringen {_shown(arg)}: antallet af personer")


def parse_placement(arg: str, config: Config) -> Placement:
    """ "elever:14:2025-08:2025-12" -> Placement("elever", 14, (2025, 8), (2025, 12)); a scheme with
    `payroll_choice` may end in ":lønnet" or ":ulønnet" ("studerende:10:2025-08:2025-12:ulønnet")."""
    parts = [p.strip() for p in arg.split(":")]
    if len(parts) not in (4, 5) or not parts[0]:
        raise PlanError(
            f"Placeringen {_shown(arg)} kan ikke læses. Skriv ORDNING:PERSONER:ÅÅÅÅ-MM:ÅÅÅÅ-MM, "
            "fx elever:14:2025-08:2025-12 (studerende i praktik kan få :lønnet eller :ulønnet til sidst)."
        )
    where = f"Placeringen {_shown(arg)}"
    scheme = _scheme_id(parts[0], config, where)
    persons = _number(parts[1], f"{where}: antallet af personer")
    try:
        first, last = parse_month(parts[2]), parse_month(parts[3])
    except PlanError as exc:
        raise PlanError(f"{where}: {exc}") from exc
    paid = None
    if len(parts) == 5:
        paid = PAID_ALIASES.get(parts[4].lower())
        if paid is None:
            raise PlanError(f"{where}: skriv 'lønnet' eller 'ulønnet' til sidst, ikke {_shown(parts[4])}.")
        problem = _paid_problem(config, scheme, paid, where)
        if problem:
            raise PlanError(problem)
    return Placement(scheme, persons, first, last, paid)


def scenario_from_args(
    config: Config, year: int, changes: Iterable[str] = (), headcount_change: float = 0, placements: Iterable[str] = ()
) -> Scenario:
    """The scenario of `python -m csr plan --change ... --headcount-change ... --placement ...`."""
    planned: dict[str, float] = {}
    for arg in changes:
        scheme, persons = parse_change(arg, config)
        planned[scheme] = planned.get(scheme, 0) + persons
    scenario = Scenario(year, planned, headcount_change, tuple(parse_placement(p, config) for p in placements))
    validate_scenario(scenario, config)
    return scenario


def plan_report(
    baseline: Baseline, config: Config, scenario: Scenario | None = None, paid: Mapping[str, bool] | None = None
) -> dict:
    """The scenario year in the shape of `csr.report.year_report`, with "scenario", "goal_seek" and
    "goal_seek_paid" (the payroll status the goal seek assumed for schemes with the choice: `paid`, by
    default the configuration's; `payroll_assumption` words it)."""
    paid = {} if paid is None else paid
    scenario = Scenario(baseline.year) if scenario is None else scenario
    report = evaluate(baseline, config, scenario).to_report(config)
    plan = scenario.to_dict()
    for p, row in zip(plan["placements"], scenario.placements, strict=True):
        weight = row.weight(scenario.year, config)
        p.update(weight=weight, annual_persons=row.persons * weight, on_payroll=row.on_payroll(config))
    report["scenario"] = plan
    seek = goal_seek(baseline, config, scenario, paid)
    report["goal_seek"] = seek
    sought = {s for per_scheme in seek.values() for s in per_scheme}
    report["goal_seek_paid"] = {
        s: assumed_payroll(config, s, paid.get(s)) for s in choice_schemes(config) if s in sought
    }
    return report


def _signed(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 2
    return ("+" if value >= 0 else "−") + text.number(abs(value), decimals)


def _paid_suffix(config: Config, placement: dict) -> str:
    """ " (lønnet)"/" (ulønnet)" after a placement of a scheme whose payroll status is chosen per placement."""
    scheme = placement["scheme"]
    if scheme not in config.scheme_ids or not config.scheme(scheme).payroll_choice:
        return ""
    return " (lønnet)" if assumed_payroll(config, scheme, placement.get("paid")) else " (ulønnet)"


def format_plan(report: dict, config: Config) -> str:
    """A readable Danish version of `plan_report`, for the terminal."""
    names = {s.id: s.name for s in config.schemes}
    plan = report["scenario"]
    lines = [f"Scenarie for {report['year']}" + (f": {plan['name']}" if plan.get("name") else "")]
    for scheme, persons in plan["changes"].items():
        lines.append(f"  {names.get(scheme, scheme):<54} {_signed(persons)} personer (årsgennemsnit)")
    if plan["headcount_change"]:
        lines.append(f"  {'Ændring i antal ansatte':<54} {_signed(plan['headcount_change'])}")
    for p in plan["placements"]:
        lines.append(
            f"  {names.get(p['scheme'], p['scheme'])}: {text.number(p['persons'], 0 if float(p['persons']).is_integer() else 2)} "
            f"personer {p['first']} til {p['last']}, vægt {text.number(p['weight'], 2)} = {text.number(p['annual_persons'], 2)} "
            "i årsgennemsnittet" + _paid_suffix(config, p)
        )
    if len(lines) == 1:
        lines.append("  Ingen ændringer: grundlaget som det er.")
    lines += ["", format_report({"municipality": config.home_name, "years": [report]}, config)]
    targets = {t.id: t.name for t in config.targets}
    targets.update((t["id"], t["name"]) for t in report["targets"] if t.get("name"))  # the name in force that year
    if report["goal_seek"]:
        lines.append("Personer, der mangler (årsgennemsnit, én ordning ad gangen):")
        for target, per_scheme in report["goal_seek"].items():
            lines.append(f"  {targets[target]}:")
            for scheme, n in per_scheme.items():
                assumed = payroll_assumption(config, scheme, report.get("goal_seek_paid", {}).get(scheme))
                label = f"{names[scheme]}, {assumed}" if assumed else names[scheme]
                lines.append(f"    {label:<54} {CANNOT_REACH if n is None else text.persons(n)}")
    else:
        lines.append("Alle mål, en plan kan flytte, er nået.")
    return "\n".join(lines)

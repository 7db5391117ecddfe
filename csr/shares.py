"""Annual figures, shares, neighbour figures, target status and gaps (the rules: docs/regler.md).

Everything here is a pure function of the canonical table and the configuration; frames come in,
new frames and frozen results (`TargetStatus`, `NeighbourFigure`, `HomeYear`) go out, the input is never changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config, Target
from csr.text import _join, number

ANNUAL_COLUMNS = ("code", "municipality", "year", "scheme", "value", "present", "expected", "provisional", "basis")


# ---- annual figures ------------------------------------------------------------------------------


def quarter_month(months: tuple[int, ...]) -> dict[int, int]:
    """Quarter -> the measurement month inside it (a quarterly value stands for that month)."""
    return {(m - 1) // 3 + 1: m for m in months}


def annual_figures(data: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One row per municipality, year and scheme (or headcount): the annual figure and its basis.

    Measurement-month schemes and the headcount: the mean of the measurement months present
    (a quarterly value counts for the measurement month of its quarter). Whole-period schemes
    (virksomhedspraktik from jobindsats.dk): a yearly value as it is, else the mean of the months
    (or quarters) present. A figure from fewer periods than expected is provisional.
    """
    if data.empty:
        return pd.DataFrame({c: [] for c in ANNUAL_COLUMNS})
    # Work on integers: the scheme as a factor code, the period kind as 0 (M), 1 (Q), 2 (Y).
    scheme_code, scheme_names = pd.factorize(data["scheme"])
    kind = np.select([(data["period"] == "M").to_numpy(bool), (data["period"] == "Q").to_numpy(bool)], [0, 1], 2)
    frame = pd.DataFrame(
        {
            "code": data["code"].to_numpy(),
            "year": data["year"].to_numpy(),
            "scheme": scheme_code,
            "kind": kind,
            "index": data["index"].to_numpy(),
            "value": data["value"].to_numpy(),
        }
    )
    measured_ids = {s.id for s in config.schemes if s.averaging == "measurement_months"} | {HEADCOUNT}
    measured_codes = [i for i, name in enumerate(scheme_names) if name in measured_ids]
    is_measured = frame["scheme"].isin(measured_codes).to_numpy()
    key = ["code", "year", "scheme"]
    parts = []

    m = frame[is_measured]
    if not m.empty:
        months = config.measurement_months
        qmap = quarter_month(months)
        monthly = m[(m["kind"] == 0) & m["index"].isin(months)]
        quarterly = m[m["kind"] == 1]
        if len(quarterly):
            quarterly = quarterly.assign(index=quarterly["index"].map(qmap), kind=0)
            quarterly = quarterly[quarterly["index"].notna()]
            monthly = pd.concat([monthly, quarterly], ignore_index=True)
            monthly = monthly.drop_duplicates([*key, "index"], keep="first")
        agg = monthly.groupby(key, sort=False)["value"].agg(value="mean", present="count").reset_index()
        agg["expected"] = len(months)
        agg["basis"] = "målemåneder"
        parts.append((agg, m[m["kind"] == 2]))

    w = frame[~is_measured]
    if not w.empty:
        am = w[w["kind"] == 0].groupby(key, sort=False)["value"].agg(value="mean", present="count").reset_index()
        am["expected"], am["basis"] = 12, "måneder"
        aq = w[w["kind"] == 1].groupby(key, sort=False)["value"].agg(value="mean", present="count").reset_index()
        aq["expected"], aq["basis"] = 4, "kvartaler"
        agg = pd.concat([am, aq], ignore_index=True).drop_duplicates(key, keep="first")
        parts.append((agg, w[w["kind"] == 2]))

    out = []
    for agg, yearly in parts:
        if len(yearly):
            y = yearly.drop_duplicates(key)[[*key, "value"]].assign(present=1, expected=1, basis="år")
            agg = pd.concat([y, agg], ignore_index=True).drop_duplicates(key, keep="first")
        out.append(agg)
    result = pd.concat(out, ignore_index=True) if len(out) > 1 else out[0]
    result["provisional"] = result["present"] < result["expected"]
    result["year"] = result["year"].astype(int)
    result["code"] = result["code"].astype(int)
    result["scheme"] = pd.array(np.asarray(scheme_names, dtype=object)[result["scheme"].to_numpy()], dtype="str")
    names = {m.code: m.name for m in config.municipalities}
    result["municipality"] = pd.array(result["code"].map(names).to_numpy(dtype=object), dtype="str")
    return result[list(ANNUAL_COLUMNS)].sort_values(["code", "year", "scheme"], ignore_index=True)


# ---- shares ------------------------------------------------------------------------------------


def annual_shares(annual: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Per municipality, year and scheme: persons, headcount and share in percent (unrounded).

    Only municipality-years with a headcount get shares; schemes without data are not rows here
    (see `municipality_years` for which schemes had no data).
    """
    head = annual[annual["scheme"] == HEADCOUNT][["code", "year", "value", "provisional"]]
    head = head.rename(columns={"value": "headcount", "provisional": "headcount_provisional"})
    schemes = annual[annual["scheme"] != HEADCOUNT]
    merged = schemes.merge(head, on=["code", "year"], how="inner")
    category = {s.id: s.category for s in config.schemes}
    headcount = merged["headcount"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # no staff: no share, never an infinite one
        share = np.where(headcount > 0, merged["value"].to_numpy(dtype=float) / headcount * 100.0, np.nan)
    merged = merged.assign(
        persons=merged["value"],
        share=share,
        category=merged["scheme"].map(category),
    )
    return merged[
        [
            "code",
            "municipality",
            "year",
            "scheme",
            "category",
            "persons",
            "headcount",
            "share",
            "provisional",
            "present",
            "expected",
            "basis",
        ]
    ].reset_index(drop=True)


def municipality_years(annual: pd.DataFrame, config: Config, shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per municipality and year: headcount, category and total shares, provisional, schemes without data."""
    shares = annual_shares(annual, config) if shares is None else shares
    head = annual[annual["scheme"] == HEADCOUNT][["code", "municipality", "year", "value", "provisional"]]
    head = head.rename(columns={"value": "headcount"})
    columns = [
        "code",
        "municipality",
        "year",
        "headcount",
        "provisional",
        "total_share",
        *config.categories,
        "missing_schemes",
    ]
    if head.empty:
        return pd.DataFrame(columns=columns)
    cat = shares.pivot_table(index=["code", "year"], columns="category", values="share", aggfunc="sum", observed=True)
    cat = cat.reindex(columns=list(config.categories), fill_value=0.0).fillna(0.0)
    scheme_prov = shares.groupby(["code", "year"])["provisional"].any()
    all_ids = config.scheme_ids
    present = (
        shares.assign(present=1.0)
        .pivot_table(index=["code", "year"], columns="scheme", values="present", aggfunc="sum")
        .reindex(columns=list(all_ids))
        .fillna(0.0)
        > 0
    )
    out = head.set_index(["code", "year"]).join(cat, how="left")
    out[list(config.categories)] = out[list(config.categories)].fillna(0.0)
    out["total_share"] = out[list(config.categories)].sum(axis=1)
    out["provisional"] = out["provisional"] | scheme_prov.reindex(out.index, fill_value=False)
    flags = present.reindex(out.index, fill_value=False).to_numpy(dtype=bool)
    out["missing_schemes"] = [tuple(s for s, got in zip(all_ids, row) if not got) for row in flags]
    out = out.reset_index()
    return out[columns].sort_values(["code", "year"], ignore_index=True)


def scope_share(shares: pd.DataFrame, schemes: tuple[str, ...]) -> pd.DataFrame:
    """Per municipality and year: persons and share summed over the given schemes."""
    sub = shares[shares["scheme"].isin(schemes)]
    g = sub.groupby(["code", "year"], sort=False)
    out = g.agg(
        persons=("persons", "sum"),
        share=("share", "sum"),
        headcount=("headcount", "first"),
        schemes_present=("scheme", "nunique"),
    ).reset_index()
    return out


# ---- neighbours ----------------------------------------------------------------------------------


def comparison_groups(config: Config) -> dict[str, tuple[str, ...]]:
    """Category -> its schemes that take part in the neighbour comparison (beredskab, STU left out)."""
    groups = {}
    for category in config.categories:
        ids = tuple(s.id for s in config.schemes if s.category == category and s.in_neighbour_comparison)
        if ids:
            groups[category] = ids
    return groups


@dataclass(frozen=True)
class NeighbourAverage:
    year: int
    group: str
    method: str
    home: float | None
    average: float | None
    included: tuple[str, ...]
    missing: tuple[str, ...]
    per_municipality: dict[str, float] = field(default_factory=dict)
    missing_schemes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class NeighbourFigure:
    """One comparison group (or target scope) in one year: the home share against the neighbours' figure.

    `average` is the sum of the per-scheme figures in `schemes` (docs/regler.md, "Omegnskommuner"):
    each scheme's figure is taken over the neighbours that have data for that scheme. `missing` names
    the neighbours without data for any of the schemes that year (left out); `missing_schemes` names,
    for each neighbour that is included, the schemes it lacks (left out of those schemes' figures only).
    """

    year: int
    group: str
    method: str
    home: float | None
    home_persons: float | None
    headcount: float | None
    average: float | None
    included: tuple[str, ...]
    missing: tuple[str, ...]
    missing_schemes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    schemes: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every neighbour has data for every scheme."""
        return not self.missing and not self.missing_schemes


NEIGHBOUR_COLUMNS = ("year", "group", "method", "home", "home_persons", "headcount", "average", "included", "missing")


def neighbours_frame(figures: Sequence[NeighbourFigure]) -> pd.DataFrame:
    """The neighbour figures as a frame with nullable dtypes (Float64), for charts and exports."""
    frame = pd.DataFrame(
        {
            "year": pd.array([f.year for f in figures], dtype="Int64"),
            "group": pd.array([f.group for f in figures], dtype="str"),
            "method": pd.array([f.method for f in figures], dtype="str"),
            **{
                c: pd.array([getattr(f, c) for f in figures], dtype="Float64")
                for c in ("home", "home_persons", "headcount", "average")
            },
            "included": [f.included for f in figures],
            "missing": [f.missing for f in figures],
            "missing_schemes": [dict(f.missing_schemes) for f in figures],
        }
    )
    return frame


def neighbour_figures(
    shares: pd.DataFrame, config: Config, schemes: tuple[str, ...], group: str = "", method: str | None = None
) -> tuple[NeighbourFigure, ...]:
    """For every year with data: the home share in `schemes` and the neighbours' figure (docs/regler.md).

    Only schemes in the neighbour comparison count, on both sides. Per scheme, over the neighbours that
    have data for it: pooled, their persons summed over their headcounts summed; mean, the unweighted
    mean of their shares. The neighbours' figure is the sum of the schemes' figures (with complete data
    the same as pooling or averaging the whole scope). A neighbour without data for any of the schemes
    that year is left out and named in `missing`; one lacking only some is named in `missing_schemes`.
    """
    method = method or config.neighbour_method
    comparable = tuple(s for s in schemes if config.scheme(s).in_neighbour_comparison)
    years = sorted(int(y) for y in shares["year"].unique())
    compared = shares[shares["code"].isin((config.home, *config.neighbours)) & shares["scheme"].isin(comparable)]
    totals = scope_share(compared, comparable)
    home = {
        int(y): (float(p), float(h))
        for y, p, h in zip(*(totals.loc[totals["code"] == config.home, c] for c in ("year", "persons", "headcount")))
    }
    names = {c: config.municipality(c).name for c in config.neighbours}
    nb = compared[compared["code"].isin(config.neighbours)]
    # (year, scheme) -> [(code, persons, headcount, share)]
    cells: dict[tuple[int, str], list[tuple[int, float, float, float]]] = {}
    for y, s, c, p, h, sh in zip(nb["year"], nb["scheme"], nb["code"], nb["persons"], nb["headcount"], nb["share"]):
        cells.setdefault((int(y), str(s)), []).append((int(c), float(p), float(h), float(sh)))
    out = []
    for year in years:
        present = {c for s in comparable for c, *_ in cells.get((year, s), [])}
        per_scheme: dict[str, float | None] = {}
        lacking: dict[str, list[str]] = {}
        for s in comparable:
            got = cells.get((year, s), [])
            have = {c for c, *_ in got}
            for c in config.neighbours:
                if c in present and c not in have:
                    lacking.setdefault(names[c], []).append(s)
            if not present:
                continue
            per_scheme[s] = _scheme_figure(got, method)
        if not present:
            average = None
        elif any(v is None for v in per_scheme.values()):
            average = None  # no staff among the neighbours that have the scheme: no figure
        else:
            average = float(sum(v for v in per_scheme.values() if v is not None))
        persons, headcount = home.get(year, (None, None))
        out.append(
            NeighbourFigure(
                year=year,
                group=group,
                method=method,
                home=_percent(persons, headcount) if persons is not None and headcount is not None else None,
                home_persons=persons,
                headcount=headcount,
                average=average,
                included=tuple(names[c] for c in config.neighbours if c in present),
                missing=tuple(names[c] for c in config.neighbours if c not in present),
                missing_schemes={n: tuple(ids) for n, ids in lacking.items()},
                schemes=per_scheme,
            )
        )
    return tuple(out)


def _scheme_figure(cells: list[tuple[int, float, float, float]], method: str) -> float | None:
    """One scheme's neighbour figure over the neighbours that have it; 0 when none has it."""
    if not cells:
        return 0.0
    if method == "mean":
        finite = [sh for _, _, _, sh in cells if math.isfinite(sh)]
        return sum(finite) / len(finite) if finite else None
    return _percent(sum(p for _, p, _, _ in cells), sum(h for _, _, h, _ in cells))


def neighbour_table(
    shares: pd.DataFrame, config: Config, schemes: tuple[str, ...], group: str = "", method: str | None = None
) -> pd.DataFrame:
    """`neighbour_figures` as a frame (nullable dtypes)."""
    return neighbours_frame(neighbour_figures(shares, config, schemes, group, method))


def _percent(persons: float, headcount: float) -> float | None:
    """persons / headcount in percent; None without staff (a store may hold a zero headcount)."""
    return float(persons) * 100.0 / float(headcount) if headcount > 0 else None


def neighbour_average(
    shares: pd.DataFrame,
    config: Config,
    year: int,
    schemes: tuple[str, ...],
    group: str = "",
    method: str | None = None,
) -> NeighbourAverage:
    """The neighbours' share in `schemes` for one year (see `neighbour_figures`), with each one's share."""
    method = method or config.neighbour_method
    figures = neighbour_figures(shares[shares["year"] == year], config, schemes, group, method)
    comparable = tuple(s for s in schemes if config.scheme(s).in_neighbour_comparison)
    totals = scope_share(shares[shares["year"] == year], comparable).set_index("code")
    per = {config.municipality(c).name: float(totals.at[c, "share"]) for c in config.neighbours if c in totals.index}
    if not figures:
        return NeighbourAverage(year, group, method, None, None, (), config.neighbour_names, {})
    f = figures[0]
    return NeighbourAverage(year, group, method, f.home, f.average, f.included, f.missing, per, f.missing_schemes)


def neighbour_comparison(
    shares: pd.DataFrame, config: Config, method: str | None = None
) -> tuple[NeighbourFigure, ...]:
    """For every year of the home municipality and comparison group: home share, neighbour figure,
    method, who is included, who is missing and who lacks which scheme."""
    home_years = {int(y) for y in shares.loc[shares["code"] == config.home, "year"].unique()}
    out = [
        f
        for group, schemes in comparison_groups(config).items()
        for f in neighbour_figures(shares, config, schemes, group, method)
        if f.year in home_years
    ]
    return tuple(sorted(out, key=lambda f: (f.year, f.group)))


# ---- persons needed ----------------------------------------------------------------------------


def persons_needed(threshold: float, headcount: float, persons: float, on_payroll: bool, strict: bool = False) -> int:
    """The fewest extra persons (annual average) that bring the share to `threshold` percent.

    On payroll each person also adds to the headcount: n = ceil((t·H − p) / (1 − t)); otherwise
    n = ceil(t·H − p). With `strict` the share must exceed the threshold (above the neighbours).
    The result is exact: with n the share is reached, with n − 1 it is not.
    """
    if headcount <= 0:
        return 0
    t = threshold / 100.0

    def reached(n: int) -> bool:
        share = (persons + n) * 100.0 / (headcount + (n if on_payroll else 0))
        return share > threshold if strict else share >= threshold

    if reached(0):
        return 0
    if on_payroll and t >= 1.0:
        raise ValueError("Et mål på 100 % eller mere kan ikke nås ved at ansætte flere.")
    estimate = (t * headcount - persons) / (1 - t) if on_payroll else t * headcount - persons
    n = max(0, math.ceil(estimate))
    while n > 0 and reached(n - 1):
        n -= 1
    while not reached(n):
        n += 1
    return n


# ---- targets -----------------------------------------------------------------------------------

TARGET_COLUMNS = (
    "year",
    "id",
    "name",
    "kind",
    "threshold",
    "value",
    "met",
    "gap_pp",
    "gap_persons",
    "before_strategy",
    "after_strategy",
    "note",
)


@dataclass(frozen=True)
class Shortfall:
    """One education's places in a year: agreed, realised and how many are short (0 when reached)."""

    education: str
    agreed: float
    realised: float

    @property
    def met(self) -> bool:
        return self.realised >= self.agreed

    @property
    def short(self) -> int:
        """Places short of the agreed number, whole places (0 when the number is reached)."""
        return max(0, math.ceil(self.agreed - self.realised))


@dataclass(frozen=True)
class TargetStatus:
    """One target's status in one year (docs/regler.md, "Mål").

    min_share: value and threshold in percent of the headcount, met when value >= threshold, gap_pp
    in percentage points, gap_persons the fewest extra persons (annual average) that meet it.
    above_neighbours: the threshold is the neighbours' figure, met only when the value exceeds it
    (`strict`). obligations_met (placements): value and threshold count places (realised and agreed in
    total), met when every education reaches its agreed number; no percentage points (gap_pp None);
    gap_persons (and gap_places) the places short summed over the educations, `shortfalls` per education.
    `name` and `description` are those in force in `year`.
    """

    year: int
    id: str
    name: str
    description: str
    kind: str
    threshold: float | None = None
    value: float | None = None
    met: bool | None = None
    gap_pp: float | None = None
    gap_persons: int | None = None
    before_strategy: bool = False
    after_strategy: bool = False
    note: str = ""
    shortfalls: tuple[Shortfall, ...] = ()

    @property
    def strict(self) -> bool:
        """Above the neighbours means strictly above: equal is not met."""
        return self.kind == "above_neighbours"

    @property
    def places(self) -> bool:
        """The target counts places, not percent (placement obligations)."""
        return self.kind == "obligations_met"

    @property
    def gap_places(self) -> int | None:
        """Places short in total (placements only; None without placement data)."""
        if not self.places or self.met is None:
            return None
        return sum(s.short for s in self.shortfalls)

    @property
    def judged(self) -> bool:
        return self.met is not None


def targets_frame(statuses: Sequence[TargetStatus]) -> pd.DataFrame:
    """The statuses as a frame with nullable dtypes (Int64, Float64, boolean), for charts and exports."""
    return pd.DataFrame(
        {
            "year": pd.array([t.year for t in statuses], dtype="Int64"),
            "id": pd.array([t.id for t in statuses], dtype="str"),
            "name": pd.array([t.name for t in statuses], dtype="str"),
            "kind": pd.array([t.kind for t in statuses], dtype="str"),
            "threshold": pd.array([t.threshold for t in statuses], dtype="Float64"),
            "value": pd.array([t.value for t in statuses], dtype="Float64"),
            "met": pd.array([t.met for t in statuses], dtype="boolean"),
            "gap_pp": pd.array([t.gap_pp for t in statuses], dtype="Float64"),
            "gap_persons": pd.array([t.gap_persons for t in statuses], dtype="Int64"),
            "before_strategy": pd.array([t.before_strategy for t in statuses], dtype="boolean"),
            "after_strategy": pd.array([t.after_strategy for t in statuses], dtype="boolean"),
            "note": pd.array([t.note for t in statuses], dtype="str"),
            "description": pd.array([t.description for t in statuses], dtype="str"),
            "gap_places": pd.array([t.gap_places for t in statuses], dtype="Int64"),
        }
    )


def target_status(
    shares: pd.DataFrame, mun_years: pd.DataFrame, placements: pd.DataFrame, config: Config, method: str | None = None
) -> tuple[TargetStatus, ...]:
    """Every target's status for every year of the home municipality, with the threshold and name of that year."""
    home = mun_years[mun_years["code"] == config.home]
    home_shares = shares[shares["code"] == config.home]
    by_year: dict[int, dict[str, float]] = {}
    for y, scheme, persons in zip(home_shares["year"], home_shares["scheme"], home_shares["persons"]):
        by_year.setdefault(int(y), {})[scheme] = float(persons)
    neighbours = {
        t.id: {f.year: f for f in neighbour_figures(shares, config, t.schemes, t.id, method)}
        for t in config.targets
        if t.kind == "above_neighbours"
    }
    out = []
    for year, headcount in zip(home["year"].astype(int), home["headcount"].astype(float)):
        persons_by_scheme = by_year.get(year, {})
        for target in config.targets:
            first_year = target.thresholds[0].from_year if target.thresholds else None
            common = {
                "year": year,
                "id": target.id,
                "name": target.name_in(year),
                "description": target.description_in(year),
                "kind": target.kind,
                "before_strategy": first_year is not None and year < first_year,
                "after_strategy": config.strategy_period_ended(year),
            }
            if target.kind != "obligations_met" and not (math.isfinite(headcount) and headcount > 0):
                note = f"Kan ikke vurderes: antallet af ansatte i {year} er {number(headcount)}."
                out.append(TargetStatus(note=note, **common))
            elif target.kind == "min_share":
                persons = sum(persons_by_scheme.get(s, 0.0) for s in target.schemes)
                value = persons * 100.0 / headcount  # one division: a share exactly on the threshold is met
                threshold = target.threshold(year)
                assert threshold is not None  # a min-share target always has thresholds (config)
                out.append(
                    TargetStatus(
                        threshold=threshold,
                        value=value,
                        met=value >= threshold,
                        gap_pp=value - threshold,
                        gap_persons=persons_needed(threshold, headcount, persons, target.mixes_payroll(config)),
                        **common,
                    )
                )
            elif target.kind == "above_neighbours":
                out.append(_above_neighbours(neighbours[target.id].get(year), headcount, target, config, common))
            else:
                out.append(_placements(placements, year, common))
    return tuple(out)


def _above_neighbours(
    nb: NeighbourFigure | None, headcount: float, target: Target, config: Config, common: dict
) -> TargetStatus:
    value = nb.home if nb is not None and nb.home is not None else 0.0
    if nb is None or nb.average is None:
        return TargetStatus(value=value, note="Ingen data for omegnskommunerne dette år.", **common)
    average = nb.average
    if not 0.0 <= average < 100.0 or not 0.0 <= value <= 100.0:
        # Implausible figures (more persons than staff) cannot be judged; the import warns.
        which = "omegnskommunernes gennemsnit" if value <= 100.0 else "egen andel"
        shown = average if value <= 100.0 else value
        note = (
            f"Kan ikke vurderes: {which} er {number(shown, 1)} %, over 100 % af de ansatte. "
            "Tjek tallene for personer og ansatte."
        )
        return TargetStatus(value=value, note=note, **common)
    persons = nb.home_persons if nb.home_persons is not None else 0.0
    return TargetStatus(
        threshold=average,
        value=value,
        met=value > average,
        gap_pp=value - average,
        gap_persons=persons_needed(average, headcount, persons, target.mixes_payroll(config), strict=True),
        note=neighbour_note(nb, config),
        **common,
    )


def neighbour_note(nb: NeighbourFigure, config: Config) -> str:
    """Who is left out of a neighbour figure: "Mangler data fra Tønder. Vejen mangler tal for
    virksomhedspraktik, som er beregnet uden Vejen." ("" with complete data)."""
    parts = []
    if nb.missing:
        parts.append("Mangler data fra " + _join(list(nb.missing)) + ".")
    for name, ids in nb.missing_schemes.items():
        schemes = _join([running_name(config.scheme(s).name) for s in ids])
        them = "den" if len(ids) == 1 else "dem"
        parts.append(f"{name} mangler tal for {schemes}; gennemsnittet for {them} er beregnet uden {name}.")
    return " ".join(parts)


def running_name(name: str) -> str:
    """A scheme or category name as running text writes it: "virksomhedspraktik", "IGU" as it is."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _placements(placements: pd.DataFrame, year: int, common: dict) -> TargetStatus:
    """Placements: met when every education reaches its agreed number; value and threshold in places."""
    rows = placement_rows(placements, year)
    if not rows:
        return TargetStatus(note="Ingen praktikpladsdata for året.", **common)
    return TargetStatus(
        threshold=float(sum(r.agreed for r in rows)),
        value=float(sum(r.realised for r in rows)),
        met=all(r.met for r in rows),
        gap_persons=sum(r.short for r in rows),
        shortfalls=rows,
        **common,
    )


# ---- placement obligations -------------------------------------------------------------------------


def placement_rows(placements: pd.DataFrame | None, year: int) -> tuple[Shortfall, ...]:
    """Agreed vs realised places per education for `year`, sorted by education (docs/regler.md,
    "Praktikpladser"): the target is met when every education reaches its agreed number."""
    if placements is None or placements.empty:
        return ()
    sub = placements[placements["year"] == year]
    if sub.empty:
        return ()
    sub = sub.sort_values("education")
    return tuple(
        Shortfall(str(e), 0.0 if pd.isna(a) else float(a), 0.0 if pd.isna(r) else float(r))
        for e, a, r in zip(sub["education"], sub["agreed"], sub["realised"], strict=True)
    )


def placement_status(placements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Agreed vs realised places per education for `year`, with a last row "I alt" (see `placement_rows`).

    Columns: education, agreed, realised, short (places short, 0 when reached), fulfilment (percent),
    met. The total row's `met` is the target's status (every education reached), its `short` the sum
    of the educations' shortfalls (a surplus in one education does not cover another's shortfall).
    """
    cols = ["education", "agreed", "realised", "short", "fulfilment", "met"]
    rows = placement_rows(placements, year)
    if not rows:
        return pd.DataFrame({c: [] for c in cols}).astype(
            {"agreed": float, "realised": float, "short": int, "fulfilment": float, "met": bool}
        )
    total_agreed, total_realised = sum(r.agreed for r in rows), sum(r.realised for r in rows)
    records = [
        (r.education, r.agreed, r.realised, r.short, r.realised / r.agreed * 100.0 if r.agreed else 100.0, r.met)
        for r in rows
    ]
    records.append(
        (
            "I alt",
            total_agreed,
            total_realised,
            sum(r.short for r in rows),
            total_realised / total_agreed * 100.0 if total_agreed else 100.0,
            all(r.met for r in rows),
        )
    )
    return pd.DataFrame(records, columns=cols)


# ---- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeYear:
    """The home municipality's year: headcount, whether provisional, the total and category shares
    (percent), and the schemes without data (they count as 0)."""

    year: int
    municipality: str
    headcount: float
    provisional: bool
    total_share: float
    categories: Mapping[str, float]
    missing_schemes: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """All computed tables for one dataset, as the pages and the command line use them.

    `annual`, `shares`, `years` and `placements` are frames (one row per municipality and year);
    `neighbours` and `targets` are typed results for the home municipality, read through the accessors.
    """

    annual: pd.DataFrame
    shares: pd.DataFrame
    years: pd.DataFrame
    neighbours: tuple[NeighbourFigure, ...]
    targets: tuple[TargetStatus, ...]
    placements: pd.DataFrame
    method: str

    def home_years(self, config: Config) -> list[int]:
        return sorted(int(y) for y in self.years.loc[self.years["code"] == config.home, "year"])

    def provisional_years(self, config: Config) -> tuple[int, ...]:
        """The home municipality's years built from fewer periods than a whole year, in order."""
        home = self.years[self.years["code"] == config.home]
        return tuple(sorted(int(y) for y in home.loc[home["provisional"].astype(bool), "year"]))

    def latest_complete_year(self, config: Config) -> int | None:
        years = self.home_years(config)
        provisional = set(self.provisional_years(config))
        complete = [y for y in years if y not in provisional]
        pool = complete or years
        return max(pool) if pool else None

    def home_row(self, year: int, config: Config) -> HomeYear | None:
        """The home municipality's `year`, or None without a headcount that year."""
        rows = self.years[(self.years["code"] == config.home) & (self.years["year"] == year)]
        if rows.empty:
            return None
        r = rows.iloc[0]
        return HomeYear(
            year=int(year),
            municipality=str(r["municipality"]),
            headcount=float(r["headcount"]),
            provisional=bool(r["provisional"]),
            total_share=float(r["total_share"]),
            categories={c: float(r[c]) for c in config.categories},
            missing_schemes=tuple(r["missing_schemes"]),
        )

    def target(self, year: int, target_id: str) -> TargetStatus | None:
        """The status of one target in `year`, or None (no headcount that year)."""
        return next((t for t in self.targets if t.year == year and t.id == target_id), None)

    def targets_in(self, year: int) -> tuple[TargetStatus, ...]:
        """Every target's status in `year`, in the configured order."""
        return tuple(t for t in self.targets if t.year == year)

    def neighbour(self, year: int, group: str) -> NeighbourFigure | None:
        """One comparison group's neighbour figure in `year`, or None."""
        return next((f for f in self.neighbours if f.year == year and f.group == group), None)

    def neighbours_in(self, year: int) -> tuple[NeighbourFigure, ...]:
        return tuple(f for f in self.neighbours if f.year == year)

    def targets_frame(self) -> pd.DataFrame:
        return targets_frame(self.targets)

    def neighbours_frame(self) -> pd.DataFrame:
        return neighbours_frame(self.neighbours)


def compute(data: pd.DataFrame, placements: pd.DataFrame, config: Config, method: str | None = None) -> Figures:
    """Every figure of the rules (docs/regler.md) from the canonical tables."""
    method = method or config.neighbour_method
    annual = annual_figures(data, config)
    shares = annual_shares(annual, config)
    years = municipality_years(annual, config, shares)
    neighbours = neighbour_comparison(shares, config, method)
    targets = target_status(shares, years, placements, config, method)
    return Figures(annual, shares, years, neighbours, targets, placements, method)

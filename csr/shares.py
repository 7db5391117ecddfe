"""Annual figures, shares, neighbour averages, target status and gaps (DOMAIN.md, "Annual figures").

Everything here is a pure function of the canonical table and the configuration; frames come in
and new frames go out, the input is never changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config
from csr.text import number

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
    if head.empty:
        return pd.DataFrame(
            columns=[
                "code",
                "municipality",
                "year",
                "headcount",
                "provisional",
                "total_share",
                *config.categories,
                "missing_schemes",
            ]
        )
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
    return out[
        [
            "code",
            "municipality",
            "year",
            "headcount",
            "provisional",
            "total_share",
            *config.categories,
            "missing_schemes",
        ]
    ].sort_values(["code", "year"], ignore_index=True)


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


NEIGHBOUR_COLUMNS = ("year", "group", "method", "home", "home_persons", "headcount", "average", "included", "missing")


def neighbour_table(
    shares: pd.DataFrame, config: Config, schemes: tuple[str, ...], group: str = "", method: str | None = None
) -> pd.DataFrame:
    """For every year with data: the home share in `schemes` and the neighbours' average.

    Pooled: the neighbours' persons summed over their headcounts summed; mean: the unweighted mean of
    their shares. Only schemes in the neighbour comparison count, on both sides. A neighbour without
    data that year is left out and named in `missing`.
    """
    method = method or config.neighbour_method
    comparable = tuple(s for s in schemes if config.scheme(s).in_neighbour_comparison)
    years = sorted(int(y) for y in shares["year"].unique())
    compared = shares[shares["code"].isin((config.home, *config.neighbours))]
    totals = scope_share(compared, comparable)
    home = {
        int(y): (p, h)
        for y, p, h in zip(*(totals.loc[totals["code"] == config.home, c] for c in ("year", "persons", "headcount")))
    }
    nb = totals[totals["code"].isin(config.neighbours)]
    agg = nb.groupby("year").agg(
        persons=("persons", "sum"), headcount=("headcount", "sum"), mean=("share", "mean"), codes=("code", frozenset)
    )
    per_year = {int(y): row for y, row in zip(agg.index, agg.itertuples(index=False))}
    names = {c: config.municipality(c).name for c in config.neighbours}
    rows = []
    for year in years:
        g = per_year.get(year)
        present = frozenset() if g is None else g.codes
        if g is None:
            average = None
        elif method == "mean":
            average = float(g.mean)
        else:
            average = _percent(g.persons, g.headcount)
        persons, headcount = home.get(year, (None, None))
        rows.append(
            {
                "year": year,
                "group": group,
                "method": method,
                "home": _percent(persons, headcount) if persons is not None else None,
                "home_persons": float(persons) if persons is not None else None,
                "headcount": float(headcount) if headcount is not None else None,
                "average": average,
                "included": tuple(names[c] for c in config.neighbours if c in present),
                "missing": tuple(names[c] for c in config.neighbours if c not in present),
            }
        )
    return pd.DataFrame(rows, columns=list(NEIGHBOUR_COLUMNS))


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
    """The neighbours' share in `schemes` for one year (see `neighbour_table`), with each one's share."""
    method = method or config.neighbour_method
    table = neighbour_table(shares[shares["year"] == year], config, schemes, group, method)
    comparable = tuple(s for s in schemes if config.scheme(s).in_neighbour_comparison)
    totals = scope_share(shares[shares["year"] == year], comparable).set_index("code")
    per = {config.municipality(c).name: float(totals.at[c, "share"]) for c in config.neighbours if c in totals.index}
    if table.empty:
        return NeighbourAverage(year, group, method, None, None, (), config.neighbour_names, {})
    row = table.iloc[0]
    return NeighbourAverage(year, group, method, row["home"], row["average"], row["included"], row["missing"], per)


def neighbour_comparison(shares: pd.DataFrame, config: Config, method: str | None = None) -> pd.DataFrame:
    """For every year of the home municipality and comparison group: home share, neighbour average,
    method, who is included and who is missing."""
    home_years = set(shares.loc[shares["code"] == config.home, "year"].unique())
    tables = [
        neighbour_table(shares, config, schemes, group, method) for group, schemes in comparison_groups(config).items()
    ]
    if not tables:
        return pd.DataFrame(columns=list(NEIGHBOUR_COLUMNS))
    out = pd.concat(tables, ignore_index=True)
    out = out[out["year"].isin(home_years)]
    return out.sort_values(["year", "group"], ignore_index=True)


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


def target_status(
    shares: pd.DataFrame, mun_years: pd.DataFrame, placements: pd.DataFrame, config: Config, method: str | None = None
) -> pd.DataFrame:
    """Every target's status for every year of the home municipality, with the threshold of that year."""
    home = mun_years[mun_years["code"] == config.home]
    home_shares = shares[shares["code"] == config.home]
    by_year: dict[int, dict[str, float]] = {}
    for y, scheme, persons in zip(home_shares["year"], home_shares["scheme"], home_shares["persons"]):
        by_year.setdefault(int(y), {})[scheme] = float(persons)
    neighbours = {
        t.id: neighbour_table(shares, config, t.schemes, t.id, method).set_index("year")
        for t in config.targets
        if t.kind == "above_neighbours"
    }
    rows = []
    for year, headcount in zip(home["year"].astype(int), home["headcount"].astype(float)):
        persons_by_scheme = by_year.get(year, {})
        for target in config.targets:
            first_year = target.thresholds[0].from_year if target.thresholds else None
            row = {
                "year": year,
                "id": target.id,
                "name": target.name,
                "kind": target.kind,
                "threshold": None,
                "value": None,
                "met": None,
                "gap_pp": None,
                "gap_persons": None,
                "before_strategy": first_year is not None and year < first_year,
                "after_strategy": config.strategy_period_ended(year),
                "note": "",
            }
            if target.kind != "obligations_met" and not (math.isfinite(headcount) and headcount > 0):
                row["note"] = f"Kan ikke vurderes: antallet af ansatte i {year} er {number(headcount)}."
            elif target.kind == "min_share":
                persons = sum(persons_by_scheme.get(s, 0.0) for s in target.schemes)
                value = persons * 100.0 / headcount  # one division: a share exactly on the threshold is met
                threshold = target.threshold(year)
                row.update(
                    threshold=threshold,
                    value=value,
                    met=value >= threshold,
                    gap_pp=value - threshold,
                    gap_persons=persons_needed(threshold, headcount, persons, target.mixes_payroll(config)),
                )
            elif target.kind == "above_neighbours":
                nb = neighbours[target.id].loc[year]
                value = float(nb["home"]) if pd.notna(nb["home"]) else 0.0
                row["value"] = value
                if pd.isna(nb["average"]):
                    row["note"] = "Ingen data for omegnskommunerne dette år."
                elif not 0.0 <= float(nb["average"]) < 100.0 or not 0.0 <= value <= 100.0:
                    # Implausible figures (more persons than staff) cannot be judged; the import warns.
                    which = "omegnskommunernes gennemsnit" if value <= 100.0 else "egen andel"
                    shown = float(nb["average"]) if value <= 100.0 else value
                    row["note"] = (
                        f"Kan ikke vurderes: {which} er {number(shown, 1)} %, over 100 % af de ansatte. "
                        "Tjek tallene for personer og ansatte."
                    )
                else:
                    average = float(nb["average"])
                    persons = float(nb["home_persons"]) if pd.notna(nb["home_persons"]) else 0.0
                    row.update(
                        threshold=average,
                        met=value > average,
                        gap_pp=value - average,
                        gap_persons=persons_needed(
                            average, headcount, persons, target.mixes_payroll(config), strict=True
                        ),
                    )
                    if nb["missing"]:
                        row["note"] = "Mangler data fra " + ", ".join(nb["missing"]) + "."
            elif target.kind == "obligations_met":
                status = placement_status(placements, year)
                if status.empty:
                    row["note"] = "Ingen praktikpladsdata for året."
                else:
                    total = status.iloc[-1]
                    short = float((status.iloc[:-1]["agreed"] - status.iloc[:-1]["realised"]).clip(lower=0).sum())
                    row.update(
                        threshold=100.0,
                        value=float(total["fulfilment"]),
                        met=bool(total["met"]),
                        gap_pp=float(total["fulfilment"]) - 100.0,
                        gap_persons=int(math.ceil(short)),
                    )
            rows.append(row)
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))


# ---- placement obligations -------------------------------------------------------------------------


def placement_status(placements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Agreed vs realised places per education for `year`, with a last row "I alt".

    The target is met when every education's realised number reaches its agreed number.
    """
    cols = ["education", "agreed", "realised", "fulfilment", "met"]
    if placements is None or placements.empty:
        return pd.DataFrame(columns=cols)
    sub = placements[placements["year"] == year]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    out = sub[["education", "agreed", "realised"]].copy().fillna({"agreed": 0.0, "realised": 0.0})
    out = out.sort_values("education", ignore_index=True)
    agreed = out["agreed"].to_numpy(dtype=float)
    realised = out["realised"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["fulfilment"] = np.where(agreed > 0, realised / agreed * 100.0, 100.0)
    out["met"] = realised >= agreed
    total_agreed, total_realised = float(agreed.sum()), float(realised.sum())
    total = {
        "education": "I alt",
        "agreed": total_agreed,
        "realised": total_realised,
        "fulfilment": total_realised / total_agreed * 100.0 if total_agreed else 100.0,
        "met": bool(out["met"].all()),
    }
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)[cols]


# ---- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """All computed tables for one dataset, as the pages and the command line use them."""

    annual: pd.DataFrame
    shares: pd.DataFrame
    years: pd.DataFrame
    neighbours: pd.DataFrame
    targets: pd.DataFrame
    placements: pd.DataFrame
    method: str

    def home_years(self, config: Config) -> list[int]:
        return sorted(int(y) for y in self.years.loc[self.years["code"] == config.home, "year"])

    def latest_complete_year(self, config: Config) -> int | None:
        home = self.years[self.years["code"] == config.home]
        complete = home[~home["provisional"]]
        pool = complete if not complete.empty else home
        return int(pool["year"].max()) if not pool.empty else None


def compute(data: pd.DataFrame, placements: pd.DataFrame, config: Config, method: str | None = None) -> Figures:
    """Every figure of DOMAIN.md from the canonical tables."""
    method = method or config.neighbour_method
    annual = annual_figures(data, config)
    shares = annual_shares(annual, config)
    years = municipality_years(annual, config, shares)
    neighbours = neighbour_comparison(shares, config, method)
    targets = target_status(shares, years, placements, config, method)
    return Figures(annual, shares, years, neighbours, targets, placements, method)

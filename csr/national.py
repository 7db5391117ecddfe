"""The national ranking: the home municipality among every municipality with data (docs/regler.md).

When the data hold municipalities beyond the home and its neighbours (a national upload: all 98
municipalities), the home municipality is ranked in each comparison category with the rules of the
neighbour comparison:

- only the schemes in the neighbour comparison count (STU and Beredskab are left out, on every side);
- a municipality's share in a category is the sum of its shares in the category's schemes it has data
  for; a municipality with no headcount (or a headcount of 0) or no data for any of the category's
  schemes in a year is not ranked in that category that year;
- rank 1 is the highest share; ties share the best rank ("competition" ranking: 1, 2, 2, 4), so
  "nr. 12 af 98" means eleven municipalities have a higher share. Shares equal to 9 decimals tie, and
  tied municipalities are listed in name order;
- the national figures, like the neighbours', are per scheme over the municipalities that have the
  scheme, summed over the category's schemes: `average` pooled (their persons over their headcounts),
  `mean` the unweighted mean of their shares (with complete data the same as pooling, or averaging,
  the whole category);
- the quartiles are those of the ranked municipalities' category shares, linearly interpolated between
  the sorted shares (pandas' and numpy's default, "linear": position (n − 1)·q).

Everything is a pure function of the shares (`csr.shares.annual_shares`) and the configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csr.config import Config
from csr.shares import comparison_groups

TIE_DECIMALS = 9  # shares equal to this many decimals (of a percent) share a rank
QUARTILES = (0.25, 0.5, 0.75)
HOME, NEIGHBOUR, OTHER = "Hjemkommune", "Omegnskommune", "Øvrige kommuner"
ROLES = (HOME, NEIGHBOUR, OTHER)
DISTRIBUTION_COLUMNS = ("year", "group", "code", "municipality", "share", "persons", "headcount", "rank", "role")


@dataclass(frozen=True)
class Standing:
    """Where one municipality stands in a category in a year: its share (percent) and rank (1 = highest)."""

    code: int
    municipality: str
    share: float
    rank: int


@dataclass(frozen=True)
class NationalFigure:
    """One comparison category in one year, over every municipality with data for it.

    `municipalities` is how many are ranked; `home` is None in a year the home municipality has no data
    for the category; `neighbours` holds the standing of each neighbour with data (in the configured order)
    and `missing_neighbours` names the others. `average` (pooled) and `mean` (unweighted) follow the
    neighbour comparison's rules (module docstring); `quartiles` are the lower quartile, the median and the
    upper quartile of the municipalities' shares.
    """

    year: int
    group: str
    municipalities: int
    home: Standing | None
    average: float | None
    mean: float | None
    quartiles: tuple[float, float, float]
    neighbours: tuple[Standing, ...] = ()
    missing_neighbours: tuple[str, ...] = ()


@dataclass(frozen=True)
class RankPoint:
    """The home municipality's rank in a category in one year, out of `of` municipalities."""

    year: int
    group: str
    rank: int
    of: int
    share: float


@dataclass(frozen=True)
class National:
    """The national ranking for every year and comparison category (empty without national data).

    `distribution` has one row per year, category and ranked municipality (DISTRIBUTION_COLUMNS), highest
    share first; `role` says whether it is the home municipality, a neighbour or another municipality.
    `counts` maps each year to the municipalities with data in at least one category that year.
    """

    figures: tuple[NationalFigure, ...]
    distribution: pd.DataFrame
    counts: dict[int, int]

    @property
    def available(self) -> bool:
        return bool(self.figures)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.counts))

    def figure(self, year: int, group: str) -> NationalFigure | None:
        return next((f for f in self.figures if f.year == year and f.group == group), None)

    def in_year(self, year: int) -> tuple[NationalFigure, ...]:
        return tuple(f for f in self.figures if f.year == year)

    def trend(self, group: str | None = None) -> tuple[RankPoint, ...]:
        """The home municipality's rank year by year (per category, or in `group` only), oldest first."""
        return tuple(
            RankPoint(f.year, f.group, f.home.rank, f.municipalities, f.home.share)
            for f in sorted(self.figures, key=lambda f: (f.group, f.year))
            if f.home is not None and (group is None or f.group == group)
        )

    def ranked(self, year: int, group: str) -> pd.DataFrame:
        """The year's municipalities in one category, highest share first (a slice of `distribution`)."""
        d = self.distribution
        return d[(d["year"] == year) & (d["group"] == group)].reset_index(drop=True)


def has_national_data(shares: pd.DataFrame, config: Config) -> bool:
    """Whether the shares hold municipalities beyond the home municipality and its neighbours."""
    compared = {config.home, *config.neighbours}
    return bool((~shares["code"].isin(compared)).any()) if len(shares) else False


def competition_rank(shares: Sequence[float] | np.ndarray) -> np.ndarray:
    """Rank 1 for the highest share; equal shares (to TIE_DECIMALS) share the best rank: 1, 2, 2, 4."""
    negated = -np.round(np.asarray(shares, dtype=float), TIE_DECIMALS)
    return np.searchsorted(np.sort(negated), negated, side="left") + 1  # 1 + how many are higher


def quartiles(shares: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile, linearly interpolated (numpy's and pandas' default)."""
    q = np.quantile(np.asarray(shares, dtype=float), QUARTILES, method="linear")
    return float(q[0]), float(q[1]), float(q[2])


def _empty() -> National:
    return National((), pd.DataFrame({c: [] for c in DISTRIBUTION_COLUMNS}), {})


def national_ranking(shares: pd.DataFrame, config: Config) -> National:
    """The home municipality ranked among every municipality with data, per year and comparison category
    (the rules: module docstring). Empty (`available` False) when the data hold only the home municipality
    and its neighbours."""
    if not has_national_data(shares, config):
        return _empty()
    groups = comparison_groups(config)
    headcount = shares["headcount"].to_numpy(dtype=float)
    share = shares["share"].to_numpy(dtype=float)
    keep = (headcount > 0) & np.isfinite(share)
    # integer positions of year, municipality and scheme: sums by np.bincount, not by pandas' groupby
    year_pos, year_values = pd.factorize(shares["year"].to_numpy()[keep], sort=True)
    code_pos, code_values = pd.factorize(shares["code"].to_numpy()[keep], sort=True)
    scheme_pos, scheme_values = pd.factorize(shares["scheme"].to_numpy()[keep])
    share, headcount = share[keep], headcount[keep]
    persons = shares["persons"].to_numpy(dtype=float)[keep]
    n_years, n_codes, n_schemes = len(year_values), len(code_values), len(scheme_values)
    names = {m.code: m.name for m in config.municipalities}
    code_names = np.array([names.get(int(c), str(c)) for c in code_values], dtype=object)
    neighbours = set(config.neighbours)
    role_of = np.array(
        [HOME if c == config.home else NEIGHBOUR if c in neighbours else OTHER for c in code_values], dtype=object
    )
    columns: dict[str, list[np.ndarray]] = {c: [] for c in DISTRIBUTION_COLUMNS}
    figures: list[NationalFigure] = []
    for group, schemes in groups.items():
        wanted = np.isin(np.asarray(scheme_values, dtype=object), schemes)
        rows = wanted[scheme_pos] if n_schemes else np.zeros(0, dtype=bool)
        if not rows.any():
            continue
        cell = year_pos[rows] * n_codes + code_pos[rows]
        size = n_years * n_codes
        has = np.bincount(cell, minlength=size) > 0
        total = np.bincount(cell, weights=share[rows], minlength=size)
        total_persons = np.bincount(cell, weights=persons[rows], minlength=size)
        staff = np.zeros(size)
        staff[cell] = headcount[rows]  # one headcount per municipality and year
        # per scheme over the municipalities that have it, then summed over the schemes (the neighbours' rule)
        by = year_pos[rows] * n_schemes + scheme_pos[rows]
        sizes = n_years * n_schemes
        count = np.bincount(by, minlength=sizes).reshape(n_years, n_schemes)
        p_sum = np.bincount(by, weights=persons[rows], minlength=sizes).reshape(n_years, n_schemes)
        h_sum = np.bincount(by, weights=headcount[rows], minlength=sizes).reshape(n_years, n_schemes)
        s_sum = np.bincount(by, weights=share[rows], minlength=sizes).reshape(n_years, n_schemes)
        present = count > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = np.where(present, p_sum * 100.0 / h_sum, 0.0).sum(axis=1)
            mean = np.where(present, s_sum / count, 0.0).sum(axis=1)
        for y in range(n_years):
            at = np.flatnonzero(has[y * n_codes : (y + 1) * n_codes])
            if not len(at):
                continue
            values = total[y * n_codes + at]
            tied = np.round(values, TIE_DECIMALS)
            order = np.lexsort((code_names[at], -tied))  # highest first, a tie in name order
            at, values = at[order], values[order]
            rank = competition_rank(values)
            year = int(year_values[y])
            columns["year"].append(np.full(len(at), year))
            columns["group"].append(np.full(len(at), group, dtype=object))
            columns["code"].append(code_values[at].astype(int))
            columns["municipality"].append(code_names[at])
            columns["share"].append(values)
            columns["persons"].append(total_persons[y * n_codes + at])
            columns["headcount"].append(staff[y * n_codes + at])
            columns["rank"].append(rank)
            columns["role"].append(role_of[at])
            standing = {
                int(code_values[c]): Standing(int(code_values[c]), str(code_names[c]), float(v), int(r))
                for c, v, r in zip(at, values, rank, strict=True)
                if role_of[c] != OTHER
            }
            figures.append(
                NationalFigure(
                    year=year,
                    group=group,
                    municipalities=len(at),
                    home=standing.get(config.home),
                    average=float(pooled[y]),
                    mean=float(mean[y]),
                    quartiles=quartiles(values),
                    neighbours=tuple(standing[c] for c in config.neighbours if c in standing),
                    missing_neighbours=tuple(names[c] for c in config.neighbours if c not in standing),
                )
            )
    if not figures:
        return _empty()
    distribution = pd.DataFrame({c: np.concatenate(v) for c, v in columns.items()})
    distribution = distribution.astype({"year": int, "code": int, "rank": int, "share": float})
    counts = {int(y): int(n) for y, n in distribution.groupby("year")["code"].nunique().items()}
    place = {g: i for i, g in enumerate(groups)}
    figures.sort(key=lambda f: (f.year, place[f.group]))
    return National(tuple(figures), distribution, counts)

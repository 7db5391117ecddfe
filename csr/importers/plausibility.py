"""Plausibility: figures that cannot be right (errors) or are very unlikely (warnings to tick).

Checked once over everything an import brings, after the files are merged (README, "Plausibility";
docs/regler.md §8):
  - a scheme's persons above the municipality's headcount in the same month: error;
  - a municipality-year whose total share is above 100 %: error (no staff are left for "Øvrige");
  - a headcount that changes by more than half between two consecutive measurement months: warning;
  - a municipality-year whose total share is above 50 %: warning.
Every finding is a Danish sentence naming municipality, period, scheme, the numbers and a file row.
The checks work on integer keys over the whole canonical table at once: a million rows cost little.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from csr.config import HEADCOUNT, Config
from csr.importers.cells import format_period
from csr.importers.mapping import scheme_name
from csr.model import ERROR, WARNING, Finding
from csr.text import number

if TYPE_CHECKING:
    from csr.shares import Figures

MAX_SHARE = 100.0  # percent of the staff: above it, no staff are left outside the schemes
UNLIKELY_SHARE = 50.0  # percent: more than half the staff on special terms is not believable unticked
MAX_HEADCOUNT_CHANGE = 0.5  # a relative change between consecutive measurement months
MAX_FINDINGS_PER_RULE = 10


def check_plausibility(data: pd.DataFrame, config: Config) -> list[Finding]:
    """Every plausibility finding for a merged import (see the module docstring for the rules)."""
    if data.empty or not (data["scheme"] == HEADCOUNT).to_numpy(bool).any():  # every rule needs a headcount
        return []
    return [*_above_headcount(data, config), *_share_above(data, config), *_headcount_jumps(data, config)]


# ---- helpers ------------------------------------------------------------------------------------


def amount(value: float) -> str:
    """A count as people write it: "4.700", "67,2", never Python's "np.float64(67.2)"."""
    value = float(value)
    return number(value, 0) if value.is_integer() else number(value, 1)


def _where(row: pd.Series) -> str:
    sheet = f", ark '{row['sheet']}'" if row["sheet"] else ""
    return f"fil {row['file']}{sheet}, række {int(row['row'])}"


def _finding(severity: str, message: str, row: pd.Series) -> Finding:
    return Finding(
        severity,
        message,
        str(row["file"]),
        str(row["sheet"]),
        int(row["row"]),
        str(row["column"]),
        amount(row["value"]),
        year=int(row["year"]),
    )


def _period_key(data: pd.DataFrame) -> np.ndarray:
    """One int64 per (code, year, period kind, index): rows of the same municipality and period agree."""
    kind = np.select([(data["period"] == "M").to_numpy(bool), (data["period"] == "Q").to_numpy(bool)], [0, 1], 2)
    return ((data["code"].to_numpy(np.int64) * 4096 + data["year"].to_numpy(np.int64)) * 4 + kind) * 16 + data[
        "index"
    ].to_numpy(np.int64)


def _capped(findings: list[Finding], total: int, what: str, severity: str) -> list[Finding]:
    if total > len(findings):
        findings.append(Finding(severity, f"{what}: {total - len(findings)} tilfælde mere ud over dem ovenfor."))
    return findings


# ---- a scheme above the headcount -----------------------------------------------------------------


def _above_headcount(data: pd.DataFrame, config: Config) -> list[Finding]:
    """Persons in a scheme above the headcount of the same municipality and period: an error."""
    is_head = (data["scheme"] == HEADCOUNT).to_numpy(bool)
    if not is_head.any() or is_head.all():
        return []
    key = _period_key(data)
    head_key, head_value = key[is_head], data["value"].to_numpy(float)[is_head]
    order = np.argsort(head_key, kind="stable")
    head_key, head_value = head_key[order], head_value[order]
    scheme_rows = np.flatnonzero(~is_head)
    pos = np.searchsorted(head_key, key[scheme_rows])
    found = pos < len(head_key)
    found[found] = head_key[pos[found]] == key[scheme_rows][found]
    headcount = np.full(len(scheme_rows), np.nan)
    headcount[found] = head_value[pos[found]]
    values = data["value"].to_numpy(float)[scheme_rows]
    bad = found & (values > headcount)
    if not bad.any():
        return []
    rows = scheme_rows[bad]
    out = []
    for i, head in zip(rows[:MAX_FINDINGS_PER_RULE], headcount[bad][:MAX_FINDINGS_PER_RULE], strict=False):
        r = data.iloc[i]
        period = format_period(int(r["year"]), r["period"], int(r["index"]))
        out.append(
            _finding(
                ERROR,
                (
                    f"Flere personer end ansatte: {r['municipality']} har {amount(r['value'])} personer i "
                    f"{scheme_name(r['scheme'], config)} i {period}, men kun {amount(head)} "
                    f"{config.headcount_name.lower()} ({_where(r)}). Tjek, at tallet gælder den rigtige kommune, periode "
                    "og ordning, og at det er personer (ikke fx et tal for hele landet)."
                ),
                r,
            )
        )
    return _capped(out, len(rows), "Flere personer end ansatte", ERROR)


# ---- the total share of a year ----------------------------------------------------------------------


def _share_above(data: pd.DataFrame, config: Config) -> list[Finding]:
    """A municipality-year whose schemes add up to more than 100 % (error) or 50 % (warning) of its staff."""
    from csr.shares import annual_figures  # the annual figures as the pages compute them

    annual = annual_figures(data, config)
    head = annual[annual["scheme"] == HEADCOUNT].set_index(["code", "year"])["value"]
    schemes = annual[annual["scheme"] != HEADCOUNT]
    if head.empty or schemes.empty:
        return []
    persons = schemes.groupby(["code", "year"])["value"].sum()
    both = persons.index.intersection(head.index)
    if both.empty:
        return []
    persons, headcount = persons.loc[both], head.loc[both]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = persons / headcount * 100.0
    share = share[(share > UNLIKELY_SHARE).to_numpy()]
    if share.empty:
        return []
    # The largest scheme of each year and the first row it came from, for the sentence and the location.
    largest = schemes.sort_values("value", ascending=False).drop_duplicates(["code", "year"])
    largest = largest.set_index(["code", "year"])["scheme"]
    codes, years = data["code"].to_numpy(np.int64), data["year"].to_numpy(np.int64)
    errors: list[Finding] = []
    warnings: list[Finding] = []
    n_errors = int((share > MAX_SHARE).sum())
    for (code, year), value in share.items():
        impossible = value > MAX_SHARE
        bucket = errors if impossible else warnings
        if len(bucket) >= MAX_FINDINGS_PER_RULE:
            continue
        scheme = largest.loc[(code, year)]
        rows = data.iloc[np.flatnonzero((codes == code) & (years == year))]
        r = rows[(rows["scheme"] == scheme).to_numpy(bool)].iloc[0]
        big = schemes[(schemes["code"] == code) & (schemes["year"] == year) & (schemes["scheme"] == scheme)]
        numbers = (
            f"{r['municipality']} har i {year} {amount(persons.loc[(code, year)])} personer i ordningerne, "
            f"{number(value, 1)} % af {amount(headcount.loc[(code, year)])} "
            f"{config.headcount_name.lower()} (årsgennemsnit); største ordning er "
            f"{scheme_name(scheme, config)} med {amount(big['value'].iloc[0])} ({_where(r)})"
        )
        if impossible:
            bucket.append(
                _finding(
                    ERROR,
                    (
                        f"Samlet andel over 100 %: {numbers}. Så mange personer kan ikke være i ordningerne; tjek, at "
                        "tallene gælder den rigtige kommune og er personer, ikke procent eller tal for hele landet."
                    ),
                    r,
                )
            )
        else:
            bucket.append(
                _finding(
                    WARNING,
                    (
                        f"Samlet andel over {number(UNLIKELY_SHARE, 0)} %: {numbers}. Det er langt over det sædvanlige; "
                        "tjek, at tallene er personer (ikke procent eller årsværk) og ikke er talt to gange."
                    ),
                    r,
                )
            )
    return [
        *_capped(errors, n_errors, "Samlet andel over 100 %", ERROR),
        *_capped(warnings, len(share) - n_errors, f"Samlet andel over {number(UNLIKELY_SHARE, 0)} %", WARNING),
    ]


# ---- the headcount from one measurement month to the next ---------------------------------------------


def _headcount_jumps(data: pd.DataFrame, config: Config) -> list[Finding]:
    """A headcount that changes by more than half between consecutive measurement months: a warning."""
    months = sorted(set(config.measurement_months))
    rank = np.full(13, -1, np.int64)
    for i, m in enumerate(months):
        rank[m] = i
    quarter = np.full(5, 0, np.int64)
    for m in months:
        quarter[(m - 1) // 3 + 1] = m
    is_head = (data["scheme"] == HEADCOUNT).to_numpy(bool)
    if is_head.sum() < 2:
        return []
    head = data[is_head]
    period = head["period"].to_numpy(object)
    index = head["index"].to_numpy(np.int64)
    month = np.where(period == "M", index, np.where(period == "Q", quarter[np.clip(index, 0, 4)], 0))
    month_rank = rank[np.clip(month, 0, 12)]
    keep = (month > 0) & (month_rank >= 0)
    if keep.sum() < 2:
        return []
    code = head["code"].to_numpy(np.int64)[keep]
    step = head["year"].to_numpy(np.int64)[keep] * len(months) + month_rank[keep]  # consecutive steps differ by 1
    value = head["value"].to_numpy(float)[keep]
    positions = np.flatnonzero(keep)
    order = np.lexsort((step, code))
    code, step, value, positions = code[order], step[order], value[order], positions[order]
    same = (code[1:] == code[:-1]) & (step[1:] == step[:-1] + 1)
    before, after = value[:-1], value[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(before > 0, (after - before) / before, np.nan)
    jump = same & (np.abs(change) > MAX_HEADCOUNT_CHANGE)
    hits = np.flatnonzero(jump)
    out = []
    for k in hits[:MAX_FINDINGS_PER_RULE]:
        a, b = head.iloc[positions[k]], head.iloc[positions[k + 1]]
        first = format_period(int(a["year"]), a["period"], int(a["index"]))
        then = format_period(int(b["year"]), b["period"], int(b["index"]))
        sign = "+" if change[k] > 0 else "−"
        out.append(
            _finding(
                WARNING,
                (
                    f"Antallet af ansatte ændrer sig med mere end halvdelen: {b['municipality']} har {amount(a['value'])} "
                    f"{config.headcount_name.lower()} i {first} og {amount(b['value'])} i {then} "
                    f"({sign}{number(abs(change[k]) * 100.0, 1)} %; {_where(a)} og {_where(b)}). Tjek, at begge tal gælder "
                    "hele kommunen; gem kun, hvis ændringen er rigtig."
                ),
                b,
            )
        )
    return _capped(out, len(hits), "Antallet af ansatte ændrer sig med mere end halvdelen", WARNING)


# ---- figures already stored -------------------------------------------------------------------------


def figure_warnings(figures: Figures, config: Config, only: Collection[int] | None = None) -> list[str]:
    """Danish sentences for implausible figures the computation met (data stored before these checks, or
    files imported apart): the pages and the report show the numbers with these sentences beside them.
    `only`: the years to look at (a report of one year warns of no other)."""
    years = figures.years
    if years.empty:
        return []
    years = years[years["code"].isin((config.home, *config.neighbours)).to_numpy(bool)]
    if only is not None:
        years = years[years["year"].isin(list(only)).to_numpy(bool)]
    years = years.assign(_other=years["code"] != config.home).sort_values(["_other", "code", "year"])  # home first
    shares = figures.shares
    out: list[str] = []
    for r in years.itertuples(index=False):
        headcount, total = float(r.headcount), float(r.total_share)
        if not headcount > 0:
            out.append(
                f"{r.municipality} har {amount(headcount) if np.isfinite(headcount) else 'ingen'} "
                f"{config.headcount_name.lower()} i {r.year}: andelene kan ikke beregnes. Tjek tallene."
            )
            continue
        if not total > UNLIKELY_SHARE:
            continue
        mine = shares[(shares["code"] == r.code).to_numpy(bool) & (shares["year"] == r.year).to_numpy(bool)]
        persons = float(mine["persons"].sum())
        top = mine.sort_values("persons", ascending=False).iloc[0] if len(mine) else None
        biggest = (
            ""
            if top is None
            else (f"; største ordning er {scheme_name(str(top['scheme']), config)} med {amount(top['persons'])}")
        )
        limit = MAX_SHARE if total > MAX_SHARE else UNLIKELY_SHARE
        out.append(
            f"Samlet andel over {number(limit, 0)} %: {r.municipality} har i {r.year} {amount(persons)} "
            f"personer i ordningerne, {number(total, 1)} % af {amount(headcount)} "
            f"{config.headcount_name.lower()}{biggest}. Tallene vises, som de er; tjek dem."
        )
    if len(out) > MAX_FINDINGS_PER_RULE:
        out = [
            *out[:MAX_FINDINGS_PER_RULE],
            f"Usandsynlige tal også for {len(out) - MAX_FINDINGS_PER_RULE} andre kommune-år.",
        ]
    return out

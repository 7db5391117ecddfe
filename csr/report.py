"""The report of `python -m csr report`: the strategy's figures per year as JSON or a Danish table."""

from __future__ import annotations

import math

import pandas as pd

from csr import text
from csr.config import Config
from csr.importers.plausibility import figure_warnings
from csr.shares import Figures, comparison_groups


def _clean(value):
    """A plain JSON value: numpy scalars as Python ones, NaN and infinities (no staff) as None."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def year_report(figures: Figures, config: Config, year: int) -> dict:
    """One year of the home municipality in the report's JSON shape."""
    years = figures.years
    row = years[(years["code"] == config.home) & (years["year"] == year)].iloc[0]
    shares = figures.shares
    ys = shares[(shares["code"] == config.home) & (shares["year"] == year)].set_index("scheme")
    schemes = {}
    for sid in config.scheme_ids:
        if sid in ys.index:
            schemes[sid] = {
                "persons": _clean(float(ys.at[sid, "persons"])),
                "share": _clean(float(ys.at[sid, "share"])),
            }
        else:
            schemes[sid] = {"persons": None, "share": None}
    nb = figures.neighbours[figures.neighbours["year"] == year]
    neighbours: dict = {"method": figures.method}
    missing: list[str] = []
    for group in comparison_groups(config):
        g = nb[nb["group"] == group]
        neighbours[group] = _clean(g.iloc[0]["average"]) if len(g) else None
        if len(g):
            missing.extend(m for m in g.iloc[0]["missing"] if m not in missing)
    neighbours["missing"] = missing
    targets = []
    for _, t in figures.targets[figures.targets["year"] == year].iterrows():
        targets.append(
            {
                "id": t["id"],
                "threshold": _clean(t["threshold"]),
                "value": _clean(t["value"]),
                "met": None if t["met"] is None or pd.isna(t["met"]) else bool(t["met"]),
                "gap_pp": _clean(t["gap_pp"]),
                "gap_persons": None if t["gap_persons"] is None or pd.isna(t["gap_persons"]) else int(t["gap_persons"]),
            }
        )
    return {
        "year": int(year),
        "provisional": bool(row["provisional"]),
        "headcount": _clean(float(row["headcount"])),
        "schemes": schemes,
        "categories": {c: _clean(float(row[c])) for c in config.categories},
        "total_share": _clean(float(row["total_share"])),
        "neighbours": neighbours,
        "targets": targets,
    }


def build_report(figures: Figures, config: Config, year: int | None = None) -> dict:
    """The whole report: every year of the home municipality, or only `year`."""
    years = figures.home_years(config)
    if year is not None:
        if year not in years:
            raise KeyError(year)
        years = [year]
    report = {"municipality": config.home_name, "years": [year_report(figures, config, y) for y in years]}
    warnings = figure_warnings(figures, config)
    if warnings:  # only with implausible figures: the report's usual shape stays as it is
        report["warnings"] = warnings
    return report


def format_report(report: dict, config: Config) -> str:
    """A readable Danish table of the report, for the terminal."""
    lines = [f"{config.name} – {report['municipality']} Kommune", ""]
    for warning in report.get("warnings", []):
        lines.append(f"Advarsel: {warning}")
    if report.get("warnings"):
        lines.append("")
    names = {s.id: s.name for s in config.schemes}
    target_names = {t.id: t.name for t in config.targets}
    for y in report["years"]:
        flag = " (foreløbig)" if y["provisional"] else ""
        lines.append(f"== {y['year']}{flag} ==")
        lines.append(f"Månedslønnede ansatte (årsgennemsnit): {text.number(y['headcount'], 1)}")
        lines.append(f"Samlet andel i ordningerne: {text.pct(y['total_share'])}")
        for cat, value in y["categories"].items():
            lines.append(f"  {config.categories[cat]:<28} {text.pct(value):>9}")
        lines.append("")
        lines.append(f"  {'Ordning':<54} {'Personer':>9} {'Andel':>9}")
        for sid, v in y["schemes"].items():
            if v["persons"] is None:
                lines.append(f"  {names[sid]:<54} {'ingen data':>19}")
            else:
                lines.append(f"  {names[sid]:<54} {text.number(v['persons'], 1):>9} {text.pct(v['share']):>9}")
        nb = y["neighbours"]
        method = "samlet gennemsnit (vægtet efter antal ansatte)" if nb["method"] == "pooled" else "simpelt gennemsnit"
        lines.append("")
        lines.append(f"Omegnskommunerne, {method}:")
        for group in comparison_groups(config):
            lines.append(f"  {config.categories[group]:<28} {text.pct(nb.get(group)):>9}")
        if nb["missing"]:
            lines.append(f"  Mangler data fra: {', '.join(nb['missing'])}")
        lines.append("")
        lines.append(f"  {'Mål':<52} {'Værdi':>9} {'Mål':>9}  Status         Mangler")
        for t in y["targets"]:
            strict = t["id"].endswith("naboer")
            value = text.pct(t["value"], t["threshold"], strict)
            threshold = text.pct(t["threshold"]) if t["threshold"] is not None else "–"
            status = f"{text.status_icon(t['met'])} {text.status_word(t['met'])}"
            gap = "" if not t["gap_persons"] else text.persons(t["gap_persons"])
            lines.append(f"  {target_names[t['id']]:<52} {value:>9} {threshold:>9}  {status:<14} {gap}")
        lines.append("")
    return "\n".join(lines)

"""The report of `python -m csr report`: the strategy's figures per year as JSON or a Danish table."""

from __future__ import annotations

import math

from csr import text
from csr.config import Config
from csr.importers.plausibility import figure_warnings
from csr.shares import Figures, TargetStatus, comparison_groups


def _clean(value: float | None) -> float | None:
    """A plain JSON number: NaN and infinities (no staff) as None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def target_report(t: TargetStatus) -> dict:
    """One target in the report's JSON shape (docs/regler.md, "Mål"): the name in force that year and
    the kind. For placements (kind obligations_met) value and threshold count places (realised and
    agreed in total), gap_pp is None and gap_persons counts the places short (summed over the educations)."""
    entry: dict = {
        "id": t.id,
        "name": t.name,
        "kind": t.kind,
        "threshold": _clean(t.threshold),
        "value": _clean(t.value),
        "met": t.met,
        "gap_pp": _clean(t.gap_pp),
        "gap_persons": t.gap_persons,
    }
    return entry


def neighbours_report(figures: Figures, config: Config, year: int) -> dict:
    """The year's neighbour section: method, each group's figure, who is missing and who lacks which scheme."""
    neighbours: dict = {"method": figures.method}
    missing: list[str] = []
    lacking: dict[str, list[str]] = {}
    for group in comparison_groups(config):
        f = figures.neighbour(year, group)
        neighbours[group] = None if f is None else _clean(f.average)
        if f is None:
            continue
        missing.extend(m for m in f.missing if m not in missing)
        for name, ids in f.missing_schemes.items():
            lacking.setdefault(name, []).extend(s for s in ids if s not in lacking.get(name, []))
    neighbours["missing"] = missing
    neighbours["missing_schemes"] = lacking
    return neighbours


def year_report(figures: Figures, config: Config, year: int) -> dict:
    """One year of the home municipality in the report's JSON shape.

    `total_share` and the overall target's value are the same number (computed once, in
    `csr.shares.target_status`, as persons over headcount)."""
    row = figures.home_row(year, config)
    if row is None:
        raise KeyError(year)
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
    targets = figures.targets_in(year)
    return {
        "year": int(year),
        "provisional": row.provisional,
        "headcount": _clean(row.headcount),
        "schemes": schemes,
        "categories": {c: _clean(v) for c, v in row.categories.items()},
        "total_share": _clean(total_share(figures, config, year)),
        "neighbours": neighbours_report(figures, config, year),
        "targets": [target_report(t) for t in targets],
    }


def total_share(figures: Figures, config: Config, year: int) -> float | None:
    """The share of all employees in one or more schemes: the value of the target whose scope is every
    scheme (the same float as that target's value), else the sum of the category shares."""
    every = set(config.scheme_ids)
    for target in config.targets:
        if target.kind == "min_share" and set(target.schemes) == every:
            t = figures.target(year, target.id)
            if t is not None and t.value is not None:
                return t.value
    row = figures.home_row(year, config)
    return None if row is None else row.total_share


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
        method = "samlet (puljet)" if nb["method"] == "pooled" else "simpelt gennemsnit"
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

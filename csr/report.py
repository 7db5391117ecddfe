"""The report of `python -m csr report`: the strategy's figures per year as JSON or a Danish table."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from csr import text
from csr.config import Config, Target
from csr.fmt import join
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
    """A readable Danish table of the report, for the terminal.

    A target's name, kind and status come from the report where it has them ("name", "kind", "provisional"),
    else from the configuration; a year after the strategy period says so, as the app's pages do.
    """
    lines = [f"{config.name} – {report['municipality']} Kommune", ""]
    warnings = merge_municipalities(report.get("warnings", []), config)
    for warning in warnings:
        lines.append(f"Advarsel: {warning}")
    if warnings:
        lines.append("")
    names = {s.id: s.name for s in config.schemes}
    for y in report["years"]:
        flag = " (foreløbig)" if y["provisional"] else ""
        lines.append(f"== {y['year']}{flag} ==")
        period = text.period_sentence(config, int(y["year"]))
        if period:
            lines.append(period)
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
            lines.append(f"  Mangler data fra: {join(list(nb['missing']))}")
        for municipality, schemes in (nb.get("missing_schemes") or {}).items():
            lines.append(f"  {municipality} mangler {join([_scheme_in_text(s, config) for s in schemes])}")
        lines.append("")
        lines.append(f"  {'Mål':<52} {'Værdi':>9} {'Mål':>9}  {'Status':<26} Mangler")
        for t in y["targets"]:
            kind = _target_kind(t, config)
            value = text.pct(t["value"], t["threshold"], kind == "above_neighbours")
            threshold = text.pct(t["threshold"]) if t["threshold"] is not None else "–"
            status = f"{text.status_icon(t['met'])} {_status_word(t['met'], bool(y['provisional']))}"
            gap = _gap_text(t["gap_persons"], kind)
            lines.append(f"  {_target_name(t, config):<52} {value:>9} {threshold:>9}  {status:<26} {gap}".rstrip())
        lines.append("")
    return "\n".join(lines)


def _config_target(target_id: str, config: Config) -> Target | None:
    return next((t for t in config.targets if t.id == target_id), None)


def _target_kind(t: dict, config: Config) -> str:
    """The target's kind: the report's "kind", else the configuration's (a report made before it had one)."""
    if t.get("kind"):
        return str(t["kind"])
    target = _config_target(t["id"], config)
    return target.kind if target is not None else ""


def _target_name(t: dict, config: Config) -> str:
    """The name in force that year: the report's "name", else the configuration's."""
    if t.get("name"):
        return str(t["name"])
    target = _config_target(t["id"], config)
    return target.name if target is not None else str(t["id"])


def _status_word(met: bool | None, provisional: bool) -> str:
    """ "Opfyldt", "Ikke opfyldt", or "Foreløbigt opfyldt"/"Foreløbigt ikke opfyldt" in a provisional year."""
    if met is None or not provisional:
        return text.status_word(met)
    return "Foreløbigt opfyldt" if met else "Foreløbigt ikke opfyldt"


def _gap_text(gap: int | None, kind: str) -> str:
    """What is missing: persons on annual average, or places for the placement target ("1 plads", "3 pladser")."""
    if not gap:
        return ""
    if kind == "obligations_met":
        return "1 plads" if gap == 1 else f"{text.number(gap)} pladser"
    return text.persons(gap)


def _scheme_in_text(scheme: str, config: Config) -> str:
    """A scheme id (or name) as running text writes it: "virksomhedspraktik", "integrationsgrunduddannelse (IGU)"."""
    name = next((s.name for s in config.schemes if s.id == scheme), scheme)
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def merge_municipalities(messages: Iterable[str], config: Config) -> list[str]:
    """Messages that differ only by the municipality they name, as one message naming them all ("a, b og c").

    "Målemåned mangler: Esbjerg 2025 …" and "Målemåned mangler: Vejen 2025 …" become "Målemåned mangler: Esbjerg
    og Vejen 2025 …". A message naming no municipality, or more than one, stays as it is. The order is kept.
    """
    pattern = _municipality_pattern(config)
    groups: dict[str, list[str]] = {}
    order: list[tuple[str, str | None]] = []
    for message in messages:
        found = {m.group(0) for m in pattern.finditer(message)}
        if len(found) != 1:
            order.append((message, None))
            continue
        (name,) = found
        key = pattern.sub("\x00", message)
        if key not in groups:
            groups[key] = []
            order.append((key, key))
        if name not in groups[key]:
            groups[key].append(name)
    return [message if key is None else key.replace("\x00", join(groups[key])) for message, key in order]


def _municipality_pattern(config: Config) -> re.Pattern[str]:
    names = sorted({m.name for m in config.municipalities}, key=len, reverse=True)  # "Lyngby-Taarbæk" first
    # a whole name, not part of a word, a path or a file name ("Esbjerg.csv", "data-Vejen")
    return re.compile(r"(?<![\w/\\.-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-]|\.\w)")

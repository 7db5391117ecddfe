"""The report of `python -m csr report`: the strategy's figures per year as JSON or a Danish table."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from csr import text
from csr.config import Config, Target
from csr.fmt import join
from csr.importers.plausibility import figure_warnings
from csr.national import National, national_ranking
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


def national_report(national: National, config: Config, year: int) -> dict | None:
    """The year's national section (`csr.national`): how many municipalities have data, and per comparison
    category the home municipality's rank (None without its data), the pooled national average, the
    unweighted mean and the quartiles (lower, median, upper), in percent, unrounded. A category ranked
    over fewer municipalities than the year's count also says how many ("municipalities"). None
    without national data for the year."""
    count = national.counts.get(year)
    if count is None:
        return None
    part: dict = {"municipalities": count}
    for group in comparison_groups(config):
        f = national.figure(year, group)
        if f is None:
            part[group] = None
            continue
        entry: dict = {
            "rank": None if f.home is None else f.home.rank,
            "average": _clean(f.average),
            "mean": _clean(f.mean),
            "quartiles": [_clean(q) for q in f.quartiles],
        }
        if f.municipalities != count:
            entry["municipalities"] = f.municipalities
        part[group] = entry
    return part


def national_lines(part: dict, config: Config) -> list[str]:
    """The text report's national section: a heading and one line per comparison category."""
    lines = [f"Landets kommuner ({text.number(part['municipalities'])} med data):"]
    for group in comparison_groups(config):
        entry = part.get(group)
        name = config.categories[group]
        if entry is None:
            lines.append(f"  {name:<28} ingen data")
            continue
        of = text.number(entry.get("municipalities", part["municipalities"]))
        place = "ingen egne data" if entry["rank"] is None else f"nr. {text.number(entry['rank'])} af {of}"
        q1, median, q3 = (text.pct(q) for q in entry["quartiles"])
        lines.append(
            f"  {name:<28} {place:<14} landsgennemsnit {text.pct(entry['average'])} (samlet), "
            f"{text.pct(entry['mean'])} (simpelt); kvartiler {q1}, {median} (median), {q3}"
        )
    return lines


def build_report(figures: Figures, config: Config, year: int | None = None) -> dict:
    """The whole report: every year of the home municipality, or only `year`."""
    years = figures.home_years(config)
    if year is not None:
        if year not in years:
            raise KeyError(year)
        years = [year]
    report: dict = {"municipality": config.home_name, "years": [year_report(figures, config, y) for y in years]}
    national = national_ranking(figures.shares, config)
    for entry in report["years"]:
        part = national_report(national, config, int(entry["year"]))
        if part is not None:  # only with data beyond the home municipality and its neighbours
            entry["national"] = part
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
        if y.get("national"):
            lines.append("")
            lines.extend(national_lines(y["national"], config))
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

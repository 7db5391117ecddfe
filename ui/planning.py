"""The Planlægning page's helpers: the slider ranges, the placement form's entries, the scenario read
from the widgets, the goal seek's suggestions put into it, and everything the planner shows computed in one function (`plan_view`),
which is what a slider move costs and what the benchmark times.

Nothing here decides a number: `csr.planning` does. This module turns widget values into a
`Scenario`, and the engine's answers into Danish tables, sentences and chart specs.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from csr import charts, text
from csr.config import Config
from csr.fmt import join
from csr.importers.cells import DANISH_MONTHS
from csr.model import ERROR, Finding
from csr.planning import (
    CANNOT_REACH,
    PAID_WORDS,
    Baseline,
    Outcome,
    Placement,
    PlanError,
    Scenario,
    compare_targets,
    evaluate,
    goal_seek,
    parse_month,
    payroll_assumption,
    placements_needed,
    scheme_months,
    target_changes,
)
from csr.shares import Figures
from ui import widgets
from ui.safe import md_escape

# widget keys (stable: tests and saved sessions use them)
YEAR_KEY = widgets.YEAR_KEY  # the app's one year, shared with every page (`?år=`)
HEADCOUNT_KEY = "plan_headcount"
START_KEY = "plan_start"
PLACEMENTS = "_plan_placements"  # the form's placements (months of the planned year), kept across pages
FORM_SCHEME, FORM_PERSONS, FORM_FIRST, FORM_LAST, FORM_PAID = (
    "plan_new_scheme",
    "plan_new_persons",
    "plan_new_first",
    "plan_new_last",
    "plan_new_paid",
)
FORM_MESSAGE = "_plan_form_message"  # (kind, text) after "Tilføj", "Fjern" or "Brug forslaget"
RANGES_SHOWN = "_plan_ranges"  # the sliders' ranges of the last run (a new range is a new widget)
CURRENT = "_plan_scenario"  # the scenario on screen, for the save button
LOADED = "_plan_loaded"  # (name, outdated, saved) of the scenario last loaded
MESSAGE = "_plan_message"  # (kind, text) after a save, load or delete

# slider ranges (`slider_ranges`): a scheme may at most double, and reach at least this share of the
# headcount; the headcount moves this share either way
SCHEME_REACH = 0.01
HEADCOUNT_REACH = 0.10

PAID = "Løn"  # the form's paid-or-unpaid choice
PAID_LABELS = {True: PAID_WORDS[True], False: f"{PAID_WORDS[False]} (fx SU)"}  # the form's choices


def slider_key(scheme: str) -> str:
    return f"plan_{scheme}"


def seek_paid_key(scheme: str) -> str:
    """The goal seek's choice of paid or unpaid for a scheme with `payroll_choice`."""
    return f"plan_seek_paid_{scheme}"


def _round_up(value: float) -> int:
    """Up to 1, 1,5, 2, 2,5, 3, 4, 5, 6 or 8 times a power of ten, at least 10: 238 -> 250, 445 -> 500."""
    value = max(value, 10.0)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power + 1e-9:
            return int(step * power)
    return int(10 * power)


Ranges = dict[str, tuple[int, int]]  # slider key -> (lowest, highest)


def slider_ranges(baseline: Baseline, config: Config, needs: Mapping[str, int] | None = None) -> Ranges:
    """Each slider's range for the baseline year, in whole persons on annual average.

    A scheme goes down to all its persons (never below zero: −3 for a scheme of 3,5) and up to the
    largest of its own size (doubling it), `SCHEME_REACH` of the headcount (so a small scheme can grow:
    47 of 4.660) and `needs` (the goal seek's answer for the scheme without a plan, so the answer fits),
    rounded up to a round number (`_round_up`). The headcount moves `HEADCOUNT_REACH` either way."""
    needs = {} if needs is None else needs
    ranges = {}
    for s in config.schemes:
        persons = baseline.persons.get(s.id, 0.0)
        top = max(persons, SCHEME_REACH * baseline.headcount, float(needs.get(s.id, 0)))
        ranges[slider_key(s.id)] = (-math.floor(persons + 1e-9), _round_up(top))
    head = _round_up(HEADCOUNT_REACH * baseline.headcount)
    ranges[HEADCOUNT_KEY] = (-min(head, math.floor(baseline.headcount - 1)), head)
    return ranges


def baseline_needs(baseline: Baseline, config: Config) -> dict[str, int]:
    """Per scheme: the most persons on annual average any unmet target needs of it without a plan."""
    needs: dict[str, int] = {}
    for per_scheme in goal_seek(baseline, config).values():
        for scheme, n in per_scheme.items():
            if n is not None:
                needs[scheme] = max(needs.get(scheme, 0), n)
    return needs


def year_options(figures: Figures, config: Config) -> tuple[list[int], set[int]]:
    """The home municipality's years and which of them are provisional."""
    return figures.home_years(config), set(figures.provisional_years(config))


# ---- the placement form -----------------------------------------------------------------------


def in_year(placements: tuple[Placement, ...], year: int) -> tuple[Placement, ...]:
    """The placements with their months moved into `year` (the form's months are months of the
    planned year, so the plan follows when another year is chosen)."""
    return tuple(replace(p, first=(year, p.first[1]), last=(year, p.last[1])) for p in placements)


def placements_in_year(placements: tuple[Placement, ...], year: int) -> tuple[tuple[Placement, ...], list[str]]:
    """A saved scenario's placements as the form's list, and notes on what changed: a placement reaching
    into another year is cut to `year` (its weight stays the same), one lying wholly outside `year`
    weighs nothing and is left out."""
    kept, notes = [], []
    for i, p in enumerate(placements, start=1):
        first, last = max(p.first, (year, 1)), min(p.last, (year, 12))
        if first > last:
            notes.append(f"Placering {i} ligger uden for {year} og tæller ikke med; den er udeladt.")
            continue
        if (first, last) != (p.first, p.last):
            notes.append(f"Placering {i} er skåret til månederne i {year}; den tæller det samme.")
        kept.append(replace(p, first=first, last=last))
    return tuple(kept), notes


def new_placement(
    scheme: str | None,
    persons: float | None,
    first: int | None,
    last: int | None,
    paid: bool | None,
    year: int,
    config: Config,
) -> Placement:
    """The form's entry as a placement in `year`, or a `PlanError` saying in Danish everything that is
    missing or impossible: no scheme, no or zero persons, a month outside the year, the last month before
    the first, or a period without any month the scheme is measured in (it would count for nothing).
    `paid` counts only for a scheme with `payroll_choice` (None: the configuration's default)."""
    problems = []
    if scheme is None or scheme not in config.scheme_ids:
        problems.append("Vælg en ordning.")
    if persons is None or (isinstance(persons, float) and math.isnan(persons)):
        problems.append("Skriv antal personer.")
    elif persons <= 0:
        problems.append(
            f"Placeringen har {text.count(persons)} personer; skriv mindst 1 (færre personer planlægges med "
            "skyderen for ordningen)."
        )
    for month, what in ((first, "første"), (last, "sidste")):
        if month is None:
            problems.append(f"Vælg {what} måned.")
        elif not 1 <= month <= 12:
            problems.append(f"Den {what} måned skal ligge i {year} (januar til december).")
    months_ok = first is not None and last is not None and 1 <= first <= 12 and 1 <= last <= 12
    if months_ok and last < first:  # type: ignore[operator]
        problems.append(
            f"Sidste måned ({DANISH_MONTHS[last - 1]}) ligger før første måned ({DANISH_MONTHS[first - 1]}); "  # type: ignore[operator]
            f"en placering går fra første til sidste måned i {year}."
        )
    elif months_ok and not problems:
        assert scheme is not None and first is not None and last is not None
        probe = Placement(scheme, 1, (year, first), (year, last))
        if probe.weight(year, config) == 0:
            counted = join([DANISH_MONTHS[m - 1] for m in scheme_months(config, scheme)])
            problems.append(
                f"Placeringen tæller ikke med: {config.scheme(scheme).name} måles i {counted}, og ingen af "
                f"månederne ligger fra {DANISH_MONTHS[first - 1]} til {DANISH_MONTHS[last - 1]}."
            )
    if problems:
        raise PlanError([Finding(ERROR, p) for p in problems])
    assert scheme is not None and persons is not None and first is not None and last is not None
    choice = config.scheme(scheme).payroll_choice
    return Placement(scheme, float(persons), (year, first), (year, last), paid if choice else None)


def period_text(placement: Placement) -> str:
    """ "september – december", "hele året", "august": a placement's months by name."""
    first, last = placement.first[1], placement.last[1]
    if (first, last) == (1, 12):
        return "hele året"
    if first == last:
        return DANISH_MONTHS[first - 1]
    return f"{DANISH_MONTHS[first - 1]} – {DANISH_MONTHS[last - 1]}"


def placement_sentence(placement: Placement, config: Config) -> str:
    """ "8 personer i Elever under erhvervsuddannelse, september – december": what the form added."""
    name = config.scheme(placement.scheme).name if placement.scheme in config.scheme_ids else placement.scheme
    paid = "" if placement.paid is None else f" ({PAID_WORDS[bool(placement.paid)]})"
    return f"{text.count(placement.persons)} personer i {name}{paid}, {period_text(placement)} {placement.first[0]}"


# ---- the scenario on screen -------------------------------------------------------------------


def scenario_from_widgets(year: int, config: Config, placements: tuple[Placement, ...] = ()) -> Scenario:
    """The scenario the sliders describe (their values in session state), with `placements`."""
    state = st.session_state
    changes = {s.id: float(state.get(slider_key(s.id), 0)) for s in config.schemes}
    return Scenario(year, {s: v for s, v in changes.items() if v}, float(state.get(HEADCOUNT_KEY, 0)), placements)


def widget_values(scenario: Scenario, config: Config, ranges: Ranges) -> tuple[dict, list[str]]:
    """Session-state values that show `scenario` on the sliders, and notes on what had to be rounded
    or cut to fit them (the sliders move in whole persons within their range, `slider_ranges`)."""
    values, notes = {}, []
    wanted = [(slider_key(s.id), s.name, scenario.changes.get(s.id, 0)) for s in config.schemes]
    wanted.append((HEADCOUNT_KEY, "antal ansatte", scenario.headcount_change))
    for key, name, value in wanted:
        low, high = ranges[key]
        shown = max(low, min(high, round(value)))
        if shown != value:
            notes.append(f"Ændringen for {name} ({text.signed_count(value)}) vises som {text.signed_count(shown)}.")
        values[key] = int(shown)
    return values, notes


# ---- what the planner shows -------------------------------------------------------------------


def gap_text(
    kind: str, met: bool | None, gap_pp: float | None, gap_persons: float | None, threshold: float | None
) -> str:
    """ "+0,3 pp" when met, "−0,3 pp: 17 personer mangler" when not (places for placement obligations)."""
    if kind == "obligations_met":  # counted in places, never in percentage points
        if met is None:
            return "–"
        return "alle uddannelser nået" if met else f"{text.places(int(gap_persons or 0))} mangler"
    if met is None or gap_pp is None or pd.isna(gap_pp):
        return "–"
    gap = text.pp(gap_pp, threshold, kind == "above_neighbours")
    if met:
        return gap
    return f"{gap}: {text.persons(int(gap_persons or 0))} mangler"


def _status(
    value: float | None, met: bool | None, threshold: float | None, strict: bool, kind: str = "", as_html: bool = False
) -> str:
    """ "4,7 % · ✗ Ikke opfyldt": in Markdown for st.table, or `as_html` a cell for `widgets.html_table` (sign and
    word, never colour alone); placements in places ("187 besatte mod 184 aftalte pladser")."""
    met = None if met is None or pd.isna(met) else bool(met)
    if kind == "obligations_met":
        shown = "–" if value is None or threshold is None else text.places_total_text(value, threshold)
    else:
        shown = text.pct(value, threshold, strict)
    if as_html:
        return f"{html.escape(shown)} · {widgets.status_cell(met)}"
    return f"{shown} · {widgets.status_markdown(met)}"


def comparison_rows(changes: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The rows of `csr.planning.compare_targets` (`target_changes`) as the Danish table on the page
    (`widgets.html_table`): per target the requirement, then value with status and the gap, for the baseline
    and the scenario."""
    rows = []
    for t in changes:
        threshold = None if t["threshold"] is None or pd.isna(t["threshold"]) else float(t["threshold"])
        strict = t["kind"] == "above_neighbours"
        row = {"Mål": t["name"], "Krav": charts.target_requirement(t["kind"], threshold)}
        for label, suffix in (("Grundlag", "before"), ("Scenarie", "after")):
            row[label] = _status(t[f"value_{suffix}"], t[f"met_{suffix}"], threshold, strict, t["kind"], as_html=True)
            row[f"Afstand, {label.lower()}"] = gap_text(
                t["kind"], t[f"met_{suffix}"], t[f"gap_pp_{suffix}"], t[f"gap_persons_{suffix}"], threshold
            )
        rows.append(row)
    return rows


def placements_frame(table: pd.DataFrame) -> pd.DataFrame:
    """`csr.planning.placement_table` with Danish headers and numbers: the months each placement counts
    in, its weight and the persons it adds to the annual figure."""
    return pd.DataFrame(
        {
            "Nr.": [str(i) for i in range(1, len(table) + 1)],
            "Ordning": [md_escape(n) for n in table["name"]],  # st.table renders its cells as Markdown
            "Personer": [text.count(p) for p in table["persons"]],
            "Periode": [_period(a, b) for a, b in zip(table["first"], table["last"], strict=True)],
            "Tæller i": [m or "ingen målemåned" for m in table["months"]],
            "Vægt": [text.number(w, 2) for w in table["weight"]],
            "I årsgennemsnittet": [text.number(p, 2) for p in table["annual_persons"]],
            "Antal ansatte": [
                ("tæller med" if p else "tæller ikke med") + ("" if paid is None else f" ({PAID_WORDS[bool(paid)]})")
                for p, paid in zip(table["on_payroll"], table["paid"], strict=True)
            ],
        }
    )


def _period(first: str, last: str) -> str:
    """ "2025-09", "2025-12" (as `placement_table` writes them) -> "september – december"."""
    return period_text(Placement("", 0, parse_month(first), parse_month(last)))


@dataclass(frozen=True)
class GoalSeek:
    """One unmet target: how far off, and per scheme the persons needed (see `text.goal_seek_line`)."""

    id: str
    name: str
    gap: str
    lines: tuple[str, ...]
    needed: dict[str, dict[int, int | None]] = field(default_factory=dict)  # scheme -> start month -> persons
    annual: dict[str, int | None] = field(default_factory=dict)  # scheme -> persons on annual average
    paid: dict[str, bool | None] = field(default_factory=dict)  # scheme -> the payroll status assumed (choice only)


def seek(
    baseline: Baseline,
    config: Config,
    scenario: Scenario,
    after: Outcome,
    start: int,
    paid: Mapping[str, bool] | None = None,
) -> list[GoalSeek]:
    """For every target the scenario still misses: the fewest persons per scheme on annual average, and
    placed from `start` (and from the first measurement month) to December. `paid`: the payroll status
    assumed for schemes with the choice (default: the configuration's); their line says which
    ("Studerende i praktik, forudsat ulønnede (SU)")."""
    paid = {} if paid is None else paid
    compare_month = config.measurement_months[0]
    months = [start] if start == compare_month else [start, compare_month]
    out = []
    for target_id, per_scheme in goal_seek(baseline, config, scenario, paid).items():
        status = after.target(target_id)
        lines, needed, assumed_paid = [], {}, {}
        for scheme, annual in per_scheme.items():
            assumed_paid[scheme] = paid.get(scheme) if config.scheme(scheme).payroll_choice else None
            needed[scheme] = {
                m: placements_needed(baseline, config, target_id, scheme, m, scenario=scenario, paid=paid.get(scheme))
                for m in months
            }
            starts = [(DANISH_MONTHS[m - 1], n) for m, n in needed[scheme].items()]
            name = config.scheme(scheme).name
            assumed = payroll_assumption(config, scheme, paid.get(scheme))
            lines.append(text.goal_seek_line(f"{name}, {assumed}" if assumed else name, starts, annual, CANNOT_REACH))
        gap = gap_text(status.kind, status.met, status.gap_pp, status.gap_persons, status.threshold)
        out.append(GoalSeek(target_id, status.name, gap, tuple(lines), needed, dict(per_scheme), assumed_paid))
    return out


@dataclass(frozen=True)
class Suggestion:
    """One goal-seek answer to put into the scenario: `persons` more in `scheme`, as a placement from
    `start` to December, or (`start` None) on annual average; `paid` the payroll status it assumed."""

    scheme: str
    persons: int
    start: int | None = None
    paid: bool | None = None

    def label(self) -> str:
        """The button: "Brug forslaget: fra august" / "Brug forslaget: i årsgennemsnit"."""
        return "Brug forslaget: " + (
            "i årsgennemsnit" if self.start is None else f"fra {DANISH_MONTHS[self.start - 1]}"
        )


def suggestion_help(suggestion: Suggestion, config: Config) -> str:
    """What the button does: "Tilføjer 33 personer i Elever under erhvervsuddannelse fra august til december"."""
    s = config.scheme(suggestion.scheme)
    if suggestion.start is None:
        return f"Lægger {text.persons(suggestion.persons)} i årsgennemsnit til {s.name}."
    month = DANISH_MONTHS[suggestion.start - 1]
    return f"Tilføjer {text.persons(suggestion.persons)} i {s.name} fra {month} til december som en placering."


def suggestions(goal: GoalSeek, scheme: str) -> list[Suggestion]:
    """The suggestions of one scheme's line that can be used (a number, and more than none)."""
    paid = goal.paid.get(scheme)
    out = [Suggestion(scheme, n, m, paid) for m, n in goal.needed.get(scheme, {}).items() if n]
    annual = goal.annual.get(scheme)
    if annual:
        out.append(Suggestion(scheme, annual, None, paid))
    return out


def apply_suggestion(
    suggestion: Suggestion,
    slider: int,
    limits: tuple[int, int],
    placements: tuple[Placement, ...],
    year: int,
    config: Config,
) -> tuple[int, tuple[Placement, ...], str]:
    """The slider value and placements with `suggestion` in them, and a Danish sentence saying what
    changed. A start month is a placement from that month to December; annual persons move the scheme's
    slider, or become a placement for the whole year (weight 1, the same in the annual figure) when the
    slider cannot reach that far or the assumed payroll status is not the slider's."""
    s = config.scheme(suggestion.scheme)
    n = suggestion.persons
    paid = suggestion.paid if s.payroll_choice else None
    if suggestion.start is None:
        slider_fits = slider + n <= limits[1] and (paid is None or paid == s.on_payroll)
        if slider_fits:
            return (
                slider + n,
                placements,
                (
                    f"Forslaget er brugt: skyderen for {s.name} er flyttet {text.signed_count(n)} til "
                    f"{text.signed_count(slider + n)}."
                ),
            )
        placement = Placement(s.id, float(n), (year, 1), (year, 12), paid)
    else:
        placement = Placement(s.id, float(n), (year, suggestion.start), (year, 12), paid)
    return (
        slider,
        (*placements, placement),
        (f"Forslaget er brugt: placeringen {placement_sentence(placement, config)} er tilføjet."),
    )


def summary_rows(view: PlanView) -> list[dict[str, str]]:
    """The compact table beside the sliders (`widgets.html_table`): the headcount, the share in the schemes
    and every target before and after the plan, the status after it as sign and word, and the change."""
    before, after = view.before, view.after
    rows = [
        {
            "Mål": "Antal ansatte (årsgennemsnit)",
            "Før": text.count(before.headcount),
            "Efter": text.count(after.headcount),
            "Status": "",
            "Ændring": text.signed_count(after.headcount - before.headcount),
        },
        {
            "Mål": "Andel i ordningerne",
            "Før": text.unbroken(text.pct(before.total_share)),
            "Efter": text.unbroken(text.pct(after.total_share)),
            "Status": "",
            "Ændring": text.unbroken(text.pp(after.total_share - before.total_share)),
        },
    ]
    for b, a in zip(before.targets, after.targets, strict=True):
        if a.kind == "obligations_met":  # counted in places; a plan does not move it
            shown = (
                "–"
                if a.value is None or a.threshold is None
                else f"{text.count(a.value)} mod {text.count(a.threshold)}"
            )
            first, last, change = shown, shown, "±0"
        else:
            strict = a.kind == "above_neighbours"
            # a number and its unit never part, also where the numbers may wrap (a phone)
            first = text.unbroken(text.pct(b.value, b.threshold, strict))
            last = text.unbroken(text.pct(a.value, a.threshold, strict))
            change = "–" if a.value is None or b.value is None else text.unbroken(text.pp(a.value - b.value))
        status = widgets.status_cell(a.met)
        if (None if b.met is None else bool(b.met)) != (None if a.met is None else bool(a.met)):
            status += html.escape(f" (før: {text.status_word(b.met).lower()})")
        rows.append({"Mål": a.name, "Før": first, "Efter": last, "Status": status, "Ændring": change})
    return rows


def seek_summary(after: Outcome, goals: list[GoalSeek]) -> tuple[str, str] | None:
    """What the goal seek section says before its answers: ("success", ...) only when every target is
    met; ("info", ...) when more persons in the schemes cannot move the targets still missed (placement
    obligations) or unknown; None when there are answers to show."""
    if goals:
        return None
    unmet = [t.name for t in after.targets if t.met is False]
    unknown = [t.name for t in after.targets if t.met is None]
    if not unmet and not unknown:
        return "success", "Scenariet når alle målene."
    missed = ([f"{join(unmet)} er ikke nået"] if unmet else []) + (
        [f"{join(unknown)} kan ikke vurderes"] if unknown else []
    )
    return "info", f"De mål, som flere personer i ordningerne kan flytte, er nået; {' og '.join(missed)}."


@dataclass(frozen=True)
class Templates:
    """The planner's charts built once for the baseline year (validated Vega-Lite specs, as the page shows
    them: `charts.screen`). Their structure depends on the year only; a scenario changes their one table
    (`live_bullets`, `live_spec`)."""

    bullets: charts.ScreenChart  # one panel per target, in the targets' order, each as wide as its column
    donut: dict


def chart_templates(
    baseline: Baseline, config: Config, before: Outcome | None = None, meeting: bool = False
) -> Templates:
    """The bullets and the donut for the baseline year, fitted to their column (`charts.screen`: the width
    the page gives them, meeting mode's larger type). Building an Altair chart costs ~100 ms, swapping
    the table ~1 ms. The faceted bullets become one chart per target (Vega-Lite cannot fit a facet to its
    container); each gets its target's rows of the scenario's table."""
    before = evaluate(baseline, config) if before is None else before
    donut = charts.scenario_donut(before.years_frame(), config, baseline.year).to_dict()
    bullets = charts.target_bullets(compare_targets(before, before), baseline.year).to_dict()
    return Templates(bullets=charts.screen(bullets, meeting), donut=charts.screen(donut, meeting).panels[0])


def live_spec(template: dict, frame: Any) -> dict:
    """`template` (a spec drawn from one table) with `frame` (a DataFrame or an Arrow table) as that table, for
    `st.vega_lite_chart`."""
    [name] = template["datasets"]
    return {**template, "datasets": {name: frame}}


# The Arrow types of the bullets' table (`charts.BULLET_COLUMNS`): a panel whose values are all missing still
# has numbers there, as the frame Altair is given has.
BULLET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("header", pa.string()),
        ("order", pa.int64()),
        ("series", pa.string()),
        ("value", pa.float64()),
        ("threshold", pa.float64()),
        ("status", pa.string()),
        ("label", pa.string()),
    ]
)


def live_bullets(template: charts.ScreenChart, rows: Sequence[tuple]) -> charts.ScreenChart:
    """The bullets' panels (one per target, in the order of the rows' "order": `charts.target_bullets_rows`) each
    with its target's rows as an Arrow table, and what a screen reader says for it (the target, its requirement
    and both values in words). The tables are built from the rows, not from a frame: a frame, its conversion to
    Arrow and the cuts per target took ~1.5 ms of every slider move."""
    order_at, header_at, series_at, label_at = (
        charts.BULLET_COLUMNS.index(c) for c in ("order", "header", "series", "label")
    )
    per_panel: dict[int, list[tuple]] = {}
    for row in rows:
        per_panel.setdefault(int(row[order_at]), []).append(row)
    panels = []
    for order, panel in enumerate(template.panels):
        own = per_panel.get(order, [])
        *name, requirement = own[0][header_at].split("|") if own else ("",)
        said = f"{' '.join(name)}. {requirement}" if name else requirement
        said += "".join(f". {r[series_at]}: {r[label_at]}" for r in own)
        columns = [list(c) for c in zip(*own, strict=True)] if own else [[] for _ in BULLET_SCHEMA]
        table = pa.table(columns, schema=BULLET_SCHEMA)
        panels.append({**live_spec(panel, table), "description": said})
    return replace(template, panels=tuple(panels))


def live_donut(template: dict, after: Outcome, config: Config) -> dict:
    """The donut's template with the scenario's slices (`charts.scenario_donut_columns`) as an Arrow table."""
    return live_spec(template, pa.table(charts.scenario_donut_columns(after.categories, after.total_share, config)))


@dataclass(frozen=True)
class PlanView:
    """Everything the planner shows for one scenario."""

    scenario: Scenario
    before: Outcome
    after: Outcome
    changes: list[dict]  # csr.planning.target_changes: the rows of compare_targets
    table: list[dict[str, str]]  # the Danish side-by-side table (`comparison_rows`)
    summary: list[dict[str, str]]  # the compact table beside the sliders (`summary_rows`)
    goals: list[GoalSeek]
    caption: str  # the donut's sentence
    bullets: charts.ScreenChart  # one Vega-Lite spec per target (`live_bullets`)
    donut: dict  # a Vega-Lite spec for st.vega_lite_chart

    @property
    def compare(self) -> pd.DataFrame:
        """`csr.planning.compare_targets` of the plan (for the bullets' downloads)."""
        return pd.DataFrame(self.changes)


def plan_view(
    baseline: Baseline,
    config: Config,
    scenario: Scenario,
    start: int,
    before: Outcome | None = None,
    templates: Templates | None = None,
    paid: Mapping[str, bool] | None = None,
) -> PlanView:
    """The planner's computation for one scenario (raises `PlanError` when it cannot be computed).
    `before` and `templates` are the baseline's, which the page caches per year; `paid` is the goal
    seek's payroll assumption for schemes with the choice (`seek`)."""
    before = evaluate(baseline, config) if before is None else before
    templates = chart_templates(baseline, config, before) if templates is None else templates
    after = evaluate(baseline, config, scenario)
    changes = target_changes(before, after)
    view = PlanView(
        scenario=scenario,
        before=before,
        after=after,
        changes=changes,
        table=comparison_rows(changes),
        summary=[],
        goals=seek(baseline, config, scenario, after, start, paid),
        caption=text.scenario_caption(before, after, config),
        bullets=live_bullets(templates.bullets, charts.target_bullets_rows(changes)),
        donut=live_donut(templates.donut, after, config),
    )
    return replace(view, summary=summary_rows(view))


def arrow_spec(spec: dict) -> dict:
    """`spec` with its tables as Arrow bytes, which is what `st.vega_lite_chart` sends: converted once per
    plan (`drawn`), not again at every rerun that draws the same plan."""
    datasets = spec.get("datasets", {})
    return {
        **spec,
        "datasets": {n: d if isinstance(d, bytes) else convert_anything_to_arrow_bytes(d) for n, d in datasets.items()},
    }


@dataclass(frozen=True)
class Drawn:
    """A plan view as the page draws it, converted once per plan: the bullets (one spec per target) and the donut,
    with the donut's sentence as what a screen reader says for it, their tables as Arrow bytes; and the summary
    beside the sliders and the full table as HTML (`widgets.html_table`: the browser draws them without running
    Streamlit's Markdown over every cell, at every slider move)."""

    bullets: charts.ScreenChart
    donut: dict
    summary: str
    table: str


SUMMARY_NUMBERS = ("Før", "Efter", "Ændring")  # right-aligned in the summary


def drawn(view: PlanView) -> Drawn:
    return Drawn(
        bullets=replace(view.bullets, panels=tuple(arrow_spec(p) for p in view.bullets.panels)),
        donut=arrow_spec({**view.donut, "description": view.caption}),
        summary=widgets.html_table(
            view.summary, SUMMARY_NUMBERS, f"Resultat for {view.after.year}: målene før og efter", ("Status",)
        ),
        table=widgets.html_table(
            view.table, (), f"Målene {view.after.year} med grundlaget og scenariet", ("Grundlag", "Scenarie")
        ),
    )


def compare_saved(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Two (or more) saved scenarios side by side (Markdown cells): headcount, total share, every target."""
    first = next(iter(outcomes.values()))
    rows = [
        {"": "År", **{n: text.year_label(o.year, o.provisional) for n, o in outcomes.items()}},
        {"": "Antal ansatte", **{n: text.count(o.headcount) for n, o in outcomes.items()}},
        {"": "Samlet andel", **{n: text.pct(o.total_share) for n, o in outcomes.items()}},
    ]
    for i, target in enumerate(first.targets):
        row = {"": md_escape(target.name)}  # st.table renders its cells as Markdown; names from a settings file
        for n, o in outcomes.items():
            t = o.targets[i]
            row[n] = _status(t.value, t.met, t.threshold, t.kind == "above_neighbours", t.kind)
        rows.append(row)
    return pd.DataFrame(rows)

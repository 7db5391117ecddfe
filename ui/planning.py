"""The Planlægning page's helpers: the placement table in and out of the data editor, the scenario
read from the widgets, and everything the planner shows computed in one function (`plan_view`),
which is what a slider move costs and what the benchmark times.

Nothing here decides a number: `csr.planning` does. This module turns widget values into a
`Scenario`, and the engine's answers into Danish tables, sentences and chart specs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

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
    choice_schemes,
    compare_targets,
    evaluate,
    goal_seek,
    payroll_assumption,
    placements_needed,
)
from csr.shares import Figures
from ui import widgets

# widget keys (stable: tests and saved sessions use them)
YEAR_KEY = widgets.YEAR_KEY  # the app's one year, shared with every page (`?år=`)
HEADCOUNT_KEY = "plan_headcount"
PLACEMENTS_KEY = "plan_placements"
START_KEY = "plan_start"
PLACEMENTS_BASE = "_plan_placements_base"  # the editor's starting table (edits live in PLACEMENTS_KEY)
PLACEMENTS_EDITED = "_plan_placements_edited"  # the table as edited, to start from after a visit elsewhere
CURRENT = "_plan_scenario"  # the scenario on screen, for the save button
LOADED = "_plan_loaded"  # (name, outdated, saved) of the scenario last loaded
MESSAGE = "_plan_message"  # (kind, text) after a save, load or delete

# slider ranges: a share of the largest headcount in the data, rounded up to a round number
SCHEME_SPAN = 0.05
HEADCOUNT_SPAN = 0.10

# the placement editor's columns; PAID only for schemes with `payroll_choice` (empty: the configuration's default)
SCHEME, PERSONS, FIRST, LAST, PAID = "Ordning", "Personer", "Første måned", "Sidste måned", "Løn"
EDITOR_COLUMNS = (SCHEME, PERSONS, FIRST, LAST, PAID)
PAID_LABELS = {True: PAID_WORDS[True], False: f"{PAID_WORDS[False]} (fx SU)"}  # the PAID column's choices


def editor_columns(config: Config) -> tuple[str, ...]:
    """The editor's columns: PAID only when a scheme's payroll status is chosen per placement."""
    return EDITOR_COLUMNS if choice_schemes(config) else EDITOR_COLUMNS[:-1]


def slider_key(scheme: str) -> str:
    return f"plan_{scheme}"


def seek_paid_key(scheme: str) -> str:
    """The goal seek's choice of paid or unpaid for a scheme with `payroll_choice`."""
    return f"plan_seek_paid_{scheme}"


def _round_up(value: float) -> int:
    """Up to 1, 2, 2.5 or 5 times a power of ten, at least 10: 238 -> 250, 477 -> 500."""
    value = max(value, 10.0)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


def slider_spans(figures: Figures, config: Config) -> tuple[int, int]:
    """(persons per scheme, headcount): the sliders' reach either way, from the largest headcount of the
    home municipality in the data, so they keep their range (and their values) when the year changes."""
    home = figures.years[figures.years["code"] == config.home]
    largest = float(home["headcount"].max()) if len(home) else 0.0
    return _round_up(largest * SCHEME_SPAN), _round_up(largest * HEADCOUNT_SPAN)


def year_options(figures: Figures, config: Config) -> tuple[list[int], set[int]]:
    """The home municipality's years and which of them are provisional."""
    return figures.home_years(config), set(figures.provisional_years(config))


# ---- the placement editor --------------------------------------------------------------------


def empty_editor_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            SCHEME: pd.Series([], dtype="object"),
            PERSONS: pd.Series([], dtype="float64"),
            FIRST: pd.Series([], dtype="object"),
            LAST: pd.Series([], dtype="object"),
            PAID: pd.Series([], dtype="object"),
        }
    )


def editor_frame(placements: tuple[Placement, ...], year: int, config: Config) -> tuple[pd.DataFrame, list[str]]:
    """The scenario's placements as editor rows (months of `year` by name) and notes on what changed:
    a placement reaching into another year is cut to `year` (its weight stays the same), one lying
    wholly outside `year` weighs nothing and is left out."""
    names = {s.id: s.name for s in config.schemes}
    rows, notes = [], []
    for i, p in enumerate(placements, start=1):
        first, last = max(p.first, (year, 1)), min(p.last, (year, 12))
        if first > last:
            notes.append(f"Placering {i} ligger uden for {year} og tæller ikke med; den er udeladt.")
            continue
        if (first, last) != (p.first, p.last):
            notes.append(f"Placering {i} er skåret til månederne i {year}; den tæller det samme.")
        rows.append(
            {
                SCHEME: names.get(p.scheme, p.scheme),
                PERSONS: float(p.persons),
                FIRST: DANISH_MONTHS[first[1] - 1],
                LAST: DANISH_MONTHS[last[1] - 1],
                PAID: None if p.paid is None else PAID_LABELS[bool(p.paid)],
            }
        )
    frame = pd.concat([empty_editor_frame(), pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))], ignore_index=True)
    frame[PAID] = frame[PAID].astype(object).where(frame[PAID].notna(), None)  # an empty cell is None, not NaN
    return frame.astype({PERSONS: "float64"}), notes


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == ""


def _paid_cell(value: object, scheme: str, config: Config, row: int) -> tuple[bool | None, str]:
    """The PAID cell of a row: (paid, "") or (None, a Danish problem). Empty is the configuration's
    default; a scheme without the choice takes only its own status (kept as None)."""
    if _missing(value):
        return None, ""
    paid = {label: flag for flag, label in PAID_LABELS.items()}.get(str(value))
    if paid is None:
        return None, f"Placering {row}: vælg lønnet eller ulønnet på listen, eller lad feltet stå tomt."
    if scheme not in config.scheme_ids or config.scheme(scheme).payroll_choice:
        return paid, ""
    s = config.scheme(scheme)
    if paid == s.on_payroll:
        return None, ""
    status = "altid på lønningslisten" if s.on_payroll else "aldrig på lønningslisten"
    return None, f"Placering {row}: {s.name} er {status}; lad feltet '{PAID}' stå tomt."


def placements_from_editor(frame: pd.DataFrame, year: int, config: Config) -> tuple[Placement, ...]:
    """The editor's rows as placements in `year`; a row with an empty or unknown cell is a `PlanError`
    naming the row ("Placering 2 mangler første måned."). The PAID cell ("lønnet"/"ulønnet (fx SU)",
    empty: the configuration's default) is the placement's `paid`."""
    ids = {s.name: s.id for s in config.schemes}
    placements, problems = [], []
    for i, row in enumerate(frame.to_dict("records"), start=1):
        empty = [
            label
            for column, label in (
                (SCHEME, "en ordning"),
                (PERSONS, "antal personer"),
                (FIRST, "første måned"),
                (LAST, "sidste måned"),
            )
            if _missing(row.get(column))
        ]
        if empty:
            problems.append(f"Placering {i} mangler {join(empty)}.")
            continue
        scheme = ids.get(row[SCHEME], row[SCHEME])
        first, last = (DANISH_MONTHS.index(row[c]) + 1 if row[c] in DANISH_MONTHS else None for c in (FIRST, LAST))
        if first is None or last is None:
            problems.append(f"Placering {i}: vælg månederne på listen (januar til december).")
            continue
        paid, problem = _paid_cell(row.get(PAID), scheme, config, i)
        if problem:
            problems.append(problem)
            continue
        placements.append(Placement(scheme, float(row[PERSONS]), (year, first), (year, last), paid))
    if problems:
        raise PlanError([Finding(ERROR, p) for p in problems])
    return tuple(placements)


def placement_column_config(config: Config) -> dict:
    """The editor's columns: the scheme and months chosen from lists, persons as a whole number ≥ 0."""
    return {
        SCHEME: st.column_config.SelectboxColumn(
            SCHEME,
            options=[s.name for s in config.schemes],
            required=True,
            width="medium",
            help="Ordningen, personerne placeres i",
        ),
        PERSONS: st.column_config.NumberColumn(
            PERSONS, min_value=0, step=1, format="%d", default=1, required=True, help="Antal personer i hele perioden"
        ),
        FIRST: st.column_config.SelectboxColumn(
            FIRST,
            options=list(DANISH_MONTHS),
            default=DANISH_MONTHS[0],
            required=True,
            help="Første måned med personerne (fra den 1.)",
        ),
        LAST: st.column_config.SelectboxColumn(
            LAST,
            options=list(DANISH_MONTHS),
            default=DANISH_MONTHS[-1],
            required=True,
            help="Sidste måned med personerne (til og med)",
        ),
        PAID: st.column_config.SelectboxColumn(PAID, options=list(PAID_LABELS.values()), help=paid_help(config)),
    }


def paid_help(config: Config) -> str:
    """The PAID column's help: which schemes it is for, what it changes and the default."""
    choice = [config.scheme(s) for s in choice_schemes(config)]
    if not choice:
        return ""
    defaults = join([f"{s.name.lower()}: {PAID_WORDS[s.on_payroll]}" for s in choice])
    return (
        f"Kun for {join([s.name.lower() for s in choice])}: en lønnet praktik tæller med i antal ansatte, "
        f"en ulønnet (fx på SU) gør ikke. Tomt felt: som i konfigurationen ({defaults})."
    )


# ---- the scenario on screen -------------------------------------------------------------------


def scenario_from_widgets(year: int, config: Config, placements: tuple[Placement, ...] = ()) -> Scenario:
    """The scenario the sliders describe (their values in session state), with `placements`."""
    state = st.session_state
    changes = {s.id: float(state.get(slider_key(s.id), 0)) for s in config.schemes}
    return Scenario(year, {s: v for s, v in changes.items() if v}, float(state.get(HEADCOUNT_KEY, 0)), placements)


def widget_values(scenario: Scenario, config: Config, spans: tuple[int, int]) -> tuple[dict, list[str]]:
    """Session-state values that show `scenario` on the sliders, and notes on what had to be rounded
    or cut to fit them (the sliders move in whole persons within their range)."""
    scheme_span, head_span = spans
    values, notes = {}, []
    wanted = [(slider_key(s.id), s.name, scenario.changes.get(s.id, 0), scheme_span) for s in config.schemes]
    wanted.append((HEADCOUNT_KEY, "antal ansatte", scenario.headcount_change, head_span))
    for key, name, value, span in wanted:
        shown = max(-span, min(span, round(value)))
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


def _status(value: float | None, met: bool | None, threshold: float | None, strict: bool, kind: str = "") -> str:
    """ "4,7 % · ❌ Ikke opfyldt" in Markdown (st.table renders it; icon and word, never colour alone);
    placements in places ("187 besatte mod 184 aftalte pladser")."""
    met = None if met is None or pd.isna(met) else bool(met)
    if kind == "obligations_met":
        shown = "–" if value is None or threshold is None else text.places_total_text(value, threshold)
        return f"{shown} · {widgets.status_markdown(met)}"
    return f"{text.pct(value, threshold, strict)} · {widgets.status_markdown(met)}"


def comparison_frame(compare: pd.DataFrame) -> pd.DataFrame:
    """`csr.planning.compare_targets` as the Danish table on the page (Markdown cells for `st.table`):
    per target the requirement, then value with status and the gap, for the baseline and the scenario."""
    rows = []
    for t in compare.to_dict("records"):
        threshold = None if t["threshold"] is None or pd.isna(t["threshold"]) else float(t["threshold"])
        strict = t["kind"] == "above_neighbours"
        row = {"Mål": t["name"], "Krav": charts.target_requirement(t["kind"], threshold)}
        for label, suffix in (("Grundlag", "before"), ("Scenarie", "after")):
            row[label] = _status(t[f"value_{suffix}"], t[f"met_{suffix}"], threshold, strict, t["kind"])
            row[f"Afstand, {label.lower()}"] = gap_text(
                t["kind"], t[f"met_{suffix}"], t[f"gap_pp_{suffix}"], t[f"gap_persons_{suffix}"], threshold
            )
        rows.append(row)
    return pd.DataFrame(rows)


def placements_frame(table: pd.DataFrame) -> pd.DataFrame:
    """`csr.planning.placement_table` with Danish headers and numbers: the months each placement counts
    in, its weight and the persons it adds to the annual figure."""
    return pd.DataFrame(
        {
            "Nr.": [str(i) for i in range(1, len(table) + 1)],
            "Ordning": table["name"],
            "Personer": [text.count(p) for p in table["persons"]],
            "Periode": [f"{a} – {b}" for a, b in zip(table["first"], table["last"], strict=True)],
            "Tæller i": [m or "ingen målemåned" for m in table["months"]],
            "Vægt": [text.number(w, 2) for w in table["weight"]],
            "I årsgennemsnittet": [text.number(p, 2) for p in table["annual_persons"]],
            "Antal ansatte": [
                ("tæller med" if p else "tæller ikke med") + ("" if _missing(paid) else f" ({PAID_WORDS[bool(paid)]})")
                for p, paid in zip(table["on_payroll"], table["paid"], strict=True)
            ],
        }
    )


@dataclass(frozen=True)
class GoalSeek:
    """One unmet target: how far off, and per scheme the persons needed (see `text.goal_seek_line`)."""

    id: str
    name: str
    gap: str
    lines: tuple[str, ...]
    needed: dict[str, dict[int, int | None]] = field(default_factory=dict)  # scheme -> start month -> persons


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
        lines, needed = [], {}
        for scheme, annual in per_scheme.items():
            needed[scheme] = {
                m: placements_needed(baseline, config, target_id, scheme, m, scenario=scenario, paid=paid.get(scheme))
                for m in months
            }
            starts = [(DANISH_MONTHS[m - 1], n) for m, n in needed[scheme].items()]
            name = config.scheme(scheme).name
            assumed = payroll_assumption(config, scheme, paid.get(scheme))
            lines.append(text.goal_seek_line(f"{name}, {assumed}" if assumed else name, starts, annual, CANNOT_REACH))
        gap = gap_text(status.kind, status.met, status.gap_pp, status.gap_persons, status.threshold)
        out.append(GoalSeek(target_id, status.name, gap, tuple(lines), needed))
    return out


def chart_templates(baseline: Baseline, config: Config, before: Outcome | None = None) -> dict[str, dict]:
    """The bullets and the donut built once for the baseline year (validated Vega-Lite specs). Their
    structure depends on the year only; a scenario changes their one table (`live_spec`). Building an
    Altair chart costs ~100 ms, swapping the table ~1 ms."""
    before = evaluate(baseline, config) if before is None else before
    return {
        "bullets": charts.target_bullets(compare_targets(before, before), baseline.year).to_dict(),
        "donut": charts.scenario_donut(before.years_frame(), config, baseline.year).to_dict(),
    }


def live_spec(template: dict, frame: pd.DataFrame) -> dict:
    """`template` (a spec drawn from one table) with `frame` as that table, for `st.vega_lite_chart`."""
    [name] = template["datasets"]
    return {**template, "datasets": {name: frame}}


@dataclass(frozen=True)
class PlanView:
    """Everything the planner shows for one scenario."""

    scenario: Scenario
    before: Outcome
    after: Outcome
    compare: pd.DataFrame  # csr.planning.compare_targets
    table: pd.DataFrame  # the Danish side-by-side table
    goals: list[GoalSeek]
    caption: str  # the donut's sentence
    bullets: dict  # Vega-Lite specs for st.vega_lite_chart
    donut: dict


def plan_view(
    baseline: Baseline,
    config: Config,
    scenario: Scenario,
    start: int,
    before: Outcome | None = None,
    templates: dict[str, dict] | None = None,
    paid: Mapping[str, bool] | None = None,
) -> PlanView:
    """The planner's computation for one scenario (raises `PlanError` when it cannot be computed).
    `before` and `templates` are the baseline's, which the page caches per year; `paid` is the goal
    seek's payroll assumption for schemes with the choice (`seek`)."""
    before = evaluate(baseline, config) if before is None else before
    templates = chart_templates(baseline, config, before) if templates is None else templates
    after = evaluate(baseline, config, scenario)
    compare = compare_targets(before, after)
    year = baseline.year
    return PlanView(
        scenario=scenario,
        before=before,
        after=after,
        compare=compare,
        table=comparison_frame(compare),
        goals=seek(baseline, config, scenario, after, start, paid),
        caption=text.scenario_caption(before, after, config),
        bullets=live_spec(templates["bullets"], charts.target_bullets_frame(compare)),
        donut=live_spec(templates["donut"], charts.scenario_donut_frame(after.years_frame(), config, year)),
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
        row = {"": target.name}
        for n, o in outcomes.items():
            t = o.targets[i]
            row[n] = _status(t.value, t.met, t.threshold, t.kind == "above_neighbours", t.kind)
        rows.append(row)
    return pd.DataFrame(rows)

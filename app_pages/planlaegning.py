"""Planlægning: what-if sliders and planned placements on one year's figures, every target before and
after, what it takes to meet the ones still missed, and named scenarios kept in the store.

A slider move or a table edit reruns only the planner (`st.fragment`); the year, the saved scenarios
and the frame around the page stay as they are.
"""

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

import streamlit as st

from csr import charts, text
from csr.config import default_config
from csr.importers.cells import DANISH_MONTHS
from csr.planning import (
    SEEKABLE,
    Baseline,
    Outcome,
    Placement,
    PlanError,
    Scenario,
    build_baseline,
    evaluate,
    placement_table,
    validate_scenario,
)
from csr.store import Store, StoreError, danish_time
from ui import downloads, frame, widgets
from ui import planning as plan
from ui.data import load_figures
from ui.safe import md_escape, md_list

config = default_config()
meeting = frame.meeting_mode()
dataset = load_figures()
figures = dataset.figures
years, provisional = widgets.memo("plan_years", dataset.key, (), lambda: plan.year_options(figures, config))
spans = widgets.memo("plan_spans", dataset.key, (), lambda: plan.slider_spans(figures, config))


def show_plan_error(exc: PlanError, lead: str) -> None:
    st.error(f"{lead}\n\n{md_list(exc.findings)}", icon="⚠️")


def baseline_for(year: int) -> tuple[Baseline, Outcome, dict[str, dict]]:
    """The year's baseline, its figures without a plan and the planner's chart templates, cached per
    data and year."""

    # Without the canonical data the baseline does not know which months a provisional year has;
    # its note then says how many (ui.data's Dataset does not carry the canonical data).
    def build() -> tuple[Baseline, Outcome, dict[str, dict]]:
        baseline = build_baseline(figures, config, year)
        before = evaluate(baseline, config)
        return baseline, before, plan.chart_templates(baseline, config, before)

    return widgets.memo("plan_baseline", dataset.key, (year,), build)


# ---- saved scenarios: the callbacks run before the page, so the widgets show what they set -----


def _store() -> Store | None:
    try:
        return Store.default()
    except StoreError as exc:
        st.error(md_escape(f"De gemte scenarier kan ikke vises: {exc}"), icon="⚠️")
        return None


def _message(kind: str, message: str) -> None:
    st.session_state[plan.MESSAGE] = (kind, message)


def _save() -> None:
    name = (st.session_state.get("plan_name") or "").strip()
    scenario = st.session_state.get(plan.CURRENT)
    if scenario is None:
        _message("error", "Planen har fejl, der skal rettes, før den kan gemmes.")
        return
    try:
        store = Store.default()
        existed = name in set(store.scenarios()["name"])
        saved = store.save_scenario(name, replace(scenario, name=name).to_dict())
    except StoreError as exc:
        _message("error", str(exc))
        return
    st.session_state[plan.LOADED] = (saved.name, False, danish_time(saved.saved))
    _message(
        "success",
        f"Scenariet «{saved.name}» er gemt" + (", og det erstatter det tidligere med samme navn." if existed else "."),
    )


def _load() -> None:
    name = str(st.session_state.get("plan_saved") or "")
    try:
        saved = Store.default().load_scenario(name)
        scenario = Scenario.from_dict(saved.payload)
        validate_scenario(scenario, config)
    except StoreError as exc:
        _message("error", str(exc))
        return
    except PlanError as exc:
        _message("error", f"Scenariet «{name}» kan ikke indlæses: " + " ".join(str(f) for f in exc.findings))
        return
    if scenario.year not in years:
        _message(
            "error",
            f"Scenariet «{name}» gælder {scenario.year}, som der ikke er tal for. Årene i data er "
            f"{', '.join(str(y) for y in years)}.",
        )
        return
    values, notes = plan.widget_values(scenario, config, spans)
    table, more = plan.editor_frame(scenario.placements, scenario.year, config)
    st.session_state.update(values)
    st.session_state[plan.YEAR_KEY] = scenario.year
    st.session_state[plan.PLACEMENTS_BASE] = table
    st.session_state[plan.PLACEMENTS_EDITED] = table
    st.session_state.pop(plan.PLACEMENTS_KEY, None)  # the edits made to the table before
    st.session_state[plan.LOADED] = (saved.name, saved.outdated, danish_time(saved.saved))
    _message("success", " ".join([f"Scenariet «{saved.name}» er indlæst.", *notes, *more]))


def _delete() -> None:
    name = str(st.session_state.get("plan_saved") or "")
    try:
        Store.default().delete_scenario(name)
    except StoreError as exc:
        _message("error", str(exc))
        return
    if (st.session_state.get(plan.LOADED) or ("",))[0] == name:
        st.session_state.pop(plan.LOADED, None)
    _message("success", f"Scenariet «{name}» er slettet.")


def _reset() -> None:
    for s in config.schemes:
        st.session_state[plan.slider_key(s.id)] = 0
    st.session_state[plan.HEADCOUNT_KEY] = 0
    st.session_state[plan.PLACEMENTS_BASE] = plan.empty_editor_frame()
    st.session_state[plan.PLACEMENTS_EDITED] = plan.empty_editor_frame()
    st.session_state.pop(plan.PLACEMENTS_KEY, None)
    st.session_state.pop(plan.LOADED, None)


# ---- the planner -----------------------------------------------------------------------------


def sliders(baseline: Baseline) -> None:
    scheme_span, head_span = spans
    left, right = st.columns(2, gap="large")
    columns = {left: 0, right: 0}
    for cid, category in config.categories.items():
        schemes = [s for s in config.schemes if s.category == cid]
        column = min(columns, key=columns.__getitem__)
        columns[column] += len(schemes) + 1
        with column:
            st.markdown(f"**{category}**")
            for s in schemes:
                now = baseline.persons.get(s.id)
                payroll = (
                    "På lønningslisten: tæller også med i antal ansatte."
                    if s.on_payroll
                    else "Ikke på lønningslisten: ændrer ikke antal ansatte."
                )
                if s.payroll_choice:
                    payroll = (
                        f"Skyderen regner med {'lønnede' if s.on_payroll else 'ulønnede'} praktikker "
                        f"({'tæller også med i' if s.on_payroll else 'ændrer ikke'} antal ansatte); "
                        f"vælg lønnet eller ulønnet for hver placering i kolonnen '{plan.PAID}'."
                    )
                st.session_state.setdefault(plan.slider_key(s.id), 0)
                st.slider(
                    s.name,
                    -scheme_span,
                    scheme_span,
                    step=1,
                    key=plan.slider_key(s.id),
                    persist_state="session",
                    help=f"{baseline.year}: {text.count(now) if now is not None else 'ingen data'} personer i "
                    f"årsgennemsnit. {payroll}",
                )
    with min(columns, key=columns.__getitem__):
        st.markdown("**Andre ansatte**")
        st.session_state.setdefault(plan.HEADCOUNT_KEY, 0)
        st.slider(
            "Ændring i antal ansatte",
            -head_span,
            head_span,
            step=1,
            key=plan.HEADCOUNT_KEY,
            persist_state="session",
            help=f"{baseline.year}: {text.count(baseline.headcount)} ansatte i årsgennemsnit. Ansatte uden for "
            "ordningerne, fx nye stillinger eller færre; ændrer kun antal ansatte.",
        )


def placement_editor(year: int) -> tuple[Placement, ...] | None:
    """The placements of the editable table, or None (with the reasons on screen) when a row is wrong."""
    if plan.PLACEMENTS_KEY not in st.session_state:  # first visit, or back from another page
        st.session_state[plan.PLACEMENTS_BASE] = st.session_state.get(plan.PLACEMENTS_EDITED, plan.empty_editor_frame())
    edited = st.data_editor(
        st.session_state[plan.PLACEMENTS_BASE],
        key=plan.PLACEMENTS_KEY,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=plan.placement_column_config(config),
        column_order=plan.editor_columns(config),
    )
    st.session_state[plan.PLACEMENTS_EDITED] = edited
    try:
        placements = plan.placements_from_editor(edited, year, config)
        validate_scenario(Scenario(year, placements=placements), config)
        return placements
    except PlanError as exc:
        show_plan_error(exc, "Placeringerne tæller ikke med, før rækkerne er rettet:")
        return None


def payroll_caption() -> str:
    """Which schemes move the headcount: those on the payroll; the others named, and the schemes whose
    placements are paid or unpaid with the sliders' assumption."""
    off_payroll = [s.name for s in config.schemes if not s.on_payroll]
    words = (
        "Ændringen i personer i årsgennemsnit for hele året. En ordning på lønningslisten tæller også med "
        "i antal ansatte" + (f"; {plan.join(off_payroll)} gør ikke." if off_payroll else ".")
    )
    for s in config.schemes:
        if s.payroll_choice:
            words += (
                f" For {s.name.lower()} kan en praktik være lønnet eller ulønnet (fx på SU): skyderen regner med "
                f"{'lønnede' if s.on_payroll else 'ulønnede'} praktikker; for en planlagt placering vælges det "
                f"i kolonnen '{plan.PAID}'."
            )
    return words


def seek_assumptions() -> dict[str, bool]:
    """Per scheme with `payroll_choice`: whether the goal seek counts its added persons as paid (on the
    payroll) or unpaid (SU), chosen beside the start month; the default is the configuration's."""
    paid = {}
    for s in config.schemes:
        if s.payroll_choice:
            paid[s.id] = st.selectbox(
                f"{md_escape(s.name)} regnes som",
                (True, False),
                index=0 if s.on_payroll else 1,
                key=plan.seek_paid_key(s.id),
                format_func=lambda v: "lønnede praktikker" if v else "ulønnede (SU)",
                persist_state="session",
                width=260,
                help="Lønnede praktikker tæller også med i antal ansatte; ulønnede (fx på SU) gør ikke.",
            )
    return paid


def arrow(change: float) -> Literal["off", "up", "down"]:
    return "off" if change == 0 else ("up" if change > 0 else "down")


def chart(name: str, spec: dict, build: Callable[[], charts.Chart], caption: str) -> None:
    with st.container(key=f"chart_{name}"):
        st.vega_lite_chart(spec, width="content", theme=None, alt=caption)
        st.caption(caption)
        if not meeting:
            downloads.chart_buttons(name, build)


@st.fragment
def planner(baseline: Baseline, before: Outcome, templates: dict[str, dict]) -> None:
    started = time.perf_counter()
    try:
        plan_section(baseline, before, templates)
    finally:  # what a slider move costs on the server (benchmarks/bench_planning_page.py reads it)
        st.session_state["_plan_fragment_seconds"] = time.perf_counter() - started


def plan_section(baseline: Baseline, before: Outcome, templates: dict[str, dict]) -> None:
    year = baseline.year
    loaded = st.session_state.get(plan.LOADED)
    if loaded:
        name, outdated, saved = loaded
        if outdated:
            st.warning(md_escape(text.outdated_scenario_sentence(name, saved)), icon=":material/history:")
        else:
            st.caption(f"Planen bygger på scenariet «{md_escape(name)}», gemt den {saved}.")

    st.subheader("Flere eller færre personer")
    st.caption(md_escape(payroll_caption()))  # scheme names from the configuration file
    sliders(baseline)

    st.subheader("Planlagte placeringer")
    months = ", ".join(DANISH_MONTHS[m - 1] for m in config.measurement_months)
    st.caption(
        f"Personer, der starter og slutter inden for {year}. En placering tæller i de målemåneder, den "
        f"dækker ({months}): fra 1. september til 31. december tæller den kun i november, dvs. som en "
        "fjerdedel person i årsgennemsnittet. Tilføj en række nederst i tabellen."
    )
    placements = placement_editor(year)
    if placements:
        st.markdown("**Sådan tæller placeringerne**")
        st.table(
            plan.placements_frame(placement_table(Scenario(year, placements=placements), config)),
            hide_index=True,
            border="horizontal",
        )
    scenario = plan.scenario_from_widgets(year, config, placements or ())
    if not meeting:
        st.button("Nulstil planen", key="plan_reset", on_click=_reset, icon=":material/restart_alt:")

    st.subheader(f"Resultat for {text.year_label(year, baseline.provisional)}")
    result = st.container(key="plan_result")
    st.subheader("Hvad skal der til?")
    goals = st.container(key="plan_goals")
    st.subheader("Målene og figur 1 med planen")
    figures_box = st.container(key="plan_charts")
    with goals:
        start = st.selectbox(
            "Placeringer, der starter i",
            range(1, 13),
            index=7,
            key=plan.START_KEY,
            format_func=lambda m: DANISH_MONTHS[m - 1],
            persist_state="session",
            width=260,
            help="Placeringen løber fra den 1. i måneden til og med december.",
        )
        paid = seek_assumptions()
    try:
        view = plan.plan_view(baseline, config, scenario, start, before, templates, paid)
    except PlanError as exc:
        st.session_state[plan.CURRENT] = None
        with result:
            show_plan_error(exc, "Planen kan ikke regnes ud:")
        return
    st.session_state[plan.CURRENT] = scenario if placements is not None else None

    with result:
        head, total = st.columns(2)
        head_change = view.after.headcount - view.before.headcount
        head.metric(
            "Antal ansatte (årsgennemsnit)",
            text.count(view.after.headcount),
            delta=f"{text.signed_count(head_change)} mod grundlaget",
            delta_color="off",
            delta_arrow=arrow(head_change),
        )
        share_change = view.after.total_share - view.before.total_share
        total.metric(
            "Andel i ordningerne",
            text.pct(view.after.total_share),
            delta=f"{text.pp(share_change)} mod grundlaget",
            delta_color="off",
            delta_arrow=arrow(round(share_change, 1)),
        )
        st.table(view.table, hide_index=True, border="horizontal")

    with figures_box:  # side by side on the wide meeting screen
        left, right = st.columns(2) if meeting else (st.container(), st.container())
        with left:
            chart(
                "plan_maal",
                view.bullets,
                lambda: charts.target_bullets(view.compare, year),
                "Hvert mål med grundlaget og scenariet; status står i ord ved søjlerne.",
            )
        with right:
            chart(
                "plan_figur1",
                view.donut,
                lambda: charts.scenario_donut(view.after.years_frame(), config, year),
                view.caption,
            )

    with goals:
        fixed = [t for t in view.after.targets if t.met is False and t.kind not in SEEKABLE]
        if not view.goals:
            st.success(
                "Scenariet når alle de mål, som flere personer i ordningerne kan flytte.",
                icon=":material/check_circle:",
            )
        for goal in view.goals:
            st.markdown(
                f"**{goal.name}** ({goal.gap}). Det mindste antal ekstra personer, én ordning ad gangen, "
                "placeret fra måneden til og med december:\n\n" + "\n".join(f"- {line}" for line in goal.lines)
            )
        for t in fixed:
            st.markdown(
                f"**{t.name}** flyttes ikke af planen"
                + (
                    ": det kræver flere besatte praktik- og elevpladser (se siden Praktikpladser)."
                    if t.kind == "obligations_met"
                    else "."
                )
            )


def scenarios() -> None:
    st.subheader("Gemte scenarier")
    message = st.session_state.pop(plan.MESSAGE, None)
    if message:
        kind, body = message
        (st.success if kind == "success" else st.error)(
            md_escape(body),  # it names the scenario as typed
            icon=":material/info:" if kind == "success" else "⚠️",
        )
    store = _store()
    if store is None:
        return
    if not meeting:
        with st.container(horizontal=True, vertical_alignment="bottom", key="plan_save_row"):
            st.text_input("Navn", key="plan_name", placeholder="fx Flere elever fra august", width=320)
            st.button("Gem scenariet", key="plan_save", on_click=_save, icon=":material/save:")
    saved = store.scenarios()
    if saved.empty:
        st.caption("Der er ingen gemte scenarier endnu.")
        return
    outdated = dict(zip(saved["name"], saved["outdated"], strict=True))
    label = {n: f"{n} (ældre data)" if outdated[n] else n for n in saved["name"]}
    with st.container(horizontal=True, vertical_alignment="bottom", key="plan_load_row"):
        st.selectbox("Scenarie", list(saved["name"]), key="plan_saved", format_func=label.__getitem__, width=320)
        st.button("Indlæs", key="plan_load", on_click=_load, icon=":material/upload:")
        if not meeting:
            st.button("Slet", key="plan_delete", on_click=_delete, icon=":material/delete:")
    pair = st.multiselect(
        "Sammenlign to scenarier",
        list(saved["name"]),
        max_selections=2,
        key="plan_compare",
        format_func=label.__getitem__,
        placeholder="Vælg to scenarier",
    )
    if len(pair) == 2:
        compare(store, pair)


def compare(store: Store, names: list[str]) -> None:
    outcomes = {}
    for name in names:
        try:
            saved = store.load_scenario(name)
            scenario = Scenario.from_dict(saved.payload)
            if scenario.year not in years:
                raise PlanError(f"Scenariet gælder {scenario.year}, som der ikke er tal for.")
            baseline, _, _ = baseline_for(scenario.year)
            outcomes[name] = evaluate(baseline, config, scenario)
        except (StoreError, PlanError) as exc:
            st.error(md_escape(f"Scenariet «{name}» kan ikke vises: {exc}"), icon="⚠️")
            return
        if saved.outdated:
            st.warning(
                md_escape(text.outdated_scenario_sentence(name, danish_time(saved.saved))), icon=":material/history:"
            )
    # st.table renders its headers and cells as Markdown; the headers are the names people typed.
    st.table(plan.compare_saved({md_escape(n): o for n, o in outcomes.items()}), hide_index=True, border="horizontal")


# ---- the page --------------------------------------------------------------------------------

st.title("Planlægning")
st.markdown(
    "Hvad nu hvis? Vælg et år som grundlag, flyt skyderne, og planlæg placeringer: siden viser hvert mål "
    "før og efter, og hvor mange personer der mangler, for at målene nås."
)
# The app's one year (`?år=`): a provisional year is planned only when chosen, never by default.
year = widgets.year_select(dataset, config, label="Grundlag")
baseline, before, templates = baseline_for(year)
for note in (baseline.provisional_note(config), text.period_sentence(config, year)):
    if note:
        st.info(note, icon=":material/info:")

planner(baseline, before, templates)
st.divider()
scenarios()

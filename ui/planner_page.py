"""The Planlægning page (app_pages/planlaegning.py draws it with `Planner(...).show()`): what-if sliders and
planned placements on one year's figures, every target before and after, what it takes to meet the ones
still missed, and named scenarios kept in the store.

A slider move or a form entry reruns only the planner (`st.fragment`); the year, the saved scenarios
and the frame around the page stay as they are. The sliders and the placement form sit beside a sticky
table of every target before and after, so cause and effect are on one screen; on a phone they stack.

The page's code lives in this module rather than in the page script: Streamlit compiles a page script
again in every AppTest run (the server caches it), ~7 ms for this page, and a module is compiled once.
The callbacks are the bound methods of the run that drew their widgets, as a page script's functions
were that run's.
"""

import time
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from csr import charts, text
from csr.auth import Permission
from csr.config import Config
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
from ui import actions, auth, data, downloads, widgets
from ui import planning as plan
from ui.data import Dataset
from ui.safe import md_escape, md_list

# Wide like Overblik; the result beside the sliders stays in view while they scroll (not on a phone,
# where the columns stack).
WIDE_CSS = '<style>[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3rem 2rem 6rem 2rem; }</style>'
PAGE_CSS = """<style>
@media (min-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-plan_result) {
    position: sticky; top: 3.75rem; align-self: flex-start; z-index: 2;
  }
}
.st-key-plan_result .csr-table td, .st-key-plan_result .csr-table th { padding: 0.2rem 0.4rem; }
.st-key-plan_result .csr-table .num { white-space: nowrap; }
/* on a phone the compact table fits the screen: no room kept for the row headers, a little smaller type */
@media (max-width: 640px) {
  .st-key-plan_result .csr-table { font-size: 0.8rem; }
  .st-key-plan_result .csr-table .num { white-space: normal; }
  .st-key-plan_result .csr-table tbody th { min-width: 0; position: static; }
  .st-key-plan_result .csr-table td, .st-key-plan_result .csr-table th { padding: 0.2rem 0.25rem; }
}
</style>"""


def show_plan_error(exc: PlanError, lead: str) -> None:
    st.error(f"{lead}\n\n{md_list(exc.findings)}", icon="⚠️")


# ---- saved scenarios: the callbacks run before the page, so the widgets show what they set -----


def _store() -> Store | None:
    try:
        return data.store()
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
        store = data.store()
        existed = name in set(store.scenarios()["name"])
        saved = actions.save_scenario(store, name, replace(scenario, name=name).to_dict())
    except StoreError as exc:
        _message("error", str(exc))
        return
    st.session_state[plan.LOADED] = (saved.name, False, danish_time(saved.saved))
    _message(
        "success",
        f"Scenariet «{saved.name}» er gemt" + (", og det erstatter det tidligere med samme navn." if existed else "."),
    )


def _delete() -> None:
    name = str(st.session_state.get("plan_saved") or "")
    try:
        actions.delete_scenario(data.store(), name)
    except StoreError as exc:
        _message("error", str(exc))
        return
    if (st.session_state.get(plan.LOADED) or ("",))[0] == name:
        st.session_state.pop(plan.LOADED, None)
    _message("success", f"Scenariet «{name}» er slettet.")


def _placements() -> tuple[Placement, ...]:
    return tuple(st.session_state.get(plan.PLACEMENTS, ()))


# ---- the planner -----------------------------------------------------------------------------


def month_select(label: str, key: str, help: str) -> None:
    st.selectbox(
        label,
        range(1, 13),
        index=None,
        key=key,
        format_func=lambda m: DANISH_MONTHS[m - 1],
        placeholder="Vælg måned",
        help=help,
    )


SEEK_START = 8  # the goal seek's placements start in August unless another month is chosen
_LAST_VIEW = "_plan_view"  # (its inputs, the view, what is drawn of it): reused while the plan is unchanged


class Planner:
    """The page for one run: the configuration, meeting mode and the figures in force."""

    def __init__(self, config: Config, meeting: bool, dataset: Dataset):
        self.config = config
        self.meeting = meeting
        self.dataset = dataset
        self.figures = figures = dataset.figures
        self.years, self.provisional = widgets.memo(
            "plan_years", dataset.key, (), lambda: plan.year_options(figures, config)
        )

    def baseline_for(self, year: int) -> tuple[Baseline, Outcome, plan.Templates, plan.Ranges]:
        """The year's baseline, its figures without a plan, the planner's chart templates and the sliders'
        ranges, cached per data and year."""

        # Without the canonical data the baseline does not know which months a provisional year has;
        # its note then says how many (ui.data's Dataset does not carry the canonical data).
        # The builder reads locals, not `self`: its captured values are part of the cache key (`widgets.memo`).
        figures, config, meeting = self.figures, self.config, self.meeting

        def build() -> tuple[Baseline, Outcome, plan.Templates, plan.Ranges]:
            baseline = build_baseline(figures, config, year)
            before = evaluate(baseline, config)
            ranges = plan.slider_ranges(baseline, config, plan.baseline_needs(baseline, config))
            return baseline, before, plan.chart_templates(baseline, config, before, meeting), ranges

        return widgets.memo("plan_baseline", self.dataset.key, (year,), build)

    def _load(self) -> None:
        name = str(st.session_state.get("plan_saved") or "")
        try:
            saved = data.store().load_scenario(name)
            scenario = Scenario.from_dict(saved.payload)
            validate_scenario(scenario, self.config)
        except StoreError as exc:
            _message("error", str(exc))
            return
        except PlanError as exc:
            _message("error", f"Scenariet «{name}» kan ikke indlæses: " + " ".join(str(f) for f in exc.findings))
            return
        if scenario.year not in self.years:
            _message(
                "error",
                f"Scenariet «{name}» gælder {scenario.year}, som der ikke er tal for. Årene i data er "
                f"{', '.join(str(y) for y in self.years)}.",
            )
            return
        values, notes = plan.widget_values(scenario, self.config, self.baseline_for(scenario.year)[3])
        placements, more = plan.placements_in_year(scenario.placements, scenario.year)
        st.session_state.update(values)
        st.session_state[plan.YEAR_KEY] = scenario.year
        st.session_state[plan.PLACEMENTS] = placements
        st.session_state[plan.LOADED] = (saved.name, saved.outdated, danish_time(saved.saved))
        _message("success", " ".join([f"Scenariet «{saved.name}» er indlæst.", *notes, *more]))

    def _reset(self) -> None:
        for s in self.config.schemes:
            st.session_state[plan.slider_key(s.id)] = 0
        st.session_state[plan.HEADCOUNT_KEY] = 0
        st.session_state[plan.PLACEMENTS] = ()
        st.session_state.pop(plan.LOADED, None)

    def _add(self, year: int) -> None:
        """ "Tilføj": the form's entry as a placement, or the reasons it cannot be one."""
        state = st.session_state
        try:
            placement = plan.new_placement(
                state.get(plan.FORM_SCHEME),
                state.get(plan.FORM_PERSONS),
                state.get(plan.FORM_FIRST),
                state.get(plan.FORM_LAST),
                state.get(plan.FORM_PAID),
                year,
                self.config,
            )
        except PlanError as exc:
            state[plan.FORM_MESSAGE] = ("error", "Placeringen er ikke tilføjet:\n\n" + md_list(exc.findings))
            return
        state[plan.PLACEMENTS] = (*_placements(), placement)
        state[plan.FORM_MESSAGE] = (
            "success",
            md_escape(f"Placeringen er tilføjet: {plan.placement_sentence(placement, self.config)}."),
        )

    def _remove(self, index: int) -> None:
        placements = _placements()
        if 0 <= index < len(placements):
            gone = placements[index]
            st.session_state[plan.PLACEMENTS] = placements[:index] + placements[index + 1 :]
            st.session_state[plan.FORM_MESSAGE] = (
                "success",
                md_escape(f"Placering {index + 1} er fjernet: {plan.placement_sentence(gone, self.config)}."),
            )

    def _use(self, key: str, offers: list[plan.Suggestion], year: int) -> None:
        """ "Brug forslaget": the chosen goal-seek answer put into the scenario (a slider or a placement)."""
        chosen = st.session_state.get(key)
        st.session_state[key] = None  # a button, not a choice that stays
        suggestion = next((o for o in offers if o.label() == chosen), None)
        if suggestion is None:
            return
        slider_key = plan.slider_key(suggestion.scheme)
        ranges = self.baseline_for(year)[3]
        slider, placements, sentence = plan.apply_suggestion(
            suggestion,
            int(st.session_state.get(slider_key, 0)),
            ranges[slider_key],
            plan.in_year(_placements(), year),
            year,
            self.config,
        )
        st.session_state[slider_key] = slider
        st.session_state[plan.PLACEMENTS] = placements
        st.session_state[plan.FORM_MESSAGE] = ("success", md_escape(sentence))

    def sliders(self, baseline: Baseline, ranges: plan.Ranges) -> None:
        """One slider per scheme, grouped by category, then the headcount; each within its range
        (`plan.slider_ranges`): a value kept from another year is moved into this year's range."""
        state = st.session_state
        # A new range makes a new widget, which would start at its lowest value: it gets the value kept from
        # before. Otherwise the value is set only when missing, since a value set here overrides the browser's.
        moved = state.get(plan.RANGES_SHOWN) != ranges
        state[plan.RANGES_SHOWN] = ranges

        def slider(label: str, key: str, help: str) -> None:
            low, high = ranges[key]
            value = state.get(key)
            default: int | None = None  # (none when the value is set here: a default beside it is refused)
            if moved or value is None or not low <= value <= high:
                state[key] = 0 if value is None else max(low, min(high, int(value)))
            else:
                # The value it has, as its default: without one Streamlit reads the whole session state to find
                # out whether it is a range slider, at every rerun and for every slider (the key is its identity,
                # so the default does not make a new widget).
                default = int(value)
            st.slider(label, low, high, value=default, step=1, key=key, persist_state="session", help=help)

        for cid, category in self.config.categories.items():
            st.markdown(f"**{md_escape(category)}**")
            for s in (s for s in self.config.schemes if s.category == cid):
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
                        "vælg lønnet eller ulønnet for hver planlagt placering."
                    )
                slider(
                    s.name,
                    plan.slider_key(s.id),
                    f"{baseline.year}: {text.count(now) if now is not None else 'ingen data'} personer i "
                    f"årsgennemsnit. {payroll}",
                )
        st.markdown("**Andre ansatte**")
        slider(
            "Ændring i antal ansatte",
            plan.HEADCOUNT_KEY,
            f"{baseline.year}: {text.count(baseline.headcount)} ansatte i årsgennemsnit. Ansatte uden for "
            "ordningerne, fx nye stillinger eller færre; ændrer kun antal ansatte.",
        )

    def placement_form(self, year: int) -> None:
        """The placement form: scheme, persons, months, paid or unpaid where the scheme has the choice, "Tilføj",
        and what became of the last entry."""
        with st.container(key="plan_form", border=True):
            top = st.columns([3, 1])
            with top[0]:
                scheme = st.selectbox(
                    "Ordning",
                    self.config.scheme_ids,
                    index=None,
                    key=plan.FORM_SCHEME,
                    format_func=lambda sid: self.config.scheme(sid).name,
                    placeholder="Vælg en ordning",
                )
            with top[1]:
                st.number_input("Personer", min_value=0, step=1, value=None, key=plan.FORM_PERSONS, placeholder="Antal")
            months = st.columns(2)
            with months[0]:
                month_select("Fra måned", plan.FORM_FIRST, "Første måned med personerne (fra den 1.)")
            with months[1]:
                month_select("Til måned", plan.FORM_LAST, "Sidste måned med personerne (til og med)")
            if scheme is not None and self.config.scheme(scheme).payroll_choice:
                s = self.config.scheme(scheme)
                st.radio(
                    plan.PAID,
                    (True, False),
                    index=0 if s.on_payroll else 1,
                    key=plan.FORM_PAID,
                    format_func=plan.PAID_LABELS.__getitem__,
                    horizontal=True,
                    help="En lønnet praktik tæller med i antal ansatte, en ulønnet (fx på SU) gør ikke.",
                )
            st.button("Tilføj", key="plan_add", on_click=self._add, args=(year,), icon=":material/add:")
        message = st.session_state.pop(plan.FORM_MESSAGE, None)
        if message:
            kind, body = message
            if kind == "error":
                st.error(body, icon="⚠️")
            else:
                st.success(body, icon=":material/info:")

    def placement_list(self, year: int, editable: bool) -> tuple[Placement, ...]:
        """The placements of `year` as they count, each removable when `editable`; returns them."""
        placements = plan.in_year(_placements(), year)
        try:
            validate_scenario(Scenario(year, placements=placements), self.config)
        except PlanError as exc:  # only a scheme removed from the configuration since
            show_plan_error(exc, "Placeringerne tæller ikke med, før de er rettet:")
            return ()
        if placements:
            st.markdown("**Sådan tæller placeringerne**")
            st.table(
                plan.placements_frame(placement_table(Scenario(year, placements=placements), self.config)),
                hide_index=True,
                border="horizontal",
            )
            if not editable:
                return placements
            with st.container(horizontal=True, key="plan_remove_row"):
                for i in range(len(placements)):
                    st.button(
                        f"Fjern nr. {i + 1}",
                        key=f"plan_remove_{i}",
                        on_click=self._remove,
                        args=(i,),
                        type="tertiary",
                        icon=":material/delete:",
                    )
        return placements

    def payroll_caption(self) -> str:
        """Which schemes move the headcount: those on the payroll; the others named, and the schemes whose
        placements are paid or unpaid with the sliders' assumption."""
        off_payroll = [s.name for s in self.config.schemes if not s.on_payroll]
        words = (
            "Ændringen i personer i årsgennemsnit for hele året. En ordning på lønningslisten tæller også med "
            "i antal ansatte" + (f"; {plan.join(off_payroll)} gør ikke." if off_payroll else ".")
        )
        for s in self.config.schemes:
            if s.payroll_choice:
                words += (
                    f" For {s.name.lower()} kan en praktik være lønnet eller ulønnet (fx på SU): skyderen regner med "
                    f"{'lønnede' if s.on_payroll else 'ulønnede'} praktikker; for en planlagt placering vælges det "
                    "i formularen."
                )
        return words

    def seek_choices(self) -> tuple[int, dict[str, bool]]:
        """The goal seek's start month and, per scheme with `payroll_choice`, whether it counts the persons it
        adds as paid (on the payroll) or unpaid (SU): as last chosen (`seek_widgets`), else August and the
        configuration's."""
        state = st.session_state
        paid = {
            s.id: bool(state.get(plan.seek_paid_key(s.id), s.on_payroll))
            for s in self.config.schemes
            if s.payroll_choice
        }
        return int(state.get(plan.START_KEY, SEEK_START)), paid

    def seek_widgets(self) -> None:
        """The widgets of `seek_choices`, drawn only while a target is missed (with every target met they would
        change nothing). Each keeps its value while it is not drawn (`persist_state`), so the plan computed from
        `seek_choices` before they are drawn is the plan they show."""
        st.selectbox(
            "Placeringer, der starter i",
            range(1, 13),
            index=SEEK_START - 1,
            key=plan.START_KEY,
            format_func=lambda m: DANISH_MONTHS[m - 1],
            persist_state="session",
            width=260,
            help="Placeringen løber fra den 1. i måneden til og med december.",
        )
        for s in self.config.schemes:
            if s.payroll_choice:
                st.selectbox(
                    f"{md_escape(s.name)} regnes som",
                    (True, False),
                    index=0 if s.on_payroll else 1,
                    key=plan.seek_paid_key(s.id),
                    format_func=lambda v: "lønnede praktikker" if v else "ulønnede (SU)",
                    persist_state="session",
                    width=260,
                    help="Lønnede praktikker tæller også med i antal ansatte; ulønnede (fx på SU) gør ikke.",
                )

    def chart(
        self, name: str, shown: charts.ScreenChart | dict, build: Callable[[], charts.Chart], caption: str
    ) -> None:
        """A planner chart as wide as its column (`plan.drawn`): the donut (one spec, its sentence, the
        scenario's, is also what a screen reader says for it), or the bullets (`plan.live_bullets`: their title
        above one chart per target, each with its own words for a screen reader)."""
        with st.container(key=f"chart_{name}"):
            if isinstance(shown, charts.ScreenChart):
                st.markdown(f"**{md_escape(shown.title or '')}**  \n{md_escape(shown.subtitle or '')}")
                for panel in shown.panels:
                    st.vega_lite_chart(panel, width="stretch", theme=None)
            else:
                st.vega_lite_chart(shown, width="stretch", theme=None)
            st.caption(md_escape(caption))  # names the organisation: text from a file
            if not self.meeting:
                downloads.chart_buttons(name, build)

    def plan_view(
        self,
        baseline: Baseline,
        scenario: Scenario,
        start: int,
        before: Outcome,
        templates: plan.Templates,
        paid: dict[str, bool],
    ) -> tuple[plan.PlanView, plan.Drawn]:
        """`plan.plan_view` for the scenario and what the page draws of it (`plan.drawn`), computed again only
        when the scenario, the start month, the goal seek's assumption, the data, the year or the mode changed
        since this session's last run."""
        inputs = (self.dataset.key, baseline.year, self.meeting, scenario, start, sorted(paid.items()))
        kept = st.session_state.get(_LAST_VIEW)
        if kept is not None and kept[0] == inputs:
            return kept[1], kept[2]
        view = plan.plan_view(baseline, self.config, scenario, start, before, templates, paid)
        shown = plan.drawn(view)
        st.session_state[_LAST_VIEW] = (inputs, view, shown)
        return view, shown

    @st.fragment
    def planner(self, baseline: Baseline, before: Outcome, templates: plan.Templates, ranges: plan.Ranges) -> None:
        started = time.perf_counter()
        try:
            self.plan_section(baseline, before, templates, ranges)
        finally:  # what a slider move costs on the server (benchmarks/bench_planning_page.py reads it)
            st.session_state["_plan_fragment_seconds"] = time.perf_counter() - started

    def plan_section(self, baseline: Baseline, before: Outcome, templates: plan.Templates, ranges: plan.Ranges) -> None:
        year = baseline.year
        loaded = st.session_state.get(plan.LOADED)
        if loaded:
            name, outdated, saved = loaded
            if outdated:
                st.warning(md_escape(text.outdated_scenario_sentence(name, saved)), icon=":material/history:")
            else:
                st.caption(f"Planen bygger på scenariet «{md_escape(name)}», gemt den {saved}.")

        st.header("Planen og målene")
        controls, outcome = st.columns([1, 1], gap="medium")
        with outcome:
            result = st.container(key="plan_result")
        with controls:
            st.subheader("Flere eller færre personer")
            st.caption(md_escape(self.payroll_caption()))  # scheme names from the configuration file
            self.sliders(baseline, ranges)
            # Meeting mode shows the plan, it does not edit it: no form, no removing, no suggestions to use.
            if not self.meeting or plan.in_year(_placements(), year):
                st.subheader("Planlagte placeringer")
            if not self.meeting:
                counted = ", ".join(DANISH_MONTHS[m - 1] for m in self.config.measurement_months)
                st.caption(
                    f"Personer, der starter og slutter inden for {year}. En placering tæller i de målemåneder, den "
                    f"dækker ({counted}): fra 1. september til 31. december tæller den kun i november, dvs. som en "
                    "fjerdedel person i årsgennemsnittet."
                )
                self.placement_form(year)
            placements = self.placement_list(year, editable=not self.meeting)
            if not self.meeting:
                st.button("Nulstil planen", key="plan_reset", on_click=self._reset, icon=":material/restart_alt:")
        scenario = plan.scenario_from_widgets(year, self.config, placements)

        st.header("Hvad skal der til?")
        goals = st.container(key="plan_goals")
        st.header("Målene og figur 1 med planen")
        figures_box = st.container(key="plan_charts")
        start, paid = self.seek_choices()
        try:
            view, shown = self.plan_view(baseline, scenario, start, before, templates, paid)
        except PlanError as exc:
            st.session_state[plan.CURRENT] = None
            with result:
                show_plan_error(exc, "Planen kan ikke regnes ud:")
            return
        st.session_state[plan.CURRENT] = scenario

        with result:
            st.subheader(f"Resultat for {text.year_label(year, baseline.provisional)}")
            st.html(shown.summary)

        with figures_box:
            st.html(shown.table)
            left, right = st.columns(2) if self.meeting else (st.container(), st.container())  # side by side when wide
            with left:
                self.chart(
                    "plan_maal",
                    shown.bullets,
                    lambda: charts.target_bullets(view.compare, year),
                    "Hvert mål med grundlaget og scenariet; status står i ord ved søjlerne.",
                )
            with right:
                self.chart(
                    "plan_figur1",
                    shown.donut,
                    lambda: charts.scenario_donut(view.after.years_frame(), self.config, year),
                    view.caption,
                )

        with goals:
            if view.goals:
                self.seek_widgets()
            summary = plan.seek_summary(view.after, view.goals)
            if summary is not None:
                kind, sentence = summary
                if kind == "success":
                    st.success(md_escape(sentence), icon=":material/check_circle:")
                else:
                    st.info(md_escape(sentence), icon=":material/info:")
            for goal in view.goals:
                st.markdown(
                    f"**{goal.name}** ({goal.gap}). Det mindste antal ekstra personer, én ordning ad gangen, "
                    "placeret fra måneden til og med december:"
                )
                for scheme, line in zip(goal.annual, goal.lines, strict=True):
                    st.markdown(f"- {line}")
                    offers = [] if self.meeting else plan.suggestions(goal, scheme)
                    if offers:  # one button per suggestion, in one widget (a slider move draws them all again)
                        key = f"plan_use_{goal.id}_{scheme}"
                        st.pills(
                            f"Brug forslaget for {md_escape(self.config.scheme(scheme).name)}",
                            [o.label() for o in offers],
                            key=key,
                            on_change=self._use,
                            args=(key, offers, year),
                            label_visibility="collapsed",
                            help=md_escape(" ".join(plan.suggestion_help(o, self.config) for o in offers)),
                        )
            for t in (t for t in view.after.targets if t.met is False and t.kind not in SEEKABLE):
                st.markdown(
                    f"**{t.name}** flyttes ikke af planen"
                    + (
                        ": det kræver flere besatte praktik- og elevpladser (se siden Praktikpladser)."
                        if t.kind == "obligations_met"
                        else "."
                    )
                )

    def scenarios(self) -> None:
        st.header("Gemte scenarier")
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
        may_save = auth.may(Permission.SAVE_SCENARIO)  # planlægger: the buttons; ui.actions checks again
        if not self.meeting and may_save:
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
            st.button("Indlæs", key="plan_load", on_click=self._load, icon=":material/upload:")
            if not self.meeting and may_save:
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
            self.compare(store, pair)

    def compare(self, store: Store, names: list[str]) -> None:
        outcomes = {}
        for name in names:
            try:
                saved = store.load_scenario(name)
                scenario = Scenario.from_dict(saved.payload)
                if scenario.year not in self.years:
                    raise PlanError(f"Scenariet gælder {scenario.year}, som der ikke er tal for.")
                baseline = self.baseline_for(scenario.year)[0]
                outcomes[name] = evaluate(baseline, self.config, scenario)
            except (StoreError, PlanError) as exc:
                st.error(md_escape(f"Scenariet «{name}» kan ikke vises: {exc}"), icon="⚠️")
                return
            if saved.outdated:
                st.warning(
                    md_escape(text.outdated_scenario_sentence(name, danish_time(saved.saved))),
                    icon=":material/history:",
                )
        # st.table renders its headers and cells as Markdown; the headers are the names people typed.
        st.table(
            plan.compare_saved({md_escape(n): o for n, o in outcomes.items()}), hide_index=True, border="horizontal"
        )

    # ---- the page ----------------------------------------------------------------------------

    def show(self) -> None:
        st.title("Planlægning")
        st.html(PAGE_CSS + ("" if self.meeting else WIDE_CSS))
        st.markdown(
            "Hvad nu hvis? Vælg et år som grundlag, flyt skyderne, og planlæg placeringer: siden viser hvert mål "
            "før og efter, og hvor mange personer der mangler, for at målene nås."
        )
        # The app's one year (`?år=`): a provisional year is planned only when chosen, never by default.
        year = widgets.year_select(self.dataset, self.config, label="Grundlag")
        baseline, before, templates, ranges = self.baseline_for(year)
        for note in (baseline.provisional_note(self.config), text.period_sentence(self.config, year)):
            if note:
                st.info(md_escape(note), icon=":material/info:")

        self.planner(baseline, before, templates, ranges)
        st.divider()
        self.scenarios()

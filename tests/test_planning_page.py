"""The Planlægning page (AppTest from app.py, the store in a temporary directory), its helpers in
ui/planning.py, and the chart builders and sentences it added to csr.

The numbers the page shows are checked against `csr.planning` computed here on the sample data.
Placements are entered in the page's form (scheme, persons, months, "Tilføj") as a person does.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from markdown_support import seen
from streamlit.testing.v1 import AppTest
from table_support import html_tables

from csr import charts, text
from csr.config import default_config
from csr.importers.cells import DANISH_MONTHS
from csr.planning import (
    CANNOT_REACH,
    Placement,
    PlanError,
    Scenario,
    build_baseline,
    compare_targets,
    evaluate,
    goal_seek,
    placement_options,
    target_changes,
)
from csr.store import Store
from ui import planning as plan
from ui import widgets

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/planlaegning.py"
UDDANNELSE = "uddannelse_min"


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """Every test gets its own empty store: the page shows the sample data and saves scenarios there."""
    monkeypatch.setenv("CSR_DATA_DIR", str(tmp_path))
    return tmp_path


def open_page(year: int | None = 2025, meeting: bool = False) -> AppTest:
    """The page on `year` (chosen in the selector; the provisional 2025 by default, as most tests plan it),
    or on the app's default year if `year` is None."""
    at = AppTest.from_file(APP, default_timeout=120)
    if meeting:
        at.query_params["visning"] = "møde"
    at.run()
    at.switch_page(PAGE).run()
    if year is not None:
        at.selectbox(key="year").select(year).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def targets_table(at: AppTest) -> pd.DataFrame:
    [table] = [t for t in html_tables(at) if "Krav" in t.columns]
    return table.set_index("Mål")


def weights_table(at: AppTest) -> pd.DataFrame:
    [table] = [t.value for t in at.table if "Vægt" in t.value.columns]
    return table


def summary_table(at: AppTest) -> pd.DataFrame:
    """The compact table beside the sliders: every target before and after."""
    [table] = [t for t in html_tables(at) if list(t.columns) == ["Mål", "Før", "Efter", "Status", "Ændring"]]
    return table.set_index("Mål").replace("\u00a0", " ", regex=True)  # a number and its unit kept together


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """The headcount and the share in the schemes after the plan, and their change (the table's first rows)."""
    table = summary_table(at)
    return {label: (table.loc[label, "Efter"], table.loc[label, "Ændring"]) for label in table.index[:2]}


def goal_texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "fra " in m.value)


def fill_form(at: AppTest, scheme: str | None, persons: float | None, first: str | None, last: str | None) -> None:
    """The placement form filled in as a person does: the scheme by its name, the months by theirs."""
    ids = {s.name: s.id for s in default_config().schemes}
    at.selectbox(key=plan.FORM_SCHEME).set_value(None if scheme is None else ids[scheme])
    at.number_input(key=plan.FORM_PERSONS).set_value(persons)
    for key, month in ((plan.FORM_FIRST, first), (plan.FORM_LAST, last)):
        at.selectbox(key=key).set_value(None if month is None else DANISH_MONTHS.index(month) + 1)
    at.run()


def add_placements(at: AppTest, *rows: tuple[str | None, float | None, str | None, str | None]) -> AppTest:
    """Each row entered in the placement form and added with "Tilføj"."""
    for row in rows:
        fill_form(at, *row)
        at.button(key="plan_add").click().run()
    return at


def status_text(met: bool | None) -> str:
    """A status as a reader sees it in the planner's HTML tables: sign and word."""
    return f"{widgets.STATUS_SIGNS[None if met is None else bool(met)]} {text.status_word(met)}"


def shown_value(outcome, target_id: str, markdown: bool = False) -> str:
    """The cell the page shows for a target: value and status in the page's words (`markdown`: as the saved
    scenarios' comparison, an st.table, holds it)."""
    t = outcome.target(target_id)
    status = widgets.status_markdown(t.met) if markdown else status_text(t.met)
    return f"{text.pct(t.value, t.threshold, t.kind == 'above_neighbours')} · {status}"


@pytest.fixture(scope="module")
def baselines(config, sample_figures):
    return {y: build_baseline(sample_figures, config, y) for y in (2021, 2025)}


def target_name(config, target_id: str) -> str:
    return next(t.name for t in config.targets if t.id == target_id)


# ---- the page ------------------------------------------------------------------------------------


def test_the_latest_complete_year_is_the_default_and_a_provisional_year_says_it_is_projected(
    store_dir, config, baselines
):
    at = open_page(year=None)
    assert at.session_state[plan.CURRENT].changes == {}
    year = at.selectbox(key="year")
    assert year.value == 2024  # never the provisional 2025 unless it is chosen
    assert "Resultat for 2024" in [s.value for s in at.subheader]
    assert year.format_func(2025) == "2025 (foreløbig)" and year.format_func(2024) == "2024"
    year.select(2025).run()
    assert at.query_params["år"] in ("2025", ["2025"])
    notes = [seen(i.value) for i in at.info]  # as a reader sees them (the page escapes them)
    assert baselines[2025].provisional_note(config) in notes
    assert notes[0].startswith("2025 er et foreløbigt år: tallene er gennemsnittet af de måneder")
    assert "Resultat for 2025 (foreløbig)" in [s.value for s in at.subheader]
    # before any change the scenario is the baseline, target by target
    table = targets_table(at)
    assert len(table) == len(config.targets)
    assert (table["Grundlag"] == table["Scenarie"]).all()
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.660", "±0")
    # one slider per scheme and one for the headcount, with stable keys
    for scheme in config.scheme_ids:
        assert at.slider(key=f"plan_{scheme}").value == 0
    assert at.slider(key="plan_headcount").value == 0
    # the bullets and the scenario's Figure 1, with the Danish locale
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == len(config.targets) + 1  # a bullet chart per target, then the donut
    assert all(s["config"]["locale"]["number"]["decimal"] == "," for s in specs)
    # every chart as wide as its column (charts.screen): titles as written ride in usermeta, wrapped by
    # width on screen; the bullets' own width dropped
    assert all(s["autosize"]["type"] == "fit-x" and "width" not in s for s in specs)
    assert (
        specs[-1]["usermeta"][charts.TITLE_KEY]["text"]
        == "Scenariet for 2025: andel af ansatte i CSR-mærkets ordninger"
    )
    assert [s["usermeta"][charts.TITLE_KEY]["text"][0] for s in specs[:-1]] == [t.name for t in config.targets]
    assert specs[0]["description"].startswith(f"{config.targets[0].name}. Krav: mindst ")
    assert ". Grundlag: " in specs[0]["description"] and ". Scenarie: " in specs[0]["description"]
    bullets = seen("\n".join(m.value for m in at.main.get_by_key("chart_plan_maal").markdown))
    assert bullets.startswith("**Målene i 2025: grundlaget og scenariet**")


def test_a_slider_move_shows_what_evaluate_computes(store_dir, config, baselines):
    at = open_page()
    at.slider(key="plan_elever").set_value(-30).run()
    assert_clean(at)
    baseline = baselines[2025]
    before = evaluate(baseline, config)
    after = evaluate(baseline, config, Scenario(2025, {"elever": -30}))
    row = targets_table(at).loc[target_name(config, UDDANNELSE)]
    assert row["Scenarie"] == shown_value(after, UDDANNELSE)
    assert row["Grundlag"] == shown_value(before, UDDANNELSE)
    assert row["Scenarie"] == "4,7 % · ✗ Ikke opfyldt"  # 5,3 % -> short of 5 %
    t = after.target(UDDANNELSE)
    assert row["Afstand, scenarie"] == f"{text.pp(t.gap_pp, t.threshold)}: {text.persons(t.gap_persons)} mangler"
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.630", "−30")
    assert metrics(at)["Andel i ordningerne"][0] == text.pct(after.total_share)


@pytest.mark.parametrize(
    ("scheme", "headcount", "delta"),
    [("fleksjob", "4.670", "+10"), ("beredskab", "4.660", "±0")],
)
def test_ten_more_change_the_headcount_only_for_a_scheme_on_the_payroll(
    store_dir, config, baselines, scheme, headcount, delta
):
    at = open_page()
    at.slider(key=f"plan_{scheme}").set_value(10).run()
    assert_clean(at)
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == (headcount, delta)
    after = evaluate(baselines[2025], config, Scenario(2025, {scheme: 10}))
    assert metrics(at)["Andel i ordningerne"][0] == text.pct(after.total_share)
    assert "lønningslisten" in at.slider(key=f"plan_{scheme}").help


def test_the_headcount_slider_moves_the_denominator(store_dir, config, baselines):
    at = open_page()
    at.slider(key="plan_headcount").set_value(-200).run()
    after = evaluate(baselines[2025], config, Scenario(2025, headcount_change=-200))
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.460", "−200")
    row = targets_table(at).loc[target_name(config, "beredskab_min")]
    assert row["Scenarie"] == shown_value(after, "beredskab_min")


def test_a_september_to_december_placement_weighs_a_quarter(store_dir, config, baselines):
    at = add_placements(open_page(), ("Elever under erhvervsuddannelse", 8, "september", "december"))
    assert_clean(at)
    weights = weights_table(at)
    assert weights.iloc[0].to_dict() == {
        "Nr.": "1",
        "Ordning": "Elever under erhvervsuddannelse",
        "Personer": "8",
        "Periode": "september – december",
        "Tæller i": "november",
        "Vægt": "0,25",
        "I årsgennemsnittet": "2,00",
        "Antal ansatte": "tæller med",
    }
    scenario = Scenario(2025, placements=(Placement("elever", 8, (2025, 9), (2025, 12)),))
    after = evaluate(baselines[2025], config, scenario)
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.662", "+2")
    assert targets_table(at).loc[target_name(config, UDDANNELSE), "Scenarie"] == shown_value(after, UDDANNELSE)


def test_an_incomplete_or_impossible_entry_says_why_in_danish_and_adds_nothing(store_dir):
    at = add_placements(open_page(), ("Voksenlærlinge", 2, None, "december"))
    [error] = [seen(e.value) for e in at.error]
    assert error == "Placeringen er ikke tilføjet:\n\n- Vælg første måned."
    at = add_placements(at, ("Fleksjob", 0, "december", "marts"))
    [error] = [seen(e.value) for e in at.error]
    assert error.splitlines()[2:] == [
        "- Placeringen har 0 personer; skriv mindst 1 (færre personer planlægges med skyderen for ordningen).",
        "- Sidste måned (marts) ligger før første måned (december); en placering går fra første til sidste måned "
        "i 2025.",
    ]
    at = add_placements(at, (None, None, "december", "december"))
    [error] = [seen(e.value) for e in at.error]
    assert error.splitlines()[2:] == ["- Vælg en ordning.", "- Skriv antal personer."]
    # the result is as it was, without placements
    assert not [t for t in at.table if "Vægt" in t.value.columns]
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.660", "±0")


def test_a_placement_is_listed_in_danish_months_and_removed_again(store_dir):
    at = add_placements(
        open_page(),
        ("Fleksjob", 4, "august", "december"),
        ("Elever under erhvervsuddannelse", 8, "september", "december"),
    )
    assert_clean(at)
    assert "Placeringen er tilføjet: 8 personer i Elever under erhvervsuddannelse, september – december 2025." in [
        seen(s.value) for s in at.success
    ]
    assert weights_table(at)["Periode"].tolist() == ["august – december", "september – december"]
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.664", "+4")  # 4 × 0,5 + 8 × 0,25
    at.button(key="plan_remove_0").click().run()
    assert_clean(at)
    assert weights_table(at)["Ordning"].tolist() == ["Elever under erhvervsuddannelse"]
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.662", "+2")


def test_a_december_placement_of_a_scheme_measured_quarterly_is_refused_with_the_months(config):
    with pytest.raises(PlanError) as exc:
        plan.new_placement("elever", 3, 12, 12, None, 2025, config)
    assert str(exc.value) == (
        "Placeringen tæller ikke med: Elever under erhvervsuddannelse måles i februar, maj, august og november, "
        "og ingen af månederne ligger fra december til december."
    )
    assert plan.new_placement("virksomhedspraktik", 3, 12, 12, None, 2025, config).weight(2025, config) == 1 / 12
    with pytest.raises(PlanError) as exc:
        plan.new_placement("fleksjob", 2, 0, 13, None, 2025, config)
    assert [str(f) for f in exc.value.findings] == [
        "Den første måned skal ligge i 2025 (januar til december).",
        "Den sidste måned skal ligge i 2025 (januar til december).",
    ]
    # paid or unpaid counts only where the scheme has the choice
    assert plan.new_placement("studerende", 5, 1, 12, False, 2025, config).paid is False
    assert plan.new_placement("fleksjob", 5, 1, 12, False, 2025, config).paid is None


def test_slider_ranges_follow_each_schemes_size(store_dir, config, baselines):
    at = open_page(2021)
    baseline = baselines[2021]
    stu = at.slider(key="plan_stu")
    assert (stu.min, stu.max) == (-3, 50)  # 3,5 persons: never below zero; up to 1 % of 4.770, rounded
    elever = at.slider(key="plan_elever")
    assert (elever.min, elever.max) == (-118, 150)  # 118 persons: down to none, up to doubling, rounded
    assert at.slider(key="plan_fleksjob").min == -263
    assert (at.slider(key="plan_headcount").min, at.slider(key="plan_headcount").max) == (-500, 500)
    # the goal seek's answer for every scheme fits in its range
    for per_scheme in goal_seek(baseline, config).values():
        for scheme, n in per_scheme.items():
            assert at.slider(key=f"plan_{scheme}").max >= n
    # another year keeps the values (a new range must not start its slider at the lowest value)
    at.slider(key="plan_elever").set_value(12).run()
    at.selectbox(key="year").select(2020).run()
    assert at.session_state[plan.CURRENT].changes == {"elever": 12.0}
    assert at.slider(key="plan_elever").value == 12 and at.slider(key="plan_stu").value == 0
    at.slider(key="plan_elever").set_value(0).run()
    # a value from another year that this year's range cannot show is moved into the range
    at.slider(key="plan_stu").set_value(-3).run()
    at.selectbox(key="year").select(2019).run()
    assert_clean(at)
    assert at.slider(key="plan_stu").min == -3 and at.slider(key="plan_stu").value == -3


def test_slider_ranges_fit_a_goal_seek_answer_larger_than_the_rule(config, baselines):
    ranges = plan.slider_ranges(baselines[2021], config, {"stu": 240})
    assert ranges["plan_stu"] == (-3, 250)
    assert plan.slider_ranges(baselines[2021], config)["plan_stu"] == (-3, 50)


def test_goal_seek_answers_exactly_what_placement_options_computes(store_dir, config, baselines):
    at = open_page(year=2021)
    baseline = baselines[2021]
    options = placement_options(baseline, config, UDDANNELSE, "elever")
    annual = goal_seek(baseline, config)[UDDANNELSE]["elever"]
    shown = goal_texts(at)
    assert (
        f"**Elever under erhvervsuddannelse**: fra august: {text.persons(options[8])}; "
        f"fra februar: {text.persons(options[2])} ({text.persons(annual)} i årsgennemsnit)."
    ) in shown
    assert "fra august: 33 personer; fra februar: 17 personer" in shown  # the sample's 2021, spelled out
    at.selectbox(key="plan_start").select(10).run()
    assert f"fra oktober: {text.persons(options[10])}" in goal_texts(at)
    at.selectbox(key="plan_start").select(12).run()
    assert f"fra december: {CANNOT_REACH}" in goal_texts(at)
    # on top of the plan: 10 more apprentices leave 7 to find
    at.slider(key="plan_elever").set_value(10).run()
    after = goal_seek(baseline, config, Scenario(2021, {"elever": 10}))[UDDANNELSE]["elever"]
    assert f"({text.persons(after)} i årsgennemsnit)" in goal_texts(at)


def test_the_goal_seeks_choices_show_only_while_a_target_is_missed_and_keep_their_value(store_dir):
    seek_keys = {"plan_start", plan.seek_paid_key("studerende")}
    at = open_page(year=2021)  # the education target missed
    assert seek_keys <= {s.key for s in at.selectbox}
    at.selectbox(key="plan_start").select(10).run()
    assert "fra oktober:" in goal_texts(at)

    at.selectbox(key="year").select(2024).run()  # every target met: nothing to seek, so nothing to choose
    assert_clean(at)
    assert "Scenariet når alle målene." in [seen(s.value) for s in at.success]
    assert not seek_keys & {s.key for s in at.selectbox}

    at.selectbox(key="year").select(2021).run()  # missed again: the month chosen before, not August
    assert at.selectbox(key="plan_start").value == 10
    assert "fra oktober:" in goal_texts(at) and "fra august:" not in goal_texts(at)


def test_brug_forslaget_puts_a_placement_or_a_slider_value_into_the_scenario(store_dir, config, baselines):
    at = open_page(year=2021)
    baseline = baselines[2021]
    options = placement_options(baseline, config, UDDANNELSE, "elever")
    use = at.pills(key="plan_use_uddannelse_min_elever")
    assert use.options == [
        "Brug forslaget: fra august",
        "Brug forslaget: fra februar",
        "Brug forslaget: i årsgennemsnit",
    ]
    use.set_value("Brug forslaget: fra august").run()
    assert_clean(at)
    assert at.session_state["plan_use_uddannelse_min_elever"] is None  # a button: nothing stays chosen
    assert weights_table(at).iloc[0][["Ordning", "Personer", "Periode"]].tolist() == [
        "Elever under erhvervsuddannelse",
        str(options[8]),
        "august – december",
    ]
    after = evaluate(
        baseline, config, Scenario(2021, placements=(Placement("elever", options[8], (2021, 8), (2021, 12)),))
    )
    row = summary_table(at).loc[target_name(config, UDDANNELSE)]
    assert after.target(UDDANNELSE).met is True
    assert row["Efter"] == text.pct(after.target(UDDANNELSE).value, 5.0)
    assert row["Status"] == "✓ Opfyldt (før: ikke opfyldt)"
    assert "Scenariet når alle målene." in [seen(s.value) for s in at.success]

    at.button(key="plan_reset").click().run()
    annual = goal_seek(baseline, config)[UDDANNELSE]["fgu"]
    at.pills(key="plan_use_uddannelse_min_fgu").set_value(
        "Brug forslaget: i årsgennemsnit"
    ).run()  # on annual average: the slider
    assert_clean(at)
    assert at.slider(key="plan_fgu").value == annual == 17
    assert "Forslaget er brugt: skyderen for Erhvervsgrunduddannelse (FGU) er flyttet +17 til +17." in [
        seen(s.value) for s in at.success
    ]
    assert summary_table(at).loc[target_name(config, UDDANNELSE), "Status"].startswith(status_text(True))


def test_an_annual_suggestion_beyond_the_slider_or_unpaid_becomes_a_whole_year_placement(config):
    sentence_end = "er tilføjet."
    slider, placements, sentence = plan.apply_suggestion(plan.Suggestion("stu", 40), 20, (-3, 50), (), 2021, config)
    assert slider == 20 and placements == (Placement("stu", 40.0, (2021, 1), (2021, 12)),)
    assert sentence.endswith(f"{sentence_end}") and "40 personer i Særligt" in sentence and "hele året 2021" in sentence
    slider, placements, _ = plan.apply_suggestion(
        plan.Suggestion("studerende", 16, None, False), 0, (-51, 150), (), 2021, config
    )
    assert slider == 0 and placements == (Placement("studerende", 16.0, (2021, 1), (2021, 12), False),)
    slider, placements, _ = plan.apply_suggestion(plan.Suggestion("elever", 5, 2), 3, (-118, 150), (), 2021, config)
    assert slider == 3 and placements == (Placement("elever", 5.0, (2021, 2), (2021, 12)),)


@pytest.mark.parametrize("year", [2022, 2025])
def test_never_all_targets_met_while_the_placements_target_is_unmet(store_dir, config, year):
    """The sample's 2022 and 2025: every target a plan can move is met, the placement obligations are not."""
    at = open_page(year=year)
    assert_clean(at)
    assert not [s for s in at.success if "alle" in s.value]
    [info] = [seen(i.value) for i in at.info if "flytte" in i.value]
    assert info == (
        "De mål, som flere personer i ordningerne kan flytte, er nået; Aftalte praktik- og elevpladser er ikke nået."
    )
    row = summary_table(at).loc["Aftalte praktik- og elevpladser"]
    assert row["Status"] == status_text(False)


def test_seek_summary_says_all_met_only_when_every_target_is(config, baselines):
    after = evaluate(baselines[2021], config, Scenario(2021, {"elever": 17}))
    assert plan.seek_summary(after, []) == ("success", "Scenariet når alle målene.")
    unknown = replace(
        after, targets=tuple(replace(t, met=None) if t.kind == "obligations_met" else t for t in after.targets)
    )
    assert plan.seek_summary(unknown, []) == (
        "info",
        "De mål, som flere personer i ordningerne kan flytte, er nået; Aftalte praktik- og elevpladser kan ikke "
        "vurderes.",
    )
    view = plan.plan_view(baselines[2021], config, Scenario(2021), 8)
    assert plan.seek_summary(view.after, view.goals) is None  # the answers speak for themselves


def test_a_scenario_is_saved_reloaded_and_deleted(store_dir, config):
    at = open_page()
    at.slider(key="plan_fleksjob").set_value(12)
    at.slider(key="plan_headcount").set_value(-40).run()
    at = add_placements(at, ("Elever under erhvervsuddannelse", 8, "september", "december"))
    planned = targets_table(at)
    shown = metrics(at)
    at.text_input(key="plan_name").input("Flere elever").run()
    at.button(key="plan_save").click().run()
    assert_clean(at)
    assert "Scenariet «Flere elever» er gemt." in [seen(s.value) for s in at.success]
    saved = Store(store_dir).load_scenario("Flere elever")
    assert saved.payload["changes"] == {"fleksjob": 12.0} and saved.payload["headcount_change"] == -40.0
    assert saved.payload["placements"] == [
        {"scheme": "elever", "persons": 8.0, "first": "2025-09", "last": "2025-12", "paid": None}
    ]
    assert saved.data_version == Store(store_dir).version() and not saved.outdated

    at.button(key="plan_reset").click().run()
    assert at.slider(key="plan_fleksjob").value == 0
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.660", "±0")

    at.selectbox(key="plan_saved").select("Flere elever")
    at.button(key="plan_load").click().run()
    assert_clean(at)
    assert "Scenariet «Flere elever» er indlæst." in [seen(s.value) for s in at.success]
    assert at.slider(key="plan_fleksjob").value == 12 and at.slider(key="plan_headcount").value == -40
    assert weights_table(at).iloc[0]["Vægt"] == "0,25"
    assert metrics(at) == shown
    assert targets_table(at).equals(planned)
    assert any("Planen bygger på scenariet «Flere elever»" in c.value for c in at.caption)

    at.button(key="plan_delete").click().run()
    assert_clean(at)
    assert "Scenariet «Flere elever» er slettet." in [seen(s.value) for s in at.success]
    assert Store(store_dir).scenarios().empty
    assert "Der er ingen gemte scenarier endnu." in [c.value for c in at.caption]


def test_a_scenario_made_on_older_data_says_so(store_dir, sample_import):
    at = open_page()
    at.slider(key="plan_elever").set_value(5).run()
    at.text_input(key="plan_name").input("Før importen").run()
    at.button(key="plan_save").click().run()
    # an import changes the data version (the same figures, now from the store)
    files = [
        (p.name, p.read_bytes()) for p in sorted((ROOT / "sample_data").iterdir()) if p.suffix in (".xlsx", ".csv")
    ]
    Store(store_dir).add_batch(files, sample_import)
    at.run()
    assert_clean(at)
    assert at.selectbox(key="plan_saved").format_func("Før importen") == "Før importen (ældre data)"
    at.button(key="plan_load").click().run()
    assert_clean(at)
    [warning] = [seen(w.value) for w in at.warning if "ældre data" in w.value]
    assert warning.startswith("Scenariet er lavet på ældre data: «Før importen» blev gemt den ")
    assert at.slider(key="plan_elever").value == 5


def test_two_saved_scenarios_side_by_side(store_dir, config, baselines):
    store = Store(store_dir)
    store.save_scenario("A", Scenario(2025, {"elever": 20}, name="A").to_dict())
    store.save_scenario("B", Scenario(2021, {"fleksjob": 10}, name="B").to_dict())
    at = open_page()
    at.multiselect(key="plan_compare").select("A").select("B").run()
    assert_clean(at)
    [table] = [t.value for t in at.table if list(t.value.columns) == ["", "A", "B"]]
    table = table.set_index("")
    assert table.loc["År"].tolist() == ["2025 (foreløbig)", "2021"]
    assert table.loc["Antal ansatte"].tolist() == ["4.680", "4.780"]
    a = evaluate(baselines[2025], config, Scenario(2025, {"elever": 20}))
    b = evaluate(baselines[2021], config, Scenario(2021, {"fleksjob": 10}))
    name = target_name(config, UDDANNELSE)
    assert table.loc[name].tolist() == [
        shown_value(a, UDDANNELSE, markdown=True),
        shown_value(b, UDDANNELSE, markdown=True),
    ]


def test_the_plan_survives_a_visit_to_another_page(store_dir):
    at = open_page()
    at.slider(key="plan_fleksjob").set_value(7).run()
    at = add_placements(at, ("Fleksjob", 4, "august", "december"))
    at.switch_page("app_pages/overblik.py").run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.slider(key="plan_fleksjob").value == 7
    assert weights_table(at).iloc[0]["Vægt"] == "0,50"


def test_meeting_mode_keeps_the_planner_and_hides_the_controls(store_dir):
    Store(store_dir).save_scenario("Møde", Scenario(2025, {"elever": 3}).to_dict())
    at = open_page(meeting=True)
    assert at.toggle(key="meeting_mode").value is True
    assert len(at.download_button) == 0 and len(at.sidebar.children) == 0
    keys = {b.key for b in at.button}
    assert "plan_load" in keys and not keys & {"plan_save", "plan_delete", "plan_reset"}
    at.slider(key="plan_elever").set_value(10).run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == len(default_config().targets) + 1
    assert metrics(at)["Antal ansatte (årsgennemsnit)"][0] == "4.670"
    # it shows the plan, it does not edit it: no placement form, no "Brug forslaget", no removing
    assert not {b.key for b in at.button} & {"plan_add", "plan_reset"}
    assert len(at.selectbox(key="plan_saved").options) == 1 and not at.pills and not at.number_input
    assert "Planlagte placeringer" not in [s.value for s in at.subheader]


def test_meeting_mode_shows_the_placements_made_before_without_removing_them(store_dir):
    at = add_placements(open_page(year=2021), ("Elever under erhvervsuddannelse", 4, "august", "december"))
    assert at.button(key="plan_remove_0")
    at.toggle(key="meeting_mode").set_value(True).run()
    assert_clean(at)
    assert "Planlagte placeringer" in [s.value for s in at.subheader]
    assert [t for t in at.table if "august – december" in t.value.to_string()]
    assert not [b for b in at.button if b.key.startswith(("plan_remove_", "plan_add"))] and not at.pills
    assert any(m.value.startswith("**Mindst 5 % elever") for m in at.markdown)  # the goal seek still answers


# ---- ui/planning.py ----------------------------------------------------------------------------


def test_a_loaded_placement_is_cut_to_the_year_with_the_same_weight(config):
    placements = (
        Placement("elever", 4, (2024, 9), (2025, 3)),
        Placement("fgu", 1, (2023, 1), (2023, 12)),
        Placement("elever", 2, (2025, 8), (2025, 12)),
    )
    cut, notes = plan.placements_in_year(placements, 2025)
    assert [(p.first, p.last) for p in cut] == [((2025, 1), (2025, 3)), ((2025, 8), (2025, 12))]
    assert notes == [
        "Placering 1 er skåret til månederne i 2025; den tæller det samme.",
        "Placering 2 ligger uden for 2025 og tæller ikke med; den er udeladt.",
    ]
    assert cut[0].weight(2025, config) == placements[0].weight(2025, config) == 0.25
    assert plan.in_year(cut, 2021)[1] == Placement("elever", 2, (2021, 8), (2021, 12))


def test_slider_values_for_a_scenario_are_whole_persons_within_reach(config, baselines):
    ranges = plan.slider_ranges(baselines[2025], config)
    values, notes = plan.widget_values(Scenario(2025, {"elever": 2.5, "fleksjob": -400}, 30), config, ranges)
    assert values["plan_elever"] == 2 and values["plan_fleksjob"] == -222 and values["plan_headcount"] == 30
    assert values["plan_stu"] == 0
    assert notes == [
        "Ændringen for Fleksjob (−400) vises som −222.",
        "Ændringen for Elever under erhvervsuddannelse (+2,5) vises som +2.",
    ]


def test_the_plan_view_is_what_the_engine_says(config, baselines):
    baseline = baselines[2021]
    scenario = Scenario(2021, {"elever": 5}, placements=(Placement("studerende", 6, (2021, 9), (2021, 12)),))
    view = plan.plan_view(baseline, config, scenario, 8)
    pd.testing.assert_frame_equal(
        view.compare, compare_targets(evaluate(baseline, config), evaluate(baseline, config, scenario))
    )
    [goal] = view.goals
    assert goal.id == UDDANNELSE
    assert goal.needed["elever"] == {
        m: placement_options(baseline, config, UDDANNELSE, "elever", scenario)[m] for m in (8, 2)
    }
    assert all(p["config"]["locale"]["number"]["decimal"] == "," for p in view.bullets.panels)


def test_a_template_with_the_scenarios_table_is_the_scenarios_chart(config, baselines):
    """The page builds each chart once per year and swaps in the scenario's table: the same spec as
    building the chart for the scenario."""
    baseline = baselines[2021]
    before = evaluate(baseline, config)
    templates = plan.chart_templates(baseline, config, before)
    scenario = Scenario(2021, {"elever": 20, "beredskab": -30}, 12)
    view = plan.plan_view(baseline, config, scenario, 8, before, templates)
    bullets = charts.screen(charts.target_bullets(view.compare, 2021).to_dict())
    built = [  # as the page shows them (charts.screen): (live, built for the scenario, template)
        *zip(view.bullets.panels, bullets.panels, templates.bullets.panels, strict=True),
        (
            view.donut,
            charts.screen(charts.scenario_donut(view.after.years_frame(), config, 2021).to_dict()).panels[0],
            templates.donut,
        ),
    ]
    assert len(built) == len(config.targets) + 1
    for live, spec, _template in built:
        [table] = live["datasets"].values()  # the bullets' as Arrow tables (`plan.live_bullets`), the donut's a frame
        [values] = spec["datasets"].values()
        shown = table if isinstance(table, pd.DataFrame) else table.to_pandas()
        pd.testing.assert_frame_equal(shown.reset_index(drop=True), pd.DataFrame(values), check_dtype=False)
        strip = {"datasets", "data", "description"}  # the page says the scenario's numbers in the description
        assert {k: v for k, v in live.items() if k not in strip} == {k: v for k, v in spec.items() if k not in strip}
    changed = [live for live, spec, template in built if template["datasets"] != spec["datasets"]]
    assert len(changed) >= 3  # the scenario's numbers, not the baseline's (education, total, the donut, …)


def test_a_target_without_values_still_gets_a_table_of_numbers(config, baselines):
    """The bullets' tables are built from rows with fixed Arrow types: a target with no value before or after (no
    neighbour figures, say) has a numeric column of nulls, as the frame Altair is given has, not a column of
    no type; and the screen reader's words say so."""
    baseline = baselines[2021]
    before = evaluate(baseline, config)
    templates = plan.chart_templates(baseline, config, before)
    changes = target_changes(before, evaluate(baseline, config, Scenario(2021, {"elever": 4})))
    blank = {"value_before": None, "value_after": None, "met_before": None, "met_after": None, "threshold": None}
    changes[1] = {**changes[1], **blank}
    live = plan.live_bullets(templates.bullets, charts.target_bullets_rows(changes))
    [table] = live.panels[1]["datasets"].values()
    assert str(table.schema.field("value").type) == "double" and table.column("value").null_count == 2
    assert table.column("label").to_pylist() == ["– · Ingen data", "– · Ingen data"]
    assert live.panels[1]["description"].endswith("Grundlag: – · Ingen data. Scenarie: – · Ingen data")
    [first] = live.panels[0]["datasets"].values()
    assert first.column("series").to_pylist() == ["Grundlag", "Scenarie"]
    assert first.column("value").to_pylist() == [changes[0]["value_before"], changes[0]["value_after"]]


# ---- csr.charts and csr.text additions ---------------------------------------------------------------


def test_target_bullets_show_both_values_the_threshold_and_the_status_in_words(config, baselines):
    baseline = baselines[2021]
    compare = compare_targets(evaluate(baseline, config), evaluate(baseline, config, Scenario(2021, {"elever": 20})))
    spec = charts.target_bullets(compare, 2021).to_dict()  # validated against the Vega-Lite schema
    assert spec["title"]["text"] == "Målene i 2021: grundlaget og scenariet"
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["facet"]["field"] == "header" and spec["columns"] == 1
    assert spec["resolve"]["scale"]["x"] == "independent"
    bar, rule, label = spec["spec"]["layer"]
    assert bar["mark"]["type"] == "bar" and bar["encoding"]["x"]["field"] == "value"
    assert bar["encoding"]["y"]["field"] == "series" and bar["encoding"]["y"]["sort"] == ["Grundlag", "Scenarie"]
    assert bar["encoding"]["color"]["scale"]["domain"] == ["Opfyldt", "Ikke opfyldt", "Ingen data"]
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["x"]["field"] == "threshold"
    assert label["mark"]["type"] == "text" and label["encoding"]["text"]["field"] == "label"
    frame = charts.target_bullets_frame(compare)
    education = frame[frame["id"] == UDDANNELSE].set_index("series")
    assert education.loc["Grundlag", "label"] == "4,7 % · Ikke opfyldt"
    assert education.loc["Scenarie", "label"] == "5,1 % · Opfyldt"
    assert education["threshold"].tolist() == [5.0, 5.0]
    assert education["header"].iloc[0].endswith("|Krav: mindst 5 %")
    neighbours = frame[frame["id"] == "uddannelse_naboer"]["header"].iloc[0]
    assert neighbours.endswith("|Krav: over omegnskommunerne (4,1 %)")
    assert len(frame) == 2 * len(config.targets)


def test_scenario_donut_is_figure1_titled_as_a_scenario(config, baselines):
    after = evaluate(baselines[2025], config, Scenario(2025, {"beredskab": 12}))
    spec = charts.scenario_donut(after.years_frame(), config, 2025).to_dict()
    assert spec["title"]["text"] == "Scenariet for 2025: andel af ansatte i CSR-mærkets ordninger"
    assert "foreløbige tal" in spec["title"]["subtitle"][0]
    assert spec["layer"][0]["mark"]["type"] == "arc"
    assert text.pct(after.total_share) in json.dumps(spec, ensure_ascii=False)


def test_planning_sentences(config, baselines):
    before = evaluate(baselines[2025], config)
    after = evaluate(baselines[2025], config, Scenario(2025, {"fleksjob": 10}))
    assert text.scenario_caption(before, after, config).startswith(
        f"Med planen er {text.pct(after.total_share)} af de ansatte i Aabenraa Kommune i 2025 (foreløbige tal)"
    )
    assert text.count(4660.0) == "4.660" and text.count(4662.25) == "4.662,25" and text.count(2.5) == "2,5"
    assert text.signed_count(-2.5) == "−2,5" and text.signed_count(0) == "±0" and text.signed_count(10) == "+10"
    assert text.goal_seek_line("Elever", [("august", 33), ("februar", 17)], 17, CANNOT_REACH) == (
        "**Elever**: fra august: 33 personer; fra februar: 17 personer (17 personer i årsgennemsnit)."
    )
    assert text.start_month_text("december", None, CANNOT_REACH) == f"fra december: {CANNOT_REACH}"


# ---- paid or unpaid: FGU on the payroll, studerende chosen per placement ------------------------


def add_paid_placements(at: AppTest, *rows: tuple[str, float, str, str, bool | None]) -> AppTest:
    """Placements entered in the form with its 'Løn' choice (None: left as the form shows it)."""
    for scheme, persons, first, last, paid in rows:
        fill_form(at, scheme, persons, first, last)
        if paid is not None:
            at.radio(key=plan.FORM_PAID).set_value(paid).run()
        at.button(key="plan_add").click().run()
    return at


def test_the_page_names_the_schemes_off_the_payroll_without_fgu(store_dir):
    at = open_page()
    [caption] = [seen(c.value) for c in at.caption if c.value.startswith("Ændringen i personer")]
    assert caption == (
        "Ændringen i personer i årsgennemsnit for hele året. En ordning på lønningslisten tæller også med i antal "
        "ansatte; Virksomhedspraktik, Særligt tilrettelagt ungdomsuddannelse (STU) og Medarbejdere, der frivilligt "
        "indgår i Beredskabet gør ikke. For studerende i praktik kan en praktik være lønnet eller ulønnet (fx på "
        "SU): skyderen regner med lønnede praktikker; for en planlagt placering vælges det i formularen."
    )
    studerende = at.slider(key="plan_studerende").help
    assert studerende.endswith(
        "Skyderen regner med lønnede praktikker (tæller også med i antal ansatte); vælg lønnet eller ulønnet for "
        "hver planlagt placering."
    )
    at.slider(key="plan_fgu").set_value(5).run()
    assert_clean(at)
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.665", "+5")


def test_a_placement_of_studerende_is_paid_or_unpaid_as_chosen_in_its_row(store_dir):
    at = open_page()
    at = add_paid_placements(
        at,
        ("Studerende i praktik", 10, "januar", "december", False),
        ("Studerende i praktik", 8, "september", "december", True),
        ("Studerende i praktik", 4, "januar", "december", None),
    )
    assert_clean(at)
    assert at.radio(key=plan.FORM_PAID).label == "Løn"
    # unpaid adds none to the headcount; paid 8 × 0,25 = 2; the form's default is the configuration's paid: 4
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.666", "+6")
    assert weights_table(at)["Antal ansatte"].tolist() == [
        "tæller ikke med (ulønnet)",
        "tæller med (lønnet)",
        "tæller med (lønnet)",
    ]
    # a scheme without the choice has no 'Løn' in the form
    fill_form(at, "Fleksjob", 1, "januar", "marts")
    assert not [r for r in at.radio if r.key == plan.FORM_PAID]


def test_the_goal_seek_on_the_page_says_what_it_assumed_for_studerende(store_dir):
    at = open_page(2021)
    assert "**Studerende i praktik, forudsat lønnede praktikker**: fra august: 33 personer" in goal_texts(at)
    assert at.selectbox(key=plan.seek_paid_key("studerende")).value is True
    at.selectbox(key=plan.seek_paid_key("studerende")).select(False).run()
    assert_clean(at)
    goals = goal_texts(at)
    assert (
        "**Studerende i praktik, forudsat ulønnede (SU)**: fra august: 31 personer; fra februar: 16 personer "
        "(16 personer i årsgennemsnit)."
    ) in goals
    assert "**Elever under erhvervsuddannelse**: fra august: 33 personer" in goals  # the others are as they were


def test_a_scenario_saved_before_paid_existed_loads(store_dir):
    old = {
        "version": 1,
        "name": "Fra før",
        "year": 2025,
        "changes": {},
        "headcount_change": 0,
        "placements": [{"scheme": "studerende", "persons": 8, "first": "2025-09", "last": "2025-12"}],
    }
    Store(store_dir).save_scenario("Fra før", old)
    at = open_page()
    at.selectbox(key="plan_saved").select("Fra før")
    at.button(key="plan_load").click().run()
    assert_clean(at)
    assert "Scenariet «Fra før» er indlæst." in [seen(s.value) for s in at.success]
    assert weights_table(at)["Antal ansatte"].tolist() == ["tæller med"]
    assert metrics(at)["Antal ansatte (årsgennemsnit)"] == ("4.662", "+2")

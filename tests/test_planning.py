"""What-if planning: placement weights, payroll flags, the fast path against `csr.shares`, goal seeking."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csr.config import HEADCOUNT, default_config
from csr.importers import import_files
from csr.model import InputError, empty_canonical, empty_placements
from csr.planning import (
    CANNOT_REACH,
    Placement,
    PlanError,
    Scenario,
    apply_scenario,
    build_baseline,
    compare_targets,
    evaluate,
    format_plan,
    goal_seek,
    parse_change,
    parse_month,
    parse_placement,
    persons_to_add,
    placement_options,
    placement_table,
    placement_weight,
    placements_needed,
    plan_report,
    scenario_from_args,
    validate_scenario,
)
from csr.report import year_report
from csr.shares import TARGET_COLUMNS, compute

SAMPLE = sorted((Path(__file__).parent.parent / "sample_data").glob("*.*"))
CONFIG = default_config()
QUARTERS = (2, 5, 8, 11)


@pytest.fixture(scope="module")
def sample():
    result = import_files(SAMPLE, CONFIG)
    assert result.ok, [str(f) for f in result.errors]
    return result, compute(result.data, result.placements, CONFIG)


@pytest.fixture(scope="module")
def figures(sample):
    return sample[1]


@pytest.fixture(scope="module")
def base2021(sample):
    result, figures = sample
    return build_baseline(figures, CONFIG, 2021, data=result.data)


def canonical(values: dict[tuple[int, str], float], year: int = 2022) -> pd.DataFrame:
    """Canonical rows: every (municipality code, scheme) the same value in the four measurement months."""
    frame = pd.DataFrame(
        [
            {
                "municipality": CONFIG.municipality(code).name,
                "code": code,
                "year": year,
                "period": "M",
                "index": m,
                "scheme": scheme,
                "value": float(value),
                "file": "t.xlsx",
                "sheet": "Data",
                "row": i + 2,
                "column": "D",
            }
            for i, ((code, scheme), value) in enumerate(values.items())
            for m in QUARTERS
        ]
    )
    return pd.concat([empty_canonical(), frame], ignore_index=True).astype(empty_canonical().dtypes.to_dict())


def placed(scheme: str, persons: int, start: int, year: int = 2021) -> Scenario:
    """A scenario with one placement from `start` to December."""
    return Scenario(year, placements=(Placement(scheme, persons, (year, start), (year, 12)),))


def assert_same(fast, reference, path: str = "") -> None:
    """The fast path's report equals the reference path's, floats to 1e-9, everything else exactly."""
    if isinstance(fast, dict):
        assert fast.keys() == reference.keys(), path
        for key in fast:
            assert_same(fast[key], reference[key], f"{path}/{key}")
    elif isinstance(fast, list):
        assert len(fast) == len(reference), path
        for i, (a, b) in enumerate(zip(fast, reference, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(fast, float) and isinstance(reference, float):
        assert fast == pytest.approx(reference, rel=1e-12, abs=1e-9), path
    else:
        assert fast == reference and type(fast) is type(reference), (path, fast, reference)


# ---- the quarter-person rule and the month patterns ----------------------------------------------


@pytest.mark.parametrize(
    "first, last, year, weight",
    [
        ((2025, 9), (2025, 12), 2025, 0.25),  # 1 September - 31 December: November only
        ((2025, 1), (2025, 1), 2025, 0.0),  # January only: no measurement month
        ((2024, 9), (2025, 3), 2024, 0.25),  # across the new year: November 2024 ...
        ((2024, 9), (2025, 3), 2025, 0.25),  # ... and February 2025
        ((2024, 10), (2025, 1), 2025, 0.0),  # ends before February
        ((2025, 1), (2025, 12), 2025, 1.0),  # the whole year
        ((2025, 2), (2025, 11), 2025, 1.0),  # exactly the four measurement months
        ((2025, 2), (2025, 2), 2025, 0.25),  # February only
        ((2025, 3), (2025, 8), 2025, 0.5),  # May and August
        ((2025, 12), (2025, 12), 2025, 0.0),  # December: after the last measurement month
        ((2023, 1), (2027, 12), 2025, 1.0),  # a long placement covers the whole year
        ((2026, 2), (2026, 11), 2025, 0.0),  # another year
    ],
)
def test_placement_weight_counts_the_measurement_months_covered(first, last, year, weight):
    assert placement_weight(Placement("elever", 1, first, last), year, CONFIG.measurement_months) == weight


def test_a_scheme_averaged_over_all_months_weighs_by_all_twelve():
    # virksomhedspraktik's annual figure is the mean of twelve monthly figures: September-December is 4/12
    p = Placement("virksomhedspraktik", 6, (2025, 9), (2025, 12))
    assert p.weight(2025, CONFIG) == pytest.approx(4 / 12)
    assert Placement("elever", 6, (2025, 9), (2025, 12)).weight(2025, CONFIG) == 0.25


def test_a_quarter_person_reaches_the_annual_figure_and_the_table_shows_the_weight(base2021):
    plan = Scenario(
        2021,
        placements=(
            Placement("elever", 8, (2021, 9), (2021, 12)),
            Placement("elever", 4, (2020, 9), (2021, 3)),
            Placement("elever", 5, (2021, 1), (2021, 1)),
        ),
    )
    out = evaluate(base2021, CONFIG, plan)
    # 8 × 1/4 (November) + 4 × 1/4 (February) + 5 × 0 (January) = 3 persons on annual average
    assert out.persons["elever"] == 118.0 + 3.0
    assert out.headcount == 4770.0 + 3.0  # elever are on the payroll
    table = placement_table(plan, CONFIG)
    assert table["weight"].tolist() == [0.25, 0.25, 0.0]
    assert table["annual_persons"].tolist() == [2.0, 1.0, 0.0]
    assert table["months"].tolist() == ["november", "februar", ""]
    assert table["first"].tolist() == ["2021-09", "2020-09", "2021-01"]


# ---- on the payroll or not -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["fast", "reference"])
def test_ten_fleksjob_add_to_numerator_and_denominator(base2021, figures, path):
    plan = Scenario(2021, {"fleksjob": 10})
    before = evaluate(base2021, CONFIG)
    report = (
        evaluate(base2021, CONFIG, plan).to_report(CONFIG)
        if path == "fast"
        else year_report(apply_scenario(figures, CONFIG, plan), CONFIG, 2021)
    )
    assert report["headcount"] == 4770.0 + 10
    assert report["schemes"]["fleksjob"]["persons"] == 263.0 + 10
    persons = sum(before.persons.values())
    assert report["total_share"] == pytest.approx((persons + 10) / (4770 + 10) * 100)
    assert report["schemes"]["beredskab"]["share"] == pytest.approx(276.75 / 4780 * 100)


@pytest.mark.parametrize("path", ["fast", "reference"])
def test_ten_beredskab_volunteers_add_to_the_numerator_only(base2021, figures, path):
    plan = Scenario(2021, {"beredskab": 10})
    report = (
        evaluate(base2021, CONFIG, plan).to_report(CONFIG)
        if path == "fast"
        else year_report(apply_scenario(figures, CONFIG, plan), CONFIG, 2021)
    )
    assert report["headcount"] == 4770.0
    assert report["schemes"]["beredskab"]["persons"] == 276.75 + 10
    targets = {t["id"]: t for t in report["targets"]}
    assert targets["beredskab_min"]["value"] == pytest.approx(286.75 / 4770 * 100)
    assert report["schemes"]["fleksjob"]["share"] == pytest.approx(263.0 / 4770 * 100)


def test_a_weighted_placement_on_the_payroll_adds_its_weight_to_the_headcount(base2021):
    plan = Scenario(
        2021,
        placements=(
            Placement("fleksjob", 10, (2021, 6), (2021, 12)),  # Aug, Nov: 0.5
            Placement("beredskab", 10, (2021, 6), (2021, 12)),
        ),
    )
    out = evaluate(base2021, CONFIG, plan)
    assert out.persons["fleksjob"] == 263.0 + 5 and out.persons["beredskab"] == 276.75 + 5
    assert out.headcount == 4770.0 + 5


def test_the_headcount_change_moves_the_denominator_only(base2021):
    out = evaluate(base2021, CONFIG, Scenario(2021, headcount_change=230))
    assert out.headcount == 5000.0
    assert out.persons == base2021.persons
    assert out.target("uddannelse_min").value == pytest.approx(223.25 / 5000 * 100)
    assert out.other_share == pytest.approx(100 - sum(base2021.persons.values()) / 5000 * 100)


# ---- the fast path against the reference path ----------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2021, 2025])
def test_fast_path_equals_the_reference_path(sample, year):
    result, figures = sample
    baseline = build_baseline(figures, CONFIG, year, data=result.data)
    plan = Scenario(
        year,
        {"fleksjob": 10, "beredskab": -5, "stu": 2.5},
        -20,
        (
            Placement("elever", 14, (year, 8), (year, 12)),
            Placement("virksomhedspraktik", 6, (year, 9), (year + 1, 3)),
            Placement("fgu", 3, (year - 1, 11), (year, 5)),
        ),
    )
    fast = evaluate(baseline, CONFIG, plan)
    reference = apply_scenario(figures, CONFIG, plan)
    assert_same(fast.to_report(CONFIG), year_report(reference, CONFIG, year))
    home = reference.years["code"] == CONFIG.home
    pd.testing.assert_frame_equal(fast.years_frame(), reference.years[home].reset_index(drop=True), check_dtype=False)
    home = reference.shares["code"] == CONFIG.home
    pd.testing.assert_frame_equal(
        fast.shares_frame(CONFIG), reference.shares[home].reset_index(drop=True), check_dtype=False
    )
    assert_same(
        [{k: getattr(t, k) for k in TARGET_COLUMNS} for t in fast.targets],
        [{k: getattr(t, k) for k in TARGET_COLUMNS} for t in reference.targets],
    )
    # and with no plan the fast path is the year as `csr.shares` computed it
    assert_same(evaluate(baseline, CONFIG).to_report(CONFIG), year_report(figures, CONFIG, year))


def test_reference_path_accepts_the_canonical_frames_and_keeps_neighbours(sample):
    result, figures = sample
    plan = Scenario(2021, {"elever": 40})
    out = apply_scenario((result.data, result.placements), CONFIG, plan)
    assert out.home_years(CONFIG) == [2021]
    nb_before = figures.neighbours_in(2021)
    nb_after = out.neighbours
    assert [f.average for f in nb_before] == [f.average for f in nb_after]
    assert [a.home > b.home for a, b in zip(nb_after, nb_before, strict=True)] == [False, True]  # beskaeftigelse dips


def test_a_scheme_without_data_gets_its_planned_persons_in_both_paths():
    data = canonical(
        {
            (580, HEADCOUNT): 1000,
            (580, "fleksjob"): 40,
            (580, "elever"): 30,
            (561, HEADCOUNT): 2000,
            (561, "fleksjob"): 50,
            (561, "elever"): 90,
        }
    )
    figures = compute(data, empty_placements(), CONFIG)
    baseline = build_baseline(figures, CONFIG)
    assert baseline.year == 2022 and "beredskab" in baseline.missing and "beredskab" not in baseline.persons
    plan = Scenario(2022, {"beredskab": 55, "fgu": 0})
    fast = evaluate(baseline, CONFIG, plan)
    assert fast.persons["beredskab"] == 55.0 and "fgu" not in fast.persons
    assert fast.target("beredskab_min").value == 5.5 and fast.target("beredskab_min").met
    assert "beredskab" not in fast.missing and "fgu" in fast.missing
    reference = apply_scenario(figures, CONFIG, plan)
    assert_same(fast.to_report(CONFIG), year_report(reference, CONFIG, 2022))
    assert fast.years_frame().at[0, "missing_schemes"] == reference.years.set_index("code").at[580, "missing_schemes"]


def test_evaluate_does_not_change_the_baseline(base2021):
    persons = dict(base2021.persons)
    evaluate(base2021, CONFIG, Scenario(2021, {"elever": 30}, 12, (Placement("igu", 3, (2021, 1), (2021, 12)),)))
    assert base2021.persons == persons and base2021.headcount == 4770.0


# ---- results side by side and Figure 1 -----------------------------------------------------------


def test_targets_side_by_side_and_figure1_of_the_scenario(base2021):
    before = evaluate(base2021, CONFIG)
    after = evaluate(base2021, CONFIG, Scenario(2021, {"elever": 17}))
    table = compare_targets(before, after).set_index("id")
    row = table.loc["uddannelse_min"]
    assert not row["met_before"] and row["met_after"]
    assert row["gap_persons_before"] == 17 and row["gap_persons_after"] == 0
    assert row["value_after"] == pytest.approx(240.25 / 4787 * 100)
    assert row["gap_pp_after"] == pytest.approx(240.25 / 4787 * 100 - 5)
    assert table.loc["praktikpladser", "met_after"] and table.loc["praktikpladser", "value_after"] == pytest.approx(
        table.loc["praktikpladser", "value_before"]
    )
    donut = after.years_frame().iloc[0]
    assert donut["uddannelse"] == pytest.approx(sum(after.shares[s] for s in CONFIG.schemes_in("uddannelse")))
    assert donut["total_share"] == pytest.approx(sum(donut[c] for c in CONFIG.categories))
    assert after.other_share == pytest.approx(100 - donut["total_share"])


# ---- goal seek -----------------------------------------------------------------------------------


def test_goal_seek_on_the_sample_2021_education_target(base2021, figures):
    # H = 4770, p = 223.25 persons in elever, voksenlærlinge, IGU, FGU and studerende, t = 5 %:
    # on the payroll n = ceil((238.5 − 223.25) / 0.95) = ceil(16.05) = 17, FGU too (its egu track is paid;
    # off the payroll it would be ceil(15.25) = 16)
    seek = goal_seek(base2021, CONFIG)
    assert seek == {"uddannelse_min": {"elever": 17, "voksenlaerlinge": 17, "igu": 17, "fgu": 17, "studerende": 17}}
    for scheme, n in seek["uddannelse_min"].items():
        with_n = evaluate(base2021, CONFIG, Scenario(2021, {scheme: n})).target("uddannelse_min")
        short = evaluate(base2021, CONFIG, Scenario(2021, {scheme: n - 1})).target("uddannelse_min")
        assert with_n.met and not short.met
    for scheme, n in (("elever", 17), ("fgu", 17)):  # and in csr.shares' own computation
        met = apply_scenario(figures, CONFIG, Scenario(2021, {scheme: n})).targets_frame().set_index("id")["met"]
        short = apply_scenario(figures, CONFIG, Scenario(2021, {scheme: n - 1})).targets_frame().set_index("id")["met"]
        assert met["uddannelse_min"] and not short["uddannelse_min"]


def test_goal_seek_builds_on_the_scenario_and_is_empty_when_all_is_met(base2021):
    plan = Scenario(2021, {"fleksjob": 10}, placements=(Placement("elever", 14, (2021, 8), (2021, 12)),))
    # p = 230.25, H = 4787: payroll ceil((239.35 − 230.25) / 0.95) = ceil(9.58) = 10
    assert goal_seek(base2021, CONFIG, plan)["uddannelse_min"] == {
        "elever": 10,
        "voksenlaerlinge": 10,
        "igu": 10,
        "fgu": 10,
        "studerende": 10,
    }
    assert goal_seek(base2021, CONFIG, Scenario(2021, {"elever": 17})) == {}
    assert persons_to_add(base2021, CONFIG, "uddannelse_min", "elever", Scenario(2021, {"elever": 17})) == 0


def test_later_start_needs_at_least_as_many_persons(base2021):
    options = placement_options(base2021, CONFIG, "uddannelse_min", "elever")
    # to December: from Jan/Feb weight 1, Mar-May 3/4, Jun-Aug 1/2, Sep-Nov 1/4, December 0
    assert options == {1: 17, 2: 17, 3: 22, 4: 22, 5: 22, 6: 33, 7: 33, 8: 33, 9: 65, 10: 65, 11: 65, 12: None}
    counts = [n for n in options.values() if n is not None]
    assert counts == sorted(counts)
    for start, n in ((8, 33), (2, 17), (9, 65)):  # "fra august: 33 elever; fra februar: 17"
        assert evaluate(base2021, CONFIG, placed("elever", n, start)).target("uddannelse_min").met
        assert not evaluate(base2021, CONFIG, placed("elever", n - 1, start)).target("uddannelse_min").met
    assert placements_needed(base2021, CONFIG, "uddannelse_min", "elever", (2021, 12)) is None
    assert CANNOT_REACH == "kan ikke nå målet i år"
    # a placement ending in August covers February, May and August
    assert placements_needed(base2021, CONFIG, "uddannelse_min", "elever", "2021-01", "2021-08") == 22


def test_goal_seek_refuses_what_it_cannot_answer(base2021):
    with pytest.raises(PlanError, match="tæller ikke med i målet"):
        placements_needed(base2021, CONFIG, "uddannelse_min", "stu", 8)
    with pytest.raises(PlanError, match="findes ikke"):
        persons_to_add(base2021, CONFIG, "uddannelse_max", "elever")
    with pytest.raises(PlanError, match="kan ikke nås med flere personer"):
        persons_to_add(base2021, CONFIG, "praktikpladser", "elever")


def _baseline_with(base, headcount: float, persons: dict[str, float], thresholds: dict[str, float]):
    targets = tuple(replace(t, threshold=thresholds.get(t.id, t.threshold)) for t in base.targets)
    return replace(base, headcount=headcount, persons=persons, targets=targets)


education = ("elever", "voksenlaerlinge", "igu", "fgu", "studerende")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headcount=st.integers(50, 20_000),
    quarters=st.lists(st.integers(0, 400), min_size=len(education) + 1, max_size=len(education) + 1),
    threshold=st.floats(0.5, 40.0, allow_nan=False),
    neighbours=st.floats(0.1, 30.0, allow_nan=False),
    start=st.integers(1, 12),
)
def test_goal_seek_is_exact_on_generated_baselines(base2021, headcount, quarters, threshold, neighbours, start):
    # persons in quarter persons (annual means of four months), some schemes missing altogether
    persons = {s: q / 4 for s, q in zip((*education, "beredskab"), quarters, strict=True) if q % 7}
    base = _baseline_with(
        base2021,
        float(headcount),
        persons,
        {"uddannelse_min": threshold, "beredskab_min": threshold, "uddannelse_naboer": neighbours},
    )
    seek = goal_seek(base, CONFIG)
    outcome = evaluate(base, CONFIG)
    for target in ("uddannelse_min", "uddannelse_naboer", "beredskab_min"):
        assert (target in seek) == (outcome.target(target).met is False)
    for target, per_scheme in seek.items():
        for scheme, n in per_scheme.items():
            assert n is not None and n >= 1
            assert evaluate(base, CONFIG, Scenario(2021, {scheme: n})).target(target).met
            assert not evaluate(base, CONFIG, Scenario(2021, {scheme: n - 1})).target(target).met
            # the closed form of docs/regler.md §4.6, with the scheme's own payroll flag, agrees to one person
            t, p = base.target(target).threshold / 100, sum(persons.get(s, 0) for s in base.target(target).schemes)
            payroll = CONFIG.scheme(scheme).on_payroll
            estimate = (t * headcount - p) / (1 - t) if payroll else t * headcount - p
            assert abs(n - math.ceil(estimate)) <= 1
        scheme = next(iter(per_scheme))
        later = placements_needed(base, CONFIG, target, scheme, start)
        earlier = placements_needed(base, CONFIG, target, scheme, max(1, start - 3))
        if later is None:
            assert start == 12
            continue
        assert earlier <= later
        assert evaluate(base, CONFIG, placed(scheme, later, start)).target(target).met
        assert not evaluate(base, CONFIG, placed(scheme, later - 1, start)).target(target).met


@settings(max_examples=20, deadline=None)
@given(
    home=st.integers(500, 6000),
    share=st.integers(5, 90),
    fgu=st.integers(0, 40),
    neighbour=st.integers(20, 120),
    beredskab=st.integers(0, 300),
    pair=st.sampled_from(
        [
            ("uddannelse_min", "elever"),
            ("uddannelse_min", "fgu"),
            ("beredskab_min", "beredskab"),
            ("uddannelse_naboer", "elever"),
            ("samlet_min", "beredskab"),
            ("samlet_min", "fleksjob"),
        ]
    ),
)
def test_goal_seek_is_exact_in_the_reference_path_on_generated_data(home, share, fgu, neighbour, beredskab, pair):
    # home: elever (payroll), FGU (not) and beredskab; one neighbour
    data = canonical(
        {
            (580, HEADCOUNT): home,
            (580, "elever"): home * share // 2000,
            (580, "fgu"): fgu,
            (580, "beredskab"): beredskab,
            (561, HEADCOUNT): 3000,
            (561, "elever"): neighbour,
        }
    )
    figures = compute(data, empty_placements(), CONFIG)
    target, scheme = pair
    n = goal_seek(build_baseline(figures, CONFIG, 2022), CONFIG).get(target, {}).get(scheme, 0)
    met = apply_scenario(figures, CONFIG, Scenario(2022, {scheme: n})).targets_frame().set_index("id").loc[target]
    assert met["met"]
    if n:
        short = (
            apply_scenario(figures, CONFIG, Scenario(2022, {scheme: n - 1})).targets_frame().set_index("id").loc[target]
        )
        assert not short["met"]


def test_a_share_exactly_at_its_threshold_meets_it():
    # (6 + 1 + 389) / 2640 is exactly 15 %; summing the three rounded shares gives 14.999999999999998
    data = canonical({(580, HEADCOUNT): 2640, (580, "elever"): 6, (580, "fgu"): 1, (580, "beredskab"): 0})
    figures = compute(data, empty_placements(), CONFIG)
    baseline = build_baseline(figures, CONFIG)
    assert goal_seek(baseline, CONFIG)["samlet_min"]["beredskab"] == 389
    at = evaluate(baseline, CONFIG, Scenario(2022, {"beredskab": 389})).target("samlet_min")
    assert at.value == 15.0 and at.met and at.gap_persons == 0
    reference = apply_scenario(figures, CONFIG, Scenario(2022, {"beredskab": 389})).targets_frame().set_index("id")
    assert reference.at["samlet_min", "value"] == 15.0 and reference.at["samlet_min", "met"]


# ---- scenarios as JSON and their validation ------------------------------------------------------


def test_scenario_json_round_trip():
    plan = Scenario(
        2025,
        {"elever": 5, "beredskab": -2.5},
        12.0,
        (Placement("elever", 14, (2025, 8), (2025, 12)), Placement("fgu", 2, (2024, 9), (2025, 3))),
        name="Flere elever fra august",
    )
    stored = json.loads(json.dumps(plan.to_dict()))
    assert stored == {
        "version": 2,
        "name": "Flere elever fra august",
        "year": 2025,
        "changes": {"elever": 5, "beredskab": -2.5},
        "headcount_change": 12.0,
        "placements": [
            {"scheme": "elever", "persons": 14, "first": "2025-08", "last": "2025-12", "paid": None},
            {"scheme": "fgu", "persons": 2, "first": "2024-09", "last": "2025-03", "paid": None},
        ],
    }
    assert Scenario.from_dict(stored) == plan
    assert Scenario.from_dict({"year": 2025}) == Scenario(2025)


def test_from_dict_says_what_cannot_be_read():
    with pytest.raises(PlanError) as err:
        Scenario.from_dict(
            {
                "year": "i år",
                "changes": {"elever": "mange"},
                "placements": [{"scheme": "elever", "persons": 3, "first": "2025-13", "last": "2025-12"}],
            }
        )
    message = str(err.value)
    assert "Scenariet skal have et år ('year') som helt tal, ikke 'i år'." in message
    assert "Ændringen for elever skal være et tal, ikke 'mange'." in message
    assert "Placering 1: Måneden '2025-13' kan ikke læses. Skriv den som ÅÅÅÅ-MM, fx 2025-08." in message
    assert isinstance(err.value, InputError)


def test_validation_messages_are_danish_sentences(base2021):
    plan = Scenario(
        2021,
        {"fleksjobb": 3},
        placements=(Placement("elever", -2, (2021, 8), (2021, 12)), Placement("igu", 1, (2021, 9), (2021, 3))),
    )
    with pytest.raises(PlanError) as err:
        evaluate(base2021, CONFIG, plan)
    assert [f.message for f in err.value.findings] == [
        "Ændringen nævner ordningen 'fleksjobb', som ikke findes i strategien. Mente du Fleksjob eller Løntilskud?",
        "Placering 1 har −2,0 personer; skriv 0 eller flere (færre personer planlægges med skyderen for ordningen).",
        "Placering 2 slutter i marts 2021, før den begynder i september 2021.",
    ]


def test_a_negative_result_is_an_error_in_both_paths(base2021, figures):
    plan = Scenario(2021, {"fleksjob": -300})
    expected = "Fleksjob ender på −37,0 personer i 2021: der er 263,0 i data, og planen ændrer med −300,0."
    with pytest.raises(PlanError, match=expected):
        evaluate(base2021, CONFIG, plan)
    with pytest.raises(PlanError, match=expected):
        apply_scenario(figures, CONFIG, plan)
    assert evaluate(base2021, CONFIG, Scenario(2021, {"fleksjob": -263})).persons["fleksjob"] == 0.0
    with pytest.raises(PlanError, match="Antallet af ansatte ender på 0,0 i 2021"):
        evaluate(base2021, CONFIG, Scenario(2021, headcount_change=-4770))
    with pytest.raises(PlanError, match="Scenariet gælder 2022, men grundlaget er 2021"):
        evaluate(base2021, CONFIG, Scenario(2022))


def test_months_are_read_in_the_usual_spellings():
    assert parse_month("2025-08") == parse_month("2025M08") == parse_month("aug 2025") == (2025, 8)
    assert parse_month([2025, 8]) == parse_month("august 2025") == (2025, 8)
    for bad in ("2025", "2025-13", "snart", (2025, 0)):
        with pytest.raises(PlanError, match="kan ikke læses"):
            parse_month(bad)
    assert Placement("elever", 3, "2025-08", [2025, 12]) == Placement("elever", 3, (2025, 8), (2025, 12))
    with pytest.raises(PlanError, match=r"Placering 1: Måneden \(2025, 13\) kan ikke læses"):
        validate_scenario(Scenario(2025, placements=[Placement("elever", 3, (2025, 13), (2025, 12))]), CONFIG)


# ---- the baseline --------------------------------------------------------------------------------


def test_default_baseline_is_the_latest_year_and_says_it_is_provisional(sample):
    result, figures = sample
    baseline = build_baseline(figures, CONFIG, data=result.data)
    assert baseline.year == 2025 and baseline.provisional and baseline.months == (2, 5, 8)
    assert baseline.provisional_note(CONFIG) == (
        "2025 er et foreløbigt år: tallene er gennemsnittet af de måneder, der er data for, ikke af hele året: "
        "3 af 4 målemåneder (februar, maj og august) for antal ansatte og 11 ordninger; "
        "8 af 12 måneder for Virksomhedspraktik."
    )
    assert build_baseline(figures, CONFIG, 2024).provisional_note(CONFIG) == ""
    assert baseline.headcount == 4660.0 and baseline.persons["elever"] == pytest.approx(127.333333, abs=1e-6)
    with pytest.raises(PlanError, match="Der er ingen tal for 2030. Årene i data er 2018, 2019"):
        build_baseline(figures, CONFIG, 2030)


# ---- the command line's pieces -------------------------------------------------------------------


def test_command_line_arguments_become_a_scenario():
    assert parse_change("Fleksjobbere=-2,5", CONFIG) == ("fleksjob", -2.5)
    assert parse_placement("elever:14:2025-08:2025-12", CONFIG) == Placement("elever", 14.0, (2025, 8), (2025, 12))
    plan = scenario_from_args(CONFIG, 2025, ["fleksjob=4", "fleksjob=6"], -10, ["IGU:2:2025-01:2025-06"])
    assert plan == Scenario(2025, {"fleksjob": 10.0}, -10, (Placement("igu", 2.0, (2025, 1), (2025, 6)),))
    with pytest.raises(PlanError, match="--headcount-change"):
        parse_change("Ansatte i alt=5", CONFIG)
    with pytest.raises(PlanError, match="Skriv ORDNING:PERSONER:ÅÅÅÅ-MM:ÅÅÅÅ-MM"):
        parse_placement("elever:14:2025-08", CONFIG)
    with pytest.raises(PlanError, match="Mente du Fleksjob"):
        parse_change("fleksjobb=2", CONFIG)


def test_plan_report_has_the_year_report_shape_plus_scenario_and_goal_seek(base2021, figures):
    plan = Scenario(2021, {"fleksjob": 10}, placements=(Placement("elever", 14, (2021, 8), (2021, 12)),))
    report = json.loads(json.dumps(plan_report(base2021, CONFIG, plan)))
    assert set(report) == set(year_report(figures, CONFIG, 2021)) | {"scenario", "goal_seek", "goal_seek_paid"}
    assert report["goal_seek_paid"] == {"studerende": True}
    assert report["scenario"]["placements"][0]["weight"] == 0.5
    assert report["scenario"]["placements"][0]["annual_persons"] == 7.0
    assert report["goal_seek"] == {
        "uddannelse_min": {"elever": 10, "voksenlaerlinge": 10, "igu": 10, "fgu": 10, "studerende": 10}
    }
    assert Scenario.from_dict(report["scenario"]) == plan
    lines = format_plan(report, CONFIG)
    assert "Fleksjob" in lines and "+10 personer (årsgennemsnit)" in lines
    assert "vægt 0,50 = 7,00 i årsgennemsnittet" in lines
    assert "Erhvervsgrunduddannelse (FGU)" in lines and "10 personer" in lines

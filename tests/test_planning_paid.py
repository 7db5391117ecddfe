"""Who is on the payroll in a plan: FGU (its egu track is paid) adds to the headcount, and studerende i
praktik are paid or unpaid per placement (`payroll_choice`), with the goal seek saying which it assumed.

Numbers are the sample data's 2021: headcount H = 4770, p = 223,25 persons in the education target's
schemes (elever 118, voksenlærlinge 33,25, IGU 6,75, FGU 14,25, studerende 51), threshold 5 %.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from csr.config import default_config
from csr.importers import import_files
from csr.planning import (
    SCENARIO_VERSION,
    Placement,
    PlanError,
    Scenario,
    apply_scenario,
    build_baseline,
    evaluate,
    goal_seek,
    parse_placement,
    payroll_assumption,
    persons_to_add,
    placement_table,
    placements_needed,
    plan_report,
    scenario_from_args,
    validate_scenario,
)
from csr.shares import compute, persons_needed
from ui import planning as plan

ROOT = Path(__file__).resolve().parents[1]
CONFIG = default_config()
UDDANNELSE = "uddannelse_min"


@pytest.fixture(scope="module")
def figures():
    result = import_files(sorted((ROOT / "sample_data").glob("*.*")), CONFIG)
    assert result.ok, [str(f) for f in result.errors]
    return compute(result.data, result.placements, CONFIG)


@pytest.fixture(scope="module")
def base2021(figures):
    baseline = build_baseline(figures, CONFIG, 2021)
    assert baseline.headcount == 4770.0 and baseline.persons["studerende"] == 51.0
    return baseline


def reference_headcount(figures, scenario: Scenario) -> float:
    """The headcount of the scenario year in `csr.shares`' own computation (the reference path)."""
    years = apply_scenario(figures, CONFIG, scenario).years
    return float(years[(years["code"] == CONFIG.home) & (years["year"] == scenario.year)]["headcount"].iloc[0])


# ---- FGU is on the payroll ------------------------------------------------------------------------


def test_fgu_is_on_the_payroll_and_stu_and_virksomhedspraktik_are_not():
    assert CONFIG.scheme("fgu").on_payroll and CONFIG.scheme("fgu").name == "Erhvervsgrunduddannelse (FGU)"
    assert not CONFIG.scheme("stu").on_payroll and not CONFIG.scheme("virksomhedspraktik").on_payroll
    assert CONFIG.target(UDDANNELSE).mixes_payroll(CONFIG)


def test_fgu_persons_in_a_scenario_add_to_the_headcount(base2021, figures):
    change = Scenario(2021, {"fgu": 5})
    assert evaluate(base2021, CONFIG, change).headcount == 4775.0
    assert reference_headcount(figures, change) == 4775.0
    # 8 FGU students September-December count in November only: weight 0,25, 2 on the headcount
    placed = Scenario(2021, placements=(Placement("fgu", 8, (2021, 9), (2021, 12)),))
    assert evaluate(base2021, CONFIG, placed).headcount == 4772.0
    assert evaluate(base2021, CONFIG, placed).persons["fgu"] == 16.25
    assert placement_table(placed, CONFIG)["on_payroll"].tolist() == [True]
    # STU stays off: 5 more STU students leave the headcount as it is
    assert evaluate(base2021, CONFIG, Scenario(2021, {"stu": 5})).headcount == 4770.0


def test_persons_needed_in_fgu_for_the_education_target_use_the_payroll_formula(base2021):
    # on the payroll: ceil((0,05 · 4770 − 223,25) / 0,95) = ceil(16,05) = 17; off it would be ceil(15,25) = 16
    assert persons_needed(5.0, 4770, 223.25, on_payroll=True) == 17
    assert persons_needed(5.0, 4770, 223.25, on_payroll=False) == 16
    assert persons_to_add(base2021, CONFIG, UDDANNELSE, "fgu") == 17
    assert goal_seek(base2021, CONFIG)[UDDANNELSE]["fgu"] == 17
    assert evaluate(base2021, CONFIG, Scenario(2021, {"fgu": 17})).target(UDDANNELSE).met
    assert not evaluate(base2021, CONFIG, Scenario(2021, {"fgu": 16})).target(UDDANNELSE).met


# ---- studerende: paid or unpaid per placement -----------------------------------------------------


def test_only_studerende_have_the_choice_and_it_defaults_to_paid():
    assert [s.id for s in CONFIG.schemes if s.payroll_choice] == ["studerende"]
    assert CONFIG.scheme("studerende").on_payroll


@pytest.mark.parametrize(
    "first, last, paid, headcount, persons",
    [
        ((2021, 9), (2021, 12), True, 4772.5, 53.5),  # 10 × 0,25 on the payroll
        ((2021, 1), (2021, 12), True, 4780.0, 61.0),  # 10 × 1
        ((2021, 9), (2021, 12), False, 4770.0, 53.5),  # unpaid (SU): the numerator only
        ((2021, 1), (2021, 12), False, 4770.0, 61.0),
        ((2021, 9), (2021, 12), None, 4772.5, 53.5),  # the configuration's default: paid
    ],
)
def test_a_paid_placement_of_10_studerende_adds_10_times_its_weight(
    base2021, figures, first, last, paid, headcount, persons
):
    scenario = Scenario(2021, placements=(Placement("studerende", 10, first, last, paid),))
    after = evaluate(base2021, CONFIG, scenario)
    assert after.headcount == headcount
    assert after.persons["studerende"] == persons
    assert reference_headcount(figures, scenario) == headcount
    table = placement_table(scenario, CONFIG)
    assert table["paid"].tolist() == [paid] and table["on_payroll"].tolist() == [paid is not False]


def test_paid_or_unpaid_is_refused_for_a_scheme_without_the_choice(base2021):
    with pytest.raises(PlanError) as err:
        validate_scenario(
            Scenario(2021, placements=(Placement("elever", 2, (2021, 8), (2021, 12), False),)),
            CONFIG,
        )
    assert str(err.value) == (
        "Placering 1: Elever under erhvervsuddannelse er altid på lønningslisten, så lønnet eller ulønnet kan "
        "ikke vælges; det vælges kun for studerende i praktik."
    )
    with pytest.raises(PlanError, match="Placering 1: Særligt tilrettelagt ungdomsuddannelse \\(STU\\) er aldrig"):
        validate_scenario(Scenario(2021, placements=(Placement("stu", 2, (2021, 8), (2021, 12), True),)), CONFIG)
    with pytest.raises(PlanError, match="skal være sand eller falsk, ikke 'ja'"):
        validate_scenario(Scenario(2021, placements=(Placement("studerende", 2, (2021, 8), (2021, 12), "ja"),)), CONFIG)
    with pytest.raises(PlanError, match="Målsøgningen: Fleksjob er altid på lønningslisten"):
        persons_to_add(base2021, CONFIG, "beskaeftigelse_min", "fleksjob", paid=False)


def test_goal_seek_names_its_assumption_and_computes_with_it(base2021):
    assert payroll_assumption(CONFIG, "studerende") == "forudsat lønnede praktikker"
    assert payroll_assumption(CONFIG, "studerende", False) == "forudsat ulønnede (SU)"
    assert payroll_assumption(CONFIG, "elever") == ""
    # paid: ceil(16,05) = 17 as every payroll scheme; unpaid (SU): ceil(15,25) = 16
    assert goal_seek(base2021, CONFIG)[UDDANNELSE]["studerende"] == 17
    assert goal_seek(base2021, CONFIG, paid={"studerende": False})[UDDANNELSE]["studerende"] == 16
    assert persons_to_add(base2021, CONFIG, UDDANNELSE, "studerende", paid=False) == 16
    unpaid = [Placement("studerende", n, (2021, 1), (2021, 12), False) for n in (16, 15)]
    assert evaluate(base2021, CONFIG, Scenario(2021, placements=(unpaid[0],))).target(UDDANNELSE).met
    assert not evaluate(base2021, CONFIG, Scenario(2021, placements=(unpaid[1],))).target(UDDANNELSE).met
    # from August (weight 0,5): unpaid ceil(15,25 / 0,5) = 31; paid 33 (each also adds 0,5 to the headcount)
    assert placements_needed(base2021, CONFIG, UDDANNELSE, "studerende", 8, paid=False) == 31
    assert placements_needed(base2021, CONFIG, UDDANNELSE, "studerende", 8) == 33
    # the page's lines name the assumption
    after = evaluate(base2021, CONFIG)
    [paid] = plan.seek(base2021, CONFIG, Scenario(2021), after, 8)
    [line] = [x for x in paid.lines if "Studerende" in x]
    assert line == (
        "**Studerende i praktik, forudsat lønnede praktikker**: fra august: 33 personer; fra februar: 17 personer "
        "(17 personer i årsgennemsnit)."
    )
    [su] = plan.seek(base2021, CONFIG, Scenario(2021), after, 8, {"studerende": False})
    [line] = [x for x in su.lines if "Studerende" in x]
    assert line == (
        "**Studerende i praktik, forudsat ulønnede (SU)**: fra august: 31 personer; fra februar: 16 personer "
        "(16 personer i årsgennemsnit)."
    )
    assert not any("forudsat" in x for x in su.lines if "Studerende" not in x)


# ---- saved scenarios ------------------------------------------------------------------------------


def test_a_scenario_keeps_paid_through_json():
    scenario = Scenario(2021, placements=(Placement("studerende", 10, (2021, 9), (2021, 12), False),))
    stored = json.loads(json.dumps(scenario.to_dict()))
    assert stored["version"] == SCENARIO_VERSION == 2
    assert stored["placements"] == [
        {"scheme": "studerende", "persons": 10, "first": "2021-09", "last": "2021-12", "paid": False}
    ]
    assert Scenario.from_dict(stored) == scenario


def test_an_old_saved_scenario_loads_with_the_configurations_default(base2021):
    old = {
        "version": 1,
        "name": "Fra før",
        "year": 2021,
        "changes": {"elever": 2},
        "headcount_change": 0,
        "placements": [{"scheme": "studerende", "persons": 10, "first": "2021-09", "last": "2021-12"}],
    }
    scenario = Scenario.from_dict(old)
    assert scenario.placements == (Placement("studerende", 10, (2021, 9), (2021, 12), None),)
    assert evaluate(base2021, CONFIG, scenario).headcount == 4774.5  # 2 elever + 10 × 0,25 paid
    assert Scenario.from_dict({k: v for k, v in old.items() if k != "version"}) == scenario


def test_a_scenario_from_a_newer_version_or_with_a_broken_paid_says_so():
    with pytest.raises(PlanError) as err:
        Scenario.from_dict({"version": 3, "year": 2021})
    assert str(err.value) == (
        "Scenariet er gemt i version 3, som denne udgave af programmet ikke kender (den læser version 1 til 2)."
    )
    placement = {"scheme": "studerende", "persons": 1, "first": "2021-01", "last": "2021-02", "paid": "ja"}
    with pytest.raises(PlanError, match="Placering 1: 'paid' \\(lønnet\\) skal være true, false eller null, ikke 'ja'"):
        Scenario.from_dict({"version": 2, "year": 2021, "placements": [placement]})
    with pytest.raises(PlanError, match="version \\('version'\\) skal være et helt tal fra 1, ikke 'to'"):
        Scenario.from_dict({"version": "to", "year": 2021})


# ---- the command line -----------------------------------------------------------------------------


def test_a_placement_on_the_command_line_says_paid_or_unpaid(base2021):
    assert parse_placement("studerende:10:2021-09:2021-12:ulønnet", CONFIG).paid is False
    assert parse_placement("Studerende:10:2021-09:2021-12:Lønnet", CONFIG).paid is True
    assert parse_placement("studerende:10:2021-09:2021-12:su", CONFIG).paid is False
    assert parse_placement("studerende:10:2021-09:2021-12", CONFIG).paid is None
    with pytest.raises(PlanError) as err:
        parse_placement("elever:10:2021-09:2021-12:ulønnet", CONFIG)
    assert "Elever under erhvervsuddannelse er altid på lønningslisten" in str(err.value)
    with pytest.raises(PlanError, match="skriv 'lønnet' eller 'ulønnet' til sidst, ikke 'måske'"):
        parse_placement("studerende:10:2021-09:2021-12:måske", CONFIG)
    scenario = scenario_from_args(CONFIG, 2021, placements=["studerende:10:2021-09:2021-12:ulønnet"])
    report = json.loads(json.dumps(plan_report(base2021, CONFIG, scenario)))
    assert report["headcount"] == 4770.0
    assert report["schemes"]["studerende"]["persons"] == 53.5
    [placement] = report["scenario"]["placements"]
    assert placement["paid"] is False and placement["on_payroll"] is False and placement["annual_persons"] == 2.5
    assert report["goal_seek_paid"] == {"studerende": True}
    unpaid = plan_report(base2021, CONFIG, scenario, paid={"studerende": False})
    assert unpaid["goal_seek_paid"] == {"studerende": False}
    # 2,5 unpaid placed already: ceil(238,5 − 225,75) = 13 unpaid, against ceil((238,5 − 225,75) / 0,95) = 14 paid
    assert unpaid["goal_seek"][UDDANNELSE]["studerende"] == 13 and report["goal_seek"][UDDANNELSE]["studerende"] == 14


def test_plan_on_the_command_line_with_an_unpaid_placement():
    files = [str(p) for p in sorted((ROOT / "sample_data").glob("*.*"))]
    args = ["plan", *files, "--year", "2021", "--json", "--placement", "studerende:10:2021-01:2021-12:ulønnet"]
    proc = subprocess.run([sys.executable, "-m", "csr", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["headcount"] == 4770.0 and report["schemes"]["studerende"]["persons"] == 61.0
    assert report["scenario"]["placements"][0]["paid"] is False


# ---- the page's helpers ---------------------------------------------------------------------------


def test_the_form_keeps_paid_or_unpaid_only_where_the_scheme_has_the_choice():
    placements = (
        plan.new_placement("studerende", 10, 9, 12, False, 2021, CONFIG),
        plan.new_placement("studerende", 4, 1, 12, None, 2021, CONFIG),
        plan.new_placement("fleksjob", 1, 1, 3, True, 2021, CONFIG),
    )
    assert [p.paid for p in placements] == [False, None, None]  # Fleksjob is always paid: kept as None
    shown = plan.placements_frame(placement_table(Scenario(2021, placements=placements), CONFIG))
    assert shown["Antal ansatte"].tolist() == ["tæller ikke med (ulønnet)", "tæller med", "tæller med"]
    assert shown["Periode"].tolist() == ["september – december", "hele året", "januar – marts"]
    assert plan.placement_sentence(placements[0], CONFIG) == (
        "10 personer i Studerende i praktik (ulønnet), september – december 2021"
    )

"""The computation of docs/regler.md §2-§6: annual figures, shares, neighbours, targets, gaps, placements."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csr.config import HEADCOUNT, default_config
from csr.importers import import_files
from csr.model import empty_canonical, empty_placements
from csr.shares import (
    annual_figures,
    annual_shares,
    compute,
    municipality_years,
    neighbour_average,
    persons_needed,
    placement_status,
)

SAMPLE = sorted((Path(__file__).parent.parent / "sample_data").glob("*.*"))
CONFIG = default_config()


@pytest.fixture(scope="module")
def sample():
    result = import_files(SAMPLE, CONFIG)
    assert result.ok, [str(f) for f in result.errors]
    return result, compute(result.data, result.placements, CONFIG)


def rows(*records: tuple) -> pd.DataFrame:
    """Canonical rows from (municipality code, year, period, index, scheme, value)."""
    frame = pd.DataFrame(
        [
            {
                "municipality": CONFIG.municipality(code).name,
                "code": code,
                "year": year,
                "period": period,
                "index": index,
                "scheme": scheme,
                "value": float(value),
                "file": "t.xlsx",
                "sheet": "Data",
                "row": i + 2,
                "column": "D",
            }
            for i, (code, year, period, index, scheme, value) in enumerate(records)
        ]
    )
    return pd.concat([empty_canonical(), frame], ignore_index=True).astype(empty_canonical().dtypes.to_dict())


def measured(code: int, year: int, scheme: str, values: list[float]) -> list[tuple]:
    return [(code, year, "M", m, scheme, v) for m, v in zip((2, 5, 8, 11), values)]


# ---- the strategy's published status for 2019 ---------------------------------------------------


def test_sample_reproduces_the_strategys_2019_status(sample):
    _, figures = sample
    year = figures.years.set_index(["code", "year"]).loc[(580, 2019)]
    assert round(year["total_share"], 1) == 22.0
    assert round(year["beskaeftigelse"], 1) == 10.2
    assert round(year["uddannelse"], 1) == 4.9
    assert round(year["beredskab"], 1) == 6.9
    assert 4650 <= year["headcount"] <= 4750
    assert not year["provisional"]
    employment, education = figures.neighbour(2019, "beskaeftigelse"), figures.neighbour(2019, "uddannelse")
    assert employment.method == "pooled"
    assert round(employment.average, 1) == 7.0
    assert round(education.average, 1) == 4.1
    assert employment.missing == () and employment.missing_schemes == {}
    assert round(figures.target(2019, "uddannelse_min").value, 1) == 4.9
    assert figures.target(2019, "uddannelse_min").met is False
    stu = figures.shares.set_index(["code", "year", "scheme"])["persons"]
    assert stu[(580, 2019, "stu")] == 3.0
    assert stu[(580, 2018, "stu")] == 4.0


def test_sample_tells_a_story_of_targets_missed_and_recovered(sample):
    _, figures = sample
    met = {(t.year, t.id): t.met for t in figures.targets}
    assert not met[(2021, "uddannelse_min")] and met[(2022, "uddannelse_min")]
    assert not met[(2023, "beredskab_min")] and met[(2024, "beredskab_min")]
    assert not met[(2022, "praktikpladser")] and met[(2021, "praktikpladser")]
    assert all(met[(y, "samlet_min")] for y in range(2018, 2026))


def test_2025_is_provisional_and_after_the_strategy_period(sample):
    _, figures = sample
    years = figures.years.set_index(["code", "year"])
    assert years.at[(580, 2025), "provisional"]
    assert not years.at[(580, 2024), "provisional"]
    t = figures.target(2025, "samlet_min")
    assert t.after_strategy
    assert t.threshold == 15.0
    assert figures.latest_complete_year(CONFIG) == 2024
    assert figures.provisional_years(CONFIG) == (2025,)


def test_compute_does_not_change_its_input(sample):
    result, _ = sample
    data, placements = result.data.copy(), result.placements.copy()
    figures = compute(result.data, result.placements, CONFIG)
    pd.testing.assert_frame_equal(result.data, data)
    pd.testing.assert_frame_equal(result.placements, placements)
    assert figures.annual is not result.data


# ---- annual figures ------------------------------------------------------------------------------


def test_annual_figure_is_the_mean_of_the_measurement_months_only():
    data = rows(
        *measured(580, 2022, HEADCOUNT, [1000, 1010, 1020, 1030]),
        (580, 2022, "M", 3, HEADCOUNT, 5000),  # March is not a measurement month
        *measured(580, 2022, "fleksjob", [40, 42, 44, 46]),
    )
    annual = annual_figures(data, CONFIG).set_index("scheme")
    assert annual.at[HEADCOUNT, "value"] == 1015.0
    assert annual.at["fleksjob", "value"] == 43.0
    assert not annual.at["fleksjob", "provisional"]


def test_fewer_than_four_measurement_months_is_provisional():
    data = rows(*measured(580, 2025, HEADCOUNT, [1000, 1100])[:2], *measured(580, 2025, "elever", [30, 50, 70]))
    annual = annual_figures(data, CONFIG).set_index("scheme")
    assert annual.at[HEADCOUNT, "value"] == 1050.0 and annual.at[HEADCOUNT, "present"] == 2
    assert annual.at["elever", "value"] == 50.0 and annual.at["elever", "provisional"]
    years = municipality_years(annual_figures(data, CONFIG), CONFIG)
    assert bool(years.iloc[0]["provisional"])


def test_quarterly_values_stand_for_the_measurement_month_of_their_quarter():
    data = rows(*[(580, 2021, "Q", q, "loentilskud", v) for q, v in zip((1, 2, 3, 4), (10, 20, 30, 40))])
    annual = annual_figures(data, CONFIG)
    assert annual.iloc[0]["value"] == 25.0 and annual.iloc[0]["present"] == 4


def test_virksomhedspraktik_is_averaged_over_all_months_present_or_used_as_a_yearly_value():
    monthly = rows(
        *[(580, 2020, "M", m, "virksomhedspraktik", m) for m in range(1, 13)],
        *[(580, 2021, "M", m, "virksomhedspraktik", 10) for m in range(1, 9)],
        (580, 2022, "Y", 0, "virksomhedspraktik", 71.5),
    )
    annual = annual_figures(monthly, CONFIG).set_index("year")
    assert annual.at[2020, "value"] == 6.5 and not annual.at[2020, "provisional"]
    assert annual.at[2021, "value"] == 10.0 and annual.at[2021, "provisional"]
    assert annual.at[2021, "expected"] == 12
    assert annual.at[2022, "value"] == 71.5 and annual.at[2022, "basis"] == "år"


def test_shares_categories_and_total_follow_the_strategy():
    data = rows(
        *measured(580, 2022, HEADCOUNT, [4000] * 4),
        *measured(580, 2022, "fleksjob", [200] * 4),
        *measured(580, 2022, "loentilskud", [100] * 4),
        *measured(580, 2022, "elever", [160] * 4),
        *measured(580, 2022, "stu", [4] * 4),
        *measured(580, 2022, "beredskab", [240] * 4),
    )
    annual = annual_figures(data, CONFIG)
    shares = annual_shares(annual, CONFIG).set_index("scheme")
    assert shares.at["fleksjob", "share"] == pytest.approx(5.0)
    year = municipality_years(annual, CONFIG).iloc[0]
    assert year["beskaeftigelse"] == pytest.approx(7.5)
    assert year["uddannelse"] == pytest.approx(4.1)
    assert year["beredskab"] == pytest.approx(6.0)
    assert year["total_share"] == pytest.approx(17.6)
    assert "virksomhedspraktik" in year["missing_schemes"] and "fleksjob" not in year["missing_schemes"]


# ---- neighbours ----------------------------------------------------------------------------------


def neighbour_data() -> pd.DataFrame:
    records = [
        *measured(580, 2022, HEADCOUNT, [4000] * 4),
        *measured(580, 2022, "fleksjob", [300] * 4),
        *measured(580, 2022, "beredskab", [250] * 4),
    ]
    # Esbjerg: 9000 employees, 450 fleksjob (5 %); Tønder: 3000, 240 (8 %) and a beredskab that must not count.
    records += [*measured(561, 2022, HEADCOUNT, [9000] * 4), *measured(561, 2022, "fleksjob", [450] * 4)]
    records += [
        *measured(550, 2022, HEADCOUNT, [3000] * 4),
        *measured(550, 2022, "fleksjob", [240] * 4),
        *measured(550, 2022, "beredskab", [500] * 4),
    ]
    return rows(*records)


def test_neighbour_average_pooled_and_mean_name_the_missing():
    shares = annual_shares(annual_figures(neighbour_data(), CONFIG), CONFIG)
    schemes = ("fleksjob", "beredskab")
    pooled = neighbour_average(shares, CONFIG, 2022, schemes)
    assert pooled.method == "pooled"
    assert pooled.average == pytest.approx((450 + 240) / (9000 + 3000) * 100)  # 5.75, beredskab left out
    assert pooled.home == pytest.approx(7.5)  # beredskab left out on the home side too
    mean = neighbour_average(shares, CONFIG, 2022, schemes, method="mean")
    assert mean.average == pytest.approx((5.0 + 8.0) / 2)
    assert set(pooled.missing) == {"Haderslev", "Kolding", "Sønderborg", "Vejen"}
    assert set(pooled.included) == {"Esbjerg", "Tønder"}


def test_above_neighbours_target_uses_the_neighbour_average_as_threshold():
    figures = compute(neighbour_data(), empty_placements(), CONFIG)
    t = {s.id: s for s in figures.targets_in(2022)}
    assert t["beskaeftigelse_naboer"].threshold == pytest.approx(5.75)
    assert t["beskaeftigelse_naboer"].value == pytest.approx(7.5)
    assert t["beskaeftigelse_naboer"].met is True
    assert "Haderslev" in t["beskaeftigelse_naboer"].note
    assert t["uddannelse_naboer"].met is None  # no education data anywhere
    assert t["praktikpladser"].met is None


# ---- targets and gaps ------------------------------------------------------------------------------


def test_thresholds_are_looked_up_by_year():
    target = CONFIG.target("samlet_min")
    assert target.threshold(2019) == 10.0
    assert target.threshold(2020) == 10.0
    assert target.threshold(2021) == 15.0
    assert target.threshold(2030) == 15.0
    assert CONFIG.target("beredskab_min").threshold(2022) == 5.0
    assert CONFIG.strategy_period_ended(2025) and not CONFIG.strategy_period_ended(2024)


def test_persons_needed_payroll_and_not():
    # 4,700 employees, 220 persons, 5 %: payroll n = ceil((235 - 220) / 0.95) = ceil(15.79) = 16
    assert persons_needed(5.0, 4700, 220, on_payroll=True) == 16
    # beredskab: volunteers are employees already: n = ceil(235 - 220) = 15
    assert persons_needed(5.0, 4700, 220, on_payroll=False) == 15
    assert persons_needed(5.0, 4700, 300, on_payroll=True) == 0
    assert persons_needed(5.0, 4700, 235, on_payroll=False) == 0  # exactly on the threshold is met
    assert persons_needed(5.0, 4700, 235, on_payroll=False, strict=True) == 1  # above means above


@given(
    threshold=st.floats(min_value=0.5, max_value=40.0),
    headcount=st.floats(min_value=50, max_value=50_000),
    fraction=st.floats(min_value=0.0, max_value=0.6),
    payroll=st.booleans(),
    strict=st.booleans(),
)
def test_persons_needed_is_exact(threshold, headcount, fraction, payroll, strict):
    persons = headcount * fraction
    n = persons_needed(threshold, headcount, persons, payroll, strict)

    def reached(k: int) -> bool:
        share = (persons + k) / (headcount + (k if payroll else 0)) * 100
        return share > threshold if strict else share >= threshold

    assert reached(n)
    assert n == 0 or not reached(n - 1)


def test_gap_in_points_and_persons_in_the_target_table():
    data = rows(
        *measured(580, 2022, HEADCOUNT, [4700] * 4),
        *measured(580, 2022, "elever", [220] * 4),
        *measured(580, 2022, "stu", [10] * 4),
        *measured(580, 2022, "beredskab", [220] * 4),
    )
    t = {s.id: s for s in compute(data, empty_placements(), CONFIG).targets}
    assert t["uddannelse_min"].value == pytest.approx(220 / 4700 * 100)  # STU does not count
    assert t["uddannelse_min"].gap_pp == pytest.approx(220 / 4700 * 100 - 5)
    assert t["uddannelse_min"].gap_persons == 16
    assert t["beredskab_min"].gap_persons == 15
    # the overall target mixes payroll and non-payroll schemes: the payroll formula applies
    total = 450 / 4700
    assert t["samlet_min"].value == pytest.approx(total * 100)
    assert t["samlet_min"].gap_persons == persons_needed(15.0, 4700, 450, True)


def test_placement_status_is_met_only_when_every_education_is():
    placements = pd.DataFrame(
        {
            "year": [2022, 2022, 2023],
            "education": ["SOSU-assistent", "Kontor", "Kontor"],
            "agreed": [60.0, 6.0, 6.0],
            "realised": [53.0, 8.0, 6.0],
            "file": "x",
            "sheet": "P",
            "row": [2, 3, 4],
        }
    )
    status = placement_status(placements, 2022).set_index("education")
    assert not status.at["SOSU-assistent", "met"] and status.at["Kontor", "met"]
    assert status.at["I alt", "agreed"] == 66 and status.at["I alt", "realised"] == 61
    assert status.at["I alt", "fulfilment"] == pytest.approx(61 / 66 * 100)
    assert status.at["SOSU-assistent", "short"] == 7 and status.at["I alt", "short"] == 7  # no cover from Kontor
    assert not status.at["I alt", "met"]
    assert placement_status(placements, 2023).set_index("education").at["I alt", "met"]
    assert placement_status(placements, 2030).empty

"""The national part of `report`: the JSON shape of the issue per year, and one text line per category."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from national_support import YEARS, independent_national, national_import, national_workbook

from csr.config import default_config
from csr.report import build_report, format_report
from csr.shares import compute

CONFIG = default_config()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> dict:
    result = national_import()
    return build_report(compute(result.data, result.placements, CONFIG), CONFIG)


def test_every_year_has_the_national_part_in_the_issues_shape(report):
    expected = independent_national()
    assert [y["year"] for y in report["years"]] == list(YEARS)
    for y in report["years"]:
        national = y["national"]
        assert list(national) == ["municipalities", "beskaeftigelse", "uddannelse"]
        assert national["municipalities"] == 98
        for group in ("beskaeftigelse", "uddannelse"):
            entry, want = national[group], expected[(y["year"], group)]
            assert list(entry) == ["rank", "average", "mean", "quartiles"]
            assert entry["rank"] == want["rank"]
            assert entry["average"] == pytest.approx(want["average"])
            assert entry["mean"] == pytest.approx(want["mean"])
            assert entry["quartiles"] == pytest.approx(list(want["quartiles"]))
    json.dumps(report)  # plain JSON: no NaN, no numpy numbers


def test_the_text_report_has_one_line_per_category(report):
    expected = independent_national()
    lines = format_report(report, CONFIG).splitlines()
    heading = [i for i, line in enumerate(lines) if line == "Landets kommuner (98 med data):"]
    assert len(heading) == len(YEARS)
    first = heading[YEARS.index(2021)]
    rows = lines[first + 1 : first + 3]
    for row, group, name in zip(rows, ("beskaeftigelse", "uddannelse"), ("Beskæftigelse", "Uddannelse"), strict=True):
        want = expected[(2021, group)]
        assert row.strip().startswith(name)
        assert f"nr. {want['rank']} af 98" in row
        average = f"{want['average']:.1f}".replace(".", ",")
        assert f"landsgennemsnit {average} %" in row and "(samlet)" in row and "(simpelt)" in row
        median = f"{want['quartiles'][1]:.1f}".replace(".", ",")
        assert f"{median} % (median)" in row
    assert lines[first + 3] == ""


def test_without_national_data_the_report_has_no_national_part(sample_figures, config):
    report = build_report(sample_figures, config)
    assert all("national" not in y for y in report["years"])
    assert "Landets kommuner" not in format_report(report, config)


def test_the_command_line_report_has_the_national_part(tmp_path):
    path = tmp_path / "landsdata.xlsx"
    path.write_bytes(national_workbook())
    run = subprocess.run(
        [sys.executable, "-m", "csr", "report", "--json", "--year", "2021", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    (year,) = json.loads(run.stdout)["years"]
    want = independent_national()[(2021, "beskaeftigelse")]
    assert year["national"]["municipalities"] == 98
    assert year["national"]["beskaeftigelse"]["rank"] == want["rank"]
    assert year["national"]["beskaeftigelse"]["average"] == pytest.approx(want["average"])


def test_a_category_over_fewer_municipalities_and_a_year_without_home_data():
    import pandas as pd
    from test_national import HAND, canonical

    from csr.national import national_ranking
    from csr.report import national_lines, national_report

    national = national_ranking(compute(canonical(HAND), pd.DataFrame(), CONFIG).shares, CONFIG)
    part = national_report(national, CONFIG, 2022)
    assert part is not None and part["municipalities"] == 3
    assert part["beskaeftigelse"]["rank"] is None and "municipalities" not in part["beskaeftigelse"]
    assert part["uddannelse"] == {
        "rank": None,
        "average": 1.0,
        "mean": 1.0,
        "quartiles": [1.0, 1.0, 1.0],
        "municipalities": 1,
    }  # only København has an education scheme in 2022
    assert national_report(national, CONFIG, 2019) is None
    lines = national_lines(part, CONFIG)
    assert lines[0] == "Landets kommuner (3 med data):"
    assert lines[1].split()[:3] == ["Beskæftigelse", "ingen", "egne"]
    assert "landsgennemsnit 1,0 % (samlet), 1,0 % (simpelt); kvartiler 1,0 %, 1,0 % (median), 1,0 %" in lines[2]
    ranked = national_report(national, CONFIG, 2021)
    assert ranked is not None
    assert "nr. 3 af 5" in national_lines(ranked, CONFIG)[1]

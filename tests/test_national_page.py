"""The Landet page through AppTest (the page script itself: app.py lists it once the lead adds its line),
without national data and with the national workbook in a store, and its chart builders' specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_support import seen
from national_support import national_import, national_workbook
from streamlit.testing.v1 import AppTest

from csr import charts_national, text_national
from csr.config import default_config
from csr.national import national_ranking
from csr.shares import compute
from csr.store import Store

CONFIG = default_config()
PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "landet.py")


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [h.value for h in at.header]
    return seen("\n".join(parts))


def run(year: int | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.run()
    if year is not None:
        at.selectbox(key="year").select(year).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def national():
    result = national_import()
    figures = compute(result.data, result.placements, CONFIG)
    return figures, national_ranking(figures.shares, CONFIG)


def test_without_national_data_the_page_says_what_to_import():
    at = run()  # the empty store of the tests: the sample data, Aabenraa and its neighbours only
    assert at.title[0].value == "Landet"
    assert [i.value for i in at.info] == [text_national.no_national_data_sentence(CONFIG)]
    assert "Importér tal for alle landets kommuner på siden Data" in at.info[0].value
    assert not at.get("vega_lite_chart")


def test_with_the_national_workbook_the_page_ranks_and_draws(tmp_path, monkeypatch, national):
    figures, ranking = national
    Store(tmp_path).add_batch([("landsdata.xlsx", national_workbook())], national_import(), who="Test")
    monkeypatch.setenv("CSR_DATA_DIR", str(tmp_path))
    at = run(2021)
    shown = texts(at)
    f = ranking.figure(2021, "beskaeftigelse")
    assert f is not None and f.home is not None
    assert f"Aabenraa er nr. {f.home.rank} af 98 kommuner i beskæftigelse i 2021" in shown
    assert text_national.averages_sentence(f) in shown
    assert "Omegnskommunerne: " in shown and "Haderslev nr. " in shown
    assert "Aabenraas placering år for år. Beskæftigelse: fra nr. " in shown
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 3
    bars = specs[0]
    assert "nr. " in bars["description"] and "af landets 98 kommuner" in bars["description"]
    assert [h.value for h in at.header] == ["Beskæftigelse", "Uddannelse", "År for år"]


def test_the_distribution_chart_has_every_municipality_the_home_and_the_neighbours(national):
    figures, ranking = national
    spec = charts_national.distribution_chart(ranking, CONFIG, 2021, "beskaeftigelse").to_dict()
    f = ranking.figure(2021, "beskaeftigelse")
    assert f is not None and f.home is not None
    (rows,) = [v for k, v in spec["datasets"].items() if len(v) == 98]
    assert [r["municipality"] for r in rows][f.home.rank - 1] == "Aabenraa"
    assert sorted(r["role"] for r in rows).count("Omegnskommune") == 6
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        "Hjemkommune",
        "Omegnskommune",
        "Øvrige kommuner",
    ]
    table = spec["usermeta"]["csr_table"]
    assert table["columns"] == ["Placering", "Kommune", "Andel af ansatte (%)", "Hvem"]
    assert len(table["rows"]) == 98 + 2  # every municipality, then the two national averages
    home_row = next(r for r in table["rows"] if r[1] == "Aabenraa")
    assert home_row[0] == f"{f.home.rank}." and "," in home_row[2]
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert f"Aabenraa er nr. {f.home.rank} af 98" in spec["description"]


def test_the_rank_chart_reverses_the_rank_axis(national):
    figures, ranking = national
    spec = charts_national.rank_trend_chart(ranking, figures.years, CONFIG).to_dict()
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line"
    assert line["encoding"]["y"]["field"] == "rank" and line["encoding"]["y"]["scale"]["reverse"] is True
    assert line["encoding"]["y"]["scale"]["domain"] == [1, 98]
    table = spec["usermeta"]["csr_table"]
    points = ranking.trend("beskaeftigelse")
    rows = [r for r in table["rows"] if r[0] == "Beskæftigelse"]
    assert [r[2] for r in rows] == [f"nr. {p.rank} af {p.of}" for p in points]
    assert len(table["rows"]) == 16


def test_without_national_data_the_frame_still_draws_its_page_links():
    """The page says what to import and ends there, without stopping the script: the frame's links (drawn
    after the page) are still there."""
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/landet.py").run()
    assert not at.exception
    assert [i.value for i in at.info][0].startswith("Der er ingen tal for andre kommuner end Aabenraa")
    assert [link.proto.label for link in at.get("page_link")][:4] == [
        "Overblik",
        "Udvikling",
        "Omegnskommuner",
        "Landet",
    ]

"""Implausible stored figures on the pages: the numbers are shown as they are, with a warning naming them
(`figure_warnings`, drawn by the shared frame), and a target that cannot be judged says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from card_support import card_values
from markdown_support import seen
from streamlit.testing.v1 import AppTest
from table_support import html_tables

from csr import text
from csr.config import default_config
from csr.importers import import_files
from csr.shares import compute
from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
ESBJERG = 561
FIGURE_PAGES = ["overblik", "udvikling", "omegnskommuner", "praktikpladser", "planlaegning", "rapport"]
WARNING = "Samlet andel over 100 %: Esbjerg har i 2019 100.665,9 personer i ordningerne, 1.129,9 % af 8.909,2"


def _implausible() -> tuple[list[tuple[str, bytes]], object]:
    """The sample files with Esbjerg's 2019 Fleksjob at 100,000 persons (about 8,900 staff): stored as if
    before the import's plausibility checks, which would refuse it."""
    result = import_files(SAMPLE_FILES, default_config(), isolate=False)
    data = result.data
    rows = (data["code"] == ESBJERG) & (data["scheme"] == "fleksjob") & (data["year"] == 2019)
    assert rows.sum() == 4
    data.loc[rows, "value"] = 100_000.0
    return [(p.name, p.read_bytes()) for p in SAMPLE_FILES], result


@pytest.fixture(scope="module")
def implausible():
    return _implausible()


def test_a_target_left_unjudged_by_an_implausible_average_says_why(implausible):
    config = default_config()
    _, result = implausible
    figures = compute(result.data, result.placements, config)
    sentence = text.target_sentence(figures, config, 2019, "beskaeftigelse_naboer")
    assert sentence.startswith(
        "Målet om at ligge over omegnskommunernes gennemsnit i ordningerne under "
        "beskæftigelse kan ikke vurderes for 2019: omegnskommunernes gennemsnit er "
    )
    assert "over 100 % af de ansatte. Tjek tallene for personer og ansatte." in sentence
    assert "ingen tal for omegnskommunerne" not in sentence
    # Education is untouched: judged as before (4,9 % against 4,1 %).
    education = text.target_sentence(figures, config, 2019, "uddannelse_naboer")
    assert "er ikke opfyldt" not in education and "4,1 %" in education


def test_a_target_without_neighbour_data_still_says_so(implausible):
    config = default_config()
    _, result = implausible
    data = result.data[~result.data["code"].isin(config.neighbours)]
    figures = compute(data, result.placements, config)
    sentence = text.target_sentence(figures, config, 2019, "beskaeftigelse_naboer")
    assert sentence.endswith("kan ikke vurderes for 2019: der er ingen tal for omegnskommunerne.")


def test_every_figures_page_shows_the_numbers_and_the_warning(tmp_path, monkeypatch, implausible):
    uploads, result = implausible
    directory = tmp_path / "lager"
    Store(directory).add_batch(uploads, result, who="Test")
    monkeypatch.setenv("CSR_DATA_DIR", str(directory))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    for page in FIGURE_PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        warnings = [seen(w.value) for w in at.warning if "Usandsynlige tal" in w.value]
        assert len(warnings) == 1, page
        assert WARNING in warnings[0], (page, warnings[0])
        if page == "overblik":
            at.selectbox(key="year").select(2019).run()
            cards = card_values(at)
            assert cards["Mindst 10 % i en eller flere ordninger"] == "22,0 %"
            assert cards["Mindst 6 % i beskæftigelsesordninger"] == "10,2 %"
        if page == "omegnskommuner":  # Esbjerg's share as it is, beside the warning
            at.selectbox(key="year").select(2019).run()
            assert not at.exception
            # the table has one row per municipality and one column per scheme (short names)
            table = html_tables(at)[0]
            esbjerg = table.set_index(table.columns[0]).loc["Esbjerg"].str.replace("\xa0", " ")  # kept on one line
            assert esbjerg["Fleksjob"] == "1.122,4 %" and esbjerg["Beskæftigelse i alt"] == "1.125,6 %", esbjerg
            assert "mod 310,2 % som omegnskommunernes samlede gennemsnit" in at.caption[0].value
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert not [w for w in at.warning if "Usandsynlige tal" in w.value], "the Data page shows no figures"

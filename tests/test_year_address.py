"""One year for the whole app, in the address (`?år=2021`): shared by every page, set by a link, kept by
page switches, corrected when the data has no such year; the default is never a provisional year."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_support import seen
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = {
    "overblik": "app_pages/overblik.py",
    "udvikling": "app_pages/udvikling.py",
    "omegnskommuner": "app_pages/omegnskommuner.py",
    "praktikpladser": "app_pages/praktikpladser.py",
    "planlaegning": "app_pages/planlaegning.py",
    "rapport": "app_pages/rapport.py",
}
WITH_YEAR = ("overblik", "omegnskommuner", "praktikpladser", "planlaegning", "rapport")


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    """An empty store of its own: the pages show the sample data."""
    monkeypatch.setenv("CSR_DATA_DIR", str(tmp_path))
    return tmp_path


def opened(page: str, **params: str) -> AppTest:
    """`page` as a link with `params` opens it: the address's parameters are there from the first run."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overblik":
        at.switch_page(PAGES[page]).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def address(at: AppTest, key: str = "år") -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def shown(at: AppTest) -> str:
    """The page's text as it is read (escaped text as shown)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.subheader]
    return seen("\n".join(parts))


@pytest.mark.parametrize("page", WITH_YEAR)
def test_the_default_is_the_latest_complete_year_never_the_provisional_one(page):
    at = opened(page)
    year = at.selectbox(key="year")
    assert year.value == 2024
    assert year.options[-1] == "2025 (foreløbig)"  # still selectable, marked
    assert address(at) == "2024"  # the address names the year shown, so a copied link opens the same view


@pytest.mark.parametrize("page", WITH_YEAR)
def test_a_link_with_a_year_opens_that_year(page):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params["år"] = "2021"  # the link opened on this page
    at.switch_page(PAGES[page]).run()
    assert_clean(at)
    assert at.selectbox(key="year").value == 2021
    assert address(at) == "2021"


def test_the_linked_year_is_what_the_page_shows():
    at = opened("omegnskommuner", år="2021")
    assert at.selectbox(key="year").value == 2021
    assert "I 2021 var" in shown(at)
    assert "I 2024 var" not in shown(at)


def test_switching_pages_keeps_the_year_also_past_a_page_without_the_selector():
    at = opened("omegnskommuner", år="2021")
    for page in ("overblik", "udvikling", "praktikpladser", "rapport", "planlaegning", "omegnskommuner"):
        at.switch_page(PAGES[page]).run()
        assert_clean(at)
        assert address(at) == "2021", page
        if page in WITH_YEAR:
            assert at.selectbox(key="year").value == 2021, page
    assert "I 2021 var" in shown(at)


def test_choosing_a_year_writes_it_to_the_address_and_the_other_pages_follow():
    at = opened("rapport")
    at.selectbox(key="year").select(2019).run()
    assert address(at) == "2019"
    at.switch_page(PAGES["planlaegning"]).run()
    assert at.selectbox(key="year").value == 2019
    assert "Resultat for 2019" in [s.value for s in at.subheader]
    at.selectbox(key="year").select(2022).run()
    at.switch_page(PAGES["overblik"]).run()
    assert at.selectbox(key="year").value == 2022 and address(at) == "2022"


def test_a_changed_address_wins_over_the_earlier_choice_as_after_the_back_button():
    at = opened("overblik")
    at.selectbox(key="year").select(2019).run()
    at.query_params["år"] = "2024"  # the back button brings the address before the choice
    at.run()
    assert at.selectbox(key="year").value == 2024
    assert address(at) == "2024"


@pytest.mark.parametrize("value", ["1999", "2030", "abc", "", "20 21"])
def test_a_year_not_in_the_data_falls_back_to_the_default_and_the_address_is_corrected(value):
    at = opened("overblik", år=value)
    assert at.selectbox(key="year").value == 2024
    assert address(at) == "2024"  # no error (`opened` checks), the page shows the default year
    assert "I 2024 var" in shown(at)  # Figure 1's sentence, of the default year


def test_aar_without_the_danish_letter_works_and_becomes_år():
    at = opened("praktikpladser", aar="2022")
    assert at.selectbox(key="year").value == 2022
    assert address(at) == "2022"
    assert "aar" not in at.query_params


def test_the_planner_plans_a_provisional_year_only_when_it_is_chosen():
    at = opened("planlaegning")
    assert "Resultat for 2024" in [s.value for s in at.subheader]
    at = opened("planlaegning", år="2025")
    assert at.selectbox(key="year").value == 2025
    assert "Resultat for 2025 (foreløbig)" in [s.value for s in at.subheader]


def test_the_year_and_meeting_mode_share_the_address():
    at = opened("omegnskommuner", år="2021", visning="møde")
    at.switch_page(PAGES["overblik"]).run()
    assert at.selectbox(key="year").value == 2021
    assert address(at) == "2021" and address(at, "visning") == "møde"

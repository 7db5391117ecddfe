"""The Landet page in a real browser with the national workbook in the store: its three charts drawn,
the rank in words, and no serious or critical axe-core violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import (
    ARTIFACTS,
    BROWSER_MARKS,
    assert_no_error,
    axe_violations,
    chromium,
    open_page,
    serve,
    wait_for_charts,
)
from national_support import national_import, national_workbook

from csr.config import default_config
from csr.national import national_ranking
from csr.shares import compute
from csr.store import Store

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("landet_store")
    Store(data_dir).add_batch([("landsdata.xlsx", national_workbook())], national_import(), who="Browsertest")
    with serve("streamlit-landet.log", data_dir) as (url, _):
        yield url


def test_the_landet_page_draws_its_charts_and_passes_axe(server):
    result = national_import()
    figures = compute(result.data, result.placements, default_config())
    f = national_ranking(figures.shares, default_config()).figure(2021, "beskaeftigelse")
    assert f is not None and f.home is not None
    with chromium() as browser, open_page(browser, height=1000) as page:
        page.goto(f"{server}/landet?%C3%A5r=2021")
        wait_for_charts(page, 3)
        assert_no_error(page)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert f"Aabenraa er nr. {f.home.rank} af 98 kommuner i beskæftigelse i 2021" in body
        assert "Landsgennemsnittet er" in body and "Omegnskommunerne: " in body
        # every bar of the distribution is drawn: 98 municipalities in each category's chart
        bars = page.evaluate(
            """() => [...document.querySelectorAll('.st-key-chart_landet_beskaeftigelse svg path[role="graphics-symbol"], '
                + '.st-key-chart_landet_beskaeftigelse svg .mark-rect path')].length"""
        )
        assert bars >= 98, bars
        page.screenshot(path=str(ARTIFACTS / "landet.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, violations

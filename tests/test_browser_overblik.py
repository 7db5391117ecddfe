"""Overblik answers first, in a real browser: the headline, the unmet target's card and Figure 1 in the
first screen of a 1400×900 laptop and of a 1920×1080 projector in meeting mode (sample data, 2021)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, CHART, assert_no_error, chromium, serve, wait_for_charts

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve("streamlit_overblik.log") as (url, _):
        yield url


@pytest.mark.parametrize(
    ("name", "width", "height", "query"),
    [("laptop", 1400, 900, ""), ("meeting", 1920, 1080, "?visning=m%C3%B8de")],
)
def test_headline_unmet_card_and_figure1_in_the_first_screen(server, name, width, height, query):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{server}/{query}")
            wait_for_charts(page, 1)
            page.locator('[data-testid="stSelectbox"]').first.click()
            page.get_by_role("option", name="2021", exact=True).click()
            page.wait_for_function("() => document.body.innerText.includes('I 2021 er 7 af 8 mål nået')")
            wait_for_charts(page, 1)
            assert_no_error(page)
            page.screenshot(path=str(ARTIFACTS / f"overblik_first_screen_{name}.png"))
            headline = page.locator(".st-key-headline").bounding_box()
            unmet = page.locator(".st-key-card_uddannelse_min").bounding_box()
            met = page.locator(".st-key-card_samlet_min").bounding_box()
            figure = page.locator(f".st-key-chart_figur1 {CHART}").bounding_box()
            assert headline and unmet and met and figure
            assert "uddannelse mangler 17 personer" in page.locator(".st-key-headline").inner_text()
            assert "Ikke opfyldt" in page.locator(".st-key-card_uddannelse_min").inner_text()
            assert headline["y"] + headline["height"] <= height
            assert unmet["y"] + unmet["height"] <= height  # the whole unmet card
            assert unmet["y"] <= met["y"] and unmet["x"] < met["x"]  # first among the cards
            assert figure["x"] > unmet["x"] + unmet["width"]  # beside the cards, not below them
            assert figure["y"] < headline["y"] + 200
            visible = min(figure["y"] + figure["height"], height) - figure["y"]
            assert visible >= 0.8 * figure["height"]  # the donut itself, nearly all of it
        finally:
            context.close()

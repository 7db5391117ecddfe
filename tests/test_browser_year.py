"""The year in the address in a real browser: a link with ?år=2021 opens 2021, following a page link keeps
it, and the back button returns to the year before.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright against `streamlit run app.py` started here.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import BROWSER_MARKS, assert_no_error, open_page, wait_for_charts

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

YEAR = ".st-key-year"  # the year selector, on every page that has one


@pytest.fixture
def page(browser):
    with open_page(browser, height=2000) as page:
        yield page


def address_year(url: str) -> list[str]:
    return parse_qs(urlparse(url).query).get("år", [])


def shown_year(page) -> str:
    return page.locator(f"{YEAR} input[role='combobox']").input_value()


def wait_for_year(page, year: str) -> None:
    page.wait_for_function(
        """(year) => {
            const box = document.querySelector('.st-key-year input[role="combobox"]');
            return box && box.value === year
                && new URL(location.href).searchParams.get('år') === year;
        }""",
        arg=year,
        timeout=90_000,
    )


def test_a_linked_year_survives_a_page_link_and_the_back_button_returns_to_it(server, page):
    page.goto(f"{server}/omegnskommuner?%C3%A5r=2021")
    wait_for_charts(page, 3)
    wait_for_year(page, "2021")
    assert shown_year(page) == "2021"
    assert address_year(page.url) == ["2021"]
    assert_no_error(page)

    page.locator(".st-key-pagelinks a", has_text="Overblik").click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.includes('Overblik')", timeout=90_000)
    wait_for_charts(page, 1)
    wait_for_year(page, "2021")
    assert urlparse(page.url).path in ("", "/")
    assert address_year(page.url) == ["2021"]
    assert shown_year(page) == "2021"
    assert_no_error(page)

    # choosing a year writes it to the address; the back button brings the year before back
    page.locator(f"{YEAR} button[aria-haspopup='listbox']").click()
    page.locator('[role="option"]', has_text="2019").click()
    wait_for_year(page, "2019")
    assert address_year(page.url) == ["2019"]
    page.go_back()
    wait_for_year(page, "2021")
    assert shown_year(page) == "2021"
    assert address_year(page.url) == ["2021"]


def test_on_a_phone_the_year_is_on_the_page_itself_and_is_the_one_year(server, browser):
    """At 390×844 the sidebar (with the frame's year and the page links) is behind a button: the page shows
    the year itself, and a choice there is the app's one year (the address, the sidebar's selector)."""
    here = ".st-key-year_here"
    with open_page(browser, f"{server}/praktikpladser?%C3%A5r=2021", width=390, height=844) as page:
        wait_for_charts(page, 2)
        wait_for_year(page, "2021")
        assert_no_error(page)
        box = page.locator(here).bounding_box()
        assert (
            box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and 0 <= box["y"] < box["y"] + box["height"] <= 844
        )
        sidebar = page.locator(YEAR).bounding_box()
        assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0  # the sidebar's selector is off screen
        assert page.locator(f"{here} input[role='combobox']").input_value() == "2021"
        page.locator(f"{here} button[aria-haspopup='listbox']").click()
        page.locator('[role="option"]', has_text="2022").click()
        wait_for_year(page, "2022")  # the sidebar's selector and the address follow
        assert page.locator(f"{here} input[role='combobox']").input_value() == "2022"
        assert address_year(page.url) == ["2022"]
        page.wait_for_function("() => document.querySelector('h2')?.innerText.includes('Aftalte praktik')")
        assert_no_error(page)
    with open_page(browser, f"{server}/praktikpladser?%C3%A5r=2021", width=1400, height=900) as page:
        wait_for_charts(page, 2)
        wait_for_year(page, "2021")
        assert not page.locator(here).is_visible()  # wider screens have the sidebar's selector only
        assert page.locator(YEAR).is_visible()

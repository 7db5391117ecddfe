"""Meeting mode's page tabs in a real browser at 1920×1080: visible in the first screen, large, the current page
marked (aria-current and filled), real links that keep `?år=` and `?visning=møde`, and a presenter remote's keys
(arrow keys, PageDown at the end of a page) move between the pages.

Drives Debian's Chromium with Playwright against `streamlit run app.py` started here.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, app_pages, assert_no_error, open_page, wait_for_page

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

TABS = '.st-key-pagetabs [data-testid="stPageLink"] a'
TITLES = [title for _, title, _, _ in app_pages()]  # every page has its tab in local mode, in app.py's order
MEETING = "visning=m%C3%B8de"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def wait_for_title(page, title: str) -> None:
    """The page `title` drawn, with its tab marked current and the address again holding meeting mode (the
    rerun puts it back while meeting mode is on)."""
    page.wait_for_function("(t) => document.querySelector('h1')?.innerText.trim() === t", arg=title, timeout=120_000)
    wait_for_page(page)
    page.wait_for_function(
        """([t, m]) => location.search.includes(m)
            && document.querySelector('.st-key-pagetabs a[aria-current="page"]')?.innerText.trim().endsWith(t)""",
        arg=[title, MEETING],
        timeout=60_000,
    )


def current_tab(page) -> str:
    return page.locator(f'{TABS}[aria-current="page"]').inner_text().split()[-1]


def test_page_tabs_are_visible_marked_and_keep_the_year_and_meeting_mode(server, browser):
    with open_page(browser, width=1920, height=1080) as page:
        page.goto(f"{server}/omegnskommuner?%C3%A5r=2021&{MEETING}")
        wait_for_title(page, "Omegnskommuner")
        assert_no_error(page)
        page.screenshot(path=str(ARTIFACTS / "meeting_tabs.png"))
        tabs = page.locator(TABS)
        assert [t.split()[-1] for t in tabs.all_inner_texts()] == TITLES
        for tab in tabs.all():
            box = tab.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["y"] >= 0, box
            assert box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080, box
            assert box["height"] >= 44, box  # large enough for a pointer on a projector (WCAG 2.5.5)
            params = query(tab.get_attribute("href") or "")
            assert params == {"år": ["2021"], "visning": ["møde"]}, params
        # every tab, the administrator's ten, in one row on a projector: a second row pushed Figure 1 out of the screen
        assert len({round(tab.bounding_box()["y"]) for tab in tabs.all()}) == 1  # type: ignore[index]
        assert page.locator(f'{TABS}[aria-current="page"]').count() == 1
        assert current_tab(page) == "Omegnskommuner"
        filled = page.locator(f'{TABS}[aria-current="page"]').evaluate("a => getComputedStyle(a).backgroundColor")
        plain = page.locator(TABS).first.evaluate("a => getComputedStyle(a).backgroundColor")
        assert filled == "rgb(0, 114, 178)" and plain == "rgb(255, 255, 255)"

        # following a tab keeps the year and meeting mode, in the address and on the page
        page.locator(TABS, has_text="Overblik").click()
        wait_for_title(page, "Overblik")
        assert query(page.url) == {"år": ["2021"], "visning": ["møde"]}
        assert page.locator(".st-key-year input[role='combobox']").input_value() == "2021"
        assert "I 2021 er 7 af 8 mål nået" in page.locator(".st-key-headline").inner_text()
        assert current_tab(page) == "Overblik"
        assert page.locator('[data-testid="stSidebar"]').count() == 0
        assert_no_error(page)

        # a presenter remote: the right arrow goes to the next page, the left arrow back
        page.keyboard.press("ArrowRight")
        wait_for_title(page, "Udvikling")
        assert current_tab(page) == "Udvikling"
        assert query(page.url)["visning"] == ["møde"]
        page.keyboard.press("ArrowLeft")
        wait_for_title(page, "Overblik")
        assert query(page.url)["år"] == ["2021"]

        # PageDown scrolls while there is more of the page, and at its end goes to the next page
        page.locator("body").focus()
        page.keyboard.press("PageDown")
        page.wait_for_timeout(1500)
        assert page.locator("h1").inner_text() == "Overblik"  # it scrolled instead
        page.evaluate(
            """() => [document.querySelector('[data-testid="stMain"]'), document.scrollingElement]
                .forEach(el => el && (el.scrollTop = el.scrollHeight))"""
        )
        page.keyboard.press("PageDown")
        wait_for_title(page, "Udvikling")
        assert query(page.url) == {"år": ["2021"], "visning": ["møde"]}


def test_the_keys_leave_a_form_control_alone(server, browser):
    """With the year selector focused, the arrow keys belong to it, not to the page tabs."""
    with open_page(browser, width=1920, height=1080) as page:
        page.goto(f"{server}/praktikpladser?%C3%A5r=2021&{MEETING}")
        wait_for_title(page, "Praktikpladser")
        page.locator(".st-key-year input[role='combobox']").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(2000)
        assert page.locator("h1").inner_text() == "Praktikpladser"
        assert current_tab(page) == "Praktikpladser"

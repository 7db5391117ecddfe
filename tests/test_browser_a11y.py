"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on any page, at 1400×900 and
in meeting mode at 1920×1080; the page is Danish (`lang="da"`) and meeting mode shows no English.

Drives Debian's Chromium with Playwright against `streamlit run app.py` started here; axe-core comes from npm
(package.json, installed by scripts/test.sh).
"""

from __future__ import annotations

import pytest
from browser_support import (
    ARTIFACTS,
    BROWSER_MARKS,
    assert_no_error,
    axe_violations,
    open_page,
    tab_stops,
    wait_for_page,
)

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

PAGES = [
    "",
    "udvikling",
    "omegnskommuner",
    "landet",
    "praktikpladser",
    "planlaegning",
    "rapport",
    "data",
    "log",
    "indstillinger",
]
WITHOUT_YEAR = ("udvikling", "data", "log", "indstillinger")
MODES = {"normal": (1400, 900, ""), "meeting": (1920, 1080, "visning=m%C3%B8de")}

# Streamlit's English that must not be visible or read out in meeting mode (the frame translates or hides it).
ENGLISH = ["Skip to main content", "Upload", "per file", "Drag and drop", "Browse files", "Help for", "sidebar"]


@pytest.mark.parametrize("mode", list(MODES))
def test_no_serious_or_critical_axe_violation_and_the_nav_and_year_first_on_every_page(server, browser, mode):
    width, height, query = MODES[mode]
    found: list[str] = []
    with open_page(browser, width=width, height=height) as page:
        for path in PAGES:
            page.goto(f"{server}/{path}?%C3%A5r=2021" + (f"&{query}" if query else ""))
            wait_for_page(page)
            assert_no_error(page)
            assert page.evaluate("document.documentElement.lang") == "da", path
            page.screenshot(path=str(ARTIFACTS / f"a11y_{mode}_{path or 'overblik'}.png"))
            stops = tab_stops(page)  # the page links and the year among the first five Tab stops
            assert "link:Overblik" in stops, (path, mode, stops)
            assert ("year" in stops) == (path not in WITHOUT_YEAR), (path, mode, stops)
            found += [  # every serious or critical violation, named by page, rule and element
                f"{path or 'overblik'} ({mode}): {v['rule']} [{v['impact']}] {v['target']}: {v['summary']}"
                for v in axe_violations(page)
            ]
            if mode == "meeting":
                shown = page.locator("body").inner_text()
                labels = page.evaluate(
                    "() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))"
                )
                english = [w for w in ENGLISH if w in shown or any(w in label for label in labels)]
                assert not english, f"{path or 'overblik'} shows or reads out English: {english}"
    assert not found, "axe-core violations:\n" + "\n".join(found)


def test_streamlit_texts_are_danish_on_the_data_page(server, browser):
    """The skip link, the upload drop zone (its texts, and a role that allows its name) and the labels."""
    with open_page(browser, width=1400, height=900) as page:
        page.goto(f"{server}/data")
        wait_for_page(page)
        page.locator('[data-testid="stFileUploaderDropzone"]').wait_for()
        zone = page.locator('[data-testid="stFileUploaderDropzone"]')
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stFileUploaderDropzone"] button')?.innerText
                .includes('Vælg filer')"""
        )
        assert zone.get_attribute("role") == "group"
        assert zone.get_attribute("aria-label") == "Excel- og CSV-filer"
        assert "Vælg filer" in zone.locator("button").inner_text()
        instructions = zone.locator('[data-testid="stFileUploaderDropzoneInstructions"]').inner_text()
        assert instructions.startswith("Højst 200 MB pr. fil · XLSX, XLS, CSV"), instructions
        assert page.locator('[data-testid="stSkipToContent"]').inner_text() == "Gå til indholdet"
        assert page.locator('[data-testid="stSidebarCollapseButton"] button').get_attribute("aria-label") == (
            "Skjul sidepanelet"
        )
        assert page.locator("button[aria-label='Hjælp til Excel- og CSV-filer']").count() == 1
        assert page.locator("h1").inner_text() == "Data"
        assert page.locator("h2", has_text="Indlæs filer").count() == 1
        assert page.locator("h3").count() == 0  # no h3 straight after the h1
        link = page.locator(".st-key-tilgaengelighed a")
        assert link.inner_text() == "Tilgængelighedserklæring"
        assert link.get_attribute("href") == "https://www.was.digst.dk/aabenraa-dk"

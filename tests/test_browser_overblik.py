"""Overblik answers first, in a real browser (sample data, 2021: one unmet target): the headline, every
unmet target's card and Figure 1 whole in the first screen of a 1400×900 laptop, a 1920×1080 projector
in meeting mode and a 390×844 phone; the status icons hidden from screen readers; the drill-down and the
words reachable by keyboard; and the page printed as one A4 page without the app around it."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, CHART, assert_no_error, open_page, wait_for_charts

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

HEADLINE = "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer"
UNMET = ".st-key-cards_unmet .csr-card"
FIGURE1 = f".st-key-chart_figur1 {CHART}"


@contextlib.contextmanager
def open_2021(browser, server: str, width: int, height: int, query: str = "") -> Iterator:
    """Overblik for 2021 at `width`×`height`, its headline and Figure 1 drawn."""
    with open_page(browser, f"{server}/?%C3%A5r=2021{query}", width, height) as page:
        page.wait_for_function(
            "(h) => { const e = document.querySelector('.st-key-headline'); return !!e && e.innerText.includes(h); }",
            arg=HEADLINE,
            timeout=90_000,
        )
        wait_for_charts(page, 1)
        assert_no_error(page)
        yield page


def figure1_box(page) -> dict | None:
    """Figure 1 with its title: from the top of its container (the title) to the bottom of the donut."""
    container = page.locator(".st-key-chart_figur1").bounding_box()
    chart = page.locator(FIGURE1).bounding_box()
    if container is None or chart is None:
        return None
    return {**container, "height": chart["y"] + chart["height"] - container["y"]}


def inside(box: dict | None, width: int, height: int) -> bool:
    """The whole box in the first screen (the page not scrolled)."""
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


@pytest.mark.parametrize(
    ("name", "width", "height", "query"),
    [("laptop", 1400, 900, ""), ("meeting", 1920, 1080, "&visning=m%C3%B8de"), ("phone", 390, 844, "")],
)
def test_headline_unmet_cards_and_figure1_whole_in_the_first_screen(server, browser, name, width, height, query):
    with open_2021(browser, server, width, height, query) as page:
        page.screenshot(path=str(ARTIFACTS / f"overblik_first_screen_{name}.png"))
        headline = page.locator(".st-key-headline").bounding_box()
        unmet = [c.bounding_box() for c in page.locator(UNMET).all()]
        figure = figure1_box(page)
        met = page.locator(".csr-card[data-target=samlet_min]").bounding_box()
        assert len(unmet) == 1 and "Ikke opfyldt" in page.locator(UNMET).first.inner_text()
        assert headline and figure and met and all(unmet)
        for box in [headline, *unmet, figure]:
            assert inside(box, width, height), (name, box)
        assert figure["height"] > 200 and figure["width"] > 200  # the donut, not a sliver
        first = unmet[0]
        assert headline["y"] + headline["height"] <= first["y"]  # the answer first
        if name == "phone":  # one column: the unmet card, then Figure 1, then the other cards
            assert first["y"] + first["height"] <= figure["y"] < figure["y"] + figure["height"] <= met["y"]
            assert figure["x"] + figure["width"] <= width
        else:  # Figure 1 beside the cards, the unmet one on top
            assert figure["x"] >= first["x"] + first["width"]
            assert first["y"] + first["height"] <= met["y"] and abs(figure["y"] - first["y"]) < 60


def test_status_icons_drill_down_words_and_print(server, browser):
    with open_2021(browser, server, 1400, 900) as page:
        # The status icon is hidden from screen readers (the word beside it says it); no English icon names.
        icons = page.locator(".csr-card .csr-status-icon")
        assert icons.count() == 8
        assert {icons.nth(i).get_attribute("aria-hidden") for i in range(8)} == {"true"}
        assert page.locator(".csr-card [role='img'][aria-label$='icon']").count() == 0
        card = page.locator(".csr-card[data-target=uddannelse_min]")
        tree = card.aria_snapshot()
        assert "cancel" not in tree and "icon" not in tree and "Ikke opfyldt" in tree
        # Drill-down: the schemes behind the unmet target, Danish numbers, by keyboard.
        card.locator("summary").focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('.csr-card[data-target=uddannelse_min]').innerText.includes('I alt: 223,2')"
        )
        shown = card.inner_text()
        assert "Elever under erhvervsuddannelse: 118,0 personer · 2,5 % (−0,2 pp siden 2020)" in shown
        assert "I alt: 223,2 personer · 4,7 % (−0,2 pp siden 2020)" in shown
        # Why Figure 1's Uddannelse is 4,8 % and the card's 4,7 %.
        assert "Figur 1 viser uddannelse med STU: 4,8 %. Målet om mindst 5 % regnes uden STU" in page.inner_text("body")
        # The words, behind an expander reached by keyboard.
        terms = page.locator(".st-key-terms summary")
        terms.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.st-key-terms').innerText.includes('procenttal')")
        words = page.locator(".st-key-terms").inner_text()
        for term in ("pp (procentpoint)", "Årsgennemsnit", "Samlet gennemsnit", "Foreløbig"):
            assert term in words
        page.keyboard.press("Enter")  # closed again, as it prints
        card.locator("summary").click()
        # Print: no sidebar, header, selector, buttons or expanders; the cards and Figure 1 on one A4 page.
        page.emulate_media(media="print")
        for hidden in (
            '[data-testid="stSidebar"]',
            '[data-testid="stHeader"]',
            '[data-testid="stSelectbox"]',
            '[data-testid="stExpander"]',
            '[data-testid="stDownloadButton"]',
            "button",
        ):
            assert not any(e.is_visible() for e in page.locator(hidden).all()), hidden
        assert page.locator(".csr-card[data-target=uddannelse_min]").is_visible()
        assert page.locator(FIGURE1).is_visible()
        pdf = ARTIFACTS / "overblik_2021.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = next(int(line.split(":")[1]) for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == 1

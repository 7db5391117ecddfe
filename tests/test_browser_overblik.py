"""Overblik answers first, in a real browser (sample data, 2021: one unmet target): the headline, every
unmet target's card and Figure 1 whole in the first screen of a 1400×900 laptop, a 1920×1080 projector
in meeting mode and a 390×844 phone (2022 too, whose unmet card is the long placements card); the status icons hidden from screen readers; the drill-down and the
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

HEADLINES = {
    2021: "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer",
    2022: "I 2022 er 7 af 8 mål nået – praktik- og elevpladser mangler 12 pladser",  # the long placements card
}
UNMET_TARGET = {2021: "uddannelse_min", 2022: "praktikpladser"}
UNMET = ".st-key-cards_unmet .csr-card"
FIGURE1 = f".st-key-chart_figur1 {CHART}"


@contextlib.contextmanager
def open_year(browser, server: str, year: int, width: int, height: int, query: str = "") -> Iterator:
    """Overblik for `year` at `width`×`height`, its headline and Figure 1 drawn."""
    with open_page(browser, f"{server}/?%C3%A5r={year}{query}", width, height) as page:
        page.wait_for_function(
            "(h) => { const e = document.querySelector('.st-key-headline'); return !!e && e.innerText.includes(h); }",
            arg=HEADLINES[year],
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
    ("name", "width", "height", "query", "year"),
    [
        ("laptop", 1400, 900, "", 2021),
        ("meeting", 1920, 1080, "&visning=m%C3%B8de", 2021),
        ("phone", 390, 844, "", 2021),
        ("phone", 390, 844, "", 2022),  # the long placements card is the unmet one
    ],
)
def test_headline_unmet_cards_and_figure1_whole_in_the_first_screen(server, browser, name, width, height, query, year):
    with open_year(browser, server, year, width, height, query) as page:
        page.screenshot(path=str(ARTIFACTS / f"overblik_first_screen_{name}_{year}.png"))
        headline = page.locator(".st-key-headline").bounding_box()
        unmet = [c.bounding_box() for c in page.locator(UNMET).all()]
        figure = figure1_box(page)
        met = page.locator(".st-key-cards_met .csr-card").first.bounding_box()
        assert len(unmet) == 1 and "Ikke opfyldt" in page.locator(UNMET).first.inner_text()
        assert page.locator(UNMET).first.get_attribute("data-target") == UNMET_TARGET[year]
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


def test_status_icons_drill_down_and_words(server, browser):
    with open_year(browser, server, 2021, 1400, 900) as page:
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
        page.keyboard.press("Enter")  # closed again


@pytest.mark.parametrize("year", [2021, 2022])
def test_overblik_prints_as_one_a4_page(server, browser, year):
    with open_year(browser, server, year, 1400, 900) as page:
        page.locator(".csr-card summary").first.click()  # an open drill-down does not print either
        # Print: no sidebar, header, selector, buttons, expanders or drill-downs; the cards and Figure 1 on one page.
        page.emulate_media(media="print")
        for hidden in (
            '[data-testid="stSidebar"]',
            '[data-testid="stHeader"]',
            '[data-testid="stSelectbox"]',
            '[data-testid="stExpander"]',
            '[data-testid="stDownloadButton"]',
            ".csr-card details",
            "button",
        ):
            assert not any(e.is_visible() for e in page.locator(hidden).all()), hidden
        cards = page.locator(".csr-card")
        assert cards.count() == 8 and all(c.is_visible() for c in cards.all())
        assert page.locator(FIGURE1).is_visible()
        # the cards four to a row above Figure 1, none split
        boxes = [c.bounding_box() for c in cards.all()]
        assert len({round(b["y"]) for b in boxes if b}) == 2, boxes
        pdf = ARTIFACTS / f"overblik_{year}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = next(int(line.split(":")[1]) for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == 1

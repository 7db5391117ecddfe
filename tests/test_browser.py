"""What only a browser shows: pages by their URLs, rendered charts, meeting mode, a PNG download.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright against `streamlit run app.py`
started here. Screenshots of every page go to test-artifacts/.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import (
    ARTIFACTS,
    BROWSER_MARKS,
    CHART,
    assert_no_error,
    open_page,
    serve,
    wait_for_charts,
)

from csr import charts

PAGES = {
    "": ("Overblik", 1),
    "udvikling": ("Udvikling", 2),
    "omegnskommuner": ("Omegnskommuner", 3),
    "praktikpladser": ("Praktikpladser", 2),
}

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(browser):
    with open_page(browser, height=4000, accept_downloads=True) as page:
        yield page


# ---- tests -----------------------------------------------------------------------------------


def test_a_bookmarked_deep_link_as_first_request_shows_the_app(browser):
    """The first request after start is /omegnskommuner: the app's own navigation, not "Page not found"."""
    with serve("streamlit-deeplink.log") as (url, _), open_page(browser, f"{url}/omegnskommuner", height=2000) as page:
        wait_for_charts(page, PAGES["omegnskommuner"][1])
        assert_no_error(page)
        assert page.locator("h1").first.inner_text() == "Omegnskommuner"
        page.locator(".st-key-pagelinks a").nth(6).wait_for()  # the frame draws the links after the page
        links = page.locator(".st-key-pagelinks a").all_inner_texts()
        from app import PAGES as APP_PAGES

        assert [link.split()[-1] for link in links] == [title.split()[-1] for _, title, _, _ in APP_PAGES]
        assert urlparse(page.url).path.endswith("/omegnskommuner")  # the query names the year (?år=)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_by_its_url_with_its_charts(server, page, path):
    title, charts = PAGES[path]
    page.goto(f"{server}/{path}")
    wait_for_charts(page, charts)
    assert_no_error(page)
    assert page.locator("h1").first.inner_text() == title
    assert "Eksempeldata" in page.locator(".st-key-eksempeldata").inner_text()
    for chart in page.locator(CHART).all():
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, "a chart is drawn at a readable size"
    page.locator(".st-key-datagrundlag").wait_for(state="attached")  # drawn after the page's own content
    assert page.locator(".st-key-datagrundlag").count() == 1
    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / f"{title.lower()}.png")


def test_charts_show_danish_numbers(server, page):
    page.goto(f"{server}/omegnskommuner")
    wait_for_charts(page, 3)
    labels = [t.strip() for t in page.locator(".st-key-chart_omegn_beskaeftigelse svg text").all_text_contents()]
    assert any(re.fullmatch(r"Omegnsgennemsnit \d+,\d %", t) for t in labels), labels
    assert any(re.fullmatch(r"\d+,\d %", t) for t in labels), labels
    page.goto(f"{server}/udvikling")
    wait_for_charts(page, 2)
    ticks = [t.strip() for t in page.locator(".st-key-chart_ordninger svg text").all_text_contents()]
    assert "0,5" in ticks and "1,5" in ticks, ticks  # axis format ",.2~r" rendered with the Danish locale
    assert not [t for t in ticks if re.fullmatch(r"\d+\.\d+", t)], "no decimal point anywhere"


def test_meeting_mode_hides_the_controls(server, page):
    page.set_viewport_size({"width": 1920, "height": 3000})
    page.goto(f"{server}/?visning=m%C3%B8de")
    wait_for_charts(page, 1)
    assert_no_error(page)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert page.locator('[data-testid="stToolbar"]').is_hidden()  # no page menu either
    page.locator(".st-key-meeting_mode").wait_for(state="attached")  # the way back out, drawn last
    assert page.locator(".st-key-meeting_mode").count() == 1
    font_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert font_size >= 20
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert main["width"] > 1500  # wide layout
    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / "overblik-moede.png")
    # and the normal page has them
    page.goto(f"{server}/")
    wait_for_charts(page, 1)
    page.locator('[data-testid="stDownloadButton"]').nth(1).wait_for(state="attached")
    assert page.locator('[data-testid="stDownloadButton"]').count() >= 2
    assert page.locator('[data-testid="stSidebar"]').count() == 1


def test_png_download_arrives_at_print_quality(server, page):
    page.goto(f"{server}/")
    wait_for_charts(page, 1)
    button = page.locator('[class*="st-key-png_figur1"] button').first
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("figur1_") and download.suggested_filename.endswith(".png")
    png = Path(download.path()).read_bytes()
    (ARTIFACTS / download.suggested_filename).write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= charts.FIGURE1_SIZE[0] * 200 / 72 and height > 1000  # Figure 1's download size at 200 ppi
    phys = png.index(b"pHYs")
    ppm_x, _, unit = struct.unpack(">IIB", png[phys + 4 : phys + 13])
    assert unit == 1 and ppm_x * 0.0254 >= 199.5

"""No request leaves the app's own address: every page, in normal and in meeting mode, loads its
scripts, fonts, icons (the favicon too) and data from the server that serves it.

A municipal intranet may block outside addresses, and every outside request tells a third party who
uses the app and when. Chromium records every request it makes (`page.on("request")`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import BROWSER_MARKS, assert_no_error, open_page, wait_for_charts

# Every page with the charts it draws (the last element drawn is waited for, so the page has loaded
# everything it will load).
PAGES = {
    "": 1,
    "udvikling": 2,
    "omegnskommuner": 3,
    "landet": 0,
    "praktikpladser": 2,
    "planlaegning": 2,
    "rapport": 0,
    "data": 0,
}
MEETING = "?visning=m%C3%B8de"

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")


def _own(url: str, server: str) -> bool:
    """The app's own address, or a URL that needs no network at all (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    own = urlsplit(server)
    return parts.scheme in ("http", "ws") and parts.hostname == own.hostname and parts.port == own.port


def _visit(page, server: str, path: str, query: str, charts: int) -> None:
    page.goto(f"{server}/{path}{query}")
    if charts:
        wait_for_charts(page, charts)
    page.locator("h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # icons and fonts are asked for as the page settles
    assert_no_error(page)


@pytest.mark.parametrize("query", ["", MEETING], ids=["normal", "meeting"])
def test_no_page_requests_anything_from_another_address(server, browser, query):
    with open_page(browser, height=3000) as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("websocket", lambda ws: requests.append(ws.url))
        for path, charts in PAGES.items():
            _visit(page, server, path, query, charts)
        assert any("/_stcore/" in url for url in requests), "the recording saw the page's own requests"
        assert any(url.endswith(".woff2") for url in requests), "the recording saw the fonts being loaded"
        outside = sorted({url for url in requests if not _own(url, server)})
        assert outside == []

"""The Landet page in a real browser with the national workbook in the store: its three charts drawn,
the rank in words, and no serious or critical axe-core violation.

The server runs the app's own frame (app.py's `main`) from a small entry script in a temporary folder that
adds the page to app.py's PAGES when app.py does not list it yet, and points every page at its file here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest
from browser_support import (
    ARTIFACTS,
    BROWSER_MARKS,
    ROOT,
    assert_no_error,
    axe_violations,
    chromium,
    free_port,
    healthy,
    new_page,
    wait_for_charts,
)
from national_support import national_import, national_workbook

from csr.config import default_config
from csr.national import national_ranking
from csr.shares import compute
from csr.store import Store

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]
pytest.importorskip("playwright.sync_api")

LANDET = ("app_pages/landet.py", "Landet", ":material/public:", "landet")
ENTRY = """
import sys
from pathlib import Path

ROOT = Path({root!r})
sys.path.insert(0, str(ROOT))
import app

if not any(url == "landet" for *_, url in app.PAGES):
    app.PAGES.append({landet!r})
app.PAGES[:] = [(str(ROOT / path), title, icon, url) for path, title, icon, url in app.PAGES]
app.main()
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("landet_store")
    Store(data_dir).add_batch([("landsdata.xlsx", national_workbook())], national_import(), who="Browsertest")
    entry = tmp_path_factory.mktemp("landet_entry") / "landet_app.py"
    entry.write_text(textwrap.dedent(ENTRY.format(root=str(ROOT), landet=LANDET)))
    ARTIFACTS.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "CSR_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "streamlit", "run", str(entry), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", url.rsplit(":", 1)[1]]
    command += ["--browser.gatherUsageStats", "false"]
    with open(ARTIFACTS / "streamlit-landet.log", "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; see {ARTIFACTS / 'streamlit-landet.log'}")
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def test_the_landet_page_draws_its_charts_and_passes_axe(server):
    result = national_import()
    figures = compute(result.data, result.placements, default_config())
    f = national_ranking(figures.shares, default_config()).figure(2021, "beskaeftigelse")
    assert f is not None and f.home is not None
    with chromium() as browser, new_page(browser, 1000) as page:
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

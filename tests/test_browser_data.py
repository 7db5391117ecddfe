"""The Data page in a real browser: upload the sample files, confirm, restart the server, see the stored
figures; hostile files get their Danish sentence while the server goes on serving.

Runs `streamlit run app.py` with $CSR_DATA_DIR in a temporary folder (never ./data) and drives Debian's
Chromium with Playwright, as tests/test_browser.py does. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest
from browser_support import (
    ARTIFACTS,
    BROWSER_MARKS,
    ROOT,
    assert_no_error,
    healthy,
    open_page,
    serve,
    text_once_it_holds,
    wait_for_charts,
)

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def page(browser):
    with open_page(browser, height=2400) as page:
        yield page


def open_data_page(page, url: str) -> None:
    page.goto(f"{url}/data")
    page.wait_for_selector(".st-key-upload input[type=file]", state="attached")
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText === 'Data'")


def main_text(page) -> str:
    return page.locator('[data-testid="stMainBlockContainer"]').inner_text()


def screenshot(page, name: str) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / name)


def test_uploaded_files_persist_across_a_server_restart(page, tmp_path):
    data_dir = tmp_path / "lager"
    with serve("streamlit-data-1.log", data_dir=data_dir) as (url, _):
        open_data_page(page, url)
        assert "Databasen er tom" in main_text(page)
        page.set_input_files(".st-key-upload input[type=file]", [str(p) for p in SAMPLE_FILES])
        page.get_by_text("3 filer (74 kB) læst").wait_for()
        assert page.locator(".st-key-import_confirm button").first.is_disabled()  # warnings need a tick first
        assert "7 advarsler." in main_text(page)
        screenshot(page, "data-forhaandsvisning.png")
        page.locator(".st-key-accept_warnings label").click()
        page.wait_for_function(
            "(b => b !== null && !b.disabled)(document.querySelector('.st-key-import_confirm button'))"
        )
        page.locator(".st-key-import_who input").fill("Browsertest")
        page.locator(".st-key-import_who input").press("Enter")
        page.locator(".st-key-import_confirm button").first.click()
        page.get_by_text("Import nr. 1 er gemt: 2.876 tal og 49 praktikpladser").wait_for()
        assert_no_error(page)
        assert "af Browsertest" in text_once_it_holds(page, ".st-key-batch_1", "Import nr. 1")
        screenshot(page, "data-gemt.png")
    assert (data_dir / "csr.sqlite").exists()

    with serve("streamlit-data-2.log", data_dir=data_dir) as (url, _):
        page.goto(f"{url}/")
        wait_for_charts(page, 1)
        assert_no_error(page)
        assert page.locator(".st-key-eksempeldata").count() == 0
        page.locator(".st-key-year [role=combobox]").click()
        page.get_by_role("option", name="2019", exact=True).click()
        page.wait_for_function("[...document.querySelectorAll('h3')].some(h => h.innerText.includes('Målene i 2019'))")
        wait_for_charts(page, 1)
        values = page.locator(".csr-card .csr-value").all_inner_texts()  # the target cards' values
        assert "22,0 %" in values and "10,2 %" in values and "6,9 %" in values
        page.locator(".st-key-datagrundlag summary").click()
        assert "Tallene er beregnet af de indlæste filer" in page.locator(".st-key-datagrundlag").inner_text()
        screenshot(page, "overblik-efter-import.png")


def test_hostile_files_get_their_sentence_and_the_server_goes_on(page, tmp_path):
    from test_safety import XFD_CELL_XLSX

    with serve("streamlit-data-hostile.log", data_dir=tmp_path / "lager") as (url, proc):
        open_data_page(page, url)
        page.set_input_files(
            ".st-key-upload input[type=file]",
            [
                {"name": "x.xlsx", "mimeType": XLSX_MIME, "buffer": PDF},
                {"name": "celle.xlsx", "mimeType": XLSX_MIME, "buffer": XFD_CELL_XLSX},
            ],
        )
        error = page.locator('[data-testid="stAlertContentError"]')
        error.wait_for()
        message = error.inner_text()
        assert "Filerne kan ikke gemmes: 2 fejl." in message
        assert "Filen x.xlsx er ikke et Excel-regneark eller en CSV-fil (den ligner en PDF-fil)." in message
        assert "Filen celle.xlsx er for stor til at blive behandlet sikkert" in message
        assert "Traceback" not in page.content()
        assert page.locator(".st-key-import_confirm").count() == 0
        screenshot(page, "data-fejl.png")
        # the server goes on serving: the same process, healthy, and another page draws its charts
        assert proc.poll() is None and healthy(url)
        page.goto(f"{url}/udvikling")
        wait_for_charts(page, 2)
        assert_no_error(page)

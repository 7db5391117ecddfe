"""A file nobody foresaw, in a real browser: mapped once on the Data page, saved as an import profile and
imported; the next file with the same headers is read with the profile without asking, and so is a file
given to `python -m csr import` against the server's store.

Runs `streamlit run app.py` with $CSR_DATA_DIR in a temporary folder and drives Debian's Chromium through
Playwright (tests/browser_support.py). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, ROOT, assert_no_error, chromium, open_page, serve
from test_mapping import SECOND_XLSX, UNKNOWN_CSV

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")


def choose(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key} [role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(
        "([key, option]) => document.querySelector(`.st-key-${key} [role=combobox]`).value === option",
        arg=[key, option],
    )


def selected(page, key: str) -> str:
    return page.locator(f".st-key-{key} [role=combobox]").input_value()


def main_text(page) -> str:
    return page.locator('[data-testid="stMainBlockContainer"]').inner_text()


def test_an_unknown_file_is_mapped_once_and_recognised_the_next_time_also_by_the_command_line(tmp_path):
    data_dir = tmp_path / "lager"
    files = tmp_path / "filer"
    files.mkdir()
    (files / "afdelinger.csv").write_bytes(UNKNOWN_CSV)
    (files / "andet.xlsx").write_bytes(SECOND_XLSX)
    third = UNKNOWN_CSV.replace(b"2019-", b"2018-")
    (files / "sidste.csv").write_bytes(third)

    with (
        chromium() as browser,
        open_page(browser, height=2400) as page,
        serve("streamlit-mapping.log", data_dir=data_dir) as (url, _),
    ):
        page.goto(f"{url}/data")
        page.wait_for_selector(".st-key-upload input[type=file]", state="attached")
        page.set_input_files(".st-key-upload input[type=file]", [str(files / "afdelinger.csv")])
        page.locator(".st-key-mapping_header_row [role=combobox]").wait_for()
        assert "Ingen brugbar tabel" in main_text(page)
        assert selected(page, "mapping_header_row") == "Række 2: Afdeling | Tidspunkt | Kategori | Optælling"
        assert selected(page, "mapping_period") == ""  # nothing is chosen for the consultant

        choose(page, "mapping_municipality", "Alle rækker er Aabenraa")
        choose(page, "mapping_period", "Tidspunkt")
        choose(page, "mapping_scheme", "Kategori")
        choose(page, "mapping_value", "Optælling")
        page.locator(".st-key-mapping_preview").get_by_text("8 tal i alt.").wait_for()
        page.locator(".st-key-mapping_name input").fill("Afdelingstal")
        page.locator(".st-key-mapping_name input").press("Enter")
        page.locator(".st-key-mapping_who input").fill("Browsertest")
        page.locator(".st-key-mapping_who input").press("Enter")
        page.wait_for_function(
            "(b => b !== null && !b.disabled)(document.querySelector('.st-key-mapping_save button'))"
        )
        page.locator(".st-key-mapping_step").screenshot(path=ARTIFACTS / "data-kolonnevalg.png")
        page.locator(".st-key-mapping_save button").click()

        page.get_by_text("Profilen 'Afdelingstal' er gemt").wait_for()
        page.get_by_text("afdelinger.csv: læst med profilen 'Afdelingstal'.").wait_for()
        assert page.locator(".st-key-mapping_step").count() == 0
        assert_no_error(page)
        assert "Ingen kommune i filen: profilen 'Afdelingstal'" in main_text(page)
        page.locator(".st-key-accept_warnings label").click()
        page.wait_for_function(
            "(b => b !== null && !b.disabled)(document.querySelector('.st-key-import_confirm button'))"
        )
        page.locator(".st-key-import_who input").fill("Browsertest")
        page.locator(".st-key-import_who input").press("Enter")
        page.locator(".st-key-import_confirm button").first.click()
        page.get_by_text("Import nr. 1 er gemt: 8 tal").wait_for()

        page.set_input_files(".st-key-upload input[type=file]", [str(files / "andet.xlsx")])
        page.get_by_text("andet.xlsx, ark 'Optælling': læst med profilen 'Afdelingstal'.").wait_for()
        assert page.locator(".st-key-mapping_step").count() == 0
        assert_no_error(page)
        page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / "data-profil-genkendt.png")

    env = {**os.environ, "CSR_DATA_DIR": str(tmp_path / "andet-lager")}  # --data-dir must win over the variable
    imported = subprocess.run(
        [sys.executable, "-m", "csr", "import", str(files / "sidste.csv"), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    assert "Bemærk: fil sidste.csv: læst med profilen 'Afdelingstal'." in imported.stderr
    assert imported.stdout.startswith("Import nr. 2 er gemt: 8 tal fra 1 fil (sidste.csv).")
    report = subprocess.run(
        [sys.executable, "-m", "csr", "report", "--data-dir", str(data_dir), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    assert report.returncode == 0, report.stderr
    years = {y["year"]: y for y in json.loads(report.stdout)["years"]}
    assert sorted(years) == [2018, 2019]
    assert years[2019]["total_share"] == pytest.approx(13.625 / 4700 * 100)

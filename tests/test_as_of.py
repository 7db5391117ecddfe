"""Internals are never shown: people read "Data pr. 1. december 2026 kl. 18.53 (import nr. 3)", not the
store's version ("lagerets version 52f5d2dfbdd1:1") or the server's data folder."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from csr import text
from csr.export import STORE, Provenance, build_pack, chart_images, pdf_bytes, xlsx_bytes
from csr.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
AS_OF = "Data pr. 1. december 2026 kl. 18.53 (import nr. 3)"


def history(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """A `Store.history()` frame (newest first) with only the columns the sentence needs."""
    return pd.DataFrame(
        {
            "batch": [r[0] for r in rows],
            "created": pd.to_datetime([r[1] for r in rows], utc=True),
            "status": [r[2] for r in rows],
        }
    )


def test_the_as_of_sentence_names_the_newest_active_import_in_danish_time():
    # 17:53 UTC is 18:53 in Copenhagen in winter (CET) ...
    assert (
        text.data_as_of(history([(3, "2026-12-01T17:53:40Z", "aktiv"), (2, "2026-11-02T09:00:00Z", "aktiv")])) == AS_OF
    )
    # ... and 19:53 in summer (CEST); an undone newer import does not count; minutes keep two digits
    assert (
        text.data_as_of(history([(5, "2026-07-01T17:53:00Z", "fortrudt"), (4, "2026-06-30T07:05:00Z", "aktiv")]))
        == "Data pr. 30. juni 2026 kl. 09.05 (import nr. 4)"
    )
    assert text.data_as_of(history([(1, "2026-01-01T10:00:00Z", "fortrudt")])) is None  # the sample data


@pytest.fixture(scope="module")
def report(sample_figures, config):
    provenance = Provenance("52f5d2dfbdd1:1", STORE, (), as_of=AS_OF)
    pack = build_pack(sample_figures, config, 2019, provenance)
    images = chart_images(pack.charts)
    return pack, pdf_bytes(pack, images), xlsx_bytes(pack, images)


def test_the_pdf_says_which_data_on_every_page_and_never_the_store_version(report):
    _, pdf, _ = report
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    for page in pages:
        assert AS_OF in page  # the footer
        assert "52f5d2dfbdd1" not in page and "lagerets version" not in page
    assert f"{AS_OF}. Lavet " in pages[0]  # the title page


def test_the_report_workbook_says_which_data_in_overview_and_method(report):
    _, _, workbook = report
    wb = load_workbook(io.BytesIO(workbook))
    assert ("Data", AS_OF) in [(a.value, b.value) for a, b in wb["Oversigt"].iter_rows(max_col=2)]
    assert ("Metode", f"{AS_OF}.") in [(a.value, b.value) for a, b in wb["Metode"].iter_rows(max_col=2)]
    every = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "52f5d2dfbdd1" not in every


def test_store_errors_name_no_paths(tmp_path):
    blocker = tmp_path / "en_fil"
    blocker.write_text("ikke en mappe")
    with pytest.raises(StoreError) as caught:
        Store(blocker / "data")
    assert str(caught.value).startswith("Datamappen kan ikke oprettes")
    assert str(tmp_path) not in str(caught.value)
    damaged = tmp_path / "lager"
    damaged.mkdir()
    (damaged / "csr.sqlite").write_bytes(b"this is no database" * 100)
    with pytest.raises(StoreError) as caught:
        Store(damaged)
    assert str(caught.value).startswith("Databasen i datamappen er ikke en brugbar CSR-database")
    assert str(tmp_path) not in str(caught.value)


def test_the_data_page_and_datagrundlag_say_which_data_and_never_the_data_folder(tmp_path, monkeypatch):
    from csr.importers import import_files

    directory = tmp_path / "lager"
    monkeypatch.setenv("CSR_DATA_DIR", str(directory))
    store = Store(directory)
    store.add_batch([(p.name, p.read_bytes()) for p in SAMPLE_FILES], import_files(SAMPLE_FILES), who="Test")
    as_of = text.data_as_of(store.history())
    assert as_of.startswith("Data pr. ") and as_of.endswith(" (import nr. 1)")

    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    [expander] = [e for e in at.expander if e.label == "Datagrundlag"]
    assert expander.markdown[0].value.startswith(f"**{as_of}.** Tallene er beregnet af de indlæste filer.")
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert f"{as_of}. Tallene gemmes i databasen på serveren." in [c.value for c in at.caption]
    shown = [
        e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in getattr(at, kind)
    ]
    assert shown and not [s for s in shown if str(tmp_path) in s or "csr.sqlite" in s]

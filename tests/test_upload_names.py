"""File names are cleaned once where uploads come in (the Data page's uploader, the command line), so the
store's batches, the preview, the history and the data's provenance all name a file alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from csr.importers import import_uploads, read_uploads, upload_name
from csr.store import Store
from ui.upload import uploads_from

ROOT = Path(__file__).resolve().parents[1]
CSV = "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Fleksjob;12\nAabenraa;2019-05;Fleksjob;13\n".encode()
RAW = "Fleks\x01job\u200b\tliste.csv"
CLEAN = "Fleksjob liste.csv"


class _Uploaded:
    """What Streamlit's UploadedFile offers the page: a name and the bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_upload_name_removes_control_and_invisible_characters_and_keeps_the_rest():
    assert upload_name(RAW) == CLEAN
    assert upload_name("![x](http://h) **fed** $x$.xlsx") == "![x](http://h) **fed** $x$.xlsx"  # escaped when shown
    long = "a" * 300 + ".csv"
    assert upload_name(long) == long  # the import judges the length, with the real number of characters
    findings = import_uploads([(upload_name(long), CSV)]).errors
    assert any("Filnavnet er for langt (304 tegn" in f.message for f in findings)


def test_the_uploaders_files_become_cleaned_names():
    assert uploads_from([_Uploaded(RAW, CSV)]) == ((CLEAN, CSV),)


def test_read_uploads_cleans_the_names_of_files_on_disk(tmp_path):
    path = tmp_path / RAW
    path.write_bytes(CSV)
    assert read_uploads([path]) == [(CLEAN, CSV)]


def test_the_command_line_stores_the_cleaned_name(tmp_path):
    path = tmp_path / RAW
    path.write_bytes(CSV)
    store = tmp_path / "lager"
    proc = subprocess.run(
        [sys.executable, "-m", "csr", "import", str(path), "--data-dir", str(store)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\x01" not in proc.stdout and CLEAN in proc.stdout
    db = Store(store)
    assert [f.name for f in db.batch(1).files] == [CLEAN]
    assert set(db.snapshot().data["file"]) == {CLEAN}


def test_the_data_page_stores_and_shows_the_cleaned_name(store_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.file_uploader(key="upload").set_value([(RAW, CSV, "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["Fil"]) == [CLEAN] and list(table["Genkendt som"]) != ["intet genkendt"]
    at.checkbox(key="accept_warnings").check().run()  # the CSV lacks August and November: a warning
    at.button(key="import_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    db = Store(store_dir)
    assert [f.name for f in db.batch(1).files] == [CLEAN]
    assert list(db.history()["files"]) == [CLEAN]
    assert set(db.snapshot().data["file"]) == {CLEAN}
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(s.value for s in at.success)
    assert "\x01" not in shown and "Fleksjob liste" in shown

"""A store this process cannot write: the pages and the command line show what is stored and refuse writes.

Read-only is detected with `csr.store.writable` (os.access on the data folder and the database file). Tests
run as root in CI, and root passes permission bits, so the tests make a folder really read-only in two ways:
in this process by replacing `writable` (the path the detection takes), and in a child process by dropping
the capabilities that let root ignore permissions (`setpriv`, CAP_DAC_OVERRIDE and friends) on a folder and
file chmod-ed read-only; as a non-root user chmod alone does it. The child shows the kernel refusing writes,
so the SQLite `mode=ro` / `immutable=1` path is exercised for real (no WAL or lock file can be created).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from card_support import card_values
from streamlit.testing.v1 import AppTest

import csr.store as store_module
from csr.importers import import_files
from csr.store import READ_ONLY_MESSAGE, Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
DROP_DAC = ["-dac_override", "-dac_read_search", "-fowner"]


def without_write_permission() -> list[str] | None:
    """A command prefix under which permission bits hold for this user, or None when there is none."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = ",".join(DROP_DAC)
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "pass"], capture_output=True, timeout=60)
    return prefix if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, int]:
    """A store holding the sample import; (its directory, the number of rows in force)."""
    directory = tmp_path_factory.mktemp("fyldt") / "lager"
    result = import_files(SAMPLE_FILES)
    Store(directory).add_batch([(p.name, p.read_bytes()) for p in SAMPLE_FILES], result, who="HR")
    return directory, len(result.data)


def read_only_copy(filled: tuple[Path, int], tmp_path: Path) -> Path:
    """A copy of the filled store with the folder and the file chmod-ed read-only (no -wal or -shm)."""
    directory = tmp_path / "skrivebeskyttet"
    directory.mkdir()
    shutil.copy(filled[0] / store_module.FILENAME, directory / store_module.FILENAME)
    (directory / store_module.FILENAME).chmod(0o444)
    directory.chmod(0o555)
    return directory


@pytest.fixture
def chmod_back(tmp_path):
    yield
    for path in tmp_path.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)


def test_detection_opens_the_store_read_only_and_it_shows_what_is_stored(filled, monkeypatch):
    directory, rows = filled
    monkeypatch.setattr(store_module, "writable", lambda directory, path: False)
    db = Store(directory)
    assert db.read_only
    snap = db.snapshot()
    assert len(snap.data) == rows and not snap.empty and len(snap.placements) == 49
    assert snap.version == Store(directory, read_only=False).version()
    history = db.history()
    assert list(history["batch"]) == [1] and history["who"].iloc[0] == "HR"


def test_a_read_only_store_refuses_every_write_with_the_sentence_and_changes_nothing(filled, monkeypatch):
    directory, _ = filled
    before = hashlib.sha256((directory / store_module.FILENAME).read_bytes()).hexdigest()
    db = Store(directory, read_only=True)
    result = import_files(SAMPLE_FILES[:1])
    writes = [
        lambda: db.add_batch([("ny.csv", b"x")], result),
        lambda: db.undo(1),
        lambda: db.save_scenario("plan", {"a": 1}),
        lambda: db.delete_scenario("plan"),
    ]
    for write in writes:
        with pytest.raises(StoreError) as caught:
            write()
        assert str(caught.value) == READ_ONLY_MESSAGE
        assert str(caught.value).startswith("Databasen er skrivebeskyttet: ")
    assert db.undo_preview(1).removed > 0  # reading what an undo would do still works
    assert hashlib.sha256((directory / store_module.FILENAME).read_bytes()).hexdigest() == before


def test_a_read_only_folder_without_a_database_is_an_empty_store(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "writable", lambda directory, path: False)
    directory = tmp_path / "tom"
    directory.mkdir()
    db = Store(directory)
    assert db.read_only and db.is_empty() and db.snapshot().empty and db.history().empty
    assert db.version() == Store(directory).version()  # stable, so page caches keep their entry
    assert os.listdir(directory) == []  # nothing was created


def test_the_environment_forces_read_only(filled, monkeypatch):
    monkeypatch.setenv(store_module.READ_ONLY_ENV, "1")
    assert Store(filled[0]).read_only
    monkeypatch.setenv(store_module.READ_ONLY_ENV, "")
    assert not Store(filled[0]).read_only


CHILD = """
import json, sys
from csr.store import Store, StoreError
db = Store(sys.argv[1])
snap = db.snapshot()
try:
    db.save_scenario("plan", {"a": 1})
    refused = ""
except StoreError as exc:
    refused = str(exc)
print(json.dumps({"read_only": db.read_only, "rows": len(snap.data), "refused": refused}))
"""


def test_a_folder_the_kernel_refuses_to_write_is_read_for_real(filled, tmp_path, chmod_back):
    import json

    prefix = without_write_permission()
    if prefix is None:
        pytest.skip("no way to drop root's permission override here (setpriv missing or not allowed)")
    directory = read_only_copy(filled, tmp_path)
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", CHILD, str(directory)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen == {"read_only": True, "rows": filled[1], "refused": READ_ONLY_MESSAGE}
    assert sorted(os.listdir(directory)) == [store_module.FILENAME]  # no WAL or lock file could be made


# ---- the pages --------------------------------------------------------------------------------


def overblik_2019(at: AppTest) -> dict[str, str]:
    at.switch_page("app_pages/overblik.py").run()
    at.selectbox(key="year").select(2019).run()
    assert not at.exception, [e.value for e in at.exception]
    return card_values(at)


def test_pages_show_the_stored_numbers_and_the_data_page_offers_no_import_or_undo(filled, monkeypatch):
    directory, _ = filled
    monkeypatch.setenv("CSR_DATA_DIR", str(directory))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    writable_figures = overblik_2019(at)
    assert writable_figures  # the cards of 2019

    monkeypatch.setattr(store_module, "writable", lambda directory, path: False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert overblik_2019(at) == writable_figures
    for page in ("app_pages/udvikling.py", "app_pages/omegnskommuner.py", "app_pages/praktikpladser.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not any("skrivebeskyttet" in e.value for e in at.error)
        assert not any("eksempeldata" in m.value.lower() for m in at.markdown)
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == [READ_ONLY_MESSAGE]
    assert not at.get("file_uploader")
    keys = {b.key for b in at.button}
    assert "import_confirm" not in keys and not any(str(k).startswith("undo_") for k in keys)
    assert any("Import nr. 1" in m.value for m in at.markdown)  # the history is shown
    assert any(b.key == "download_dataset" for b in at.download_button)

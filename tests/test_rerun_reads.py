"""What a page rerun reads from the store: one read transaction (the store opens, checks its schema and reads
its version in it, `Store.opened_version`), and yet an import made elsewhere (another process, the command
line) is seen at the next rerun."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from csr import db
from csr.config import default_config
from csr.importers import import_uploads, read_uploads
from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))


def _count_reads(monkeypatch) -> list[int]:
    """A list that gets an entry for every read transaction (`db.read`) from now on."""
    reads: list[int] = []
    real_read = db.read

    def counted_read(*args, **kwargs):
        reads.append(1)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(db, "read", counted_read)
    return reads


def test_a_rerun_reads_the_store_once_and_sees_an_import_made_elsewhere(store_dir, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.run()
    assert not at.exception and at.get("vega_lite_chart")
    assert at.main.get("warning")  # the sample data's banner: nothing is stored yet

    reads = _count_reads(monkeypatch)
    versions: list[int] = []
    real_version = Store.version

    def counted_version(self: Store) -> str:
        versions.append(1)
        return real_version(self)

    monkeypatch.setattr(Store, "version", counted_version)
    at.run()
    assert not at.exception
    assert (len(reads), len(versions)) == (1, 0)

    elsewhere = Store(store_dir)  # as another process, or `python -m csr import`, would
    elsewhere.add_batch(read_uploads(SAMPLE), import_uploads(read_uploads(SAMPLE), default_config()), who="Hanne")
    reads.clear()
    at.run()
    assert not at.exception and not at.main.get("warning")  # the stored figures, no sample banner
    assert len(reads) >= 2 and not versions  # the new version from the open; the new data read once


def test_the_planner_lists_its_saved_scenarios_from_the_read_at_the_open(store_dir, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/planlaegning.py").run()
    reads = _count_reads(monkeypatch)
    at.run()
    assert not at.exception
    assert "Der er ingen gemte scenarier endnu." in [c.value for c in at.caption]
    assert len(reads) == 1  # the open: schema, version and the scenario list in one transaction

    # Saved on the page: its callback writes through this run's store, and the list below shows it at once.
    at.text_input(key="plan_name").input("Flere elever")
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert at.selectbox(key="plan_saved").options == ["Flere elever"]

    # Saved by someone else (another session or process): seen at the next rerun, with no extra read.
    Store(store_dir).save_scenario("Færre vikarer", {"year": 2024})
    reads.clear()
    at.run()
    assert at.selectbox(key="plan_saved").options == ["Flere elever", "Færre vikarer"]
    assert len(reads) == 1


def test_a_write_through_a_copy_of_the_store_drops_what_the_open_read(store_dir):
    Store(store_dir)  # the schema made, so the next open reads the list with it
    store = Store(store_dir)
    assert store.scenarios().empty
    store.acting("planlægger", "10.0.0.7").save_scenario("Plan A", {"year": 2024}, who="Hanne")
    assert list(store.scenarios()["name"]) == ["Plan A"]  # the copy's write reached the original's listing
    store.delete_scenario("Plan A")
    assert store.scenarios().empty

    other = Store(store_dir)
    Store(store_dir).save_scenario("Plan B", {"year": 2024})
    assert other.scenarios().empty  # as at its open: one read's state, like every read of a rerun
    assert list(Store(store_dir).scenarios()["name"]) == ["Plan B"]

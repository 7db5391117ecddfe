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


def test_a_rerun_reads_the_store_once_and_sees_an_import_made_elsewhere(store_dir, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.run()
    assert not at.exception and at.get("vega_lite_chart")
    assert at.main.get("warning")  # the sample data's banner: nothing is stored yet

    reads: list[int] = []
    versions: list[int] = []
    real_read, real_version = db.read, Store.version

    def counted_read(*args, **kwargs):
        reads.append(1)
        return real_read(*args, **kwargs)

    def counted_version(self: Store) -> str:
        versions.append(1)
        return real_version(self)

    monkeypatch.setattr(db, "read", counted_read)
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

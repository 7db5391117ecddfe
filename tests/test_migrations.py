"""A store written by the first release (schema 1) opens with nothing lost, and migrations are all or nothing.

`fixtures/store-schema1.sqlite` was written by the schema-1 code (`fixtures/make_store_schema1.py`): five
imports, the last undone, two scenarios and a profile; `fixtures/store-schema1.json` holds what that
code read back from it. Each test migrates a copy and compares.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from csr import db
from csr.config import default_config
from csr.model import ImportResult
from csr.store import OLD_SCHEMA_READ_ONLY, DuplicateImport, Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "store-schema1.json").read_text(encoding="utf-8"))
KEY = ["code", "year", "period", "index", "scheme"]


def records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso"))


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    shutil.copyfile(FIXTURES / "store-schema1.sqlite", directory / "csr.sqlite")
    return directory


def raw_batches(path: Path) -> dict[str, dict]:
    """Every stored row of every batch (superseded and undone ones too), as the generator recorded them."""
    con = sqlite3.connect(path)
    out = {}
    for (batch,) in con.execute("SELECT id FROM batches ORDER BY id"):
        rows = con.execute(
            'SELECT municipality, code, year, period, period_index, scheme, value, file, sheet, row, "column", live '
            "FROM data_rows WHERE batch = ? ORDER BY code, year, period, period_index, scheme",
            (batch,),
        ).fetchall()
        places = con.execute(
            "SELECT year, education, agreed, realised, file, sheet, row, live FROM placements WHERE batch = ? "
            "ORDER BY year, education",
            (batch,),
        ).fetchall()
        out[str(batch)] = {
            "rows": len(rows),
            "live": sum(r[-1] for r in rows),
            "rows_fingerprint": hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest(),
            "placements": [list(r) for r in places],
        }
    con.close()
    return out


def test_the_fixture_is_a_first_release_store():
    con = sqlite3.connect(FIXTURES / "store-schema1.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == 1
    assert "alembic_version" not in tables and {"data", "batches", "scenarios", "profiles"} <= tables
    assert [r[1] for r in con.execute("PRAGMA table_info(data)")] == ["batch", "key", "value", "origin", "live"]
    con.close()
    assert (FIXTURES / "store-schema1.sqlite").stat().st_size < 400_000


def test_a_first_release_store_opens_with_every_import_undo_history_scenario_and_profile(old_store):
    store = Store(old_store)
    assert store.revision() == db.head()
    assert store.version() == EXPECTED["version"] == "fixture00sch:6"
    assert records(store.history()) == EXPECTED["history"]
    assert [h["status"] for h in EXPECTED["history"]] == ["fortrudt", "aktiv", "aktiv", "aktiv", "aktiv"]
    for batch, expected in EXPECTED["batches"].items():
        info = store.batch(int(batch))
        assert [list(f.__dict__.values()) for f in info.files] == expected["info"]["files"]
        assert info.created.isoformat() == expected["info"]["created"]
        assert (None if info.undone is None else info.undone.isoformat()) == expected["info"]["undone"]
    got = raw_batches(old_store / "csr.sqlite")
    for batch, expected in EXPECTED["batches"].items():
        assert got[batch] == {k: expected[k] for k in ("rows", "live", "rows_fingerprint", "placements")}, batch
    assert got["5"]["live"] == 0 and got["5"]["rows"] == 11 and got["1"]["live"] == 1913

    data, placements = store.current()
    assert len(data) == EXPECTED["data_rows"] == 2876
    assert float(data["value"].sum()) == EXPECTED["data_value_sum"]
    ordered = data.sort_values(KEY, kind="stable").reset_index(drop=True)
    assert hashlib.sha256(ordered.to_csv(index=False).encode()).hexdigest() == EXPECTED["data_fingerprint"]
    assert records(data.iloc[[0, 100, 500, len(data) - 1]]) == EXPECTED["data_sample"]
    assert records(placements) == EXPECTED["placements"]

    assert records(store.scenarios()) == EXPECTED["scenarios"]
    assert list(store.scenarios()["outdated"]) == [True, False]
    for name, payload in EXPECTED["scenario_payloads"].items():
        assert store.load_scenario(name).payload == payload
    assert [
        {"name": p.name, "payload": p.payload, "saved": p.saved.isoformat(), "who": p.who} for p in store.profiles()
    ] == EXPECTED["profiles"]
    assert store.undo_preview(4).summary() == EXPECTED["undo_preview"]
    assert not store.is_empty()
    assert store.audit_entries().empty  # the first release kept no audit log


def test_the_migrated_store_has_plain_columns_and_keeps_working(old_store):
    store = Store(old_store)
    assert store.opened_version is None  # opened at the old schema: no version read with it
    con = sqlite3.connect(old_store / "csr.sqlite")
    columns = [r[1] for r in con.execute("PRAGMA table_info(data)")]
    assert columns == [
        "id",
        "batch",
        "code",
        "year",
        "period",
        "period_index",
        "scheme",
        "value",
        "origin",
        "row",
        "live",
        "tenant",
    ]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {t for t in tables if t.endswith("_v1")} and {"state", "audit", "alembic_version"} <= tables
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == 2
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    # Every row of every table of a municipality's own belongs to the strategy file's home (0004).
    home = default_config().home
    for table in ("batches", "batch_files", "data", "placements", "origins", "scenarios", "profiles", "state"):
        counts = con.execute(f"SELECT COUNT(*), SUM(tenant = ?), SUM(tenant IS NULL) FROM {table}", (home,)).fetchone()
        assert counts[0] > 0 and counts[1] == counts[0] and not counts[2], table
    assert {r[0] for r in con.execute("SELECT DISTINCT tenant FROM data")} == {home}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The index of the rows in force (0005) holds exactly the rows with live = 1.
    assert (
        con.execute("SELECT COUNT(*) FROM data INDEXED BY data_live WHERE live = 1").fetchone()[0]
        == (con.execute("SELECT COUNT(*) FROM data NOT INDEXED WHERE live = 1").fetchone()[0])
        > 0
    )
    # The KRL file's correction (import 4) holds 40 numbers, one more than the KRL file's.
    krl = con.execute(
        "SELECT d.value FROM data_rows d WHERE d.batch = 1 AND d.live = 0 ORDER BY d.id LIMIT 1"
    ).fetchone()[0]
    fix = con.execute("SELECT value FROM data_rows WHERE batch = 4 ORDER BY id LIMIT 1").fetchone()[0]
    assert fix == krl + 1
    con.close()

    before = store.current()[0]
    store.undo(4, who="Hanne HR")  # the correction goes, the KRL file's own numbers are back
    after = store.current()[0]
    assert len(after) == len(before) and (after["file"] == "rettelser.xlsx").sum() == 0
    assert after["value"].sum() == pytest.approx(before["value"].sum() - 40)
    with pytest.raises(DuplicateImport, match=r"import nr\. 1"):
        store.add_batch(
            [("krl_ansatte_og_ordninger.xlsx", (ROOT / "sample_data" / "krl_ansatte_og_ordninger.xlsx").read_bytes())],
            ImportResult(data=before.head(1)),
        )
    again = store.add_batch([("rettelser-2.xlsx", b"rettelser, version 2")], ImportResult(data=before.head(3)))
    assert again.id == 6  # the undone file can come in again, numbered after the first release's imports
    assert list(store.audit_entries()["event"]) == ["undo", "import"]


def test_a_failing_migration_changes_nothing(old_store):
    path = old_store / "csr.sqlite"
    con = sqlite3.connect(path)
    # A file of an import that does not exist: the new table's foreign key refuses it half way through.
    con.execute("INSERT INTO batch_files (batch, position, name, sha256, size, rows) VALUES (99, 0, 'x', 'y', 1, 1)")
    con.commit()
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="uventet fejl; intet er ændret"):
        Store(old_store)
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == 1
    assert [r[1] for r in con.execute("PRAGMA table_info(data)")] == ["batch", "key", "value", "origin", "live"]
    assert "alembic_version" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_read_only_store_at_the_old_schema_says_so_and_is_left_alone(old_store, monkeypatch):
    monkeypatch.setenv("CSR_READ_ONLY", "1")
    before = hashlib.sha256((old_store / "csr.sqlite").read_bytes()).hexdigest()
    with pytest.raises(StoreError) as caught:
        Store(old_store)
    assert str(caught.value) == OLD_SCHEMA_READ_ONLY and "python -m csr db upgrade" in str(caught.value)
    assert hashlib.sha256((old_store / "csr.sqlite").read_bytes()).hexdigest() == before


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csr", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


def test_the_command_line_upgrades_and_names_the_revision(old_store):
    out = cli("db", "current", "--data-dir", str(old_store))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Skemaversion: 0001 (første udgave); dette program bruger {db.head()}."
    out = cli("db", "upgrade", "--data-dir", str(old_store))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Databasen er opgraderet fra skemaversion 0001 til {db.head()}."
    out = cli("db", "upgrade", "--data-dir", str(old_store))
    assert out.stdout.strip() == f"Databasen har allerede den nyeste skemaversion ({db.head()})."
    out = cli("db", "current", "--data-dir", str(old_store))
    assert out.stdout.strip() == f"Skemaversion: {db.head()} (den nyeste)."
    assert len(Store(old_store).history()) == 5

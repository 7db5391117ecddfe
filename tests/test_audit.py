"""The audit log's storage: append-only entries, the store's own events in the action's transaction,
retention, filters and the command line. On both engines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import text

import csr.store as store_module
from csr import db
from csr.model import ImportResult, empty_canonical
from csr.store import AUDIT_LABELS, READ_ONLY_MESSAGE, DuplicateImport, Store, StoreError

pytest_plugins = ("postgres_support",)  # the PostgreSQL server and a database per test

ROOT = Path(__file__).resolve().parents[1]


def canonical(value: float, file: str = "a.xlsx") -> pd.DataFrame:
    row = {
        "municipality": "Aabenraa",
        "code": 580,
        "year": 2019,
        "period": "M",
        "index": 2,
        "scheme": "fleksjob",
        "value": value,
        "file": file,
        "sheet": "Data",
        "row": 2,
        "column": "D",
    }
    return pd.DataFrame([row]).astype(empty_canonical().dtypes.to_dict())


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(tmp_path / "data")
    return Store(request.getfixturevalue("postgres_url"))


def put_old_entry(store: Store, at: datetime, event: str) -> None:
    """An entry written `at` (as if long ago): straight into the table, as no API can backdate one."""
    with db.write(store._engine, 5) as conn:
        conn.execute(
            text("INSERT INTO audit (at, who, event) VALUES (:at, 'gammel', :event)"),
            {"at": at.astimezone(UTC).isoformat(timespec="microseconds"), "event": event},
        )


def test_an_event_is_recorded_with_everything_and_read_back_with_danish_labels(store):
    before = datetime.now(UTC)
    store.record_event("Hanne HR", "login", "Logget ind", address="10.0.0.7", role="hr")
    store.record_event("Lars Læser", "page_view", "Overblik", address="10.0.0.8", role="laeser", municipality=580)
    log = store.audit_entries()
    assert list(log.columns) == list(AUDIT_LABELS) and AUDIT_LABELS["at"] == "Tidspunkt"
    assert log[["who", "role", "event", "detail", "address"]].values.tolist() == [
        ["Hanne HR", "hr", "login", "Logget ind", "10.0.0.7"],
        ["Lars Læser", "laeser", "page_view", "Overblik", "10.0.0.8"],
    ]
    assert log["municipality"].tolist() == [pd.NA, 580]
    assert str(log["at"].dt.tz) == "UTC"
    assert before <= log["at"].iloc[0] <= log["at"].iloc[1] <= datetime.now(UTC)
    assert log["id"].tolist() == [1, 2]
    with pytest.raises(StoreError, match="skal have et navn"):
        store.record_event("x", "  ")


def test_the_store_records_its_own_actions_in_the_same_transaction(store):
    info = store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical(1)), who="Hanne HR")
    with pytest.raises(DuplicateImport):  # refused: nothing is logged
        store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical(2)), who="Hanne HR")
    store.undo(info.id, who="Jens Løn")
    store.save_scenario("Plan", {"x": 1}, who="Pia Plan")
    store.delete_scenario("Plan", who="Pia Plan")
    with pytest.raises(StoreError):  # an unknown scenario: nothing deleted, nothing logged
        store.delete_scenario("Plan", who="Pia Plan")
    store.save_profile("Løn", {"headers": ["A"], "columns": {}}, who="Jens Løn")
    store.delete_profile("Løn", who="Jens Løn")
    log = store.audit_entries()
    assert log[["who", "event", "detail"]].values.tolist() == [
        ["Hanne HR", "import", "Import nr. 1: 1 tal fra a.xlsx."],
        ["Jens Løn", "undo", "Import nr. 1 (a.xlsx) er fortrudt."],
        ["Pia Plan", "scenario_save", "Scenariet 'Plan' er gemt."],
        ["Pia Plan", "scenario_delete", "Scenariet 'Plan' er slettet."],
        ["Jens Løn", "profile_save", "Importprofilen 'Løn' er gemt."],
        ["Jens Løn", "profile_delete", "Importprofilen 'Løn' er slettet."],
    ]


def test_an_import_that_fails_half_way_leaves_no_entry(store):
    def progress(done: int, total: int) -> None:
        raise RuntimeError("afbrudt")

    with pytest.raises(RuntimeError):
        store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical(1)), who="Hanne HR", progress=progress)
    assert store.audit_entries().empty and store.is_empty()


def test_filters_by_time_user_and_event(store):
    now = datetime.now(UTC)
    put_old_entry(store, now - timedelta(days=10), "login")
    put_old_entry(store, now - timedelta(days=5), "export")
    store.record_event("Hanne HR", "login")
    assert len(store.audit_entries()) == 3
    assert store.audit_entries(since=now - timedelta(days=6))["event"].tolist() == ["export", "login"]
    assert store.audit_entries(until=now - timedelta(days=6))["event"].tolist() == ["login"]
    assert store.audit_entries(who="Hanne HR")["event"].tolist() == ["login"]
    assert store.audit_entries(event="login")["who"].tolist() == ["gammel", "Hanne HR"]
    naive = (now - timedelta(days=6)).replace(tzinfo=None)  # a time without zone is UTC
    assert len(store.audit_entries(since=naive)) == 2


def test_entries_older_than_the_retention_are_deleted_and_only_those(store, monkeypatch):
    now = datetime.now(UTC)
    put_old_entry(store, now - timedelta(days=401), "for_gammel")
    put_old_entry(store, now - timedelta(days=399), "gammel_nok")
    store.record_event("Hanne HR", "login")  # the default retention: 400 days
    assert store.audit_entries()["event"].tolist() == ["gammel_nok", "login"]
    monkeypatch.setenv("CSR_AUDIT_RETENTION_DAYS", "30")
    put_old_entry(store, now - timedelta(days=29), "ny_nok")
    store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical(1)), who="Hanne HR")  # the store's own events too
    assert store.audit_entries()["event"].tolist() == ["login", "ny_nok", "import"]
    monkeypatch.setenv("CSR_AUDIT_RETENTION_DAYS", "et år")
    with pytest.raises(StoreError, match="CSR_AUDIT_RETENTION_DAYS skal være et helt antal dage"):
        store.record_event("Hanne HR", "login")
    monkeypatch.setenv("CSR_AUDIT_RETENTION_DAYS", "0")
    with pytest.raises(StoreError, match="mindst 1 dag"):
        store.record_event("Hanne HR", "login")
    assert len(store.audit_entries()) == 3


def test_the_only_way_an_entry_leaves_is_the_retention():
    """Append-only in the code: one DELETE of audit rows (the retention) and no UPDATE anywhere in csr."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "csr").rglob("*.py"))
    assert len(re.findall(r"DELETE FROM audit\b", sources)) == 1
    assert "DELETE FROM audit WHERE at < :cutoff" in sources
    assert not re.search(r"UPDATE audit\b", sources)


def test_a_read_only_store_refuses_to_record(tmp_path, monkeypatch):
    store = Store(tmp_path / "data")
    store.record_event("Hanne HR", "login")
    monkeypatch.setenv(store_module.READ_ONLY_ENV, "1")
    with pytest.raises(StoreError, match=re.escape(READ_ONLY_MESSAGE)):
        Store(tmp_path / "data").record_event("Hanne HR", "login")
    assert len(Store(tmp_path / "data").audit_entries()) == 1


def test_the_command_line_prints_the_log_in_danish_and_as_json(tmp_path):
    store = Store(tmp_path / "data")
    earlier = (datetime.now(UTC) - timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
    put_old_entry(store, earlier, "login")
    store.record_event("Hanne HR", "export", "HR-regnskab 2024 (pdf)", address="10.0.0.7", role="hr", municipality=580)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "csr", "audit", "--data-dir", str(tmp_path / "data"), *a],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    out = run()
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    local = earlier.astimezone(ZoneInfo("Europe/Copenhagen"))
    assert local.hour in (9, 10)  # winter or summer time
    assert lines[0] == f"{local:%d-%m-%Y} {local.hour:02d}.00.00 – gammel – login"
    assert re.fullmatch(
        r"\d\d-\d\d-\d{4} \d\d\.\d\d\.\d\d – Hanne HR \(hr\) – export – HR-regnskab 2024 \(pdf\) – 10\.0\.0\.7 – kommune 580",
        lines[1],
    )
    since = datetime.now(UTC).strftime("%Y-%m-%d")
    entries = json.loads(run("--json", "--since", since).stdout)
    assert [(e["who"], e["event"], e["municipality"], e["address"]) for e in entries] == [
        ("Hanne HR", "export", 580, "10.0.0.7")
    ]
    assert datetime.fromisoformat(entries[0]["at"]).tzinfo is not None
    assert run("--since", "2099-01-01").stdout.strip() == "Loggen er tom i perioden."
    bad = run("--since", "2. januar")
    assert bad.returncode == 2 and "'2. januar' er ikke en dato som ÅÅÅÅ-MM-DD" in bad.stderr

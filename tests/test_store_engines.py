"""What differs by engine: choosing PostgreSQL, its read-only mode, a server that cannot be reached, the
one-row version table, and the schema a person can query (plain columns and the `data_rows` view)."""

from __future__ import annotations

import re
import sqlite3

import pandas as pd
import pytest
import sqlalchemy as sa

from csr import db
from csr.model import ImportResult, empty_canonical, empty_placements
from csr.store import READ_ONLY_ENV, READ_ONLY_MESSAGE, Store, StoreError

pytest_plugins = ("postgres_support",)  # the PostgreSQL server and a database per test


def canonical(values: list[tuple[int, int, str, int, str, float]], file: str = "a.xlsx") -> pd.DataFrame:
    rows = [
        {
            "municipality": f"Kommune {code}",
            "code": code,
            "year": year,
            "period": period,
            "index": index,
            "scheme": scheme,
            "value": value,
            "file": file,
            "sheet": "Data",
            "row": 2 + i,
            "column": "D",
        }
        for i, (code, year, period, index, scheme, value) in enumerate(values)
    ]
    return pd.DataFrame(rows).astype(empty_canonical().dtypes.to_dict())


def test_the_database_url_chooses_postgresql(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv(db.DATABASE_URL_ENV, postgres_url)
    monkeypatch.setenv("CSR_DATA_DIR", str(tmp_path / "unused"))
    store = Store.default()
    assert store.engine_name == "postgresql" and store.path is None and store.url == postgres_url
    store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical([(580, 2019, "M", 2, "fleksjob", 3.0)])))
    assert Store(str(store.directory)).version() == store.version()  # the pages rebuild a store from `directory`
    assert not (tmp_path / "unused").exists()
    monkeypatch.delenv(db.DATABASE_URL_ENV)
    assert Store.default().engine_name == "sqlite"


def test_the_password_is_not_shown(postgres_url):
    secret = postgres_url.replace("postgres@", "postgres:hemmeligt@")
    assert "hemmeligt" not in repr(Store(secret))


def test_a_read_only_postgresql_store_refuses_every_write_and_changes_nothing(postgres_url, monkeypatch):
    writer = Store(postgres_url)
    writer.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical([(580, 2019, "M", 2, "fleksjob", 3.0)])))
    version = writer.version()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    store = Store(postgres_url)
    assert store.read_only
    writes = [
        lambda: store.add_batch([("b.xlsx", b"b")], ImportResult(data=canonical([(580, 2019, "M", 2, "elever", 1)]))),
        lambda: store.undo(1),
        lambda: store.save_scenario("plan", {"a": 1}),
        lambda: store.delete_scenario("plan"),
        lambda: store.save_profile("p", {}),
        lambda: store.record_event("x", "login"),
        lambda: store.upgrade(),
    ]
    for write in writes:
        with pytest.raises(StoreError) as caught:
            write()
        assert str(caught.value) == READ_ONLY_MESSAGE
    assert (
        store.version() == version
        and len(store.current()[0]) == 1
        and store.audit_entries()["event"].tolist() == ["import"]
    )


def test_a_server_that_cannot_be_reached_is_a_danish_sentence():
    from postgres_support import free_port

    with pytest.raises(StoreError) as caught:
        Store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/csr", timeout=2)
    assert str(caught.value).startswith(
        "Databaseserveren kan ikke nås, eller den afviser forbindelsen; intet er ændret."
    )
    assert "CSR_DATABASE_URL" in str(caught.value)


def test_an_empty_database_is_migrated_and_two_stores_opening_at_once_agree(postgres_server):
    postgres_server.execute("CREATE DATABASE csr_fresh")
    url = postgres_server.url("csr_fresh")
    try:
        first = Store(url, migrate=False)
        assert first.revision() is None
        before, after = first.upgrade()
        assert (before, after) == (None, db.head())
        assert Store(url).version() == first.version()
        assert re.fullmatch(r"[0-9a-f]{12}:0", first.version())
    finally:
        db.dispose(url)
        postgres_server.execute("DROP DATABASE csr_fresh WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "sqlite":
        return Store(tmp_path / "data")
    return Store(request.getfixturevalue("postgres_url"))


def test_the_version_is_one_row_of_one_table(store):
    engine = store._engine
    with db.read(engine) as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM state")).scalar_one() == 1
    with pytest.raises(sa.exc.IntegrityError), db.write(engine, 5) as conn:
        conn.execute(sa.text("INSERT INTO state (id, store_id, generation) VALUES (2, 'x', 0)"))


def test_the_schema_is_plain_columns_a_person_can_query(store):
    data = canonical([(580, 2019, "M", 2, "fleksjob", 3.5), (561, 2020, "Q", 4, "elever", float("nan"))], "krl.xlsx")
    places = empty_placements()
    store.add_batch([("krl.xlsx", b"k")], ImportResult(data=data, placements=places), who="Hanne")
    store.add_batch(
        [("ny.xlsx", b"n")], ImportResult(data=canonical([(580, 2019, "M", 2, "fleksjob", 4.0)], "ny.xlsx"))
    )
    with db.read(store._engine) as conn:
        plain = conn.execute(
            sa.text("SELECT batch, code, year, period, period_index, value, row, live FROM data ORDER BY id")
        ).fetchall()
        view = conn.execute(
            sa.text(
                'SELECT batch, municipality, code, year, period, period_index, scheme, value, file, sheet, row, "column", '
                "live FROM data_rows WHERE live = 1 ORDER BY code"
            )
        ).fetchall()
    assert [tuple(r) for r in plain] == [
        (1, 580, 2019, "M", 2, 3.5, 2, 0),
        (1, 561, 2020, "Q", 4, None, 3, 1),
        (2, 580, 2019, "M", 2, 4.0, 2, 1),
    ]
    assert [tuple(r) for r in view] == [
        (1, "Kommune 561", 561, 2020, "Q", 4, "elever", None, "krl.xlsx", "Data", 3, "D", 1),
        (2, "Kommune 580", 580, 2019, "M", 2, "fleksjob", 4.0, "ny.xlsx", "Data", 2, "D", 1),
    ]


def test_the_sqlite_file_keeps_wal_and_full_synchronous(tmp_path):
    store = Store(tmp_path / "data")
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    raw = store._engine.raw_connection()
    try:
        assert raw.driver_connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert raw.driver_connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        raw.close()

"""What differs by engine: choosing PostgreSQL, its read-only mode, a server that cannot be reached, the
one-row version table, and the schema a person can query (plain columns and the `data_rows` view)."""

from __future__ import annotations

import re
import sqlite3

import pandas as pd
import pytest
import sqlalchemy as sa

import csr.store as store_module
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


def test_the_version_is_one_row_per_municipality(store):
    engine = store._engine
    with db.read(engine) as conn:
        assert [tuple(r) for r in conn.execute(sa.text("SELECT tenant FROM state"))] == [(store.tenant,)]
    with pytest.raises(sa.exc.IntegrityError), db.write(engine, 5) as conn:
        conn.execute(sa.text(f"INSERT INTO state (tenant, store_id, generation) VALUES ({store.tenant}, 'x', 0)"))


def test_the_version_read_as_the_store_opens_is_its_version_then(store):
    def reopened() -> Store:
        return Store(store.url or store.directory, tenant=store.tenant)

    opened = reopened()  # (the fixture's store created the schema: no version read with it)
    assert opened.opened_version == store.version()
    store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical([(580, 2019, "M", 2, "fleksjob", 3.5)])))
    assert opened.opened_version != store.version()  # what it was as it opened, not updated by writes
    assert reopened().opened_version == store.version()


def test_the_scenario_list_is_a_frame_of_its_own_at_every_call(store):
    store.save_scenario("Plan A", {"persons": {"fleksjob": 3}}, who="Per")
    first = store.scenarios()
    first.loc[0, "who"] = "ændret"
    again = store.scenarios()
    assert list(again["name"]) == ["Plan A"] and list(again["who"]) == ["Per"] and not again["outdated"].any()
    store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical([(580, 2019, "M", 2, "fleksjob", 3.5)])))
    assert list(store.scenarios()["outdated"]) == [True]  # the data moved on since it was saved


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


def test_sqlite_reads_what_is_in_force_from_its_index_through_imports_and_undo(tmp_path):
    """On SQLite the hot read scans the partial index of the rows in force (migration 0005) instead of
    packing the columns per row; the index follows every import, supersede and undo."""
    store = Store(tmp_path / "data")
    con = sqlite3.connect(store.path)
    assert "USING INDEX data_live" in " ".join(
        str(r[-1]) for r in con.execute("EXPLAIN QUERY PLAN " + store_module._LIVE_READ)
    )
    indexed = con.execute("SELECT sql FROM sqlite_master WHERE name = 'data_live'").fetchone()[0]
    assert indexed.endswith("WHERE live = 1")
    first = canonical([(580, 2019, "M", 2, "fleksjob", 3.5), (561, 2020, "Q", 4, "elever", float("nan"))])
    second = canonical([(580, 2019, "M", 2, "fleksjob", 4.0), (580, 2021, "Y", 1, "fleksjob", 9.0)], "ny.xlsx")

    def in_force() -> list[tuple]:
        rows = con.execute(store_module._LIVE_READ.replace("FROM data", "FROM data INDEXED BY data_live")).fetchall()
        assert rows == con.execute(store_module._LIVE_READ.replace("FROM data", "FROM data NOT INDEXED")).fetchall()
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [(r[0] & 16383, r[1]) for r in rows]  # the municipality code and the value, in id order

    store.add_batch([("a.xlsx", b"a")], ImportResult(data=first))
    assert in_force() == [(580, 3.5), (561, None)]
    batch = store.add_batch([("ny.xlsx", b"n")], ImportResult(data=second))
    assert in_force() == [(561, None), (580, 4.0), (580, 9.0)]
    assert list(store.current()[0]["value"].fillna(-1)) == [-1, 4.0, 9.0]
    store.undo(batch.id)
    assert in_force() == [(580, 3.5), (561, None)]
    assert list(store.current()[0]["code"]) == [580, 561]
    con.close()


def test_the_binary_copy_stores_what_the_text_copy_stores(postgres_url):
    """`_copy_rows` builds PostgreSQL's binary COPY rows with numpy: every kind of value it writes (int4 at both
    ends, floats with NaN as NULL, infinities and -0.0, text of several widths, multi-byte, empty and None)
    reads back exactly as the same rows written through psycopg's own row-by-row binary COPY."""
    import numpy as np
    import psycopg

    from csr import store as store_module

    Store(postgres_url)
    columns = {
        "i": np.array([-(2**31), 0, 7, 2**31 - 1, 42], dtype=np.int64),
        "f": np.array([float("nan"), float("inf"), -0.0, 0.1 + 0.2, -1e300]),
        "t": np.array(["M", "æøå – ✓", "", None, "Sønderborg Kommune"], dtype=object),
        "s": np.array(["Q", "Y", "M", "M", "Y"], dtype=object),
        "g": np.array([1.5, 2.5, 3.5, 4.5, float("nan")]),
    }
    conninfo = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as con:
        con.execute("CREATE TABLE copied (pos serial, i integer, f double precision, t text, s varchar(1), g float8)")
        con.execute("CREATE TABLE expected (pos serial, i integer, f double precision, t text, s varchar(1), g float8)")
        with con.cursor() as cursor:
            store_module._copy_rows(cursor, "copied", columns)
            with cursor.copy("COPY expected (i, f, t, s, g) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "float8", "text", "varchar", "float8"])
                for row in zip(*(c.tolist() for c in columns.values()), strict=True):
                    copy.write_row([None if isinstance(v, float) and v != v else v for v in row])
        got = con.execute("SELECT i, f, t, s, g, f::text FROM copied ORDER BY pos").fetchall()
        want = con.execute("SELECT i, f, t, s, g, f::text FROM expected ORDER BY pos").fetchall()
        assert got == want and len(got) == 5
        assert got[0][1] is None and got[2][5] == "-0" and got[3][2] is None and got[1][2] == "æøå – ✓"
        with pytest.raises(OverflowError), con.cursor() as cursor:
            store_module._copy_rows(cursor, "copied", {"i": np.array([2**31])})


def test_the_binary_copy_sends_pieces_and_reports_progress(postgres_url, monkeypatch):
    """An import on PostgreSQL is one COPY written in pieces of INSERT_CHUNK rows, with progress after each."""
    from csr import store as store_module

    monkeypatch.setattr(store_module, "INSERT_CHUNK", 2)
    store = Store(postgres_url)
    values = [(580, 2019, "M", month, "fleksjob", float(month)) for month in range(1, 6)]
    calls: list[tuple[int, int]] = []
    store.add_batch([("a.xlsx", b"a")], ImportResult(data=canonical(values)), progress=lambda *a: calls.append(a))
    assert calls == [(2, 5), (4, 5), (5, 5)]
    assert store.current()[0]["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]

"""Many municipalities on one PostgreSQL, kept apart by row-level security (migration 0004).

Each test makes a database owned by a role `csr_owner` (no superuser: a superuser passes every policy), runs the
migrations as that role, and gives the app's role `csr_app` only the grants of `db.app_role_grants`. The store is
then used as the app (municipalities A = 580 and B = 510) and as the host administrator (`tenant=HOST`, the
owner), through the Store API and in plain SQL.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from test_store_engines import canonical as engine_rows

from csr import db
from csr.config import default_config
from csr.model import ImportResult, empty_placements
from csr.store import HOST, NATIONAL_BATCHES, Store, StoreError

pytest_plugins = ("postgres_support", "tenancy_support")

A, B = 580, 510
# The migration's list of the municipalities' tables; the first test checks it against the database's tables.
_MIGRATION = importlib.util.spec_from_file_location(
    "migration_0004", Path(__file__).resolve().parents[1] / "csr/migrations/versions/0004_municipalities.py"
)
assert _MIGRATION is not None and _MIGRATION.loader is not None
_module = importlib.util.module_from_spec(_MIGRATION)
_MIGRATION.loader.exec_module(_module)
TENANT_TABLES: tuple[str, ...] = _module.TENANT_TABLES
SHARED_TABLES = {"schemes", "meta", "alembic_version"}  # a vocabulary, the store's marker and Alembic's revision
_names = itertools.count(1)


def canonical(values: list[tuple[int, int, str, float]], file: str = "a.xlsx") -> pd.DataFrame:
    """Rows (code, year, scheme, value), each a yearly figure."""
    return engine_rows([(code, year, "Y", 0, scheme, value) for code, year, scheme, value in values], file)


def imported(values: list[tuple[int, int, str, float]], file: str) -> ImportResult:
    return ImportResult(data=canonical(values, file), placements=empty_placements())


def placements(year: int, education: str, agreed: float) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"year": year, "education": education, "agreed": agreed, "realised": 1.0, "file": "p.xlsx", "sheet": "P"}]
    )
    return frame.assign(row=2).astype(empty_placements().dtypes.to_dict())


def test_the_app_role_owns_nothing_and_a_store_without_tenant_is_the_home(host):
    with host.sql() as con:
        owned = con.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = 'csr_app' AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        tables = {
            r[0]
            for r in con.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            ).fetchall()
        }
        forced = dict(
            con.execute(
                "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
                (list(TENANT_TABLES),),
            ).fetchall()
        )
    assert owned == []
    assert tables - SHARED_TABLES == set(TENANT_TABLES)  # no table of the schema is left without row security
    assert forced == dict.fromkeys(TENANT_TABLES, True)
    plain = Store(host.app_url)
    assert plain.tenant == default_config().home == A
    plain.add_batch([("a.xlsx", b"a")], imported([(A, 2020, "fleksjob", 1.0)], "a.xlsx"))
    assert Store(host.app_url, tenant=A).history()["batch"].tolist() == [1]  # the same municipality
    assert Store(host.app_url, tenant=B).is_empty()


def test_one_municipality_never_sees_another_through_the_store(host):
    a, b = Store(host.app_url, tenant=A), Store(host.app_url, tenant=B)
    a.add_batch(
        [("a1.xlsx", b"a1")],
        ImportResult(
            data=canonical([(A, 2020, "fleksjob", 1.0), (B, 2020, "fleksjob", 2.0)], "a1.xlsx"),
            placements=placements(2020, "Tømrer", 3.0),
        ),
        who="Anne A",
    )
    a.add_batch([("a2.xlsx", b"a2")], imported([(A, 2020, "fleksjob", 5.0)], "a2.xlsx"), who="Anne A")
    a.save_scenario("Plan", {"who": "A"}, who="Anne A")
    a.save_profile("KRL", {"sheet": "A"}, who="Anne A")
    a.save_settings({"strategy": {"name": "A's"}}, who="Anne A")
    a.record_event("Anne A", "login", "A logger ind")
    snapshot_a, version_a = a.snapshot(), a.version()

    assert b.is_empty() and b.history().empty and b.scenarios().empty and b.profiles() == []
    assert b.settings() is None and b.audit_entries().empty
    assert b.already_imported([("a1.xlsx", b"a1")]) == []  # A's file is new to B
    with pytest.raises(StoreError, match="findes ikke"):
        b.load_scenario("Plan")
    with pytest.raises(StoreError, match="findes ikke"):
        b.undo(2)

    # The same file, the same scenario name: B's own, numbered from 1, and A's stay as they were.
    info = b.add_batch(
        [("a1.xlsx", b"a1")], imported([(A, 2020, "fleksjob", 9.0), (B, 2021, "elever", 4.0)], "b.xlsx"), who="Bo B"
    )
    assert info.id == 1 and info.replaced == 0
    b.save_scenario("Plan", {"who": "B"}, who="Bo B")
    assert a.version() == version_a
    again = a.snapshot()
    pd.testing.assert_frame_equal(again.data, snapshot_a.data)
    pd.testing.assert_frame_equal(again.placements, snapshot_a.placements)
    assert a.snapshot().data["value"].tolist() == [2.0, 5.0] and b.snapshot().data["value"].tolist() == [9.0, 4.0]
    assert b.snapshot().placements.empty and len(a.snapshot().placements) == 1
    assert a.load_scenario("Plan").payload == {"who": "A"} and b.load_scenario("Plan").payload == {"who": "B"}
    assert a.history()["batch"].tolist() == [2, 1] and b.history()["who"].tolist() == ["Bo B"]
    assert set(a.audit_entries()["who"]) == {"Anne A"} and set(b.audit_entries()["who"]) == {"Bo B"}
    assert list(b.audit_entries()["event"]) == ["import", "scenario_save"]

    # Undo in B touches B's batch 1 only; A's batch 1 (superseded in part by its batch 2) is as it was.
    b.undo(1, who="Bo B")
    assert b.is_empty() and a.history()["status"].tolist() == ["aktiv", "aktiv"]
    assert a.version() == version_a
    pd.testing.assert_frame_equal(a.snapshot().data, snapshot_a.data)
    a.delete_scenario("Plan")
    assert b.load_scenario("Plan").payload == {"who": "B"}


def test_plain_sql_as_the_app_role_sees_and_writes_only_its_tenant(host):
    a, b = Store(host.app_url, tenant=A), Store(host.app_url, tenant=B)
    a.add_batch([("a.xlsx", b"a")], imported([(A, 2020, "fleksjob", 1.0), (A, 2021, "fleksjob", 2.0)], "a.xlsx"))
    a.save_scenario("Plan", {"x": 1})
    b.add_batch([("b.xlsx", b"b")], imported([(B, 2020, "fleksjob", 3.0)], "b.xlsx"))

    with host.sql() as con:  # no csr.tenant: nothing at all
        for table in TENANT_TABLES:
            assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("INSERT INTO scenarios (name, payload, data_version, saved) VALUES ('x', '{}', '', '')")
        assert con.execute("UPDATE data SET value = 0").rowcount == 0
        assert con.execute("DELETE FROM audit").rowcount == 0

    with host.sql(str(A)) as con:
        assert con.execute("SELECT tenant, code, value FROM data ORDER BY id").fetchall() == [
            (A, A, 1.0),
            (A, A, 2.0),
        ]
        assert con.execute("SELECT tenant FROM batches").fetchall() == [(A,)]
        assert con.execute("SELECT name FROM scenarios").fetchall() == [("Plan",)]
        assert con.execute("SELECT COUNT(*) FROM data_rows").fetchone() == (2,)  # the view too
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute(
                "INSERT INTO scenarios (tenant, name, payload, data_version, saved) VALUES (%s, 'x', '{}', '', '')",
                (B,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("UPDATE data SET tenant = %s", (B,))  # giving rows away is refused too
        assert con.execute("UPDATE data SET value = 0 WHERE code = %s", (B,)).rowcount == 0
        assert con.execute("DELETE FROM batches WHERE tenant = %s", (B,)).rowcount == 0
        for statement in (
            "ALTER TABLE data DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE data NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY tenant_select ON data",
            "CREATE POLICY everything ON data USING (true)",
            "DROP TABLE data",
            "TRUNCATE audit",
            "UPDATE alembic_version SET version_num = '0001'",
            "CREATE TABLE mine (x int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
        con.execute("SELECT set_config('csr.tenant', 'host', false)")  # the app is no host administrator
        for table in TENANT_TABLES:
            assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
    assert [r[1:] for r in b.snapshot().data[["code", "value"]].itertuples()] == [(B, 3.0)]


def test_national_data_are_read_by_every_municipality_and_changed_by_none(host):
    national = Store(host.owner_url, tenant=HOST)
    a, b = Store(host.app_url, tenant=A), Store(host.app_url, tenant=B)
    a.add_batch([("a.xlsx", b"a")], imported([(A, 2020, "fleksjob", 10.0)], "a.xlsx"))
    version_a = a.version()
    rows = [(A, 2020, "fleksjob", 1.0), (B, 2020, "fleksjob", 2.0), (621, 2020, "fleksjob", 3.0)]
    info = national.add_batch([("landet.xlsx", b"landet")], imported(rows, "landet.xlsx"), who="Værten")
    assert info.id == NATIONAL_BATCHES + 1
    assert national.history()["batch"].tolist() == [info.id]  # the host sees only the national batches
    assert a.version() != version_a  # A's pages compute again with the national figures

    # A's own number for 580 2020 wins over the national one; B has no own data and reads all three.
    got_a = a.snapshot().data[["code", "value"]].sort_values("code")
    assert [tuple(r) for r in got_a.itertuples(index=False)] == [(B, 2.0), (A, 10.0), (621, 3.0)]
    got_b = b.snapshot()
    assert not got_b.empty
    assert sorted(got_b.data["value"].tolist()) == [1.0, 2.0, 3.0]
    assert a.history()["batch"].tolist() == [1]  # the national batch is not A's to undo
    with pytest.raises(StoreError, match="kun værtens administrator"):
        b.undo(info.id)
    with pytest.raises(StoreError, match="kun værtens administrator"):
        a.undo_preview(info.id)
    assert a.already_imported([("landet.xlsx", b"landet")]) == []  # the national file is not A's import
    assert national.already_imported([("landet.xlsx", b"landet")]) != []
    with host.sql(str(B)) as con:
        assert con.execute("SELECT COUNT(*) FROM data WHERE tenant IS NULL").fetchone() == (3,)
        assert con.execute("UPDATE data SET value = 0 WHERE tenant IS NULL").rowcount == 0
        assert con.execute("UPDATE batches SET undone = 'x' WHERE tenant IS NULL").rowcount == 0
        assert con.execute("DELETE FROM data WHERE tenant IS NULL").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("INSERT INTO state (tenant, store_id, generation) VALUES (NULL, 'x', 0)")
    assert sorted(b.snapshot().data["value"].tolist()) == [1.0, 2.0, 3.0]

    # The host undoes it: gone for everyone, A's own number stays.
    national.undo(info.id, who="Værten")
    assert b.is_empty() and a.snapshot().data["value"].tolist() == [10.0]


def test_sqlite_has_one_municipality_and_no_national_part(tmp_path):
    store = Store(tmp_path / "data")
    assert store.tenant == default_config().home
    store.add_batch([("a.xlsx", b"a")], imported([(A, 2020, "fleksjob", 1.0)], "a.xlsx"))
    import sqlite3

    con = sqlite3.connect(tmp_path / "data" / "csr.sqlite")
    assert con.execute("SELECT DISTINCT tenant FROM data").fetchall() == [(store.tenant,)]
    assert con.execute("SELECT tenant, generation FROM state").fetchall() == [(store.tenant, 1)]
    con.close()
    with pytest.raises(StoreError, match="kun på PostgreSQL"):
        Store(tmp_path / "data", tenant=HOST)
    assert Store(tmp_path / "data", tenant="Aabenraa Kommune").tenant == A  # a name stands for its code
    with pytest.raises(StoreError, match="'Atlantis' kendes ikke: angiv dens kommunekode"):
        Store(tmp_path / "data", tenant="Atlantis")
    with pytest.raises(StoreError, match="kun én kommune"):
        Store(tmp_path / "data", tenant=B)
    with pytest.raises(StoreError, match="kun én kommune"):
        Store(tmp_path / "data", tenant="Haderslev")
    assert Store(tmp_path / "data", tenant=store.tenant).history()["batch"].tolist() == [1]


def test_the_deployment_guide_grants_what_the_code_grants():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "deploy" / "README.md").read_text(encoding="utf-8")
    for statement in db.app_role_grants("csr_app"):
        assert f'-c "{statement}"' in guide
    with pytest.raises(ValueError):
        db.app_role_grants("csr_app; DROP TABLE data")


def test_a_postgresql_store_at_0003_gives_every_row_to_the_home(postgres_server):
    import sqlalchemy as sa

    name = f"csr_upgrade_{os.getpid()}_{next(_names)}"
    postgres_server.execute(f"CREATE DATABASE {name}")
    url = postgres_server.url(name)
    engine = sa.create_engine(url)
    try:
        with db.write(engine, 30) as con:
            db.upgrade(con, "0003")
            for statement in (
                "INSERT INTO batches (id, created, who, rows, placements) VALUES (1, '2025-01-02T03:04:05+00:00', "
                "'Hanne', 1, 1)",
                "INSERT INTO placements (batch, year, education, agreed, realised, file, sheet, row) "
                "VALUES (1, 2020, 'Tømrer', 3, 1, 'a.xlsx', 'P', 2)",
                "INSERT INTO batch_files (batch, position, name, sha256, size, rows) VALUES (1, 0, 'a.xlsx', 'ab', 1, 1)",
                "INSERT INTO schemes (name) VALUES ('fleksjob')",  # ids 1 from their sequences
                "INSERT INTO origins (municipality, file, sheet, col) VALUES ('Aabenraa', 'a.xlsx', 'Data', 'D')",
                "INSERT INTO data (batch, code, year, period, period_index, scheme, value, origin, row) "
                "VALUES (1, 580, 2020, 'Y', 0, 1, 4.5, 1, 2)",
                "INSERT INTO scenarios (name, payload, data_version, saved, who) VALUES ('Plan', '{}', 'x', "
                "'2025-01-02T03:04:05+00:00', 'Hanne')",
                "INSERT INTO profiles (name, payload, saved, who) VALUES ('KRL', '{}', '2025-01-02T03:04:05+00:00', '')",
                "INSERT INTO settings (saved, who, payload) VALUES ('2025-01-02T03:04:05+00:00', 'Aase', '{}')",
                "INSERT INTO audit (at, who, event) VALUES ('2025-01-02T03:04:05.000000+00:00', 'Hanne', 'import')",
            ):
                con.exec_driver_sql(statement)
            version = con.exec_driver_sql("SELECT store_id, generation FROM state").one()
        store = Store(url)
        assert store.revision() == db.head()
        home = default_config().home
        with engine.connect() as con:  # as the superuser: every row, whatever its tenant
            for table in TENANT_TABLES:
                counts = con.exec_driver_sql(
                    f"SELECT COUNT(*), COUNT(*) FILTER (WHERE tenant = {home}) FROM {table}"
                ).one()
                assert counts[0] == 1 and counts[1] == 1, table
        assert store.version() == f"{version[0]}:{version[1]}"
        assert store.snapshot().data["value"].tolist() == [4.5] and store.history()["who"].tolist() == ["Hanne"]
        assert store.snapshot().placements["education"].tolist() == ["Tømrer"]
        assert store.scenarios()["name"].tolist() == ["Plan"] and [p.name for p in store.profiles()] == ["KRL"]
        assert store.settings() is not None and store.audit_entries()["who"].tolist() == ["Hanne"]
        again = store.add_batch([("b.xlsx", b"b")], imported([(580, 2020, "fleksjob", 5.0)], "b.xlsx"))
        assert again.id == 2 and again.replaced == 1
    finally:
        engine.dispose()
        db.dispose(url)
        postgres_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_municipalities_write_side_by_side_and_each_one_at_a_time(host):
    """The write lock is per municipality: while Aabenraa's import holds its lock, Haderslev saves at once and a
    second writer of Aabenraa waits (here: gives up after its timeout); a writer of the whole store waits for all."""
    from csr.store import BUSY_MESSAGE

    engine = db.postgres_engine(host.app_url, 5)
    with db.write(engine, 5, str(A)) as con:  # Aabenraa's writer, in the middle of its transaction
        con.execute(sa.text("SELECT 1"))
        Store(host.app_url, tenant=B, timeout=1).save_scenario("Haderslevs", {"year": 2024}, who="Bo")
        with pytest.raises(StoreError) as waited:
            Store(host.app_url, tenant=A, timeout=0.5).save_scenario("Aabenraas", {"year": 2024}, who="Aase")
        assert str(waited.value) == BUSY_MESSAGE
    assert Store(host.app_url, tenant=A, timeout=1).scenarios().empty  # nothing of the refused save
    Store(host.app_url, tenant=A, timeout=1).save_scenario("Aabenraas", {"year": 2024}, who="Aase")  # now free
    with db.write(db.postgres_engine(host.owner_url, 5), 5), pytest.raises(StoreError):  # the whole store
        Store(host.app_url, tenant=B, timeout=0.5).save_scenario("Haderslevs 2", {"year": 2024}, who="Bo")
    assert list(Store(host.app_url, tenant=B).scenarios()["name"]) == ["Haderslevs"]

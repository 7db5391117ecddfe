"""Engines and schema migrations for the store: embedded SQLite or PostgreSQL, over SQLAlchemy 2 Core.

`csr.store.Store` is the only user. This module knows how to connect (SQLite's pragmas and read-only
modes, PostgreSQL through psycopg 3), how to begin a read or a write transaction on each engine, how to
upgrade a database to the newest schema with Alembic (the scripts ship in `csr/migrations`; no
alembic.ini), and how to turn a driver's error into a kind the store can put into a Danish sentence.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

DATABASE_URL_ENV = "CSR_DATABASE_URL"
MIGRATIONS = "csr:migrations"
FIRST_RELEASE = "0001"  # the revision a schema-1 store (no alembic_version table) is stamped at
SCHEMA_VERSION = 2  # meta.schema_version: the first release refuses anything but 1 with its own message
WRITE_LOCK = 7_310_013  # pg_advisory_xact_lock key: held exclusively by a writer of the whole store, shared by others
TENANT_LOCK = 7_310  # with a municipality's key (`tenant_lock_key`): one writer at a time per municipality

_engines: dict[tuple, Engine] = {}
_engines_lock = threading.Lock()
_empty_image: bytes | None = None


def database_url() -> str | None:
    """`$CSR_DATABASE_URL` (PostgreSQL), or None for the embedded SQLite file."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url or None


# ---- engines --------------------------------------------------------------------------------------


def sqlite_engine(path: Path, timeout: float, uri: str | None = None, empty: bool = False) -> Engine:
    """An engine over the SQLite file `path`, a new short-lived connection per use (NullPool: safe across
    Streamlit's threads and processes, as the first release's store). `uri`: a read-only `file:` URI;
    `empty`: an in-memory store at the newest schema (a read-only folder without a database yet)."""
    key = ("sqlite", str(path), timeout, uri, empty)
    with _engines_lock:
        if key in _engines:
            return _engines[key]

    def connect() -> sqlite3.Connection:
        if empty:
            con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            con.deserialize(_empty_store_image())
            return con
        if uri is not None:
            return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
        con = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = FULL")
        con.execute(f"PRAGMA journal_size_limit = {64 * 1024 * 1024}")  # a big import's WAL shrinks again
        return con

    engine = sa.create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)
    _sqlite_transactions(engine)
    with _engines_lock:
        return _engines.setdefault(key, engine)


def postgres_engine(url: str, timeout: float) -> Engine:
    """A pooled engine over PostgreSQL (psycopg 3), one per URL and process."""
    key = ("postgresql", url, timeout)
    with _engines_lock:
        if key in _engines:
            return _engines[key]
    engine = sa.create_engine(
        url,
        pool_size=4,
        max_overflow=8,
        pool_pre_ping=True,
        # jit off: the snapshot's query (a municipality's own rows in place of the national ones) is estimated so
        # costly that PostgreSQL 15 compiles it, and the compiling took 168 ms of a 275 ms read at national scale.
        connect_args={
            "connect_timeout": max(1, round(timeout)),
            "application_name": "csr-dashboard",
            "options": "-c jit=off",
        },
    )
    with _engines_lock:
        return _engines.setdefault(key, engine)


def dispose(url: str) -> None:
    """Close this process's pooled connections to the PostgreSQL database at `url` (e.g. before it is dropped)."""
    with _engines_lock:
        for key in [k for k in _engines if k[0] == "postgresql" and k[1] == url]:
            _engines.pop(key).dispose()


def _sqlite_transactions(engine: Engine) -> None:
    """pysqlite leaves BEGIN to SQLAlchemy's recipe: the driver in autocommit, BEGIN emitted here, as
    BEGIN IMMEDIATE for a write (the write lock at once, so the duplicate check sees the last commit)."""

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("csr_write") else "BEGIN")


def _forget_engines_in_child() -> None:
    """A forked child must not share the parent's pooled PostgreSQL connections."""
    for engine in _engines.values():
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_engines_in_child)


# ---- transactions -----------------------------------------------------------------------------------


TENANT_SETTING = "csr.tenant"  # the transaction's municipality (code, or "host"), read by the policies (0004)


def _set_tenant(conn: Connection, tenant: str | None) -> None:
    """PostgreSQL: the transaction's tenant, as SET LOCAL (`set_config(..., true)`): it ends with the transaction,
    so a pooled connection never carries one municipality's setting into another's transaction."""
    if tenant is not None:
        conn.execute(sa.text(f"SELECT set_config('{TENANT_SETTING}', :tenant, true)"), {"tenant": tenant})


@contextmanager
def read(engine: Engine, tenant: str | None = None) -> Iterator[Connection]:
    """One read transaction: every statement sees the same committed state (SQLite's read transaction
    in WAL mode; PostgreSQL's REPEATABLE READ snapshot, as `tenant` when given)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                _set_tenant(conn, tenant)
            yield conn


def tenant_lock_key(tenant: str) -> int:
    """A municipality's write-lock key: its code (1-9999), 0 for the host administrator's national data."""
    return int(tenant) if tenant.isdecimal() else 0


@contextmanager
def write(engine: Engine, timeout: float, tenant: str | None = None) -> Iterator[Connection]:
    """One write transaction holding the store's write lock (SQLite: BEGIN IMMEDIATE, waiting `timeout`
    seconds; PostgreSQL: transaction-scoped advisory locks with `lock_timeout`, as `tenant` when given),
    committed when the block ends and rolled back on any exception. On PostgreSQL the lock is per municipality:
    two imports of one municipality are serialised, two municipalities' imports run side by side (their rows,
    batch numbers and versions are apart; the shared vocabulary `schemes` is added to with ON CONFLICT DO
    NOTHING); a writer without `tenant` holds the whole store."""
    with engine.connect() as conn:
        conn = conn.execution_options(csr_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                _set_tenant(conn, tenant)
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'")
                if tenant is None:  # the whole store: waits for every municipality's writer, and they for it
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                else:  # one municipality's writer waits only for that municipality's (and for a whole-store writer)
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})")
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({TENANT_LOCK}, {tenant_lock_key(tenant)})")
            yield conn


def app_role_grants(role: str) -> list[str]:
    """The grants of the app's database role (README, "The store"; deploy/README.md, section 4): it owns no
    table, reads and writes rows (row-level security decides which), reads the schema's revision, and cannot
    change the schema, the policies or the revision. Run by the tables' owner after `db upgrade`."""
    if not role.replace("_", "").isalnum():
        raise ValueError(f"not a plain role name: {role!r}")
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version, meta FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


# ---- migrations -------------------------------------------------------------------------------------


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = conn
    return config


@functools.cache
def _scripts() -> Any:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config)


def head() -> str:
    """The newest revision this program knows."""
    revision = _scripts().get_current_head()
    assert revision is not None
    return str(revision)


@functools.cache  # asked at every open (a database from a newer program is refused); walking them took ~0.07 ms
def known_revisions() -> frozenset[str]:
    """Every revision this program knows."""
    return frozenset(s.revision for s in _scripts().walk_revisions())


def revision(conn: Connection) -> str | None:
    """The database's Alembic revision; FIRST_RELEASE for a schema-1 store; None for an empty database."""
    names = _tables(conn)
    if "alembic_version" in names:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        if row is not None:
            return str(row[0])
    if "meta" in names:
        row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None and str(row[0]) == "1":
            return FIRST_RELEASE
    return None


def _tables(conn: Connection) -> set[str]:
    """Which of the tables that tell the schema exist (one cheap catalogue query: it runs at every open)."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('alembic_version', 'meta')"
    else:
        sql = (
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename IN ('alembic_version', 'meta')"
        )
    return {str(r[0]) for r in conn.exec_driver_sql(sql)}


def schema_version(conn: Connection) -> int | None:
    """meta.schema_version (1: the first release, 2 from the Alembic revisions on), None without one."""
    if "meta" not in _tables(conn):
        return None
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else int(row[0])


def upgrade(conn: Connection, to: str = "head") -> None:
    """Upgrade the database on `conn` (inside the caller's write transaction) to `to`."""
    from alembic import command

    config = _alembic_config(conn)
    names = _tables(conn)
    if "alembic_version" not in names and revision(conn) == FIRST_RELEASE:
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, to)


def _empty_store_image() -> bytes:
    """An empty in-memory store at the newest schema, serialised once per process."""
    global _empty_image
    if _empty_image is None:
        con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        engine = sa.create_engine("sqlite+pysqlite://", creator=lambda: con, poolclass=StaticPool)
        _sqlite_transactions(engine)
        with engine.connect() as conn, conn.begin():
            upgrade(conn)
        con.execute("UPDATE state SET store_id = 'tom'")
        _empty_image = con.serialize()
        engine.dispose()
    return _empty_image


# ---- errors -----------------------------------------------------------------------------------------

BUSY, FULL, READ_ONLY, CANNOT_OPEN, NOT_A_DATABASE, UNREACHABLE, OTHER = (
    "busy",
    "full",
    "read_only",
    "cannot_open",
    "not_a_database",
    "unreachable",
    "other",
)


def error_kind(exc: BaseException) -> str:
    """What went wrong, from a driver's (or SQLAlchemy's) error."""
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        if sqlstate in ("55P03", "40P01", "57014"):  # lock not available, deadlock, statement cancelled
            return BUSY
        if sqlstate.startswith("08") or sqlstate in ("57P01", "57P03", "28000", "28P01", "3D000"):
            return UNREACHABLE
        if sqlstate == "53100":
            return FULL
        if sqlstate == "25006":
            return READ_ONLY
        return OTHER
    if isinstance(exc, sa.exc.OperationalError) and orig.__class__.__module__.startswith("psycopg"):
        return UNREACHABLE
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return BUSY
    if "full" in text:
        return FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    if "unable to open" in text:
        return CANNOT_OPEN
    if "not a database" in text or "malformed" in text or "file is not" in text:
        return NOT_A_DATABASE
    return OTHER


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception classes a store call translates into StoreError."""
    errors: list[type[BaseException]] = [sa.exc.DBAPIError, sqlite3.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # only needed for PostgreSQL
        pass
    return tuple(errors)

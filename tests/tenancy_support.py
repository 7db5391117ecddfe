"""A shared host's database for the tests of many municipalities: owned by the role `csr_owner` (no superuser: a
superuser passes every policy), migrated by it, with the app's role `csr_app` holding only the grants of
`db.app_role_grants` (what the deployment guide grants). `host.app_url` is the app's connection, `host.owner_url`
the host administrator's (national data, `tenant=HOST`), `host.sql(tenant)` plain SQL as the app's role.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from csr import db
from csr.store import Store

pytest_plugins = ("postgres_support",)

_names = itertools.count(1)


@dataclass
class Host:
    server: object
    database: str
    owner_url: str
    app_url: str

    def sql(self, tenant: str | None = None) -> psycopg.Connection:
        """A plain psycopg connection as the app's role, with `csr.tenant` set for the session when given."""
        port = self.owner_url.split(":")[-1].split("/")[0]
        con = psycopg.connect(f"host=127.0.0.1 port={port} user=csr_app dbname={self.database}", autocommit=True)
        if tenant is not None:
            con.execute("SELECT set_config('csr.tenant', %s, false)", (tenant,))
        return con


@contextlib.contextmanager
def shared_host(postgres_server) -> Iterator[Host]:
    """A database owned by `csr_owner`, migrated by it, and the app's role with the documented grants; dropped
    when the block ends (the `host` fixture per test; a module may keep one for all its tests)."""
    for role in ("csr_owner", "csr_app"):
        postgres_server.execute(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    name = f"csr_tenancy_{os.getpid()}_{next(_names)}"
    postgres_server.execute(f"CREATE DATABASE {name} OWNER csr_owner TEMPLATE template0")
    base = postgres_server.url(name)
    owner_url, app_url = base.replace("postgres@", "csr_owner@"), base.replace("postgres@", "csr_app@")
    Store(owner_url)  # the migrations, as the owner
    import sqlalchemy as sa

    engine = sa.create_engine(owner_url)
    with engine.begin() as con:
        for statement in db.app_role_grants("csr_app"):
            con.exec_driver_sql(statement)
    engine.dispose()
    try:
        yield Host(postgres_server, name, owner_url, app_url)
    finally:
        for url in (owner_url, app_url):
            db.dispose(url)
        postgres_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def host(postgres_server) -> Iterator[Host]:
    """A database owned by `csr_owner`, migrated by it, and the app's role with the documented grants."""
    with shared_host(postgres_server) as made:
        yield made

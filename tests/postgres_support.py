"""A real PostgreSQL server for the tests: Debian's postgresql 15 in a temporary folder.

`postgres_server` (session) runs `initdb` and `pg_ctl` from PG_BIN as the `postgres` user (as root, through
`runuser -u postgres --`; PostgreSQL refuses to run as root) in a temporary folder owned by that user,
on a free loopback port with trust authentication on 127.0.0.1 only, and stops it by its PID at the end.
`postgres_url` (per test) is a fresh database: a copy (`CREATE DATABASE ... TEMPLATE`) of one that the
migrations brought to the newest schema once per session.

Without the binaries the tests fail with a clear message when `CI` is set, and are skipped elsewhere.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("CSR_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEMPLATE = "csr_template"
_databases = itertools.count(1)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, started on a free loopback port."""

    def __init__(self, durable: bool = False) -> None:
        """`durable`: PostgreSQL's own defaults (fsync, synchronous commit, full page writes), as a production
        server runs; otherwise those are off, which is safe for throw-away test databases and faster."""
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="csr-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.pid: int | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        run = lambda *args: subprocess.run(  # noqa: E731
            _as_postgres([str(a) for a in args]), check=True, capture_output=True, text=True, timeout=120
        )
        run(
            PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        # Trust on the loopback address only (initdb's default file also trusts the local socket).
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\nlocal all all trust\n")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=60"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        run(
            PG_BIN / "pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.root / "server.log", "-o", options
        )
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGINT)  # "fast" shutdown: ends the sessions, then the server
                for _ in range(300):
                    os.kill(self.pid, 0)
                    time.sleep(0.05)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = None
        shutil.rmtree(self.root, ignore_errors=True)

    def execute(self, sql: str, database: str = "postgres") -> None:
        """One statement outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}", autocommit=True) as c:
            c.execute(sql)  # type: ignore[arg-type]


def require_binaries() -> None:
    """Fail under CI, skip elsewhere, when PostgreSQL's binaries are not installed."""
    if (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists():
        return
    message = (
        f"PostgreSQL's initdb and pg_ctl are not in {PG_BIN}: install Debian's postgresql package "
        "(scripts/test.sh does), or point CSR_PG_BIN at the binaries."
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    require_binaries()
    server = PostgresServer()
    try:
        server.start()
        server.execute(f"CREATE DATABASE {TEMPLATE}")
        from csr.store import Store

        Store(server.url(TEMPLATE))  # the migrations, once
        from csr import db

        db.dispose(server.url(TEMPLATE))  # a template must have no open connections
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database at the newest schema, dropped after the test."""
    name = f"csr_test_{os.getpid()}_{next(_databases)}"
    postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    url = postgres_server.url(name)
    yield url
    from csr import db

    db.dispose(url)
    postgres_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def dump(store: object) -> list[str]:
    """Every row of every table of a store, in a fixed order, whichever the engine: to compare states."""
    import sqlalchemy as sa

    from csr import db

    engine = store._engine  # type: ignore[attr-defined]
    out: list[str] = []
    with db.read(engine) as conn:
        for table in sorted(sa.inspect(conn).get_table_names()):
            columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
            order = ", ".join(f'"{c}"' for c in columns)
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY {order}'):
                out.append(f"{table}: {tuple(row)!r}")
    return out

"""The guide's backup commands (deploy/README.md, "Backups"), run here: SQLite's `.backup` on a store the app
wrote, and PostgreSQL's role and database, `pg_dump -Fc` and `pg_restore` on a throwaway server (Debian's
postgresql: `initdb`/`pg_ctl` in a temporary folder as the `postgres` user, on a free loopback port).

Each command is taken from the guide as written, and only what differs on a test machine is changed: the
paths, and the host and port of the throwaway server.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from nginx_support import DEPLOY, free_port

from csr.store import Store

GUIDE = (DEPLOY / "README.md").read_text()
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def guide_line(start: str) -> str:
    """The one command line of the guide that starts with `start`."""
    lines = [line.strip() for line in GUIDE.splitlines() if line.strip().startswith(start)]
    assert len(lines) >= 1, f"the guide has no command starting with {start!r}"
    assert len(set(lines)) == 1, lines
    return lines[0]


@pytest.mark.skipif(
    shutil.which("sqlite3") is None and not os.environ.get("CI"),
    reason="sqlite3 (Debian's sqlite3 package) is not installed",
)
def test_the_guides_sqlite_backup_copies_a_store_the_app_can_open(tmp_path):
    live = tmp_path / "csr-dashboard"
    store = Store(live)
    store.save_scenario("Flere elever", {"elever": 12, "note": "æøå"}, who="Backuptest")
    command = guide_line('sqlite3 /var/lib/csr-dashboard/csr.sqlite ".backup')
    assert command == "sqlite3 /var/lib/csr-dashboard/csr.sqlite \".backup '/var/backups/csr-$(date +%F).sqlite'\""
    backups = tmp_path / "backups"
    backups.mkdir()
    command = command.replace("/var/lib/csr-dashboard", str(live)).replace("/var/backups", str(backups))
    subprocess.run(["sh", "-c", command], check=True, capture_output=True)  # the store stays open meanwhile
    copies = list(backups.glob("csr-*.sqlite"))
    assert len(copies) == 1 and copies[0].name == f"csr-{time.strftime('%Y-%m-%d')}.sqlite"
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(copies[0], restored / "csr.sqlite")  # the guide's restore: the file back as csr.sqlite
    scenario = Store(restored).load_scenario("Flere elever")
    assert scenario.payload == {"elever": 12, "note": "æøå"}
    assert scenario.who == "Backuptest"


# ---- PostgreSQL -----------------------------------------------------------------------------------


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, **kwargs)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[int]:
    """A PostgreSQL server of its own in a temporary folder, on a free loopback port; stopped at the end."""
    folder = Path(tempfile.mkdtemp(prefix="csr-pg-"))
    postgres = pwd.getpwnam("postgres")
    os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    port = free_port()
    try:
        init = as_postgres(str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres")
        assert init.returncode == 0, init.stderr
        start = as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start",
        )  # fmt: skip
        assert start.returncode == 0, start.stderr + (folder / "log").read_text()
        try:
            yield port
        finally:
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_as_guide(command: str, port: int, dump_dir: Path) -> subprocess.CompletedProcess:
    """A guide line run on the throwaway server: `sudo -u postgres` as runuser, its host and port added, the
    dumps in `dump_dir`."""
    assert command.startswith("sudo -u postgres ")
    tool, *rest = command.removeprefix("sudo -u postgres ").split(" ", 1)
    line = f"{tool} -h 127.0.0.1 -p {port} {rest[0] if rest else ''}".replace("/var/backups/csr", str(dump_dir))
    return as_postgres("sh", "-c", line, cwd="/")


@pytest.mark.skipif(
    os.geteuid() != 0 or not (PG_BIN / "initdb").exists(), reason="needs root and Debian's postgresql package"
)
def test_the_guides_postgresql_role_database_dump_and_restore(tmp_path):
    parent = Path(tempfile.mkdtemp(prefix="csr-dumps-"))
    os.chmod(parent, 0o755)  # as /var: root's, readable
    dumps = parent / "csr"
    folder = guide_line("install -d -o postgres -g postgres -m 0700 /var/backups/csr")  # the folder, as root
    subprocess.run(["sh", "-c", folder.replace("/var/backups/csr", str(dumps))], check=True)
    assert dumps.stat().st_uid == pwd.getpwnam("postgres").pw_uid and dumps.stat().st_mode & 0o777 == 0o700
    try:
        with throwaway_postgres() as port:
            for start in (
                'sudo -u postgres psql -c "CREATE ROLE csr LOGIN',
                "sudo -u postgres createdb --owner=csr csr",
            ):
                done = run_as_guide(guide_line(start), port, dumps)
                assert done.returncode == 0, done.stderr
            psql = [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "csr",
                "-d",
                "csr",
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
            ]
            made = as_postgres(*psql, "CREATE TABLE t (name text, value double precision);"
                               "INSERT INTO t VALUES ('fleksjob', 41.5), ('løntilskud', 3);")  # fmt: skip
            assert made.returncode == 0, made.stderr
            dump = run_as_guide(
                guide_line("sudo -u postgres pg_dump -Fc -f /var/backups/csr/csr-$(date +%F)"), port, dumps
            )
            assert dump.returncode == 0, dump.stderr
            files = list(dumps.glob("csr-*.dump"))
            assert len(files) == 1 and files[0].read_bytes()[:5] == b"PGDMP"  # the custom format
            for start in ("sudo -u postgres dropdb csr", "sudo -u postgres createdb --owner=csr csr"):
                done = run_as_guide(guide_line(start), port, dumps)
                assert done.returncode == 0, done.stderr
            restore = guide_line("sudo -u postgres pg_restore")
            assert restore.endswith("/var/backups/csr/csr-2026-01-31.dump")
            restore = restore.replace("csr-2026-01-31.dump", files[0].name)
            done = run_as_guide(restore, port, dumps)
            assert done.returncode == 0, done.stderr
            rows = as_postgres(*psql, "SELECT name, value, pg_get_userbyid(relowner) FROM t, pg_class "
                               "WHERE relname = 't' ORDER BY name")  # fmt: skip
            assert rows.returncode == 0, rows.stderr
            assert rows.stdout.split() == ["fleksjob|41.5|csr", "løntilskud|3|csr"]  # the data, owned by csr
    finally:
        shutil.rmtree(parent, ignore_errors=True)

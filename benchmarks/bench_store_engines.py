"""The store on its two engines against the first release's store, on national data, in one run.

    python benchmarks/bench_store_engines.py [--repeat 5] [--no-postgres] [--durable-postgres]

Writes the national workbook (98 municipalities, 2018-2025, every month, every configured scheme and the
headcount: 122,304 rows; the reads are of the 112,896 scheme rows plus the headcount, all in force), imports
it with the engine (`import_uploads`, guarded as the Data page runs it), and then, on each of
- the first release's store (schema 1, packed integer keys), loaded from git as the baseline,
- the store on SQLite (plain columns),
- the store on PostgreSQL (a temporary server, as the tests start it; Debian's postgresql 15),
- the same with the text COPY the store used before the binary one (`text_copy_rows`, storing only: the baseline
  of the binary COPY),
- PostgreSQL before the municipalities (the store's code of commit PRE_TENANCY_COMMIT, loaded from git, on the
  same schema as the superuser, so no row-level security: the baseline of the next line),
- PostgreSQL as the app's role `csr_app` with `tenant=580` (row-level security applies: every transaction sets
  `csr.tenant`, every row passes the policies, and an import goes through a temporary table, as COPY cannot
  write a table under row-level security),
stores that import (`add_batch`) and reads what is in force (`snapshot()`), in `--repeat` rounds that
alternate the engines (the machine is shared: a slow moment hits all of them), and prints medians,
the times and the ratios the README's performance table quotes: new SQLite / first release, PostgreSQL /
SQLite, and (import + store) / import per engine. It also times the hot read's fetch alone with the eight
plain columns against the three values per row the store fetches (the columns packed in the query), and on
SQLite those three computed per row against read from the index of the rows in force (migration 0005).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from csr.config import default_config  # noqa: E402
from csr.importers import import_uploads  # noqa: E402
from csr.store import Store  # noqa: E402

SCHEMA1_COMMIT = "e0de4e1"  # the last commit of the first release's store
PRE_TENANCY_COMMIT = "1ec5cfc"  # the last commit before the municipalities (migration 0004)


def first_release_store(commit: str = SCHEMA1_COMMIT, name: str = "store_schema1") -> ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:csr/store.py"], check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def national_workbook() -> bytes:
    config = default_config()
    schemes = [config.headcount_name, *(s.name for s in config.schemes)]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Kommune", "Måned", "Ordning", "Antal"])
    for year in range(2018, 2026):
        for month in range(1, 13):
            when = datetime(year, month, 1)
            for m in config.municipalities:
                for k, name in enumerate(schemes):
                    value = 3000 + m.code + month if k == 0 else (m.code * 7 + year * 3 + month * 11 + k) % 97
                    ws.append([m.code, when, name, value])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def median_time(repeat: int, fn: Callable[[], object]) -> float:
    return statistics.median(timed(fn)[0] for _ in range(repeat))


def text_copy_rows(cursor: object, table: str, columns: dict, progress: Callable | None = None) -> None:
    """The store's COPY before the binary format (the baseline of `--repeat` rounds' "PostgreSQL, text
    COPY" line): tab-separated text written by pandas, one COPY per INSERT_CHUNK rows."""
    import pandas as pd

    from csr import store as store_module

    n = len(next(iter(columns.values())))
    for start in range(0, n, store_module.INSERT_CHUNK):
        stop = min(start + store_module.INSERT_CHUNK, n)
        buffer = io.StringIO()
        pd.DataFrame({k: v[start:stop] for k, v in columns.items()}).to_csv(
            buffer, sep="\t", header=False, index=False, na_rep="\\N", lineterminator="\n"
        )
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            copy.write(buffer.getvalue())
        if progress is not None:
            progress(stop, n)


def fetch_time(store: Store, sql: str, repeat: int) -> float:
    from csr import db

    def run() -> None:
        with db.read(store._engine) as conn:
            cursor = conn.connection.cursor()
            cursor.execute(sql)
            cursor.fetchall()

    return median_time(repeat, run)


OLD, SQLITE, POSTGRES, POSTGRES_TEXT = "old", "sqlite", "postgresql", "postgresql-text"
POSTGRES_BEFORE, POSTGRES_RLS = "postgresql-before", "postgresql-rls"
LABELS = {
    OLD: "first release (SQLite, packed keys)",
    SQLITE: "SQLite (plain columns)",
    POSTGRES: "PostgreSQL 15 (plain columns)",
    POSTGRES_TEXT: "PostgreSQL 15, text COPY (before)",
    POSTGRES_BEFORE: "PostgreSQL 15, before tenancy",
    POSTGRES_RLS: "PostgreSQL 15, app role, RLS",
}
PLAIN = "SELECT code, year, period, period_index, scheme, value, origin, row FROM data WHERE live = 1 ORDER BY id"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--durable-postgres",
        action="store_true",
        help="run PostgreSQL with fsync, synchronous commit and full page writes on (its defaults, as in production); "
        "without it they are off, as in the tests",
    )
    args = parser.parse_args()

    workbook = national_workbook()
    files = [("landsdata.xlsx", workbook)]
    result = import_uploads(files)
    n = len(result.data)
    print(f"National workbook: {n:,} rows, {len(workbook) / 1e6:.1f} MB")

    from csr import db
    from csr.store import _LIVE_READ

    # The store's hot read as it runs on each engine, and on SQLite the same without its index of the rows in
    # force (migration 0005), so the three values are computed per row as PostgreSQL does.
    hot_sql = {SQLITE: (_LIVE_READ.replace("FROM data", "FROM data NOT INDEXED"), _LIVE_READ)}
    hot_sql[POSTGRES] = (_LIVE_READ + " ORDER BY id",) * 2
    old = first_release_store()
    before = first_release_store(PRE_TENANCY_COMMIT, "store_pre_tenancy")
    server = None
    if not args.no_postgres:
        from postgres_support import PostgresServer

        server = PostgresServer(durable=args.durable_postgres)
        server.start()
        print(f"PostgreSQL: fsync, synchronous_commit, full_page_writes {'on' if args.durable_postgres else 'off'}")
        server.execute("CREATE ROLE csr_app LOGIN NOSUPERUSER NOBYPASSRLS")
    databases = itertools.count()

    def open_store(kind: str) -> object:
        if kind == OLD:
            return old.Store(tempfile.mkdtemp())
        if kind == SQLITE:
            return Store(tempfile.mkdtemp())
        name = f"bench{next(databases)}"
        assert server is not None
        server.execute(f"CREATE DATABASE {name}")
        if kind == POSTGRES_BEFORE:
            return before.Store(server.url(name))
        store = Store(server.url(name))
        if kind != POSTGRES_RLS:
            return store
        with db.write(store._engine, 30) as conn:
            for statement in db.app_role_grants("csr_app"):
                conn.exec_driver_sql(statement)
        return Store(server.url(name).replace("postgres@", "csr_app@"), tenant=580)

    from csr import store as store_module

    binary_copy = store_module._copy_rows

    def add(kind: str, store: object) -> float:
        store_module._copy_rows = text_copy_rows if kind == POSTGRES_TEXT else binary_copy  # type: ignore[assignment]
        try:
            return timed(lambda: store.add_batch(files, result))[0]  # type: ignore[attr-defined]
        finally:
            store_module._copy_rows = binary_copy

    imports: list[float] = []
    kinds = [OLD, SQLITE] + ([] if args.no_postgres else [POSTGRES, POSTGRES_TEXT, POSTGRES_BEFORE, POSTGRES_RLS])
    adds: dict[str, list[float]] = {k: [] for k in kinds}
    reads: dict[str, list[float]] = {k: [] for k in kinds}
    fetches: dict[str, list[tuple[float, ...]]] = {k: [] for k in kinds[1:3]}
    try:
        # Alternated: each round stores the import on every engine, then reads each once (the machine is
        # shared, so a slow moment hits every engine about equally).
        stores: dict[str, object] = {}
        for _ in range(args.repeat):
            imports.append(timed(lambda: import_uploads(files))[0])
            for kind in kinds:
                store = open_store(kind)
                adds[kind].append(add(kind, store))
                stores[kind] = store
            for kind in kinds:
                reads[kind].append(timed(stores[kind].snapshot)[0])  # type: ignore[attr-defined]
            for kind in kinds[1:3]:
                computed, stored = hot_sql[kind]
                fetches[kind].append(
                    tuple(fetch_time(stores[kind], sql, 1) for sql in (PLAIN, computed, stored))  # type: ignore[arg-type]
                )
        assert all(len(stores[k].snapshot().data) == n for k in kinds)  # type: ignore[attr-defined]
    finally:
        if server is not None:
            for key in [k for k in db._engines if k[0] == "postgresql"]:
                db._engines.pop(key).dispose()
            server.stop()
    t_import = statistics.median(imports)
    print(f"engine import (import_uploads): {t_import:.3f} s")
    rows = {LABELS[k]: (statistics.median(adds[k]), statistics.median(reads[k])) for k in kinds}
    fetch = {k: tuple(statistics.median(f[i] for f in fetches[k]) for i in range(3)) for k in fetches}

    print(f"\n{'store':40s} {'add_batch':>10s} {'snapshot':>10s} {'(import+store)/import':>22s}")
    for name, (t_add, t_read) in rows.items():
        print(f"{name:40s} {t_add:9.3f}s {t_read:9.3f}s {(t_import + t_add) / t_import:21.2f}x")
    base = rows[LABELS[OLD]][1]
    sqlite = rows[LABELS[SQLITE]][1]
    print(f"\nmedians of {args.repeat} alternated rounds")
    print(f"read in force, SQLite / first release: {sqlite / base:.2f}x (goal <= 1x)")
    if POSTGRES in kinds:
        print(f"read in force, PostgreSQL / SQLite:     {rows[LABELS[POSTGRES]][1] / sqlite:.2f}x (goal <= 2x)")
        binary, text_copy = rows[LABELS[POSTGRES]][0], rows[LABELS[POSTGRES_TEXT]][0]
        print(f"storing on PostgreSQL, binary COPY / text COPY: {binary / text_copy:.2f}x")
        print(f"(import + store) / import on PostgreSQL: {(t_import + binary) / t_import:.2f}x (goal <= 2x)")
        (add_before, read_before), (add_rls, read_rls) = rows[LABELS[POSTGRES_BEFORE]], rows[LABELS[POSTGRES_RLS]]
        print(
            f"row-level security (app role) / before tenancy: store {add_rls / add_before:.2f}x, read {read_rls / read_before:.2f}x"
        )
    for engine, (plain, computed, stored) in fetch.items():
        print(
            f"hot fetch alone on {engine}: 8 plain columns {plain:.3f} s, 3 packed values {computed:.3f} s "
            f"({plain / computed:.2f}x)"
            + (
                f", the 3 from the index of the rows in force {stored:.3f} s ({stored / computed:.2f}x)"
                if engine == SQLITE
                else ""
            )
        )


if __name__ == "__main__":
    main()

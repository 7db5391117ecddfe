"""The app at national scale on one PostgreSQL: 98 municipalities × 8 years against one municipality, in one run.

    python benchmarks/bench_national_scale.py [--repeat 5] [--runs 5] [--ranking-runs 20] [--quick] [--no-analyze]

One temporary PostgreSQL server (Debian's postgresql 15, as the tests start it) with the roles of a shared host:
`csr_owner` owns and migrates each database, the app's role `csr_app` has only the grants of
`db.app_role_grants`, so row-level security applies to every read of the app. Two databases:
  baseline  one municipality: Aabenraa (580) as tenant 580 with the sample data (sample_data/) as its own
            import, nothing else in the database;
  national  the national workbook (98 municipalities, 2018-2025, every month, every scheme and the headcount),
            loaded by the host (`tenant=HOST`, the national rows), and every other of the 98 municipalities
            as its own tenant with its own import of its own 8 years (its rows of the workbook, stored as
            its own batch from a file of its own name), and Aabenraa (580) with the sample data as its own
            import, as in the baseline. The store ANALYZEs `data` after the host's load (`Store._analyze`, after
            every import of 20,000 rows or more; `--no-analyze` leaves that out, as the store did before: the
            municipalities then import right after the load, on the planner's stale statistics).
The app runs as tenant 580 (`CSR_DATABASE_URL` the app role's URL, `CSR_MUNICIPALITY=580`) on each, and the
same pages are timed the way benchmarks/bench_pages.py does: AppTest from app.py, the page opened and run
twice to warm up, then reruns timed by app.py's own timer (script start to end). In each of --repeat rounds
every page is rerun --runs times on each database, the databases alternated (which goes first alternates
too; the machine is shared). Also timed per round, as the app's role of tenant 580:
  snapshot   `Store.snapshot()` (what a page reads once per data version, under row-level security), on the
             national database also with PostgreSQL's JIT compilation off for the session;
  compute    `shares.compute` on that snapshot (once per data version);
  ranking    `csr.national.national_ranking` on the national figures' shares (once per data version; Landet
             memoizes it), median of --ranking-runs, against the issue's 200 ms.
Prints the rows per table, the medians and the ratios national / baseline (goal: a page rerun within 1.5x).
The server and its folder are removed at the end, also after an error.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # postgres_support: the throwaway server, as bench_store_engines uses it
sys.path.insert(0, str(ROOT / "benchmarks"))

import sqlalchemy as sa  # noqa: E402
from timing import app_pages, median_ms  # noqa: E402

from csr import db  # noqa: E402
from csr.config import default_config  # noqa: E402
from csr.importers import import_uploads  # noqa: E402
from csr.model import ImportResult, empty_placements  # noqa: E402
from csr.store import HOST, Store  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = {title: path for title, (path, _url) in app_pages("Overblik", "Omegnskommuner", "Udvikling", "Landet").items()}
HOME = 580
BASELINE, NATIONAL = "baseline", "national"
RERUN_TARGET = 1.5
RANKING_BUDGET_MS = 200.0
OWNER, APP_ROLE = "csr_owner", "csr_app"


def shared_host_database(server: object, name: str) -> tuple[str, str]:
    """A database owned by `csr_owner`, migrated by it, and the app's role with the documented grants
    (as tests/tenancy_support.py sets it up): (owner URL, app URL)."""
    server.execute(f"CREATE DATABASE {name} OWNER {OWNER} TEMPLATE template0")  # type: ignore[attr-defined]
    base = server.url(name)  # type: ignore[attr-defined]
    owner_url, app_url = base.replace("postgres@", f"{OWNER}@"), base.replace("postgres@", f"{APP_ROLE}@")
    Store(owner_url)  # the migrations, as the owner
    engine = sa.create_engine(owner_url)
    with engine.begin() as con:
        for statement in db.app_role_grants(APP_ROLE):
            con.exec_driver_sql(statement)
    engine.dispose()
    return owner_url, app_url


def own_imports(national: ImportResult, skip: int) -> list[tuple[list[tuple[str, bytes]], ImportResult]]:
    """Every municipality's own import of its own 8 years: its rows of the national workbook, as if it had
    uploaded them in a file of its own name (`skip`: the municipality that imports other data)."""
    out = []
    data = national.data
    for code, rows in data.groupby("code", sort=True):
        if int(code) == skip:
            continue
        name = f"egne_tal_{int(code)}.xlsx"
        rows = rows.assign(file=name).reset_index(drop=True)
        out.append(([(name, f"{name}:{len(rows)}".encode())], ImportResult(data=rows, placements=empty_placements())))
    return out


def row_counts(server: object, database: str) -> dict[str, int]:
    """Rows per table of a database, counted by the superuser (row-level security does not hide any)."""
    import psycopg

    port = server.port  # type: ignore[attr-defined]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname={database}", autocommit=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: int(con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}  # type: ignore[index]


def data_by_owner(server: object, database: str) -> tuple[int, int, int, int]:
    """(national rows, tenant 580's rows, other tenants' rows, number of tenants) of `data`, all live or not."""
    import psycopg

    port = server.port  # type: ignore[attr-defined]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname={database}", autocommit=True) as con:
        row = con.execute(
            "SELECT SUM(CASE WHEN tenant IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN tenant = %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN tenant <> %s THEN 1 ELSE 0 END), COUNT(DISTINCT tenant) FROM data",
            (HOME, HOME),
        ).fetchone()
    assert row is not None
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)


class Pages:
    """One AppTest per page and database, warmed up, rerun with the database's environment in force."""

    def __init__(self, environments: dict[str, dict[str, str]]) -> None:
        self.environments = environments
        self.tests: dict[tuple[str, str], object] = {}
        self.first_load_ms: dict[tuple[str, str], float] = {}

    def _use(self, where: str) -> None:
        os.environ.update(self.environments[where])

    def _run(self, at: object) -> float:
        at.run()  # type: ignore[attr-defined]
        if at.exception:  # type: ignore[attr-defined]
            raise RuntimeError(at.exception[0].value)  # type: ignore[attr-defined]
        return float(at.session_state["_rerun_seconds"]) * 1000  # type: ignore[attr-defined]

    def open(self, page: str, where: str) -> object:
        from streamlit.testing.v1 import AppTest

        self._use(where)
        at = AppTest.from_file(APP, default_timeout=600)
        started = time.perf_counter()
        at.run()
        if PAGES[page] != PAGES["Overblik"]:
            at.switch_page(PAGES[page]).run()
        if at.exception:
            raise RuntimeError(f"{page} ({where}): {at.exception[0].value}")
        self.first_load_ms[(page, where)] = (time.perf_counter() - started) * 1000
        for _ in range(2):
            self._run(at)
        self.tests[(page, where)] = at
        return at

    def rerun(self, page: str, where: str) -> float:
        self._use(where)
        return self._run(self.tests[(page, where)])


def landet_state(at: object) -> tuple[bool, str]:
    """What Landet drew: (True, the ranking's first sentence), or (False, the first sentence of its notice)."""
    for m in at.markdown:  # type: ignore[attr-defined]
        if "blandt landets" in m.value:
            return True, m.value.replace("\\", "").split(", i de samme")[0]
    infos = [i.value for i in at.info]  # type: ignore[attr-defined]
    return False, (infos[0].split(". ")[0] if infos else "(ingen besked)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="alternated rounds (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="reruns of each page per database and round (default 5)")
    parser.add_argument("--ranking-runs", type=int, default=20, help="rankings timed per round (default 20)")
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="leave out the store's ANALYZE after the host's national load (as before it had one)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: one round, two reruns, three rankings")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.runs, args.ranking_runs = 1, 2, 3

    from postgres_support import PostgresServer

    from csr.national import national_ranking
    from csr.shares import compute
    from ui.data import sample_uploads

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    data_dir = tempfile.mkdtemp(prefix="csr-bench-")
    os.environ["CSR_DATA_DIR"] = data_dir  # never ./data (the pages read PostgreSQL; nothing is written here)
    os.environ.pop("CSR_READ_ONLY", None)
    config = default_config()
    assert config.home == HOME, "the strategy file's home is Aabenraa (580): the sample data are its"

    started = time.perf_counter()
    print("Building the national workbook and importing it (import_uploads) ...", flush=True)
    from bench_store_engines import national_workbook

    workbook = [("landsdata.xlsx", national_workbook())]
    national = import_uploads(workbook)
    assert national.ok, national.errors[:3]
    sample_files = list(sample_uploads())
    sample = import_uploads(sample_files)
    assert sample.ok, sample.errors[:3]

    server = PostgresServer()
    server.start()
    try:
        for role in (OWNER, APP_ROLE):
            server.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")
        urls: dict[str, tuple[str, str]] = {}
        # baseline: tenant 580 with the sample data, nothing else
        urls[BASELINE] = shared_host_database(server, "bench_one")
        Store(urls[BASELINE][1], tenant=HOME).add_batch(sample_files, sample)
        # national: the host's national rows, every other municipality's own import, 580's sample data
        urls[NATIONAL] = shared_host_database(server, "bench_national")
        if args.no_analyze:
            Store._analyze = lambda self: None  # type: ignore[method-assign]
        t = time.perf_counter()
        Store(urls[NATIONAL][0], tenant=HOST).add_batch(workbook, national)
        host_s = time.perf_counter() - t
        others = own_imports(national, skip=HOME)
        tenant_s = []
        for files, result in others:
            t = time.perf_counter()
            Store(urls[NATIONAL][1], tenant=int(result.data["code"].iloc[0])).add_batch(files, result)
            tenant_s.append(time.perf_counter() - t)
        Store(urls[NATIONAL][1], tenant=HOME).add_batch(sample_files, sample)
        for name in ("bench_one", "bench_national"):
            server.execute("ANALYZE", database=name)
        print(
            f"set up in {time.perf_counter() - started:.0f} s (host's national import stored in {host_s:.1f} s, "
            f"{len(others)} municipalities' own imports in {sum(tenant_s):.1f} s: median "
            f"{statistics.median(tenant_s):.2f} s, slowest {max(tenant_s):.2f} s)\n"
        )

        print("What is in the databases (rows per table, counted by the superuser):")
        counts = {
            where: row_counts(server, name) for where, name in ((BASELINE, "bench_one"), (NATIONAL, "bench_national"))
        }
        print(f"  {'table':22s} {'baseline':>10s} {'national':>10s}")
        for table in counts[NATIONAL]:
            print(f"  {table:22s} {counts[BASELINE].get(table, 0):>10,} {counts[NATIONAL][table]:>10,}")
        host_rows, home_rows, other_rows, n_tenants = data_by_owner(server, "bench_national")
        print(
            f"  national database's data: {host_rows:,} national rows (the host's), {home_rows:,} of tenant 580 "
            f"(the sample data), {other_rows:,} of {n_tenants - 1} other tenants (their own 8 years)"
        )

        stores = {where: Store(urls[where][1], tenant=HOME) for where in (BASELINE, NATIONAL)}
        # The same read with PostgreSQL's JIT compilation off for the session (on by default in PostgreSQL 15)
        no_jit = Store(urls[NATIONAL][1] + "?options=-c%20jit%3Doff", tenant=HOME)
        snaps = {where: stores[where].snapshot() for where in stores}
        figures = {where: compute(snaps[where].data, snaps[where].placements, config) for where in stores}
        for where in stores:
            d = snaps[where].data
            print(
                f"  tenant 580 reads on {where}: {len(d):,} rows in force, {d['code'].nunique()} municipalities, "
                f"years {d['year'].min()}-{d['year'].max()}"
            )
        ranking = national_ranking(figures[NATIONAL].shares, config)
        assert ranking.available and set(ranking.counts.values()) == {98}, ranking.counts
        assert not national_ranking(figures[BASELINE].shares, config).available

        environments = {
            where: {"CSR_DATABASE_URL": urls[where][1], "CSR_MUNICIPALITY": str(HOME)} for where in (BASELINE, NATIONAL)
        }
        pages = Pages(environments)
        print("\nOpening the pages (AppTest, two warm-up reruns each) ...", flush=True)
        for page in PAGES:
            for where in (BASELINE, NATIONAL):
                pages.open(page, where)
        landet = {where: landet_state(pages.tests[("Landet", where)]) for where in (BASELINE, NATIONAL)}
        assert landet[NATIONAL][0] and "98 kommuner" in landet[NATIONAL][1], landet[NATIONAL]

        reruns: dict[tuple[str, str], list[float]] = {(p, w): [] for p in PAGES for w in (BASELINE, NATIONAL)}
        snapshot_ms: dict[str, list[float]] = {BASELINE: [], NATIONAL: []}
        no_jit_ms: list[float] = []
        compute_ms: dict[str, list[float]] = {BASELINE: [], NATIONAL: []}
        ranking_ms: list[float] = []
        shares = figures[NATIONAL].shares
        for round_ in range(args.repeat):
            order = (BASELINE, NATIONAL) if round_ % 2 == 0 else (NATIONAL, BASELINE)
            for page in PAGES:
                for _ in range(args.runs):
                    for where in order:
                        reruns[(page, where)].append(pages.rerun(page, where))
            for where in order:
                snapshot_ms[where].append(median_ms(stores[where].snapshot, 1, warm_up=False))
                snap = snaps[where]
                compute_ms[where].append(
                    median_ms(lambda s=snap: compute(s.data, s.placements, config), 1, warm_up=False)
                )
            no_jit_ms.append(median_ms(no_jit.snapshot, 1, warm_up=False))
            ranking_ms.append(median_ms(lambda: national_ranking(shares, config), args.ranking_runs, warm_up=False))
        load = os.getloadavg()
    finally:
        for key in [k for k in db._engines if k[0] == "postgresql"]:
            db._engines.pop(key).dispose()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"\nPage rerun as tenant 580 (app.py's timer, script start to end), median of {args.repeat} rounds × "
        f"{args.runs} reruns, databases alternated; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(f"  {'page':16s} {'baseline':>11s} {'national':>11s} {'ratio':>7s}  {'new session: baseline, national':>31s}")
    for page in PAGES:
        base = statistics.median(reruns[(page, BASELINE)])
        nat = statistics.median(reruns[(page, NATIONAL)])
        flag = "" if nat / base <= RERUN_TARGET else f"  OVER {RERUN_TARGET}x"
        if page == "Landet" and not landet[BASELINE][0]:
            flag = "  (the baseline draws only a notice: no ratio to judge)"
        first = pages.first_load_ms
        print(
            f"  {page:16s} {base:8.1f} ms {nat:8.1f} ms {nat / base:6.2f}x  "
            f"{first[(page, BASELINE)]:12.0f} ms {first[(page, NATIONAL)]:9.0f} ms{flag}"
        )
    print("  (a new session's first run: Overblik's, the first on each database, also reads and computes the data)")
    for where in (BASELINE, NATIONAL):
        print(f"  Landet, {where}: {'rangering' if landet[where][0] else 'besked'}: {landet[where][1]}")
    print(f"\nOnce per data version (median of {args.repeat} rounds):")
    for label, values in (("snapshot()", snapshot_ms), ("shares.compute", compute_ms)):
        base, nat = statistics.median(values[BASELINE]), statistics.median(values[NATIONAL])
        print(f"  {label:16s} {base:8.1f} ms {nat:8.1f} ms {nat / base:6.2f}x")
    print(f"  snapshot() on national with JIT off for the session: {statistics.median(no_jit_ms):.1f} ms")
    rank = statistics.median(ranking_ms)
    verdict = "within" if rank < RANKING_BUDGET_MS else "OVER"
    print(
        f"  national_ranking on the national figures ({len(figures[NATIONAL].shares):,} share rows): {rank:.1f} ms "
        f"(median of {args.ranking_runs} in each round; budget {RANKING_BUDGET_MS:.0f} ms: {verdict})"
    )


# The importer's worker processes re-run the main script under another name: they must not benchmark.
if __name__ == "__main__":
    main()

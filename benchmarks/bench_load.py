"""Load: concurrent browser sessions through nginx over two app processes, against one process without nginx.

    python benchmarks/bench_load.py [--sessions 30] [--switches 2] [--rounds 1]

One Debian Chromium with one context per session (Playwright's async API), all started at once. Each session
opens Overblik at a year of its own (`/?år=`), waits for the first chart (an svg or canvas in a chart element),
then chooses --switches other years in the year selector, each time until the page says "Målene i <year>" and
its chart is drawn. Two set-ups, measured in the same run, one after the other (alternated with --rounds > 1):

  nginx   Debian's nginx configured from deploy/nginx/ (tests/nginx_support.py) in front of two
          `streamlit run app.py` processes on one data folder, the deployment of deploy/README.md;
  direct  the same sessions straight to one process, without nginx (the baseline).

Reported per set-up: the 95th percentile (and median) of the time from starting to load the address to the
first chart, the same for a year switch, the errors (a session that timed out, an error element on the page,
an HTTP answer of 400 or more, a failed request, a page error: there must be none; an aborted handshake
request that Streamlit's frontend tries again is a "retry", reported apart), the CPU time the app processes
used while the sessions ran, and the server's memory per session: the resident memory (VmRSS in /proc) of
the app processes with every session open, less the same after four warm-up sessions per process, one after
the other, divided by the number of sessions. The ratios nginx/direct are the result.

All of it runs on one machine: the 30 browser sessions share its cores with the servers, so on a small
machine the browsers' own rendering dominates the times; the server CPU time is the server's share.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The tests' helpers start the app and nginx exactly as the browser tests do (one configuration to trust).
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from nginx_support import run_nginx  # noqa: E402

YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
FIRST_CHART = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .some(c => c.querySelector('svg, canvas'))"""
YEAR_SHOWN = """(year) => [...document.querySelectorAll('h3')].some(h => h.innerText.includes('Målene i ' + year))
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg, canvas'))
    && !document.querySelector('[data-testid="stSkeleton"]')"""
ERROR_ELEMENTS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
TIMEOUT_MS = 600_000


@dataclass
class Result:
    first_chart_s: list[float] = field(default_factory=list)
    switch_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retries: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    idle_rss_mb: float = 0.0
    loaded_rss_mb: float = 0.0


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (fields 14 and 15 of /proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


HANDSHAKE = ("/_stcore/health", "/_stcore/host-config")


def failed(request, index: int, origin: str, result: Result) -> None:
    """A request of the app that did not complete. Streamlit's frontend aborts its connection handshake
    (health, host-config) when the answer is slow and tries again: that is counted as a retry, reported, and
    not as an error; every other failed request is an error."""
    if not request.url.startswith(origin):
        return
    text = f"session {index}: {request.method} {request.url.removeprefix(origin)} failed: {request.failure}"
    handshake = request.url.removeprefix(origin).startswith(HANDSHAKE) and "ERR_ABORTED" in (request.failure or "")
    (result.retries if handshake else result.errors).append(text)


async def session(browser, url: str, index: int, switches: int, result: Result, opened: list) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    opened.append(context)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    origin = url.split("/", 3)[:3]
    page.on("pageerror", lambda e: result.errors.append(f"session {index}: page error {e}"))
    page.on("requestfailed", lambda r: failed(r, index, "/".join(origin), result))
    page.on(
        "response",
        lambda r: result.errors.append(f"session {index}: {r.status} for {r.url}") if r.status >= 400 else None,
    )
    years = YEARS[index % len(YEARS) :] + YEARS[: index % len(YEARS)]
    try:
        started = time.perf_counter()
        await page.goto(f"{url}/?år={years[0]}")
        await page.wait_for_function(FIRST_CHART, timeout=TIMEOUT_MS, polling=10)
        result.first_chart_s.append(time.perf_counter() - started)
        await page.wait_for_function(YEAR_SHOWN, arg=years[0], timeout=TIMEOUT_MS)
        for year in years[1 : switches + 1]:
            started = time.perf_counter()
            await page.locator(".st-key-year [role=combobox]").first.click()
            await page.get_by_role("option", name=str(year), exact=True).click()
            await page.wait_for_function(YEAR_SHOWN, arg=year, timeout=TIMEOUT_MS, polling=10)
            result.switch_s.append(time.perf_counter() - started)
        if await page.locator(ERROR_ELEMENTS).count():
            result.errors.append(f"session {index}: an error on the page")
    except Exception as error:  # a timeout or a closed page is an error of the run, not of the benchmark
        result.errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0]}")


async def drive(url: str, pids: list[int], sessions: int, switches: int) -> Result:
    from playwright.async_api import async_playwright

    result = Result()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # warm-up: four sessions per process, one after the other (behind nginx each goes to a process of
            # its random route; the first run in a process imports the pages and reads the sample data)
            warm = Result()
            for i in range(len(pids) * 4):
                opened: list = []
                await session(browser, url, i, 1, warm, opened)
                for context in opened:
                    await context.close()
            if warm.errors:
                raise RuntimeError(f"the warm-up failed: {warm.errors[:3]}")
            await asyncio.sleep(2)
            result.idle_rss_mb = rss_mb(pids)
            cpu_before = cpu_seconds(pids)
            opened = []
            started = time.perf_counter()
            await asyncio.gather(*(session(browser, url, i, switches, result, opened) for i in range(sessions)))
            result.wall_s = time.perf_counter() - started
            result.cpu_s = cpu_seconds(pids) - cpu_before
            await asyncio.sleep(2)
            result.loaded_rss_mb = rss_mb(pids)  # every session still open
            for context in opened:
                await context.close()
        finally:
            await browser.close()
    return result


@contextlib.contextmanager
def behind_nginx(data_dir: Path) -> Iterator[tuple[str, list[int]]]:
    with contextlib.ExitStack() as stack:
        apps = [stack.enter_context(serve(f"bench-load-{i}.log", data_dir)) for i in (1, 2)]
        nginx = stack.enter_context(run_nginx([int(url.rsplit(":", 1)[1]) for url, _ in apps]))
        yield nginx.url, [proc.pid for _, proc in apps]


@contextlib.contextmanager
def direct(data_dir: Path) -> Iterator[tuple[str, list[int]]]:
    with serve("bench-load-direct.log", data_dir) as (url, proc):
        yield url, [proc.pid]


def report(name: str, r: Result, sessions: int) -> None:
    per_session = (r.loaded_rss_mb - r.idle_rss_mb) / sessions
    print(
        f"  {name:<7} first chart p95 {p95(r.first_chart_s):5.1f} s (median {statistics.median(r.first_chart_s):4.1f} s), "
        f"year switch p95 {p95(r.switch_s):5.1f} s (median {statistics.median(r.switch_s):4.1f} s), "
        f"{len(r.errors)} errors, {len(r.retries)} handshake retries, all sessions done in {r.wall_s:5.1f} s; "
        f"server CPU {r.cpu_s:.1f} s ({r.cpu_s / sessions:.2f} s per session); "
        f"memory {r.idle_rss_mb:.0f} MB idle, {r.loaded_rss_mb:.0f} MB with {sessions} sessions: "
        f"{per_session:.1f} MB per session"
    )
    for error in r.errors[:10]:
        print(f"      error: {error}")
    for retry in r.retries[:5]:
        print(f"      retry: {retry}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--switches", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    results: dict[str, list[Result]] = {"nginx": [], "direct": []}
    for round_ in range(args.rounds):
        order = [("direct", direct), ("nginx", behind_nginx)]
        if round_ % 2:
            order.reverse()
        for name, setup in order:
            # an empty store (the sample data) in a temporary folder, never ./data
            with (
                tempfile.TemporaryDirectory(prefix="csr-bench-load-") as data_dir,
                setup(Path(data_dir)) as (url, pids),
            ):
                r = asyncio.run(drive(url, pids, args.sessions, args.switches))
            results[name].append(r)
            report(name, r, args.sessions)
    pooled = {name: pool(rs) for name, rs in results.items()}
    nginx, base = pooled["nginx"], pooled["direct"]
    print(
        f"{args.sessions} sessions, nginx over two processes against one process direct (ratios): first chart p95 "
        f"{p95(nginx.first_chart_s) / p95(base.first_chart_s):.2f}x, year switch p95 "
        f"{p95(nginx.switch_s) / p95(base.switch_s):.2f}x, server CPU {nginx.cpu_s / base.cpu_s:.2f}x, "
        f"memory per session {mb_per_session(results['nginx'], args.sessions):.1f} MB against "
        f"{mb_per_session(results['direct'], args.sessions):.1f} MB; errors {len(nginx.errors)} and {len(base.errors)}"
    )
    if nginx.errors or base.errors:
        sys.exit(1)


def pool(results: list[Result]) -> Result:
    """The rounds of one set-up together: all their samples, errors and retries, CPU summed."""
    return Result(
        first_chart_s=[x for r in results for x in r.first_chart_s],
        switch_s=[x for r in results for x in r.switch_s],
        errors=[x for r in results for x in r.errors],
        retries=[x for r in results for x in r.retries],
        cpu_s=sum(r.cpu_s for r in results),
    )


def mb_per_session(results: list[Result], sessions: int) -> float:
    return statistics.mean((r.loaded_rss_mb - r.idle_rss_mb) / sessions for r in results)


if __name__ == "__main__":
    main()

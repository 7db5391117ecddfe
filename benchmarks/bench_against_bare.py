"""The app's pages against a bare Streamlit page with one Altair chart (benchmarks/bare_page.py), in one run.

    python benchmarks/bench_against_bare.py [--runs 20] [--loads 5] [--no-browser] [--warm] [--pages Omegnskommuner,...]

Two measures, each as a ratio to the bare page measured in the same run (the machine is shared and
noisy: read the ratios, not the milliseconds):
  rerun        the server-side time of a rerun after the first load (each script's own timer, from its
               first line to its last; AppTest), median of --runs, the page's and the bare page's runs
               alternated; twice: as AppTest runs a script, and closer to how the server runs it. AppTest
               compiles the main script and the page's at every run (a new script cache each time; the
               server compiles each script once), and its runtime is a mock, so every look at the session's
               client (`st.context.ip_address`, `.headers`: the audit log's address) makes new mock objects,
               ~2 ms a rerun (the server looks the client up in a dict). The second measure shares one script
               cache between the runs and finds no client. And for Planlægning a slider move: the browser
               reruns only the planner's fragment, so its own time, each run with a new slider value;
  first chart  in Debian's Chromium, from the start of loading the address to the first chart drawn
               (an svg or canvas in a chart element), a new browser context each time (nothing cached),
               the server already warm; median of --loads, pages and the bare page alternated (--warm:
               the second load in a context, Streamlit's scripts in the browser's cache). Twice: against the
               bare page as Streamlit serves it, and against the bare page with TCP_NODELAY on its server's
               sockets as the app sets it (ui/tcp.py: without it every small script file after the first on a
               kept-alive connection waits ~40 ms), so that the second ratio is what the page's own content costs.
Targets: a rerun within 1.5x of the bare page, the first chart within 1.3x.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from timing import app_pages  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
BARE = str(ROOT / "benchmarks" / "bare_page.py")
PAGES = app_pages("Overblik", "Udvikling", "Omegnskommuner", "Praktikpladser", "Planlægning")
RERUN_TARGET = 1.5
FIRST_CHART_TARGET = 1.3


def _opened(script: str, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=300)
    at.run()
    if page and page != PAGES["Overblik"][0]:
        at.switch_page(page).run()
    for _ in range(2):  # two warm-up reruns fill the caches
        at.run()
    return at


def _rerun_ms(at) -> float:
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return at.session_state["_rerun_seconds"] * 1000


@contextlib.contextmanager
def _as_the_server(on: bool) -> Iterator[None]:
    """With `on`, every AppTest run shares one script cache, as the server's runtime does (AppTest makes a new
    one for each run, and so compiles the scripts again each time), and the session's client context is
    None instead of a mock's attribute (each look made new mock objects)."""
    from streamlit.runtime import context
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if not on:
        yield
        return
    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache, context._get_client_context
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    context._get_client_context = lambda: None
    try:
        yield
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache, context._get_client_context = saved  # type: ignore[misc]


def _alternated(app, runs: int, sample: Callable[[object], float]) -> tuple[float, float]:
    """The medians of `runs` samples of `app` (`sample`) and of the bare page's rerun, alternated so that both see
    the same load on the (shared) machine."""
    bare = _opened(BARE)
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        samples[0].append(sample(app))
        samples[1].append(_rerun_ms(bare))
    return statistics.median(samples[0]), statistics.median(samples[1])


def rerun_ms(page: str, runs: int, server_like: bool = False) -> tuple[float, float]:
    """The median rerun of the app on `page` and of the bare page."""
    with _as_the_server(server_like):
        return _alternated(_opened(APP, page), runs, _rerun_ms)


def slider_move_ms(runs: int) -> tuple[float, float]:
    """What a slider move costs Planlægning as the server runs it: in the browser the move reruns only the planner
    (`st.fragment`), so this is the fragment's own time (the page records it), a new slider value at each run
    (each a new plan: nothing reused from the run before), against the bare page's whole rerun."""
    moves = itertools.count()

    def move(app) -> float:
        app.slider(key="plan_fleksjob").set_value(1 + next(moves) % 7).run()
        if app.exception:
            raise RuntimeError(app.exception[0].value)
        return app.session_state["_plan_fragment_seconds"] * 1000

    with _as_the_server(True):
        return _alternated(_opened(APP, PAGES["Planlægning"][0]), runs, move)


def _print_ratio(name: str, page: float, bare: float, target: float, digits: int = 1, indent: int = 4) -> None:
    flag = "" if page / bare <= target else "  OVER TARGET"
    print(
        f"{' ' * indent}{name:<16} {page:7.{digits}f} ms  bare {bare:6.{digits}f} ms  {page / bare:5.2f}x{flag}",
        flush=True,
    )


FIRST_CHART = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .some(c => c.querySelector('svg, canvas'))"""


def first_chart_ms(browser, url: str, warm: bool = False) -> float:
    """`warm`: the address loaded once before in the same context, so the browser has Streamlit's scripts
    in its cache, and timed the second time."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="da-DK")
    page = context.new_page()
    try:
        if warm:
            page.goto(url)
            page.wait_for_function(FIRST_CHART, timeout=120_000, polling=10)
            page.goto("about:blank")
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(FIRST_CHART, timeout=120_000, polling=10)
        return (time.perf_counter() - started) * 1000
    finally:
        context.close()


def browser_ratios(
    loads: int, pages: dict[str, tuple[str, str]], warm: bool = False
) -> dict[str, tuple[float, float, float]]:
    """Per page the medians of its first chart, the bare page's, and the bare page's with TCP_NODELAY."""
    # The servers and Chromium of the browser tests (test-artifacts/ holds the servers' logs).
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import chromium, serve

    out: dict[str, tuple[float, float, float]] = {}
    with (
        serve("bench-bare.log", script=BARE) as (bare_url, _),
        serve("bench-bare-nodelay.log", script=BARE, env={**os.environ, "BARE_NO_DELAY": "1"}) as (fixed_url, _),
        serve("bench-app.log") as (app_url, _),
        chromium() as browser,
    ):
        for url in (bare_url, fixed_url):  # the servers' first run (imports, the sample data)
            first_chart_ms(browser, url)
        for _name, (_path, url_path) in pages.items():
            first_chart_ms(browser, f"{app_url}/{url_path}")
        for name, (_path, url_path) in pages.items():
            samples: tuple[list[float], list[float], list[float]] = ([], [], [])
            for _ in range(loads):  # alternated, so all see the same load on the machine
                for sample, url in zip(samples, (f"{app_url}/{url_path}", bare_url, fixed_url), strict=True):
                    sample.append(first_chart_ms(browser, url, warm))
            page, bare, fixed = map(statistics.median, samples)
            out[name] = (page, bare, fixed)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-rerun", action="store_true", help="only the first chart in the browser")
    parser.add_argument("--pages", default="", help="a comma-separated subset of the pages (default: all)")
    parser.add_argument(
        "--warm", action="store_true", help="the first chart of a second load in the same context (scripts cached)"
    )
    args = parser.parse_args()
    wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in wanted if p not in PAGES]
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)} (choose from {', '.join(PAGES)})")
    pages = {name: PAGES[name] for name in wanted} if wanted else PAGES
    # An empty temporary store (the sample data), never ./data.
    os.environ.setdefault("CSR_DATA_DIR", tempfile.mkdtemp(prefix="csr-bench-"))
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} (1, 5, 15 min; 2 cores)")
    if not args.no_rerun:
        print(f"Rerun (server side, median of {args.runs}) against the bare page, target {RERUN_TARGET}x")
        for server_like in (False, True):
            print(
                "  as the server runs them (scripts compiled once, no mock client)"
                if server_like
                else "  as AppTest runs them (scripts compiled at every run, a mock client)"
            )
            for name, (path, _url) in pages.items():
                _print_ratio(name, *rerun_ms(path, args.runs, server_like), RERUN_TARGET)
        if "Planlægning" in pages:
            print("  a slider move on Planlægning (the planner fragment's own time: the move reruns only it)")
            _print_ratio("Planlægning", *slider_move_ms(args.runs), RERUN_TARGET)
    if args.no_browser:
        return
    print(
        f"First chart in the browser (median of {args.loads} loads{', the browser cache warm' if args.warm else ''}) "
        f"against the bare page, target {FIRST_CHART_TARGET}x"
    )
    measured = browser_ratios(args.loads, pages, args.warm)
    print("  against the bare page as Streamlit serves it")
    for name, (page, bare, _fixed) in measured.items():
        _print_ratio(name, page, bare, FIRST_CHART_TARGET, digits=0)
    print("  against the bare page with TCP_NODELAY, as the app's server (the page's own content)")
    for name, (page, _bare, fixed) in measured.items():
        _print_ratio(name, page, fixed, FIRST_CHART_TARGET, digits=0)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} (1, 5, 15 min; 2 cores)")


# The importer's worker processes re-run the main script under another name: they must not benchmark.
if __name__ == "__main__":
    main()

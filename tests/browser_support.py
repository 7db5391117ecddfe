"""What the browser tests share: a `streamlit run app.py` server and Debian's Chromium via Playwright
(the fixtures `server` and `browser` are in tests/conftest.py; benchmarks/bench_against_bare.py uses
`serve` and `chromium` as well)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHART = '[data-testid="stVegaLiteChart"]'

# pytestmark for every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium); CI installs it",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def serve(
    log_name: str,
    data_dir: Path | None = None,
    script: str = "app.py",
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    args: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run <script>` (the app, or another page such as benchmarks/bare_page.py) on `port` or a
    free one, its store in `data_dir` when given, `env` as its environment (else this process's) and `args`
    after Streamlit's own (e.g. `--secrets.files PATH`), its output in test-artifacts/`log_name`, until the
    block ends; stopped by its PID. Yields the URL and the process."""
    ARTIFACTS.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{port or free_port()}"
    if data_dir is not None:
        env = {**(os.environ if env is None else env), "CSR_DATA_DIR": str(data_dir)}
    with open(ARTIFACTS / log_name, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                url.rsplit(":", 1)[1],
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; see {ARTIFACTS / log_name}")
                time.sleep(0.25)
            yield url, proc
        finally:
            stop(proc)


def text_once_it_holds(page, selector: str, part: str) -> str:
    """The element's text once it holds `part`: Streamlit may draw a container a moment before its content."""
    page.wait_for_function("([s, t]) => !!document.querySelector(s)?.innerText.includes(t)", arg=[selector, part])
    return page.locator(selector).inner_text()


def stop(proc: subprocess.Popen) -> None:
    """Stop a server the tests started, by its PID: terminate, and kill it after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's Chromium driven by Playwright (never a browser of Playwright's own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser, url: str | None = None, width: int = 1280, height: int = 900, **options) -> Iterator:
    """A Danish page in a context of its own (`width`×`height`, Playwright's context `options`) with a
    patient default timeout, at `url` when given; the context is closed when the block ends."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="da-DK", **options)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        if url is not None:
            page.goto(url)
        yield page
    finally:
        context.close()


def wait_for_charts(page, count: int) -> None:
    """Every chart of the page drawn (an svg or canvas inside each chart element); `count` charts, where a
    faceted chart shown as one chart per panel (`ui.widgets.chart`, in its `chart_…` container) counts once."""
    page.wait_for_function(
        """(n) => {
            const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
            const shown = new Set(charts.map(c => c.closest('[class*="st-key-chart_"]') || c));
            return shown.size === n && charts.every(c => c.querySelector('svg, canvas'));
        }""",
        arg=count,
        timeout=90_000,
    )
    page.wait_for_timeout(500)  # let the last chart finish its layout before the screenshot


def assert_no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert "Page not found" not in page.content()


# ---- axe-core ---------------------------------------------------------------------------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # installed by scripts/test.sh (npm ci, package.json)
AXE_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts: tuple[str, ...] = AXE_IMPACTS) -> list[dict]:
    """axe-core's violations of the page as it stands (WCAG 2.0/2.1 A and AA and best practice), those of
    `impacts`: one dict per element, with the rule id, its impact, the element's CSS target and axe's summary."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci` (scripts/test.sh does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (impacts) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.filter(v => impacts.includes(v.impact)).flatMap(v => v.nodes.map(n => ({
                rule: v.id, impact: v.impact, target: n.target.join(' '),
                summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300),
            })));
        }""",
        list(impacts),
    )


PAGE_LINKS = '.st-key-pagelinks [data-testid="stPageLink"] a, .st-key-pagetabs [data-testid="stPageLink"] a'


def app_pages() -> list[tuple[str, str, str, str]]:
    """app.py's pages (path, title, icon, address); in local mode the frame links every one."""
    if str(ROOT) not in sys.path:  # a benchmark script run from benchmarks/ has the checkout's root elsewhere
        sys.path.insert(0, str(ROOT))
    from app import PAGES

    return PAGES


def wait_for_page(page, links: int | None = None) -> None:
    """The page's run finished (the frame draws the page links after the page) and every chart drawn.
    `links`: the page links the frame draws, by default every page of the app (local mode)."""
    if links is None:
        links = len(app_pages())
    page.wait_for_function(
        """([selector, n]) => document.querySelectorAll(selector).length === n
            && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg, canvas'))
            && !document.querySelector('[data-testid="stSkeleton"]')""",
        arg=[PAGE_LINKS, links],
        timeout=120_000,
    )
    page.wait_for_timeout(500)  # the frame's script relabels on the next animation frame


def tab_stops(page, count: int = 5) -> list[str]:
    """What the first `count` presses of Tab reach from the top of the page: "link:<text>" for a page link,
    "year" for the year selector, else the element's test id or tag."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.locator("body").focus()
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """(links) => {
                    const e = document.activeElement;
                    if (!e) return 'none';
                    if (e.matches(links)) return 'link:' + e.innerText.trim().split(/\\s+/).pop();
                    if (e.closest('.st-key-year')) return 'year';
                    return e.closest('[data-testid]')?.dataset.testid || e.tagName.toLowerCase();
                }""",
                PAGE_LINKS,
            )
        )
    return stops

"""The deployment in a real browser: Debian's nginx, configured from deploy/nginx/ (tests/nginx_support.py), in
front of two `streamlit run app.py` processes that share one data folder, driven by Debian's Chromium; the
last test is the shared host: login through a local OIDC provider (tests/oidc_support.py) and both
processes over one PostgreSQL database (tests/postgres_support.py).

Which process served a request is read from nginx's own access log (the test configuration logs
`$upstream_addr` and the route id of every request, the WebSocket's when it closes) and from the test-only
`X-CSR-Upstream` header; the app itself is not told it is being tested.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import oidc_support as oidc
import pytest
from browser_support import BROWSER_MARKS, ROOT, assert_no_error, chromium, text_once_it_holds, wait_for_charts
from nginx_support import NGINX_MARKS, ROUTE_COOKIE, Cluster, cluster, cluster_with_login, routes_to_each

from csr.store import Store

pytestmark = [*BROWSER_MARKS, *NGINX_MARKS]
pytest_plugins = ("postgres_support",)  # the PostgreSQL server and a database per test
pytest.importorskip("playwright.sync_api")

SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Cluster]:
    with cluster(tmp_path_factory.mktemp("lager"), processes=2, log_name="nginx-browser") as c:
        yield c


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="da-DK")
    context.set_default_timeout(90_000)
    yield context
    context.close()


def card_values(page) -> list[str]:
    """The values on Overblik's target cards, once they are drawn."""
    page.locator(".csr-card .csr-value").first.wait_for()
    return page.locator(".csr-card .csr-value").all_inner_texts()


def route_of(context, url: str) -> str:
    cookies = [c for c in context.cookies(url) if c["name"] == ROUTE_COOKIE]
    assert len(cookies) == 1, context.cookies(url)
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax"
    return cookies[0]["value"]


def streams_logged(deployment: Cluster, route: str, at_least: int) -> list[str]:
    """The access-log lines of the route's WebSockets; nginx writes one when its connection closes."""
    deadline = time.monotonic() + 10
    while True:
        lines = [
            line for line in deployment.nginx.log_lines() if "/_stcore/stream " in line and f"route={route}" in line
        ]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_overblik_through_nginx_draws_figure_1_over_the_proxied_websocket(deployment, context):
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    response = page.goto(f"{deployment.nginx.url}/")
    assert response is not None and response.status == 200
    served_by = int(response.headers["x-csr-upstream"].rsplit(":", 1)[1])
    assert served_by in deployment.ports
    wait_for_charts(page, 1)  # the figures arrive over the WebSocket, so it works through the proxy
    assert_no_error(page)
    assert page.locator("h1").first.inner_text() == "Overblik"
    assert page.locator('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas').count() >= 1
    assert sockets == [f"{deployment.nginx.url.replace('http', 'ws')}/_stcore/stream"]
    route = route_of(context, deployment.nginx.url)
    context.close()
    streams = streams_logged(deployment, route, 1)
    assert len(streams) == 1 and streams[0].startswith("101 ")  # switched to the WebSocket protocol by the app
    assert deployment.port_of(route) == served_by  # the page, its files and its WebSocket: one process


def test_one_browser_keeps_its_process_across_reruns_page_changes_and_reloads(deployment, context):
    page = context.new_page()
    page.goto(f"{deployment.nginx.url}/")
    wait_for_charts(page, 1)
    route = route_of(context, deployment.nginx.url)
    # a rerun: another year from the selector
    page.locator(".st-key-year [role=combobox]").click()
    page.get_by_role("option", name="2019", exact=True).click()
    page.wait_for_function("[...document.querySelectorAll('h3')].some(h => h.innerText.includes('Målene i 2019'))")
    wait_for_charts(page, 1)
    # a page change inside the session: the page link (st.navigation, over the WebSocket)
    page.locator(".st-key-pagelinks a", has_text="Udvikling").click()
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText === 'Udvikling'")
    wait_for_charts(page, 2)
    assert "år=2019" in page.url or "%C3%A5r=2019" in page.url
    # a new load of another address and a reload: new HTTP requests and new WebSockets
    page.goto(f"{deployment.nginx.url}/omegnskommuner?år=2020")
    wait_for_charts(page, 3)
    page.reload()
    wait_for_charts(page, 3)
    assert_no_error(page)
    assert route_of(context, deployment.nginx.url) == route  # nginx set the cookie once
    context.close()
    assert len(streams_logged(deployment, route, 3)) == 3  # three sessions: /, /omegnskommuner, the reload
    port = deployment.port_of(route)  # every request of the route: one process
    assert port in deployment.ports


def test_two_browsers_with_different_routes_reach_both_processes(deployment, browser):
    routes = routes_to_each(deployment.nginx.url, deployment.ports)
    contexts = []
    try:
        for port, route in routes.items():
            context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="da-DK")
            context.set_default_timeout(90_000)
            contexts.append(context)
            context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": deployment.nginx.url}])
            page = context.new_page()
            response = page.goto(f"{deployment.nginx.url}/?år=2019")
            assert response is not None
            assert response.headers["x-csr-upstream"] == f"127.0.0.1:{port}"
            assert "set-cookie" not in response.all_headers()  # it came with a route id: nginx keeps it
            wait_for_charts(page, 1)
            assert_no_error(page)
            assert "22,0 %" in card_values(page)  # the sample data's 2019 total share, from either process
    finally:
        for context in contexts:
            context.close()
    for port, route in routes.items():
        assert len(streams_logged(deployment, route, 1)) == 1
        assert deployment.port_of(route) == port
    assert sorted(routes) == sorted(deployment.ports)


def test_an_upload_through_nginx_reaches_the_data_page_and_is_stored(deployment, context):
    page = context.new_page()
    page.goto(f"{deployment.nginx.url}/data")
    page.wait_for_selector(".st-key-upload input[type=file]", state="attached")
    page.set_input_files(".st-key-upload input[type=file]", [str(p) for p in SAMPLE_FILES])
    page.get_by_text("3 filer (74 kB) læst").wait_for()
    page.locator(".st-key-accept_warnings label").click()
    page.wait_for_function("(b => b !== null && !b.disabled)(document.querySelector('.st-key-import_confirm button'))")
    who = page.locator(".st-key-import_who input")
    if who.count():  # the name comes from the login where there is one
        who.fill("Browsertest bag nginx")
        who.press("Enter")
    page.locator(".st-key-import_confirm button").first.click()
    page.get_by_text("Import nr. 1 er gemt: 2.876 tal og 49 praktikpladser").wait_for()
    assert_no_error(page)
    route = route_of(context, deployment.nginx.url)
    context.close()
    puts = [line for line in deployment.nginx.log_lines() if '"PUT /_stcore/upload_file/' in line]
    assert len(puts) == len(SAMPLE_FILES)
    assert all(line.startswith("204 ") and f"route={route}" in line for line in puts), puts
    streams_logged(deployment, route, 1)
    assert deployment.port_of(route) in deployment.ports  # the uploads went to the session's own process


LOGIN_USERS = [
    {"sub": "hanne", "name": "Hanne Hansen", "groups": ["csr-hr"]},
    {"sub": "lars", "name": "Lars Læser", "groups": ["csr-laeser"]},
]
UPLOADER = '[data-testid="stFileUploader"]'


def test_hr_imports_on_one_process_and_a_laeser_on_the_other_sees_it_and_cannot_import(browser, tmp_path, postgres_url):
    """The shared host: two app processes over one PostgreSQL database behind nginx, with login (a local
    OIDC provider, tests/oidc_support.py). hr logs in through nginx and imports on one process; a læser in
    another browser, served by the other process, logs in, sees the imported figures and gets no uploader.
    The route ids are chosen so that the two browsers land on different processes."""
    with (
        oidc.provider(LOGIN_USERS, log_name="oidc_provider_nginx.log") as provider_url,
        cluster_with_login(
            tmp_path / "lager", lambda path, url: oidc.write_secrets(path, provider_url, url), database_url=postgres_url
        ) as deployment,
    ):
        url = deployment.nginx.url
        routes = routes_to_each(url, deployment.ports)
        hr_port, reader_port = deployment.ports
        contexts = []
        for port in (hr_port, reader_port):
            context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="da-DK")
            context.set_default_timeout(90_000)
            context.add_cookies([{"name": ROUTE_COOKIE, "value": routes[port], "url": url}])
            contexts.append(context)
        try:
            page = contexts[0].new_page()
            oidc.log_in(page, url, "hanne")  # the login's callback comes back to the same process
            page.goto(f"{url}/data")
            page.wait_for_selector(".st-key-upload input[type=file]", state="attached")
            page.set_input_files(".st-key-upload input[type=file]", [str(p) for p in SAMPLE_FILES])
            page.get_by_text("3 filer (74 kB) læst").wait_for()
            page.locator(".st-key-accept_warnings label").click()
            page.wait_for_function(
                "(b => b !== null && !b.disabled)(document.querySelector('.st-key-import_confirm button'))"
            )
            page.locator(".st-key-import_confirm button").first.click()
            page.get_by_text("Import nr. 1 er gemt: 2.876 tal og 49 praktikpladser").wait_for()
            assert "af Hanne Hansen" in text_once_it_holds(page, ".st-key-batch_1", "Import nr. 1")

            reader = contexts[1].new_page()
            oidc.log_in(reader, url, "lars")
            reader.goto(f"{url}/?år=2019")
            wait_for_charts(reader, 1)
            assert_no_error(reader)
            assert reader.locator(".st-key-eksempeldata").count() == 0  # the stored figures, not the sample
            assert "22,0 %" in card_values(reader)
            reader.goto(f"{url}/data")  # typed by hand: there is no Data page for a læser
            reader.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            assert reader.locator(UPLOADER).count() == 0
        finally:
            for context in contexts:
                context.close()
        assert deployment.port_of(routes[hr_port]) == hr_port
        assert deployment.port_of(routes[reader_port]) == reader_port
    # The import is in the shared database, with its audit entry, and nothing went to the data folder.
    stored = Store(postgres_url)
    assert stored.history()["who"].tolist() == ["Hanne Hansen"]
    imports = stored.audit_entries(event="import")
    assert list(zip(imports["who"], imports["role"], strict=True)) == [("Hanne Hansen", "hr")]
    assert not (tmp_path / "lager" / "csr.sqlite").exists()

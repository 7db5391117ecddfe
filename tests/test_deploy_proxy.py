"""The proxy's behaviour in front of two small echo servers that report what reached them: Debian's nginx
with the deployment's own files (tests/nginx_support.py), the route cookie and affinity, the forwarded
headers, the WebSocket upgrade and the body limit. Slow tier: every test goes through nginx, a process.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator

import pytest
from nginx_support import (
    MIB,
    NGINX,
    NGINX_MARKS,
    ROOT,
    ROUTE_COOKIE,
    app_upload_limit_bytes,
    get,
    route_cookie,
    routes_to_each,
    run_nginx,
)

pytestmark = [pytest.mark.slow, *NGINX_MARKS]


# ---- the proxy in front of two echo servers ------------------------------------------------------


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every request with JSON: the port it listens on, the method, path, headers and body length."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            chunk = self.rfile.read(min(MIB, length - received))
            if not chunk:
                break
            received += len(chunk)
        body = json.dumps(
            {
                "port": self.server.server_address[1],
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "received": received,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echoes() -> Iterator[list[int]]:
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo) for _ in range(2)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    yield [s.server_address[1] for s in servers]
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="module")
def proxy(echoes):
    if not NGINX.exists():
        pytest.skip("Debian's nginx is not installed at /usr/sbin/nginx (apt-get install nginx); CI installs it")
    with run_nginx(echoes, log_copy=ROOT / "test-artifacts" / "nginx-echo") as nginx:
        yield nginx


def echoed(body: bytes) -> dict:
    return json.loads(body)


def test_a_new_browser_gets_a_route_cookie_and_keeps_its_process(proxy, echoes):
    status, headers, body = get(f"{proxy.url}/")
    assert status == 200
    route = route_cookie(headers["set-cookie"])
    assert route is not None and re.fullmatch(r"[0-9a-f]{32}", route)
    attributes = [a.strip() for a in headers["set-cookie"].split(";")]
    assert attributes[1:] == ["Path=/", "HttpOnly", "SameSite=Lax"]  # no Secure over plain HTTP (the test's)
    first = echoed(body)["port"]
    assert first in echoes
    for path in ("/", "/udvikling", "/_stcore/health", "/_stcore/host-config", "/static/js/x.js") * 4:
        status, headers, body = get(f"{proxy.url}{path}", cookie=f"{ROUTE_COOKIE}={route}")
        assert status == 200
        assert headers["set-cookie"] == ""  # it has one: nothing new
        assert echoed(body)["port"] == first
        assert headers["x-csr-upstream"] == f"127.0.0.1:{first}"


def test_many_browsers_behind_one_address_spread_over_both_processes(proxy, echoes):
    """Every request comes from 127.0.0.1 (one NAT address); the route cookies still reach both processes,
    and each new browser's route is its own."""
    routes = routes_to_each(proxy.url, echoes)
    assert sorted(routes) == sorted(echoes)
    assert len(set(routes.values())) == 2
    for port, route in routes.items():
        for _ in range(5):
            _, _, body = get(f"{proxy.url}/", cookie=f"{ROUTE_COOKIE}={route}")
            assert echoed(body)["port"] == port
    seen = [route_cookie(get(f"{proxy.url}/")[1]["set-cookie"]) for _ in range(20)]
    assert len(set(seen)) == 20


def test_a_cookie_nginx_did_not_make_is_replaced(proxy):
    for forged in ("x", "../../etc", "A" * 32, "0" * 31, "0" * 33):
        _, headers, _ = get(f"{proxy.url}/", cookie=f"{ROUTE_COOKIE}={forged}")
        new = route_cookie(headers["set-cookie"])
        assert new is not None and new != forged and re.fullmatch(r"[0-9a-f]{32}", new)


def test_the_app_gets_the_clients_address_and_host_and_never_a_forged_one(proxy):
    port = proxy.url.rsplit(":", 1)[1]
    _, _, body = get(f"{proxy.url}/data?x=1", headers={"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"})
    seen = echoed(body)
    assert seen["path"] == "/data?x=1"
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"  # nginx's $remote_addr, the forged one replaced
    assert seen["headers"]["x-real-ip"] == "127.0.0.1"
    assert seen["headers"]["x-forwarded-proto"] == "http"
    assert seen["headers"]["host"] == f"127.0.0.1:{port}"  # with the port: Streamlit compares it with Origin
    assert seen["headers"]["connection"] == "close"
    assert "upgrade" not in seen["headers"]


def test_the_websocket_path_asks_the_app_for_an_upgrade(proxy):
    _, _, body = get(
        f"{proxy.url}/_stcore/stream",
        headers={"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
    )  # fmt: skip
    seen = echoed(body)["headers"]
    assert seen["upgrade"] == "websocket" and seen["connection"] == "upgrade"
    assert seen["sec-websocket-key"] == "dGhlIHNhbXBsZSBub25jZQ=="


def raw_put_status(url: str, path: str, length: int) -> int:
    """The status nginx answers a PUT that announces `length` bytes, before any of them is sent."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"PUT {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {length}\r\n\r\n".encode())
        return int(s.recv(200).split()[1])


def test_uploads_up_to_the_apps_limit_pass_and_larger_are_refused(proxy):
    limit = app_upload_limit_bytes()
    assert raw_put_status(proxy.url, "/_stcore/upload_file/s/f", limit + 1) == 413
    assert raw_put_status(proxy.url, "/", limit + 1) == 413
    # a body of exactly the limit reaches the app whole, streamed (the upload location does not spool it)
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(
            f"PUT /_stcore/upload_file/s/f HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {limit}\r\n\r\n".encode()
        )
        block = b"\0" * MIB
        for _ in range(limit // MIB):
            s.sendall(block)
        response = b""
        while b"}" not in response:
            chunk = s.recv(65536)
            if not chunk:
                break
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.split()[1] == b"200"
    seen = echoed(body)
    assert seen["method"] == "PUT" and seen["received"] == limit
    assert seen["headers"]["content-length"] == str(limit)


def test_when_a_process_stops_its_browsers_go_to_the_other():
    """nginx's failover: a route whose process no longer answers is served by the remaining one, at once."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo) for _ in range(2)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    ports = [s.server_address[1] for s in servers]
    try:
        with run_nginx(ports) as nginx:
            routes = routes_to_each(nginx.url, ports)
            servers[0].shutdown()
            servers[0].server_close()  # the first process is gone: its port refuses connections
            for _ in range(3):
                status, _, body = get(f"{nginx.url}/", cookie=f"{ROUTE_COOKIE}={routes[ports[0]]}")
                assert status == 200 and echoed(body)["port"] == ports[1]
            _, _, body = get(f"{nginx.url}/", cookie=f"{ROUTE_COOKIE}={routes[ports[1]]}")
            assert echoed(body)["port"] == ports[1]
    finally:
        servers[1].shutdown()
        servers[1].server_close()

"""The deployment folder: nginx's configuration as nginx itself reads it, the upload limit equal to the app's,
the systemd unit as systemd reads it, and the proxy's behaviour (affinity cookie, forwarded headers,
WebSocket upgrade, body limit) in front of two small echo servers that report what reached them.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator

import pytest
from nginx_support import (
    LOCATIONS_CONF,
    NGINX,
    NGINX_MARKS,
    ROOT,
    ROUTE_COOKIE,
    SITE_CONF,
    SYSTEMD_UNIT,
    directive_values,
    get,
    http_blocks_for_test,
    route_cookie,
    routes_to_each,
    run_nginx,
    size_in_bytes,
    top_level,
)

MIB = 1024 * 1024


def app_upload_limit_bytes() -> int:
    """`server.maxUploadSize` of the app's `.streamlit/config.toml`, in bytes (Streamlit's MB are MiB)."""
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        return tomllib.load(f)["server"]["maxUploadSize"] * MIB


# ---- the files as text ----------------------------------------------------------------------------


def test_nginx_body_limit_equals_the_apps_upload_limit():
    limits = directive_values(LOCATIONS_CONF.read_text(), "client_max_body_size")
    assert limits == ["200m"]
    assert directive_values(SITE_CONF.read_text(), "client_max_body_size") == []  # one place only
    assert size_in_bytes(limits[0]) == app_upload_limit_bytes() == 200 * MIB


def test_size_reading_knows_nginx_units():
    assert [size_in_bytes(v) for v in ("1024", "512k", "200m", "2G")] == [1024, 512 * 1024, 200 * MIB, 2 * 1024**3]
    with pytest.raises(ValueError):
        size_in_bytes("200 MB")


def test_the_site_file_has_affinity_by_cookie_not_by_address():
    text = SITE_CONF.read_text()
    blocks = top_level(text)
    upstream = next(b for b in blocks if b.startswith("upstream csr_dashboard"))
    assert "hash $csr_route consistent;" in upstream
    assert "ip_hash" not in upstream
    assert re.findall(r"server (127\.0\.0\.1:\d+)", upstream) == ["127.0.0.1:8501", "127.0.0.1:8502"]
    # the test configuration takes these blocks with other ports, nothing else changed
    test_blocks = http_blocks_for_test([40001, 40002, 40003])
    assert re.findall(r"server (127\.0\.0\.1:\d+)", test_blocks) == [
        "127.0.0.1:40001",
        "127.0.0.1:40002",
        "127.0.0.1:40003",
    ]
    assert test_blocks.count("max_fails=1 fail_timeout=10s") == 3
    assert all(b in test_blocks for b in blocks if b.startswith("map "))
    assert "ssl_certificate" not in test_blocks and "listen" not in test_blocks


def test_comments_and_quoted_braces_do_not_confuse_the_reader():
    text = 'map $a $b { "~^{x}$" 1; # a } comment\n default 0; }\nupstream u { server 127.0.0.1:1; } # }\n'
    assert top_level(text) == ['map $a $b { "~^{x}$" 1; \n default 0; }', "upstream u { server 127.0.0.1:1; }"]
    with pytest.raises(ValueError):
        top_level("server { listen 80;")


# ---- nginx reads the real files ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a throwaway certificate")
@NGINX_MARKS[0]
def test_nginx_accepts_the_real_site_file_with_tls(tmp_path):
    """`nginx -t` on the deployment's site file as shipped: only the certificate paths (placeholders) point at a
    throwaway certificate, the include at the repository's file and the logs into the temp folder."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=csr.kommune.dk",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = SITE_CONF.read_text()
    replacements = {
        "/etc/ssl/csr-dashboard/": f"{tmp_path}/",
        "/etc/nginx/snippets/csr-locations.conf": str(LOCATIONS_CONF),
        "/var/log/nginx/": f"{tmp_path}/",
    }
    for old, new in replacements.items():
        assert old in site
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run([str(NGINX), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


# ---- systemd reads the unit -----------------------------------------------------------------------


def unit_options() -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    text = SYSTEMD_UNIT.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, value = line.split("=", 1)
            options.setdefault(key.strip(), []).append(value.strip())
    return options


def test_the_unit_runs_streamlit_on_its_instance_port_on_loopback_as_an_unprivileged_user():
    options = unit_options()
    command = options["ExecStart"][0].split()
    assert command[1:5] == ["-m", "streamlit", "run", "app.py"]
    pairs = dict(zip(command[5::2], command[6::2]))
    assert pairs["--server.port"] == "%i"
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.headless"] == "true"
    assert options["User"] == ["csr"] and options["Group"] == ["csr"]
    assert options["EnvironmentFile"] == ["/etc/csr-dashboard/env"]
    assert options["Restart"] == ["on-failure"]
    for key, value in {"NoNewPrivileges": "true", "ProtectSystem": "strict", "PrivateTmp": "true"}.items():
        assert options[key] == [value]
    assert options["ReadWritePaths"] == ["/var/lib/csr-dashboard"]
    # the upstream of the site file lists the ports of the instances the guide enables
    guide = (ROOT / "deploy" / "README.md").read_text()
    assert "csr-dashboard@8501" in guide and "csr-dashboard@8502" in guide


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_verifies_the_unit_and_rates_its_exposure_low(tmp_path):
    """`systemd-analyze verify` on the unit as shipped, only the interpreter and working folder pointed at this
    machine's (verify wants an executable that exists); `security --offline` rates it below 4 of 10."""
    unit = SYSTEMD_UNIT.read_text()
    unit = unit.replace("/opt/csr-dashboard/.venv/bin/python", sys.executable).replace(
        "WorkingDirectory=/opt/csr-dashboard", f"WorkingDirectory={ROOT}"
    )
    (tmp_path / SYSTEMD_UNIT.name).write_text(unit)
    instance = tmp_path / "csr-dashboard@8501.service"
    verify = subprocess.run(["systemd-analyze", "verify", str(instance)], capture_output=True, text=True, cwd=tmp_path)
    assert verify.returncode == 0, verify.stderr
    assert "csr-dashboard" not in verify.stderr, verify.stderr  # no warning about the unit
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(instance)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d)", security.stdout)
    assert m, security.stdout + security.stderr
    assert float(m.group(1)) < 4.0


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

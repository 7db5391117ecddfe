"""Debian's nginx in front of app processes, configured from the deployment's own files.

The test configuration is built from `deploy/nginx/csr-dashboard.conf`: its maps and its upstream (with the
test's ports in place of 8501 and 8502), and a plain-HTTP server on a free loopback port that includes
`deploy/nginx/csr-locations.conf` unchanged, the file the real HTTPS server includes. Only what a test needs to
see is added: an access log naming the upstream of every request, and an `X-CSR-Upstream` header.
nginx runs in the foreground in a temporary folder (pid, logs, temp files) and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SITE_CONF = DEPLOY / "nginx" / "csr-dashboard.conf"
LOCATIONS_CONF = DEPLOY / "nginx" / "csr-locations.conf"
SYSTEMD_UNIT = DEPLOY / "systemd" / "csr-dashboard@.service"
NGINX = Path("/usr/sbin/nginx")
ROUTE_COOKIE = "csr_route"
UPSTREAM = "csr_dashboard"
MIB = 1024 * 1024

NGINX_MARKS = [
    pytest.mark.skipif(
        not NGINX.exists() and not os.environ.get("CI"),  # under CI a missing nginx fails the tests
        reason="Debian's nginx is not installed at /usr/sbin/nginx (apt-get install nginx); CI installs it",
    ),
]


# ---- reading nginx configuration -----------------------------------------------------------------


def strip_comments(text: str) -> str:
    """The configuration without its comments (a # outside quotes to the end of its line)."""
    out: list[str] = []
    quote = ""
    comment = False
    for ch in text:
        if comment:
            if ch == "\n":
                comment = False
                out.append(ch)
            continue
        if quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif ch == "#":
            comment = True
        else:
            out.append(ch)
    return "".join(out)


def top_level(text: str) -> list[str]:
    """The top-level statements of a configuration, comments removed: each simple directive ("a b;") or whole
    block ("name args { ... }") as its text."""
    text = strip_comments(text)
    items: list[str] = []
    start = 0
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                items.append(text[start : i + 1].strip())
                start = i + 1
        elif ch == ";" and depth == 0:
            items.append(text[start : i + 1].strip())
            start = i + 1
    if text[start:].strip() or depth:
        raise ValueError("unbalanced nginx configuration")
    return items


def directive_values(text: str, name: str) -> list[str]:
    """The arguments of every `name ...;` directive at any depth, comments removed."""
    return [
        m.group(1).strip()
        for m in re.finditer(rf"(?:^|[;{{}}\s]){re.escape(name)}\s+([^;{{}}]*);", strip_comments(text))
    ]


def app_upload_limit_bytes() -> int:
    """`server.maxUploadSize` of the app's `.streamlit/config.toml`, in bytes (Streamlit's MB are MiB)."""
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        return tomllib.load(f)["server"]["maxUploadSize"] * MIB


def size_in_bytes(value: str) -> int:
    """An nginx size ("200m", "1g", "512k", "1024") in bytes."""
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", value.strip())
    if not m:
        raise ValueError(f"not an nginx size: {value!r}")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


def http_blocks_for_test(upstream_ports: list[int]) -> str:
    """The maps and the upstream of the deployment's site file, with the upstream's `server` lines for the
    given loopback ports (the same parameters as the first line of the file)."""
    blocks = [b for b in top_level(SITE_CONF.read_text()) if b.startswith(("map ", f"upstream {UPSTREAM} "))]
    upstream = next(b for b in blocks if b.startswith("upstream "))
    servers = re.findall(r"^\s*server\s+127\.0\.0\.1:\d+([^;]*);", upstream, flags=re.M)
    if not servers:
        raise ValueError(f"the upstream of {SITE_CONF.name} has no loopback server lines")
    body = re.sub(r"^[ \t]*server\s[^;]*;[ \t]*\n", "", upstream, flags=re.M)
    lines = "".join(f"    server 127.0.0.1:{port}{servers[0]};\n" for port in upstream_ports)
    new_upstream = body[: body.rindex("}")] + lines + "}"
    return "\n\n".join(new_upstream if b is upstream else b for b in blocks)


def config_for_test(prefix: Path, listen_port: int, upstream_ports: list[int]) -> str:
    """A whole nginx.conf for a test: the deployment's maps, upstream and locations behind plain HTTP."""
    return f"""
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
worker_processes 1;
{"user nobody nogroup;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}

http {{
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{ text/html html; }}
    default_type application/octet-stream;

    log_format csr_test '$status "$request" upstream=$upstream_addr route=$csr_route cookie="$cookie_csr_route"';

{http_blocks_for_test(upstream_ports)}

    server {{
        listen 127.0.0.1:{listen_port};
        access_log {prefix}/access.log csr_test;
        # test only: which process answered
        add_header X-CSR-Upstream $upstream_addr;
        include {LOCATIONS_CONF};
    }}
}}
"""


# ---- running nginx --------------------------------------------------------------------------------


@dataclass
class Nginx:
    url: str
    prefix: Path
    process: subprocess.Popen

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []

    def upstreams_of(self, route: str) -> set[str]:
        """The upstream addresses (127.0.0.1:port) that served the requests of one route id."""
        found: set[str] = set()
        for line in self.log_lines():
            m = re.search(r"upstream=(\S+) route=(\S+)", line)
            if m and m.group(2) == route:
                found.update(a.strip(",") for a in m.group(1).split(" ") if a not in (":", "-"))
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_nginx(upstream_ports: list[int], log_copy: Path | None = None, port: int | None = None) -> Iterator[Nginx]:
    """Debian's nginx on a loopback port (`port`, else a free one) in front of `upstream_ports`, until the block
    ends."""
    prefix = Path(tempfile.mkdtemp(prefix="csr-nginx-"))
    try:
        prefix.chmod(0o755)  # the worker (nobody, when the tests run as root) writes its temp files here
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / name).mkdir(parents=True)
            if os.geteuid() == 0:
                nobody = pwd.getpwnam("nobody")
                os.chown(prefix / "tmp" / name, nobody.pw_uid, nobody.pw_gid)
        port = port or free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(config_for_test(prefix, port, upstream_ports))
        check = subprocess.run([str(NGINX), "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            pytest.fail(f"nginx refuses the test configuration:\n{check.stderr}")
        proc = subprocess.Popen(
            [str(NGINX), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 20
            while not _listening(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    error = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                    pytest.fail(f"nginx did not start:\n{error}")
                time.sleep(0.05)
            yield Nginx(f"http://127.0.0.1:{port}", prefix, proc)
        finally:
            proc.terminate()  # SIGTERM to the master: fast shutdown of it and its worker
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            if log_copy is not None:
                log_copy.parent.mkdir(exist_ok=True)
                for name in ("access.log", "error.log"):
                    if (prefix / name).exists():
                        shutil.copy(prefix / name, log_copy.with_name(f"{log_copy.name}-{name}"))
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def get(
    url: str, cookie: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A GET through nginx: status, headers (last value per name, lower-case; Set-Cookie joined), body."""
    request = urllib.request.Request(url, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw, body = error.code, error.headers, error.read()
    found = {k.lower(): v for k, v in raw.items()}
    found["set-cookie"] = "\n".join(raw.get_all("Set-Cookie") or [])
    return status, found, body


def route_cookie(set_cookie: str) -> str | None:
    """The route id in a Set-Cookie header value, if nginx set one."""
    m = re.search(rf"(?:^|\n){ROUTE_COOKIE}=([^;\s]+)", set_cookie)
    return m.group(1) if m else None


def routes_to_each(nginx_url: str, upstream_ports: list[int], tries: int = 64) -> dict[int, str]:
    """A route id nginx handed out that leads to each upstream port (fresh cookies until every port has one)."""
    found: dict[int, str] = {}
    for _ in range(tries):
        _, headers, _ = get(f"{nginx_url}/_stcore/health")
        route = route_cookie(headers["set-cookie"])
        upstream = headers.get("x-csr-upstream", "")
        if route and upstream:
            found.setdefault(int(upstream.rsplit(":", 1)[1]), route)
        if len(found) == len(upstream_ports):
            return found
    raise AssertionError(f"{tries} new route ids reached only the ports {sorted(found)} of {upstream_ports}")


@dataclass
class Cluster:
    """nginx in front of app processes that share one data folder."""

    nginx: Nginx
    app_urls: list[str]
    processes: list[subprocess.Popen]

    @property
    def ports(self) -> list[int]:
        return [int(u.rsplit(":", 1)[1]) for u in self.app_urls]

    def port_of(self, route: str) -> int:
        """The one app port that served every request of a route id (AssertionError if none or several)."""
        upstreams = self.nginx.upstreams_of(route)
        assert len(upstreams) == 1, f"route {route} was served by {sorted(upstreams) or 'nobody'}"
        return int(upstreams.pop().rsplit(":", 1)[1])


@contextlib.contextmanager
def cluster(data_dir: Path, processes: int = 2, log_name: str = "nginx") -> Iterator[Cluster]:
    """`processes` times `streamlit run app.py` (as tests/browser_support.py starts it, each on its own free
    port, all with `data_dir` as their store) behind nginx; everything stopped by its PID when the block ends."""
    from browser_support import ARTIFACTS, serve

    with contextlib.ExitStack() as stack:
        apps = [
            stack.enter_context(serve(f"streamlit-{log_name}-{i + 1}.log", data_dir=data_dir)) for i in range(processes)
        ]
        urls = [url for url, _ in apps]
        nginx = stack.enter_context(run_nginx([int(u.rsplit(":", 1)[1]) for u in urls], log_copy=ARTIFACTS / log_name))
        yield Cluster(nginx, urls, [proc for _, proc in apps])


@contextlib.contextmanager
def cluster_with_login(
    data_dir: Path,
    write_secrets: Callable[[Path, str], Path],
    processes: int = 2,
    log_name: str = "nginx-login",
    database_url: str | None = None,
) -> Iterator[Cluster]:
    """As `cluster`, with login: `write_secrets(path, nginx_url)` writes the secrets file every process reads
    (`--secrets.files`; its redirect_uri is nginx's address, so nginx's port is chosen first). With
    `database_url` every process uses that PostgreSQL database (`CSR_DATABASE_URL`), as a shared host does."""
    from browser_support import ARTIFACTS, serve

    nginx_port = free_port()
    secrets = write_secrets(data_dir.parent / "secrets.toml", f"http://127.0.0.1:{nginx_port}")
    env = {k: v for k, v in os.environ.items() if k not in ("CSR_ALLOW_ANONYMOUS", "CSR_DATABASE_URL")}
    if database_url is not None:
        env["CSR_DATABASE_URL"] = database_url
    with contextlib.ExitStack() as stack:
        apps = [
            stack.enter_context(
                serve(f"streamlit-{log_name}-{i + 1}.log", data_dir, env=env, args=["--secrets.files", str(secrets)])
            )
            for i in range(processes)
        ]
        urls = [url for url, _ in apps]
        ports = [int(u.rsplit(":", 1)[1]) for u in urls]
        nginx = stack.enter_context(run_nginx(ports, log_copy=ARTIFACTS / log_name, port=nginx_port))
        yield Cluster(nginx, urls, [proc for _, proc in apps])

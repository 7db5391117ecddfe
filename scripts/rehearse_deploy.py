"""Rehearse the deployment guide (deploy/README.md) on this machine, as a new administrator follows it.

    python3 scripts/rehearse_deploy.py --this-machine-is-throwaway [--keep]

Run it as root on a fresh Debian 12 machine that may be changed and thrown away: it creates the user
`csr`, /opt/csr-dashboard, /etc/csr-dashboard, /var/lib/csr-dashboard, an nginx site on ports 80 and
443, and a PostgreSQL role and database, exactly as the guide does. It needs the test environment's
Python packages (oidc-provider-mock, playwright) and Debian's Chromium for the last step.

Every command block of the guide's sections 1-10 runs as written, in order, in bash with `set -e`, with
only these substitutions (each printed as it is made):
- `<the project's repository>` is this checkout (the guide's reader has the project's URL);
- the host name `csr.kommune.dk` is `localhost`, and the certificate the guide asks for is a self-signed
  one made here with openssl;
- the secrets file's placeholders are filled for a local OIDC provider (oidc-provider-mock, started here,
  standing in for Entra ID or Keycloak, with a user in the group `csr-hr`);
- the example dump name in the restore block is the dump written by the block before it;
- section 10's `[roles]` block replaces the secrets file's `[roles]`, and its national file
  (`/tmp/alle-kommuner.xlsx`) is written here: the test suite's national workbook (all 98 municipalities,
  eight years, tests/national_support.py).
On a machine without systemd as PID 1 (a container), `systemctl` is a stand-in put first on PATH that
starts and stops the units from the installed unit file (its User, Group, WorkingDirectory,
EnvironmentFile and ExecStart; without systemd's sandboxing, which `systemd-analyze` checks in the test
suite), reloads nginx, and starts PostgreSQL's cluster where the package's service would.

Then it checks what the guide promises, through nginx over HTTPS: both processes healthy, a browser that
logs in through the provider as *hr* and sees Overblik's headline, the login in the audit log on
PostgreSQL (`python -m csr audit --json` as the guide runs the app), and, after the guide's restore and
upgrade sections, the same again. After section 10 (several municipalities, the app as its own role under
row-level security, each user's municipality from the claim `kommunekode`): Haderslev's user logs in and sees
Haderslev's Overblik and its rank among the 98 on Landet, Aabenraa's user sees Aabenraa's, and each
municipality's audit log holds its own logins and not the other's. Without --keep it then removes what it made (not the apt packages).
Exit status 0 when every block ran and every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "deploy" / "README.md"
HOST = "localhost"
HR_USER: dict[str, Any] = {"sub": "hr-rehearsal", "name": "Hanne Rasmussen", "groups": ["csr-hr"], "kommunekode": "580"}
# Section 10's second municipality: its claim names it, as the guide's `municipality_claim` reads it.
HADERSLEV_USER: dict[str, Any] = {
    "sub": "haderslev-rehearsal",
    "name": "Hans Hviid",
    "groups": ["csr-hr"],
    "kommunekode": "Haderslev",
}
NATIONAL_FILE = "/tmp/alle-kommuner.xlsx"
LOGS = Path(tempfile.gettempdir()) / "csr-rehearsal-logs"  # kept after a run: the processes' and nginx's logs
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # a fresh machine's, no pyenv
# What each section's command blocks are, in order: "run" (bash), "env" / "secrets" (file contents the
# text says where to put), "sqlite" (the SQLite-store variant, not this deployment's).
BLOCKS = {
    1: ["run"],
    2: ["run"],
    3: ["run"],
    4: ["run"],
    5: ["env", "secrets", "run"],
    6: ["run"],
    7: ["run", "run"],
    8: ["run", "run", "sqlite"],
    9: ["run"],
    10: ["run", "run", "roles", "run", "run", "national", "run"],
}

SYSTEMCTL = r'''#!/usr/bin/env python3
"""systemctl's stand-in for a machine without systemd: the guide's units, nginx and PostgreSQL."""
import fnmatch, os, pwd, signal, subprocess, sys, time
from pathlib import Path
RUN = Path("/run/csr-rehearsal"); RUN.mkdir(exist_ok=True)
UNIT = Path("/etc/systemd/system/csr-dashboard@.service")

def unit(port):
    options, key = {}, None
    lines = UNIT.read_text().replace("\\\n", " ").splitlines()
    for line in lines:
        if "=" in line and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            options[k.strip()] = v.strip().replace("%i", port)
    return options

def start(name):
    if name == "nginx":
        return subprocess.call(["nginx"])
    port = name.removeprefix("csr-dashboard@").removesuffix(".service")
    pid = RUN / f"{port}.pid"
    if pid.exists() and Path(f"/proc/{pid.read_text()}").exists():
        return 0
    o = unit(port)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": pwd.getpwnam(o["User"]).pw_dir}
    for line in Path(o["EnvironmentFile"]).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1); env[k] = v
    log = open(f"/var/log/csr-dashboard-{port}.log", "a")
    proc = subprocess.Popen(["/usr/sbin/runuser", "-u", o["User"], "-g", o["Group"], "--", *o["ExecStart"].split()],
                            cwd=o["WorkingDirectory"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    pid.write_text(str(proc.pid))
    return 0

def stop(pattern):
    for pid in RUN.glob("*.pid"):
        if fnmatch.fnmatch(f"csr-dashboard@{pid.stem}", pattern.removesuffix(".service")):
            try:
                os.killpg(int(pid.read_text()), signal.SIGTERM)
                for _ in range(100):
                    os.killpg(int(pid.read_text()), 0); time.sleep(0.2)
            except ProcessLookupError:
                pass
            pid.unlink()
    return 0

def running(name):
    pid = RUN / f"{name.removeprefix('csr-dashboard@')}.pid"
    return pid.exists() and Path(f"/proc/{pid.read_text()}").exists()

args = [a for a in sys.argv[1:] if not a.startswith("-")]
verb, names = args[0], args[1:]
if verb == "daemon-reload":
    sys.exit(0)
if verb in ("start", "enable"):
    sys.exit(max([start(n) for n in names] or [0]) if verb == "start" or "--now" in sys.argv else 0)
if verb == "stop":
    sys.exit(max([stop(n) for n in names] or [0]))
if verb == "restart":
    sys.exit(max([max(stop(n), start(n)) for n in names] or [0]))
if verb == "reload" and names == ["nginx"]:
    up = subprocess.call(["pgrep", "-x", "nginx"], stdout=subprocess.DEVNULL) == 0
    sys.exit(subprocess.call(["nginx", "-s", "reload"] if up else ["nginx"]))
if verb == "status":
    down = [n for n in names if not running(n)]
    for n in names:
        print(f"{n}: {'inactive (dead)' if n in down else 'active (running)'}")
    sys.exit(3 if down else 0)
sys.exit(f"systemctl stand-in: {' '.join(sys.argv[1:])} is not something the guide does")
'''


def sections() -> dict[int, list[tuple[str, str]]]:
    """The guide's numbered sections: their fenced blocks as (info string, text)."""
    out: dict[int, list[tuple[str, str]]] = {}
    number = 0
    fence: list[str] | None = None
    info = ""
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (\d+)\. ", line)
        if heading and fence is None:
            number = int(heading.group(1))
            out[number] = []
        elif line.startswith("```") and fence is None:
            fence, info = [], line[3:].strip()
        elif line.startswith("```"):
            if number:
                out[number].append((info, "\n".join(fence or []) + "\n"))
            fence = None
        elif fence is not None:
            fence.append(line)
    return out


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def bash(script: str, env: dict[str, str]) -> None:
    print(textwrap.indent(script.rstrip(), "   $ "), flush=True)
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], check=True, env=env, cwd="/")


def substitute(text: str, old: str, new: str) -> str:
    if old not in text:
        sys.exit(f"the guide no longer has {old!r}: bring the rehearsal in step with deploy/README.md")
    print(f"   (substituted {old!r} with {new!r})")
    return text.replace(old, new)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def systemd_runs() -> bool:
    try:
        state = subprocess.run(["systemctl", "is-system-running"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return state.stdout.strip() in ("running", "degraded", "starting")


def wait_healthy(url: str, seconds: float = 90, context: object = None) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5, context=context) as response:  # type: ignore[arg-type]
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def start_provider(log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in (HR_USER, HADERSLEV_USER):
        args += ["--user-claims", json.dumps(user)]
    proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_healthy(f"{url}/.well-known/openid-configuration", 30)
    return proc, url


def check_through_nginx(env: dict[str, str], when: str) -> None:
    """Both processes healthy, nginx's HTTPS in front, a login as hr in a browser, the login in the log."""
    import ssl

    from playwright.sync_api import sync_playwright

    say(f"checks {when}")
    for port in (8501, 8502):
        assert wait_healthy(f"http://127.0.0.1:{port}/_stcore/health") == "ok", port
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    assert wait_healthy(f"https://{HOST}/_stcore/health", context=insecure) == "ok"
    print("   both processes and nginx's HTTPS answer ok")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        log_in(browser, HR_USER, lambda page: page.get_by_text("mål nået").first.wait_for(timeout=60_000))
        print(f"   logged in through the provider as {HR_USER['name']} (hr); Overblik's headline is drawn")
        browser.close()
    logins = audit_logins(env, HR_USER["name"])
    assert logins, logins
    print(f"   the audit log on PostgreSQL holds {len(logins)} login(s) of {HR_USER['name']}")


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
BROWSER_ARGS += ["--disable-sync", "--no-first-run"]


def log_in(browser: object, user: dict, then: Callable[[Any], object]) -> None:
    """A new browser context logs in through nginx and the provider as `user`; `then(page)` checks the page."""
    page = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 900}).new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"https://{HOST}/", timeout=60_000)
        page.get_by_role("button", name="Log ind").click(timeout=60_000)
        page.wait_for_selector('input[name="sub"]', timeout=60_000)
        page.locator('input[name="sub"]').fill(user["sub"])
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"https://{HOST}/**", timeout=60_000)
        page.get_by_role("button", name="Log ud").wait_for(timeout=60_000)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert user["name"] in sidebar and "hr" in sidebar, sidebar
        then(page)
    except Exception:
        LOGS.mkdir(exist_ok=True)
        page.screenshot(path=str(LOGS / "browser.png"), full_page=True)
        print(f"   the browser was at {page.url}; its screen is in {LOGS / 'browser.png'}")
        raise
    page.context.close()


def audit_logins(env: dict[str, str], who: str, municipality: str | None = None) -> list[dict]:
    """The logins of `who` in the audit log, as the guide runs the command line (as one municipality)."""
    option = f"--municipality {municipality} " if municipality else ""
    audit = subprocess.run(
        ["runuser", "-u", "csr", "--", "sh", "-c",
         f"set -a; . /etc/csr-dashboard/env; exec .venv/bin/python -m csr {option}audit --json"],
        cwd="/opt/csr-dashboard", capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return [e for e in json.loads(audit.stdout) if e.get("event") == "login" and e.get("who") == who]


def check_shared_host(env: dict[str, str]) -> None:
    """After section 10: the app as `csr_app` under row-level security, each user in their own municipality."""
    from playwright.sync_api import sync_playwright

    say("checks after section 10 (several municipalities on one host)")
    owner = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-d", "csr", "-Atc",
         "SELECT rolname FROM pg_roles r JOIN pg_class c ON c.relowner = r.oid WHERE c.relname = 'data'"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert owner.stdout.strip() == "csr", owner.stdout
    assert "csr_app:" in Path("/etc/csr-dashboard/env").read_text()
    print("   the tables are csr's; the app's processes connect as csr_app")

    def haderslev(page: Any) -> None:
        page.get_by_text("Haderslev Kommune").first.wait_for(timeout=60_000)
        page.get_by_text("mål nået").first.wait_for(timeout=60_000)
        page.goto(f"https://{HOST}/landet", timeout=60_000)
        page.get_by_text(re.compile(r"Haderslev er nr\. \d+ af 98")).first.wait_for(timeout=60_000)

    def aabenraa(page: Any) -> None:
        page.get_by_text("mål nået").first.wait_for(timeout=60_000)
        assert "Haderslev Kommune" not in page.locator('[data-testid="stSidebar"]').inner_text()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        log_in(browser, HADERSLEV_USER, haderslev)
        print(f"   {HADERSLEV_USER['name']} (Haderslev) sees Haderslev's Overblik and its rank among 98 on Landet")
        log_in(browser, HR_USER, aabenraa)
        print(f"   {HR_USER['name']} (Aabenraa) sees Aabenraa's Overblik")
        browser.close()
    assert audit_logins(env, HADERSLEV_USER["name"], "Haderslev"), "Haderslev's login is in Haderslev's log"
    assert not audit_logins(env, HR_USER["name"], "Haderslev"), "Aabenraa's logins are not in Haderslev's log"
    assert audit_logins(env, HR_USER["name"], "Aabenraa"), "Aabenraa's logins are in Aabenraa's log"
    assert not audit_logins(env, HADERSLEV_USER["name"], "Aabenraa"), "Haderslev's login is not in Aabenraa's"
    print("   each municipality's audit log holds its own logins and none of the other's")


def clean(env: dict[str, str]) -> None:
    LOGS.mkdir(exist_ok=True)
    for log in [*Path("/var/log").glob("csr-dashboard-*.log"), Path("/var/log/nginx/error.log")]:
        if log.exists():
            shutil.copy(log, LOGS / log.name)
    say(f"removing what the rehearsal made (its logs are kept in {LOGS})")
    script = """
    systemctl stop 'csr-dashboard@*' || true
    nginx -s stop 2>/dev/null || true
    runuser -u postgres -- dropdb --if-exists csr || true
    runuser -u postgres -- psql -qc 'DROP ROLE IF EXISTS csr_app' || true
    runuser -u postgres -- psql -qc 'DROP ROLE IF EXISTS csr' || true
    rm -f /tmp/alle-kommuner.xlsx /tmp/haderslev.toml
    rm -f /etc/nginx/sites-enabled/csr-dashboard /etc/nginx/sites-available/csr-dashboard
    rm -f /etc/nginx/snippets/csr-locations.conf /etc/systemd/system/csr-dashboard@.service
    [ -e /etc/nginx/sites-enabled/default ] || ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/
    rm -rf /opt/csr-dashboard /etc/csr-dashboard /var/lib/csr-dashboard /etc/ssl/csr-dashboard
    rm -rf /var/backups/csr; rm -f /var/log/csr-dashboard-*.log
    id csr >/dev/null 2>&1 && deluser --quiet --system csr || true
    getent group csr >/dev/null && delgroup --quiet --system csr || true
    """
    bash(textwrap.dedent(script), env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--this-machine-is-throwaway", action="store_true", required=True)
    parser.add_argument("--keep", action="store_true", help="leave the deployment running")
    parser.add_argument(
        "--from",
        dest="from_rev",
        metavar="REV",
        help="install this earlier commit first, so that section 9's `git pull` upgrades it to this checkout's"
        " branch across its migrations",
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run it as root, as the guide is followed")
    if Path("/opt/csr-dashboard").exists():
        sys.exit("/opt/csr-dashboard exists: this is not a fresh machine")
    guide = sections()
    counts = {n: len(blocks) for n, blocks in guide.items()}
    if counts != {n: len(kinds) for n, kinds in BLOCKS.items()}:
        sys.exit(f"the guide's blocks changed ({counts}): bring BLOCKS in step with deploy/README.md")

    work = Path(tempfile.mkdtemp(prefix="csr-rehearsal-"))
    env = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
    for key in ("PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK"):
        if key in os.environ:  # how this machine reaches the package registry
            env[key] = os.environ[key]
    if not systemd_runs():
        say("no systemd as PID 1: systemctl is a stand-in (see this script's docstring)")
        (work / "bin").mkdir()
        (work / "bin" / "systemctl").write_text(SYSTEMCTL)
        (work / "bin" / "systemctl").chmod(0o755)
        env["PATH"] = f"{work / 'bin'}:{PATH}"
    LOGS.mkdir(exist_ok=True)
    provider, provider_url = start_provider(LOGS / "provider.log")
    ok = False
    try:
        for number in sorted(guide):
            dump = ""
            for kind, (_, text) in zip(BLOCKS[number], guide[number], strict=True):
                if kind == "run":
                    say(f"section {number}")
                    if number == 1:
                        bash(text, env)
                        if not systemd_runs():
                            say("PostgreSQL's cluster, which the package's service starts on a machine with systemd")
                            bash("pg_ctlcluster 15 main start || pg_ctlcluster 15 main status", env)
                        continue
                    if number == 3:
                        text = substitute(text, "<the project's repository>", str(ROOT))
                        if args.from_rev:  # the earlier release is installed; section 9 upgrades it
                            here = "cd /opt/csr-dashboard\n"
                            text = substitute(text, here, f"{here}git reset -q --hard {args.from_rev}\n")
                    if number == 7 and "nginx -t" in text:
                        site = Path("/etc/nginx/sites-available/csr-dashboard")
                        site.write_text(substitute(site.read_text(), "csr.kommune.dk", HOST))
                        say("a self-signed certificate where the site file says")
                        bash(
                            "install -d -m 0755 /etc/ssl/csr-dashboard && openssl req -x509 -newkey rsa:2048 -nodes"
                            " -days 2 -subj /CN=localhost -keyout /etc/ssl/csr-dashboard/privkey.pem"
                            " -out /etc/ssl/csr-dashboard/fullchain.pem 2>/dev/null"
                            " && chmod 0600 /etc/ssl/csr-dashboard/privkey.pem",
                            env,
                        )
                    if number == 10 and "psql -c" in text:
                        say("section 10 as written (the app's role and its password)")
                    if number == 8 and "pg_restore" in text:
                        example = re.search(r"/var/backups/csr/csr-\d{4}-\d\d-\d\d\.dump", text)
                        assert example and dump, "the restore block names a dump the block before wrote"
                        text = substitute(text, example.group(0), dump)
                    bash(text, env)
                    if number == 8 and "pg_dump" in text:
                        written = re.search(r"pg_dump -Fc -f (.+) csr$", text.strip())
                        assert written, text
                        dump = written.group(1).replace("$(date +%F)", time.strftime("%F"))
                        assert Path(dump).read_bytes()[:5] == b"PGDMP", dump
                elif kind == "env":
                    say(f"section {number}: /etc/csr-dashboard/env as the guide shows it")
                    Path("/etc/csr-dashboard/env").write_text(text)
                    bash("chown root:csr /etc/csr-dashboard/env && chmod 0640 /etc/csr-dashboard/env", env)
                elif kind == "secrets":
                    say(f"section {number}: the secrets file, its placeholders filled for the local provider")
                    filled = substitute(text, "https://csr.kommune.dk/oauth2callback", f"https://{HOST}/oauth2callback")
                    filled = re.sub(r'cookie_secret = "…"', f'cookie_secret = "{secrets.token_urlsafe(48)}"', filled)
                    filled = re.sub(r'client_secret = "…"', 'client_secret = "rehearsal-secret"', filled)
                    filled = re.sub(
                        r'server_metadata_url = "…"',
                        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"',
                        filled,
                    )
                    assert "…" not in filled.split("#")[0], filled
                    target = Path("/opt/csr-dashboard/.streamlit/secrets.toml")
                    target.write_text(filled)
                    bash(f"chown root:csr {target} && chmod 0640 {target}", env)
                elif kind == "roles":
                    say(f"section {number}: the [roles] block in place of the secrets file's [roles]")
                    target = Path("/opt/csr-dashboard/.streamlit/secrets.toml")
                    current = target.read_text()
                    assert "\n[roles]\n" in current, current
                    target.write_text(current[: current.index("\n[roles]\n") + 1] + text)
                elif kind == "national":
                    say(
                        f"section {number}: the national file {NATIONAL_FILE} (the test suite's workbook), then the block"
                    )
                    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
                    from national_support import national_workbook

                    Path(NATIONAL_FILE).write_bytes(national_workbook())
                    Path(NATIONAL_FILE).chmod(0o644)
                    bash(text, env)
                elif kind == "sqlite":
                    print(
                        f"\n== section {number}: the SQLite variant is not this deployment's (tests/test_deploy_backup.py)"
                    )
                else:
                    sys.exit(f"no such kind of block: {kind}")
            if number == 7:
                check_through_nginx(env, "after section 7 (the deployment)")
            if number == 9:
                check_through_nginx(env, "after sections 8 and 9 (restore and upgrade)")
        check_shared_host(env)
        revision = subprocess.run(
            ["runuser", "-u", "csr", "--", "sh", "-c",
             "set -a; . /etc/csr-dashboard/env; exec .venv/bin/python -m csr db current"],
            cwd="/opt/csr-dashboard", capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        head = sorted(p.name[:4] for p in (ROOT / "csr" / "migrations" / "versions").glob("0*.py"))[-1]
        assert head in revision.stdout, revision.stdout
        print(f"   the database is at this checkout's last migration, {head}: {revision.stdout.strip()}")
        ok = True
    finally:
        provider.terminate()
        provider.wait(10)
        if not args.keep:
            clean(env)
        shutil.rmtree(work, ignore_errors=True)
    say("the guide ran as written and every check passed" if ok else "the rehearsal failed (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

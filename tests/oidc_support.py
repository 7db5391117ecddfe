"""What the login tests share: a real local OIDC provider (`oidc-provider-mock`) with users and their group
claims, a secrets file for `st.login` that points at it, a `streamlit run app.py` server that reads that
file (`--secrets.files`), and the provider's own login form filled in a browser."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, free_port, serve, stop

ROLES_TOML = """
[roles]
claim = "groups"
laeser = ["csr-laeser"]
hr = ["csr-hr"]
planlaegger = ["csr-planlaegger"]
administrator = ["csr-admin"]
"""


def _provider_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2) as response:
            return json.load(response).get("issuer") == url
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def provider(users: Sequence[dict], log_name: str = "oidc_provider.log") -> Iterator[str]:
    """oidc-provider-mock on a free loopback port with these users (each a dict of claims with "sub"),
    until the block ends; stopped by its PID. Yields its URL (also its issuer)."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        args += ["--user-claims", json.dumps(user)]
    with open(ARTIFACTS / log_name, "w") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while not _provider_up(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oidc-provider-mock did not start; see {ARTIFACTS / log_name}")
                time.sleep(0.2)
            yield url
        finally:
            stop(proc)


def write_secrets(path: Path, provider_url: str, app_url: str) -> Path:
    """A secrets file as the README shows it, for this provider and this app."""
    path.write_text(
        f"""[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"
client_id = "csr-dashboard"
client_secret = "csr-test-secret"
server_metadata_url = "{provider_url}/.well-known/openid-configuration"
{ROLES_TOML}""",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def serve_with_login(
    users: Sequence[dict], tmp_path: Path, log_name: str = "streamlit_login.log"
) -> Iterator[tuple[str, Path]]:
    """The provider and `streamlit run app.py` with its own secrets file and store, on free loopback
    ports; both stopped by their PIDs. Yields the app's URL and its store directory."""
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "lager"
    with provider(users) as provider_url:
        secrets = write_secrets(tmp_path / "secrets.toml", provider_url, app_url)
        env = {k: v for k, v in os.environ.items() if k != "CSR_ALLOW_ANONYMOUS"}
        with serve(log_name, data_dir, port=port, env=env, args=["--secrets.files", str(secrets)]):
            yield app_url, data_dir


def log_in(page, app_url: str, sub: str) -> None:
    """Press "Log ind" on the app, give the provider's form the user's subject, press "Authorize", and wait
    until the app is back with the user logged in ("Log ud" in the sidebar, or the page without a role)."""
    page.goto(app_url)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_selector('input[name="sub"]')
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")
    page.get_by_role("button", name="Log ud").wait_for()

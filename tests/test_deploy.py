"""The deployment folder: nginx's configuration as nginx itself reads it, the upload limit equal to the app's,
the systemd unit as systemd reads it. The proxy's behaviour is in test_deploy_proxy.py, the guide's backup
commands in test_deploy_backup.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from nginx_support import (
    LOCATIONS_CONF,
    MIB,
    NGINX,
    NGINX_MARKS,
    ROOT,
    SITE_CONF,
    SYSTEMD_UNIT,
    app_upload_limit_bytes,
    directive_values,
    http_blocks_for_test,
    size_in_bytes,
    top_level,
)

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


@pytest.mark.skipif(
    shutil.which("openssl") is None and not os.environ.get("CI"), reason="openssl is needed for a throwaway certificate"
)
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


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None and not os.environ.get("CI"), reason="systemd-analyze is not installed"
)
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


def _runtime_closure() -> set[str]:
    """The distributions the app's own dependencies (pyproject's `dependencies`, with their extras) pull in,
    resolved through the installed packages' metadata: what `pip install -r requirements.txt` installs."""
    import importlib.metadata as metadata
    import tomllib

    from packaging.requirements import Requirement

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(r) for r in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        key = canonical(requirement.name)
        for extra in requirement.extras:
            seen.add(f"{key}[{extra}]")
        if key in seen and not requirement.extras:
            continue
        seen.add(key)
        for text in metadata.requires(requirement.name) or []:
            nested = Requirement(text)
            wanted = [{"extra": e} for e in requirement.extras] or [{"extra": ""}]
            if nested.marker is None or any(nested.marker.evaluate(w) for w in wanted):
                todo.append(nested)
    return seen


def test_the_apps_own_dependencies_hold_what_the_login_imports():
    """st.login imports Authlib's Starlette client, which imports httpx. The test environment had httpx
    from oidc-provider-mock, so only a deployment from requirements.txt (the rehearsal of deploy/README.md)
    found it missing: the login failed with ModuleNotFoundError. Streamlit's `auth` extra declares both."""
    import importlib.metadata as metadata

    from packaging.requirements import Requirement

    closure = _runtime_closure()
    auth_extra = [
        Requirement(r).name.lower()
        for r in metadata.requires("streamlit") or []
        if Requirement(r).marker is not None and Requirement(r).marker.evaluate({"extra": "auth"})
        and not Requirement(r).marker.evaluate({"extra": ""})
    ]  # fmt: skip
    assert {"authlib", "httpx"} <= set(auth_extra)
    assert set(auth_extra) <= closure, sorted(set(auth_extra) - closure)
    for name in ("sqlalchemy", "psycopg", "alembic", "streamlit"):
        assert name in closure


def test_the_rehearsal_knows_every_block_of_the_guide_and_what_section_10_substitutes():
    """scripts/rehearse_deploy.py runs the guide's blocks by their kinds (BLOCKS): a block added to or taken from
    deploy/README.md without the rehearsal in step would stop it on the throwaway machine, not here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("rehearse_deploy", ROOT / "scripts" / "rehearse_deploy.py")
    assert spec is not None and spec.loader is not None
    rehearsal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rehearsal)
    guide = rehearsal.sections()
    assert {n: len(blocks) for n, blocks in guide.items()} == {n: len(k) for n, k in rehearsal.BLOCKS.items()}
    shared = dict(zip(rehearsal.BLOCKS[10], [text for _, text in guide[10]], strict=False))
    assert shared["roles"].startswith("[roles]\n") and 'municipality_claim = "kommunekode"' in shared["roles"]
    assert rehearsal.NATIONAL_FILE in shared["national"] and "--municipality host import" in shared["national"]
    # The users of the rehearsal's provider carry the claim the [roles] block names, once as a code, once a name.
    assert {rehearsal.HR_USER["kommunekode"], rehearsal.HADERSLEV_USER["kommunekode"]} == {"580", "Haderslev"}

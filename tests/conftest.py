"""Shared fixtures: the configuration and the figures of the sample data, computed once per session; for the
browser tests a server and Debian's Chromium per module (tests/browser_support.py)."""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# In CI the property tests replay the same examples every run (derandomized), so a submission's result does not
# depend on the draw; on a developer's machine every run draws new examples and keeps exploring.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
SAMPLE_DATA = ROOT / "sample_data"

# The fast tier (`pytest -m "not slow"`) leaves out what goes through a process, a page or a browser:
# whole modules of page (AppTest), command-line and store-process tests, and elsewhere every test whose
# own code starts a page, a process or generated examples.
SLOW_MODULES = {
    "test_app",
    "test_as_of",
    "test_cli",
    "test_cli_hostile",
    "test_data_page",
    "test_export",
    "test_fuzz_importers",
    "test_hostile_output",
    "test_mapping",
    "test_markdown_escape",
    "test_planning_page",
    "test_plausibility_pages",
    "test_store",
    "test_store_read_only",
    "test_upload_names",
    "test_importers_national",
}
_SLOW_CODE = re.compile(
    r"AppTest|subprocess|sys\.executable|@given|_cli\(|run_cli|Process\(|spawn|_in_threads|Thread\("
)
_SLOW_FIXTURES = {"start_method"}  # guarded children, once per start method


def _is_slow(item: pytest.Item) -> bool:
    if item.get_closest_marker("browser") or item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
        return True
    if _SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    return _starts_something(item.function, item.module)


def _starts_something(function: object, module: object, depth: int = 2) -> bool:
    """The function's own code, or a helper of its module that it calls (two levels down), starts a page,
    a process, threads or generated examples."""
    try:
        code = inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False
    if _SLOW_CODE.search(code):
        return True
    if depth == 0:
        return False
    names = getattr(getattr(function, "__code__", None), "co_names", ())
    helpers = (getattr(module, n, None) for n in names)
    return any(
        inspect.isfunction(h)
        and h.__module__ == getattr(module, "__name__", None)
        and _starts_something(h, module, depth - 1)
        for h in helpers
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.Function) and _is_slow(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def config():
    from csr.config import default_config

    return default_config()


@pytest.fixture(scope="session")
def sample_import(config):
    """The sample files imported (an `ImportResult`)."""
    from csr.importers import import_files

    return import_files(sorted(p for p in SAMPLE_DATA.iterdir() if p.suffix in (".xlsx", ".csv")), config)


@pytest.fixture(scope="session")
def sample_figures(config, sample_import):
    """`csr.shares.compute` over the sample data with the configured neighbour method."""
    from csr.shares import compute

    return compute(sample_import.data, sample_import.placements, config)


@pytest.fixture(scope="session", autouse=True)
def _temporary_store(tmp_path_factory):
    """No test reads or writes ./data or a database named in the environment: the app's store lives in a
    temporary folder (also for servers the tests start, which inherit the environment); the tests that use
    PostgreSQL give it their own database."""
    import os

    old = os.environ.get("CSR_DATA_DIR")
    old_url = os.environ.pop("CSR_DATABASE_URL", None)
    old_municipality = os.environ.pop("CSR_MUNICIPALITY", None)
    os.environ["CSR_DATA_DIR"] = str(tmp_path_factory.mktemp("csr_store"))
    yield
    if old is None:
        os.environ.pop("CSR_DATA_DIR", None)
    else:
        os.environ["CSR_DATA_DIR"] = old
    if old_url is not None:
        os.environ["CSR_DATABASE_URL"] = old_url
    if old_municipality is not None:
        os.environ["CSR_MUNICIPALITY"] = old_municipality


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A store of the test's own (`CSR_DATA_DIR`, empty: the pages show the sample data), in local mode unless the
    test sets up login: anonymous access from the network is not allowed."""
    directory = tmp_path / "lager"
    monkeypatch.setenv("CSR_DATA_DIR", str(directory))
    monkeypatch.delenv("CSR_ALLOW_ANONYMOUS", raising=False)
    return directory


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """`streamlit run app.py` for one module's browser tests, with a store of its own (empty: the sample
    data) and its log in test-artifacts/streamlit-<module>.log; stopped when the module is done."""
    from browser_support import serve

    name = request.module.__name__.rsplit(".", 1)[-1]
    with serve(f"streamlit-{name}.log", data_dir=tmp_path_factory.mktemp("store")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per module (`browser_support.chromium`)."""
    from browser_support import chromium

    with chromium() as launched:
        yield launched

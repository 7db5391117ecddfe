"""Shared fixtures: the configuration and the figures of the sample data, computed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = ROOT / "sample_data"


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

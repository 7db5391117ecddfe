"""The data the pages show, cached over plain arguments (a digest of the files and the method).

For now the app shows the sample data in `sample_data/`; a persistent store for real uploads can
replace `current_uploads` without the pages noticing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from csr.config import default_config
from csr.importers import import_uploads
from csr.model import Finding, ImportResult, InputError, SheetSummary
from csr.shares import Figures, compute

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SPREADSHEETS = (".xlsx", ".xls", ".csv")

Uploads = Sequence[tuple[str, bytes]]
_SESSION_DATASETS = "_datasets"


@dataclass(frozen=True)
class Dataset:
    """Everything a page shows, computed from one set of files with one neighbour method."""

    figures: Figures
    sheets: tuple[SheetSummary, ...]
    findings: tuple[Finding, ...]
    sample: bool
    key: str  # the files' digest and the method: names everything computed from them

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "advarsel"]


def sample_uploads() -> tuple[tuple[str, bytes], ...]:
    """The sample files as (name, bytes), in name order."""
    paths = sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in SPREADSHEETS)
    return tuple((p.name, p.read_bytes()) for p in paths)


def current_uploads() -> tuple[tuple[tuple[str, bytes], ...], bool]:
    """The files the app shows and whether they are the sample data (a store will plug in here)."""
    return sample_uploads(), True


def digest(uploads: Uploads) -> str:
    h = hashlib.sha256()
    for name, data in uploads:
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


@st.cache_data(max_entries=4, show_spinner="Læser filerne …")
def _imported(files: str, _uploads: Uploads) -> ImportResult:
    return import_uploads(_uploads, default_config())


@st.cache_data(max_entries=8, show_spinner="Beregner andele …")
def _computed(files: str, method: str, _uploads: Uploads) -> tuple[Figures | None, tuple, tuple]:
    result = _imported(files, _uploads)
    if result.errors:
        return None, tuple(result.sheets), tuple(result.findings)
    figures = compute(result.data, result.placements, default_config(), method)
    return figures, tuple(result.sheets), tuple(result.findings)


def load_figures(method: str | None = None, uploads: Uploads | None = None) -> Dataset:
    """The figures for the current files (or `uploads`) with the given neighbour method.

    Raises `InputError` with the importer's Danish findings when the files cannot be used.
    """
    config = default_config()
    method = method or config.neighbour_method
    sample = uploads is None
    if uploads is None:
        uploads, sample = current_uploads()
    files = digest(uploads)
    key = f"{files}:{method}"
    # The session keeps the datasets it has used, so a rerun does not even unpickle the cached figures.
    seen = st.session_state.setdefault(_SESSION_DATASETS, {})
    if key in seen:
        return seen[key]
    figures, sheets, findings = _computed(files, method, uploads)
    if figures is None:
        raise InputError([f for f in findings if f.severity == "fejl"])
    if not figures.home_years(config):
        raise InputError(f"Filerne indeholder ingen tal for {config.home_name} med antal ansatte, så der kan "
                         "ikke beregnes andele.")
    if len(seen) >= 4:
        seen.clear()
    seen[key] = Dataset(figures, sheets, findings, sample, key)
    return seen[key]

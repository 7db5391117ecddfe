"""The data the pages show: what is in the store (`csr.store`), or the sample data while it is empty.

Every page calls `load_figures()`. It asks the store for its version (one small read) and returns the
figures computed for that version, cached over plain arguments: the store's identity (its folder, or its
database URL with the password hidden: `Store.identity`), its version and the neighbour method. The
location the cached functions open the store with, which may hold the database password, is passed
unhashed (`_location`), so no cache key and no session state key is made from the password. An import
or an undo in any process changes the version, so every page shows the new data on its next run;
`forget()` drops what this process holds at once.

`imported()` runs the importer on uploads, cached on the files' digest (the Data page's preview and
the sample data both use it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from csr import text
from csr.config import default_config
from csr.fmt import files_digest, period_keys
from csr.importers import import_uploads
from csr.importers.cells import format_period
from csr.importers.safety import QUEUED_MESSAGE, limit_malloc_arenas, on_queue, release_memory
from csr.model import Finding, ImportResult, InputError, SheetSummary
from csr.shares import Figures, compute
from csr.store import Store, StoreError
from ui import auth
from ui.settings import config_in_force, settings_key

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SPREADSHEETS = (".xlsx", ".xls", ".csv")

Uploads = Sequence[tuple[str, bytes]]
_SESSION_DATASETS = "_datasets"

limit_malloc_arenas()  # the server's memory returns near its baseline after a large upload (see csr.importers.safety)


@dataclass(frozen=True)
class Dataset:
    """Everything a page shows, computed from one set of data with one neighbour method."""

    figures: Figures
    sheets: tuple[SheetSummary, ...]
    findings: tuple[Finding, ...]
    sample: bool
    key: str  # the store's version (or the files' digest) and the method: names everything computed from them
    as_of: str | None = None  # "Data pr. … (import nr. 3)" for stored data (`csr.text.data_as_of`)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "advarsel"]


def sample_uploads() -> tuple[tuple[str, bytes], ...]:
    """The sample files as (name, bytes), in name order."""
    paths = sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in SPREADSHEETS)
    return tuple((p.name, p.read_bytes()) for p in paths)


def sample_home() -> int:
    """The municipality the sample data are of: the strategy file's home."""
    return default_config().home


digest = files_digest  # the data version of a set of files (`csr.fmt.files_digest`, as the report's)


def store() -> Store:
    """This session's store (`ui.auth.store`: the user's municipality's on a shared host, else `$CSR_DATA_DIR`
    or ./data, or `$CSR_DATABASE_URL`); raises StoreError with a Danish sentence."""
    return auth.store()


@st.cache_data(max_entries=4, show_spinner="Læser filerne …")
def _imported(files: str, _uploads: Uploads) -> ImportResult:
    return import_uploads(_uploads, config_in_force())


def imported(uploads: Uploads) -> ImportResult:
    """The importer's result for these files (checked, parsed in a guarded child process, validated).
    While the parse waits for other users' files, the page says so."""
    with queue_notice():
        result = _imported(digest(uploads) + settings_key(), uploads)  # the home's code is booked on the rows
    release_memory()  # the parse's garbage goes back to the system, not only to malloc
    return result


@contextmanager
def queue_notice() -> Iterator[None]:
    """Within the block, a parse that waits for a free place shows QUEUED_MESSAGE until the block ends."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    context = get_script_run_ctx()
    if context is None:  # not in a script run (e.g. a download's data function): nothing to draw on
        yield
        return
    shown: list = []

    def draw() -> None:
        shown.append(st.info(QUEUED_MESSAGE, icon="⏳"))

    def show() -> None:
        # Called inside the cached parse: drawn from a helper thread, so st.cache_data does not record the
        # notice (it would replay it on later runs, into a page that does not wait).
        thread = threading.Thread(target=draw)
        add_script_run_ctx(thread, context)
        thread.start()
        thread.join()

    try:
        with on_queue(show):
            yield
    finally:
        for element in shown:
            element.empty()


@st.cache_data(max_entries=8, show_spinner="Beregner andele …")
def _computed(files: str, method: str, _uploads: Uploads) -> tuple[Figures | None, tuple, tuple]:
    result = _imported(files, _uploads)
    if result.errors:
        return None, tuple(result.sheets), tuple(result.findings)
    figures = compute(result.data, result.placements, config_in_force(), method)
    return figures, tuple(result.sheets), tuple(result.findings)


@st.cache_data(max_entries=2, show_spinner="Henter de indlæste tal …")
def _snapshot(
    identity: str, version: str, _db: Store
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[SheetSummary, ...], str | None] | None:
    """What is in force in the store (None while it is empty), with a summary per file and sheet and the
    data's as-of sentence. `identity` (the store with its municipality) and `version` only name the cache
    entry (a new version is a new entry); `_db` (not hashed: a database URL holds its password) is read."""
    snap = _db.snapshot()
    if snap.empty:
        return None
    history = _db.history()
    sheets = stored_sheets(snap.data, snap.placements, _batches_by_file(_db, history))
    return snap.data, snap.placements, sheets, text.data_as_of(history)


@st.cache_data(max_entries=8, show_spinner="Beregner andele …")
def _stored(
    identity: str, version: str, method: str, _db: Store
) -> tuple[Figures, tuple[SheetSummary, ...], str | None] | None:
    stored = _snapshot(identity, version, _db)
    if stored is None:
        return None
    data, placements, sheets, as_of = stored
    return compute(data, placements, config_in_force(), method), sheets, as_of


def _batches_by_file(db: Store, history: pd.DataFrame) -> dict[str, int]:
    """File name -> the newest active import holding a file of that name (`history`: `db.history()`)."""
    found: dict[str, int] = {}
    for batch in history.loc[history["status"] == "aktiv", "batch"]:  # newest first
        for f in db.batch(int(batch)).files:
            found.setdefault(f.name, int(batch))
    return found


def stored_sheets(
    data: pd.DataFrame, placements: pd.DataFrame, batches: dict[str, int] | None = None
) -> tuple[SheetSummary, ...]:
    """What the data in force came from, per file and sheet, from the canonical tables' provenance
    columns (the "Datagrundlag" of stored data): rows, municipalities, schemes and first/last period."""
    batches = batches or {}
    out: dict[tuple[str, str], SheetSummary] = {}
    if len(data):
        key = period_keys(data["year"].to_numpy(), data["period"].to_numpy(), data["index"].to_numpy())
        frame = data[["file", "sheet", "municipality", "scheme", "year", "period", "index"]].assign(_key=key)
        for (file, sheet), group in frame.groupby(["file", "sheet"], sort=False):
            first = group.iloc[int(group["_key"].to_numpy().argmin())]
            last = group.iloc[int(group["_key"].to_numpy().argmax())]
            out[(file, sheet)] = SheetSummary(
                file=file,
                sheet=sheet,
                shape=_origin(file, batches),
                rows=len(group),
                municipalities=tuple(sorted(pd.unique(group["municipality"]))),
                schemes=tuple(sorted(pd.unique(group["scheme"]))),
                first_period=format_period(int(first["year"]), first["period"], int(first["index"])),
                last_period=format_period(int(last["year"]), last["period"], int(last["index"])),
            )
    if len(placements):
        for (file, sheet), rows in placements.groupby(["file", "sheet"], sort=False).size().items():
            if (file, sheet) in out:
                s = out[(file, sheet)]
                out[(file, sheet)] = SheetSummary(
                    s.file,
                    s.sheet,
                    s.shape,
                    s.rows + int(rows),
                    s.municipalities,
                    s.schemes,
                    s.first_period,
                    s.last_period,
                )
            else:
                out[(file, sheet)] = SheetSummary(file, sheet, f"praktikpladser, {_origin(file, batches)}", int(rows))
    return tuple(out.values())


def _origin(file: str, batches: dict[str, int]) -> str:
    return f"import nr. {batches[file]}" if file in batches else "indlæst"


def forget() -> None:
    """Drop what this process and session hold of the stored data (after an import or an undo)."""
    _snapshot.clear()
    _stored.clear()
    st.session_state.pop(_SESSION_DATASETS, None)
    auth.forget_version()


def _remember(key: str, dataset: Dataset) -> Dataset:
    seen = st.session_state.setdefault(_SESSION_DATASETS, {})
    if len(seen) >= 8:
        seen.clear()
    seen[key] = dataset
    return dataset


def _from_uploads(uploads: Uploads, method: str, sample: bool) -> Dataset:
    config = config_in_force()
    files = digest(uploads) + settings_key()  # the files' figures depend on the settings in force too
    figures, sheets, findings = _computed(files, method, uploads)
    if figures is None:
        raise InputError([f for f in findings if f.severity == "fejl"])
    if not figures.home_years(config):
        raise InputError(
            f"Filerne indeholder ingen tal for {config.home_name} med antal ansatte, så der kan ikke beregnes andele."
        )
    return Dataset(figures, sheets, findings, sample, f"{files}:{method}")


def load_figures(method: str | None = None, uploads: Uploads | None = None) -> Dataset:
    """The figures of the data in force (or of `uploads`) with the given neighbour method.

    The sample data while the store is empty (`Dataset.sample`). Raises `InputError` with Danish
    findings when the data cannot be used, `StoreError` when the store cannot be read.
    """
    config = config_in_force()
    method = method or config.neighbour_method
    # The session keeps the datasets it has used, so a rerun does not even unpickle the cached figures.
    seen = st.session_state.setdefault(_SESSION_DATASETS, {})
    if uploads is not None:
        key = f"{digest(uploads)}{settings_key()}:{method}"
        return seen[key] if key in seen else _remember(key, _from_uploads(uploads, method, sample=False))
    # The store and its version are this run's (`ui.auth`, once per run): the frame and the page both ask.
    db = store()
    version = auth.store_version()
    key = f"{db.identity}|{version}|{method}"
    if key in seen:
        return seen[key]
    stored = _stored(db.identity, version, method, db)
    if stored is None:
        if db.fixed_home is not None and db.fixed_home != sample_home():
            # A municipality of a shared host starts empty: the sample data are another municipality's figures.
            raise StoreError(
                f"Der er endnu ingen tal for {config.home_name}. En bruger med rollen hr indlæser dem på siden Data."
            )
        return _remember(key, _from_uploads(sample_uploads(), method, sample=True))
    figures, sheets, as_of = stored
    if not figures.home_years(config):
        raise StoreError(
            f"De indlæste tal indeholder ingen tal for {config.home_name} med antal ansatte, så der "
            "kan ikke beregnes andele. Indlæs filerne med antal ansatte, eller fortryd importen på "
            "siden Data."
        )
    return _remember(key, Dataset(figures, sheets, (), False, f"{version}:{method}", as_of))

"""The persistent store: imported data that outlives the browser tab.

HR consultants import once; leadership looks days later on another machine. The store keeps the
canonical long table (see `csr.model`) with its provenance, the import batches it came in, what
pages need to remember (saved scenarios, import profiles) and the audit log, in one of two engines
behind one implementation over SQLAlchemy 2 Core (`csr.db` holds the engine specifics):
- embedded SQLite, `<directory>/csr.sqlite` (`Store.default()`: `$CSR_DATA_DIR`, else `./data`;
  created on first use): the quick start, one server;
- PostgreSQL through psycopg 3 when `$CSR_DATABASE_URL` is set
  (`postgresql+psycopg://user:password@host:5432/csr`): several app processes over one database.

Design
------
- One batch per confirmed import. `add_batch` writes the batch, its files (name, sha256, size,
  rows), its canonical rows, its placement rows and its audit entry in ONE transaction: all of a
  batch or none. Any exception on the way (a database error, a failing `progress` callback, a
  KeyboardInterrupt) rolls it back; a process killed mid-import leaves only uncommitted WAL frames
  (SQLite) or an aborted transaction (PostgreSQL). Batches are numbered under the write lock
  (MAX + 1), so a refused import leaves no gap in the numbers people see.
- Superseding: the newest active batch wins per key, (code, year, period, index, scheme) for the
  canonical rows and (year, education) for placements. Old rows are never rewritten or deleted;
  each row carries a `live` flag (1 = in force) that the writing transaction keeps equal to "this
  row belongs to the highest-numbered active batch holding its key". Adding a batch clears the flag
  on the older rows it supersedes; undoing a batch clears its own flags and sets them on the
  newest remaining active rows for its keys. Reading what is in force is then a plain scan
  (`WHERE live = 1`) instead of computing "newest per key" on every read. Undo is a flag flip,
  history is complete, and an undone batch can be re-imported.
- Plain columns (schema 2): `data` has municipality code, year, period (M/Q/Y), period index, scheme
  id (names in `schemes`), value, batch, origin id (municipality name, file, sheet and column in
  `origins`) and row, each in a column of its own; the view `data_rows` joins the names in. The
  first release packed these into two integers; the hot read still fetches them packed, computed in
  the query (`_PACKED_KEY`, `_PACKED_ORIGIN`), because the drivers' cost is per value fetched: three
  values a row instead of eight (README, "Performance", has the measurement). On SQLite a partial
  index of the rows in force holds the three (migration 0005), so the read scans it without computing
  them; PostgreSQL computes them in the query. Ranges that packing
  allows (checked on import): code 0-16383, year 0-4095, index 0-127, row within int32.
- Migrations: Alembic revisions in `csr/migrations`, run programmatically. Opening a writable store
  upgrades it in one write transaction (all or nothing); a schema-1 file (the first release's, no
  `alembic_version`) is stamped at 0001 and upgraded from there. A read-only store at an old schema,
  and a database from a newer program, are refused with a Danish sentence.
- Concurrency. SQLite: every call opens its own short-lived connection (safe across Streamlit's
  threads and processes); WAL mode, so readers never wait for the writer; writers take the lock
  with `BEGIN IMMEDIATE`. PostgreSQL: a connection pool per process; reads run in one REPEATABLE
  READ snapshot; writes take a transaction-scoped advisory lock (`pg_advisory_xact_lock`), so two
  processes' imports are serialised as on SQLite and never mixed. Both wait up to `timeout` seconds
  for another writer and then raise `StoreError(BUSY_MESSAGE)`. A reader reads data, placements and
  version in one transaction, so they belong together. The duplicate check runs inside the write
  transaction, so two imports of the same file at the same moment give one batch and one
  `DuplicateImport`.
- `version()` is "<store id>:<generation>" from the one-row table `state`; the generation goes up in
  the same transaction as every add and undo, and the random store id differs between databases, so
  a cache keyed on it never confuses two stores, and a process sees another's import at its next
  rerun. Scenarios record the version they were made on.
- Audit log: `record_event` appends to `audit` (who, role, event, detail, address, municipality, UTC
  time); the store records its own imports, undos, scenario and profile saves and deletes in the
  action's transaction. The only delete is the retention (`$CSR_AUDIT_RETENTION_DAYS`, default 400),
  applied when an entry is written; there is no update path. (A PostgreSQL REVOKE UPDATE, DELETE is
  not needed for that: the app's role needs DELETE for the retention anyway.)
- Municipalities (migration 0004): every table of a municipality's own rows has `tenant`, the owner's code.
  `Store(..., tenant=CODE)` sets `csr.tenant` (SET LOCAL) first in every transaction; on PostgreSQL row-level
  security then shows and accepts only that tenant's rows, and the national rows (tenant NULL, loaded with
  `tenant=HOST` by the tables' owner) for reading. Batch numbers, scenario and profile names and the version
  are per tenant; superseding and undo never cross tenants; a tenant's own number for a key wins over the
  national one in its snapshot. Without `tenant`: the strategy file's home, the one municipality of SQLite.
- Empty store: `is_empty()` (no active batch) tells the app to show the sample data; once a batch is
  active, `current()` holds only imported data. Undoing every batch makes the store empty again.
- SQLite `PRAGMA synchronous = FULL`: a committed import survives a power cut, at one fsync per
  commit. WAL needs a local disk (readers and writers share memory); `Store()` refuses with a message
  when SQLite cannot switch the file to WAL. Keep `$CSR_DATA_DIR` off network drives.

For the pages
-------------
Data page: `store.already_imported(files)` can warn right after the upload; `import_uploads(files)`
-> show the findings -> on confirmation `store.add_batch(files, result, who, progress=...)`
(`progress(done, total)` is called while rows are written, for a progress bar) -> show
`BatchInfo.summary()`. `DuplicateImport` and `StoreError` carry a Danish sentence for `st.error`.
History: `history()` (Danish headers in `HISTORY_LABELS`), `undo_preview(id).summary()`, `undo(id)`.
Every page: `snap = store.snapshot()`; the sample data if `snap.empty`, else `snap.data` and
`snap.placements`; cache on `store.version()` (e.g. `st.cache_data(max_entries=2)` over a function
of the version). Planning: `save_scenario`, `scenarios()`, `load_scenario(name).outdated`.
Login (the audit log): `record_event(who, event, detail, address, role)`, `audit_entries(since=...)`
with Danish headers in `AUDIT_LABELS`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import os
import sqlite3
import stat
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from csr import audit as events
from csr import db
from csr.fmt import danish_datetime
from csr.model import CANONICAL_COLUMNS, PLACEMENT_COLUMNS, ImportResult, empty_canonical, empty_placements
from csr.text import number

log = logging.getLogger(__name__)

DATA_DIR_ENV = "CSR_DATA_DIR"
MUNICIPALITY_ENV = "CSR_MUNICIPALITY"  # the tenant (municipality code) of `Store.default()` on PostgreSQL
HOST = "host"  # `Store(url, tenant=HOST)`: the host administrator, who loads the national (NULL-tenant) data
NATIONAL_BATCHES = 1_000_000  # the host's batches are numbered from here + 1, apart from every tenant's own
READ_ONLY_ENV = "CSR_READ_ONLY"  # "1": open the store read-only even where it could be written
DEFAULT_DIRECTORY = "data"
FILENAME = "csr.sqlite"
DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another writer before giving up
INSERT_CHUNK = 50_000  # rows per executemany call or COPY piece (bounds memory; progress is reported per chunk)
ANALYZE_ROWS = 20_000  # PostgreSQL: an import of at least this many rows is followed by ANALYZE (`_analyze`)

ACTIVE = "aktiv"
UNDONE = "fortrudt"
BUSY_MESSAGE = "En anden import er i gang; prøv igen om lidt."
READ_ONLY_MESSAGE = (
    "Databasen er skrivebeskyttet: datamappen kan ikke skrives, så der kan ikke indlæses, fortrydes eller gemmes "
    "noget. Siderne viser det, der allerede er gemt."
)

PERIODS = ("M", "Q", "Y")

# Bit layout of `data.key` and `data.origin` (see the module docstring).
_YEAR_SHIFT, _PERIOD_SHIFT, _INDEX_SHIFT, _SCHEME_SHIFT = 14, 26, 28, 35
_MAX_CODE, _MAX_YEAR, _MAX_INDEX = (1 << 14) - 1, (1 << 12) - 1, (1 << 7) - 1
_ORIGIN_SHIFT, _ROW_BIAS, _ROW_MASK = 32, 1 << 31, (1 << 32) - 1
_INT32 = (-(1 << 31), (1 << 31) - 1)

HISTORY_LABELS = {
    "batch": "Import nr.",
    "created": "Indlæst",
    "who": "Indlæst af",
    "files": "Filer",
    "sha256": "SHA-256",
    "rows": "Tal",
    "placements": "Praktikpladser",
    "in_force": "Gældende tal",
    "superseded": "Erstattet af nyere import",
    "replaced": "Erstattede ældre tal",
    "status": "Status",
    "undone": "Fortrudt",
    "undone_by": "Fortrudt af",
}

AUDIT_LABELS = events.AUDIT_LABELS  # the audit table's Danish headers, kept with the event names
AUDIT_RETENTION_ENV = "CSR_AUDIT_RETENTION_DAYS"
DEFAULT_AUDIT_RETENTION_DAYS = 400  # a whole year and its audit, with a margin
# Events the store records itself, in the transaction of the action (csr.audit names them all; `ui.auth`
# records the others: logins, page views, downloads, refusals, role changes).
EVENT_IMPORT, EVENT_UNDO = events.IMPORT, events.UNDO
EVENT_SCENARIO_SAVE, EVENT_SCENARIO_DELETE = events.SCENARIO_SAVE, events.SCENARIO_DELETE
EVENT_PROFILE_SAVE, EVENT_PROFILE_DELETE = events.PROFILE_SAVE, events.PROFILE_DELETE
EVENT_SETTINGS = events.SETTINGS

OLD_SCHEMA_READ_ONLY = (
    "Databasen er lavet af en ældre version af programmet og skal opgraderes, men den er skrivebeskyttet. "
    "Kør 'python -m csr db upgrade' med skriveadgang til databasen, eller åbn den med skriveadgang én gang."
)


# ---- errors and records ------------------------------------------------------------------------


class StoreError(Exception):
    """The store cannot do what was asked; the message is a Danish sentence for the user."""


class DuplicateImport(StoreError):
    """Every file of an import is already in an active batch (same sha256); `earlier` says where."""

    def __init__(self, earlier: Sequence[tuple[str, int, datetime, str]]):
        """`earlier`: (file name now, batch, time of that import, file name then) per file."""
        self.earlier = tuple(earlier)
        super().__init__(
            " ".join(
                f"Filen {name} er allerede indlæst den {danish_time(when)} (import nr. {batch}"
                f"{'' if earlier_name == name else f', som {earlier_name}'})."
                for name, batch, when, earlier_name in self.earlier
            )
        )


@dataclass(frozen=True)
class FileInfo:
    """One file of a batch: its name, content hash, size in bytes and rows it contributed."""

    name: str
    sha256: str
    size: int
    rows: int


@dataclass(frozen=True)
class BatchInfo:
    """One import as stored."""

    id: int
    created: datetime
    who: str
    files: tuple[FileInfo, ...]
    rows: int
    placements: int
    replaced: int = 0
    replaced_placements: int = 0
    undone: datetime | None = None
    undone_by: str = ""
    notes: tuple[str, ...] = ()  # Danish remarks from add_batch, e.g. a file that was in before

    @property
    def status(self) -> str:
        return ACTIVE if self.undone is None else UNDONE

    @property
    def file_names(self) -> str:
        return ", ".join(f.name for f in self.files)

    def summary(self) -> str:
        """A Danish sentence about the import, for the message after saving it."""
        what = _count(self.rows, "tal", "tal")
        if self.placements:
            what += f" og {_count(self.placements, 'praktikplads', 'praktikpladser')}"
        files = _count(len(self.files), "fil", "filer")
        text = f"Import nr. {self.id} er gemt: {what} fra {files} ({self.file_names})."
        replaced = self.replaced + self.replaced_placements
        if replaced:
            text += f" {_count(replaced, 'ældre tal', 'ældre tal')} er erstattet af de nye."
        return " ".join([text, *self.notes])


@dataclass(frozen=True)
class Snapshot:
    """What is in force at one moment: data, placements and the version they belong to."""

    version: str
    data: pd.DataFrame
    placements: pd.DataFrame
    active_batches: int

    @property
    def empty(self) -> bool:
        """No active import: the app shows its sample data."""
        return self.active_batches == 0


@dataclass(frozen=True)
class UndoPreview:
    """What undoing a batch would change in what is in force."""

    batch: BatchInfo
    changes: pd.DataFrame  # canonical key columns, value (now), value_after (NaN: disappears), from_batch
    placement_changes: pd.DataFrame  # year, education, agreed, realised, *_after, from_batch
    unchanged: int  # the batch's rows already superseded by newer imports
    same: int = 0  # numbers an older import has with the same value: in force again, but no number changes

    @property
    def reverted(self) -> int:
        """Numbers that go back to an older import's value."""
        return int(self.changes["from_batch"].notna().sum() + self.placement_changes["from_batch"].notna().sum())

    @property
    def removed(self) -> int:
        """Numbers that disappear because no older active import has them."""
        return int(self.changes["from_batch"].isna().sum() + self.placement_changes["from_batch"].isna().sum())

    def summary(self) -> str:
        """A Danish sentence for the confirmation dialog."""
        b = self.batch
        head = f"Fortryder du import nr. {b.id} ({b.file_names}, indlæst {danish_time(b.created)})"
        if not self.reverted and not self.removed:
            why = (
                "alle importens tal er allerede erstattet af nyere importer"
                if not self.same
                else "en tidligere import har de samme tal"
                if not self.unchanged
                else "en tidligere import har de samme tal, og resten er allerede erstattet af nyere importer"
            )
            return f"{head}, ændres ingen tal: {why}."
        parts = []
        if self.reverted:
            parts.append(f"går {_count(self.reverted, 'tal', 'tal')} tilbage til værdien fra en tidligere import")
        if self.removed:
            parts.append(f"forsvinder {_count(self.removed, 'tal', 'tal')}, fordi ingen tidligere import har dem")
        text = f"{head}, {' og '.join(parts)}."
        if self.same:
            text += f" {_count(self.same, 'tal', 'tal')} har samme værdi i en tidligere import og ændres ikke."
        if self.unchanged:
            text += (
                f" {_count(self.unchanged, 'tal', 'tal')} fra importen er allerede erstattet af nyere "
                "importer og ændres ikke."
            )
        return text


@dataclass(frozen=True)
class Scenario:
    """A saved what-if scenario: its JSON payload and the data version it was made on."""

    name: str
    payload: dict
    data_version: str
    saved: datetime
    who: str
    outdated: bool  # the data have changed since the scenario was saved


# ---- the store ------------------------------------------------------------------------------------


class Store:
    """The store at `location`: a folder holding `csr.sqlite` (created on first use), or a PostgreSQL URL
    (`postgresql+psycopg://user:password@host:5432/csr`). Cheap to construct; holds no connection of its
    own (engines are shared per location within a process). Opening a writable store upgrades its schema."""

    def __init__(
        self,
        location: str | Path | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        read_only: bool | None = None,
        url: str | None = None,
        migrate: bool = True,
        tenant: int | str | None = None,
    ):
        """`read_only=None`: read-only when `$CSR_READ_ONLY` is 1 or this process cannot write the store
        (`writable`). A read-only store shows what is stored and refuses every write with READ_ONLY_MESSAGE.
        `migrate=False` leaves an old schema as it is (for `python -m csr db current` and `db upgrade`).
        `tenant`: the municipality (code) whose rows this store reads and writes (PostgreSQL; every transaction
        sets it, and row-level security keeps the others out), HOST for the host administrator's national
        data; None: the strategy file's home, the one municipality of a store as before."""
        self.migrate = migrate
        self.tenant_given = tenant is not None
        self._role, self._address = "", ""  # who acts, for the audit entries the store writes itself (`acting`)
        # `version()` as it was when the store was opened, read with the schema (None after a migration): for a
        # caller that opens the store and wants its version straight away, as the app at every rerun, one read
        # transaction instead of two (on SQLite a new connection each, ~0.5 ms). Not updated by writes.
        self.opened_version: str | None = None
        # The saved scenarios' rows and the version, read in that same transaction (the planner lists them at
        # every rerun: a second read was a second connection, ~1 ms). Shared with the `acting` copies, and
        # emptied by any write through this store or a copy, so a list after a save or an import is read anew.
        self._opened_reads: dict[str, tuple[tuple[tuple, ...], str]] = {}
        if url is None and location is not None and _is_url(str(location)):
            url = str(location)
        self.url = url
        self.timeout = timeout
        forced = os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "ja")
        self._uri: str | None = None  # the read-only connection's URI (None: read-write, or no file yet)
        self.tenant: int | None = _tenant_code(tenant)  # None: the host administrator (national rows)
        self._tenant_setting = HOST if self.tenant is None else str(self.tenant)
        if self.tenant is None and url is None:
            raise StoreError("Den fælles (nationale) del af databasen findes kun på PostgreSQL.")
        if url is None and self.tenant_given and self.tenant != _tenant_code(None):
            raise StoreError(
                "Den indbyggede SQLite-database har kun én kommune, strategifilens hjemkommune. Flere kommuner "
                f"kræver PostgreSQL ({db.DATABASE_URL_ENV})."
            )
        if url is not None:
            self.directory: Path | str = url
            self.path: Path | None = None
            self.read_only = bool(read_only) if read_only is not None else forced
            self._engine = db.postgres_engine(url, timeout)
        else:
            if location is None:
                raise StoreError("Angiv en datamappe eller en databaseadresse.")
            self.directory = Path(location)
            self.path = self.directory / FILENAME
            _make_directory(self.directory)
            if read_only is None:
                read_only = forced or not writable(self.directory, self.path)
            self.read_only = read_only
        self._open()

    @classmethod
    def default(
        cls, *, timeout: float = DEFAULT_TIMEOUT, migrate: bool = True, tenant: int | str | None = None
    ) -> Store:
        """PostgreSQL when `$CSR_DATABASE_URL` is set, as the municipality `tenant` (a code, or HOST), else
        `$CSR_MUNICIPALITY` when set; else the SQLite file in `$CSR_DATA_DIR`, or `./data` (one municipality:
        a `tenant` other than the strategy file's home is refused)."""
        url = db.database_url()
        if url is not None:
            if tenant is None:
                tenant = os.environ.get(MUNICIPALITY_ENV, "").strip() or None
            return cls(url=url, timeout=timeout, migrate=migrate, tenant=tenant)
        location = os.environ.get(DATA_DIR_ENV) or DEFAULT_DIRECTORY
        return cls(location, timeout=timeout, migrate=migrate, tenant=tenant)

    def acting(self, role: str = "", address: str = "") -> Store:
        """This store, with the audit entries it writes itself (import, undo, scenarios, profiles) carrying the
        role and the address of the person acting; the `who` of each call names the person."""
        other = copy.copy(self)
        other._role, other._address = role, address
        return other

    def __repr__(self) -> str:
        return f"Store({_safe_url(self.url)!r})" if self.url else f"Store({str(self.directory)!r})"

    @property
    def engine_name(self) -> str:
        """ "postgresql" or "sqlite"."""
        return "postgresql" if self.url else "sqlite"

    @property
    def identity(self) -> str:
        """Which store this is, without secrets: the folder for SQLite, the URL with its password hidden for
        PostgreSQL. What caches and session state may be keyed on (the password must not name a cache entry);
        two stores of one identity are one database, and `version()` tells databases apart anyway."""
        where = _safe_url(self.url) if self.url else str(self.directory)
        return f"{where}#{self._tenant_setting}" if self.tenant_given else where

    @property
    def fixed_home(self) -> int | None:
        """The home municipality a store was opened for (`tenant` given: a shared host's municipality, or the
        command line's `--municipality`): its settings cannot make another municipality home. None: the home
        is the settings' choice (one municipality per store, as the quick start)."""
        return self.tenant if self.tenant_given else None

    @property
    def _own(self) -> str:
        """SQL: a batch of this store's own (not the national data another tenant reads; the host's national)."""
        return "tenant IS NULL" if self.tenant is None else "tenant IS NOT NULL"

    @property
    def _postgres(self) -> bool:
        return self.url is not None

    # ---- importing ---------------------------------------------------------------------------

    def add_batch(
        self,
        files: Sequence[tuple[str, bytes]],
        result: ImportResult,
        who: str = "",
        progress: Callable[[int, int], object] | None = None,
    ) -> BatchInfo:
        """Store one confirmed import (all of it or nothing) and return what was stored.

        Raises StoreError when the result has errors or no numbers, DuplicateImport when every file
        is already in an active batch. `progress(done, total)` is called as rows are written.
        """
        if self.read_only:
            raise StoreError(READ_ONLY_MESSAGE)
        if result.errors:
            n = len(result.errors)
            raise StoreError(
                f"Importen har {_count(n, 'fejl', 'fejl')} og er ikke gemt. Ret filerne, og indlæs dem igen."
            )
        files = [(str(name), bytes(content)) for name, content in files]
        if not files:
            raise StoreError("Der er ingen filer at gemme.")
        data = _PreparedData(result.data)
        placements = _prepare_placements(result.placements)
        if not data.n and placements.empty:
            raise StoreError("Importen indeholder ingen tal og er ikke gemt.")
        hashes = [hashlib.sha256(content).hexdigest() for _, content in files]
        per_file = data.rows_per_file().add(placements["file"].value_counts(), fill_value=0)
        infos = tuple(
            FileInfo(name, sha, len(content), int(per_file.get(name, 0)))
            for (name, content), sha in zip(files, hashes, strict=True)
        )
        created = datetime.now(UTC)
        with self._write() as con:
            earlier = self._active_hashes(con, hashes)
            if all(sha in earlier for sha in hashes):
                raise DuplicateImport([(name, *earlier[sha]) for (name, _), sha in zip(files, hashes, strict=True)])
            batch = int(
                con.execute(
                    text(
                        # Numbered under the write lock, not by a sequence: PostgreSQL's sequences do not roll back,
                        # and a refused import must not leave a gap in the import numbers people see.
                        # Per tenant: row-level security shows this tenant's batches (and the national ones).
                        "INSERT INTO batches (id, created, who, rows, placements) "
                        f"VALUES ((SELECT COALESCE(MAX(id), :base) + 1 FROM batches WHERE {self._own}), "
                        ":created, :who, :rows, :places) RETURNING id"
                    ),
                    {
                        "base": 0 if self.tenant is not None else NATIONAL_BATCHES,
                        "created": created.isoformat(),
                        "who": who,
                        "rows": data.n,
                        "places": len(placements),
                    },
                ).scalar_one()
            )
            con.execute(
                text(
                    "INSERT INTO batch_files (batch, position, name, sha256, size, rows) "
                    "VALUES (:batch, :position, :name, :sha256, :size, :rows)"
                ),
                [
                    {"batch": batch, "position": i, "name": f.name, "sha256": f.sha256, "size": f.size, "rows": f.rows}
                    for i, f in enumerate(infos)
                ],
            )
            others = (
                con.execute(
                    # Only this store's own batches can be superseded (never the national ones a tenant reads).
                    text(f"SELECT 1 FROM batches WHERE id <> :batch AND undone IS NULL AND {self._own} LIMIT 1"),
                    {"batch": batch},
                ).first()
                is not None
            )
            replaced = self._insert_data(con, batch, data, others, progress)
            replaced_placements = self._insert_placements(con, batch, placements, others)
            con.execute(
                text("UPDATE batches SET replaced = :r, replaced_placements = :rp WHERE id = :batch"),
                {"r": replaced, "rp": replaced_placements, "batch": batch},
            )
            self._bump_generation(con)
            info = BatchInfo(batch, created, who, infos, data.n, len(placements), replaced, replaced_placements)
            _audit(con, who, EVENT_IMPORT, _import_detail(info), self._address, self._role)
        if self._postgres and data.n >= ANALYZE_ROWS:
            self._analyze()
        notes = tuple(
            f"Filen {name} var allerede indlæst den {danish_time(earlier[sha][1])} (import nr. "
            f"{earlier[sha][0]}); dens tal er gemt igen sammen med de andre filer."
            for (name, _), sha in zip(files, hashes, strict=True)
            if sha in earlier
        )
        return replace(info, notes=notes)

    def _analyze(self) -> None:
        """Fresh statistics for `data` after a big import (PostgreSQL). Planned on the statistics from before a
        national load (122,000 rows), a municipality's next import took 18-31 s instead of 0.1 s until autovacuum
        came round (`benchmarks/bench_national_scale.py --no-analyze`). Only the tables' owner may analyze (the
        host administrator, or a single municipality's app); for another role PostgreSQL skips it with a warning."""
        try:
            with self._engine.begin() as con:
                con.exec_driver_sql("ANALYZE data")
        except db.database_errors() as exc:  # statistics are an optimisation: the import is stored already
            log.warning("ANALYZE efter importen mislykkedes: %s", exc)

    def already_imported(self, files: Sequence[tuple[str, bytes]]) -> list[str]:
        """A Danish sentence for each file whose content is already in an active import (for the
        upload step, before parsing); empty when every file is new."""
        hashes = [hashlib.sha256(content).hexdigest() for _, content in files]
        with self._read() as con:
            earlier = self._active_hashes(con, hashes)
        return [
            str(DuplicateImport([(name, *earlier[sha])]))
            for (name, _), sha in zip(files, hashes, strict=True)
            if sha in earlier
        ]

    def _insert_data(
        self,
        con: Connection,
        batch: int,
        data: _PreparedData,
        others: bool,
        progress: Callable[[int, int], object] | None,
    ) -> int:
        scheme_ids = _ids(con, "schemes", ("name",), [(s,) for s in data.schemes])
        origin_ids = _ids(con, "origins", ("municipality", "file", "sheet", "col"), data.origins, "file")
        columns = {
            "batch": np.full(data.n, batch, dtype=np.int64),
            "code": data.code,
            "year": data.year,
            "period": np.asarray(PERIODS, dtype=object)[data.period],
            "period_index": data.index,
            "scheme": scheme_ids[data.scheme_codes],
            "value": data.values,
            "origin": origin_ids[data.origin_codes],
            "row": data.row,
        }
        cursor = con.connection.cursor()
        try:
            if self._postgres:
                # COPY cannot write a table under row-level security: the rows go into a temporary table first
                # (the binary COPY), and from there into `data` in one INSERT that the policies check.
                # (A role that passes the policies, e.g. a superuser, COPYs straight into `data`.)
                cursor.execute("SELECT row_security_active('data')")
                if not cast(tuple, cursor.fetchone())[0] and self.tenant is not None:
                    # The tenant as a column: its default (`csr_tenant()`) would be computed for every row.
                    _copy_rows(
                        cursor, "data", {"tenant": np.full(data.n, self.tenant, dtype=np.int64), **columns}, progress
                    )
                else:
                    cursor.execute(
                        "CREATE TEMPORARY TABLE data_in (batch integer, code integer, year integer, period text, "
                        "period_index integer, scheme integer, value double precision, origin integer, row integer) "
                        "ON COMMIT DROP"
                    )
                    _copy_rows(cursor, "data_in", columns, progress)
                    names = ", ".join(columns)
                    # The tenant computed once for the statement (the column's default would be computed per row).
                    cursor.execute(
                        f"INSERT INTO data (tenant, {names}) SELECT (SELECT csr_tenant()), {names} FROM data_in"
                    )
                    cursor.execute("DROP TABLE data_in")
            else:
                for start in range(0, data.n, INSERT_CHUNK):
                    stop = min(start + INSERT_CHUNK, data.n)
                    part = {k: v[start:stop] for k, v in columns.items()}
                    cursor.executemany(
                        "INSERT INTO data (batch, code, year, period, period_index, scheme, value, origin, row) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        list(zip(*(part[k].tolist() for k in columns), strict=True)),
                    )
                    if progress is not None:
                        progress(stop, data.n)
        finally:
            cursor.close()
        if not others or not data.n:
            return 0
        return con.execute(
            text(
                f"""UPDATE data SET live = 0 WHERE id IN (
                       SELECT o.id FROM data n JOIN data o ON {_key_match("o", "n")} AND o.batch < n.batch
                         AND {_same_tenant("o", "n")}
                       WHERE n.batch = :batch AND n.{self._own} AND o.live = 1)"""
            ),
            {"batch": batch},
        ).rowcount

    def _insert_placements(self, con: Connection, batch: int, placements: pd.DataFrame, others: bool) -> int:
        if placements.empty:
            return 0
        con.execute(
            text(
                "INSERT INTO placements (batch, year, education, agreed, realised, file, sheet, row) "
                "VALUES (:batch, :year, :education, :agreed, :realised, :file, :sheet, :row)"
            ),
            [
                {"batch": batch, **dict(zip(PLACEMENT_COLUMNS, values, strict=True))}
                for values in zip(*(_plain(placements[c]) for c in PLACEMENT_COLUMNS), strict=True)
            ],
        )
        if not others:
            return 0
        return con.execute(
            text(
                f"""UPDATE placements SET live = 0 WHERE id IN (
                       SELECT o.id FROM placements n JOIN placements o
                         ON o.year = n.year AND o.education = n.education AND o.batch < n.batch
                         AND {_same_tenant("o", "n")}
                       WHERE n.batch = :batch AND n.{self._own} AND o.live = 1)"""
            ),
            {"batch": batch},
        ).rowcount

    def _active_hashes(self, con: Connection, hashes: list[str]) -> dict[str, tuple[int, datetime, str]]:
        """sha256 -> (batch, created, file name) of the newest active batch of this store's own (not the national
        data a tenant reads) with a file of that content."""
        rows = con.execute(
            text(
                f"""SELECT f.sha256, b.id, b.created, f.name FROM batch_files f JOIN batches b ON b.id = f.batch
                   WHERE b.undone IS NULL AND b.{self._own} AND f.sha256 IN :hashes ORDER BY b.id, f.position"""
            ).bindparams(bindparam("hashes", expanding=True)),
            {"hashes": list(hashes)},
        ).fetchall()
        return {sha: (batch, _time(created), name) for sha, batch, created, name in rows}

    # ---- undoing -------------------------------------------------------------------------------

    def undo_preview(self, batch_id: int) -> UndoPreview:
        """What `undo(batch_id)` would change: numbers that revert to an older import or disappear."""
        with self._read() as con:
            info = self._batch(con, batch_id)
            _require_active(info)
            self._require_own(con, info.id)
            if self._postgres:
                rows = _fetch(
                    con,
                    f"""WITH d AS (SELECT d.id, {_PACKED_KEY.format(t="d")} AS k, d.value,
                                          {_PACKED_ORIGIN.format(t="d")} AS origin
                                   FROM data d WHERE d.batch = {int(batch_id)} AND d.live = 1),
                             o AS ({_newest_others(int(batch_id), "o2.value, o2.batch")})
                        SELECT d.k, d.value, d.origin, o.value, o.batch FROM d LEFT JOIN o ON o.k = d.k
                        ORDER BY d.id""",
                )
            else:
                rows = _fetch(
                    con,
                    f"""SELECT {_PACKED_KEY.format(t="d")}, d.value, {_PACKED_ORIGIN.format(t="d")}, o.value, o.batch
                        FROM data d
                        LEFT JOIN data o ON o.id = ({_NEWEST_OTHER.format(t="data", match=_key_match("o2", "d"))})
                        WHERE d.batch = {int(batch_id)} AND d.live = 1 ORDER BY d.id""",
                )
            arr = _columns(rows, 5)
            changes = _decode(con, arr[0].astype(np.int64), arr[1].astype(np.float64), arr[2].astype(np.int64))
            changes = changes[["municipality", "code", "year", "period", "index", "scheme", "value"]].assign(
                value_after=arr[3].astype(np.float64), from_batch=pd.array(arr[4], dtype="Int64")
            )
            match = "o2.year = d.year AND o2.education = d.education"
            prows = con.execute(
                text(
                    f"""SELECT d.year, d.education, d.agreed, d.realised, o.agreed, o.realised, o.batch
                        FROM placements d LEFT JOIN placements o ON o.id = ({
                        _NEWEST_OTHER.format(t="placements", match=match)
                    })
                        WHERE d.batch = :batch AND d.live = 1 ORDER BY d.id"""
                ),
                {"batch": int(batch_id)},
            ).fetchall()
            live = con.execute(
                text("SELECT COUNT(*) FROM data WHERE batch = :batch AND live = 1"), {"batch": int(batch_id)}
            ).scalar_one()
            live_p = con.execute(
                text("SELECT COUNT(*) FROM placements WHERE batch = :batch AND live = 1"), {"batch": int(batch_id)}
            ).scalar_one()
        placement_changes = pd.DataFrame(
            [tuple(r) for r in prows],
            columns=["year", "education", "agreed", "realised", "agreed_after", "realised_after", "from_batch"],
        )
        placement_changes = placement_changes.astype(
            {
                "year": "int32",
                "education": "str",
                "agreed": "float64",
                "realised": "float64",
                "agreed_after": "float64",
                "realised_after": "float64",
                "from_batch": "Int64",
            }
        )
        unchanged = info.rows - int(live) + info.placements - int(live_p)
        # A number an older import has with the same value is in force again but does not change: not a change.
        same_data = (changes["value_after"] == changes["value"]).to_numpy(dtype=bool)
        same_places = (
            (placement_changes["agreed_after"] == placement_changes["agreed"])
            & (placement_changes["realised_after"] == placement_changes["realised"])
        ).to_numpy(dtype=bool)
        return UndoPreview(
            info,
            changes[~same_data].reset_index(drop=True),
            placement_changes[~same_places].reset_index(drop=True),
            unchanged,
            int(same_data.sum() + same_places.sum()),
        )

    def undo(self, batch_id: int, who: str = "") -> BatchInfo:
        """Undo a batch: what it superseded is in force again. It stays in the history as undone."""
        now = datetime.now(UTC)
        with self._write() as con:
            info = self._batch(con, batch_id)
            _require_active(info)
            self._require_own(con, info.id)
            con.execute(
                text("UPDATE batches SET undone = :now, undone_by = :who WHERE id = :batch"),
                {"now": now.isoformat(), "who": who, "batch": info.id},
            )
            for table, match in (
                ("data", _key_match("o2", "d")),
                ("placements", "o2.year = d.year AND o2.education = d.education"),
            ):
                revived = (
                    f"SELECT id FROM ({_newest_others(int(info.id), 'o2.id')}) newest"
                    if self._postgres and table == "data"
                    else f"SELECT ({_NEWEST_OTHER.format(t=table, match=match)}) FROM {table} d "
                    "WHERE d.batch = :batch AND d.live = 1"
                )
                con.execute(text(f"UPDATE {table} SET live = 1 WHERE id IN ({revived})"), {"batch": info.id})
                con.execute(text(f"UPDATE {table} SET live = 0 WHERE batch = :batch AND live = 1"), {"batch": info.id})
            self._bump_generation(con)
            _audit(
                con,
                who,
                EVENT_UNDO,
                f"Import nr. {info.id} ({info.file_names}) er fortrudt.",
                self._address,
                self._role,
            )
        return replace(info, undone=now, undone_by=who)

    # ---- reading -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Data and placements in force, with their version, read in one consistent transaction."""
        with self._read() as con:
            version = self._version(con)
            active, national = con.execute(
                text(
                    "SELECT COUNT(*), SUM(CASE WHEN tenant IS NULL THEN 1 ELSE 0 END) FROM batches WHERE undone IS NULL"
                )
            ).one()
            # National rows (a tenant reads them too) give way to the tenant's own number for the same key.
            shadowed = (
                f" AND (data.tenant IS NOT NULL OR NOT EXISTS (SELECT 1 FROM data a WHERE a.tenant IS NOT NULL "
                f"AND a.live = 1 AND {_key_match('a', 'data')}))"
                if national and self.tenant is not None
                else ""
            )
            arr = _columns(
                _fetch(
                    con,
                    # SQLite scans its index of the rows in force (migration 0005: these three values, in id
                    # order, so no ORDER BY and no packing at the read); PostgreSQL computes them
                    f"{_LIVE_READ}{shadowed}{' ORDER BY id' if self._postgres else ''}",
                ),
                3,
            )
            data = _decode(con, arr[0].astype(np.int64), arr[1].astype(np.float64), arr[2].astype(np.int64))
            placements = pd.DataFrame(
                [
                    tuple(r)
                    for r in con.execute(
                        text(f"SELECT {', '.join(PLACEMENT_COLUMNS)} FROM placements WHERE live = 1 ORDER BY id")
                    )
                ],
                columns=list(PLACEMENT_COLUMNS),
            )
        return Snapshot(version, data, placements.astype(empty_placements().dtypes.to_dict()), int(active))

    def current(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The canonical data and placements in force (the newest active batch wins per key), in
        import order: older batches first, each batch's rows in the order they were given."""
        snap = self.snapshot()
        return snap.data, snap.placements

    def is_empty(self) -> bool:
        """True when no import is active (the app then shows its sample data)."""
        with self._read() as con:
            return con.execute(text("SELECT 1 FROM batches WHERE undone IS NULL LIMIT 1")).first() is None

    def version(self) -> str:
        """Changes whenever what `current()` returns changes; a key for caches and scenarios. One row of
        one table: cheap enough to read on every rerun, also from another process on PostgreSQL."""
        with self._read() as con:
            return self._version(con)

    def batch(self, batch_id: int) -> BatchInfo:
        """One batch with its files."""
        with self._read() as con:
            return self._batch(con, batch_id)

    def history(self) -> pd.DataFrame:
        """Every batch, newest first: time, files, hashes, rows, who, status and what it superseded.

        `in_force` counts the batch's rows still in force, `superseded` those replaced by newer
        imports (NA for an undone batch), `replaced` the older rows it replaced when imported.
        Danish column headers: HISTORY_LABELS.
        """
        with self._read() as con:
            batches = [
                tuple(r)
                for r in con.execute(
                    text(
                        f"""SELECT b.id, b.created, b.who, b.rows, b.placements, b.replaced + b.replaced_placements,
                                  b.undone, b.undone_by,
                                  (SELECT COUNT(*) FROM data d WHERE d.batch = b.id AND d.live = 1),
                                  (SELECT COUNT(*) FROM placements p WHERE p.batch = b.id AND p.live = 1)
                           FROM batches b WHERE b.{self._own} ORDER BY b.id DESC"""
                    )
                )
            ]
            files: dict[int, list[tuple[str, str]]] = {}
            for batch, name, sha in con.execute(
                text(f"SELECT batch, name, sha256 FROM batch_files WHERE {self._own} ORDER BY batch, position")
            ):
                files.setdefault(batch, []).append((name, sha))
        return pd.DataFrame(
            {
                "batch": pd.array([b[0] for b in batches], dtype="int64"),
                "created": pd.to_datetime([b[1] for b in batches], utc=True),
                "who": pd.array([b[2] for b in batches], dtype="str"),
                "files": pd.array([", ".join(n for n, _ in files.get(b[0], [])) for b in batches], dtype="str"),
                "sha256": pd.array([", ".join(s for _, s in files.get(b[0], [])) for b in batches], dtype="str"),
                "rows": pd.array([b[3] for b in batches], dtype="int64"),
                "placements": pd.array([b[4] for b in batches], dtype="int64"),
                "in_force": pd.array([b[8] + b[9] for b in batches], dtype="int64"),
                "superseded": pd.array([None if b[6] else b[3] + b[4] - b[8] - b[9] for b in batches], dtype="Int64"),
                "replaced": pd.array([b[5] for b in batches], dtype="int64"),
                "status": pd.array([UNDONE if b[6] else ACTIVE for b in batches], dtype="str"),
                "undone": pd.to_datetime([b[6] for b in batches], utc=True),
                "undone_by": pd.array([b[7] for b in batches], dtype="str"),
            }
        )

    # ---- scenarios -----------------------------------------------------------------------------

    def save_scenario(self, name: str, payload: dict, who: str = "", data_version: str | None = None) -> Scenario:
        """Save (or overwrite) a named scenario with the data version it was made on (default: now)."""
        name = (name or "").strip()
        if not name:
            raise StoreError("Giv scenariet et navn.")
        try:
            payload_text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"Scenariet '{name}' kan ikke gemmes: det indeholder noget, der ikke kan gemmes som tekst ({exc})."
            ) from exc
        saved = datetime.now(UTC)
        with self._write() as con:
            version = data_version or self._version(con)
            con.execute(
                text(
                    """INSERT INTO scenarios (name, payload, data_version, saved, who)
                       VALUES (:name, :payload, :version, :saved, :who)
                       ON CONFLICT (tenant, name) DO UPDATE SET payload = excluded.payload,
                           data_version = excluded.data_version, saved = excluded.saved, who = excluded.who"""
                ),
                {"name": name, "payload": payload_text, "version": version, "saved": saved.isoformat(), "who": who},
            )
            outdated = version != self._version(con)
            _audit(con, who, EVENT_SCENARIO_SAVE, f"Scenariet '{name}' er gemt.", self._address, self._role)
        return Scenario(name, json.loads(payload_text), version, saved, who, outdated)

    def scenarios(self) -> pd.DataFrame:
        """Saved scenarios by name: when, by whom, on which data version, and whether data changed since. As read
        when the store opened (in the same transaction as its version), unless this store or a copy of it
        (`acting`) has written since; a store opened later sees what others saved in the meantime."""
        opened = self._opened_reads.get("scenarios")
        if opened is None:
            with self._read() as con:
                opened = _scenario_rows(con), self._version(con)
        return _scenario_frame(*opened).copy()

    def load_scenario(self, name: str) -> Scenario:
        with self._read() as con:
            version = self._version(con)
            row = con.execute(
                text("SELECT name, payload, data_version, saved, who FROM scenarios WHERE name = :name"),
                {"name": name},
            ).first()
        if row is None:
            raise StoreError(f"Scenariet '{name}' findes ikke.")
        return Scenario(row[0], json.loads(row[1]), row[2], _time(row[3]), row[4], row[2] != version)

    def delete_scenario(self, name: str, who: str = "") -> None:
        with self._write() as con:
            if con.execute(text("DELETE FROM scenarios WHERE name = :name"), {"name": name}).rowcount == 0:
                raise StoreError(f"Scenariet '{name}' findes ikke.")
            _audit(con, who, EVENT_SCENARIO_DELETE, f"Scenariet '{name}' er slettet.", self._address, self._role)

    # ---- import profiles -----------------------------------------------------------------------

    def save_profile(self, name: str, payload: dict, who: str = "") -> SavedProfile:
        """Save (or overwrite) a named import profile (`csr.importers.mapping.Profile.to_dict()`), with who
        saved it and when."""
        name = (name or "").strip()
        if not name:
            raise StoreError("Giv profilen et navn.")
        try:
            payload_text = json.dumps({**payload, "name": name}, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"Profilen '{name}' kan ikke gemmes: den indeholder noget, der ikke kan gemmes som tekst."
            ) from exc
        saved = datetime.now(UTC)
        with self._write() as con:
            con.execute(
                text(
                    """INSERT INTO profiles (name, payload, saved, who) VALUES (:name, :payload, :saved, :who)
                       ON CONFLICT (tenant, name) DO UPDATE SET payload = excluded.payload, saved = excluded.saved,
                           who = excluded.who"""
                ),
                {"name": name, "payload": payload_text, "saved": saved.isoformat(), "who": who},
            )
            _audit(con, who, EVENT_PROFILE_SAVE, f"Importprofilen '{name}' er gemt.", self._address, self._role)
        return SavedProfile(name, json.loads(payload_text), saved, who)

    def profiles(self) -> list[SavedProfile]:
        """The saved import profiles, the newest first (the order in which they are matched)."""
        with self._read() as con:
            rows = [tuple(r) for r in con.execute(text("SELECT name, payload, saved, who FROM profiles"))]
        rows.sort(key=lambda r: r[0])
        rows.sort(key=lambda r: r[2], reverse=True)
        return [SavedProfile(r[0], _profile_payload(r[0], r[1]), _time(r[2]), r[3]) for r in rows]

    def delete_profile(self, name: str, who: str = "") -> None:
        with self._write() as con:
            if con.execute(text("DELETE FROM profiles WHERE name = :name"), {"name": name}).rowcount == 0:
                raise StoreError(f"Profilen '{name}' findes ikke.")
            _audit(con, who, EVENT_PROFILE_DELETE, f"Importprofilen '{name}' er slettet.", self._address, self._role)

    # ---- settings (csr.settings) -----------------------------------------------------------------

    def settings(self) -> SavedSettings | None:
        """The settings in force: the newest saved overrides of the strategy file (None: never saved)."""
        with self._read() as con:
            row = con.execute(text("SELECT payload, saved, who FROM settings ORDER BY id DESC LIMIT 1")).first()
        if row is None:
            return None
        try:
            payload = json.loads(row[0])
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise StoreError("De gemte indstillinger er beskadigede. Gem dem igen på siden Indstillinger.")
        return SavedSettings(payload, _time(row[1]), row[2])

    def save_settings(self, payload: dict, who: str = "", detail: str = "") -> SavedSettings:
        """Store the settings (`csr.settings` validates them first) with their audit entry, in one transaction
        that also moves the version on: every process computes with them at its next rerun."""
        try:
            payload_text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                "Indstillingerne kan ikke gemmes: de indeholder noget, der ikke kan gemmes som tekst."
            ) from exc
        saved = datetime.now(UTC)
        with self._write() as con:
            con.execute(
                text("INSERT INTO settings (saved, who, payload) VALUES (:saved, :who, :payload)"),
                {"saved": saved.isoformat(), "who": who or "", "payload": payload_text},
            )
            self._bump_generation(con)
            _audit(con, who, EVENT_SETTINGS, detail or "Indstillingerne er gemt.", self._address, self._role)
        return SavedSettings(json.loads(payload_text), saved, who or "")

    # ---- the audit log -------------------------------------------------------------------------

    def record_event(
        self,
        who: str,
        event: str,
        detail: str = "",
        address: str = "",
        role: str = "",
        municipality: int | None = None,
    ) -> None:
        """Append one entry to the audit log (a login, a page view, an export, ...): who, what, from where.
        Entries older than the retention (`$CSR_AUDIT_RETENTION_DAYS`) are deleted in the same transaction."""
        if not (event or "").strip():
            raise StoreError("En hændelse i loggen skal have et navn.")
        with self._write() as con:
            _audit(con, who, event.strip(), detail, address, role, municipality)

    def audit_entries(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        who: str | None = None,
        event: str | None = None,
    ) -> pd.DataFrame:
        """The audit log, oldest first, from `since` (inclusive) to `until` (exclusive), optionally for one
        user or one kind of event. Columns: AUDIT_LABELS (Danish headers); `at` in UTC."""
        where, params = [], {}
        if since is not None:
            where.append("at >= :since")
            params["since"] = _audit_time(since)
        if until is not None:
            where.append("at < :until")
            params["until"] = _audit_time(until)
        if who is not None:
            where.append("who = :who")
            params["who"] = who
        if event is not None:
            where.append("event = :event")
            params["event"] = event
        sql = "SELECT id, at, who, role, event, detail, address, municipality FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._read() as con:
            rows = [tuple(r) for r in con.execute(text(sql + " ORDER BY id"), params)]
        return pd.DataFrame(
            {
                "id": pd.array([r[0] for r in rows], dtype="int64"),
                "at": pd.to_datetime([r[1] for r in rows], utc=True),
                **{
                    c: pd.array([r[i] for r in rows], dtype="str")
                    for i, c in ((2, "who"), (3, "role"), (4, "event"), (5, "detail"), (6, "address"))
                },
                "municipality": pd.array([r[7] for r in rows], dtype="Int64"),
            }
        )

    # ---- schema ----------------------------------------------------------------------------------

    def revision(self) -> str | None:
        """The schema revision of the database (Alembic's), None for an empty one."""
        with self._read() as con:
            return db.revision(con)

    def upgrade(self) -> tuple[str | None, str]:
        """Upgrade the schema to the newest revision; (revision before, revision after)."""
        if self.read_only:
            raise StoreError(READ_ONLY_MESSAGE)
        if self.path is not None and self.revision() is None:
            self._wal()
        with self._write() as con:
            before = db.revision(con)
            if before != db.head():
                db.upgrade(con)
            return before, db.head()

    # ---- connections -----------------------------------------------------------------------------

    def _open(self) -> None:
        """Connect, and bring the schema to the newest revision (a writable store) or refuse (a read-only
        store at an old schema, a database from a newer program, a file that is no store)."""
        if self.path is not None:
            _require_regular(self.path)
            if self.read_only:
                self._open_read_only()
            else:
                self._engine = db.sqlite_engine(self.path, self.timeout)
        with self._read() as con:
            current, version = db.revision(con), db.schema_version(con)
            if current == db.head():  # the data's version and the scenario list in the same read
                self.opened_version = self._version(con)
                self._opened_reads["scenarios"] = (_scenario_rows(con), self.opened_version)
        _require_schema(version, current)
        if current == db.head() or not self.migrate:
            return
        if self.read_only:
            raise StoreError(OLD_SCHEMA_READ_ONLY)
        if current is None and self.path is not None:
            self._wal()
        with self._write() as con:
            if db.revision(con) != db.head():
                db.upgrade(con)

    def _wal(self) -> None:
        """A new SQLite file: switch it to WAL (readers never wait for the writer)."""
        raw = self._engine.raw_connection()
        try:
            mode = raw.driver_connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            raw.close()
        if str(mode).lower() != "wal":
            raise StoreError(
                "Databasen i datamappen kan ikke køre i WAL-tilstand (er mappen på et netværksdrev?). "
                f"Vælg en lokal mappe med {DATA_DIR_ENV}."
            )

    def _open_read_only(self) -> None:
        """Open without writing anything, not even a WAL or lock file: `mode=ro`, or `immutable=1` when
        SQLite cannot read the WAL database that way (its -shm file is missing and the folder is read-only).
        Without a database file yet, the store is empty (an in-memory schema)."""
        assert self.path is not None
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._engine = db.sqlite_engine(self.path, self.timeout, empty=True)
            return
        last: BaseException | None = None
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            self._uri = f"{self.path.resolve().as_uri()}?{flags}"
            self._engine = db.sqlite_engine(self.path, self.timeout, uri=self._uri)
            try:
                with self._engine.connect() as con:
                    con.exec_driver_sql("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return
            except db.database_errors() as exc:
                last = exc
        assert last is not None  # every pass of the loop returns or keeps its error
        raise self._error(last) from last

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        if self.read_only:
            raise StoreError(READ_ONLY_MESSAGE)
        self._opened_reads.clear()  # what was read at the open may change now
        try:
            with db.write(self._engine, self.timeout, self._tenant_setting) as con:
                yield con
        except db.database_errors() as exc:
            raise self._error(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction: every SELECT in the block sees the same committed state."""
        try:
            with db.read(self._engine, self._tenant_setting) as con:
                yield con
        except db.database_errors() as exc:
            raise self._error(exc) from exc

    def _require_own(self, con: Connection, batch_id: int) -> None:
        """Only the national data's host administrator undoes a national batch, and only a tenant its own."""
        tenant = con.execute(text("SELECT tenant FROM batches WHERE id = :id"), {"id": int(batch_id)}).scalar_one()
        if (tenant is None) != (self.tenant is None):
            raise StoreError(
                f"Import nr. {batch_id} er fælles data for alle kommuner; kun værtens administrator kan fortryde den."
            )

    def _bump_generation(self, con: Connection) -> None:
        """This tenant's data changed: its generation goes up (its row is made on the tenant's first change)."""
        own, params = ("tenant IS NULL", {}) if self.tenant is None else ("tenant = :t", {"t": self.tenant})
        if self._postgres or self.tenant is None:
            where = own
        else:
            where, params = "1 = 1", {}  # SQLite: one tenant, one row
        if con.execute(text(f"UPDATE state SET generation = generation + 1 WHERE {where}"), params).rowcount:
            return
        con.execute(
            text("INSERT INTO state (tenant, store_id, generation) VALUES (:t, :id, 1)"),
            {"t": self.tenant, "id": uuid.uuid4().hex[:12]},
        )

    def _version(self, con: Connection) -> str:
        """`<store id>:<generation>` of this tenant's row of `state`, and `+<generation>` of the national data's
        row when a tenant reads national data too (its snapshot includes them)."""
        rows: list[tuple] = [tuple(r) for r in con.execute(text("SELECT tenant, store_id, generation FROM state"))]
        if not self._postgres:
            rows = [(self.tenant, *r[1:]) for r in rows[:1]]
        own = next((r for r in rows if r[0] == self.tenant), None)
        text_ = "new:0" if own is None else f"{own[1]}:{own[2]}"
        national = next((r for r in rows if r[0] is None), None)
        if self.tenant is not None and national is not None:
            text_ += f"+{national[2]}"
        return text_

    def _error(self, exc: BaseException) -> StoreError:
        kind = db.error_kind(exc)
        where = "Databasen" if self._postgres else "Databasen i datamappen"
        if kind == db.BUSY:
            return StoreError(BUSY_MESSAGE)
        if kind == db.FULL:
            return StoreError("Der er ikke plads på disken til databasen; intet er gemt.")
        if kind == db.READ_ONLY:
            return StoreError(READ_ONLY_MESSAGE)
        if kind == db.CANNOT_OPEN:
            return StoreError(f"{where} kan ikke åbnes; intet er gemt. Tjek rettighederne til datamappen.")
        if kind == db.NOT_A_DATABASE:
            return StoreError(
                f"{where} er ikke en brugbar CSR-database (den er beskadiget eller "
                "noget andet). Flyt den væk, og indlæs filerne igen."
            )
        if kind == db.UNREACHABLE:
            return StoreError(
                "Databaseserveren kan ikke nås, eller den afviser forbindelsen; intet er ændret. "
                f"Tjek adressen i {db.DATABASE_URL_ENV}, og at serveren kører."
            )
        log.warning("Store error in %s: %s", self, exc)
        return StoreError(f"{where} gav en uventet fejl; intet er ændret.")

    def _batch(self, con: Connection, batch_id: int) -> BatchInfo:
        row = con.execute(
            text(
                """SELECT id, created, who, rows, placements, replaced, replaced_placements, undone, undone_by
                   FROM batches WHERE id = :id"""
            ),
            {"id": int(batch_id)},
        ).first()
        if row is None:
            raise StoreError(f"Import nr. {batch_id} findes ikke.")
        files = tuple(
            FileInfo(*f)
            for f in con.execute(
                text("SELECT name, sha256, size, rows FROM batch_files WHERE batch = :id ORDER BY position"),
                {"id": row[0]},
            )
        )
        undone = _time(row[7]) if row[7] else None
        return BatchInfo(row[0], _time(row[1]), row[2], files, row[3], row[4], row[5], row[6], undone, row[8])


# The newest row of another active batch with the same key as `d` (a correlated subquery).
_NEWEST_OTHER = """SELECT o2.id FROM {t} o2 JOIN batches b2 ON b2.id = o2.batch AND b2.tenant IS NOT DISTINCT FROM o2.tenant
                   WHERE {match} AND o2.batch <> d.batch AND b2.undone IS NULL
                     AND o2.tenant IS NOT DISTINCT FROM d.tenant
                   ORDER BY o2.batch DESC LIMIT 1"""
# The plain columns packed into two integers in the query, for the hot read: the drivers' cost is per value
# fetched, so three values a row instead of eight (README, "Performance"). Decoded by `_decode`.
_PACKED_KEY = (
    "({t}.code | (CAST({t}.year AS BIGINT) << 14)"
    " | (CAST(CASE {t}.period WHEN 'M' THEN 0 WHEN 'Q' THEN 1 ELSE 2 END AS BIGINT) << 26)"
    " | (CAST({t}.period_index AS BIGINT) << 28) | (CAST({t}.scheme AS BIGINT) << 35))"
)
_PACKED_ORIGIN = "((CAST({t}.origin AS BIGINT) << 32) | (CAST({t}.row AS BIGINT) + 2147483648))"
# The hot read of what is in force; on SQLite its plan is a scan of the index `data_live` (migration 0005).
_LIVE_READ = f"SELECT {_PACKED_KEY.format(t='data')}, value, {_PACKED_ORIGIN.format(t='data')} FROM data WHERE live = 1"


def _newest_others(batch: int, columns: str) -> str:
    """PostgreSQL: `_NEWEST_OTHER` for every live row of `batch` at once (the columns of each key's newest row in
    another active batch of the same municipality, with the packed key `k`). The correlated subquery cannot use
    the packed key's index under row-level security (the policies are applied first, and the key's operators are
    not leakproof), so it scanned the municipality's rows once per row: undoing the national workbook (122,304
    rows) had not finished after ten minutes. This set-based form is one hash join."""
    return f"""SELECT DISTINCT ON (k) k, {columns} FROM (
                   SELECT {_PACKED_KEY.format(t="o2")} AS k, o2.* FROM data o2
                   JOIN batches b2 ON b2.id = o2.batch AND b2.tenant IS NOT DISTINCT FROM o2.tenant
                   WHERE o2.batch <> {batch} AND b2.undone IS NULL
                     AND o2.tenant IS NOT DISTINCT FROM (SELECT tenant FROM batches WHERE id = {batch})
               ) o2
               WHERE k IN (SELECT {_PACKED_KEY.format(t="d")} FROM data d WHERE d.batch = {batch} AND d.live = 1)
               ORDER BY k, o2.batch DESC, o2.id DESC"""


def _same_tenant(a: str, b: str) -> str:
    """Two rows belong to one tenant (or both to the national data): superseding never crosses tenants."""
    return f"{a}.tenant IS NOT DISTINCT FROM {b}.tenant"


def _tenant_code(tenant: int | str | None) -> int | None:
    """A `Store`'s tenant as a municipality code (None: the host administrator); default the strategy file's home."""
    if tenant is None:
        from csr.config import default_config

        return int(default_config().home)
    if isinstance(tenant, str) and tenant.strip().lower() == HOST:
        return None
    try:
        code = int(str(tenant).strip())
    except ValueError:
        from csr.config import default_config

        found = default_config().match_municipality(tenant)  # a name: "Haderslev", "Haderslev Kommune"
        if found is None:
            raise StoreError(
                f"Kommunen {str(tenant)!r} kendes ikke: angiv dens kommunekode (fx 510) eller navn (fx Haderslev)."
            ) from None
        code = found
    if not 0 < code <= _MAX_CODE:
        raise StoreError(f"Kommunekoden {code} er uden for det tilladte (1-{_MAX_CODE}).")
    return code


def _key_match(a: str, b: str) -> str:
    """Two aliases of `data` have the same key: compared packed, the expression the `data_key` index holds
    (one integer: a six-column index made storing on PostgreSQL much slower)."""
    return f"{_PACKED_KEY.format(t=a)} = {_PACKED_KEY.format(t=b)}"


# ---- preparing rows ---------------------------------------------------------------------------


class _PreparedData:
    """Canonical rows checked against the storage layout and reduced to integer codes."""

    def __init__(self, frame: pd.DataFrame):
        missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
        if missing:
            raise StoreError(f"Tallene kan ikke gemmes: kolonnen {missing[0]!r} mangler.")
        self.n = n = len(frame)
        self.frame = frame
        code = _integers(frame["code"], "kommunekode", 0, _MAX_CODE)
        year = _integers(frame["year"], "årstal", 0, _MAX_YEAR)
        index = _integers(frame["index"], "periodenummer", 0, _MAX_INDEX)
        row = _integers(frame["row"], "rækkenummer", *_INT32)
        period = pd.Index(PERIODS).get_indexer(frame["period"]).astype(np.int64)
        if (period < 0).any():
            bad = frame["period"][period < 0].iloc[0]
            raise StoreError(f"Tallene kan ikke gemmes: ukendt periodetype {bad!r} (kun M, Q og Y).")
        scheme_codes, schemes = pd.factorize(frame["scheme"])
        if (scheme_codes < 0).any():
            raise StoreError("Tallene kan ikke gemmes: en række mangler ordning.")
        self.scheme_codes = scheme_codes.astype(np.int64)
        self.schemes = [str(s) for s in schemes]
        self.code, self.year, self.index, self.row, self.period = code, year, index, row, period
        self.key_base = code | (year << _YEAR_SHIFT) | (period << _PERIOD_SHIFT) | (index << _INDEX_SHIFT)
        dup = pd.Series(self.key_base | (self.scheme_codes << _SCHEME_SHIFT)).duplicated()
        if dup.any():
            r = frame[dup.to_numpy()].iloc[0]
            raise StoreError(
                f"Importen har det samme tal to gange ({r['municipality']}, {r['year']} {r['period']}{r['index']}, "
                f"{r['scheme']}) og er ikke gemt."
            )
        self.values = np.asarray(frame["value"], dtype=np.float64)
        # Provenance: one origin per distinct (municipality, file, sheet, column); missing text is "".
        codes, uniques = [], []
        for col in ("municipality", "file", "sheet", "column"):
            c, u = pd.factorize(frame[col].fillna("").astype(str))
            codes.append(c.astype(np.int64))
            uniques.append(np.asarray(u, dtype=object))
        sizes = [max(len(u), 1) for u in uniques]
        combined = np.ravel_multi_index(codes, sizes) if n else np.zeros(0, dtype=np.int64)
        self.origin_codes, origin_keys = pd.factorize(combined)
        parts = np.unravel_index(np.asarray(origin_keys, dtype=np.int64), sizes)
        self.origins = list(zip(*(u[p].tolist() for u, p in zip(uniques, parts, strict=True)), strict=True))

    def rows_per_file(self) -> pd.Series:
        return self.frame["file"].value_counts() if self.n else pd.Series(dtype="int64")


def _integers(column: pd.Series, what: str, low: int, high: int) -> np.ndarray:
    if column.isna().any():
        raise StoreError(f"Tallene kan ikke gemmes: en række mangler {what}.")
    values = np.asarray(column, dtype=np.int64)
    bad = (values < low) | (values > high)
    if bad.any():
        raise StoreError(f"Tallene kan ikke gemmes: {what} {values[bad][0]} er uden for det tilladte ({low}-{high}).")
    return values


def _prepare_placements(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in PLACEMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise StoreError(f"Praktikpladserne kan ikke gemmes: kolonnen {missing[0]!r} mangler.")
    if frame.empty:
        return empty_placements()
    if frame["year"].isna().any() or frame["education"].isna().any():
        raise StoreError("Praktikpladserne kan ikke gemmes: en række mangler år eller uddannelse.")
    out = pd.DataFrame(
        {
            "year": np.asarray(frame["year"], dtype=np.int64),
            "education": frame["education"].astype(str).to_numpy(dtype=object),
            "agreed": np.asarray(frame["agreed"], dtype=np.float64),
            "realised": np.asarray(frame["realised"], dtype=np.float64),
            "file": frame["file"].fillna("").astype(str).to_numpy(dtype=object),
            "sheet": frame["sheet"].fillna("").astype(str).to_numpy(dtype=object),
            "row": _integers(frame["row"], "rækkenummer", *_INT32),
        }
    )
    dup = out.duplicated(["year", "education"])
    if dup.any():
        r = out[dup].iloc[0]
        raise StoreError(f"Praktikpladser for {r['education']} {r['year']} står to gange i importen, som ikke er gemt.")
    return out


def _ids(
    con: Connection, table: str, columns: tuple[str, ...], values: list[tuple], by: str | None = None
) -> np.ndarray:
    """The ids of `values` in a lookup table (added when new), in the order of `values`. With `by`,
    only the rows sharing that column's values are read back (the table grows with every import)."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    names = ", ".join(columns)
    con.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + c for c in columns)}) ON CONFLICT DO NOTHING"),
        [dict(zip(columns, v, strict=True)) for v in values],
    )
    if by is None:
        rows = con.execute(text(f"SELECT id, {names} FROM {table}")).fetchall()
    else:
        at = columns.index(by)
        rows = list(
            chain.from_iterable(
                # A tenant's own origin after a national one of the same text (tenant NULL): its own is used.
                con.execute(
                    text(f"SELECT id, {names} FROM {table} WHERE {by} = :v ORDER BY tenant IS NOT NULL"), {"v": v}
                ).fetchall()
                for v in {v[at] for v in values}
            )
        )
    known = {tuple(row[1:]): row[0] for row in rows}
    return np.array([known[v] for v in values], dtype=np.int64)


def _plain(column: pd.Series) -> list:
    """A column as Python values for the driver, NaN as None (NULL)."""
    values = column.to_numpy(dtype=object)
    return [None if isinstance(v, float) and v != v else v for v in values.tolist()]


def _copy_rows(
    cursor: Any, table: str, columns: dict[str, np.ndarray], progress: Callable[[int, int], object] | None = None
) -> None:
    """Rows into a PostgreSQL table with one COPY in the binary format: the fast path for an import. The
    rows are built with numpy (`_binary_rows`) and sent in pieces of INSERT_CHUNK rows, so the server
    stores one piece while the next is built; `progress(done, total)` after each piece. (The text format
    cost ~0.25 s to write for a national import and the server as long again to parse.)"""
    n = len(next(iter(columns.values()))) if columns else 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_COPY_SIGNATURE)
        for start in range(0, n, INSERT_CHUNK):
            stop = min(start + INSERT_CHUNK, n)
            copy.write(_binary_rows({k: v[start:stop] for k, v in columns.items()}))
            if progress is not None:
                progress(stop, n)
        copy.write(_COPY_TRAILER)


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_COPY_TRAILER = b"\xff\xff"


def _binary_rows(columns: dict[str, np.ndarray]) -> bytes:
    """Rows in PostgreSQL's binary COPY format (without its signature and trailer), built column-wise with
    numpy instead of a Python call per value. Per column: integers as int4 (the store's integer columns;
    a value outside int4 raises OverflowError), floats as float8 with NaN as NULL, text (str objects, None as
    NULL) as UTF-8. Each row is laid out at its widest (a float's 8 bytes, the longest text) in one
    record array; the bytes a row does not use (a NULL's value, a shorter text's tail) are cut out."""
    n = len(next(iter(columns.values())))
    fields: list[tuple[str, str]] = [("count", ">i2")]
    values: list[np.ndarray] = []
    lengths: list[np.ndarray | int] = []
    for i, column in enumerate(columns.values()):
        kind = column.dtype.kind
        if kind in "iub":
            if n and (column.min() < _INT32[0] or column.max() > _INT32[1]):
                raise OverflowError("a value outside int4 in a binary COPY")
            fields += [(f"n{i}", ">i4"), (f"v{i}", ">i4")]
            values.append(column)
            lengths.append(4)
        elif kind == "f":
            fields += [(f"n{i}", ">i4"), (f"v{i}", ">f8")]
            values.append(column)
            lengths.append(np.where(np.isnan(column), -1, 8))
        else:  # text: encoded once per distinct value
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            encoded = np.array([str(u).encode() for u in uniques] or [b""], dtype=object)
            width = max((len(b) for b in encoded), default=0)
            fields += [(f"n{i}", ">i4"), (f"v{i}", f"S{max(width, 1)}")]
            sizes = np.array([len(b) for b in encoded], dtype=np.int32)
            values.append(encoded.astype(f"S{max(width, 1)}")[np.maximum(codes, 0)])
            lengths.append(np.where(codes < 0, -1, sizes[np.maximum(codes, 0)]))
    record = np.empty(n, dtype=np.dtype(fields))
    record["count"] = len(columns)
    for i, (value, length) in enumerate(zip(values, lengths, strict=True)):
        record[f"n{i}"] = length
        record[f"v{i}"] = value
    raw = record.view(np.uint8).reshape(n, record.dtype.itemsize)
    keep: np.ndarray | None = None
    layout = cast(dict[str, tuple[np.dtype, int]], record.dtype.fields)  # name -> (dtype, byte offset in a row)
    for i, length in enumerate(lengths):
        if isinstance(length, int):
            continue
        offset, width = layout[f"v{i}"][1], layout[f"v{i}"][0].itemsize
        unused = np.arange(width) >= np.maximum(length, 0)[:, None]  # (rows, width): bytes past the value
        if unused.any():
            if keep is None:
                keep = np.ones(raw.shape, dtype=bool)
            keep[:, offset : offset + width] &= ~unused
    return (raw if keep is None else raw[keep]).tobytes()


# ---- reading rows -----------------------------------------------------------------------------


def _scenario_rows(con: Connection) -> tuple[tuple, ...]:
    """The saved scenarios' listed columns, by name in the same order on both engines, whatever the database's
    collation."""
    rows = [tuple(r) for r in con.execute(text("SELECT name, saved, who, data_version FROM scenarios"))]
    return tuple(sorted(rows, key=lambda r: r[0]))


@functools.lru_cache(maxsize=32)
def _scenario_frame(rows: tuple[tuple, ...], version: str) -> pd.DataFrame:
    """The saved scenarios' rows as `Store.scenarios` returns them, built once for the same rows and version:
    the planner lists them at every rerun, and building the frame took most of the ~1.6 ms the listing took."""
    return pd.DataFrame(
        {
            "name": pd.array([r[0] for r in rows], dtype="str"),
            "saved": pd.to_datetime([r[1] for r in rows], utc=True),
            "who": pd.array([r[2] for r in rows], dtype="str"),
            "data_version": pd.array([r[3] for r in rows], dtype="str"),
            "outdated": pd.array([r[3] != version for r in rows], dtype="bool"),
        }
    )


def _columns(rows: list[tuple], width: int) -> np.ndarray:
    """Fetched rows as `width` object columns (None stays None until a column is cast)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return flat.reshape(len(rows), width).T


def _fetch(con: Connection, sql: str) -> list[tuple]:
    """All rows of `sql` through the driver's own cursor (no per-row objects of SQLAlchemy's): the hot read.
    On PostgreSQL the rows come in binary format (integers and floats as such, not as text to parse: the
    national read's fetch in 0.72x the time, README "Performance")."""
    if con.dialect.name == "postgresql":
        cursor = con.connection.driver_connection.cursor(binary=True)  # type: ignore[union-attr]
    else:
        cursor = con.connection.cursor()
    try:
        cursor.execute(sql)
        return cast(list[tuple], cursor.fetchall())
    finally:
        cursor.close()


def _decode(con: Connection, keys: np.ndarray, values: np.ndarray, origins: np.ndarray) -> pd.DataFrame:
    """Fetched (packed key, value, packed origin) triples back into canonical rows with canonical dtypes."""
    if not len(keys):
        return empty_canonical()
    scheme_pos, scheme_ids = pd.factorize(keys >> _SCHEME_SHIFT)
    names = {r[0]: r[1] for r in con.execute(text("SELECT id, name FROM schemes"))}
    schemes = pd.array([names[i] for i in scheme_ids], dtype="str").take(scheme_pos)
    origin_pos, origin_ids = pd.factorize(origins >> _ORIGIN_SHIFT)
    wanted = np.asarray(origin_ids).tolist()
    found: dict[int, tuple] = {}
    query = text("SELECT id, municipality, file, sheet, col FROM origins WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for start in range(0, len(wanted), 10_000):
        found.update((r[0], tuple(r[1:])) for r in con.execute(query, {"ids": wanted[start : start + 10_000]}))
    texts = list(zip(*(found[i] for i in origin_ids), strict=True))
    columns = [pd.array(list(t), dtype="str").take(origin_pos) for t in texts]
    return pd.DataFrame(
        {
            "municipality": columns[0],
            "code": (keys & _MAX_CODE).astype(np.int32),
            "year": ((keys >> _YEAR_SHIFT) & _MAX_YEAR).astype(np.int32),
            "period": pd.array(list(PERIODS), dtype="str").take((keys >> _PERIOD_SHIFT) & 3),
            "index": ((keys >> _INDEX_SHIFT) & _MAX_INDEX).astype(np.int8),
            "scheme": schemes,
            "value": values,
            "file": columns[1],
            "sheet": columns[2],
            "row": ((origins & _ROW_MASK) - _ROW_BIAS).astype(np.int32),
            "column": columns[3],
        }
    )


# ---- small helpers ----------------------------------------------------------------------------


def writable(directory: Path, path: Path) -> bool:
    """Whether this process may write the store: the folder (SQLite creates its WAL and lock files there)
    and the database file, if it exists. (Root passes permission bits; a read-only mount still shows.)"""
    if not os.access(directory, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _make_directory(directory: Path) -> None:
    """The data folder, created on first use; a Danish sentence (without the server's path) otherwise."""
    if directory.is_dir():
        return
    if directory.exists() or directory.is_symlink():
        raise StoreError("Datamappen er ikke en mappe (der ligger en fil eller en enhed med det navn).")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise StoreError("Datamappen kan ikke oprettes: en del af stien er en fil og ikke en mappe.") from None
    except PermissionError:
        raise StoreError("Datamappen kan ikke oprettes: ingen adgang til at oprette den.") from None
    except OSError:
        raise StoreError("Datamappen kan ikke oprettes.") from None


def _require_regular(path: Path) -> None:
    """The database must be a regular file: SQLite would block for ever reading a FIFO."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError:
        raise StoreError("Databasen i datamappen kan ikke åbnes. Tjek rettighederne til datamappen.") from None
    if not stat.S_ISREG(mode):
        raise StoreError(
            "Databasen i datamappen er ikke en almindelig fil (men en mappe, en enhed eller et rør). Flyt den væk."
        )


def _require_schema(version: int | None, revision: str | None) -> None:
    """Refuse a database made by a newer program (a schema version or a revision this program does not know)."""
    if (version is not None and version > db.SCHEMA_VERSION) or (
        revision is not None and revision not in db.known_revisions()
    ):
        shown = version if version is not None and version > db.SCHEMA_VERSION else revision
        raise StoreError(
            f"Databasen i datamappen er lavet af en anden version af programmet (skemaversion {shown}, dette "
            f"program bruger {db.SCHEMA_VERSION}). Opdatér programmet, eller vælg en anden mappe med {DATA_DIR_ENV}."
        )


def _require_active(info: BatchInfo) -> None:
    if info.undone is not None:
        raise StoreError(f"Import nr. {info.id} er allerede fortrudt (den {danish_time(info.undone)}).")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _count(n: int, one: str, many: str) -> str:
    return f"{number(n)} {one if n == 1 else many}"


def _local(when: datetime) -> datetime:
    try:
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo("Europe/Copenhagen"))
    except Exception:  # no time zone database: the server's local time
        return when.astimezone()


def danish_time(when: datetime) -> str:
    """ "3. februar 2025 kl. 14.05", in Danish time."""
    return danish_datetime(_local(when))


# ---- import profiles --------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedProfile:
    """A saved import profile: its plain-dict payload, when and by whom it was saved."""

    name: str
    payload: dict
    saved: datetime
    who: str


def _profile_payload(name: str, text: str) -> dict:
    """The stored JSON; a damaged one keeps only its name (the profile reader then says it is damaged)."""
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    return {**payload, "name": name} if isinstance(payload, dict) else {"name": name}


# ---- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedSettings:
    """The saved overrides of the strategy file (`csr.settings`), when and by whom they were saved."""

    payload: dict
    saved: datetime
    who: str


# ---- the audit log ----------------------------------------------------------------------------


def audit_retention_days() -> int:
    """`$CSR_AUDIT_RETENTION_DAYS` (at least 1), else DEFAULT_AUDIT_RETENTION_DAYS."""
    raw = os.environ.get(AUDIT_RETENTION_ENV, "").strip()
    try:
        days = int(raw) if raw else DEFAULT_AUDIT_RETENTION_DAYS
    except ValueError:
        raise StoreError(f"{AUDIT_RETENTION_ENV} skal være et helt antal dage, ikke {raw!r}.") from None
    if days < 1:
        raise StoreError(f"{AUDIT_RETENTION_ENV} skal være mindst 1 dag.")
    return days


def _audit_time(when: datetime) -> str:
    """UTC with microseconds, always the same width: the text order of the `at` column is time order."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _audit(
    con: Connection,
    who: str,
    event: str,
    detail: str = "",
    address: str = "",
    role: str = "",
    municipality: int | None = None,
) -> None:
    """Append an entry inside the caller's transaction, and delete the entries older than the retention
    (the only delete the audit table ever sees)."""
    now = datetime.now(UTC)
    con.execute(
        text(
            "INSERT INTO audit (at, who, role, event, detail, address, municipality) "
            "VALUES (:at, :who, :role, :event, :detail, :address, :municipality)"
        ),
        {
            "at": _audit_time(now),
            "who": who or "",
            "role": role or "",
            "event": event,
            "detail": detail or "",
            "address": address or "",
            "municipality": municipality,
        },
    )
    cutoff = now - timedelta(days=audit_retention_days())
    con.execute(text("DELETE FROM audit WHERE at < :cutoff"), {"cutoff": _audit_time(cutoff)})


def _import_detail(info: BatchInfo) -> str:
    what = _count(info.rows, "tal", "tal")
    if info.placements:
        what += f" og {_count(info.placements, 'praktikplads', 'praktikpladser')}"
    return f"Import nr. {info.id}: {what} fra {info.file_names}."


def _is_url(location: str) -> bool:
    return location.startswith(("postgresql:", "postgresql+", "postgres:"))


def _safe_url(url: str | None) -> str:
    """The URL without its password (for logs and repr)."""
    if not url:
        return ""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "postgresql://…"


__all__ = [
    "Store",
    "StoreError",
    "DuplicateImport",
    "BatchInfo",
    "FileInfo",
    "Snapshot",
    "UndoPreview",
    "Scenario",
    "SavedProfile",
    "HISTORY_LABELS",
    "AUDIT_LABELS",
    "ACTIVE",
    "UNDONE",
    "BUSY_MESSAGE",
    "READ_ONLY_MESSAGE",
    "DATA_DIR_ENV",
    "danish_time",
]

"""The persistent store: imported data that outlives the browser tab.

HR consultants import once; leadership looks days later on another machine. The store keeps the
canonical long table (see `csr.model`) with its provenance, the import batches it came in, and what
pages need to remember (saved scenarios), in one embedded SQLite file, `<directory>/csr.sqlite`
(`Store.default()`: `$CSR_DATA_DIR`, else `./data`; created on first use).

Design
------
- One batch per confirmed import. `add_batch` writes the batch, its files (name, sha256, size,
  rows), its canonical rows and its placement rows in ONE transaction (`BEGIN IMMEDIATE`): all of a
  batch or none. Any exception on the way (a database error, a failing `progress` callback, a
  KeyboardInterrupt) rolls it back; a process killed mid-import leaves only uncommitted WAL frames,
  which SQLite ignores when the file is next opened.
- Superseding: the newest active batch wins per key, (code, year, period, index, scheme) for the
  canonical rows and (year, education) for placements. Old rows are never rewritten or deleted;
  each row carries a `live` flag (1 = in force) that the writing transaction keeps equal to "this
  row belongs to the highest-numbered active batch holding its key". Adding a batch clears the flag
  on the older rows it supersedes; undoing a batch clears its own flags and sets them on the
  newest remaining active rows for its keys. Reading what is in force is then a plain scan
  (`WHERE live = 1`) instead of computing "newest per key" on every read. Measured on 1.05M rows
  in force (2 vCPU, busy): the scan fetches in 1.3 s, a per-key MAX subquery in 3.1 s, a window
  function in 4.8 s; keeping the flag costs ~0.2 s per 100,000 imported rows that meet older
  ones. Undo is a flag flip, history is complete, and an undone batch can be re-imported.
- Compact rows: a canonical row is stored as four numbers, `key` (code | year << 14 | period << 26
  | index << 28 | scheme id << 35; schemes in table `schemes`), `value`, `origin` (origins.id << 32
  | row + 2**31; one `origins` row per municipality name, file, sheet and column) and `live`, plus
  its batch. That keeps a million rows at ~60 MB with indexes, makes the key index one integer, and makes
  `current()` fetch three values per row instead of eleven (the sqlite3 module's per-value cost
  dominates reading: 1.3 s against 3.6 s for the same 1.05M rows as eleven columns). The view
  `data_rows` shows the decoded columns for anyone using SQL directly. Ranges the layout allows
  (checked on import): code 0-16383, year 0-4095, index 0-127, period M/Q/Y, row within int32.
- Concurrency: every call opens its own short-lived connection (safe across Streamlit's threads
  and processes). The file is in WAL mode, so readers never wait for a writer and always see the
  last committed state; a reader reads data, placements and version in one read transaction, so
  they belong together. Writers take the write lock with `BEGIN IMMEDIATE` and wait up to
  `timeout` seconds for another writer; after that they raise `StoreError("En anden import er i
  gang; prøv igen om lidt.")`. The duplicate check runs inside the write transaction, so two
  imports of the same file at the same moment give one batch and one `DuplicateImport`.
- `version()` is "<store id>:<generation>"; the generation goes up in the same transaction as
  every add and undo, and the random store id differs between databases, so a cache keyed on it
  never confuses two stores. Scenarios record the version they were made on.
- Empty store: `is_empty()` (no active batch) tells the app to show the sample data; once a batch is
  active, `current()` holds only imported data. Undoing every batch makes the store empty again.
- `PRAGMA synchronous = FULL`: a committed import survives a power cut, at one fsync per commit.
  WAL needs a local disk (readers and writers share memory); `Store()` refuses with a message when
  SQLite cannot switch the file to WAL. Keep `$CSR_DATA_DIR` off network drives.

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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import pandas as pd

from csr.fmt import danish_datetime
from csr.model import CANONICAL_COLUMNS, PLACEMENT_COLUMNS, ImportResult, empty_canonical, empty_placements
from csr.text import number

log = logging.getLogger(__name__)

DATA_DIR_ENV = "CSR_DATA_DIR"
READ_ONLY_ENV = "CSR_READ_ONLY"  # "1": open the store read-only even where it could be written
DEFAULT_DIRECTORY = "data"
FILENAME = "csr.sqlite"
SCHEMA_VERSION = 1
DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another writer before giving up
INSERT_CHUNK = 50_000  # rows per executemany call (bounds memory; progress is reported per chunk)

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

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
    """CREATE TABLE IF NOT EXISTS batches (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,                 -- ISO 8601, UTC
        who TEXT NOT NULL DEFAULT '',
        rows INTEGER NOT NULL,                 -- canonical rows
        placements INTEGER NOT NULL,           -- placement rows
        replaced INTEGER NOT NULL DEFAULT 0,   -- rows in force that this batch superseded on import
        replaced_placements INTEGER NOT NULL DEFAULT 0,
        undone TEXT,                           -- ISO 8601 time of the undo; NULL while active
        undone_by TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE IF NOT EXISTS batch_files (
        batch INTEGER NOT NULL REFERENCES batches(id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        PRIMARY KEY (batch, position)
    )""",
    "CREATE INDEX IF NOT EXISTS batch_files_sha256 ON batch_files(sha256)",
    """CREATE TABLE IF NOT EXISTS schemes (
        id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 268435455),
        name TEXT NOT NULL UNIQUE
    )""",
    """CREATE TABLE IF NOT EXISTS origins (
        id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 2147483647),
        municipality TEXT NOT NULL,
        file TEXT NOT NULL,
        sheet TEXT NOT NULL,
        col TEXT NOT NULL,
        UNIQUE (file, sheet, col, municipality)
    )""",
    """CREATE TABLE IF NOT EXISTS data (
        batch INTEGER NOT NULL REFERENCES batches(id),
        key INTEGER NOT NULL,            -- code | year<<14 | period<<26 | index<<28 | scheme id<<35
        value REAL,
        origin INTEGER NOT NULL,         -- origins.id<<32 | (row + 2**31)
        live INTEGER NOT NULL DEFAULT 1  -- 1 = in force
    )""",
    "CREATE INDEX IF NOT EXISTS data_key ON data(key, batch)",
    "CREATE INDEX IF NOT EXISTS data_batch ON data(batch, live)",
    """CREATE TABLE IF NOT EXISTS placements (
        batch INTEGER NOT NULL REFERENCES batches(id),
        year INTEGER NOT NULL,
        education TEXT NOT NULL,
        agreed REAL,
        realised REAL,
        file TEXT NOT NULL,
        sheet TEXT NOT NULL,
        row INTEGER NOT NULL,
        live INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX IF NOT EXISTS placements_key ON placements(year, education, batch)",
    "CREATE INDEX IF NOT EXISTS placements_batch ON placements(batch, live)",
    """CREATE TABLE IF NOT EXISTS scenarios (
        name TEXT PRIMARY KEY,
        payload TEXT NOT NULL,                 -- JSON
        data_version TEXT NOT NULL,            -- Store.version() the scenario was made on
        saved TEXT NOT NULL,
        who TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE VIEW IF NOT EXISTS data_rows AS
        SELECT d.batch, o.municipality, d.key & 16383 AS code, (d.key >> 14) & 4095 AS year,
               CASE (d.key >> 26) & 3 WHEN 0 THEN 'M' WHEN 1 THEN 'Q' ELSE 'Y' END AS period,
               (d.key >> 28) & 127 AS "index", s.name AS scheme, d.value, o.file, o.sheet,
               (d.origin & 4294967295) - 2147483648 AS row, o.col AS "column", d.live
        FROM data d JOIN schemes s ON s.id = d.key >> 35 JOIN origins o ON o.id = d.origin >> 32""",
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
    """The SQLite store in `directory` (created on first use). Cheap to construct; holds no connection."""

    def __init__(self, directory: str | Path, *, timeout: float = DEFAULT_TIMEOUT, read_only: bool | None = None):
        """`read_only=None`: read-only when `$CSR_READ_ONLY` is 1 or this process cannot write the store
        (`writable`). A read-only store shows what is stored and refuses every write with READ_ONLY_MESSAGE."""
        self.directory = Path(directory)
        self.path = self.directory / FILENAME
        self.timeout = timeout
        _make_directory(self.directory)
        if read_only is None:
            read_only = os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "ja") or not writable(
                self.directory, self.path
            )
        self.read_only = read_only
        self._uri: str | None = None  # the read-only connection's URI (None: read-write, or no file yet)
        self._open()

    @classmethod
    def default(cls, *, timeout: float = DEFAULT_TIMEOUT) -> Store:
        """The store in `$CSR_DATA_DIR`, or `./data` when it is not set."""
        return cls(os.environ.get(DATA_DIR_ENV) or DEFAULT_DIRECTORY, timeout=timeout)

    def __repr__(self) -> str:
        return f"Store({str(self.directory)!r})"

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
            batch = con.execute(
                "INSERT INTO batches (created, who, rows, placements) VALUES (?, ?, ?, ?)",
                (created.isoformat(), who, data.n, len(placements)),
            ).lastrowid
            assert batch is not None  # an INSERT sets lastrowid
            con.executemany(
                "INSERT INTO batch_files (batch, position, name, sha256, size, rows) VALUES (?, ?, ?, ?, ?, ?)",
                [(batch, i, f.name, f.sha256, f.size, f.rows) for i, f in enumerate(infos)],
            )
            others = (
                con.execute("SELECT 1 FROM batches WHERE id <> ? AND undone IS NULL LIMIT 1", (batch,)).fetchone()
                is not None
            )
            replaced = self._insert_data(con, batch, data, others, progress)
            replaced_placements = self._insert_placements(con, batch, placements, others)
            con.execute(
                "UPDATE batches SET replaced = ?, replaced_placements = ? WHERE id = ?",
                (replaced, replaced_placements, batch),
            )
            _bump_generation(con)
        notes = tuple(
            f"Filen {name} var allerede indlæst den {danish_time(earlier[sha][1])} (import nr. "
            f"{earlier[sha][0]}); dens tal er gemt igen sammen med de andre filer."
            for (name, _), sha in zip(files, hashes, strict=True)
            if sha in earlier
        )
        return BatchInfo(
            batch, created, who, infos, data.n, len(placements), replaced, replaced_placements, notes=notes
        )

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
        con: sqlite3.Connection,
        batch: int,
        data: _PreparedData,
        others: bool,
        progress: Callable[[int, int], object] | None,
    ) -> int:
        scheme_ids = _ids(con, "schemes", ("name",), [(s,) for s in data.schemes])
        origin_ids = _ids(con, "origins", ("municipality", "file", "sheet", "col"), data.origins, "file")
        keys = data.key_base | (scheme_ids[data.scheme_codes] << _SCHEME_SHIFT)
        origins = (origin_ids[data.origin_codes] << _ORIGIN_SHIFT) | data.row_biased
        sql = "INSERT INTO data (batch, key, value, origin) VALUES (?, ?, ?, ?)"
        for start in range(0, data.n, INSERT_CHUNK):
            stop = min(start + INSERT_CHUNK, data.n)
            con.executemany(
                sql,
                zip(
                    repeat(batch),
                    keys[start:stop].tolist(),
                    data.values[start:stop].tolist(),
                    origins[start:stop].tolist(),
                ),
            )
            if progress is not None:
                progress(stop, data.n)
        if not others or not data.n:
            return 0
        return con.execute(
            """UPDATE data SET live = 0 WHERE rowid IN (
                   SELECT o.rowid FROM data n JOIN data o ON o.key = n.key AND o.batch < n.batch
                   WHERE n.batch = ? AND o.live = 1)""",
            (batch,),
        ).rowcount

    def _insert_placements(self, con: sqlite3.Connection, batch: int, placements: pd.DataFrame, others: bool) -> int:
        if placements.empty:
            return 0
        con.executemany(
            "INSERT INTO placements (batch, year, education, agreed, realised, file, sheet, row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            zip(repeat(batch), *(placements[c].tolist() for c in PLACEMENT_COLUMNS)),
        )
        if not others:
            return 0
        return con.execute(
            """UPDATE placements SET live = 0 WHERE rowid IN (
                   SELECT o.rowid FROM placements n JOIN placements o
                     ON o.year = n.year AND o.education = n.education AND o.batch < n.batch
                   WHERE n.batch = ? AND o.live = 1)""",
            (batch,),
        ).rowcount

    @staticmethod
    def _active_hashes(con: sqlite3.Connection, hashes: list[str]) -> dict[str, tuple[int, datetime, str]]:
        """sha256 -> (batch, created, file name) of the newest active batch with a file of that content."""
        rows = con.execute(
            """SELECT f.sha256, b.id, b.created, f.name FROM batch_files f JOIN batches b ON b.id = f.batch
               WHERE b.undone IS NULL AND f.sha256 IN (SELECT value FROM json_each(?)) ORDER BY b.id""",
            (json.dumps(hashes),),
        ).fetchall()
        return {sha: (batch, _time(created), name) for sha, batch, created, name in rows}

    # ---- undoing -------------------------------------------------------------------------------

    def undo_preview(self, batch_id: int) -> UndoPreview:
        """What `undo(batch_id)` would change: numbers that revert to an older import or disappear."""
        with self._read() as con:
            info = self._batch(con, batch_id)
            _require_active(info)
            rows = con.execute(
                f"""SELECT d.key, d.value, d.origin, o.value, o.batch FROM data d
                    LEFT JOIN data o ON o.rowid = ({_NEWEST_OTHER.format(t="data", match="o2.key = d.key")})
                    WHERE d.batch = ? AND d.live = 1 ORDER BY d.rowid""",
                (batch_id,),
            ).fetchall()
            arr = _columns(rows, 5)
            changes = _decode(con, arr[0].astype(np.int64), arr[1].astype(np.float64), arr[2].astype(np.int64))
            changes = changes[["municipality", "code", "year", "period", "index", "scheme", "value"]].assign(
                value_after=arr[3].astype(np.float64), from_batch=pd.array(arr[4], dtype="Int64")
            )
            prows = con.execute(
                f"""SELECT d.year, d.education, d.agreed, d.realised, o.agreed, o.realised, o.batch
                    FROM placements d LEFT JOIN placements o ON o.rowid = ({
                    _NEWEST_OTHER.format(t="placements", match="o2.year = d.year AND o2.education = d.education")
                })
                    WHERE d.batch = ? AND d.live = 1 ORDER BY d.rowid""",
                (batch_id,),
            ).fetchall()
            live = con.execute("SELECT COUNT(*) FROM data WHERE batch = ? AND live = 1", (batch_id,)).fetchone()[0]
            live_p = con.execute(
                "SELECT COUNT(*) FROM placements WHERE batch = ? AND live = 1", (batch_id,)
            ).fetchone()[0]
        placement_changes = pd.DataFrame(
            prows, columns=["year", "education", "agreed", "realised", "agreed_after", "realised_after", "from_batch"]
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
        unchanged = info.rows - live + info.placements - live_p
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
            con.execute("UPDATE batches SET undone = ?, undone_by = ? WHERE id = ?", (now.isoformat(), who, batch_id))
            for table, match in (
                ("data", "o2.key = d.key"),
                ("placements", "o2.year = d.year AND o2.education = d.education"),
            ):
                con.execute(
                    f"""UPDATE {table} SET live = 1 WHERE rowid IN (
                            SELECT ({_NEWEST_OTHER.format(t=table, match=match)})
                            FROM {table} d WHERE d.batch = ? AND d.live = 1)""",
                    (batch_id,),
                )
                con.execute(f"UPDATE {table} SET live = 0 WHERE batch = ? AND live = 1", (batch_id,))
            _bump_generation(con)
        return replace(info, undone=now, undone_by=who)

    # ---- reading -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Data and placements in force, with their version, read in one consistent transaction."""
        with self._read() as con:
            version = _version(con)
            active = con.execute("SELECT COUNT(*) FROM batches WHERE undone IS NULL").fetchone()[0]
            arr = _columns(con.execute("SELECT key, value, origin FROM data WHERE live = 1").fetchall(), 3)
            data = _decode(con, arr[0].astype(np.int64), arr[1].astype(np.float64), arr[2].astype(np.int64))
            placements = pd.DataFrame(
                con.execute(f"SELECT {', '.join(PLACEMENT_COLUMNS)} FROM placements WHERE live = 1").fetchall(),
                columns=list(PLACEMENT_COLUMNS),
            )
        return Snapshot(version, data, placements.astype(empty_placements().dtypes.to_dict()), active)

    def current(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The canonical data and placements in force (the newest active batch wins per key), in
        import order: older batches first, each batch's rows in the order they were given."""
        snap = self.snapshot()
        return snap.data, snap.placements

    def is_empty(self) -> bool:
        """True when no import is active (the app then shows its sample data)."""
        with self._read() as con:
            return con.execute("SELECT 1 FROM batches WHERE undone IS NULL LIMIT 1").fetchone() is None

    def version(self) -> str:
        """Changes whenever what `current()` returns changes; a key for caches and scenarios."""
        with self._read() as con:
            return _version(con)

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
            batches = con.execute(
                """SELECT b.id, b.created, b.who, b.rows, b.placements, b.replaced + b.replaced_placements,
                          b.undone, b.undone_by,
                          (SELECT COUNT(*) FROM data d WHERE d.batch = b.id AND d.live = 1),
                          (SELECT COUNT(*) FROM placements p WHERE p.batch = b.id AND p.live = 1)
                   FROM batches b ORDER BY b.id DESC"""
            ).fetchall()
            files: dict[int, list[tuple[str, str]]] = {}
            for batch, name, sha in con.execute("SELECT batch, name, sha256 FROM batch_files ORDER BY batch, position"):
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
            text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"Scenariet '{name}' kan ikke gemmes: det indeholder noget, der ikke kan gemmes som tekst ({exc})."
            ) from exc
        saved = datetime.now(UTC)
        with self._write() as con:
            version = data_version or _version(con)
            con.execute(
                """INSERT INTO scenarios (name, payload, data_version, saved, who) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET payload = excluded.payload,
                       data_version = excluded.data_version, saved = excluded.saved, who = excluded.who""",
                (name, text, version, saved.isoformat(), who),
            )
            outdated = version != _version(con)
        return Scenario(name, json.loads(text), version, saved, who, outdated)

    def scenarios(self) -> pd.DataFrame:
        """Saved scenarios by name: when, by whom, on which data version, and whether data changed since."""
        with self._read() as con:
            version = _version(con)
            rows = con.execute("SELECT name, saved, who, data_version FROM scenarios ORDER BY name").fetchall()
        return pd.DataFrame(
            {
                "name": pd.array([r[0] for r in rows], dtype="str"),
                "saved": pd.to_datetime([r[1] for r in rows], utc=True),
                "who": pd.array([r[2] for r in rows], dtype="str"),
                "data_version": pd.array([r[3] for r in rows], dtype="str"),
                "outdated": pd.array([r[3] != version for r in rows], dtype="bool"),
            }
        )

    def load_scenario(self, name: str) -> Scenario:
        with self._read() as con:
            version = _version(con)
            row = con.execute(
                "SELECT name, payload, data_version, saved, who FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            raise StoreError(f"Scenariet '{name}' findes ikke.")
        return Scenario(row[0], json.loads(row[1]), row[2], _time(row[3]), row[4], row[2] != version)

    def delete_scenario(self, name: str) -> None:
        with self._write() as con:
            if con.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount == 0:
                raise StoreError(f"Scenariet '{name}' findes ikke.")

    # ---- connections -----------------------------------------------------------------------------

    def _open(self) -> None:
        """Create the schema on first use; refuse a database from a newer version of the program."""
        _require_regular(self.path)
        if self.read_only:
            self._open_read_only()
            return
        con = self._connect()
        try:
            version = _schema_version(con)
            if version is None:
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(
                        "Databasen i datamappen kan ikke køre i WAL-tilstand (er mappen på et netværksdrev?). "
                        f"Vælg en lokal mappe med {DATA_DIR_ENV}."
                    )
                con.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    con.execute(statement)
                con.executemany(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("store_id", uuid.uuid4().hex[:12]), ("generation", 0)],
                )
                con.execute("COMMIT")
                version = _schema_version(con)
            _require_schema(version)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()

    def _open_read_only(self) -> None:
        """Open without writing anything, not even a WAL or lock file: `mode=ro`, or `immutable=1` when
        SQLite cannot read the WAL database that way (its -shm file is missing and the folder is read-only).
        Without a database file yet, the store is empty (an in-memory schema)."""
        if not self.path.exists():
            return
        last: sqlite3.Error | None = None
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            self._uri = f"{self.path.resolve().as_uri()}?{flags}"
            con = self._connect()
            try:
                version = _schema_version(con)
                if version is None:  # an empty file: an empty store
                    self._uri = None
                _require_schema(version, missing_ok=True)
                return
            except sqlite3.Error as exc:
                last = exc
            finally:
                con.close()
        assert last is not None  # every pass of the loop returns or keeps its error
        raise self._error(last) from last

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        try:
            con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA synchronous = FULL")
            con.execute(f"PRAGMA journal_size_limit = {64 * 1024 * 1024}")  # a big import's WAL shrinks again
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        return con

    def _connect_read_only(self) -> sqlite3.Connection:
        try:
            if self._uri is None:  # no database file: an empty store
                con = sqlite3.connect(":memory:", isolation_level=None)
                for statement in _SCHEMA:
                    con.execute(statement)
                con.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("store_id", "tom"), ("generation", 0)],
                )
                return con
            return sqlite3.connect(self._uri, uri=True, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        if self.read_only:
            raise StoreError(READ_ONLY_MESSAGE)
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back by itself (e.g. disk full)
                with suppress(sqlite3.Error):
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            con.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every SELECT in the block sees the same committed state."""
        con = self._connect()
        try:
            con.execute("BEGIN")
            yield con
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            con.close()

    def _error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return StoreError(BUSY_MESSAGE)
        if "full" in text:
            return StoreError("Der er ikke plads på disken til databasen i datamappen; intet er gemt.")
        if "readonly" in text or "read-only" in text:
            return StoreError(READ_ONLY_MESSAGE)
        if "unable to open" in text:
            return StoreError(
                "Databasen i datamappen kan ikke åbnes; intet er gemt. Tjek rettighederne til datamappen."
            )
        if "not a database" in text or "malformed" in text or "file is not" in text:
            return StoreError(
                "Databasen i datamappen er ikke en brugbar CSR-database (den er beskadiget eller "
                "noget andet). Flyt den væk, og indlæs filerne igen."
            )
        log.warning("Store error in %s: %s", self.directory, exc)
        return StoreError("Databasen i datamappen gav en uventet fejl; intet er ændret.")

    def _batch(self, con: sqlite3.Connection, batch_id: int) -> BatchInfo:
        row = con.execute(
            """SELECT id, created, who, rows, placements, replaced, replaced_placements, undone, undone_by
               FROM batches WHERE id = ?""",
            (int(batch_id),),
        ).fetchone()
        if row is None:
            raise StoreError(f"Import nr. {batch_id} findes ikke.")
        files = tuple(
            FileInfo(*f)
            for f in con.execute(
                "SELECT name, sha256, size, rows FROM batch_files WHERE batch = ? ORDER BY position", (row[0],)
            )
        )
        undone = _time(row[7]) if row[7] else None
        return BatchInfo(row[0], _time(row[1]), row[2], files, row[3], row[4], row[5], row[6], undone, row[8])

    # ---- import profiles -----------------------------------------------------------------------

    def save_profile(self, name: str, payload: dict, who: str = "") -> SavedProfile:
        """Save (or overwrite) a named import profile (`csr.importers.mapping.Profile.to_dict()`), with who
        saved it and when. The table is created on first use, also in a store made before profiles existed."""
        name = (name or "").strip()
        if not name:
            raise StoreError("Giv profilen et navn.")
        try:
            text = json.dumps({**payload, "name": name}, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"Profilen '{name}' kan ikke gemmes: den indeholder noget, der ikke kan gemmes som tekst."
            ) from exc
        saved = datetime.now(UTC)
        with self._write() as con:
            con.execute(_PROFILES_TABLE)
            con.execute(
                """INSERT INTO profiles (name, payload, saved, who) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET payload = excluded.payload, saved = excluded.saved,
                       who = excluded.who""",
                (name, text, saved.isoformat(), who),
            )
        return SavedProfile(name, json.loads(text), saved, who)

    def profiles(self) -> list[SavedProfile]:
        """The saved import profiles, the newest first (the order in which they are matched)."""
        with self._read() as con:
            if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'profiles'").fetchone() is None:
                return []
            rows = con.execute("SELECT name, payload, saved, who FROM profiles ORDER BY saved DESC, name").fetchall()
        return [SavedProfile(r[0], _profile_payload(r[0], r[1]), _time(r[2]), r[3]) for r in rows]

    def delete_profile(self, name: str) -> None:
        with self._write() as con:
            con.execute(_PROFILES_TABLE)
            if con.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount == 0:
                raise StoreError(f"Profilen '{name}' findes ikke.")


# The newest row of another active batch with the same key as `d` (a correlated subquery).
_NEWEST_OTHER = """SELECT o2.rowid FROM {t} o2 JOIN batches b2 ON b2.id = o2.batch
                   WHERE {match} AND o2.batch <> d.batch AND b2.undone IS NULL
                   ORDER BY o2.batch DESC LIMIT 1"""


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
        self.key_base = code | (year << _YEAR_SHIFT) | (period << _PERIOD_SHIFT) | (index << _INDEX_SHIFT)
        dup = pd.Series(self.key_base | (self.scheme_codes << _SCHEME_SHIFT)).duplicated()
        if dup.any():
            r = frame[dup.to_numpy()].iloc[0]
            raise StoreError(
                f"Importen har det samme tal to gange ({r['municipality']}, {r['year']} {r['period']}{r['index']}, "
                f"{r['scheme']}) og er ikke gemt."
            )
        self.values = np.asarray(frame["value"], dtype=np.float64)
        self.row_biased = row + _ROW_BIAS
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
    con: sqlite3.Connection, table: str, columns: tuple[str, ...], values: list[tuple], by: str | None = None
) -> np.ndarray:
    """The ids of `values` in a lookup table (added when new), in the order of `values`. With `by`,
    only the rows sharing that column's values are read back (the table grows with every import)."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    names = ", ".join(columns)
    con.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", values)
    if by is None:
        rows = con.execute(f"SELECT id, {names} FROM {table}").fetchall()
    else:
        at = columns.index(by)
        rows = list(
            chain.from_iterable(
                con.execute(f"SELECT id, {names} FROM {table} WHERE {by} = ?", (v,)) for v in {v[at] for v in values}
            )
        )
    known = {row[1:]: row[0] for row in rows}
    return np.array([known[v] for v in values], dtype=np.int64)


# ---- reading rows -----------------------------------------------------------------------------


def _columns(rows: list[tuple], width: int) -> np.ndarray:
    """Fetched rows as `width` object columns (None stays None until a column is cast)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return flat.reshape(len(rows), width).T


def _decode(con: sqlite3.Connection, keys: np.ndarray, values: np.ndarray, origins: np.ndarray) -> pd.DataFrame:
    """Stored (key, value, origin) triples back into canonical rows with canonical dtypes."""
    if not len(keys):
        return empty_canonical()
    scheme_pos, scheme_ids = pd.factorize(keys >> _SCHEME_SHIFT)
    names = dict(con.execute("SELECT id, name FROM schemes"))
    schemes = pd.array([names[i] for i in scheme_ids], dtype="str").take(scheme_pos)
    origin_pos, origin_ids = pd.factorize(origins >> _ORIGIN_SHIFT)
    found = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT id, municipality, file, sheet, col FROM origins WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(np.asarray(origin_ids).tolist()),),
        )
    }
    texts = list(zip(*(found[i] for i in origin_ids), strict=True))
    text = [pd.array(list(t), dtype="str").take(origin_pos) for t in texts]
    return pd.DataFrame(
        {
            "municipality": text[0],
            "code": (keys & _MAX_CODE).astype(np.int32),
            "year": ((keys >> _YEAR_SHIFT) & _MAX_YEAR).astype(np.int32),
            "period": pd.array(list(PERIODS), dtype="str").take((keys >> _PERIOD_SHIFT) & 3),
            "index": ((keys >> _INDEX_SHIFT) & _MAX_INDEX).astype(np.int8),
            "scheme": schemes,
            "value": values,
            "file": text[1],
            "sheet": text[2],
            "row": ((origins & _ROW_MASK) - _ROW_BIAS).astype(np.int32),
            "column": text[3],
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


def _require_schema(version: int | None, missing_ok: bool = False) -> None:
    if version is None and missing_ok:
        return
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"Databasen i datamappen er lavet af en anden version af programmet (skemaversion {version}, dette "
            f"program bruger {SCHEMA_VERSION}). Opdatér programmet, eller vælg en anden mappe med {DATA_DIR_ENV}."
        )


def _schema_version(con: sqlite3.Connection) -> int | None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return None if row is None else int(row[0])


def _version(con: sqlite3.Connection) -> str:
    meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'generation')"))
    return f"{meta['store_id']}:{meta['generation']}"


def _bump_generation(con: sqlite3.Connection) -> None:
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")


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

_PROFILES_TABLE = """CREATE TABLE IF NOT EXISTS profiles (
    name TEXT PRIMARY KEY,
    payload TEXT NOT NULL,                 -- JSON: csr.importers.mapping.Profile.to_dict()
    saved TEXT NOT NULL,                   -- ISO 8601, UTC
    who TEXT NOT NULL DEFAULT ''
)"""


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
    "ACTIVE",
    "UNDONE",
    "BUSY_MESSAGE",
    "READ_ONLY_MESSAGE",
    "DATA_DIR_ENV",
    "danish_time",
]

"""The first release's schema (schema 1): packed integer keys in `data`, SQLite only.

A store written by the first release has these tables without an `alembic_version` table; opening it
stamps it at this revision and upgrades it from here. On PostgreSQL (which the first release never
used) this revision does nothing.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA_1 = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
    """CREATE TABLE IF NOT EXISTS batches (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        who TEXT NOT NULL DEFAULT '',
        rows INTEGER NOT NULL,
        placements INTEGER NOT NULL,
        replaced INTEGER NOT NULL DEFAULT 0,
        replaced_placements INTEGER NOT NULL DEFAULT 0,
        undone TEXT,
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
        key INTEGER NOT NULL,
        value REAL,
        origin INTEGER NOT NULL,
        live INTEGER NOT NULL DEFAULT 1
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
        payload TEXT NOT NULL,
        data_version TEXT NOT NULL,
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


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for statement in SCHEMA_1:
        op.execute(statement)
    # The first release wrote the store id and generation here; 0002 moves them to `state`.
    op.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', 1)")
    op.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(6))))")
    op.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0)")

"""Plain columns instead of packed keys, the version in a one-row table, profiles and the audit log.

- `data`: municipality code, year, period, period index, scheme id, value, batch, origin id and row, each
  in its own column (schema 1 packed them into two integers); `placements` gets an `id`. The order of the
  rows (the first release's rowids) is kept as `id`, so "what is in force" reads back in import order.
- `state` (one row): the store id and the generation that make up `Store.version()`, moved from `meta`;
  `meta.schema_version` becomes 2, so the first release refuses the upgraded file with its own message.
- `profiles` (the first release created it on first use) and the append-only `audit` table.
- The view `data_rows` joins scheme names and provenance, for anyone using SQL directly.

A schema-1 store's tables are renamed, copied into the new ones and dropped, inside the one migration
transaction: the upgrade happens completely or not at all.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: the rowid itself
DOUBLE = sa.Float(precision=53)
OLD_TABLES = ("batches", "batch_files", "schemes", "origins", "data", "placements", "scenarios", "profiles")
OLD_INDEXES = ("batch_files_sha256", "data_key", "data_batch", "placements_key", "placements_batch")

PACKED_KEY = (
    "code | (CAST(year AS BIGINT) << 14)"
    " | (CAST(CASE period WHEN 'M' THEN 0 WHEN 'Q' THEN 1 ELSE 2 END AS BIGINT) << 26)"
    " | (CAST(period_index AS BIGINT) << 28) | (CAST(scheme AS BIGINT) << 35)"
)
DATA_ROWS = """CREATE VIEW data_rows AS
    SELECT d.id, d.batch, o.municipality, d.code, d.year, d.period, d.period_index, s.name AS scheme, d.value,
           o.file, o.sheet, d.row, o.col AS "column", d.live
    FROM data d JOIN schemes s ON s.id = d.scheme JOIN origins o ON o.id = d.origin"""


def _text(name: str, default: str | None = None, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable, server_default=default)


def create_tables() -> None:
    op.create_table(
        "state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="state_one_row"),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("created"),  # ISO 8601, UTC
        _text("who", ""),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("placements", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("replaced_placements", sa.Integer(), nullable=False, server_default="0"),
        _text("undone", nullable=True),  # ISO 8601 time of the undo; NULL while active
        _text("undone_by", ""),
    )
    op.create_table(
        "batch_files",
        sa.Column("batch", sa.Integer(), sa.ForeignKey("batches.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        _text("name"),
        _text("sha256"),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
    )
    op.create_index("batch_files_sha256", "batch_files", ["sha256"])
    op.create_table(
        "schemes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("name"),
        sa.UniqueConstraint("name", name="schemes_name"),
    )
    op.create_table(
        "origins",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("municipality"),
        _text("file"),
        _text("sheet"),
        _text("col"),
        sa.UniqueConstraint("file", "sheet", "col", "municipality", name="origins_unique"),
    )
    op.create_table(
        "data",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("batch", sa.Integer(), sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),  # municipality code
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(1), nullable=False),  # M, Q or Y
        sa.Column("period_index", sa.Integer(), nullable=False),  # month, quarter or 0 for a year
        # `scheme` and `origin` are ids in `schemes` and `origins`, written by the store in the transaction that
        # looks them up. They are not declared foreign keys: on PostgreSQL the two extra checks per row made
        # storing a national import about twice as slow (the batch, as in schema 1, is one).
        sa.Column("scheme", sa.Integer(), nullable=False),
        sa.Column("value", DOUBLE, nullable=True),
        sa.Column("origin", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("live", sa.SmallInteger(), nullable=False, server_default="1"),  # 1 = in force
    )
    # The key index is on the key packed into one integer (the expression the store's queries use): a
    # six-column index made storing a national import on PostgreSQL ~1.7x slower than this one.
    op.execute(f"CREATE INDEX data_key ON data (({PACKED_KEY}), batch)")
    op.create_index("data_batch", "data", ["batch", "live"])
    op.create_table(
        "placements",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("batch", sa.Integer(), sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _text("education"),
        sa.Column("agreed", DOUBLE, nullable=True),
        sa.Column("realised", DOUBLE, nullable=True),
        _text("file"),
        _text("sheet"),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("live", sa.SmallInteger(), nullable=False, server_default="1"),
    )
    op.create_index("placements_key", "placements", ["year", "education", "batch"])
    op.create_index("placements_batch", "placements", ["batch", "live"])
    op.create_table(
        "scenarios",
        sa.Column("name", sa.Text(), primary_key=True),
        _text("payload"),  # JSON
        _text("data_version"),  # Store.version() the scenario was made on
        _text("saved"),
        _text("who", ""),
    )
    op.create_table(
        "profiles",
        sa.Column("name", sa.Text(), primary_key=True),
        _text("payload"),  # JSON: csr.importers.mapping.Profile.to_dict()
        _text("saved"),
        _text("who", ""),
    )
    op.create_table(
        "audit",
        sa.Column("id", BIG_ID, primary_key=True),
        _text("at"),  # ISO 8601, UTC, microseconds: text order is time order
        _text("who", ""),
        _text("role", ""),
        _text("event"),
        _text("detail", ""),
        _text("address", ""),
        sa.Column("municipality", sa.Integer(), nullable=True),
    )
    op.create_index("audit_at", "audit", ["at"])
    op.execute(DATA_ROWS)


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    from_schema_1 = "data" in tables
    if from_schema_1:
        op.execute("DROP VIEW IF EXISTS data_rows")
        for index in OLD_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {index}")
        for table in OLD_TABLES:
            if table in tables:
                op.rename_table(table, f"{table}_v1")
    else:
        op.create_table("meta", sa.Column("key", sa.Text(), primary_key=True), sa.Column("value", sa.Text()))
    create_tables()
    if not from_schema_1:
        op.execute(f"INSERT INTO state (id, store_id, generation) VALUES (1, '{uuid.uuid4().hex[:12]}', 0)")
        op.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '2')")
        return
    op.execute(
        """INSERT INTO state (id, store_id, generation)
           SELECT 1, (SELECT value FROM meta WHERE key = 'store_id'), (SELECT value FROM meta WHERE key = 'generation')"""
    )
    op.execute("DELETE FROM meta WHERE key IN ('store_id', 'generation')")
    op.execute("UPDATE meta SET value = 2 WHERE key = 'schema_version'")
    op.execute(
        """INSERT INTO batches (id, created, who, rows, placements, replaced, replaced_placements, undone, undone_by)
           SELECT id, created, who, rows, placements, replaced, replaced_placements, undone, undone_by
           FROM batches_v1 ORDER BY id"""
    )
    op.execute(
        """INSERT INTO batch_files (batch, position, name, sha256, size, rows)
           SELECT batch, position, name, sha256, size, rows FROM batch_files_v1"""
    )
    op.execute("INSERT INTO schemes (id, name) SELECT id, name FROM schemes_v1")
    op.execute(
        "INSERT INTO origins (id, municipality, file, sheet, col) SELECT id, municipality, file, sheet, col FROM origins_v1"
    )
    op.execute(
        """INSERT INTO data (id, batch, code, year, period, period_index, scheme, value, origin, row, live)
           SELECT rowid, batch, key & 16383, (key >> 14) & 4095,
                  CASE (key >> 26) & 3 WHEN 0 THEN 'M' WHEN 1 THEN 'Q' ELSE 'Y' END,
                  (key >> 28) & 127, key >> 35, value, origin >> 32, (origin & 4294967295) - 2147483648, live
           FROM data_v1 ORDER BY rowid"""
    )
    op.execute(
        """INSERT INTO placements (id, batch, year, education, agreed, realised, file, sheet, row, live)
           SELECT rowid, batch, year, education, agreed, realised, file, sheet, row, live
           FROM placements_v1 ORDER BY rowid"""
    )
    op.execute(
        """INSERT INTO scenarios (name, payload, data_version, saved, who)
           SELECT name, payload, data_version, saved, who FROM scenarios_v1"""
    )
    if "profiles" in tables:
        op.execute("INSERT INTO profiles (name, payload, saved, who) SELECT name, payload, saved, who FROM profiles_v1")
    for table in ("data", "placements", "batch_files", "origins", "schemes", "scenarios", "profiles", "batches"):
        if table in tables:
            op.execute(f"DROP TABLE {table}_v1")

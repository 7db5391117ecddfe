"""SQLite only: an index of the rows in force, holding what the hot read fetches (`Store.snapshot`).

The hot read fetches three values a row: the key columns packed into one integer, the value, and the origin
and row packed into another (`csr.store._PACKED_KEY`, `_PACKED_ORIGIN`). SQLite computed the two packed
expressions for every row at every read, about a quarter of the read's time on national data; the first
release's store had them as columns. This partial index holds them, in id order (import order, which the read
returns), for the rows with `live = 1` only, so the read scans the index instead of computing them, and the
tables keep their plain columns. Measured in the README ("Performance", `benchmarks/bench_store_engines.py`).

PostgreSQL reads the same expressions fast enough (within the goal of 2x SQLite), and there an index would
only slow the COPY of an import: nothing changes there. No table or row changes on either engine.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The same expressions, word for word, as the store's hot read (SQLite matches an indexed expression to a
# query's by its parse tree; a test checks that the read's plan uses this index).
PACKED_KEY = (
    "(code | (CAST(year AS BIGINT) << 14)"
    " | (CAST(CASE period WHEN 'M' THEN 0 WHEN 'Q' THEN 1 ELSE 2 END AS BIGINT) << 26)"
    " | (CAST(period_index AS BIGINT) << 28) | (CAST(scheme AS BIGINT) << 35))"
)
PACKED_ORIGIN = "((CAST(origin AS BIGINT) << 32) | (CAST(row AS BIGINT) + 2147483648))"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX data_live ON data (id, {PACKED_KEY}, value, {PACKED_ORIGIN}) WHERE live = 1")

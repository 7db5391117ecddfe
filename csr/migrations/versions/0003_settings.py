"""The administrator's settings: the table `settings`, one row each time they are saved.

Each row holds the overrides of the strategy file that were saved (JSON, the strategy file's key names:
`csr.settings`), when and by whom; the newest row is in force, and an empty payload ("{}") means the strategy
file as it is. Rows are only added, so the table is also the settings' history (the audit log says the same in
words). Nothing else changes: every table, row and the version of schema 2 stay as they are.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: the rowid itself


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("saved", sa.Text(), nullable=False),  # ISO 8601, UTC
        sa.Column("who", sa.Text(), nullable=False, server_default=""),
        sa.Column("payload", sa.Text(), nullable=False),  # JSON: the overrides of the strategy file
    )

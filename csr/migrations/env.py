"""Alembic's environment: the store hands over its open connection (inside its write transaction)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transactional_ddl=True, render_as_batch=False)
with context.begin_transaction():
    context.run_migrations()

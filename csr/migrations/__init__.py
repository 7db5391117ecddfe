"""Alembic migrations of the store's schema (run programmatically by `csr.db.upgrade`; no alembic.ini)."""

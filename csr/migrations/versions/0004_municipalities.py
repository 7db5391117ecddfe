"""Many municipalities in one store: a `tenant` column on every table of a municipality's own rows, and on
PostgreSQL row-level security that keeps them apart.

- `tenant` (the municipality code of the owner of the row; not `data.code`, the municipality a number is about)
  on batches, batch_files, data, placements, origins, scenarios, profiles, settings, audit and state. Existing
  rows get the home of the strategy file in force (`csr.config.default_config().home`), the same municipality
  a `Store` without `tenant` works as, so an upgraded single-municipality store keeps everything.
- `state` holds one row per tenant (the version of each municipality's data); scenario and profile names are
  unique per tenant. `schemes` (scheme names, a shared vocabulary) has no tenant.
- PostgreSQL only: the column defaults to the transaction's tenant (`csr_tenant()`, from the setting
  `csr.tenant` that the store sets with `set_config(..., true)` in every transaction), and ENABLE + FORCE ROW
  LEVEL SECURITY with policies: a row is seen and written only with its tenant's code set. Rows with tenant
  NULL (national data loaded by the host administrator) are readable by every tenant in the data tables
  (batches, batch_files, data, placements, origins, state), writable by none; scenarios, profiles,
  settings and audit are strictly per tenant. The host administrator connects as the role that ran this
  migration (the tables' owner) with `csr.tenant = 'host'`, and then reads and writes only NULL-tenant rows.
  Batch numbers are per tenant (the batch key is (tenant, id)); the host's national batches are numbered
  from 1,000,001 so they never meet a municipality's own numbers.
- SQLite: the column exists too (one tenant: its default is the home code), no row-level security.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "batches",
    "batch_files",
    "data",
    "placements",
    "origins",
    "state",
    "scenarios",
    "profiles",
    "settings",
    "audit",
)
SHARED_READ = ("batches", "batch_files", "data", "placements", "origins", "state")  # national rows readable
ADDED = ("batches", "batch_files", "data", "placements", "origins", "settings", "audit")  # ALTER TABLE ADD
CSR_TENANT = """CREATE FUNCTION csr_tenant() RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN current_setting('csr.tenant', true) ~ '^[0-9]{1,9}$'
                THEN current_setting('csr.tenant', true)::integer END $$"""
HOST = "current_setting('csr.tenant', true) = 'host'"


def home_code() -> int:
    """The municipality that owns a single-municipality store's rows: the strategy file's home."""
    from csr.config import default_config

    return int(default_config().home)


def _rebuild(name: str, columns: list[sa.Column], constraints: list, copy: str) -> None:
    """A small table recreated with its new key, its rows copied in."""
    op.rename_table(name, f"{name}_v3")
    op.create_table(name, *columns, *constraints)
    op.execute(copy)
    op.drop_table(f"{name}_v3")


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    home = home_code()
    if postgres:
        op.execute(CSR_TENANT)
    for table in ADDED:
        op.execute(f"ALTER TABLE {table} ADD COLUMN tenant INTEGER DEFAULT {home}")
    text = lambda name, default=None: sa.Column(name, sa.Text(), nullable=False, server_default=default)  # noqa: E731
    tenant = lambda: sa.Column("tenant", sa.Integer(), nullable=False, server_default=str(home))  # noqa: E731
    _rebuild(
        "scenarios",
        [tenant(), text("name"), text("payload"), text("data_version"), text("saved"), text("who", "")],
        [sa.PrimaryKeyConstraint("tenant", "name")],
        f"INSERT INTO scenarios (tenant, name, payload, data_version, saved, who) "
        f"SELECT {home}, name, payload, data_version, saved, who FROM scenarios_v3",
    )
    _rebuild(
        "profiles",
        [tenant(), text("name"), text("payload"), text("saved"), text("who", "")],
        [sa.PrimaryKeyConstraint("tenant", "name")],
        f"INSERT INTO profiles (tenant, name, payload, saved, who) SELECT {home}, name, payload, saved, who "
        "FROM profiles_v3",
    )
    _rebuild(
        "state",
        [
            sa.Column("tenant", sa.Integer(), nullable=True, server_default=str(home)),  # NULL: the national data
            text("store_id"),
            sa.Column("generation", sa.BigInteger(), nullable=False),
        ],
        [],
        f"INSERT INTO state (tenant, store_id, generation) SELECT {home}, store_id, generation FROM state_v3",
    )
    nulls = " NULLS NOT DISTINCT" if postgres else ""
    op.execute(f"CREATE UNIQUE INDEX state_tenant ON state (tenant){nulls}")
    if not postgres:
        return  # SQLite: one tenant; ids stay unique in the store, no row-level security

    # Batch ids are per tenant: the key is (tenant, id); batch_files' and placements' references follow it.
    for table, kind in (("placements", "f"), ("batch_files", "f"), ("batch_files", "p"), ("batches", "p")):
        for (name,) in bind.exec_driver_sql(
            f"SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype = '{kind}'"
        ).fetchall():
            op.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    op.execute(f"CREATE UNIQUE INDEX batches_tenant_id ON batches (tenant, id){nulls}")
    op.execute(f"CREATE UNIQUE INDEX batch_files_key ON batch_files (tenant, batch, position){nulls}")
    op.execute("ALTER TABLE origins DROP CONSTRAINT origins_unique")
    op.execute(f"CREATE UNIQUE INDEX origins_unique ON origins (tenant, file, sheet, col, municipality){nulls}")
    op.execute("ALTER VIEW data_rows SET (security_invoker = true)")
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN tenant SET DEFAULT csr_tenant()")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        # `(SELECT csr_tenant())`: a scalar subquery, computed once per statement (an InitPlan) instead of per row.
        own = "tenant = (SELECT csr_tenant())"
        read = f"tenant IS NULL OR {own}" if table in SHARED_READ else own
        op.execute(f"CREATE POLICY tenant_select ON {table} FOR SELECT USING ({read})")
        op.execute(f"CREATE POLICY tenant_insert ON {table} FOR INSERT WITH CHECK ({own})")
        op.execute(f"CREATE POLICY tenant_update ON {table} FOR UPDATE USING ({own}) WITH CHECK ({own})")
        op.execute(f"CREATE POLICY tenant_delete ON {table} FOR DELETE USING ({own})")
        # The host administrator: the tables' owner (the role running this migration) with csr.tenant = 'host'.
        op.execute(
            f"CREATE POLICY host_national ON {table} FOR ALL TO CURRENT_USER "
            f"USING (tenant IS NULL AND {HOST}) WITH CHECK (tenant IS NULL AND {HOST})"
        )

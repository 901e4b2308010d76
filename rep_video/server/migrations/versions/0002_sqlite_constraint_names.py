"""Name the constraints of SQLite databases made by release 0.1.0.

`create_all` left SQLite's unique and foreign-key constraints without names (PostgreSQL named
them itself, with the names the models now declare). A later revision can only drop or change
a constraint it can name, so on SQLite each table is rebuilt once, rows copied, with the
models' names. Fresh databases already have them: nothing to do there, nor on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

# The models' convention (rep_video.server.db.NAMING_CONVENTION) as it stood on this day.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
TABLES = ("accounts", "api_tokens", "shares", "uploads", "view_events")


def _unnamed(inspector: sa.Inspector, table: str) -> bool:
    constraints = [
        *inspector.get_unique_constraints(table),
        *inspector.get_foreign_keys(table),
    ]
    return any(not c.get("name") for c in constraints)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    inspector = sa.inspect(bind)
    for table in TABLES:
        if _unnamed(inspector, table):
            with op.batch_alter_table(table, recreate="always", naming_convention=NAMING):
                pass


def downgrade() -> None:
    pass  # the names do no harm to release 0.1.0's code

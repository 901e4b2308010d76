"""What quotas and retention need on a share: `declared_bytes` (the sum of its declared
files' sizes, so an account's total is one SUM) and `revoked_at` (retention counts from it).

Existing shares get their total from `files_json`; a share revoked before this revision gets
the upgrade's time as `revoked_at`, so its retention period starts now rather than never.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("shares") as batch:
        batch.add_column(sa.Column("declared_bytes", BigInt, nullable=False, server_default="0"))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    # Plain SQL (no rows read into Python), so `admin db upgrade --sql` can print it too.
    if op.get_context().dialect.name == "sqlite":
        total = "SELECT SUM(json_extract(value, '$.size')) FROM json_each(shares.files_json)"
    else:
        total = (
            "SELECT SUM((f->>'size')::bigint) FROM json_array_elements(shares.files_json::json) f"
        )
    op.execute(f"UPDATE shares SET declared_bytes = COALESCE(({total}), 0)")  # noqa: S608 - constant text
    op.execute(
        "UPDATE shares SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE state = 'revoked' AND revoked_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("shares") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("declared_bytes")

"""What quotas and retention need on a share: `declared_bytes` (the sum of its declared
files' sizes, so an account's total is one SUM) and `revoked_at` (retention counts from it).

Existing shares get their total from `files_json`; a share revoked before this revision gets
the upgrade's time as `revoked_at`, so its retention period starts now rather than never.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rep_video.server.migrations.tables import UTC, BigInt, add_columns, drop_columns, is_sqlite

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    add_columns(
        "shares",
        sa.Column("declared_bytes", BigInt, nullable=False, server_default="0"),
        sa.Column("revoked_at", UTC, nullable=True),
    )
    # Plain SQL (no rows read into Python), so `admin db upgrade --sql` can print it too.
    if is_sqlite():
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
    drop_columns("shares", "declared_bytes", "revoked_at")

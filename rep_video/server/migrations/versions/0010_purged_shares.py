"""`purged_shares`: the SHA-256 of each token whose share the retention purge deleted, and
when, so the link answers 410 "no longer available" instead of 404 "check the link" (which
would send a physician holding a real link looking for a typo). Only the hash: nothing of the
share, the recipient or the rep is kept.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purged_shares",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="purged_shares_pkey"),
    )


def downgrade() -> None:
    op.drop_table("purged_shares")

"""`purged_shares`: the SHA-256 of each token whose share the retention purge deleted, and
when, so the link answers 410 "no longer available" instead of 404 "check the link" (which
would send a physician holding a real link looking for a typo). Only the hash: nothing of the
share, the recipient or the rep is kept.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import UTC, create, drop, keys

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    create(
        "purged_shares",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purged_at", UTC, nullable=False),
        keys=keys("purged_shares", primary="token_hash"),
    )


def downgrade() -> None:
    drop("purged_shares")

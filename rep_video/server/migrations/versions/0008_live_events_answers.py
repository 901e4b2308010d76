"""`share_answers` (what the physician sent from the page) and `live_events` (what a rep's
event stream, GET /api/v1/events, is told, in id order).
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import UTC, BigInt, create, drop, keys, serial, share_id

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    create(
        "share_answers",
        serial(),
        share_id(),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("preferred_time", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        keys=keys("share_answers", ("share_id", "shares.id")),
        indexed=("share_id",),
    )
    create(
        "live_events",
        serial(),
        sa.Column("account_id", BigInt, nullable=False),
        share_id(nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("answer_id", BigInt, nullable=True),
        sa.Column("at", UTC, nullable=False),
        keys=keys("live_events"),
        indexed=("account_id", "at"),
    )


def downgrade() -> None:
    drop("live_events", "share_answers")

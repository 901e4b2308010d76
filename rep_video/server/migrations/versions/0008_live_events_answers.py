"""`share_answers` (what the physician sent from the page) and `live_events` (what a rep's
event stream, GET /api/v1/events, is told, in id order).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "share_answers",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("preferred_time", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"], name="share_answers_share_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="share_answers_pkey"),
    )
    op.create_index("ix_share_answers_share_id", "share_answers", ["share_id"])
    op.create_table(
        "live_events",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("account_id", BigInt, nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("answer_id", BigInt, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="live_events_pkey"),
    )
    op.create_index("ix_live_events_account_id", "live_events", ["account_id"])
    op.create_index("ix_live_events_at", "live_events", ["at"])


def downgrade() -> None:
    op.drop_table("live_events")
    op.drop_table("share_answers")

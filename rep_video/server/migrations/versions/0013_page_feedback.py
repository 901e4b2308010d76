"""`page_feedback`: the answers to the page's optional "Was this video useful?" (yes/no and
when, by share only; rep_video/server/feedback.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "page_feedback",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"], name="page_feedback_share_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="page_feedback_pkey"),
    )
    op.create_index("ix_page_feedback_share_id", "page_feedback", ["share_id"])


def downgrade() -> None:
    op.drop_table("page_feedback")

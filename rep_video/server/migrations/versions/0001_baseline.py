"""Baseline: the schema release 0.1.0 created with `create_all`. A database made by that
release is stamped with this revision (rep_video.server.migrate), not created again.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# 64-bit ids; SQLite autoincrements only INTEGER (which is 64-bit there).
BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="accounts_pkey"),
        sa.UniqueConstraint("name", name="accounts_name_key"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("account_id", BigInt, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="api_tokens_account_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="api_tokens_pkey"),
        sa.UniqueConstraint("token_hash", name="api_tokens_token_hash_key"),
    )
    op.create_index("ix_api_tokens_account_id", "api_tokens", ["account_id"])
    op.create_table(
        "shares",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", BigInt, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("rep_name", sa.String(length=300), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="shares_account_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="shares_pkey"),
        sa.UniqueConstraint("token", name="shares_token_key"),
    )
    op.create_index("ix_shares_account_id", "shares", ["account_id"])
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("length", BigInt, nullable=False),
        sa.Column("offset", BigInt, nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"], name="uploads_share_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="uploads_pkey"),
    )
    op.create_index("ix_uploads_expires_at", "uploads", ["expires_at"])
    op.create_index("ix_uploads_share_id", "uploads", ["share_id"])
    op.create_table(
        "view_events",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"], name="view_events_share_id_fkey"),
        sa.PrimaryKeyConstraint("id", name="view_events_pkey"),
    )
    op.create_index("ix_view_events_share_id", "view_events", ["share_id"])


def downgrade() -> None:
    for table in ("view_events", "uploads", "shares", "api_tokens", "accounts"):
        op.drop_table(table)

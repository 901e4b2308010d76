"""Baseline: the schema release 0.1.0 created with `create_all`. A database made by that
release is stamped with this revision (rep_video.server.migrate), not created again.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations import tables as t

revision = "0001"
down_revision = None


def upgrade() -> None:
    account = ("account_id", "accounts.id")
    share = ("share_id", "shares.id")
    t.create(
        "accounts",
        t.serial(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        t.created(),
        keys=t.keys("accounts", unique="name"),
    )
    t.create(
        "api_tokens",
        t.serial(),
        sa.Column("account_id", t.BigInt, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        t.created(),
        keys=t.keys("api_tokens", account, unique="token_hash"),
        indexed=("account_id",),
    )
    t.create(
        "shares",
        t.share_id("id"),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", t.BigInt, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("rep_name", sa.String(length=300), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        t.created(),
        sa.Column("expires_at", t.UTC, nullable=True),
        keys=t.keys("shares", account, unique="token"),
        indexed=("account_id",),
    )
    t.create(
        "uploads",
        t.share_id("id"),
        t.share_id(),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("length", t.BigInt, nullable=False),
        sa.Column("offset", t.BigInt, nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        t.created(),
        sa.Column("expires_at", t.UTC, nullable=False),
        keys=t.keys("uploads", share),
        indexed=("expires_at", "share_id"),
    )
    t.create(
        "view_events",
        t.serial(),
        t.share_id(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("at", t.UTC, nullable=False),
        keys=t.keys("view_events", share),
        indexed=("share_id",),
    )


def downgrade() -> None:
    t.drop("view_events", "uploads", "shares", "api_tokens", "accounts")

"""Baseline: the schema release 0.1.0 created with `create_all`. A database made by that
release is stamped with this revision (rep_video.server.migrate), not created again.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# 64-bit ids; SQLite autoincrements only INTEGER (which is 64-bit there).
BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def _serial() -> sa.Column[int]:
    return sa.Column("id", BigInt, autoincrement=True, nullable=False)


def _share_id(name: str) -> sa.Column[str]:
    """A share's or an upload's id (`shr_…`, `upl_…`), or a column naming a share."""
    return sa.Column(name, sa.String(length=40), nullable=False)


def _created() -> sa.Column[object]:
    return sa.Column("created_at", UTC, nullable=False)


def _keys(
    table: str, refers: tuple[str, str] | None = None, unique: str | None = None
) -> list[sa.Constraint]:
    """A table's constraints under the names PostgreSQL gives them by default, which release
    0.1.0's tables have: `<table>_<column>_fkey`, `<table>_pkey` (on id), `<table>_<column>_key`."""
    keys: list[sa.Constraint] = []
    if refers is not None:
        column, target = refers
        keys.append(sa.ForeignKeyConstraint([column], [target], name=f"{table}_{column}_fkey"))
    keys.append(sa.PrimaryKeyConstraint("id", name=f"{table}_pkey"))
    if unique is not None:
        keys.append(sa.UniqueConstraint(unique, name=f"{table}_{unique}_key"))
    return keys


def _create(
    table: str, *columns: sa.Column[Any], keys: list[sa.Constraint], indexed: tuple[str, ...] = ()
) -> None:
    """Create `table` with its columns and constraints, and an index on each `indexed` column
    (named `ix_<table>_<column>`, as the models name theirs)."""
    op.create_table(table, *columns, *keys)
    for column in indexed:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    account = ("account_id", "accounts.id")
    share = ("share_id", "shares.id")
    _create(
        "accounts",
        _serial(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        _created(),
        keys=_keys("accounts", unique="name"),
    )
    _create(
        "api_tokens",
        _serial(),
        sa.Column("account_id", BigInt, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _created(),
        keys=_keys("api_tokens", account, unique="token_hash"),
        indexed=("account_id",),
    )
    _create(
        "shares",
        _share_id("id"),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", BigInt, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("rep_name", sa.String(length=300), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        _created(),
        sa.Column("expires_at", UTC, nullable=True),
        keys=_keys("shares", account, unique="token"),
        indexed=("account_id",),
    )
    _create(
        "uploads",
        _share_id("id"),
        _share_id("share_id"),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("length", BigInt, nullable=False),
        sa.Column("offset", BigInt, nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        _created(),
        sa.Column("expires_at", UTC, nullable=False),
        keys=_keys("uploads", share),
        indexed=("expires_at", "share_id"),
    )
    _create(
        "view_events",
        _serial(),
        _share_id("share_id"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("at", UTC, nullable=False),
        keys=_keys("view_events", share),
        indexed=("share_id",),
    )


def downgrade() -> None:
    for table in ("view_events", "uploads", "shares", "api_tokens", "accounts"):
        op.drop_table(table)

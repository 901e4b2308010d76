"""Identity comes from the account: the name, role, e-mail and phone an admin sets for each
account (pages show these, not what the rep's client sends), when an account was disabled,
and API tokens that expire or are revoked. All new columns are nullable: existing accounts
and tokens keep working as before (no identity set, no expiry).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

ACCOUNT_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("display_name", sa.String(length=200)),
    ("role", sa.String(length=200)),
    ("email", sa.String(length=254)),
    ("phone", sa.String(length=40)),
    ("disabled_at", sa.DateTime(timezone=True)),
)
TOKEN_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("expires_at", sa.DateTime(timezone=True)),
    ("revoked_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Nullable columns without defaults: a plain ADD COLUMN on SQLite and PostgreSQL alike.
    for name, type_ in ACCOUNT_COLUMNS:
        op.add_column("accounts", sa.Column(name, type_, nullable=True))
    for name, type_ in TOKEN_COLUMNS:
        op.add_column("api_tokens", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        for name, _type in reversed(TOKEN_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("accounts") as batch:
        for name, _type in reversed(ACCOUNT_COLUMNS):
            batch.drop_column(name)

"""`accounts.team`: the team an admin puts a rep in (`rep-video admin accounts set NAME
--team ...`), for `rep-video admin report --team`; never shown on a page.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("team", sa.String(200), nullable=True))
        batch.create_index("ix_accounts_team", ["team"])


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_index("ix_accounts_team")
        batch.drop_column("team")

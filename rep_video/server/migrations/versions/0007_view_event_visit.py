"""`view_events.visit`: the random id a page load sends with its beacons, so one page load
keeps one progress row (its furthest point) however often its beacons are replayed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("view_events") as batch:
        batch.add_column(sa.Column("visit", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("view_events") as batch:
        batch.drop_column("visit")

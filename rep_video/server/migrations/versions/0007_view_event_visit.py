"""`view_events.visit`: the random id a page load sends with its beacons, so one page load
keeps one progress row (its furthest point) however often its beacons are replayed.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import add_columns, drop_columns

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    add_columns("view_events", sa.Column("visit", sa.String(32), nullable=True))


def downgrade() -> None:
    drop_columns("view_events", "visit")

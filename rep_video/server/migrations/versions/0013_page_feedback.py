"""`page_feedback`: the answers to the page's optional "Was this video useful?" (yes/no and
when, by share only; rep_video/server/feedback.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import UTC, create, drop, keys, serial, share_id

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    create(
        "page_feedback",
        serial(),
        share_id(),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        keys=keys("page_feedback", ("share_id", "shares.id")),
        indexed=("share_id",),
    )


def downgrade() -> None:
    drop("page_feedback")

"""`accounts.team`: the team an admin puts a rep in (`rep-video admin accounts set NAME
--team ...`), for `rep-video admin report --team`; never shown on a page.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import add_columns, drop_columns

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    add_columns("accounts", sa.Column("team", sa.String(200), nullable=True), indexed=["team"])


def downgrade() -> None:
    drop_columns("accounts", "team", indexed=["team"])

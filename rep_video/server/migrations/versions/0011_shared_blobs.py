"""`uploads.blob`: the blob an upload row stands for when it is another share's file (one
recording sent to several physicians: the video is stored once and every page refers to it;
rep_video/server/shared_blobs.py). NULL: the share's own file, `shares/<id>/<name>`.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import add_columns, drop_columns

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    add_columns("uploads", sa.Column("blob", sa.String(300), nullable=True), indexed=["blob"])


def downgrade() -> None:
    drop_columns("uploads", "blob", indexed=["blob"])

"""`uploads.blob`: the blob an upload row stands for when it is another share's file (one
recording sent to several physicians: the video is stored once and every page refers to it;
rep_video/server/shared_blobs.py). NULL: the share's own file, `shares/<id>/<name>`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("blob", sa.String(300), nullable=True))
        batch.create_index("ix_uploads_blob", ["blob"])


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_index("ix_uploads_blob")
        batch.drop_column("blob")

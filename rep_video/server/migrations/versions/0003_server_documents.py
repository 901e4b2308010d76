"""The content catalog and the policy an admin pushes to the server (`admin catalog push`,
`admin policy push`): one row each, the whole validated document as JSON.
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations.tables import UTC, create, drop, keys

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create(
        "server_documents",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        keys=keys("server_documents", primary="name"),
    )


def downgrade() -> None:
    drop("server_documents")

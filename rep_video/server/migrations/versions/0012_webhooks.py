"""`webhook_endpoints` (the receivers an admin configured, with their signing secrets) and
`webhook_deliveries` (the persistent queue of signed webhooks and each endpoint's delivery
log; rep_video/server/webhook_delivery.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from rep_video.server.migrations import tables as t

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    t.create(
        "webhook_endpoints",
        t.serial(),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        t.created(),
        sa.Column("lease_owner", sa.String(length=40), nullable=True),
        sa.Column("lease_until", t.UTC, nullable=True),
        keys=t.keys("webhook_endpoints"),
    )
    t.create(
        "webhook_deliveries",
        t.serial(),
        sa.Column("endpoint_id", t.BigInt, nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        t.share_id(nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        t.created(),
        sa.Column("next_attempt_at", t.UTC, nullable=False),
        sa.Column("finished_at", t.UTC, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        keys=t.keys("webhook_deliveries", ("endpoint_id", "webhook_endpoints.id")),
        indexed=("endpoint_id", "share_id", "state"),
    )


def downgrade() -> None:
    t.drop("webhook_deliveries", "webhook_endpoints")

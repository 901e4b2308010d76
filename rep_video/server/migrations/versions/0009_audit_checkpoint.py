"""`audit_checkpoint`: where the audit log begins once the retention purge has deleted its
oldest records (`retention.audit_days`; rep_video/server/audit_purge.py): the last purged
record's number and hash, which `admin audit verify` starts the chain from, and how many
records were purged in all. The DELETE trigger now lets a record go only at or below that
number, which the purge moves in the transaction that deletes them, after sealing an
'audit purge' record stating it into the chain; every other UPDATE or DELETE is refused as
before (TRUNCATE too, on PostgreSQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rep_video.server.migrations import tables as t

revision = "0009"
down_revision = "0008"

# A record at or below the checkpoint may go (the purge moved it first); none above it.
THROUGH = "COALESCE((SELECT through_seq FROM audit_checkpoint WHERE id = 1), 0)"


def upgrade() -> None:
    t.create(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("through_seq", t.BigInt, nullable=False),
        sa.Column("through_hash", sa.String(length=64), nullable=False),
        sa.Column("purged", t.BigInt, nullable=False),
        keys=t.keys("audit_checkpoint"),
    )
    row = f"INSERT INTO audit_checkpoint (id, through_seq, through_hash, purged) VALUES (1, 0, '{t.GENESIS}', 0)"  # noqa: S608, E501 - constant text
    op.execute(row)
    if t.is_sqlite():
        op.execute("DROP TRIGGER audit_records_no_delete")
        op.execute(
            "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
            f"WHEN OLD.seq > {THROUGH} BEGIN SELECT RAISE(ABORT, '{t.REFUSAL}'); END"
        )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' AND OLD.seq <= {THROUGH} THEN RETURN OLD; END IF; "
        f"RAISE EXCEPTION '{t.REFUSAL}'; END $$"
    )


def downgrade() -> None:
    if t.is_sqlite():
        op.execute("DROP TRIGGER audit_records_no_delete")
        op.execute(
            "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
            f"BEGIN SELECT RAISE(ABORT, '{t.REFUSAL}'); END"
        )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{t.REFUSAL}'; END $$"
        )
    t.drop("audit_checkpoint")

"""The server's audit log: `audit_records` (append-only, one hash chain) and `audit_head`
(its last record, the row appends lock), with the genesis head in place. Triggers refuse
UPDATE and DELETE of a record (and TRUNCATE on PostgreSQL): nothing the server runs can
change one, and whoever drops the triggers to do it leaves a chain `admin audit verify`
names the record in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rep_video.server.migrations import tables as t

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    t.create(
        "audit_records",
        sa.Column("seq", t.BigInt, autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("share_id", sa.String(length=40), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=True),
        sa.Column("video_sha256", sa.String(length=64), nullable=True),
        sa.Column("items_json", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        keys=t.keys("audit_records", primary="seq"),
        indexed=("at", "share_id"),
    )
    t.create(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", t.BigInt, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        keys=t.keys("audit_head"),
    )
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{t.GENESIS}')")  # noqa: S608 - constant text
    if t.is_sqlite():
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_records_no_{what.lower()} BEFORE {what} ON audit_records "
                f"BEGIN SELECT RAISE(ABORT, '{t.REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{t.REFUSAL}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()"
    )


def downgrade() -> None:
    t.drop("audit_head", "audit_records")  # the records' triggers go with them
    if not t.is_sqlite():
        op.execute("DROP FUNCTION audit_records_append_only()")

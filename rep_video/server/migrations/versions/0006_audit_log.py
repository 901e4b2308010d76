"""The server's audit log: `audit_records` (append-only, one hash chain) and `audit_head`
(its last record, the row appends lock), with the genesis head in place. Triggers refuse
UPDATE and DELETE of a record (and TRUNCATE on PostgreSQL): nothing the server runs can
change one, and whoever drops the triggers to do it leaves a chain `admin audit verify`
names the record in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS = "0" * 64
REFUSAL = "audit records are append-only"


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("seq", BigInt, autoincrement=False, nullable=False),
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
        sa.PrimaryKeyConstraint("seq", name="audit_records_pkey"),
    )
    op.create_index("ix_audit_records_at", "audit_records", ["at"])
    op.create_index("ix_audit_records_share_id", "audit_records", ["share_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", BigInt, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="audit_head_pkey"),
    )
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS}')")  # noqa: S608 - constant text
    if op.get_context().dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_records_no_{what.lower()} BEFORE {what} ON audit_records "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
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
    op.drop_table("audit_head")
    op.drop_table("audit_records")  # its triggers go with it
    if op.get_context().dialect.name != "sqlite":
        op.execute("DROP FUNCTION audit_records_append_only()")

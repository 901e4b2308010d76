"""What the revisions in versions/ share: the column types and the naming of keys and indexes
the schema has used since release 0.1.0, and the three shapes most revisions take (create
tables, add nullable columns, audit triggers).

A revision is a record of what a database went through; what it means must never change. So
nothing here that a revision uses may change either: a schema that needs another rule gets a
new helper, and the revisions written before it keep theirs. The models (rep_video/server/db.py)
are not imported: they change with every release."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# 64-bit ids; SQLite autoincrements only INTEGER (which is 64-bit there).
BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)
# The audit chain's first `prev_hash`, and what its triggers say when a change is refused.
GENESIS = "0" * 64
REFUSAL = "audit records are append-only"


def serial() -> sa.Column[int]:
    return sa.Column("id", BigInt, autoincrement=True, nullable=False)


def share_id(name: str = "share_id", *, nullable: bool = False) -> sa.Column[str]:
    """A share's or an upload's id (`shr_…`, `upl_…`), or a column naming a share."""
    return sa.Column(name, sa.String(length=40), nullable=nullable)


def created() -> sa.Column[object]:
    return sa.Column("created_at", UTC, nullable=False)


def keys(
    table: str,
    refers: tuple[str, str] | None = None,
    unique: str | None = None,
    primary: str = "id",
) -> list[sa.Constraint]:
    """A table's constraints under the names PostgreSQL gives them by default, which release
    0.1.0's tables have: `<table>_<column>_fkey`, `<table>_pkey`, `<table>_<column>_key`."""
    found: list[sa.Constraint] = []
    if refers is not None:
        column, target = refers
        found.append(sa.ForeignKeyConstraint([column], [target], name=f"{table}_{column}_fkey"))
    found.append(sa.PrimaryKeyConstraint(primary, name=f"{table}_pkey"))
    if unique is not None:
        found.append(sa.UniqueConstraint(unique, name=f"{table}_{unique}_key"))
    return found


def create(
    table: str, *columns: sa.Column[Any], keys: list[sa.Constraint], indexed: Sequence[str] = ()
) -> None:
    """Create `table` with its columns and constraints, and an index on each `indexed` column
    (named `ix_<table>_<column>`, as the models name theirs)."""
    op.create_table(table, *columns, *keys)
    for column in indexed:
        op.create_index(f"ix_{table}_{column}", table, [column])


def drop(*tables: str) -> None:
    """Drop `tables` in the order given (the ones that refer to others first)."""
    for table in tables:
        op.drop_table(table)


def add_columns(table: str, *columns: sa.Column[Any], indexed: Sequence[str] = ()) -> None:
    """Add nullable `columns` (or ones with a server default) to `table`, and an index on each
    `indexed` one; in batch mode, which SQLite needs to alter a table."""
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.add_column(column)
        for name in indexed:
            batch.create_index(f"ix_{table}_{name}", [name])


def drop_columns(table: str, *names: str, indexed: Sequence[str] = ()) -> None:
    """Undo `add_columns`: the indexes first, then the columns, last added first."""
    with op.batch_alter_table(table) as batch:
        for name in indexed:
            batch.drop_index(f"ix_{table}_{name}")
        for name in reversed(names):
            batch.drop_column(name)


def is_sqlite() -> bool:
    return bool(op.get_context().dialect.name == "sqlite")

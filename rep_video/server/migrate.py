"""Schema migrations: bring a server database to the revision this release needs (Alembic,
revisions in `rep_video/server/migrations/versions/`).

A database made before migrations existed (tables created by `create_all`, no version) is
stamped with the baseline revision, never recreated: its rows stay. Upgrades run one at a time
per database: PostgreSQL holds an advisory lock for the whole upgrade, SQLite a lock file
beside the database, so instances started together wait for each other instead of racing.

Developers: `python -m rep_video.server.migrate revision "what changed"` writes the next
revision (see the package docstring of `rep_video.server.migrations`).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, inspect, select

from rep_video.errors import UserError
from rep_video.file_lock import held_lock
from rep_video.server.db import make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE = "0001"
# What `create_all` made before the migrations: a database with all of these and no version
# is that schema, and is stamped with BASELINE.
BASELINE_TABLES = frozenset({"accounts", "api_tokens", "shares", "uploads", "view_events"})
# pg_advisory_lock key: any constant shared by every instance ("RVmigr" in ASCII).
_PG_LOCK_KEY = 0x52566D696772


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    before: str | None  # None: an empty database, or one made before migrations
    after: str
    stamped: bool  # the database predates migrations and was stamped with the baseline

    def describe(self) -> str:
        if self.before == self.after:
            return f"database schema is up to date (revision {self.after})"
        start = "an empty database" if self.before is None else f"revision {self.before}"
        stamp = f" (existing tables recognised as revision {BASELINE})" if self.stamped else ""
        return f"database schema upgraded from {start} to revision {self.after}{stamp}"


def _config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(_config()).get_heads()
    if len(heads) != 1:  # two revisions on one parent: a developer's merge left a fork
        raise RuntimeError(f"schema migrations have {len(heads)} heads: {heads}")
    return str(heads[0])


def _known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _has_baseline_tables(connection: Connection) -> bool:
    present = BASELINE_TABLES & set(inspect(connection).get_table_names())
    if present and present != BASELINE_TABLES:
        missing = ", ".join(sorted(BASELINE_TABLES - present))
        raise UserError(
            f"the database has some RepVideo tables but not {missing}, and no schema version; "
            "restore it from a backup (docs/SERVER.md, Back up and restore)"
        )
    return bool(present)


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in _known_revisions():
        raise UserError(
            f"the database schema is at revision {revision}, newer than this release knows "
            f"(its newest is {head_revision()}); run the newer release, or restore the backup "
            "taken before that upgrade"
        )


@contextlib.contextmanager
def _locked_connection(engine: Engine) -> Iterator[Connection]:
    """A connection no other upgrade of the same database runs beside."""
    with contextlib.ExitStack() as stack:
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database and database != ":memory:":
            stack.enter_context(held_lock(Path(database + ".migrate-lock")))
        conn = stack.enter_context(engine.connect())
        if engine.dialect.name == "sqlite":
            _sqlite_foreign_keys_off(conn)
            stack.callback(_sqlite_foreign_keys_back_on, conn)
        if engine.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_lock(_PG_LOCK_KEY)))
            conn.commit()
            stack.callback(_pg_unlock, conn)
        yield conn


def _sqlite_foreign_keys_off(conn: Connection) -> None:
    # Batch migrations rebuild a table (copy, drop, rename); with foreign keys on, dropping a
    # table others refer to fails. The pragma only works outside a transaction, so here.
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()


def _sqlite_foreign_keys_back_on(conn: Connection) -> None:
    conn.rollback()
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    conn.commit()
    if broken:  # a revision's bug: say so rather than serve a database with dangling rows
        raise RuntimeError(f"schema upgrade left rows with broken references: {broken[:5]}")


def _pg_unlock(conn: Connection) -> None:
    conn.rollback()
    conn.execute(select(func.pg_advisory_unlock(_PG_LOCK_KEY)))
    conn.commit()


def upgrade(engine: Engine, revision: str = "head") -> UpgradeResult:
    """Bring the database to `revision` (default: this release's newest), creating the
    tables of an empty one and stamping one made before migrations."""
    with _locked_connection(engine) as conn:
        before = current_revision(conn)
        _refuse_unknown(before)
        cfg = _config(conn)
        stamped = before is None and _has_baseline_tables(conn)
        if stamped:
            command.stamp(cfg, BASELINE)
            conn.commit()
        command.upgrade(cfg, revision)
        conn.commit()
        return UpgradeResult(before=before, after=current_revision(conn) or "", stamped=stamped)


def require_current(engine: Engine) -> None:
    """Refuse to run against a database that is not at this release's revision."""
    with engine.connect() as conn:
        revision = current_revision(conn)
        _refuse_unknown(revision)
        head = head_revision()
        if revision != head:
            at = "has no schema version" if revision is None else f"is at revision {revision}"
            raise UserError(
                f"the database {at} and this release needs {head}: run `rep-video admin db "
                "upgrade` (docs/SERVER.md, Upgrade), or set migrate_on_start = true"
            )


def status(engine: Engine) -> tuple[str | None, str]:
    """(the database's revision, this release's revision)."""
    with engine.connect() as conn:
        return current_revision(conn), head_revision()


def upgrade_sql(url: str, *, exists: bool = True) -> str:
    """The SQL `upgrade` would run on the database at `url` (not touched when `exists` is
    false: the SQL that creates it), for a DBA who applies it by hand."""
    if url.startswith("sqlite"):
        # SQLite revisions rebuild tables from what they find there: they need the database.
        raise UserError(
            "--sql is for a database a DBA manages (PostgreSQL); upgrade SQLite with "
            "`rep-video admin db upgrade`"
        )
    start, stamp = None, False
    if exists:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                start = current_revision(conn)
                _refuse_unknown(start)
                stamp = start is None and _has_baseline_tables(conn)
        finally:
            engine.dispose()
    out = StringIO()
    cfg = _config(url=url)
    cfg.output_buffer = out
    if stamp:
        command.stamp(cfg, BASELINE, sql=True)
        start = BASELINE
    if start != head_revision():
        command.upgrade(cfg, f"{start}:head" if start else "head", sql=True)
    return out.getvalue()


def new_revision(message: str) -> Path:
    """Developers: write the next revision with what autogenerate finds between the models
    and a scratch database at the current head."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite3'}")
        try:
            upgrade(engine)
            number = max(int(r) for r in _known_revisions() if r.isdigit()) + 1
            with engine.connect() as conn:
                cfg = _config(conn)
                # The project's formatter, so the new file passes `ruff format --check`.
                cfg.set_section_option("post_write_hooks", "hooks", "ruff")
                cfg.set_section_option("post_write_hooks", "ruff.type", "module")
                cfg.set_section_option("post_write_hooks", "ruff.module", "ruff")
                cfg.set_section_option(
                    "post_write_hooks", "ruff.options", "format REVISION_SCRIPT_FILENAME"
                )
                script = command.revision(cfg, message, autogenerate=True, rev_id=f"{number:04d}")
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m rep_video.server.migrate revision "what changed"')
    print(new_revision(sys.argv[2]))

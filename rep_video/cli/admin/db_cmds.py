"""`rep-video admin db upgrade|status`: the share server's schema (rep_video.server.migrate)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rep_video.cli.server_options import (
    add_server_options,
    existing_server_settings,
    server_settings,
)
from rep_video.cli.subcommands import arg, command, group

if TYPE_CHECKING:
    pass


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmds = group(sub, "db", "the server database's schema: upgrade, status", "db_command",
                 "COMMAND")  # fmt: skip
    command(cmds, "upgrade",
            "bring the database to this release's schema (safe to repeat; waits for an "
            "upgrade another instance is running)", upgrade,
            arg("--sql", action="store_true",
                help="print the SQL instead of running it (for a DBA who applies it by hand)"),
            where=add_server_options)  # fmt: skip
    command(cmds, "status", "the database's schema revision and this release's (exit 1: behind)",
            status, where=add_server_options)  # fmt: skip


def upgrade(args: argparse.Namespace) -> int:
    from rep_video.server import migrate
    from rep_video.server.db import make_engine

    settings = server_settings(args)
    if args.sql:
        exists = bool(settings.database_url) or settings.sqlite_path.exists()
        print(migrate.upgrade_sql(settings.effective_database_url(), exists=exists), end="")
        return 0
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url())
    try:
        print(migrate.upgrade(engine).describe())
    finally:  # a command's connections end with it, also when it runs inside another program
        engine.dispose()
    return 0


def status(args: argparse.Namespace) -> int:
    from rep_video.server import migrate
    from rep_video.server.db import make_engine

    settings = existing_server_settings(args)
    engine = make_engine(settings.effective_database_url())
    try:
        current, head = migrate.status(engine)
    finally:
        engine.dispose()
    if current == head:
        print(f"database schema is up to date (revision {head})")
        return 0
    at = "has no schema version" if current is None else f"is at revision {current}"
    print(f"database {at}; this release needs {head}: run `rep-video admin db upgrade`")
    return 1

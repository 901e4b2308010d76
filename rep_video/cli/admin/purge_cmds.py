"""`rep-video admin purge [--dry-run]`: the retention purge (rep_video/server/retention.py) run
by hand on the server's own data: shares past the policy's retention and shares never
published in time, with their files, uploads and view events. `rep-video serve` runs the same
purge every `purge_interval_seconds`; the two never run at once (a database lock)."""

from __future__ import annotations

import argparse
import sys

from rep_video.cli.server_options import add_server_options, existing_server_settings
from rep_video.cli.subcommands import arg, command


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command(sub, "purge",
            "delete shares past the policy's retention (files, uploads, view events)", purge,
            arg("--dry-run", action="store_true",
                help="list what would be deleted, delete nothing"),
            where=add_server_options)  # fmt: skip


def purge(args: argparse.Namespace) -> int:
    from rep_video.server import migrate
    from rep_video.server.db import make_engine, session_factory
    from rep_video.server.ratelimit import FailureLimiter
    from rep_video.server.retention import BY_HAND, purge_once
    from rep_video.server.state import ServerState, make_blob_store

    settings = existing_server_settings(args)
    engine = make_engine(settings.effective_database_url())
    try:
        migrate.require_current(engine)
        state = ServerState(
            settings=settings,
            sessions=session_factory(engine),
            blobs=make_blob_store(settings),
            page_limiter=FailureLimiter(0),
            api_limiter=FailureLimiter(0),
        )
        report = purge_once(state, dry_run=args.dry_run, actor=BY_HAND)
    finally:
        engine.dispose()
    if report is None:
        print("another purge is running (a server instance's hourly one); try again in a few "
              "minutes", file=sys.stderr)  # fmt: skip
        return 1
    for due in report.shares:
        print(due.line())
    print(report.summary())
    return 0

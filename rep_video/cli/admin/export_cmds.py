"""`rep-video admin export shares --since DATE --format csv|jsonl [--output FILE]`: the
shares as rows for a CRM's batch load (rep_video/server/share_export.py), read from the
server's own database (`--data`/`--config`, as `admin webhooks`). A file is written to a
temporary name and renamed when complete, so a loader never reads half an export."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from rep_video.cli.admin.webhooks_cmds import server_database
from rep_video.cli.server_options import add_server_options
from rep_video.errors import UserError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="the server's data for batch loads: shares")
    what = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    shares = what.add_parser("shares", help="one row per share created since DATE (CSV, JSONL)")
    shares.add_argument(
        "--since", required=True, metavar="DATE", help="created on or after (YYYY-MM-DD, UTC)"
    )
    shares.add_argument("--format", default="csv", metavar="csv|jsonl", help="(csv)")
    shares.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    add_server_options(shares)
    shares.set_defaults(func=export_shares)


def since_day(text: str) -> datetime:
    """`--since` as the start of that day in UTC (or a full ISO time)."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--since {text!r} is not a date; write e.g. 2026-11-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def export_shares(args: argparse.Namespace) -> int:
    from rep_video.audit.export import open_output
    from rep_video.server.share_export import FORMATS, export_rows, write_rows

    since = since_day(args.since)
    if args.format not in FORMATS:
        raise UserError(f"--format {args.format!r} is not known; use csv or jsonl")
    with server_database(args) as (engine, _settings), open_output(args.output) as out:
        count = write_rows(export_rows(engine, since), args.format, out)
    where = f" to {args.output}" if args.output else ""
    print(f"{count} shares exported{where}", file=sys.stderr)
    return 0

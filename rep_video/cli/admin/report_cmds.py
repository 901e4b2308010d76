"""`rep-video admin report --since DATE [--team NAME ...] [--format csv|html] [--output
FILE]`: adoption and the physician's experience per rep and in total
(rep_video/server/adoption_report.py), read from the server's own database (`--data` /
`--config`, as `admin export`), as CSV or as one self-contained HTML file with charts
(rep_video/server/report_html.py). A file is written to a temporary name and renamed."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

from rep_video.cli.admin.export_cmds import since_day
from rep_video.cli.admin.webhooks_cmds import server_database
from rep_video.cli.server_options import add_server_options
from rep_video.errors import UserError

FORMATS = ("csv", "html")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="adoption per rep and in total: sends, opened, watched, answers, useful"
    )
    p.add_argument(
        "--since", required=True, metavar="DATE", help="shares sent on or after (YYYY-MM-DD, UTC)"
    )
    p.add_argument(
        "--team", action="append", default=[], metavar="NAME",
        help="only the reps of this team (admin accounts set --team); repeat for several",
    )  # fmt: skip
    p.add_argument("--format", default="csv", metavar="csv|html", help="(csv)")
    p.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    add_server_options(p)
    p.set_defaults(func=report)


def report(args: argparse.Namespace) -> int:
    from rep_video.audit.export import open_output
    from rep_video.server.adoption_report import build_report, csv_rows
    from rep_video.server.report_html import render_report

    since = since_day(args.since)
    if since > datetime.now(UTC):
        raise UserError(f"--since {args.since} is in the future; give a day already begun")
    if args.format not in FORMATS:
        raise UserError(f"--format {args.format!r} is not known; use csv or html")
    if any(not team.strip() for team in args.team):
        raise UserError("--team needs a team's name (rep-video admin accounts list shows them)")
    with server_database(args) as (engine, _settings):
        try:
            built = build_report(engine, since, tuple(args.team))
        except ValueError as exc:
            raise UserError(f"--team: {exc}") from None
    with open_output(args.output) as out:
        if args.format == "csv":
            csv.writer(out, lineterminator="\n").writerows(csv_rows(built))
        else:
            out.write(render_report(built))
    where = f" to {args.output}" if args.output else ""
    print(f"report of {len(built.reps)} reps, {built.total.sends} sends{where}", file=sys.stderr)
    return 0

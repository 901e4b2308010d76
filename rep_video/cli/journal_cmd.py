"""`rep-video journal export|verify|head`: this computer's own journal of what it sent to
targets with no server (folder, S3), read the way `rep-video admin audit ...` reads a share
server's log (rep_video/audit/journal.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rep_video.audit.export import FORMATS, open_output, parse_since, write_export


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("journal", help="this computer's journal of sends to folder/S3 targets")
    cmds = p.add_subparsers(dest="journal_command", metavar="COMMAND", required=True)
    add_export_command(cmds).set_defaults(func=run_export)
    verify = cmds.add_parser("verify", help="check the hash chain (exit 1 naming a change)")
    verify.set_defaults(func=run_verify)
    head = cmds.add_parser("head", help="print the last record's number and hash")
    head.set_defaults(func=run_head)


def add_export_command(
    cmds: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """`export [--since DATE] [--format jsonl|csv] [--output FILE]`, for the journal and the
    server's audit log alike."""
    export = cmds.add_parser("export", help="write the records out (JSON lines or CSV)")
    export.add_argument("--since", metavar="DATE", help="from this day (or ISO time) on")
    export.add_argument("--format", choices=FORMATS, default="jsonl")
    export.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    return export


def run_export(args: argparse.Namespace) -> int:
    from rep_video.audit.journal import Journal

    with open_output(args.output) as out:
        count = write_export(Journal().records(parse_since(args.since)), args.format, out)
    print(f"{count} journal records exported", file=sys.stderr)
    return 0


def run_verify(_args: argparse.Namespace) -> int:
    from rep_video.audit.journal import Journal

    verdict = Journal().verify()
    print(verdict.describe())
    return 0 if verdict.ok else 1


def run_head(_args: argparse.Namespace) -> int:
    from rep_video.audit.journal import Journal

    seq, digest = Journal().head()
    print(f"{seq} {digest}")
    return 0

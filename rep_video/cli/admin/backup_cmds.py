"""`rep-video admin backup` and `admin restore`: a share server's data folder (SQLite + blobs)
to one tar file and back, while the server runs (rep_video.server.backup)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rep_video.cli.server_options import add_server_options, server_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "backup",
        help="write the server's database and files to one tar file (safe while it serves)",
    )
    add_server_options(b)
    b.add_argument("--to", type=Path, required=True, metavar="FILE.tar", help="the backup file")
    b.set_defaults(func=backup)

    r = sub.add_parser(
        "restore", help="unpack a backup into a new, empty data folder (then start the server)"
    )
    add_server_options(r)
    r.add_argument("--from", dest="archive", type=Path, required=True, metavar="FILE.tar")
    r.set_defaults(func=restore)


class _Progress:
    """`doing 42% (12.3 of 29.0 MB)` on stderr, at most twice a second."""

    def __init__(self, doing: str) -> None:
        self.doing = doing
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.5 and done < total:
            return
        self._last = now
        self._shown = True
        percent = 100 * done // max(total, 1)
        line = f"\r{self.doing} {percent}% ({done / 1e6:.1f} of {total / 1e6:.1f} MB)"
        print(line, end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self._shown:
            print(file=sys.stderr)


def backup(args: argparse.Namespace) -> int:
    from rep_video.server.backup import backup as run_backup

    progress = _Progress("backing up")
    try:
        report = run_backup(server_settings(args), args.to, progress)
    finally:
        progress.finish()
    print(report.describe())
    return 0


def restore(args: argparse.Namespace) -> int:
    from rep_video.server.backup import restore as run_restore

    progress = _Progress("restoring")
    try:
        message = run_restore(server_settings(args), args.archive, progress)
    finally:
        progress.finish()
    print(message)
    return 0

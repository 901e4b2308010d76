"""`rep-video admin backup` and `admin restore`: a share server's data folder (SQLite + blobs)
to one tar file and back, while the server runs (rep_video.server.backup)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
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


def _shown(doing: str, work: Callable[[_Progress], str]) -> int:
    """Run `work` with its progress on stderr, then print what it says it did."""
    progress = _Progress(doing)
    try:
        said = work(progress)
    finally:
        progress.finish()
    print(said)
    return 0


def backup(args: argparse.Namespace) -> int:
    from rep_video.server.backup import backup as run_backup

    settings = server_settings(args)
    return _shown("backing up", lambda p: run_backup(settings, args.to, p).describe())


def restore(args: argparse.Namespace) -> int:
    from rep_video.server.backup import restore as run_restore

    settings = server_settings(args)
    return _shown("restoring", lambda p: run_restore(settings, args.archive, p))

"""The `rep-video` command. Each sub-command lives in a small module of this package that
exposes `register(subparsers)`; this module only wires them up and turns errors into exit
codes: 0 done, 2 the user's input is wrong (one line, no traceback), 1 anything else."""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from rep_video import __version__
from rep_video.errors import Cancelled, TransientError, UnexpectedAnswer, UserError

# One line per module; each registers its own sub-commands.
COMMAND_MODULES = (
    "rep_video.cli.app_cmd",
    "rep_video.cli.server_cmds",
    "rep_video.cli.send_cmd",
    "rep_video.cli.content_cmd",
    "rep_video.cli.targets_cmd",
    "rep_video.cli.outbox_cmds",
    "rep_video.cli.doctor_cmd",
    "rep_video.cli.media_cmds",
    "rep_video.cli.journal_cmd",
    "rep_video.cli.admin",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rep-video",
        description="Record, trim and send short personal follow-up videos. "
        "With no command, launches the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"rep-video {__version__}")
    parser.add_argument(
        "--demo-devices",
        action="store_true",
        help="add a synthetic test-pattern camera and tone microphone to the app's pickers",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # Inside the try: importing the commands (PyAV, the server) takes about a second, and a
        # Ctrl-C then was a KeyboardInterrupt traceback.
        args = build_parser().parse_args(argv)
        if args.command is None:
            from rep_video.cli.app_cmd import launch_app

            return int(launch_app(args) or 0)
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"rep-video: {exc.message}", file=sys.stderr)
        return 2
    except UnexpectedAnswer as exc:  # no share server at that URL: the user's to check
        print(f"rep-video: {exc}", file=sys.stderr)
        return 2
    except TransientError as exc:  # the network or the server, already said in one line
        print(f"rep-video: {exc}", file=sys.stderr)
        return 1
    except (Cancelled, KeyboardInterrupt):
        print("rep-video: cancelled.", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            return _unexpected(exc)
        # The disk, not the input nor a bug: whatever was being written is temp + rename, so
        # nothing is half-written under its name and the outbox keeps the send.
        print(
            f"rep-video: the disk is full ({exc}); free some space, then try again.",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    """The last resort: one line unless debugging."""
    if os.environ.get("REP_VIDEO_DEBUG"):
        traceback.print_exception(exc)
    print(
        f"rep-video: unexpected error: {type(exc).__name__}: {exc} "
        "(set REP_VIDEO_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return 1

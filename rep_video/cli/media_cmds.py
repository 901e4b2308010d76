"""`rep-video trim` and `rep-video finalize`: the media core on the command line. Progress goes
to stderr; bad input is a UserError (exit 2, one line) and leaves no output behind."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rep_video.progress import Progress, ProgressFn, Tracker
from rep_video.timeparse import format_time, parse_time


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("trim", help="cut a clip between two times (frame-accurate by default)")
    p.add_argument("input", type=Path, metavar="IN")
    p.add_argument("output", type=Path, metavar="OUT")
    p.add_argument("--start", required=True, help="start time: seconds (12.5) or mm:ss.s")
    p.add_argument("--end", required=True, help="end time: seconds or mm:ss.s")
    p.add_argument(
        "--mode",
        choices=("smart", "fast", "exact"),
        default="smart",
        help="smart: frame-accurate, re-encodes only at the cuts (default); fast: cut at "
        "keyframes, no re-encode; exact: re-encode everything",
    )
    p.set_defaults(func=run_trim)

    f = sub.add_parser("finalize", help="convert any clip to the mobile profile (MP4)")
    f.add_argument("input", type=Path, metavar="IN")
    f.add_argument("output", type=Path, metavar="OUT")
    f.set_defaults(func=run_finalize)


def stderr_progress(label: str) -> ProgressFn:
    """Progress as short lines on stderr, at most a few a second."""
    last = [0.0]

    def report(p: Progress) -> None:
        now = time.monotonic()
        if p.message:
            print(f"{label}: {p.message}", file=sys.stderr, flush=True)
        if p.fraction is None or (now - last[0] < 0.5 and p.fraction < 1.0):
            return
        last[0] = now
        speed = f" ({p.rate:.1f}x)" if p.rate else ""
        print(f"{label}: {p.fraction * 100:3.0f}%{speed}", file=sys.stderr, flush=True)

    return report


def run_trim(args: argparse.Namespace) -> int:
    from rep_video.media.cut.trim import trim

    start, end = parse_time(args.start), parse_time(args.end)
    info = trim(args.input, args.output, start, end, args.mode, Tracker(stderr_progress("trim")))
    print(f"{args.output} ({format_time(info.duration)})")
    return 0


def run_finalize(args: argparse.Namespace) -> int:
    from rep_video.media.publish.finalize import finalize

    result = finalize(args.input, args.output, Tracker(stderr_progress("finalize")))
    how = "remuxed" if result.remuxed else "transcoded"
    print(f"{args.output} ({how}, {format_time(result.info.duration)})")
    return 0

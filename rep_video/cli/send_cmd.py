"""`rep-video send VIDEO --to NAME ...`: stage and deliver a share. Progress goes to stderr;
the last line of stdout is the link (for a folder target, the path of index.html)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rep_video.errors import UserError
from rep_video.progress import Progress
from rep_video.share.manifest import Person
from rep_video.timeparse import parse_time

TRIM_HELP = (
    "keep only START:END of the video; times are seconds (12.5) or mm:ss.s, e.g. 2:8.5 or "
    "0:02:0:08.5 (write START-END, e.g. 0:02-1:10, to avoid counting colons)"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "send",
        help="turn a video into a share link for one physician",
        description="Trim, finalize and publish VIDEO with a personal message and approved "
        "content. Progress on stderr; the last line of stdout is the link.",
    )
    p.add_argument("video", type=Path, metavar="VIDEO")
    p.add_argument("--to", required=True, metavar="NAME", help="the recipient, e.g. 'Dr. Ng'")
    p.add_argument("--to-email", metavar="EMAIL", help="the recipient's email (not shown)")
    p.add_argument("--to-phone", metavar="PHONE", help="the recipient's phone (not shown)")
    p.add_argument("--message", default="", metavar="TEXT", help="the personal message")
    p.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="ID",
        help="attach an approved content item (repeatable; see `rep-video content list`)",
    )
    p.add_argument("--trim", metavar="START:END", help=TRIM_HELP)
    p.add_argument("--trim-mode", choices=("smart", "fast", "exact"), default="smart")
    p.add_argument("--intro", action="store_true", help="add a 2-second card naming both")
    p.add_argument(
        "--target",
        metavar="NAME | folder:DIR",
        help="a configured target, or folder:DIR (default: the configured default, else the "
        "built-in folder target)",
    )
    p.add_argument("--expires-in", type=int, metavar="DAYS", help="days until the link expires")
    p.add_argument("--catalog", type=Path, metavar="FILE", help="the approved-content catalog")
    p.add_argument("--from-name", metavar="NAME", help="your name (default: settings rep.name)")
    p.add_argument("--from-role", metavar="ROLE", help="your role (default: rep.role)")
    p.add_argument("--from-email", metavar="EMAIL", help="your email (default: rep.email)")
    p.add_argument("--from-phone", metavar="PHONE", help="your phone (default: rep.phone)")
    p.add_argument(
        "--background",
        action="store_true",
        help="print the link once reserved and leave the upload to the outbox",
    )
    p.set_defaults(func=run_send)


def run_send(args: argparse.Namespace) -> int:
    from rep_video.share.outbox_worker import outbox_deliver
    from rep_video.share.send import send

    trim = parse_trim(args.trim) if args.trim else None
    rep = Person(
        name=args.from_name or "",
        role=args.from_role,
        email=args.from_email,
        phone=args.from_phone,
    )
    result = send(
        args.video,
        to=Person(name=args.to, email=args.to_email, phone=args.to_phone),
        message=args.message,
        attach_ids=args.attach,
        trim=trim,
        trim_mode=args.trim_mode,
        intro=args.intro,
        target=args.target,
        expires_in_days=args.expires_in,
        catalog=args.catalog,
        rep=rep,
        progress=StderrProgress(),
        deliver=outbox_deliver(wait=not args.background),
    )
    print(result.link)
    return 0


def parse_trim(text: str) -> tuple[float, float]:
    """`START:END` with each time in seconds or mm:ss.s. Colons separate both the two times
    and minutes from seconds, so: two parts are two plain times (`2:8.5`), four parts are two
    mm:ss times (`0:02:1:10`); `START-END` (or `START..END`) is never ambiguous."""
    raw = text.strip()
    for sep in ("..", "-"):
        if sep in raw:
            start, _, end = raw.partition(sep)
            return _pair(text, start, end)
    parts = raw.split(":")
    if len(parts) == 2:
        return _pair(text, parts[0], parts[1])
    if len(parts) == 4:
        return _pair(text, ":".join(parts[:2]), ":".join(parts[2:]))
    raise UserError(
        f"--trim '{text}' is ambiguous or malformed; write START-END, e.g. 2.5-10 or 0:02-1:10."
    )


def _pair(text: str, start: str, end: str) -> tuple[float, float]:
    s, e = parse_time(start), parse_time(end)
    if e <= s:
        raise UserError(f"--trim '{text}': the end must come after the start.")
    return s, e


class StderrProgress:
    """One line per stage and per 10% step: readable in a terminal and in a log."""

    def __init__(self) -> None:
        self._last: tuple[str, int] | None = None

    def __call__(self, p: Progress) -> None:
        step = int((p.fraction or 0.0) * 10)
        key = (p.stage, step)
        if key == self._last:
            return
        self._last = key
        percent = f" {step * 10}%" if p.fraction is not None else ""
        detail = f" {p.message}" if p.message else ""
        print(f"{p.stage}{percent}{detail}", file=sys.stderr, flush=True)

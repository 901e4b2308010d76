"""`rep-video send VIDEO --to NAME ...`: the send pipeline (share/send.py) from the command
line. The link goes to stdout the moment it is reserved, before the media is made; progress
goes to stderr. Without --background the command stays until the video is live."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rep_video.captions.script_file import read_script
from rep_video.errors import UserError
from rep_video.progress import CancelToken, Progress
from rep_video.share.captions_step import CaptionsInput
from rep_video.share.manifest import Person
from rep_video.share.page_i18n import LANGUAGES
from rep_video.share.recipients_file import Recipient, read_recipients
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.timeparse import parse_time

if TYPE_CHECKING:
    from rep_video.share.outbox import OutboxEntry
    from rep_video.share.send import SendResult

_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
TRIM_HELP = (
    "keep only START:END of the video; times are seconds (12.5) or mm:ss.s, e.g. 2:8.5 or "
    "0:02:0:08.5 (write START-END, e.g. 0:02-1:10, to avoid counting colons)"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "send",
        help="turn a video into a share link for one physician (or one each for several)",
        description="Trim, finalize and publish VIDEO with a personal message and approved "
        "content. Progress on stderr; the last line of stdout is the link.",
    )
    p.add_argument("video", type=Path, metavar="VIDEO")
    p.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="NAME",
        help="the recipient, e.g. 'Dr. Ng'; repeat it to send the one recording to several, "
        "each with a page of their own",
    )
    p.add_argument(
        "--recipients",
        type=Path,
        metavar="FILE.csv",
        help="send to every physician in this CSV file (header row: name, email, language; "
        "UTF-8), each with a page of their own; the video is uploaded once",
    )
    p.add_argument("--to-email", metavar="EMAIL", help="the recipient's email (not shown)")
    p.add_argument("--to-phone", metavar="PHONE", help="the recipient's phone (not shown)")
    p.add_argument("--message", default="", metavar="TEXT", help="the personal message")
    p.add_argument(
        "--template",
        metavar="ID",
        help="an approved message template from the catalog; without --message its text is "
        "used with the recipient's and your name filled in",
    )
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
        "--poster-at",
        metavar="TIME",
        help="the frame shown before the video plays, on the video's own timeline "
        "(default: the best frame)",
    )
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
    captions = p.add_mutually_exclusive_group()
    captions.add_argument(
        "--script",
        type=Path,
        metavar="FILE.txt",
        help="the script you read (UTF-8 text): captions are made by aligning it to the speech",
    )
    captions.add_argument(
        "--captions",
        type=Path,
        metavar="FILE.vtt",
        help="attach these captions as they are (WebVTT, on the video's own timeline; checked)",
    )
    p.add_argument(
        "--approved-script",
        metavar="ID",
        help="the approved teleprompter script from the catalog you read (the share names it "
        "and its approval code); without --script or --captions the captions are aligned from "
        "its text",
    )
    p.add_argument(
        "--captions-language",
        metavar="CODE",
        help="the language spoken in the video (default: the page's --language)",
    )
    p.add_argument(
        "--language",
        metavar="CODE",
        help=f"the physician's language for the page: {', '.join(LANGUAGES)} "
        "(default: your system's language, else en)",
    )
    p.add_argument(
        "--confirm-warnings",
        action="store_true",
        help="send although the message or the captions use words the restricted list warns "
        "about (each is listed first; words it blocks are never sent)",
    )
    p.add_argument(
        "--background",
        action="store_true",
        help="print the link once reserved and leave the media and the upload to a "
        "background worker",
    )
    p.set_defaults(func=run_send)


def run_send(args: argparse.Namespace) -> int:
    from rep_video.cli.ctrl_c import CtrlC
    from rep_video.share.outbox.background import spawn_background_worker
    from rep_video.share.send import SendHooks, Until, send

    def on_link(result: SendResult) -> None:
        # The link first, before the media is made: a script can hand it out at once.
        _note(f"link reserved: {result.link}")
        print(result.link, flush=True)

    recipients = recipients_from_args(args)
    if len(recipients) > 1 or args.recipients is not None:
        from rep_video.cli.send_many_cmd import run_send_many

        return run_send_many(args, recipients)
    cancel = CancelToken()
    with CtrlC(cancel) as ctrl_c:
        hooks = SendHooks(
            progress=StderrProgress(), cancel=cancel, on_link=on_link, on_retry=_say_retry,
            on_pause=_say_paused, quitting=lambda: ctrl_c.pressed,
        )  # fmt: skip
        until = Until.LINK if args.background else Until.LIVE
        result = send(request_from_args(args), until, hooks)
    if not result.link:
        _note("offline: the upload is queued; it will retry (`rep-video outbox list`).")
    if args.background and not result.live:
        spawn_background_worker()
    return 0


def request_from_args(args: argparse.Namespace) -> ShareRequest:
    """The flags of `rep-video send` as a ShareRequest (checked by the pipeline)."""
    edit = MediaEdit(
        trim=parse_trim(args.trim) if args.trim else None,
        trim_mode=args.trim_mode,
        intro=args.intro,
        poster_at=parse_time(args.poster_at) if args.poster_at else None,
    )
    return ShareRequest(
        video=args.video,
        to=Person(name=args.to[0] if args.to else "", email=args.to_email, phone=args.to_phone),
        message=args.message,
        attach_ids=tuple(args.attach),
        edit=edit,
        target=args.target,
        expires_in_days=args.expires_in,
        sender=Person(
            name=args.from_name or "", role=args.from_role, email=args.from_email,
            phone=args.from_phone,
        ),
        catalog=args.catalog,
        language=args.language,
        captions=_captions_from_args(args),
        confirm_all_warnings=args.confirm_warnings,
        template_id=args.template,
        script_id=args.approved_script,
        captions_from_script=args.approved_script is not None,
    )  # fmt: skip


def recipients_from_args(args: argparse.Namespace) -> list[Recipient]:
    """--to (each) or --recipients FILE.csv, checked: UserError (exit 2) for neither, both,
    or a contact flag that cannot say whose it is."""
    if args.recipients is not None and args.to:
        raise UserError("give the recipients either with --to or with --recipients, not both.")
    if args.recipients is not None:
        found = read_recipients(args.recipients)
    elif args.to:
        found = [Recipient(name) for name in args.to]
    else:
        raise UserError("who is it for? pass --to NAME (repeatable) or --recipients FILE.csv.")
    if len(found) > 1 or args.recipients is not None:
        for flag, value in (("--to-email", args.to_email), ("--to-phone", args.to_phone)):
            if value:
                raise UserError(
                    f"{flag} is for a single recipient; put each physician's email in the "
                    "--recipients file instead."
                )
    return found


def _captions_from_args(args: argparse.Namespace) -> CaptionsInput | None:
    """--script or --captions, read and checked now: a bad file stops the send before any
    work, with exit 2 and the file's problem."""
    language = args.captions_language
    if language is not None and not _LANGUAGE_TAG.fullmatch(language):
        raise UserError(f"--captions-language {language!r} is not a language code such as de.")
    if args.script is not None:
        return CaptionsInput(script=read_script(args.script), language=language)
    if args.captions is not None:
        from rep_video.captions.webvtt_io import read_webvtt

        return CaptionsInput(cues=read_webvtt(args.captions), language=language, source="file")
    return None


def _note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _say_retry(entry: OutboxEntry) -> None:
    wait = max(0.0, entry.next_retry_at - time.time())
    _note(f"upload interrupted ({entry.last_error}); retrying in {wait:.0f} s")


def _say_paused(entry: OutboxEntry) -> None:
    _note(
        f"upload paused; outbox entry {entry.id} resumes with `rep-video outbox run`"
        + (f" (link: {entry.link})" if entry.link else "")
    )


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

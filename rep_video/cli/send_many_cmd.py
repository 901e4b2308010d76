"""`rep-video send VIDEO --to A --to B ...` or `--recipients FILE.csv`: one recording to several
physicians (share/send_many.py). stdout gets one line per recipient, `LINK<TAB>NAME`, the
moment each link is reserved; progress and each recipient's outcome go to stderr. Exit 0
when every recipient's page is live (or, with --background, reserved), 2 when any was not:
each one that failed is named on its own line, and stays in the outbox to be retried."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from rep_video.progress import Progress
from rep_video.share.recipients_file import Recipient


def run_send_many(args: argparse.Namespace, recipients: list[Recipient]) -> int:
    from rep_video.cli.send_cmd import (
        StderrProgress,
        _note,
        _say_paused,
        _say_retry,
        request_from_args,
    )
    from rep_video.share.outbox.background import spawn_background_worker
    from rep_video.share.send import SendResult, Until
    from rep_video.share.send_many import ManyHooks, Outcome, requests_for, send_many

    requests = requests_for(request_from_args(args), recipients)
    names = [r.name for r in recipients]
    bars = [StderrProgress() for _ in recipients]

    def progress(i: int, p: Progress) -> None:
        bars[i](replace(p, stage=f"{names[i]}: {p.stage}"))

    def on_link(i: int, result: SendResult) -> None:
        _note(f"link reserved for {names[i]}: {result.link}")
        print(f"{result.link}\t{names[i]}", flush=True)

    def on_outcome(outcome: Outcome) -> None:
        if outcome.error and not outcome.queued:
            _note(f"not sent to {outcome.name}: {outcome.error}")

    hooks = ManyHooks(
        progress=progress, on_link=on_link, on_outcome=on_outcome, on_retry=_say_retry,
        on_pause=_say_paused,
    )  # fmt: skip
    until = Until.LINK if args.background else Until.LIVE
    outcomes = send_many(requests, until, hooks)
    failed = [o for o in outcomes if o.error and not o.queued]
    if args.background and any(not o.live for o in outcomes):
        spawn_background_worker()
    done = "links reserved for" if args.background else "sent to"
    _note(f"{done} {len(outcomes) - len(failed)} of {len(outcomes)} recipients")
    if failed:
        print(
            f"rep-video: not sent to {', '.join(o.name for o in failed)}; fix what is said "
            "above, then `rep-video outbox retry ID` (`rep-video outbox list` shows them).",
            file=sys.stderr,
        )
        return 2
    return 0

"""`rep-video outbox list|retry|cancel|run`, `status [SHARE]`, `revoke SHARE`, `extend SHARE`.

SHARE is a link, a share id or an outbox entry number: the outbox remembers which target each
share went to, so these commands reach the right server or bucket."""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from rep_video.audit import journal
from rep_video.cli.commands import command
from rep_video.config import load_settings
from rep_video.errors import UserError
from rep_video.locks import check_extension
from rep_video.share.outbox import Outbox, OutboxEntry, OutboxWorker, Watch
from rep_video.share.outbox.lease import owner_gone
from rep_video.share.request import MAX_EXPIRY_DAYS
from rep_video.share.targets.base import Reservation, Target


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("outbox", help="sends waiting to upload, and their state")
    osub = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    lst = command(osub, "list", "list outbox entries (newest last)", run_list)
    lst.add_argument("--all", action="store_true", help="include done and cancelled entries")
    retry = command(osub, "retry", "retry an entry now (after fixing what failed)", run_retry,
                    ("entry", "ID|all"))  # fmt: skip
    retry.add_argument("--no-wait", action="store_true", help="only reschedule it")
    command(osub, "cancel", "stop an entry for good (its files are kept)", run_cancel,
            ("entry", "ID"))  # fmt: skip
    run = command(osub, "run", "upload what is due now", run_run)
    run.add_argument("--wait", action="store_true", help="keep going until nothing is queued")

    share = ("share", "SHARE")
    command(sub, "status", "a share's state and views (all recent ones without SHARE)",
            run_status, share, optional=True)  # fmt: skip
    views = command(sub, "views", "view totals over all your shares on a share server", run_views)
    views.add_argument("--target", metavar="NAME", help="the server target (default: the default)")
    command(sub, "revoke", "withdraw a share: its link stops working", run_revoke, share)
    ex = command(sub, "extend", "change when a share's link expires", run_extend, share)
    group = ex.add_mutually_exclusive_group(required=True)
    group.add_argument("--days", type=int, help="expire N days from now")
    group.add_argument("--never", action="store_true", help="never expire")


def _entry_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()):  # int("²") fails
        raise UserError(f"{text!r} is not an outbox entry number; see `rep-video outbox list`.")
    return int(text)


def _describe(e: OutboxEntry) -> str:
    percent = f"{100 * e.bytes_done / e.bytes_total:.0f}%" if e.bytes_total else "-"
    parts = [f"{e.id}", e.state, e.target, percent, e.link or "(link not reserved yet)"]
    if e.state == "queued" and e.attempts:
        wait = max(0.0, e.next_retry_at - time.time())
        parts.append(f"retry in {wait:.0f} s after {e.attempts} attempt(s)")
    if e.stalled(time.time(), owner_gone):
        parts.append("interrupted; `rep-video outbox run` resumes it")
    if e.last_error and e.state != "done":
        parts.append(f"last error: {e.last_error}")
    return "\t".join(parts)


def run_list(args: argparse.Namespace) -> int:
    states = None if args.all else ("queued", "uploading", "failed")
    entries = Outbox().list(states)
    if not entries:
        print("the outbox is empty" if args.all else "nothing waiting (use --all for history)")
    for e in entries:
        print(_describe(e))
    return 0


def run_retry(args: argparse.Namespace) -> int:
    from rep_video.cli.send_cmd import StderrProgress

    box = Outbox()
    if args.entry == "all":
        ids = [e.id for e in box.list(("queued", "failed"))]
    else:
        ids = [_entry_id(args.entry)]
    for entry_id in ids:
        box.retry(entry_id)
    if args.no_wait:
        print(f"rescheduled {len(ids)} entr{'y' if len(ids) == 1 else 'ies'}")
        return 0
    code = 0
    worker = OutboxWorker(box)
    for entry_id in ids:
        entry = worker.wait_for(entry_id, Watch(StderrProgress()))
        print(_describe(entry))
        code = code or (0 if entry.state == "done" else 2)
    return code


def run_cancel(args: argparse.Namespace) -> int:
    entry = Outbox().cancel(_entry_id(args.entry))
    print(f"cancelled entry {entry.id}; its files stay in {entry.package}")
    return 0


def run_run(args: argparse.Namespace) -> int:
    from rep_video.cli.send_cmd import StderrProgress

    box = Outbox()
    worker = OutboxWorker(box)
    watch = Watch(StderrProgress())
    worked = worker.run_until_empty(watch) if args.wait else worker.run_pending(watch)
    for e in worked:
        print(_describe(e))
    failed = [e for e in box.list(("failed",))]
    return 2 if failed else 0


@contextlib.contextmanager
def _share(share: str) -> Iterator[tuple[OutboxEntry, Target, Reservation]]:
    """The outbox entry for SHARE, its target (open for the block) and its reservation."""
    box = Outbox()
    entry = box.find(share)
    if entry.reservation is None:
        raise UserError(
            f"Share {share!r} has no link yet (outbox entry {entry.id} is {entry.state})."
        )
    with box.open_target(entry.target) as target:
        yield entry, target, entry.reservation


def run_status(args: argparse.Namespace) -> int:
    if args.share is None:
        entries = Outbox().list()[-20:]
        if not entries:
            print("nothing sent from this computer yet")
        for e in entries:
            line = _describe(e)
            if e.state == "done" and e.reservation:
                line += "\t" + _views_line(e)
            print(line)
        return 0
    with _share(args.share) as (entry, target, reservation):
        st = target.status(reservation)
    print(f"link:     {reservation.link}")
    print(f"state:    {st.state}" + (f" ({st.reason})" if st.reason else ""))
    print(f"upload:   {entry.state}")
    print(f"expires:  {st.expires_at or 'never'}")
    if st.totals_only:
        print(f"views:    {TOTALS_ONLY}")
    else:
        print(f"views:    {st.views}")
        print(f"watched:  {st.max_watched_percent}%")
    for ev in st.events:
        print(f"  {ev.at}  {ev.kind}" + (f" {ev.value}" if ev.value else ""))
    return 0


def _views_line(entry: OutboxEntry) -> str:
    assert entry.reservation is not None
    try:
        with Outbox().open_target(entry.target) as target:
            st = target.status(entry.reservation)
    except Exception as exc:  # one unreachable target must not hide the others
        return f"status unavailable ({exc})"
    if st.totals_only:
        return f"{st.state}, views: {TOTALS_ONLY}"
    return f"{st.state}, {st.views} view(s), watched {st.max_watched_percent}%"


TOTALS_ONLY = "counted only as totals over all recipients (rep-video views)"
TOTAL_LINES = (
    ("shares", "shares"),
    ("opened", "opened"),
    ("played", "played"),
    ("watched_to_end", "to the end"),
    ("materials_opened", "materials"),
)


def run_views(args: argparse.Namespace) -> int:
    from rep_video.share.targets.registry import get_target
    from rep_video.share.targets.server import ServerTarget

    target = get_target(args.target)
    try:
        if not isinstance(target, ServerTarget):
            raise UserError(
                f"target {target.name!r} is a {target.kind} target, which records no views; "
                "name a share server with --target (rep-video targets list)."
            )
        totals = target.view_totals()
    finally:
        target.close()
    print(f"analytics:  {totals.get('analytics')}")
    for key, label in TOTAL_LINES:
        print(f"{label + ':':<11} {int(totals.get(key) or 0)}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    with _share(args.share) as (entry, target, reservation):
        if entry.state not in ("done", "cancelled", "failed"):
            Outbox().cancel(entry.id)  # stop uploading something that is being withdrawn
        target.revoke(reservation)
        journal.note_revoke(entry.package, target=target, link=reservation.link)
    print(f"revoked: {reservation.link}")
    return 0


def run_extend(args: argparse.Namespace) -> int:
    check_extension(load_settings(), None if args.never else args.days)
    if args.never:
        expires = None
    else:
        if not 1 <= args.days <= MAX_EXPIRY_DAYS:
            raise UserError(f"--days must be 1 to {MAX_EXPIRY_DAYS}.")
        expires = (datetime.now(UTC) + timedelta(days=args.days)).replace(microsecond=0)
    with _share(args.share) as (_, target, reservation):
        target.extend(reservation, expires.isoformat() if expires else None)
    if target.kind == "folder":
        print(f"{reservation.link}: a folder target cannot enforce expiry; nothing to change")
        return 0
    print(f"{reservation.link} now expires {expires.isoformat() if expires else 'never'}")
    return 0

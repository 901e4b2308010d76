"""Delivering sends through the outbox, and running the outbox in the background.

`outbox_deliver(wait=...)` plugs into `send.send(deliver=...)`: the staged package becomes an
outbox entry (its link reserved at once when the network allows), then either this process
uploads it (waiting through network trouble with backoff) or a detached worker process does,
so the command can return with the link while the upload goes on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rep_video import paths
from rep_video.errors import Cancelled, UserError
from rep_video.progress import CancelToken, ProgressFn, no_progress
from rep_video.share.outbox import Outbox, OutboxEntry
from rep_video.share.send import Deliver, SendResult
from rep_video.share.targets.base import SharePackage, Target

Notify = Callable[[str], None]
# Popen objects of workers we started: kept so they are not garbage-collected (and warned
# about) while the detached process still runs.
_SPAWNED: list[subprocess.Popen[bytes]] = []


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def outbox_deliver(
    *,
    wait: bool = True,
    outbox: Outbox | None = None,
    notify: Notify = _stderr,
    start_worker: bool = True,
) -> Deliver:
    """A `Deliver` for `send()`. With `wait`, upload here and return when the share is live
    (UserError if it failed for good; `Cancelled` leaves it queued). Without, return once the
    entry is recorded, and start a background worker (unless `start_worker` is False, e.g.
    in the app, which runs its own)."""

    def deliver(
        package: SharePackage, target: Target, progress: ProgressFn, cancel: CancelToken
    ) -> SendResult:
        box = outbox or Outbox()
        entry = box.enqueue(package.folder, target.name)
        if entry.link:
            notify(f"link reserved: {entry.link}")
        else:
            notify(f"offline: the upload is queued ({entry.last_error}); it will retry.")
        if not wait:
            if start_worker:
                spawn_background_worker()
            return _result(entry, package)
        try:
            done = box.wait_for(entry.id, progress, cancel, on_retry=_say_retry(notify))
        except (Cancelled, KeyboardInterrupt):
            notify(
                f"upload paused; outbox entry {entry.id} resumes with `rep-video outbox run`"
                + (f" (link: {entry.link})" if entry.link else "")
            )
            raise
        if done.state == "done":
            return _result(done, package)
        raise UserError(
            f"the upload {done.state}: {done.last_error or 'no reason given'}; fix it, then "
            f"`rep-video outbox retry {done.id}` (the video is kept in the outbox)."
        )

    return deliver


def _result(entry: OutboxEntry, package: SharePackage) -> SendResult:
    return SendResult(
        link=entry.link or "",
        share_id=entry.share_id or "",
        package=package,
        reservation=entry.reservation if entry.state == "done" else None,
    )


def _say_retry(notify: Notify) -> Callable[[OutboxEntry], None]:
    def say(entry: OutboxEntry) -> None:
        wait = max(0.0, entry.next_retry_at - time.time())
        notify(f"upload interrupted ({entry.last_error}); retrying in {wait:.0f} s")

    return say


def run_until_empty(
    outbox: Outbox | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    *,
    poll: float = 2.0,
    idle_exit: bool = True,
) -> list[OutboxEntry]:
    """Process the outbox until nothing is queued (sleeping out backoffs); with
    `idle_exit=False`, forever (the app's worker thread). Returns the entries worked on."""
    box = outbox or Outbox()
    cancel = cancel or CancelToken()
    worked: list[OutboxEntry] = []
    while not cancel.cancelled:
        worked += box.run_pending(progress, cancel)
        pending = box.list(("queued", "uploading"))
        if idle_exit and not pending:
            break
        if cancel.wait(poll):
            break
    return worked


def spawn_background_worker(log: Path | None = None) -> int:
    """Start `rep-video outbox run --wait` detached from this terminal; returns its pid.
    Several workers at once are harmless: each entry is leased to one of them."""
    log = log or paths.data_dir() / "outbox-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # A frozen app (PyInstaller) is its own interpreter and takes the CLI arguments directly.
    prefix = (
        [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "rep_video"]
    )
    argv = [*prefix, "outbox", "run", "--wait"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=os.name != "nt",  # survives the terminal closing
            close_fds=True,
        )
    _SPAWNED.append(proc)
    return proc.pid

"""The send pipeline: the one path from a `ShareRequest` to a live link, for the CLI's `send`,
the app's Send button and (its second half) every outbox worker.

    check → prepare → enqueue → reserve ─► the link is out ─► make media → upload → publish

1. `check_request` (request.py): what a user can get wrong without opening the video; then
   the target is opened once (an unknown name or a missing token fails here, before any work);
2. `prepare_package` (package.py): probe the video, check the trim and the length, copy the
   approved files, write the manifest and the media recipe — quick;
3. the outbox records the send and reserves the link at once: `on_link` hears it before the
   slow work starts, so the rep can paste it while the rest goes on (the page says "on its
   way" until then);
4. the outbox worker makes the media (trim, finalize, intro, poster, preview), uploads what the
   target is missing and publishes, under the entry's lease, so a failure, a quit or a crash
   resumes where it stopped.

`until` says how long `send` stays: LINK returns after step 3 (a background worker does the
rest), ATTEMPT after one go at step 4 (StillQueued if the network let it down: the outbox
keeps retrying), LIVE keeps trying until the share is live or fails."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum

from rep_video.config import load_settings
from rep_video.errors import Cancelled, StillQueued, UserError
from rep_video.progress import CancelToken, Progress, ProgressFn, Tracker, no_progress
from rep_video.share.live_upload import live_reservation
from rep_video.share.outbox import Outbox, OutboxEntry, OutboxWorker, Watch
from rep_video.share.package import prepare_package
from rep_video.share.request import CheckedRequest, InvalidRequest, ShareRequest, check_request
from rep_video.share.targets.base import SharePackage

EntryFn = Callable[[OutboxEntry], None]


class Until(Enum):
    LINK = "link"  # return once the link is reserved; the outbox finishes the send
    ATTEMPT = "attempt"  # make the media and try the upload once (the app)
    LIVE = "live"  # keep trying, through backoffs, until the share is live (the CLI)


class SendFailed(UserError):
    """The outbox gave up on the send (`state` failed or cancelled): a problem the user must
    fix first. The entry and its package stay; `reason` is the target's own message."""

    def __init__(self, entry: OutboxEntry) -> None:
        self.entry_id = entry.id
        self.state = entry.state
        self.cause = entry.error_kind  # the kind of the error that stopped it (error_kind)
        self.reason = entry.last_error or "no reason given"
        super().__init__(
            f"the upload {entry.state}: {self.reason.rstrip('.')}; fix it, then "
            f"`rep-video outbox retry {entry.id}` (the video is kept in the outbox)."
        )


@dataclass(frozen=True, slots=True)
class SendResult:
    """Where a send stands: its outbox entry, its link (empty while it could not be reserved
    yet) and, once `live`, how long it took."""

    entry_id: int
    link: str
    share_id: str
    state: str  # the outbox entry's: done once the video is live
    package: SharePackage
    link_seconds: float | None = None  # from the start of the send to the link
    done_seconds: float | None = None  # to the video being live

    @property
    def live(self) -> bool:
        return self.state == "done"

    @property
    def preview_url(self) -> str | None:
        """The email preview GIF on the share server (`/s/<token>/media/preview.gif`)."""
        if self.link.startswith("http") and "/s/" in self.link:
            return f"{self.link.rstrip('/')}/media/preview.gif"
        return None

    @classmethod
    def of(cls, entry: OutboxEntry, package: SharePackage | None = None) -> SendResult:
        return cls(
            entry_id=entry.id,
            link=entry.link or "",
            share_id=entry.share_id or "",
            state=entry.state,
            package=package or SharePackage.load(entry.package),
        )


def _nothing(_entry: OutboxEntry) -> None:
    """An EntryFn that ignores the entry."""


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class SendHooks:
    """How a front end follows one send."""

    progress: ProgressFn = no_progress
    cancel: CancelToken = field(default_factory=CancelToken)
    on_link: Callable[[SendResult], None] = lambda _r: None  # the link, before the media
    on_retry: EntryFn = _nothing  # an attempt failed in a way that may pass (LIVE)
    on_pause: EntryFn = _nothing  # stopped (Ctrl-C, the app quitting): the outbox resumes it
    # A cancel normally withdraws the send (its link says so). While this is true (the app is
    # quitting) a cancel only pauses it: it resumes on the next launch.
    quitting: Callable[[], bool] = _never


def send(
    request: ShareRequest,
    until: Until = Until.LIVE,
    hooks: SendHooks | None = None,
    outbox: Outbox | None = None,
) -> SendResult:
    """Send `request` (see the module's doc). UserError (InvalidRequest, SendFailed, …) for
    what the user must fix, StillQueued when ATTEMPT did not get through, Cancelled when
    cancelled. The source video is only read."""
    run = SendRun(outbox or Outbox(), hooks or SendHooks())
    checked = check_request(request, load_settings())
    run.open_once(checked.target)
    run.hooks.progress(Progress("prepare", 0.0, "Checking the video…"))
    package = prepare_package(checked, Tracker(run.hooks.progress, run.hooks.cancel))
    if run.hooks.cancel.cancelled:
        shutil.rmtree(package.folder, ignore_errors=True)  # nothing reserved, nothing sent
        raise Cancelled()
    run.hooks.progress(Progress("reserve", 0.0, "Reserving the link…"))
    entry = run.reserve(run.box.enqueue(package.folder, checked.target), request, checked)
    return run.follow(entry, package, until, cancel_withdraws=True)


def resume(
    entry_id: int,
    until: Until = Until.ATTEMPT,
    hooks: SendHooks | None = None,
    outbox: Outbox | None = None,
) -> SendResult:
    """Try a send already in the outbox again, now (the rep pressed Retry): the pipeline from
    where its entry stands. A cancel here only stops this attempt; the entry stays."""
    run = SendRun(outbox or Outbox(), hooks or SendHooks())
    entry = run.box.retry(entry_id)
    return run.follow(entry, SharePackage.load(entry.package), until, cancel_withdraws=False)


class SendRun:
    """One call of `send` or `resume` (or one recipient of `send_many`): the outbox, the
    caller's hooks, and when the link came."""

    def __init__(self, box: Outbox, hooks: SendHooks) -> None:
        self.box, self.hooks, self.worker = box, hooks, OutboxWorker(box)
        self.began = time.monotonic()
        self.link_seconds: float | None = None

    def open_once(self, target: str) -> None:
        """Open the target once now: one that does not exist fails before any work."""
        try:
            with self.box.open_target(target):
                pass
        except InvalidRequest:
            raise
        except UserError:
            pass  # a setup problem (a secret, the keychain): the entry fails, to be retried

    def reserve(
        self, entry: OutboxEntry, request: ShareRequest, checked: CheckedRequest
    ) -> OutboxEntry:
        """The link of an entry just recorded: the share its take's live upload reserved at
        Record, else a new one. SendFailed if the target refuses (a bad token, …): the entry
        waits as failed, with why."""
        drafted = live_reservation(request.live, checked.video) if request.live else None
        if drafted is not None and drafted.target == entry.target:
            entry = self.worker.adopt(entry.id, drafted)
        try:
            return entry if entry.link else self.worker.reserve(entry.id)
        except UserError as exc:
            raise SendFailed(self.box.get(entry.id)) from exc

    def announce(self, entry: OutboxEntry, package: SharePackage) -> None:
        if entry.link and self.link_seconds is None:
            self.link_seconds = time.monotonic() - self.began
            self.hooks.on_link(self.result(entry, package))

    def result(
        self, entry: OutboxEntry, package: SharePackage, done: float | None = None
    ) -> SendResult:
        link = self.link_seconds if self.link_seconds is not None else done
        return replace(SendResult.of(entry, package), link_seconds=link, done_seconds=done)

    def follow(
        self, entry: OutboxEntry, package: SharePackage, until: Until, *, cancel_withdraws: bool
    ) -> SendResult:
        """From a recorded (maybe reserved) entry to what `until` asks for."""
        hooks = self.hooks
        self.announce(entry, package)
        if entry.link is None and entry.attempts:
            hooks.on_retry(entry)  # offline: the outbox reserves the link once it can
        if until is Until.LINK:
            return self.result(entry, package)
        watch = Watch(
            hooks.progress, hooks.cancel, on_reserved=lambda e: self.announce(e, package),
            on_retry=hooks.on_retry,
        )  # fmt: skip
        try:
            if until is Until.ATTEMPT:
                self.worker.run_pending(watch, only=entry.id, ignore_schedule=True)
                hooks.cancel.raise_if_cancelled()
            else:
                self.worker.wait_for(entry.id, watch)
        except KeyboardInterrupt:
            hooks.on_pause(self.box.get(entry.id))
            raise
        except Cancelled:
            if cancel_withdraws and not hooks.quitting():
                self.box.cancel(entry.id)  # never sent behind the rep's back; the link says so
            else:
                hooks.on_pause(self.box.get(entry.id))
            raise
        entry = self.box.get(entry.id)
        self.announce(entry, package)
        if entry.state == "done":
            return self.result(entry, package, time.monotonic() - self.began)
        if entry.state in ("failed", "cancelled"):
            raise SendFailed(entry)
        raise StillQueued(entry.id, entry.error_kind, entry.last_error)

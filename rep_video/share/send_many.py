"""One recording, many physicians: `send_many` sends one take to several recipients, each
with a page of their own (token, name, greeting, message, language) and an outbox entry of
their own, while the video is made once and, on a share server, stored once.

    check all → prepare all → link followers → reserve every link ─► the links are out
      ─► the first recipient: make media → upload → publish
      ─► every other, FOLLOWERS_AT_ONCE at a time: take the first's media → declare it
         `same_as` the first share → publish

Every request is checked before any work, so a typo in the tenth row stops the send with
nothing done. Then each recipient is a send of its own (send.py's SendRun): a failure for one
(the server refusing a page, the network) is that recipient's outcome, kept in the outbox to
be retried, and the others go on. shared_media.py says how the media is shared."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import partial

from rep_video.config import Settings, load_settings
from rep_video.content.catalog import Catalog
from rep_video.errors import Cancelled, StillQueued, UserError
from rep_video.progress import CancelToken, Progress, Tracker
from rep_video.share import shared_media
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxEntry
from rep_video.share.outbox.machine import ENDED
from rep_video.share.package import prepare_package
from rep_video.share.recipients_file import Recipient
from rep_video.share.request import (
    CheckedRequest,
    InvalidRequest,
    ShareRequest,
    WordingToConfirm,
    catalog_for,
    check_request,
)
from rep_video.share.send import EntryFn, SendHooks, SendResult, SendRun, Until
from rep_video.share.targets.base import SharePackage

MAX_RECIPIENTS = 200  # one take to a whole call list; more is a mailing, not a follow-up
FOLLOWERS_AT_ONCE = 4  # the other recipients' sends at a time, once the first one's is up


def _nothing(_entry: OutboxEntry) -> None:
    """An EntryFn that ignores the entry."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where one recipient's send stands: its result (the link, the entry) unless even the
    link could not be had, and the one-line error when it did not go through."""

    index: int  # in the order given
    name: str
    result: SendResult | None = None
    error: str | None = None
    queued: bool = False  # not through yet, safe in the outbox and retried (not an error)

    @property
    def link(self) -> str:
        return self.result.link if self.result else ""

    @property
    def live(self) -> bool:
        return self.result is not None and self.result.live


@dataclass(frozen=True, slots=True)
class ManyHooks:
    """How a front end follows a send to many: each callback names the recipient's index."""

    progress: Callable[[int, Progress], None] = lambda _i, _p: None
    cancel: CancelToken = field(default_factory=CancelToken)
    on_link: Callable[[int, SendResult], None] = lambda _i, _r: None
    on_outcome: Callable[[Outcome], None] = lambda _o: None
    on_retry: EntryFn = _nothing
    on_pause: EntryFn = _nothing
    quitting: Callable[[], bool] = lambda: False

    def for_recipient(self, index: int) -> SendHooks:
        return SendHooks(
            progress=partial(self.progress, index), cancel=self.cancel,
            on_link=partial(self.on_link, index), on_retry=self.on_retry,
            on_pause=self.on_pause, quitting=self.quitting,
        )  # fmt: skip


def send_many(
    requests: Sequence[ShareRequest],
    until: Until = Until.LIVE,
    hooks: ManyHooks | None = None,
    outbox: Outbox | None = None,
) -> list[Outcome]:
    """Send each request (one per recipient, the same take) as described in the module's doc;
    the outcomes in the order given. InvalidRequest naming the recipient for a request that
    is wrong, UserError for a video that cannot be sent, Cancelled when cancelled (the
    recipients not yet through are withdrawn; those live stay live)."""
    if not requests:
        raise UserError("no recipients: name at least one (--to NAME or --recipients FILE.csv).")
    if len(requests) > MAX_RECIPIENTS:
        raise UserError(
            f"{len(requests)} recipients; send one recording to at most {MAX_RECIPIENTS} at once."
        )
    box, given = outbox or Outbox(), hooks or ManyHooks()
    paused = threading.Event()  # Ctrl-C: the sends not through pause (resumed later)
    hooks = replace(given, quitting=lambda: given.quitting() or paused.is_set())
    settings = load_settings()
    catalog = catalog_for(requests[0], settings)  # the same target and catalog for all
    checked = [_checked(r, settings, catalog) for r in requests]
    runs = [SendRun(box, hooks.for_recipient(i)) for i in range(len(requests))]
    for target in dict.fromkeys(c.target for c in checked):
        runs[0].open_once(target)
    packages = _prepare_all(checked, hooks)
    shared_media.link_followers(packages[0].folder, [p.folder for p in packages[1:]])
    reserved = [
        _reserve(i, run, request, c, package)
        for i, (run, request, c, package) in enumerate(
            zip(runs, requests, checked, packages, strict=True)
        )
    ]
    jobs = [
        _Job(i, run, c, package, got)
        for i, (run, c, package, got) in enumerate(
            zip(runs, checked, packages, reserved, strict=True)
        )
    ]
    return _follow_all(jobs, until, hooks, paused)


def _reserve(
    index: int, run: SendRun, request: ShareRequest, checked: CheckedRequest,
    package: SharePackage,
) -> OutboxEntry | Outcome:  # fmt: skip
    """Record the recipient's send and reserve its link; the outcome if it was refused."""
    run.hooks.progress(Progress("reserve", 0.0, "Reserving the link…"))
    entry = run.box.enqueue(package.folder, checked.target)
    if index:  # only the first recipient's page may use the share reserved while recording
        request = replace(request, live=None)
    try:
        entry = run.reserve(entry, request, checked)
    except UserError as exc:
        return _outcome(index, checked, run.box.get(entry.id), package, exc)
    run.announce(entry, package)  # every link is out before the first upload starts
    return entry


@dataclass(frozen=True, slots=True)
class _Job:
    """One recipient's send, reserved (an entry) or already ended (its outcome)."""

    index: int
    run: SendRun
    checked: CheckedRequest
    package: SharePackage
    reserved: OutboxEntry | Outcome

    def follow(self, until: Until) -> Outcome:
        if isinstance(self.reserved, Outcome):
            return self.reserved
        try:
            result = self.run.follow(self.reserved, self.package, until, cancel_withdraws=True)
        except UserError as exc:  # SendFailed, StillQueued: this recipient's, in the outbox
            return _outcome(self.index, self.checked, self.run.box.get(self.reserved.id),
                            self.package, exc)  # fmt: skip
        return Outcome(self.index, self.checked.recipient.name, result)


def _follow_all(
    jobs: list[_Job], until: Until, hooks: ManyHooks, paused: threading.Event
) -> list[Outcome]:
    """The first recipient's send, then the others FOLLOWERS_AT_ONCE at a time: once the
    first's video is up each is a few requests to the target (waiting on the network, not on
    this machine). A cancel withdraws every send not through; Ctrl-C pauses them."""
    outcomes: dict[int, Outcome] = {}

    def done(outcome: Outcome) -> None:
        outcomes[outcome.index] = outcome
        hooks.on_outcome(outcome)

    try:
        done(jobs[0].follow(until))
        with ThreadPoolExecutor(FOLLOWERS_AT_ONCE, thread_name_prefix="send-many") as pool:
            for future in as_completed([pool.submit(j.follow, until) for j in jobs[1:]]):
                done(future.result())
    except KeyboardInterrupt:
        paused.set()
        hooks.cancel.cancel()
        raise
    except Cancelled:
        if not hooks.quitting():  # never sent behind the rep's back: the rest go too
            for job in jobs:
                if isinstance(job.reserved, OutboxEntry):
                    _withdraw(job.run.box, job.reserved.id)
        raise
    return [outcomes[i] for i in range(len(jobs))]


def _withdraw(box: Outbox, entry_id: int) -> None:
    if box.get(entry_id).state not in ENDED:
        with contextlib.suppress(UserError):  # delivered meanwhile: it stays live
            box.cancel(entry_id)


def _outcome(
    index: int, checked: CheckedRequest, entry: OutboxEntry, package: SharePackage,
    exc: UserError,
) -> Outcome:  # fmt: skip
    return Outcome(
        index, checked.recipient.name, SendResult.of(entry, package), exc.message,
        queued=isinstance(exc, StillQueued),
    )  # fmt: skip


def requests_for(base: ShareRequest, recipients: Sequence[Recipient]) -> list[ShareRequest]:
    """`base` (the send as the rep set it up) once per recipient: their own name, email and,
    when given, page language."""
    return [
        replace(
            base,
            to=Person(name=r.name, email=r.email or base.to.email, phone=base.to.phone),
            language=r.language or base.language,
        )
        for r in recipients
    ]


def _checked(request: ShareRequest, settings: Settings, catalog: Catalog) -> CheckedRequest:
    """check_request, its error naming the recipient it is about."""
    try:
        return check_request(request, settings, catalog=catalog)
    except WordingToConfirm as exc:
        raise WordingToConfirm(exc.part, _for(request, exc.message), exc.findings) from None
    except InvalidRequest as exc:
        raise InvalidRequest(exc.part, _for(request, exc.message)) from None


def _for(request: ShareRequest, message: str) -> str:
    name = request.to.name.strip() or "a recipient with no name"
    return f"for {name}: {message}"


def _prepare_all(checked: list[CheckedRequest], hooks: ManyHooks) -> list[SharePackage]:
    """Every recipient's package (quick: no media yet). A failure or a cancel removes the
    ones made: nothing is recorded until all are there."""
    packages: list[SharePackage] = []
    try:
        for i, c in enumerate(checked):
            hooks.progress(i, Progress("prepare", 0.0, "Checking the video…"))
            packages.append(prepare_package(c, Tracker(partial(hooks.progress, i), hooks.cancel)))
            hooks.cancel.raise_if_cancelled()
    except BaseException:
        for package in packages:
            shutil.rmtree(package.folder, ignore_errors=True)
        raise
    return packages

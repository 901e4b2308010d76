"""The outbox worker: takes due entries under a lease and does what is left of each send —
reserve the link if that has not happened yet, make the package's media if that is still to
do (the link may be out already: see share/pipeline.py), upload what the target is missing,
publish.

Network trouble puts the entry back with an exponential backoff; a problem the user must
fix marks it failed until they retry. While it works on an entry a heartbeat renews the
lease, and passes on a cancel of the worker or of the entry. Once every entry of a package
is done, its staged media goes (the target holds it now; see delivered.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rep_video.audit import journal
from rep_video.errors import Cancelled, UserError, error_kind, one_line
from rep_video.progress import CancelToken, Progress, ProgressFn, Tracker, no_progress
from rep_video.share import shared_media
from rep_video.share.delivered import release_if_all_delivered
from rep_video.share.layout_file import load_layout
from rep_video.share.outbox import machine
from rep_video.share.outbox.machine import ENDED, HEARTBEAT_SECONDS, OutboxEntry
from rep_video.share.outbox.queue import Outbox
from rep_video.share.targets.base import Reservation, SharePackage

if TYPE_CHECKING:  # imported by the target registry when a server target is opened
    from rep_video.share.targets.live_tail import TailUpload
    from rep_video.share.targets.server import ServerTarget

EntryFn = Callable[[OutboxEntry], None]


def _nothing(_entry: OutboxEntry) -> None:
    """An EntryFn that ignores the entry."""


@dataclass(frozen=True, slots=True)
class Watch:
    """How a caller follows the worker: progress, a way to stop it, and two moments."""

    progress: ProgressFn = no_progress
    cancel: CancelToken = field(default_factory=CancelToken)
    on_reserved: EntryFn = _nothing  # the entry's link is known now (before its media, maybe)
    on_retry: EntryFn = _nothing  # an attempt failed in a way that may pass; it is rescheduled


class OutboxWorker:
    def __init__(self, outbox: Outbox | None = None) -> None:
        self.outbox = outbox or Outbox()

    def enqueue(self, package_folder: Path, target: str) -> OutboxEntry:
        """Record a send of a prepared package and reserve its link at once (see `reserve`)."""
        return self.reserve(self.outbox.enqueue(package_folder, target).id)

    def reserve(self, entry_id: int) -> OutboxEntry:
        """Reserve the link of an entry this process just recorded (and so holds). Offline,
        the entry stays queued without a link and a later run reserves it; a problem the user
        must fix (a bad token, an unknown target) marks it failed and is raised."""
        box = self.outbox
        entry = box.get(entry_id)
        try:
            with box.open_target(entry.target) as target:
                reservation = target.reserve(SharePackage.load(entry.package))
        except UserError as exc:
            box.apply(entry_id, machine.Refused(exc.message, error_kind(exc)))
            raise
        except Exception as exc:
            return box.apply(entry_id, machine.Interrupted(one_line(exc), error_kind(exc)))
        box.apply(entry_id, machine.Reserved(reservation))
        return box.apply(entry_id, machine.Released(box.owner))

    def adopt(self, entry_id: int, reservation: Reservation) -> OutboxEntry:
        """Give an entry this process just recorded a reservation made before it (the share
        a live upload reserved at Record), instead of reserving a new one."""
        self.outbox.apply(entry_id, machine.Reserved(reservation))
        return self.outbox.apply(entry_id, machine.Released(self.outbox.owner))

    def run_pending(
        self, watch: Watch | None = None, *, only: int | None = None, ignore_schedule: bool = False
    ) -> list[OutboxEntry]:
        """Work once on every due entry (or just `only`); returns the entries worked on, in
        their new state. Trouble that may pass is rescheduled, not raised."""
        watch = watch or Watch()
        worked: list[OutboxEntry] = []
        tried: set[int] = set()  # once per call: a failed entry waits for its next turn
        while not watch.cancel.cancelled:
            entry = self.outbox.claim(
                self.outbox.owner, only=only, due=not ignore_schedule, skip=tried
            )
            if entry is None:
                break
            tried.add(entry.id)
            worked.append(self._work_on(entry, watch))
            if only is not None:
                break
        return worked

    def wait_for(
        self, entry_id: int, watch: Watch | None = None, *, timeout: float | None = None
    ) -> OutboxEntry:
        """Work on one entry until it is done, failed or cancelled (or `timeout` passes),
        sleeping out the backoff between attempts. Another process holding it is waited for."""
        watch = watch or Watch()
        deadline = None if timeout is None else time.monotonic() + timeout
        attempts = self.outbox.get(entry_id).attempts
        while True:
            entry = self.outbox.get(entry_id)
            if entry.state in ENDED or (deadline is not None and time.monotonic() >= deadline):
                return entry
            self.run_pending(watch, only=entry_id)
            entry = self.outbox.get(entry_id)
            if entry.state in ENDED:
                return entry
            if entry.attempts != attempts:
                attempts = entry.attempts
                watch.on_retry(entry)
            pause = max(0.2, min(entry.next_retry_at - time.time(), 2.0))
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            if watch.cancel.wait(pause):
                raise Cancelled()

    def run_until_empty(
        self, watch: Watch | None = None, *, poll: float = 2.0, idle_exit: bool = True
    ) -> list[OutboxEntry]:
        """Work until nothing is queued (sleeping out backoffs); with `idle_exit=False`, until
        cancelled (a long-running worker). Returns the entries worked on."""
        watch = watch or Watch()
        worked: list[OutboxEntry] = []
        while not watch.cancel.cancelled:
            worked += self.run_pending(watch)
            if idle_exit and not self.outbox.pending():
                break
            if watch.cancel.wait(poll):
                break
        return worked

    # --- one entry ------------------------------------------------------------------------

    def _work_on(self, entry: OutboxEntry, watch: Watch) -> OutboxEntry:
        box = self.outbox
        entry_cancel = CancelToken()
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(entry.id, watch.cancel, entry_cancel, stop), daemon=True
        )
        beat.start()
        try:
            self._deliver(entry, watch, entry_cancel)
        except Cancelled:
            box.apply(entry.id, machine.Released(box.owner))  # a cancelled entry stays so
        except KeyboardInterrupt:  # Ctrl-C in the CLI: hand the entry back, then stop
            box.apply(entry.id, machine.Released(box.owner))
            raise
        except UserError as exc:
            box.apply(entry.id, machine.Refused(exc.message, error_kind(exc)))
        except Exception as exc:
            box.apply(entry.id, machine.Interrupted(one_line(exc), error_kind(exc)))
        finally:
            stop.set()
            beat.join()
        return box.get(entry.id)

    def _deliver(self, entry: OutboxEntry, watch: Watch, cancel: CancelToken) -> None:
        box = self.outbox
        package = SharePackage.load(entry.package)
        with box.open_target(entry.target) as target:
            composes = target.kind == "server"  # it builds the video from parts it holds
            tail = None
            if not package.complete:
                # The link may be out already (reserved before the media was made): make the
                # media now, under this lease, whether it is the first run or one after a crash.
                tail = _tail_upload(target, entry, package, cancel) if composes else None
                try:
                    package = self._make_media(package, watch, cancel, compose=composes)
                    entry = box.apply(entry.id, machine.Measured(package.size()))
                except BaseException:
                    if tail is not None and entry.reservation is not None:
                        entry = self._save(entry.id, tail.joined(entry.reservation))
                    raise
            target.on_checkpoint = lambda r: self._checkpoint(entry.id, r)
            reservation = entry.reservation
            if reservation is None:
                reservation = target.reserve(package)
                watch.on_reserved(self._save(entry.id, reservation))
            if composes and (leader := shared_media.leader_of(package.folder)) is not None:
                reservation, tail = self._joined(entry, reservation, tail), None
                reservation = self._share_leaders_files(entry, package, reservation, leader)
            progress = self._recorder(entry.id, watch.progress)
            layout = load_layout(package.folder) if composes else None
            if layout is None:  # the video's upload goes beside the tail only from a layout
                reservation, tail = self._joined(entry, reservation, tail), None
            if layout is not None:
                server = cast("ServerTarget", target)
                try:
                    reservation = server.upload_layout(
                        package, reservation, layout, progress, cancel, tail
                    )
                except BaseException:  # keep what the tail got up, on what was checkpointed
                    if tail is not None and (latest := box.get(entry.id).reservation):
                        self._joined(entry, latest, tail)
                    raise
            else:
                reservation = target.upload(package, reservation, progress, cancel)
            self._save(entry.id, reservation)  # live: what follows is not on the page
            from rep_video.share.package import make_preview, preview_follows, preview_sent
            from rep_video.share.targets.server_preview import send_preview

            if composes and preview_follows(package):
                watch.progress(Progress("preview", 0.0, "the email preview"))
                gif = make_preview(package)
                shared_media.hand_off_file(package.folder, gif.name)  # made once for all
                send_preview(cast("ServerTarget", target), reservation, gif, cancel)
                package = preview_sent(package)
        if target.kind != "server":  # a server keeps its own audit log
            video = package.path_of(package.manifest.video)
            where = journal.SentTo(entry.target, target.kind, reservation.link)
            journal.note("send", package.manifest, where, video=video)
        box.apply(entry.id, machine.Delivered())
        release_if_all_delivered(box, entry.package)

    def _joined(
        self, entry: OutboxEntry, reservation: Reservation, tail: TailUpload | None
    ) -> Reservation:
        """`reservation` with what `tail` got up (it is waited for), saved in the entry."""
        if tail is None:
            return reservation
        reservation = tail.joined(reservation)
        self._save(entry.id, reservation)
        return reservation

    def _make_media(
        self, package: SharePackage, watch: Watch, cancel: CancelToken, *, compose: bool
    ) -> SharePackage:
        """The package's media: a follower's is the leader's (shared_media.py), waited for
        while the leader's entry is still on its way; any other package makes its own (and
        a leader then hands it to its followers)."""
        from rep_video.share.package import complete_package

        leader = shared_media.leader_of(package.folder)
        if leader is not None and shared_media.take_media(package.folder, leader):
            return SharePackage.load(package.folder)
        if leader is not None and not shared_media.leader_ended(self.outbox.latest_of(leader)):
            raise shared_media.WaitingForLeader("waiting for the first recipient's video")
        package = complete_package(
            package.folder, tracker=Tracker(watch.progress, cancel), compose=compose
        )
        shared_media.hand_off(package.folder)
        return package

    def _share_leaders_files(
        self, entry: OutboxEntry, package: SharePackage, reservation: Reservation, leader: Path
    ) -> Reservation:
        """A follower's reservation saying which of its files the leader's live share has.
        Not saved here: it is worked out again on every attempt, and the declaration that uses
        it checkpoints the reservation (one outbox write fewer per recipient)."""
        if reservation.state.get("published"):
            return reservation
        same = shared_media.same_as_state(
            package.folder, self.outbox.latest_of(leader), entry.target
        )
        if same is None or same == reservation.state.get("same_as"):
            return reservation
        return replace(reservation, state={**reservation.state, "same_as": same})

    def _save(self, entry_id: int, reservation: Reservation) -> OutboxEntry:
        return self.outbox.apply(entry_id, machine.Reserved(reservation))

    def _checkpoint(self, entry_id: int, reservation: Reservation) -> None:
        self._save(entry_id, reservation)

    def _recorder(self, entry_id: int, progress: ProgressFn) -> ProgressFn:
        """Pass progress on, and note the bytes sent (and renew the lease) about once a second."""
        last = [0.0]

        def report(p: Progress) -> None:
            progress(p)
            now = time.monotonic()
            if p.bytes_done is not None and now - last[0] > 1.0:
                last[0] = now
                self.outbox.apply(
                    entry_id, machine.Renew(self.outbox.owner, p.bytes_done, p.bytes_total)
                )

        return report

    def _heartbeat(
        self, entry_id: int, outer: CancelToken, entry_cancel: CancelToken, stop: threading.Event
    ) -> None:
        """Renew the lease while working; pass on a cancel of the worker or of the entry."""
        last = time.monotonic()
        while not stop.wait(0.2):
            if outer.cancelled:
                entry_cancel.cancel()
            if time.monotonic() - last < HEARTBEAT_SECONDS:
                continue
            last = time.monotonic()
            entry = self.outbox.apply(entry_id, machine.Renew(self.outbox.owner))
            if entry.state == machine.CANCELLED:
                entry_cancel.cancel()


def _tail_upload(
    target: object, entry: OutboxEntry, package: SharePackage, cancel: CancelToken
) -> TailUpload | None:
    """The end of a take streamed while recording, on its way while the media is made
    (live_tail.py); None when the entry's share had no live upload."""
    reservation = entry.reservation
    if reservation is None or not reservation.state.get("live"):
        return None
    from rep_video.share.recipe import MediaRecipe
    from rep_video.share.targets.live_tail import TailUpload

    try:
        order = MediaRecipe.read(package.folder).order(package.manifest)
    except (OSError, ValueError, KeyError):
        return None  # complete_package says what is wrong with the recipe
    server = cast("ServerTarget", target)
    return TailUpload(server, reservation, order.source, order.trim, cancel).start()

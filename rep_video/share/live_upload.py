"""Upload while recording (docs/ARCHITECTURE.md, "Instant upload"): the take's share is
reserved at Record, as a pending share nobody has the link of yet, and the recorder's finished
fragments go up while the rep is still talking, so Stop leaves only the tail.

A worker thread of its own asks the growing working file where its complete fragments end
(media_span: cheap, it reads box headers) and sends every full chunk (file_chunks.py) as an
upload of the share, cut from the first `moof`. It never holds up capture: the recorder does
not know it exists, and a slow or dropped link only means more is left for Stop. Trouble that
may pass (no network, a busy server) is waited out and the chunk tried again from the
server's offset; everything needed to go on after a restart (the reservation, the chunk
grid, what is complete) is written to a state file (temp + rename) after every chunk.

At Stop, `finish(take)` maps the grid onto the finished take, whose mdat payload is the same
fragments byte for byte (media/mp4/defrag.py): the reservation it returns tells
`ServerTarget.upload_layout` which chunks the server holds. `discard()` (the rep throws the
take away) revokes the share; the server's retention removes a revoked or never-published
share and its uploads (docs/SERVER.md)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rep_video.errors import Cancelled, TransientError, UserError, one_line
from rep_video.fileutil import atomic_write_text
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.fragments import media_span
from rep_video.media.mp4.tables import read_plain
from rep_video.progress import CancelToken, no_progress
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.file_chunks import CHUNK_SIZE, Chunk, cut_chunks
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.server_answer import SHARE_FIELDS
from rep_video.share.tokens import new_token

if TYPE_CHECKING:  # requests and the tus client: only once a server target is opened
    from rep_video.config import Settings
    from rep_video.share.targets.server import ServerTarget

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # the recorder closes a fragment every ≤ 0.5 s: a full chunk starts soon
NICE = 10  # the upload thread's nice value above the app's (Linux)
IN_FLIGHT = 2  # chunks sent at once
MAX_CHUNKS = 150  # a share declares at most 200 files; past this the rest goes at Stop
DRAIN_SECONDS = 30.0  # how long the tail waits for the chunks in flight at Stop, at most

# Live uploads let go at Stop whose chunks in flight are still going (by state file).
_draining: dict[Path, LiveUpload] = {}
_draining_lock = threading.Lock()


def wait_drained(state_file: Path, timeout: float = DRAIN_SECONDS) -> None:
    """Wait for the chunks that were in flight when the live upload of `state_file` was let
    go (`LiveUpload.release`): then its state file says all it got up. Past `timeout` they
    are cut (the tail sends what is not complete)."""
    with _draining_lock:
        live = _draining.pop(state_file.resolve(), None)
    if live is not None:
        live.drain(timeout)


@dataclass(slots=True)
class LiveState:
    """What a restart needs to go on (the state file, as JSON)."""

    working: str  # the recorder's fragmented file
    reservation: dict[str, Any] | None = None
    start: int = 0  # the first moof: where the chunk grid starts
    sent: int = 0  # bytes of the working file up to here are complete on the server
    chunk_size: int = CHUNK_SIZE
    declared: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # a refusal that stopped the streaming (the rest goes at Stop)

    def save(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> LiveState:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def _lower_priority() -> None:
    """Let the encoder and the preview have the CPU first: this thread's nice value +10 where
    the OS gives threads their own (Linux); elsewhere it runs at the app's priority."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


def draft_manifest(settings: Settings) -> ShareManifest:
    """What a take's share is reserved with at Record: the rep, no recipient or message yet
    (the send declares the final manifest, whose expiry, counted from Send, replaces this one),
    and the policy's default expiry meanwhile.
    InvalidRequest when the policy's expiry is out of range (the send says the same)."""
    from rep_video.share.request import link_expiry

    now = datetime.now(UTC).replace(microsecond=0)
    rep = Person(name=settings.rep.name.strip())
    return ShareManifest(
        token=new_token(), recipient=Person(name=""), rep=rep, message="", created_at=now,
        expires_at=link_expiry(None, settings), duration=0.0, poster=None, preview=None,
    )  # fmt: skip


def live_reservation(state_file: Path, take: Path) -> Reservation | None:
    """The reservation to send `take` with, from the state file of its live upload (stopped):
    the share reserved at Record, naming the chunks the server holds and the grid they were
    cut on, mapped onto the take. None when nothing was reserved (the send reserves a share as
    usual) or the state file or the take cannot be read."""
    try:
        st = LiveState.load(state_file)
        mdat = read_plain(take).mdat
    except (OSError, ValueError, TypeError, Mp4Error):
        return None
    if st.reservation is None:
        return None
    reservation = Reservation(**st.reservation)
    take = take.resolve()
    # `sent`: where in the take what streamed ends (its fragments are the take's mdat payload).
    sent = mdat.start + max(0, st.sent - st.start) if st.start else mdat.start
    live = {"take": str(take), "start": mdat.start, "end": mdat.end, "size": st.chunk_size,
            "declared": st.declared, "sent": min(sent, mdat.end)}  # fmt: skip
    # The tail upload waits there for the chunks that were in flight at Stop (wait_drained).
    live["state_file"] = str(state_file.resolve())
    reservation.state["live"] = live
    return reservation


class LiveUpload:
    """Streams one recording's fragments into a share reserved for it (module doc)."""

    def __init__(
        self, target: ServerTarget, state_file: Path, state: LiveState, manifest: ShareManifest
    ) -> None:
        self.target, self.state_file, self.state = target, state_file, state
        self.manifest = manifest  # a draft's: the recipient is not known at Record
        self._stop = CancelToken()
        self._released = threading.Event()  # no new chunk (set by `release` and `stop`)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # the state, as the chunks in flight change it
        self.native_id: int | None = None  # the OS's id of the streaming thread, once running
        self._running: deque[tuple[Chunk, Future[None]]] = deque()  # in order, oldest first
        self._queued = 0  # where the chunks handed to the pool end (working-file offset)
        self._master: Reservation | None = None  # what the chunks merge into (`_pump`)

    @classmethod
    def begin(
        cls, target: ServerTarget, working: Path, state_file: Path, manifest: ShareManifest,
        chunk_size: int = CHUNK_SIZE,
    ) -> LiveUpload:  # fmt: skip
        """A live upload of the recording being written to `working`; resumed from
        `state_file` when it exists (a restart), else new."""
        if state_file.exists():
            state = LiveState.load(state_file)
        else:
            state = LiveState(str(working), chunk_size=chunk_size)
        return cls(target, state_file, state, manifest)

    @property
    def reservation(self) -> Reservation | None:
        raw = self.state.reservation
        return Reservation(**raw) if raw else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="rep-video-live-upload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop streaming (a chunk in flight is cut: it goes again whole with the tail)."""
        self._released.set()
        self._stop.cancel()
        if self._thread is not None:
            self._thread.join()

    def release(self) -> None:
        """Stop pressed: no new chunk, but those in flight finish on their own (cut, their
        bytes would all go again with the tail: over a slow link most of the tail's time).
        Returns at once; the send's tail upload waits for them (`wait_drained`). On Windows
        it is `stop()`: an open chunk would keep the recorder from removing its working file."""
        if os.name == "nt":
            self.stop()
            return
        if self._thread is not None and self._thread.is_alive():
            with _draining_lock:
                _draining[self.state_file.resolve()] = self
        self._released.set()

    def drain(self, timeout: float) -> None:
        """Wait up to `timeout` for the chunks in flight after `release`, then cut them."""
        if self._thread is not None:
            self._thread.join(timeout)
        self.stop()

    def _run(self) -> None:
        self.native_id = threading.get_native_id()
        _lower_priority()
        try:
            self._loop()
        finally:
            with _draining_lock:  # done: the state file says all it got up
                if _draining.get(self.state_file.resolve()) is self:
                    del _draining[self.state_file.resolve()]

    def _loop(self) -> None:
        delay = POLL_SECONDS
        with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="rep-video-live-chunk") as pool:
            while not self._released.is_set() and self.state.error is None:
                try:
                    self._pump(pool)
                    delay = POLL_SECONDS
                except TransientError as exc:  # offline, busy: what is not up goes later
                    log.info("live upload waits: %s", exc)
                    delay = min(delay * 2, 8.0)
                except Cancelled:
                    break
                except UserError as exc:
                    self.state.error = exc.message  # Stop sends the rest the ordinary way
                    self.state.save(self.state_file)
                except Exception as exc:  # never let the thread die unseen; try again later
                    log.warning("live upload failed, trying again: %s", one_line(exc))
                    delay = min(delay * 2, 8.0)
                if self._wait(delay):
                    break
        # Released: the pool has let the chunks in flight finish (or `stop` cut them).
        with contextlib.suppress(Exception):
            self._settle(block=True)

    def _wait(self, delay: float) -> bool:
        """Until the next pump: `delay`, or sooner when the oldest chunk in flight ends (its
        slot is free for the next one). True once released."""
        if self._running:
            with contextlib.suppress(Exception):  # its outcome is for `_settle`
                self._running[0][1].exception(delay)
            return self._released.is_set()
        return self._released.wait(delay)

    def step(self) -> None:
        """Reserve the share if that has not happened yet, then send every full chunk of the
        complete fragments written so far, and wait for them (the thread does the same
        without waiting: a chunk starts whenever one is full and a slot is free)."""
        with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="rep-video-live-chunk") as pool:
            self._pump(pool)
            while self._running:
                self._settle(block=True, one=True)
                self._pump(pool)

    def _pump(self, pool: ThreadPoolExecutor) -> None:
        """Count the chunks that ended; reserve the share if that has not happened yet; start
        full chunks while fewer than IN_FLIGHT are in flight. Never waits for a chunk: the
        next one starts as soon as it is full, while the one before is still on the link (a
        chunk's round trips, declare, create and the PATCH's answer, overlap the other's
        bytes; waiting for both would leave the link idle and the upload behind a take near
        the uplink's rate)."""
        self._settle()
        st = self.state
        if st.reservation is None:
            st.reservation = asdict(self._reserve())
            st.save(self.state_file)
        span = media_span(Path(st.working))
        if span.start == 0:
            return  # no fragment yet
        st.start = st.start or span.start
        st.sent = max(st.sent, st.start)
        size = st.chunk_size
        self._queued = max(self._queued, st.sent)
        last = st.start + MAX_CHUNKS * size  # past this the rest goes at Stop
        ready = self._queued + (min(span.end, last) - self._queued) // size * size
        free = IN_FLIGHT - len(self._running)
        if ready <= self._queued or free <= 0 or self._released.is_set():
            return  # released: no declaration after Stop's (the send's own come after it)
        # Every full chunk waiting is declared at once: behind a slow link, one round trip
        # for all of them rather than one each; each is hashed once, when declared.
        declared_end = st.start + len(st.declared) * size
        if ready > declared_end:
            new = cut_chunks(Path(st.working), declared_end, ready, size)
            self._declare([c.declaration() for c in new])
        # One reservation for every chunk in flight, whichever pump started it: each chunk
        # merges what it did into it, and the state file is written from it whole.
        self._master = master = self._master or self.reservation
        assert master is not None
        with self._lock:
            held = set(master.state.get("complete_parts") or ())
        while free and self._queued < min(ready, st.start + len(st.declared) * size):
            d = st.declared[(self._queued - st.start) // size]
            chunk = Chunk(Path(st.working), self._queued, int(d["size"]), str(d["sha256"]))
            future: Future[None] = Future()
            if chunk.name in held:  # up already (before a failure of the one ahead of it)
                future.set_result(None)
            else:
                span_of = (chunk.offset, chunk.length)
                future = pool.submit(self._send, master, chunk.name, span_of)
                free -= 1
            self._running.append((chunk, future))
            self._queued = chunk.end

    def _settle(self, block: bool = False, one: bool = False) -> None:
        """Move `sent` past the chunks that ended, in order (what is below it is complete on
        the server). A failed chunk: those after it end first, then it is raised, and the
        next pump starts again from it (the server keeps what each got up)."""
        st = self.state
        while self._running and (block or self._running[0][1].done()):
            chunk, future = self._running.popleft()
            try:
                future.result()
            except BaseException:
                for _, rest in self._running:
                    with contextlib.suppress(BaseException):
                        rest.result()
                self._running.clear()
                self._queued = st.sent
                raise
            with self._lock:
                st.sent = chunk.end
                st.save(self.state_file)
            if one:
                return

    def _reserve(self) -> Reservation:
        body = {"manifest": self.manifest.to_dict(), "files": []}
        doing = "reserving the take's share"
        share = self.target.call("POST", "/api/v1/shares", doing, json=body, expect=SHARE_FIELDS)
        upload_url = self.target.endpoint.rebase(str(share["upload_url"]))
        state = {"share_id": share["id"], "upload_url": upload_url, "files": [], "uploads": {},
                 "published": False, "complete_parts": []}  # fmt: skip
        return Reservation(
            self.target.name, str(share["id"]), str(share["token"]), str(share["url"]), state
        )

    def _declare(self, declarations: list[dict[str, Any]]) -> None:
        st = self.state
        new = [d for d in declarations if d not in st.declared]
        if not new:
            return
        reservation = self.reservation
        assert reservation is not None
        files = [*st.declared, *new]
        self.target.call(
            "PUT",
            f"/api/v1/shares/{reservation.share_id}/files",
            "declaring chunks of the take",
            json={"manifest": self.manifest.to_dict(), "files": files},
        )
        st.declared = files
        st.save(self.state_file)

    def _send(self, master: Reservation, name: str, span: tuple[int, int]) -> None:
        """One chunk, on a pool thread: its own copy of the reservation, merged into `master`
        (and the state file) under the lock whenever it changes."""
        # Released meanwhile (Stop while its declaration was on the way): it goes all the
        # same, full before Stop and declared; the tail waits for it rather than send it.
        self._stop.raise_if_cancelled()
        with self._lock:
            mine = master.working_copy()
        uploads = self.target.uploads(mine)
        uploads.saved = lambda: self._merge(master, mine)
        meter = UploadMeter(span[1], no_progress)
        uploads.send(name, Path(self.state.working), meter, self._stop, span=span)
        mine.state["complete_parts"].append(name)
        self._merge(master, mine)

    def _merge(self, master: Reservation, mine: Reservation) -> None:
        with self._lock:
            master.state["uploads"].update(mine.state["uploads"])
            done = master.state["complete_parts"]
            done += [n for n in mine.state["complete_parts"] if n not in done]
            self.state.reservation = asdict(master)
            self.state.save(self.state_file)

    def finish(self, take: Path) -> Reservation | None:
        """Stop streaming; the reservation to send `take` with (see `live_reservation`)."""
        self.stop()
        return live_reservation(self.state_file, take)

    def discard(self) -> None:
        """The rep threw the take away: stop, revoke the share (the server's retention
        removes it and its uploads), forget the state."""
        self.stop()
        reservation = self.reservation
        if reservation is not None:
            # Offline: never published, never linked, so the retention removes it anyway.
            with contextlib.suppress(TransientError):
                self.target.revoke(reservation)
        self.state_file.unlink(missing_ok=True)

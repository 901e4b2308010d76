"""At Stop, the end of a take streamed while it was recorded (live_upload.py) goes up at once:
the chunks of its grid that the server does not hold yet and that the sent video reads (the
trim's window of the take), on a thread of their own while the send makes its media (the
smart-cut pieces, the poster, the video written from its layout). So the uplink carries the
last chunk during the local work instead of after it, and `ServerTarget.upload_layout` finds
it among the share's complete parts.

Best effort: whatever this does not get up (offline, a refusal) the layout's upload sends as
before. It works on its own copy of the reservation; `joined` folds what it did into the
entry's."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rep_video.errors import Cancelled, one_line
from rep_video.media.mp4.tables import read_plain
from rep_video.progress import CancelToken, no_progress
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.file_chunks import Chunk, cut_chunks
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.server_uploads import ShareUploads

if TYPE_CHECKING:
    from rep_video.share.targets.server import ServerTarget

log = logging.getLogger(__name__)

IN_FLIGHT = 2  # tail chunks sent at once
_MARGIN = 0.1  # seconds either side of the trim: an AAC frame of lead-in, rounding


def needed_bytes(take: Path, trim: tuple[float, float] | None) -> tuple[int, int]:
    """Where in `take` the samples inside `trim` (with a little margin) lie: a superset of
    what a layout of the take with that trim reads from it."""
    plain = read_plain(take)
    if trim is None:
        return plain.mdat.start, plain.mdat.end
    lo, hi = plain.mdat.end, plain.mdat.start
    for track in plain.tracks:
        scale = track.info.timescale
        start, end = (trim[0] - _MARGIN) * scale, (trim[1] + _MARGIN) * scale
        shift = track.info.media_time
        for t, s in zip(track.decode_times(), track.samples, strict=True):
            if t - shift + s.duration >= start and t - shift <= end:
                lo, hi = min(lo, s.offset), max(hi, s.offset + s.size)
    return (lo, hi) if lo < hi else (plain.mdat.start, plain.mdat.start)


def needed_grid(
    reservation: Reservation, take: Path, trim: tuple[float, float] | None
) -> list[int]:
    """Where the chunks of the live grid start that the video of `take` with `trim` reads;
    empty when `take` is not the live upload's."""
    live = reservation.state.get("live") or {}
    if not live.get("take") or Path(live["take"]) != take.resolve():
        return []
    start, end, size = int(live["start"]), int(live["end"]), int(live["size"])
    lo, hi = needed_bytes(take, trim)
    return list(range(start + max(0, lo - start) // size * size, min(hi, end), size))


def tail_chunks(
    reservation: Reservation, take: Path, trim: tuple[float, float] | None
) -> list[Chunk]:
    """The chunks of the live grid the video of `take` with `trim` reads and the server does
    not hold (from where what streamed ends: those before are not read to find out)."""
    live = reservation.state.get("live") or {}
    held = set(reservation.state.get("complete_parts") or ())
    sent = int(live.get("sent") or 0)
    chunks: list[Chunk] = []
    for at in needed_grid(reservation, take, trim):
        size, end = int(live["size"]), int(live["end"])
        if at + size <= sent:
            continue
        (chunk,) = cut_chunks(take, at, min(at + size, end), size)
        if chunk.name not in held:
            chunks.append(chunk)
    return chunks


class TailUpload:
    """The thread that sends the tail (module doc)."""

    def __init__(self, target: ServerTarget, reservation: Reservation, take: Path,
                 trim: tuple[float, float] | None, cancel: CancelToken) -> None:  # fmt: skip
        self.target, self.take, self.trim, self.cancel = target, take, trim, cancel
        self.mine = reservation.working_copy()
        self.sent: list[str] = []
        self.declared: list[dict[str, Any]] | None = None
        self.sending: set[str] = set()  # the chunks this sends (the video's upload does not)
        self._declared = threading.Event()  # set once the tail's declaration is done (or not)
        self._thread = threading.Thread(target=self._run, name="rep-video-tail", daemon=True)
        # The chunks that streamed hashed beside the tail's upload (CPU while it waits on
        # the link), not after it.
        self._hashing = threading.Thread(target=self._hash_the_rest, name="rep-video-hash",
                                         daemon=True)  # fmt: skip

    def start(self) -> TailUpload:
        self._thread.start()
        self._hashing.start()
        return self

    def _run(self) -> None:
        try:
            chunks = self._declared_chunks()
            self._adopt_drained()
            held = set(self.mine.state.get("complete_parts") or ())
            if rest := [c for c in chunks if c.name not in held]:
                self._send(rest)
        except Cancelled:
            return
        except Exception as exc:  # offline, refused: the layout's upload sends what is left
            log.info("the take's tail goes with the video instead: %s", one_line(exc))
        finally:
            self._declared.set()

    def _declared_chunks(self) -> list[Chunk]:
        """The tail's chunks, declared first (those in flight at Stop among them: the live
        upload declared them too, so they are kept), so that the video's declaration can
        follow at once, beside the tail's bytes. None when that fails: then the chunks in
        flight are waited for before the video's upload (which sends the rest) may begin."""
        try:
            chunks = tail_chunks(self.mine, self.take, self.trim)
            if chunks:
                self._declare(chunks)
        except Cancelled:
            raise
        except Exception as exc:  # offline, refused, unreadable: the layout's upload sends it
            log.info("the take's tail goes with the video instead: %s", one_line(exc))
            self._adopt_drained()
            return []
        self.sending = {c.name for c in chunks}
        self._declared.set()
        return chunks

    def wait_declared(self) -> set[str]:
        """Wait until the tail's chunks are declared (so a declaration after this one is
        not undone by it); the names of those it sends (until `joined`: not for others)."""
        self._declared.wait()
        return set(self.sending)

    def _adopt_drained(self) -> None:
        """Wait for the chunks the live upload had in flight at Stop (they finish rather than
        go again here), then count what its state file says the server holds."""
        from rep_video.share.live_upload import LiveState, wait_drained

        path = (self.mine.state.get("live") or {}).get("state_file")
        if not path:
            return
        wait_drained(Path(path))
        try:
            theirs = (LiveState.load(Path(path)).reservation or {}).get("state") or {}
        except (OSError, ValueError, TypeError):
            return  # what it got up is not known: the tail sends it
        held = self.mine.state.setdefault("complete_parts", [])
        new = [n for n in theirs.get("complete_parts") or () if n not in held]
        held += new
        self.sent += new
        self.mine.state.setdefault("uploads", {}).update(theirs.get("uploads") or {})

    def _declare(self, chunks: list[Chunk]) -> None:
        live = self.mine.state["live"]
        files = list(live.get("declared") or [])
        names = {f["name"] for f in files}
        files += [c.declaration() for c in chunks if c.name not in names]
        self.target.call(
            "PUT",
            f"/api/v1/shares/{self.mine.share_id}/files",
            "declaring the end of the take",
            json={"files": files},
        )
        self.declared = files

    def _send(self, chunks: list[Chunk]) -> None:
        uploads = ShareUploads(self.target.endpoint, self.mine, self.target.retry_window)
        meter = UploadMeter(sum(c.length for c in chunks), no_progress)
        # Two at once, as while recording: one's bytes go while the other waits for answers.
        files = [(c.name, self.take, (c.offset, c.length)) for c in chunks]
        uploads.send_many(files, meter, self.cancel, in_flight=IN_FLIGHT)
        self.sent += [c.name for c in chunks]

    def _hash_the_rest(self) -> None:
        """Hash the chunks that streamed while recording, as the send's plan will (it names
        each by its content): here, beside the local work, rather than after it."""
        live = self.mine.state.get("live") or {}
        try:
            size, end = int(live["size"]), int(live["end"])
            for at in needed_grid(self.mine, self.take, self.trim):
                if self.cancel.cancelled:
                    return
                cut_chunks(self.take, at, min(at + size, end), size)
        except Exception as exc:  # the plan hashes what is not known here
            log.info("the take's chunks are hashed with the plan instead: %s", one_line(exc))

    def joined(self, reservation: Reservation) -> Reservation:
        """Wait for the thread; `reservation` with the uploads it made and the parts it
        completed."""
        self._thread.join()
        self._hashing.join()
        merged = reservation.working_copy()
        state = merged.state
        state.setdefault("uploads", {}).update(self.mine.state.get("uploads") or {})
        done = state.setdefault("complete_parts", [])
        done += [n for n in self.sent if n not in done]
        if self.declared is not None and "live" in state:
            state["live"] = {**state["live"], "declared": self.declared}
        return merged

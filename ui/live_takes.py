"""Upload while recording, in the app (docs/APP.md, "Upload while recording"): at Record the
take's share is reserved on the share server the send is likely to go to, and the core's
LiveUpload (share/live_upload.py) streams the recorder's fragments to it while the rep talks;
at Stop it stops, and Send adopts the reservation through `ShareRequest.live`, so only the tail
and the new pieces go up after Stop. A take replaced by another before it was sent is
discarded: its share revoked (the server's retention removes it and its chunks).

The state file sits beside the recording (`<recording>.live.json`), so a quit, a crash and the
recovery of an unfinished take all find it again; a send consumes it once the link is known.
Nothing here runs on the UI thread but the bookkeeping: the target is opened, the share
reserved and the chunks sent on worker threads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rep_video.config import Settings
from rep_video.errors import one_line
from rep_video.share.live_upload import LiveState, LiveUpload, draft_manifest
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.file_chunks import CHUNK_SIZE
from ui.embedded_server import EMBEDDED
from ui.tasks import Runner

if TYPE_CHECKING:
    from rep_video.share.targets.base import Target

log = logging.getLogger(__name__)

SETTING = "send.upload_while_recording"


def state_path(recording: Path) -> Path:
    """Where the live upload of `recording` keeps its state."""
    return recording.with_name(recording.name + ".live.json")


class LiveTakes:
    """The live uploads of this app's takes, one per recording."""

    chunk_size = CHUNK_SIZE  # tests stream a short take in smaller chunks

    def __init__(
        self,
        runner: Runner,
        settings: Callable[[], Settings],
        open_target: Callable[[str], Target],
        default_target: Callable[[], str],
    ) -> None:
        self.runner, self._settings, self._open = runner, settings, open_target
        self._default = default_target
        self.target_name = default_target  # the window's: what Send would use as it stands
        self._lock = threading.Lock()
        self._running: dict[Path, LiveUpload] = {}
        self._stopped: set[Path] = set()  # stopped before its reservation was even begun

    def wanted(self) -> str | None:
        """The target to stream to, or None: the setting is off, or the target is not a share
        server. The built-in server is on this computer: nothing to gain while recording."""
        settings = self._settings()
        if not settings.values.get(SETTING, True):
            return None
        name = self.target_name()
        if name not in settings.targets:  # the Send screen has not seen a new target yet
            name = self._default()
        spec = settings.targets.get(name)
        return name if name != EMBEDDED and spec is not None and spec.kind == "server" else None

    def begin(self, recording: Path, working: Path) -> None:
        """Record pressed: reserve and stream on a worker (UI thread; returns at once)."""
        name = self.wanted()
        if name is None:
            return

        def work(_p: Any, _c: Any) -> None:
            from rep_video.share.targets.server import ServerTarget

            manifest = draft_manifest(self._settings())
            target = self._open(name)
            if not isinstance(target, ServerTarget):
                return
            live = LiveUpload.begin(
                target, working, state_path(recording), manifest, self.chunk_size
            )
            with self._lock:
                if recording in self._stopped:  # Stop came first: a take that short goes whole
                    return
                self._running[recording] = live
                live.start()

        self.runner.submit("live upload", work, _logged("start"))

    def stop(self, recording: Path, *, cut: bool = False) -> None:
        """Stop pressed (a worker): the streaming is let go, its chunks in flight finish
        behind it (Send's tail waits for them); `cut` stops them too. The state stays for
        Send."""
        with self._lock:
            live = self._running.pop(recording, None)
            if live is None:
                self._stopped.add(recording)
        if live is not None and cut:
            live.stop()
        elif live is not None:
            live.release()

    def state_for(self, video: Path) -> Path | None:
        """The state file a send of `video` adopts the share of, if it has one."""
        path = state_path(video)
        return path if path.is_file() else None

    def sent(self, video: Path, link: str | None) -> None:
        """A send of `video` has its link (worker): the state is used up. The draft share is
        the send's when the links match; otherwise (sent elsewhere) it is discarded."""
        path = state_path(video)
        reservation = _reservation(path)
        if reservation is not None and reservation.link != link:
            self._revoke(path, reservation)
        path.unlink(missing_ok=True)

    def replaced(self, old: Path | None, new: Path) -> None:
        """A new take (or import) replaces the draft's video `old`: unsent, it is discarded."""
        if old is not None and old != new:
            self.discard(old)

    def discard(self, video: Path) -> None:
        """The take was thrown away unsent: stop its upload, revoke its share (a worker)."""
        self.stop(video, cut=True)
        path = state_path(video)
        if not path.is_file():
            return

        def work(_p: Any, _c: Any) -> None:
            reservation = _reservation(path)
            if reservation is not None:
                self._revoke(path, reservation)
            path.unlink(missing_ok=True)

        self.runner.submit("discard live upload", work, _logged("discard"))

    def _revoke(self, path: Path, reservation: Reservation) -> None:
        try:
            self._open(reservation.target).revoke(reservation)
        except Exception as exc:  # offline or gone: the server drops an unpublished share
            log.info("draft share %s not revoked: %s", reservation.share_id, one_line(exc))
        path.unlink(missing_ok=True)

    def shutdown(self) -> None:
        """Quit: stop streaming; the state files stay (the next launch's send uses them)."""
        with self._lock:
            running, self._running = list(self._running.values()), {}
        for live in running:
            live.stop()


def _reservation(path: Path) -> Reservation | None:
    try:
        raw = LiveState.load(path).reservation
    except (OSError, ValueError, TypeError):
        return None
    return Reservation(**raw) if raw else None


def _logged(what: str) -> Callable[[Any], None]:
    def done(outcome: Any) -> None:
        if not outcome.ok:  # never in the rep's way: the send goes the ordinary way
            log.info("live upload %s: %s", what, outcome.error)

    return done

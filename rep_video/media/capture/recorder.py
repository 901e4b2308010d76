"""The live recorder: frames and microphone blocks in, H.264/AAC out, encoded as they arrive
into fragmented MP4 that survives a crash.

Capture threads call `push_video` / `push_audio` (and, for a screen recording with the camera
bubble, `push_camera`) with timestamps on one shared clock (seconds; any origin). A worker
thread (encoder_worker.py) converts, composites, encodes and muxes in arrival order. The video
queue is bounded (about a second of frames, less for big frames): when it fills up the encoder
steps to a faster x264 tier instead of dropping frames, and back once it has had headroom for
a while (preset_control); only if the queue stays full for `max_block` seconds does a push
give up, and that drop is counted in `stats()`.

`pause(at)`, `resume(at)` and `retake(at)` take the press time on the same clock. A pause ends
the current part at the last frame captured before it (with its audio up to that same
instant) and closes its file, so a crash while paused loses nothing recorded before the pause;
resume starts the next part at the first frame after it. A re-take also drops the last
segment (segments.py: back to the last pause or the last pause in speech of 0.7 s or more) and
leaves the recorder paused. `stop()` drains the queue, closes the parts, writes one plain
faststart MP4 from the kept pieces (a remux when there is only one) and only then deletes the
working files (see recovery.py)."""

from __future__ import annotations

import math
import socket
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt

from rep_video import __version__, paths
from rep_video.errors import UserError
from rep_video.media.capture import recovery
from rep_video.media.capture.bubble import BubbleLayout
from rep_video.media.capture.encoder_queue import CaptureQueue
from rep_video.media.capture.encoder_settings import PRESETS, fps_fraction
from rep_video.media.capture.encoder_worker import Command, EncoderWorker, Spec
from rep_video.media.capture.length_limit import LengthLimit
from rep_video.media.capture.preset_control import TierControl
from rep_video.media.capture.segments import Segments

CHANNELS = (0, 1, 2)
# The video queue holds about `queue_seconds` of frames, but never more than this many bytes:
# a second of 1080p RGB is 190 MB, which a 2-core laptop would rather not hold twice over.
MAX_QUEUE_BYTES = 96 * 1024 * 1024
PAUSED_GRACE = 1.0  # seconds after a pause press that captured media still goes to the worker


@dataclass(frozen=True, slots=True)
class RecorderStats:
    frames_in: int  # pushed by the source and queued
    frames_encoded: int  # in the part files (duplicates included)
    frames_dropped: int  # never reached the file: dropped_queue_full + dropped_surplus
    frames_dropped_queue_full: int  # the encoder could not keep up even at the fastest tier
    frames_dropped_surplus: int  # the source delivered faster than the frame rate
    frames_duplicated: int  # repeated to fill a source stall (keeps constant frame rate)
    frames_while_paused: int  # captured while paused: not recorded, by design
    queue_depth: int
    max_queue_depth: int
    preset: str
    preset_steps: int  # steps down to a faster tier
    preset_steps_up: int  # steps back to a slower tier once the encoder had headroom
    audio_samples_in: int
    audio_samples_encoded: int
    audio_silence_inserted: int  # samples of silence for device gaps and the lead-in
    recorded_seconds: float  # the kept timeline so far (pauses and re-takes not counted)
    paused: bool
    parts: int  # part files written so far
    retakes: int
    last_cut: float | None  # where the last re-take cut the timeline (recorded seconds)
    last_dropped: float  # seconds the last re-take dropped
    bubble_frames_skipped: int  # camera frames for the bubble that found the queue busy
    error: str | None


@dataclass(frozen=True, slots=True)
class RecorderLimits:
    """How much the recorder may hold back and how long it may record."""

    queue_seconds: float = 1.0  # video frames waiting for the encoder, in seconds of video
    max_block: float = 0.5  # how long a push may wait for room before the frame is dropped
    max_seconds: float | None = None  # the policy's longest video (recorded time); None: none


def new_recording_path(folder: Path | None = None) -> Path:
    """A fresh `recording-YYYYmmdd-HHMMSS.mp4` in the recordings folder."""
    folder = folder or paths.recordings_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"recording-{stamp}.mp4"
    n = 1
    while candidate.exists() or recovery.sidecar_path(candidate).exists():
        n += 1
        candidate = folder / f"recording-{stamp}-{n}.mp4"
    return candidate


class Recorder:
    """Thread-safe pushes and commands, encoding on its own worker. One recording per
    instance."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 1,
        *,
        limits: RecorderLimits | None = None,
    ) -> None:
        limits = limits or RecorderLimits()
        if width <= 0 or height <= 0 or width % 2 or height % 2:
            raise ValueError(f"frame size must be positive and even, got {width}x{height}")
        if channels not in CHANNELS:
            raise ValueError("channels must be 0 (no audio), 1 or 2")
        self.path = Path(path)
        self.fragmented = recovery.fragmented_path(self.path)
        self.width, self.height = width, height
        self.fps = fps_fraction(fps)
        self.sample_rate, self.channels = sample_rate, channels
        by_bytes = MAX_QUEUE_BYTES // (width * height * 3)
        self.capacity = max(2, min(round(float(self.fps) * limits.queue_seconds), by_bytes))
        self._queue = CaptureQueue(self.capacity, limits.max_block)
        self._length = LengthLimit(limits.max_seconds)

        self._state: Literal["new", "running", "stopped"] = "new"
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock: recovery.RecordingLock | None = None
        control = TierControl(float(self.fps), self.capacity, max(1, round(self.fps)))
        spec = Spec((width, height), self.fps, (sample_rate, channels), "camera")
        self._worker = EncoderWorker(
            spec, self._queue, control, lambda i: recovery.part_path(self.path, i),
            recovery.segments_path(self.path), self._length,
        )  # fmt: skip
        self._paused_at: float | None = None  # caller's clock; pushes past the grace skip
        self._command_lock = threading.Lock()

    # ----------------------------------------------------------------- lifecycle

    def use_screen(self, bubble: BubbleLayout | None = None) -> None:
        """Before `start`: this records a screen (x264 tuned for screen content), with the
        camera bubble `push_camera` feeds at `bubble` (None: no bubble)."""
        if self._state != "new":
            raise RuntimeError("choose what to record before start()")
        self._worker.spec = replace(self._worker.spec, content="screen")
        self._worker.set_bubble(bubble)

    def start(self) -> None:
        if self._state != "new":
            raise RuntimeError("a Recorder records once; make a new one")
        if self.path.exists():
            raise UserError(f"{self.path.name} already exists; choose another name.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = recovery.write_sidecar(
                self.path,
                {
                    "started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "host": socket.gethostname(),
                    "app_version": __version__,
                    "width": self.width,
                    "height": self.height,
                    "fps": float(self.fps),
                    "sample_rate": self.sample_rate,
                    "channels": self.channels,
                },
            )
        except OSError as exc:
            raise UserError(
                f"cannot record into {self.path.parent} ({exc.strerror or exc}); "
                "free some space or check the folder's permissions."
            ) from exc
        self._state = "running"
        self._queue.open()
        self._thread = threading.Thread(target=self._run, name="rep-video-recorder", daemon=True)
        self._thread.start()

    def stop(self) -> Path:
        """Finish encoding and write the final faststart MP4; returns its path."""
        if self._state != "running":
            raise RuntimeError("the recorder is not running")
        self._queue.close()
        assert self._thread is not None
        self._thread.join()
        self._state = "stopped"
        if self._error is not None:
            self._release_for_recovery()
            raise UserError(
                f"the recording could not be saved ({self._error}); what was recorded is "
                "kept and will be offered for recovery."
            )
        if self._worker.kept_frames() == 0:  # nothing arrived, or every take was dropped
            self._remove_working_files()
            if self._worker.writers:
                raise UserError("nothing was kept: every take was dropped; record again.")
            raise UserError("nothing was recorded: no camera frame arrived; check the camera.")
        try:
            segments = self._worker.segments
            recovery.build_final(self.path, segments if len(segments.parts) > 1
                                 or segments.dropped() else None)  # fmt: skip
        except (av.FFmpegError, OSError, UserError) as exc:
            self._release_for_recovery()
            raise UserError(
                f"could not finish {self.path.name} ({exc}); the recording is kept and will be "
                "offered for recovery."
            ) from exc
        self._remove_working_files()
        return self.path

    def _remove_working_files(self) -> None:
        for path in recovery.working_files(self.path):
            path.unlink(missing_ok=True)
        recovery.remove_sidecar(self.path, self._lock)

    def _release_for_recovery(self) -> None:
        if self._lock is not None:
            self._lock.release()

    # ----------------------------------------------------------------- capture side

    def push_video(self, frame: npt.NDArray[np.uint8], pts: float, *, owned: bool = False) -> bool:
        """Queue one RGB frame (H×W×3 uint8, any size: fitted to the recording's) taken at
        `pts` seconds. Returns False if it had to be dropped (counted in stats). `owned`: the
        caller made this array for the recorder and never writes it again (no copy; the
        encoder side only reads it)."""
        _check_frame(frame)
        if self._skipping(pts):
            return True
        room = self._length.room(pts)
        if (room is not None and room <= 0) or self._worker.limit_reached:
            self._length.mark_reached()
            return False
        # A copy unless owned: the caller may reuse its buffer.
        return self._queue.put_video(_kept(frame, owned), pts)

    def push_camera(self, frame: npt.NDArray[np.uint8], pts: float, *, owned: bool = False) -> None:
        """The camera's frame for the bubble of a screen recording (any size; the middle
        square is used). Never blocks: when the encoder is busy the frame is skipped."""
        _check_frame(frame)
        if not self._skipping(pts):
            self._queue.put_overlay(_kept(frame, owned), pts)

    def push_audio(self, samples: npt.NDArray[np.float32], pts: float) -> None:
        """Queue a block of float32 samples, shape (n, channels), whose first sample was
        captured at `pts` seconds. Never blocks (audio is small)."""
        if not self.channels:
            return
        if samples.ndim == 1 and self.channels == 1:
            samples = samples.reshape(-1, 1)
        if samples.ndim != 2 or samples.shape[1] != self.channels:
            raise ValueError(f"expected (n, {self.channels}) samples, got {samples.shape}")
        if self._skipping(pts):
            return
        room = self._length.room(pts)
        if room is not None:  # keep only the samples before the limit
            samples = samples[: max(0, round(room * self.sample_rate))]
            if not len(samples):
                return
        self._queue.put_audio(np.array(samples, dtype=np.float32, copy=True), pts)

    def _skipping(self, pts: float) -> bool:
        """While paused, media captured well after the press is not even queued."""
        paused_at = self._paused_at
        return paused_at is not None and pts > paused_at + PAUSED_GRACE

    # ----------------------------------------------------------------- commands

    def pause(self, at: float) -> None:
        """Pause at `at` (the press, on the pushes' clock): nothing captured from then until
        `resume` is recorded."""
        self._command("pause", at)

    def resume(self, at: float) -> None:
        """Go on recording with what is captured from `at` on."""
        self._command("resume", at)

    def retake(self, at: float) -> None:
        """Drop the last segment (see segments.py) and pause; `resume` records the new take.
        Where it cut shows in `stats().last_cut` once the worker has placed it."""
        self._command("retake", at)

    def set_bubble(self, layout: BubbleLayout | None, at: float) -> None:
        """Move, resize or hide the camera bubble for frames from about `at` on."""
        self._send(Command("bubble", layout), at)

    def _command(self, kind: str, at: float) -> None:
        with self._command_lock:
            if kind == "resume":
                self._paused_at = None
                self._length.resume(at)
            elif self._paused_at is None:
                self._paused_at = at
                self._length.pause(at)
            self._send(Command(kind), at)

    def _send(self, command: Command, at: float) -> None:
        if self._state != "running":
            raise RuntimeError("the recorder is not running")
        self._queue.put_control(command, at)

    @property
    def _control(self) -> TierControl:
        return self._worker.control

    @_control.setter
    def _control(self, control: TierControl) -> None:  # tests script the tier decisions
        self._worker.control = control

    @property
    def limit_reached(self) -> bool:
        """The length limit has been reached: what comes now is not recorded; stop."""
        return self._length.reached or self._worker.limit_reached

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    # ----------------------------------------------------------------- worker side

    def _run(self) -> None:
        try:
            self._worker.run()
        except BaseException as exc:  # reported by stop(); the pushes stop blocking
            self._error = exc
            self._queue.fail()
            self._worker.abort()

    # ----------------------------------------------------------------- reporting

    def segments(self) -> Segments:
        """A copy of the segment model (what is kept and dropped, by part and time)."""
        with self._worker.lock:
            return self._worker.segments.copy()

    def recorded_seconds(self) -> float:
        return float(self._worker.kept_frames() / self.fps)

    def stats(self) -> RecorderStats:
        q = self._queue
        error = None if self._error is None else str(self._error) or type(self._error).__name__
        w = self._worker
        totals = w.totals()
        cut = w.last_cut
        retakes = sum(1 for e in w.segments.events if e.get("kind") == "retake")
        return RecorderStats(
            frames_in=q.frames_in,
            frames_encoded=totals["encoded"],
            frames_dropped=q.dropped_full + totals["surplus"],
            frames_dropped_queue_full=q.dropped_full,
            frames_dropped_surplus=totals["surplus"],
            frames_duplicated=totals["duplicated"],
            frames_while_paused=w.frames_after_pause,
            queue_depth=q.video_depth,
            max_queue_depth=q.max_depth,
            preset=PRESETS[self._control.tier],
            preset_steps=self._control.steps_down,
            preset_steps_up=self._control.steps_up,
            audio_samples_in=totals["audio_in"],
            audio_samples_encoded=totals["audio_encoded"],
            audio_silence_inserted=totals["audio_silence"],
            recorded_seconds=self.recorded_seconds(),
            paused=self.paused,
            parts=len(w.writers),
            retakes=retakes,
            last_cut=None if cut is None else cut.at,
            last_dropped=0.0 if cut is None else cut.dropped,
            bubble_frames_skipped=q.overlay_skipped,
            error=error,
        )


def _kept(frame: npt.NDArray[np.uint8], owned: bool) -> npt.NDArray[np.uint8]:
    """What the queue holds of a pushed frame: the caller's own array when it handed it over
    (contiguous), else a copy (a 1080p frame is 6 MB; copying it costs a millisecond or two)."""
    if owned and frame.flags.c_contiguous:
        return frame
    return np.array(frame, copy=True, order="C")


def _check_frame(frame: npt.NDArray[np.uint8]) -> None:
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 RGB frame, got {frame.shape} {frame.dtype}")
    if not math.prod(frame.shape):
        raise ValueError("expected a frame with pixels, got an empty one")

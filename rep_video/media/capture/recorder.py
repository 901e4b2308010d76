"""The live recorder: camera frames and microphone blocks in, H.264/AAC out, encoded as they
arrive into a fragmented MP4 that survives a crash (docs/ARCHITECTURE.md, "Decisions").

Capture threads call `push_video` / `push_audio` with timestamps on one shared clock (seconds;
any origin: the first pushed timestamp becomes 0). A worker thread converts, encodes and muxes
in arrival order. The video queue is bounded (about a second of frames): when it fills up the
encoder steps to a faster x264 tier instead of dropping frames, and back once it has had
headroom for a while (preset_control); only if the queue stays full for `max_block` seconds
does a push give up, and that drop is counted in `stats()`. `stop()` drains
the queue, closes the fragmented file, remuxes it into a plain faststart MP4 (no re-encode)
and only then deletes the fragmented file and its sidecar (see recovery.py)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import numpy as np
import numpy.typing as npt
from av.video.frame import PictureType

from rep_video import __version__, paths
from rep_video.errors import UserError
from rep_video.media.capture import recovery
from rep_video.media.capture.encoder_audio import AudioAssembler
from rep_video.media.capture.encoder_queue import CaptureQueue
from rep_video.media.capture.encoder_settings import (
    AUDIO_BIT_RATE,
    AUDIO_CODEC,
    AUDIO_FRAME_SIZE,
    FRAGMENTED_MP4_OPTIONS,
    PRESETS,
    VIDEO_CODEC,
    VIDEO_TIME_BASE,
    fps_fraction,
    keyframe_interval,
)
from rep_video.media.capture.encoder_video import (
    MAX_FILL_SECONDS,
    FrameSlots,
    VideoEncoder,
    rgb_to_yuv,
)
from rep_video.media.capture.length_limit import LengthLimit
from rep_video.media.capture.preset_control import TierControl

_LAYOUTS = {1: "mono", 2: "stereo"}


@dataclass(frozen=True, slots=True)
class RecorderStats:
    frames_in: int  # pushed by the camera
    frames_encoded: int  # in the file (duplicates included)
    frames_dropped: int  # never reached the file: dropped_queue_full + dropped_surplus
    frames_dropped_queue_full: int  # the encoder could not keep up even at the fastest tier
    frames_dropped_surplus: int  # the camera delivered faster than the frame rate
    frames_duplicated: int  # repeated to fill a camera stall (keeps constant frame rate)
    queue_depth: int
    max_queue_depth: int
    preset: str
    preset_steps: int  # steps down to a faster tier
    preset_steps_up: int  # steps back to a slower tier once the encoder had headroom
    audio_samples_in: int
    audio_samples_encoded: int
    audio_silence_inserted: int  # samples of silence for device gaps and the lead-in
    recorded_seconds: float  # video timeline so far
    error: str | None


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


@dataclass(frozen=True, slots=True)
class RecorderLimits:
    """How much the recorder may hold back and how long it may record."""

    queue_seconds: float = 1.0  # video frames waiting for the encoder, in seconds of video
    max_block: float = 0.5  # how long a push may wait for room before the frame is dropped
    max_seconds: float | None = None  # the policy's longest video; None: no limit


class Recorder:
    """Thread-safe pushes, encoding on its own worker. One recording per instance."""

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
        if channels not in (0, *_LAYOUTS):
            raise ValueError("channels must be 0 (no audio), 1 or 2")
        self.path = Path(path)
        self.fragmented = recovery.fragmented_path(self.path)
        self.width, self.height = width, height
        self.fps: Fraction = fps_fraction(fps)
        self.sample_rate, self.channels = sample_rate, channels
        self.capacity = max(2, round(float(self.fps) * limits.queue_seconds))
        self._queue = CaptureQueue(self.capacity, limits.max_block)
        self._length = LengthLimit(limits.max_seconds)
        self._state: Literal["new", "running", "stopped"] = "new"
        self._worker: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock: recovery.RecordingLock | None = None

        self._container: Any = None
        self._video: VideoEncoder | None = None
        self._audio_stream: Any = None
        self._slots = FrameSlots(self.fps)
        self._assembler = AudioAssembler(
            max(channels, 1), AUDIO_FRAME_SIZE, tolerance=round(0.02 * sample_rate)
        )
        self._last_yuv: av.VideoFrame | None = None
        self._gop = keyframe_interval(self.fps)
        self._control = TierControl(float(self.fps), self.capacity, self._gop)
        # counters written by the worker only
        self._encoded = self._dup = self._drop_surplus = 0
        self._audio_encoded = 0

    # ----------------------------------------------------------------- lifecycle

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
        try:
            self._open_container()
        except BaseException:
            recovery.remove_sidecar(self.path, self._lock)
            self.fragmented.unlink(missing_ok=True)
            raise
        self._state = "running"
        self._queue.open()
        self._worker = threading.Thread(target=self._run, name="rep-video-recorder", daemon=True)
        self._worker.start()

    def _open_container(self) -> None:
        self._container = av.open(
            str(self.fragmented), "w", format="mp4", container_options=FRAGMENTED_MP4_OPTIONS
        )
        vstream = self._container.add_stream(VIDEO_CODEC, rate=self.fps)
        vstream.codec_context.width = self.width
        vstream.codec_context.height = self.height
        vstream.time_base = VIDEO_TIME_BASE
        self._video = VideoEncoder(vstream, self.fps)
        if self.channels:
            astream = self._container.add_stream(AUDIO_CODEC, rate=self.sample_rate)
            astream.codec_context.layout = _LAYOUTS[self.channels]
            astream.codec_context.format = "fltp"
            astream.codec_context.bit_rate = AUDIO_BIT_RATE * self.channels
            astream.time_base = Fraction(1, self.sample_rate)
            self._audio_stream = astream

    def stop(self) -> Path:
        """Finish encoding and write the final faststart MP4; returns its path."""
        if self._state != "running":
            raise RuntimeError("the recorder is not running")
        self._queue.close()
        assert self._worker is not None
        self._worker.join()
        self._state = "stopped"
        if self._error is not None:
            self._release_for_recovery()
            raise UserError(
                f"the recording could not be saved ({self._error}); what was recorded is "
                "kept and will be offered for recovery."
            )
        if self._encoded == 0:  # Stop before the first frame: nothing worth keeping
            self.fragmented.unlink(missing_ok=True)
            recovery.remove_sidecar(self.path, self._lock)
            raise UserError("nothing was recorded: no camera frame arrived; check the camera.")
        try:
            recovery.remux_to_faststart(self.fragmented, self.path)
        except (av.FFmpegError, OSError, UserError) as exc:
            self._release_for_recovery()
            raise UserError(
                f"could not finish {self.path.name} ({exc}); the recording is kept and will be "
                "offered for recovery."
            ) from exc
        self.fragmented.unlink(missing_ok=True)
        recovery.remove_sidecar(self.path, self._lock)
        return self.path

    def _release_for_recovery(self) -> None:
        if self._lock is not None:
            self._lock.release()

    # ----------------------------------------------------------------- capture side

    def push_video(self, frame: npt.NDArray[np.uint8], pts: float) -> bool:
        """Queue one RGB frame (H×W×3 uint8, any size: scaled to the recording's) taken at
        `pts` seconds. Returns False if it had to be dropped (counted in stats) or falls past
        the length limit (`limit_reached`; not a drop)."""
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"expected an HxWx3 uint8 RGB frame, got {frame.shape} {frame.dtype}")
        room = self._length.room(pts)
        if room is not None and room <= 0:
            return False
        # A copy: the caller may reuse its buffer.
        return self._queue.put_video(np.array(frame, copy=True, order="C"), pts)

    def push_audio(self, samples: npt.NDArray[np.float32], pts: float) -> None:
        """Queue a block of float32 samples, shape (n, channels), whose first sample was
        captured at `pts` seconds. Never blocks (audio is small)."""
        if not self.channels:
            return
        if samples.ndim == 1 and self.channels == 1:
            samples = samples.reshape(-1, 1)
        if samples.ndim != 2 or samples.shape[1] != self.channels:
            raise ValueError(f"expected (n, {self.channels}) samples, got {samples.shape}")
        room = self._length.room(pts)
        if room is not None:  # keep only the samples before the limit
            samples = samples[: max(0, round(room * self.sample_rate))]
            if not len(samples):
                return
        self._queue.put_audio(np.array(samples, dtype=np.float32, copy=True), pts)

    @property
    def limit_reached(self) -> bool:
        """The length limit has been reached: what comes now is not recorded; stop."""
        return self._length.reached

    # ----------------------------------------------------------------- worker side

    def _run(self) -> None:
        try:
            while (got := self._queue.get()) is not None:
                (kind, data, t), depth = got
                if kind == "v":
                    started, before = time.perf_counter(), self._encoded
                    self._encode_video(data, t)
                    # The tier decision is pure (preset_control); the clock stays here.
                    cost = (time.perf_counter() - started) / max(1, self._encoded - before)
                    self._control.observe(depth, cost)
                else:
                    self._encode_audio(data, t)
            self._finish()
        except BaseException as exc:  # reported by stop(); the pushes stop blocking
            self._error = exc
            self._queue.fail()
            self._close_quietly()

    def _encode_video(self, frame: npt.NDArray[np.uint8], t: float) -> None:
        assert self._video is not None
        previous = self._slots.last
        slot = self._slots.place(t)
        if slot is None:
            self._drop_surplus += 1
            return
        if previous is not None and self._last_yuv is not None:
            missing = slot - previous - 1
            if 0 < missing <= MAX_FILL_SECONDS * float(self.fps):
                for fill in range(previous + 1, slot):
                    self._encode_yuv(self._last_yuv, fill)
                    self._dup += 1
        yuv = rgb_to_yuv(frame, self.width, self.height)
        self._encode_yuv(yuv, slot)
        self._last_yuv = yuv

    def _encode_yuv(self, yuv: av.VideoFrame, slot: int) -> None:
        assert self._video is not None
        # Keyframes sit on the one-second grid of the recording's own timeline (trims snap to
        # them); a tier switch happens on one, since the new encoder must start with an IDR.
        on_grid = slot % self._gop == 0
        if on_grid and self._control.wanted != self._video.tier:
            self._container.mux(self._video.switch_to(self._control.wanted))
            self._control.switched()
        yuv.pict_type = PictureType.I if on_grid else PictureType.NONE
        yuv.pts = self._slots.pts(slot)
        yuv.time_base = VIDEO_TIME_BASE
        self._container.mux(self._video.encode(yuv))
        self._encoded += 1

    def _encode_audio(self, samples: npt.NDArray[np.float32], t: float) -> None:
        self._assembler.add(samples, round(t * self.sample_rate))
        self._mux_audio(final=False)

    def _mux_audio(self, *, final: bool) -> None:
        layout = _LAYOUTS[self.channels]
        for pts, chunk in self._assembler.chunks(final=final):
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = self.sample_rate
            frame.pts = pts
            frame.time_base = Fraction(1, self.sample_rate)
            self._container.mux(self._audio_stream.encode(frame))
            self._audio_encoded += chunk.shape[1]

    def _finish(self) -> None:
        assert self._video is not None
        if self.channels:
            if self._assembler.counters.samples_in == 0:
                # No microphone data at all: a silent track as long as the video, rather than
                # a track with no samples that some players choke on.
                self._assembler.pad_to(round(self._video_seconds() * self.sample_rate))
            self._mux_audio(final=True)
            self._container.mux(self._audio_stream.encode(None))
        self._container.mux(self._video.encode(None))
        self._container.close()
        self._container = None

    def _close_quietly(self) -> None:
        if self._container is not None:
            # Already failing: close what can be closed; the fragments on disk stay.
            with contextlib.suppress(Exception):
                self._container.close()
            self._container = None

    def _video_seconds(self) -> float:
        last = self._slots.last
        return 0.0 if last is None else float((last + 1) / self.fps)

    # ----------------------------------------------------------------- reporting

    def stats(self) -> RecorderStats:
        q = self._queue
        error = None if self._error is None else str(self._error) or type(self._error).__name__
        counters = self._assembler.counters
        return RecorderStats(
            frames_in=q.frames_in,
            frames_encoded=self._encoded,
            frames_dropped=q.dropped_full + self._drop_surplus,
            frames_dropped_queue_full=q.dropped_full,
            frames_dropped_surplus=self._drop_surplus,
            frames_duplicated=self._dup,
            queue_depth=q.video_depth,
            max_queue_depth=q.max_depth,
            preset=self._video.preset if self._video else PRESETS[0],
            preset_steps=self._control.steps_down,
            preset_steps_up=self._control.steps_up,
            audio_samples_in=counters.samples_in,
            audio_samples_encoded=self._audio_encoded,
            audio_silence_inserted=counters.silence_inserted,
            recorded_seconds=self._video_seconds(),
            error=error,
        )

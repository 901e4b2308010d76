"""The capture hub: one camera and one microphone feeding the preview, the level meter and,
while recording, the core `Recorder`. In a screen recording a screen source (ui/screen_sources.py)
gives the recorded frames and the camera, if there is a bubble, only the bubble's picture
(`Recorder.push_camera`; the core composites it on its encoder thread).

Sources call in from their capture threads with timestamps on the monotonic clock. The hub
passes them to the recorder right there (it is thread-safe, encodes on its own worker and
makes the first timestamp zero) and hands the UI only the latest preview frame and level
through queued signals, so a busy UI never slows the recording."""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal

from rep_video.media.capture.bubble import BubbleLayout
from ui import core_bridge
from ui.devices import SAMPLE_RATE, Source
from ui.screen_capture import RateGate

Mode = str  # "camera" | "screen" | "screen+camera"
MODES: tuple[Mode, ...] = ("camera", "screen", "screen+camera")
SCREEN_MAX = (1920, 1080)  # screen content is recorded at up to this size (mobile profile)
BUBBLE_SOURCE = 480  # the camera's middle square is handed to the recorder at most this big


def screen_fps(cores: int | None = None) -> float:
    """Frames a second of a screen recording: slides and a pointer read well at 15, and 1080p
    x264 at 30 would take most of a two-core laptop (docs/PERFORMANCE.md, "Screen + camera
    bubble", measured under heavy load only)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return 30.0 if cores >= 4 else 15.0


@dataclass(frozen=True, slots=True)
class LevelReading:
    dbfs: float  # loudness of the last block, -inf..0
    silent: bool  # no usable sound for a while (the warning shows)


class CaptureHub(QObject):
    preview = Signal(object)  # np.ndarray RGB, the latest frame (UI thread)
    bubble_preview = Signal(object)  # np.ndarray RGB, the camera for the bubble (screen modes)
    level = Signal(object)  # LevelReading
    source_failed = Signal(str, str)  # kind ("camera" | "microphone"), message

    def __init__(self, max_side: int = 1280, fps: float = 30.0) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._camera: Source | None = None
        self._mic: Source | None = None
        self._screen: Source | None = None
        self.mode: Mode = "camera"
        self.bubble: BubbleLayout | None = None  # where the bubble goes (screen+camera)
        self._screen_size: tuple[int, int] | None = None
        self._bubble_pending = False
        self._max_side = max_side
        self.fps = fps
        self.screen_fps = screen_fps()
        self._bubble_gate = RateGate(self.screen_fps)
        self._recorder: Any = None
        self._rec_t0 = 0.0
        self._record_size: tuple[int, int] | None = None
        self._last_size: tuple[int, int] | None = None
        self._preview_pending = False
        self._silence = core_bridge.silence_detector(SAMPLE_RATE)
        self._level_sent = 0.0
        self._loudest = -math.inf
        self.frames_pushed = 0

    # -- sources -----------------------------------------------------------------------------
    def set_camera(self, source: Source | None) -> None:
        self._camera = self._swap(self._camera, source, "camera", self._on_video)

    def set_microphone(self, source: Source | None) -> None:
        self._mic = self._swap(self._mic, source, "microphone", self._on_audio)
        self._silence = core_bridge.silence_detector(SAMPLE_RATE)

    def set_screen(self, source: Source | None) -> None:
        self._screen_size = None
        self._screen = self._swap(self._screen, source, "screen", self._on_screen)

    def _swap(
        self, old: Source | None, new: Source | None, kind: str, consumer: Any
    ) -> Source | None:
        """Stop `old`, start `new` delivering to `consumer`; its failures say `kind`."""
        if old is not None:
            old.consumer = None
            old.stop()
        if new is not None:
            new.consumer = consumer
            new.failed.connect(lambda msg: self.source_failed.emit(kind, msg))
            new.start()
        return new

    def set_mode(self, mode: Mode, bubble: BubbleLayout | None = None) -> None:
        """What the next take records: the camera, a screen, or a screen with the bubble at
        `bubble`. Sources are set by the caller (set_camera / set_screen)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.set_bubble(bubble if mode == "screen+camera" else None)

    def set_bubble(self, layout: BubbleLayout | None) -> None:
        """Move or resize the bubble; while recording, from the frames captured now on."""
        self.bubble = layout
        recorder = self._recorder
        if recorder is not None and self.mode == "screen+camera" and layout is not None:
            recorder.set_bubble(layout, time.monotonic())

    def screen_size(self) -> tuple[int, int] | None:
        """(width, height) the screen source delivers, once it has delivered a frame."""
        return self._screen_size

    def has_camera(self) -> bool:
        return self._camera is not None

    def frame_size(self) -> tuple[int, int] | None:
        """(width, height) the camera delivers, once it has delivered a frame."""
        return self._last_size

    def close(self) -> None:
        if self.recording:
            self.stop_recording()
        self.set_camera(None)
        self.set_screen(None)
        self.set_microphone(None)

    # -- recording ---------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self._recorder is not None

    def start_recording(self, path: Path, max_seconds: float) -> None:
        """Start encoding into `path` (a fragmented MP4 the core turns into the final file);
        the core records at most `max_seconds` (see `limit_reached`)."""
        if self.mode == "camera":
            w, h = _fit(self._last_size or (1280, 720), self._max_side)
        else:  # the encoder fits each screen frame to this size itself
            w, h = _fit_box(self._screen_size or SCREEN_MAX, SCREEN_MAX)
        fps = self.fps if self.mode == "camera" else self.screen_fps
        recorder = core_bridge.new_recorder(path, (w, h), fps, (SAMPLE_RATE, 1), max_seconds)
        if self.mode != "camera":
            recorder.use_screen(self.bubble if self.mode == "screen+camera" else None)
        recorder.start()
        with self._lock:
            self._record_size = (w, h)
            self._rec_t0 = time.monotonic()
            self.frames_pushed = 0
            self._recorder = recorder

    def limit_reached(self) -> bool:
        """The recorder reached the length limit: nothing more is being recorded."""
        recorder = self._recorder
        return bool(recorder is not None and recorder.limit_reached)

    def elapsed(self) -> float:
        """Recorded time: what the file will hold (pauses and re-takes do not count)."""
        recorder = self._recorder
        return float(recorder.recorded_seconds()) if recorder is not None else 0.0

    # Pause, resume and re-take: the press time on the devices' clock; the core decides, on
    # its encoder thread, which frames and samples are on which side of it.
    def pause(self) -> None:
        if (recorder := self._recorder) is not None:
            recorder.pause(time.monotonic())

    def resume(self) -> None:
        if (recorder := self._recorder) is not None:
            recorder.resume(time.monotonic())

    def retake(self) -> None:
        if (recorder := self._recorder) is not None:
            recorder.retake(time.monotonic())

    def recorder_stats(self) -> Any:
        recorder = self._recorder
        return None if recorder is None else recorder.stats()

    def stop_recording(self) -> Any:
        """Stop pushing; returns the recorder, whose `stop()` (slow: it flushes the encoder and
        remuxes) the caller runs on a worker."""
        with self._lock:
            recorder, self._recorder = self._recorder, None
        return recorder

    # -- capture threads ---------------------------------------------------------------------
    def _on_video(self, frame: np.ndarray, pts: float) -> None:
        self._last_size = (frame.shape[1], frame.shape[0])
        if self.mode != "camera":
            self._on_bubble_camera(frame, pts)
            return
        with self._lock:
            recorder = self._recorder
            if recorder is not None and pts >= self._rec_t0:
                w, h = self._record_size or self._last_size
                out = frame
                if (frame.shape[1], frame.shape[0]) != (w, h):
                    out = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
                # Pushing outside the lock would let Stop race a push; the recorder only
                # blocks here if its queue is full, which it resolves by encoding faster.
                recorder.push_video(out, pts)
                self.frames_pushed += 1
        # Only one preview frame in flight: a slow UI sees fewer frames, the recording all.
        if not self._preview_pending:
            self._preview_pending = True
            self.preview.emit(_preview_sized(frame))

    def preview_consumed(self) -> None:
        self._preview_pending = False

    def bubble_consumed(self) -> None:
        self._bubble_pending = False

    def _on_bubble_camera(self, frame: np.ndarray, pts: float) -> None:
        if self.mode != "screen+camera":
            return
        # At the screen's rate (a camera's 30 a second would only be skipped by the encoder),
        # and its middle square at most a bubble's size: a fifth of a camera frame to queue
        # (OpenCV's resize releases the GIL; the compositing is the encoder's).
        if not self._bubble_gate.admit(pts):
            return
        square = _bubble_sized(frame, BUBBLE_SOURCE)
        with self._lock:
            recorder = self._recorder
            if recorder is not None and pts >= self._rec_t0:
                recorder.push_camera(square, pts, owned=True)  # never blocks: may skip it
        if not self._bubble_pending:
            self._bubble_pending = True
            self.bubble_preview.emit(_bubble_sized(square))

    def _on_screen(self, frame: np.ndarray, pts: float) -> None:
        self._screen_size = (frame.shape[1], frame.shape[0])
        if self.mode == "camera":
            return
        with self._lock:
            recorder = self._recorder
            if recorder is not None and pts >= self._rec_t0:
                # Any size (fitted on the encoder side); the source made this array for us.
                recorder.push_video(frame, pts, owned=True)
                self.frames_pushed += 1
        if not self._preview_pending:
            self._preview_pending = True
            self.preview.emit(_preview_sized(frame))

    def _on_audio(self, samples: np.ndarray, pts: float) -> None:
        dbfs, silent = core_bridge.measure(self._silence, samples)
        self._loudest = max(self._loudest, dbfs)
        now = time.monotonic()
        if now - self._level_sent >= LEVEL_INTERVAL:  # ~16 meter updates a second is plenty
            self._level_sent = now
            self.level.emit(LevelReading(self._loudest, silent))
            self._loudest = -math.inf
        with self._lock:
            recorder = self._recorder
            if recorder is None:
                return
            end = pts + len(samples) / SAMPLE_RATE
            if end <= self._rec_t0:
                return  # entirely before Start
            if pts < self._rec_t0:  # keep only what was captured after Start
                skip = round((self._rec_t0 - pts) * SAMPLE_RATE)
                samples, pts = samples[skip:], pts + skip / SAMPLE_RATE
            recorder.push_audio(samples, pts)


PREVIEW_MAX_WIDTH = 800
LEVEL_INTERVAL = 0.06  # seconds between level meter updates


def _preview_sized(frame: np.ndarray) -> np.ndarray:
    """Shrink big frames here, on the capture thread (OpenCV releases the GIL), so the UI
    thread only scales a small image when it paints."""
    h, w = frame.shape[:2]
    if w <= PREVIEW_MAX_WIDTH:
        return frame
    size = (PREVIEW_MAX_WIDTH, round(h * PREVIEW_MAX_WIDTH / w))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _bubble_sized(frame: np.ndarray, side: int = 240) -> np.ndarray:
    """The camera's middle square, at most side × side: all a bubble shows."""
    h, w = frame.shape[:2]
    s = min(w, h)
    x0, y0 = (w - s) // 2, (h - s) // 2
    square = frame[y0 : y0 + s, x0 : x0 + s]
    if s <= side:
        return np.ascontiguousarray(square)
    return cv2.resize(square, (side, side), interpolation=cv2.INTER_AREA)


def _fit_box(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Scale (w, h) down to fit inside `box`, keeping its shape; even numbers for H.264."""
    w, h = size
    scale = min(1.0, box[0] / w, box[1] / h)
    return (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Scale (w, h) down so the longest side is ≤ max_side; even numbers for H.264."""
    w, h = size
    scale = min(1.0, max_side / max(w, h))
    return (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2)

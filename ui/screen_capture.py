"""How captured screen frames get from Qt to the recorder without the UI thread and with
bounded memory.

Qt Multimedia's screen and window capture grabs on a thread of its own, makes a new 8 MB frame
(1920×1080 BGRX) each time, at the screen's refresh rate, and hands it to the QVideoSink on the
sink's thread through a queued call. With the sink on the UI thread (where a QVideoSink made
there lives) a busy or starved UI thread let those calls pile up: every queued call holds its
frame, and that queue was most of the RSS of a screen recording (docs/PERFORMANCE.md, "Screen +
camera bubble"). A `Qt.DirectConnection` on videoFrameChanged does not help: the signal is
emitted where setVideoFrame runs, on the sink's thread.

So the sink lives on a thread of its own (`FramePump`), where videoFrameChanged is emitted, and
the handler there (a direct connection) does almost nothing for most frames: only a frame whose
time has come (`RateGate`, on Qt's capture time, so frames that arrive together stay apart) is
mapped and converted, and only into one of a fixed set of buffers (`FramePool`): when all are
still held (the encoder is behind), the frame is dropped before conversion, and counted. The
push into the recorder, which may wait, is a forwarding thread's. What exists at any time is
the sink's frame, the calls Qt has queued for a thread with nothing else to do, and the pool.
(Looking at the sink's latest frame from a timer instead, without Python per frame, gave ticks
too coarse on a loaded machine: every other one fell short of the gate's spacing, 10 frames a
second of 15.)"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import Qt, QThread
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat, QVideoSink

from rep_video.media.capture.recorder import MAX_QUEUE_BYTES, RecorderLimits
from ui import malloc_tuning
from ui.devices import Forwarder, frame_to_rgb

_PF = QVideoFrameFormat.PixelFormat
# 32-bit RGB layouts a capture delivers, and OpenCV's conversion of each to RGB.
_TO_RGB = {
    _PF.Format_BGRX8888: cv2.COLOR_BGRA2RGB,
    _PF.Format_BGRA8888: cv2.COLOR_BGRA2RGB,
    _PF.Format_RGBX8888: cv2.COLOR_RGBA2RGB,
    _PF.Format_RGBA8888: cv2.COLOR_RGBA2RGB,
}

TRIM_EVERY = 8  # converted frames between handing freed memory back (ui/malloc_tuning.py)


def video_frame_rgb(
    frame: QVideoFrame, into: Callable[[int, int], np.ndarray | None] | None = None
) -> np.ndarray | None:
    """A captured frame as H×W×3 RGB: in a buffer `into(height, width)` gives (None from it:
    no room, nothing converted), else a new array. 32-bit RGB frames are read in place;
    anything else goes through Qt's (slow) image conversion."""
    code = _TO_RGB.get(frame.pixelFormat())
    if code is None:
        return frame_to_rgb(frame)
    h, w = frame.height(), frame.width()
    out = None if into is None else into(h, w)
    if into is not None and out is None:
        return None
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        stride = frame.bytesPerLine(0)
        raw = np.frombuffer(frame.bits(0), dtype=np.uint8, count=stride * h)
        src = raw.reshape(h, stride)[:, : w * 4].reshape(h, w, 4)
        rgb: np.ndarray = cv2.cvtColor(src, code, dst=out)
    finally:
        frame.unmap()
    return rgb


class RateGate:
    """Lets through about `fps` frames a second of a faster source, evenly: a frame is taken
    once its due time has come, the next is due one interval later (never more than half an
    interval in the past, so a stall does not make a burst), and none comes sooner than 0.9 of
    an interval after the last (the recorder would refuse a frame too close as surplus)."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self._due = -1e9
        self._last = -1e9

    def due(self, now: float) -> bool:
        """Would `admit(now)` take a frame (without taking it)?"""
        return now >= self._due and now - self._last >= 0.9 * self.interval

    def admit(self, now: float) -> bool:
        if not self.due(now):
            return False
        self._due = max(self._due + self.interval, now - self.interval / 2)
        self._last = now
        return True


def pool_size(fps: float) -> int:
    """Buffers for a screen recording at `fps`: one fewer than the recorder's queue holds."""
    return round(fps * RecorderLimits().queue_seconds) - 1


class FramePool:
    """At most `most` H×W×3 buffers, and no more than `max_bytes` of them (but at least 2). A
    buffer is free again once nothing but the pool refers to it: the recorder's queue, the
    encoder, a preview frame or any view of it all hold a reference. Used from one thread.

    One frame fewer than the recorder's queue holds (a second of frames, at most 96 MB): the
    queue is then never full, so a push never waits and the recorder never drops a frame; a
    frame the encoder has no room for is dropped here instead, before it costs a conversion."""

    def __init__(self, most: int, max_bytes: int = MAX_QUEUE_BYTES) -> None:
        self._most, self._max_bytes = most, max_bytes
        self._shape: tuple[int, int, int] | None = None
        self._buffers: list[np.ndarray] = []
        self.allocated = 0

    @property
    def size(self) -> int:
        """How many buffers the current shape may have."""
        if self._shape is None:
            return 0
        return max(2, min(self._most, self._max_bytes // int(np.prod(self._shape)) - 1))

    def take(self, height: int, width: int) -> np.ndarray | None:
        """A buffer nobody holds, or None if all of them are held."""
        shape = (height, width, 3)
        if shape != self._shape:  # a window was resized: buffers of the new size from now
            self._shape, self._buffers = shape, []
        for buffer in self._buffers:
            # The list, the loop variable and getrefcount's own argument.
            if sys.getrefcount(buffer) <= 3:
                return buffer
        if len(self._buffers) >= self.size:
            return None
        buffer = np.empty(shape, dtype=np.uint8)
        self._buffers.append(buffer)
        self.allocated += 1
        return buffer


@dataclass(slots=True)
class PumpCounts:
    new: int = 0  # frames Qt delivered
    converted: int = 0  # handed to the consumer
    dropped: int = 0  # due, but every buffer was still held: never converted


class FramePump:
    """Owns the QVideoSink a capture session delivers to, on a thread of its own, and hands
    `consumer(rgb, pts)` at most `fps` frames a second from another thread (a push into the
    recorder may wait for room; the sink's thread must keep releasing Qt's frames)."""

    def __init__(self, fps: float, consumer: Callable[[np.ndarray, float], None]) -> None:
        self.sink = QVideoSink()
        self.counts = PumpCounts()
        self._gate = RateGate(fps)
        self._pool = FramePool(pool_size(fps))
        self._origin = float("inf")  # monotonic time of the capture clock's zero
        self._thread = QThread()
        self._thread.setObjectName("screen-sink")
        self.sink.moveToThread(self._thread)
        # Emitted on the sink's thread (where setVideoFrame is queued to): run right there.
        self.sink.videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.DirectConnection)
        self._forward = Forwarder("screen-forwarder", capacity=64)  # the pool bounds it
        self._forward.consumer = consumer

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
        self._forward.close()

    def _on_frame(self, frame: QVideoFrame) -> None:  # the sink's thread
        self.counts.new += 1
        if not frame.isValid():
            return
        at = self._captured_at(frame.startTime(), time.monotonic())
        if not self._gate.due(at):
            return
        rgb = video_frame_rgb(frame, self._pool.take)
        if rgb is None:
            self.counts.dropped += 1
            self._gate.admit(at)  # its slot is gone: the next frame is due an interval on
            return
        self._gate.admit(at)
        self.counts.converted += 1
        self._forward.put(rgb, at)
        if self.counts.converted % TRIM_EVERY == 0:
            malloc_tuning.trim()

    def _captured_at(self, start_us: int, now: float) -> float:
        """When a frame was grabbed, on the monotonic clock: its own timestamp (µs from the
        capture's start) keeps frames that arrive together apart. The clock's zero is where
        the quickest frame puts it (arrival is never before capture)."""
        if start_us < 0:
            return now
        self._origin = min(self._origin, now - start_us / 1e6)
        return min(now, self._origin + start_us / 1e6)

"""What a screen recording records: a whole screen (QScreenCapture) or one window
(QWindowCapture), delivered like a camera (ui/devices.py's Source): RGB frames with monotonic
timestamps to the consumer, from a thread of the source's own.

Qt hands each captured frame to the UI thread; the handler there only keeps a reference to it
(and lets through no more than the recording's frame rate), and the conversion to RGB runs on
the forwarding thread. That conversion maps the frame's memory and lets OpenCV reorder the
channels (about 1 ms for 1920×1080): QVideoFrame.toImage() took 350 ms for such a frame here,
which would have held the recording to 3 frames a second."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import (
    QMediaCaptureSession,
    QScreenCapture,
    QVideoFrame,
    QVideoFrameFormat,
    QVideoSink,
    QWindowCapture,
)

from ui.devices import DeviceBase, _Forwarder, frame_to_rgb
from ui.i18n import translate
from ui.without_gil import call_slot_without_gil

Kind = Literal["screen", "window"]
_PF = QVideoFrameFormat.PixelFormat
# 32-bit RGB layouts a capture delivers, and OpenCV's conversion of each to RGB.
_TO_RGB = {
    _PF.Format_BGRX8888: cv2.COLOR_BGRA2RGB,
    _PF.Format_BGRA8888: cv2.COLOR_BGRA2RGB,
    _PF.Format_RGBX8888: cv2.COLOR_RGBA2RGB,
    _PF.Format_RGBA8888: cv2.COLOR_RGBA2RGB,
}


@dataclass(frozen=True, slots=True)
class ScreenChoice:
    """One entry of the source list: a screen or a window, as the rep sees it named."""

    kind: Kind
    label: str
    target: Any  # QScreen | QCapturableWindow

    @property
    def key(self) -> str:
        """Stable within a session: what the list remembers as selected."""
        return f"{self.kind}:{self.label}"


def list_sources() -> list[ScreenChoice]:
    """The screens, then the windows the window manager lists (none without one)."""
    screens = QGuiApplication.screens()
    found = [
        ScreenChoice(
            "screen",
            translate("screen_sources", "Whole screen {n} ({w}×{h})").format(
                n=i + 1, w=s.geometry().width(), h=s.geometry().height()
            ),
            s,
        )
        for i, s in enumerate(screens)
    ]
    for window in QWindowCapture.capturableWindows():
        if window.isValid() and window.description():
            found.append(ScreenChoice("window", window.description(), window))
    return found


def video_frame_rgb(frame: QVideoFrame) -> np.ndarray | None:
    """A captured frame as H×W×3 RGB (a new array). 32-bit RGB frames are read in place;
    anything else goes through Qt's (slow) image conversion."""
    code = _TO_RGB.get(frame.pixelFormat())
    if code is None:
        return frame_to_rgb(frame)
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        h, w, stride = frame.height(), frame.width(), frame.bytesPerLine(0)
        raw = np.frombuffer(frame.bits(0), dtype=np.uint8, count=stride * h)
        rgb: np.ndarray = cv2.cvtColor(raw.reshape(h, stride)[:, : w * 4].reshape(h, w, 4), code)
    finally:
        frame.unmap()
    return rgb


def _capture_for(choice: ScreenChoice) -> QScreenCapture | QWindowCapture:
    if choice.kind == "screen":
        screen_capture = QScreenCapture()
        screen_capture.setScreen(choice.target)
        return screen_capture
    window_capture = QWindowCapture()
    window_capture.setWindow(choice.target)
    return window_capture


def _attach(session: QMediaCaptureSession, capture: QScreenCapture | QWindowCapture) -> None:
    if isinstance(capture, QScreenCapture):
        session.setScreenCapture(capture)
    else:
        session.setWindowCapture(capture)


class RateGate:
    """Lets through about `fps` frames a second of a faster source, evenly: a frame is taken
    once its due time has come, the next is due one interval later (never more than half an
    interval in the past, so a stall does not make a burst), and none comes sooner than 0.9 of
    an interval after the last (the recorder would refuse a frame too close as surplus)."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self._due = -1e9
        self._last = -1e9

    def admit(self, now: float) -> bool:
        if now < self._due or now - self._last < 0.9 * self.interval:
            return False
        self._due = max(self._due + self.interval, now - self.interval / 2)
        self._last = now
        return True


class ScreenSource(DeviceBase):
    """Captures one screen or window; at most `fps` frames a second reach the consumer (a
    screen delivers at its refresh rate, and a frame the recorder would refuse as surplus
    should not cost a conversion), each stamped with when it was grabbed."""

    def __init__(self, choice: ScreenChoice, fps: float = 30.0) -> None:
        super().__init__()
        self.choice = choice
        self._gate = RateGate(fps)
        self._origin = float("inf")  # monotonic time of the capture clock's zero
        self._session = QMediaCaptureSession()
        self._sink = QVideoSink()
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._capture: QScreenCapture | QWindowCapture | None = None
        # A few frames at most: a late frame is worth less than the next one.
        self._forward = _Forwarder("screen-forwarder", capacity=6)
        self._forward.consumer = self._deliver  # type: ignore[assignment]  # carries frames
        self.frames_seen = 0

    def start(self) -> None:
        capture = _capture_for(self.choice)
        capture.errorOccurred.connect(self._on_error)
        _attach(self._session, capture)
        self._capture = capture
        capture.start()

    def stop(self) -> None:
        if self._capture is not None:
            call_slot_without_gil(self._capture, "stop")  # a Python QVideoSink is attached
            self._capture = None
        self._forward.close()

    def _on_error(self, _error: Any, text: str) -> None:
        self.failed.emit(
            translate(
                "screen_sources",
                "The screen cannot be recorded ({value}); pick another screen or window, or "
                "record the camera only.",
            ).format(value=text or translate("screen_sources", "capture failed"))
        )

    def _on_frame(self, frame: QVideoFrame) -> None:
        at = self._captured_at(frame, time.monotonic())
        self.frames_seen += 1
        if not frame.isValid() or not self._gate.admit(at):
            return
        self._forward.put(QVideoFrame(frame), at)  # type: ignore[arg-type]

    def _captured_at(self, frame: QVideoFrame, now: float) -> float:
        """When the frame was grabbed, on the monotonic clock. Qt queues captured frames for
        the UI thread, so a busy UI thread receives several at once: their own timestamps
        (µs from the capture's start) keep them apart. The clock's zero is where the quickest
        frame puts it (arrival is never before capture)."""
        start = frame.startTime()
        if start < 0:
            return now
        self._origin = min(self._origin, now - start / 1e6)
        return min(now, self._origin + start / 1e6)

    def _deliver(self, frame: QVideoFrame, pts: float) -> None:  # the forwarding thread
        rgb = video_frame_rgb(frame)
        if rgb is not None:
            self._emit(rgb, pts)


def thumbnail(frame: np.ndarray, width: int = 160) -> np.ndarray:
    """A small copy for the source list (OpenCV releases the GIL)."""
    h, w = frame.shape[:2]
    size = (width, max(2, round(h * width / w)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


class ThumbnailGrabber(QObject):
    """Live thumbnails for the source list: one capture at a time, round robin, one frame
    each (a session per source would capture every screen and window all the time)."""

    ready = Signal(str, object)  # ScreenChoice.key, small RGB frame

    def __init__(self, pause_ms: int = 700, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = QMediaCaptureSession()
        self._sink = QVideoSink()
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._choices: list[ScreenChoice] = []
        self._at = 0
        self._capture: QScreenCapture | QWindowCapture | None = None
        self._waiting: ScreenChoice | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._next)
        self._pause_ms = pause_ms
        self.running = False

    def set_sources(self, choices: list[ScreenChoice]) -> None:
        self._choices = list(choices)
        self._at = 0

    def start(self) -> None:
        if not self.running:
            self.running = True
            self._timer.start(0)

    def stop(self) -> None:
        self.running = False
        self._timer.stop()
        self._waiting = None
        self._release()

    def _release(self) -> None:
        if self._capture is not None:
            call_slot_without_gil(self._capture, "stop")
            self._capture.deleteLater()
            self._capture = None

    def _next(self) -> None:
        self._release()
        if not self.running or not self._choices:
            return
        choice = self._choices[self._at % len(self._choices)]
        self._at += 1
        self._waiting = choice
        self._capture = _capture_for(choice)
        _attach(self._session, self._capture)
        self._capture.start()
        self._timer.start(2000)  # no frame (a minimised window): on to the next

    def _on_frame(self, frame: QVideoFrame) -> None:
        choice, self._waiting = self._waiting, None
        if choice is None or not self.running:
            return
        rgb = video_frame_rgb(frame)
        if rgb is not None:
            self.ready.emit(choice.key, thumbnail(rgb))
        self._timer.start(self._pause_ms)  # released by _next, outside this signal

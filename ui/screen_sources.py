"""What a screen recording records: a whole screen (QScreenCapture) or one window
(QWindowCapture), delivered like a camera (ui/devices.py's Source): RGB frames with monotonic
timestamps to the consumer, from a thread of the source's own.

Qt's frames never reach the UI thread: ui/screen_capture.py receives them on a thread of its
own and converts only those recorded, into a bounded set of buffers. The conversion maps the
frame's memory and lets OpenCV reorder the channels (about 1 ms for 1920×1080):
QVideoFrame.toImage() took 350 ms for such a frame here, which would have held the recording
to 3 frames a second."""

from __future__ import annotations

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
    QVideoSink,
    QWindowCapture,
)

from ui.devices import DeviceBase
from ui.i18n import translate
from ui.screen_capture import FramePump, PumpCounts, video_frame_rgb
from ui.without_gil import call_slot_without_gil

Kind = Literal["screen", "window"]


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


class ScreenSource(DeviceBase):
    """Captures one screen or window; at most `fps` frames a second reach the consumer, each
    stamped with when it was grabbed. The capture path is in ui/screen_capture.py: Qt's
    frames go to a thread of their own, never the UI thread, and only the frames recorded are
    converted, into a bounded set of buffers."""

    def __init__(self, choice: ScreenChoice, fps: float = 30.0) -> None:
        super().__init__()
        self.choice = choice
        self._session = QMediaCaptureSession()
        self._pump = FramePump(fps, lambda rgb, pts: self._emit(rgb, pts))
        self._session.setVideoSink(self._pump.sink)
        self._capture: QScreenCapture | QWindowCapture | None = None

    @property
    def counts(self) -> PumpCounts:
        """Frames seen, converted and dropped so far (the benchmark reports them)."""
        return self._pump.counts

    def start(self) -> None:
        capture = _capture_for(self.choice)
        capture.errorOccurred.connect(self._on_error)
        _attach(self._session, capture)
        self._capture = capture
        self._pump.start()
        capture.start()

    def stop(self) -> None:
        if self._capture is not None:
            call_slot_without_gil(self._capture, "stop")  # Qt's grabbing thread ends
            self._capture = None
        self._pump.close()

    def _on_error(self, _error: Any, text: str) -> None:
        self.failed.emit(
            translate(
                "screen_sources",
                "The screen cannot be recorded ({value}); pick another screen or window, or "
                "record the camera only.",
            ).format(value=text or translate("screen_sources", "capture failed"))
        )


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
        # Taken first: stopping runs a nested event loop, where another release may come.
        capture, self._capture = self._capture, None
        if capture is not None:
            call_slot_without_gil(capture, "stop")
            capture.deleteLater()

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
        # Released right after this signal, not when the next source is due: a capture keeps
        # grabbing (8 MB a frame at 1080p, queued for this thread) until it is stopped.
        delivered = self._capture
        QTimer.singleShot(0, lambda: self._release() if self._capture is delivered else None)
        self._timer.start(self._pause_ms)

"""Camera and microphone adapters: Qt Multimedia frames and PCM (or the core's synthetic
sources, with `--demo-devices`) turned into plain numpy data for the core `Recorder`.

Every source calls its consumer with `(data, pts)` from whatever thread it captures on, pts
in seconds on the monotonic clock (so camera and microphone share one clock):
RGB uint8 frames (H×W×3) for cameras, float32 samples (n×channels) for microphones. The
capture hub (ui/capture.py) forwards them to the recorder and to the preview."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeGuard, TypeVar

import numpy as np
from PySide6.QtCore import QIODevice, QObject, Signal, SignalInstance
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QAudioDevice,
    QAudioFormat,
    QAudioSource,
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)

from rep_video.media.capture import synthetic
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.without_gil import call_slot_without_gil

DEMO_CAMERA_ID = "demo:test-pattern"
DEMO_MIC_ID = "demo:tone"
DEMO_SILENT_MIC_ID = "demo:silent"
SAMPLE_RATE = 48000
# What `failed` says when the device chosen was unplugged since it was listed.
CAMERA_GONE = QT_TRANSLATE_NOOP("devices", "The camera is no longer connected; pick another one.")
MICROPHONE_GONE = QT_TRANSLATE_NOOP(
    "devices", "The microphone is no longer connected; pick another one."
)

FrameConsumer = Callable[[np.ndarray, float], None]
D = TypeVar("D", QCameraDevice, QAudioDevice)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    label: str
    demo: bool = False


def _infos(devices: Sequence[QCameraDevice] | Sequence[QAudioDevice]) -> list[DeviceInfo]:
    return [
        DeviceInfo(bytes(d.id().data()).decode("utf-8", "replace"), d.description())
        for d in devices
    ]


def list_cameras(demo: bool) -> list[DeviceInfo]:
    found = _infos(QMediaDevices.videoInputs())
    if demo:
        found.append(
            DeviceInfo(DEMO_CAMERA_ID, translate("devices", "Test pattern (demo)"), demo=True)
        )
    return found


def list_microphones(demo: bool) -> list[DeviceInfo]:
    found = _infos(QMediaDevices.audioInputs())
    if demo:
        found.append(DeviceInfo(DEMO_MIC_ID, translate("devices", "Tone (demo)"), demo=True))
        found.append(
            DeviceInfo(
                DEMO_SILENT_MIC_ID, translate("devices", "Silent microphone (demo)"), demo=True
            )
        )
    return found


class Source(Protocol):
    """A capture device as the capture hub sees it: it delivers to `consumer` between
    `start()` and `stop()`, and `failed` carries a one-line reason (permission denied,
    unplugged) that the Record screen shows in place."""

    consumer: FrameConsumer | None

    @property
    def failed(self) -> SignalInstance: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class DeviceBase(QObject):
    """What every device shares: the `failed` signal and delivery to the consumer."""

    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.consumer: FrameConsumer | None = None

    def _connected(self, device: D | None, gone: str) -> TypeGuard[D]:
        """Whether the device chosen is still there; if not, `failed` says `gone`."""
        if device is None:
            self.failed.emit(translate("devices", gone))
        return device is not None

    def _emit(self, data: np.ndarray, pts: float) -> None:
        consumer = self.consumer
        if consumer is not None:
            consumer(data, pts)


class Forwarder:
    """Hands captured data to the consumer on a thread of its own. Qt delivers camera frames
    and microphone reads on the UI thread, and a push into the recorder may wait while its
    encoder catches up: that wait must never freeze the window. The queue holds a few seconds;
    if it ever overflows, the overflow is counted (`overflowed`), never hidden."""

    def __init__(self, name: str, capacity: int) -> None:
        self._queue: queue.Queue[tuple[np.ndarray, float] | None] = queue.Queue(capacity)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.consumer: FrameConsumer | None = None
        self.overflowed = 0
        self._thread.start()

    def put(self, data: np.ndarray, pts: float) -> None:
        try:
            self._queue.put_nowait((data, pts))
        except queue.Full:
            self.overflowed += 1

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            consumer = self.consumer
            if consumer is not None:
                consumer(*item)


def frame_to_rgb(frame: QVideoFrame) -> np.ndarray | None:
    """A Qt video frame as an H×W×3 RGB uint8 array (a copy: Qt reuses its buffers)."""
    image = frame.toImage()
    if image.isNull():
        return None
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * h)
    return buf.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def _with_id(devices: Sequence[D], device_id: str) -> D | None:
    """The device of this id among `devices` (Qt's ids are bytes; ours their text)."""
    return next((d for d in devices if bytes(d.id().data()).decode() == device_id), None)


class QtCamera(DeviceBase):
    """A system camera through QMediaCaptureSession + QVideoSink."""

    def __init__(self, device_id: str) -> None:
        super().__init__()
        self._device: QCameraDevice | None = _with_id(QMediaDevices.videoInputs(), device_id)
        self._camera: QCamera | None = None
        self._session = QMediaCaptureSession()
        self._sink = QVideoSink()
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._forward = Forwarder("camera-forwarder", capacity=90)

    def start(self) -> None:
        if not self._connected(self._device, CAMERA_GONE):
            return
        self._camera = QCamera(self._device)
        self._camera.errorOccurred.connect(self._on_error)
        self._session.setCamera(self._camera)
        self._camera.start()

    def stop(self) -> None:
        if self._camera is not None:
            call_slot_without_gil(self._camera, "stop")  # a Python QVideoSink is attached
            self._camera = None
        self._forward.close()

    def _on_error(self, _error: QCamera.Error, text: str) -> None:
        self.failed.emit(
            translate(
                "devices",
                "The camera cannot be used ({value}); allow camera access in your system "
                "settings, or import a video file.",
            ).format(value=text or "access denied")
        )

    def _on_frame(self, frame: QVideoFrame) -> None:
        rgb = frame_to_rgb(frame)
        if rgb is not None:
            self._forward.consumer = self.consumer
            self._forward.put(rgb, time.monotonic())


class QtMicrophone(DeviceBase):
    """A system microphone through QAudioSource, read as mono float32 at 48 kHz."""

    def __init__(self, device_id: str) -> None:
        super().__init__()
        self._device: QAudioDevice | None = _with_id(QMediaDevices.audioInputs(), device_id)
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._samples = 0
        self._origin: float | None = None
        self._forward = Forwarder("microphone-forwarder", capacity=500)

    def start(self) -> None:
        if not self._connected(self._device, MICROPHONE_GONE):
            return
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
        if not self._device.isFormatSupported(fmt):
            self.failed.emit(
                translate(
                    "devices",
                    "This microphone cannot record 48 kHz audio here; pick another microphone.",
                )
            )
            return
        self._source = QAudioSource(self._device, fmt)
        self._samples = 0
        self._origin = None
        self._io = self._source.start()
        if self._io is None:
            self.failed.emit(
                translate("devices", "The microphone could not be opened; allow microphone access.")
            )
            return
        self._io.readyRead.connect(self._on_ready)

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
            self._source = None
            self._io = None
        self._forward.close()

    def _on_ready(self) -> None:
        if self._io is None:
            return
        data = bytes(self._io.readAll().data())
        usable = len(data) - len(data) % 4
        if usable <= 0:
            return
        samples = np.frombuffer(data[:usable], dtype=np.float32).reshape(-1, 1).copy()
        if self._origin is None:
            # The first block ends now; count samples from its start on the shared clock.
            self._origin = time.monotonic() - len(samples) / SAMPLE_RATE
        pts = self._origin + self._samples / SAMPLE_RATE
        self._samples += len(samples)
        self._forward.consumer = self.consumer
        self._forward.put(samples, pts)


class DemoCamera(DeviceBase):
    """The core's synthetic test-pattern camera, delivering in real time on its own thread."""

    def __init__(self, width: int = 1280, height: int = 720, fps: float = 30.0) -> None:
        super().__init__()
        self.camera = synthetic.TestPatternCamera(width, height, fps)

    def start(self) -> None:
        self.camera.start(self._emit)

    def stop(self) -> None:
        self.camera.stop()


class DemoMicrophone(DeviceBase):
    """The core's synthetic tone microphone (or a silent one, to show the warning)."""

    def __init__(self, silent: bool = False) -> None:
        super().__init__()
        self.microphone = synthetic.ToneMicrophone(
            SAMPLE_RATE, 1, tone=synthetic.Tone(silent=silent)
        )

    def start(self) -> None:
        self.microphone.start(self._emit)

    def stop(self) -> None:
        self.microphone.stop()


def open_camera(device: DeviceInfo, size: tuple[int, int] = (1280, 720)) -> Source:
    if device.id == DEMO_CAMERA_ID:
        return DemoCamera(*size)
    return QtCamera(device.id)


def open_microphone(device: DeviceInfo) -> Source:
    if device.id == DEMO_MIC_ID:
        return DemoMicrophone()
    if device.id == DEMO_SILENT_MIC_ID:
        return DemoMicrophone(silent=True)
    return QtMicrophone(device.id)

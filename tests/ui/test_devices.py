"""Device adapters: Qt video frames become RGB arrays; captured data is forwarded off the UI
thread, in order, and an overflow is counted rather than hidden."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame

from ui import devices
from ui.devices import Forwarder, frame_to_rgb

pytestmark = pytest.mark.gui


def test_frame_to_rgb_keeps_pixels_and_orientation(qapp: object) -> None:
    rgb = np.zeros((36, 64, 3), dtype=np.uint8)
    rgb[:, :32] = (255, 0, 0)  # left half red
    rgb[30:, :, 2] = 200  # bottom rows blue-ish
    image = QImage(rgb.data, 64, 36, 64 * 3, QImage.Format.Format_RGB888).copy()
    out = frame_to_rgb(QVideoFrame(image))
    assert out is not None and out.shape == (36, 64, 3)
    assert np.array_equal(out, rgb)


def test_forwarder_delivers_in_order_off_the_calling_thread() -> None:
    got: list[tuple[int, float, str]] = []
    fwd = Forwarder("t", capacity=10)
    fwd.consumer = lambda data, pts: got.append(
        (int(data[0]), pts, threading.current_thread().name)
    )
    for i in range(5):
        fwd.put(np.array([i]), i / 10)
    fwd.close()
    assert [g[0] for g in got] == [0, 1, 2, 3, 4]
    assert {g[2] for g in got} == {"t"}
    assert fwd.overflowed == 0


def test_forwarder_counts_overflow() -> None:
    release = threading.Event()
    fwd = Forwarder("slow", capacity=2)
    fwd.consumer = lambda data, pts: release.wait(5)
    for i in range(6):
        fwd.put(np.array([i]), float(i))
        time.sleep(0.01)
    assert fwd.overflowed >= 2
    release.set()
    fwd.close()


def test_demo_devices_only_with_the_flag() -> None:
    assert all(not d.demo for d in devices.list_cameras(False))
    labels = [d.label for d in devices.list_microphones(True)]
    assert "Tone (demo)" in labels and "Silent microphone (demo)" in labels
    assert [d.label for d in devices.list_cameras(True)][-1] == "Test pattern (demo)"


def test_a_device_unplugged_since_it_was_chosen_says_so_on_start(qapp: object) -> None:
    for device, what in ((devices.QtCamera("gone"), "camera"),
                         (devices.QtMicrophone("gone"), "microphone")):  # fmt: skip
        failed: list[str] = []
        device.failed.connect(failed.append)
        device.start()
        device.stop()
        assert failed == [f"The {what} is no longer connected; pick another one."]

"""A/V sync through the app's capture path: the synthetic camera and microphone, running in
real time on their own threads like devices, feed the capture hub; a flash and a beep at the
same instant land within one frame of each other in the recording."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from tests.unit.media.capture.conftest import decoded_audio, decoded_frames
from ui.capture import CaptureHub
from ui.devices import DeviceBase

pytestmark = pytest.mark.gui


class _Shared(DeviceBase):
    """A synthetic device started on a clock shared with its partner (as the OS stamps a real
    camera and microphone)."""

    def __init__(self, device: TestPatternCamera | ToneMicrophone, epoch: float) -> None:
        super().__init__()
        self.device, self.epoch = device, epoch

    def start(self) -> None:
        self.device.start(self._emit, epoch=self.epoch)

    def stop(self) -> None:
        self.device.stop()


def test_flash_and_beep_within_one_frame(qtbot: QtBot, tmp_path: Path) -> None:
    epoch = time.monotonic() + 0.3
    hub = CaptureHub()
    hub.set_camera(_Shared(TestPatternCamera(640, 360, 30.0, flash_at=(2.5,)), epoch))
    hub.set_microphone(_Shared(ToneMicrophone(tone=Tone(beep_at=(2.5,), level_dbfs=-30.0)), epoch))
    qtbot.waitUntil(lambda: hub.frame_size() is not None, timeout=5000)
    qtbot.waitUntil(lambda: time.monotonic() > epoch + 0.8, timeout=5000)
    path = tmp_path / "sync.mp4"
    hub.start_recording(path, 180.0)
    started = time.monotonic() - epoch
    qtbot.waitUntil(lambda: time.monotonic() > epoch + 3.6, timeout=8000)
    recorder = hub.stop_recording()
    hub.close()
    final = recorder.stop()
    flash = next(t for t, img in decoded_frames(final) if img.mean() > 240)
    start, data, rate = decoded_audio(final)
    beep = start + float(np.nonzero(np.abs(data[0]) > 0.35)[0][0]) / rate
    assert abs(flash - beep) <= 1 / 30
    assert flash == pytest.approx(2.5 - started, abs=0.1)  # nothing before Start was kept

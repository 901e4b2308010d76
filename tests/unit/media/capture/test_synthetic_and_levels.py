"""The synthetic camera and microphone, and the level helpers behind the meter and the
silent-microphone warning."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from rep_video.media.capture.levels import FLOOR_DBFS, SilenceDetector, peak_dbfs, rms_dbfs
from rep_video.media.capture.synthetic import (
    TestPatternCamera,
    Tone,
    ToneMicrophone,
    read_frame_index,
)


def test_camera_frames_are_deterministic_counted_and_moving() -> None:
    cam = TestPatternCamera(640, 360, 30)
    a, b = cam.frame(7), cam.frame(8)
    assert a.shape == (360, 640, 3) and a.dtype == np.uint8
    assert np.array_equal(a, TestPatternCamera(640, 360, 30).frame(7))
    assert not np.array_equal(a, b)
    assert [read_frame_index(cam.frame(i)) for i in (0, 1, 300, 40_000)] == [0, 1, 300, 40_000]
    assert a.max() < 255  # only a flash is white
    frames = list(cam.frames(1.0))
    assert [pts for _, pts in frames] == pytest.approx([i / 30 for i in range(30)])


def test_flash_and_beep_mark_the_same_instant() -> None:
    cam = TestPatternCamera(320, 240, 30, flash_at=[2.0])
    mic = ToneMicrophone(48000, tone=Tone(beep_at=[2.0], level_dbfs=-40))
    assert cam.frame(60).min() == 255 and cam.frame(59).mean() < 200
    signal = mic.samples(0, 3 * 48000)[:, 0]
    onset = int(np.nonzero(np.abs(signal) > 0.1)[0][0])
    assert abs(onset - 2 * 48000) <= 3  # the 1 kHz burst's first non-zero samples


def test_microphone_tone_silence_and_channels() -> None:
    tone = ToneMicrophone(48000, 2, tone=Tone(level_dbfs=-20))
    block = tone.samples(0, 4800)
    assert block.shape == (4800, 2) and block.dtype == np.float32
    assert rms_dbfs(block) == pytest.approx(-23.0, abs=0.2)  # a sine's RMS is 3 dB under peak
    assert peak_dbfs(block) == pytest.approx(-20.0, abs=0.1)
    silent = ToneMicrophone(48000, tone=Tone(silent=True))
    assert not silent.samples(0, 4800).any()
    blocks = list(silent.blocks(1.0))
    assert sum(b.shape[0] for b, _ in blocks) == 48000
    assert blocks[1][1] == pytest.approx(0.02)


def test_real_time_sources_share_a_clock() -> None:
    cam, mic = TestPatternCamera(160, 120, 30), ToneMicrophone()
    frames: list[float] = []
    blocks: list[float] = []
    lock = threading.Lock()

    def on_frame(_: np.ndarray, pts: float) -> None:
        with lock:
            frames.append(pts)

    def on_block(_: np.ndarray, pts: float) -> None:
        with lock:
            blocks.append(pts)

    epoch = time.monotonic()
    cam.start(on_frame, epoch=epoch)
    mic.start(on_block, epoch=epoch)
    assert cam.running and mic.running
    time.sleep(0.5)
    cam.stop()
    mic.stop()
    stopped = time.monotonic()
    assert not cam.running
    # Exact accounting whatever the machine's load: one clock, nothing ahead of it, every
    # camera instant either delivered or counted as skipped, every audio block delivered.
    assert frames[0] == blocks[0] == epoch
    assert frames[-1] <= stopped and blocks[-1] <= stopped
    assert len(frames) + cam.frames_skipped == round((frames[-1] - epoch) * 30) + 1
    assert blocks == pytest.approx([epoch + k * 0.02 for k in range(len(blocks))])
    assert np.all(np.diff(frames) > 0)
    assert len(frames) >= 3 and len(blocks) >= 5
    with pytest.raises(RuntimeError):  # one thread at a time
        mic.start(on_block)
        mic.start(on_block)
    mic.stop()


def test_levels_of_silence_and_full_scale() -> None:
    assert rms_dbfs(np.zeros((480, 1), np.float32)) == FLOOR_DBFS
    assert peak_dbfs(np.zeros((0, 1), np.float32)) == FLOOR_DBFS
    assert peak_dbfs(np.ones((10, 1), np.float32)) == pytest.approx(0.0)


def test_silence_detector_counts_audio_time() -> None:
    detector = SilenceDetector(48000, seconds=2.0)
    quiet = ToneMicrophone(48000, tone=Tone(level_dbfs=-60)).samples(0, 4800)  # < −50 dBFS
    loud = ToneMicrophone(48000, tone=Tone(level_dbfs=-30)).samples(0, 4800)
    assert not any(detector.feed(quiet) for _ in range(19))
    assert detector.feed(quiet)  # 2.0 s
    assert detector.quiet_seconds == pytest.approx(2.0)
    assert not detector.feed(loud)  # any signal clears it at once
    assert detector.quiet_seconds == 0
    for _ in range(25):
        detector.feed(np.zeros((4800, 1), np.float32))
    assert detector.silent
    detector.reset()
    assert not detector.silent

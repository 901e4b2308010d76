"""A/V sync: a white flash and a beep at the same instant land within one frame of each other
in the final file (decoded with PyAV, so edit lists and AAC priming are accounted for)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from tests.unit.media.capture.conftest import Record, decoded_audio, decoded_frames


def first_flash(path: Path) -> float:
    return next(t for t, img in decoded_frames(path) if img.mean() > 240)


def beep_onset(path: Path) -> float:
    start, data, rate = decoded_audio(path)
    # the background tone is −30 dBFS (0.03); the beep −3 dBFS (0.7)
    loud = np.nonzero(np.abs(data[0]) > 0.35)[0]
    return start + float(loud[0]) / rate


@pytest.mark.parametrize(("fps", "flash"), [(30.0, 1.0), (25.0, 1.48), (30.0, 2.2)])
def test_flash_and_beep_land_within_one_frame(record: Record, fps: float, flash: float) -> None:
    rec = record(3.0, (320, 240), fps, flash_at=(flash,), offset=50.0)
    video_t, audio_t = first_flash(rec.path), beep_onset(rec.path)
    assert video_t == pytest.approx(flash, abs=1 / fps)
    assert abs(video_t - audio_t) <= 1 / fps


def test_sync_holds_when_audio_arrives_before_video(record: Record) -> None:
    # Clock origin set by the microphone's first block, not the camera's first frame.
    rec = record(2.5, flash_at=(1.5,), offset=7.0)
    assert abs(first_flash(rec.path) - beep_onset(rec.path)) <= 1 / 30


def test_sync_holds_when_the_microphone_starts_late(tmp_path: Path) -> None:
    # Microphones often open after the camera; here the first audio block is pushed after
    # 2.7 s of video is already queued (and partly written).
    recorder = Recorder(tmp_path / "late.mp4", 320, 240, 30)
    recorder.start()
    camera = TestPatternCamera(320, 240, 30, flash_at=[3.0])
    mic = ToneMicrophone(tone=Tone(beep_at=[3.0], level_dbfs=-30))
    frames = list(camera.frames(4.0))
    for frame, t in frames[:81]:  # up to 2.7 s
        recorder.push_video(frame, t)
    rest = iter(frames[81:])
    pending = next(rest, None)
    for samples, t in mic.blocks(4.0):
        if t < 2.5:
            continue
        while pending is not None and pending[1] <= t:
            recorder.push_video(*pending)
            pending = next(rest, None)
        recorder.push_audio(samples, t)
    path = recorder.stop()
    assert recorder.stats().audio_silence_inserted == 2.5 * 48000  # the lead-in
    assert first_flash(path) == pytest.approx(3.0, abs=1e-3)
    assert abs(first_flash(path) - beep_onset(path)) <= 1 / 30

"""Re-take: the last segment (since the last pause, or the last pause in speech of 0.7 s or
more) is dropped and never reaches the file; recording goes on from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.media.capture import recovery
from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.segments import INTO_SILENCE
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from tests.unit.media.capture.conftest import (
    beep_onsets,
    durations,
    feed_with_commands,
    frame_indices,
    white_frames,
)

FPS = 30
# Capture timeline: sentence A (marker at 0.8), a pause in speech 1.5–2.5, sentence B (marker
# at 3.0, the one the rep fluffs), Re-take at 3.6 while still talking, Resume at 5.0, sentence C
# (marker at 5.6).
QUIET = ((1.5, 2.5),)
MARKERS = (0.8, 3.0, 5.6)


def _sources() -> tuple[TestPatternCamera, ToneMicrophone]:
    camera = TestPatternCamera(320, 240, FPS, flash_at=MARKERS)
    tone = Tone(beep_at=MARKERS, level_dbfs=-20, quiet=QUIET, noise_dbfs=-62)
    mic = ToneMicrophone(48000, 1, tone=tone)
    return camera, mic


@pytest.mark.parametrize("audio_lag", [0.0, 0.06])
def test_retake_drops_exactly_the_last_sentence(tmp_path: Path, audio_lag: float) -> None:
    recorder = Recorder(tmp_path / "retake.mp4", 320, 240, FPS)
    recorder.start()
    camera, mic = _sources()
    feed_with_commands(recorder, camera, mic, 6.5, [(3.6, "retake"), (5.0, "resume")],
                       audio_lag=audio_lag)  # fmt: skip
    path = recorder.stop()
    stats = recorder.stats()
    cut = 1.5 + INTO_SILENCE  # just inside the pause before sentence B
    assert stats.retakes == 1
    assert stats.last_cut == pytest.approx(cut, abs=1 / FPS)
    assert stats.last_dropped == pytest.approx(3.6 - cut, abs=1 / FPS)

    # A and C are in the file, where the kept timeline puts them; B is gone from both tracks.
    flashes, beeps = white_frames(path), beep_onsets(path)
    assert len(flashes) == len(beeps) == 2
    expected = [0.8, cut + (5.6 - 5.0)]
    assert flashes == pytest.approx(expected, abs=1 / FPS)
    assert beeps == pytest.approx(expected, abs=1 / FPS)
    video, audio = durations(path)
    assert video == pytest.approx(cut + 1.5, abs=1 / FPS)
    assert audio == pytest.approx(video, abs=1 / FPS)

    # Frame by frame: 0 .. cut, then from Resume on; nothing of the dropped take.
    keep = round(cut * FPS)
    indices = [i for i in frame_indices(path) if i != 0xFFFF]
    flash_frames = {round(m * FPS) for m in MARKERS}
    want = [i for i in [*range(keep), *range(150, 195)] if i not in flash_frames]
    assert indices == want
    assert not any(p.exists() for p in recovery.working_files(path))


def test_retake_without_a_pause_in_speech_goes_back_to_the_last_pause(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "p.mp4", 320, 240, FPS)
    recorder.start()
    camera = TestPatternCamera(320, 240, FPS, flash_at=(2.5,))
    mic = ToneMicrophone(
        48000, 1, tone=Tone(beep_at=(2.5,), level_dbfs=-20)
    )  # talks without a break
    commands = [(1.0, "pause"), (2.0, "resume"), (3.0, "retake"), (4.0, "resume")]
    feed_with_commands(recorder, camera, mic, 5.0, commands)
    path = recorder.stop()
    assert recorder.stats().last_cut == pytest.approx(1.0, abs=1e-6)
    assert white_frames(path) == [] and beep_onsets(path) == []  # the flash was in the drop
    assert frame_indices(path) == [*range(30), *range(120, 150)]


def test_retakes_in_a_row_go_back_one_segment_each(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "twice.mp4", 320, 240, FPS)
    recorder.start()
    camera, mic = _sources()
    # Re-take at 3.6, resume at 5.0, and again right away at 5.2: the new take is too short to
    # be what the rep meant, so it goes back past the pause at 1.8 to the start.
    commands = [(3.6, "retake"), (5.0, "resume"), (5.2, "retake"), (5.4, "resume")]
    feed_with_commands(recorder, camera, mic, 6.5, commands)
    path = recorder.stop()
    stats = recorder.stats()
    assert stats.retakes == 2 and stats.last_cut == 0.0
    assert frame_indices(path)[0] == 162  # the first frame after the second Resume
    assert len(white_frames(path)) == 1  # only C's flash


def test_retake_while_paused_and_retake_of_everything(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "all.mp4", 320, 240, FPS)
    recorder.start()
    feed_with_commands(
        recorder, TestPatternCamera(320, 240, FPS), ToneMicrophone(), 3.0,
        [(1.0, "pause"), (1.5, "retake")],
    )  # fmt: skip
    with pytest.raises(Exception, match="every take was dropped"):
        recorder.stop()
    assert not any(p.exists() for p in recovery.working_files(recorder.path))
    assert not recorder.path.exists()

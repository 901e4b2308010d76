"""Pause and resume: one continuous file from several parts, with no gap and no repeated frame
at the joins, audio and video in step after ten pauses, and only recorded time counted."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from rep_video.media.capture import recovery
from rep_video.media.capture.recorder import Recorder, RecorderLimits
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from tests.unit.media.capture.conftest import (
    beep_onsets,
    durations,
    feed_with_commands,
    frame_indices,
    white_frames,
)

FPS = 30


def _cycles(n: int, on: float, off: float, jitter: float) -> tuple[list, list[float], list]:
    """Commands for n record/pause cycles, marker times in the middle of each take, and the
    takes' capture intervals."""
    commands, markers, takes = [], [], []
    t = 0.0
    for k in range(n):
        end = t + on + (jitter if k % 2 else 0.0)
        takes.append((t, end))
        markers.append(t + on / 2)
        commands.append((end, "pause"))
        t = end + off
        if k < n - 1:
            commands.append((t, "resume"))
    return commands, markers, takes


def _frame_at_or_after(t: float) -> int:
    return math.ceil(t * FPS - 1e-9)


@pytest.mark.parametrize("audio_lag", [0.0, 0.08])
@pytest.mark.slow
def test_ten_pauses_keep_duration_and_sync(tmp_path: Path, audio_lag: float) -> None:
    commands, markers, takes = _cycles(10, 0.6, 0.45, jitter=0.013)
    total = takes[-1][1] + 0.5
    recorder = Recorder(tmp_path / "paused.mp4", 320, 240, FPS)
    recorder.start()
    camera = TestPatternCamera(320, 240, FPS, flash_at=markers)
    mic = ToneMicrophone(48000, 1, tone=Tone(beep_at=markers, level_dbfs=-30))
    feed_with_commands(recorder, camera, mic, total, commands, audio_lag=audio_lag)
    path = recorder.stop()
    stats = recorder.stats()
    recorded = stats.recorded_seconds
    assert stats.parts == 10 and stats.frames_dropped == 0

    # Recorded time counts the takes only, each to within a frame of its presses.
    captured = sum(end - start for start, end in takes)
    assert abs(recorded - captured) <= 10 / FPS
    video, audio = durations(path)
    assert video == pytest.approx(recorded, abs=1 / FPS)
    assert audio == pytest.approx(recorded, abs=1 / FPS)

    # Every marker lands where its take puts it, in picture and sound, the last one too.
    flashes, beeps = white_frames(path), beep_onsets(path)
    assert len(flashes) == len(beeps) == 10
    elapsed = 0  # frames
    for (start, end), marker, flash, beep in zip(takes, markers, flashes, beeps, strict=True):
        # A take runs from the first frame captured at or after Resume to the last one
        # before Pause; the flash is on the frame nearest its marker.
        first, after = _frame_at_or_after(start), _frame_at_or_after(end)
        assert flash == pytest.approx((elapsed + round(marker * FPS) - first) / FPS, abs=1e-3)
        assert abs(flash - beep) <= 1 / FPS
        elapsed += after - first
    assert abs(flashes[-1] - beeps[-1]) <= 1 / FPS

    # No gap, no frozen frame: the counters only go up, and each join skips exactly the
    # frames captured while paused.
    expected = [i for start, end in takes
                for i in range(_frame_at_or_after(start), _frame_at_or_after(end))]  # fmt: skip
    flash_frames = {round(m * FPS) for m in markers}
    indices = frame_indices(path)
    assert len(indices) == len(expected) == round(recorded * FPS)
    assert [i for i in indices if i != 0xFFFF] == [i for i in expected if i not in flash_frames]
    assert not any(p.exists() for p in recovery.working_files(path))  # parts deleted


def test_pause_then_stop_keeps_one_part_and_remuxes(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "one.mp4", 320, 240, FPS)
    recorder.start()
    camera = TestPatternCamera(320, 240, FPS)
    feed_with_commands(recorder, camera, ToneMicrophone(), 3.0, [(2.0, "pause")])
    assert recorder.paused
    path = recorder.stop()
    assert recorder.stats().frames_while_paused > 0
    assert frame_indices(path) == list(range(60))
    assert durations(path)[1] == pytest.approx(2.0, abs=1 / FPS)


def test_journal_records_parts_and_events(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "j.mp4", 320, 240, FPS)
    recorder.start()
    feed_with_commands(
        recorder, TestPatternCamera(320, 240, FPS), ToneMicrophone(), 2.5,
        [(1.0, "pause"), (1.5, "resume")],
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while recorder._queue.video_depth or len(recorder.segments().parts) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    journal = json.loads(recovery.segments_path(recorder.path).read_text())
    assert [p["file"] for p in journal["parts"]] == ["j.recording.mp4", "j.recording-2.mp4"]
    assert journal["parts"][0]["frames"] == 30
    assert [e["kind"] for e in journal["events"]] == ["pause", "resume"]
    segments = recorder.segments()
    first = segments.plan()[0]
    assert (first.file, first.seconds, first.at) == ("j.recording.mp4", 1.0, 0.0)
    recorder.stop()


def test_pushes_long_after_a_pause_are_not_even_queued(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "idle.mp4", 320, 240, FPS)
    recorder.start()
    camera = TestPatternCamera(320, 240, FPS)
    feed_with_commands(recorder, camera, None, 6.0, [(1.0, "pause")])
    stats = recorder.stats()
    # Up to a second after the press the worker still looks (to settle the part), not later.
    assert stats.frames_in <= round(2.1 * FPS)
    recorder.stop()


def test_the_length_limit_counts_recorded_time_only(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "limit.mp4", 320, 240, FPS,
                        limits=RecorderLimits(max_seconds=2.0))  # fmt: skip
    recorder.start()
    # 1.5 s, a 3 s pause, then more than enough: the file holds 2 s, not 1.5 + (2 - 4.5).
    feed_with_commands(
        recorder, TestPatternCamera(320, 240, FPS), ToneMicrophone(), 8.0,
        [(1.5, "pause"), (4.5, "resume")],
    )  # fmt: skip
    assert recorder.limit_reached
    path = recorder.stop()
    video, audio = durations(path)
    assert video == pytest.approx(2.0, abs=1 / FPS) and audio == pytest.approx(2.0, abs=1 / FPS)
    assert frame_indices(path) == [*range(45), *range(135, 150)]
    assert recorder.stats().frames_dropped == 0


def test_a_retake_gives_its_time_back_to_the_limit(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "back.mp4", 320, 240, FPS,
                        limits=RecorderLimits(max_seconds=2.0))  # fmt: skip
    recorder.start()
    mic = ToneMicrophone(tone=Tone(quiet=((1.0, 1.8),), level_dbfs=-20))
    feed_with_commands(
        recorder, TestPatternCamera(320, 240, FPS), mic, 6.0,
        [(1.9, "retake"), (3.0, "resume")],  # cut at 1.3 s: 0.7 s left after Resume
    )  # fmt: skip
    path = recorder.stop()
    assert durations(path)[0] == pytest.approx(2.0, abs=1 / FPS)
    assert frame_indices(path) == [*range(39), *range(90, 111)]

"""Unfinished recordings: a recording process killed mid-recording is found and recovered to a
playable file at most 2 s shorter than what was recorded."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import av
import pytest

from rep_video.errors import UserError
from rep_video.media.capture import recovery
from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.recoverable import recoverable_seconds
from rep_video.media.capture.synthetic import (
    TestPatternCamera,
    ToneMicrophone,
    feed,
    read_frame_index,
)

# Records in real time from the synthetic sources and prints, every 100 ms until it is killed,
# how long it has been capturing (wall clock since the first frame).
RECORDING_PROCESS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rep_video.media.capture.recorder import Recorder
    from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone

    recorder = Recorder(Path(sys.argv[1]), 320, 240, 30)
    recorder.start()
    camera, mic = TestPatternCamera(320, 240, 30), ToneMicrophone()
    epoch = time.monotonic()
    camera.start(recorder.push_video, epoch=epoch)
    mic.start(recorder.push_audio, epoch=epoch)
    while True:
        print(f"{time.monotonic() - epoch:.3f}", flush=True)
        time.sleep(0.1)
    """
)


def _recording_process(script: str, target: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[4],
    )


@pytest.mark.slow
def test_killed_recording_is_recovered_at_most_two_seconds_short(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    target = folder / "killed.mp4"
    proc = _recording_process(RECORDING_PROCESS, target)
    assert proc.stdout is not None
    recorded = 0.0
    deadline = time.monotonic() + 60
    while recorded < 4.0 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        recorded = float(line)
    # while it runs, the live recording is not "unfinished"
    assert recovery.find_unfinished(folder) == []
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert recorded >= 4.0

    [item] = recovery.find_unfinished(folder)
    assert item.final == target
    assert (item.width, item.height, item.fps) == (320, 240, 30.0)
    path = recovery.recover(item)
    assert path == target
    assert not item.fragmented.exists() and not item.sidecar.exists()
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        audio_seconds = sum(f.samples for f in c.decode(audio=0)) / 48000
    duration = len(frames) / 30
    assert recorded - 2.0 <= duration <= recorded + 0.5, (recorded, duration)
    assert audio_seconds == pytest.approx(duration, abs=0.5)
    # every frame in order; a capture instant the (starved) camera thread missed holds the
    # previous frame
    indices = [read_frame_index(f) for f in frames]
    assert indices[0] == 0
    assert all(n in (i, indices[i - 1]) for i, n in enumerate(indices) if i)
    assert recovery.find_unfinished(folder) == []


def test_live_recording_in_this_process_is_not_offered(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "live.mp4", 320, 240, 30)
    recorder.start()
    try:
        assert recovery.find_unfinished(tmp_path) == []
    finally:
        feed(recorder, TestPatternCamera(320, 240, 30), None, 0.2)
        recorder.stop()


def _fragmented_copy(tmp_path: Path, seconds: float) -> recovery.UnfinishedRecording:
    """A recording stopped without the final remux: what a crash after close leaves."""
    recorder = Recorder(tmp_path / "rec.mp4", 320, 240, 30)
    recorder.start()
    feed(recorder, TestPatternCamera(320, 240, 30), ToneMicrophone(), seconds)
    recorder._queue.close()  # end the worker without Stop's remux and cleanup
    assert recorder._thread is not None
    recorder._thread.join()
    recorder._release_for_recovery()
    [item] = recovery.find_unfinished(tmp_path)
    return item


def test_truncated_fragment_is_cut_off(tmp_path: Path) -> None:
    item = _fragmented_copy(tmp_path, 3.0)
    full = item.fragmented.stat().st_size
    assert recovery.complete_prefix(item.fragmented) == full
    with open(item.fragmented, "r+b") as f:  # cut in the middle of the last fragment
        f.truncate(full - 2000)
    prefix = recovery.complete_prefix(item.fragmented)
    assert 0 < prefix < full - 2000
    offered = recoverable_seconds(item)  # what the dialog says before anything is done
    path = recovery.recover(item)
    with av.open(str(path)) as c:
        frames = sum(1 for _ in c.decode(video=0))
    assert 60 <= frames < 90  # the last (partial) second is gone, the rest plays
    assert offered == pytest.approx(frames / 30, abs=1 / 30)


def test_recording_cut_before_its_first_fragment_cannot_be_recovered(tmp_path: Path) -> None:
    item = _fragmented_copy(tmp_path, 1.5)
    with open(item.fragmented, "r+b") as f:
        f.truncate(200)  # ftyp + part of the moov
    assert recoverable_seconds(item) == 0.0
    with pytest.raises(UserError, match="nothing to recover"):
        recovery.recover(item)
    assert item.fragmented.exists()  # never deleted on failure
    recovery.discard(item)
    assert recovery.find_unfinished(tmp_path) == []


def test_sidecar_left_after_a_finished_stop_is_cleaned_up(tmp_path: Path) -> None:
    item = _fragmented_copy(tmp_path, 1.5)
    recovery.recover(item)
    item.sidecar.write_text("{broken", encoding="utf-8")  # crash between rename and cleanup
    [again] = recovery.find_unfinished(tmp_path)
    assert recovery.recover(again) == item.final
    assert recovery.find_unfinished(tmp_path) == []


def test_a_lone_sidecar_of_a_process_killed_at_once_is_removed(tmp_path: Path) -> None:
    final = tmp_path / "instant.mp4"
    recovery.write_sidecar(final, {"started_at": "2026-12-03T09:00:00+00:00"}).release()
    assert recovery.sidecar_path(final).exists()
    assert recovery.find_unfinished(tmp_path) == []  # nothing to offer, ever
    assert not recovery.sidecar_path(final).exists()


def test_a_lone_sidecar_of_a_live_recording_is_kept(tmp_path: Path) -> None:
    final = tmp_path / "starting.mp4"
    lock = recovery.write_sidecar(final, {})  # started, first fragment not written yet
    try:
        assert recovery.find_unfinished(tmp_path) == []
        assert recovery.sidecar_path(final).exists()
    finally:
        lock.release()


def test_missing_folder_has_nothing_unfinished(tmp_path: Path) -> None:
    assert recovery.find_unfinished(tmp_path / "nope") == []


# Records in real time, pauses after 2 s, prints once the paused part is closed, then waits
# to be killed; a re-take before that drops the middle take (recovery must keep it dropped).
PAUSING_PROCESS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rep_video.media.capture.recorder import Recorder
    from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone

    recorder = Recorder(Path(sys.argv[1]), 320, 240, 30)
    recorder.start()
    camera, mic = TestPatternCamera(320, 240, 30), ToneMicrophone()
    epoch = time.monotonic()
    camera.start(recorder.push_video, epoch=epoch)
    mic.start(recorder.push_audio, epoch=epoch)
    def wait_closed(n):
        while sum(p.frames is not None for p in recorder.segments().parts) < n:
            time.sleep(0.02)
    time.sleep(1.5)
    recorder.pause(time.monotonic())
    wait_closed(1)
    recorder.resume(time.monotonic())
    time.sleep(1.0)
    recorder.retake(time.monotonic())  # drops the second take (no pause in the tone)
    wait_closed(2)
    recorder.resume(time.monotonic())
    time.sleep(1.0)
    recorder.pause(time.monotonic())
    wait_closed(3)
    print(f"{recorder.stats().recorded_seconds:.4f}", flush=True)
    while True:
        time.sleep(1)
    """
)


@pytest.mark.slow
def test_killed_while_paused_keeps_everything_before_the_pause(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    target = folder / "paused.mp4"
    proc = _recording_process(PAUSING_PROCESS, target)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    recorded = float(line)
    assert 1.9 <= recorded <= 2.6  # two takes of ~1 s (the re-taken one not counted)

    [item] = recovery.find_unfinished(folder)
    assert recoverable_seconds(item) == pytest.approx(recorded, abs=1 / 30)
    path = recovery.recover(item)
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        audio_seconds = sum(f.samples for f in c.decode(audio=0)) / 48000
    # Everything up to the pause, to the frame: the paused part was closed, so no fragment
    # was lost; and nothing of the re-taken take came back.
    assert len(frames) == round(recorded * 30)
    assert audio_seconds == pytest.approx(recorded, abs=1 / 30)
    # In order (a starved camera thread may repeat a frame, never go back); the dropped
    # second take leaves a hole of a second or more, and is nowhere else.
    indices = [read_frame_index(f) for f in frames]
    assert indices[0] == 0 and all(b >= a for a, b in itertools.pairwise(indices))
    assert max(b - a for a, b in itertools.pairwise(indices)) >= 30
    assert not any(p.exists() for p in recovery.working_files(target))

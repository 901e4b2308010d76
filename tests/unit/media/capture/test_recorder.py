"""The live recorder, driven by the synthetic sources as fast as it takes them."""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.capture import recovery
from rep_video.media.capture.recorder import Recorder, RecorderLimits, new_recording_path
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone, feed
from tests.unit.media.capture.conftest import Record, decoded_audio, frame_indices, top_level_boxes


def test_recording_is_a_faststart_mobile_profile_mp4(record: Record) -> None:
    rec = record(3.0, (640, 360), offset=1234.5)  # any clock origin works
    names = top_level_boxes(rec.path)
    assert names.index("moov") < names.index("mdat")
    assert "moof" not in names  # a plain MP4, not the fragmented working file
    with av.open(str(rec.path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, v.codec_context.profile) == ("h264", "High")
        assert (v.codec_context.width, v.codec_context.height) == (640, 360)
        assert v.codec_context.pix_fmt == "yuv420p"
        assert v.codec_context.level <= 41
        assert (a.codec_context.name, a.codec_context.sample_rate) == ("aac", 48000)
        assert a.codec_context.profile == "LC"
        keyframes = [float(p.pts * p.time_base) for p in c.demux(v) if p.is_keyframe]
    assert keyframes == pytest.approx([0.0, 1.0, 2.0], abs=1e-3)  # one a second
    assert frame_indices(rec.path) == list(range(90))  # every frame, in order
    assert rec.stats.frames_dropped == 0
    assert rec.stats.frames_encoded == rec.stats.frames_in == 90
    assert rec.stats.audio_samples_in == 3 * 48000


def test_stop_leaves_only_the_final_file(record: Record) -> None:
    rec = record(1.5)
    assert sorted(p.name for p in rec.path.parent.iterdir()) == ["take.mp4"]
    assert recovery.find_unfinished(rec.path.parent) == []
    assert rec.path.stat().st_size > 0


def test_timestamps_are_exact_and_constant_rate(record: Record) -> None:
    rec = record(2.0, fps=25.0)
    with av.open(str(rec.path)) as c:
        v = c.streams.video[0]
        times = sorted(float(p.pts * p.time_base) for p in c.demux(v) if p.pts is not None)
    assert times == pytest.approx([i / 25 for i in range(50)], abs=1e-4)


def test_encoder_falls_behind_steps_preset_down_and_keeps_every_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An encoder slower than the camera keeps the 4-frame queue full: the recorder must switch
    # to the faster tiers mid-stream (on keyframes) and the file must still decode every frame
    # in order.
    recorder = Recorder(
        tmp_path / "t.mp4",
        320,
        240,
        30,
        limits=RecorderLimits(queue_seconds=4 / 30, max_block=30.0),
    )
    recorder.start()
    original = recorder._worker._video

    def slow_encoder(frame: np.ndarray, t: float, depth: int) -> None:
        time.sleep(0.003)
        original(frame, t, depth)

    monkeypatch.setattr(recorder._worker, "_video", slow_encoder)
    feed(recorder, TestPatternCamera(320, 240, 30), ToneMicrophone(), 3.0)
    path = recorder.stop()
    stats = recorder.stats()
    assert stats.preset_steps == 2
    assert stats.preset == "ultrafast"
    assert stats.frames_dropped == 0
    assert frame_indices(path) == list(range(90))
    with av.open(str(path)) as c:
        keyframes = [float(p.pts * p.time_base) for p in c.demux(video=0) if p.is_keyframe]
    assert keyframes == pytest.approx([0.0, 1.0, 2.0], abs=1e-3)  # switches kept the grid


def test_a_full_queue_drops_after_max_block_and_counts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(
        tmp_path / "t.mp4", 320, 240, 30, limits=RecorderLimits(queue_seconds=2 / 30, max_block=0.0)
    )
    recorder.start()
    original = recorder._worker._video

    def slow_encoder(frame: np.ndarray, t: float, depth: int) -> None:  # a machine far too slow
        time.sleep(0.02)
        original(frame, t, depth)

    monkeypatch.setattr(recorder._worker, "_video", slow_encoder)
    camera = TestPatternCamera(320, 240, 30)
    accepted = [recorder.push_video(frame, pts) for frame, pts in camera.frames(2.0)]
    recorder.stop()
    stats = recorder.stats()
    assert stats.frames_dropped_queue_full == accepted.count(False) > 0
    assert stats.frames_in == 60
    assert stats.frames_encoded + stats.frames_dropped - stats.frames_duplicated == 60


def test_camera_stall_is_filled_with_repeated_frames(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    camera = TestPatternCamera(320, 240, 30)
    for i in [*range(10), *range(15, 30)]:  # frames 10-14 never arrive
        recorder.push_video(camera.frame(i), camera.pts(i))
    path = recorder.stop()
    assert recorder.stats().frames_duplicated == 5
    indices = frame_indices(path)
    assert len(indices) == 30
    assert indices[10:15] == [9] * 5  # the last good frame, held


def test_surplus_frames_from_a_fast_camera_are_counted(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    camera = TestPatternCamera(320, 240, 60)  # delivers twice the recording's rate
    for frame, pts in camera.frames(1.0):
        recorder.push_video(frame, pts)
    recorder.stop()
    stats = recorder.stats()
    assert stats.frames_encoded + stats.frames_dropped_surplus == 60
    assert 25 <= stats.frames_encoded <= 31


def test_audio_gap_becomes_silence_and_keeps_its_place(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    camera, mic = TestPatternCamera(320, 240, 30), ToneMicrophone(tone=Tone(level_dbfs=-6))
    for frame, pts in camera.frames(2.0):
        recorder.push_video(frame, pts)
    for samples, pts in mic.blocks(2.0):
        if not 0.5 <= pts < 1.0:  # the microphone stalls for half a second
            recorder.push_audio(samples, pts)
    path = recorder.stop()
    start, data, _ = decoded_audio(path)
    assert abs(start) < 0.001
    level = [float(np.abs(data[0, i : i + 4800]).max()) for i in range(0, 96000, 4800)]
    assert all(x > 0.3 for x in level[1:4] + level[12:19])  # tone before and after
    assert all(x < 0.05 for x in level[6:9])  # silence where the gap was
    assert recorder.stats().audio_silence_inserted == pytest.approx(24000, abs=960)


def test_no_microphone_data_gives_a_silent_track_as_long_as_the_video(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    feed(recorder, TestPatternCamera(320, 240, 30), None, 2.0)
    path = recorder.stop()
    _, data, rate = decoded_audio(path)
    assert data.shape[1] / rate == pytest.approx(2.0, abs=0.05)
    assert float(np.abs(data).max()) < 1e-3


def test_video_only_and_stereo(record: Record) -> None:
    with av.open(str(record(1.0, channels=0, name="v.mp4").path)) as c:
        assert len(c.streams.audio) == 0 and len(c.streams.video) == 1
    with av.open(str(record(1.0, channels=2, name="s.mp4").path)) as c:
        assert c.streams.audio[0].codec_context.channels == 2


def test_frames_of_another_size_are_scaled(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    for frame, pts in TestPatternCamera(640, 480, 30).frames(0.5):
        recorder.push_video(frame, pts)
    with av.open(str(recorder.stop())) as c:
        assert (c.streams.video[0].width, c.streams.video[0].height) == (320, 240)
        assert c.streams.video[0].frames == 15


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        Recorder(tmp_path / "t.mp4", 321, 240, 30)
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    with pytest.raises(RuntimeError):
        recorder.push_video(np.zeros((240, 320, 3), np.uint8), 0.0)  # not started
    recorder.start()
    with pytest.raises(ValueError, match="RGB"):
        recorder.push_video(np.zeros((240, 320), np.uint8), 0.0)
    with pytest.raises(ValueError, match="samples"):
        recorder.push_audio(np.zeros((10, 2), np.float32), 0.0)
    recorder.push_video(np.zeros((240, 320, 3), np.uint8), 0.0)
    recorder.stop()
    with pytest.raises(UserError, match="already exists"):
        Recorder(tmp_path / "t.mp4", 320, 240, 30).start()
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(UserError, match="cannot record into"):
        Recorder(tmp_path / "not-a-folder" / "t.mp4", 320, 240, 30).start()


def test_encoder_failure_keeps_the_recording_for_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    camera = TestPatternCamera(320, 240, 30)
    for frame, pts in camera.frames(1.5):
        recorder.push_video(frame, pts)
    original = recorder._worker._video

    def fail_after_two_seconds(frame: np.ndarray, t: float, depth: int) -> None:
        if t >= 1.9:
            raise OSError("No space left on device")
        original(frame, t, depth)

    monkeypatch.setattr(recorder._worker, "_video", fail_after_two_seconds)
    for frame, pts in camera.frames(1.5, start=45):
        recorder.push_video(frame, pts)
    with pytest.raises(UserError, match="No space left"):
        recorder.stop()
    assert "No space left" in (recorder.stats().error or "")
    [item] = recovery.find_unfinished(tmp_path)  # the lock is released: offered for recovery
    assert item.fragmented.stat().st_size > 0


def test_new_recording_path_is_in_the_recordings_folder(rep_video_home: Path) -> None:
    first = new_recording_path()
    assert first.parent == rep_video_home / "data" / "recordings"
    assert first.suffix == ".mp4"


def test_stop_before_any_frame_leaves_nothing_behind(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)
    recorder.start()
    recorder.push_audio(np.zeros((4800, 1), np.float32), 0.0)
    with pytest.raises(UserError, match="nothing was recorded"):
        recorder.stop()
    assert list(tmp_path.iterdir()) == [tmp_path / "rv-home"]


def test_a_straight_recording_is_already_in_the_mobile_profile(record: Record) -> None:
    # What lets Finalize publish a recording by remuxing it (docs/MEDIA.md, the mobile profile).
    from rep_video.media.probe import probe
    from rep_video.media.profile import mobile_profile_problems

    info = probe(record(2.0, (1280, 720)).path)
    assert mobile_profile_problems(info) == []
    assert info.video is not None and not info.video.variable_fps
    assert info.faststart


def test_the_length_limit_is_kept_by_the_recorder(tmp_path: Path) -> None:
    """The policy's maximum is enforced where the media enters: 3 s pushed, 1 s recorded (audio
    and video alike), and `limit_reached` tells the app to stop."""
    from rep_video.media.probe import probe

    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30, limits=RecorderLimits(max_seconds=1.0))
    recorder.start()
    assert not recorder.limit_reached
    feed(recorder, TestPatternCamera(320, 240, 30.0), ToneMicrophone(), 3.0, offset=100.0)
    assert recorder.limit_reached
    path = recorder.stop()
    assert probe(path).duration == pytest.approx(1.0, abs=0.1)
    _start, samples, rate = decoded_audio(path)
    assert samples.shape[1] / rate == pytest.approx(1.0, abs=0.1)
    assert recorder.stats().frames_dropped == 0  # cut by the limit, not dropped

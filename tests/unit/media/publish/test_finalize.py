"""Finalize to the mobile profile: remux when already in it, transcode otherwise; rotation,
portrait, no-audio and audio-only cases; the result always passes the profile check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.probe import probe, require_video
from rep_video.media.profile import mobile_profile_problems
from rep_video.media.publish.finalize import finalize, plan_finalize
from rep_video.media.publish.remux import remux
from rep_video.progress import Cancelled, CancelToken, Tracker
from tests.support.clips import FFMPEG, make_clip


def packets_equal(a: Path, b: Path) -> bool:
    with av.open(str(a)) as ca, av.open(str(b)) as cb:
        pa = [bytes(p) for p in ca.demux(video=0) if p.size]
        pb = [bytes(p) for p in cb.demux(video=0) if p.size]
    return pa == pb


def test_in_profile_clip_is_only_remuxed(sample_clip: Path, out_dir: Path) -> None:
    assert mobile_profile_problems(probe(sample_clip)) == ["moov after mdat (not faststart)"]
    out = out_dir / "final.mp4"
    result = finalize(sample_clip, out)
    assert result.remuxed
    assert result.info.faststart and mobile_profile_problems(result.info) == []
    assert packets_equal(sample_clip, out), "video stream copied bit for bit"
    assert sorted(p.name for p in out_dir.iterdir()) == ["final.mp4"]


def _timing(path: Path) -> list[tuple[str, int | None, int | None, bool]]:
    with av.open(str(path)) as c:
        return [(p.stream.type, p.pts, p.dts, p.is_keyframe) for p in c.demux() if p.size]


@pytest.mark.parametrize("clip", ["sample_clip", "fragmented_clip"])
def test_remux_matches_the_ffmpeg_stream_copy(
    clip: str, out_dir: Path, request: pytest.FixtureRequest
) -> None:
    """The remux moved from the ffmpeg executable into PyAV: the executable's own stream copy
    (the command it ran) is the independent check, packet timing and streams alike."""
    src: Path = request.getfixturevalue(clip)
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    remux(src, ours, audio=True)
    subprocess.run([FFMPEG, "-v", "error", "-i", str(src), "-map", "0:v:0", "-map", "0:a:0",
                    "-map_metadata", "-1", "-c", "copy", "-movflags", "+faststart", str(ref)],
                   check=True)  # fmt: skip
    assert _timing(ours) == _timing(ref)
    a, b = probe(ours), probe(ref)
    assert a.faststart and not a.fragmented
    assert a.video == b.video and a.audio == b.audio
    assert abs(a.duration - b.duration) < 0.05


def test_remux_without_audio_and_cancelled(sample_clip: Path, out_dir: Path) -> None:
    remux(sample_clip, out_dir / "v.mp4", audio=False)
    assert probe(out_dir / "v.mp4").audio is None
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        remux(sample_clip, out_dir / "c.mp4", audio=True, tracker=Tracker(cancel=token))


def test_fragmented_recording_is_remuxed_flat(fragmented_clip: Path, out_dir: Path) -> None:
    result = finalize(fragmented_clip, out_dir / "final.mp4")
    assert result.remuxed and not result.info.fragmented and result.info.faststart


def test_foreign_clip_is_transcoded_into_the_profile(foreign_clip: Path, out_dir: Path) -> None:
    result = finalize(foreign_clip, out_dir / "final.mp4")
    assert not result.remuxed
    info = result.info
    assert mobile_profile_problems(info) == []
    v = require_video(info)
    assert (v.codec, v.profile, v.pix_fmt) == ("h264", "High", "yuv420p")
    assert v.level is not None and v.level <= 41
    assert max(v.width, v.height) <= 1280 and v.width > v.height
    assert info.audio is not None
    assert (info.audio.codec, info.audio.profile, info.audio.sample_rate) == ("aac", "LC", 48000)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.max_keyframe_gap <= 2.0


def _luma(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
        return frame.to_ndarray()[: frame.height]  # the Y plane of yuv(j)420p


@pytest.mark.parametrize(("vcodec", "name"), [("mjpeg", "webcam.avi"), ("libx264", "app.mp4")])
def test_full_range_sources_become_limited_range(out_dir: Path, vcodec: str, name: str) -> None:
    """MJPEG webcams (and camera apps writing yuvj420p H.264) give full-range pictures: the
    levels are converted to limited range, not just relabelled."""
    src = make_clip(out_dir / name, size=(320, 240), duration=1.0, vcodec=vcodec,
                    acodec="pcm_s16le" if vcodec == "mjpeg" else "aac",
                    extra=["-pix_fmt", "yuvj420p"])  # fmt: skip
    assert require_video(probe(src)).full_range
    result = finalize(src, out_dir / "final.mp4")
    v = require_video(result.info)
    assert (v.pix_fmt, v.full_range) == ("yuv420p", False)  # was yuvj420p
    assert mobile_profile_problems(result.info) == []
    before, after = _luma(src).astype(float), _luma(out_dir / "final.mp4").astype(float)
    assert after.min() >= 14 and after.max() <= 237  # limited: 16-235 (encoder noise aside)
    assert after.mean() == pytest.approx(16 + before.mean() * 219 / 255, abs=3)


def test_rotation_is_applied_and_portrait_stays_portrait(rotated_clip: Path, out_dir: Path) -> None:
    result = finalize(rotated_clip, out_dir / "final.mp4")
    v = require_video(result.info)
    assert v.rotation == 0
    assert (v.width, v.height) == (240, 320)
    assert mobile_profile_problems(result.info) == []


def test_large_portrait_is_scaled_on_its_long_side(out_dir: Path) -> None:
    src = make_clip(out_dir / "tall.mp4", size=(360, 1300), duration=1.0, audio=False)
    result = finalize(src, out_dir / "final.mp4")
    v = require_video(result.info)
    assert v.height == 1280 and v.width < v.height and v.width % 2 == 0


def test_variable_and_high_frame_rates_become_constant(vfr_clip: Path, out_dir: Path) -> None:
    result = finalize(vfr_clip, out_dir / "final.mp4")
    v = require_video(result.info)
    assert not v.variable_fps and v.fps <= 30
    fast = make_clip(out_dir / "60.mp4", size=(320, 240), fps=60, duration=1.0)
    v60 = require_video(finalize(fast, out_dir / "final60.mp4").info)
    assert v60.fps == pytest.approx(30.0)


def test_no_audio_in_no_audio_out(silent_clip: Path, out_dir: Path) -> None:
    result = finalize(silent_clip, out_dir / "final.mp4")
    assert result.info.audio is None


def test_wrong_sample_rate_reencodes_audio_only(out_dir: Path) -> None:
    src = make_clip(out_dir / "44k.mp4", size=(320, 240), duration=1.0, extra=["-ar", "44100"])
    plan = plan_finalize(probe(src))
    assert plan.video is None and plan.audio == "encode"
    result = finalize(src, out_dir / "final.mp4")
    assert not result.remuxed
    assert result.info.audio is not None and result.info.audio.sample_rate == 48000
    assert packets_equal(src, out_dir / "final.mp4")


def test_audio_only_is_refused(audio_only: Path, out_dir: Path) -> None:
    with pytest.raises(UserError, match="no video"):
        finalize(audio_only, out_dir / "final.mp4")
    assert list(out_dir.iterdir()) == []


def test_metadata_is_dropped(out_dir: Path) -> None:
    src = make_clip(out_dir / "geo.mp4", size=(320, 240), duration=1.0,
                    extra=["-metadata", "location=+48.8584+002.2945/"])  # fmt: skip
    out = out_dir / "final.mp4"
    finalize(src, out)
    with av.open(str(out)) as c:
        assert "location" not in c.metadata

"""The mobile profile check: pure, on probed and on edited MediaInfo values."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rep_video.media import profile as mp
from rep_video.media.probe import MediaInfo, probe, require_video


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> MediaInfo:
    from tests.support.clips import make_clip

    clip = make_clip(tmp_path_factory.mktemp("p") / "good.mp4", size=(320, 240), duration=2.0,
                     extra=["-movflags", "+faststart"])  # fmt: skip
    return probe(clip)


def _with_video(info: MediaInfo, **changes: object) -> MediaInfo:
    return dataclasses.replace(info, video=dataclasses.replace(require_video(info), **changes))


def test_in_profile_clip_has_no_problems(good: MediaInfo) -> None:
    assert mp.mobile_profile_problems(good) == []


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"codec": "hevc"}, "not H.264"),
        ({"profile": "High 4:4:4 Predictive"}, "profile"),
        ({"level": 51}, "level"),
        ({"pix_fmt": "yuv422p"}, "pixel format"),
        ({"pix_fmt": "yuvj420p", "full_range": True}, "full-range"),
        ({"full_range": True}, "full-range"),  # newer FFmpeg: yuv420p, color_range JPEG
        ({"width": 1920, "height": 1080}, "larger than 1280"),
        ({"rotation": 90}, "rotation"),
        ({"variable_fps": True}, "variable frame rate"),
        ({"fps": 60.0}, "60 fps"),
    ],
)
def test_each_video_problem_is_named(
    good: MediaInfo, changes: dict[str, object], fragment: str
) -> None:
    problems = mp.mobile_profile_problems(_with_video(good, **changes))
    assert any(fragment in p for p in problems), problems
    assert mp.video_problems(_with_video(good, **changes))


def test_audio_problems(good: MediaInfo) -> None:
    assert good.audio is not None
    bad = dataclasses.replace(good, audio=dataclasses.replace(good.audio, sample_rate=44100))
    assert mp.audio_problems(bad) == ["audio sample rate 44100 Hz, not 48000"]
    mp3 = dataclasses.replace(
        good, audio=dataclasses.replace(good.audio, codec="mp3", profile=None)
    )
    assert "not AAC-LC" in mp.audio_problems(mp3)[0]
    assert mp.audio_problems(dataclasses.replace(good, audio=None)) == []


def test_container_problems(good: MediaInfo) -> None:
    assert mp.container_problems(dataclasses.replace(good, faststart=False)) == [
        "moov after mdat (not faststart)"
    ]
    assert "fragmented" in mp.container_problems(dataclasses.replace(good, fragmented=True))[0]
    assert mp.container_problems(dataclasses.replace(good, container="avi")) == [
        "container is avi, not MP4"
    ]


def test_sparse_keyframes_and_high_bit_rate(good: MediaInfo) -> None:
    sparse = dataclasses.replace(good, keyframes=(0.0,), duration=5.0)
    assert any("keyframes" in p for p in mp.mobile_profile_problems(sparse))
    fat = dataclasses.replace(good, size_bytes=10_000_000, duration=2.0)
    assert any("bit rate" in p for p in mp.mobile_profile_problems(fat))


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1920, 1080), (1280, 720)), ((1080, 1920), (720, 1280)), ((640, 360), (640, 360)),
     ((1281, 721), (1280, 720)), ((4000, 3000), (1280, 960))],
)  # fmt: skip
def test_fit_size_keeps_orientation_and_even_sides(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert mp.fit_size(*size) == expected


def test_maxrate_scales_with_area() -> None:
    assert mp.video_maxrate(1280, 720) == mp.VIDEO_MAXRATE_720P
    assert mp.video_maxrate(320, 240) == 600_000
    assert mp.video_maxrate(1920, 1080) == mp.VIDEO_MAXRATE_720P
    assert mp.video_maxrate(1280, 720) + mp.AUDIO_BIT_RATE <= 3_000_000


def test_probed_foreign_clip_is_out(foreign_clip: Path) -> None:
    problems = mp.mobile_profile_problems(probe(foreign_clip))
    assert any("mpeg4" in p for p in problems)
    assert any("1280" in p for p in problems)


def test_a_full_range_h264_file_is_out_of_profile(tmp_path: Path) -> None:
    from tests.support.clips import make_clip

    clip = make_clip(tmp_path / "full.mp4", size=(320, 240), duration=1.0,
                     extra=["-pix_fmt", "yuvj420p", "-movflags", "+faststart"])  # fmt: skip
    info = probe(clip)
    assert require_video(info).full_range
    assert any("full-range" in p for p in mp.video_problems(info))  # was: copied as it is

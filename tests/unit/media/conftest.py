"""Small generated clips for the media tests (real ffmpeg; a few seconds, ≤ 640×360 mostly),
made once per session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.clips import FFMPEG, make_clip


def remux(src: Path, dst: Path, *, input_opts: list[str], output_opts: list[str]) -> Path:
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *input_opts, "-i", str(src),
         "-c", "copy", *output_opts, str(dst)],
        check=True, timeout=60,
    )  # fmt: skip
    return dst


@pytest.fixture(scope="session")
def bframes_clip(clips_dir: Path) -> Path:
    """320×240 with B-frames (reordered, negative DTS, an edit list): the hard case for cuts."""
    return make_clip(
        clips_dir / "bframes.mp4",
        size=(320, 240),
        extra=["-x264-params", "bframes=3:b-pyramid=normal:ref=3:cabac=1:8x8dct=1:weightp=2"],
    )


@pytest.fixture(scope="session")
def faststart_clip(clips_dir: Path) -> Path:
    """Already in the mobile profile: H.264, AAC 48 kHz, keyframe every second, faststart."""
    return make_clip(
        clips_dir / "inprofile.mp4", size=(320, 240), extra=["-movflags", "+faststart"]
    )


@pytest.fixture(scope="session")
def silent_clip(clips_dir: Path) -> Path:
    return make_clip(clips_dir / "silent.mp4", size=(320, 240), duration=3.0, audio=False)


@pytest.fixture(scope="session")
def audio_only(clips_dir: Path) -> Path:
    return make_clip(clips_dir / "voice.m4a", video=False, duration=2.0)


@pytest.fixture(scope="session")
def rotated_clip(clips_dir: Path) -> Path:
    """A landscape 320×240 stream with a display matrix saying "turn 90°": a phone portrait."""
    plain = make_clip(clips_dir / "rot-src.mp4", size=(320, 240), duration=2.0)
    return remux(plain, clips_dir / "rotated.mp4", input_opts=["-display_rotation", "90"],
                 output_opts=[])  # fmt: skip


@pytest.fixture(scope="session")
def foreign_clip(clips_dir: Path) -> Path:
    """MPEG-4 Part 2 in AVI, wider than 1280, 44.1 kHz MP3-free audio: needs a transcode."""
    return make_clip(
        clips_dir / "foreign.avi",
        size=(1320, 240),
        duration=2.0,
        vcodec="mpeg4",
        acodec="pcm_s16le",
    )


@pytest.fixture(scope="session")
def vfr_clip(clips_dir: Path) -> Path:
    """30 fps for a second, then every third frame: variable frame rate."""
    return make_clip(
        clips_dir / "vfr.mp4",
        size=(320, 240),
        duration=3.0,
        extra=["-vf", "select='lt(n\\,30)+not(mod(n\\,3))'", "-fps_mode", "vfr"],
    )


@pytest.fixture(scope="session")
def fragmented_clip(clips_dir: Path) -> Path:
    return make_clip(
        clips_dir / "fragmented.mp4",
        size=(320, 240),
        duration=2.0,
        extra=["-movflags", "frag_keyframe+empty_moov+default_base_moof"],
    )


@pytest.fixture(scope="session")
def dark_start_clip(clips_dir: Path) -> Path:
    """Black for the first 2 s, a sharp test pattern after: the poster must skip the black."""
    return make_clip(
        clips_dir / "darkstart.mp4",
        size=(320, 240),
        duration=4.0,
        extra=["-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='lt(t,2)'"],
    )


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for outputs (tmp_path also holds the test's REP_VIDEO_HOME), so a test
    can assert that nothing but the expected file was left behind."""
    out = tmp_path / "out"
    out.mkdir()
    return out

"""Probe: real files made by ffmpeg, and every kind of bad input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.probe import probe, require_video
from tests.support.clips import FFMPEG


def test_sample_clip(sample_clip: Path) -> None:
    info = probe(sample_clip)
    assert info.container == "mp4"
    assert info.duration == pytest.approx(4.0, abs=0.05)
    assert info.size_bytes == sample_clip.stat().st_size
    v = info.video
    assert v is not None
    assert (v.codec, v.width, v.height, v.pix_fmt) == ("h264", 640, 360, "yuv420p")
    assert (v.display_width, v.display_height, v.rotation) == (640, 360, 0)
    assert v.fps == pytest.approx(30.0)
    assert not v.variable_fps
    assert v.frame_count == 120
    assert v.level is not None and v.level >= 10
    assert info.keyframes == pytest.approx((0.0, 1.0, 2.0, 3.0))
    a = info.audio
    assert a is not None and (a.codec, a.profile, a.sample_rate, a.channels) == (
        "aac",
        "LC",
        48000,
        1,
    )
    assert not info.faststart  # ffmpeg writes moov last unless asked
    assert not info.fragmented


def test_faststart_and_b_frames(faststart_clip: Path, bframes_clip: Path) -> None:
    assert probe(faststart_clip).faststart
    info = probe(bframes_clip)
    assert info.video is not None and info.video.has_b_frames
    assert info.video.profile == "High"
    assert info.keyframes[0] == pytest.approx(0.0)  # presentation time, not the negative DTS


def test_rotation_from_display_matrix(rotated_clip: Path) -> None:
    v = require_video(probe(rotated_clip))
    assert (v.width, v.height) == (320, 240)
    assert v.rotation in (90, 270)
    assert (v.display_width, v.display_height) == (240, 320)


def test_variable_frame_rate_is_detected(vfr_clip: Path, sample_clip: Path) -> None:
    assert require_video(probe(vfr_clip)).variable_fps
    assert not require_video(probe(sample_clip)).variable_fps


def test_fragmented_mp4(fragmented_clip: Path) -> None:
    info = probe(fragmented_clip)
    assert info.fragmented
    assert require_video(info).fps == pytest.approx(30.0, abs=0.01)


def test_foreign_container(foreign_clip: Path) -> None:
    info = probe(foreign_clip)
    assert info.container == "avi"
    assert require_video(info).codec == "mpeg4"
    assert not info.faststart


def test_audio_only_probes_but_is_no_video(audio_only: Path) -> None:
    info = probe(audio_only)
    assert info.video is None and info.audio is not None
    with pytest.raises(UserError, match="no video"):
        require_video(info)


def _one_line(exc: pytest.ExceptionInfo[UserError]) -> str:
    text = str(exc.value)
    assert "\n" not in text and text
    return text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file") as e:
        probe(tmp_path / "nope.mp4")
    _one_line(e)


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(UserError, match="empty") as e:
        probe(empty)
    _one_line(e)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a file"):
        probe(tmp_path)


def test_text_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("Dear Dr. Smith, this is not a video.\n" * 20)
    with pytest.raises(UserError) as e:
        probe(text)
    _one_line(e)


def test_still_image_is_not_a_video(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    cv2.imwrite(str(image), np.full((64, 64, 3), 128, np.uint8))
    with pytest.raises(UserError, match="not a video"):
        probe(image)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_file(tmp_path: Path, sample_clip: Path, keep: float) -> None:
    """moov at the end (ffmpeg's default): any cut loses it."""
    data = sample_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(UserError, match=r"truncated|damaged") as e:
        probe(cut)
    _one_line(e)


def test_truncated_faststart_file(tmp_path: Path, faststart_clip: Path) -> None:
    """moov first: the index survives, but it points past the end of the file."""
    data = faststart_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(UserError, match=r"truncated|damaged"):
        probe(cut)


def test_probe_does_not_modify_the_file(tmp_path: Path, sample_clip: Path) -> None:
    copy = tmp_path / "copy.mp4"
    shutil.copy(sample_clip, copy)
    before = copy.read_bytes()
    probe(copy)
    assert copy.read_bytes() == before


def test_cover_art_is_not_video(tmp_path: Path) -> None:
    cover = tmp_path / "cover.jpg"
    cv2.imwrite(str(cover), np.full((64, 64, 3), 200, np.uint8))
    song = tmp_path / "song.mp3"
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=1",
         "-i", str(cover), "-map", "0", "-map", "1", "-c:a", "libmp3lame", "-c:v", "copy",
         "-disposition:v", "attached_pic", str(song)],
        check=True, timeout=60,
    )  # fmt: skip
    info = probe(song)
    assert info.video is None and info.audio is not None


def test_an_unreadable_file_is_a_user_error(
    sample_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = tmp_path / "locked.mp4"
    shutil.copy(sample_clip, clip)
    clip.chmod(0)
    real_open = Path.open

    def no_permission(self: Path, *args: object, **kwargs: object) -> object:
        if self == clip:  # as root (CI) the mode alone does not stop a read
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", no_permission)
    with pytest.raises(UserError, match=r"cannot read locked.mp4 \(Permission denied\); check"):
        probe(clip)  # was PermissionError from the MP4 reader: 'unexpected error', exit 1

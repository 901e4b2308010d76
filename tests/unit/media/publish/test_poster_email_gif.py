"""Poster (OpenCV best frame, ≤ 120 KB JPEG), GIF preview (≤ 480 px, ≤ 1.5 MB), frames."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.frames import frame_at, thumbnails
from rep_video.media.publish import email_gif, poster
from rep_video.media.publish.email_gif import make_email_gif
from rep_video.media.publish.poster import FrameScore, best_frame_time, encode_jpeg, make_poster
from tests.support.clips import FFMPEG


def test_best_frame_skips_black(dark_start_clip: Path) -> None:
    assert best_frame_time(dark_start_clip) >= 2.0


def test_poster_is_a_small_jpeg_of_the_chosen_frame(sample_clip: Path, out_dir: Path) -> None:
    dst = out_dir / "poster.jpg"
    t = make_poster(sample_clip, dst)
    assert 0 <= t <= 4.0
    data = dst.read_bytes()
    assert data[:2] == b"\xff\xd8" and len(data) <= 120 * 1024
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (360, 640)
    expected = cv2.cvtColor(frame_at(sample_clip, t), cv2.COLOR_RGB2BGR)
    assert float(np.abs(image.astype(int) - expected.astype(int)).mean()) < 6


def test_best_frame_in_a_trim_is_one_of_its_keyframes(sample_clip: Path) -> None:
    """Inside a window (the trim, at Stop) the candidates are its keyframes: one decoded
    frame each. The sample clip has a keyframe every second."""
    from rep_video.media.probe import probe

    t = best_frame_time(sample_clip, (0.6, 3.4))
    inside = [k for k in probe(sample_clip).keyframes if 0.6 <= k <= 3.4]
    assert inside and t in inside, (t, inside)


def test_candidates_move_to_the_nearest_keyframe_inside_the_window() -> None:
    keys = (0.0, 2.0, 4.0, 6.0)
    assert poster._on_keyframes([1.2, 2.9, 3.1, 5.5], keys, (1.0, 5.0)) == [2.0, 4.0]
    assert poster._on_keyframes([1.2, 1.5], keys, (2.5, 3.5)) == [1.2, 1.5]  # none inside


def test_poster_at_a_given_time(sample_clip: Path, out_dir: Path) -> None:
    assert make_poster(sample_clip, out_dir / "p.jpg", at=1.5) == 1.5


def test_jpeg_shrinks_until_it_fits() -> None:
    noise = np.random.default_rng(1).integers(0, 255, (1080, 1920, 3), dtype=np.uint8)
    data = encode_jpeg(noise)
    assert len(data) <= poster.MAX_POSTER_BYTES
    small = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert max(small.shape[:2]) < 1280  # noise needs a smaller picture, not just lower quality


def test_scoring_prefers_faces_and_punishes_black() -> None:
    sharp = FrameScore(time=1, brightness=120, sharpness=500, faces=0)
    face = FrameScore(time=2, brightness=120, sharpness=200, faces=1)
    black = FrameScore(time=0, brightness=3, sharpness=5000, faces=0)
    assert max([sharp, face, black], key=lambda s: s.score) is face
    assert black.score < sharp.score


def test_face_detector_is_available() -> None:
    """The Haar cascade ships with opencv-python-headless 4.x (cv2.data)."""
    blank = np.zeros((120, 160), np.uint8)
    assert poster._faces(blank) == 0


def test_preview_gif(sample_clip: Path, out_dir: Path) -> None:
    dst = make_email_gif(sample_clip, out_dir / "preview.gif")
    data = dst.read_bytes()
    assert data[:6] == b"GIF89a" and len(data) <= 1_500_000
    with av.open(str(dst)) as c:
        frames = list(c.decode(video=0))
    assert frames[0].width <= 480
    assert 18 <= len(frames) <= 36  # 3 s at 10 fps (or fewer on a retry)
    assert sorted(p.name for p in out_dir.iterdir()) == ["preview.gif"]


def test_gif_graph_is_palettegen_then_paletteuse() -> None:
    assert email_gif.gif_chain(480, 10, rotation=90) == [
        ("transpose", "clock"), ("fps", "10"), ("scale", "480:-2:flags=area"),
    ]  # fmt: skip
    shrink, palette, use = email_gif.palette_filters(480, 64)
    assert shrink == ("scale", "160:-2:flags=area")
    assert palette == ("palettegen", "max_colors=64:stats_mode=diff")
    assert use[0] == "paletteuse" and "dither=bayer" in use[1]


def _gif_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24").astype(np.int16) for f in c.decode(video=0)]


@pytest.mark.parametrize("clip", ["sample_clip", "rotated_clip"])
def test_gif_is_what_the_ffmpeg_command_made(
    clip: str, out_dir: Path, request: pytest.FixtureRequest
) -> None:
    """The real ffmpeg executable, with the palette graph the GIF was made with before it moved
    into PyAV, is the independent check (its autorotate turns the phone's clip upright): same
    frames, same size, same picture."""
    video: Path = request.getfixturevalue(clip)
    ours = make_email_gif(video, out_dir / "ours.gif", seconds=1.5)
    graph = (
        "fps=10,scale=240:-2:flags=area,split[a][b];"
        "[a]scale=160:-2:flags=area,palettegen=max_colors=128:stats_mode=diff[p];"
        "[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"
    )
    if clip == "sample_clip":
        graph = graph.replace("scale=240:-2", "scale=480:-2")
    ref = out_dir / "ref.gif"
    subprocess.run(
        [FFMPEG, "-v", "error", "-t", "1.5", "-i", str(video), "-an",
         "-filter_complex", graph, "-loop", "0", "-f", "gif", str(ref)],
        check=True,
    )  # fmt: skip
    a, b = _gif_frames(ours), _gif_frames(ref)
    assert len(a) == len(b) == 15
    assert a[0].shape == b[0].shape
    if clip == "rotated_clip":
        assert a[0].shape[:2] == (320, 240)  # portrait, as the phone meant it
    assert max(float(np.abs(x - y).mean()) for x, y in zip(a, b, strict=True)) < 2.0
    assert abs(ours.stat().st_size - ref.stat().st_size) <= ref.stat().st_size * 0.02


def test_preview_retries_smaller(
    sample_clip: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_email_gif(sample_clip, out_dir / "big.gif", seconds=1.0).stat().st_size
    monkeypatch.setattr(email_gif, "MAX_GIF_BYTES", first // 3)
    dst = make_email_gif(sample_clip, out_dir / "small.gif", seconds=1.0)
    assert dst.stat().st_size <= first // 3


def test_preview_that_cannot_fit_is_a_user_error(
    sample_clip: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(email_gif, "MAX_GIF_BYTES", 100)
    with pytest.raises(UserError, match=r"1\.5 MB"):
        make_email_gif(sample_clip, out_dir / "x.gif", seconds=0.5)
    assert list(out_dir.iterdir()) == []


def test_frame_at_matches_decoding(sample_clip: Path) -> None:
    with av.open(str(sample_clip)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    image = frame_at(sample_clip, 2.5)
    assert image.dtype == np.uint8 and image.shape == (360, 640, 3)
    assert np.array_equal(image, decoded[75])
    assert np.array_equal(frame_at(sample_clip, 0.0), decoded[0])


def test_thumbnails_and_rotation(sample_clip: Path, rotated_clip: Path) -> None:
    thumbs = thumbnails(sample_clip, 5, 72)
    assert len(thumbs) == 5 and all(t.shape == (72, 128, 3) for t in thumbs)
    assert not all(np.array_equal(thumbs[0], t) for t in thumbs[1:])
    upright = frame_at(rotated_clip, 0.5)
    assert upright.shape == (320, 240, 3)  # shown portrait, as the phone meant

"""The poster's face bonus on a real face: a clip where a photograph of a person fills only a
few of the sampled frames, the rest being a sharper test pattern. The picture is NASA's public
domain portrait of astronaut Eileen Collins (the copy scikit-image ships as `astronaut.png`),
scaled to 360 x 360 and kept in tests/data."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from rep_video.media.frames import sample_frames
from rep_video.media.publish import poster
from tests.support.clips import FFMPEG

ASTRONAUT = Path(__file__).resolve().parents[3] / "data" / "astronaut-portrait.jpg"
FACE_FROM, FACE_TO = 2.5, 3.5  # seconds of the 6 s clip in which the face is shown


@pytest.fixture(scope="module")
def face_clip(clips_dir: Path) -> Path:
    """The test pattern (sharp, and unlike testsrc2 nothing in it looks like a face to the
    cascade), with the portrait softened a little, as a webcam face is, over 2.5-3.5 s."""
    dst = clips_dir / "face-for-a-second.mp4"
    graph = (
        "[1:v]scale=-2:360,pad=640:360:(ow-iw)/2:0,gblur=sigma=1.5,format=yuv420p[face];"
        f"[0:v][face]overlay=enable='between(t,{FACE_FROM},{FACE_TO})':shortest=1[v]"
    )
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30:duration=6",
         "-loop", "1", "-framerate", "30", "-i", str(ASTRONAUT),
         "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast",
         "-crf", "18", "-pix_fmt", "yuv420p", str(dst)],
        check=True, timeout=120,
    )  # fmt: skip
    return dst


@pytest.mark.slow
def test_the_poster_picks_a_frame_with_the_face(face_clip: Path, tmp_path: Path) -> None:
    times = poster.candidate_times(6.0)
    images = sample_frames(face_clip, times, width=320)
    scores = [poster.score_frame(img, t) for img, t in zip(images, times, strict=True)]
    with_face = [s for s in scores if s.faces]
    without = [s for s in scores if not s.faces]
    # The detector sees the face exactly in the frames that show it, and nowhere else.
    assert with_face and {FACE_FROM <= s.time < FACE_TO for s in with_face} == {True}
    assert {FACE_FROM <= s.time < FACE_TO for s in without} == {False}
    # The pattern frames are sharper: without the bonus one of them would win.
    assert max(s.sharpness for s in without) > max(s.sharpness for s in with_face)

    chosen = poster.make_poster(face_clip, tmp_path / "poster.jpg")
    assert FACE_FROM <= chosen < FACE_TO
    jpeg = cv2.imdecode(
        np.frombuffer((tmp_path / "poster.jpg").read_bytes(), np.uint8),
        cv2.IMREAD_GRAYSCALE,
    )
    assert poster._faces(cv2.resize(jpeg, (320, 180))) >= 1  # the face is on the poster

"""The encoder side's frame work: BT.709 conversion, fitting other shapes, and the camera
bubble pasted where its layout says (pixel checks on encoded and decoded frames)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from av.video.reformatter import Colorspace

from rep_video.media.capture.bubble import Bubble, BubbleLayout, nearest_corner
from rep_video.media.capture.frame_prep import LETTERBOX, FramePrep
from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import TestPatternCamera
from tests.unit.media.capture.conftest import decoded_frames


def test_yuv_matches_ffmpegs_bt709_conversion() -> None:
    frame = TestPatternCamera(640, 360, 30).frame(7)
    ours = FramePrep(640, 360).to_yuv(frame).to_ndarray().astype(int)
    ffmpeg = (
        av.VideoFrame.from_ndarray(frame, format="rgb24")
        .reformat(
            format="yuv420p", src_colorspace=Colorspace.ITU709, dst_colorspace=Colorspace.ITU709
        )
        .to_ndarray()
        .astype(int)
    )
    diff = np.abs(ours - ffmpeg)
    assert diff[:360].max() <= 1  # luma
    assert diff[360:].mean() < 1.0 and diff[360:].max() <= 12  # chroma (area vs bicubic)


def test_other_shapes_are_letterboxed_not_stretched() -> None:
    prep = FramePrep(320, 180)
    tall = np.full((400, 200, 3), 200, np.uint8)  # a portrait window
    out = prep.fit(tall)
    assert out.shape == (180, 320, 3)
    assert (out[:, 140:180] == 200).all() and (out[:, :40] == LETTERBOX).all()
    same = np.zeros((180, 320, 3), np.uint8)
    assert prep.fit(same) is same  # the right size: no copy at all


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
def test_bubble_goes_to_its_corner(corner: str) -> None:
    layout = BubbleLayout(corner, "M")  # type: ignore[arg-type]
    x, y, d = layout.rect(1920, 1080)
    assert d == 302 and x > 0 and x + d < 1920 and y > 0 and y + d < 1080
    canvas = np.zeros((1080, 1920, 3), np.uint8)
    bubble = Bubble(layout, 1920, 1080)
    camera = np.zeros((720, 1280, 3), np.uint8)
    camera[:, :, 1] = 220  # green camera
    camera[:, :200] = (255, 0, 0)  # red at the far left: outside the middle square, cropped
    bubble.set_camera(camera)
    bubble.draw(canvas)
    cx, cy = x + d // 2, y + d // 2
    assert tuple(canvas[cy, cx]) == (0, 220, 0)  # centre: the camera
    assert tuple(canvas[y + 2, x + 2]) == (0, 0, 0)  # the square's corner: outside the circle
    assert canvas[cy, x + 1].min() > 200  # the light ring at the edge
    assert not ((canvas[..., 0] > 150) & (canvas[..., 1] < 100)).any()  # red was cropped
    assert nearest_corner((cx + 0.5) / 1920, (cy + 0.5) / 1080) == corner


def test_bubble_layout_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        BubbleLayout("middle", "M")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BubbleLayout("top-left", "XL")  # type: ignore[arg-type]


def test_recorded_screen_frames_carry_the_bubble(tmp_path: Path) -> None:
    layout = BubbleLayout("bottom-left", "L")
    recorder = Recorder(tmp_path / "bubble.mp4", 640, 360, 30, channels=0)
    recorder.use_screen(layout)
    recorder.start()
    screen = np.full((720, 1280, 3), 235, np.uint8)  # a white slide, twice the output size
    screen[300:420, 500:780] = (20, 40, 160)  # a blue box in the middle
    face = np.zeros((480, 640, 3), np.uint8)
    face[:] = (200, 60, 30)  # an orange camera
    for i in range(45):
        if i % 2 == 0:
            recorder.push_camera(face, i / 30)
        recorder.push_video(screen, i / 30)
    path = recorder.stop()
    frames = decoded_frames(path)
    assert len(frames) == 45
    _, last = frames[-1]
    x, y, d = layout.rect(640, 360)
    centre = last[y + d // 2, x + d // 2].astype(int)
    assert np.abs(centre - (200, 60, 30)).max() < 16  # the bubble, where it was placed
    assert np.abs(last[180, 320].astype(int) - (20, 40, 160)).max() < 16  # the slide's box
    assert np.abs(last[20, 620].astype(int) - 235).max() < 10  # the slide elsewhere
    assert np.abs(last[y + d // 2, 600].astype(int) - 235).max() < 10  # not mirrored


def test_an_owned_frame_is_queued_without_a_copy(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "owned.mp4", 320, 180, 30, channels=0)
    recorder.use_screen(BubbleLayout("top-right", "S"))
    recorder.start()
    mine = np.full((180, 320, 3), 90, np.uint8)
    theirs = np.full((180, 320, 3), 90, np.uint8)
    face = np.full((120, 120, 3), 200, np.uint8)
    recorder.push_camera(face, 0.0, owned=True)
    recorder.push_video(mine, 0.0, owned=True)
    recorder.push_video(theirs, 1 / 30)
    theirs[:] = 0  # the caller reuses its buffer: what was pushed is a copy
    path = recorder.stop()
    assert len(decoded_frames(path)) == 2
    assert (mine == 90).all()  # the bubble was drawn into the recorder's canvas, not into it
    _, second = decoded_frames(path)[1]
    assert np.abs(second[170, 10].astype(int) - 90).max() < 10

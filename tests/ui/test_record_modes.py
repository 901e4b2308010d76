"""The Record screen's mode picker and the preview's camera bubble (offscreen: what needs a
real screen to capture is in test_screen_recording_x11.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from rep_video.media.capture.bubble import BubbleLayout
from ui.preview import PreviewWidget
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def test_modes_show_their_controls_and_use_the_camera_as_they_should(
    window: MainWindow, qtbot: QtBot
) -> None:
    record, picker = window.record, window.record.modes
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    assert picker.mode == "camera" and record.hub.mode == "camera"
    assert not picker.sources.isVisible() and not picker.size_box.isVisible()
    assert record.preview.mirrored

    picker.set_mode("screen")
    assert picker.sources.isVisible() and not picker.size_box.isVisible()
    labels = [picker.sources.item(i).text() for i in range(picker.sources.count())]
    assert labels and labels[0].startswith("Whole screen 1")
    assert record.hub.mode == "screen" and not record.hub.has_camera()  # not needed: off
    assert not record.preview.mirrored and record.preview.bubble.layout is None
    assert record.record_button.isEnabled()

    picker.set_mode("screen+camera")
    assert picker.size_box.isVisible() and record.hub.has_camera()
    assert record.hub.bubble == BubbleLayout("bottom-right", "M")
    picker.size_box.setCurrentIndex(0)
    assert record.hub.bubble == BubbleLayout("bottom-right", "S")
    assert record.preview.bubble.layout == record.hub.bubble

    picker.set_mode("camera")
    assert record.hub.mode == "camera" and record.hub.bubble is None
    assert record.preview.mirrored and record.hub.has_camera()
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)


def _preview_with_bubble(qtbot: QtBot) -> PreviewWidget:
    preview = PreviewWidget()
    qtbot.addWidget(preview)
    preview.resize(640, 360)
    preview.mirrored = False
    screen = np.full((360, 640, 3), 200, np.uint8)
    screen[:, :320] = (20, 20, 20)  # a dark left half: a mirrored screen would show it right
    preview.set_frame(screen)
    camera = np.zeros((360, 480, 3), np.uint8)
    camera[:, :240] = (230, 30, 30)  # red on the camera's left, blue on its right
    camera[:, 240:] = (30, 30, 230)
    preview.bubble.layout = BubbleLayout("bottom-right", "L")
    preview.set_bubble_frame(camera)
    preview.show()
    return preview


def test_the_bubble_is_mirrored_in_the_preview_and_the_screen_is_not(qtbot: QtBot) -> None:
    preview = _preview_with_bubble(qtbot)
    image = preview.grab().toImage()
    x, y, d = BubbleLayout("bottom-right", "L").rect(640, 360)

    def rgb(px: int, py: int) -> tuple[int, int, int]:
        c = image.pixelColor(px, py)
        return c.red(), c.green(), c.blue()

    assert rgb(100, 100)[0] < 40 and rgb(500, 60)[0] > 180  # the screen as it is
    left, right = rgb(x + d // 4, y + d // 2), rgb(x + 3 * d // 4, y + d // 2)
    assert left[2] > 180 and left[0] < 60  # the camera's right side shows on the left
    assert right[0] > 180 and right[2] < 60


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
def test_the_bubble_is_dragged_to_any_corner(qtbot: QtBot, corner: str) -> None:
    preview = _preview_with_bubble(qtbot)
    dropped: list[str] = []
    preview.bubble_moved.connect(dropped.append)
    x, y, d = BubbleLayout("bottom-right", "L").rect(640, 360)
    start = QPoint(x + d // 2, y + d // 2)
    end = QPoint(120 if corner.endswith("left") else 520, 80 if corner.startswith("top") else 280)
    QTest.mousePress(preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(preview, (start + end) / 2)
    QTest.mouseMove(preview, end)
    QTest.mouseRelease(preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert dropped == [corner]
    # A press outside the bubble drags nothing.
    QTest.mouseClick(preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(320, 20))  # fmt: skip
    assert dropped == [corner]


@pytest.mark.parametrize("source_fps", [33.0, 44.0, 60.0])
def test_the_screen_source_passes_the_recording_rate_evenly(source_fps: float) -> None:
    from ui.screen_capture import RateGate

    gate = RateGate(15.0)
    times = [i / source_fps for i in range(round(source_fps * 20))]  # 20 s of frames
    taken = [t for t in times if gate.admit(t)]
    assert 14.5 * 20 <= len(taken) <= 15 * 20 + 2  # the rate, not a fraction of the source's
    gaps = [b - a for a, b in itertools.pairwise(taken)]
    assert min(gaps) >= 0.9 / 15 - 1e-9  # never so close the recorder would refuse one


def test_screen_frames_are_converted_into_a_bounded_set_of_buffers() -> None:
    from ui.screen_capture import FramePool

    pool = FramePool(most=4, max_bytes=96 * 1024 * 1024)
    held = [pool.take(1080, 1920) for _ in range(4)]
    assert all(b is not None and b.shape == (1080, 1920, 3) for b in held)
    assert len({id(b) for b in held}) == 4
    assert pool.take(1080, 1920) is None  # all four still held: the frame is dropped
    view = held[1][10:20]  # a view (the encoder's fit, a preview crop) holds its buffer too
    released = id(held[1])
    held[1] = None
    assert pool.take(1080, 1920) is None
    del view
    again = pool.take(1080, 1920)
    assert again is not None and id(again) == released  # reused, not a new allocation
    assert pool.allocated == 4
    # The bytes bound: a 4K frame is 24 MB, so 96 MB holds three besides the one in the encoder.
    big = FramePool(most=14, max_bytes=96 * 1024 * 1024)
    kept = [big.take(2160, 3840) for _ in range(4)]
    assert [k is not None for k in kept] == [True, True, True, False]
    # Another size (a resized window): buffers of the new size from then on.
    small = pool.take(400, 640)
    assert small is not None and small.shape == (400, 640, 3)


def test_a_1080p_screen_recording_never_fills_the_recorders_queue(tmp_path: Path) -> None:
    from rep_video.media.capture.recorder import Recorder
    from ui.capture import screen_fps
    from ui.screen_capture import FramePool, pool_size

    for fps in (screen_fps(2), screen_fps(8)):
        recorder = Recorder(tmp_path / "take.mp4", 1920, 1080, fps)
        pool = FramePool(pool_size(fps))
        taken = [pool.take(1080, 1920) for _ in range(40)]
        assert 2 <= sum(t is not None for t in taken) < recorder.capacity

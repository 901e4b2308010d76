"""Review & trim shows the cut: playing stops at Out (or loops), dragging a handle shows the
frame under it, and the filmstrip shows a spinner until it is made."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot

from ui import core_bridge
from ui.trim_screen import TrimScreen
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def _cut(window: MainWindow, qtbot: QtBot, clip: Path, start: float, end: float) -> TrimScreen:
    window.record.video_ready.emit(clip, 4.0, False)
    trim = window.trim
    trim.seek(end)
    trim.set_out()
    trim.seek(start)
    trim.set_in()
    return trim


def _playing(trim: TrimScreen) -> bool:
    return trim.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState


def test_playing_the_cut_stops_at_out(window: MainWindow, qtbot: QtBot, sample_clip: Path):
    trim = _cut(window, qtbot, sample_clip, 0.5, 1.5)
    shown: list[float] = []
    trim.sink.videoFrameChanged.connect(
        lambda _f: shown.append(trim.shown_at) if trim.shown_at is not None else None
    )
    trim.toggle_play()
    qtbot.waitUntil(lambda: _playing(trim), timeout=5000)
    qtbot.waitUntil(lambda: not _playing(trim), timeout=10000)
    assert max(shown) >= 1.2  # it really played the cut …
    assert max(shown) < 1.5  # … and no frame from past Out was shown
    assert trim.position == pytest.approx(1.5)
    assert "0:01.5 / 0:04.0" in trim.position_label.text()


def test_loop_plays_the_cut_again(window: MainWindow, qtbot: QtBot, sample_clip: Path) -> None:
    trim = _cut(window, qtbot, sample_clip, 0.5, 1.2)
    trim.loop_box.setChecked(True)
    shown: list[float] = []
    trim.sink.videoFrameChanged.connect(
        lambda _f: shown.append(trim.shown_at) if trim.shown_at is not None else None
    )
    trim.toggle_play()
    qtbot.waitUntil(lambda: any(b < a - 0.3 for a, b in itertools.pairwise(shown)), timeout=15000)
    assert _playing(trim)
    assert max(shown) < 1.2
    trim.toggle_play()


def test_dragging_a_handle_shows_its_frame(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    window.record.video_ready.emit(sample_clip, 4.0, False)
    trim = window.trim
    tl = trim.timeline
    qtbot.waitUntil(lambda: trim.shown_at is not None, timeout=5000)
    y = tl.height() // 2
    start = QPoint(round(tl._x(0.0) - 5), y)  # the In handle
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(tl, QPoint(round(tl._x(2.0)), y))
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, pos=QPoint(round(tl._x(2.0)), y))
    assert window.drafts.draft.trim_in == pytest.approx(2.0, abs=0.1)
    qtbot.waitUntil(
        lambda: trim.shown_at is not None and abs(trim.shown_at - 2.0) < 0.15, timeout=5000
    )


def test_filmstrip_spinner_until_the_thumbnails_come(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = threading.Event()  # a long imported file: the filmstrip takes a while
    real = core_bridge.thumbnails
    monkeypatch.setattr(core_bridge, "thumbnails", lambda *a: (made.wait(20), real(*a))[1])
    window.record.video_ready.emit(sample_clip, 4.0, False)
    tl = window.trim.timeline
    qtbot.wait(100)
    assert tl.loading and tl.thumbnail_count() == 0
    first = tl.grab().toImage()
    qtbot.wait(200)
    assert tl.grab().toImage() != first  # it turns: the rep sees that work goes on
    made.set()
    qtbot.waitUntil(lambda: tl.thumbnail_count() > 0, timeout=30000)
    assert not tl.loading

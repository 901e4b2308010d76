"""Keyboard-only use: Enter and Space press the focused button (also over a screen's own
shortcuts), every Tab stop shows that it has focus, an expired catalog row can be reached and
read, and End/Home jump on Review & trim."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui.window import STEPS, MainWindow

pytestmark = pytest.mark.gui


def _activate(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_enter_presses_the_focused_button(window: MainWindow, qtbot: QtBot, sample_clip: Path):
    _activate(window, qtbot)
    window.record.video_ready.emit(sample_clip, 4.0, False)
    window.go("personalize")
    p = window.personalize
    p.name.setText("Dr. Keys")
    p.from_name.setText("Sam Rep")
    p.next_button.setFocus()
    qtbot.keyClick(p.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current() == "send", timeout=2000)


def test_space_on_a_focused_next_moves_on_instead_of_playing(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    _activate(window, qtbot)
    window.record.video_ready.emit(sample_clip, 4.0, False)
    trim = window.trim
    trim.next_button.setFocus()
    qtbot.keyClick(trim.next_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current() == "personalize", timeout=2000)
    assert trim.play_button.accessibleName() == "Play"  # it did not start playing


def test_end_and_home_jump(window: MainWindow, qtbot: QtBot, sample_clip: Path) -> None:
    _activate(window, qtbot)
    window.record.video_ready.emit(sample_clip, 4.0, False)
    trim = window.trim
    assert QApplication.focusWidget() is trim.timeline  # the keys' widget, focused on arrival
    qtbot.keyClick(trim.timeline, Qt.Key.Key_End)
    assert trim.position == pytest.approx(4.0)
    qtbot.keyClick(trim.timeline, Qt.Key.Key_Home)
    assert trim.position == 0.0


def _tab_stops(window: MainWindow, qtbot: QtBot) -> list[QWidget]:
    window.nav.setFocus()
    stops: list[QWidget] = []
    for _ in range(60):
        widget = QApplication.focusWidget()
        if widget is None or widget in stops:
            break
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return stops


def _around(window: MainWindow, widget: QWidget) -> QRect:
    rect = widget.rect().adjusted(-4, -4, 4, 4)
    rect.moveTopLeft(widget.mapTo(window, rect.topLeft()))
    return rect


def test_every_tab_stop_shows_focus(window: MainWindow, qtbot: QtBot, sample_clip: Path) -> None:
    _activate(window, qtbot)
    window.record.video_ready.emit(sample_clip, 4.0, False)
    qtbot.waitUntil(lambda: window.personalize.picker.tree.topLevelItemCount() > 0, timeout=10000)
    invisible = []
    for key, _label in STEPS:
        window.go(key)
        stops = _tab_stops(window, qtbot)
        assert len(stops) >= 2, key
        for widget in stops:
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.wait(20)
            focused = window.grab(_around(window, widget)).toImage()
            window.setFocus()  # the window itself: nothing in the screen has focus
            widget.clearFocus()
            qtbot.wait(20)
            if window.grab(_around(window, widget)).toImage() == focused:
                invisible.append(f"{key}: {widget.accessibleName() or type(widget).__name__}")
    assert not invisible


def test_an_expired_row_is_reachable_and_says_why(window: MainWindow, qtbot: QtBot) -> None:
    _activate(window, qtbot)
    window.go("personalize")
    picker = window.personalize.picker
    qtbot.waitUntil(lambda: picker.row_for("congress-poster-2024") is not None, timeout=10000)
    picker.tree.setFocus()
    expired = picker.row_for("congress-poster-2024")
    for _ in range(picker.tree.topLevelItemCount()):
        if picker.tree.currentItem() is expired:
            break
        qtbot.keyClick(picker.tree, Qt.Key.Key_Down)
    assert picker.tree.currentItem() is expired
    assert "expired on 2025-06-30" in picker.detail.text()  # in view, not in a tooltip
    qtbot.keyClick(picker.tree, Qt.Key.Key_Space)  # ticking it is still refused
    assert "congress-poster-2024" not in window.drafts.draft.attachment_ids
    assert "congress-poster-2024" not in picker.selected_ids()


def test_ctrl_r_starts_and_stops_a_recording(window: MainWindow, qtbot: QtBot) -> None:
    """The button's own shortcut was lost when its text changed to "Stop recording"."""
    _activate(window, qtbot)
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert record.record_button.accessibleName() == "Cancel countdown"
    qtbot.waitUntil(lambda: record.hub.recording, timeout=6000)
    qtbot.wait(500)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not record.hub.recording
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)


def test_the_sender_is_kept_when_leaving_personalize_by_keyboard(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    """A rep who types From and jumps with Ctrl+4 (not Next) must not get 'add your name'."""
    _activate(window, qtbot)
    window.record.video_ready.emit(sample_clip, 4.0, False)
    window.go("personalize")
    window.personalize.from_name.setText("Sam Keys")
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current() == "send"
    assert window.services.settings().rep.name == "Sam Keys"

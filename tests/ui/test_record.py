"""Record screen with the synthetic camera and microphone driving the real core Recorder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from pytestqt.qtbot import QtBot

from rep_video.media.capture import recovery
from rep_video.media.probe import probe
from ui import devices
from ui.main import make_app
from ui.state import ui_settings
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def _pick(box, label: str) -> None:  # type: ignore[no-untyped-def]
    index = box.findText(label)
    assert index >= 0, f"{label!r} not offered"
    box.setCurrentIndex(index)
    box.activated.emit(index)  # as a click in the list does: the rep's choice is remembered


def test_demo_devices_preview_and_level(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    assert record.camera_box.currentText() == "Test pattern (demo)"
    assert record.mic_box.currentText() == "Tone (demo)"
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    qtbot.waitUntil(lambda: record.meter.fraction() > 0.3, timeout=5000)  # the -20 dBFS tone
    assert not record.mic_silent_warning_shown()
    assert not record.showing_empty_state()
    window.go("trim")  # nothing to trim yet: the step stays disabled
    assert window.current() == "record"


def test_silent_microphone_warns_before_recording(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    _pick(record.mic_box, "Silent microphone (demo)")
    qtbot.waitUntil(record.mic_silent_warning_shown, timeout=6000)
    assert "No sound is coming in" in record.mic_warning.text()
    _pick(record.mic_box, "Tone (demo)")
    qtbot.waitUntil(lambda: not record.mic_silent_warning_shown(), timeout=5000)


def test_record_five_seconds(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    record.start_countdown(3)
    assert record.preview.countdown == 3
    qtbot.waitUntil(lambda: record.hub.recording, timeout=6000)  # after 3-2-1
    assert record.preview.countdown is None
    began = time.monotonic()
    qtbot.waitUntil(lambda: time.monotonic() - began >= 5.0, timeout=7000)
    assert record.elapsed.text().startswith("0:0")
    record.toggle_recording()  # Stop
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)
    draft = window.drafts.draft
    info = probe(draft.video)
    assert draft.recorded
    assert 4.5 <= info.duration <= 5.8
    assert info.video is not None and info.audio is not None
    assert info.faststart
    assert window.current() == "trim"
    assert not recovery.fragmented_path(draft.video).exists()  # no fragment left behind


def test_countdown_can_be_cancelled(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    record.start_countdown(3)
    record.toggle_recording()
    qtbot.wait(1500)
    assert not record.hub.recording and record.preview.countdown is None


def test_no_camera_offers_import(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, sample_clip: Path
) -> None:
    monkeypatch.setattr(devices, "list_cameras", lambda demo: [])
    make_app()
    win = MainWindow(demo_devices=False)
    qtbot.addWidget(win)
    win.show()
    win.start()
    record = win.record
    assert record.showing_empty_state()
    assert record.empty_title.text() == "No camera available"
    assert record.empty_import.isVisible() and record.empty_import.isEnabled()
    assert not record.record_button.isEnabled()
    assert record.empty.demo_button.isVisible()
    record.import_file(sample_clip)
    qtbot.waitUntil(lambda: win.drafts.draft.video == sample_clip, timeout=10000)
    assert not win.drafts.draft.recorded
    assert win.current() == "trim"
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)


def test_import_refuses_a_non_video(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    window.record.import_file(bogus)
    qtbot.waitUntil(lambda: not window.record.status.text().startswith("Checking"), timeout=10000)
    assert window.drafts.draft.video is None
    assert window.record.status.text()  # the one-line reason, in place


def test_last_devices_and_geometry_are_remembered(qtbot: QtBot) -> None:
    make_app()
    first = MainWindow(demo_devices=True)
    qtbot.addWidget(first)
    first.show()
    first.start()
    _pick(first.record.mic_box, "Silent microphone (demo)")
    first.resize(1250, 810)
    first.close()
    second = MainWindow(demo_devices=True)
    qtbot.addWidget(second)
    second.show()
    second.start()
    assert second.record.mic_box.currentText() == "Silent microphone (demo)"
    # Offscreen Qt clamps windows to its virtual screen, so check what was stored.
    saved = ui_settings().value("window/geometry")
    assert isinstance(saved, QByteArray) and not saved.isEmpty()
    second.close()


def test_recording_stops_at_the_maximum_length(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    record.max_length = 2  # the admin's policy, shortened for the test
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    record.start_countdown(0)
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)
    assert record.status.text().startswith("Saved ")
    assert record.status.text().endswith("(stopped at the 0:02 maximum length).")
    assert probe(window.drafts.draft.video).duration == pytest.approx(2.0, abs=0.4)


def test_no_camera_can_switch_to_the_test_pattern(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = devices.list_cameras
    monkeypatch.setattr(devices, "list_cameras", lambda demo: real(demo) if demo else [])
    make_app()
    win = MainWindow(demo_devices=False)
    qtbot.addWidget(win)
    win.show()
    win.start()
    record = win.record
    assert record.showing_empty_state()
    record.empty.demo_button.click()
    assert record.camera_box.currentText() == "Test pattern (demo)"
    assert not record.showing_empty_state() and record.record_button.isEnabled()
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    win.close()

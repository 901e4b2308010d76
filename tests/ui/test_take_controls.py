"""Pause / Resume and Re-take on the Record screen, in real time through the app's capture
path (the synthetic devices on their own threads, as devices deliver)."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from rep_video.media.probe import probe
from tests.ui.test_capture_sync import _Shared
from tests.unit.media.capture.conftest import durations, frame_indices
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]
FLASH_COUNTER = 0xFFFF  # an all-white flash frame reads as every bit set
MARKS = tuple(0.5 + 0.37 * k for k in range(40))  # a flash and a beep every 0.37 s


def _marked_devices(window: MainWindow, qtbot: QtBot, tone: Tone | None = None) -> None:
    epoch = time.monotonic() + 0.2
    hub = window.record.hub
    hub.set_camera(_Shared(TestPatternCamera(640, 360, 30.0, flash_at=MARKS), epoch))
    tone = tone or Tone(beep_at=MARKS, level_dbfs=-30.0)
    hub.set_microphone(_Shared(ToneMicrophone(tone=tone), epoch))
    qtbot.waitUntil(window.record.preview.has_frame, timeout=5000)


def _wait(qtbot: QtBot, seconds: float) -> None:
    end = time.monotonic() + seconds
    qtbot.waitUntil(lambda: time.monotonic() >= end, timeout=int(seconds * 1000) + 5000)


def test_ten_pauses_from_the_buttons_and_the_shortcut(window: MainWindow, qtbot: QtBot) -> None:
    record = window.record
    _marked_devices(window, qtbot)
    record.start_countdown(0)
    qtbot.waitUntil(lambda: record.hub.recording, timeout=5000)
    started, paused_for = time.monotonic(), 0.0
    for k in range(10):
        _wait(qtbot, 0.45)
        if k % 2:
            QTest.keyClick(record, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        else:
            record.take.pause_button.click()
        assert record.take.paused and record.preview.paused
        assert record.status.text().startswith("Paused at")
        pressed = time.monotonic()
        _wait(qtbot, 0.25)
        record.take.pause_button.click()  # Resume
        paused_for += time.monotonic() - pressed
        assert not record.take.paused
    _wait(qtbot, 0.5)
    recorder = record.hub._recorder
    took = time.monotonic() - started
    record.toggle_recording()  # Stop
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)
    stats = recorder.stats()
    # One part per take (a take the starved camera thread of a loaded machine gave no frame
    # has no part); drops are the benchmark's business, not a timed test's.
    assert 8 <= stats.parts <= 11
    path = window.drafts.draft.video
    video, audio = durations(path)
    assert video == pytest.approx(stats.recorded_seconds, abs=1 / 30)
    assert audio == pytest.approx(stats.recorded_seconds, abs=1 / 30)
    # The paused stretches are not in the file (a starved camera thread on a loaded machine
    # delivers fewer frames, so only the upper bound is tight).
    assert 1.5 <= stats.recorded_seconds <= took - paused_for + 0.2
    # The camera's frame counter: in order, and it jumps over each pause (at 30 fps a 0.25 s
    # pause is 7 frames; a camera thread the machine starved also skips, so jumps may be more).
    counters = [c for c in frame_indices(path) if c != FLASH_COUNTER]
    assert counters == sorted(counters)
    jumps = sum(1 for a, b in itertools.pairwise(counters) if b - a >= 6)
    assert jumps >= 9


def test_retake_scrolls_the_prompter_back_and_records_again(
    window: MainWindow, qtbot: QtBot
) -> None:
    record = window.record
    record.prompter.enabled_box.setChecked(True)
    # Speech with a pause at 1.6–2.6 s of the devices' clock.
    _marked_devices(window, qtbot, Tone(level_dbfs=-20.0, quiet=((1.6, 2.6),), noise_dbfs=-65))
    _wait(qtbot, 0.2)
    record.start_countdown(0)
    qtbot.waitUntil(lambda: record.hub.recording, timeout=5000)
    _wait(qtbot, 3.4)
    before = record.preview.prompter_offset()
    QTest.keyClick(record, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: record.status.text().startswith("Dropped the last"), timeout=5000)
    assert record.preview.countdown == 3
    assert record.preview.prompter_offset() < before  # back to where the sentence began
    qtbot.waitUntil(lambda: not record.take.paused, timeout=6000)  # after 3-2-1
    _wait(qtbot, 1.0)
    recorder = record.hub._recorder
    stats = recorder.stats()
    assert stats.retakes == 1 and 1.0 <= (stats.last_cut or 0) <= 2.0
    record.toggle_recording()
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)
    final = recorder.stats()
    assert probe(window.drafts.draft.video).duration == pytest.approx(
        final.recorded_seconds, abs=0.05
    )
    assert np.isfinite(final.recorded_seconds)

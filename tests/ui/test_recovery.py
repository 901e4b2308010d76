"""A recording process is killed mid-recording; the app, launched again, lists every
unfinished recording with its recoverable length (an empty one can only be discarded, a lone
sidecar is cleaned up unasked) and recovers the one chosen: it plays and is at most 2 s short
of what was captured."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rep_video import paths
from rep_video.media.capture import recovery
from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import TestPatternCamera, ToneMicrophone, feed
from rep_video.media.probe import probe
from ui import confirm
from ui.main import make_app
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]

RECORDING_CHILD = """
import sys, time
from pathlib import Path
from rep_video.media.capture import synthetic
from rep_video.media.capture.recorder import Recorder
rec = Recorder(Path(sys.argv[1]), 640, 360, 30.0)
rec.start()
cam, mic = synthetic.TestPatternCamera(640, 360, 30.0), synthetic.ToneMicrophone()
t0 = time.monotonic()
cam.start(rec.push_video, epoch=t0)
mic.start(rec.push_audio, epoch=t0)
print("recording", flush=True)
time.sleep(600)
"""


def _empty_recording(folder: Path) -> Path:
    """What a kill before the first fragment leaves: a sidecar and the file's first bytes."""
    final = folder / "recording-empty.mp4"
    recovery.write_sidecar(final, {"started_at": "2026-12-01T09:00:00+00:00"}).release()
    recovery.fragmented_path(final).write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(12))
    return final


def test_killed_recording_is_recovered_on_launch(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = paths.recordings_dir()
    target = folder / "recording-killed.mp4"
    folder.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen([sys.executable, "-c", RECORDING_CHILD, str(target)],
                             stdout=subprocess.PIPE, env=env, cwd=root)  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"recording"
    began = time.monotonic()
    time.sleep(6.0)
    captured = time.monotonic() - began
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    empty = _empty_recording(folder)
    lone = folder / "recording-instant.mp4"
    recovery.write_sidecar(lone, {}).release()  # killed before anything was written
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _w, title, _t, _a: asked.append(title) or True)

    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitUntil(lambda: win.recovery_dialog is not None, timeout=30000)
    dialog = win.recovery_dialog
    assert dialog is not None and dialog.isVisible()
    assert not recovery.sidecar_path(lone).exists()  # nothing to offer: cleaned up unasked
    latest, older = dialog.rows  # the latest first
    assert latest.offer.item.final == target and older.offer.item.final == empty
    assert captured - 2.0 <= latest.offer.seconds <= captured + 0.5
    assert "can be recovered" in latest.label.text()
    assert "nothing was saved" in older.label.text() and older.recover_button.isHidden()

    older.discard_button.click()  # nothing in it: no question asked
    qtbot.waitUntil(lambda: not recovery.sidecar_path(empty).exists(), timeout=10000)
    assert asked == [] and not recovery.fragmented_path(empty).exists()
    assert dialog.rows == [latest] and dialog.isVisible()

    latest.recover_button.click()
    qtbot.waitUntil(lambda: win.drafts.draft.video is not None, timeout=60000)
    assert not dialog.isVisible()
    info = probe(win.drafts.draft.video)
    assert info.video is not None and info.audio is not None
    assert info.duration == pytest.approx(latest.offer.seconds, abs=0.1)
    assert win.current() == "trim"
    assert recovery.find_unfinished(folder) == []
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)


def test_discarding_a_recording_with_video_asks_first(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = paths.recordings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / "recording-kept.mp4"
    recorder = Recorder(final, 320, 240, 30)
    recorder.start()
    feed(recorder, TestPatternCamera(320, 240, 30), ToneMicrophone(), 1.5)
    recorder._queue.close()  # the worker ends without Stop's remux: what a crash leaves
    assert recorder._thread is not None
    recorder._thread.join()
    recorder._release_for_recovery()
    answers = [False, True]
    monkeypatch.setattr(confirm, "ask", lambda *_a: answers.pop(0))

    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitUntil(lambda: win.recovery_dialog is not None, timeout=30000)
    dialog = win.recovery_dialog
    assert dialog is not None
    [row] = dialog.rows
    row.discard_button.click()  # Keep
    assert dialog.rows == [row] and recovery.sidecar_path(final).exists()
    row.discard_button.click()  # Discard
    qtbot.waitUntil(lambda: not recovery.sidecar_path(final).exists(), timeout=10000)
    assert not dialog.isVisible() and answers == []
    assert not any(p.exists() for p in recovery.working_files(final))
    assert win.drafts.draft.video is None
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)

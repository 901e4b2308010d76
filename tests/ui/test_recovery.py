"""A recording process is killed mid-recording; the app, launched again, offers the unfinished
recording and recovers it: it plays and is at most 2 s short of what was captured."""

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
from rep_video.media.probe import probe
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


def test_killed_recording_is_recovered_on_launch(qtbot: QtBot, tmp_path: Path) -> None:
    target = paths.recordings_dir() / "recording-killed.mp4"
    target.parent.mkdir(parents=True, exist_ok=True)
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

    make_app()
    asked: list[int] = []
    win = MainWindow(demo_devices=True)
    win.ask_recover = lambda n: asked.append(n) or True
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitUntil(lambda: win.drafts.draft.video is not None, timeout=60000)
    assert asked == [1]
    info = probe(win.drafts.draft.video)
    assert info.video is not None and info.audio is not None
    assert captured - 2.0 <= info.duration <= captured + 0.5
    assert win.current() == "trim"
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)

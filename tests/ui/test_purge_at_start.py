"""The app purges its own delivered data at start, on a worker thread: a recording whose send
was delivered longer ago than `policy.laptop_retention_days` (30) goes when the window
starts; a recording never sent stays."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rep_video import paths
from rep_video.share.local_retention import DAY
from rep_video.share.outbox import Outbox, OutboxWorker
from tests.unit.share.test_package import stage
from ui.main import make_app
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def test_start_purges_recordings_delivered_long_ago(
    qtbot: QtBot, sample_clip: Path, tmp_path: Path
) -> None:
    folder = paths.recordings_dir()
    folder.mkdir(parents=True)
    sent, unsent = folder / "recording-sent.mp4", folder / "recording-unsent.mp4"
    for path in (sent, unsent):
        shutil.copyfile(sample_clip, path)
    package = stage(sent)
    worker = OutboxWorker(Outbox())
    worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    assert [e.state for e in worker.run_pending()] == ["done"]
    month_ago = time.time() - 31 * DAY  # as if delivered and recorded a month ago
    with sqlite3.connect(paths.outbox_db()) as db:
        db.execute("UPDATE entries SET updated_at = ?", (month_ago,))
    for path in (sent, unsent):
        os.utime(path, (month_ago, month_ago))

    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    try:
        qtbot.waitUntil(lambda: not sent.exists(), timeout=15000)
        assert unsent.is_file()
    finally:
        win.close()
        assert isinstance(win.runner, TaskRunner)
        win.runner.wait_idle(30000)

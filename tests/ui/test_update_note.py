"""With `updates.url` set, the app asks it at start (on a worker) and, when IT announces a
newer release, shows it under the steps with its download link; with none, no note (that
nothing is asked is tests/unit/test_updates.py's)."""

from __future__ import annotations

import json

import pytest
from pytestqt.qtbot import QtBot

from rep_video import paths
from tests.unit.test_updates import RELEASE, _Notice
from ui.main import make_app
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def _launch(qtbot: QtBot) -> MainWindow:
    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    return win


def _close(win: MainWindow) -> None:
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)


def test_a_newer_release_shows_under_the_steps(qtbot: QtBot) -> None:
    notice = _Notice()
    try:
        notice.body = json.dumps(RELEASE).encode()
        config = paths.config_dir() / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'[updates]\nurl = "{notice.url}"\n', encoding="utf-8")
        win = _launch(qtbot)
        qtbot.waitUntil(win.update_note.isVisible, timeout=15000)
        text = win.update_note.text()
        assert "RepVideo 9.1.0 is available" in text
        assert f'href="{RELEASE["download"]}"' in text
        assert win.update_note.toolTip() == "Fixes" and notice.hits == 1
        _close(win)
    finally:
        notice.close()


def test_no_update_url_no_note(qtbot: QtBot) -> None:
    win = _launch(qtbot)
    qtbot.wait(300)
    assert not win.update_note.isVisible()
    _close(win)

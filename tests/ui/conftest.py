"""UI test fixtures: the themed QApplication, the main window with the synthetic devices, and
the real share server process (tests/support/server_process.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.server_process import share_server  # noqa: F401 (a fixture)
from ui.main import make_app
from ui.share_result import release_clipboard
from ui.tasks import TaskRunner
from ui.ui_thread_gc import UiThreadCollector
from ui.window import MainWindow


@pytest.fixture(autouse=True)
def _clipboard_released() -> Iterator[None]:
    """pytest-qt's QApplication never quits, so do what aboutToQuit does in the app."""
    yield
    release_clipboard()


@pytest.fixture(autouse=True)
def _windows_go_with_their_test() -> Iterator[None]:
    """Runs last after each test. pytest-qt closes a test's widgets with deleteLater, which
    only an event loop carries out: left alone, a test's window (its media player, camera
    session and thread pools) was destroyed inside the next test's qtbot.wait, while that
    test's capture threads ran — where CI's rare segfaults happened. So the windows are
    destroyed here, in their own test, with their threads stopped and nothing else running,
    and their cycles collected. Then tests that are not the app get Python's own collection
    back (the app collects cycles on the UI thread only, ui/ui_thread_gc.py)."""
    yield
    app = QApplication.instance()
    if app is None:
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    collector = app.findChild(UiThreadCollector)
    if isinstance(collector, UiThreadCollector):
        collector.stop()


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The app as `rep-video --demo-devices` starts it, with real worker threads."""
    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    yield win
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)


@pytest.fixture(autouse=True)
def _short_revoke_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A confirmed revoke waits 8 s for an undo in the app; flows that revoke need not wait.
    tests/ui/test_revoke_undo.py sets the grace it exercises."""
    from ui import revoke_grace

    monkeypatch.setattr(revoke_grace, "GRACE_MS", 50)
